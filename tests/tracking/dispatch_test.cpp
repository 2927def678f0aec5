// Return dispatch end to end: the Vietnam Post adapter over HTTP against the carrier
// simulator on 127.0.0.1, into a real SQLite file; `hoso dispatch` killed between the carrier's
// work and the database write; the carrier's later news moving the dossier (delivered, or brought
// back to the desk).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
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
#include "tests/support/files.hpp"
#include "tracking/carrier_sync.hpp"
#include "tracking/dispatch.hpp"
#include "tracking/lifecycle.hpp"

namespace {

using common::ErrorCode;
using common::Result;
using common::Timestamp;
using db::DossierState;
namespace sim = postal_api::sim;

using test_support::k_agency;

using test_support::at;

// A desk whose dossiers have their results ready, and a carrier (the simulator) whose clock is the
// desk's.
struct World : test_support::Desk {
  test_support::CarrierSim carrier_sim;
  sim::Simulator* carrier = carrier_sim.simulator.get();
  db::Id procedure_id = add_procedure("P5", 5, "Cấp giấy chứng nhận quyền sử dụng đất", "dat_dai",
                                      db::TimeUnit::working_days, "2025-01-01");

  explicit World(sim::Options options = {})
      : Desk(at("2026-11-23 09:00")), carrier_sim(clock, std::move(options)) {
    set(db::k_setting_agency_address, "270 Trưng Nữ Vương, Hải Châu, Đà Nẵng");
  }

  postal_api::CarrierConfig config() const { return carrier_sim.config(); }

  void write_config() const {
    const auto c = config();
    dir.write("hoso.json", nlohmann::json{{"carrier",
                                           {{"base_url", c.base_url},
                                            {"username", c.username},
                                            {"password", c.password},
                                            {"backoff_base_ms", 20},
                                            {"status_map", c.status_map.string()}}}}
                               .dump());
  }

  // A dossier accepted a week ago whose result is ready; with the applicant's phone unless told.
  db::Id processed_dossier(int sequence, bool with_phone = true) {
    const db::Id id = add_dossier(at("2026-11-16 09:00"), std::nullopt, "K7M2Q9XP");
    put_in_state(id, DossierState::processed, fmt::format("{}-261116-{:04}", k_agency, sequence),
                 procedure_id, at("2026-11-23 17:00"), at("2026-11-20 16:00"));
    test_support::Person applicant;
    applicant.id_number = "048090001234";
    applicant.full_name = "Trần Thị Bích Ngọc";
    applicant.address = "12 Lê Duẩn, Hải Châu, Đà Nẵng";
    applicant.return_address.clear();
    applicant.phone = with_phone ? "0905123456" : "";
    add_applicant(id, applicant);
    return id;
  }

  std::vector<db::Shipment> returns_of(db::Id id) {
    return shipments_of(id, db::Direction::outbound);
  }

  std::int64_t orders_created() const { return carrier->counters().at("orders.created"); }
};

// The carrier does its work, then something happens before its answer reaches hoso: the answer is
// lost (a timeout), or `meanwhile` runs (another officer acting on the dossier).
class AnswerTrouble final : public postal_api::Carrier {
 public:
  explicit AnswerTrouble(postal_api::Carrier& inner) : inner_(inner) {}
  int lose_answers = 0;                // this many create_shipment answers are lost
  std::function<void()> meanwhile;     // runs once, after the carrier created the order
  std::vector<std::string> cancelled;  // carrier order ids

  std::string_view name() const override { return inner_.name(); }
  Result<postal_api::TrackingReport> track(const std::vector<std::string>& numbers) override {
    return inner_.track(numbers);
  }
  Result<postal_api::CreatedShipment> create_shipment(
      const postal_api::ShipmentOrder& order) override {
    auto created = inner_.create_shipment(order);
    if (created && lose_answers > 0) {
      --lose_answers;
      return common::make_error(ErrorCode::timeout, "CustomerConnect/CreateOrder: timed out");
    }
    if (created && meanwhile) std::exchange(meanwhile, {})();
    return created;
  }
  Result<void> cancel(const std::string& carrier_order_id) override {
    cancelled.push_back(carrier_order_id);
    return inner_.cancel(carrier_order_id);
  }
  Result<postal_api::WebhookDelivery> parse_webhook(const postal_api::WebhookRequest& r) override {
    return inner_.parse_webhook(r);
  }
  postal_api::CallStats stats() const override { return inner_.stats(); }

