#include "tracking/lifecycle.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <nlohmann/json.hpp>

#include "db/settings.hpp"
#include "tracking/detail/document_text.hpp"
#include "tracking/labels.hpp"
#include "tracking/messages.hpp"

namespace tracking {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;
using common::Timestamp;
using db::DossierState;

constexpr std::array<std::pair<Action, std::string_view>, 14> k_action_names = {{
    {Action::accept, "accept"},
    {Action::request_supplement, "request_supplement"},
    {Action::supplement_received, "supplement_received"},
    {Action::refuse, "refuse"},
    {Action::start_processing, "start_processing"},
    {Action::request_fees, "request_fees"},
    {Action::fees_paid, "fees_paid"},
    {Action::mark_processed, "mark_processed"},
    {Action::withdraw, "withdraw"},
    {Action::stop, "stop"},
    {Action::apologise, "apologise"},
    {Action::dispatch_return, "dispatch_return"},
    {Action::record_delivery, "record_delivery"},
    {Action::record_return_failure, "record_return_failure"},
}};

}  // namespace

db::EventKind event_kind(Action action) {
  switch (action) {
    case Action::accept:
      return db::EventKind::accepted;
    case Action::request_supplement:
      return db::EventKind::supplement_requested;
    case Action::supplement_received:
      return db::EventKind::supplement_received;
    case Action::refuse:
      return db::EventKind::refused;
    case Action::start_processing:
      return db::EventKind::processing_started;
    case Action::request_fees:
      return db::EventKind::fees_requested;
    case Action::fees_paid:
      return db::EventKind::fees_paid;
    case Action::mark_processed:
      return db::EventKind::processed;
    case Action::withdraw:
      return db::EventKind::withdrawn;
    case Action::stop:
      return db::EventKind::stopped;
    case Action::apologise:
      return db::EventKind::reappointed;
    case Action::dispatch_return:
      return db::EventKind::return_dispatched;
    case Action::record_delivery:
      return db::EventKind::result_returned;
    case Action::record_return_failure:
      return db::EventKind::return_failed;
  }
  return db::EventKind::processed;
}

std::string_view event_name(Action action) { return db::event_kind_name(event_kind(action)); }

