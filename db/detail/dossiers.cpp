// Dossiers, the per-agency per-day sequence behind their codes, and their applicants.
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <variant>

#include "common/unicode.hpp"
#include "db/detail/repository.hpp"

namespace db::detail {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;

// Qualified: list_dossiers joins procedures, whose columns share some of these names.
constexpr char k_dossier_columns[] =
    "d.id, d.code, d.agency_id, d.procedure_id, d.procedure_version, d.channel, d.state, "
    "d.filed_at, d.due_at, d.lookup_code, d.supplement_count, d.reappointed, d.portal_code, "
    "d.created_at, d.updated_at, d.clock_started_at, d.result_delivery";

Dossier read_dossier(RowReader& r) {
  Dossier d;
  d.id = r.id();
  d.code = r.next<std::optional<std::string>>();
  d.agency_id = r.next<Id>();
  d.procedure_id = r.next<std::optional<Id>>();
  d.procedure_version = r.next<std::optional<int>>();
  d.channel = r.next<int>();
  d.state = r.next<DossierState>();
  d.filed_at = r.next<Timestamp>();
  d.due_at = r.next<std::optional<Timestamp>>();
  d.lookup_code = r.next<std::string>();
  d.supplement_count = r.next<int>();
  d.reappointed = r.next<bool>();
  d.portal_code = r.next<std::string>();
  d.created_at = r.next<Timestamp>();
  d.updated_at = r.next<Timestamp>();
  d.clock_started_at = r.next<std::optional<Timestamp>>();
  d.result_delivery = r.next<ResultDelivery>();
  return d;
}

// The keys that begin with a phrase run from the phrase up to the phrase followed by U+10FFFF, the
// last code point (a noncharacter, never part of a word): a range of the index, in bytes.
constexpr std::string_view k_after_every_key = "\xF4\x8F\xBF\xBF";

// `prefix` for a LIKE pattern with '\\' as its escape character.
std::string like_escaped(std::string_view prefix) {
  std::string out;
  for (const char c : prefix) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

constexpr char k_applicant_columns[] =
    "id, dossier_id, id_number, old_id_number, full_name, birth_date, sex, address, issue_date, "
    "source, phone, return_address";

Applicant read_applicant(RowReader& r) {
  Applicant a;
  a.id = r.id();
  a.dossier_id = r.next<Id>();
  a.id_number = r.next<std::string>();
  a.old_id_number = r.next<std::string>();
  a.full_name = r.next<std::string>();
  a.birth_date = r.next<std::optional<Date>>();
  a.sex = r.next<std::string>();
  a.address = r.next<std::string>();
  a.issue_date = r.next<std::optional<Date>>();
  a.source = r.next<std::string>();
  a.phone = r.next<std::string>();
  a.return_address = r.next<std::string>();
  return a;
}

}  // namespace

std::string search_name_of(std::string_view full_name) {
  return fmt::format("{}", fmt::join(common::search_words(full_name), " "));
}

std::vector<std::string> name_keys_of(std::string_view full_name) {
  const std::vector<std::string> words = common::search_words(full_name);
  std::vector<std::string> keys;
  for (std::size_t first = 0; first < words.size(); ++first) {
    keys.push_back(fmt::format(
        "{}", fmt::join(words.begin() + static_cast<std::ptrdiff_t>(first), words.end(), " ")));
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

std::optional<std::string> Repository::name_condition(const DossierFilter& f,
                                                      std::vector<SqlValue>& values,
                                                      bool whole_set) {
  const std::string phrase = fmt::format("{}", fmt::join(f.name_words, " "));
  const std::string after = phrase + std::string(k_after_every_key);
  // Reading k candidates through the index and sorting them costs about what reading the list
  // in order costs per dossier; in order, `limit` matches among n of N dossiers take about
  // limit * N / n reads. Past sqrt(limit * N) matches the list in order is the cheaper way.
  auto& last = query("SELECT MAX(id) FROM dossiers");
  const std::int64_t dossiers = last.step() ? last.column_int(0) : 0;
  last.reset();
  // A deep page needs the dossiers before it as well.
  const std::int64_t wanted = f.limit + f.offset;
  const auto through_index = std::max<std::int64_t>(
      1000,
      static_cast<std::int64_t>(std::sqrt(
          static_cast<double>(wanted) * static_cast<double>(std::max<std::int64_t>(dossiers, 1)))));
  auto& count = query(
      "SELECT COUNT(*) FROM (SELECT 1 FROM applicant_name_keys WHERE name_key >= ? AND "
      "name_key < ? LIMIT ?) AS found",
      phrase, after, through_index + 1);
  const std::int64_t found = count.step() ? count.column_int(0) : 0;
  count.reset();
  if (found == 0) return std::nullopt;
  // Reading the list in order and checking each name pays only when the order is the filing
  // time's and the page fills early; a count, or another order, needs every match: the index.
  if (found > through_index && !whole_set && f.sort == DossierSort::filed_at) {
    // Common ("nguyen", "van"): the list in order, each dossier's name checked as the index
    // would (a primary-key read of its applicant), stopping at the limit.
    values.emplace_back("% " + like_escaped(phrase) + "%");
    return std::string(
        "EXISTS (SELECT 1 FROM applicants a WHERE a.dossier_id = d.id AND "
        "(' ' || a.search_name) LIKE ? ESCAPE '\\')");
  }
  values.emplace_back(phrase);
  values.emplace_back(after);
  const bool only_name_and_dates = !whole_set && f.sort == DossierSort::filed_at && !f.state &&
                                   f.states.empty() && f.field.empty() && !f.due_before && !f.ids &&
                                   !f.batch_id;
  if (!only_name_and_dates) {
    return std::string(
        "d.id IN (SELECT dossier_id FROM applicant_name_keys WHERE name_key >= ? AND "
        "name_key < ?)");
  }
  // Nothing but the name and the filing dates filters: the index keeps each dossier's filing
  // time, so it chooses the page itself and only the dossiers shown are read, not every
  // candidate (at 10^6 dossiers, reading thousands of candidates' rows cost tens of ms).
  std::string page =
      "SELECT DISTINCT dossier_id, filed_at FROM applicant_name_keys WHERE name_key >= ? AND "
      "name_key < ?";
  if (f.filed_from) {
    page += " AND filed_at >= ?";
    values.emplace_back(f.filed_from->time_since_epoch().count());
  }
  if (f.filed_to) {
    page += " AND filed_at < ?";
    values.emplace_back(f.filed_to->time_since_epoch().count());
  }
  // The page and the dossiers before it; the outer query skips the latter.
  page += f.descending ? " ORDER BY filed_at DESC, dossier_id DESC LIMIT ?"
                       : " ORDER BY filed_at, dossier_id LIMIT ?";
  values.emplace_back(wanted);
  return fmt::format("d.id IN (SELECT dossier_id FROM ({}) AS page)", page);
}

void Repository::index_name_keys(Id dossier_id, std::string_view full_name) {
  // With the dossier's filing time, which never changes (update_dossier leaves it).
  for (const std::string& key : name_keys_of(full_name)) {
    query(
        "INSERT INTO applicant_name_keys(name_key, dossier_id, filed_at) "
        "SELECT ?, id, filed_at FROM dossiers WHERE id = ? "
        "ON CONFLICT DO NOTHING",
        key, dossier_id)
        .exec();
  }
}

Result<Id> Repository::insert_dossier(const Dossier& d) {
  return guarded("registering a dossier", [&]() -> Result<Id> {
    return insert(
        "INSERT INTO dossiers(code, agency_id, procedure_id, procedure_version, channel, state, "
        "national_status, filed_at, due_at, lookup_code, supplement_count, reappointed, "
        "portal_code, created_at, updated_at, clock_started_at, result_delivery) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        d.code, d.agency_id, d.procedure_id, d.procedure_version, d.channel, d.state,
        national_status_code(d.state), d.filed_at, d.due_at, d.lookup_code, d.supplement_count,
        d.reappointed, d.portal_code, d.created_at, d.updated_at, d.clock_started_at,
        d.result_delivery);
  });
}

Result<std::optional<Dossier>> Repository::get_dossier(Id id) {
  return guarded("reading a dossier", [&]() -> Result<std::optional<Dossier>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_dossier_columns, " FROM dossiers d WHERE d.id = ?");
    return read_one(query(k_sql.data(), id), "dossiers", read_dossier);
  });
}

Result<std::optional<Dossier>> Repository::find_dossier_by_code(const std::string& code) {
  return guarded("reading a dossier", [&]() -> Result<std::optional<Dossier>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_dossier_columns, " FROM dossiers d WHERE d.code = ?");
    return read_one(query(k_sql.data(), code), "dossiers", read_dossier);
  });
}

