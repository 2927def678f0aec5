// The SQLite Store. The repositories (the SQL and the mapping of rows to records) are written
// against detail::Connection (db/detail/engine.hpp), so another engine can reuse them; the SQLite
// engine below owns the rest: connections (one writing connection per Store, guarded by a mutex,
// and up to eight reading connections: in WAL mode readers see the last commit and never wait for
// the writer), pragmas, migrations and transactions. Writers take the database lock up front
// (BEGIN IMMEDIATE) so a unit of work's reads and writes are not interleaved with another
// process's. SQLite::Exception never leaves this file: a statement's becomes a DatabaseError, the
// rest a Result.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <condition_variable>
#include <mutex>
#include <unordered_map>
#include <variant>

#include "db/detail/engine.hpp"
#include "db/detail/repository.hpp"
#include "db/detail/schema.hpp"
#include "db/store.hpp"

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
    "id, code, version, name, field, time_amount, time_unit, effective_from";

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
  e.action = r.next<std::string>();
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
        "effective_from) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(code, version) DO UPDATE SET name = excluded.name, field = excluded.field, "
        "time_amount = excluded.time_amount, time_unit = excluded.time_unit, "
        "effective_from = excluded.effective_from RETURNING id",
        p.code, p.version, p.name, p.field, p.time_amount, p.time_unit, p.effective_from));
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
    return returned_int(
        query("INSERT INTO events(at, actor, entity, entity_id, action, reason, data) "
              "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
              e.at, e.actor, e.entity, e.entity_id, e.action, e.reason,
              e.data.empty() ? std::string_view("{}") : std::string_view(e.data)));
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

namespace db::detail {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;

constexpr char k_shipment_columns[] =
    "id, carrier, tracking_number, year, direction, status, dossier_id, first_seen_at, "
    "updated_at, synced_at, last_event_at, order_code, carrier_order_id";

Shipment read_shipment(RowReader& r) {
  Shipment sh;
  sh.id = r.id();
  sh.carrier = r.next<std::string>();
  sh.tracking_number = r.next<std::string>();
  sh.year = r.next<int>();
  sh.direction = r.next<Direction>();
  sh.status = r.next<std::string>();
  sh.dossier_id = r.next<std::optional<Id>>();
  sh.first_seen_at = r.next<Timestamp>();
  sh.updated_at = r.next<Timestamp>();
  sh.synced_at = r.next<std::optional<Timestamp>>();
  sh.last_event_at = r.next<std::optional<Timestamp>>();
  sh.order_code = r.next<std::string>();
  sh.carrier_order_id = r.next<std::string>();
  return sh;
}

constexpr char k_carrier_event_columns[] =
    "id, shipment_id, event_key, occurred_at, carrier_code, status, location_code, location, "
    "description, source, recorded_at";

CarrierEvent read_carrier_event(RowReader& r) {
  CarrierEvent e;
  e.id = r.id();
  e.shipment_id = r.next<Id>();
  e.key = r.next<std::string>();
  e.occurred_at = r.next<Timestamp>();
  e.carrier_code = r.next<std::string>();
  e.status = r.next<std::string>();
  e.location_code = r.next<std::string>();
  e.location = r.next<std::string>();
  e.description = r.next<std::string>();
  e.source = r.next<EventSource>();
  e.recorded_at = r.next<Timestamp>();
  return e;
}

constexpr char k_return_order_columns[] =
    "id, dossier_id, carrier, order_code, receiver_fingerprint, state, created_at, closed_at";

ReturnOrder read_return_order(RowReader& r) {
  ReturnOrder o;
  o.id = r.id();
  o.dossier_id = r.next<Id>();
  o.carrier = r.next<std::string>();
  o.order_code = r.next<std::string>();
  o.receiver_fingerprint = r.next<std::string>();
  o.state = r.next<ReturnOrderState>();
  o.created_at = r.next<Timestamp>();
  o.closed_at = r.next<std::optional<Timestamp>>();
  return o;
}

}  // namespace

Result<std::optional<Shipment>> Repository::find_shipment(const std::string& tracking_number,
                                                          Direction direction,
                                                          Timestamp not_before) {
  return guarded("looking up a shipment", [&]() -> Result<std::optional<Shipment>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_shipment_columns,
            " FROM shipments WHERE tracking_number = ? AND direction = ? AND first_seen_at >= ? "
            "ORDER BY first_seen_at DESC LIMIT 1");
    return read_one(query(k_sql.data(), tracking_number, direction, not_before), "shipments",
                    read_shipment);
  });
}

Result<std::optional<Shipment>> Repository::get_shipment(Id id) {
  return guarded("reading a shipment", [&]() -> Result<std::optional<Shipment>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_shipment_columns, " FROM shipments WHERE id = ?");
    return read_one(query(k_sql.data(), id), "shipments", read_shipment);
  });
}

