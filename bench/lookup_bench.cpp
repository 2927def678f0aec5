// lookup_bench: does a citizen's lookup of a code that names a dossier take longer than one of a
// code that names nothing, when the lookup code is wrong? (It did: a known code was ~10 µs
// slower, so timing told an attacker which tracking numbers exist.) On a real SQLite file with
// --dossiers accepted dossiers, it times tracking::citizen_lookup(store, code, wrong lookup code)
// for known and unknown codes of three kinds (inbound tracking number, return tracking number,
// dossier code), and, in the same run and the same loop, the path before it: the five store calls
// (find_shipment inbound and outbound, find_dossier_by_code of the standard form and as typed,
// get_dossier of the match or of id 0) and the same comparison. Known and unknown samples, old and
// new, are interleaved in rotating order so drift of the machine biases none of them.
// Speed is never pass/fail: this prints a table. Exits 1 when a lookup answered wrongly (a wrong
// lookup code accepted, a right one refused). Progress goes to stderr.
//
//   lookup_bench [--dossiers N] [--samples N] [--dir DIR] [--keep]
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_dir.hpp"
#include "common/clock.hpp"
#include "common/s10.hpp"
#include "db/store.hpp"
#include "intake/registrar.hpp"
#include "tracking/lookup.hpp"

namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

constexpr std::string_view k_agency_code = "000.00.05.H12";
constexpr std::int64_t k_fill_batch = 5000;   // dossiers per write transaction
constexpr std::int64_t k_per_day = 1000;      // dossiers a working day, for their codes
constexpr std::int64_t k_return_every = 3;    // every third dossier has a return shipment
constexpr std::int64_t k_warmup_rounds = 50;  // untimed rounds before the samples

void progress(const std::string& line) { std::fprintf(stderr, "lookup_bench: %s\n", line.c_str()); }

void check(const common::Result<void>& result, std::string_view doing) {
  if (!result) throw std::runtime_error(fmt::format("{}: {}", doing, result.error().message));
}

// Spread over the number space as mail from many post offices is (sequential numbers would
// flatter the index); a bijection of k for k < 10^8.
std::uint32_t serial_of(std::int64_t k) {
  return static_cast<std::uint32_t>((k * 39'916'801 + 12'345'678) % 100'000'000);
}
std::string inbound_number(std::int64_t k) { return common::make_s10("EB", serial_of(k)); }
std::string return_number(std::int64_t k) { return common::make_s10("EL", serial_of(k)); }

common::Date day_of(std::int64_t k) {
  const common::Date first{std::chrono::year{2024}, std::chrono::January, std::chrono::day{2}};
  return common::Date{std::chrono::sys_days{first} + std::chrono::days{k / k_per_day}};
}

// The standard form <agency>-YYMMDD-NNNN; an unknown one has a sequence no day reaches.
std::string dossier_code(std::int64_t k, bool known) {
  const common::Date d = day_of(k);
  const std::int64_t sequence = known ? k % k_per_day + 1 : 5000 + k % k_per_day;
  return fmt::format("{}-{:02}{:02}{:02}-{:04}", k_agency_code, static_cast<int>(d.year()) % 100,
                     static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()), sequence);
}