namespace {

// Where each action leads; supplement_received and apologise are decided in apply_action.
DossierState target_of(Action action, DossierState from) {
  switch (action) {
    case Action::accept:
      return DossierState::accepted;
    case Action::request_supplement:
      return DossierState::supplement_requested;
    case Action::refuse:
      return DossierState::refused;
    case Action::start_processing:
    case Action::fees_paid:
      return DossierState::in_process;
    case Action::request_fees:
      return DossierState::awaiting_fees;
    case Action::mark_processed:
      return DossierState::processed;
    case Action::withdraw:
      return DossierState::withdrawn;
    case Action::stop:
      return DossierState::stopped;
    case Action::dispatch_return:
      return DossierState::return_dispatched;
    case Action::record_delivery:
      return DossierState::result_returned;
    case Action::record_return_failure:
      return DossierState::return_failed;
    case Action::supplement_received:
    case Action::apologise:
      return from;
  }
  return from;
}

// States in which the deadline clock runs.
constexpr std::array k_running_states = {DossierState::accepted, DossierState::in_process,
                                         DossierState::awaiting_fees};

std::string format_due(const std::optional<Timestamp>& due) {
  if (!due) return "none";
  return common::format_local(*due).substr(0, 16);  // "2026-03-09 17:00"
}

common::Error not_allowed(const db::Dossier& d, Action action) {
  std::vector<Action> left;
  for (Action a : allowed_actions(d)) {
    if (a == Action::apologise && d.reappointed) continue;  // used up (docs/domain.md §1.4)
    left.push_back(a);
  }
  common::Text allowed{msg::no_action_allowed};
  if (!left.empty()) {
    // "a, b, c" as nested texts: the last label, then each earlier one in front of it.
    const auto quoted = [](Action a) {
      return common::Text{msg::quoted, {{"label", common::Text{action_label(a)}}}};
    };
    common::Text list = quoted(left.back());
    for (auto it = std::next(left.rbegin()); it != left.rend(); ++it) {
      list = common::Text{msg::list_more, {{"first", quoted(*it)}, {"rest", std::move(list)}}};
    }
    allowed = common::Text{msg::allowed_actions_are, {{"actions", std::move(list)}}};
  }
  return make_error(ErrorCode::conflict, msg::action_not_allowed,
                    {{"id", d.id},
                     {"state", common::Text{state_label(d.state)}},
                     {"status", db::national_status_code(d.state)},
                     {"allowed", std::move(allowed)},
                     {"action", common::Text{action_label(action)}}});
}

Timestamp due_after(const common::WorkingCalendar& calendar, const db::Procedure& procedure,
                    Timestamp start) {
  switch (procedure.time_unit) {
    case db::TimeUnit::working_days:
      return calendar.due_after_working_days(start, procedure.time_amount);
    case db::TimeUnit::working_hours:
      return calendar.due_after_working_hours(start, procedure.time_amount);
  }
  return calendar.due_after_working_days(start, procedure.time_amount);
}

// The version of procedure `code` in force on `day`: the latest effective_from on or before it.
Result<db::Procedure> procedure_in_force(db::Transaction& tx, const std::string& code,
                                         common::Date day) {
  TRY_ASSIGN(auto all, tx.list_procedures());
  std::optional<db::Procedure> best;
  std::optional<db::Procedure> earliest;
  for (const db::Procedure& p : all) {
    if (p.code != code) continue;
    if (!earliest || p.effective_from < earliest->effective_from) earliest = p;
    if (p.effective_from > day) continue;
    if (!best || p.effective_from > best->effective_from ||
        (p.effective_from == best->effective_from && p.version > best->version)) {
      best = p;
    }
  }
  if (best) return *best;
  if (earliest) {
    return make_error(ErrorCode::invalid_argument, msg::procedure_not_in_force,
                      {{"procedure", code.substr(0, 40)},
                       {"effective", common::format_date(earliest->effective_from)},
                       {"filed", common::format_date(day)}});
  }
  return make_error(ErrorCode::invalid_argument, msg::unknown_procedure,
                    {{"procedure", code.substr(0, 40)}});
}

// The state a supplement was requested from: the complete dossier goes back there.
Result<DossierState> state_before_supplement(db::Transaction& tx, const db::Dossier& d) {
  TRY_ASSIGN(auto events, tx.events_of("dossier", d.id));
  const std::vector<db::Event>& list = events;
  for (auto it = list.rbegin(); it != list.rend(); ++it) {
    if (it->action != event_kind(Action::request_supplement)) continue;
    const auto data = nlohmann::json::parse(it->data, nullptr, false);
    if (data.is_object() && data.contains("from") && data["from"].is_string()) {
      if (auto state = db::parse_dossier_state(data["from"].get<std::string>())) return *state;
    }
    break;
  }
  // No readable trace: a dossier with a code had been accepted.
  return d.code ? DossierState::in_process : DossierState::received;
}

// The clock a fee request paused (docs/domain.md §5.5): the due date it held and when it stopped,
// from the newest fees_requested event; nullopt when that request did not pause it.
struct FeePause {
  Timestamp due{};
  Timestamp since{};
};
Result<std::optional<FeePause>> fee_pause_of(db::Transaction& tx, const db::Dossier& d) {
  TRY_ASSIGN(auto events, tx.events_of("dossier", d.id));
  const std::vector<db::Event>& list = events;
  for (auto it = list.rbegin(); it != list.rend(); ++it) {
    if (it->action != event_kind(Action::request_fees)) continue;
    const auto data = nlohmann::json::parse(it->data, nullptr, false);
    if (!data.is_object() || !data.contains("paused_due") || !data.contains("paused_at") ||
        !data["paused_due"].is_number_integer() || !data["paused_at"].is_number_integer()) {
      return std::optional<FeePause>{};
    }
    return std::optional<FeePause>{
        FeePause{Timestamp{std::chrono::seconds{data["paused_due"].get<std::int64_t>()}},
                 Timestamp{std::chrono::seconds{data["paused_at"].get<std::int64_t>()}}}};
  }
  return std::optional<FeePause>{};
}

// Whether the dossier's procedure leaves the wait for fees out of its time.
Result<bool> fees_pause_clock(db::Transaction& tx, const db::Dossier& d) {
  if (!d.procedure_id) return false;
  TRY_ASSIGN(const auto procedure, tx.get_procedure(*d.procedure_id));
  return procedure && procedure->fees_pause_clock;
}

Result<void> check_apology(const common::WorkingCalendar& calendar, const db::Dossier& d,
                           Timestamp now, const ActionRequest& request) {
  if (d.reappointed) {
    // docs/domain.md §1.4: a dossier can be re-appointed only once.
    return make_error(ErrorCode::invalid_argument, msg::already_reappointed,
                      {{"id", d.id}, {"due", format_due(d.due_at)}});
  }
  if (!request.new_date) {
    return make_error(ErrorCode::invalid_argument, msg::missing_new_date, {{"id", d.id}});
  }
  if (!d.due_at) {
    return make_error(ErrorCode::invalid_argument, msg::no_due_date, {{"id", d.id}});
  }
  if (now >= *d.due_at) {
    return make_error(ErrorCode::invalid_argument, msg::apology_overdue,
                      {{"id", d.id}, {"due", format_due(d.due_at)}});
  }
  // Form 04 must reach the citizen at least one working day before the due date.
  if (calendar.working_days_between(common::local_date(now), common::local_date(*d.due_at)) < 1) {
    return make_error(ErrorCode::invalid_argument, msg::apology_too_late,
                      {{"id", d.id}, {"due", format_due(d.due_at)}});
  }
  if (*request.new_date <= common::local_date(*d.due_at)) {
    return make_error(ErrorCode::invalid_argument, msg::new_date_not_later,
                      {{"id", d.id},
                       {"new_date", common::format_date(*request.new_date)},
                       {"due", format_due(d.due_at)}});
  }
  if (!calendar.is_working_day(*request.new_date)) {
    return make_error(ErrorCode::invalid_argument, msg::new_date_not_working_day,
                      {{"id", d.id}, {"new_date", common::format_date(*request.new_date)}});
  }
  if (request.reason.empty()) {
    return make_error(ErrorCode::invalid_argument, msg::missing_late_reason, {{"id", d.id}});
  }
  return {};
}

// "Due within one working day": today or the next working day, to its end.
Timestamp due_soon_end(const common::WorkingCalendar& calendar, Timestamp as_of) {
  const common::Date horizon = calendar.next_working_day(common::local_date(as_of));
  return common::local_time(common::Date{std::chrono::sys_days{horizon} + std::chrono::days{1}}, 0,
                            0);
}

// What an officer accepting a dossier at `accepted_at` must know at once (Transition::warning):
// its deadline, counted from `clock_start`, has passed, or the acceptance comes on a later day
// than the clock's start with less than one working day left. Empty otherwise.
common::Text acceptance_warning(const common::WorkingCalendar& calendar, const std::string& code,
                                Timestamp clock_start, Timestamp due, Timestamp accepted_at) {
  const common::Args args = {{"code", code},
                             {"filed", common::format_local(clock_start)},
                             {"due", common::format_local(due)}};
  if (due < accepted_at) return {msg::accepted_overdue, args};
  if (common::local_date(clock_start) < common::local_date(accepted_at) &&
      due < due_soon_end(calendar, accepted_at)) {
    return {msg::accepted_late, args};
  }
  return {};
}

Result<void> check_required(const db::Dossier& d, const ActionRequest& request) {
  if (request.actor.empty()) {
    return make_error(ErrorCode::invalid_argument, msg::missing_actor, {{"id", d.id}});
  }
  if (request.action == Action::request_supplement && request.missing.empty()) {
    return make_error(ErrorCode::invalid_argument, msg::missing_documents, {{"id", d.id}});
  }
  // NĐ 118/2025 Art. 11(2)(c), docs/domain.md §1.3: a dossier is sent back for a supplement once,
  // with everything missing listed at once.
  if (request.action == Action::request_supplement && d.supplement_count >= 1) {
    return make_error(ErrorCode::conflict, msg::second_supplement_request, {{"id", d.id}});
  }
  if ((request.action == Action::refuse || request.action == Action::stop) &&
      request.reason.empty()) {
    return make_error(ErrorCode::invalid_argument, msg::missing_reason, {{"id", d.id}});
  }
  if (request.action == Action::record_delivery && d.state == DossierState::processed &&
      !request.handed_over_at_desk) {
    return make_error(ErrorCode::invalid_argument, msg::collection_needs_recipient, {{"id", d.id}});
  }
  return {};
}

}  // namespace

