// The desk's report over a real SQLite file with dossiers moved by the real lifecycle:
// counts by channel and field, the national on-time rule (supplement waiting subtracted
// through the restarted appointment, more than one supplement late, an apology not a new
// appointment), the backlog as it stood at the end of a past period, transit times per route
// against J+n limits, failed return deliveries, and the shape of the CSV and JSON.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/tracking/report_desk.hpp"
#include "tracking/report.hpp"

namespace {

using report_test::at;
using report_test::Desk;
using tracking::Action;

tracking::Period period(const char* from, const char* to) { return {at(from), at(to)}; }

tracking::DeskReport report_of(Desk& desk, const tracking::Period& p,
                               const tracking::ReportOptions& options = {}) {
  auto report = tracking::build_report(*desk.store, p, options, desk.clock.now());
  REQUIRE_MESSAGE(report.has_value(), (report ? std::string() : report.error().message));
  return *report;
}

const tracking::LateDossier* late_of(const tracking::DeskReport& r, const std::string& code) {
  for (const auto& l : r.late) {
    if (l.code == code) return &l;
  }
  return nullptr;
}

TEST_CASE(
    "a dossier finished after its first due date but before the one restarted after its "
    "supplement is on time") {
  Desk desk;
  // Two dossiers with the same life: filed Monday 2 March (due Monday 9 March), a supplement
  // requested on Tuesday 3, the complete dossier arriving Monday 16 (due restarts: Monday 23).
  const db::Id a = desk.receive("EB000000011VN", at("2026-03-02 09:00"));
  const db::Id b = desk.receive("EB000000012VN", at("2026-03-02 09:00"));
  const std::string code_a = *desk.act(a, Action::accept, "2026-03-02 10:00").after.code;
  const std::string code_b = *desk.act(b, Action::accept, "2026-03-02 10:01").after.code;
  for (const db::Id id : {a, b}) desk.act(id, Action::start_processing, "2026-03-03 09:00");
  for (const db::Id id : {a, b}) desk.act(id, Action::request_supplement, "2026-03-03 10:00");
  for (const db::Id id : {a, b}) {
    auto t = desk.act(id, Action::supplement_received, "2026-03-16 10:00");
    CHECK(common::format_local(*t.after.due_at) == "2026-03-23 17:00:00");
  }
  desk.act(a, Action::mark_processed, "2026-03-23 16:00");  // 14 days after 9 March, on time
  desk.act(b, Action::mark_processed, "2026-03-24 09:00");  // one day after the restarted date

  const auto r = report_of(desk, period("2026-03-01", "2026-04-01"));
  CHECK(r.total.resolved == 2);
  CHECK(r.total.on_time == 1);
  CHECK(r.total.early == 0);
  CHECK(r.total.late == 1);
  CHECK(late_of(r, code_a) == nullptr);
  const auto* late = late_of(r, code_b);
  REQUIRE(late != nullptr);
  REQUIRE(late->appointment.has_value());
  CHECK(common::format_local(*late->appointment) == "2026-03-23 17:00:00");
  CHECK(late->supplements == 1);
  CHECK(late->reason == tracking::LateReason::after_appointment);
  CHECK(tracking::late_reason_text(late->reason).render(common::Lang::en) ==
        "finished after the appointment");
}

TEST_CASE(
    "more than one supplement request (a history from before Decree 118/2025) makes a dossier late "
    "even when finished early") {
  Desk desk;
  const db::Id once = desk.receive("EB000000021VN", at("2026-03-02 09:00"));
  const db::Id twice = desk.receive("EB000000022VN", at("2026-03-02 09:00"));
  desk.act(once, Action::accept, "2026-03-02 10:00");
  const std::string code = *desk.act(twice, Action::accept, "2026-03-02 10:00").after.code;
  for (const db::Id id : {once, twice})
    desk.act(id, Action::request_supplement, "2026-03-03 10:00");
  for (const db::Id id : {once, twice})
    desk.act(id, Action::supplement_received, "2026-03-04 09:00");
  // hoso now refuses a second request (Art. 11(2)(c)); a desk's history from before it may hold
  // one: written here as such a desk left it.
  desk.write([&](db::Transaction& tx) -> common::Result<void> {
    db::Dossier d = tx.get_dossier(twice).value().value();
    d.supplement_count = 0;
    return tx.update_dossier(d);
  });
  desk.act(twice, Action::request_supplement, "2026-03-05 10:00");
  desk.act(twice, Action::supplement_received, "2026-03-06 09:00");  // due Friday 13 March
  for (const db::Id id : {once, twice}) desk.act(id, Action::start_processing, "2026-03-06 10:00");
  for (const db::Id id : {once, twice}) desk.act(id, Action::mark_processed, "2026-03-09 10:00");

  const auto r = report_of(desk, period("2026-03-01", "2026-04-01"));
  CHECK(r.total.resolved == 2);
  CHECK(r.total.early == 1);  // finished Monday 9, due Wednesday 11
  CHECK(r.total.late == 1);
  CHECK(r.late_many_supplements == 1);
  const auto* late = late_of(r, code);
  REQUIRE(late != nullptr);
  CHECK(late->supplements == 2);
  CHECK(late->reason == tracking::LateReason::many_supplements);
  CHECK(tracking::late_reason_name(late->reason) == "many_supplements");
}

TEST_CASE("an apology's new date does not make a late dossier on time") {
  Desk desk;
  std::vector<db::Id> ids;
  std::vector<std::string> codes;
  for (const char* number : {"EB000000031VN", "EB000000032VN", "EB000000033VN"}) {
    ids.push_back(desk.receive(number, at("2026-03-02 09:00")));
  }
  for (const db::Id id : ids)
    codes.push_back(*desk.act(id, Action::accept, "2026-03-02 10:00").after.code);
  for (const db::Id id : ids) desk.act(id, Action::start_processing, "2026-03-03 09:00");
  for (const db::Id id : ids) {
    auto t = desk.act(id, Action::apologise, "2026-03-05 10:00", [](auto& r) {
      r.new_date = report_test::day("2026-03-12");
      r.reason = "Chờ ý kiến của sở";
    });
    CHECK(common::format_local(*t.after.due_at) == "2026-03-12 17:00:00");
  }
  desk.act(ids[0], Action::mark_processed, "2026-03-09 12:00");  // before the first due date
  desk.act(ids[1], Action::mark_processed, "2026-03-11 10:00");  // late, by the new date
  desk.act(ids[2], Action::mark_processed, "2026-03-13 10:00");  // late, after the new date too

  const auto r = report_of(desk, period("2026-03-01", "2026-04-01"));
  CHECK(r.total.resolved == 3);
  CHECK(r.total.on_time == 1);
  CHECK(r.total.late == 2);
  CHECK(r.late_apologised == 2);
  CHECK(r.late_met_new_date == 1);
  const auto* met = late_of(r, codes[1]);
  REQUIRE(met != nullptr);
  CHECK(met->apologised);
  CHECK(met->met_new_date);
  CHECK(common::format_local(*met->appointment) == "2026-03-09 17:00:00");
  CHECK(common::format_local(*met->new_date) == "2026-03-12 17:00:00");
  const auto* missed = late_of(r, codes[2]);
  REQUIRE(missed != nullptr);
  CHECK_FALSE(missed->met_new_date);
}

TEST_CASE("the backlog lists open dossiers past due as they stood at the end of the period") {
  Desk desk;
  const db::Id overdue = desk.receive("EB000000041VN", at("2026-03-02 09:00"));
  const db::Id waiting = desk.receive("EB000000042VN", at("2026-03-02 09:00"));
  const std::string code = *desk.act(overdue, Action::accept, "2026-03-02 10:00").after.code;
  desk.act(waiting, Action::accept, "2026-03-02 10:00");
  desk.act(overdue, Action::start_processing, "2026-03-03 09:00");
  desk.act(waiting, Action::request_supplement, "2026-03-04 10:00");  // clock stopped
  const db::Id later = desk.receive("EB000000043VN", at("2026-03-10 09:00"));
  desk.act(later, Action::accept, "2026-03-10 10:00");    // due Tuesday 17 March
  desk.receive("EB000000044VN", at("2026-03-11 09:00"));  // not yet accepted
  desk.clock.set(at("2026-03-13 08:00"));

  const auto first = report_of(desk, period("2026-03-01", "2026-03-13"));
  CHECK(first.total.open_overdue == 1);
  CHECK(first.total.open_within == 3);
  REQUIRE(first.backlog.size() == 1);
  CHECK(first.backlog[0].code == code);
  CHECK(first.backlog[0].state == db::DossierState::in_process);
  CHECK(first.backlog[0].working_days_overdue == 3);  // 10, 11 and 12 March

  // Finished a week later: the report for the first period still shows it as it stood then.
  desk.act(overdue, Action::mark_processed, "2026-03-20 10:00");
  const auto again = report_of(desk, period("2026-03-01", "2026-03-13"));
  REQUIRE(again.backlog.size() == 1);
  CHECK(again.backlog[0].code == code);
  CHECK(again.total.resolved == 0);

  const auto month = report_of(desk, period("2026-03-01", "2026-04-01"));
  REQUIRE(month.backlog.size() == 1);
  CHECK(month.backlog[0].code != code);
  CHECK(month.total.resolved == 1);
  CHECK(month.total.late == 1);
  // `later` was due Tuesday 17 and is still in the desk's hands at the end of March.
  CHECK(month.total.open_overdue == 1);

  const auto second_half = report_of(desk, period("2026-03-13", "2026-04-01"));
  CHECK(second_half.total.received == 0);
  CHECK(second_half.total.carried_over == 4);
}

TEST_CASE("dossiers received in the period are counted by channel and by procedure field") {
  Desk desk;
  const db::Id in_person = desk.receive("EB000000051VN", at("2026-03-02 09:00"), 1);
  const db::Id postal = desk.receive("EB000000052VN", at("2026-03-02 09:00"));
  desk.receive("EB000000053VN", at("2026-03-03 09:00"));
  desk.receive("EB000000054VN", at("2026-02-27 09:00"));  // the month before
  const std::string building = "X3";
  desk.act(in_person, Action::accept, "2026-03-03 10:00",
           [&](tracking::ActionRequest& r) { r.procedure_code = building; });
  desk.act(postal, Action::accept, "2026-03-03 10:00");

  const auto r = report_of(desk, period("2026-03-01", "2026-04-01"));
  CHECK(r.total.received == 3);
  CHECK(r.received_by_channel.at(1) == 1);
  CHECK(r.received_by_channel.at(3) == 2);
  CHECK(r.received_by_channel.count(2) == 0);
  CHECK(r.by_field.at("xay_dung").received == 1);
  CHECK(r.by_field.at("dat_dai").received == 1);
  CHECK(r.by_field.at("").received == 1);  // not accepted yet: no procedure
  CHECK(r.total.carried_over == 1);        // the February envelope, still open
}

// Offices 10xxxx in Hà Nội and 55xxxx in Đà Nẵng; J+1 within a province, J+2 between the two.
tracking::ReportOptions two_provinces() {
  tracking::TransitTable table;
  table.add_office_prefix("10", "Hà Nội");
  table.add_office_prefix("55", "Đà Nẵng");
  table.add_limit("*", "=", 1);
  table.add_limit("Hà Nội", "Đà Nẵng", 2);
  tracking::ReportOptions options;
  options.transit.emplace("vnpost", std::move(table));
  return options;
}

const tracking::RouteTransit* route_of(const tracking::DeskReport& r, db::Direction direction,
                                       const std::string& from, const std::string& to) {
  for (const auto& t : r.transit) {
    if (t.direction == direction && t.from == from && t.to == to) return &t;
  }
  return nullptr;
}

TEST_CASE("transit times are grouped by route and compared with the route's J+n limit") {
  Desk desk;
  const db::Id fast = desk.receive("EB000000061VN", at("2026-03-04 10:00"));
  const db::Id slow = desk.receive("EB000000062VN", at("2026-03-06 10:00"));
  desk.receive("EB000000063VN", at("2026-03-06 10:00"));  // no carrier event known
  const db::Id fast_in = desk.shipment_id("EB000000061VN", db::Direction::inbound);
  const db::Id slow_in = desk.shipment_id("EB000000062VN", db::Direction::inbound);
  desk.carrier_event(fast_in, "2026-03-02 10:00", "picked_up", "100900", "Bưu cục Hoàn Kiếm");
  desk.carrier_event(fast_in, "2026-03-04 09:00", "delivered", "551000", "Bưu cục Hải Châu");
  desk.carrier_event(slow_in, "2026-03-02 10:00", "picked_up", "101000", "Bưu cục Ba Đình");
  desk.carrier_event(slow_in, "2026-03-03 10:00", "in_transit", "100000", "Trung tâm Hà Nội");
  desk.carrier_event(slow_in, "2026-03-06 09:00", "delivered", "552000", "Bưu cục Thanh Khê");
  // Results going back within Đà Nẵng, and to an office the table does not know.
  const db::Id local = desk.add_return(fast, "EL000000071VN", at("2026-03-10 09:00"));
  desk.carrier_event(local, "2026-03-10 11:00", "picked_up", "551000", "Bưu cục Hải Châu");
  desk.carrier_event(local, "2026-03-11 10:00", "delivered", "552000", "Bưu cục Thanh Khê");
  const db::Id far = desk.add_return(slow, "EL000000072VN", at("2026-03-10 09:00"));
  desk.carrier_event(far, "2026-03-10 11:00", "picked_up", "551000", "Bưu cục Hải Châu");
  desk.carrier_event(far, "2026-03-16 10:00", "delivered", "990000", "Bưu cục xa");

  const auto r = report_of(desk, period("2026-03-01", "2026-04-01"), two_provinces());
  const auto* inbound = route_of(r, db::Direction::inbound, "Hà Nội", "Đà Nẵng");
  REQUIRE(inbound != nullptr);
  CHECK(inbound->limit_days == 2);
  CHECK(inbound->shipments == 2);
  CHECK(inbound->within_limit == 1);  // Monday to Wednesday: J+2
  CHECK(inbound->over_limit == 1);    // Monday to Friday: J+4
  CHECK(inbound->max_working_days == 4);
  CHECK(inbound->median_hours == doctest::Approx(71.0));  // 47 h and 95 h
  const auto* local_route = route_of(r, db::Direction::outbound, "Đà Nẵng", "Đà Nẵng");
  REQUIRE(local_route != nullptr);
  CHECK(local_route->limit_days == 1);
  CHECK(local_route->within_limit == 1);
  const auto* unknown = route_of(r, db::Direction::outbound, "Đà Nẵng", "(office 990000)");
  REQUIRE(unknown != nullptr);
  CHECK_FALSE(unknown->limit_days.has_value());
  CHECK(unknown->shipments == 1);
  CHECK(unknown->over_limit == 0);
  CHECK(r.transit_without_events == 1);
  CHECK(r.transit.size() == 3);

  // Outside the period nothing is timed.
  CHECK(report_of(desk, period("2026-04-01", "2026-05-01"), two_provinces()).transit.empty());
}

TEST_CASE("the shipped Vietnam Post limits give J+1 within a province and J+2 between big cities") {
  const std::filesystem::path carriers =
      std::filesystem::path(HOSO_SOURCE_DIR) / "samples/carriers";
  auto tables = tracking::load_transit_tables(carriers);
  REQUIRE_MESSAGE(tables.has_value(), (tables ? std::string() : tables.error().message));
  REQUIRE(tables->count("vnpost") == 1);
  const tracking::TransitTable& vnpost = tables->at("vnpost");
  CHECK(vnpost.province_of("551000") == "Đà Nẵng");
  CHECK(vnpost.province_of("122000") == "Hà Nội");
  CHECK(vnpost.province_of("736000") == "TP. Hồ Chí Minh");
  CHECK(vnpost.province_of("990000").empty());
  CHECK(vnpost.limit("Đà Nẵng", "Đà Nẵng") == 1);
  CHECK(vnpost.limit("TP. Hồ Chí Minh", "Hà Nội") == 2);
  CHECK(vnpost.limit("Hà Nội", "TP. Hồ Chí Minh") == 2);
  CHECK(vnpost.limit("Nghệ An", "Cần Thơ") == 3);

  test_support::TempDir dir;
  const auto bad = dir.write("x-transit.csv", "from,to,days\nHà Nội,Đà Nẵng,two\n");
  auto refused = tracking::TransitTable::load(bad, {});
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == common::ErrorCode::bad_input);
  CHECK(refused.error().message.find("x-transit.csv:2") != std::string::npos);
}

