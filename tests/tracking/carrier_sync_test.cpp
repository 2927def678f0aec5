// Carrier sync over a real SQLite file with a scripted in-memory carrier (the Carrier interface is
// the seam DESIGN.md names for fakes): events stored once, the latest event's status, failed
// numbers asked again, an unavailable carrier changing nothing, an interrupted run finished by the
// next, retirement, and webhook deliveries (each applied once: a replay is refused, also after the
// store is reopened).
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "db/store.hpp"
#include "postal_api/carrier.hpp"
#include "tests/support/desk.hpp"
#include "tracking/carrier_sync.hpp"

namespace {

using common::ErrorCode;
using common::Result;
using common::Timestamp;
using postal_api::ShipmentStatus;
using postal_api::TrackingEvent;

using test_support::at;

TrackingEvent event(const char* when, const char* code, ShipmentStatus status,
                    const char* office = "100000") {
  TrackingEvent e;
  e.time = at(when);
  e.carrier_code = code;
  e.status = status;
  e.location_code = office;
  e.location = "Bưu cục Trung tâm Hà Nội";
  e.description = "sự kiện";
  return e;
}

// A carrier whose answers are scripted per call; records what it was asked.
class ScriptedCarrier final : public postal_api::Carrier {
 public:
  using Answer = std::function<Result<postal_api::TrackingReport>(const std::vector<std::string>&)>;

  // Answers every number from `world` (number → events), or as unknown when absent.
  static Answer from(const std::map<std::string, std::vector<TrackingEvent>>& world) {
    return [world](const std::vector<std::string>& numbers) -> Result<postal_api::TrackingReport> {
      postal_api::TrackingReport report;
      for (const std::string& number : numbers) {
        const auto found = world.find(number);
        if (found == world.end()) {
          report.unknown_numbers.push_back(number);
          continue;
        }
        postal_api::TrackedItem item;
        item.tracking_number = number;
        item.events = found->second;
        item.status =
            item.events.empty() ? ShipmentStatus::info_received : item.events.back().status;
        report.items.push_back(std::move(item));
      }
      return report;
    };
  }

  std::deque<Answer> answers;  // one per track() call; the last one repeats
  std::vector<std::vector<std::string>> asked;

  std::string_view name() const override { return "vnpost"; }
  Result<postal_api::TrackingReport> track(const std::vector<std::string>& numbers) override {
    asked.push_back(numbers);
    REQUIRE(!answers.empty());
    Answer answer = answers.front();
    if (answers.size() > 1) answers.pop_front();
    return answer(numbers);
  }
  Result<postal_api::CreatedShipment> create_shipment(const postal_api::ShipmentOrder&) override {
    return common::make_error(ErrorCode::internal, "not scripted");
  }
  Result<void> cancel(const std::string&) override {
    return common::make_error(ErrorCode::internal, "not scripted");
  }
  Result<postal_api::WebhookDelivery> parse_webhook(const postal_api::WebhookRequest&) override {
    return common::make_error(ErrorCode::internal, "not scripted");
  }
  postal_api::CallStats stats() const override { return {}; }
};

struct Desk : test_support::Desk {
  Desk() : test_support::Desk(at("2026-11-29 10:00")) {}

  db::Id add_shipment(const std::string& number, db::Direction direction, const char* status,
                      Timestamp first_seen) {
    return test_support::Desk::add_shipment(
        test_support::Desk::shipment(number, direction, status, first_seen));
  }

  db::Shipment shipment(db::Id id) {
    std::optional<db::Shipment> out;
    read([&](db::Transaction& tx) -> Result<void> {
      out = tx.get_shipment(id).value();
      return {};
    });
    REQUIRE(out.has_value());
    return *out;
  }

  std::vector<db::CarrierEvent> events(db::Id id) {
    std::vector<db::CarrierEvent> out;
    read([&](db::Transaction& tx) -> Result<void> {
      out = tx.carrier_events_of(id).value();
      return {};
    });
    return out;
  }

