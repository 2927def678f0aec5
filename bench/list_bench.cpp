// list_bench: the staff's dossier list (GET /api/dossiers without HTTP) on a desk of --dossiers
// dossiers: the first page, deep pages and each order, with the total count, against the list as
// it was before paging (the newest page with no count, no order but the filing time) measured in
// the same run and interleaved with them, so the ratios hold whatever machine runs it.
// Speed is never pass/fail: this prints a table. Exits 1 when a page is not what it should be
// (wrong size, wrong total). Progress goes to stderr.
//
//   list_bench [--dossiers N] [--samples N] [--page N] [--dir DIR] [--keep]
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_dir.hpp"
#include "bench/names.hpp"
#include "common/clock.hpp"
#include "common/s10.hpp"
#include "db/store.hpp"
#include "tracking/staff_queries.hpp"

namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;
using S = db::DossierState;

constexpr std::int64_t k_fill_batch = 5000;  // dossiers per write transaction
constexpr std::int64_t k_per_day = 150;      // dossiers a day
constexpr int k_warmup_rounds = 3;           // untimed rounds before the samples

void progress(const std::string& line) { std::fprintf(stderr, "list_bench: %s\n", line.c_str()); }

void check(const common::Result<void>& result, std::string_view doing) {
  if (!result) throw std::runtime_error(fmt::format("{}: {}", doing, result.error().message));
}

common::Date day_of(std::int64_t k) {
  const common::Date first{std::chrono::year{2023}, std::chrono::January, std::chrono::day{2}};
  return common::Date{std::chrono::sys_days{first} + std::chrono::days{k / k_per_day}};
}

// The states of a desk a few years old: most dossiers finished, the newest still moving.
S state_of(std::int64_t k, std::int64_t dossiers) {
  const std::int64_t age = dossiers - k;
  if (age < 200) return k % 3 == 0 ? S::received : S::accepted;
  if (age < 1000) {
    constexpr S k_moving[] = {S::in_process,        S::supplement_requested, S::processed,
                              S::return_dispatched, S::return_failed,        S::awaiting_fees};
    return k_moving[static_cast<std::size_t>(k % 6)];
  }
  if (k % 50 == 0) return S::refused;
  return S::result_returned;
}

