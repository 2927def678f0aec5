// Staff API: the desk's report for a period, as JSON, CSV or an Excel workbook, and day by day
// (docs/api.md, "Reports").
#include <fmt/format.h>

#include "app/http_support.hpp"
#include "app/staff_routes.hpp"
#include "tracking/report.hpp"
#include "tracking/report_xlsx.hpp"

namespace app::staff_routes {
namespace {

Result<tracking::Period> period_of(const Context& desk, const Request& req) {
  return tracking::parse_period(req.get_param_value("from"), req.get_param_value("to"),
                                desk.clock.now());
}

// The attachment header of a download of the report for `period` ("hoso-report-<from>-<to>.csv").
std::pair<std::string, std::string> attachment(const tracking::Period& period,
                                               std::string_view extension) {
  return {"Content-Disposition",
          fmt::format("attachment; filename=\"hoso-report-{}-{}.{}\"",
                      common::format_date(common::local_date(period.from)),
                      common::format_date(common::local_date(period.to)), extension)};
}

enum class Format { json, csv, xlsx };

// The report for the period the request names, as JSON, a CSV download or an Excel workbook.
Result<Reply> report_as(Context& desk, const Request& req, Format format) {
  TRY_ASSIGN(const auto period, period_of(desk, req));
  TRY_ASSIGN(const auto report,
             tracking::build_report(desk.store, period, desk.report_options, desk.clock.now()));
  const common::Lang lang = http::request_lang(req);
  Reply reply;
  switch (format) {
    case Format::json:
      reply.body = tracking::report_json(report, lang);
      return reply;
    case Format::csv:
      // With a byte order mark: Excel reads a CSV without one in the machine's legacy code page.
      reply.body = std::string(tracking::k_utf8_bom) + tracking::report_csv(report, lang);
      reply.content_type = "text/csv; charset=utf-8";
      reply.headers.push_back(attachment(period, "csv"));
      return reply;
    case Format::xlsx: {
      TRY_ASSIGN(reply.body, tracking::report_xlsx(report));
      reply.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
      reply.headers.push_back(attachment(period, "xlsx"));
      return reply;
    }
  }
  return reply;
}

Result<Reply> report(Context& desk, const Request& req, const staff::Principal&) {
  return report_as(desk, req, Format::json);
}

Result<Reply> report_csv(Context& desk, const Request& req, const staff::Principal&) {
  return report_as(desk, req, Format::csv);
}

Result<Reply> report_xlsx(Context& desk, const Request& req, const staff::Principal&) {
  return report_as(desk, req, Format::xlsx);
}

Result<Reply> daily(Context& desk, const Request& req, const staff::Principal&) {
  TRY_ASSIGN(const auto period, period_of(desk, req));
  TRY_ASSIGN(const auto days,
             tracking::daily_counts(desk.store, period, desk.report_options, desk.clock.now()));
  json out = json::array();
  for (const tracking::DayCounts& d : days) {
    json received = json::object();
    for (const auto& [channel, n] : d.received_by_channel) received[std::to_string(channel)] = n;
    out.push_back({{"date", common::format_date(d.day)},
                   {"received", received},
                   {"resolved", d.resolved},
                   {"on_time", d.on_time},
                   {"late", d.late},
                   {"backlog", d.backlog}});
  }
  return json_reply(json{{"days", out}});
}

}  // namespace

std::vector<Route> report_routes() {
  using P = staff::Permission;
  return {{Method::get, "/api/report", P::reports, report},
          {Method::get, "/api/report.csv", P::reports, report_csv},
          {Method::get, "/api/report.xlsx", P::reports, report_xlsx},
          {Method::get, "/api/report/daily", P::reports, daily}};
}

}  // namespace app::staff_routes