  std::vector<db::Event> log(db::Id id) { return test_support::Desk::events(id, "shipment"); }

  std::optional<std::string> last_sync() {
    std::optional<std::string> out;
    read([&](db::Transaction& tx) -> Result<void> {
      out = tx.setting(tracking::last_sync_setting("vnpost")).value();
      return {};
    });
    return out;
  }
};

const std::vector<TrackingEvent> k_delivered = {
    event("2026-11-20 08:15", "70", ShipmentStatus::picked_up),
    event("2026-11-20 14:00", "80", ShipmentStatus::in_transit),
    event("2026-11-21 07:30", "85", ShipmentStatus::in_transit, "100900"),
    event("2026-11-23 08:10", "90", ShipmentStatus::out_for_delivery, "100900"),
    event("2026-11-23 10:45", "100", ShipmentStatus::delivered, "100900"),
};

// A delivery as a verified webhook gives it: the event, when the carrier sent it, and its key
// (a carrier client's is a SHA-256 in hex; any distinct text does here).
postal_api::WebhookDelivery pushed(const std::string& number, const TrackingEvent& e,
                                   Timestamp sent_at, const std::string& key) {
  postal_api::WebhookDelivery delivery;
  delivery.tracking_number = number;
  delivery.event = e;
  delivery.sent_at = sent_at;
  delivery.delivery_key = key;
  return delivery;
}

}  // namespace

TEST_CASE("a sync stores every carrier event once and sets the status of the latest") {
  Desk desk;
  const db::Id id = desk.add_shipment("EB000100128VN", db::Direction::outbound, "info_received",
                                      at("2026-11-19 09:00"));
  ScriptedCarrier carrier;
  carrier.answers.push_back(ScriptedCarrier::from({{"EB000100128VN", k_delivered}}));

  auto first = tracking::sync_shipments(*desk.store, carrier, desk.clock);
  REQUIRE(first.has_value());
  CHECK(first->asked == 1);
  CHECK(first->answered == 1);
  CHECK(first->new_events == 5);
  REQUIRE(first->changes.size() == 1);
  CHECK(first->changes[0].from == "info_received");
  CHECK(first->changes[0].to == "delivered");
  CHECK(desk.shipment(id).status == "delivered");
  CHECK(desk.shipment(id).last_event_at == at("2026-11-23 10:45"));
  CHECK(desk.events(id).size() == 5);
  CHECK(desk.last_sync() == common::format_iso(desk.clock.now()));

  // The change is in the shipment's history with where it came from.
  const auto log = desk.log(id);
  REQUIRE(log.size() == 1);
  CHECK(log[0].action == db::EventKind::carrier_status);
  CHECK(log[0].data.find("\"to\":\"delivered\"") != std::string::npos);

  // Delivered is final: the next sync does not ask about it again.
  auto second = tracking::sync_shipments(*desk.store, carrier, desk.clock);
  REQUIRE(second.has_value());
  CHECK(second->asked == 0);
  CHECK(carrier.asked.size() == 1);
}

TEST_CASE("events repeated or arriving out of order leave the status of the latest by time") {
  Desk desk;
  const db::Id id = desk.add_shipment("EB000100128VN", db::Direction::outbound, "info_received",
                                      at("2026-11-19 09:00"));
  ScriptedCarrier carrier;
  // First answer: collected and a failed attempt; the transit event between them arrives late,
  // together with a repeat of the failure.
  const auto failed = event("2026-11-23 10:00", "91", ShipmentStatus::delivery_failed, "100900");
  carrier.answers.push_back(
      ScriptedCarrier::from({{"EB000100128VN", {failed, k_delivered[0], k_delivered[0]}}}));
  carrier.answers.push_back(
      ScriptedCarrier::from({{"EB000100128VN", {k_delivered[1], failed, failed}}}));

  auto first = tracking::sync_shipments(*desk.store, carrier, desk.clock);
  REQUIRE(first.has_value());
  CHECK(first->new_events == 2);
  CHECK(desk.shipment(id).status == "delivery_failed");

  auto second = tracking::sync_shipments(*desk.store, carrier, desk.clock);
  REQUIRE(second.has_value());
  CHECK(second->new_events == 1);
  CHECK(second->changes.empty());
  CHECK(desk.shipment(id).status == "delivery_failed");  // not in_transit: that one is older
  const auto stored = desk.events(id);
  REQUIRE(stored.size() == 3);
  CHECK(stored[0].carrier_code == "70");
  CHECK(stored[1].carrier_code == "80");
  CHECK(stored[2].carrier_code == "91");
}

