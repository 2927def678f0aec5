// postal_api::Carrier: what hoso asks of a postal carrier (where are these items, send this result
// back, cancel that order, is this push really from you), in carrier-neutral terms. Knows nothing
// about dossiers or the database; adapters (vnpost.hpp) speak one carrier's HTTP API behind it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace postal_api {

using common::Timestamp;

// Normalised shipment statuses (docs/domain.md §7.6), the same for every carrier.
enum class ShipmentStatus {
  pending,           // known to us, not yet to the carrier
  info_received,     // the carrier has the order, not the item
  picked_up,         // the carrier has collected the item
  in_transit,        // between post offices (includes "arrived at the delivery office")
  out_for_delivery,  // with the postman
  delivery_failed,   // an attempt failed; another may follow
  delivered,         // final
  return_to_sender,  // on its way back to the sender
  returned,          // final: back with the sender
  cancelled,         // final: the order was cancelled before collection
  exception,         // lost, damaged or held; needs a person
  unknown,           // the carrier said something the status table does not know
};

// "in_transit". Stable: stored in the database and sent in JSON.
std::string_view status_name(ShipmentStatus status);
// Inverse of status_name; nullopt for anything else.
std::optional<ShipmentStatus> parse_status(std::string_view name);
// True for delivered, returned and cancelled: the carrier will not move the item again.
bool is_final(ShipmentStatus status);

// One thing that happened to an item, as the carrier reported it.
struct TrackingEvent {
  Timestamp time{};          // when it happened (carrier local time read as UTC+7)
  std::string carrier_code;  // the carrier's own status code, e.g. "91"
  ShipmentStatus status = ShipmentStatus::unknown;  // carrier_code through the status table
  std::string location_code;                        // post office code, e.g. "100000"; may be empty
  std::string location;     // post office name, e.g. "Bưu cục Hà Nội"; may be empty
  std::string description;  // the carrier's text, e.g. "Phát không thành công: vắng nhà"

  // Identity of the event for idempotent storage: the same happening reported twice (by polling
  // and by webhook, or duplicated by the carrier) has the same key.
  std::string key() const;
};

// The order of events on an item's journey: by time, and between events of the same time by
// stage (the enum's order: a delivery after its "out for delivery"), then by carrier code and
// place, so every reader of the same events picks the same latest one whatever order they came in.
bool happened_before(const TrackingEvent& a, const TrackingEvent& b);

// Where one item is, as of one tracking request.
struct TrackedItem {
  std::string tracking_number;                      // S10, e.g. "EB123456785VN"
  ShipmentStatus status = ShipmentStatus::unknown;  // status of the latest event by time
  std::vector<TrackingEvent> events;                // sorted by time, duplicates removed
};

// The answer to track(): every number asked about lands in exactly one of the three.
struct TrackingReport {
  std::vector<TrackedItem> items;                 // answered
  std::vector<std::string> unknown_numbers;       // the carrier does not know them
  std::map<std::string, common::Error> failures;  // number → why it has no answer this time
};

// A person or office at one end of a shipment. Personal data: never logged.
struct Party {
  std::string name;
  std::string phone;
  std::string address;  // street address, ward, district, province as one line
  int province_id = 0;  // carrier's administrative unit ids; 0 when unknown
  int district_id = 0;
  int ward_id = 0;
};

// A shipment hoso asks the carrier to carry (the result going back to a citizen).
struct ShipmentOrder {
  std::string order_code;  // our reference and idempotency key: the same code twice is one order
  std::string service = "EMS";  // carrier service name, e.g. "EMS", "BK"
  Party sender;
  Party receiver;
  std::string content;  // what is inside, e.g. "Kết quả giải quyết TTHC"
  int weight_grams = 200;
  int length_cm = 0, width_cm = 0, height_cm = 0;
};

