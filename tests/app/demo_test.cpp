// `hoso demo` end to end: the sample envelopes registered, the officers' scripted
// actions, results posted through the carrier simulator, its deliveries synced. Every dossier must
// end where its script and the carrier's scripted sequence for its return shipment put it.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "app/demo_command.hpp"
#include "common/s10.hpp"
#include "db/store.hpp"
#include "tests/support/files.hpp"
#include "tracking/documents.hpp"
#include "tracking/lookup.hpp"

namespace {

using common::Result;
using db::DossierState;

// The state a dossier's return shipment leaves it in, by the carrier's scenario for it
// (samples/carriers/vnpost/README.md, "Scenarios").
// A UPU S10 number with a right check digit ("EB123456785VN").
bool valid_s10(const std::string& number) {
  if (number.size() != 13) return false;
  const int check = common::s10_check_digit(number.substr(2, 8));
  return check >= 0 && number[10] == static_cast<char>('0' + check) && number.substr(11) == "VN";
}

DossierState after_return(const std::string& scenario) {
  if (scenario == "delivered" || scenario == "failed_once") return DossierState::result_returned;
  if (scenario == "returned") return DossierState::return_failed;  // back at the desk
  return DossierState::return_dispatched;                          // lost: still out there
}

}  // namespace

TEST_CASE(
    "the demo ends with every dossier where the officers' script and the carrier's "
    "scenarios put it") {
  test_support::TempDir dir;
  app::DemoArgs args;
  args.dir = (dir / "demo").string();
  args.once = true;
  std::FILE* log = std::fopen((dir / "demo.log").c_str(), "w");
  REQUIRE(log != nullptr);
  const Result<app::DemoOutcome> outcome = app::run_demo_flow(args, log);
  std::fclose(log);
  INFO(test_support::read_file(dir / "demo.log"));
  REQUIRE(outcome.has_value());
  CHECK(outcome->problems.empty());
  // The summary names how many letters were posted back.
  CHECK_FALSE(outcome->letters_posted.empty());
  CHECK(test_support::read_file(dir / "demo.log")
            .find(fmt::format("letters posted back: {} (refusals",
                              outcome->letters_posted.size())) != std::string::npos);
  CHECK(outcome->plans.size() >= 100);  // the sample envelopes, less the unreadable ones
  CHECK(outcome->finished_at < common::SystemClock().now());  // the history is in the past

  auto store = db::open_sqlite(outcome->database).value();
  std::map<std::string, int> scenarios_seen;
  std::map<app::DemoPlan, int> plans_seen;
  std::vector<std::string> collected_folders;  // codes of the dossiers collected at the desk
  int checked = 0;
  REQUIRE(store
              ->read([&](db::Transaction& tx) -> Result<void> {
                for (const auto& [id, plan] : outcome->plans) {
                  const db::Dossier d = tx.get_dossier(id).value().value();
                  const auto shipments = tx.shipments_of(id).value();
                  const db::Shipment* last_return = nullptr;
                  for (const auto& s : shipments) {
                    if (db::is_result_return(s)) last_return = &s;
                  }
                  INFO("dossier #" << id << " plan " << app::demo_plan_name(plan) << " is "
                                   << db::dossier_state_name(d.state));
                  ++plans_seen[plan];
                  switch (plan) {
                    case app::DemoPlan::collect_at_desk: {
                      // docs/domain.md §1.5: collected at the desk, never posted.
                      CHECK(d.result_delivery == db::ResultDelivery::desk);
                      CHECK(d.state == DossierState::result_returned);
                      CHECK(last_return == nullptr);
                      const auto collection = tx.result_collection_of(id).value();
                      REQUIRE(collection.has_value());
                      CHECK_FALSE(collection->recipient_name.empty());
                      CHECK_FALSE(collection->recipient_id_number.empty());
                      collected_folders.push_back(d.code.value_or(""));
                      break;
                    }
                    case app::DemoPlan::awaiting_collection:
                      // Listed as waiting for the citizen at the desk, never posted.
                      CHECK(d.result_delivery == db::ResultDelivery::desk);
                      CHECK(d.state == DossierState::processed);
                      CHECK(last_return == nullptr);
                      break;
                    case app::DemoPlan::refuse: {
                      CHECK(d.state == DossierState::refused);
                      CHECK(last_return == nullptr);
                      // docs/domain.md §1.5b: the refusal went back by post with its own number.
                      const db::Shipment* letter = nullptr;
                      const db::Shipment* envelope = nullptr;
                      for (const auto& s : shipments) {
                        if (s.purpose == db::ShipmentPurpose::refusal) letter = &s;
                        if (s.direction == db::Direction::inbound && !envelope) envelope = &s;
                      }
                      REQUIRE(letter != nullptr);
                      CHECK(letter->direction == db::Direction::outbound);
                      CHECK(valid_s10(letter->tracking_number));
                      CHECK(outcome->letters_posted.at(id) == letter->tracking_number);
                      // The citizen's lookup shows it, and nothing personal.
                      REQUIRE(envelope != nullptr);
                      const auto view =
                          tracking::citizen_lookup(tx, envelope->tracking_number, d.lookup_code)
                              .value();
                      const std::string json = tracking::citizen_json(view);
                      CHECK(json.find("Đã gửi Phiếu từ chối qua bưu điện, số hiệu " +
                                      letter->tracking_number) != std::string::npos);
                      const auto applicant = tx.applicant_of(id).value();
                      REQUIRE(applicant.has_value());
                      for (const std::string* personal :
                           {&applicant->full_name, &applicant->phone, &applicant->id_number,
                            &applicant->address, &applicant->return_address}) {
                        if (!personal->empty()) CHECK(json.find(*personal) == std::string::npos);
                      }
                      break;
                    }
                    case app::DemoPlan::supplement_pending: {
                      // Asked on the second day, never answered: closed after 15 days (Decree
                      // 118/2025 Art. 19(5)), the stop notice posted back with its number.
                      CHECK(d.state == DossierState::stopped);
                      CHECK(d.due_at == std::nullopt);
                      REQUIRE(outcome->closed_expired.count(id) == 1);
                      const std::string& notice = outcome->closed_expired.at(id);
                      CHECK(valid_s10(notice));
                      const auto events = tx.events_of("dossier", id).value();
                      CHECK(std::any_of(events.begin(), events.end(), [](const db::Event& e) {
                        return e.action == db::EventKind::stopped &&
                               e.reason.find("Điều 19 khoản 5") != std::string::npos;
                      }));
                      break;
                    }
                    case app::DemoPlan::withdraw:
                      CHECK(d.state == DossierState::withdrawn);
                      break;
                    case app::DemoPlan::slow:
                      CHECK(d.state == DossierState::in_process);
                      REQUIRE(d.due_at.has_value());
                      CHECK(*d.due_at < outcome->finished_at);  // overdue: the backlog
                      break;
                    case app::DemoPlan::normal:
                    case app::DemoPlan::supplement_then_ok:
                    case app::DemoPlan::supplement_posted:
                    case app::DemoPlan::apology: {
                      REQUIRE(last_return != nullptr);  // the result went out by post
                      const auto scenario =
                          outcome->return_scenarios.find(last_return->tracking_number);
                      REQUIRE(scenario != outcome->return_scenarios.end());
                      ++scenarios_seen[scenario->second];
                      CHECK(d.state == after_return(scenario->second));
                      if (plan == app::DemoPlan::apology) CHECK(d.reappointed);
                      if (plan == app::DemoPlan::supplement_posted) {
                        CHECK(d.supplement_count == 1);
                      }
                      if (plan == app::DemoPlan::supplement_then_ok) {
                        CHECK(d.supplement_count == 1);
                      }
                      break;
                    }
                  }
                  ++checked;
                }
                return {};
              })
              .has_value());
  CHECK(checked == static_cast<int>(outcome->plans.size()));
  // The supplement came by post in an envelope of its own, carrying the dossier code: joined to
  // that dossier (no new one), which moved on from it. The officer's second request for the same
  // dossier was refused (NĐ 118/2025 Art. 11(2)(c)).
  REQUIRE(outcome->supplements_by_post.size() == 1);
  CHECK(outcome->second_requests_refused.size() == 1);
  REQUIRE(store
              ->read([&](db::Transaction& tx) -> Result<void> {
                CHECK(tx.counts().value().dossiers ==
                      static_cast<std::int64_t>(outcome->plans.size()));
                for (const auto& [id, number] : outcome->supplements_by_post) {
                  INFO("dossier #" << id << ", supplement envelope " << number);
                  CHECK(outcome->plans.at(id) == app::DemoPlan::supplement_posted);
                  const auto shipment =
                      tx.find_shipment(number, db::Direction::inbound, common::Timestamp{}).value();
                  REQUIRE(shipment.has_value());
                  CHECK(shipment->dossier_id == id);
                  const auto events = tx.events_of("dossier", id).value();
                  int by_post = 0;
                  bool moved_on = false;
                  for (std::size_t i = 0; i < events.size(); ++i) {
                    if (events[i].action != db::EventKind::supplement_by_post) continue;
                    ++by_post;
                    CHECK(events[i].data.find(number) != std::string::npos);
                    moved_on = i + 1 < events.size() &&
                               events[i + 1].action == db::EventKind::supplement_received &&
                               events[i + 1].data.find(number) != std::string::npos;
                  }
                  CHECK(by_post == 1);
                  CHECK(moved_on);
                }
                return {};
              })
              .has_value());
  // The run shows each kind of ending at least once, including a failed return.
  CHECK(scenarios_seen["delivered"] > 0);
  CHECK(scenarios_seen["returned"] > 0);
  for (const auto plan : {app::DemoPlan::refuse, app::DemoPlan::supplement_pending,
                          app::DemoPlan::supplement_then_ok, app::DemoPlan::supplement_posted,
                          app::DemoPlan::apology, app::DemoPlan::slow, app::DemoPlan::withdraw,
                          app::DemoPlan::collect_at_desk, app::DemoPlan::awaiting_collection}) {
    CHECK(plans_seen[plan] > 0);
  }
  // Each result collected at the desk has its handover record, signed by the recipient.
  REQUIRE_FALSE(collected_folders.empty());
  for (const std::string& code : collected_folders) {
    const auto record = outcome->documents / code / "collection.html";
    INFO(record.string());
    REQUIRE(std::filesystem::exists(record));
    const std::string html = test_support::read_file(record);
    CHECK(html.find("Phiếu giao trả kết quả") != std::string::npos);
    CHECK(html.find(code) != std::string::npos);
    CHECK(html.find("Người nhận kết quả") != std::string::npos);
  }
  // docs/domain.md §1.4a: dossiers of a procedure another unit decides went there after
  // acceptance and came back to the desk; each control sheet lists the receipt and both handovers.
  REQUIRE_FALSE(outcome->transferred.empty());
  for (const auto& [id, unit] : outcome->transferred) {
    INFO("dossier #" << id);
    CHECK(unit == "Sở Nông nghiệp và Môi trường thành phố Đà Nẵng");
    CHECK(outcome->back_from_unit.count(id) == 1);
    const auto handovers = store
                               ->read<std::vector<db::UnitHandover>>(
                                   [&](db::Transaction& tx) { return tx.unit_handovers_of(id); })
                               .value();
    REQUIRE(handovers.size() == 2);
    CHECK(handovers[0].to_unit == unit);
    CHECK_FALSE(handovers[0].back_to_desk);
    CHECK(handovers[1].from_unit == unit);
    CHECK(handovers[1].back_to_desk);
    const db::Dossier d = store
                              ->read<std::optional<db::Dossier>>(
                                  [&](db::Transaction& tx) { return tx.get_dossier(id); })
                              .value()
                              .value();
    const auto sheet = outcome->documents / tracking::document_folder_name(d) / "form-06.html";
    REQUIRE(std::filesystem::exists(sheet));
    const std::string html = test_support::read_file(sheet);
    CHECK(html.find("Thời gian giao, nhận hồ sơ") != std::string::npos);
    CHECK(html.find("Trung tâm Phục vụ hành chính công phường Hải Châu (demo)") !=
          std::string::npos);
    CHECK(html.find(unit) != std::string::npos);
    CHECK(html.find("Cán bộ Lê Thị Hoa (demo)") != std::string::npos);         // the desk's officer
    CHECK(html.find("Chuyên viên Phạm Thị Thu (demo)") != std::string::npos);  // the unit's
    std::size_t rows = 0;
    for (auto at = html.find("<tr class=\"handover\">"); at != std::string::npos;
         at = html.find("<tr class=\"handover\">", at + 1)) {
      ++rows;
    }
    CHECK(rows == 3);  // the receipt, to the unit, back to the desk
  }
  // The narrative shows the citizen where the result was to be collected.
  CHECK(test_support::read_file(dir / "demo.log")
            .find("Kết quả trả tại Trung tâm: 270 Trưng Nữ "
                  "Vương") != std::string::npos);
}