TEST_CASE(
    "a number without an answer is asked again in the next pass, and nothing is stored "
    "for it until it is answered") {
  Desk desk;
  const db::Id a = desk.add_shipment("EB000000001VN", db::Direction::outbound, "info_received",
                                     at("2026-11-19 09:00"));
  const db::Id b = desk.add_shipment("EB000000002VN", db::Direction::outbound, "info_received",
                                     at("2026-11-19 09:00"));
  ScriptedCarrier carrier;
  const auto world =
      ScriptedCarrier::from({{"EB000000001VN", k_delivered}, {"EB000000002VN", {k_delivered[0]}}});
  carrier.answers.push_back([&](const std::vector<std::string>& numbers) {
    auto report = world(numbers);
    // The carrier's answer for the second number was malformed this time.
    std::erase_if(report->items,
                  [](const auto& item) { return item.tracking_number == "EB000000002VN"; });
    report->failures.emplace(
        "EB000000002VN", common::make_error(ErrorCode::bad_input, "Logs[0].CreateTime is no time"));
    return report;
  });
  carrier.answers.push_back(world);

  auto report = tracking::sync_shipments(*desk.store, carrier, desk.clock);
  REQUIRE(report.has_value());
  REQUIRE(carrier.asked.size() == 2);
  CHECK(carrier.asked[1] == std::vector<std::string>{"EB000000002VN"});
  CHECK(report->complete());
  CHECK(desk.shipment(a).status == "delivered");
  CHECK(desk.shipment(b).status == "picked_up");

  SUBCASE("after every pass failed, the number is reported and the run is not recorded") {
    Desk other;
    const db::Id c = other.add_shipment("EB000000003VN", db::Direction::outbound, "info_received",
                                        at("2026-11-19 09:00"));
    ScriptedCarrier failing;
    failing.answers.push_back([](const std::vector<std::string>& numbers) {
      postal_api::TrackingReport r;
      for (const auto& n : numbers) {
        r.failures.emplace(n, common::make_error(ErrorCode::timeout, "no answer in 15 s"));
      }
      return Result<postal_api::TrackingReport>(r);
    });
    tracking::SyncOptions options;
    options.passes = 3;
    auto failed = tracking::sync_shipments(*other.store, failing, other.clock, options);
    REQUIRE(failed.has_value());
    CHECK(failing.asked.size() == 3);
    CHECK_FALSE(failed->complete());
    CHECK(failed->failures.count("EB000000003VN") == 1);
    CHECK(other.shipment(c).synced_at == std::nullopt);
    CHECK(other.last_sync() == std::nullopt);
  }
}

TEST_CASE("an unavailable carrier fails the sync and changes nothing in the database") {
  Desk desk;
  const db::Id id = desk.add_shipment("EB000100128VN", db::Direction::outbound, "info_received",
                                      at("2026-11-19 09:00"));
  ScriptedCarrier carrier;
  carrier.answers.push_back(
      [](const std::vector<std::string>&) -> Result<postal_api::TrackingReport> {
        return common::make_error(ErrorCode::unavailable,
                                  "vnpost: not called: the carrier failed 5 times in a row");
      });
  auto report = tracking::sync_shipments(*desk.store, carrier, desk.clock);
  REQUIRE_FALSE(report.has_value());
  CHECK(report.error().code == ErrorCode::unavailable);
  CHECK(report.error().message.find("5 times in a row") != std::string::npos);
  CHECK(carrier.asked.size() == 1);  // no second pass against a carrier known to be down
  const db::Shipment after = desk.shipment(id);
  CHECK(after.status == "info_received");
  CHECK(after.synced_at == std::nullopt);
  CHECK(desk.events(id).empty());
  CHECK(desk.log(id).empty());
  CHECK(desk.last_sync() == std::nullopt);
}

