// The tracking writes when their unit of work runs twice, as the PostgreSQL store runs it again
// after a lost serialization conflict (tests/support/rerun_store.hpp): an officer's action, the
// carrier sync's and a webhook's store step, dispatch's order and shipment, a contact correction.
// Each leaves and reports what one run would: one event per action, each carrier event counted
// once, the day's first dossier code.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "common/s10.hpp"
#include "db/settings.hpp"
#include "db/store.hpp"
#include "postal_api/carrier.hpp"
#include "tests/support/desk.hpp"
#include "tests/support/rerun_store.hpp"
#include "tracking/carrier_sync.hpp"
#include "tracking/dispatch.hpp"
#include "tracking/lifecycle.hpp"

namespace {

using common::ErrorCode;
using common::Result;
using db::DossierState;
using postal_api::ShipmentStatus;

using test_support::at;
using test_support::k_agency;

// A carrier whose every shipment made the same journey, and that creates orders; counts the calls.
class FixedCarrier final : public postal_api::Carrier {
 public:
  std::vector<postal_api::TrackingEvent> journey;  // sorted by time
  int tracked = 0;
  int created = 0;

  std::string_view name() const override { return "vnpost"; }
  Result<postal_api::TrackingReport> track(const std::vector<std::string>& numbers) override {
    ++tracked;
    postal_api::TrackingReport report;
    for (const std::string& number : numbers) {
      report.items.push_back(postal_api::TrackedItem{number, journey.back().status, journey});
    }
    return report;
  }
  Result<postal_api::CreatedShipment> create_shipment(
      const postal_api::ShipmentOrder& order) override {
    ++created;
    postal_api::CreatedShipment made;
    made.carrier_order_id = fmt::format("VNP-{}", created);
    made.tracking_number = common::make_s10("EE", static_cast<std::uint32_t>(created));
    made.order_code = order.order_code;
    made.price_vnd = 32'000;
    return made;
  }
  Result<void> cancel(const std::string&) override {
    return common::make_error(ErrorCode::internal, "not expected");
  }
  Result<postal_api::WebhookDelivery> parse_webhook(const postal_api::WebhookRequest&) override {
    return common::make_error(ErrorCode::internal, "not expected");
  }
  postal_api::CallStats stats() const override { return {}; }
};

postal_api::TrackingEvent event(const char* when, const char* code, ShipmentStatus status) {
  postal_api::TrackingEvent e;
  e.time = at(when);
  e.carrier_code = code;
  e.status = status;
  e.location_code = "550100";
  e.location = "Bưu cục phát Hải Châu";
  return e;
}

// A desk whose writes go through a store that runs each of them twice.
struct Desk : test_support::Desk {
  test_support::RerunningStore rerunning{*store};
  db::Id procedure_id = add_procedure("P5", 5, "Cấp giấy chứng nhận quyền sử dụng đất", "dat_dai",
                                      db::TimeUnit::working_days, "2025-01-01");

  Desk() : test_support::Desk(at("2026-11-23 09:00")) {
    set(db::k_setting_agency_address, "270 Trưng Nữ Vương, Hải Châu, Đà Nẵng");
  }

  // A dossier accepted a week ago, now in `state`, with an applicant to post the result to.
  db::Id dossier_in(DossierState state, int sequence) {
    const db::Id id = add_dossier(at("2026-11-16 09:00"), std::nullopt, "K7M2Q9XP");
    put_in_state(id, state, fmt::format("{}-261116-{:04}", k_agency, sequence), procedure_id,
                 at("2026-11-23 17:00"), at("2026-11-20 16:00"));
    test_support::Person applicant;
    applicant.full_name = "Trần Thị Bích Ngọc";
    applicant.return_address.clear();
    applicant.phone = "0905123456";
    add_applicant(id, applicant);
    return id;
  }