Result<std::optional<Shipment>> Repository::find_shipment_by_order(const std::string& carrier,
                                                                   const std::string& order_code) {
  return guarded("reading a shipment", [&]() -> Result<std::optional<Shipment>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_shipment_columns,
            " FROM shipments WHERE carrier = ? AND order_code = ? AND order_code <> ''");
    return read_one(query(k_sql.data(), carrier, order_code), "shipments", read_shipment);
  });
}

Result<std::vector<Shipment>> Repository::shipments_of(Id dossier_id) {
  return guarded("reading shipments", [&]() -> Result<std::vector<Shipment>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_shipment_columns, " FROM shipments WHERE dossier_id = ? ORDER BY id");
    return read_all(query(k_sql.data(), dossier_id), "shipments", read_shipment);
  });
}

Result<Id> Repository::insert_shipment(const Shipment& sh) {
  return guarded(fmt::format("registering shipment {}", sh.tracking_number), [&]() -> Result<Id> {
    return returned_int(query(
        "INSERT INTO shipments(carrier, tracking_number, year, direction, status, dossier_id, "
        "first_seen_at, updated_at, order_code, carrier_order_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        sh.carrier, sh.tracking_number, sh.year, sh.direction, sh.status, sh.dossier_id,
        sh.first_seen_at, sh.updated_at, sh.order_code, sh.carrier_order_id));
  });
}

Result<std::vector<Shipment>> Repository::shipments_to_sync(const std::string& carrier,
                                                            Timestamp not_before, int limit) {
  return guarded(
      "listing shipments to ask the carrier about", [&]() -> Result<std::vector<Shipment>> {
        // The final statuses of DOMAIN.md §7: the carrier will not move these again.
        static constexpr auto k_sql =
            sql("SELECT ", k_shipment_columns,
                " FROM shipments WHERE carrier = ? AND first_seen_at >= ? AND "
                "(synced_at IS NULL OR status NOT IN ('delivered', 'returned', 'cancelled')) "
                "ORDER BY coalesce(synced_at, 0), id LIMIT ?");
        return read_all(query(k_sql.data(), carrier, not_before, limit), "shipments",
                        read_shipment);
      });
}

Result<void> Repository::update_shipment_tracking(Id shipment_id, const std::string& status,
                                                  std::optional<Timestamp> last_event_at,
                                                  Timestamp synced_at) {
  return guarded(fmt::format("updating shipment #{}", shipment_id), [&]() -> Result<void> {
    auto& s = query(
        "UPDATE shipments SET status = ?, last_event_at = ?, synced_at = ?, "
        "updated_at = CASE WHEN status = ? THEN updated_at ELSE ? END WHERE id = ?",
        status, last_event_at, synced_at, status, synced_at, shipment_id);
    if (s.exec() != 1) {
      return make_error(ErrorCode::not_found, fmt::format("no shipment #{}", shipment_id));
    }
    return {};
  });
}

Result<bool> Repository::add_carrier_event(const CarrierEvent& e) {
  return guarded(fmt::format("recording a carrier event of shipment #{}", e.shipment_id),
                 [&]() -> Result<bool> {
                   auto& s = query(
                       "INSERT INTO carrier_events(shipment_id, event_key, occurred_at, "
                       "carrier_code, status, location_code, location, description, source, "
                       "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT(shipment_id, event_key) DO NOTHING",
                       e.shipment_id, e.key, e.occurred_at, e.carrier_code, e.status,
                       e.location_code, e.location, e.description, e.source, e.recorded_at);
                   return s.exec() == 1;
                 });
}

Result<std::vector<CarrierEvent>> Repository::carrier_events_of(Id shipment_id) {
  return guarded("reading carrier events", [&]() -> Result<std::vector<CarrierEvent>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_carrier_event_columns,
            " FROM carrier_events WHERE shipment_id = ? ORDER BY occurred_at, id");
    return read_all(query(k_sql.data(), shipment_id), "carrier_events", read_carrier_event);
  });
}

Result<Id> Repository::insert_return_order(const ReturnOrder& o) {
  return guarded("saving a return order", [&]() -> Result<Id> {
    return returned_int(
        query("INSERT INTO return_orders(dossier_id, carrier, order_code, receiver_fingerprint, "
              "state, created_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
              o.dossier_id, o.carrier, o.order_code, o.receiver_fingerprint, o.state, o.created_at,
              o.closed_at));
  });
}

Result<std::vector<ReturnOrder>> Repository::return_orders_of(Id dossier_id) {
  return guarded("reading return orders", [&]() -> Result<std::vector<ReturnOrder>> {
    static constexpr auto k_sql = sql("SELECT ", k_return_order_columns,
                                      " FROM return_orders WHERE dossier_id = ? ORDER BY id");
    return read_all(query(k_sql.data(), dossier_id), "return_orders", read_return_order);
  });
}

