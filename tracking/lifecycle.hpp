// The dossier's legal life (docs/domain.md §1, §4, §5): which action may follow which, the
// dossier code and deadline set on acceptance, the clock stopped for a supplement and restarted
// from zero when the complete dossier arrives, the one apology with a new date, and the lists of
// dossiers due soon or overdue. Each action is one write transaction that re-reads the dossier,
// checks the transition, updates it and appends one event. Knows the database, the calendar and the
// clock; it does not print documents, talk to carriers or know who the applicant is.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/calendar.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "db/records.hpp"
#include "db/store.hpp"
#include "tracking/transfers.hpp"

namespace tracking {

// What staff (or the return dispatch, tracking/dispatch) do to a dossier.
enum class Action {
  accept,                // received -> accepted: dossier code, due date, receipt (form 01)
  request_supplement,    // -> supplement_requested: the clock stops (form 02)
  supplement_received,   // the complete dossier arrived: back to where it was, deadline from zero
  refuse,                // received -> refused (form 03)
  start_processing,      // accepted -> in_process
  request_fees,          // in_process -> awaiting_fees (financial obligation)
  fees_paid,             // awaiting_fees -> in_process
  mark_processed,        // in_process -> processed: result ready
  withdraw,              // an open dossier -> withdrawn by the citizen
  stop,                  // an accepted open dossier -> processing stopped
  apologise,             // new appointment date, once, before the deadline (form 04)
  dispatch_return,       // processed or return_failed -> return_dispatched
  record_delivery,       // return_dispatched (or return_failed, handed over at the desk) ->
                         // result_returned
  record_return_failure  // return_dispatched -> return_failed: back at the desk, waits for an
                         // officer
};

// The stable snake_case name of `action` ("request_supplement"), as the CLI and messages show it.
std::string_view action_name(Action action);
std::optional<Action> parse_action(std::string_view name);
// The event `action` writes to the log, in the past tense (accepted, reappointed), and its name.
db::EventKind event_kind(Action action);
std::string_view event_name(Action action);

// Returns the actions allowed from `state` by the state machine, in a fixed order. Does not look
// at the apology's own conditions (once, before the deadline): apply() checks those.
std::vector<Action> allowed_actions(db::DossierState state);
// The same for one dossier, with the citizen's choice of how the result goes back
// (db::ResultDelivery, docs/domain.md §1.5): a result collected at the desk is never dispatched,
// and a processed one may be handed over at the desk (record_delivery, through
// tracking::record_collection).
std::vector<Action> allowed_actions(const db::Dossier& dossier);

// Succeeds iff the state machine allows `action` from the dossier's state (allowed_actions of the
// dossier); otherwise conflict with msg::dispatch_desk_collection for dispatching a result the
// citizen collects at the desk, or the message apply_action gives (the state, its national status,
// the allowed actions). For callers that must check before an outside call (the return dispatch
// asks the carrier before it writes).
common::Result<void> check_allowed(const db::Dossier& dossier, Action action);

// The dossier code of docs/domain.md §3: "<agency code>-YYMMDD-NNNN", e.g.
// dossier_code("000.00.05.H12", 2021-08-06, 1) == "000.00.05.H12-210806-0001". Requires day.ok()
// and sequence >= 1 (a sequence above 9999 takes more digits).
std::string dossier_code(std::string_view agency_code, common::Date day, int sequence);

struct ActionRequest {
  Action action = Action::accept;
  std::string actor;  // the staff user (or "sync", "dispatch") the event log names; required
  std::string reason;
  std::string procedure_code;  // accept: sets the procedure (the version in force on the filing
                               // date); empty keeps the dossier's own
  std::string missing;  // request_supplement: every missing document, listed at once; required
  std::optional<common::Date> new_date;  // apologise: the new appointment date; required
  // When it happened, if earlier than now: the complete dossier's arrival, the delivery time.
  // Not in the future, not before the dossier's filing or last change. Deadlines and the
  // acceptance day count from it; the apology rule does not.
  std::optional<common::Timestamp> at;
  // More facts for the event's data (a return tracking number, form numbers). Never personal data.
  std::vector<std::pair<std::string, std::string>> details;
  // record_delivery from processed: the result was handed over at the desk and its recipient is
  // recorded in the same transaction (tracking::record_collection sets it; without it, such a
  // delivery is refused with msg::collection_needs_recipient).
  bool handed_over_at_desk = false;
};

struct Transition {
  db::Dossier before;
  db::Dossier after;
  db::Id event_id = 0;
  // Set when the change went through but an officer should know something at once: a dossier
  // accepted after its deadline has passed, or accepted on a later day than the handover with
  // less than a working day left (docs/domain.md §5.2: the clock runs from the handover, not from
  // the acceptance). Empty otherwise.
  common::Text warning;
};

// Applies `request` to dossier `dossier_id` inside the caller's write transaction (so the return
// dispatch can store its shipment in the same unit of work). `now` is the recording time.
// Returns the dossier before and after. Fails with not_found when there is no such dossier;
// conflict when the action is not allowed from the dossier's state (the message names the
// state, its national status and the allowed actions: "dossier #12 is received (national status 1):
// allowed: accept, request_supplement, refuse, withdraw; cannot start_processing");
// invalid_argument when the request itself is wrong: a required field is missing (the actor, the
// missing documents of a supplement request, the reason of a refusal, a stop or an apology), `at`
// is in the future or before the dossier's last change, accept has no procedure or an unknown or
// not yet effective procedure code, or the apology breaks the rules of docs/domain.md §1.4 (a
// second one, overdue, less than 1 working day before the deadline, no due date, a new date not
// later than the old one or not a working day); internal when the dossier's agency is missing;
// with the database's errors otherwise.
// Writes nothing on failure when the caller rolls back on error (db::Store::write does).
common::Result<Transition> apply_action(db::Transaction& tx, common::Timestamp now,
                                        db::Id dossier_id, const ActionRequest& request);

// A supplement for dossier `dossier_id` arrived by post in an envelope of its own
// (`tracking_number`) and intake joined it to the dossier, inside the caller's write transaction.
// When the dossier waits for it (supplement_requested), applies supplement_received as apply_action
// does, as of `filed_at` (the carrier's handover, docs/domain.md §1.2; moved up to the dossier's
// last change when earlier, so a late-recorded request cannot refuse it), with the envelope's
// number in the event, and returns true. Any other state is left as it is: false. Fails as
// apply_action does. Intake calls it through intake::SupplementRule (wired by app/): intake does
// not know the state machine.
common::Result<bool> receive_supplement_by_post(db::Transaction& tx, common::Timestamp now,
                                                db::Id dossier_id, common::Timestamp filed_at,
                                                const std::string& actor,
                                                const std::string& tracking_number);

// True iff the deadline clock runs in `state` (accepted, in process, awaiting fees): the states
// the due list and the report's backlog look at.
bool deadline_runs(db::DossierState state);

// Where one dossier stands against its deadline, as the due list and the pages judge it.
enum class DeadlineStatus { none, due_soon, overdue };

// The due list's judgement at one moment: overdue before `as_of`, due soon until the end of the
// next working day by the desk's calendar. Lets a page judge one dossier, or count a desk's,
// without reading the whole due list.
struct DueHorizon {
  common::Timestamp as_of{};
  common::Timestamp due_soon_end{};  // the end of the next working day after as_of's day