Result<PublicCodeMatch> Repository::match_public_code(const PublicCodeKeys& keys,
                                                      const std::string& stand_in) {
  return guarded("looking up a citizen's code", [&]() -> Result<PublicCodeMatch> {
    // Every key is probed whatever an earlier one found, each through an index (shipments'
    // UNIQUE (tracking_number, direction, year), dossiers' UNIQUE code): the probes are the
    // columns of one row, `probes`, all computed before the row is read. The LIMITs keep SQLite
    // from flattening it into the outer query, where the probes would become arguments of
    // COALESCE, which stops at the first that is not NULL. A key that is not given is bound as
    // NULL, which equals nothing.
    // Then one dossier row is read by primary key whatever matched: the match, or else a decoy
    // drawn at random among the ids (MAX(id) is one descent of the table's B-tree), whose id and
    // lookup code are not returned. A miss then reads a random dossier page as a hit does; with
    // id 0 sought instead, an unknown dossier code was 3 µs faster than a known one
    // (bench/lookup_bench).
    // The newest shipment is the one of the latest year: a shipment's year is the local year of
    // its first sighting (intake and dispatch set it so) and unique per number and direction, so
    // this is find_shipment's newest first_seen_at, read in the index's order. ORDER BY
    // first_seen_at needed a temporary B-tree per direction; two in one statement made SQLite
    // allocate and free ~180 KB of page cache per lookup (glibc gave it back to the system each
    // time, ~10 page faults a lookup), 3-4x the time of the five statements this replaces.
    static constexpr char k_sql[] =
        "SELECT CASE WHEN keys.found IS NULL THEN 0 ELSE COALESCE(d.id, 0) END, "
        "CASE WHEN keys.found IS NULL OR d.id IS NULL THEN ? ELSE d.lookup_code END "
        "FROM (SELECT COALESCE(inbound, outbound, standard, typed) AS found, decoy FROM (SELECT "
        "(SELECT dossier_id FROM shipments WHERE tracking_number = ? AND direction = 'inbound' "
        "ORDER BY year DESC LIMIT 1) AS inbound, "
        "(SELECT dossier_id FROM shipments WHERE tracking_number = ? AND direction = 'outbound' "
        "ORDER BY year DESC LIMIT 1) AS outbound, "
        "(SELECT id FROM dossiers WHERE code = ?) AS standard, "
        "(SELECT id FROM dossiers WHERE code = ?) AS typed, "
        "(SELECT ? % MAX(id) + 1 FROM dossiers) AS decoy "
        "LIMIT 1) AS probes LIMIT 1) AS keys "
        "LEFT JOIN dossiers AS d ON d.id = COALESCE(keys.found, keys.decoy, 0)";
    const auto number = lookup_key(keys.tracking_number);
    // Not a secret: it only chooses which page a miss reads.
    thread_local std::mt19937_64 draw{std::random_device{}()};
    const auto decoy = static_cast<std::int64_t>(draw() >> 1);
    Statement& s = query(k_sql, stand_in, number, number, lookup_key(keys.standard_code),
                         lookup_key(keys.typed_code), decoy);
    if (!s.step()) {
      throw DatabaseError(common::ErrorCode::internal, "the code lookup returned no row");
    }
    PublicCodeMatch match;
    match.dossier_id = s.column_int(0);
    match.lookup_code = s.column_text(1);
    s.reset();
    return match;
  });
}

