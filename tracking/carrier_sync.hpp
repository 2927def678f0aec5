// Carrier sync: asks the carrier where every shipment it may still move is, and stores what it says
// (events once each, the status of the latest event) in the same transaction as the change's trace
// in the event log. Also applies verified webhook deliveries the same way, remembering each to
// refuse it when it is sent again. Knows the database and the Carrier interface, not HTTP or any
// carrier's wire format.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "db/records.hpp"
#include "db/store.hpp"
#include "postal_api/carrier.hpp"

namespace tracking {

using common::Timestamp;

struct SyncProgress {
  int done = 0;   // numbers answered or given up on so far
  int total = 0;  // numbers to ask about
  int pass = 1;   // 1, then 2, 3 for the numbers whose answer failed
};

struct SyncOptions {
  // Rounds: a number whose answer failed is asked again in the next round. Each round asks only
  // the numbers still unanswered, so six cost little; against a carrier that garbles one item in
  // five small answers, three rounds left a number unanswered in about one sync in five.
  int passes = 6;
  int chunk = 2000;  // numbers per carrier call; each call's answers are stored in one transaction
  std::chrono::hours retire_after{24 * 90};  // shipments first seen longer ago are not asked
  std::string actor = "sync";                // who the event log names
  std::function<void(const SyncProgress&)> on_progress;  // called after each chunk; may be empty
};

// A shipment whose status the carrier changed.
struct StatusChange {
  db::Id shipment_id = 0;
  std::string tracking_number;
  db::Direction direction = db::Direction::inbound;
  std::optional<db::Id> dossier_id;
  std::string from;  // normalised status names
  std::string to;
  // Set when this change moved the dossier: a return shipment delivered (result_returned) or
  // brought back to the desk (return_failed).
  std::optional<db::DossierState> dossier_state;
  // Set when the shipment carries a letter (docs/domain.md §1.5b), not the result: its delivery
  // or return is an event of the dossier (letter_delivered, letter_returned), never a move.
  bool letter = false;
};

struct SyncReport {
  Timestamp started_at{};
  Timestamp finished_at{};
  int asked = 0;       // distinct tracking numbers
  int answered = 0;    // numbers the carrier answered about
  int not_found = 0;   // numbers the carrier does not know
  int new_events = 0;  // events stored by this run (repeats are not counted)
  std::vector<StatusChange> changes;
  std::map<std::string, common::Error> failures;  // numbers with no answer after every pass
  // Set when the carrier could no longer be asked and the run stopped early (carrier down, breaker
  // open, login refused): what was stored before stays, the rest is asked next time.
  std::optional<common::Error> stopped;
  postal_api::CallStats carrier_stats;  // the carrier client's counters at the end

  // True iff every number got an answer: then the run is recorded as the last successful sync.
  bool complete() const { return failures.empty() && !stopped; }
};

// Moves the dossier of return shipment `shipment_id` when that shipment is final (see above):
// delivered -> result_returned; returned, or cancelled at the carrier -> return_failed. Only the
// dossier's newest return shipment, only while the dossier is return_dispatched. Level-triggered:
// calling it again changes nothing. Returns the dossier's new state when it moved. A move the
// lifecycle refuses is logged and skipped (the dossier then waits for an officer); fails only when
// the database refuses. Used by sync, webhooks and the return dispatch itself (a retried dispatch
// can learn that its shipment is already final).
common::Result<std::optional<db::DossierState>> follow_return(db::Transaction& tx,
                                                              db::Id shipment_id, Timestamp now,
                                                              const std::string& actor);

// Setting key holding the time (ISO 8601) of the last complete sync with `carrier`.
std::string last_sync_setting(std::string_view carrier);

// A return shipment's news moves its dossier (docs/domain.md §1.5) in one transaction: delivered ->
// result_returned at the delivery time (tracking::Action::record_delivery); returned to the desk
// after the failed attempts -> return_failed, which waits for an officer
// (Action::record_return_failure). Only the dossier's newest return shipment counts, and only while
// the dossier is return_dispatched.
//
// Refreshes every shipment of carrier.name() the carrier may still move (see
// db::Transaction::shipments_to_sync). Idempotent: an event already stored is not stored again,
// events arriving out of order still leave the status of the latest one by time, and a run that was
// interrupted is finished by the next without duplicates. Nothing is written for numbers whose
// answer failed. Records `last_sync_setting` iff the report is complete(). Fails (with nothing
// written) only when the database refuses, or when the carrier could not be asked at all before
// any answer: its error (unavailable when it is down or the breaker is open, invalid_argument when
// it refused our login). Not thread-safe with itself on the same store: run one sync at a time
// (the store serialises writers, so it stays correct, just slower). Webhooks may be applied at the
// same time: each chunk re-reads the shipments it writes.
common::Result<SyncReport> sync_shipments(db::Store& store, postal_api::Carrier& carrier,
                                          const common::Clock& clock,
                                          const SyncOptions& options = {});

// What one webhook delivery changed.
struct WebhookOutcome {
  int shipments = 0;   // shipments with that number (0: not ours; the delivery is still accepted)
  int new_events = 0;  // 0 for a duplicate
  std::vector<StatusChange> changes;
};

// How long the desk remembers a webhook delivery after its SendDate: twice the most any carrier
// client accepts (postal_api::k_max_webhook_tolerance), so every delivery a client could still
// accept is remembered.
inline constexpr std::chrono::seconds k_webhook_memory = 2 * postal_api::k_max_webhook_tolerance;
// How many remembered deliveries older than that one webhook forgets at most: more than the one it
// adds, so the table shrinks back to the deliveries of the last k_webhook_memory, and each
// webhook's work stays bounded.
inline constexpr int k_webhook_forget_batch = 100;

// Stores a verified delivery (postal_api::Carrier::parse_webhook) like a poll answer, and
// remembers it (db::Transaction::remember_webhook_delivery) in the same transaction, so that the
// same delivery sent again is refused, also after a restart: it is applied and remembered, or
// neither. In that transaction it forgets at most k_webhook_forget_batch deliveries sent more than
// k_webhook_memory ago. Fails with bad_input, changing nothing, for a delivery already applied
// (message webhook_replayed) or sent more than k_webhook_memory ago (webhook_too_old: it may have
// been forgotten); internal when delivery.delivery_key is empty; the store's error when the
// database refuses. Thread-safe as the store is.
common::Result<WebhookOutcome> apply_webhook(db::Store& store, std::string_view carrier,
                                             const postal_api::WebhookDelivery& delivery,
                                             const common::Clock& clock,
                                             const std::string& actor = "webhook");

}  // namespace tracking
