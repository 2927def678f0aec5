// Return dispatch (docs/domain.md §1.5): a dossier whose result is ready goes back to the
// citizen by post. hoso orders a return shipment from the carrier (receiver = the applicant's
// return address and phone, sender = the desk), stores its tracking number and moves the dossier to
// "return dispatched", in one transaction after the carrier answered.
//
// Crash safety: before the carrier hears of an order, its code (`<dossier code>-R<n>`) is written
// as an open return order (db::ReturnOrder) with a fingerprint of the receiver; the carrier treats
// the same order code as the same order. A dispatch killed after the carrier created the shipment
// but before the database write is simply run again: it sends the same order code, gets the same
// shipment back and stores it. So a retry never makes two shipments for one dossier and never
// loses the one created. A retry after the receiver's details were corrected cancels the open
// order at the carrier first and sends a new one (R<n+1>); an order the dossier no longer needs
// (it moved while the carrier answered) is cancelled, and every error names the carrier's
// shipment when one exists.
//
// Letters back by post (docs/domain.md §1.5b): the desk posts the citizen its letters too, above
// all the refusal with the original documents (form 03), and the receipt, the supplement request,
// the apology and the stop notice (forms 01, 02, 04, 05). Each is a return shipment of its own with
// the same crash-safe order logic (order code `<dossier code>-L<form>-<n>`), marked with its
// purpose (db::ShipmentPurpose, schema v14); it never moves the dossier, and its delivery or
// return is an event of the dossier's history (follow_letter, called by carrier_sync).
//
// Knows the database, the lifecycle and the Carrier interface; not HTTP, not labels (see
// tracking/documents).
#pragma once

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "common/text.hpp"
#include "db/records.hpp"
#include "db/store.hpp"
#include "postal_api/carrier.hpp"