std::optional<std::string> Repository::dossiers_matching(const DossierFilter& f,
                                                         std::vector<SqlValue>& values,
                                                         bool whole_set) {
  // Built per call: the filter decides the clauses. Values are always bound, never spliced,
  // and each clause's values are kept in the order of its placeholders.
  std::string sql_text = "FROM dossiers d";
  std::vector<std::string> where;
  if (!f.field.empty()) {
    sql_text += " JOIN procedures p ON p.id = d.procedure_id";
    where.emplace_back("p.field = ?");
    values.emplace_back(f.field);
  }
  if (f.state) {
    where.emplace_back("d.state = ?");
    values.emplace_back(std::string(dossier_state_name(*f.state)));
  }
  if (!f.states.empty()) {
    std::string any = "d.state IN (";
    for (std::size_t i = 0; i < f.states.size(); ++i) {
      any += i == 0 ? "?" : ", ?";
      values.emplace_back(std::string(dossier_state_name(f.states[i])));
    }
    where.push_back(any + ")");
  }
  if (f.result_delivery) {
    where.emplace_back("d.result_delivery = ?");
    values.emplace_back(std::string(result_delivery_name(*f.result_delivery)));
  }
  if (f.due_before) {
    where.emplace_back("d.due_at IS NOT NULL AND d.due_at < ?");
    values.emplace_back(f.due_before->time_since_epoch().count());
  }
  if (!f.name_words.empty()) {
    std::vector<SqlValue> name_values;
    const auto condition = name_condition(f, name_values, whole_set);
    if (!condition) return std::nullopt;  // no name has these words
    where.push_back(*condition);
    for (SqlValue& v : name_values) values.push_back(std::move(v));
  }
  const std::optional<std::vector<Id>>& ids = f.ids;
  if (ids) {
    // Numbers only: safe to write into the statement.
    where.push_back(ids->empty() ? std::string("FALSE")
                                 : fmt::format("d.id IN ({})", fmt::join(*ids, ",")));
  }
  if (f.filed_from) {
    where.emplace_back("d.filed_at >= ?");
    values.emplace_back(f.filed_from->time_since_epoch().count());
  }
  if (f.filed_to) {
    where.emplace_back("d.filed_at < ?");
    values.emplace_back(f.filed_to->time_since_epoch().count());
  }
  if (f.batch_id) {
    where.emplace_back("d.id IN (SELECT dossier_id FROM scans WHERE batch_id = ?)");
    values.emplace_back(*f.batch_id);
  }
  for (std::size_t i = 0; i < where.size(); ++i) {
    sql_text += i == 0 ? " WHERE " : " AND ";
    sql_text += where[i];
  }
  return sql_text;
}