Result<void> Repository::close_return_order(Id id, ReturnOrderState state, Timestamp at) {
  return guarded("closing a return order", [&]() -> Result<void> {
    auto& s =
        query("UPDATE return_orders SET state = ?, closed_at = ? WHERE id = ?", state, at, id);
    if (s.exec() == 0) {
      return make_error(ErrorCode::not_found, fmt::format("no return order #{}", id));
    }
    return {};
  });
}

}  // namespace db::detail

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
    return returned_int(query(
        "INSERT INTO dossiers(code, agency_id, procedure_id, procedure_version, channel, state, "
        "national_status, filed_at, due_at, lookup_code, supplement_count, reappointed, "
        "portal_code, created_at, updated_at, clock_started_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        d.code, d.agency_id, d.procedure_id, d.procedure_version, d.channel, d.state,
        national_status_code(d.state), d.filed_at, d.due_at, d.lookup_code, d.supplement_count,
        d.reappointed, d.portal_code, d.created_at, d.updated_at, d.clock_started_at));
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
    return returned_int(
        query("INSERT INTO applicants(dossier_id, id_number, old_id_number, full_name, birth_date, "
              "sex, address, issue_date, source, phone, return_address) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
              a.dossier_id, a.id_number, a.old_id_number, a.full_name, a.birth_date, a.sex,
              a.address, a.issue_date, a.source, a.phone, a.return_address));
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

namespace db::detail {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;

constexpr char k_scan_columns[] =
    "id, scanned_at, station, source_name, image_hash, image_type, page, scan_error, batch_id, "
    "shipment_id, dossier_id, outcome, idempotency_key";

Scan read_scan(RowReader& r) {
  Scan scan;
  scan.id = r.id();
  scan.scanned_at = r.next<Timestamp>();
  scan.station = r.next<std::string>();
  scan.source_name = r.next<std::string>();
  scan.image_hash = r.next<std::string>();
  scan.image_type = r.next<std::string>();
  scan.page = r.next<int>();
  scan.scan_error = r.next<std::string>();
  scan.batch_id = r.next<std::optional<Id>>();
  scan.shipment_id = r.next<std::optional<Id>>();
  scan.dossier_id = r.next<std::optional<Id>>();
  scan.outcome = r.next<ScanOutcome>();
  scan.idempotency_key = r.next<std::optional<std::string>>().value_or("");
  return scan;
}

constexpr char k_scan_code_columns[] = "seq, format, kind, text, tracking_number, problem";

ScanCode read_scan_code(RowReader& r) {
  ScanCode c;
  c.seq = r.next<int>();
  c.format = r.next<std::string>();
  c.kind = r.next<std::string>();
  c.text = r.next<std::string>();
  c.tracking_number = r.next<std::string>();
  c.problem = r.next<std::string>();
  return c;
}

// Qualified: find_open_manual_by_image joins scans, whose columns share some of these names.
constexpr char k_manual_columns[] =
    "m.id, m.scan_id, m.reason_code, m.reason, m.status, m.created_at, m.resolved_at, "
    "m.resolved_by, m.dossier_id";

ManualItem read_manual(RowReader& r) {
  ManualItem m;
  m.id = r.id();
  m.scan_id = r.next<Id>();
  m.reason_code = r.next<std::string>();
  m.reason = r.next<std::string>();
  m.status = r.next<ManualStatus>();
  m.created_at = r.next<Timestamp>();
  m.resolved_at = r.next<std::optional<Timestamp>>();
  m.resolved_by = r.next<std::string>();
  m.dossier_id = r.next<std::optional<Id>>();
  return m;
}

constexpr char k_batch_columns[] = "id, name, carrier, handed_over_at, received_by";

Batch read_batch_row(RowReader& r) {
  Batch b;
  b.id = r.id();
  b.name = r.next<std::string>();
  b.carrier = r.next<std::string>();
  b.handed_over_at = r.next<Timestamp>();
  b.received_by = r.next<std::string>();
  return b;
}

}  // namespace

Result<Id> Repository::insert_scan(const Scan& scan) {
  return guarded("saving the scan", [&]() -> Result<Id> {
    const Id id = returned_int(
        query("INSERT INTO scans(scanned_at, station, source_name, image_hash, image_type, page, "
              "scan_error, batch_id, shipment_id, dossier_id, outcome, idempotency_key) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
              scan.scanned_at, scan.station, scan.source_name, scan.image_hash, scan.image_type,
              scan.page, scan.scan_error, scan.batch_id, scan.shipment_id, scan.dossier_id,
              scan.outcome, null_if_empty(scan.idempotency_key)));
    auto& code = c_.prepare(
        "INSERT INTO scan_codes(scan_id, seq, format, kind, text, tracking_number, problem) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    for (const ScanCode& c : scan.codes) {
      code.reset();
      bind_all(code, id, c.seq, c.format, c.kind, c.text, c.tracking_number, c.problem);
      code.exec();
    }
    return id;
  });
}

std::vector<ScanCode> Repository::codes_of(Id scan_id) {
  static constexpr auto k_sql =
      sql("SELECT ", k_scan_code_columns, " FROM scan_codes WHERE scan_id = ? ORDER BY seq");
  return read_all(query(k_sql.data(), scan_id), "scan_codes", read_scan_code);
}

