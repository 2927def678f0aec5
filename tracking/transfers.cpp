// Handovers between units (tracking/transfers.hpp; docs/domain.md §1.4a).
#include "tracking/transfers.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "tracking/detail/trim.hpp"
#include "tracking/labels.hpp"
#include "tracking/lifecycle.hpp"
#include "tracking/messages.hpp"

namespace tracking {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;
using db::DossierState;
using detail::trimmed;

using detail::characters;

bool has_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

bool fits(std::string_view text, std::size_t most) {
  return characters(text) <= most && !has_control(text);
}

// A note may run over lines; no other control character.
bool note_fits(std::string_view note) {
  return characters(note) <= 500 && std::none_of(note.begin(), note.end(), [](char c) {
           return (static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == 0x7f;
         });
}

struct Found {
  db::Dossier dossier;
  std::string desk;  // the desk's name (its agency's)
  UnitLocation where;
};

Result<Found> find(db::Transaction& tx, db::Id dossier_id) {
  TRY_ASSIGN(auto dossier, tx.get_dossier(dossier_id));
  if (!dossier) return make_error(ErrorCode::not_found, msg::no_dossier_id, {{"id", dossier_id}});
  Found found{std::move(*dossier), {}, {}};
  TRY_ASSIGN(auto agency, tx.get_agency(found.dossier.agency_id));
  if (agency) found.desk = agency->name;
  TRY_ASSIGN(auto handovers, tx.unit_handovers_of(dossier_id));
  found.where.unit = found.desk;
  if (!handovers.empty() && !handovers.back().back_to_desk) {
    found.where.at_desk = false;
    found.where.unit = handovers.back().to_unit;
    found.where.person = handovers.back().to_person;
  }
  return found;
}

Result<db::UnitHandover> record(db::Transaction& tx, db::UnitHandover handover,
                                db::EventKind kind) {
  TRY_ASSIGN(handover.id, tx.insert_unit_handover(handover));
  // The units only: a person's name is kept in the handover, never in the event log, which the
  // citizen's lookup reads.
  const nlohmann::json data = {{"from_unit", handover.from_unit}, {"to_unit", handover.to_unit}};
  TRY(tx.append_event(db::Event{0, handover.at, handover.actor, "dossier", handover.dossier_id,
                                kind, handover.note, data.dump()}));
  return handover;
}

std::string minutes(common::Timestamp t) {
  return common::format_local(t).substr(0, 16);  // "2026-11-23 17:00"
}

// The receiving unit's deadline from what the officer gave (Decree 118/2025 Art. 20(2); docs/
// domain.md §1.4a): nullopt when none; never before the handover nor after the dossier's due date.
Result<std::optional<common::Timestamp>> unit_deadline(db::Transaction& tx, common::Timestamp now,
                                                       const db::Dossier& dossier,
                                                       const Transfer& transfer) {
  const db::Id id = dossier.id;
  if (!transfer.due_date && !transfer.days) return std::optional<common::Timestamp>();
  if (transfer.due_date && transfer.days) {
    return make_error(ErrorCode::invalid_argument, msg::transfer_due_twice, {{"id", id}});
  }
  if (transfer.days && (*transfer.days < 0 || *transfer.days > 365)) {
    return make_error(ErrorCode::invalid_argument, msg::transfer_days_invalid,
                      {{"id", id}, {"days", *transfer.days}});
  }
  TRY_ASSIGN(const auto calendar, load_calendar(tx));
  common::Timestamp due{};
  if (transfer.days) {
    // Counted like the dossier's own deadline (docs/domain.md §5.2): from the handover, the day
    // the clock starts not counted, to closing time.
    due = calendar.due_after_working_days(now, *transfer.days);
  } else {
    if (!transfer.due_date->ok() || !calendar.is_working_day(*transfer.due_date)) {
      return make_error(ErrorCode::invalid_argument, msg::transfer_due_not_working_day,
                        {{"id", id}, {"unit_due", common::format_date(*transfer.due_date)}});
    }
    const int close = calendar.office_hours().close_minute;
    due = common::local_time(*transfer.due_date, close / 60, close % 60);
  }
  if (due < now) {
    return make_error(ErrorCode::invalid_argument, msg::transfer_due_past,
                      {{"id", id}, {"unit_due", minutes(due)}, {"at", minutes(now)}});
  }
  if (dossier.due_at && due > *dossier.due_at) {
    return make_error(ErrorCode::invalid_argument, msg::transfer_due_after_dossier,
                      {{"id", id}, {"unit_due", minutes(due)}, {"due", minutes(*dossier.due_at)}});
  }
  return std::optional<common::Timestamp>(due);
}

}  // namespace

bool handover_overdue(const db::UnitHandover& h, bool latest, common::Timestamp as_of) {
  return latest && !h.back_to_desk && h.due_at && *h.due_at < as_of;
}

Result<std::vector<OverdueHandover>> overdue_handovers(db::Transaction& tx,
                                                       common::Timestamp as_of) {
  TRY_ASSIGN(auto handovers, tx.unit_handovers_due_before(as_of));
  std::vector<OverdueHandover> out;
  for (db::UnitHandover& h : handovers) {
    TRY_ASSIGN(auto dossier, tx.get_dossier(h.dossier_id));
    if (!dossier) continue;
    out.push_back(OverdueHandover{std::move(*dossier), std::move(h)});
  }
  return out;
}

Result<int> transfer_slip_number(db::Store& store, db::Id dossier_id, db::Id handover_id) {
  return store.read<int>([&](db::Transaction& tx) -> Result<int> {
    TRY_ASSIGN(const auto handovers, tx.unit_handovers_of(dossier_id));
    int number = 0;
    for (const db::UnitHandover& h : handovers) {
      if (h.back_to_desk) continue;
      ++number;
      if (h.id == handover_id) return number;
    }
    return make_error(ErrorCode::not_found, msg::no_dossier_id, {{"id", dossier_id}});
  });
}

Result<UnitLocation> unit_location(db::Transaction& tx, db::Id dossier_id) {
  TRY_ASSIGN(auto found, find(tx, dossier_id));
  return found.where;
}

Result<db::UnitHandover> transfer_dossier(db::Transaction& tx, common::Timestamp now,
                                          db::Id dossier_id, const Transfer& transfer) {
  TRY_ASSIGN(auto found, find(tx, dossier_id));
  if (trimmed(transfer.actor).empty()) {
    return make_error(ErrorCode::invalid_argument, msg::missing_actor, {{"id", dossier_id}});
  }
  // docs/domain.md §1.4a: the desk passes on a dossier it accepted (Decree 118/2025 Art. 20(1));
  // one not accepted, refused, stopped or decided is not handed to a unit to decide.
  const DossierState state = found.dossier.state;
  if (state != DossierState::accepted && state != DossierState::in_process) {
    return make_error(ErrorCode::conflict, msg::transfer_state,
                      {{"id", dossier_id}, {"state", common::Text{state_label(state)}}});
  }
  const std::string to_unit = trimmed(transfer.to_unit);
  if (to_unit.empty() || !fits(to_unit, 200)) {
    return make_error(ErrorCode::invalid_argument, msg::transfer_unit_invalid,
                      {{"id", dossier_id}});
  }
  const std::string to_person = trimmed(transfer.to_person);
  const std::string from_typed = trimmed(transfer.from_person);
  const std::string note = trimmed(transfer.note);
  if (!fits(to_person, 100) || !fits(from_typed, 100) || !note_fits(note)) {
    return make_error(ErrorCode::invalid_argument, msg::transfer_person_invalid,
                      {{"id", dossier_id}});
  }
  if (to_unit == found.desk) {
    return make_error(ErrorCode::invalid_argument, msg::transfer_to_desk,
                      {{"id", dossier_id}, {"unit", to_unit}});
  }
  if (!found.where.at_desk && to_unit == found.where.unit) {
    return make_error(ErrorCode::conflict, msg::transfer_same_unit,
                      {{"id", dossier_id}, {"unit", to_unit}});
  }
  TRY_ASSIGN(const auto due, unit_deadline(tx, now, found.dossier, transfer));
  db::UnitHandover handover;
  handover.dossier_id = dossier_id;
  handover.at = now;
  handover.due_at = due;
  handover.from_unit = found.where.unit;
  // At the desk the actor hands over (named from the users table on form 06).
  handover.from_person =
      found.where.at_desk ? from_typed : (from_typed.empty() ? found.where.person : from_typed);
  handover.to_unit = to_unit;
  handover.to_person = to_person;
  handover.note = note;
  handover.actor = transfer.actor;
  return record(tx, std::move(handover), db::EventKind::transferred);
}

Result<db::UnitHandover> transfer_dossier(db::Store& store, const common::Clock& clock,
                                          db::Id dossier_id, const Transfer& transfer) {
  return store.write<db::UnitHandover>(
      [&](db::Transaction& tx) { return transfer_dossier(tx, clock.now(), dossier_id, transfer); });
}

Result<db::UnitHandover> return_from_unit(db::Transaction& tx, common::Timestamp now,
                                          db::Id dossier_id, const UnitReturn& back) {
  TRY_ASSIGN(auto found, find(tx, dossier_id));
  if (trimmed(back.actor).empty()) {
    return make_error(ErrorCode::invalid_argument, msg::missing_actor, {{"id", dossier_id}});
  }
  if (found.where.at_desk) {
    return make_error(ErrorCode::conflict, msg::not_at_other_unit, {{"id", dossier_id}});
  }
  const std::string from_typed = trimmed(back.from_person);
  const std::string note = trimmed(back.note);
  if (!fits(from_typed, 100) || !note_fits(note)) {
    return make_error(ErrorCode::invalid_argument, msg::transfer_person_invalid,
                      {{"id", dossier_id}});
  }
  db::UnitHandover handover;
  handover.dossier_id = dossier_id;
  handover.at = now;
  handover.from_unit = found.where.unit;
  handover.from_person = from_typed.empty() ? found.where.person : from_typed;
  handover.to_unit = found.desk;
  handover.note = note;
  handover.actor = back.actor;  // receives it at the desk
  handover.back_to_desk = true;
  return record(tx, std::move(handover), db::EventKind::returned_from_unit);
}

Result<db::UnitHandover> return_from_unit(db::Store& store, const common::Clock& clock,
                                          db::Id dossier_id, const UnitReturn& back) {
  return store.write<db::UnitHandover>(
      [&](db::Transaction& tx) { return return_from_unit(tx, clock.now(), dossier_id, back); });
}

}  // namespace tracking
