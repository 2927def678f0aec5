// Letters back by post (docs/domain.md §1.5b): the refusal posted back with the original documents,
// and the other letters, each a shipment of its own ordered from the carrier simulator over HTTP;
// the same call twice is one shipment; a letter never moves the dossier, and its delivery or
// return is an event of the dossier's history.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/s10.hpp"
#include "db/settings.hpp"
#include "db/store.hpp"
#include "postal_api/sim/simulator.hpp"
#include "postal_api/vnpost.hpp"
#include "tests/support/carrier_sim.hpp"
#include "tests/support/desk.hpp"
#include "tracking/carrier_sync.hpp"
#include "tracking/dispatch.hpp"
#include "tracking/lifecycle.hpp"
#include "tracking/lookup.hpp"

namespace {

using common::ErrorCode;
using db::DossierState;
using tracking::LetterKind;
namespace sim = postal_api::sim;

using test_support::at;
using test_support::k_agency;

// A UPU S10 number with a right check digit ("EB123456785VN").
bool valid_s10(const std::string& number) {
  if (number.size() != 13) return false;
  for (const std::size_t i : {0U, 1U, 11U, 12U}) {
    if (number[i] < 'A' || number[i] > 'Z') return false;
  }
  const int check = common::s10_check_digit(number.substr(2, 8));
  return check >= 0 && number[10] == static_cast<char>('0' + check);
}

struct World : test_support::Desk {
  test_support::CarrierSim carrier_sim;
  sim::Simulator* carrier = carrier_sim.simulator.get();
  db::Id procedure_id = add_procedure("P5", 5, "Cấp giấy chứng nhận quyền sử dụng đất", "dat_dai",
                                      db::TimeUnit::working_days, "2025-01-01");
  tracking::Lifecycle life{*store, clock};
  int envelopes = 0;

  World() : Desk(at("2026-11-23 09:00")), carrier_sim(clock) {
    set(db::k_setting_agency_address, "270 Trưng Nữ Vương, Hải Châu, Đà Nẵng");
  }

  postal_api::CarrierConfig config() const { return carrier_sim.config(); }

  // A dossier registered from its envelope this morning, with the applicant's phone unless told.
  db::Id received(bool with_phone = true) {
    test_support::Received how;
    how.tracking_number = common::make_s10("EB", static_cast<std::uint32_t>(1000 + ++envelopes));
    how.filed = at("2026-11-23 08:00");
    how.lookup_code = "K7M2QX9P";
    test_support::Person person;
    if (!with_phone) person.phone.clear();
    how.applicant = person;
    return receive(how);
  }

  void act(db::Id id, tracking::Action action, std::string reason = "") {
    tracking::ActionRequest request;
    request.action = action;
    request.actor = "hoa.pt";
    request.reason = std::move(reason);
    if (action == tracking::Action::accept) request.procedure_code = "P5";
    if (action == tracking::Action::request_supplement) request.missing = "Bản sao sổ hộ khẩu";
    REQUIRE(life.apply(id, request).has_value());
  }

  db::Id refused(bool with_phone = true) {
    const db::Id id = received(with_phone);
    act(id, tracking::Action::refuse, "Hồ sơ không thuộc thẩm quyền giải quyết");
    return id;
  }

  std::vector<db::Shipment> letters_of(db::Id id) {
    std::vector<db::Shipment> out;
    for (const auto& s : shipments_of(id, db::Direction::outbound)) {
      if (s.purpose != db::ShipmentPurpose::result) out.push_back(s);
    }
    return out;
  }

  std::size_t return_orders(db::Id id) {
    std::size_t count = 0;
    read([&](db::Transaction& tx) -> common::Result<void> {
      count = tx.return_orders_of(id).value().size();
      return {};
    });
    return count;
  }

  // Posts letter `kind` of dossier `id` through `client` (the carrier's), as `actor`.
  common::Result<tracking::Dispatched> post(postal_api::Carrier& client, db::Id id, LetterKind kind,
                                            const char* actor = "hoa.pt") {
    tracking::LetterOptions options;
    options.actor = actor;
    return tracking::dispatch_letter(*store, client, clock, id, kind, options);
  }

  std::int64_t orders_created() const { return carrier->counters().at("orders.created"); }

