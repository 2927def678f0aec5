// The desk's reference data and history: settings, agencies, procedures, the calendar of days
// off, the append-only event log, and the counts shown by `hoso` status lines.
#include "db/detail/repository.hpp"

namespace db::detail {
namespace {

using common::Result;

constexpr char k_agency_columns[] = "id, code, name";

Agency read_agency(RowReader& r) {
  Agency a;
  a.id = r.id();
  a.code = r.next<std::string>();
  a.name = r.next<std::string>();
  return a;
}

constexpr char k_procedure_columns[] =
    "id, code, version, name, field, time_amount, time_unit, effective_from, fee_vnd, "
    "fees_pause_clock, competent_level, competent_unit";

Procedure read_procedure(RowReader& r) {
  Procedure p;
  p.id = r.id();
  p.code = r.next<std::string>();
  p.version = r.next<int>();
  p.name = r.next<std::string>();
  p.field = r.next<std::string>();
  p.time_amount = r.next<int>();
  p.time_unit = r.next<TimeUnit>();
  p.effective_from = r.next<Date>();
  p.fee_vnd = r.next<std::int64_t>();
  p.fees_pause_clock = r.next<int>() != 0;
  p.competent_level = r.next<std::string>();
  p.competent_unit = r.next<std::string>();
  return p;
}

constexpr char k_calendar_columns[] = "day, kind, name";

CalendarDay read_calendar_day(RowReader& r) {
  CalendarDay day;
  day.date = r.key<Date>();
  day.kind = r.next<DayKind>();
  day.name = r.next<std::string>();
  return day;
}

constexpr char k_event_columns[] = "id, at, actor, entity, entity_id, action, reason, data";

Event read_event(RowReader& r) {
  Event e;
  e.id = r.id();
  e.at = r.next<Timestamp>();
  e.actor = r.next<std::string>();
  e.entity = r.next<std::string>();
  e.entity_id = r.next<Id>();
  e.action = r.next<EventKind>();
  e.reason = r.next<std::string>();
  e.data = r.next<std::string>();
  return e;
}

}  // namespace

Result<std::optional<std::string>> Repository::setting(const std::string& key) {
  return guarded("reading a setting", [&]() -> Result<std::optional<std::string>> {
    auto& s = query("SELECT value FROM settings WHERE key = ?", key);
    return read_one(s, "settings", [](RowReader& r) { return r.next<std::string>(); });
  });
}

Result<int> Repository::stored_schema_version() {
  return guarded("reading the schema version",
                 [&]() -> Result<int> { return c_.stored_schema_version(); });
}

Result<void> Repository::set_setting(const std::string& key, const std::string& value) {
  return guarded("writing a setting", [&]() -> Result<void> {
    query(
        "INSERT INTO settings(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        key, value)
        .exec();
    return {};
  });
}

Result<Id> Repository::upsert_agency(const Agency& agency) {
  return guarded("saving an agency", [&]() -> Result<Id> {
    return returned_int(
        query("INSERT INTO agencies(code, name) VALUES (?, ?) "
              "ON CONFLICT(code) DO UPDATE SET name = excluded.name RETURNING id",
              agency.code, agency.name));
  });
}

Result<std::optional<Agency>> Repository::find_agency(const std::string& code) {
  return guarded("reading an agency", [&]() -> Result<std::optional<Agency>> {
    static constexpr auto k_sql = sql("SELECT ", k_agency_columns, " FROM agencies WHERE code = ?");
    return read_one(query(k_sql.data(), code), "agencies", read_agency);
  });
}

Result<std::optional<Agency>> Repository::get_agency(Id id) {
  return guarded("reading an agency", [&]() -> Result<std::optional<Agency>> {
    static constexpr auto k_sql = sql("SELECT ", k_agency_columns, " FROM agencies WHERE id = ?");
    return read_one(query(k_sql.data(), id), "agencies", read_agency);
  });
}

Result<Id> Repository::upsert_procedure(const Procedure& p) {
  return guarded("saving a procedure", [&]() -> Result<Id> {
    return returned_int(query(
        "INSERT INTO procedures(code, version, name, field, time_amount, time_unit, "
        "effective_from, fee_vnd, fees_pause_clock, competent_level, competent_unit) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(code, version) DO UPDATE SET name = excluded.name, field = excluded.field, "
        "time_amount = excluded.time_amount, time_unit = excluded.time_unit, "
        "effective_from = excluded.effective_from, fee_vnd = excluded.fee_vnd, "
        "fees_pause_clock = excluded.fees_pause_clock, competent_level = excluded.competent_level, "
        "competent_unit = excluded.competent_unit RETURNING id",
        p.code, p.version, p.name, p.field, p.time_amount, p.time_unit, p.effective_from, p.fee_vnd,
        p.fees_pause_clock ? 1 : 0, p.competent_level, p.competent_unit));
  });
}

Result<std::vector<Procedure>> Repository::list_procedures() {
  return guarded("listing procedures", [&]() -> Result<std::vector<Procedure>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_procedure_columns, " FROM procedures ORDER BY field, code, version");
    return read_all(query(k_sql.data()), "procedures", read_procedure);
  });
}

