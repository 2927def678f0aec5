#include "common/calendar.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>
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

}  // namespace

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
    // docs/domain.md §5.2: paper dossiers received after 15:00 go to the processing unit at the
    // start of the next working day.
    if (time < chr::minutes{hours_.cutoff_minute}) return filed;
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