// Three results dispatched on Tuesday 10 March: one returned to the desk after two failed
// attempts, one delivered at the second attempt, one delivered at once.
struct Returns {
  Desk desk;
  db::Id returned = 0;
  std::string returned_code;

  Returns() {
    std::vector<db::Id> ids;
    for (const char* number : {"EB000000081VN", "EB000000082VN", "EB000000083VN"}) {
      ids.push_back(desk.receive(number, at("2026-03-02 09:00")));
    }
    returned = ids[0];
    returned_code = *desk.act(ids[0], Action::accept, "2026-03-02 10:00").after.code;
    for (std::size_t i = 1; i < ids.size(); ++i)
      desk.act(ids[i], Action::accept, "2026-03-02 10:00");
    for (const db::Id id : ids) desk.act(id, Action::start_processing, "2026-03-03 09:00");
    for (const db::Id id : ids) desk.act(id, Action::mark_processed, "2026-03-06 10:00");
    for (const db::Id id : ids) desk.act(id, Action::dispatch_return, "2026-03-10 09:00");
    const db::Id back = desk.add_return(ids[0], "EL000000091VN", at("2026-03-10 09:00"));
    const db::Id second = desk.add_return(ids[1], "EL000000092VN", at("2026-03-10 09:00"));
    const db::Id once = desk.add_return(ids[2], "EL000000093VN", at("2026-03-10 09:00"));
    for (const db::Id s : {back, second, once}) {
      desk.carrier_event(s, "2026-03-10 11:00", "picked_up", "551000", "Bưu cục Hải Châu");
      desk.carrier_event(s, "2026-03-11 08:00", "out_for_delivery", "100900", "Bưu cục Hoàn Kiếm");
    }
    desk.carrier_event(once, "2026-03-11 10:00", "delivered", "100900", "Bưu cục Hoàn Kiếm");
    for (const db::Id s : {back, second}) {
      desk.carrier_event(s, "2026-03-11 10:00", "delivery_failed", "100900", "Bưu cục Hoàn Kiếm",
                         "Người nhận vắng nhà");
      desk.carrier_event(s, "2026-03-13 08:00", "out_for_delivery", "100900", "Bưu cục Hoàn Kiếm");
    }
    desk.carrier_event(second, "2026-03-13 10:00", "delivered", "100900", "Bưu cục Hoàn Kiếm");
    desk.carrier_event(back, "2026-03-13 10:00", "delivery_failed", "100900", "Bưu cục Hoàn Kiếm");
    desk.carrier_event(back, "2026-03-13 15:00", "return_to_sender", "100900", "Bưu cục Hoàn Kiếm");
    desk.carrier_event(back, "2026-03-16 10:00", "returned", "551000", "Bưu cục Hải Châu");
    desk.act(ids[0], Action::record_return_failure, "2026-03-16 11:00");
    desk.act(ids[1], Action::record_delivery, "2026-03-16 11:00");
    desk.act(ids[2], Action::record_delivery, "2026-03-16 11:00");
  }
};