// A desk: a catalogue of 30 procedures (some with very long names), and dossiers with a code and
// due date (but received ones), an inbound shipment and an applicant with a phone number.
void fill(db::Store& store, std::int64_t dossiers) {
  db::Id agency_id = 0;
  std::vector<db::Id> procedures;
  check(store.write([&](db::Transaction& tx) -> common::Result<void> {
    procedures.clear();  // a run again (db::Store::write) lists its own ids only
    TRY_ASSIGN(agency_id, tx.upsert_agency(db::Agency{0, "000.00.05.H12", "Bench"}));
    for (int p = 0; p < 30; ++p) {
      db::Procedure procedure;
      procedure.code = fmt::format("1.{:06}", 4000 + p);
      procedure.name = fmt::format("Thủ tục {} đăng ký đất đai, tài sản gắn liền với đất{}", p,
                                   std::string(static_cast<std::size_t>(p % 5) * 200, '.'));
      procedure.field = p % 2 == 0 ? "dat_dai" : "xay_dung";
      procedure.time_amount = 10;
      procedure.effective_from =
          common::Date{std::chrono::year{2020}, std::chrono::January, std::chrono::day{1}};
      TRY_ASSIGN(const db::Id id, tx.upsert_procedure(procedure));
      procedures.push_back(id);
    }
    return {};
  }),
        "initialising the desk");
  for (std::int64_t first = 0; first < dossiers; first += k_fill_batch) {
    const std::int64_t last = std::min(dossiers, first + k_fill_batch);
    check(store.write([&](db::Transaction& tx) -> common::Result<void> {
      for (std::int64_t k = first; k < last; ++k) {
        const common::Timestamp filed =
            common::local_time(day_of(k), 8, 0) + std::chrono::seconds{(k % k_per_day) * 150};
        db::Dossier dossier;
        dossier.state = state_of(k, dossiers);
        if (dossier.state != S::received) {
          const common::Date d = day_of(k);
          dossier.code = fmt::format(
              "000.00.05.H12-{:02}{:02}{:02}-{:04}", static_cast<int>(d.year()) % 100,
              static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()), k % k_per_day + 1);
          const auto p = static_cast<std::size_t>(bench::mixed(static_cast<std::uint64_t>(k)) %
                                                  procedures.size());
          dossier.procedure_id = procedures[p];
          dossier.procedure_version = 1;
          // Deadlines of 5 to 30 days: the due order is not the filing order.
          dossier.due_at =
              filed +
              std::chrono::days{
                  5 + static_cast<int>(bench::mixed(static_cast<std::uint64_t>(k) * 7) % 26)};
        }
        dossier.agency_id = agency_id;
        dossier.filed_at = filed;
        dossier.lookup_code = fmt::format("L{:07}", k);
        dossier.created_at = filed;
        dossier.updated_at = filed;
        TRY_ASSIGN(const db::Id dossier_id, tx.insert_dossier(dossier));
        db::Shipment shipment;
        shipment.carrier = "vnpost";
        shipment.tracking_number =
            common::make_s10("EB", static_cast<std::uint32_t>((k * 39'916'801) % 100'000'000));
        shipment.year = static_cast<int>(day_of(k).year());
        shipment.direction = db::Direction::inbound;
        shipment.status = "delivered";
        shipment.dossier_id = dossier_id;
        shipment.first_seen_at = filed;
        shipment.updated_at = filed;
        TRY(tx.insert_shipment(shipment));
        db::Applicant applicant;
        applicant.dossier_id = dossier_id;
        applicant.id_number = fmt::format("0{:011}", k);
        applicant.full_name = bench::applicant_name(k);
        applicant.address = "12 Lê Duẩn, phường Hải Châu, thành phố Đà Nẵng";
        applicant.source = "id_card_qr";
        applicant.phone = "0905123456";
        TRY(tx.insert_applicant(applicant));
      }
      return {};
    }),
          "filling the desk");
    if ((last / k_fill_batch) % 4 == 0 || last == dossiers) {
      progress(fmt::format("filled {} of {} dossiers", last, dossiers));
    }
  }
}

// The list before paging (tracking::search_dossiers until this bench): the newest `page`
// dossiers, each with its procedure, shipments and applicant, and no count.
std::size_t old_first_page(db::Store& store, int page) {
  std::size_t rows = 0;
  check(store.read([&](db::Transaction& tx) -> common::Result<void> {
    db::DossierFilter filter;
    filter.descending = true;
    filter.limit = page;
    TRY_ASSIGN(const auto dossiers, tx.list_dossiers(filter));
    std::map<db::Id, std::optional<db::Procedure>> procedures;
    for (const db::Dossier& d : dossiers) {
      if (d.procedure_id && !procedures.count(*d.procedure_id)) {
        TRY_ASSIGN(procedures[*d.procedure_id], tx.get_procedure(*d.procedure_id));
      }
      TRY_ASSIGN(const auto shipments, tx.shipments_of(d.id));
      TRY_ASSIGN(const auto applicant, tx.applicant_of(d.id));
      rows += shipments.empty() || !applicant ? 0 : 1;
    }
    return {};
  }),
        "listing the old way");
  return rows;
}

class Sample {
 public:
  void add(double ms) {
    ms_.push_back(ms);
    sorted_ = false;
  }
  double percentile(double q) {
    if (ms_.empty()) return 0;
    if (!sorted_) std::sort(ms_.begin(), ms_.end());
    sorted_ = true;
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(ms_.size())));
    return ms_[std::clamp<std::size_t>(rank, 1, ms_.size()) - 1];
  }

 private:
  std::vector<double> ms_;
  bool sorted_ = true;
};

struct Options {
  std::int64_t dossiers = 100'000;
  int samples = 20;
  int page = 50;
  std::string dir;
  bool keep = false;
};

struct Case {
  std::string name;
  std::function<tracking::DossierQuery()> query;
  std::int64_t expected_total = -1;  // -1: not checked
  Sample ms;
};