// What the carrier answered to an order: enough to print a label and track it.
struct CreatedShipment {
  std::string carrier_order_id;  // the carrier's id, needed to cancel
  std::string tracking_number;   // S10 with a valid check digit
  std::string order_code;        // echoes ShipmentOrder::order_code
  std::int64_t price_vnd = 0;    // total freight
  ShipmentStatus status = ShipmentStatus::info_received;
  std::map<std::string, std::string> label;  // extra label fields the carrier returned
};

// One HTTP request as the web server received it, for parse_webhook.
struct WebhookRequest {
  std::map<std::string, std::string> headers;  // names lower-case
  std::string body;
};

// The most a webhook's SendDate may be from our clock, for any carrier and any configuration
// (CarrierConfig::webhook_tolerance is at most this): a Carrier refuses an older or later push as
// stale, so the desk need not remember a delivery longer than twice this after its SendDate.
inline constexpr std::chrono::seconds k_max_webhook_tolerance{24 * 3600};

// What a verified webhook delivery said, and which delivery it was.
struct WebhookDelivery {
  std::string tracking_number;
  TrackingEvent event;
  Timestamp sent_at{};  // the carrier's SendDate
  // What identifies this delivery (not its event): the lower-case hex SHA-256 of its decoded
  // signature. The same signed push sent again has the same key; the carrier's retry of an event
  // is a new delivery (a new SendDate, so a new signature) with another key. The desk remembers
  // the keys it applied (tracking::apply_webhook) to refuse a replay, across restarts too.
  std::string delivery_key;
};

// What a carrier client has done since it was made, for progress lines and the benchmark.
struct CallStats {
  std::int64_t requests = 0;         // HTTP requests sent, retries included
  std::int64_t retries = 0;          // requests that repeated an earlier one
  std::int64_t failed_requests = 0;  // requests that failed after every retry
  std::int64_t relogins = 0;         // logins after a 401
  std::int64_t breaker_opened = 0;   // times the circuit breaker opened
};

// A carrier. Implementations are thread-safe: one instance may be used by several threads (the
// server's sync job and its webhook endpoint) at once. No method throws; failures are values:
//   ErrorCode::unavailable   the carrier cannot be reached, keeps failing, or the circuit breaker
//                            is open (the message says until when)
//   ErrorCode::timeout       the carrier did not answer in time after every retry
//   ErrorCode::bad_input     the carrier's answer is malformed (the message names the field), or a
//                            webhook is unsigned, badly signed or stale
//   ErrorCode::invalid_argument  the request itself is wrong (e.g. the carrier refused the order
//                            for a missing address; the carrier's message is quoted)
class Carrier {
 public:
  virtual ~Carrier() = default;

  // Short name stored with shipments, e.g. "vnpost".
  virtual std::string_view name() const = 0;

  // Asks where each number is. Batches and parallelises the requests itself. Fails as a whole
  // only when nothing could be asked (breaker open, login refused); otherwise each number is in
  // the report's items, unknown_numbers or failures, so a partial answer keeps the good part.
  virtual common::Result<TrackingReport> track(
      const std::vector<std::string>& tracking_numbers) = 0;

  // Creates a shipment. Calling it again with the same order_code returns the same shipment.
  virtual common::Result<CreatedShipment> create_shipment(const ShipmentOrder& order) = 0;

  // Cancels an order not yet collected. Fails with invalid_argument when the carrier refuses.
  virtual common::Result<void> cancel(const std::string& carrier_order_id) = 0;

  // Verifies a push from the carrier and returns what it says, with its delivery_key and sent_at.
  // Fails with bad_input for a missing or wrong signature or a stale send date. Remembers nothing:
  // a delivery sent again is returned again with the same delivery_key, and refusing it as a
  // replay is the caller's job, in the transaction that applies it (tracking::apply_webhook), so
  // that the memory survives a restart and a delivery that could not be stored is not refused
  // when the carrier sends it again. The same event in a new, correctly signed delivery has a new
  // key: storing it is idempotent (TrackingEvent::key).
  virtual common::Result<WebhookDelivery> parse_webhook(const WebhookRequest& request) = 0;

  // Counters since construction. Thread-safe.
  virtual CallStats stats() const = 0;
};

}  // namespace postal_api