Result<std::optional<Procedure>> Repository::get_procedure(Id id) {
  return guarded("reading a procedure", [&]() -> Result<std::optional<Procedure>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_procedure_columns, " FROM procedures WHERE id = ?");
    return read_one(query(k_sql.data(), id), "procedures", read_procedure);
  });
}

Result<void> Repository::put_calendar_day(const CalendarDay& day) {
  return guarded("saving a calendar day", [&]() -> Result<void> {
    query(
        "INSERT INTO calendar_days(day, kind, name) VALUES (?, ?, ?) "
        "ON CONFLICT(day) DO UPDATE SET kind = excluded.kind, name = excluded.name",
        day.date, day.kind, day.name)
        .exec();
    return {};
  });
}

Result<bool> Repository::remove_calendar_day(Date date) {
  return guarded("removing a calendar day", [&]() -> Result<bool> {
    return query("DELETE FROM calendar_days WHERE day = ?", date).exec() > 0;
  });
}

Result<std::vector<CalendarDay>> Repository::list_calendar_days() {
  return guarded("reading the calendar", [&]() -> Result<std::vector<CalendarDay>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_calendar_columns, " FROM calendar_days ORDER BY day");
    return read_all(query(k_sql.data()), "calendar_days", read_calendar_day);
  });
}

Result<Id> Repository::append_event(const Event& e) {
  return guarded("recording the event", [&]() -> Result<Id> {
    return insert(
        "INSERT INTO events(at, actor, entity, entity_id, action, reason, data) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        e.at, e.actor, e.entity, e.entity_id, e.action, e.reason,
        e.data.empty() ? std::string_view("{}") : std::string_view(e.data));
  });
}

Result<std::vector<Event>> Repository::events_of(const std::string& entity, Id entity_id) {
  return guarded("reading the history", [&]() -> Result<std::vector<Event>> {
    static constexpr auto k_sql = sql(
        "SELECT ", k_event_columns, " FROM events WHERE entity = ? AND entity_id = ? ORDER BY id");
    return read_all(query(k_sql.data(), entity, entity_id), "events", read_event);
  });
}

Result<Counts> Repository::counts() {
  return guarded("counting records", [&]() -> Result<Counts> {
    auto& s = query(
        "SELECT (SELECT count(*) FROM dossiers), (SELECT count(*) FROM scans), "
        "(SELECT count(*) FROM shipments), "
        "(SELECT count(*) FROM manual_queue WHERE status = 'open'), "
        "(SELECT count(*) FROM events)");
    s.step();
    RowReader r(s, "counts");
    Counts c;
    c.dossiers = r.next<std::int64_t>();
    c.scans = r.next<std::int64_t>();
    c.shipments = r.next<std::int64_t>();
    c.manual_open = r.next<std::int64_t>();
    c.events = r.next<std::int64_t>();
    return c;
  });
}

}  // namespace db::detail