std::string_view action_name(Action action) {
  for (const auto& [a, name] : k_action_names) {
    if (a == action) return name;
  }
  return "unknown";
}

std::optional<Action> parse_action(std::string_view name) {
  for (const auto& [a, n] : k_action_names) {
    if (n == name) return a;
  }
  return std::nullopt;
}

std::vector<Action> allowed_actions(DossierState state) {
  switch (state) {
    case DossierState::received:
      return {Action::accept, Action::request_supplement, Action::refuse, Action::withdraw};
    case DossierState::accepted:
      return {Action::start_processing, Action::request_supplement, Action::apologise,
              Action::withdraw, Action::stop};
    case DossierState::in_process:
      return {Action::request_fees, Action::mark_processed, Action::request_supplement,
              Action::apologise,    Action::withdraw,       Action::stop};
    case DossierState::supplement_requested:
      return {Action::supplement_received, Action::withdraw, Action::stop};
    case DossierState::awaiting_fees:
      return {Action::fees_paid, Action::apologise, Action::withdraw, Action::stop};
    case DossierState::processed:
      return {Action::dispatch_return};
    case DossierState::return_dispatched:
      return {Action::record_delivery, Action::record_return_failure};
    case DossierState::return_failed:
      return {Action::dispatch_return, Action::record_delivery};
    case DossierState::refused:
    case DossierState::withdrawn:
    case DossierState::stopped:
    case DossierState::result_returned:
      return {};
  }
  return {};
}

