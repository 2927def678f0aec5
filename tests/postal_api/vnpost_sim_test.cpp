// The Vietnam Post adapter against the in-process carrier simulator over real HTTP on 127.0.0.1:
// scenarios followed day by day, every fault alone and all together, token expiry, the breaker.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "postal_api/sim/simulator.hpp"
#include "postal_api/vnpost.hpp"

using common::ErrorCode;
using postal_api::Carrier;
using postal_api::CarrierConfig;
using postal_api::ShipmentStatus;
using postal_api::TrackingReport;
using postal_api::sim::Faults;
using postal_api::sim::Scenario;
using postal_api::sim::Simulator;
namespace chr = std::chrono;

namespace {

common::Timestamp friday_morning() { return common::parse_local("2026-11-20T08:00:00").value(); }

std::unique_ptr<Simulator> start_simulator(Faults faults = {}, int port = 0, unsigned seed = 3) {
  postal_api::sim::Options options;
  options.seed = seed;
  options.port = port;
  options.start_time = friday_morning();
  options.faults = faults;
  auto started = Simulator::start(options);
  REQUIRE_MESSAGE(started, (started ? "" : started.error().message));
  return std::move(started).value();
}

// Quick retries (the default breaker: only a dead carrier opens it), for tests that inject faults.
CarrierConfig config_for(const Simulator& simulator) {
  CarrierConfig config;
  config.base_url = simulator.base_url();
  config.username = "hoso-desk";
  config.password = "hoso-sim";
  config.status_map = std::filesystem::path(HOSO_SOURCE_DIR) / "samples/carriers/vnpost-status.csv";
  config.connect_timeout = chr::milliseconds(2000);
  config.total_timeout = chr::milliseconds(10000);
  config.max_attempts = 12;
  config.backoff_base = chr::milliseconds(2);
  config.backoff_max = chr::milliseconds(20);
  config.jitter_seed = 11;
  return config;
}

std::unique_ptr<Carrier> carrier_for(const CarrierConfig& config, const common::Clock& clock) {
  auto made = postal_api::make_vnpost_carrier(config, clock);
  REQUIRE_MESSAGE(made, (made ? "" : made.error().message));
  return std::move(made).value();
}

std::string number(int serial, const char* prefix = "EB") {
  // UPU S10 check digit over the 8-digit serial.
  static constexpr int k_weights[8] = {8, 6, 4, 2, 3, 5, 9, 7};
  const auto digits = fmt::format("{:08d}", serial);
  int sum = 0;
  for (int i = 0; i < 8; ++i) sum += (digits[i] - '0') * k_weights[i];
  int check = 11 - sum % 11;
  if (check == 10) check = 0;
  if (check == 11) check = 5;
  return fmt::format("{}{}{}VN", prefix, digits, check);
}

std::vector<std::string> add_items(Simulator& simulator, int count, int first_serial,
                                   std::optional<Scenario> scenario = std::nullopt) {
  std::vector<std::string> numbers;
  for (int i = 0; i < count; ++i) {
    numbers.push_back(number(first_serial + i));
    simulator.add_item(numbers.back(), scenario, friday_morning());
  }
  return numbers;
}

// Tracks until every number has an answer (a fault may leave some in failures for one round).
TrackingReport track_all(Carrier& carrier, const std::vector<std::string>& numbers) {
  TrackingReport merged;
  std::vector<std::string> asking = numbers;
  for (int round = 0; round < 6 && !asking.empty(); ++round) {
    auto report = carrier.track(asking);
    REQUIRE_MESSAGE(report, (report ? "" : report.error().message));
    for (auto& item : report->items) merged.items.push_back(std::move(item));
    for (auto& unknown : report->unknown_numbers) merged.unknown_numbers.push_back(unknown);
    asking.clear();
    merged.failures.clear();
    for (auto& [failed, error] : report->failures) {
      asking.push_back(failed);
      merged.failures.emplace(failed, error);
    }
  }
  return merged;
}

// Every number answered, each with the simulator's truth as its status and events.
void check_matches_truth(const Simulator& simulator, const TrackingReport& report,
                         std::size_t expected) {
  for (const auto& [failed, error] : report.failures) {
    FAIL_CHECK(failed, ": ", error.message);
  }
  CHECK(report.unknown_numbers.empty());
  CHECK(report.items.size() == expected);
  for (const auto& item : report.items) {
    const auto truth = simulator.truth(item.tracking_number);
    REQUIRE(truth);
    CAPTURE(item.tracking_number);
    CHECK(postal_api::status_name(item.status) == postal_api::status_name(truth->status));
    REQUIRE(item.events.size() == truth->events.size());
    for (std::size_t i = 0; i < item.events.size(); ++i) {
      CHECK(item.events[i].key() == truth->events[i].key());
    }
  }
}

}  // namespace

