// Carrier sync end to end: the Vietnam Post adapter over HTTP against the carrier simulator on a
// free port of 127.0.0.1, into a real SQLite file, and `hoso sync` as a desk runs it.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/s10.hpp"
#include "db/store.hpp"
#include "postal_api/sim/simulator.hpp"
#include "postal_api/vnpost.hpp"
#include "tests/support/carrier_sim.hpp"
#include "tests/support/files.hpp"
#include "tests/support/store.hpp"
#include "tracking/carrier_sync.hpp"

namespace {

using common::Result;
using common::Timestamp;
namespace sim = postal_api::sim;

Timestamp at(const char* local) { return common::parse_local(local).value(); }

std::string s10(int serial) { return common::make_s10("EB", static_cast<std::uint32_t>(serial)); }

using test_support::status_table;

// The simulator with `count` items accepted over the four days before its clock, then moved on
// 30 hours, so the items are spread over every state of every scenario.
struct World {
  common::ManualClock start{at("2026-11-23 07:00")};
  test_support::CarrierSim carrier_sim;
  sim::Simulator* carrier = carrier_sim.simulator.get();
  std::vector<std::string> numbers;

  explicit World(int count, unsigned seed = 7) : carrier_sim(start, {}, seed) {
    for (int i = 0; i < count; ++i) {
      numbers.push_back(s10(20'000'000 + i));
      carrier->add_item(numbers.back(), std::nullopt,
                        start.now() - std::chrono::hours(1 + (i % 96)));
    }
    carrier->advance(std::chrono::hours(30));
  }

  postal_api::CarrierConfig config() const {
    postal_api::CarrierConfig c = carrier_sim.config();
    c.backoff_max = std::chrono::milliseconds(500);
    return c;
  }
};

std::unique_ptr<db::Store> desk_with(const std::filesystem::path& file,
                                     const std::vector<std::string>& numbers) {
  auto store = test_support::open_store(file).value();
  REQUIRE(store
              ->write([&](db::Transaction& tx) -> Result<void> {
                for (const std::string& number : numbers) {
                  db::Shipment shipment;
                  shipment.carrier = "vnpost";
                  shipment.tracking_number = number;
                  shipment.year = 2026;
                  shipment.direction = db::Direction::outbound;
                  shipment.status = "info_received";
                  shipment.first_seen_at = at("2026-11-15 08:00");
                  shipment.updated_at = shipment.first_seen_at;
                  if (auto id = tx.insert_shipment(shipment); !id) return id.error();
                }
                return {};
              })
              .has_value());
  return store;
}

// Every stored status against the simulator's truth; every stored event list against its events.
struct Comparison {
  int wrong_status = 0;
  int wrong_events = 0;
  std::string first_difference;
};

Comparison compare(db::Store& store, const World& world) {
  Comparison out;
  REQUIRE(store
              .read([&](db::Transaction& tx) -> Result<void> {
                for (const std::string& number : world.numbers) {
                  auto shipment = tx.find_shipment(number, db::Direction::outbound, Timestamp{});
                  if (!shipment) return shipment.error();
                  const auto truth = world.carrier->truth(number);
                  REQUIRE(truth.has_value());
                  REQUIRE(shipment->has_value());
                  const std::string expected(postal_api::status_name(truth->status));
                  if ((*shipment)->status != expected) {
                    if (out.first_difference.empty()) {
                      out.first_difference = fmt::format("{}: stored {}, carrier says {}", number,
                                                         (*shipment)->status, expected);
                    }
                    ++out.wrong_status;
                  }
                  auto events = tx.carrier_events_of((*shipment)->id);
                  if (!events) return events.error();
                  if (events->size() != truth->events.size()) ++out.wrong_events;
                }
                return {};
              })
              .has_value());
  return out;
}

struct Snapshot {
  db::Counts counts;
  std::vector<std::string> shipments;
  std::optional<std::string> last_sync;
  bool operator==(const Snapshot& other) const {
    return counts.shipments == other.counts.shipments && counts.events == other.counts.events &&
           shipments == other.shipments && last_sync == other.last_sync;
  }
};

Snapshot snapshot(db::Store& store, const std::vector<std::string>& numbers) {
  Snapshot out;
  REQUIRE(store
              .read([&](db::Transaction& tx) -> Result<void> {
                auto counts = tx.counts();
                if (!counts) return counts.error();
                out.counts = *counts;
                for (const std::string& number : numbers) {
                  auto shipment = tx.find_shipment(number, db::Direction::outbound, Timestamp{});
                  if (!shipment) return shipment.error();
                  auto events = tx.carrier_events_of((*shipment)->id);
                  if (!events) return events.error();
                  out.shipments.push_back(fmt::format(
                      "{} {} {} {}", number, (*shipment)->status,
                      (*shipment)->synced_at ? common::format_iso(*(*shipment)->synced_at) : "-",
                      events->size()));
                }
                auto last = tx.setting(tracking::last_sync_setting("vnpost"));
                if (!last) return last.error();
                out.last_sync = *last;
                return {};
              })
              .has_value());
  return out;
}

}  // namespace