std::vector<Scan> Repository::read_scans(Statement& s) {
  // Every scan first, then their codes: the codes' statement must not run inside the scans'.
  std::vector<Scan> out = read_all(s, "scans", read_scan);
  for (Scan& scan : out) scan.codes = codes_of(scan.id);
  return out;
}

Result<std::optional<Scan>> Repository::get_scan(Id id) {
  return guarded("reading a scan", [&]() -> Result<std::optional<Scan>> {
    static constexpr auto k_sql = sql("SELECT ", k_scan_columns, " FROM scans WHERE id = ?");
    auto scans = read_scans(query(k_sql.data(), id));
    if (scans.empty()) return std::optional<Scan>{};
    return std::optional<Scan>{std::move(scans.front())};
  });
}

Result<std::optional<Scan>> Repository::find_scan_by_key(const std::string& key) {
  return guarded("reading a scan", [&]() -> Result<std::optional<Scan>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_scan_columns, " FROM scans WHERE idempotency_key = ?");
    auto scans = read_scans(query(k_sql.data(), key));
    if (scans.empty()) return std::optional<Scan>{};
    return std::optional<Scan>{std::move(scans.front())};
  });
}

Result<std::vector<Scan>> Repository::scans_of(Id dossier_id) {
  return guarded("reading scans", [&]() -> Result<std::vector<Scan>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_scan_columns, " FROM scans WHERE dossier_id = ? ORDER BY id");
    return read_scans(query(k_sql.data(), dossier_id));
  });
}

Result<std::vector<Scan>> Repository::scans_of_batch(Id batch_id) {
  return guarded("reading scans", [&]() -> Result<std::vector<Scan>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_scan_columns, " FROM scans WHERE batch_id = ? ORDER BY id");
    return read_scans(query(k_sql.data(), batch_id));
  });
}

Result<void> Repository::replace_code_text(Id scan_id, const std::string& kind,
                                           const std::string& text) {
  return guarded("updating scan codes", [&]() -> Result<void> {
    query("UPDATE scan_codes SET text = ? WHERE scan_id = ? AND kind = ?", text, scan_id, kind)
        .exec();
    return {};
  });
}

Result<int> Repository::scan_count(Id dossier_id) {
  return guarded("counting scans", [&]() -> Result<int> {
    return static_cast<int>(
        returned_int(query("SELECT count(*) FROM scans WHERE dossier_id = ?", dossier_id)));
  });
}

Result<void> Repository::update_scan_link(Id scan_id, Id shipment_id, Id dossier_id,
                                          ScanOutcome outcome) {
  return guarded("updating a scan", [&]() -> Result<void> {
    auto& s = query("UPDATE scans SET shipment_id = ?, dossier_id = ?, outcome = ? WHERE id = ?",
                    shipment_id, dossier_id, outcome, scan_id);
    if (s.exec() != 1) return make_error(ErrorCode::not_found, fmt::format("no scan {}", scan_id));
    return {};
  });
}

Result<int> Repository::link_manual_rescans(const std::string& image_hash, int page, Id shipment_id,
                                            Id dossier_id) {
  return guarded("updating scans", [&]() -> Result<int> {
    return query(
               "UPDATE scans SET shipment_id = ?, dossier_id = ?, outcome = 'resolved' "
               "WHERE image_hash = ? AND page = ? AND outcome = 'manual' AND dossier_id IS NULL",
               shipment_id, dossier_id, image_hash, page)
        .exec();
  });
}

Result<Id> Repository::insert_manual(const ManualItem& m) {
  return guarded("adding to the manual queue", [&]() -> Result<Id> {
    return returned_int(
        query("INSERT INTO manual_queue(scan_id, reason_code, reason, status, created_at) "
              "VALUES (?, ?, ?, ?, ?) RETURNING id",
              m.scan_id, m.reason_code, m.reason, m.status, m.created_at));
  });
}

Result<std::optional<ManualItem>> Repository::get_manual(Id id) {
  return guarded("reading the manual queue", [&]() -> Result<std::optional<ManualItem>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_manual_columns, " FROM manual_queue m WHERE m.id = ?");
    return read_one(query(k_sql.data(), id), "manual_queue", read_manual);
  });
}

Result<std::optional<ManualItem>> Repository::find_open_manual_by_image(
    const std::string& image_hash, int page) {
  return guarded("reading the manual queue", [&]() -> Result<std::optional<ManualItem>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_manual_columns,
            " FROM manual_queue m JOIN scans s ON s.id = m.scan_id "
            "WHERE m.status = 'open' AND s.image_hash = ? AND s.page = ? ORDER BY m.id LIMIT 1");
    return read_one(query(k_sql.data(), image_hash, page), "manual_queue", read_manual);
  });
}

Result<std::vector<ManualItem>> Repository::list_manual(std::optional<ManualStatus> status) {
  return guarded("reading the manual queue", [&]() -> Result<std::vector<ManualItem>> {
    static constexpr auto k_all =
        sql("SELECT ", k_manual_columns, " FROM manual_queue m ORDER BY m.id");
    static constexpr auto k_by_status =
        sql("SELECT ", k_manual_columns, " FROM manual_queue m WHERE m.status = ? ORDER BY m.id");
    auto& s = status ? query(k_by_status.data(), *status) : query(k_all.data());
    return read_all(s, "manual_queue", read_manual);
  });
}

