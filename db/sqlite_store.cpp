// The SQLite Store: one writing connection per Store, guarded by a mutex, and up to eight reading
// connections (WAL: readers see the last commit and never wait for the writer); writers take the
// database lock up front (BEGIN IMMEDIATE) so a unit of work's reads and writes are not interleaved
// with another process's. SQLite::Exception never leaves this file: each call becomes a Result.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <condition_variable>
#include <mutex>
#include <unordered_map>
#include <variant>

#include "db/detail/schema.hpp"
#include "db/store.hpp"

namespace db {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;

std::int64_t to_db(Timestamp t) { return t.time_since_epoch().count(); }
Timestamp timestamp_from_db(std::int64_t seconds) {
  return Timestamp{std::chrono::seconds{seconds}};
}

// Converts an exception from SQLite into an Error that says what we were doing.
common::Error sqlite_error(const SQLite::Exception& e, std::string_view doing) {
  const int code = e.getErrorCode();
  const int primary = code & 0xFF;
  ErrorCode kind = ErrorCode::internal;
  if (primary == SQLITE_CONSTRAINT) {
    kind = ErrorCode::bad_input;
  } else if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_IOERR ||
             primary == SQLITE_FULL || primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY ||
             primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT || primary == SQLITE_PERM) {
    kind = ErrorCode::io_error;
  }
  return make_error(kind, fmt::format("database: {}: {}", doing, e.what()));
}

// Runs `fn` and turns a SQLite exception into an Error.
template <class Fn>
auto guarded(std::string_view doing, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const SQLite::Exception& e) {
    return sqlite_error(e, doing);
  }
}

std::optional<std::int64_t> optional_int(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getInt64();
}

std::optional<Date> optional_date(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  auto date = common::parse_date(column.getString());
  if (!date) return std::nullopt;
  return *date;
}

void bind_optional(SQLite::Statement& s, int index, const std::optional<std::int64_t>& value) {
  if (value) {
    s.bind(index, *value);
  } else {
    s.bind(index);
  }
}

void bind_optional(SQLite::Statement& s, int index, const std::optional<Date>& value) {
  if (value) {
    s.bind(index, common::format_date(*value));
  } else {
    s.bind(index);
  }
}

// Runs an INSERT ... RETURNING id and returns the id of its one row (to its end, so the
// statement holds nothing of the write when it is next used).
Id returned_id(SQLite::Statement& s) {
  s.executeStep();
  const Id id = s.getColumn(0).getInt64();
  while (s.executeStep()) {
  }
  return id;
}

// A connection with its prepared statements, reused across calls (reset before each use).
class Connection {
 public:
  Connection(const std::filesystem::path& path, int flags, int busy_timeout_ms)
      : db_(path.string(), flags, busy_timeout_ms) {}

  SQLite::Database& db() { return db_; }

  // Ends every cached statement's run. A statement left on an unfinished row keeps the
  // connection's read snapshot alive; the connection's next write would then fail at once with
  // SQLITE_BUSY_SNAPSHOT ("database is locked") instead of waiting for other writers.
  void reset_all() noexcept {
    for (auto& [sql, statement] : statements_) statement->tryReset();
  }

  SQLite::Statement& prepare(const char* sql) {
    auto& slot = statements_[sql];
    if (!slot) {
      slot = std::make_unique<SQLite::Statement>(db_, sql);
    } else {
      // tryReset: after a failed step, reset() would throw that old error again.
      slot->tryReset();
      slot->clearBindings();
    }
    return *slot;
  }

 private:
  SQLite::Database db_;
  std::unordered_map<const char*, std::unique_ptr<SQLite::Statement>> statements_;
};

constexpr const char* k_dossier_columns =
    "d.id, d.code, d.agency_id, d.procedure_id, d.procedure_version, d.channel, d.state, "
    "d.filed_at, d.due_at, d.lookup_code, d.supplement_count, d.reappointed, d.portal_code, "
    "d.created_at, d.updated_at, d.clock_started_at";

Dossier read_dossier(SQLite::Statement& s) {
  Dossier d;
  d.id = s.getColumn(0).getInt64();
  if (!s.getColumn(1).isNull()) d.code = s.getColumn(1).getString();
  d.agency_id = s.getColumn(2).getInt64();
  d.procedure_id = optional_int(s.getColumn(3));
  if (auto v = optional_int(s.getColumn(4))) d.procedure_version = static_cast<int>(*v);
  d.channel = s.getColumn(5).getInt();
  d.state = parse_dossier_state(s.getColumn(6).getString()).value_or(DossierState::received);
  d.filed_at = timestamp_from_db(s.getColumn(7).getInt64());
  if (auto v = optional_int(s.getColumn(8))) d.due_at = timestamp_from_db(*v);
  d.lookup_code = s.getColumn(9).getString();
  d.supplement_count = s.getColumn(10).getInt();
  d.reappointed = s.getColumn(11).getInt() != 0;
  d.portal_code = s.getColumn(12).getString();
  d.created_at = timestamp_from_db(s.getColumn(13).getInt64());
  d.updated_at = timestamp_from_db(s.getColumn(14).getInt64());
  if (auto v = optional_int(s.getColumn(15))) d.clock_started_at = timestamp_from_db(*v);
  return d;
}

#define HOSO_SHIPMENT_COLUMNS                                                                      \
  "id, carrier, tracking_number, year, direction, status, dossier_id, first_seen_at, updated_at, " \
  "synced_at, last_event_at, order_code, carrier_order_id"

Shipment read_shipment(SQLite::Statement& s) {
  Shipment sh;
  sh.id = s.getColumn(0).getInt64();
  sh.carrier = s.getColumn(1).getString();
  sh.tracking_number = s.getColumn(2).getString();
  sh.year = s.getColumn(3).getInt();
  sh.direction =
      s.getColumn(4).getString() == "outbound" ? Direction::outbound : Direction::inbound;
  sh.status = s.getColumn(5).getString();
  sh.dossier_id = optional_int(s.getColumn(6));
  sh.first_seen_at = timestamp_from_db(s.getColumn(7).getInt64());
  sh.updated_at = timestamp_from_db(s.getColumn(8).getInt64());
  if (const auto synced = optional_int(s.getColumn(9))) sh.synced_at = timestamp_from_db(*synced);
  if (const auto last = optional_int(s.getColumn(10))) sh.last_event_at = timestamp_from_db(*last);
  sh.order_code = s.getColumn(11).getString();
  sh.carrier_order_id = s.getColumn(12).getString();
  return sh;
}

constexpr const char* k_scan_columns =
    "id, scanned_at, station, source_name, image_hash, image_type, page, scan_error, batch_id, "
    "shipment_id, dossier_id, outcome, idempotency_key";

Scan read_scan_row(SQLite::Statement& s) {
  Scan scan;
  scan.id = s.getColumn(0).getInt64();
  scan.scanned_at = timestamp_from_db(s.getColumn(1).getInt64());
  scan.station = s.getColumn(2).getString();
  scan.source_name = s.getColumn(3).getString();
  scan.image_hash = s.getColumn(4).getString();
  scan.image_type = s.getColumn(5).getString();
  scan.page = s.getColumn(6).getInt();
  scan.scan_error = s.getColumn(7).getString();
  scan.batch_id = optional_int(s.getColumn(8));
  scan.shipment_id = optional_int(s.getColumn(9));
  scan.dossier_id = optional_int(s.getColumn(10));
  scan.outcome = parse_scan_outcome(s.getColumn(11).getString()).value_or(ScanOutcome::manual);
  if (!s.getColumn(12).isNull()) scan.idempotency_key = s.getColumn(12).getString();
  return scan;
}