  std::size_t count_events(db::Id id, db::EventKind kind) {
    std::size_t count = 0;
    for (const db::Event& e : events(id)) count += e.action == kind ? 1 : 0;
    return count;
  }
};

}  // namespace

TEST_CASE("a refusal is posted back with its own tracking number and the dossier stays refused") {
  World world;
  const db::Id id = world.refused();
  auto carrier = postal_api::make_vnpost_carrier(world.config(), world.clock).value();

  auto sent = world.post(*carrier, id, LetterKind::refusal, "hoa.pt");
  REQUIRE(sent.has_value());
  CHECK_FALSE(sent->already);
  CHECK(valid_s10(sent->tracking_number));
  // Refused at reception, the dossier has no code: the order names the agency and its number.
  CHECK(sent->order_code == fmt::format("{}-N{}-L03-1", k_agency, id));
  REQUIRE(world.carrier->truth(sent->tracking_number).has_value());

  const auto letters = world.letters_of(id);
  REQUIRE(letters.size() == 1);
  CHECK(letters[0].purpose == db::ShipmentPurpose::refusal);
  CHECK(letters[0].tracking_number == sent->tracking_number);
  CHECK(world.dossier(id).state == DossierState::refused);
  const auto events = world.events(id);
  CHECK(events.back().action == db::EventKind::letter_dispatched);
  CHECK(events.back().data.find(sent->tracking_number) != std::string::npos);
  CHECK(events.back().data.find(R"("form":"refusal")") != std::string::npos);
  // No personal data in the event log.
  CHECK(events.back().data.find(test_support::k_applicant_phone) == std::string::npos);
  CHECK(events.back().data.find(test_support::k_applicant_name) == std::string::npos);

  // The staff's view lists the letter; the citizen's timeline shows it, and nothing personal.
  const auto staff = tracking::staff_lookup(*world.store, fmt::format("#{}", id)).value();
  const auto staff_json = tracking::staff_object(staff);
  REQUIRE(staff_json["letters"].size() == 1);
  CHECK(staff_json["letters"][0]["form"] == "refusal");
  CHECK(staff_json["letters"][0]["tracking_number"] == sent->tracking_number);
  const auto inbound = world.shipments_of(id, db::Direction::inbound).front().tracking_number;
  const auto citizen = tracking::citizen_lookup(*world.store, inbound, "K7M2QX9P").value();
  const std::string expected =
      fmt::format("Đã gửi Phiếu từ chối qua bưu điện, số hiệu {}", sent->tracking_number);
  bool shown = false;
  for (const auto& step : citizen.timeline) shown = shown || step.label == expected;
  CHECK(shown);
  const std::string json = tracking::citizen_json(citizen);
  CHECK_MESSAGE(json.find(expected) != std::string::npos, json);
  CHECK(json.find(test_support::k_applicant_phone) == std::string::npos);
  CHECK(json.find(test_support::k_applicant_name) == std::string::npos);
  CHECK(json.find("Phố Huế") == std::string::npos);
  CHECK(json.find("Lê Duẩn") == std::string::npos);
  // The letter coming back is not the result failing: nothing tells the citizen to fetch a result.
  CHECK_FALSE(citizen.delivery_failed);
}

TEST_CASE("posting the same letter twice makes one shipment") {
  World world;
  const db::Id id = world.refused();
  auto carrier = postal_api::make_vnpost_carrier(world.config(), world.clock).value();

  auto first = world.post(*carrier, id, LetterKind::refusal, "hoa.pt");
  REQUIRE(first.has_value());
  auto second = world.post(*carrier, id, LetterKind::refusal, "lan.nt");
  REQUIRE(second.has_value());
  CHECK(second->already);
  CHECK(second->tracking_number == first->tracking_number);
  CHECK(second->order_code == first->order_code);
  CHECK(world.orders_created() == 1);
  CHECK(world.letters_of(id).size() == 1);
  CHECK(world.count_events(id, db::EventKind::letter_dispatched) == 1);
}