Result<void> Repository::close_manual(Id id, ManualStatus status, Timestamp at,
                                      const std::string& by, std::optional<Id> dossier_id) {
  return guarded("closing a manual-queue item", [&]() -> Result<void> {
    auto& s = query(
        "UPDATE manual_queue SET status = ?, resolved_at = ?, resolved_by = ?, dossier_id = ? "
        "WHERE id = ? AND status = 'open'",
        status, at, by, dossier_id, id);
    if (s.exec() != 1) {
      return make_error(ErrorCode::not_found,
                        fmt::format("manual-queue item {} is not open (or does not exist)", id));
    }
    return {};
  });
}

Result<Id> Repository::insert_batch(const Batch& b) {
  return guarded(fmt::format("saving handover batch '{}'", b.name), [&]() -> Result<Id> {
    const Id id = returned_int(
        query("INSERT INTO batches(name, carrier, handed_over_at, received_by) VALUES (?, ?, ?, ?) "
              "RETURNING id",
              b.name, b.carrier, b.handed_over_at, b.received_by));
    auto& item = c_.prepare(
        "INSERT INTO batch_manifest(batch_id, tracking_number) VALUES (?, ?) "
        "ON CONFLICT(batch_id, tracking_number) DO NOTHING");
    for (const std::string& number : b.manifest) {
      item.reset();
      bind_all(item, id, number);
      item.exec();
    }
    return id;
  });
}

std::optional<Batch> Repository::read_batch(Statement& s) {
  auto batch = read_one(s, "batches", read_batch_row);
  if (!batch) return batch;
  auto& m = query(
      "SELECT tracking_number FROM batch_manifest WHERE batch_id = ? ORDER BY tracking_number",
      batch->id);
  batch->manifest =
      read_all(m, "batch_manifest", [](RowReader& r) { return r.next<std::string>(); });
  return batch;
}

Result<std::optional<Batch>> Repository::find_batch(const std::string& name) {
  return guarded("reading a handover batch", [&]() -> Result<std::optional<Batch>> {
    static constexpr auto k_sql = sql("SELECT ", k_batch_columns, " FROM batches WHERE name = ?");
    return read_batch(query(k_sql.data(), name));
  });
}

Result<std::optional<Batch>> Repository::get_batch(Id id) {
  return guarded("reading a handover batch", [&]() -> Result<std::optional<Batch>> {
    static constexpr auto k_sql = sql("SELECT ", k_batch_columns, " FROM batches WHERE id = ?");
    return read_batch(query(k_sql.data(), id));
  });
}

}  // namespace db::detail

namespace db::detail {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;

constexpr char k_user_columns[] =
    "id, login, name, role, password_hash, disabled, created_at, password_changed_at";

User read_user(RowReader& r) {
  User u;
  u.id = r.id();
  u.login = r.next<std::string>();
  u.name = r.next<std::string>();
  u.role = r.next<std::string>();
  u.password_hash = r.next<std::string>();
  u.disabled = r.next<bool>();
  u.created_at = r.next<Timestamp>();
  u.password_changed_at = r.next<Timestamp>();
  return u;
}

constexpr char k_session_columns[] = "token_hash, user_id, csrf_token, created_at, expires_at";

Session read_session(RowReader& r) {
  Session s;
  s.token_hash = r.next<std::string>();
  s.user_id = r.next<Id>();
  s.csrf_token = r.next<std::string>();
  s.created_at = r.next<Timestamp>();
  s.expires_at = r.next<Timestamp>();
  return s;
}

constexpr char k_api_token_columns[] =
    "id, name, token_hash, role, created_by, created_at, revoked_at, last_used_at";

ApiToken read_api_token(RowReader& r) {
  ApiToken t;
  t.id = r.id();
  t.name = r.next<std::string>();
  t.token_hash = r.next<std::string>();
  t.role = r.next<std::string>();
  t.created_by = r.next<std::string>();
  t.created_at = r.next<Timestamp>();
  t.revoked_at = r.next<std::optional<Timestamp>>();
  t.last_used_at = r.next<std::optional<Timestamp>>();
  return t;
}

}  // namespace

