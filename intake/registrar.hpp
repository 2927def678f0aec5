// Registration: what was read on an envelope becomes exactly one dossier. One transaction writes
// the scan, the inbound shipment, the dossier ("received by post") and the applicant when an ID
// card was read; a second scan of the same envelope joins that dossier's history instead. An
// envelope without a usable tracking number goes to the manual queue with its image and a reason.
// Knows nothing about how codes were read (see intake/envelope_reader.hpp) or about carriers' APIs.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "db/image_store.hpp"
#include "db/store.hpp"
#include "intake/classify.hpp"

namespace intake {

// Who is registering: recorded with every scan and event.
struct IntakeContext {
  std::string station = "cli";   // scanning station ("mailroom-1", "watch:/srv/scans")
  std::string actor = "system";  // the staff user, or the program acting on its own
};

// One envelope as seen once: the codes read (already classified) and the image they came from.
struct EnvelopeScan {
  std::string source_name;          // what staff recognise: the file name, or "stdin"
  std::vector<std::uint8_t> image;  // bytes of the file to keep; empty for a typed code
  std::string image_type;           // file extension for the kept image ("jpg", "pdf")
  int page = 0;                     // page of a multi-page file
  std::vector<Code> codes;
  std::string scan_error;        // why the scanner could not read the image; empty when it could
  common::Text scan_error_text;  // the same as a message, when there is one
  std::optional<db::Id> batch_id;
  // Taken at most once: a second registration with the same key returns the first one's result and
  // writes nothing (the hot folder uses "watch:<sha256 of file>"). Empty: no key.
  std::string idempotency_key;
};

// An envelope with an unknown tracking number that carries the code of one of the desk's dossiers
// (form 02 asks for it) is a supplement posted in an envelope of its own: it is joined to that
// dossier rather than registered as a new one.
enum class SupplementJoin {
  none,         // not a supplement envelope
  moved_on,     // joined; the dossier was waiting for it and moves on (supplement_received)
  not_waiting,  // joined; the dossier was not waiting for a supplement: an officer should look
};

// What the dossier's lifecycle does when a supplement for a dossier waiting for one
// (supplement_requested) arrives by post, inside the registration's write transaction: `filed_at`
// is the moment of filing (the batch's handover, docs/domain.md §1.2). Returns true iff the
// dossier moved on. intake does not know the state machine, nor depends on tracking/: `hoso` hands
// in tracking::receive_supplement_by_post (app/). A Registrar without one (tests of other
// things, benchmarks) joins every supplement and flags it for an officer (not_waiting).
using SupplementRule = std::function<common::Result<bool>(
    db::Transaction& tx, common::Timestamp now, db::Id dossier_id, common::Timestamp filed_at,
    const std::string& actor, const std::string& tracking_number)>;

struct Registration {
  db::ScanOutcome outcome = db::ScanOutcome::manual;
  bool replayed = false;  // the idempotency key had been used: this is the earlier result
  db::Id scan_id = 0;
  std::optional<db::Id> dossier_id;
  std::optional<db::Id> manual_id;
  std::string tracking_number;
  int scan_count = 0;  // scans of this envelope so far, this one included (0 for manual)
  // Set when this scan registered a supplement's envelope: its new shipment is the dossier's.
  SupplementJoin supplement = SupplementJoin::none;
  common::Text message;  // one line for the clerk, without personal data
};

// What a carrier handed over, as registered so far: the handover record ("Biên bản giao nhận").
// One item per envelope, so that the record's count and its rows agree; the counts by outcome
// (registered + already_registered + manual + resolved) add up to `envelopes`.
struct HandoverRecord {
  db::Batch batch;
  std::string received_by_name;   // the clerk's full name (staff user), else batch.received_by
  std::string received_by_title;  // the clerk's title (chức vụ), when the user has one
  // The receiving agency, as the other printed forms head it; empty when not configured.
  std::string agency_code;
  std::string agency_name;
  std::string agency_province;  // the place of "<place>, ngày ... tháng ... năm ..."
  struct Item {
    std::string tracking_number;  // empty for an envelope waiting in the manual queue
    std::optional<db::Id> dossier_id;
    std::string source_name;  // of the envelope's first scan in the batch
    bool typed = false;       // the number was typed (hand scanner or keyboard), no image
    db::ScanOutcome outcome = db::ScanOutcome::manual;  // of its first scan in the batch
    int scans = 1;  // scans of this envelope in the batch: 2 or more when it was rescanned
  };
  std::vector<Item> items;  // one per envelope, in the order of their first scan
  int envelopes = 0;        // items.size(): distinct envelopes (tracking numbers) plus manual items
  int registered = 0;       // new dossiers
  int already_registered = 0;           // registered before this batch
  int manual = 0;                       // still waiting for a person
  int resolved = 0;                     // were manual, resolved by staff typing the number
  int rescans = 0;                      // scans of an envelope already listed (not counted again)
  std::vector<std::string> missing;     // on the manifest, not scanned
  std::vector<std::string> unexpected;  // scanned, not on the manifest (only with a manifest)
};

class Registrar {
 public:
  // `classifier` re-reads kept codes (an ID card in a manual item being resolved). All references
  // must outlive the Registrar. Thread-safe when the Store is (the SQLite store is).
  // `supplement_rule` moves a dossier on when its supplement is joined (see SupplementRule).
  Registrar(db::Store& store, db::ImageStore& images, const Classifier& classifier,
            const common::Clock& clock, IntakeContext context, SupplementRule supplement_rule = {});

