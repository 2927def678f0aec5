// The working-day calendar of a one-stop desk: which days count toward a legal deadline, when the
// deadline clock starts for a dossier handed over at a given moment, and when it runs out.
// Holidays and swapped Saturdays are data (samples/calendar/<year>.csv), never constants in code.
// Knows nothing about dossiers, procedures or the supplement rules that pause a deadline.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace common {

// What a listed date is: a day off on a weekday (public holiday, Tết, compensatory day, a weekday
// swapped away), or a working day on a weekend (a Saturday worked in exchange, "làm bù").
enum class DayKind { off, work };

struct CalendarDay {
  Date date;
  DayKind kind = DayKind::off;
  std::string name;  // shown to staff, in Vietnamese: "Tết Nguyên đán – Mùng 1 Tết"
};

// Office hours of the desk, in minutes after local midnight, and how a deadline counts the day a
// dossier was filed (docs/domain.md §5.2). Only these hours count when a deadline is stated in
// working hours. Each desk sets its own (db::k_setting_office_hours and the two rules below).
struct OfficeHours {
  int open_minute = 8 * 60;
  int lunch_start = 12 * 60;
  int lunch_end = 13 * 60;
  int close_minute = 17 * 60;
  // Decree 118/2025 Article 18(2): a paper dossier received at or after this time is handed to the
  // processing unit at the start of the next working day. That moves the handover, not the
  // deadline, which runs from the receipt (Article 17(3)); `cutoff_moves_deadline` keeps the older
  // desk practice of starting the clock the next working day too.
  int cutoff_minute = 15 * 60;
  bool cutoff_moves_deadline = false;
  // A dossier filed on a day that is not a working day (a centre open on Saturday, a handover on a
  // holiday): true counts it as filed at the next working day's opening, which is then day 0 (the
  // cautious reading, as most provincial systems count); false follows the Civil Code (2015,
  // Articles 147-148): the day of filing is not counted, so the next working day is day 1. Decree
  // 118/2025 says neither.
  bool day_off_from_next_working_day = true;
};

// Parses office hours written "08:00-12:00,13:00-17:00" (morning and afternoon, 24-hour clock) into
// `hours`, keeping its other fields. Fails with bad_input saying what is wrong ("13:00-12:00: the
// afternoon ends before it starts").
Result<OfficeHours> parse_office_hours(std::string_view text, OfficeHours hours = {});
// The inverse: "08:00-12:00,13:00-17:00".
std::string format_office_hours(const OfficeHours& hours);
// The desk's rule for a dossier received after the cut-off, as written in its settings:
// "same_day" or "" (false) or "next_working_day" (true: OfficeHours::cutoff_moves_deadline).
Result<bool> parse_deadline_after_cutoff(std::string_view text);
// The desk's rule for a dossier filed on a day off: "next_working_day" or "" (false) or
// "civil_code" (true: !OfficeHours::day_off_from_next_working_day).
Result<bool> parse_day_off_filing(std::string_view text);

// Working days are Monday to Friday, minus the dates listed as `off`, plus the dates listed as
// `work`. Dates outside the loaded years follow the weekday rule alone.
//
// Thread-safety: const members may be called concurrently from any number of threads; a
// non-const member (add_day, remove_day, add_csv) needs exclusive access. Load once at start,
// then share a const reference.
//
// Every Date argument must satisfy date.ok().
class WorkingCalendar {
 public:
  explicit WorkingCalendar(OfficeHours hours = {});

  // Loads the given CSV files in order into a new calendar (later files win for the same date).
  // Fails with the first error of add_csv.
  static Result<WorkingCalendar> load_csv(const std::vector<std::filesystem::path>& files,
                                          OfficeHours hours = {});

  // Adds the days listed in a CSV file: UTF-8, '#' comment lines and blank lines ignored, a header
  // line `date,kind,name`, then one `YYYY-MM-DD,off|work,name` per line; a name containing a comma
  // is quoted ("..." with "" for a quote). Either every line is added or none is. Fails with
  // not_found or io_error when the file cannot be read, and with bad_input naming the file and line
  // ("samples/calendar/2026.csv:7: 2026-02-30 is not a date: February 2026 has 28 days").
  Result<void> add_csv(const std::filesystem::path& file);

  // Lists `date` as `kind`. A later entry for the same date replaces the earlier one.
  void add_day(Date date, DayKind kind, std::string name);

  // Removes the entry for `date`, so it follows the weekday rule again. Returns true iff there was
  // an entry.
  bool remove_day(Date date);

  // Returns true iff `date` counts as a working day.
  bool is_working_day(Date date) const;

  // Returns the entry listed for `date`, or nullopt if the date follows the weekday rule.
  std::optional<CalendarDay> find(Date date) const;

  // Returns every listed entry, sorted by date.
  std::vector<CalendarDay> days() const;

  const OfficeHours& office_hours() const { return hours_; }

  // Returns the first working day strictly after `date`.
  Date next_working_day(Date date) const;

  // Returns the n-th working day strictly after `date`; n == 0 returns `date` itself, even if it
  // is not a working day. A negative n is treated as 0.
  Date add_working_days(Date date, int n) const;

  // Returns the number of working days d with from < d <= to; 0 if to <= from. Used to subtract
  // the days a dossier spent waiting for the citizen.
  int working_days_between(Date from, Date to) const;

  // Returns the moment the deadline clock starts for a dossier filed (handed over) at `filed`:
  // on a working day before opening time, that day's opening time; otherwise on a working day,
  // `filed` itself (the opening of the next working day at or after the cut-off when
  // OfficeHours::cutoff_moves_deadline); on a day that is not a working day, the opening time of
  // the next working day, or `filed` itself when !OfficeHours::day_off_from_next_working_day (its
  // day is then not counted, as no filing day is).
  Timestamp counting_start(Timestamp filed) const;

  // Returns the deadline ("ngày hẹn trả") of a procedure that takes `days` working days: closing
  // time on the `days`-th working day after the local date of counting_start(filed). The day the
  // clock starts is not counted: filed Monday 2 March 2026 10:00 (or 16:00) with 5 days is due
  // Monday 9 March 2026 17:00. days == 0 means closing time on the day the clock starts.
  Timestamp due_after_working_days(Timestamp filed, int days) const;

  // Returns the deadline of a procedure that takes `hours` working hours, counted from
  // counting_start(filed) over office hours only (open to lunch, lunch end to close) on working
  // days. A deadline that ends exactly at a break is the start of that break (12:00 or 17:00).
  // A negative `hours` is treated as 0.
  Timestamp due_after_working_hours(Timestamp filed, int hours) const;

 private:
  OfficeHours hours_;
  std::map<Date, CalendarDay> days_;
};

}  // namespace common