namespace {

// The ORDER BY of a sort: written from this table only, never from a caller's text. Each ends
// with the id, so the order is total. Dossiers without a due date or a code come last in both
// directions; each order, reversed or not, is an index of schema v9 read one way.
std::string order_by(DossierSort sort, bool descending) {
  switch (sort) {
    case DossierSort::filed_at:
      return descending ? " ORDER BY d.filed_at DESC, d.id DESC" : " ORDER BY d.filed_at, d.id";
    case DossierSort::due_at:
      return descending ? " ORDER BY d.due_at IS NOT NULL DESC, d.due_at DESC, d.id DESC"
                        : " ORDER BY d.due_at IS NULL, d.due_at, d.id";
    case DossierSort::code:
      return descending ? " ORDER BY d.code IS NOT NULL DESC, d.code DESC, d.id DESC"
                        : " ORDER BY d.code IS NULL, d.code, d.id";
    case DossierSort::state:
      return descending
                 ? " ORDER BY d.national_status DESC, d.state DESC, d.filed_at DESC, d.id DESC"
                 : " ORDER BY d.national_status, d.state, d.filed_at, d.id";
  }
  return " ORDER BY d.id";
}

void bind_all(Statement& s, const std::vector<SqlValue>& values) {
  int index = 0;
  for (const auto& value : values) {
    std::visit([&](const auto& v) { bind_value(s, ++index, v); }, value);
  }
}

}  // namespace

