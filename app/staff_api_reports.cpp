// Staff API: the desk's report for a period, as JSON or CSV, and day by day (docs/api.md,
// "Reports").
#include <fmt/format.h>

#include "app/http_support.hpp"
#include "app/staff_routes.hpp"
#include "tracking/report.hpp"

namespace app::staff_routes {
namespace {

Result<tracking::Period> period_of(const Context& desk, const Request& req) {
  return tracking::parse_period(req.get_param_value("from"), req.get_param_value("to"),
                                desk.clock.now());
}

// The report for the period the request names, as JSON or as a CSV download.
Result<Reply> report_as(Context& desk, const Request& req, bool csv) {
  TRY_ASSIGN(const auto period, period_of(desk, req));
  TRY_ASSIGN(const auto report,
             tracking::build_report(desk.store, period, desk.report_options, desk.clock.now()));
  Reply reply;
  if (!csv) {
    reply.body = tracking::report_json(report, http::request_lang(req));
    return reply;
  }
  reply.body = tracking::report_csv(report);
  reply.content_type = "text/csv; charset=utf-8";
  reply.headers.emplace_back("Content-Disposition",
                             fmt::format("attachment; filename=\"hoso-report-{}-{}.csv\"",
                                         common::format_date(common::local_date(period.from)),
                                         common::format_date(common::local_date(period.to))));
  return reply;
}

Result<Reply> report(Context& desk, const Request& req, const staff::Principal&) {
  return report_as(desk, req, false);
}

Result<Reply> report_csv(Context& desk, const Request& req, const staff::Principal&) {
  return report_as(desk, req, true);
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
          {Method::get, "/api/report/daily", P::reports, daily}};
}

}  // namespace app::staff_routes
