// Handovers between units (docs/domain.md §1.4a; Decree 118/2025 Art. 20): the desk that receives
// a dossier is often not the agency that decides it. The desk hands the dossier to the competent
// unit (a department "Sở ...", a commune People's Committee, ...), which may hand it on, and the
// dossier (with its result) comes back to the desk to be returned. Each handover is one row of
// db::UnitHandover and one event (transferred, returned_from_unit: the units only, never a person's
// name); form 06 prints them (tracking/documents.hpp, ControlSheet::handovers). The dossier's
// state does not change: the units' work is the lifecycle's in_process. Knows the database, not
// HTTP.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "db/records.hpp"
#include "db/store.hpp"

namespace tracking {

// A handover to another unit, as the officer types it.
struct Transfer {
  std::string to_unit;    // required: the receiving unit's name, at most 200 characters
  std::string to_person;  // who receives there (typed, personal data), at most 100 characters
  std::string note;       // at most 500 characters
  std::string actor;      // the staff user recording it (a login); required
  // Who hands over, when the dossier is at another unit (typed); empty: the person who received
  // it there. At the desk the actor hands over and is named from the users table.
  std::string from_person;
  // The receiving unit's deadline (Decree 118/2025 Art. 20(2): the "Phiếu chuyển xử lý" states
  // each agency's deadline; docs/domain.md §1.4a), at most one of: closing time of `due_date` (a
  // working day by the desk's calendar), or `days` working days counted from the handover as the
  // dossier's own deadline is counted (common::WorkingCalendar::due_after_working_days). Neither:
  // no deadline for the unit.
  std::optional<common::Date> due_date;
  std::optional<int> days;
};

// The dossier (with its result, if any) back at the desk from the unit that holds it.
struct UnitReturn {
  std::string from_person;  // who hands it back (typed); empty: who received it there
  std::string note;
  std::string actor;  // the staff user who receives it at the desk; required
};

// Where the dossier is now.
struct UnitLocation {
  bool at_desk = true;
  std::string unit;    // the unit's name (the desk's agency name when at the desk)
  std::string person;  // who received it there, when typed
};

// Where dossier `dossier_id` is, from its handovers, in the caller's transaction.
common::Result<UnitLocation> unit_location(db::Transaction& tx, db::Id dossier_id);

// Hands dossier `dossier_id` from where it is (the desk, or the unit that holds it) to
// `transfer.to_unit`, in the caller's write transaction: one db::UnitHandover and one
// `transferred` event (data: from_unit, to_unit; the note as the event's reason). Allowed while the
// dossier is accepted or in process. The unit's deadline, when given, becomes the handover's
// due_at; it must not be before the handover nor after the dossier's own due date. Fails, writing
// nothing, with not_found (no such dossier), invalid_argument (no actor;
// msg::transfer_unit_invalid, msg::transfer_person_invalid; msg::transfer_to_desk: the desk is not
// another unit; msg::transfer_due_twice, msg::transfer_days_invalid,
// msg::transfer_due_not_working_day, msg::transfer_due_past, msg::transfer_due_after_dossier),
// conflict (msg::transfer_state; msg::transfer_same_unit), or the database's errors.
common::Result<db::UnitHandover> transfer_dossier(db::Transaction& tx, common::Timestamp now,
                                                  db::Id dossier_id, const Transfer& transfer);
// The same in one write transaction of `store` at clock.now().
common::Result<db::UnitHandover> transfer_dossier(db::Store& store, const common::Clock& clock,
                                                  db::Id dossier_id, const Transfer& transfer);

// Records the dossier back at the desk from the unit that holds it: one db::UnitHandover
// (back_to_desk) and one `returned_from_unit` event, in the caller's write transaction, in any
// state (a dossier refused or decided by the unit comes back too). Fails with not_found,
// invalid_argument (no actor, msg::transfer_person_invalid), conflict (msg::not_at_other_unit),
// or the database's errors.
common::Result<db::UnitHandover> return_from_unit(db::Transaction& tx, common::Timestamp now,
                                                  db::Id dossier_id, const UnitReturn& back);
common::Result<db::UnitHandover> return_from_unit(db::Store& store, const common::Clock& clock,
                                                  db::Id dossier_id, const UnitReturn& back);

// The number of handover `handover_id` among the dossier's handovers to another unit (1, 2...: the
// slip's number, tracking::load_transfer_slip); not_found when it is none of them. One read
// transaction of `store`.
common::Result<int> transfer_slip_number(db::Store& store, db::Id dossier_id, db::Id handover_id);

// A handover still with the unit after that unit's deadline (docs/domain.md §1.4a): the unit has
// neither handed the dossier back nor on.
struct OverdueHandover {
  db::Dossier dossier;
  db::UnitHandover handover;  // its due_at is set and before the report's time
};

// The handovers whose unit deadline is before `as_of` and that are still the latest of their
// dossier, by deadline, in the caller's transaction.
common::Result<std::vector<OverdueHandover>> overdue_handovers(db::Transaction& tx,
                                                               common::Timestamp as_of);

// Whether handover `h` is past its unit's deadline at `as_of` while the unit still holds the
// dossier (`latest`: `h` is the dossier's latest handover).
bool handover_overdue(const db::UnitHandover& h, bool latest, common::Timestamp as_of);

}  // namespace tracking