Result<std::vector<Dossier>> Repository::list_dossiers(const DossierFilter& f) {
  return guarded("listing dossiers", [&]() -> Result<std::vector<Dossier>> {
    std::vector<SqlValue> values;
    const auto matching = dossiers_matching(f, values, false);
    if (!matching) return std::vector<Dossier>{};
    std::string sql_text = fmt::format("SELECT {} {}{} LIMIT ? OFFSET ?", k_dossier_columns,
                                       *matching, order_by(f.sort, f.descending));
    values.emplace_back(std::int64_t{f.limit});
    values.emplace_back(std::max<std::int64_t>(f.offset, 0));
    auto s = c_.prepare_once(sql_text);
    bind_all(*s, values);
    return read_all(*s, "dossiers", read_dossier);
  });
}

Result<std::int64_t> Repository::count_dossiers(const DossierFilter& f) {
  return guarded("counting dossiers", [&]() -> Result<std::int64_t> {
    std::vector<SqlValue> values;
    const auto matching = dossiers_matching(f, values, true);
    if (!matching) return std::int64_t{0};
    auto s = c_.prepare_once(fmt::format("SELECT COUNT(*) {}", *matching));
    bind_all(*s, values);
    const std::int64_t count = s->step() ? s->column_int(0) : 0;
    return count;
  });
}

Result<void> Repository::update_dossier(const Dossier& d) {
  return guarded(fmt::format("updating dossier #{}", d.id), [&]() -> Result<void> {
    auto& s = query(
        "UPDATE dossiers SET code = ?, procedure_id = ?, procedure_version = ?, state = ?, "
        "national_status = ?, due_at = ?, supplement_count = ?, reappointed = ?, "
        "updated_at = ?, clock_started_at = ?, result_delivery = ? WHERE id = ?",
        d.code, d.procedure_id, d.procedure_version, d.state, national_status_code(d.state),
        d.due_at, d.supplement_count, d.reappointed, d.updated_at, d.clock_started_at,
        d.result_delivery, d.id);
    if (s.exec() != 1) {
      return make_error(ErrorCode::not_found, fmt::format("no dossier #{}", d.id));
    }
    return {};
  });
}

Result<int> Repository::next_dossier_sequence(Id agency_id, Date day) {
  return guarded("numbering a dossier code", [&]() -> Result<int> {
    return static_cast<int>(returned_int(
        query("INSERT INTO dossier_code_sequences(agency_id, day, last) VALUES (?, ?, 1) "
              "ON CONFLICT(agency_id, day) DO UPDATE SET last = dossier_code_sequences.last + 1 "
              "RETURNING last",
              agency_id, day)));
  });
}

Result<std::vector<Id>> Repository::dossiers_of_applicant(const std::string& id_number) {
  return guarded("searching applicants", [&]() -> Result<std::vector<Id>> {
    auto& s = query("SELECT dossier_id FROM applicants WHERE id_number = ? ORDER BY dossier_id",
                    id_number);
    return read_all(s, "applicants", [](RowReader& r) { return r.next<Id>(); });
  });
}

Result<std::vector<Id>> Repository::dossiers_by_key_part(const std::string& part, int limit) {
  const bool usable = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
  });
  if (!usable || limit < 1) return std::vector<Id>{};
  return guarded("searching dossiers", [&]() -> Result<std::vector<Id>> {
    // The tracking numbers in the range [part, part + 1 at its last character) through their
    // index; the codes by their end, which no index orders (a scan of the dossiers).
    std::string after = part;
    ++after.back();
    auto& s = query(
        "SELECT dossier_id FROM shipments WHERE tracking_number >= ? AND tracking_number < ? "
        "AND dossier_id IS NOT NULL "
        "UNION SELECT id FROM dossiers WHERE code LIKE ? "
        "ORDER BY 1 LIMIT ?",
        part, after, "%" + part, limit);
    return read_all(s, "dossiers", [](RowReader& r) { return r.next<Id>(); });
  });
}