TEST_CASE(
    "with every fault injected at 20 % a sync of 10,000 shipments ends with every status "
    "equal to the carrier's and no duplicate events") {
  World world(10'000);
  test_support::TempDir dir;
  auto store = desk_with(dir / "hoso.db", world.numbers);
  common::SystemClock clock;
  auto carrier = postal_api::make_vnpost_carrier(world.config(), clock).value();

  world.carrier->set_faults(sim::Faults::all(0.2));
  auto report = tracking::sync_shipments(*store, *carrier, clock);
  world.carrier->set_faults({});
  REQUIRE_MESSAGE(report.has_value(), (report ? std::string() : report.error().message));
  std::string failures;
  for (const auto& [number, error] : report->failures) failures += error.message + "\n";
  INFO("numbers without an answer:\n" << failures);
  CHECK(report->complete());
  CHECK(report->answered == 10'000);
  CHECK(report->carrier_stats.retries > 0);  // the faults were there, and were survived
  const auto counters = world.carrier->counters();
  INFO(nlohmann::json(counters).dump());

  const Comparison after = compare(*store, world);
  INFO(after.first_difference);
  CHECK(after.wrong_status == 0);
  CHECK(after.wrong_events == 0);

  // Asking again, faults and all, stores nothing twice.
  world.carrier->set_faults(sim::Faults::all(0.2));
  auto again = tracking::sync_shipments(*store, *carrier, clock);
  world.carrier->set_faults({});
  REQUIRE(again.has_value());
  CHECK(again->new_events == 0);
  CHECK(again->changes.empty());
  CHECK(compare(*store, world).wrong_events == 0);

  // The carrier moves on: a later sync follows it.
  world.carrier->advance(std::chrono::hours(24 * 6));
  auto later = tracking::sync_shipments(*store, *carrier, clock);
  REQUIRE(later.has_value());
  CHECK(later->complete());
  CHECK(later->new_events > 0);
  const Comparison final_state = compare(*store, world);
  INFO(final_state.first_difference);
  CHECK(final_state.wrong_status == 0);
  CHECK(final_state.wrong_events == 0);
}

TEST_CASE(
    "hoso sync prints what changed, records the run, and a second run changes nothing [sqlite]") {
  World world(60);
  test_support::TempDir dir;
  const auto database = dir / "hoso.db";
  { auto store = desk_with(database, world.numbers); }
  dir.write("hoso.json", nlohmann::json{{"carrier",
                                         {{"base_url", world.carrier->base_url()},
                                          {"username", "hoso-desk"},
                                          {"password_env", "HOSO_TEST_CARRIER_PASSWORD"},
                                          {"status_map", status_table().string()}}}}
                             .dump());
  const std::string hoso = "HOSO_TEST_CARRIER_PASSWORD=hoso-sim " +
                           test_support::shell_quote((test_support::bin_dir() / "hoso").string()) +
                           " sync --db " + test_support::shell_quote(database.string());

  const auto first = test_support::run_command(hoso, dir.path());
  INFO(first.out << first.err);
  CHECK(first.exit_code == 0);
  CHECK(first.out.find("Asked vnpost about 60 shipments") != std::string::npos);
  CHECK(first.out.find("60 answered") != std::string::npos);
  CHECK(first.out.find("Complete: recorded as the last successful sync") != std::string::npos);

  auto store = test_support::open_store(database).value();
  const Comparison after = compare(*store, world);
  CHECK(after.wrong_status == 0);
  CHECK(after.wrong_events == 0);

  const auto second = test_support::run_command(hoso + " --json", dir.path());
  INFO(second.out << second.err);
  CHECK(second.exit_code == 0);
  const auto json = nlohmann::json::parse(second.out);
  CHECK(json["new_events"] == 0);
  CHECK(json["changes"].empty());
  CHECK(json["complete"] == true);
}

TEST_CASE(
    "a dead carrier makes hoso sync fail fast once the breaker opens, and changes nothing "
    "[sqlite]") {
  World world(300);
  const std::string base_url = world.carrier->base_url();
  world.carrier->stop();  // nobody listens on that port any more

  test_support::TempDir dir;
  const auto database = dir / "hoso.db";
  Snapshot before;
  {
    auto store = desk_with(database, world.numbers);
    before = snapshot(*store, world.numbers);
  }
  dir.write("hoso.json", nlohmann::json{{"carrier",
                                         {{"base_url", base_url},
                                          {"username", "hoso-desk"},
                                          {"password", "hoso-sim"},
                                          {"status_map", status_table().string()},
                                          {"backoff_base_ms", 20},
                                          {"breaker_failures", 5}}}}
                             .dump());
  const auto run = test_support::run_command(
      test_support::shell_quote((test_support::bin_dir() / "hoso").string()) + " sync --db " +
          test_support::shell_quote(database.string()),
      dir.path());
  INFO(run.out << run.err);
  CHECK(run.exit_code == 5);  // carrier unavailable
  CHECK(run.err.find("circuit breaker is open") != std::string::npos);
  CHECK(run.err.find("nothing was changed") != std::string::npos);

  auto store = test_support::open_store(database).value();
  CHECK(snapshot(*store, world.numbers) == before);
}

TEST_CASE(
    "webhooks pushed by the carrier are verified and stored, and a replayed delivery is refused") {
  World world(20);
  test_support::TempDir dir;
  auto store = desk_with(dir / "hoso.db", world.numbers);
  // The desk's copy of the carrier's public key, as an admin would install it.
  const auto key_file = dir.write("carrier-public.pem", world.carrier->public_key_pem());
  postal_api::CarrierConfig config = world.config();
  config.webhook_public_key = key_file;
  // The simulator signs with its own clock: the desk's clock reads the same time.
  common::ManualClock clock(world.carrier->now());
  auto carrier = postal_api::make_vnpost_carrier(config, clock).value();

  // The desk's webhook endpoint: verify, then store; answer 200 only when stored.
  std::mutex mutex;
  std::vector<std::string> bodies;
  int accepted = 0;
  httplib::Server endpoint;
  endpoint.Post(
      "/carrier/webhook", [&](const httplib::Request& request, httplib::Response& response) {
        postal_api::WebhookRequest webhook;
        for (const auto& [name, value] : request.headers) webhook.headers[name] = value;
        webhook.body = request.body;
        std::lock_guard lock(mutex);
        bodies.push_back(request.body);
        auto delivery = carrier->parse_webhook(webhook);
        if (!delivery) {
          response.status = 400;
          response.set_content(delivery.error().message, "text/plain");
          return;
        }
        // A replay is refused here, by the desk's memory of deliveries: bad_input.
        auto applied = tracking::apply_webhook(*store, "vnpost", *delivery, clock);
        if (!applied) {
          response.status = applied.error().code == common::ErrorCode::bad_input ? 400 : 500;
          response.set_content(applied.error().message, "text/plain");
          return;
        }
        ++accepted;
        response.status = 200;
        response.set_content(R"({"IsSuccess": true})", "application/json");
      });
  const int port = endpoint.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { endpoint.listen_after_bind(); });
  struct StopAtExit {  // also when a REQUIRE leaves early
    httplib::Server& server;
    std::thread& thread;
    ~StopAtExit() {
      server.stop();
      if (thread.joinable()) thread.join();
    }
  } stop_at_exit{endpoint, serving};
  while (!endpoint.is_running()) std::this_thread::yield();

  // What the carrier knew before the pushes start comes from one poll.
  auto polled = tracking::sync_shipments(*store, *carrier, clock);
  REQUIRE(polled.has_value());
  REQUIRE(polled->complete());

  world.carrier->set_webhook_url(fmt::format("http://127.0.0.1:{}/carrier/webhook", port));
  clock.set(world.carrier->now() + std::chrono::hours(24));
  world.carrier->advance(std::chrono::hours(24));

  // Every event that became visible is pushed; wait until the simulator has handled them all.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::int64_t pushed = 0;
  std::int64_t queued = 0;
  for (;;) {
    const auto counters = world.carrier->counters();
    pushed = counters.at("webhooks.pushed");
    queued = counters.at("webhooks.queued");
    if ((queued > 0 && pushed + counters.at("webhooks.failed") == queued) ||
        std::chrono::steady_clock::now() > deadline) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(pushed == queued);
  REQUIRE(pushed > 0);
  {
    std::lock_guard lock(mutex);
    CHECK(accepted == pushed);
  }
  const Comparison after = compare(*store, world);
  INFO(after.first_difference);
  CHECK(after.wrong_status == 0);

  // Sending one of those deliveries again is a replay: refused, nothing stored twice.
  std::string replayed;
  {
    std::lock_guard lock(mutex);
    replayed = bodies.front();
  }
  httplib::Client client("127.0.0.1", port);
  const auto again = client.Post("/carrier/webhook", replayed, "application/json");
  REQUIRE(again);
  CHECK(again->status == 400);
  CHECK(again->body.find("replay") != std::string::npos);

  // A delivery whose data was changed after signing is refused too.
  auto forged = nlohmann::json::parse(replayed);
  std::string data = forged["Data"];
  data += " ";  // the same JSON, other bytes
  forged["Data"] = data;
  const auto tampered = client.Post("/carrier/webhook", forged.dump(), "application/json");
  REQUIRE(tampered);
  CHECK(tampered->status == 400);
  CHECK(tampered->body.find("signature") != std::string::npos);

  CHECK(compare(*store, world).wrong_events == 0);
}

TEST_CASE(
    "hoso sync killed with SIGKILL mid-way is finished by the next run without duplicates "
    "[sqlite]") {
  World world(6000);
  sim::Faults slow;
  slow.latency = std::chrono::milliseconds(100);  // three chunks of 2,000 take a second or more
  world.carrier->set_faults(slow);
  test_support::TempDir dir;
  const auto database = dir / "hoso.db";
  auto store = desk_with(database, world.numbers);
  dir.write("hoso.json", nlohmann::json{{"carrier",
                                         {{"base_url", world.carrier->base_url()},
                                          {"username", "hoso-desk"},
                                          {"password", "hoso-sim"},
                                          {"status_map", status_table().string()}}}}
                             .dump());
  const std::string hoso = (test_support::bin_dir() / "hoso").string();
  const std::string db_arg = database.string();
  const std::vector<std::string> args = {hoso, "--log-level", "quiet", "sync", "--db", db_arg};

  const pid_t pid = test_support::spawn_quiet(args);
  REQUIRE(pid > 0);

  // Kill it as soon as its first chunk is committed.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool first_chunk_stored = false;
  while (std::chrono::steady_clock::now() < deadline) {
    REQUIRE(store
                ->read([&](db::Transaction& tx) -> Result<void> {
                  auto first =
                      tx.find_shipment(world.numbers.front(), db::Direction::outbound, Timestamp{});
                  if (!first) return first.error();
                  first_chunk_stored = (*first)->synced_at.has_value();
                  return {};
                })
                .has_value());
    if (first_chunk_stored) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));  // killed, not finished
  const Comparison interrupted = compare(*store, world);
  CHECK(interrupted.wrong_status > 0);  // the run really stopped part-way
  CHECK(snapshot(*store, world.numbers).last_sync == std::nullopt);

  world.carrier->set_faults({});
  const auto rerun = test_support::run_command(
      test_support::shell_quote(hoso) + " sync --json --db " + test_support::shell_quote(db_arg),
      dir.path());
  INFO(rerun.err);
  REQUIRE(rerun.exit_code == 0);
  const auto json = nlohmann::json::parse(rerun.out);
  CHECK(json["complete"] == true);
  CHECK(json["asked"].get<int>() < 6000);  // what the killed run stored as final is not asked again
  const Comparison finished = compare(*store, world);
  INFO(finished.first_difference);
  CHECK(finished.wrong_status == 0);
  CHECK(finished.wrong_events == 0);  // no event stored twice
}

TEST_CASE(
    "regression: hoso sync --json prints an error object when the carrier is unreachable "
    "[sqlite]") {
  World world(30);
  const std::string base_url = world.carrier->base_url();
  world.carrier->stop();  // nobody listens on that port any more
  test_support::TempDir dir;
  const auto database = dir / "hoso.db";
  { auto store = desk_with(database, world.numbers); }
  dir.write("hoso.json", nlohmann::json{{"carrier",
                                         {{"base_url", base_url},
                                          {"username", "hoso-desk"},
                                          {"password", "hoso-sim"},
                                          {"status_map", status_table().string()},
                                          {"backoff_base_ms", 20},
                                          {"breaker_failures", 5}}}}
                             .dump());
  const auto run = test_support::run_command(
      test_support::shell_quote((test_support::bin_dir() / "hoso").string()) +
          " sync --json --db " + test_support::shell_quote(database.string()),
      dir.path());
  INFO(run.out << run.err);
  CHECK(run.exit_code == 5);  // carrier unavailable
  const auto lines = test_support::lines_of(run.out);
  REQUIRE(lines.size() == 1);
  const auto json = nlohmann::json::parse(lines.front());
  CHECK(json["error"]["code"] == "unavailable");
  CHECK(json["error"]["message"].get<std::string>().find("nothing was changed") !=
        std::string::npos);
  CHECK(json["complete"] == false);

  // A desk without a carrier config says so in JSON too.
  const auto unconfigured = test_support::run_command(
      test_support::shell_quote((test_support::bin_dir() / "hoso").string()) +
          " sync --json --config none.json --db " + test_support::shell_quote(database.string()),
      dir.path());
  INFO(unconfigured.out << unconfigured.err);
  CHECK(unconfigured.exit_code == 2);
  CHECK(nlohmann::json::parse(unconfigured.out)["error"]["code"] == "invalid_argument");
}