 private:
  postal_api::Carrier& inner_;
};

tracking::DispatchOptions as(const char* actor) {
  tracking::DispatchOptions options;
  options.actor = actor;
  return options;
}

}  // namespace

TEST_CASE(
    "a dispatched dossier gets the carrier's return tracking number and moves to return "
    "dispatched") {
  World world;
  const db::Id id = world.processed_dossier(1);
  auto carrier = postal_api::make_vnpost_carrier(world.config(), world.clock).value();

  auto sent = tracking::dispatch_return(*world.store, *carrier, world.clock, id, as("hoa.pt"));
  REQUIRE(sent.has_value());
  CHECK(sent->order_code == "000.00.05.H12-261116-0001-R1");
  CHECK_FALSE(sent->already);
  CHECK(sent->price_vnd > 0);
  const auto truth = world.carrier->truth(sent->tracking_number);
  REQUIRE(truth.has_value());  // the carrier knows the shipment hoso stored

  CHECK(world.dossier(id).state == DossierState::return_dispatched);
  const auto returns = world.returns_of(id);
  REQUIRE(returns.size() == 1);
  CHECK(returns[0].tracking_number == sent->tracking_number);
  CHECK(returns[0].order_code == sent->order_code);
  CHECK_FALSE(returns[0].carrier_order_id.empty());
  const auto events = world.events(id);
  REQUIRE_FALSE(events.empty());
  CHECK(events.back().action == db::EventKind::return_dispatched);
  CHECK(events.back().actor == "hoa.pt");
  CHECK(events.back().data.find(sent->tracking_number) != std::string::npos);
  // The event log keeps no personal data: not the receiver's name, phone or address.
  CHECK(events.back().data.find("0905123456") == std::string::npos);
  CHECK(events.back().data.find("Bích Ngọc") == std::string::npos);

  // A second dispatch of the same dossier is refused by the state machine, and orders nothing.
  auto again = tracking::dispatch_return(*world.store, *carrier, world.clock, id, as("hoa.pt"));
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().code == ErrorCode::conflict);
  CHECK(again.error().text.id() == "action_not_allowed");
  CHECK(again.error().message.find("Result posted") != std::string::npos);
  CHECK(world.orders_created() == 1);
}

TEST_CASE(
    "a dispatch that lacks the applicant's details or the desk's address says so in Vietnamese") {
  World world;
  const db::Id id = world.processed_dossier(1, false);
  auto carrier = postal_api::make_vnpost_carrier(world.config(), world.clock).value();

  auto sent = tracking::dispatch_return(*world.store, *carrier, world.clock, id, as("hoa.pt"));
  REQUIRE_FALSE(sent.has_value());
  CHECK(sent.error().code == ErrorCode::invalid_argument);
  const std::string vi = sent.error().render(common::Lang::vi);
  CHECK(vi == fmt::format("Hồ sơ #{} ({}-261116-0001): chưa thể gửi trả kết quả qua bưu chính vì "
                          "thiếu số điện thoại của người nộp hồ sơ; hãy nhập theo phiếu gửi",
                          id, k_agency));
  CHECK(vi.find("--") == std::string::npos);
  CHECK(vi.find("hoso ") == std::string::npos);
  // No personal data in the message: the applicant's name and address stay out of it.
  CHECK(vi.find("Bích Ngọc") == std::string::npos);
  CHECK(vi.find("Lê Duẩn") == std::string::npos);

  // A dossier with no applicant at all lacks all three, named in words.
  const db::Id bare = world.add_dossier(at("2026-11-16 09:00"), std::nullopt, "K7M2Q9XQ");
  world.put_in_state(bare, DossierState::processed, fmt::format("{}-261116-0002", k_agency),
                     world.procedure_id, at("2026-11-23 17:00"), at("2026-11-20 16:00"));
  auto nobody = tracking::dispatch_return(*world.store, *carrier, world.clock, bare, as("hoa.pt"));
  REQUIRE_FALSE(nobody.has_value());
  CHECK(nobody.error()
            .render(common::Lang::vi)
            .find("thiếu họ tên, số điện thoại, địa chỉ nhận "
                  "của người nộp hồ sơ") != std::string::npos);
  CHECK(nobody.error()
            .render(common::Lang::en)
            .find("without the applicant's name, phone, "
                  "address") != std::string::npos);

  // Without the desk's own address nothing can be posted.
  world.set(db::k_setting_agency_address, "");
  const db::Id ready = world.processed_dossier(3);
  auto no_sender =
      tracking::dispatch_return(*world.store, *carrier, world.clock, ready, as("hoa.pt"));
  REQUIRE_FALSE(no_sender.has_value());
  CHECK(no_sender.error().render(common::Lang::vi) ==
        "Chưa khai báo địa chỉ của bộ phận một cửa (nơi gửi kết quả qua bưu chính)");
  CHECK(no_sender.error().message.find("--agency-address") == std::string::npos);
  CHECK(world.orders_created() == 0);
}