int run(const Options& options, const fs::path& dir) {
  db::SqliteOptions sqlite;
  sqlite.durable = false;  // synchronous=NORMAL: filling speed; the list only reads
  auto opened = db::open_sqlite(dir / "list.db", sqlite);
  if (!opened) throw std::runtime_error(opened.error().message);
  db::Store& store = **opened;
  progress(fmt::format("filling a desk of {} dossiers in {}", options.dossiers, dir.string()));
  const auto began = SteadyClock::now();
  fill(store, options.dossiers);
  progress(fmt::format("filled in {:.1f} s",
                       std::chrono::duration<double>(SteadyClock::now() - began).count()));
  // "Now" is just after the last filing: the newest dossiers are the open ones.
  const common::ManualClock clock(common::local_time(day_of(options.dossiers), 18, 0));

  const std::int64_t n = options.dossiers;
  const auto base = [&options] {
    tracking::DossierQuery q;
    q.limit = options.page;
    return q;
  };
  const auto sorted = [base](db::DossierSort sort, bool descending, std::int64_t offset) {
    return [=] {
      tracking::DossierQuery q = base();
      q.sort = sort;
      q.descending = descending;
      q.offset = offset;
      return q;
    };
  };
  using DS = db::DossierSort;
  const std::int64_t last_page = (n - 1) / options.page * options.page;
  const std::int64_t middle = n / 2 / options.page * options.page;
  std::vector<Case> cases;
  cases.push_back({"first page (filed_at desc) + total", sorted(DS::filed_at, true, 0), n, {}});
  cases.push_back(
      {fmt::format("deep page, offset {}", middle), sorted(DS::filed_at, true, middle), n, {}});
  cases.push_back({fmt::format("last page, offset {}", last_page),
                   sorted(DS::filed_at, true, last_page),
                   n,
                   {}});
  cases.push_back({"filed_at asc", sorted(DS::filed_at, false, 0), n, {}});
  for (const auto sort : {DS::due_at, DS::code, DS::state}) {
    for (const bool descending : {false, true}) {
      cases.push_back(
          {fmt::format("{} {}", tracking::list_sort_name(sort), descending ? "desc" : "asc"),
           sorted(sort, descending, 0),
           n,
           {}});
    }
    cases.push_back({fmt::format("{} asc, offset {}", tracking::list_sort_name(sort), middle),
                     sorted(sort, false, middle),
                     n,
                     {}});
  }
  cases.push_back({"view open, due_at asc",
                   [base] {
                     tracking::DossierQuery q = base();
                     q.view = tracking::ListView::open;
                     q.sort = DS::due_at;
                     q.descending = false;
                     return q;
                   },
                   -1,
                   {}});
  cases.push_back({"q \"nguyen van\" + total",
                   [base] {
                     tracking::DossierQuery q = base();
                     q.text = "nguyen van";
                     return q;
                   },
                   -1,
                   {}});
  cases.push_back({"q \"nguyen van\", code asc, page 3",
                   [base, &options] {
                     tracking::DossierQuery q = base();
                     q.text = "nguyen van";
                     q.sort = DS::code;
                     q.descending = false;
                     q.offset = 2 * options.page;
                     return q;
                   },
                   -1,
                   {}});
  // Part of a number as staff read it off an envelope or a receipt: an old dossier's tracking
  // number without its "VN" (through the shipments' index), its code's day and number (a scan of
  // the codes, which no index orders by their end).
  const std::int64_t old_one = std::min<std::int64_t>(1000, n - 1);
  const std::string number =
      common::make_s10("EB", static_cast<std::uint32_t>((old_one * 39'916'801) % 100'000'000));
  cases.push_back({"q tracking number without VN",
                   [base, number] {
                     tracking::DossierQuery q = base();
                     q.text = number.substr(0, number.size() - 2);
                     return q;
                   },
                   1,
                   {}});
  const common::Date old_day = day_of(old_one);
  const std::string tail =
      fmt::format("{:02}{:02}{:02}-{:04}", static_cast<int>(old_day.year()) % 100,
                  static_cast<unsigned>(old_day.month()), static_cast<unsigned>(old_day.day()),
                  old_one % k_per_day + 1);
  cases.push_back({fmt::format("q code's end \"{}\"", tail),
                   [base, tail] {
                     tracking::DossierQuery q = base();
                     q.text = tail;
                     return q;
                   },
                   1,
                   {}});
  cases.push_back({"field dat_dai, state desc",
                   [base] {
                     tracking::DossierQuery q = base();
                     q.field = "dat_dai";
                     q.sort = DS::state;
                     return q;
                   },
                   -1,
                   {}});

  Sample baseline;
  std::int64_t wrong = 0;
  for (int round = -k_warmup_rounds; round < options.samples; ++round) {
    // The baseline between every two cases, so that drift of the machine biases neither.
    for (std::size_t i = 0; i < cases.size(); ++i) {
      Case& c = cases[(i + static_cast<std::size_t>(round + k_warmup_rounds)) % cases.size()];
      auto start = SteadyClock::now();
      const std::size_t old_rows = old_first_page(store, options.page);
      double ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
      if (round >= 0 && i % 2 == 0) baseline.add(ms);
      if (old_rows != static_cast<std::size_t>(options.page)) ++wrong;

      const tracking::DossierQuery query = c.query();
      start = SteadyClock::now();
      auto page = tracking::search_dossiers(store, clock, query);
      ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
      if (!page) throw std::runtime_error(page.error().message);
      if (round >= 0) c.ms.add(ms);
      const bool full = page->total - query.offset >= query.limit;
      if ((c.expected_total >= 0 && page->total != c.expected_total) ||
          (full && static_cast<int>(page->rows.size()) != query.limit) ||
          (!full && static_cast<std::int64_t>(page->rows.size()) !=
                        std::max<std::int64_t>(page->total - query.offset, 0))) {
        if (round == 0) {
          progress(fmt::format("WRONG page for \"{}\": {} rows, total {}", c.name,
                               page->rows.size(), page->total));
        }
        ++wrong;
      }
    }
  }

  fmt::print("list_bench: {} dossiers in {}, SQLite file, {} CPUs, pages of {} rows\n", n,
             dir.string(), std::thread::hardware_concurrency(), options.page);
  fmt::print(
      "tracking::search_dossiers (what GET /api/dossiers runs, without HTTP and JSON): one read\n"
      "transaction with the page's rows and the total. {} samples per case after {} untimed "
      "rounds.\nbaseline: the list before paging, its newest {} rows with no count, interleaved "
      "with the cases.\n\n",
      options.samples, k_warmup_rounds, options.page);
  const double base50 = baseline.percentile(0.5);
  fmt::print("{:<40} {:>9} {:>9} {:>8}\n", "case", "p50 ms", "p90 ms", "ratio");
  fmt::print("{:<40} {:>9.2f} {:>9.2f} {:>8}\n", "baseline: old first page, no total", base50,
             baseline.percentile(0.9), "1.00");
  for (Case& c : cases) {
    const double p50 = c.ms.percentile(0.5);
    fmt::print("{:<40} {:>9.2f} {:>9.2f} {:>8.2f}\n", c.name, p50, c.ms.percentile(0.9),
               base50 > 0 ? p50 / base50 : 0.0);
  }
  if (wrong > 0) {
    fmt::print("WRONG: {} pages were not what they should be\n", wrong);
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"Times the staff's dossier list: first page, deep pages, each order, with totals."};
  app.add_option("--dossiers", options.dossiers, "dossiers in the desk")
      ->check(CLI::Range(std::int64_t{1000}, std::int64_t{10'000'000}));
  app.add_option("--samples", options.samples, "samples per case")->check(CLI::Range(1, 100'000));
  app.add_option("--page", options.page, "rows per page")->check(CLI::Range(1, 1000));
  app.add_option("--dir", options.dir, "folder for the database (default: a temporary one)");
  app.add_flag("--keep", options.keep, "keep the database afterwards");
  CLI11_PARSE(app, argc, argv);
  return bench::in_bench_dir("list_bench", options.dir, "list.db", options.keep,
                             [&](const fs::path& dir) { return run(options, dir); });
}
