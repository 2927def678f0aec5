// sync_bench: how fast hoso learns where its shipments are, against the carrier simulator on
// 127.0.0.1, each figure against a baseline measured in the same run:
//   1. tracking refreshes per second through the Vietnam Post adapter, batched (100 numbers per
//      request) with requests in flight at once, against one request per number in sequence;
//   2. a whole `hoso sync` (tracking::sync_shipments into a fresh SQLite file), the same way;
//   3. the same sync with every fault injected at 20 % together (5xx, 429, dropped connections,
//      malformed answers, duplicated and reordered events, latency), and whether every stored
//      status then equals the simulator's truth.
// Speed is never pass/fail: this prints a table (or --json). Progress goes to stderr.
//
//   sync_bench [--shipments N] [--fault-rate R] [--seed S] [--json]
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/s10.hpp"
#include "db/store.hpp"
#include "postal_api/sim/simulator.hpp"
#include "postal_api/vnpost.hpp"
#include "tracking/carrier_sync.hpp"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

template <class T>
T need(common::Result<T> result, const char* what) {
  if (!result) throw std::runtime_error(fmt::format("{}: {}", what, result.error().message));
  return std::move(*result);
}

std::string s10(int serial) { return common::make_s10("EB", static_cast<std::uint32_t>(serial)); }

struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "hoso-sync-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot make a temp dir");
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

// A fresh database holding `numbers` as outbound Vietnam Post shipments.
std::unique_ptr<db::Store> fresh_store(const fs::path& file,
                                       const std::vector<std::string>& numbers,
                                       common::Timestamp first_seen) {
  fs::remove(file);
  fs::remove(fs::path(file.string() + "-wal"));
  fs::remove(fs::path(file.string() + "-shm"));
  auto store = need(db::open_sqlite(file), "opening the database");
  auto written = store->write([&](db::Transaction& tx) -> common::Result<void> {
    for (const std::string& number : numbers) {
      db::Shipment shipment;
      shipment.carrier = "vnpost";
      shipment.tracking_number = number;
      shipment.year = 2026;
      shipment.direction = db::Direction::outbound;
      shipment.status = "info_received";
      shipment.first_seen_at = first_seen;
      shipment.updated_at = first_seen;
      if (auto id = tx.insert_shipment(shipment); !id) return id.error();
    }
    return {};
  });
  if (!written) throw std::runtime_error(written.error().message);
  return store;
}