// Accepted dossiers as intake and an officer leave them, k_fill_batch per transaction: the
// dossier (code, lookup code, due date), its delivered inbound envelope with three carrier events,
// every third a return shipment, and two history events. Returns each dossier's lookup code.
std::vector<std::string> fill(db::Store& store, std::int64_t dossiers) {
  std::vector<std::string> lookup_codes;
  lookup_codes.reserve(static_cast<std::size_t>(dossiers));
  db::Id agency_id = 0;
  check(store.write([&](db::Transaction& tx) -> common::Result<void> {
    TRY_ASSIGN(agency_id, tx.upsert_agency(db::Agency{0, std::string(k_agency_code), "Bench"}));
    return tx.set_setting("agency_code", std::string(k_agency_code));
  }),
        "initialising the desk");
  for (std::int64_t first = 0; first < dossiers; first += k_fill_batch) {
    const std::int64_t last = std::min(dossiers, first + k_fill_batch);
    const std::size_t codes_before = lookup_codes.size();
    check(store.write([&](db::Transaction& tx) -> common::Result<void> {
      lookup_codes.resize(codes_before);  // a run again (db::Store::write) keeps only its own
      for (std::int64_t k = first; k < last; ++k) {
        const common::Timestamp filed =
            common::local_time(day_of(k), 8, 0) + std::chrono::seconds{(k % k_per_day) * 25};
        db::Dossier dossier;
        dossier.code = dossier_code(k, true);
        dossier.agency_id = agency_id;
        dossier.state = db::DossierState::accepted;
        dossier.filed_at = filed;
        dossier.due_at = filed + std::chrono::days{14};
        dossier.lookup_code = intake::new_lookup_code();
        dossier.created_at = filed;
        dossier.updated_at = filed;
        TRY_ASSIGN(const db::Id dossier_id, tx.insert_dossier(dossier));
        lookup_codes.push_back(dossier.lookup_code);

        for (const auto direction : {db::Direction::inbound, db::Direction::outbound}) {
          const bool inbound = direction == db::Direction::inbound;
          if (!inbound && k % k_return_every != 0) continue;
          db::Shipment shipment;
          shipment.carrier = "vnpost";
          shipment.tracking_number = inbound ? inbound_number(k) : return_number(k);
          shipment.year = static_cast<int>(day_of(k).year());
          shipment.direction = direction;
          shipment.status = "delivered";
          shipment.dossier_id = dossier_id;
          shipment.first_seen_at = inbound ? filed : filed + std::chrono::days{10};
          shipment.updated_at = shipment.first_seen_at;
          TRY_ASSIGN(const db::Id shipment_id, tx.insert_shipment(shipment));
          int step = 0;
          for (const char* status : {"picked_up", "in_transit", "delivered"}) {
            db::CarrierEvent event;
            event.shipment_id = shipment_id;
            event.occurred_at = shipment.first_seen_at - std::chrono::hours{20 * (2 - step++)};
            event.key = fmt::format("{}|{}", common::format_iso(event.occurred_at), status);
            event.carrier_code = status;
            event.status = status;
            event.location_code = "550100";
            event.location = "Bưu cục phát Hải Châu";
            event.recorded_at = shipment.first_seen_at;
            TRY(tx.add_carrier_event(event));
          }
        }
        for (const auto kind : {db::EventKind::received_by_post, db::EventKind::accepted}) {
          TRY(tx.append_event(db::Event{0, filed, "bench", "dossier", dossier_id, kind, "",
                                        R"({"to":"accepted"})"}));
        }
      }
      return {};
    }),
          "filling the desk");
    if ((last / k_fill_batch) % 20 == 0 || last == dossiers) {
      progress(fmt::format("filled {} of {} dossiers", last, dossiers));
    }
  }
  return lookup_codes;
}

// The citizen's lookup before match_public_code, as tracking/lookup.cpp had it: five store calls
// in the same order whatever matched, then the same comparison, then the view on success.
common::Result<tracking::CitizenView> old_citizen_lookup(db::Store& store, std::string_view code,
                                                         std::string_view lookup_code) {
  return store.read<tracking::CitizenView>(
      db::ReadLane::public_lookup,
      [&](db::Transaction& tx) -> common::Result<tracking::CitizenView> {
        std::optional<db::Id> match;
        const std::string number = tracking::normalise_tracking_number(code);
        for (const auto direction : {db::Direction::inbound, db::Direction::outbound}) {
          TRY_ASSIGN(auto shipment, tx.find_shipment(number, direction, common::Timestamp{}));
          if (!match && !number.empty() && shipment) match = shipment->dossier_id;
        }
        std::string_view as_typed = code;
        auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
        while (!as_typed.empty() && space(as_typed.front())) as_typed.remove_prefix(1);
        while (!as_typed.empty() && space(as_typed.back())) as_typed.remove_suffix(1);
        const std::array<std::optional<std::string>, 2> candidates = {
            tracking::normalise_dossier_code(code), !as_typed.empty() && as_typed.size() <= 64
                                                        ? std::optional<std::string>(as_typed)
                                                        : std::nullopt};
        for (const std::optional<std::string>& candidate : candidates) {
          TRY_ASSIGN(auto found, tx.find_dossier_by_code(candidate.value_or("")));
          if (!match && candidate && found) match = found->id;
        }
        TRY_ASSIGN(auto dossier, tx.get_dossier(match.value_or(0)));
        static const std::string k_no_lookup_code(8, '\0');
        const bool matches = tracking::lookup_codes_equal(
            tracking::normalise_lookup_code(lookup_code),
            match && dossier ? dossier->lookup_code : k_no_lookup_code);
        if (!match || !dossier || !matches) return tracking::citizen_lookup_error();
        // The view itself is built by the new path on success; here a success is all we need.
        return tracking::CitizenView{};
      });
}

