// Postal items both ways, what the carrier said about each (append-only carrier events), the
// return orders written before a return shipment is ordered, and the webhook deliveries seen.
#include "db/detail/repository.hpp"

namespace db::detail {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;

constexpr char k_shipment_columns[] =
    "id, carrier, tracking_number, year, direction, status, dossier_id, first_seen_at, "
    "updated_at, synced_at, last_event_at, order_code, carrier_order_id, purpose";

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
  sh.purpose = r.next<ShipmentPurpose>();
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
    "id, dossier_id, carrier, order_code, receiver_fingerprint, state, created_at, closed_at, "
    "purpose";

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
  o.purpose = r.next<ShipmentPurpose>();
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
    return insert(
        "INSERT INTO shipments(carrier, tracking_number, year, direction, status, dossier_id, "
        "first_seen_at, updated_at, order_code, carrier_order_id, purpose) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        sh.carrier, sh.tracking_number, sh.year, sh.direction, sh.status, sh.dossier_id,
        sh.first_seen_at, sh.updated_at, sh.order_code, sh.carrier_order_id, sh.purpose);
  });
}

Result<std::vector<Shipment>> Repository::shipments_to_sync(const std::string& carrier,
                                                            Timestamp not_before, int limit) {
  return guarded(
      "listing shipments to ask the carrier about", [&]() -> Result<std::vector<Shipment>> {
        // The final statuses of docs/domain.md §7.6: the carrier will not move these again.
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
    return insert(
        "INSERT INTO return_orders(dossier_id, carrier, order_code, receiver_fingerprint, "
        "state, created_at, closed_at, purpose) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        o.dossier_id, o.carrier, o.order_code, o.receiver_fingerprint, o.state, o.created_at,
        o.closed_at, o.purpose);
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

// Portable SQL (SQLite and PostgreSQL alike): ON CONFLICT DO NOTHING, and a row-value IN for a
// bounded DELETE (neither engine has DELETE ... LIMIT by default).
Result<bool> Repository::remember_webhook_delivery(const std::string& carrier,
                                                   const std::string& delivery_key,
                                                   Timestamp sent_at, Timestamp received_at) {
  return guarded(
      fmt::format("remembering a webhook delivery of {}", carrier), [&]() -> Result<bool> {
        auto& s = query(
            "INSERT INTO webhook_deliveries(carrier, delivery_key, sent_at, received_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT(carrier, delivery_key) DO NOTHING",
            carrier, delivery_key, sent_at, received_at);
        return s.exec() == 1;
      });
}

Result<int> Repository::forget_webhook_deliveries(Timestamp sent_before, int limit) {
  return guarded("forgetting old webhook deliveries", [&]() -> Result<int> {
    return query(
               "DELETE FROM webhook_deliveries WHERE (carrier, delivery_key) IN ("
               "SELECT carrier, delivery_key FROM webhook_deliveries WHERE sent_at < ? "
               "ORDER BY sent_at LIMIT ?)",
               sent_before, static_cast<std::int64_t>(limit < 0 ? 0 : limit))
        .exec();
  });
}

}  // namespace db::detail
