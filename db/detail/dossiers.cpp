// Dossiers, the per-agency per-day sequence behind their codes, and their applicants.
#include <fmt/ranges.h>

#include <algorithm>
#include <iterator>
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
    "d.created_at, d.updated_at, d.clock_started_at";

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
  return d;
}

// A prefix's stored words are the keys from the prefix up to the prefix followed by U+10FFFF, the
// last code point (a noncharacter, never part of a word): a range of the index, in bytes.
constexpr std::string_view k_after_every_word = "\xF4\x8F\xBF\xBF";

// The dossiers a prefix may pick out by the index before the list is read in order instead: a
// name search costs at most this many row reads, however large the registry.
constexpr std::int64_t k_name_candidates = 2000;

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

std::vector<std::string> name_words_of(std::string_view full_name) {
  std::vector<std::string> words = common::search_words(full_name);
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  return words;
}

struct Repository::NameSearch {
  bool none = false;                          // a prefix starts no stored word: no dossier matches
  std::optional<std::vector<Id>> candidates;  // the rarest prefix's dossiers, when few enough
  std::vector<std::string> checked;           // the prefixes each dossier is still checked for
};

Repository::NameSearch Repository::plan_name_search(const std::vector<std::string>& prefixes) {
  NameSearch plan;
  std::optional<std::size_t> rarest;
  std::int64_t fewest = 0;
  for (std::size_t i = 0; i < prefixes.size(); ++i) {
    const std::string& prefix = prefixes[i];
    auto& count = query(
        "SELECT COUNT(*) FROM (SELECT 1 FROM applicant_name_words WHERE word >= ? AND word < ? "
        "LIMIT ?) AS found",
        prefix, prefix + std::string(k_after_every_word), k_name_candidates + 1);
    const std::int64_t n = count.step() ? count.column_int(0) : 0;
    count.reset();
    if (n == 0) {
      plan.none = true;
      return plan;
    }
    if (n <= k_name_candidates && (!rarest || n < fewest)) {
      rarest = i;
      fewest = n;
    }
  }
  for (std::size_t i = 0; i < prefixes.size(); ++i) {
    if (!rarest || i != *rarest) plan.checked.push_back(prefixes[i]);
  }
  if (rarest) {
    const std::string& prefix = prefixes[*rarest];
    auto& s = query(
        "SELECT dossier_id FROM applicant_name_words WHERE word >= ? AND word < ? "
        "ORDER BY dossier_id",
        prefix, prefix + std::string(k_after_every_word));
    std::vector<Id> ids;
    while (s.step()) ids.push_back(s.column_int(0));
    s.reset();
    // A name with two words of the prefix ("Nguyễn Nguyệt", "nguy") is listed twice.
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    plan.candidates = std::move(ids);
  }
  return plan;
}

void Repository::index_name_words(Id dossier_id, const std::string& search_name) {
  for (const std::string& word : name_words_of(search_name)) {
    query(
        "INSERT INTO applicant_name_words(word, dossier_id) VALUES (?, ?) "
        "ON CONFLICT DO NOTHING",
        word, dossier_id)
        .exec();
  }
}

Result<Id> Repository::insert_dossier(const Dossier& d) {
  return guarded("registering a dossier", [&]() -> Result<Id> {
    return insert(
        "INSERT INTO dossiers(code, agency_id, procedure_id, procedure_version, channel, state, "
        "national_status, filed_at, due_at, lookup_code, supplement_count, reappointed, "
        "portal_code, created_at, updated_at, clock_started_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        d.code, d.agency_id, d.procedure_id, d.procedure_version, d.channel, d.state,
        national_status_code(d.state), d.filed_at, d.due_at, d.lookup_code, d.supplement_count,
        d.reappointed, d.portal_code, d.created_at, d.updated_at, d.clock_started_at);
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

Result<std::vector<Dossier>> Repository::list_dossiers(const DossierFilter& f) {
  return guarded("listing dossiers", [&]() -> Result<std::vector<Dossier>> {
    // Built per call: the filter decides the clauses. Values are always bound, never spliced,
    // and each clause's values are kept in the order of its placeholders.
    std::string sql_text = fmt::format("SELECT {} FROM dossiers d", k_dossier_columns);
    std::vector<std::string> where;
    std::vector<std::variant<std::int64_t, std::string>> values;
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
    if (f.due_before) {
      where.emplace_back("d.due_at IS NOT NULL AND d.due_at < ?");
      values.emplace_back(f.due_before->time_since_epoch().count());
    }
    std::optional<std::vector<Id>> ids = f.ids;
    if (!f.name_words.empty()) {
      NameSearch names = plan_name_search(f.name_words);
      if (names.none) return std::vector<Dossier>{};
      if (names.candidates) {
        if (ids) {
          std::vector<Id> wanted = *ids;
          std::sort(wanted.begin(), wanted.end());
          std::vector<Id> both;
          std::set_intersection(wanted.begin(), wanted.end(), names.candidates->begin(),
                                names.candidates->end(), std::back_inserter(both));
          ids = std::move(both);
        } else {
          ids = std::move(names.candidates);
        }
      }
      // The other prefixes on the folded name, per dossier (a primary-key read of its
      // applicant), so the dossiers are still read in the list's order and stop at the limit.
      for (const std::string& prefix : names.checked) {
        where.emplace_back(
            "EXISTS (SELECT 1 FROM applicants a WHERE a.dossier_id = d.id AND "
            "(' ' || a.search_name) LIKE ? ESCAPE '\\')");
        values.emplace_back("% " + like_escaped(prefix) + "%");
      }
    }
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
    sql_text += f.newest_first ? " ORDER BY d.filed_at DESC, d.id DESC LIMIT ?"
                               : " ORDER BY d.filed_at, d.id LIMIT ?";
    values.emplace_back(std::int64_t{f.limit});
    auto s = c_.prepare_once(sql_text);
    int index = 0;
    for (const auto& value : values) {
      std::visit([&](const auto& v) { bind_value(*s, ++index, v); }, value);
    }
    return read_all(*s, "dossiers", read_dossier);
  });
}

Result<void> Repository::update_dossier(const Dossier& d) {
  return guarded(fmt::format("updating dossier #{}", d.id), [&]() -> Result<void> {
    auto& s = query(
        "UPDATE dossiers SET code = ?, procedure_id = ?, procedure_version = ?, state = ?, "
        "national_status = ?, due_at = ?, supplement_count = ?, reappointed = ?, "
        "updated_at = ?, clock_started_at = ? WHERE id = ?",
        d.code, d.procedure_id, d.procedure_version, d.state, national_status_code(d.state),
        d.due_at, d.supplement_count, d.reappointed, d.updated_at, d.clock_started_at, d.id);
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

Result<Id> Repository::insert_applicant(const Applicant& a) {
  return guarded("saving the applicant", [&]() -> Result<Id> {
    const std::string search_name = search_name_of(a.full_name);
    const Id id = insert(
        "INSERT INTO applicants(dossier_id, id_number, old_id_number, full_name, birth_date, "
        "sex, address, issue_date, source, phone, return_address, search_name) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        a.dossier_id, a.id_number, a.old_id_number, a.full_name, a.birth_date, a.sex, a.address,
        a.issue_date, a.source, a.phone, a.return_address, search_name);
    index_name_words(a.dossier_id, search_name);
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
      for (const std::string& word : name_words_of(old_search_name)) {
        query("DELETE FROM applicant_name_words WHERE word = ? AND dossier_id = ?", word,
              a.dossier_id)
            .exec();
      }
      index_name_words(a.dossier_id, search_name);
    }
    return {};
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