Result<Id> Repository::insert_user(const User& u) {
  return guarded("saving a user", [&]() -> Result<Id> {
    return returned_int(query(
        "INSERT INTO users(login, name, role, password_hash, disabled, created_at, "
        "password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        u.login, u.name, u.role, u.password_hash, u.disabled, u.created_at, u.password_changed_at));
  });
}

Result<void> Repository::update_user(const User& u) {
  return guarded("saving a user", [&]() -> Result<void> {
    auto& s = query(
        "UPDATE users SET name = ?, role = ?, password_hash = ?, disabled = ?, "
        "password_changed_at = ? WHERE id = ?",
        u.name, u.role, u.password_hash, u.disabled, u.password_changed_at, u.id);
    if (s.exec() == 0) return make_error(ErrorCode::not_found, fmt::format("no user #{}", u.id));
    return {};
  });
}

Result<std::optional<User>> Repository::find_user(const std::string& login) {
  return guarded("reading a user", [&]() -> Result<std::optional<User>> {
    static constexpr auto k_sql = sql("SELECT ", k_user_columns, " FROM users WHERE login = ?");
    return read_one(query(k_sql.data(), login), "users", read_user);
  });
}

Result<std::optional<User>> Repository::get_user(Id id) {
  return guarded("reading a user", [&]() -> Result<std::optional<User>> {
    static constexpr auto k_sql = sql("SELECT ", k_user_columns, " FROM users WHERE id = ?");
    return read_one(query(k_sql.data(), id), "users", read_user);
  });
}

Result<std::vector<User>> Repository::list_users() {
  return guarded("reading users", [&]() -> Result<std::vector<User>> {
    static constexpr auto k_sql = sql("SELECT ", k_user_columns, " FROM users ORDER BY login");
    return read_all(query(k_sql.data()), "users", read_user);
  });
}

Result<void> Repository::insert_session(const Session& session) {
  return guarded("saving a session", [&]() -> Result<void> {
    query(
        "INSERT INTO sessions(token_hash, user_id, csrf_token, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?)",
        session.token_hash, session.user_id, session.csrf_token, session.created_at,
        session.expires_at)
        .exec();
    return {};
  });
}

Result<std::optional<Session>> Repository::find_session(const std::string& token_hash) {
  return guarded("reading a session", [&]() -> Result<std::optional<Session>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_session_columns, " FROM sessions WHERE token_hash = ?");
    return read_one(query(k_sql.data(), token_hash), "sessions", read_session);
  });
}

Result<void> Repository::delete_session(const std::string& token_hash) {
  return guarded("ending a session", [&]() -> Result<void> {
    query("DELETE FROM sessions WHERE token_hash = ?", token_hash).exec();
    return {};
  });
}

Result<int> Repository::delete_sessions_of(Id user_id) {
  return guarded("ending sessions", [&]() -> Result<int> {
    return query("DELETE FROM sessions WHERE user_id = ?", user_id).exec();
  });
}

Result<int> Repository::delete_expired_sessions(Timestamp now) {
  return guarded("ending sessions", [&]() -> Result<int> {
    return query("DELETE FROM sessions WHERE expires_at <= ?", now).exec();
  });
}

Result<Id> Repository::insert_api_token(const ApiToken& t) {
  return guarded("saving an API token", [&]() -> Result<Id> {
    return returned_int(
        query("INSERT INTO api_tokens(name, token_hash, role, created_by, created_at) "
              "VALUES (?, ?, ?, ?, ?) RETURNING id",
              t.name, t.token_hash, t.role, t.created_by, t.created_at));
  });
}

Result<std::optional<ApiToken>> Repository::find_api_token(const std::string& token_hash) {
  return guarded("reading an API token", [&]() -> Result<std::optional<ApiToken>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_api_token_columns, " FROM api_tokens WHERE token_hash = ?");
    return read_one(query(k_sql.data(), token_hash), "api_tokens", read_api_token);
  });
}

Result<std::vector<ApiToken>> Repository::list_api_tokens() {
  return guarded("reading API tokens", [&]() -> Result<std::vector<ApiToken>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_api_token_columns, " FROM api_tokens ORDER BY id");
    return read_all(query(k_sql.data()), "api_tokens", read_api_token);
  });
}

Result<void> Repository::revoke_api_token(Id id, Timestamp at) {
  return guarded("revoking an API token", [&]() -> Result<void> {
    auto& s =
        query("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?", at, id);
    if (s.exec() == 0) return make_error(ErrorCode::not_found, fmt::format("no API token #{}", id));
    return {};
  });
}

Result<void> Repository::touch_api_token(Id id, Timestamp at) {
  return guarded("saving an API token", [&]() -> Result<void> {
    query("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", at, id).exec();
    return {};
  });
}

}  // namespace db::detail

namespace db {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;

ErrorCode error_code_of(const SQLite::Exception& e) {
  const int primary = e.getErrorCode() & 0xFF;
  if (primary == SQLITE_CONSTRAINT) return ErrorCode::bad_input;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_IOERR ||
      primary == SQLITE_FULL || primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY ||
      primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT || primary == SQLITE_PERM) {
    return ErrorCode::io_error;
  }
  return ErrorCode::internal;
}

// Converts an exception from SQLite into an Error that says what we were doing.
common::Error sqlite_error(const SQLite::Exception& e, std::string_view doing) {
  return make_error(error_code_of(e), fmt::format("database: {}: {}", doing, e.what()));
}

[[noreturn]] void rethrow(const SQLite::Exception& e) {
  throw detail::DatabaseError(error_code_of(e), e.what());
}

class SqliteStatement final : public detail::Statement {
 public:
  SqliteStatement(SQLite::Database& db, const std::string& sql) : s_(db, sql) {}

