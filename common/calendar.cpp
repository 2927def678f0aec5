#include "common/calendar.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

namespace common {
namespace {

namespace chr = std::chrono;

constexpr std::string_view k_utf8_bom = "\xEF\xBB\xBF";

std::string_view trim(std::string_view text) {
  constexpr std::string_view k_spaces = " \t\r";
  const auto first = text.find_first_not_of(k_spaces);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(k_spaces);
  return text.substr(first, last - first + 1);
}

// Splits one CSV line into trimmed fields. A field may be quoted ("..."), with "" standing for a
// quote inside it; only a quoted field may contain a comma. Returns nullopt and sets `problem` when
// a quote is not closed or text follows a closing quote.
std::optional<std::vector<std::string>> split_csv_line(std::string_view line,
                                                       std::string& problem) {
  std::vector<std::string> fields;
  std::size_t pos = 0;
  while (true) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
    std::string field;
    if (pos < line.size() && line[pos] == '"') {
      ++pos;
      bool closed = false;
      while (pos < line.size()) {
        if (line[pos] == '"') {
          if (pos + 1 < line.size() && line[pos + 1] == '"') {
            field += '"';
            pos += 2;
            continue;
          }
          ++pos;
          closed = true;
          break;
        }
        field += line[pos++];
      }
      if (!closed) {
        problem = "a quoted field has no closing quote";
        return std::nullopt;
      }
      while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
      if (pos < line.size() && line[pos] != ',') {
        problem = "text follows the closing quote of a field";
        return std::nullopt;
      }
    } else {
      const auto comma = line.find(',', pos);
      const auto end = comma == std::string_view::npos ? line.size() : comma;
      field = std::string(trim(line.substr(pos, end - pos)));
      pos = end;
    }
    fields.push_back(std::move(field));
    if (pos >= line.size()) break;
    ++pos;  // the comma
  }
  return fields;
}

Result<std::string> read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::error_code ignored;
    if (!std::filesystem::exists(file, ignored)) {
      return make_error(ErrorCode::not_found,
                        fmt::format("{}: no such calendar file", file.string()));
    }
    return make_error(ErrorCode::io_error, fmt::format("{}: cannot be read", file.string()));
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) {
    return make_error(ErrorCode::io_error, fmt::format("{}: reading failed", file.string()));
  }
  return contents.str();
}

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
    auto added = calendar.add_csv(file);
    if (!added) return added.error();
  }
  return calendar;
}

Result<void> WorkingCalendar::add_csv(const std::filesystem::path& file) {
  auto contents = read_file(file);
  if (!contents) return contents.error();
  std::string_view text = *contents;
  if (text.substr(0, k_utf8_bom.size()) == k_utf8_bom) text.remove_prefix(k_utf8_bom.size());

  const std::string shown = file.string();
  auto fail = [&](int line_number, std::string_view why) -> Error {
    return make_error(ErrorCode::bad_input, fmt::format("{}:{}: {}", shown, line_number, why));
  };

  std::vector<CalendarDay> parsed;
  bool header_seen = false;
  int line_number = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto newline = text.find('\n', pos);
    const auto end = newline == std::string_view::npos ? text.size() : newline;
    const std::string_view line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_number;
    if (line.empty() || line[0] == '#') continue;

    std::string problem;
    auto fields = split_csv_line(line, problem);
    if (!fields) return fail(line_number, problem);

    if (!header_seen) {
      const std::vector<std::string> k_header = {"date", "kind", "name"};
      if (*fields != k_header) {
        return fail(line_number,
                    fmt::format("expected the header line date,kind,name, found {}", line));
      }
      header_seen = true;
      continue;
    }
    if (fields->size() != 3) {
      return fail(line_number,
                  fmt::format("{} fields, expected 3 (date,kind,name); quote a name that "
                              "contains a comma",
                              fields->size()));
    }
    auto date = parse_date((*fields)[0]);
    if (!date) return fail(line_number, date.error().message);

    DayKind kind = DayKind::off;
    if ((*fields)[1] == "off") {
      kind = DayKind::off;
    } else if ((*fields)[1] == "work") {
      kind = DayKind::work;
    } else {
      return fail(line_number, fmt::format("kind must be off or work, found \"{}\"", (*fields)[1]));
    }
    if ((*fields)[2].empty()) return fail(line_number, "the name is empty");
    parsed.push_back(CalendarDay{*date, kind, std::move((*fields)[2])});
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
    // DOMAIN.md §1: paper dossiers received after 15:00 go to the processing unit at the start
    // of the next working day.
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