std::vector<Action> allowed_actions(const db::Dossier& dossier) {
  std::vector<Action> actions = allowed_actions(dossier.state);
  if (dossier.result_delivery != db::ResultDelivery::desk) return actions;
  // docs/domain.md §1.5: the citizen collects the result; it is handed over, never posted.
  std::erase(actions, Action::dispatch_return);
  if (dossier.state == DossierState::processed) actions.push_back(Action::record_delivery);
  return actions;
}

std::string dossier_code(std::string_view agency_code, common::Date day, int sequence) {
  return fmt::format("{}-{:02}{:02}{:02}-{:04}", agency_code, static_cast<int>(day.year()) % 100,
                     static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()),
                     sequence);
}

bool deadline_runs(db::DossierState state) {
  return std::find(k_running_states.begin(), k_running_states.end(), state) !=
         k_running_states.end();
}

Result<void> check_allowed(const db::Dossier& dossier, Action action) {
  if (action == Action::dispatch_return && dossier.result_delivery == db::ResultDelivery::desk &&
      (dossier.state == DossierState::processed || dossier.state == DossierState::return_failed)) {
    return make_error(ErrorCode::conflict, msg::dispatch_desk_collection, {{"id", dossier.id}});
  }
  const auto allowed = allowed_actions(dossier);
  if (std::find(allowed.begin(), allowed.end(), action) == allowed.end()) {
    return not_allowed(dossier, action);
  }
  return {};
}

