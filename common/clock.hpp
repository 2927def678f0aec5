// Desk time: UTC instants, Vietnam local dates and times (UTC+7 all year, no daylight saving), a
// clock interface so tests can set the time, and parsing/formatting of the forms staff type and
// read. Knows nothing about working days or holidays: that is common/calendar.hpp.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace common {

// A UTC instant, to the second. Stored and compared in UTC; shown in Vietnam local time.
using Timestamp = std::chrono::sys_seconds;
// A calendar date in Vietnam ("ngày"), with no time of day.
using Date = std::chrono::year_month_day;

// Vietnam (Asia/Ho_Chi_Minh) is UTC+7 all year; it has not observed daylight saving since 1975.
inline constexpr std::chrono::hours k_vietnam_utc_offset{7};

// Where "now" comes from. Production code takes a `const Clock&` so tests can pass a ManualClock.
// Implementations are thread-safe: now() may be called from any thread.
class Clock {
 public:
  virtual ~Clock();
  virtual Timestamp now() const = 0;
};

// The operating system's wall clock, truncated to the second.
class SystemClock final : public Clock {
 public:
  Timestamp now() const override;
};

// A clock that only moves when told to, for tests. All members are thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start = Timestamp{});

  Timestamp now() const override;
  void set(Timestamp instant);
  void advance(std::chrono::seconds by);

 private:
  std::atomic<std::int64_t> seconds_since_epoch_;
};

// Returns the Vietnam local date of `instant` (e.g. 2026-02-12T17:30:00Z is 2026-02-13 locally).
Date local_date(Timestamp instant);

// Returns the instant at which Vietnam local time reads `date` `hour`:`minute`:`second`.
// Requires date.ok(), 0 <= hour <= 23, 0 <= minute <= 59 and 0 <= second <= 59.
Timestamp local_time(Date date, int hour, int minute, int second = 0);

// "2026-02-13 14:30:05": Vietnam local time, for people (receipts, tables, logs).
std::string format_local(Timestamp instant);

// "2026-02-13T14:30:05+07:00": ISO 8601 with the local offset, for JSON and exports.
std::string format_iso(Timestamp instant);

// "2026-02-13". Requires date.ok().
std::string format_date(Date date);

// Parses a date and optional time typed by staff or found in a file:
//   "YYYY-MM-DD"               local midnight
//   "YYYY-MM-DD HH:MM"         local time ('T' may replace the space)
//   "YYYY-MM-DD HH:MM:SS"      local time ('T' may replace the space)
// A time may end with an offset, "Z" or "+HH:MM"/"-HH:MM" (e.g. "+07:00"), which is honoured:
// "2026-02-13T07:30:05Z" and "2026-02-13 14:30:05+07:00" are the same instant. Surrounding spaces
// are ignored. Fails with ErrorCode::bad_input, naming the input, when the text has another shape
// or names a date or time that does not exist (2026-02-30, 24:00).
Result<Timestamp> parse_local(std::string_view text);

// Parses "YYYY-MM-DD" (exactly four, two and two digits). Fails with ErrorCode::bad_input, naming
// the input, for another shape or a date that does not exist ("2026-02-30 is not a date: February
// 2026 has 28 days").
Result<Date> parse_date(std::string_view text);

}  // namespace common