TEST_CASE(
    "a dossier without the applicant's phone is not dispatched and the message says how to "
    "add it") {
  World world;
  const db::Id id = world.processed_dossier(1, false);
  auto carrier = postal_api::make_vnpost_carrier(world.config(), world.clock).value();

  auto sent = tracking::dispatch_return(*world.store, *carrier, world.clock, id, as("hoa.pt"));
  REQUIRE_FALSE(sent.has_value());
  CHECK(sent.error().code == ErrorCode::invalid_argument);
  CHECK(sent.error().message.find("phone") != std::string::npos);
  CHECK(sent.error().text.id() == "applicant_missing");
  CHECK(sent.error().message.find("consignment note") != std::string::npos);
  CHECK(world.orders_created() == 0);
  CHECK(world.dossier(id).state == DossierState::processed);

  tracking::ContactUpdate update;
  update.phone = "0905 123 456";
  update.return_address = "Tổ 5, Hòa Khánh Bắc, Liên Chiểu, Đà Nẵng";
  auto saved = tracking::update_contact(*world.store, world.clock, id, update, "hoa.pt");
  REQUIRE(saved.has_value());
  CHECK(saved->phone == "0905123456");
  // The change is logged by field name only.
  const auto events = world.events(id);
  REQUIRE_FALSE(events.empty());
  CHECK(events.back().action == db::EventKind::applicant_updated);
  CHECK(events.back().data.find("phone") != std::string::npos);
  CHECK(events.back().data.find("0905") == std::string::npos);
  CHECK(events.back().data.find("Liên Chiểu") == std::string::npos);

  auto retried = tracking::dispatch_return(*world.store, *carrier, world.clock, id, as("hoa.pt"));
  REQUIRE(retried.has_value());
  CHECK(world.dossier(id).state == DossierState::return_dispatched);
}

TEST_CASE("a phone number that is not a phone number is refused") {
  World world;
  const db::Id id = world.processed_dossier(1, false);
  tracking::ContactUpdate update;
  update.phone = "call the office";
  auto saved = tracking::update_contact(*world.store, world.clock, id, update, "hoa.pt");
  REQUIRE_FALSE(saved.has_value());
  CHECK(saved.error().code == ErrorCode::invalid_argument);
  CHECK(saved.error().message.find("digits") != std::string::npos);
}

TEST_CASE("a dead carrier leaves the dossier unchanged and a later dispatch succeeds") {
  World world;
  const db::Id id = world.processed_dossier(1);
  postal_api::CarrierConfig config = world.config();
  const std::string live_url = config.base_url;
  config.base_url = "http://127.0.0.1:1/api/api/";  // nothing listens there
  config.max_attempts = 2;
  auto dead = postal_api::make_vnpost_carrier(config, world.clock).value();

  auto sent = tracking::dispatch_return(*world.store, *dead, world.clock, id, as("hoa.pt"));
  REQUIRE_FALSE(sent.has_value());
  // The officer reads, in Vietnamese, that the carrier could not be reached: the carrier's failure
  // is a message nested in dispatch's, and curl's English stays in the log message.
  CHECK(sent.error().text.id() == "carrier_create_failed");
  const std::string vi = sent.error().render(common::Lang::vi);
  CHECK(vi.find("Không kết nối được với đơn vị bưu chính") != std::string::npos);
  CHECK(vi.find("hồ sơ chưa thay đổi") != std::string::npos);
  CHECK(vi.find("127.0.0.1") == std::string::npos);
  CHECK(sent.error().code == ErrorCode::unavailable);
  CHECK(sent.error().message.find("was not changed") != std::string::npos);
  CHECK(sent.error().message.find("000.00.05.H12-261116-0001-R1") != std::string::npos);
  CHECK(world.dossier(id).state == DossierState::processed);
  CHECK(world.returns_of(id).empty());

  auto live = postal_api::make_vnpost_carrier(world.config(), world.clock).value();
  auto retried = tracking::dispatch_return(*world.store, *live, world.clock, id, as("hoa.pt"));
  REQUIRE(retried.has_value());
  CHECK(world.returns_of(id).size() == 1);
}