Result<common::WorkingCalendar> load_calendar(db::Transaction& tx) {
  TRY_ASSIGN(auto days, tx.list_calendar_days());
  common::OfficeHours hours;
  TRY_ASSIGN(const auto office_hours, tx.setting(db::k_setting_office_hours));
  if (office_hours && !office_hours->empty()) {
    TRY_ASSIGN(hours, common::parse_office_hours(*office_hours, hours));
  }
  TRY_ASSIGN(const auto cutoff, tx.setting(db::k_setting_deadline_after_cutoff));
  TRY_ASSIGN(hours.cutoff_moves_deadline, common::parse_deadline_after_cutoff(cutoff.value_or("")));
  TRY_ASSIGN(const auto day_off, tx.setting(db::k_setting_day_off_filing));
  TRY_ASSIGN(const bool civil_code, common::parse_day_off_filing(day_off.value_or("")));
  hours.day_off_from_next_working_day = !civil_code;
  common::WorkingCalendar calendar(hours);
  for (const db::CalendarDay& day : days) calendar.add_day(day.date, day.kind, day.name);
  return calendar;
}

Result<Transition> apply_action(db::Transaction& tx, Timestamp now, db::Id dossier_id,
                                const ActionRequest& request) {
  TRY_ASSIGN(auto found, tx.get_dossier(dossier_id));
  if (!found) {
    return make_error(ErrorCode::not_found, msg::no_dossier_id, {{"id", dossier_id}});
  }
  const db::Dossier before = *found;
  TRY(check_allowed(before, request.action));
  TRY(check_required(before, request));
  if (request.at && *request.at > now) {
    return make_error(ErrorCode::invalid_argument, msg::time_in_future,
                      {{"id", before.id}, {"at", common::format_local(*request.at)}});
  }
  if (request.at && *request.at < std::max(before.filed_at, before.updated_at)) {
    return make_error(
        ErrorCode::invalid_argument, msg::time_before_last_change,
        {{"id", before.id},
         {"at", common::format_local(*request.at)},
         {"last", common::format_local(std::max(before.filed_at, before.updated_at))}});
  }
  const Timestamp when = request.at.value_or(now);

  TRY_ASSIGN(auto calendar, load_calendar(tx));

  db::Dossier after = before;
  after.state = target_of(request.action, before.state);
  after.updated_at = now;
  common::Text warning;
  nlohmann::json data = {{"from", db::dossier_state_name(before.state)}};

  switch (request.action) {
    case Action::accept: {
      std::optional<db::Procedure> procedure;
      if (!request.procedure_code.empty()) {
        TRY_ASSIGN(auto p, procedure_in_force(tx, request.procedure_code,
                                              common::local_date(before.filed_at)));
        procedure = p;
      } else if (before.procedure_id) {
        TRY_ASSIGN(auto p, tx.get_procedure(*before.procedure_id));
        procedure = p;
      }
      if (!procedure) {
        return make_error(ErrorCode::invalid_argument, msg::missing_procedure, {{"id", before.id}});
      }
      after.procedure_id = procedure->id;
      after.procedure_version = procedure->version;
      TRY_ASSIGN(auto agency, tx.get_agency(before.agency_id));
      if (!agency) {
        return make_error(ErrorCode::internal, fmt::format("dossier #{}: its agency #{} is missing",
                                                           before.id, before.agency_id));
      }
      if (!before.code) {
        // The sequence row is bumped in this transaction: a rollback gives the number back.
        const common::Date day = common::local_date(when);
        TRY_ASSIGN(auto sequence, tx.next_dossier_sequence(before.agency_id, day));
        after.code = dossier_code(agency->code, day, sequence);
      }
      // NĐ 118/2025 Art. 17(3), 19(5), docs/domain.md §5.2: the deadline runs from the handover
      // (or from the complete dossier's arrival after a supplement), with the calendar's 15:00
      // rule. An acceptance days later does not move it: the officer is warned.
      const Timestamp clock_start = before.clock_started_at.value_or(before.filed_at);
      after.due_at = due_after(calendar, *procedure, clock_start);
      warning = acceptance_warning(calendar, *after.code, clock_start, *after.due_at, when);
      data["procedure"] = procedure->code;
      data["procedure_version"] = procedure->version;
      data["time"] =
          fmt::format("{} {}", procedure->time_amount, db::time_unit_name(procedure->time_unit));
      data["code"] = *after.code;
      break;
    }
    case Action::request_supplement:
      // The clock stops: the due date no longer holds; it is set afresh on arrival.
      after.supplement_count = before.supplement_count + 1;
      after.due_at = std::nullopt;
      data["missing"] = request.missing;
      data["supplement_count"] = after.supplement_count;
      if (before.due_at) data["previous_due_at"] = common::format_iso(*before.due_at);
      break;
    case Action::supplement_received: {
      TRY_ASSIGN(auto back, state_before_supplement(tx, before));
      after.state = back;
      // NĐ 118/2025 Art. 19(5), docs/domain.md §1.3: the deadline restarts from zero when the
      // complete dossier arrives.
      after.clock_started_at = when;
      after.due_at = std::nullopt;
      if (after.state != DossierState::received && before.procedure_id) {
        TRY_ASSIGN(auto p, tx.get_procedure(*before.procedure_id));
        if (p) after.due_at = due_after(calendar, *p, when);
      }
      data["arrived_at"] = common::format_iso(when);
      break;
    }
    case Action::apologise:
      TRY(check_apology(calendar, before, now, request));
      after.reappointed = true;
      after.due_at =
          common::local_time(*request.new_date, calendar.office_hours().close_minute / 60,
                             calendar.office_hours().close_minute % 60);
      data["previous_due_at"] = common::format_iso(*before.due_at);
      break;
    case Action::request_fees: {
      // docs/domain.md §5.5: where the procedure's own rules leave the wait for the citizen's
      // financial obligations out of its time (a catalogue column; Decree 118/2025 sets no such
      // pause itself), the clock stops here as for a supplement, and resumes when they are paid.
      TRY_ASSIGN(const bool pauses, fees_pause_clock(tx, before));
      if (pauses && before.due_at) {
        after.due_at = std::nullopt;
        data["previous_due_at"] = common::format_iso(*before.due_at);
        data["paused_due"] = before.due_at->time_since_epoch().count();
        data["paused_at"] = when.time_since_epoch().count();
      }
      break;
    }
    case Action::fees_paid: {
      TRY_ASSIGN(const auto pause, fee_pause_of(tx, before));
      if (pause && !before.due_at) {
        // Resumed, not restarted: the due date moves by the working days spent waiting, from the
        // day after the request to the day of payment (a request and a payment on one day cost
        // nothing), and keeps its hour.
        const int waited = calendar.working_days_between(common::local_date(pause->since),
                                                         common::local_date(when));
        const common::Date old_day = common::local_date(pause->due);
        const auto hour_of_day = pause->due - common::local_time(old_day, 0, 0);
        after.due_at =
            common::local_time(calendar.add_working_days(old_day, waited), 0, 0) + hour_of_day;
        data["fees_wait_days"] = waited;
        data["previous_due_at"] = common::format_iso(pause->due);
      }
      break;
    }
    case Action::refuse:
    case Action::start_processing:
    case Action::mark_processed:
    case Action::withdraw:
    case Action::stop:
    case Action::dispatch_return:
    case Action::record_delivery:
    case Action::record_return_failure:
      break;
  }
  data["to"] = db::dossier_state_name(after.state);
  data["national_status"] = db::national_status_code(after.state);
  if (after.due_at) data["due_at"] = common::format_iso(*after.due_at);
  if (request.at) data["at"] = common::format_iso(*request.at);
  for (const auto& [key, value] : request.details) data[key] = value;

  TRY(tx.update_dossier(after));
  TRY_ASSIGN(auto event, tx.append_event(db::Event{
                             0, now, request.actor, "dossier", before.id,
                             event_kind(request.action), request.reason,
                             data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)}));
  return Transition{before, after, event, std::move(warning)};
}