  std::vector<db::EventKind> actions(db::Id id, const char* entity = "dossier") {
    std::vector<db::EventKind> out;
    for (const db::Event& e : events(id, entity)) out.push_back(e.action);
    return out;
  }

  std::vector<db::ReturnOrder> orders_of(db::Id id) {
    return store
        ->read<std::vector<db::ReturnOrder>>(
            [&](db::Transaction& tx) { return tx.return_orders_of(id); })
        .value();
  }
  std::vector<db::CarrierEvent> carrier_events(db::Id shipment_id) {
    return store
        ->read<std::vector<db::CarrierEvent>>(
            [&](db::Transaction& tx) { return tx.carrier_events_of(shipment_id); })
        .value();
  }
};

}  // namespace

TEST_CASE("accepting a dossier in a unit of work run twice gives it the day's first code") {
  Desk desk;
  tracking::Lifecycle life{desk.rerunning, desk.clock};
  const db::Id first = desk.add_dossier(at("2026-11-23 08:00"));
  const db::Id second = desk.add_dossier(at("2026-11-23 08:30"), std::nullopt, "ABCD1235");

  tracking::ActionRequest accept;
  accept.action = tracking::Action::accept;
  accept.actor = "lan.nt";
  accept.procedure_code = "P5";
  const auto t = life.apply(first, accept);
  REQUIRE_MESSAGE(t.has_value(), (t ? std::string() : t.error().message));
  CHECK(desk.rerunning.reruns == 1);
  CHECK(t->before.state == DossierState::received);
  CHECK(t->after.state == DossierState::accepted);
  // The first run's number went back with its transaction: the day's sequence counts it once.
  CHECK(t->after.code == fmt::format("{}-261123-0001", k_agency));
  CHECK(desk.dossier(first).code == t->after.code);
  const auto events = desk.events(first);
  REQUIRE(events.size() == 1);
  CHECK(events[0].action == db::EventKind::accepted);
  CHECK(events[0].id == t->event_id);

  const auto next = life.apply(second, accept);
  REQUIRE(next.has_value());
  CHECK(next->after.code == fmt::format("{}-261123-0002", k_agency));
}

TEST_CASE("the carrier sync's store step run twice stores and counts each event and change once") {
  Desk desk;
  const db::Id id = desk.dossier_in(DossierState::return_dispatched, 1);
  const db::Id shipment = desk.add_shipment(test_support::Desk::shipment(
      "EE000000017VN", db::Direction::outbound, "info_received", at("2026-11-20 16:00"), id));
  FixedCarrier carrier;
  carrier.journey = {event("2026-11-21 08:00", "1", ShipmentStatus::picked_up),
                     event("2026-11-22 10:00", "5", ShipmentStatus::delivered)};

  const auto report = tracking::sync_shipments(desk.rerunning, carrier, desk.clock);
  REQUIRE_MESSAGE(report.has_value(), (report ? std::string() : report.error().message));
  CHECK(desk.rerunning.reruns == 2);  // the chunk's store step and the last-success setting
  CHECK(carrier.tracked == 1);
  CHECK(report->asked == 1);
  CHECK(report->answered == 1);
  CHECK(report->new_events == 2);
  REQUIRE(report->changes.size() == 1);
  CHECK(report->changes[0].from == "info_received");
  CHECK(report->changes[0].to == "delivered");
  CHECK(report->changes[0].dossier_state == DossierState::result_returned);

  CHECK(desk.carrier_events(shipment).size() == 2);
  CHECK(desk.actions(shipment, "shipment") ==
        std::vector<db::EventKind>{db::EventKind::carrier_status});
  CHECK(desk.dossier(id).state == DossierState::result_returned);
  CHECK(desk.actions(id) == std::vector<db::EventKind>{db::EventKind::result_returned});
}