constexpr const char* k_manual_columns =
    "id, scan_id, reason_code, reason, status, created_at, resolved_at, resolved_by, dossier_id";

ManualItem read_manual(SQLite::Statement& s) {
  ManualItem m;
  m.id = s.getColumn(0).getInt64();
  m.scan_id = s.getColumn(1).getInt64();
  m.reason_code = s.getColumn(2).getString();
  m.reason = s.getColumn(3).getString();
  m.status = parse_manual_status(s.getColumn(4).getString()).value_or(ManualStatus::open);
  m.created_at = timestamp_from_db(s.getColumn(5).getInt64());
  if (auto v = optional_int(s.getColumn(6))) m.resolved_at = timestamp_from_db(*v);
  m.resolved_by = s.getColumn(7).getString();
  m.dossier_id = optional_int(s.getColumn(8));
  return m;
}

#define HOSO_USER_COLUMNS \
  "id, login, name, role, password_hash, disabled, created_at, password_changed_at"

User read_user(SQLite::Statement& s) {
  User u;
  u.id = s.getColumn(0).getInt64();
  u.login = s.getColumn(1).getString();
  u.name = s.getColumn(2).getString();
  u.role = s.getColumn(3).getString();
  u.password_hash = s.getColumn(4).getString();
  u.disabled = s.getColumn(5).getInt() != 0;
  u.created_at = timestamp_from_db(s.getColumn(6).getInt64());
  u.password_changed_at = timestamp_from_db(s.getColumn(7).getInt64());
  return u;
}

#define HOSO_API_TOKEN_COLUMNS \
  "id, name, token_hash, role, created_by, created_at, revoked_at, last_used_at"

ApiToken read_api_token(SQLite::Statement& s) {
  ApiToken t;
  t.id = s.getColumn(0).getInt64();
  t.name = s.getColumn(1).getString();
  t.token_hash = s.getColumn(2).getString();
  t.role = s.getColumn(3).getString();
  t.created_by = s.getColumn(4).getString();
  t.created_at = timestamp_from_db(s.getColumn(5).getInt64());
  if (const auto v = optional_int(s.getColumn(6))) t.revoked_at = timestamp_from_db(*v);
  if (const auto v = optional_int(s.getColumn(7))) t.last_used_at = timestamp_from_db(*v);
  return t;
}

class SqliteTransaction final : public Transaction {
 public:
  explicit SqliteTransaction(Connection& connection) : c_(connection) {}

  Result<std::optional<std::string>> setting(const std::string& key) override {
    return guarded("reading a setting", [&]() -> Result<std::optional<std::string>> {
      auto& s = c_.prepare("SELECT value FROM settings WHERE key = ?");
      s.bind(1, key);
      if (!s.executeStep()) return std::optional<std::string>{};
      return std::optional<std::string>{s.getColumn(0).getString()};
    });
  }