  void bind_null(int index) override {
    try {
      s_.bind(index);
    } catch (const SQLite::Exception& e) {
      rethrow(e);
    }
  }
  void bind_int(int index, std::int64_t value) override {
    try {
      s_.bind(index, value);
    } catch (const SQLite::Exception& e) {
      rethrow(e);
    }
  }
  void bind_text(int index, std::string_view value) override {
    try {
      s_.bind(index, std::string(value));
    } catch (const SQLite::Exception& e) {
      rethrow(e);
    }
  }
  bool step() override {
    try {
      return s_.executeStep();
    } catch (const SQLite::Exception& e) {
      rethrow(e);
    }
  }
  int exec() override {
    try {
      return s_.exec();
    } catch (const SQLite::Exception& e) {
      rethrow(e);
    }
  }
  void reset() override {
    // tryReset: after a failed step, reset() would throw that old error again.
    s_.tryReset();
    try {
      s_.clearBindings();
    } catch (const SQLite::Exception& e) {
      rethrow(e);
    }
  }
  bool is_null(int column) override {
    try {
      return s_.isColumnNull(column);
    } catch (const SQLite::Exception& e) {
      rethrow(e);
    }
  }
  std::int64_t column_int(int column) override {
    try {
      return s_.getColumn(column).getInt64();
    } catch (const SQLite::Exception& e) {
      rethrow(e);
    }
  }
  std::string column_text(int column) override {
    try {
      return s_.getColumn(column).getString();
    } catch (const SQLite::Exception& e) {
      rethrow(e);
    }
  }

  // Ends the current run without throwing (the end of a unit of work).
  void end() noexcept { s_.tryReset(); }

 private:
  SQLite::Statement s_;
};

// A connection with its prepared statements, reused across calls (reset before each use).
class SqliteConnection final : public detail::Connection {
 public:
  SqliteConnection(const std::filesystem::path& path, int flags, int busy_timeout_ms)
      : db_(path.string(), flags, busy_timeout_ms) {}

  SQLite::Database& db() { return db_; }

  // Ends every cached statement's run. A statement left on an unfinished row keeps the
  // connection's read snapshot alive; the connection's next write would then fail at once with
  // SQLITE_BUSY_SNAPSHOT ("database is locked") instead of waiting for other writers.
  void reset_all() noexcept {
    for (auto& [sql, statement] : statements_) statement->end();
  }

  detail::Statement& prepare(const char* sql) override {
    auto& slot = statements_[sql];
    if (!slot) {
      try {
        slot = std::make_unique<SqliteStatement>(db_, sql);
      } catch (const SQLite::Exception& e) {
        statements_.erase(sql);
        rethrow(e);
      }
    } else {
      slot->reset();
    }
    return *slot;
  }

  std::unique_ptr<detail::Statement> prepare_once(const std::string& sql) override {
    try {
      return std::make_unique<SqliteStatement>(db_, sql);
    } catch (const SQLite::Exception& e) {
      rethrow(e);
    }
  }

 private:
  SQLite::Database db_;
  std::unordered_map<const char*, std::unique_ptr<SqliteStatement>> statements_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(std::unique_ptr<SqliteConnection> connection, std::filesystem::path path,
              int busy_timeout_ms)
      : connection_(std::move(connection)),
        path_(std::move(path)),
        busy_timeout_ms_(busy_timeout_ms) {}

  Result<void> write(const std::function<Result<void>(Transaction&)>& work) override {
    std::lock_guard lock(mutex_);
    return run(*connection_, work, SQLite::TransactionBehavior::IMMEDIATE, "writing");
  }

  // Reads run on connections of their own (WAL lets readers and the writer work at once), so a
  // server's lookups do not queue behind each other or behind a write.
  Result<void> read(const std::function<Result<void>(Transaction&)>& work) override {
    auto reader = take_reader();
    if (!reader) return reader.error();
    // Given back however `work` ends, an exception included: a lost reader would shrink the pool
    // until every read waited for ever.
    struct GiveBack {
      SqliteStore& store;
      std::unique_ptr<SqliteConnection>& connection;
      ~GiveBack() { store.give_back(std::move(connection)); }
    } give_back_on_exit{*this, *reader};
    return run(**reader, work, SQLite::TransactionBehavior::DEFERRED, "reading");
  }

 private:
  static constexpr std::size_t k_max_readers = 8;

  static Result<void> run(SqliteConnection& connection,
                          const std::function<Result<void>(Transaction&)>& work,
                          SQLite::TransactionBehavior behavior, std::string_view doing) {
    struct ResetOnExit {
      SqliteConnection& c;
      ~ResetOnExit() { c.reset_all(); }
    } reset_on_exit{connection};
    try {
      SQLite::Transaction transaction(connection.db(), behavior);
      detail::Repository tx(connection);
      Result<void> result = work(tx);
      connection.reset_all();
      if (!result) return result;  // the transaction's destructor rolls back
      transaction.commit();
      return {};
    } catch (const SQLite::Exception& e) {
      connection.reset_all();
      return sqlite_error(e, doing);
    } catch (const detail::DatabaseError& e) {
      connection.reset_all();
      return make_error(e.code(), fmt::format("database: {}: {}", doing, e.what()));
    }
  }