TEST_CASE("a letter that does not apply is refused with the documents' message, nothing written") {
  World world;
  auto carrier = postal_api::make_vnpost_carrier(world.config(), world.clock).value();

  SUBCASE("a refusal for a dossier not refused") {
    const db::Id id = world.received();
    auto sent = world.post(*carrier, id, LetterKind::refusal, "hoa.pt");
    REQUIRE_FALSE(sent.has_value());
    CHECK(sent.error().code == ErrorCode::invalid_argument);
    CHECK(sent.error().text.id() == "form_not_refused");
    CHECK(
        sent.error().render(common::Lang::vi) ==
        fmt::format("Hồ sơ #{} không bị từ chối tiếp nhận nên chưa có phiếu từ chối (mẫu 03)", id));
    CHECK(world.letters_of(id).empty());
    CHECK(world.return_orders(id) == 0);
  }
  SUBCASE("a supplement letter with no supplement request") {
    const db::Id id = world.received();
    world.act(id, tracking::Action::accept);
    auto sent = world.post(*carrier, id, LetterKind::supplement, "hoa.pt");
    REQUIRE_FALSE(sent.has_value());
    CHECK(sent.error().text.id() == "form_no_supplement");
    CHECK(world.letters_of(id).empty());
    CHECK(world.return_orders(id) == 0);
  }
  SUBCASE("a refusal whose applicant has no phone") {
    const db::Id id = world.refused(false);
    auto sent = world.post(*carrier, id, LetterKind::refusal, "hoa.pt");
    REQUIRE_FALSE(sent.has_value());
    CHECK(sent.error().code == ErrorCode::invalid_argument);
    CHECK(sent.error().render(common::Lang::vi) ==
          fmt::format("Hồ sơ #{} ({}-N{}): chưa thể gửi Phiếu từ chối qua bưu chính vì thiếu số "
                      "điện thoại của người nộp hồ sơ; hãy nhập theo phiếu gửi",
                      id, k_agency, id));
    CHECK(world.letters_of(id).empty());
    CHECK(world.return_orders(id) == 0);
  }
  SUBCASE("no actor") {
    const db::Id id = world.refused();
    auto sent = world.post(*carrier, id, LetterKind::refusal, " ");
    REQUIRE_FALSE(sent.has_value());
    CHECK(sent.error().code == ErrorCode::invalid_argument);
    CHECK(world.return_orders(id) == 0);
  }
  SUBCASE("no such dossier") {
    auto sent = world.post(*carrier, 999, LetterKind::refusal, "hoa.pt");
    REQUIRE_FALSE(sent.has_value());
    CHECK(sent.error().code == ErrorCode::not_found);
  }
  CHECK(world.orders_created() == 0);
}

TEST_CASE("a dead carrier leaves no letter behind and a later post sends the same order") {
  World world;
  const db::Id id = world.refused();
  postal_api::CarrierConfig config = world.config();
  config.base_url = "http://127.0.0.1:1/api/api/";  // nothing listens there
  config.max_attempts = 2;
  auto dead = postal_api::make_vnpost_carrier(config, world.clock).value();

  auto sent = world.post(*dead, id, LetterKind::refusal);
  REQUIRE_FALSE(sent.has_value());
  CHECK(sent.error().code == ErrorCode::unavailable);
  CHECK(sent.error().text.id() == "carrier_create_failed");
  CHECK(sent.error().message.find(fmt::format("{}-N{}-L03-1", k_agency, id)) != std::string::npos);
  CHECK(world.letters_of(id).empty());
  CHECK(world.dossier(id).state == DossierState::refused);
  CHECK(world.count_events(id, db::EventKind::letter_dispatched) == 0);

  auto live = postal_api::make_vnpost_carrier(world.config(), world.clock).value();
  auto retried = world.post(*live, id, LetterKind::refusal, "hoa.pt");
  REQUIRE(retried.has_value());
  CHECK(retried->order_code == fmt::format("{}-N{}-L03-1", k_agency, id));  // the same order
  CHECK(world.letters_of(id).size() == 1);
  CHECK(world.orders_created() == 1);
}