TEST_CASE("a webhook applied in a unit of work run twice counts once and is no replay of itself") {
  Desk desk;
  const db::Id id = desk.dossier_in(DossierState::return_dispatched, 1);
  const db::Id shipment = desk.add_shipment(test_support::Desk::shipment(
      "EE000000017VN", db::Direction::outbound, "info_received", at("2026-11-20 16:00"), id));
  postal_api::WebhookDelivery delivery;
  delivery.tracking_number = "EE000000017VN";
  delivery.event = event("2026-11-22 10:00", "5", ShipmentStatus::delivered);
  delivery.sent_at = desk.clock.now();
  delivery.delivery_key = std::string(64, 'a');

  const auto outcome = tracking::apply_webhook(desk.rerunning, "vnpost", delivery, desk.clock);
  REQUIRE_MESSAGE(outcome.has_value(), (outcome ? std::string() : outcome.error().message));
  CHECK(desk.rerunning.reruns == 1);
  CHECK(outcome->shipments == 1);
  CHECK(outcome->new_events == 1);
  REQUIRE(outcome->changes.size() == 1);
  CHECK(outcome->changes[0].dossier_state == DossierState::result_returned);
  CHECK(desk.carrier_events(shipment).size() == 1);
  CHECK(desk.actions(id) == std::vector<db::EventKind>{db::EventKind::result_returned});

  // Remembered once it committed: the same push again is a replay.
  const auto again = tracking::apply_webhook(*desk.store, "vnpost", delivery, desk.clock);
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().text.id() == "webhook_replayed");
}

TEST_CASE("a dispatch whose writes run twice orders once and stores one shipment and one event") {
  Desk desk;
  const db::Id id = desk.dossier_in(DossierState::processed, 1);
  FixedCarrier carrier;
  tracking::DispatchOptions options;
  options.actor = "hoa.pt";

  const auto sent = tracking::dispatch_return(desk.rerunning, carrier, desk.clock, id, options);
  REQUIRE_MESSAGE(sent.has_value(), (sent ? std::string() : sent.error().message));
  CHECK(desk.rerunning.reruns == 2);  // the open order, then the shipment and the move
  CHECK(carrier.created == 1);
  CHECK_FALSE(sent->already);
  CHECK(sent->order_code == fmt::format("{}-261116-0001-R1", k_agency));
  CHECK(sent->tracking_number == common::make_s10("EE", 1));
  CHECK(sent->price_vnd == 32'000);

  CHECK(desk.dossier(id).state == DossierState::return_dispatched);
  const auto returns = desk.shipments_of(id, db::Direction::outbound);
  REQUIRE(returns.size() == 1);
  CHECK(returns[0].id == sent->shipment_id);
  CHECK(returns[0].order_code == sent->order_code);
  const auto orders = desk.orders_of(id);
  REQUIRE(orders.size() == 1);
  CHECK(orders[0].order_code == sent->order_code);
  CHECK(orders[0].state == db::ReturnOrderState::stored);
  CHECK(desk.actions(id) == std::vector<db::EventKind>{db::EventKind::return_dispatched});
}

TEST_CASE("a contact correction in a unit of work run twice names each changed field once") {
  Desk desk;
  const db::Id id = desk.dossier_in(DossierState::processed, 1);
  tracking::ContactUpdate update;
  update.phone = "0905 999 888";
  update.return_address = "45 Lê Duẩn, Hải Châu, Đà Nẵng";

  const auto applicant = tracking::update_contact(desk.rerunning, desk.clock, id, update, "hoa.pt");
  REQUIRE_MESSAGE(applicant.has_value(), (applicant ? std::string() : applicant.error().message));
  CHECK(desk.rerunning.reruns == 1);
  CHECK(applicant->phone == "0905999888");
  CHECK(applicant->return_address == "45 Lê Duẩn, Hải Châu, Đà Nẵng");
  const auto events = desk.events(id);
  REQUIRE(events.size() == 1);
  CHECK(events[0].action == db::EventKind::applicant_updated);
  CHECK(events[0].data == R"({"fields":["return_address","phone"]})");
}
