// A desk's reference data in its database: the agency, the settings printed forms and return
// shipments need, the procedure catalogue, the working calendar and the carrier number patterns
// (what `hoso init` loads from files), and an admin's later changes to the calendar. Every process
// of a desk reads them from the database, so an admin changes them in one place. Knows the rules
// for changing reference data; not where the files come from, nor which command was typed.
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

namespace intake {

// The setting under which the carrier tracking-number patterns (JSON) are kept.
inline constexpr const char* k_setting_carrier_patterns = "carrier_patterns";

// True iff `code` can be an agency code: 1 to 32 upper-case letters, digits and dots
// ("000.00.05.H12").
bool plausible_agency_code(std::string_view code);

struct DeskSetup {
  std::string agency_code;  // empty: keep the stored agency
  std::string agency_name;  // empty: the code
  // Settings to store (db/settings.hpp keys); an empty value keeps the stored one.
  std::vector<std::pair<std::string, std::string>> settings;
  std::vector<db::Procedure> procedures;
  std::string procedures_source;  // the file they came from, for messages
  std::vector<common::CalendarDay> calendar_days;
  std::string carrier_patterns;  // the patterns file's JSON, stored as it is
  std::size_t carrier_pattern_count = 0;
};

struct SetupReport {
  std::string agency_code;
  std::string agency_name;  // "?" when the agency row is missing
  int calendar_days_loaded = 0;
  int calendar_days_kept_removed = 0;  // shipped days an admin had removed, left out
};

// Stores `setup` in one write transaction at `now` under `actor`, and logs it (event "initialised"
// of entity "desk"). Procedures are inserted or replaced by (code, version), but a version's
// processing time may not change in place: its dossiers were received under it. Shipped calendar
// days only add dates the database lacks: a date an admin set is kept, a date an admin removed is
// not brought back. Fails with invalid_argument when the agency code is not plausible or when
// neither `setup` nor the database has an agency; bad_input when a procedure version's time
// differs from the stored one (the message names the file, the procedure and the next version
// number); the database's errors otherwise. Nothing is written on failure.
common::Result<SetupReport> set_up_desk(db::Store& store, const DeskSetup& setup,
                                        common::Timestamp now, const std::string& actor);

// The carrier tracking-number patterns stored by set_up_desk; nullopt before the first set-up.
common::Result<std::optional<std::string>> stored_carrier_patterns(db::Store& store);

// The desk's calendar days (days off and swapped working days), by date.
common::Result<std::vector<db::CalendarDay>> calendar_days(db::Store& store);

// Sets (adds or replaces) one calendar day and logs it (event "day_set"). Fails with
// invalid_argument when the day has no name; the database's errors otherwise.
common::Result<void> set_calendar_day(db::Store& store, const db::CalendarDay& day,
                                      common::Timestamp now, const std::string& actor);

// Removes one calendar day (it becomes an ordinary weekday or weekend day again) and logs it
// (event "day_removed"), so a later set-up does not bring it back. Fails with not_found when the
// date is not in the calendar; the database's errors otherwise.
common::Result<void> remove_calendar_day(db::Store& store, common::Date date, common::Timestamp now,
                                         const std::string& actor);

}  // namespace intake