Result<bool> receive_supplement_by_post(db::Transaction& tx, Timestamp now, db::Id dossier_id,
                                        Timestamp filed_at, const std::string& actor,
                                        const std::string& tracking_number) {
  TRY_ASSIGN(auto found, tx.get_dossier(dossier_id));
  if (!found) {
    return make_error(ErrorCode::not_found, msg::no_dossier_id, {{"id", dossier_id}});
  }
  if (found->state != DossierState::supplement_requested) return false;
  ActionRequest request;
  request.action = Action::supplement_received;
  request.actor = actor;
  request.at = std::min(std::max(filed_at, std::max(found->filed_at, found->updated_at)), now);
  request.details = {{"tracking_number", tracking_number}};
  TRY(apply_action(tx, now, dossier_id, request));
  return true;
}

Result<Transition> Lifecycle::apply(db::Id dossier_id, const ActionRequest& request) {
  return store_.write<Transition>(
      [&](db::Transaction& tx) { return apply_action(tx, clock_.now(), dossier_id, request); });
}

DeadlineStatus DueHorizon::of(const db::Dossier& dossier) const {
  if (!deadline_runs(dossier.state) || !dossier.due_at) return DeadlineStatus::none;
  if (*dossier.due_at < as_of) return DeadlineStatus::overdue;
  return *dossier.due_at < due_soon_end ? DeadlineStatus::due_soon : DeadlineStatus::none;
}