struct Row {
  std::string what;
  int shipments = 0;
  double seconds = 0;
  std::int64_t requests = 0;
  std::int64_t retries = 0;
  std::string note;
  double per_second() const { return seconds > 0 ? shipments / seconds : 0; }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"sync_bench: tracking refreshes per second against the local carrier simulator"};
  int shipments = 10'000;
  double fault_rate = 0.2;
  unsigned seed = 42;
  bool json = false;
  cli.add_option("--shipments", shipments, "Shipments at the simulator")->capture_default_str();
  cli.add_option("--fault-rate", fault_rate, "Rate of every injected fault in the last run")
      ->capture_default_str();
  cli.add_option("--seed", seed, "Simulator seed")->capture_default_str();
  cli.add_flag("--json", json, "Print JSON instead of a table");
  CLI11_PARSE(cli, argc, argv);

  try {
    const common::Timestamp start = common::parse_local("2026-11-23 07:00").value();
    postal_api::sim::Options options;
    options.seed = seed;
    options.start_time = start;
    auto sim = need(postal_api::sim::Simulator::start(options), "starting the simulator");

    std::vector<std::string> numbers;
    numbers.reserve(static_cast<std::size_t>(shipments));
    for (int i = 0; i < shipments; ++i) {
      numbers.push_back(s10(10'000'000 + i));
      // Accepted over the last few days, so the shipments are spread over every state.
      sim->add_item(numbers.back(), std::nullopt, start - std::chrono::hours(1 + (i % 96)));
    }
    sim->advance(std::chrono::hours(30));

    common::SystemClock clock;
    postal_api::CarrierConfig config;
    config.base_url = sim->base_url();
    config.username = options.username;
    config.password = options.password;
    config.status_map = fs::path(HOSO_SOURCE_DIR) / "samples/carriers/vnpost-status.csv";
    config.backoff_base = std::chrono::milliseconds(50);
    config.backoff_max = std::chrono::milliseconds(1000);
    config.jitter_seed = seed;

    std::vector<Row> rows;
    auto client_run = [&](const std::string& what, int batch, int in_flight, std::size_t count) {
      postal_api::CarrierConfig c = config;
      c.batch_size = batch;
      c.max_in_flight = in_flight;
      auto carrier = need(postal_api::make_vnpost_carrier(c, clock), "making the carrier");
      const std::vector<std::string> asked(
          numbers.begin(),
          numbers.begin() + static_cast<std::ptrdiff_t>(std::min(count, numbers.size())));
      std::fprintf(stderr, "sync_bench: %s…\n", what.c_str());
      const auto began = SteadyClock::now();
      auto report = need(carrier->track(asked), "tracking");
      Row row{what,
              static_cast<int>(report.items.size()),
              std::chrono::duration<double>(SteadyClock::now() - began).count(),
              0,
              0,
              ""};
      row.requests = carrier->stats().requests;
      row.retries = carrier->stats().retries;
      if (!report.failures.empty()) row.note = fmt::format("{} failed", report.failures.size());
      rows.push_back(row);
    };
    client_run("track(), 100 per request, 8 in flight", 100, 8, numbers.size());
    client_run("track(), 1 per request, in sequence", 1, 1, numbers.size());
    // A real carrier is tens of milliseconds away: the same pair with 20 ms added to every answer
    // (one request per number in sequence over the first 500 numbers only, or it takes minutes).
    postal_api::sim::Faults slow;
    slow.latency = std::chrono::milliseconds(20);
    sim->set_faults(slow);
    client_run("track(), 20 ms carrier: 100 per request, 8 in flight", 100, 8, numbers.size());
    client_run("track(), 20 ms carrier: 1 per request, in sequence", 1, 1, 500);
    sim->set_faults({});

    TempDir dir;
    const fs::path database = dir.path / "hoso.db";
    int mismatches = -1;
    std::int64_t duplicate_events = -1;
    auto sync_run = [&](const std::string& what, const postal_api::sim::Faults& faults,
                        bool check) {
      sim->set_faults(faults);
      auto store = fresh_store(database, numbers, start - std::chrono::hours(200));
      auto carrier = need(postal_api::make_vnpost_carrier(config, clock), "making the carrier");
      std::fprintf(stderr, "sync_bench: %s…\n", what.c_str());
      const auto began = SteadyClock::now();
      auto report = need(tracking::sync_shipments(*store, *carrier, clock), "syncing");
      Row row{what,
              report.answered,
              std::chrono::duration<double>(SteadyClock::now() - began).count(),
              0,
              0,
              ""};
      row.requests = report.carrier_stats.requests;
      row.retries = report.carrier_stats.retries;
      row.note = report.complete() ? "complete" : fmt::format("{} failed", report.failures.size());
      sim->set_faults({});
      if (check) {
        mismatches = 0;
        duplicate_events = 0;
        auto read = store->read([&](db::Transaction& tx) -> common::Result<void> {
          for (const std::string& number : numbers) {
            auto shipment = tx.find_shipment(number, db::Direction::outbound, common::Timestamp{});
            if (!shipment) return shipment.error();
            const auto truth = sim->truth(number);
            if (!shipment->has_value() || !truth) {
              ++mismatches;
              continue;
            }
            if ((*shipment)->status != postal_api::status_name(truth->status)) ++mismatches;
            auto events = tx.carrier_events_of((*shipment)->id);
            if (!events) return events.error();
            duplicate_events += static_cast<std::int64_t>(events->size()) -
                                static_cast<std::int64_t>(truth->events.size());
          }
          return {};
        });
        if (!read) throw std::runtime_error(read.error().message);
        row.note += fmt::format("; {} statuses differ from the simulator, {} extra events",
                                mismatches, duplicate_events);
      }
      rows.push_back(row);
    };
    sync_run("hoso sync (batched, into SQLite)", {}, true);
    sync_run(fmt::format("hoso sync, every fault at {:.0f} %", fault_rate * 100),
             postal_api::sim::Faults::all(fault_rate), true);

    const auto ratio_of = [&](std::size_t fast, std::size_t slow_row) {
      return rows[slow_row].per_second() > 0 ? rows[fast].per_second() / rows[slow_row].per_second()
                                             : 0.0;
    };
    const double ratio = ratio_of(0, 1);
    const double ratio_slow = ratio_of(2, 3);
    if (json) {
      Json out{{"shipments", shipments},
               {"batched_vs_sequential", ratio},
               {"batched_vs_sequential_20ms", ratio_slow},
               {"runs", Json::array()}};
      for (const Row& row : rows) {
        out["runs"].push_back({{"what", row.what},
                               {"shipments", row.shipments},
                               {"seconds", row.seconds},
                               {"per_second", row.per_second()},
                               {"requests", row.requests},
                               {"retries", row.retries},
                               {"note", row.note}});
      }
      std::puts(out.dump(2).c_str());
    } else {
      fmt::print("{:<54} {:>9} {:>8} {:>10} {:>8} {:>7}  {}\n", "run", "shipments", "seconds",
                 "per second", "requests", "retries", "note");
      for (const Row& row : rows) {
        fmt::print("{:<54} {:>9} {:>8.2f} {:>10.0f} {:>8} {:>7}  {}\n", row.what, row.shipments,
                   row.seconds, row.per_second(), row.requests, row.retries, row.note);
      }
      fmt::print(
          "\nbatched client vs one request per shipment in sequence: {:.1f}× on 127.0.0.1, "
          "{:.1f}× with a 20 ms carrier\n",
          ratio, ratio_slow);
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sync_bench: %s\n", e.what());
    return 1;
  }
}