TEST_CASE("a sync stopped half-way is finished by the next run without duplicate events") {
  Desk desk;
  std::vector<db::Id> ids;
  std::map<std::string, std::vector<TrackingEvent>> world;
  for (int i = 1; i <= 6; ++i) {
    const std::string number = "EB00000000" + std::to_string(i) + "VN";
    ids.push_back(desk.add_shipment(number, db::Direction::outbound, "info_received",
                                    at("2026-11-19 09:00")));
    world[number] = k_delivered;
  }
  ScriptedCarrier carrier;
  carrier.answers.push_back(ScriptedCarrier::from(world));
  carrier.answers.push_back(
      [](const std::vector<std::string>&) -> Result<postal_api::TrackingReport> {
        return common::make_error(ErrorCode::unavailable, "vnpost: connection refused");
      });
  tracking::SyncOptions options;
  options.chunk = 2;
  auto stopped = tracking::sync_shipments(*desk.store, carrier, desk.clock, options);
  REQUIRE(stopped.has_value());  // two numbers were answered before the carrier went away
  REQUIRE(stopped->stopped.has_value());
  CHECK(stopped->answered == 2);
  CHECK(stopped->failures.size() == 4);
  CHECK(desk.last_sync() == std::nullopt);

  ScriptedCarrier back;
  back.answers.push_back(ScriptedCarrier::from(world));
  auto finished = tracking::sync_shipments(*desk.store, back, desk.clock, options);
  REQUIRE(finished.has_value());
  CHECK(finished->asked == 4);  // the two delivered ones are final
  CHECK(finished->complete());
  for (const db::Id id : ids) {
    CHECK(desk.shipment(id).status == "delivered");
    CHECK(desk.events(id).size() == 5);
  }
}

TEST_CASE(
    "an inbound envelope is asked about once for its history, and old shipments are retired") {
  Desk desk;
  const db::Id envelope = desk.add_shipment("RR123456785VN", db::Direction::inbound, "delivered",
                                            at("2026-11-24 09:00"));
  const db::Id old = desk.add_shipment("EB000000009VN", db::Direction::outbound, "in_transit",
                                       at("2026-07-01 09:00"));
  const db::Id unknown = desk.add_shipment("CP000000010VN", db::Direction::inbound, "delivered",
                                           at("2026-11-24 09:00"));
  ScriptedCarrier carrier;
  carrier.answers.push_back(ScriptedCarrier::from({{"RR123456785VN", k_delivered}}));
  auto first = tracking::sync_shipments(*desk.store, carrier, desk.clock);
  REQUIRE(first.has_value());
  CHECK(first->asked == 2);  // not the shipment first seen 151 days ago
  CHECK(first->not_found == 1);
  CHECK(desk.events(envelope).size() == 5);
  CHECK(desk.shipment(unknown).synced_at == desk.clock.now());
  CHECK(desk.shipment(old).synced_at == std::nullopt);

  auto second = tracking::sync_shipments(*desk.store, carrier, desk.clock);
  REQUIRE(second.has_value());
  CHECK(second->asked == 0);
}