  // none unless the deadline runs (deadline_runs) and due_at is set.
  DeadlineStatus of(const db::Dossier& dossier) const;
  // The dossiers with a running deadline due before `before` (for counting or listing).
  db::DossierFilter running_due_before(common::Timestamp before) const;
};

// The horizon at `as_of` with the calendar stored in the database.
common::Result<DueHorizon> due_horizon(db::Transaction& tx, common::Timestamp as_of);

// A dossier waiting for the citizen's supplement past the desk's period: Decree 118/2025
// Art. 19(5) has the desk close ("đóng hồ sơ") a dossier not completed within 15 days of the
// request (docs/domain.md §1.3). The period is the desk setting db::k_setting_supplement_wait_days,
// in calendar days (the text says "15 ngày", not working days), counted from the day after the
// request; the dossier may be closed from the start of the next day.
struct ExpiredSupplement {
  db::Dossier dossier;
  common::Timestamp requested_at{};  // the latest supplement request (its event)
  common::Timestamp closable_from{};
};

// Open dossiers with a running deadline (accepted, in process, awaiting fees), by due date.
struct DueReport {
  common::Timestamp as_of{};
  std::vector<db::Dossier> overdue;   // due_at < as_of
  std::vector<db::Dossier> due_soon;  // due today or on the next working day, not yet overdue
  // Results the carrier could not deliver and brought back (return_failed): each waits for an
  // officer (docs/domain.md §1.5), oldest change first.
  std::vector<db::Dossier> back_at_desk;
  // Results on their way whose return shipment the carrier reports lost or damaged (status
  // exception): an officer should ask the carrier, or issue the result again.
  std::vector<db::Dossier> return_in_trouble;
  // Dossiers received (handed over by the post) on an earlier day and still neither accepted nor
  // refused: their clock has been running since the handover (docs/domain.md §5.2), oldest first.
  std::vector<db::Dossier> not_accepted;
  // Dossiers whose supplement has not come within the desk's period (ExpiredSupplement), oldest
  // request first: the desk closes them (Lifecycle::close_expired_supplements).
  std::vector<ExpiredSupplement> supplement_expired;
  // Handovers still with another unit after that unit's deadline (Decree 118/2025 Art. 20(2);
  // docs/domain.md §1.4a), by deadline.
  std::vector<OverdueHandover> handovers_overdue;
};

// The desk's period for a supplement (db::k_setting_supplement_wait_days): 15 when unset; fails
// with invalid_argument (msg::supplement_wait_days_invalid) when it is not a whole number of days
// from 1 to 365.
common::Result<int> supplement_wait_days(db::Transaction& tx);
common::Result<int> parse_supplement_wait_days(std::string_view text);

// The dossiers of DueReport::supplement_expired at `as_of`, oldest request first.
common::Result<std::vector<ExpiredSupplement>> expired_supplements(db::Transaction& tx,
                                                                   common::Timestamp as_of);

// The start of `as_of`'s day at the desk: a dossier still received (not accepted) that was handed
// over before it waits since an earlier day (DueReport::not_accepted, the list's view
// "accept_late").
common::Timestamp acceptance_late_before(common::Timestamp as_of);

// The desk's lifecycle over a store. Thread-safe as the store is: every call is its own
// transaction.
class Lifecycle {
 public:
  Lifecycle(db::Store& store, const common::Clock& clock) : store_(store), clock_(clock) {}

  // apply_action in one write transaction at clock.now(); nothing is written on failure.
  common::Result<Transition> apply(db::Id dossier_id, const ActionRequest& request);

  // The overdue and due-soon lists at clock.now(), with the calendar stored in the database.
  common::Result<DueReport> due() const;

  // Stops (Action::stop, national status 8) every dossier of expired_supplements at clock.now(),
  // each in its own transaction, with the reason msg::supplement_expired_reason in Vietnamese (it
  // is printed on the stop notice, form 05). Returns the transitions made; a dossier another user
  // changed meanwhile is skipped (its supplement arrived, or it was closed already).
  common::Result<std::vector<Transition>> close_expired_supplements(const std::string& actor);

 private:
  db::Store& store_;
  const common::Clock& clock_;
};

// The desk's calendar as stored in the database (`hoso calendar`), with the default office hours.
common::Result<common::WorkingCalendar> load_calendar(db::Transaction& tx);

}  // namespace tracking
