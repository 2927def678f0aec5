#include "common/clock.hpp"

#include "common/messages.hpp"

#include <fmt/format.h>

#include <array>
#include <optional>

namespace common {
namespace {

namespace chr = std::chrono;

// GCC 12's libstdc++ has neither std::chrono::parse nor time zones, and std::regex trips
// warnings under ASan, so dates are read by hand: the grammar is small and fixed.

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view text) {
  constexpr std::string_view k_spaces = " \t\r\n";
  const auto first = text.find_first_not_of(k_spaces);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(k_spaces);
  return text.substr(first, last - first + 1);
}

// Returns the number written by text[pos, pos + width) if all of it is digits, else nullopt.
std::optional<int> read_number(std::string_view text, std::size_t pos, std::size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (!is_digit(text[i])) return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// The date written in the first ten characters of `text`, or why there is none.
struct DateRead {
  std::optional<Date> date;
  Text problem;
};

std::string two_digits(int n) { return fmt::format("{:02}", n); }

DateRead read_date(std::string_view text) {
  const auto year = read_number(text, 0, 4);
  const auto month = read_number(text, 5, 2);
  const auto day = read_number(text, 8, 2);
  if (!year || !month || !day || text.size() < 10 || text[4] != '-' || text[7] != '-') {
    return {std::nullopt, Text{msg::date_shape}};
  }
  if (*month < 1 || *month > 12) {
    return {std::nullopt, Text{msg::no_such_month, {{"month", two_digits(*month)}}}};
  }
  const chr::year_month_day_last last_day{chr::year{*year} / chr::month(*month) / chr::last};
  const auto days_in_month = static_cast<int>(static_cast<unsigned>(last_day.day()));
  if (*day < 1 || *day > days_in_month) {
    return {std::nullopt,
            Text{msg::month_length,
                 {{"month", two_digits(*month)}, {"year", *year}, {"days", days_in_month}}}};
  }
  return {Date{chr::year{*year}, chr::month(*month), chr::day(*day)}, {}};
}

}  // namespace

Clock::~Clock() = default;

Timestamp SystemClock::now() const { return chr::floor<chr::seconds>(chr::system_clock::now()); }

ManualClock::ManualClock(Timestamp start)
    : seconds_since_epoch_(start.time_since_epoch().count()) {}

Timestamp ManualClock::now() const { return Timestamp{chr::seconds{seconds_since_epoch_.load()}}; }

void ManualClock::set(Timestamp instant) {
  seconds_since_epoch_.store(instant.time_since_epoch().count());
}

void ManualClock::advance(chr::seconds by) { seconds_since_epoch_.fetch_add(by.count()); }

Date local_date(Timestamp instant) {
  return Date{chr::floor<chr::days>(instant + k_vietnam_utc_offset)};
}

Timestamp local_time(Date date, int hour, int minute, int second) {
  return Timestamp{chr::sys_days{date}} + chr::hours{hour} + chr::minutes{minute} +
         chr::seconds{second} - k_vietnam_utc_offset;
}

std::string format_date(Date date) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
}

std::string format_local(Timestamp instant) {
  const auto local = instant + k_vietnam_utc_offset;
  const auto day = chr::floor<chr::days>(local);
  const chr::hh_mm_ss time{local - day};
  return fmt::format("{} {:02}:{:02}:{:02}", format_date(Date{day}), time.hours().count(),
                     time.minutes().count(), time.seconds().count());
}

std::string format_iso(Timestamp instant) {
  std::string text = format_local(instant);
  text[10] = 'T';
  text += "+07:00";
  return text;
}

namespace {

// The text a user typed, as an argument: "(empty)" when there is none, cut to 40 bytes.
Arg typed(std::string_view trimmed) {
  if (trimmed.empty()) return Arg{"text", Text{msg::empty_text}};
  return Arg{"text", trimmed.substr(0, 40)};
}

}  // namespace

Result<Date> parse_date(std::string_view text) {
  const auto trimmed = trim(text);
  if (trimmed.size() != 10) {
    return make_error(ErrorCode::bad_input, msg::not_a_date,
                      {typed(trimmed), {"problem", Text{msg::date_shape}}});
  }
  auto read = read_date(trimmed);
  if (!read.date) {
    return make_error(ErrorCode::bad_input, msg::not_a_date,
                      {typed(trimmed), {"problem", std::move(read.problem)}});
  }
  return *read.date;
}

Result<Timestamp> parse_local(std::string_view text) {
  const auto trimmed = trim(text);
  auto fail = [&](Text why) -> Error {
    return make_error(ErrorCode::bad_input, msg::not_a_date_time,
                      {typed(trimmed), {"problem", std::move(why)}});
  };
  const Text shape{msg::date_time_shape};

  auto read = read_date(trimmed);
  if (!read.date) {
    // A shape error names the whole grammar; a wrong day names the day.
    return fail(read.problem.def == &msg::date_shape ? shape : read.problem);
  }
  std::string_view rest = trimmed.substr(10);
  if (rest.empty()) return local_time(*read.date, 0, 0);

  if (rest[0] != ' ' && rest[0] != 'T') return fail(shape);
  rest.remove_prefix(1);
  const auto hour = read_number(rest, 0, 2);
  const auto minute = read_number(rest, 3, 2);
  if (!hour || !minute || rest[2] != ':') return fail(shape);
  std::size_t used = 5;
  int second = 0;
  if (rest.size() > used && rest[used] == ':') {
    const auto read_second = read_number(rest, used + 1, 2);
    if (!read_second) return fail(shape);
    second = *read_second;
    used += 3;
  }

  // No suffix means Vietnam local time; a suffix states the offset from UTC explicitly.
  chr::seconds offset = k_vietnam_utc_offset;
  const std::string_view suffix = rest.substr(used);
  if (suffix == "Z" || suffix == "z") {
    offset = chr::seconds{0};
  } else if (!suffix.empty()) {
    const auto offset_hours = read_number(suffix, 1, 2);
    const auto offset_minutes = read_number(suffix, 4, 2);
    if (suffix.size() != 6 || (suffix[0] != '+' && suffix[0] != '-') || suffix[3] != ':' ||
        !offset_hours || !offset_minutes) {
      return fail(shape);
    }
    if (*offset_hours > 14 || *offset_minutes > 59) {
      return fail(Text{msg::no_such_offset, {{"offset", suffix}}});
    }
    offset = chr::hours{*offset_hours} + chr::minutes{*offset_minutes};
    if (suffix[0] == '-') offset = -offset;
  }

  if (*hour > 23) return fail(Text{msg::no_such_hour, {{"hour", two_digits(*hour)}}});
  if (*minute > 59) return fail(Text{msg::no_such_minute, {{"minute", two_digits(*minute)}}});
  if (second > 59) return fail(Text{msg::no_such_second, {{"second", two_digits(second)}}});

  return Timestamp{chr::sys_days{*read.date}} + chr::hours{*hour} + chr::minutes{*minute} +
         chr::seconds{second} - offset;
}

}  // namespace common