  // Registers one scan of an envelope. Returns the outcome (registered, already_registered or
  // manual); an envelope with an unknown number that carries the code of a dossier of this desk
  // (a dossier code, or a portal URL naming one; standard form first, then as read) is
  // registered as that dossier's supplement (Registration::supplement), in the same transaction:
  // its inbound shipment, a supplement_by_post event (supplement_unexpected when the dossier was
  // not waiting) and the SupplementRule's move; fails, writing nothing, only when the image cannot
  // be kept or the database refuses (io_error), when the desk has no agency configured
  // (invalid_argument), or when `scan.batch_id` names no handover batch (not_found). Two processes
  // registering the same envelope at once still produce one dossier.
  common::Result<Registration> register_envelope(const EnvelopeScan& scan);

  // Resolves an open manual-queue item with the tracking number a clerk typed, then registers the
  // kept scan under it like any other (joining an existing dossier when the envelope is known, or
  // as a supplement when its kept codes carry a dossier's code).
  // Fails, writing nothing, with bad_input when the typed text is not a valid tracking number (the
  // message says why, e.g. the expected check digit), not_found when the item does not exist or is
  // not open, io_error when the database refuses.
  common::Result<Registration> resolve_manual(db::Id manual_id, std::string_view typed);

  // Closes an open manual-queue item without registering anything (not a dossier envelope). Fails
  // with not_found when the item does not exist or is not open, io_error when the database refuses.
  common::Result<void> dismiss_manual(db::Id manual_id, const std::string& reason);

  // Opens the handover batch `name`, creating it with `handed_over_at` (the moment the dossiers
  // count as filed) and `manifest` (tracking numbers on the carrier's list) when new. Reopening an
  // existing batch continues it (an interrupted intake is rerun); a different non-empty manifest,
  // or (when `explicit_time`: the clerk typed it) a different handover time, for an existing batch
  // fails with invalid_argument; the database's refusal with io_error.
  common::Result<db::Batch> open_batch(const std::string& name, const std::string& carrier,
                                       common::Timestamp handed_over_at,
                                       const std::vector<std::string>& manifest,
                                       bool explicit_time = false);

  // Closes handover batch `batch_id` (the clerk is done scanning into it), or reopens it when
  // `state` is BatchState::open; each change is an event. Reopening makes the context's actor the
  // batch's receiving clerk (its open batch, the name on its record) when another clerk held it;
  // the event keeps who held it before. Returns the batch as it is now; doing what is done already
  // changes nothing. Fails with not_found when there is no such batch, io_error when the database
  // refuses.
  enum class BatchState { open, closed };
  common::Result<db::Batch> set_batch_state(db::Id batch_id, BatchState state);

  // Gives handover batch `batch_id` the carrier's manifest (tracking numbers on its delivery
  // list) when it has none, or (ManifestChange::replace) in place of the one it has; the same list
  // again changes nothing. Fails with conflict when the batch has a different manifest and
  // `change` is keep (batch_has_manifest), not_found when there is no such batch, io_error when
  // the database refuses.
  enum class ManifestChange { keep, replace };
  common::Result<db::Batch> set_manifest(db::Id batch_id, const std::vector<std::string>& manifest,
                                         ManifestChange change = ManifestChange::keep);

  // The record of handover batch `batch_id` as registered so far. Fails with not_found when there
  // is no such batch, io_error when the database refuses.
  common::Result<HandoverRecord> handover_record(db::Id batch_id);

  // The source name of a number typed at the desk (POST /api/scans/typed): no image file.
  static constexpr std::string_view k_typed_source = "typed";

 private:
  common::Result<db::Id> agency_id(db::Transaction& tx);

  db::Store& store_;
  db::ImageStore& images_;
  const Classifier& classifier_;
  const common::Clock& clock_;
  IntakeContext context_;
  SupplementRule supplement_rule_;
};

// A fresh citizen lookup code: 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L),
// from a cryptographic random source.
std::string new_lookup_code();

}  // namespace intake
