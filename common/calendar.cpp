#include "common/calendar.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>
#include <utility>

#include "common/csv.hpp"

namespace common {
namespace {

namespace chr = std::chrono;

chr::seconds seconds_of_day(Timestamp instant) {
  const auto local = instant + k_vietnam_utc_offset;
  return local - chr::floor<chr::days>(local);
}

Timestamp at_minute(Date date, int minute_of_day) {
  return local_time(date, minute_of_day / 60, minute_of_day % 60);
}

// "08:00" as minutes after midnight.
std::optional<int> parse_clock(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  auto digit = [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9' ? text[i] - '0' : -1; };
  const int h1 = digit(0), h2 = digit(1), m1 = digit(3), m2 = digit(4);
  if (h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0) return std::nullopt;
  const int hour = h1 * 10 + h2;
  const int minute = m1 * 10 + m2;
  if (hour > 23 || minute > 59) return std::nullopt;
  return hour * 60 + minute;
}

std::string clock_text(int minute_of_day) {
  return fmt::format("{:02}:{:02}", minute_of_day / 60, minute_of_day % 60);
}

}  // namespace

Result<OfficeHours> parse_office_hours(std::string_view text, OfficeHours hours) {
  auto fail = [&](std::string_view why) -> Error {
    return make_error(ErrorCode::bad_input,
                      fmt::format("office hours \"{}\": {}", text.substr(0, 40), why));
  };
  const auto comma = text.find(',');
  if (comma == std::string_view::npos) {
    return fail("write the morning and the afternoon, e.g. 08:00-12:00,13:00-17:00");
  }
  std::array<int, 4> minutes{};
  const std::array<std::string_view, 2> halves = {text.substr(0, comma), text.substr(comma + 1)};
  for (std::size_t i = 0; i < 2; ++i) {
    const std::string_view half = halves[i];
    const auto dash = half.find('-');
    const auto from =
        dash == std::string_view::npos ? std::nullopt : parse_clock(half.substr(0, dash));
    const auto to =
        dash == std::string_view::npos ? std::nullopt : parse_clock(half.substr(dash + 1));
    if (!from || !to) return fail(fmt::format("{}: not HH:MM-HH:MM", half.substr(0, 20)));
    if (*to <= *from) {
      return fail(
          fmt::format("{}: the {} ends before it starts", half, i == 0 ? "morning" : "afternoon"));
    }
    minutes[2 * i] = *from;
    minutes[2 * i + 1] = *to;
  }
  if (minutes[2] < minutes[1]) return fail("the afternoon starts before the morning ends");
  hours.open_minute = minutes[0];
  hours.lunch_start = minutes[1];
  hours.lunch_end = minutes[2];
  hours.close_minute = minutes[3];
  return hours;
}

namespace {

// A setting that is one of two words (empty: the first): false for `first`, true for `second`.
Result<bool> parse_choice(std::string_view text, std::string_view first, std::string_view second,
                          std::string_view what) {
  if (text.empty() || text == first) return false;
  if (text == second) return true;
  return make_error(ErrorCode::bad_input, fmt::format("{} \"{}\": give {} or {}", what,
                                                      text.substr(0, 40), first, second));
}

}  // namespace

Result<bool> parse_deadline_after_cutoff(std::string_view text) {
  return parse_choice(text, "same_day", "next_working_day", "deadline after 15:00");
}

Result<bool> parse_day_off_filing(std::string_view text) {
  return parse_choice(text, "next_working_day", "civil_code", "filing on a day off");
}

std::string format_office_hours(const OfficeHours& hours) {
  return fmt::format("{}-{},{}-{}", clock_text(hours.open_minute), clock_text(hours.lunch_start),
                     clock_text(hours.lunch_end), clock_text(hours.close_minute));
}

WorkingCalendar::WorkingCalendar(OfficeHours hours) : hours_(hours) {}

Result<WorkingCalendar> WorkingCalendar::load_csv(const std::vector<std::filesystem::path>& files,
                                                  OfficeHours hours) {
  WorkingCalendar calendar(hours);
  for (const auto& file : files) {
    TRY(calendar.add_csv(file));
  }
  return calendar;
}

Result<void> WorkingCalendar::add_csv(const std::filesystem::path& file) {
  TRY_ASSIGN(auto rows, read_csv(file));
  const std::string shown = file.string();
  std::vector<CalendarDay> parsed;
  bool header_seen = false;
  for (CsvRow& row : rows) {
    auto fail = [&](std::string_view why) -> Error {
      return make_error(ErrorCode::bad_input, fmt::format("{}:{}: {}", shown, row.line, why));
    };
    auto& fields = row.fields;
    if (!header_seen) {
      const std::vector<std::string> k_header = {"date", "kind", "name"};
      if (fields != k_header) {
        return fail(fmt::format("expected the header line date,kind,name, found {}",
                                fmt::join(fields, ",")));
      }
      header_seen = true;
      continue;
    }
    if (fields.size() != 3) {
      return fail(
          fmt::format("{} fields, expected 3 (date,kind,name); quote a name that "
                      "contains a comma",
                      fields.size()));
    }
    auto date = parse_date(fields[0]);
    if (!date) return fail(date.error().message);
    DayKind kind = DayKind::off;
    if (fields[1] == "off") {
      kind = DayKind::off;
    } else if (fields[1] == "work") {
      kind = DayKind::work;
    } else {
      return fail(fmt::format("kind must be off or work, found \"{}\"", fields[1]));
    }
    if (fields[2].empty()) return fail("the name is empty");
    parsed.push_back(CalendarDay{*date, kind, std::move(fields[2])});
  }
  if (!header_seen) {
    return make_error(ErrorCode::bad_input,
                      fmt::format("{}: no header line date,kind,name", shown));
  }
  for (auto& day : parsed) add_day(day.date, day.kind, std::move(day.name));
  return {};
}

void WorkingCalendar::add_day(Date date, DayKind kind, std::string name) {
  days_.insert_or_assign(date, CalendarDay{date, kind, std::move(name)});
}

bool WorkingCalendar::remove_day(Date date) { return days_.erase(date) > 0; }

bool WorkingCalendar::is_working_day(Date date) const {
  if (const auto listed = days_.find(date); listed != days_.end()) {
    return listed->second.kind == DayKind::work;
  }
  const chr::weekday weekday{chr::sys_days{date}};
  return weekday != chr::Saturday && weekday != chr::Sunday;
}

std::optional<CalendarDay> WorkingCalendar::find(Date date) const {
  if (const auto listed = days_.find(date); listed != days_.end()) return listed->second;
  return std::nullopt;
}

std::vector<CalendarDay> WorkingCalendar::days() const {
  std::vector<CalendarDay> all;
  all.reserve(days_.size());
  for (const auto& [date, day] : days_) all.push_back(day);
  return all;
}

Date WorkingCalendar::next_working_day(Date date) const {
  // Terminates: only listed dates can be days off, so an unlisted weekday always comes.
  auto day = chr::sys_days{date} + chr::days{1};
  while (!is_working_day(Date{day})) day += chr::days{1};
  return Date{day};
}

Date WorkingCalendar::add_working_days(Date date, int n) const {
  for (int i = 0; i < n; ++i) date = next_working_day(date);
  return date;
}

int WorkingCalendar::working_days_between(Date from, Date to) const {
  int count = 0;
  for (auto day = chr::sys_days{from} + chr::days{1}; day <= chr::sys_days{to};
       day += chr::days{1}) {
    if (is_working_day(Date{day})) ++count;
  }
  return count;
}

Timestamp WorkingCalendar::counting_start(Timestamp filed) const {
  const Date day = local_date(filed);
  if (is_working_day(day)) {
    const auto time = seconds_of_day(filed);
    if (time < chr::minutes{hours_.open_minute}) return at_minute(day, hours_.open_minute);
    // docs/domain.md §5.2: after 15:00 the dossier reaches the processing unit the next working
    // day (Decree 118/2025 Article 18(2)); its deadline still runs from the receipt (Article 17(3))
    // unless the desk counts it from the next working day.
    if (!hours_.cutoff_moves_deadline || time < chr::minutes{hours_.cutoff_minute}) return filed;
  } else if (!hours_.day_off_from_next_working_day) {
    // Civil Code Article 147: the day of filing is not counted; the next working day is day 1.
    return filed;
  }
  return at_minute(next_working_day(day), hours_.open_minute);
}

Timestamp WorkingCalendar::due_after_working_days(Timestamp filed, int days) const {
  const Date start_day = local_date(counting_start(filed));
  return at_minute(add_working_days(start_day, days), hours_.close_minute);
}

Timestamp WorkingCalendar::due_after_working_hours(Timestamp filed, int hours) const {
  const Timestamp start = counting_start(filed);
  const std::array<std::pair<chr::seconds, chr::seconds>, 2> periods = {{
      {chr::minutes{hours_.open_minute}, chr::minutes{hours_.lunch_start}},
      {chr::minutes{hours_.lunch_end}, chr::minutes{hours_.close_minute}},
  }};
  chr::seconds per_day{0};
  for (const auto& [begin, end] : periods) per_day += std::max(end - begin, chr::seconds{0});
  if (hours <= 0 || per_day <= chr::seconds{0}) return start;

  chr::seconds remaining = chr::hours{hours};
  Date day = local_date(start);
  chr::seconds from = seconds_of_day(start);
  while (true) {
    if (is_working_day(day)) {
      for (const auto& [begin, end] : periods) {
        const auto counted_from = std::max(from, begin);
        if (counted_from >= end) continue;
        const auto available = end - counted_from;
        if (remaining <= available) {
          return Timestamp{chr::sys_days{day}} + counted_from + remaining - k_vietnam_utc_offset;
        }
        remaining -= available;
      }
    }
    day = next_working_day(day);
    from = chr::seconds{0};
  }
}

}  // namespace common