TEST_CASE("each scenario followed day by day through the adapter matches the simulator") {
  auto simulator = start_simulator();
  common::ManualClock clock(friday_morning());
  auto carrier = carrier_for(config_for(*simulator), clock);
  std::vector<std::string> numbers;
  int serial = 100;
  for (auto scenario :
       {Scenario::delivered, Scenario::failed_once, Scenario::returned, Scenario::lost}) {
    for (auto& added : add_items(*simulator, 3, serial, scenario)) numbers.push_back(added);
    serial += 10;
  }
  std::set<std::string> finals;
  for (int day = 0; day < 14; ++day) {
    CAPTURE(day);
    auto report = carrier->track(numbers);
    REQUIRE(report);
    check_matches_truth(*simulator, *report, numbers.size());
    for (const auto& item : report->items) finals.insert(std::string(status_name(item.status)));
    simulator->advance(chr::hours(24));
  }
  CHECK(finals.count("delivered") == 1);
  CHECK(finals.count("delivery_failed") == 1);
  CHECK(finals.count("returned") == 1);
  CHECK(finals.count("exception") == 1);
  CHECK(carrier->stats().retries == 0);
}

TEST_CASE("numbers the carrier does not know are reported unknown, the others answered") {
  auto simulator = start_simulator();
  common::ManualClock clock(friday_morning());
  auto carrier = carrier_for(config_for(*simulator), clock);
  auto numbers = add_items(*simulator, 5, 500);
  simulator->advance(chr::hours(30));
  numbers.push_back(number(999, "RR"));
  numbers.push_back(numbers.front());  // asked twice: answered once
  auto report = carrier->track(numbers);
  REQUIRE(report);
  CHECK(report->items.size() == 5);
  CHECK(report->unknown_numbers == std::vector<std::string>{number(999, "RR")});
  CHECK(report->failures.empty());
}

TEST_CASE("every fault alone, then all together, still gives every status as the carrier has it") {
  struct Case {
    const char* name;
    Faults faults;
  };
  std::vector<Case> cases;
  Faults latency;
  latency.latency = chr::milliseconds(30);
  cases.push_back({"latency", latency});
  Faults errors;
  errors.error_rate = 0.3;
  cases.push_back({"5xx", errors});
  Faults limited;
  limited.rate_limit_per_second = 20;
  cases.push_back({"429", limited});
  Faults dropped;
  dropped.drop_rate = 0.3;
  cases.push_back({"dropped connections", dropped});
  Faults malformed;
  malformed.malformed_rate = 0.3;
  cases.push_back({"malformed answers", malformed});
  Faults duplicated;
  duplicated.duplicate_rate = 0.5;
  cases.push_back({"duplicated events", duplicated});
  Faults reordered;
  reordered.reorder_rate = 0.5;
  cases.push_back({"reordered events", reordered});
  cases.push_back({"all at 0.2", Faults::all(0.2)});

  auto simulator = start_simulator();
  common::ManualClock clock(friday_morning());
  auto config = config_for(*simulator);
  config.batch_size = 20;
  auto numbers = add_items(*simulator, 200, 1000);
  simulator->advance(chr::hours(24 * 3));
  for (const auto& example : cases) {
    CAPTURE(example.name);
    auto carrier = carrier_for(config, clock);
    simulator->set_faults(example.faults);
    const auto report = track_all(*carrier, numbers);
    simulator->set_faults({});
    check_matches_truth(*simulator, report, numbers.size());
  }
}

