// intake_bench: how fast the SQLite store registers and finds dossiers and how large it grows, on
// real database files in one folder, each figure against a baseline measured in the same run:
//   1. registrations/s through Registrar::register_envelope, one durable transaction each (no
//      image, then a 150 KB image), against a bare durable SQLite commit of one small row in a
//      separate file of the same folder: the disk's fsync floor;
//   2. dossiers/s written many per transaction with the Transaction methods, row for row what a
//      registration writes, against bare durable transactions of as many small rows;
//   3. lookups by tracking number, dossier code and applicant ID at 10^4, 10^5, 10^6 dossiers (one
//      database grown from one size to the next), each in its own read transaction, against
//      get_dossier(id), the primary-key lookup;
//   4. the staff's name search (tracking::search_dossiers, a page of up to 200 rows) at the same
//      sizes, for a name nobody has, a full name with its last word begun and a common surname,
//      against the search before the index of names (one query per dossier over the newest
//      100,000, each name folded in C++), run in the same database;
//   5. the file's size per dossier after a WAL checkpoint, against the bytes of the values stored.
// Speed is never pass/fail: this prints tables (or --json). Progress goes to stderr.
//
//   intake_bench [--max-dossiers N] [--registrations N] [--dir DIR] [--keep] [--json]
#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <linux/magic.h>
#include <sys/vfs.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench/names.hpp"
#include "common/clock.hpp"
#include "common/unicode.hpp"
#include "db/image_store.hpp"
#include "db/store.hpp"
#include "intake/classify.hpp"
#include "intake/registrar.hpp"
#include "tracking/staff_queries.hpp"

namespace {

namespace fs = std::filesystem;
using bench::applicant_name;
using Json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

constexpr std::string_view k_agency_code = "000.00.05.H12";
constexpr std::size_t k_image_bytes = 150 * 1024;  // a phone or flatbed photo of an envelope
constexpr std::int64_t k_fill_batch = 1000;
constexpr std::int64_t k_progress_every = 100'000;
// The ID card QR's fields after the 12-digit ID and the name. The ID's digits 4-6 ("054") say:
// male, born 1954 (Circular 07/2016/TT-BCA), as the birth date and sex fields do.
constexpr std::string_view k_card_fields =
    "|06061954|Nam|Thôn Quỳnh Hoàng, Xã Nam Sơn, TP. Hải Phòng|23102021";

// The bench stops at the first refusal; main reports it.
void check(const common::Result<void>& result, std::string_view doing) {
  if (!result) throw std::runtime_error(fmt::format("{}: {}", doing, result.error().message));
}

template <class T>
T take(common::Result<T> result, std::string_view doing) {
  if (!result) throw std::runtime_error(fmt::format("{}: {}", doing, result.error().message));
  return std::move(*result);
}

double micros_since(SteadyClock::time_point start) {
  return std::chrono::duration<double, std::micro>(SteadyClock::now() - start).count();
}

// Timings of one measure, in microseconds.
class Sample {
 public:
  void add(double us) {
    us_.push_back(us);
    sorted_ = false;
  }
  std::size_t size() const { return us_.size(); }
  double total() const {
    double sum = 0;
    for (double v : us_) sum += v;
    return sum;
  }
  double mean() const { return us_.empty() ? 0 : total() / static_cast<double>(us_.size()); }
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

// Ours and the baseline, per dossier, measured in alternation (which goes first alternates too) so
// both see the same machine load and the same state of the disk.
struct Paired {
  Sample ours;
  Sample base;
};

// For i in [0, n): prepare(i) untimed, then ours(i) and base(i) timed, each time divided by
// `dossiers` (the dossiers or rows one call writes).
Paired measure_paired(std::int64_t n, std::int64_t dossiers,
                      const std::function<void(std::int64_t)>& prepare,
                      const std::function<void(std::int64_t)>& ours,
                      const std::function<void(std::int64_t)>& base) {
  Paired p;
  const auto per = static_cast<double>(dossiers);
  auto time = [&](const std::function<void(std::int64_t)>& fn, std::int64_t i, Sample& into) {
    const auto start = SteadyClock::now();
    fn(i);
    into.add(micros_since(start) / per);
  };
  for (std::int64_t i = 0; i < n; ++i) {
    prepare(i);
    if (i % 2 == 0) {
      time(base, i, p.base);
      time(ours, i, p.ours);
    } else {
      time(ours, i, p.ours);
      time(base, i, p.base);
    }
  }
  return p;
}

// --- What the k-th envelope carries ------------------------------------------------------------
// Every number, code and ID derives from k, so any can be looked up again without keeping it.

std::string s10_number(std::string_view prefix, std::int64_t serial) {
  const std::string digits = fmt::format("{:08}", serial % 100'000'000);
  return fmt::format("{}{}{}VN", prefix, digits, intake::s10_check_digit(digits));
}

// Distinct for k < 10^8, and spread over the number space as mail from many post offices is
// (sequential numbers would flatter the index).
std::string tracking_number(std::int64_t k) {
  static constexpr std::array<std::string_view, 4> k_prefixes = {"EB", "EL", "RR", "CP"};
  const std::int64_t serial = (k * 39'916'801 + 12'345'678) % 100'000'000;  // a bijection
  return s10_number(k_prefixes[static_cast<std::size_t>(k % 4)], serial);
}

// A valid S10 number no envelope of the run carries ("EA" is never used above).
std::string missing_tracking_number(std::int64_t r) { return s10_number("EA", r); }

// Male citizens born 1954 in Hải Phòng (province 031), one per envelope (repeats after 10^6).
std::string id_number(std::int64_t k) { return fmt::format("031054{:06}", k % 1'000'000); }
// Province 001 (Hà Nội) is never used above.
std::string missing_id_number(std::int64_t r) { return fmt::format("001054{:06}", r % 1'000'000); }

std::string card_qr(std::int64_t k) {
  return fmt::format("{}||{}{}", id_number(k), applicant_name(k), k_card_fields);
}

// When the k-th dossier was received and its number that day: working days (Monday to Friday)
// from Monday 3 January 2022, 600 to 1400 dossiers a day, as at a busy provincial desk.
class Schedule {
 public:
  struct Slot {
    std::int32_t day = 0;  // working days since the start
    std::int32_t seq = 0;  // 1-based number within that day
    std::int32_t of = 0;   // dossiers that day
  };