namespace tracking {

struct DispatchOptions {
  std::string actor;            // the staff user the event log names; required
  std::string service = "EMS";  // the carrier's service name
  int weight_grams = 200;       // a result envelope
  std::string content = "Kết quả giải quyết thủ tục hành chính";
};

// One dossier's return shipment.
struct Dispatched {
  db::Id dossier_id = 0;
  std::string dossier_code;
  std::string order_code;  // our reference, the carrier's idempotency key
  std::string tracking_number;
  std::int64_t price_vnd = 0;
  db::Id shipment_id = 0;
  bool already = false;  // it was dispatched before (by another run or station): nothing new
};

// The order code of the dossier's return shipment number `attempt` (1 for the first dispatch, 2
// after a failed delivery, ...): "000.00.05.H12-260302-0001-R1".
std::string return_order_code(std::string_view dossier_code, int attempt);

// Dispatches one dossier: state processed, or return_failed (a new attempt after a failed delivery,
// which an officer decides). Fails, leaving the dossier as it was, with: not_found (no such
// dossier); conflict when the state does not allow it (the lifecycle's code and message), also
// when the dossier moved while the carrier answered (the order is then cancelled at the carrier);
// invalid_argument when `options.actor` is empty, when the applicant's name, phone or address is
// missing (the message says which and how to add it with `hoso dossier applicant`), or the desk's
// own address is not set; the carrier's error when it refused or could not be reached
// (unavailable, timeout, invalid_argument: the dossier stays as it was and can be dispatched
// again later); internal when the carrier answers with another order code; the database's errors
// (io_error). Retrying after any failure, including a crash, is safe (see above).
// Thread-safe as the store and the carrier are; two stations dispatching the same dossier make one
// shipment (the second gets `already`).
common::Result<Dispatched> dispatch_return(db::Store& store, postal_api::Carrier& carrier,
                                           const common::Clock& clock, db::Id dossier_id,
                                           const DispatchOptions& options);

struct DispatchReport {
  std::vector<Dispatched> dispatched;
  std::map<db::Id, common::Error> failures;  // by dossier id
  // Set when the carrier could no longer be asked (down, breaker open): the dossiers not tried
  // stay processed and are dispatched by the next run.
  std::optional<common::Error> stopped;
  int not_tried = 0;
  int skipped = 0;  // no longer ready when their turn came (another station posted them)
};

// Every dossier whose result is ready (state processed), oldest first, at most `limit`; calls
// `on_each` after each dossier it tries (may be empty). A dossier that fails is reported and the
// others go on; a carrier that cannot be reached (unavailable), or a database that refuses
// (io_error), stops the run (`stopped`, with what was dispatched before kept in the report). A
// dossier no longer ready when its turn comes is skipped. Fails only when the first read of the
// list fails (the database's error).
// Dossiers whose delivery failed (return_failed) are not included: an officer decides each one.
common::Result<DispatchReport> dispatch_ready(
    db::Store& store, postal_api::Carrier& carrier, const common::Clock& clock,
    const DispatchOptions& options, int limit = 1000,
    const std::function<void(db::Id, const common::Result<Dispatched>&)>& on_each = {});

// What staff type from the consignment note so the result can go back: each set field replaces
// the stored one; unset fields are kept. Creates the applicant (source "typed") when the dossier
// has none, which then needs a full name.
struct ContactUpdate {
  std::optional<std::string> full_name;
  std::optional<std::string> id_number;
  std::optional<std::string> phone;
  std::optional<std::string> address;         // permanent address
  std::optional<std::string> return_address;  // where the result goes, when not the permanent one
};

// Stores the update and one event naming the fields changed (never their values: personal data
// stays out of the event log). Fails, writing nothing, with not_found (no such dossier),
// invalid_argument (a new applicant without a name, a phone that is not 8 to 15 digits, text
// longer than 300 characters, or contact details changed while the result is on its way:
// return_dispatched), or the database's errors (io_error).
common::Result<db::Applicant> update_contact(db::Store& store, const common::Clock& clock,
                                             db::Id dossier_id, const ContactUpdate& update,
                                             const std::string& actor);

// ---- Letters back by post (docs/domain.md §1.5b)

// The desk's letters a citizen may receive by post, by the names the CLI and the API use.
enum class LetterKind {
  receipt,     // "receipt": form 01, once the dossier is accepted
  supplement,  // "supplement": form 02, the latest supplement request
  refusal,     // "refusal": form 03, posted back with the original documents
  apology,     // "apology": form 04, the apology with the new date
  stop,        // "stop": form 05, the stop notice (a stop or a withdrawal)
};
inline constexpr std::array k_all_letter_kinds = {LetterKind::receipt, LetterKind::supplement,
                                                  LetterKind::refusal, LetterKind::apology,
                                                  LetterKind::stop};
std::optional<LetterKind> parse_letter_kind(std::string_view name);
std::string_view letter_kind_name(LetterKind kind);    // "refusal"
std::string_view letter_form_number(LetterKind kind);  // "03"
db::ShipmentPurpose letter_purpose(LetterKind kind);
// The letter a shipment of `purpose` carries; nullopt for the result.
std::optional<LetterKind> letter_of(db::ShipmentPurpose purpose);
// The letter's name in both languages ("Phiếu từ chối" / "refusal (form 03)").
const common::MessageDef& letter_label(LetterKind kind);
// What the envelope weighs by default: a refusal carries the original documents back.
int letter_weight_grams(LetterKind kind);
// The content the carrier's order declares (Vietnamese: the form's full title).
std::string_view letter_content(LetterKind kind);

struct LetterOptions {
  std::string actor;            // the staff user the event log names; required
  std::string service = "EMS";  // the carrier's service name
  int weight_grams = 0;         // 0: letter_weight_grams(kind)
  std::string content;          // empty: letter_content(kind)
};

// The order code of the `number`-th order of a letter of the dossier `reference` names (its
// dossier code, or "<agency code>-N<id>" before it has one): "000.00.05.H12-260302-0001-L03-1".
std::string letter_order_code(std::string_view reference, LetterKind kind, int number);

// Posts letter `kind` of dossier `dossier_id` back to the applicant (docs/domain.md §1.5b), with
// the order logic of dispatch_return: the open order is written before the carrier hears of it, a
// retry sends the same order code and stores the same shipment, never a second one. The letter's
// shipment is stored with its purpose and one `letter_dispatched` event (form, tracking number:
// never personal data) in one transaction; the dossier's state does not change. When the letter
// was posted already (a shipment of the same purpose for each of its occasions, e.g. each
// supplement request, not returned or cancelled by the carrier), returns that shipment with
// `already` and asks the carrier nothing. Fails, writing nothing but the open order, with:
// not_found (no such dossier); invalid_argument when the letter does not apply (the documents'
// messages: msg::form_not_refused, form_no_supplement, form_not_accepted, form_not_reappointed,
// form_not_stopped), when `options.actor` is empty, the applicant's name, phone or address is
// missing (msg::letter_applicant_missing), or the desk's address is not set; the carrier's error
// when it refused or could not be reached (a retry is safe); internal when the carrier answers with
// another order code; the database's errors. Thread-safe as the store and the carrier are.
common::Result<Dispatched> dispatch_letter(db::Store& store, postal_api::Carrier& carrier,
                                           const common::Clock& clock, db::Id dossier_id,
                                           LetterKind kind, const LetterOptions& options);

// One letter of a dossier as staff see it: which, its tracking number and the carrier's status.
struct PostedLetter {
  LetterKind kind = LetterKind::refusal;
  std::string tracking_number;
  std::string status;  // normalised carrier status
  common::Timestamp posted_at{};
};
// The letters among `shipments` (a dossier's), in the order they were posted.
std::vector<PostedLetter> posted_letters(const std::vector<db::Shipment>& shipments);

// A letter's shipment is final at the carrier: writes `letter_delivered` (delivered) or
// `letter_returned` (returned or cancelled) on its dossier, once (level-triggered: a second call
// finds the event and writes nothing), and never moves the dossier. Returns whether an event was
// written. Does nothing for other shipments. Fails only when the database refuses.
common::Result<bool> follow_letter(db::Transaction& tx, db::Id shipment_id, common::Timestamp now,
                                   const std::string& actor);

}  // namespace tracking