TEST_CASE(
    "return shipments with failed attempts are listed, and those sent back to the desk are "
    "marked") {
  Returns returns;
  const auto r = report_of(returns.desk, period("2026-03-01", "2026-04-01"));
  REQUIRE(r.failed_deliveries.size() == 2);
  const auto& back = r.failed_deliveries[0].tracking_number == "EL000000091VN"
                         ? r.failed_deliveries[0]
                         : r.failed_deliveries[1];
  const auto& second =
      &back == &r.failed_deliveries[0] ? r.failed_deliveries[1] : r.failed_deliveries[0];
  CHECK(back.tracking_number == "EL000000091VN");
  CHECK(back.failed_attempts == 2);
  CHECK(back.returned_to_desk);
  CHECK(back.shipment_status == "returned");
  CHECK(back.dossier_code == returns.returned_code);
  CHECK(back.dossier_state == db::DossierState::return_failed);
  CHECK(second.tracking_number == "EL000000092VN");
  CHECK(second.failed_attempts == 1);
  CHECK_FALSE(second.returned_to_desk);
  CHECK(second.shipment_status == "delivered");

  CHECK(report_of(returns.desk, period("2026-03-12", "2026-04-01")).failed_deliveries.empty());
}

// Splits a CSV line into fields (quotes honoured).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"' && quoted && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