TEST_CASE(
    "a webhook delivery is stored like a poll answer, and the same event in a new delivery changes "
    "nothing") {
  Desk desk;
  const db::Id id = desk.add_shipment("EB000100128VN", db::Direction::outbound, "info_received",
                                      at("2026-11-19 09:00"));
  auto delivery =
      pushed("EB000100128VN", k_delivered[0], desk.clock.now() - std::chrono::minutes(1), "k1");

  auto first = tracking::apply_webhook(*desk.store, "vnpost", delivery, desk.clock);
  REQUIRE(first.has_value());
  CHECK(first->shipments == 1);
  CHECK(first->new_events == 1);
  REQUIRE(first->changes.size() == 1);
  CHECK(desk.shipment(id).status == "picked_up");

  // The carrier's retry: the same event, sent again later, signed anew (another key).
  delivery.sent_at = desk.clock.now();
  delivery.delivery_key = "k2";
  auto again = tracking::apply_webhook(*desk.store, "vnpost", delivery, desk.clock);
  REQUIRE(again.has_value());
  CHECK(again->new_events == 0);
  CHECK(again->changes.empty());
  const auto stored = desk.events(id);
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].source == db::EventSource::webhook);

  // The same event polled later is the same event.
  ScriptedCarrier carrier;
  carrier.answers.push_back(ScriptedCarrier::from({{"EB000100128VN", {k_delivered[0]}}}));
  auto polled = tracking::sync_shipments(*desk.store, carrier, desk.clock);
  REQUIRE(polled.has_value());
  CHECK(polled->new_events == 0);
  CHECK(desk.events(id).size() == 1);

  delivery.tracking_number = "EB999999999VN";
  delivery.delivery_key = "k3";
  auto stranger = tracking::apply_webhook(*desk.store, "vnpost", delivery, desk.clock);
  REQUIRE(stranger.has_value());
  CHECK(stranger->shipments == 0);
}

TEST_CASE(
    "regression: events with the same time give the later stage whatever order they came in") {
  Desk desk;
  const db::Id id = desk.add_shipment("EB000100128VN", db::Direction::outbound, "info_received",
                                      at("2026-11-19 09:00"));
  const auto delivered =
      pushed("EB000100128VN", event("2026-11-23 10:45", "100", ShipmentStatus::delivered, "100900"),
             desk.clock.now(), "delivered");
  const auto out = pushed(
      "EB000100128VN", event("2026-11-23 10:45", "90", ShipmentStatus::out_for_delivery, "100900"),
      desk.clock.now(), "out");

  // The delivery is pushed first, its "out for delivery" of the same minute after it.
  REQUIRE(tracking::apply_webhook(*desk.store, "vnpost", delivered, desk.clock).has_value());
  REQUIRE(tracking::apply_webhook(*desk.store, "vnpost", out, desk.clock).has_value());
  CHECK(desk.shipment(id).status == "delivered");
  CHECK(desk.events(id).size() == 2);
}

TEST_CASE(
    "regression: a webhook stored while a sync waits on the carrier is neither undone nor "
    "logged twice") {
  Desk desk;
  const db::Id known = desk.add_shipment("EB000000001VN", db::Direction::outbound, "in_transit",
                                         at("2026-11-19 09:00"));
  const db::Id unknown = desk.add_shipment("EB000000002VN", db::Direction::outbound, "in_transit",
                                           at("2026-11-19 09:00"));
  ScriptedCarrier carrier;
  // While the carrier is being asked, the webhook endpoint stores a delivery for both numbers.
  carrier.answers.push_back([&](const std::vector<std::string>& numbers) {
    for (const char* number : {"EB000000001VN", "EB000000002VN"}) {
      const auto delivery = pushed(number, k_delivered.back(), desk.clock.now(), number);
      REQUIRE(tracking::apply_webhook(*desk.store, "vnpost", delivery, desk.clock).has_value());
    }
    // The carrier's answer: the first number delivered, the second unknown to it (yet).
    return ScriptedCarrier::from({{"EB000000001VN", k_delivered}})(numbers);
  });
  auto report = tracking::sync_shipments(*desk.store, carrier, desk.clock);
  REQUIRE(report.has_value());
  CHECK(report->changes.empty());  // the webhook made the change, not the sync
  CHECK(desk.shipment(known).status == "delivered");
  CHECK(desk.shipment(unknown).status == "delivered");
  CHECK(desk.shipment(unknown).last_event_at == k_delivered.back().time);
  CHECK(desk.log(known).size() == 1);
  CHECK(desk.log(unknown).size() == 1);
}