  Slot operator[](std::int64_t k) {
    while (static_cast<std::int64_t>(slots_.size()) <= k) {
      const int count = per_day_(rng_);
      for (int seq = 1; seq <= count; ++seq) slots_.push_back(Slot{day_, seq, count});
      ++day_;
    }
    return slots_[static_cast<std::size_t>(k)];
  }

  static common::Date date(std::int32_t day) {
    using namespace std::chrono;
    const sys_days monday = sys_days{year{2022} / January / 3};
    return year_month_day{monday + days{(day / 5) * 7 + day % 5}};
  }

  // Received between 07:30 and 15:30 local time, in order of the day's sequence.
  static common::Timestamp filed_at(const Slot& slot) {
    const common::Timestamp opening = common::local_time(date(slot.day), 7, 30);
    return opening + std::chrono::seconds{(slot.seq - 1) * 8 * 3600 / slot.of};
  }

  // The standard form <agency>-YYMMDD-NNNN (docs/domain.md §3).
  static std::string dossier_code(const Slot& slot) {
    const common::Date d = date(slot.day);
    return fmt::format("{}-{:02}{:02}{:02}-{:04}", k_agency_code, static_cast<int>(d.year()) % 100,
                       static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()), slot.seq);
  }

 private:
  std::mt19937_64 rng_{20220103};
  std::uniform_int_distribution<int> per_day_{600, 1400};
  std::int32_t day_ = 0;
  std::vector<Slot> slots_;
};

// Bytes of the values stored (text as UTF-8, each integer as 8 bytes): what the file would hold
// with no row headers, no page slack and no indexes. The baseline of the size measure.
struct Payload {
  std::int64_t bytes = 0;
  void text(std::string_view s) { bytes += static_cast<std::int64_t>(s.size()); }
  void integers(int count) { bytes += 8 * count; }
};

// --- The registration's rows, many per transaction ----------------------------------------------

struct DossierWriter {
  Schedule& schedule;
  db::Id agency_id = 0;
  std::vector<db::Id>* ids = nullptr;  // the k-th dossier's id is appended here, when set
  Payload payload;

  // Where the outputs stood before a transaction: a unit of work run again (db::Store::write)
  // rewinds to it first, so that it counts only its own dossiers.
  struct Mark {
    std::size_t ids = 0;
    Payload payload;
  };
  Mark mark() const { return Mark{ids ? ids->size() : 0, payload}; }
  void rewind(const Mark& before) {
    if (ids) ids->resize(before.ids);
    payload = before.payload;
  }

  // Writes dossiers k = first .. first + count - 1 in `tx`, row for row what
  // Registrar::register_envelope writes for an envelope with an S10 number and an ID card QR and a
  // kept image: the duplicate check (find_shipment), the dossier, its inbound shipment, two events,
  // the scan with its two codes, the applicant and a third event. Besides, the dossier gets its
  // code and due date as on acceptance, so it can be found by code. The registrar's reads that
  // cannot find anything for a new dossier (applicant_of, scans_of, the agency setting) are left
  // out.
  common::Result<void> write(db::Transaction& tx, std::int64_t first, std::int64_t count) {
    for (std::int64_t k = first; k < first + count; ++k) {
      const Schedule::Slot slot = schedule[k];
      const common::Timestamp at = Schedule::filed_at(slot);
      const std::string number = tracking_number(k);

      auto existing = tx.find_shipment(number, db::Direction::inbound, at - std::chrono::days{365});
      if (!existing) return existing.error();
      if (*existing) {
        return common::make_error(common::ErrorCode::internal,
                                  fmt::format("{}: written twice by the bench", number));
      }

      db::Dossier dossier;
      dossier.code = Schedule::dossier_code(slot);
      dossier.agency_id = agency_id;
      dossier.state = db::DossierState::accepted;
      dossier.filed_at = at;
      dossier.due_at = at + std::chrono::days{14};
      dossier.lookup_code = intake::new_lookup_code();
      dossier.created_at = at;
      dossier.updated_at = at;
      auto dossier_id = tx.insert_dossier(dossier);
      if (!dossier_id) return dossier_id.error();
      payload.text(*dossier.code);
      payload.text(db::dossier_state_name(dossier.state));
      payload.text(dossier.lookup_code);
      payload.integers(10);

      db::Shipment shipment;
      shipment.carrier = "vnpost";
      shipment.tracking_number = number;
      shipment.year = static_cast<int>(common::local_date(at).year());
      shipment.direction = db::Direction::inbound;
      shipment.status = "delivered";
      shipment.dossier_id = *dossier_id;
      shipment.first_seen_at = at;
      shipment.updated_at = at;
      auto shipment_id = tx.insert_shipment(shipment);
      if (!shipment_id) return shipment_id.error();
      payload.text(shipment.carrier);
      payload.text(number);
      payload.text("inbound");
      payload.text(shipment.status);
      payload.integers(5);

      // The registrar's JSON (nlohmann sorts the keys), written without building a JSON tree.
      if (auto e = append(tx, db::Event{0, at, "intake_bench", "dossier", *dossier_id,
                                        db::EventKind::received_by_post, "",
                                        fmt::format(R"({{"carrier":"vnpost","filed_at":"{}",)"
                                                    R"("tracking_number":"{}"}})",
                                                    common::format_iso(at), number)});
          !e) {
        return e;
      }
      if (auto e =
              append(tx, db::Event{0, at, "intake_bench", "shipment", *shipment_id,
                                   db::EventKind::registered, "", R"({"status":"delivered"})"});
          !e) {
        return e;
      }

      db::Scan scan;
      scan.scanned_at = at;
      scan.station = "bench";
      scan.source_name = fmt::format("envelope-{:07}.jpg", k);
      const std::string digest_input = fmt::format("envelope {}", k);
      scan.image_hash = db::sha256_hex(std::span(
          reinterpret_cast<const std::uint8_t*>(digest_input.data()), digest_input.size()));
      scan.image_type = "jpg";
      scan.shipment_id = *shipment_id;
      scan.dossier_id = *dossier_id;
      scan.outcome = db::ScanOutcome::registered;
      const std::string id = id_number(k);
      scan.codes = {
          db::ScanCode{0, "Code128", "s10_tracking", number, number, ""},
          db::ScanCode{1, "QRCode", "citizen_id_card", card_qr(k), "", ""},
      };
      auto scan_id = tx.insert_scan(scan);
      if (!scan_id) return scan_id.error();
      payload.text(scan.station);
      payload.text(scan.source_name);
      payload.text(scan.image_hash);
      payload.text(scan.image_type);
      payload.text(db::scan_outcome_name(scan.outcome));
      payload.integers(5);
      for (const db::ScanCode& c : scan.codes) {
        payload.text(c.format);
        payload.text(c.kind);
        payload.text(c.text);
        payload.text(c.tracking_number);
        payload.integers(2);
      }

      db::Applicant applicant;
      applicant.dossier_id = *dossier_id;
      applicant.id_number = id;
      applicant.full_name = applicant_name(k);
      applicant.birth_date = std::chrono::year{1954} / std::chrono::June / 6;
      applicant.sex = "Nam";
      applicant.address = "Thôn Quỳnh Hoàng, Xã Nam Sơn, TP. Hải Phòng";
      applicant.issue_date = std::chrono::year{2021} / std::chrono::October / 23;
      applicant.source = "id_card_qr";
      auto applicant_id = tx.insert_applicant(applicant);
      if (!applicant_id) return applicant_id.error();
      payload.text(applicant.id_number);
      payload.text(applicant.full_name);
      payload.text("1954-06-06");
      payload.text(applicant.sex);
      payload.text(applicant.address);
      payload.text("2021-10-23");
      payload.text(applicant.source);
      payload.integers(2);

      if (auto e = append(tx, db::Event{0, at, "intake_bench", "dossier", *dossier_id,
                                        db::EventKind::applicant_added, "",
                                        fmt::format(R"({{"scan_id":{}}})", *scan_id)});
          !e) {
        return e;
      }
      if (ids) ids->push_back(*dossier_id);
    }
    return {};
  }