Result<Id> Repository::insert_applicant(const Applicant& a) {
  return guarded("saving the applicant", [&]() -> Result<Id> {
    const std::string search_name = search_name_of(a.full_name);
    const Id id = insert(
        "INSERT INTO applicants(dossier_id, id_number, old_id_number, full_name, birth_date, "
        "sex, address, issue_date, source, phone, return_address, search_name) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        a.dossier_id, a.id_number, a.old_id_number, a.full_name, a.birth_date, a.sex, a.address,
        a.issue_date, a.source, a.phone, a.return_address, search_name);
    index_name_keys(a.dossier_id, a.full_name);
    return id;
  });
}

Result<void> Repository::update_applicant(const Applicant& a) {
  return guarded("saving the applicant", [&]() -> Result<void> {
    auto& before = query("SELECT search_name FROM applicants WHERE dossier_id = ?", a.dossier_id);
    if (!before.step()) {
      before.reset();
      return make_error(ErrorCode::not_found,
                        fmt::format("dossier #{} has no applicant to update", a.dossier_id));
    }
    const std::string old_search_name = before.column_text(0);
    before.reset();
    const std::string search_name = search_name_of(a.full_name);
    query(
        "UPDATE applicants SET id_number = ?, old_id_number = ?, full_name = ?, birth_date = ?, "
        "sex = ?, address = ?, issue_date = ?, source = ?, phone = ?, return_address = ?, "
        "search_name = ? WHERE dossier_id = ?",
        a.id_number, a.old_id_number, a.full_name, a.birth_date, a.sex, a.address, a.issue_date,
        a.source, a.phone, a.return_address, search_name, a.dossier_id)
        .exec();
    if (search_name != old_search_name) {
      for (const std::string& key : name_keys_of(old_search_name)) {
        query("DELETE FROM applicant_name_keys WHERE name_key = ? AND dossier_id = ?", key,
              a.dossier_id)
            .exec();
      }
      index_name_keys(a.dossier_id, a.full_name);
    }
    return {};
  });
}

Result<void> Repository::insert_result_collection(const ResultCollection& c) {
  return guarded("recording who received the result", [&]() -> Result<void> {
    query(
        "INSERT INTO result_collections(dossier_id, collected_at, officer, recipient_kind, "
        "recipient_name, recipient_id_number) VALUES (?, ?, ?, ?, ?, ?)",
        c.dossier_id, c.collected_at, c.officer, c.recipient_kind, c.recipient_name,
        c.recipient_id_number)
        .exec();
    return {};
  });
}

Result<std::optional<ResultCollection>> Repository::result_collection_of(Id dossier_id) {
  return guarded("reading who received the result",
                 [&]() -> Result<std::optional<ResultCollection>> {
                   auto& s = query(
                       "SELECT dossier_id, collected_at, officer, recipient_kind, recipient_name, "
                       "recipient_id_number FROM result_collections WHERE dossier_id = ?",
                       dossier_id);
                   return read_one(s, "result_collections", [](RowReader& r) {
                     ResultCollection c;
                     c.dossier_id = r.next<Id>();
                     c.collected_at = r.next<Timestamp>();
                     c.officer = r.next<std::string>();
                     c.recipient_kind = r.next<RecipientKind>();
                     c.recipient_name = r.next<std::string>();
                     c.recipient_id_number = r.next<std::string>();
                     return c;
                   });
                 });
}