TEST_CASE("the report as CSV has one fact per row and as JSON the same numbers") {
  Returns returns;
  const db::Id open = returns.desk.receive("EB000000099VN", at("2026-03-17 09:00"), 1);
  returns.desk.act(open, Action::accept, "2026-03-17 10:00");  // due Tuesday 24 March
  const auto r = report_of(returns.desk, period("2026-03-01", "2026-03-20"), two_provinces());

  const std::string csv = tracking::report_csv(r, common::Lang::en);
  const auto lines = test_support::lines_of(csv);
  REQUIRE(lines.size() > 10);
  CHECK(lines[0] == "section,group,metric,value");
  // In Vietnamese the header is Vietnamese, the rows the same.
  const auto vi_lines = test_support::lines_of(tracking::report_csv(r, common::Lang::vi));
  REQUIRE(vi_lines.size() == lines.size());
  CHECK(vi_lines[0] == "phần,nhóm,chỉ tiêu,giá trị");
  CHECK(vi_lines[1] == lines[1]);
  std::vector<std::vector<std::string>> rows;
  for (const std::string& line : lines) {
    rows.push_back(csv_fields(line));
    CHECK_MESSAGE(rows.back().size() == 4, line);
  }
  const auto has = [&](std::vector<std::string> row) {
    return std::find(rows.begin(), rows.end(), row) != rows.end();
  };
  CHECK(has({"received", "channel 1", "dossiers", "1"}));
  CHECK(has({"received", "channel 2", "dossiers", "0"}));
  CHECK(has({"received", "channel 3", "dossiers", "3"}));
  CHECK(has({"field", "dat_dai", "resolved", "3"}));
  CHECK(has({"field", "total", "early", "3"}));
  CHECK(has({"field", "total", "open_within", "1"}));
  CHECK(has({"failed_delivery", "EL000000091VN", "returned_to_desk", "yes"}));
  // Delivered after 1 and 3 working days; the Hà Nội–Đà Nẵng row applies both ways.
  CHECK(has({"transit", "return vnpost Đà Nẵng → Hà Nội", "shipments", "2"}));
  CHECK(has({"transit", "return vnpost Đà Nẵng → Hà Nội", "limit_days", "2"}));
  CHECK(has({"transit", "return vnpost Đà Nẵng → Hà Nội", "over_limit", "1"}));
  CHECK(has({"period", "", "from", "2026-03-01T00:00:00+07:00"}));

  const auto json = nlohmann::json::parse(tracking::report_json(r, common::Lang::en));
  CHECK(json["period"]["to"] == "2026-03-20T00:00:00+07:00");
  CHECK(json["received_by_channel"]["3"] == 3);
  CHECK(json["by_field"]["dat_dai"]["resolved"] == 3);
  CHECK(json["total"]["open_within"] == 1);
  REQUIRE(json["failed_deliveries"].size() == 2);
  CHECK(json["transit"][0]["direction"] == "return");
  CHECK(json["agency"]["code"] == report_test::k_agency);

  const std::string text = tracking::report_text(r, common::Lang::en);
  CHECK(text.find("hết ngày 2026-03-19") != std::string::npos);
  CHECK(text.find("EL000000091VN") != std::string::npos);
  CHECK(text.find(report_test::k_name) == std::string::npos);
}

TEST_CASE("a report for an empty period is refused") {
  Desk desk;
  auto report =
      tracking::build_report(*desk.store, period("2026-03-10", "2026-03-10"), {}, desk.clock.now());
  REQUIRE_FALSE(report.has_value());
  CHECK(report.error().code == common::ErrorCode::invalid_argument);
}

}  // namespace