 private:
  common::Result<void> append(db::Transaction& tx, const db::Event& event) {
    auto id = tx.append_event(event);
    if (!id) return id.error();
    payload.text(event.actor);
    payload.text(event.entity);
    payload.text(db::event_kind_name(event.action));
    payload.text(event.reason);
    payload.text(event.data);
    payload.integers(3);
    return {};
  }
};

// --- The baseline: bare SQLite ------------------------------------------------------------------

// A table of small rows in its own file, opened as the store opens its database (WAL,
// synchronous=FULL): a commit here costs what the disk charges for one durable commit.
class BareTable {
 public:
  explicit BareTable(const fs::path& path)
      : db_(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) {
    db_.exec("PRAGMA journal_mode = WAL");
    db_.exec("PRAGMA synchronous = FULL");
    db_.exec("CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, at INTEGER, note TEXT)");
    insert_ = std::make_unique<SQLite::Statement>(db_, "INSERT INTO rows(at, note) VALUES (?, ?)");
  }

  // One durable transaction inserting `rows` small rows.
  void commit(std::int64_t rows) {
    SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
    for (std::int64_t i = 0; i < rows; ++i) {
      insert_->reset();
      insert_->bind(1, next_++);
      insert_->bind(2, "bench row");
      insert_->exec();
    }
    transaction.commit();
  }