TEST_CASE(
    "regression: a webhook delivery applied before the store was reopened is refused as a replay "
    "and changes nothing") {
  Desk desk;
  const db::Id id = desk.add_shipment("EB000100128VN", db::Direction::outbound, "info_received",
                                      at("2026-11-19 09:00"));
  const auto delivery =
      pushed("EB000100128VN", k_delivered[0], desk.clock.now() - std::chrono::minutes(1), "k1");
  REQUIRE(tracking::apply_webhook(*desk.store, "vnpost", delivery, desk.clock).has_value());
  const auto log_before = desk.log(id).size();
  const auto events_before = desk.events(id).size();

  // Refused in the same run ...
  auto again = tracking::apply_webhook(*desk.store, "vnpost", delivery, desk.clock);
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().code == ErrorCode::bad_input);
  CHECK(again.error().text.id() == "webhook_replayed");
  CHECK(again.error().message ==
        "webhook refused: this delivery of vnpost sent 2026-11-29 09:59:00 was already accepted "
        "(replay)");

  // ... and after a restart: the store reopened on the same file, a minute later.
  desk.store.reset();
  desk.store = test_support::open_store(desk.database).value();
  desk.clock.advance(std::chrono::minutes(1));
  auto after_restart = tracking::apply_webhook(*desk.store, "vnpost", delivery, desk.clock);
  REQUIRE_FALSE(after_restart.has_value());
  CHECK(after_restart.error().text.id() == "webhook_replayed");
  CHECK(desk.log(id).size() == log_before);
  CHECK(desk.events(id).size() == events_before);

  // Another carrier's delivery with the same key is another delivery.
  CHECK(tracking::apply_webhook(*desk.store, "ghn", delivery, desk.clock).has_value());
}

TEST_CASE(
    "a webhook delivery that could not be stored is applied when the carrier sends it again") {
  Desk desk;
  const db::Id id = desk.add_shipment("EB000100128VN", db::Direction::outbound, "info_received",
                                      at("2026-11-19 09:00"));
  const auto delivery = pushed("EB000100128VN", k_delivered[0], desk.clock.now(), "k1");
  // A store whose commit fails after the work ran (a full disk): the transaction is rolled back.
  class FailingCommitStore final : public db::Store {
   public:
    explicit FailingCommitStore(db::Store& inner) : inner_(inner) {}
    using db::Store::read;
    using db::Store::write;
    Result<void> write(const std::function<Result<void>(db::Transaction&)>& work) override {
      return inner_.write([&](db::Transaction& tx) -> Result<void> {
        TRY(work(tx));
        return common::make_error(ErrorCode::io_error, "database or disk is full (test)");
      });
    }
    Result<void> read(const std::function<Result<void>(db::Transaction&)>& work) override {
      return inner_.read(work);
    }

   private:
    db::Store& inner_;
  } failing(*desk.store);
  auto refused = tracking::apply_webhook(failing, "vnpost", delivery, desk.clock);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::io_error);
  CHECK(desk.events(id).empty());

  auto retried = tracking::apply_webhook(*desk.store, "vnpost", delivery, desk.clock);
  REQUIRE_MESSAGE(retried.has_value(), (retried ? std::string() : retried.error().message));
  CHECK(retried->new_events == 1);
  CHECK(desk.shipment(id).status == "picked_up");
}