  Result<void> set_setting(const std::string& key, const std::string& value) override {
    return guarded("writing a setting", [&]() -> Result<void> {
      auto& s = c_.prepare(
          "INSERT INTO settings(key, value) VALUES (?, ?) "
          "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
      s.bind(1, key);
      s.bind(2, value);
      s.exec();
      return {};
    });
  }

  Result<Id> upsert_agency(const Agency& agency) override {
    return guarded("saving an agency", [&]() -> Result<Id> {
      auto& s = c_.prepare(
          "INSERT INTO agencies(code, name) VALUES (?, ?) "
          "ON CONFLICT(code) DO UPDATE SET name = excluded.name RETURNING id");
      s.bind(1, agency.code);
      s.bind(2, agency.name);
      return returned_id(s);
    });
  }

  Result<std::optional<Agency>> find_agency(const std::string& code) override {
    return guarded("reading an agency", [&]() -> Result<std::optional<Agency>> {
      auto& s = c_.prepare("SELECT id, code, name FROM agencies WHERE code = ?");
      s.bind(1, code);
      if (!s.executeStep()) return std::optional<Agency>{};
      return std::optional<Agency>{Agency{s.getColumn(0).getInt64(), s.getColumn(1).getString(),
                                          s.getColumn(2).getString()}};
    });
  }

  Result<std::optional<Agency>> get_agency(Id id) override {
    return guarded("reading an agency", [&]() -> Result<std::optional<Agency>> {
      auto& s = c_.prepare("SELECT id, code, name FROM agencies WHERE id = ?");
      s.bind(1, id);
      if (!s.executeStep()) return std::optional<Agency>{};
      return std::optional<Agency>{Agency{s.getColumn(0).getInt64(), s.getColumn(1).getString(),
                                          s.getColumn(2).getString()}};
    });
  }

  Result<Id> upsert_procedure(const Procedure& p) override {
    return guarded("saving a procedure", [&]() -> Result<Id> {
      auto& s = c_.prepare(
          "INSERT INTO procedures(code, version, name, field, time_amount, time_unit, "
          "effective_from) VALUES (?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT(code, version) DO UPDATE SET name = excluded.name, field = excluded.field, "
          "time_amount = excluded.time_amount, time_unit = excluded.time_unit, "
          "effective_from = excluded.effective_from RETURNING id");
      s.bind(1, p.code);
      s.bind(2, p.version);
      s.bind(3, p.name);
      s.bind(4, p.field);
      s.bind(5, p.time_amount);
      s.bind(6, std::string(time_unit_name(p.time_unit)));
      s.bind(7, common::format_date(p.effective_from));
      return returned_id(s);
    });
  }

  static Procedure read_procedure(SQLite::Statement& s) {
    Procedure p;
    p.id = s.getColumn(0).getInt64();
    p.code = s.getColumn(1).getString();
    p.version = s.getColumn(2).getInt();
    p.name = s.getColumn(3).getString();
    p.field = s.getColumn(4).getString();
    p.time_amount = s.getColumn(5).getInt();
    p.time_unit = parse_time_unit(s.getColumn(6).getString()).value_or(TimeUnit::working_days);
    p.effective_from = optional_date(s.getColumn(7)).value_or(Date{});
    return p;
  }

  Result<std::vector<Procedure>> list_procedures() override {
    return guarded("listing procedures", [&]() -> Result<std::vector<Procedure>> {
      auto& s = c_.prepare(
          "SELECT id, code, version, name, field, time_amount, time_unit, effective_from "
          "FROM procedures ORDER BY field, code, version");
      std::vector<Procedure> out;
      while (s.executeStep()) out.push_back(read_procedure(s));
      return out;
    });
  }

  Result<std::optional<Procedure>> get_procedure(Id id) override {
    return guarded("reading a procedure", [&]() -> Result<std::optional<Procedure>> {
      auto& s = c_.prepare(
          "SELECT id, code, version, name, field, time_amount, time_unit, effective_from "
          "FROM procedures WHERE id = ?");
      s.bind(1, id);
      if (!s.executeStep()) return std::optional<Procedure>{};
      return std::optional<Procedure>{read_procedure(s)};
    });
  }

  Result<void> put_calendar_day(const CalendarDay& day) override {
    return guarded("saving a calendar day", [&]() -> Result<void> {
      auto& s = c_.prepare(
          "INSERT INTO calendar_days(day, kind, name) VALUES (?, ?, ?) "
          "ON CONFLICT(day) DO UPDATE SET kind = excluded.kind, name = excluded.name");
      s.bind(1, common::format_date(day.date));
      s.bind(2, day.kind == DayKind::off ? "off" : "work");
      s.bind(3, day.name);
      s.exec();
      return {};
    });
  }

  Result<bool> remove_calendar_day(Date date) override {
    return guarded("removing a calendar day", [&]() -> Result<bool> {
      auto& s = c_.prepare("DELETE FROM calendar_days WHERE day = ?");
      s.bind(1, common::format_date(date));
      return s.exec() > 0;
    });
  }

  Result<std::vector<CalendarDay>> list_calendar_days() override {
    return guarded("reading the calendar", [&]() -> Result<std::vector<CalendarDay>> {
      auto& s = c_.prepare("SELECT day, kind, name FROM calendar_days ORDER BY day");
      std::vector<CalendarDay> out;
      while (s.executeStep()) {
        auto date = optional_date(s.getColumn(0));
        if (!date) continue;
        out.push_back(
            CalendarDay{*date, s.getColumn(1).getString() == "work" ? DayKind::work : DayKind::off,
                        s.getColumn(2).getString()});
      }
      return out;
    });
  }

  Result<std::optional<Shipment>> find_shipment(const std::string& tracking_number,
                                                Direction direction,
                                                Timestamp not_before) override {
    return guarded("looking up a shipment", [&]() -> Result<std::optional<Shipment>> {
      auto& s = c_.prepare("SELECT " HOSO_SHIPMENT_COLUMNS
                           " FROM shipments "
                           "WHERE tracking_number = ? AND direction = ? AND first_seen_at >= ? "
                           "ORDER BY first_seen_at DESC LIMIT 1");
      s.bind(1, tracking_number);
      s.bind(2, std::string(direction_name(direction)));
      s.bind(3, to_db(not_before));
      if (!s.executeStep()) return std::optional<Shipment>{};
      return std::optional<Shipment>{read_shipment(s)};
    });
  }

  Result<std::optional<Shipment>> get_shipment(Id id) override {
    return guarded("reading a shipment", [&]() -> Result<std::optional<Shipment>> {
      auto& s = c_.prepare("SELECT " HOSO_SHIPMENT_COLUMNS " FROM shipments WHERE id = ?");
      s.bind(1, id);
      if (!s.executeStep()) return std::optional<Shipment>{};
      return std::optional<Shipment>{read_shipment(s)};
    });
  }

  Result<Id> insert_return_order(const ReturnOrder& o) override {
    return guarded("saving a return order", [&]() -> Result<Id> {
      auto& s = c_.prepare(
          "INSERT INTO return_orders(dossier_id, carrier, order_code, receiver_fingerprint, "
          "state, created_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
      s.bind(1, o.dossier_id);
      s.bind(2, o.carrier);
      s.bind(3, o.order_code);
      s.bind(4, o.receiver_fingerprint);
      s.bind(5, std::string(return_order_state_name(o.state)));
      s.bind(6, to_db(o.created_at));
      if (o.closed_at) {
        s.bind(7, to_db(*o.closed_at));
      } else {
        s.bind(7);
      }
      return returned_id(s);
    });
  }

  Result<std::vector<ReturnOrder>> return_orders_of(Id dossier_id) override {
    return guarded("reading return orders", [&]() -> Result<std::vector<ReturnOrder>> {
      auto& s = c_.prepare(
          "SELECT id, dossier_id, carrier, order_code, receiver_fingerprint, state, created_at, "
          "closed_at FROM return_orders WHERE dossier_id = ? ORDER BY id");
      s.bind(1, dossier_id);
      std::vector<ReturnOrder> out;
      while (s.executeStep()) {
        ReturnOrder o;
        o.id = s.getColumn(0).getInt64();
        o.dossier_id = s.getColumn(1).getInt64();
        o.carrier = s.getColumn(2).getString();
        o.order_code = s.getColumn(3).getString();
        o.receiver_fingerprint = s.getColumn(4).getString();
        o.state =
            parse_return_order_state(s.getColumn(5).getString()).value_or(ReturnOrderState::open);
        o.created_at = timestamp_from_db(s.getColumn(6).getInt64());
        if (const auto closed = optional_int(s.getColumn(7))) {
          o.closed_at = timestamp_from_db(*closed);
        }
        out.push_back(std::move(o));
      }
      return out;
    });
  }

  Result<void> close_return_order(Id id, ReturnOrderState state, Timestamp at) override {
    return guarded("closing a return order", [&]() -> Result<void> {
      auto& s = c_.prepare("UPDATE return_orders SET state = ?, closed_at = ? WHERE id = ?");
      s.bind(1, std::string(return_order_state_name(state)));
      s.bind(2, to_db(at));
      s.bind(3, id);
      if (s.exec() == 0) {
        return make_error(ErrorCode::not_found, fmt::format("no return order #{}", id));
      }
      return {};
    });
  }

  Result<std::optional<Shipment>> find_shipment_by_order(const std::string& carrier,
                                                         const std::string& order_code) override {
    return guarded("reading a shipment", [&]() -> Result<std::optional<Shipment>> {
      auto& s = c_.prepare("SELECT " HOSO_SHIPMENT_COLUMNS
                           " FROM shipments WHERE carrier = ? AND order_code = ? AND "
                           "order_code <> ''");
      s.bind(1, carrier);
      s.bind(2, order_code);
      if (!s.executeStep()) return std::optional<Shipment>{};
      return std::optional<Shipment>{read_shipment(s)};
    });
  }

  Result<std::vector<Shipment>> shipments_of(Id dossier_id) override {
    return guarded("reading shipments", [&]() -> Result<std::vector<Shipment>> {
      auto& s = c_.prepare("SELECT " HOSO_SHIPMENT_COLUMNS
                           " FROM shipments WHERE dossier_id = ? ORDER BY id");
      s.bind(1, dossier_id);
      std::vector<Shipment> out;
      while (s.executeStep()) out.push_back(read_shipment(s));
      return out;
    });
  }

  Result<Id> insert_shipment(const Shipment& sh) override {
    return guarded(fmt::format("registering shipment {}", sh.tracking_number), [&]() -> Result<Id> {
      auto& s = c_.prepare(
          "INSERT INTO shipments(carrier, tracking_number, year, direction, status, dossier_id, "
          "first_seen_at, updated_at, order_code, carrier_order_id) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
      s.bind(1, sh.carrier);
      s.bind(2, sh.tracking_number);
      s.bind(3, sh.year);
      s.bind(4, std::string(direction_name(sh.direction)));
      s.bind(5, sh.status);
      bind_optional(s, 6, sh.dossier_id);
      s.bind(7, to_db(sh.first_seen_at));
      s.bind(8, to_db(sh.updated_at));
      s.bind(9, sh.order_code);
      s.bind(10, sh.carrier_order_id);
      return returned_id(s);
    });
  }

  Result<std::vector<Shipment>> shipments_to_sync(const std::string& carrier, Timestamp not_before,
                                                  int limit) override {
    return guarded(
        "listing shipments to ask the carrier about", [&]() -> Result<std::vector<Shipment>> {
          // The final statuses of DOMAIN.md §7: the carrier will not move these again.
          auto& s = c_.prepare("SELECT " HOSO_SHIPMENT_COLUMNS
                               " FROM shipments WHERE carrier = ? AND first_seen_at >= ? AND "
                               "(synced_at IS NULL OR status NOT IN ('delivered', 'returned', "
                               "'cancelled')) ORDER BY coalesce(synced_at, 0), id LIMIT ?");
          s.bind(1, carrier);
          s.bind(2, to_db(not_before));
          s.bind(3, limit);
          std::vector<Shipment> out;
          while (s.executeStep()) out.push_back(read_shipment(s));
          return out;
        });
  }

  Result<void> update_shipment_tracking(Id shipment_id, const std::string& status,
                                        std::optional<Timestamp> last_event_at,
                                        Timestamp synced_at) override {
    return guarded(fmt::format("updating shipment #{}", shipment_id), [&]() -> Result<void> {
      auto& s = c_.prepare(
          "UPDATE shipments SET status = ?, last_event_at = ?, synced_at = ?, "
          "updated_at = CASE WHEN status = ? THEN updated_at ELSE ? END WHERE id = ?");
      s.bind(1, status);
      if (last_event_at) {
        s.bind(2, to_db(*last_event_at));
      } else {
        s.bind(2);
      }
      s.bind(3, to_db(synced_at));
      s.bind(4, status);
      s.bind(5, to_db(synced_at));
      s.bind(6, shipment_id);
      if (s.exec() != 1) {
        return make_error(ErrorCode::not_found, fmt::format("no shipment #{}", shipment_id));
      }
      return {};
    });
  }

  Result<bool> add_carrier_event(const CarrierEvent& e) override {
    return guarded(fmt::format("recording a carrier event of shipment #{}", e.shipment_id),
                   [&]() -> Result<bool> {
                     auto& s = c_.prepare(
                         "INSERT INTO carrier_events(shipment_id, event_key, "
                         "occurred_at, carrier_code, status, location_code, location, "
                         "description, source, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                         "ON CONFLICT(shipment_id, event_key) DO NOTHING");
                     s.bind(1, e.shipment_id);
                     s.bind(2, e.key);
                     s.bind(3, to_db(e.occurred_at));
                     s.bind(4, e.carrier_code);
                     s.bind(5, e.status);
                     s.bind(6, e.location_code);
                     s.bind(7, e.location);
                     s.bind(8, e.description);
                     s.bind(9, std::string(event_source_name(e.source)));
                     s.bind(10, to_db(e.recorded_at));
                     return s.exec() == 1;
                   });
  }

  static CarrierEvent read_carrier_event(SQLite::Statement& s) {
    CarrierEvent e;
    e.id = s.getColumn(0).getInt64();
    e.shipment_id = s.getColumn(1).getInt64();
    e.key = s.getColumn(2).getString();
    e.occurred_at = timestamp_from_db(s.getColumn(3).getInt64());
    e.carrier_code = s.getColumn(4).getString();
    e.status = s.getColumn(5).getString();
    e.location_code = s.getColumn(6).getString();
    e.location = s.getColumn(7).getString();
    e.description = s.getColumn(8).getString();
    // The column's CHECK constraint admits only the three names.
    e.source = parse_event_source(s.getColumn(9).getString()).value_or(EventSource::poll);
    e.recorded_at = timestamp_from_db(s.getColumn(10).getInt64());
    return e;
  }

  Result<std::vector<CarrierEvent>> carrier_events_of(Id shipment_id) override {
    return guarded("reading carrier events", [&]() -> Result<std::vector<CarrierEvent>> {
      auto& s = c_.prepare(
          "SELECT id, shipment_id, event_key, occurred_at, carrier_code, status, location_code, "
          "location, description, source, recorded_at FROM carrier_events "
          "WHERE shipment_id = ? ORDER BY occurred_at, id");
      s.bind(1, shipment_id);
      std::vector<CarrierEvent> out;
      while (s.executeStep()) out.push_back(read_carrier_event(s));
      return out;
    });
  }

  Result<Id> insert_dossier(const Dossier& d) override {
    return guarded("registering a dossier", [&]() -> Result<Id> {
      auto& s = c_.prepare(
          "INSERT INTO dossiers(code, agency_id, procedure_id, procedure_version, channel, state, "
          "national_status, filed_at, due_at, lookup_code, supplement_count, reappointed, "
          "portal_code, created_at, updated_at, clock_started_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
      if (d.code) {
        s.bind(1, *d.code);
      } else {
        s.bind(1);
      }
      s.bind(2, d.agency_id);
      bind_optional(s, 3, d.procedure_id);
      bind_optional(
          s, 4,
          d.procedure_version ? std::optional<std::int64_t>(*d.procedure_version) : std::nullopt);
      s.bind(5, d.channel);
      s.bind(6, std::string(dossier_state_name(d.state)));
      s.bind(7, national_status_code(d.state));
      s.bind(8, to_db(d.filed_at));
      bind_optional(s, 9, d.due_at ? std::optional<std::int64_t>(to_db(*d.due_at)) : std::nullopt);
      s.bind(10, d.lookup_code);
      s.bind(11, d.supplement_count);
      s.bind(12, d.reappointed ? 1 : 0);
      s.bind(13, d.portal_code);
      s.bind(14, to_db(d.created_at));
      s.bind(15, to_db(d.updated_at));
      bind_optional(s, 16,
                    d.clock_started_at ? std::optional<std::int64_t>(to_db(*d.clock_started_at))
                                       : std::nullopt);
      return returned_id(s);
    });
  }

  Result<std::optional<Dossier>> get_dossier(Id id) override {
    return guarded("reading a dossier", [&]() -> Result<std::optional<Dossier>> {
      static const std::string sql =
          fmt::format("SELECT {} FROM dossiers d WHERE d.id = ?", k_dossier_columns);
      auto& s = c_.prepare(sql.c_str());
      s.bind(1, id);
      if (!s.executeStep()) return std::optional<Dossier>{};
      return std::optional<Dossier>{read_dossier(s)};
    });
  }

  Result<std::optional<Dossier>> find_dossier_by_code(const std::string& code) override {
    return guarded("reading a dossier", [&]() -> Result<std::optional<Dossier>> {
      static const std::string sql =
          fmt::format("SELECT {} FROM dossiers d WHERE d.code = ?", k_dossier_columns);
      auto& s = c_.prepare(sql.c_str());
      s.bind(1, code);
      if (!s.executeStep()) return std::optional<Dossier>{};
      return std::optional<Dossier>{read_dossier(s)};
    });
  }

  Result<std::vector<Dossier>> list_dossiers(const DossierFilter& f) override {
    return guarded("listing dossiers", [&]() -> Result<std::vector<Dossier>> {
      // Built per call: the filter decides the clauses. Values are always bound, never spliced,
      // and kept in the order of their `?` placeholders.
      std::string sql = fmt::format("SELECT {} FROM dossiers d", k_dossier_columns);
      std::vector<std::string> where;
      std::vector<std::variant<std::int64_t, std::string>> values;
      if (!f.field.empty()) {
        sql += " JOIN procedures p ON p.id = d.procedure_id";
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
        values.emplace_back(to_db(*f.due_before));
      }
      if (f.ids) {
        // Numbers only: safe to write into the statement.
        where.push_back(f.ids->empty() ? std::string("FALSE")
                                       : fmt::format("d.id IN ({})", fmt::join(*f.ids, ",")));
      }
      if (f.filed_from) {
        where.emplace_back("d.filed_at >= ?");
        values.emplace_back(to_db(*f.filed_from));
      }
      if (f.filed_to) {
        where.emplace_back("d.filed_at < ?");
        values.emplace_back(to_db(*f.filed_to));
      }
      if (f.batch_id) {
        where.emplace_back("d.id IN (SELECT dossier_id FROM scans WHERE batch_id = ?)");
        values.emplace_back(*f.batch_id);
      }
      for (std::size_t i = 0; i < where.size(); ++i) {
        sql += i == 0 ? " WHERE " : " AND ";
        sql += where[i];
      }
      sql += f.newest_first ? " ORDER BY d.filed_at DESC, d.id DESC LIMIT ?"
                            : " ORDER BY d.filed_at, d.id LIMIT ?";
      values.emplace_back(std::int64_t{f.limit});
      SQLite::Statement s(c_.db(), sql);
      int index = 0;
      for (const auto& value : values) {
        std::visit([&](const auto& v) { s.bind(++index, v); }, value);
      }
      std::vector<Dossier> out;
      while (s.executeStep()) out.push_back(read_dossier(s));
      return out;
    });
  }

  Result<void> update_dossier(const Dossier& d) override {
    return guarded(fmt::format("updating dossier #{}", d.id), [&]() -> Result<void> {
      auto& s = c_.prepare(
          "UPDATE dossiers SET code = ?, procedure_id = ?, procedure_version = ?, state = ?, "
          "national_status = ?, due_at = ?, supplement_count = ?, reappointed = ?, "
          "updated_at = ?, clock_started_at = ? WHERE id = ?");
      if (d.code) {
        s.bind(1, *d.code);
      } else {
        s.bind(1);
      }
      bind_optional(s, 2, d.procedure_id);
      bind_optional(
          s, 3,
          d.procedure_version ? std::optional<std::int64_t>(*d.procedure_version) : std::nullopt);
      s.bind(4, std::string(dossier_state_name(d.state)));
      s.bind(5, national_status_code(d.state));
      bind_optional(s, 6, d.due_at ? std::optional<std::int64_t>(to_db(*d.due_at)) : std::nullopt);
      s.bind(7, d.supplement_count);
      s.bind(8, d.reappointed ? 1 : 0);
      s.bind(9, to_db(d.updated_at));
      bind_optional(s, 10,
                    d.clock_started_at ? std::optional<std::int64_t>(to_db(*d.clock_started_at))
                                       : std::nullopt);
      s.bind(11, d.id);
      if (s.exec() != 1) {
        return make_error(ErrorCode::not_found, fmt::format("no dossier #{}", d.id));
      }
      return {};
    });
  }

  Result<int> next_dossier_sequence(Id agency_id, Date day) override {
    return guarded("numbering a dossier code", [&]() -> Result<int> {
      auto& s = c_.prepare(
          "INSERT INTO dossier_code_sequences(agency_id, day, last) VALUES (?, ?, 1) "
          "ON CONFLICT(agency_id, day) DO UPDATE SET last = dossier_code_sequences.last + 1 "
          "RETURNING last");
      s.bind(1, agency_id);
      s.bind(2, common::format_date(day));
      s.executeStep();
      const int last = s.getColumn(0).getInt();
      while (s.executeStep()) {
      }
      return last;
    });
  }

  Result<std::vector<Id>> dossiers_of_applicant(const std::string& id_number) override {
    return guarded("searching applicants", [&]() -> Result<std::vector<Id>> {
      auto& s =
          c_.prepare("SELECT dossier_id FROM applicants WHERE id_number = ? ORDER BY dossier_id");
      s.bind(1, id_number);
      std::vector<Id> out;
      while (s.executeStep()) out.push_back(s.getColumn(0).getInt64());
      return out;
    });
  }

  Result<Id> insert_applicant(const Applicant& a) override {
    return guarded("saving the applicant", [&]() -> Result<Id> {
      auto& s = c_.prepare(
          "INSERT INTO applicants(dossier_id, id_number, old_id_number, full_name, birth_date, "
          "sex, address, issue_date, source, phone, return_address) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
      s.bind(1, a.dossier_id);
      s.bind(2, a.id_number);
      s.bind(3, a.old_id_number);
      s.bind(4, a.full_name);
      bind_optional(s, 5, a.birth_date);
      s.bind(6, a.sex);
      s.bind(7, a.address);
      bind_optional(s, 8, a.issue_date);
      s.bind(9, a.source);
      s.bind(10, a.phone);
      s.bind(11, a.return_address);
      return returned_id(s);
    });
  }

  Result<void> update_applicant(const Applicant& a) override {
    return guarded("saving the applicant", [&]() -> Result<void> {
      auto& s = c_.prepare(
          "UPDATE applicants SET id_number = ?, old_id_number = ?, full_name = ?, birth_date = ?, "
          "sex = ?, address = ?, issue_date = ?, source = ?, phone = ?, return_address = ? "
          "WHERE dossier_id = ?");
      s.bind(1, a.id_number);
      s.bind(2, a.old_id_number);
      s.bind(3, a.full_name);
      bind_optional(s, 4, a.birth_date);
      s.bind(5, a.sex);
      s.bind(6, a.address);
      bind_optional(s, 7, a.issue_date);
      s.bind(8, a.source);
      s.bind(9, a.phone);
      s.bind(10, a.return_address);
      s.bind(11, a.dossier_id);
      if (s.exec() == 0) {
        return make_error(ErrorCode::not_found,
                          fmt::format("dossier #{} has no applicant to update", a.dossier_id));
      }
      return {};
    });
  }

  Result<std::optional<Applicant>> applicant_of(Id dossier_id) override {
    return guarded("reading the applicant", [&]() -> Result<std::optional<Applicant>> {
      auto& s = c_.prepare(
          "SELECT id, dossier_id, id_number, old_id_number, full_name, birth_date, sex, address, "
          "issue_date, source, phone, return_address FROM applicants WHERE dossier_id = ?");
      s.bind(1, dossier_id);
      if (!s.executeStep()) return std::optional<Applicant>{};
      Applicant a;
      a.id = s.getColumn(0).getInt64();
      a.dossier_id = s.getColumn(1).getInt64();
      a.id_number = s.getColumn(2).getString();
      a.old_id_number = s.getColumn(3).getString();
      a.full_name = s.getColumn(4).getString();
      a.birth_date = optional_date(s.getColumn(5));
      a.sex = s.getColumn(6).getString();
      a.address = s.getColumn(7).getString();
      a.issue_date = optional_date(s.getColumn(8));
      a.source = s.getColumn(9).getString();
      a.phone = s.getColumn(10).getString();
      a.return_address = s.getColumn(11).getString();
      return std::optional<Applicant>{std::move(a)};
    });
  }

  Result<Id> insert_scan(const Scan& scan) override {
    return guarded("saving the scan", [&]() -> Result<Id> {
      auto& s = c_.prepare(
          "INSERT INTO scans(scanned_at, station, source_name, image_hash, image_type, page, "
          "scan_error, batch_id, shipment_id, dossier_id, outcome, idempotency_key) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
      s.bind(1, to_db(scan.scanned_at));
      s.bind(2, scan.station);
      s.bind(3, scan.source_name);
      s.bind(4, scan.image_hash);
      s.bind(5, scan.image_type);
      s.bind(6, scan.page);
      s.bind(7, scan.scan_error);
      bind_optional(s, 8, scan.batch_id);
      bind_optional(s, 9, scan.shipment_id);
      bind_optional(s, 10, scan.dossier_id);
      s.bind(11, std::string(scan_outcome_name(scan.outcome)));
      if (scan.idempotency_key.empty()) {
        s.bind(12);
      } else {
        s.bind(12, scan.idempotency_key);
      }
      const Id id = returned_id(s);
      auto& code = c_.prepare(
          "INSERT INTO scan_codes(scan_id, seq, format, kind, text, tracking_number, problem) "
          "VALUES (?, ?, ?, ?, ?, ?, ?)");
      for (const ScanCode& c : scan.codes) {
        code.tryReset();
        code.bind(1, id);
        code.bind(2, c.seq);
        code.bind(3, c.format);
        code.bind(4, c.kind);
        code.bind(5, c.text);
        code.bind(6, c.tracking_number);
        code.bind(7, c.problem);
        code.exec();
      }
      return id;
    });
  }

  std::vector<ScanCode> codes_of(Id scan_id) {
    auto& s = c_.prepare(
        "SELECT seq, format, kind, text, tracking_number, problem FROM scan_codes "
        "WHERE scan_id = ? ORDER BY seq");
    s.bind(1, scan_id);
    std::vector<ScanCode> out;
    while (s.executeStep()) {
      out.push_back(ScanCode{s.getColumn(0).getInt(), s.getColumn(1).getString(),
                             s.getColumn(2).getString(), s.getColumn(3).getString(),
                             s.getColumn(4).getString(), s.getColumn(5).getString()});
    }
    return out;
  }

  std::vector<Scan> read_scans(SQLite::Statement& s) {
    std::vector<Scan> out;
    while (s.executeStep()) out.push_back(read_scan_row(s));
    for (Scan& scan : out) scan.codes = codes_of(scan.id);
    return out;
  }

  Result<std::optional<Scan>> get_scan(Id id) override {
    return guarded("reading a scan", [&]() -> Result<std::optional<Scan>> {
      static const std::string sql =
          fmt::format("SELECT {} FROM scans WHERE id = ?", k_scan_columns);
      auto& s = c_.prepare(sql.c_str());
      s.bind(1, id);
      auto scans = read_scans(s);
      if (scans.empty()) return std::optional<Scan>{};
      return std::optional<Scan>{std::move(scans.front())};
    });
  }

  Result<std::optional<Scan>> find_scan_by_key(const std::string& key) override {
    return guarded("reading a scan", [&]() -> Result<std::optional<Scan>> {
      static const std::string sql =
          fmt::format("SELECT {} FROM scans WHERE idempotency_key = ?", k_scan_columns);
      auto& s = c_.prepare(sql.c_str());
      s.bind(1, key);
      auto scans = read_scans(s);
      if (scans.empty()) return std::optional<Scan>{};
      return std::optional<Scan>{std::move(scans.front())};
    });
  }

  Result<std::vector<Scan>> scans_of(Id dossier_id) override {
    return guarded("reading scans", [&]() -> Result<std::vector<Scan>> {
      static const std::string sql =
          fmt::format("SELECT {} FROM scans WHERE dossier_id = ? ORDER BY id", k_scan_columns);
      auto& s = c_.prepare(sql.c_str());
      s.bind(1, dossier_id);
      return read_scans(s);
    });
  }

  Result<std::vector<Scan>> scans_of_batch(Id batch_id) override {
    return guarded("reading scans", [&]() -> Result<std::vector<Scan>> {
      static const std::string sql =
          fmt::format("SELECT {} FROM scans WHERE batch_id = ? ORDER BY id", k_scan_columns);
      auto& s = c_.prepare(sql.c_str());
      s.bind(1, batch_id);
      return read_scans(s);
    });
  }

  Result<void> replace_code_text(Id scan_id, const std::string& kind,
                                 const std::string& text) override {
    return guarded("updating scan codes", [&]() -> Result<void> {
      auto& s = c_.prepare("UPDATE scan_codes SET text = ? WHERE scan_id = ? AND kind = ?");
      s.bind(1, text);
      s.bind(2, scan_id);
      s.bind(3, kind);
      s.exec();
      return {};
    });
  }

  Result<int> scan_count(Id dossier_id) override {
    return guarded("counting scans", [&]() -> Result<int> {
      auto& s = c_.prepare("SELECT count(*) FROM scans WHERE dossier_id = ?");
      s.bind(1, dossier_id);
      s.executeStep();
      return s.getColumn(0).getInt();
    });
  }

  Result<void> update_scan_link(Id scan_id, Id shipment_id, Id dossier_id,
                                ScanOutcome outcome) override {
    return guarded("updating a scan", [&]() -> Result<void> {
      auto& s =
          c_.prepare("UPDATE scans SET shipment_id = ?, dossier_id = ?, outcome = ? WHERE id = ?");
      s.bind(1, shipment_id);
      s.bind(2, dossier_id);
      s.bind(3, std::string(scan_outcome_name(outcome)));
      s.bind(4, scan_id);
      if (s.exec() != 1)
        return make_error(ErrorCode::not_found, fmt::format("no scan {}", scan_id));
      return {};
    });
  }

  Result<int> link_manual_rescans(const std::string& image_hash, int page, Id shipment_id,
                                  Id dossier_id) override {
    return guarded("updating scans", [&]() -> Result<int> {
      auto& s = c_.prepare(
          "UPDATE scans SET shipment_id = ?, dossier_id = ?, outcome = 'resolved' "
          "WHERE image_hash = ? AND page = ? AND outcome = 'manual' AND dossier_id IS NULL");
      s.bind(1, shipment_id);
      s.bind(2, dossier_id);
      s.bind(3, image_hash);
      s.bind(4, page);
      return s.exec();
    });
  }

  Result<Id> insert_manual(const ManualItem& m) override {
    return guarded("adding to the manual queue", [&]() -> Result<Id> {
      auto& s = c_.prepare(
          "INSERT INTO manual_queue(scan_id, reason_code, reason, status, created_at) "
          "VALUES (?, ?, ?, ?, ?) RETURNING id");
      s.bind(1, m.scan_id);
      s.bind(2, m.reason_code);
      s.bind(3, m.reason);
      s.bind(4, std::string(manual_status_name(m.status)));
      s.bind(5, to_db(m.created_at));
      return returned_id(s);
    });
  }

  Result<std::optional<ManualItem>> get_manual(Id id) override {
    return guarded("reading the manual queue", [&]() -> Result<std::optional<ManualItem>> {
      static const std::string sql =
          fmt::format("SELECT {} FROM manual_queue WHERE id = ?", k_manual_columns);
      auto& s = c_.prepare(sql.c_str());
      s.bind(1, id);
      if (!s.executeStep()) return std::optional<ManualItem>{};
      return std::optional<ManualItem>{read_manual(s)};
    });
  }

  Result<std::optional<ManualItem>> find_open_manual_by_image(const std::string& image_hash,
                                                              int page) override {
    return guarded("reading the manual queue", [&]() -> Result<std::optional<ManualItem>> {
      auto& s = c_.prepare(
          "SELECT m.id, m.scan_id, m.reason_code, m.reason, m.status, m.created_at, "
          "m.resolved_at, m.resolved_by, m.dossier_id FROM manual_queue m "
          "JOIN scans s ON s.id = m.scan_id "
          "WHERE m.status = 'open' AND s.image_hash = ? AND s.page = ? ORDER BY m.id LIMIT 1");
      s.bind(1, image_hash);
      s.bind(2, page);
      if (!s.executeStep()) return std::optional<ManualItem>{};
      return std::optional<ManualItem>{read_manual(s)};
    });
  }

  Result<std::vector<ManualItem>> list_manual(std::optional<ManualStatus> status) override {
    return guarded("reading the manual queue", [&]() -> Result<std::vector<ManualItem>> {
      static const std::string all =
          fmt::format("SELECT {} FROM manual_queue ORDER BY id", k_manual_columns);
      static const std::string by_status =
          fmt::format("SELECT {} FROM manual_queue WHERE status = ? ORDER BY id", k_manual_columns);
      auto& s = c_.prepare(status ? by_status.c_str() : all.c_str());
      if (status) s.bind(1, std::string(manual_status_name(*status)));
      std::vector<ManualItem> out;
      while (s.executeStep()) out.push_back(read_manual(s));
      return out;
    });
  }

  Result<void> close_manual(Id id, ManualStatus status, Timestamp at, const std::string& by,
                            std::optional<Id> dossier_id) override {
    return guarded("closing a manual-queue item", [&]() -> Result<void> {
      auto& s = c_.prepare(
          "UPDATE manual_queue SET status = ?, resolved_at = ?, resolved_by = ?, dossier_id = ? "
          "WHERE id = ? AND status = 'open'");
      s.bind(1, std::string(manual_status_name(status)));
      s.bind(2, to_db(at));
      s.bind(3, by);
      bind_optional(s, 4, dossier_id);
      s.bind(5, id);
      if (s.exec() != 1) {
        return make_error(ErrorCode::not_found,
                          fmt::format("manual-queue item {} is not open (or does not exist)", id));
      }
      return {};
    });
  }

  Result<Id> insert_batch(const Batch& b) override {
    return guarded(fmt::format("saving handover batch '{}'", b.name), [&]() -> Result<Id> {
      auto& s = c_.prepare(
          "INSERT INTO batches(name, carrier, handed_over_at, received_by) VALUES (?, ?, ?, ?) "
          "RETURNING id");
      s.bind(1, b.name);
      s.bind(2, b.carrier);
      s.bind(3, to_db(b.handed_over_at));
      s.bind(4, b.received_by);
      const Id id = returned_id(s);
      auto& item = c_.prepare(
          "INSERT INTO batch_manifest(batch_id, tracking_number) VALUES (?, ?) "
          "ON CONFLICT(batch_id, tracking_number) DO NOTHING");
      for (const std::string& number : b.manifest) {
        item.tryReset();
        item.bind(1, id);
        item.bind(2, number);
        item.exec();
      }
      return id;
    });
  }

  Result<std::optional<Batch>> read_batch(SQLite::Statement& s) {
    if (!s.executeStep()) return std::optional<Batch>{};
    Batch b;
    b.id = s.getColumn(0).getInt64();
    b.name = s.getColumn(1).getString();
    b.carrier = s.getColumn(2).getString();
    b.handed_over_at = timestamp_from_db(s.getColumn(3).getInt64());
    b.received_by = s.getColumn(4).getString();
    auto& m = c_.prepare(
        "SELECT tracking_number FROM batch_manifest WHERE batch_id = ? ORDER BY tracking_number");
    m.bind(1, b.id);
    while (m.executeStep()) b.manifest.push_back(m.getColumn(0).getString());
    return std::optional<Batch>{std::move(b)};
  }

  Result<std::optional<Batch>> find_batch(const std::string& name) override {
    return guarded("reading a handover batch", [&]() -> Result<std::optional<Batch>> {
      auto& s = c_.prepare(
          "SELECT id, name, carrier, handed_over_at, received_by FROM batches WHERE name = ?");
      s.bind(1, name);
      return read_batch(s);
    });
  }

  Result<std::optional<Batch>> get_batch(Id id) override {
    return guarded("reading a handover batch", [&]() -> Result<std::optional<Batch>> {
      auto& s = c_.prepare(
          "SELECT id, name, carrier, handed_over_at, received_by FROM batches WHERE id = ?");
      s.bind(1, id);
      return read_batch(s);
    });
  }

  Result<Id> insert_user(const User& u) override {
    return guarded("saving a user", [&]() -> Result<Id> {
      auto& s = c_.prepare(
          "INSERT INTO users(login, name, role, password_hash, disabled, created_at, "
          "password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
      s.bind(1, u.login);
      s.bind(2, u.name);
      s.bind(3, u.role);
      s.bind(4, u.password_hash);
      s.bind(5, u.disabled ? 1 : 0);
      s.bind(6, to_db(u.created_at));
      s.bind(7, to_db(u.password_changed_at));
      return returned_id(s);
    });
  }

  Result<void> update_user(const User& u) override {
    return guarded("saving a user", [&]() -> Result<void> {
      auto& s = c_.prepare(
          "UPDATE users SET name = ?, role = ?, password_hash = ?, disabled = ?, "
          "password_changed_at = ? WHERE id = ?");
      s.bind(1, u.name);
      s.bind(2, u.role);
      s.bind(3, u.password_hash);
      s.bind(4, u.disabled ? 1 : 0);
      s.bind(5, to_db(u.password_changed_at));
      s.bind(6, u.id);
      if (s.exec() == 0) return make_error(ErrorCode::not_found, fmt::format("no user #{}", u.id));
      return {};
    });
  }

  Result<std::optional<User>> find_user(const std::string& login) override {
    return guarded("reading a user", [&]() -> Result<std::optional<User>> {
      auto& s = c_.prepare("SELECT " HOSO_USER_COLUMNS " FROM users WHERE login = ?");
      s.bind(1, login);
      if (!s.executeStep()) return std::optional<User>{};
      return std::optional<User>{read_user(s)};
    });
  }

  Result<std::optional<User>> get_user(Id id) override {
    return guarded("reading a user", [&]() -> Result<std::optional<User>> {
      auto& s = c_.prepare("SELECT " HOSO_USER_COLUMNS " FROM users WHERE id = ?");
      s.bind(1, id);
      if (!s.executeStep()) return std::optional<User>{};
      return std::optional<User>{read_user(s)};
    });
  }

  Result<std::vector<User>> list_users() override {
    return guarded("reading users", [&]() -> Result<std::vector<User>> {
      auto& s = c_.prepare("SELECT " HOSO_USER_COLUMNS " FROM users ORDER BY login");
      std::vector<User> out;
      while (s.executeStep()) out.push_back(read_user(s));
      return out;
    });
  }

  Result<void> insert_session(const Session& session) override {
    return guarded("saving a session", [&]() -> Result<void> {
      auto& s = c_.prepare(
          "INSERT INTO sessions(token_hash, user_id, csrf_token, created_at, expires_at) "
          "VALUES (?, ?, ?, ?, ?)");
      s.bind(1, session.token_hash);
      s.bind(2, session.user_id);
      s.bind(3, session.csrf_token);
      s.bind(4, to_db(session.created_at));
      s.bind(5, to_db(session.expires_at));
      s.exec();
      return {};
    });
  }

  Result<std::optional<Session>> find_session(const std::string& token_hash) override {
    return guarded("reading a session", [&]() -> Result<std::optional<Session>> {
      auto& s = c_.prepare(
          "SELECT token_hash, user_id, csrf_token, created_at, expires_at FROM sessions "
          "WHERE token_hash = ?");
      s.bind(1, token_hash);
      if (!s.executeStep()) return std::optional<Session>{};
      Session session;
      session.token_hash = s.getColumn(0).getString();
      session.user_id = s.getColumn(1).getInt64();
      session.csrf_token = s.getColumn(2).getString();
      session.created_at = timestamp_from_db(s.getColumn(3).getInt64());
      session.expires_at = timestamp_from_db(s.getColumn(4).getInt64());
      return std::optional<Session>{std::move(session)};
    });
  }

  Result<void> delete_session(const std::string& token_hash) override {
    return guarded("ending a session", [&]() -> Result<void> {
      auto& s = c_.prepare("DELETE FROM sessions WHERE token_hash = ?");
      s.bind(1, token_hash);
      s.exec();
      return {};
    });
  }

  Result<int> delete_sessions_of(Id user_id) override {
    return guarded("ending sessions", [&]() -> Result<int> {
      auto& s = c_.prepare("DELETE FROM sessions WHERE user_id = ?");
      s.bind(1, user_id);
      return s.exec();
    });
  }

  Result<int> delete_expired_sessions(Timestamp now) override {
    return guarded("ending sessions", [&]() -> Result<int> {
      auto& s = c_.prepare("DELETE FROM sessions WHERE expires_at <= ?");
      s.bind(1, to_db(now));
      return s.exec();
    });
  }

  Result<Id> insert_api_token(const ApiToken& t) override {
    return guarded("saving an API token", [&]() -> Result<Id> {
      auto& s = c_.prepare(
          "INSERT INTO api_tokens(name, token_hash, role, created_by, created_at) "
          "VALUES (?, ?, ?, ?, ?) RETURNING id");
      s.bind(1, t.name);
      s.bind(2, t.token_hash);
      s.bind(3, t.role);
      s.bind(4, t.created_by);
      s.bind(5, to_db(t.created_at));
      return returned_id(s);
    });
  }

  Result<std::optional<ApiToken>> find_api_token(const std::string& token_hash) override {
    return guarded("reading an API token", [&]() -> Result<std::optional<ApiToken>> {
      auto& s =
          c_.prepare("SELECT " HOSO_API_TOKEN_COLUMNS " FROM api_tokens WHERE token_hash = ?");
      s.bind(1, token_hash);
      if (!s.executeStep()) return std::optional<ApiToken>{};
      return std::optional<ApiToken>{read_api_token(s)};
    });
  }

  Result<std::vector<ApiToken>> list_api_tokens() override {
    return guarded("reading API tokens", [&]() -> Result<std::vector<ApiToken>> {
      auto& s = c_.prepare("SELECT " HOSO_API_TOKEN_COLUMNS " FROM api_tokens ORDER BY id");
      std::vector<ApiToken> out;
      while (s.executeStep()) out.push_back(read_api_token(s));
      return out;
    });
  }

  Result<void> revoke_api_token(Id id, Timestamp at) override {
    return guarded("revoking an API token", [&]() -> Result<void> {
      auto& s =
          c_.prepare("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?");
      s.bind(1, to_db(at));
      s.bind(2, id);
      if (s.exec() == 0)
        return make_error(ErrorCode::not_found, fmt::format("no API token #{}", id));
      return {};
    });
  }

  Result<void> touch_api_token(Id id, Timestamp at) override {
    return guarded("saving an API token", [&]() -> Result<void> {
      auto& s = c_.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?");
      s.bind(1, to_db(at));
      s.bind(2, id);
      s.exec();
      return {};
    });
  }

  Result<Id> append_event(const Event& e) override {
    return guarded("recording the event", [&]() -> Result<Id> {
      auto& s = c_.prepare(
          "INSERT INTO events(at, actor, entity, entity_id, action, reason, data) "
          "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
      s.bind(1, to_db(e.at));
      s.bind(2, e.actor);
      s.bind(3, e.entity);
      s.bind(4, e.entity_id);
      s.bind(5, e.action);
      s.bind(6, e.reason);
      s.bind(7, e.data.empty() ? std::string("{}") : e.data);
      return returned_id(s);
    });
  }

  Result<std::vector<Event>> events_of(const std::string& entity, Id entity_id) override {
    return guarded("reading the history", [&]() -> Result<std::vector<Event>> {
      auto& s = c_.prepare(
          "SELECT id, at, actor, entity, entity_id, action, reason, data FROM events "
          "WHERE entity = ? AND entity_id = ? ORDER BY id");
      s.bind(1, entity);
      s.bind(2, entity_id);
      std::vector<Event> out;
      while (s.executeStep()) {
        out.push_back(Event{s.getColumn(0).getInt64(), timestamp_from_db(s.getColumn(1).getInt64()),
                            s.getColumn(2).getString(), s.getColumn(3).getString(),
                            s.getColumn(4).getInt64(), s.getColumn(5).getString(),
                            s.getColumn(6).getString(), s.getColumn(7).getString()});
      }
      return out;
    });
  }

  Result<Counts> counts() override {
    return guarded("counting records", [&]() -> Result<Counts> {
      auto& s = c_.prepare(
          "SELECT (SELECT count(*) FROM dossiers), (SELECT count(*) FROM scans), "
          "(SELECT count(*) FROM shipments), "
          "(SELECT count(*) FROM manual_queue WHERE status = 'open'), "
          "(SELECT count(*) FROM events)");
      s.executeStep();
      return Counts{s.getColumn(0).getInt64(), s.getColumn(1).getInt64(), s.getColumn(2).getInt64(),
                    s.getColumn(3).getInt64(), s.getColumn(4).getInt64()};
    });
  }

 private:
  Connection& c_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(std::unique_ptr<Connection> connection, std::filesystem::path path,
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
      std::unique_ptr<Connection>& connection;
      ~GiveBack() { store.give_back(std::move(connection)); }
    } give_back_on_exit{*this, *reader};
    return run(**reader, work, SQLite::TransactionBehavior::DEFERRED, "reading");
  }

 private:
  static constexpr std::size_t k_max_readers = 8;

  static Result<void> run(Connection& connection,
                          const std::function<Result<void>(Transaction&)>& work,
                          SQLite::TransactionBehavior behavior, std::string_view doing) {
    struct ResetOnExit {
      Connection& c;
      ~ResetOnExit() { c.reset_all(); }
    } reset_on_exit{connection};
    try {
      SQLite::Transaction transaction(connection.db(), behavior);
      SqliteTransaction tx(connection);
      Result<void> result = work(tx);
      connection.reset_all();
      if (!result) return result;  // the transaction's destructor rolls back
      transaction.commit();
      return {};
    } catch (const SQLite::Exception& e) {
      connection.reset_all();
      return sqlite_error(e, doing);
    }
  }

  Result<std::unique_ptr<Connection>> take_reader() {
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
      auto reader = std::make_unique<Connection>(path_, SQLite::OPEN_READWRITE, busy_timeout_ms_);
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

  void give_back(std::unique_ptr<Connection> reader) {
    {
      std::lock_guard lock(readers_mutex_);
      idle_.push_back(std::move(reader));
    }
    readers_free_.notify_one();
  }

  std::mutex mutex_;
  std::unique_ptr<Connection> connection_;
  const std::filesystem::path path_;
  const int busy_timeout_ms_;
  std::mutex readers_mutex_;
  std::condition_variable readers_free_;
  std::vector<std::unique_ptr<Connection>> idle_;
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
    auto connection = std::make_unique<Connection>(path, flags, options.busy_timeout_ms);
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