db::DossierFilter DueHorizon::running_due_before(Timestamp before) const {
  db::DossierFilter filter;
  filter.states.assign(k_running_states.begin(), k_running_states.end());
  filter.due_before = before;
  filter.limit = 1'000'000;
  return filter;
}

Result<DueHorizon> due_horizon(db::Transaction& tx, Timestamp as_of) {
  TRY_ASSIGN(const auto calendar, load_calendar(tx));
  return DueHorizon{as_of, due_soon_end(calendar, as_of)};
}

Timestamp acceptance_late_before(Timestamp as_of) {
  return common::local_time(common::local_date(as_of), 0, 0);
}

Result<DueReport> Lifecycle::due() const {
  const Timestamp as_of = clock_.now();
  return store_.read<DueReport>([&](db::Transaction& tx) -> Result<DueReport> {
    DueReport report;
    report.as_of = as_of;
    TRY_ASSIGN(const auto horizon, due_horizon(tx, as_of));
    TRY_ASSIGN(auto list, tx.list_dossiers(horizon.running_due_before(horizon.due_soon_end)));
    std::vector<db::Dossier> dossiers = std::move(list);
    std::stable_sort(
        dossiers.begin(), dossiers.end(),
        [](const db::Dossier& a, const db::Dossier& b) { return a.due_at < b.due_at; });
    for (db::Dossier& d : dossiers) {
      (*d.due_at < report.as_of ? report.overdue : report.due_soon).push_back(std::move(d));
    }
    db::DossierFilter back;
    back.state = DossierState::return_failed;
    back.limit = 1'000'000;
    TRY_ASSIGN(auto returned, tx.list_dossiers(back));
    report.back_at_desk = std::move(returned);
    std::stable_sort(
        report.back_at_desk.begin(), report.back_at_desk.end(),
        [](const db::Dossier& a, const db::Dossier& b) { return a.updated_at < b.updated_at; });
    db::DossierFilter out;
    out.state = DossierState::return_dispatched;
    out.limit = 1'000'000;
    TRY_ASSIGN(auto on_the_way, tx.list_dossiers(out));
    for (db::Dossier& d : on_the_way) {
      TRY_ASSIGN(auto shipments, tx.shipments_of(d.id));
      const db::Shipment* newest = nullptr;
      for (const db::Shipment& s : shipments) {
        if (db::is_result_return(s) && (!newest || s.id > newest->id)) newest = &s;
      }
      if (newest && newest->status == "exception") {
        report.return_in_trouble.push_back(std::move(d));
      }
    }
    db::DossierFilter waiting;
    waiting.state = DossierState::received;
    waiting.filed_to = acceptance_late_before(as_of);
    waiting.limit = 1'000'000;
    TRY_ASSIGN(report.not_accepted, tx.list_dossiers(waiting));
    TRY_ASSIGN(report.supplement_expired, expired_supplements(tx, as_of));
    TRY_ASSIGN(report.handovers_overdue, overdue_handovers(tx, as_of));
    return report;
  });
}