TEST_CASE("an expired token is replaced by one new login and the request repeated") {
  auto simulator = start_simulator();
  common::ManualClock clock(friday_morning());
  auto carrier = carrier_for(config_for(*simulator), clock);
  auto numbers = add_items(*simulator, 250, 2000);
  REQUIRE(carrier->track(numbers));
  CHECK(carrier->stats().relogins == 0);
  simulator->expire_tokens();
  auto report = carrier->track(numbers);
  REQUIRE(report);
  check_matches_truth(*simulator, *report, numbers.size());
  CHECK(carrier->stats().relogins == 1);  // three batches refused, one login
}

TEST_CASE("wrong credentials fail tracking as a whole, quoting the carrier") {
  auto simulator = start_simulator();
  common::ManualClock clock(friday_morning());
  auto config = config_for(*simulator);
  config.password = "wrong";
  auto carrier = carrier_for(config, clock);
  auto report = carrier->track({number(1)});
  REQUIRE_FALSE(report);
  CHECK(report.error().code == ErrorCode::invalid_argument);
  CHECK(report.error().message.find("vnpost login refused: ") == 0);
}

TEST_CASE(
    "creating a shipment twice with one order code gives one shipment, and cancel works once") {
  auto simulator = start_simulator();
  common::ManualClock clock(friday_morning());
  auto carrier = carrier_for(config_for(*simulator), clock);
  postal_api::ShipmentOrder order;
  order.order_code = "HS-000123-R1";
  order.sender = {"UBND phường", "0240000000", "1 Tràng Tiền, Hoàn Kiếm, Hà Nội", 1, 1, 1};
  order.receiver = {"Nguyễn Văn A", "0912345678", "2 Hàng Bài, Hoàn Kiếm, Hà Nội", 1, 1, 1};
  order.content = "Kết quả giải quyết TTHC";
  auto first = carrier->create_shipment(order);
  REQUIRE_MESSAGE(first, (first ? "" : first.error().message));
  auto second = carrier->create_shipment(order);
  REQUIRE(second);
  CHECK(first->tracking_number == second->tracking_number);
  CHECK(first->carrier_order_id == second->carrier_order_id);
  CHECK(first->order_code == "HS-000123-R1");
  CHECK(first->status == ShipmentStatus::info_received);

  CHECK(carrier->cancel(first->carrier_order_id));
  auto unknown = carrier->cancel("987654321");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == ErrorCode::invalid_argument);

  postal_api::ShipmentOrder no_address = order;
  no_address.order_code = "HS-000124-R1";
  no_address.receiver.address.clear();
  auto refused = carrier->create_shipment(no_address);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::invalid_argument);
  CHECK(refused.error().message.find("vnpost refused order HS-000124-R1: ") == 0);
}

TEST_CASE("a stopped carrier opens the breaker, which fails fast and closes when it is back") {
  auto simulator = start_simulator();
  const int port = simulator->port();
  common::ManualClock clock(friday_morning());
  auto config = config_for(*simulator);
  config.breaker_failures = 3;
  config.breaker_cooldown = chr::seconds(30);
  config.max_attempts = 2;
  config.batch_size = 2;
  auto carrier = carrier_for(config, clock);
  auto numbers = add_items(*simulator, 10, 3000);
  REQUIRE(carrier->track(numbers));

  simulator->stop();
  simulator.reset();
  auto during = carrier->track(numbers);
  // The first call reached the network: its numbers fail one by one.
  REQUIRE(during);
  CHECK(during->failures.size() == numbers.size());
  CHECK(carrier->stats().breaker_opened == 1);

  const auto requests = carrier->stats().requests;
  auto refused = carrier->track(numbers);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::unavailable);
  INFO(refused.error().message);
  // At least 3: requests already in flight when it opened add their failures.
  CHECK(refused.error().message.find("vnpost: not called: the carrier failed ") == 0);
  CHECK(refused.error().message.find(" times in a row") != std::string::npos);
  CHECK(carrier->stats().requests == requests);

  simulator = start_simulator({}, port);
  add_items(*simulator, 10, 3000);
  clock.advance(chr::seconds(30));
  auto after = carrier->track(numbers);
  REQUIRE_MESSAGE(after, (after ? "" : after.error().message));
  check_matches_truth(*simulator, *after, numbers.size());
}