// Timings of one cell, in microseconds.
class Sample {
 public:
  void add(double us) {
    us_.push_back(us);
    sorted_ = false;
  }
  std::size_t size() const { return us_.size(); }
  double at(std::size_t i) const { return us_[i]; }
  // Nearest-rank percentile, q in (0, 1].
  double percentile(double q) {
    if (us_.empty()) return 0;
    if (!sorted_) std::sort(us_.begin(), us_.end());
    sorted_ = true;
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(us_.size())));
    return us_[std::clamp<std::size_t>(rank, 1, us_.size()) - 1];
  }

 private:
  std::vector<double> us_;
  bool sorted_ = true;
};

// Known and unknown codes of one kind through one path; `gap` holds known minus unknown of the
// same round (the two were measured next to each other).
struct Cell {
  Sample known;
  Sample unknown;
  Sample gap;
};

struct Options {
  std::int64_t dossiers = 100'000;
  std::int64_t samples = 300;
  std::string dir;
  bool keep = false;
};

constexpr std::array<std::string_view, 3> k_kinds = {"inbound number", "return number",
                                                     "dossier code"};
constexpr std::array<std::string_view, 2> k_paths = {"before: 5 store calls",
                                                     "after: match_public_code"};

int run(const Options& options, const fs::path& dir) {
  db::SqliteOptions sqlite;
  sqlite.durable = false;  // synchronous=NORMAL: filling speed; lookups only read
  auto opened = db::open_sqlite(dir / "lookup.db", sqlite);
  if (!opened) throw std::runtime_error(opened.error().message);
  db::Store& store = **opened;
  progress(fmt::format("filling a desk of {} dossiers in {}", options.dossiers, dir.string()));
  const auto began = SteadyClock::now();
  const std::vector<std::string> lookup_codes = fill(store, options.dossiers);
  progress(fmt::format("filled in {:.1f} s; {} samples of each cell after {} untimed rounds",
                       std::chrono::duration<double>(SteadyClock::now() - began).count(),
                       options.samples, k_warmup_rounds));

  std::array<std::array<Cell, 3>, 2> cells{};  // [path][kind]
  Sample success;                              // the new path with the right lookup code
  std::int64_t wrong_answers = 0;
  std::mt19937_64 rng(20260302);
  std::uniform_int_distribution<std::int64_t> pick(0, options.dossiers - 1);
  std::uniform_int_distribution<std::int64_t> pick_returned(
      0, (options.dossiers - 1) / k_return_every);

  // Unknown codes are valid ones of the same kind that the desk lacks, spread over the same
  // index pages as the known ones (as an attacker trying numbers near real ones would): the
  // inbound number of a dossier k >= --dossiers, the return number of a dossier without one, a
  // sequence past the day's last. (Numbers with a prefix no shipment has would all land on the
  // same hot index page, and flatter the unknown side.)
  auto code_of = [&](std::size_t kind, std::int64_t k, bool known) {
    switch (kind) {
      case 0:
        return inbound_number(known ? k : options.dossiers + k);
      case 1:
        return return_number(known ? k : k + 1);  // k is a multiple of k_return_every
      default:
        return dossier_code(k, known);
    }
  };
  // Times one lookup; a failure is the expected answer, anything else is counted.
  auto timed = [&](std::size_t path, const std::string& code, const std::string& lookup_code) {
    const auto start = SteadyClock::now();
    auto view = path == 0 ? old_citizen_lookup(store, code, lookup_code)
                          : tracking::citizen_lookup(store, code, lookup_code);
    const double us = std::chrono::duration<double, std::micro>(SteadyClock::now() - start).count();
    if (view || view.error().code != common::ErrorCode::not_found) ++wrong_answers;
    return us;
  };

  for (std::int64_t round = -k_warmup_rounds; round < options.samples; ++round) {
    for (std::size_t kind = 0; kind < k_kinds.size(); ++kind) {
      const std::int64_t k = kind == 1 ? pick_returned(rng) * k_return_every : pick(rng);
      const std::int64_t other = kind == 1 ? pick_returned(rng) * k_return_every : pick(rng);
      const std::string known = code_of(kind, k, true);
      const std::string unknown = code_of(kind, other, false);
      // The right lookup code with its first character changed: as long, and wrong.
      std::string wrong = lookup_codes[static_cast<std::size_t>(k)];
      wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
      // Four measures in an order that rotates with the round and the kind.
      std::array<double, 4> us{};  // old known, old unknown, new known, new unknown
      const auto shift = static_cast<std::size_t>(round + k_warmup_rounds) + kind;
      for (std::size_t m = 0; m < 4; ++m) {
        const std::size_t which = (m + shift) % 4;
        us[which] = timed(which / 2, which % 2 == 0 ? known : unknown, wrong);
      }
      if (round < 0) continue;
      for (std::size_t path = 0; path < 2; ++path) {
        Cell& cell = cells[path][kind];
        cell.known.add(us[path * 2]);
        cell.unknown.add(us[path * 2 + 1]);
        cell.gap.add(us[path * 2] - us[path * 2 + 1]);
      }
    }
    // For scale: a success, which also reads the dossier and builds its view.
    const std::int64_t k = pick(rng);
    const auto start = SteadyClock::now();
    auto view = tracking::citizen_lookup(store, inbound_number(k),
                                         lookup_codes[static_cast<std::size_t>(k)]);
    if (round >= 0) {
      success.add(std::chrono::duration<double, std::micro>(SteadyClock::now() - start).count());
    }
    if (!view) ++wrong_answers;
  }

  fmt::print("lookup_bench: {} dossiers ({} with a return shipment) in {}, SQLite file, {} CPUs\n",
             options.dossiers, (options.dossiers + k_return_every - 1) / k_return_every,
             dir.string(), std::thread::hardware_concurrency());
  fmt::print(
      "tracking::citizen_lookup(store, code, wrong lookup code): {} samples per cell, known and "
      "unknown\ncodes of each kind, before and after, interleaved in rotating order. µs per "
      "lookup (one read\ntransaction each). gap = known - unknown of the same round.\n\n",
      options.samples);
  fmt::print("{:<26} {:<15} | {:>9} {:>9} | {:>9} {:>9} | {:>10} {:>9} {:>9}\n", "path", "code",
             "known p50", "p90", "unkn. p50", "p90", "p50 diff", "gap p50", "gap p90");
  for (std::size_t path = 0; path < 2; ++path) {
    for (std::size_t kind = 0; kind < k_kinds.size(); ++kind) {
      Cell& c = cells[path][kind];
      const double known50 = c.known.percentile(0.5);
      const double unknown50 = c.unknown.percentile(0.5);
      fmt::print(
          "{:<26} {:<15} | {:>9.1f} {:>9.1f} | {:>9.1f} {:>9.1f} | {:>+10.1f} {:>+9.1f} "
          "{:>+9.1f}\n",
          kind == 0 ? k_paths[path] : "", k_kinds[kind], known50, c.known.percentile(0.9),
          unknown50, c.unknown.percentile(0.9), known50 - unknown50, c.gap.percentile(0.5),
          c.gap.percentile(0.9));
    }
  }
  fmt::print(
      "\nFor scale, a success (inbound number, right lookup code, view built): p50 {:.1f} "
      "µs, p90 {:.1f} µs.\n",
      success.percentile(0.5), success.percentile(0.9));
  if (wrong_answers > 0) {
    fmt::print("WRONG: {} lookups answered otherwise than expected\n", wrong_answers);
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"Times a citizen's lookup of known and unknown codes with a wrong lookup code."};
  app.add_option("--dossiers", options.dossiers, "dossiers in the desk")
      ->check(CLI::Range(std::int64_t{1000}, std::int64_t{10'000'000}));
  app.add_option("--samples", options.samples, "samples per cell")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1'000'000}));
  app.add_option("--dir", options.dir, "folder for the database (default: a temporary one)");
  app.add_flag("--keep", options.keep, "keep the database afterwards");
  CLI11_PARSE(app, argc, argv);
  return bench::in_bench_dir("lookup_bench", options.dir, "lookup.db", options.keep,
                             [&](const fs::path& dir) { return run(options, dir); });
}