Result<int> parse_supplement_wait_days(std::string_view text) {
  int days = 0;
  const auto [end, problem] = std::from_chars(text.data(), text.data() + text.size(), days);
  if (text.empty() || problem != std::errc() || end != text.data() + text.size() || days < 1 ||
      days > 365) {
    return make_error(ErrorCode::invalid_argument, msg::supplement_wait_days_invalid,
                      {{"text", std::string(text.substr(0, 20))}});
  }
  return days;
}

Result<int> supplement_wait_days(db::Transaction& tx) {
  TRY_ASSIGN(const auto stored, tx.setting(db::k_setting_supplement_wait_days));
  if (!stored || stored->empty()) return 15;  // Decree 118/2025 Art. 19(5)
  return parse_supplement_wait_days(*stored);
}

Result<std::vector<ExpiredSupplement>> expired_supplements(db::Transaction& tx, Timestamp as_of) {
  TRY_ASSIGN(const int days, supplement_wait_days(tx));
  db::DossierFilter waiting;
  waiting.state = DossierState::supplement_requested;
  waiting.limit = 1'000'000;
  TRY_ASSIGN(auto dossiers, tx.list_dossiers(waiting));
  std::vector<ExpiredSupplement> expired;
  for (db::Dossier& d : dossiers) {
    TRY_ASSIGN(const auto events, tx.events_of("dossier", d.id));
    // The latest request; a dossier imported without its events counts from its last change.
    Timestamp requested_at = d.updated_at;
    for (const db::Event& e : events) {
      if (e.action == db::EventKind::supplement_requested) requested_at = e.at;
    }
    // Counted from the day after the request; the last day ends at midnight (docs/domain.md §1.3).
    const auto last_day =
        std::chrono::sys_days(common::local_date(requested_at)) + std::chrono::days(days + 1);
    const Timestamp closable_from = common::local_time(common::Date(last_day), 0, 0);
    if (as_of < closable_from) continue;
    expired.push_back({std::move(d), requested_at, closable_from});
  }
  std::stable_sort(expired.begin(), expired.end(),
                   [](const ExpiredSupplement& a, const ExpiredSupplement& b) {
                     return a.requested_at < b.requested_at;
                   });
  return expired;
}

Result<std::vector<Transition>> Lifecycle::close_expired_supplements(const std::string& actor) {
  const Timestamp now = clock_.now();
  TRY_ASSIGN(const auto expired,
             store_.read<std::vector<ExpiredSupplement>>(
                 [&](db::Transaction& tx) { return expired_supplements(tx, now); }));
  TRY_ASSIGN(const int days, store_.read<int>(supplement_wait_days));
  std::vector<Transition> closed;
  for (const ExpiredSupplement& e : expired) {
    ActionRequest request;
    request.action = Action::stop;
    request.actor = actor;
    request.reason = common::Text{msg::supplement_expired_reason,
                                  {{"days", days}, {"requested", detail::date_vn(e.requested_at)}}}
                         .render(common::Lang::vi);
    request.details = {{"closed_as", "supplement_expired"}};
    auto done = store_.write<std::optional<Transition>>(
        [&](db::Transaction& tx) -> Result<std::optional<Transition>> {
          // Re-read inside the write: the supplement may have arrived since the list was read.
          TRY_ASSIGN(const auto now_d, tx.get_dossier(e.dossier.id));
          if (!now_d || now_d->state != DossierState::supplement_requested ||
              now_d->updated_at != e.dossier.updated_at) {
            return std::optional<Transition>();
          }
          TRY_ASSIGN(auto t, apply_action(tx, now, e.dossier.id, request));
          return std::optional<Transition>(std::move(t));
        });
    if (!done) return done.error();
    if (!*done) continue;
    closed.push_back(std::move(**done));
  }
  return closed;
}

}  // namespace tracking