 private:
  SQLite::Database db_;
  std::unique_ptr<SQLite::Statement> insert_;
  std::int64_t next_ = 0;
};

// --- Results ------------------------------------------------------------------------------------

struct WriteRow {
  std::string name;
  bool through_registrar = false;  // register_envelope; otherwise the Transaction methods
  bool with_image = false;
  std::int64_t per_commit = 1;  // dossiers per transaction
  std::int64_t dossiers = 0;
  Paired times;  // per dossier: a transaction's time divided by per_commit
};

struct LookupRow {
  std::string name;
  Sample ours;
  std::int64_t wrong = 0;  // an existing key not found (or another dossier), a missing one found
};

// One kind of name search: ours (tracking::search_dossiers) and the search before the index.
struct NameRow {
  std::string name;
  Sample ours;
  Sample old;              // the search before the index of names
  std::int64_t rows = 0;   // rows our searches found, in all
  std::int64_t wrong = 0;  // the dossier named missing from our page, or a page of the wrong size
};

// The lookups at one size of the database, and its size there.
struct SizePoint {
  std::int64_t dossiers = 0;
  Sample base;  // get_dossier(id)
  std::int64_t base_wrong = 0;
  std::array<LookupRow, 3> rows{LookupRow{"by tracking number", {}, 0},
                                LookupRow{"by dossier code", {}, 0},
                                LookupRow{"by applicant ID", {}, 0}};
  std::array<NameRow, 3> names{NameRow{"name nobody has", {}, {}, 0, 0},
                               NameRow{"full name, last word begun", {}, {}, 0, 0},
                               NameRow{"common surname", {}, {}, 0, 0}};
  std::int64_t file_bytes = 0;
  std::int64_t payload_bytes = 0;
  double fill_per_second = 0;  // while growing to this size
};

struct TableSize {
  std::string table;
  std::int64_t table_bytes = 0;
  std::int64_t index_bytes = 0;
};

// "10⁴" for a power of ten from a thousand up, the plain number otherwise.
std::string count_label(std::int64_t n) {
  static constexpr std::array<std::string_view, 10> k_superscripts = {"⁰", "¹", "²", "³", "⁴",
                                                                      "⁵", "⁶", "⁷", "⁸", "⁹"};
  int exponent = 0;
  std::int64_t rest = n;
  while (rest >= 10 && rest % 10 == 0) {
    rest /= 10;
    ++exponent;
  }
  if (rest == 1 && exponent >= 3) {
    return fmt::format("10{}", k_superscripts[static_cast<std::size_t>(exponent)]);
  }
  return fmt::format("{}", n);
}

double ratio(double ours, double base) { return base > 0 ? ours / base : 0; }
double per_second(double mean_us) { return mean_us > 0 ? 1e6 / mean_us : 0; }
double mb(std::int64_t bytes) { return static_cast<double>(bytes) / 1e6; }

// --- The run ------------------------------------------------------------------------------------

struct Options {
  std::int64_t max_dossiers = 1'000'000;
  std::int64_t registrations = 2000;
  std::int64_t batched_dossiers = 20'000;
  std::int64_t lookups = 20'000;
  std::int64_t missing = 300;
  std::int64_t name_searches = 200;  // ours, per kind and size
  std::int64_t old_searches = 3;     // the search before the index, per kind and size
  std::string dir;
  bool keep = false;
  bool json = false;
};

void progress(const std::string& line) { std::fprintf(stderr, "intake_bench: %s\n", line.c_str()); }

db::Id init_desk(db::Store& store) {
  db::Id agency_id = 0;
  check(store.write([&](db::Transaction& tx) -> common::Result<void> {
    auto id = tx.upsert_agency(db::Agency{0, std::string(k_agency_code), "Bench desk"});
    if (!id) return id.error();
    agency_id = *id;
    return tx.set_setting("agency_code", std::string(k_agency_code));
  }),
        "initialising the desk");
  return agency_id;
}

std::unique_ptr<db::Store> open_store(const fs::path& path, bool durable) {
  db::SqliteOptions options;
  options.durable = durable;
  return take(db::open_sqlite(path, options), "opening " + path.string());
}

// Checkpoints the WAL into the database file and truncates it; returns the file's size.
std::int64_t checkpointed_size(const fs::path& path) {
  SQLite::Database db(path.string(), SQLite::OPEN_READWRITE, 30'000);
  SQLite::Statement checkpoint(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  if (checkpoint.executeStep() && checkpoint.getColumn(0).getInt() != 0) {
    throw std::runtime_error(path.string() + ": the WAL checkpoint was blocked by a reader");
  }
  return static_cast<std::int64_t>(fs::file_size(path));
}

// Bytes of each table and of its indexes (SQLite's dbstat table); empty when SQLite lacks it.
std::vector<TableSize> size_by_table(const fs::path& path) {
  std::vector<TableSize> out;
  try {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY, 30'000);
    SQLite::Statement s(db,
                        "SELECT m.tbl_name, "
                        "SUM(CASE WHEN m.type = 'table' THEN d.pgsize ELSE 0 END), "
                        "SUM(CASE WHEN m.type = 'index' THEN d.pgsize ELSE 0 END) "
                        "FROM dbstat d JOIN sqlite_master m ON m.name = d.name "
                        "GROUP BY m.tbl_name ORDER BY SUM(d.pgsize) DESC");
    while (s.executeStep()) {
      out.push_back(TableSize{s.getColumn(0).getString(), s.getColumn(1).getInt64(),
                              s.getColumn(2).getInt64()});
    }
  } catch (const SQLite::Exception& e) {
    progress(fmt::format("no size per table ({})", e.what()));
    out.clear();
  }
  return out;
}

std::string filesystem_name(const fs::path& dir) {
  struct statfs info {};
  if (::statfs(dir.c_str(), &info) != 0) return "unknown filesystem";
  switch (static_cast<std::uint32_t>(info.f_type)) {
    case EXT4_SUPER_MAGIC:
      return "ext4";
    case XFS_SUPER_MAGIC:
      return "xfs";
    case BTRFS_SUPER_MAGIC:
      return "btrfs";
    case TMPFS_MAGIC:
      return "tmpfs";
    case OVERLAYFS_SUPER_MAGIC:
      return "overlayfs";
    default:
      return fmt::format("filesystem 0x{:x}", static_cast<std::uint32_t>(info.f_type));
  }
}

// The sizes the lookups are measured at: 10^4, 10^5, ... up to max, and max itself.
std::vector<std::int64_t> measured_sizes(std::int64_t max) {
  std::vector<std::int64_t> sizes;
  for (std::int64_t n = 10'000; n <= max; n *= 10) sizes.push_back(n);
  if (sizes.empty() || sizes.back() != max) sizes.push_back(max);
  return sizes;
}

constexpr int k_page = 200;  // rows per page of the staff's list, as the server's default

// The staff's name search as it was before the index of names (tracking/staff_queries until
// schema 7): the newest 100,000 dossiers, each one's applicant read and its name folded in C++,
// until a page is full. Returns the ids found (it built their rows besides, which this leaves out).
std::vector<db::Id> old_name_search(db::Store& store, const std::string& text) {
  const std::string folded = common::search_fold(text);
  std::vector<db::Id> found;
  check(store.read([&](db::Transaction& tx) -> common::Result<void> {
    db::DossierFilter filter;
    filter.descending = true;
    filter.limit = 100'000;
    TRY_ASSIGN(const auto dossiers, tx.list_dossiers(filter));
    for (const db::Dossier& d : dossiers) {
      if (static_cast<int>(found.size()) >= k_page) break;
      TRY_ASSIGN(const auto applicant, tx.applicant_of(d.id));
      if (applicant &&
          common::search_fold(applicant->full_name).find(folded) != std::string::npos) {
        found.push_back(d.id);
      }
    }
    return {};
  }),
        "searching names the old way");
  return found;
}

// What a clerk types for the k-th applicant: the name without diacritics, the last word begun
// ("tran thi ngoc ha" for "Trần Thị Ngọc Hân").
std::string begun_name(std::int64_t k) {
  std::vector<std::string> words = common::search_words(applicant_name(k));
  words.back() = words.back().substr(0, 2);
  return fmt::format("{}", fmt::join(words, " "));
}

class Bench {
 public:
  Bench(Options options, fs::path workdir)
      : options_(std::move(options)), dir_(std::move(workdir)) {}

  void run() {
    registrations();
    batched();
    lookups();
    if (options_.json) {
      std::fputs(to_json().dump(2).c_str(), stdout);
      std::fputs("\n", stdout);
    } else {
      print_tables();
    }
  }

 private:
  // 1. One durable transaction per registration, through the Registrar.
  void registrations() {
    store_ = open_store(dir_ / "registry.db", true);
    agency_id_ = init_desk(*store_);
    bare_ = std::make_unique<BareTable>(dir_ / "baseline.db");
    db::ImageStore images(dir_ / "images");
    const intake::Classifier classifier;
    const common::SystemClock clock;
    intake::Registrar registrar(*store_, images, classifier, clock,
                                intake::IntakeContext{"bench", "intake_bench"});

    std::vector<std::uint8_t> photo(k_image_bytes);
    std::mt19937_64 noise(42);  // incompressible, like JPEG data
    for (auto& byte : photo) byte = static_cast<std::uint8_t>(noise());

    for (const bool with_image : {false, true}) {
      const std::string name =
          with_image ? "register_envelope, 150 KB image" : "register_envelope, no image";
      progress(fmt::format("{} x {} (durable)...", name, options_.registrations));
      const std::int64_t first = next_k_;
      intake::EnvelopeScan envelope;
      // Envelopes are made before the timing starts: classifying is the scanner's step.
      auto prepare = [&](std::int64_t i) {
        const std::int64_t k = first + i;
        envelope = intake::EnvelopeScan{};
        envelope.source_name = fmt::format("envelope-{:07}.jpg", k);
        envelope.codes = {classifier.classify(tracking_number(k), scanner::Format::code128),
                          classifier.classify(card_qr(k), scanner::Format::qr_code)};
        for (const intake::Code& code : envelope.codes) {
          if (!code.usable()) throw std::runtime_error("bench envelope: " + code.problem);
        }
        if (with_image) {
          envelope.image = photo;  // distinct bytes per envelope: a distinct file in the store
          for (std::size_t b = 0; b < 8; ++b) {
            envelope.image[b] = static_cast<std::uint8_t>(k >> (8 * b));
          }
          envelope.image_type = "jpg";
        }
      };
      auto ours = [&](std::int64_t) {
        auto r = take(registrar.register_envelope(envelope), "registering an envelope");
        if (r.outcome != db::ScanOutcome::registered) {
          throw std::runtime_error(r.message.render(common::Lang::en) +
                                   " (expected a new dossier)");
        }
      };
      auto base = [&](std::int64_t) { bare_->commit(1); };
      writes_.push_back(WriteRow{name, true, with_image, 1, options_.registrations,
                                 measure_paired(options_.registrations, 1, prepare, ours, base)});
      next_k_ += options_.registrations;
    }
  }

  // 2. The same rows written with the Transaction methods, 1, 100 and 1000 per transaction.
  void batched() {
    DossierWriter writer{schedule_, agency_id_, nullptr, {}};
    for (const std::int64_t per_commit : {1, 100, 1000}) {
      const std::int64_t dossiers =
          per_commit == 1
              ? options_.registrations
              : std::max(per_commit, options_.batched_dossiers / per_commit * per_commit);
      const std::string name = fmt::format("direct writes, {} per transaction", per_commit);
      progress(fmt::format("{}: {} dossiers (durable)...", name, dossiers));
      const std::int64_t first = next_k_;
      auto ours = [&](std::int64_t i) {
        const DossierWriter::Mark before = writer.mark();
        check(store_->write([&](db::Transaction& tx) {
          writer.rewind(before);
          return writer.write(tx, first + i * per_commit, per_commit);
        }),
              "writing dossiers");
      };
      auto base = [&](std::int64_t) { bare_->commit(per_commit); };
      writes_.push_back(
          WriteRow{name, false, false, per_commit, dossiers,
                   measure_paired(
                       dossiers / per_commit, per_commit, [](std::int64_t) {}, ours, base)});
      next_k_ += dossiers;
    }
  }

  // 3 and 4. One database grown from 10^4 dossiers to max, lookups and size measured at each step.
  void lookups() {
    const fs::path path = dir_ / "lookup.db";
    auto store = open_store(path, false);  // synchronous=NORMAL: filling speed, not durability
    const db::Id agency_id = init_desk(*store);
    std::vector<db::Id> ids;
    ids.reserve(static_cast<std::size_t>(options_.max_dossiers));
    DossierWriter writer{schedule_, agency_id, &ids, {}};
    std::int64_t filled = 0;
    for (const std::int64_t size : measured_sizes(options_.max_dossiers)) {
      progress(fmt::format("filling lookup.db to {} dossiers ({} per transaction)...", size,
                           k_fill_batch));
      const std::int64_t from = filled;
      const auto start = SteadyClock::now();
      while (filled < size) {
        const std::int64_t n = std::min(k_fill_batch, size - filled);
        const DossierWriter::Mark before = writer.mark();
        check(store->write([&](db::Transaction& tx) {
          writer.rewind(before);
          return writer.write(tx, filled, n);
        }),
              "filling the lookup database");
        filled += n;
        if (filled % k_progress_every == 0 && filled < size) {
          progress(fmt::format("  {} / {} dossiers, {:.0f}/s", filled, size,
                               static_cast<double>(filled - from) * 1e6 / micros_since(start)));
        }
      }
      SizePoint point;
      point.dossiers = size;
      point.fill_per_second = static_cast<double>(size - from) * 1e6 / micros_since(start);
      progress(fmt::format("  filled at {:.0f} dossiers/s; {} lookups of each kind...",
                           point.fill_per_second, options_.lookups + options_.missing));
      measure_lookups(*store, ids, point);
      progress(fmt::format("  name searches: {} of each kind, and {} the old way...",
                           options_.name_searches, options_.old_searches));
      measure_name_searches(*store, ids, point);
      point.file_bytes = checkpointed_size(path);
      point.payload_bytes = writer.payload.bytes;
      sizes_.push_back(std::move(point));
    }
    progress("size per table (dbstat)...");
    tables_ = size_by_table(path);
  }

  // Each lookup in its own read transaction, as a request would be; the four kinds in rotating
  // order, each with its own random key, so none warms the cache for another.
  void measure_lookups(db::Store& store, const std::vector<db::Id>& ids, SizePoint& point) {
    const auto size = static_cast<std::int64_t>(ids.size());
    const std::int64_t total = options_.lookups + options_.missing;
    std::vector<char> missing(static_cast<std::size_t>(total), 0);
    std::fill_n(missing.begin(), options_.missing, 1);
    std::mt19937_64 rng(static_cast<std::uint64_t>(size));
    std::shuffle(missing.begin(), missing.end(), rng);
    std::uniform_int_distribution<std::int64_t> pick(0, size - 1);

    auto timed_read = [&](const std::function<common::Result<void>(db::Transaction&)>& work) {
      const auto start = SteadyClock::now();
      check(store.read(work), "looking up");
      return micros_since(start);
    };
    for (std::int64_t j = 0; j < total; ++j) {
      const bool miss = missing[static_cast<std::size_t>(j)] != 0;
      for (int m = 0; m < 4; ++m) {
        const std::int64_t k = pick(rng);
        const db::Id expected = ids[static_cast<std::size_t>(k)];
        bool right = false;
        switch ((j + m) % 4) {
          case 0: {
            const db::Id id = miss ? ids.back() + 1 + k : expected;
            point.base.add(timed_read([&](db::Transaction& tx) -> common::Result<void> {
              auto d = take(tx.get_dossier(id), "get_dossier");
              right = miss ? !d : d && d->id == id;
              return {};
            }));
            if (!right) ++point.base_wrong;
            break;
          }
          case 1: {
            const std::string number = miss ? missing_tracking_number(k) : tracking_number(k);
            point.rows[0].ours.add(timed_read([&](db::Transaction& tx) -> common::Result<void> {
              auto s = take(tx.find_shipment(number, db::Direction::inbound, common::Timestamp{}),
                            "find_shipment");
              right = miss ? !s : s && s->dossier_id == expected;
              return {};
            }));
            if (!right) ++point.rows[0].wrong;
            break;
          }
          case 2: {
            Schedule::Slot slot = schedule_[k];
            if (miss) slot.seq = 9000 + static_cast<std::int32_t>(k % 1000);  // days hold < 1500
            const std::string code = Schedule::dossier_code(slot);
            point.rows[1].ours.add(timed_read([&](db::Transaction& tx) -> common::Result<void> {
              auto d = take(tx.find_dossier_by_code(code), "find_dossier_by_code");
              right = miss ? !d : d && d->id == expected;
              return {};
            }));
            if (!right) ++point.rows[1].wrong;
            break;
          }
          default: {
            const std::string id = miss ? missing_id_number(k) : id_number(k);
            point.rows[2].ours.add(timed_read([&](db::Transaction& tx) -> common::Result<void> {
              auto found = take(tx.dossiers_of_applicant(id), "dossiers_of_applicant");
              right = miss ? found.empty()
                           : std::find(found.begin(), found.end(), expected) != found.end();
              return {};
            }));
            if (!right) ++point.rows[2].wrong;
            break;
          }
        }
      }
    }
  }

  // The three kinds in rotating order, each with its own random applicant; then the search
  // before the index of names, fewer times (each takes about a second from 10^5 dossiers on).
  void measure_name_searches(db::Store& store, const std::vector<db::Id>& ids, SizePoint& point) {
    const auto size = static_cast<std::int64_t>(ids.size());
    const common::ManualClock clock(common::local_time(Schedule::date(0), 12, 0));
    std::mt19937_64 rng(static_cast<std::uint64_t>(size) + 1);
    std::uniform_int_distribution<std::int64_t> pick(0, size - 1);
    auto text_of = [&](int kind, std::int64_t k) -> std::string {
      switch (kind) {
        case 0:
          return "zzzz";
        case 1:
          return begun_name(k);
        default:
          return "nguyen";
      }
    };
    // Right: nothing for the name nobody has; the k-th dossier on the page (unless the page is
    // full of others); a full page for the common surname.
    auto right = [&](int kind, std::int64_t k, const std::vector<db::Id>& found) {
      switch (kind) {
        case 0:
          return found.empty();
        case 1:
          return static_cast<int>(found.size()) == k_page ||
                 std::find(found.begin(), found.end(), ids[static_cast<std::size_t>(k)]) !=
                     found.end();
        default:
          return static_cast<int>(found.size()) == k_page;
      }
    };
    for (std::int64_t j = 0; j < options_.name_searches; ++j) {
      for (int m = 0; m < 3; ++m) {
        const int kind = static_cast<int>((j + m) % 3);
        const std::int64_t k = pick(rng);
        tracking::DossierQuery query;
        query.text = text_of(kind, k);
        query.limit = k_page;
        const auto start = SteadyClock::now();
        auto page = take(tracking::search_dossiers(store, clock, query), "searching names");
        NameRow& row = point.names[static_cast<std::size_t>(kind)];
        row.ours.add(micros_since(start));
        std::vector<db::Id> found;
        for (const auto& r : page.rows) found.push_back(r.dossier.id);
        row.rows += static_cast<std::int64_t>(found.size());
        if (!right(kind, k, found)) ++row.wrong;
      }
    }
    for (std::int64_t j = 0; j < options_.old_searches; ++j) {
      for (int kind = 0; kind < 3; ++kind) {
        const std::string text = text_of(kind, pick(rng));
        const auto start = SteadyClock::now();
        old_name_search(store, text);
        point.names[static_cast<std::size_t>(kind)].old.add(micros_since(start));
      }
    }
  }

  std::string environment() const {
    return fmt::format("{} on {}, SQLite {} (WAL), {} CPUs", dir_.string(), filesystem_name(dir_),
                       SQLite::getLibVersion(), std::thread::hardware_concurrency());
  }

  const WriteRow* find_write(bool through_registrar, bool with_image,
                             std::int64_t per_commit) const {
    for (const WriteRow& row : writes_) {
      if (row.through_registrar == through_registrar && row.with_image == with_image &&
          row.per_commit == per_commit) {
        return &row;
      }
    }
    return nullptr;
  }

  void print_tables() {
    fmt::print("intake_bench: {}\n", environment());

    fmt::print(
        "\nWrites, durable (synchronous=FULL, fsync per commit), per dossier. Baseline: a bare "
        "durable\ntransaction of as many small rows in baseline.db, same folder, alternated with "
        "ours. p99 is\nover transactions. ratio = our mean / baseline mean.\n");
    fmt::print("{:<36} {:>8} {:>10} {:>9} {:>9} | {:>9} {:>9} {:>9} | {:>7}\n", "measure",
               "dossiers", "dossiers/s", "mean µs", "p99 µs", "base/s", "base µs", "base p99",
               "ratio");
    for (WriteRow& row : writes_) {
      fmt::print(
          "{:<36} {:>8} {:>10.0f} {:>9.1f} {:>9.1f} | {:>9.0f} {:>9.1f} {:>9.1f} | {:>6.2f}x\n",
          row.name, row.dossiers, per_second(row.times.ours.mean()), row.times.ours.mean(),
          row.times.ours.percentile(0.99), per_second(row.times.base.mean()), row.times.base.mean(),
          row.times.base.percentile(0.99), ratio(row.times.ours.mean(), row.times.base.mean()));
    }

    fmt::print(
        "\nLookups, each its own read transaction: {} existing + {} missing keys per kind. "
        "Baseline:\nget_dossier(id) (primary key) in the same run, alternated with ours. "
        "ratio = our mean / baseline mean.\n",
        options_.lookups, options_.missing);
    fmt::print("{:<9} {:<20} {:>9} {:>9} {:>6} | {:>9} {:>9} {:>6} | {:>7}\n", "dossiers", "lookup",
               "mean µs", "p99 µs", "wrong", "base µs", "base p99", "wrong", "ratio");
    for (SizePoint& p : sizes_) {
      bool first = true;
      for (LookupRow& row : p.rows) {
        fmt::print("{:<9} {:<20} {:>9.1f} {:>9.1f} {:>6} | {:>9.1f} {:>9.1f} {:>6} | {:>6.2f}x\n",
                   first ? count_label(p.dossiers) : "", row.name, row.ours.mean(),
                   row.ours.percentile(0.99), row.wrong, p.base.mean(), p.base.percentile(0.99),
                   p.base_wrong, ratio(row.ours.mean(), p.base.mean()));
        first = false;
      }
    }

    fmt::print(
        "\nStaff name search, tracking::search_dossiers with a page of up to {} rows (each row "
        "read):\n{} searches per kind and size. \"full name, last word begun\": a random "
        "applicant's name\nwithout diacritics, its last word cut to two letters. Baseline: the "
        "search before the index of\nnames (one query per dossier over the newest 100,000, "
        "names folded in C++), {} per kind, same\ndatabase. faster = baseline mean / our mean.\n",
        k_page, options_.name_searches, options_.old_searches);
    fmt::print("{:<9} {:<27} {:>9} {:>9} {:>7} {:>6} | {:>10} | {:>9}\n", "dossiers", "search",
               "mean µs", "p99 µs", "rows", "wrong", "base µs", "faster");
    for (SizePoint& p : sizes_) {
      bool first = true;
      for (NameRow& row : p.names) {
        fmt::print("{:<9} {:<27} {:>9.1f} {:>9.1f} {:>7.1f} {:>6} | {:>10.0f} | {:>8.0f}x\n",
                   first ? count_label(p.dossiers) : "", row.name, row.ours.mean(),
                   row.ours.percentile(0.99),
                   static_cast<double>(row.rows) / static_cast<double>(row.ours.size()), row.wrong,
                   row.old.mean(), ratio(row.old.mean(), row.ours.mean()));
        first = false;
      }
    }

    fmt::print(
        "\nDatabase size (lookup.db after PRAGMA wal_checkpoint(TRUNCATE)). Baseline: the bytes of "
        "the\nvalues stored (text as UTF-8, integers as 8 bytes; no row headers, indexes or page "
        "slack).\nfill = dossiers/s growing to that size, {} per transaction, "
        "synchronous=NORMAL.\n",
        k_fill_batch);
    fmt::print("{:<9} {:>10} {:>13} {:>16} | {:>15} | {:>7} | {:>8}\n", "dossiers", "file MB",
               "bytes/dossier", "per 10⁶ dossiers", "payload B/doss.", "ratio", "fill/s");
    for (const SizePoint& p : sizes_) {
      const double per = static_cast<double>(p.file_bytes) / static_cast<double>(p.dossiers);
      const double payload = static_cast<double>(p.payload_bytes) / static_cast<double>(p.dossiers);
      fmt::print("{:<9} {:>10.1f} {:>13.0f} {:>13.0f} MB | {:>15.0f} | {:>6.2f}x | {:>8.0f}\n",
                 count_label(p.dossiers), mb(p.file_bytes), per, per, payload, ratio(per, payload),
                 p.fill_per_second);
    }
    if (!tables_.empty() && !sizes_.empty()) {
      const auto n = static_cast<double>(sizes_.back().dossiers);
      fmt::print("\nSize per table at {} dossiers (dbstat): bytes per dossier\n",
                 count_label(sizes_.back().dossiers));
      fmt::print("{:<20} {:>9} {:>9} {:>9}\n", "table", "rows", "indexes", "total");
      for (const TableSize& t : tables_) {
        fmt::print("{:<20} {:>9.0f} {:>9.0f} {:>9.0f}\n", t.table,
                   static_cast<double>(t.table_bytes) / n, static_cast<double>(t.index_bytes) / n,
                   static_cast<double>(t.table_bytes + t.index_bytes) / n);
      }
    }
    print_summary();
  }

  // The figures the issue asks for, in one table.
  void print_summary() {
    fmt::print(
        "\nSummary. Baselines: a bare durable commit of one small row (one transaction each); bare "
        "durable\ntransactions of as many small rows (batched); get_dossier(id) (finds); the "
        "search "
        "before the\nindex of names (name searches); the bytes of the values stored (size). ratio "
        "= "
        "ours / baseline,\nin time or bytes.\n");
    fmt::print("{:<58} {:>26} | {:>26} | {:>18}\n", "", "ours", "baseline", "ratio");
    auto write_line = [&](std::string_view label, const WriteRow* row) {
      if (!row) return;
      fmt::print("{:<58} {:>24.0f}/s | {:>24.0f}/s | {:>17.2f}x\n", label,
                 per_second(row->times.ours.mean()), per_second(row->times.base.mean()),
                 ratio(row->times.ours.mean(), row->times.base.mean()));
    };
    write_line("registrations/s, one durable transaction each", find_write(true, false, 1));
    write_line("registrations/s, one durable transaction each, 150 KB image",
               find_write(true, true, 1));
    write_line("registrations/s, batched 100 per durable transaction",
               find_write(false, false, 100));
    write_line("registrations/s, batched 1000 per durable transaction",
               find_write(false, false, 1000));

    std::string sizes_label;
    for (const SizePoint& p : sizes_) {
      sizes_label += (sizes_label.empty() ? "" : ", ") + count_label(p.dossiers);
    }
    for (std::size_t r = 0; r < 3; ++r) {
      std::string ours;
      std::string base;
      std::string ratios;
      for (SizePoint& p : sizes_) {
        const char* sep = ours.empty() ? "" : " / ";
        ours += fmt::format("{}{:.0f}", sep, p.rows[r].ours.mean());
        base += fmt::format("{}{:.0f}", sep, p.base.mean());
        ratios += fmt::format("{}{:.2f}", sep, ratio(p.rows[r].ours.mean(), p.base.mean()));
      }
      fmt::print("{:<58} {:>23} µs | {:>23} µs | {:>17}x\n",
                 fmt::format("find a dossier {} at {}", sizes_[0].rows[r].name, sizes_label), ours,
                 base, ratios);
    }
    for (std::size_t r = 0; r < 3; ++r) {
      std::string ours;
      std::string base;
      std::string ratios;
      for (SizePoint& p : sizes_) {
        const char* sep = ours.empty() ? "" : " / ";
        ours += fmt::format("{}{:.0f}", sep, p.names[r].ours.mean());
        base += fmt::format("{}{:.0f}", sep, p.names[r].old.mean());
        ratios +=
            fmt::format("{}{:.2g}", sep, ratio(p.names[r].ours.mean(), p.names[r].old.mean()));
      }
      fmt::print("{:<58} {:>23} µs | {:>23} µs | {:>17}x\n",
                 fmt::format("name search, {} at {}", sizes_[0].names[r].name, sizes_label), ours,
                 base, ratios);
    }
    if (!sizes_.empty()) {
      const SizePoint& last = sizes_.back();
      const double per = static_cast<double>(last.file_bytes) / static_cast<double>(last.dossiers);
      const double payload =
          static_cast<double>(last.payload_bytes) / static_cast<double>(last.dossiers);
      const std::string label =
          last.dossiers == 1'000'000
              ? std::string("database size per 10⁶ dossiers")
              : fmt::format("database size per 10⁶ dossiers (from {})", count_label(last.dossiers));
      fmt::print("{:<58} {:>26} | {:>26} | {:>17.2f}x\n", label,
                 fmt::format("{:.0f} MB ({:.0f} B/dossier)", per, per),
                 fmt::format("{:.0f} MB payload", payload), ratio(per, payload));
    }
  }

  Json to_json() {
    Json out;
    out["environment"] = {{"dir", dir_.string()},
                          {"filesystem", filesystem_name(dir_)},
                          {"sqlite", SQLite::getLibVersion()},
                          {"cpus", std::thread::hardware_concurrency()}};
    for (WriteRow& row : writes_) {
      out["writes"].push_back({{"measure", row.name},
                               {"per_transaction", row.per_commit},
                               {"dossiers", row.dossiers},
                               {"per_second", per_second(row.times.ours.mean())},
                               {"mean_us", row.times.ours.mean()},
                               {"p99_us", row.times.ours.percentile(0.99)},
                               {"baseline_per_second", per_second(row.times.base.mean())},
                               {"baseline_mean_us", row.times.base.mean()},
                               {"baseline_p99_us", row.times.base.percentile(0.99)},
                               {"ratio", ratio(row.times.ours.mean(), row.times.base.mean())}});
    }
    for (SizePoint& p : sizes_) {
      Json point = {{"dossiers", p.dossiers},
                    {"baseline_mean_us", p.base.mean()},
                    {"baseline_p99_us", p.base.percentile(0.99)},
                    {"baseline_wrong", p.base_wrong},
                    {"file_bytes", p.file_bytes},
                    {"bytes_per_dossier",
                     static_cast<double>(p.file_bytes) / static_cast<double>(p.dossiers)},
                    {"payload_bytes_per_dossier",
                     static_cast<double>(p.payload_bytes) / static_cast<double>(p.dossiers)},
                    {"fill_per_second", p.fill_per_second}};
      for (LookupRow& row : p.rows) {
        point["lookups"].push_back({{"lookup", row.name},
                                    {"existing", options_.lookups},
                                    {"missing", options_.missing},
                                    {"mean_us", row.ours.mean()},
                                    {"p99_us", row.ours.percentile(0.99)},
                                    {"wrong", row.wrong},
                                    {"ratio", ratio(row.ours.mean(), p.base.mean())}});
      }
      for (NameRow& row : p.names) {
        point["name_searches"].push_back(
            {{"search", row.name},
             {"searches", row.ours.size()},
             {"mean_us", row.ours.mean()},
             {"p99_us", row.ours.percentile(0.99)},
             {"rows_mean", static_cast<double>(row.rows) /
                               static_cast<double>(std::max<std::size_t>(row.ours.size(), 1))},
             {"wrong", row.wrong},
             {"baseline", "the search before the index of names"},
             {"baseline_searches", row.old.size()},
             {"baseline_mean_us", row.old.mean()},
             {"ratio", ratio(row.ours.mean(), row.old.mean())}});
      }
      out["sizes"].push_back(std::move(point));
    }
    for (const TableSize& t : tables_) {
      out["size_by_table"].push_back(
          {{"table", t.table}, {"table_bytes", t.table_bytes}, {"index_bytes", t.index_bytes}});
    }
    return out;
  }

  Options options_;
  fs::path dir_;
  Schedule schedule_;
  std::unique_ptr<db::Store> store_;
  std::unique_ptr<BareTable> bare_;
  db::Id agency_id_ = 0;
  std::int64_t next_k_ = 0;
  std::vector<WriteRow> writes_;
  std::vector<SizePoint> sizes_;
  std::vector<TableSize> tables_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{
      "Benchmark registering and finding dossiers in the SQLite store, against bare SQLite and "
      "primary-key baselines in the same run"};
  Options options;
  cli.add_option("--max-dossiers", options.max_dossiers,
                 "Grow the lookup database to this many dossiers (measured at 10^4, 10^5, ...)")
      ->check(CLI::Range(std::int64_t{1000}, std::int64_t{10'000'000}));
  cli.add_option("--registrations", options.registrations,
                 "Durable registrations per measure (without and with an image)")
      ->check(CLI::Range(std::int64_t{10}, std::int64_t{1'000'000}));
  cli.add_option("--batched-dossiers", options.batched_dossiers,
                 "Dossiers written per batch size (100 and 1000 per transaction)")
      ->check(CLI::Range(std::int64_t{1000}, std::int64_t{10'000'000}));
  cli.add_option("--lookups", options.lookups, "Existing keys looked up per kind and size")
      ->check(CLI::Range(std::int64_t{100}, std::int64_t{10'000'000}));
  cli.add_option("--missing", options.missing, "Missing keys looked up per kind and size")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1'000'000}));
  cli.add_option("--name-searches", options.name_searches, "Staff name searches per kind and size")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1'000'000}));
  cli.add_option("--old-searches", options.old_searches,
                 "Name searches the way before the index, per kind and size (about 1 s each "
                 "from 10^5 dossiers on)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1000}));
  cli.add_option("--dir", options.dir,
                 "Folder on the disk to measure (default: the system's temporary folder); the "
                 "bench works in a new subfolder it removes afterwards");
  cli.add_flag("--keep", options.keep, "Keep the databases and images afterwards");
  cli.add_flag("--json", options.json, "Print the results as JSON instead of tables");
  CLI11_PARSE(cli, argc, argv);

  fs::path workdir;
  try {
    const fs::path parent = options.dir.empty() ? fs::temp_directory_path() : fs::path(options.dir);
    fs::create_directories(parent);
    std::string pattern = (parent / "intake_bench.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error(pattern + ": cannot create a folder: " + std::strerror(errno));
    }
    workdir = pattern;
    if (filesystem_name(workdir) == "tmpfs") {
      progress(workdir.string() +
               " is on tmpfs, where fsync costs nothing: use --dir on the desk's real disk");
    }
    Bench(options, workdir).run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "intake_bench: %s\n", e.what());
    if (!workdir.empty() && !options.keep) {
      std::error_code ec;
      fs::remove_all(workdir, ec);
    }
    return 1;
  }
  if (options.keep) {
    progress("kept " + workdir.string());
  } else {
    std::error_code ec;
    fs::remove_all(workdir, ec);
  }
  return 0;
}