TEST_CASE("a letter delivered or brought back is an event and the dossier does not move") {
  World world;
  auto carrier = postal_api::make_vnpost_carrier(world.config(), world.clock).value();
  // Post refusals until the carrier has drawn a delivery and a return among them.
  std::map<sim::Scenario, std::pair<db::Id, std::string>> by_scenario;
  for (int i = 1; i <= 200 && (by_scenario.count(sim::Scenario::delivered) == 0 ||
                               by_scenario.count(sim::Scenario::returned) == 0);
       ++i) {
    const db::Id id = world.refused();
    auto sent = world.post(*carrier, id, LetterKind::refusal, "hoa.pt");
    REQUIRE(sent.has_value());
    by_scenario.emplace(world.carrier->truth(sent->tracking_number)->scenario,
                        std::pair{id, sent->tracking_number});
  }
  REQUIRE(by_scenario.count(sim::Scenario::delivered) == 1);
  REQUIRE(by_scenario.count(sim::Scenario::returned) == 1);

  world.carrier->advance(std::chrono::hours(24 * 10));
  world.clock.advance(std::chrono::hours(24 * 10));
  auto synced = tracking::sync_shipments(*world.store, *carrier, world.clock);
  REQUIRE(synced.has_value());
  for (const auto& change : synced->changes) {
    CHECK(change.letter);
    CHECK_FALSE(change.dossier_state.has_value());
  }

  const auto [delivered, delivered_number] = by_scenario.at(sim::Scenario::delivered);
  CHECK(world.dossier(delivered).state == DossierState::refused);
  CHECK(world.events(delivered).back().action == db::EventKind::letter_delivered);
  CHECK(world.events(delivered).back().data.find(delivered_number) != std::string::npos);
  const auto [returned, returned_number] = by_scenario.at(sim::Scenario::returned);
  CHECK(world.dossier(returned).state == DossierState::refused);
  CHECK(world.events(returned).back().action == db::EventKind::letter_returned);

  // Once each, however often the carrier is asked again.
  (void)tracking::sync_shipments(*world.store, *carrier, world.clock).value();
  CHECK(world.count_events(delivered, db::EventKind::letter_delivered) == 1);
  CHECK(world.count_events(returned, db::EventKind::letter_returned) == 1);

  // A refusal that came back may be posted again: a second order of its own.
  auto again = world.post(*carrier, returned, LetterKind::refusal, "hoa.pt");
  REQUIRE(again.has_value());
  CHECK_FALSE(again->already);
  CHECK(again->order_code == fmt::format("{}-N{}-L03-2", k_agency, returned));
  CHECK(again->tracking_number != returned_number);
}

TEST_CASE("a receipt posted back and then the result are two shipments with their own orders") {
  World world;
  const db::Id id = world.received();
  world.act(id, tracking::Action::accept);
  const std::string code = world.dossier(id).code.value();
  auto carrier = postal_api::make_vnpost_carrier(world.config(), world.clock).value();

  auto receipt = world.post(*carrier, id, LetterKind::receipt, "hoa.pt");
  REQUIRE(receipt.has_value());
  CHECK(receipt->order_code == code + "-L01-1");
  CHECK(world.dossier(id).state == DossierState::accepted);

  world.act(id, tracking::Action::start_processing);
  world.act(id, tracking::Action::mark_processed);
  tracking::DispatchOptions options;
  options.actor = "hoa.pt";
  auto result = tracking::dispatch_return(*world.store, *carrier, world.clock, id, options);
  REQUIRE(result.has_value());
  CHECK(result->order_code == code + "-R1");  // the letter's order does not count as an attempt
  CHECK(result->tracking_number != receipt->tracking_number);
  CHECK(world.dossier(id).state == DossierState::return_dispatched);
  const auto outbound = world.shipments_of(id, db::Direction::outbound);
  REQUIRE(outbound.size() == 2);
  CHECK(outbound[0].purpose == db::ShipmentPurpose::receipt);
  CHECK(outbound[1].purpose == db::ShipmentPurpose::result);

  // The letters' names and forms, as the CLI and the API read them.
  for (const LetterKind kind : tracking::k_all_letter_kinds) {
    CHECK(tracking::parse_letter_kind(tracking::letter_kind_name(kind)) == kind);
    CHECK(tracking::letter_of(tracking::letter_purpose(kind)) == kind);
  }
  CHECK_FALSE(tracking::parse_letter_kind("result").has_value());
  CHECK(tracking::letter_weight_grams(LetterKind::refusal) >
        tracking::letter_weight_grams(LetterKind::receipt));
}