TEST_CASE(
    "a webhook delivery sent longer ago than the desk remembers deliveries, or without a key, is "
    "refused") {
  Desk desk;
  const db::Id id = desk.add_shipment("EB000100128VN", db::Direction::outbound, "info_received",
                                      at("2026-11-19 09:00"));
  auto delivery =
      pushed("EB000100128VN", k_delivered[0],
             desk.clock.now() - tracking::k_webhook_memory - std::chrono::seconds(1), "k1");
  auto too_old = tracking::apply_webhook(*desk.store, "vnpost", delivery, desk.clock);
  REQUIRE_FALSE(too_old.has_value());
  CHECK(too_old.error().code == ErrorCode::bad_input);
  CHECK(too_old.error().text.id() == "webhook_too_old");

  delivery.sent_at = desk.clock.now();
  delivery.delivery_key.clear();
  auto keyless = tracking::apply_webhook(*desk.store, "vnpost", delivery, desk.clock);
  REQUIRE_FALSE(keyless.has_value());
  CHECK(keyless.error().code == ErrorCode::internal);
  CHECK(desk.events(id).empty());
}

TEST_CASE(
    "each webhook forgets a bounded number of the deliveries too old to be replayed [sqlite]") {
  Desk desk;
  desk.add_shipment("EB000100128VN", db::Direction::outbound, "info_received",
                    at("2026-11-19 09:00"));
  // 150 deliveries remembered three days ago: older than the memory now.
  desk.clock.set(at("2026-11-26 10:00"));
  for (int i = 0; i < 150; ++i) {
    REQUIRE(tracking::apply_webhook(*desk.store, "vnpost",
                                    pushed("EB000100128VN", k_delivered[0], desk.clock.now(),
                                           "old" + std::to_string(i)),
                                    desk.clock)
                .has_value());
  }
  const auto remembered = [&] {
    SQLite::Database raw(desk.database.string(), SQLite::OPEN_READONLY);
    return raw.execAndGet("SELECT COUNT(*) FROM webhook_deliveries").getInt();
  };
  CHECK(remembered() == 150);
  desk.clock.set(at("2026-11-29 10:00"));
  for (int i = 0; i < 2; ++i) {
    REQUIRE(tracking::apply_webhook(*desk.store, "vnpost",
                                    pushed("EB000100128VN", k_delivered[1], desk.clock.now(),
                                           "new" + std::to_string(i)),
                                    desk.clock)
                .has_value());
    // Each forgets at most k_webhook_forget_batch old ones and adds itself.
    CHECK(remembered() == std::max(0, 150 - tracking::k_webhook_forget_batch * (i + 1)) + i + 1);
  }
}

TEST_CASE("a refused login stops the sync after one attempt instead of once per chunk") {
  Desk desk;
  for (int i = 1; i <= 6; ++i) {
    desk.add_shipment("EB00000000" + std::to_string(i) + "VN", db::Direction::outbound,
                      "info_received", at("2026-11-19 09:00"));
  }
  ScriptedCarrier carrier;
  carrier.answers.push_back(
      [](const std::vector<std::string>&) -> Result<postal_api::TrackingReport> {
        return common::make_error(ErrorCode::invalid_argument,
                                  "vnpost login refused: Tên đăng nhập hoặc mật khẩu không đúng");
      });
  tracking::SyncOptions options;
  options.chunk = 2;
  auto report = tracking::sync_shipments(*desk.store, carrier, desk.clock, options);
  REQUIRE_FALSE(report.has_value());
  CHECK(report.error().code == ErrorCode::invalid_argument);
  CHECK(carrier.asked.size() == 1);
}

TEST_CASE("an inbound envelope the desk holds stays delivered while the carrier's scans lag") {
  Desk desk;
  const db::Id envelope = desk.add_shipment("RR123456785VN", db::Direction::inbound, "delivered",
                                            at("2026-11-24 09:00"));
  ScriptedCarrier carrier;
  // The carrier has not scanned the delivery yet.
  carrier.answers.push_back(
      ScriptedCarrier::from({{"RR123456785VN", {k_delivered[0], k_delivered[1], k_delivered[2]}}}));
  auto report = tracking::sync_shipments(*desk.store, carrier, desk.clock);
  REQUIRE(report.has_value());
  CHECK(report->changes.empty());
  CHECK(desk.shipment(envelope).status == "delivered");
  CHECK(desk.events(envelope).size() == 3);
  CHECK(desk.log(envelope).empty());
}