TEST_CASE("dispatching every ready dossier skips the ones that cannot go and reports why") {
  World world;
  const db::Id a = world.processed_dossier(1);
  const db::Id b = world.processed_dossier(2, false);
  const db::Id c = world.processed_dossier(3);
  auto carrier = postal_api::make_vnpost_carrier(world.config(), world.clock).value();

  std::vector<db::Id> seen;
  auto report = tracking::dispatch_ready(
      *world.store, *carrier, world.clock, as("hoa.pt"), 1000,
      [&](db::Id id, const Result<tracking::Dispatched>&) { seen.push_back(id); });
  REQUIRE(report.has_value());
  CHECK(seen == std::vector<db::Id>{a, b, c});
  CHECK(report->dispatched.size() == 2);
  REQUIRE(report->failures.count(b) == 1);
  CHECK(report->failures.at(b).message.find("phone") != std::string::npos);
  CHECK(world.dossier(a).state == DossierState::return_dispatched);
  CHECK(world.dossier(b).state == DossierState::processed);
  CHECK(world.dossier(c).state == DossierState::return_dispatched);
  CHECK(world.orders_created() == 2);
}

TEST_CASE(
    "hoso dispatch killed after the carrier created the shipment makes one shipment when "
    "run again [sqlite]") {
  // The simulator holds its answer to CreateOrder until the test has killed hoso: the carrier has
  // the order, hoso's database does not.
  std::mutex mutex;
  std::condition_variable changed;
  std::string created;
  bool released = false;
  sim::Options options;
  options.on_order_created = [&](const std::string& tracking_number) {
    std::unique_lock lock(mutex);
    if (!created.empty()) return;  // only the first order is held
    created = tracking_number;
    changed.notify_all();
    changed.wait_for(lock, std::chrono::seconds(30), [&] { return released; });
  };
  World world(options);
  const db::Id id = world.processed_dossier(1);
  world.write_config();
  const std::string hoso = (test_support::bin_dir() / "hoso").string();
  const std::string db_arg = world.database.string();
  const std::vector<std::string> args = {hoso,   "--log-level", "quiet",  "dispatch", "--db",
                                         db_arg, "--actor",     "hoa.pt", "--json",   "#1"};
  REQUIRE(id == 1);

  const pid_t pid = test_support::spawn_quiet(args);
  REQUIRE(pid > 0);
  {
    std::unique_lock lock(mutex);
    REQUIRE(changed.wait_for(lock, std::chrono::seconds(30), [&] { return !created.empty(); }));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  {
    std::lock_guard lock(mutex);
    released = true;
  }
  changed.notify_all();
  REQUIRE(WIFSIGNALED(status));
  CHECK(world.orders_created() == 1);
  CHECK(world.returns_of(id).empty());  // the carrier has it, the desk does not (yet)
  CHECK(world.dossier(id).state == DossierState::processed);

  const auto rerun = test_support::run_command(test_support::shell_quote(hoso) +
                                                   " dispatch --json --actor hoa.pt --db " +
                                                   test_support::shell_quote(db_arg) + " '#1'",
                                               world.dir.path());
  INFO(rerun.err);
  REQUIRE(rerun.exit_code == 0);
  const auto json = nlohmann::json::parse(rerun.out);
  REQUIRE(json["dispatched"].size() == 1);
  CHECK(json["dispatched"][0]["tracking_number"] == created);  // the one the killed run ordered
  CHECK(world.orders_created() == 1);                          // and no second one
  const auto returns = world.returns_of(id);
  REQUIRE(returns.size() == 1);
  CHECK(returns[0].tracking_number == created);
  CHECK(world.dossier(id).state == DossierState::return_dispatched);
}

TEST_CASE(
    "the carrier's delivery of the result moves the dossier to result returned at the "
    "delivery time") {
  World world;
  auto carrier = postal_api::make_vnpost_carrier(world.config(), world.clock).value();
  // Dispatch dossiers until the carrier has drawn every scenario for them.
  std::map<sim::Scenario, std::pair<db::Id, std::string>> by_scenario;
  for (int i = 1; i <= 200 && by_scenario.size() < 4; ++i) {
    const db::Id id = world.processed_dossier(i);
    auto sent = tracking::dispatch_return(*world.store, *carrier, world.clock, id, as("hoa.pt"));
    REQUIRE(sent.has_value());
    const auto truth = world.carrier->truth(sent->tracking_number);
    REQUIRE(truth.has_value());
    by_scenario.emplace(truth->scenario, std::pair{id, sent->tracking_number});
  }
  REQUIRE(by_scenario.count(sim::Scenario::delivered) == 1);
  REQUIRE(by_scenario.count(sim::Scenario::returned) == 1);
  REQUIRE(by_scenario.count(sim::Scenario::lost) == 1);
  REQUIRE(by_scenario.count(sim::Scenario::failed_once) == 1);

  // Ten days later every scripted sequence has run its course.
  world.carrier->advance(std::chrono::hours(24 * 10));
  world.clock.advance(std::chrono::hours(24 * 10));
  auto synced = tracking::sync_shipments(*world.store, *carrier, world.clock);
  REQUIRE(synced.has_value());
  CHECK(synced->complete());

  const auto [delivered_id, delivered_number] = by_scenario.at(sim::Scenario::delivered);
  CHECK(world.dossier(delivered_id).state == DossierState::result_returned);
  const auto truth = world.carrier->truth(delivered_number).value();
  const auto events = world.events(delivered_id);
  REQUIRE_FALSE(events.empty());
  CHECK(events.back().action == db::EventKind::result_returned);
  CHECK(events.back().actor == "sync");
  // Recorded at the carrier's delivery time, not when the desk synced.
  CHECK(events.back().data.find(common::format_iso(truth.events.back().time)) != std::string::npos);

  const auto [returned_id, returned_number] = by_scenario.at(sim::Scenario::returned);
  CHECK(world.dossier(returned_id).state == DossierState::return_failed);
  CHECK(world.events(returned_id).back().action == db::EventKind::return_failed);
  // It waits for an officer in the due list.
  const auto due = tracking::Lifecycle(*world.store, world.clock).due().value();
  bool listed = false;
  for (const db::Dossier& d : due.back_at_desk) {
    CHECK(d.state == DossierState::return_failed);
    listed = listed || d.id == returned_id;
  }
  CHECK(listed);
  CHECK(world.dossier(by_scenario.at(sim::Scenario::failed_once).first).state ==
        DossierState::result_returned);
  {
    const db::Id lost = by_scenario.at(sim::Scenario::lost).first;
    CHECK(world.dossier(lost).state == DossierState::return_dispatched);
    // The officer hears of it in the due list.
    const auto lists = tracking::Lifecycle(*world.store, world.clock).due().value();
    bool in_trouble = false;
    for (const db::Dossier& d : lists.return_in_trouble) in_trouble = in_trouble || d.id == lost;
    CHECK(in_trouble);
  }

  // An officer sends the returned result again: a second shipment with its own order code.
  auto again =
      tracking::dispatch_return(*world.store, *carrier, world.clock, returned_id, as("hoa.pt"));
  REQUIRE(again.has_value());
  CHECK(again->order_code.substr(again->order_code.size() - 3) == "-R2");
  CHECK(again->tracking_number != returned_number);
  CHECK(world.returns_of(returned_id).size() == 2);
  CHECK(world.dossier(returned_id).state == DossierState::return_dispatched);
}

TEST_CASE(
    "a return cancelled at the carrier sends the dossier back to the desk and it can be "
    "posted again") {
  World world;
  const db::Id id = world.processed_dossier(1);
  auto carrier = postal_api::make_vnpost_carrier(world.config(), world.clock).value();
  auto sent = tracking::dispatch_return(*world.store, *carrier, world.clock, id, as("hoa.pt"));
  REQUIRE(sent.has_value());
  const auto first = world.returns_of(id).at(0);
  REQUIRE(carrier->cancel(first.carrier_order_id).has_value());  // before the postman collects it

  world.carrier->advance(std::chrono::minutes(10));
  world.clock.advance(std::chrono::minutes(10));
  auto synced = tracking::sync_shipments(*world.store, *carrier, world.clock);
  REQUIRE(synced.has_value());
  CHECK(world.dossier(id).state == DossierState::return_failed);

  auto again = tracking::dispatch_return(*world.store, *carrier, world.clock, id, as("hoa.pt"));
  REQUIRE(again.has_value());
  CHECK(again->order_code == "000.00.05.H12-261116-0001-R2");
  CHECK(world.dossier(id).state == DossierState::return_dispatched);
}

TEST_CASE(
    "a dispatch retried after the address was corrected cancels the first order and posts "
    "to the new address") {
  World world;
  const db::Id id = world.processed_dossier(1);
  auto vnpost = postal_api::make_vnpost_carrier(world.config(), world.clock).value();
  AnswerTrouble carrier(*vnpost);
  carrier.lose_answers = 1;  // the carrier created R1, hoso never heard

  auto lost = tracking::dispatch_return(*world.store, carrier, world.clock, id, as("hoa.pt"));
  REQUIRE_FALSE(lost.has_value());
  CHECK(lost.error().message.find("may already hold order") != std::string::npos);
  CHECK(world.orders_created() == 1);
  CHECK(world.dossier(id).state == DossierState::processed);

  tracking::ContactUpdate update;
  update.return_address = "45 Nguyễn Văn Linh, Hải Châu, Đà Nẵng";
  REQUIRE(tracking::update_contact(*world.store, world.clock, id, update, "hoa.pt").has_value());

  auto sent = tracking::dispatch_return(*world.store, carrier, world.clock, id, as("hoa.pt"));
  REQUIRE(sent.has_value());
  CHECK(sent->order_code == "000.00.05.H12-261116-0001-R2");  // a new order for the new address
  CHECK(carrier.cancelled.size() == 1);                       // and the old one cancelled
  const auto old_number = common::make_s10("EB", 100001);
  const auto old = world.carrier->truth(old_number);
  REQUIRE(old.has_value());
  CHECK(old->status == postal_api::ShipmentStatus::cancelled);
  const auto returns = world.returns_of(id);
  REQUIRE(returns.size() == 1);  // only the live one is the dossier's return shipment
  CHECK(returns[0].tracking_number == sent->tracking_number);
  CHECK(returns[0].tracking_number != old_number);

  // Once posted, the details the label carries cannot change under it.
  auto late = tracking::update_contact(*world.store, world.clock, id, update, "hoa.pt");
  REQUIRE_FALSE(late.has_value());
  CHECK(late.error().message.find("already on its way") != std::string::npos);
}

TEST_CASE("a dispatch retried for the same receiver after a lost answer stores the first order") {
  World world;
  const db::Id id = world.processed_dossier(1);
  auto vnpost = postal_api::make_vnpost_carrier(world.config(), world.clock).value();
  AnswerTrouble carrier(*vnpost);
  carrier.lose_answers = 1;
  REQUIRE_FALSE(
      tracking::dispatch_return(*world.store, carrier, world.clock, id, as("hoa.pt")).has_value());
  auto sent = tracking::dispatch_return(*world.store, carrier, world.clock, id, as("hoa.pt"));
  REQUIRE(sent.has_value());
  CHECK(sent->order_code == "000.00.05.H12-261116-0001-R1");
  CHECK(world.orders_created() == 1);
  CHECK(carrier.cancelled.empty());
}

TEST_CASE("an order the dossier no longer needs is cancelled and the error names the shipment") {
  World world;
  const db::Id id = world.processed_dossier(1);
  auto vnpost = postal_api::make_vnpost_carrier(world.config(), world.clock).value();
  AnswerTrouble carrier(*vnpost);
  // While the carrier answers, a second station settles the dossier (the citizen collected the
  // result at the desk).
  carrier.meanwhile = [&] {
    REQUIRE(world.store
                ->write([&](db::Transaction& tx) -> Result<void> {
                  db::Dossier d = tx.get_dossier(id).value().value();
                  d.state = DossierState::result_returned;
                  return tx.update_dossier(d);
                })
                .has_value());
  };
  auto sent = tracking::dispatch_return(*world.store, carrier, world.clock, id, as("hoa.pt"));
  REQUIRE_FALSE(sent.has_value());
  const auto number = common::make_s10("EB", 100001);
  CHECK(sent.error().message.find(number) != std::string::npos);
  CHECK(sent.error().message.find("was cancelled") != std::string::npos);
  REQUIRE(carrier.cancelled.size() == 1);
  CHECK(world.carrier->truth(number)->status == postal_api::ShipmentStatus::cancelled);
  CHECK(world.returns_of(id).empty());
}

TEST_CASE("a dossier another station posts during a batch dispatch is skipped, not failed") {
  World world;
  const db::Id a = world.processed_dossier(1);
  const db::Id b = world.processed_dossier(2);
  auto carrier = postal_api::make_vnpost_carrier(world.config(), world.clock).value();
  auto other_station = postal_api::make_vnpost_carrier(world.config(), world.clock).value();

  auto report =
      tracking::dispatch_ready(*world.store, *carrier, world.clock, as("hoa.pt"), 1000,
                               [&](db::Id id, const Result<tracking::Dispatched>&) {
                                 if (id != a) return;
                                 // While this run posts `a`, a second station posts `b`.
                                 REQUIRE(tracking::dispatch_return(*world.store, *other_station,
                                                                   world.clock, b, as("lan.nt"))
                                             .has_value());
                               });
  REQUIRE(report.has_value());
  CHECK(report->dispatched.size() == 1);
  CHECK(report->failures.empty());
  CHECK(report->skipped == 1);
  CHECK(world.dossier(b).state == DossierState::return_dispatched);
  CHECK(world.orders_created() == 2);
}

TEST_CASE("dispatch_return fails with the error codes its contract names and writes nothing") {
  World world;
  const db::Id ready = world.processed_dossier(1);
  const db::Id no_phone = world.processed_dossier(2, false);
  const db::Id received = world.add_dossier(at("2026-11-20 09:00"));
  auto carrier = world.carrier_sim.connect(world.clock);
  const auto code_of = [&](db::Store& store, db::Id id, const char* actor) {
    auto sent = tracking::dispatch_return(store, *carrier, world.clock, id, as(actor));
    REQUIRE_FALSE(sent.has_value());
    return sent.error().code;
  };

  CHECK(code_of(*world.store, ready + 100, "hoa.pt") == ErrorCode::not_found);
  // Not allowed from the state: the lifecycle's conflict.
  CHECK(code_of(*world.store, received, "hoa.pt") == ErrorCode::conflict);
  // What a return shipment needs is missing: invalid_argument.
  CHECK(code_of(*world.store, ready, "") == ErrorCode::invalid_argument);
  CHECK(code_of(*world.store, no_phone, "hoa.pt") == ErrorCode::invalid_argument);
  world.set(db::k_setting_agency_address, "  ");
  CHECK(code_of(*world.store, ready, "hoa.pt") == ErrorCode::invalid_argument);
  world.set(db::k_setting_agency_address, "270 Trưng Nữ Vương, Hải Châu, Đà Nẵng");
  // The database refuses: its io_error.
  test_support::RefusingStore refusing(*world.store);
  refusing.refuse_writes = true;
  CHECK(code_of(refusing, ready, "hoa.pt") == ErrorCode::io_error);

  CHECK(world.orders_created() == 0);
  CHECK(world.dossier(ready).state == DossierState::processed);
  CHECK(world.dossier(received).state == DossierState::received);
  CHECK(world.returns_of(ready).empty());
  CHECK(world.events(ready).empty());

  // The dossier moved while the carrier answered: conflict, and the order is cancelled.
  const db::Id moved = world.processed_dossier(3);
  AnswerTrouble trouble(*carrier);
  trouble.meanwhile = [&] {
    world.put_in_state(moved, DossierState::result_returned, world.dossier(moved).code.value(),
                       world.procedure_id, at("2026-11-23 17:00"));
  };
  auto sent = tracking::dispatch_return(*world.store, trouble, world.clock, moved, as("hoa.pt"));
  REQUIRE_FALSE(sent.has_value());
  CHECK(sent.error().code == ErrorCode::conflict);
  CHECK(trouble.cancelled.size() == 1);
  CHECK(world.returns_of(moved).empty());
}

TEST_CASE("dispatch_return passes on the carrier's unavailable and timeout, dossier unchanged") {
  SUBCASE("a stopped carrier is unavailable") {
    World world;
    const db::Id id = world.processed_dossier(1);
    postal_api::CarrierConfig config = world.config();
    config.max_attempts = 2;
    auto carrier = test_support::CarrierSim::connect(config, world.clock);
    world.carrier->stop();

    auto sent = tracking::dispatch_return(*world.store, *carrier, world.clock, id, as("hoa.pt"));
    REQUIRE_FALSE(sent.has_value());
    CHECK(sent.error().code == ErrorCode::unavailable);
    CHECK(world.dossier(id).state == DossierState::processed);
    CHECK(world.returns_of(id).empty());
  }
  SUBCASE("a carrier slower than the request's time limit times out") {
    sim::Options slow;
    slow.faults.latency = std::chrono::milliseconds(400);
    World world(slow);
    const db::Id id = world.processed_dossier(1);
    postal_api::CarrierConfig config = world.config();
    config.total_timeout = std::chrono::milliseconds(100);
    config.max_attempts = 1;
    auto carrier = test_support::CarrierSim::connect(config, world.clock);

    auto sent = tracking::dispatch_return(*world.store, *carrier, world.clock, id, as("hoa.pt"));
    REQUIRE_FALSE(sent.has_value());
    CHECK(sent.error().code == ErrorCode::timeout);
    CHECK(world.dossier(id).state == DossierState::processed);
    CHECK(world.returns_of(id).empty());
  }
}

TEST_CASE("dispatch_ready fails only when its list cannot be read and stops when it cannot go on") {
  World world;
  const db::Id first = world.processed_dossier(1);
  const db::Id second = world.processed_dossier(2);
  postal_api::CarrierConfig config = world.config();
  config.max_attempts = 1;
  auto carrier = test_support::CarrierSim::connect(config, world.clock);
  test_support::RefusingStore refusing(*world.store);

  refusing.refuse_reads = true;
  auto unread = tracking::dispatch_ready(refusing, *carrier, world.clock, as("hoa.pt"));
  REQUIRE_FALSE(unread.has_value());
  CHECK(unread.error().code == ErrorCode::io_error);

  // The database refuses the first dossier's write: the run stops with io_error.
  refusing.refuse_reads = false;
  refusing.refuse_writes = true;
  auto refused = tracking::dispatch_ready(refusing, *carrier, world.clock, as("hoa.pt"));
  REQUIRE(refused.has_value());
  REQUIRE(refused->stopped.has_value());
  CHECK(refused->stopped->code == ErrorCode::io_error);
  CHECK(refused->not_tried == 1);

  // The carrier is down: the run stops with unavailable.
  world.carrier->stop();
  auto down = tracking::dispatch_ready(*world.store, *carrier, world.clock, as("hoa.pt"));
  REQUIRE(down.has_value());
  REQUIRE(down->stopped.has_value());
  CHECK(down->stopped->code == ErrorCode::unavailable);
  REQUIRE(down->failures.count(first) == 1);
  CHECK(down->failures.at(first).code == ErrorCode::unavailable);
  CHECK(down->not_tried == 1);
  CHECK(down->dispatched.empty());
  CHECK(world.dossier(first).state == DossierState::processed);
  CHECK(world.dossier(second).state == DossierState::processed);
}

TEST_CASE("update_contact fails with the error codes its contract names and writes nothing") {
  World world;
  const db::Id posted = world.processed_dossier(1);
  const db::Id bare = world.add_dossier(at("2026-11-20 09:00"));  // no applicant yet
  const auto code_of = [&](db::Store& store, db::Id id, const tracking::ContactUpdate& update) {
    auto saved = tracking::update_contact(store, world.clock, id, update, "hoa.pt");
    REQUIRE_FALSE(saved.has_value());
    return saved.error().code;
  };
  tracking::ContactUpdate new_phone;
  new_phone.phone = "0905 999 888";
  tracking::ContactUpdate short_phone;
  short_phone.phone = "12345";
  tracking::ContactUpdate long_address;
  long_address.address = std::string(301, 'a');

  CHECK(code_of(*world.store, posted + 100, new_phone) == ErrorCode::not_found);
  CHECK(code_of(*world.store, bare, new_phone) == ErrorCode::invalid_argument);  // no name
  CHECK(code_of(*world.store, posted, short_phone) == ErrorCode::invalid_argument);
  CHECK(code_of(*world.store, posted, long_address) == ErrorCode::invalid_argument);
  test_support::RefusingStore refusing(*world.store);
  refusing.refuse_writes = true;
  CHECK(code_of(refusing, posted, new_phone) == ErrorCode::io_error);
  // The result is on its way with the details it was posted with.
  world.put_in_state(posted, DossierState::return_dispatched, world.dossier(posted).code.value(),
                     world.procedure_id, at("2026-11-23 17:00"));
  CHECK(code_of(*world.store, posted, new_phone) == ErrorCode::invalid_argument);

  CHECK(world.events(posted).empty());
  CHECK(world.events(bare).empty());
  world.read([&](db::Transaction& tx) -> Result<void> {
    CHECK(tx.applicant_of(posted).value().value().phone == "0905123456");
    CHECK_FALSE(tx.applicant_of(bare).value().has_value());
    return {};
  });
}