Result<Id> Repository::insert_fee_receipt(const FeeReceipt& f) {
  return guarded("recording a fee receipt", [&]() -> Result<Id> {
    return returned_int(query(
        "INSERT INTO fee_receipts(dossier_id, amount_vnd, payer, receipt_number, method, paid_at, "
        "recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        f.dossier_id, f.amount_vnd, f.payer, f.receipt_number, f.method, f.paid_at, f.recorded_by));
  });
}

Result<std::vector<FeeReceipt>> Repository::fee_receipts_of(Id dossier_id) {
  return guarded("reading a dossier's fee receipts", [&]() -> Result<std::vector<FeeReceipt>> {
    auto& s = query(
        "SELECT id, dossier_id, amount_vnd, payer, receipt_number, method, paid_at, recorded_by "
        "FROM fee_receipts WHERE dossier_id = ? ORDER BY paid_at, id",
        dossier_id);
    return read_all(s, "fee_receipts", [](RowReader& r) {
      FeeReceipt f;
      f.id = r.id();
      f.dossier_id = r.next<Id>();
      f.amount_vnd = r.next<std::int64_t>();
      f.payer = r.next<std::string>();
      f.receipt_number = r.next<std::string>();
      f.method = r.next<PaymentMethod>();
      f.paid_at = r.next<Timestamp>();
      f.recorded_by = r.next<std::string>();
      return f;
    });
  });
}

Result<Id> Repository::insert_unit_handover(const UnitHandover& h) {
  return guarded("recording a handover between units", [&]() -> Result<Id> {
    return insert(
        "INSERT INTO unit_handovers(dossier_id, at, from_unit, from_person, to_unit, to_person, "
        "note, actor, back_to_desk, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        h.dossier_id, h.at, h.from_unit, h.from_person, h.to_unit, h.to_person, h.note, h.actor,
        h.back_to_desk, h.due_at);
  });
}

namespace {

constexpr const char* k_handover_columns =
    "SELECT h.id, h.dossier_id, h.at, h.from_unit, h.from_person, h.to_unit, h.to_person, h.note, "
    "h.actor, h.back_to_desk, h.due_at FROM unit_handovers h ";

UnitHandover read_handover(RowReader& r) {
  UnitHandover h;
  h.id = r.id();
  h.dossier_id = r.next<Id>();
  h.at = r.next<Timestamp>();
  h.from_unit = r.next<std::string>();
  h.from_person = r.next<std::string>();
  h.to_unit = r.next<std::string>();
  h.to_person = r.next<std::string>();
  h.note = r.next<std::string>();
  h.actor = r.next<std::string>();
  h.back_to_desk = r.next<bool>();
  h.due_at = r.next<std::optional<Timestamp>>();
  return h;
}

}  // namespace

Result<std::vector<UnitHandover>> Repository::unit_handovers_of(Id dossier_id) {
  return guarded("reading the handovers between units", [&]() -> Result<std::vector<UnitHandover>> {
    // Statics: the statement cache keys on the text's address.
    static const std::string k_sql =
        std::string(k_handover_columns) + "WHERE h.dossier_id = ? ORDER BY h.at, h.id";
    auto& s = query(k_sql.c_str(), dossier_id);
    return read_all(s, "unit_handovers", read_handover);
  });
}

// docs/domain.md §1.4a: a unit is late when the dossier is still with it after its deadline, i.e.
// its handover is the dossier's latest.
Result<std::vector<UnitHandover>> Repository::unit_handovers_due_before(Timestamp before) {
  return guarded("reading the handovers past their deadline",
                 [&]() -> Result<std::vector<UnitHandover>> {
                   static const std::string k_sql =
                       std::string(k_handover_columns) +
                       "WHERE h.due_at IS NOT NULL AND h.due_at < ? AND h.back_to_desk = 0 "
                       "AND NOT EXISTS (SELECT 1 FROM unit_handovers later WHERE "
                       "later.dossier_id = h.dossier_id AND (later.at > h.at OR (later.at = "
                       "h.at AND later.id > h.id))) ORDER BY h.due_at, h.id";
                   auto& s = query(k_sql.c_str(), before);
                   return read_all(s, "unit_handovers", read_handover);
                 });
}

Result<std::optional<Applicant>> Repository::applicant_of(Id dossier_id) {
  return guarded("reading the applicant", [&]() -> Result<std::optional<Applicant>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_applicant_columns, " FROM applicants WHERE dossier_id = ?");
    return read_one(query(k_sql.data(), dossier_id), "applicants", read_applicant);
  });
}

}  // namespace db::detail
