// The records the registry stores, as plain structs: agencies, procedures, calendar days, scans and
// the codes read from them, shipments, dossiers, applicants, the manual queue, handover batches and
// the append-only event log. No SQL here: db/store.hpp says how they are read and written.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/calendar.hpp"
#include "common/clock.hpp"

namespace db {

using Id = std::int64_t;
using common::Date;
using common::Timestamp;

// The receiving agency: its code is the first part of every dossier code ("000.00.05.H12").
struct Agency {
  Id id = 0;
  std::string code;
  std::string name;
};

enum class TimeUnit { working_days, working_hours };
std::string_view time_unit_name(TimeUnit unit);
std::optional<TimeUnit> parse_time_unit(std::string_view name);

// An administrative procedure ("thủ tục hành chính") in the catalogue. A change of the processing
// time is a new version: each dossier keeps the version it was received under.
struct Procedure {
  Id id = 0;
  std::string code;  // national procedure code ("1.004227") or a local one ("DD-01")
  int version = 1;
  std::string name;   // Vietnamese, as published
  std::string field;  // "dat_dai" (land), "xay_dung" (construction), ...
  int time_amount = 0;
  TimeUnit time_unit = TimeUnit::working_days;
  Date effective_from{};
  // Schema v13 (docs/domain.md §5.5): the fees and charges the citizen pays ("phí, lệ phí"), in
  // đồng, 0 when free; and whether the procedure's own rules leave the time spent waiting for the
  // citizen's financial obligations out of the processing time (land procedures, for instance).
  std::int64_t fee_vnd = 0;
  bool fees_pause_clock = false;
  // The unit that decides it when that is not the desk (docs/domain.md §1.4a, schema v15): its
  // level ("province", "commune", "central"; free words of the catalogue) and name ("Sở Tài
  // nguyên và Môi trường thành phố Đà Nẵng"). Empty: the desk decides it itself.
  std::string competent_level;
  std::string competent_unit;
};

using common::CalendarDay;  // a day off, or a Saturday swapped to a working day
using common::DayKind;

enum class Direction {
  inbound,   // the citizen's dossier coming to the desk
  outbound,  // the result going back to the citizen
};
std::string_view direction_name(Direction direction);

// What an outbound shipment carries to the citizen (schema v14, docs/domain.md §1.5b): the result
// (tracking/dispatch), or one of the desk's letters posted back (tracking/letters): the receipt
// (form 01), the supplement request (02), the refusal with the original documents (03), the
// apology (04), the stop notice (05). Inbound envelopes keep the default, 'result'.
enum class ShipmentPurpose { result, receipt, supplement, refusal, apology, stop };
std::string_view shipment_purpose_name(ShipmentPurpose purpose);  // "result", "refusal", ...
std::optional<ShipmentPurpose> parse_shipment_purpose(std::string_view name);

// A postal item, identified by (carrier, tracking number, year of first sighting): carriers reuse
// numbers after 12 months (docs/domain.md §2.5).
struct Shipment {
  Id id = 0;
  std::string carrier;  // "vnpost", or a carrier name from samples/carriers/tracking_patterns.json
  std::string tracking_number;
  int year = 0;
  Direction direction = Direction::inbound;
  std::string status = "unknown";  // normalised (docs/domain.md §7.6): delivered, in_transit...
  std::optional<Id> dossier_id;
  Timestamp first_seen_at{};
  Timestamp updated_at{};
  std::optional<Timestamp> synced_at;      // the carrier last answered about it (any answer)
  std::optional<Timestamp> last_event_at;  // time of its latest carrier event
  // A return shipment hoso ordered: our order code (the carrier's idempotency key, unique per
  // carrier) and the carrier's order id (to cancel it). Empty for inbound envelopes.
  std::string order_code;
  std::string carrier_order_id;
  ShipmentPurpose purpose = ShipmentPurpose::result;  // schema v14; outbound shipments only
};

// True iff `s` is a return shipment of the dossier's result (not a letter, not an envelope in).
inline bool is_result_return(const Shipment& s) {
  return s.direction == Direction::outbound && s.purpose == ShipmentPurpose::result;
}

// Where a carrier event came from.
enum class EventSource { poll, webhook, manual };
std::string_view event_source_name(EventSource source);
std::optional<EventSource> parse_event_source(std::string_view name);

// One thing the carrier said happened to a shipment (postal_api::TrackingEvent, stored).
struct CarrierEvent {
  Id id = 0;
  Id shipment_id = 0;
  std::string key;  // identity of the happening; (shipment_id, key) is unique
  Timestamp occurred_at{};
  std::string carrier_code;  // the carrier's status code
  std::string status;        // normalised status
  std::string location_code;
  std::string location;
  std::string description;
  EventSource source = EventSource::poll;
  Timestamp recorded_at{};
};

// Where a dossier is in its legal life. Its national status code (docs/domain.md §4) follows.
enum class DossierState {
  received,              // received by post, not yet accepted (national 1)
  accepted,              // 2
  refused,               // 3
  in_process,            // 4
  supplement_requested,  // 5
  awaiting_fees,         // 6 (financial obligation)
  withdrawn,             // 7
  stopped,               // 8
  processed,             // 9: result ready
  return_dispatched,     // 9: result handed to the carrier
  return_failed,         // 9: the carrier brought the result back to the desk
  result_returned,       // 10
};
std::string_view dossier_state_name(DossierState state);
std::optional<DossierState> parse_dossier_state(std::string_view name);
int national_status_code(DossierState state);

inline constexpr int k_channel_postal = 3;  // channel codes: 1 in person, 2 online, 3 by post

// How the result goes back to the citizen, as the citizen chose (docs/domain.md §1.5): posted
// back (the default for a dossier received by post) or collected at the desk.
enum class ResultDelivery {
  post,  // "qua bưu điện": tracking/dispatch posts it
  desk,  // "tại Trung tâm": the citizen (or an authorised person) collects it
};
std::string_view result_delivery_name(ResultDelivery delivery);  // "post", "desk"
std::optional<ResultDelivery> parse_result_delivery(std::string_view name);

struct Dossier {
  Id id = 0;
  std::optional<std::string> code;  // "mã hồ sơ", generated on acceptance
  Id agency_id = 0;
  std::optional<Id> procedure_id;
  std::optional<int> procedure_version;
  int channel = k_channel_postal;
  DossierState state = DossierState::received;
  Timestamp filed_at{};  // the carrier's handover to the desk: the deadline clock starts here
  std::optional<Timestamp> due_at;
  // When the complete dossier arrived after a supplement request: the deadline restarts from here
  // (NĐ 61/2018 Art. 19). Unset: it counts from filed_at.
  std::optional<Timestamp> clock_started_at;
  std::string lookup_code;  // short random code printed for the citizen
  int supplement_count = 0;
  bool reappointed = false;
  std::string portal_code;  // a dossier code read on the envelope (portal receipt QR), if any
  Timestamp created_at{};
  Timestamp updated_at{};
  ResultDelivery result_delivery = ResultDelivery::post;  // schema v12
};

// Who received the result at the desk (schema v12): the citizen or a person they authorised,
// named and identified as the clerk typed them. Personal data, kept like the applicant's: shown
// to staff and printed on the handover record only, never logged.
enum class RecipientKind { citizen, authorised };
std::string_view recipient_kind_name(RecipientKind kind);  // "citizen", "authorised"
std::optional<RecipientKind> parse_recipient_kind(std::string_view name);

// How a fee was paid (docs/domain.md §5.5): at the desk, to the postman who collects it on the
// desk's behalf (Decision 45/2016 Art. 6(6)), or online (the portal's payment, Decree 118 Art. 24).
enum class PaymentMethod { desk, post, online };
std::string_view payment_method_name(PaymentMethod method);  // "desk", "post", "online"
std::optional<PaymentMethod> parse_payment_method(std::string_view name);

// One receipt of a fee or charge paid for a dossier (schema v13). The payer's name is personal
// data: shown to staff and printed, never logged.
struct FeeReceipt {
  Id id = 0;
  Id dossier_id = 0;
  std::int64_t amount_vnd = 0;
  std::string payer;
  std::string receipt_number;  // the receipt's number ("biên lai" or e-invoice), as printed
  PaymentMethod method = PaymentMethod::desk;
  Timestamp paid_at{};
  std::string recorded_by;  // the staff user, as the event log names
};

struct ResultCollection {
  Id dossier_id = 0;
  Timestamp collected_at{};
  std::string officer;  // the staff user who handed it over (login, as the event log names)
  RecipientKind recipient_kind = RecipientKind::citizen;
  std::string recipient_name;
  std::string recipient_id_number;
};

// One handover of a dossier between units (docs/domain.md §1.4a, schema v15; due_at v16): from the
// desk to the competent unit, on between units, or back to the desk (back_to_desk). `actor` is the
// staff user who recorded it: the one who handed over when from_unit is the desk, the one who
// received when back_to_desk. from_person and to_person are the other unit's people as typed:
// personal data, for staff and form 06 only.
struct UnitHandover {
  Id id = 0;
  Id dossier_id = 0;
  Timestamp at{};
  std::string from_unit;
  std::string from_person;
  std::string to_unit;
  std::string to_person;
  std::string note;
  std::string actor;
  bool back_to_desk = false;
  // The receiving unit's deadline ("thời hạn giải quyết của từng cơ quan", Decree 118/2025 Art.
  // 20(2); docs/domain.md §1.4a); nullopt for a handover back to the desk or when none was given.
  std::optional<Timestamp> due_at;
};

// The applicant's identity, as read from the chip ID card QR or typed by staff. Personal data:
// shown only to staff, never logged.
struct Applicant {
  Id id = 0;
  Id dossier_id = 0;
  std::string id_number;
  std::string old_id_number;
  std::string full_name;
  std::optional<Date> birth_date;
  std::string sex;
  std::string address;  // permanent address (on the ID card)
  std::optional<Date> issue_date;
  std::string source;  // "id_card_qr" or "typed"
  std::string phone;   // for the carrier: a return shipment needs the receiver's phone
  // Where the result goes back to, when not the permanent address (from the consignment note).
  std::string return_address;
};

enum class ScanOutcome {
  registered,          // this scan created the dossier
  already_registered,  // the envelope was known: the scan joined its history
  manual,              // a person must look (see the manual queue)
  resolved,            // was manual; staff typed the tracking number
};
std::string_view scan_outcome_name(ScanOutcome outcome);
std::optional<ScanOutcome> parse_scan_outcome(std::string_view name);

// One code read in a scan (one symbol, or one typed line).
struct ScanCode {
  int seq = 0;
  std::string format;  // "Code128", "QRCode", ... or "typed"
  std::string kind;    // intake::code_kind_name
  // As read (valid UTF-8, bounded length). For an ID card of a registered envelope, only a
  // placeholder: the identity lives in the applicant record.
  std::string text;
  std::string tracking_number;
  std::string problem;
};

// One scan of an envelope (an image file or page, or a line from a hand scanner).
struct Scan {
  Id id = 0;
  Timestamp scanned_at{};
  std::string station;      // which scanning station or user
  std::string source_name;  // file name or "stdin"
  std::string image_hash;   // SHA-256 of the image in the image store; empty without an image
  std::string image_type;   // file extension of the kept image ("jpg", "pdf")
  int page = 0;
  std::string scan_error;  // what the scanner said when it could not read the image
  std::optional<Id> batch_id;
  std::optional<Id> shipment_id;
  std::optional<Id> dossier_id;
  ScanOutcome outcome = ScanOutcome::manual;
  std::string idempotency_key;  // e.g. the hot folder's "watch:<sha256>"; empty when none
  std::vector<ScanCode> codes;
};

enum class ManualStatus { open, resolved, dismissed };
std::string_view manual_status_name(ManualStatus status);
std::optional<ManualStatus> parse_manual_status(std::string_view name);

// An envelope a person must look at: unreadable, no tracking number, a wrong check digit, or two
// tracking numbers on one envelope.
struct ManualItem {
  Id id = 0;
  Id scan_id = 0;
  std::string reason_code;  // unreadable, no_tracking_number, bad_check_digit, ambiguous, ...
  std::string reason;       // a sentence for the clerk
  ManualStatus status = ManualStatus::open;
  Timestamp created_at{};
  std::optional<Timestamp> resolved_at;
  std::string resolved_by;
  std::optional<Id> dossier_id;
};

// A carrier's delivery to the desk: the handover record ("Biên bản giao nhận hồ sơ").
struct Batch {
  Id id = 0;
  std::string name;
  std::string carrier;
  Timestamp handed_over_at{};
  std::string received_by;
  std::vector<std::string> manifest;   // tracking numbers on the carrier's list, if one was given
  std::optional<Timestamp> closed_at;  // nullopt while the clerk is still scanning into it
  std::string closed_by;
  int scans = 0;  // scans registered in the batch (read by list_batches only)
};

// An order for a return shipment that hoso sends (or is about to send) to the carrier, written
// before the call: the trace that the carrier may hold it, and the order code a retry must reuse.
enum class ReturnOrderState {
  open,       // sent or about to be: the carrier may hold it; a retry sends the same code
  stored,     // the carrier's answer is stored as the dossier's return shipment
  cancelled,  // cancelled at the carrier (the receiver changed, or the dossier moved meanwhile)
};
std::string_view return_order_state_name(ReturnOrderState state);
std::optional<ReturnOrderState> parse_return_order_state(std::string_view name);

struct ReturnOrder {
  Id id = 0;
  Id dossier_id = 0;
  std::string carrier;
  std::string order_code;
  // A hash of the receiver (name, phone, address) the order was made for: a retry for a changed
  // receiver must not reuse the order. Not personal data itself.
  std::string receiver_fingerprint;
  ReturnOrderState state = ReturnOrderState::open;
  Timestamp created_at{};
  std::optional<Timestamp> closed_at;
  ShipmentPurpose purpose = ShipmentPurpose::result;  // schema v14: the result or a letter
};

// One line of the append-only history. Written in the same transaction as the change it records.
// A staff member who logs in to `hoso serve`. What the role allows is access/'s business.
struct User {
  Id id = 0;
  std::string login;  // lower case: [a-z0-9._-]
  std::string name;   // full name, as the pages and the printed forms show it
  std::string title;  // chức vụ ("Chuyên viên"), under the name on forms; may be empty
  std::string role;   // "mailroom", "officer" or "admin"
  std::string password_hash;  // Argon2id in libsodium's crypto_pwhash_str format
  bool disabled = false;
  Timestamp created_at{};
  Timestamp password_changed_at{};
};

// A logged-in browser. The cookie's value is never stored: only its SHA-256.
struct Session {
  std::string token_hash;
  Id user_id = 0;
  std::string csrf_token;  // sent back by the page in X-CSRF-Token on every change
  Timestamp created_at{};
  Timestamp expires_at{};
};

// A scanning station's API token (stored as its SHA-256; always the mailroom role).
struct ApiToken {
  Id id = 0;
  std::string name;  // "mailroom-1"
  std::string token_hash;
  std::string role = "mailroom";
  std::string created_by;
  Timestamp created_at{};
  std::optional<Timestamp> revoked_at;
  std::optional<Timestamp> last_used_at;
};

// What an event of the log records. One vocabulary for every writer and reader; stored by its
// name (an unknown name read back is an internal error).
enum class EventKind {
  // A dossier's life (entity "dossier").
  received_by_post,        // the envelope registered: the dossier exists
  applicant_added,         // from the ID card's QR
  applicant_updated,       // contact details entered or corrected by staff
  return_order_cancelled,  // an open return order at the carrier cancelled (new receiver)
  scanned_again,           // the envelope scanned once more
  supplement_by_post,      // a supplement's envelope joined to its dossier, which was waiting
  supplement_unexpected,   // the same, while the dossier was not waiting: an officer looks
  accepted,
  supplement_requested,
  supplement_received,
  refused,
  processing_started,
  fees_requested,
  fees_paid,
  processed,
  withdrawn,
  stopped,
  reappointed,
  return_dispatched,
  result_returned,
  return_failed,
  result_delivery_changed,  // the citizen's choice of post or desk for the result (from -> to)
  fee_recorded,             // a fee receipt recorded (amount, receipt number, how paid; no payer)
  // A letter posted back (docs/domain.md §1.5b): handed to the carrier, delivered, or back at the
  // desk undelivered. None of them moves the dossier.
  letter_dispatched,
  letter_delivered,
  letter_returned,
  transferred,         // handed to another unit (docs/domain.md §1.4a; data: from/to unit)
  returned_from_unit,  // back at the desk from another unit (data: from_unit)
  // Shipments, the mailroom, the desk's setup, staff accounts.
  registered,      // a shipment registered
  carrier_status,  // a shipment's status changed at the carrier
  queued,          // an envelope put in the manual queue
  resolved,        // a manual item resolved by a typed tracking number
  dismissed,       // a manual item dismissed, with a reason
  handed_over,     // a handover batch opened
  batch_closed,    // the clerk closed a handover batch (done scanning into it)
  batch_reopened,  // a closed handover batch opened again to scan into
  manifest_added,  // the carrier's delivery list given to a batch after it was opened
  initialised,     // `hoso init`
  day_set,         // a calendar day set (off or working)
  day_removed,     // a calendar change taken back
  user_added,
  name_changed,
  title_changed,  // a staff user's title (chức vụ) set, changed or cleared
  role_changed,
  password_changed,
  user_disabled,
  user_enabled,
  logged_in,
  logged_out,
  token_created,
  token_revoked,
};
std::string_view event_kind_name(EventKind kind);
std::optional<EventKind> parse_event_kind(std::string_view name);
// Every kind, in the order above (for label tables and their tests).
std::span<const EventKind> all_event_kinds();
// Every state and scan outcome, in declaration order.
std::span<const DossierState> all_dossier_states();
std::span<const ScanOutcome> all_scan_outcomes();

struct Event {
  Id id = 0;
  Timestamp at{};
  std::string actor;
  std::string entity;  // "dossier", "shipment", "scan", "manual", "batch", "calendar", "procedure"
  Id entity_id = 0;
  EventKind action = EventKind::received_by_post;
  std::string reason;
  std::string data;  // JSON object with details; never personal data
};

}  // namespace db
