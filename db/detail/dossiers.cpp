// Dossiers, the per-agency per-day sequence behind their codes, and their applicants.
#include <fmt/ranges.h>

#include <variant>

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
    if (f.ids) {
      // Numbers only: safe to write into the statement.
      where.push_back(f.ids->empty() ? std::string("FALSE")
                                     : fmt::format("d.id IN ({})", fmt::join(*f.ids, ",")));
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
    return insert(
        "INSERT INTO applicants(dossier_id, id_number, old_id_number, full_name, birth_date, "
        "sex, address, issue_date, source, phone, return_address) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        a.dossier_id, a.id_number, a.old_id_number, a.full_name, a.birth_date, a.sex, a.address,
        a.issue_date, a.source, a.phone, a.return_address);
  });
}

Result<void> Repository::update_applicant(const Applicant& a) {
  return guarded("saving the applicant", [&]() -> Result<void> {
    auto& s = query(
        "UPDATE applicants SET id_number = ?, old_id_number = ?, full_name = ?, birth_date = ?, "
        "sex = ?, address = ?, issue_date = ?, source = ?, phone = ?, return_address = ? "
        "WHERE dossier_id = ?",
        a.id_number, a.old_id_number, a.full_name, a.birth_date, a.sex, a.address, a.issue_date,
        a.source, a.phone, a.return_address, a.dossier_id);
    if (s.exec() == 0) {
      return make_error(ErrorCode::not_found,
                        fmt::format("dossier #{} has no applicant to update", a.dossier_id));
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