  Result<std::unique_ptr<SqliteConnection>> take_reader() {
    std::unique_lock lock(readers_mutex_);
    readers_free_.wait(lock, [this] { return !idle_.empty() || readers_ < k_max_readers; });
    if (!idle_.empty()) {
      auto reader = std::move(idle_.back());
      idle_.pop_back();
      return reader;
    }
    ++readers_;
    lock.unlock();
    try {
      auto reader =
          std::make_unique<SqliteConnection>(path_, SQLite::OPEN_READWRITE, busy_timeout_ms_);
      reader->db().exec("PRAGMA foreign_keys = ON");
      reader->db().exec("PRAGMA cache_size = -16384");
      return reader;
    } catch (const SQLite::Exception& e) {
      lock.lock();
      --readers_;
      readers_free_.notify_one();
      return sqlite_error(e, fmt::format("opening {} for reading", path_.string()));
    }
  }

  void give_back(std::unique_ptr<SqliteConnection> reader) {
    {
      std::lock_guard lock(readers_mutex_);
      idle_.push_back(std::move(reader));
    }
    readers_free_.notify_one();
  }

  std::mutex mutex_;
  std::unique_ptr<SqliteConnection> connection_;
  const std::filesystem::path path_;
  const int busy_timeout_ms_;
  std::mutex readers_mutex_;
  std::condition_variable readers_free_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_;
  std::size_t readers_ = 0;  // opened so far (idle or in use)
};

Result<void> migrate(SQLite::Database& db, const std::filesystem::path& path) {
  const auto steps = detail::migrations();
  const int target = static_cast<int>(steps.size());
  // Take the write lock before reading the version, so two processes opening a fresh file do not
  // both run migration 1.
  SQLite::Transaction check(db, SQLite::TransactionBehavior::IMMEDIATE);
  int version = db.execAndGet("PRAGMA user_version").getInt();
  if (version > target) {
    return make_error(ErrorCode::invalid_argument,
                      fmt::format("{}: database schema version {} is newer than this hoso "
                                  "understands ({}); use a newer hoso",
                                  path.string(), version, target));
  }
  for (; version < target; ++version) {
    if (version == 0) {
      spdlog::debug("{}: creating schema version {}", path.string(), target);
    } else {
      spdlog::info("{}: migrating schema {} -> {}", path.string(), version, version + 1);
    }
    db.exec(steps[static_cast<std::size_t>(version)]);
    db.exec(fmt::format("PRAGMA user_version = {}", version + 1));
  }
  check.commit();
  return {};
}

}  // namespace

int schema_version() { return static_cast<int>(detail::migrations().size()); }

Result<std::unique_ptr<Store>> open_sqlite(const std::filesystem::path& path,
                                           const SqliteOptions& options) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (!exists && !options.create) {
    return make_error(ErrorCode::not_found,
                      fmt::format("{}: no database here; run `hoso init` first", path.string()));
  }
  if (!exists && path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
      return make_error(ErrorCode::io_error, fmt::format("{}: cannot create its folder: {}",
                                                         path.string(), ec.message()));
    }
  }
  try {
    int flags = SQLite::OPEN_READWRITE | (options.create ? SQLite::OPEN_CREATE : 0);
    auto connection = std::make_unique<SqliteConnection>(path, flags, options.busy_timeout_ms);
    auto& db = connection->db();
    // journal_mode=WAL needs the lock briefly; the busy timeout covers a concurrent opener.
    db.exec("PRAGMA journal_mode = WAL");
    db.exec(options.durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA foreign_keys = ON");
    // 32 MB of page cache (the default is 2 MB): the tracking-number and image-hash indexes are
    // written at random places, which at 10^6 dossiers no longer fit the default (bench/).
    db.exec("PRAGMA cache_size = -32768");
    if (auto migrated = migrate(db, path); !migrated) return migrated.error();
    return std::unique_ptr<Store>(
        std::make_unique<SqliteStore>(std::move(connection), path, options.busy_timeout_ms));
  } catch (const SQLite::Exception& e) {
    const int primary = e.getErrorCode() & 0xFF;
    if (primary == SQLITE_NOTADB) {
      return make_error(ErrorCode::io_error,
                        fmt::format("{}: not a hoso database (not an SQLite file)", path.string()));
    }
    return sqlite_error(e, fmt::format("opening {}", path.string()));
  }
}

Result<std::string> integrity_check(const std::filesystem::path& path) {
  try {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY, 30'000);
    SQLite::Statement s(db, "PRAGMA integrity_check");
    std::string out;
    while (s.executeStep()) {
      if (!out.empty()) out += '\n';
      out += s.getColumn(0).getString();
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return sqlite_error(e, fmt::format("checking {}", path.string()));
  }
}

}  // namespace db
