#include "tracking/detail/document_text.hpp"

#include <fmt/format.h>

#include <chrono>

namespace tracking::detail {
namespace {

namespace chr = std::chrono;

struct LocalTime {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  long hour = 0;
  long minute = 0;
};

LocalTime local_parts(common::Timestamp t) {
  const auto local = t + common::k_vietnam_utc_offset;
  const auto day = chr::floor<chr::days>(local);
  const common::Date date{day};
  const auto since_midnight = chr::duration_cast<chr::minutes>(local - day).count();
  return {static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
          static_cast<unsigned>(date.day()), since_midnight / 60, since_midnight % 60};
}

}  // namespace

std::string date_vn(common::Timestamp t) {
  const LocalTime l = local_parts(t);
  return fmt::format("{:02}/{:02}/{}", l.day, l.month, l.year);
}

std::string datetime_vn(common::Timestamp t) {
  const LocalTime l = local_parts(t);
  return fmt::format("{} giờ {:02} phút, ngày {:02}/{:02}/{}", l.hour, l.minute, l.day, l.month,
                     l.year);
}

std::string short_datetime(common::Timestamp t) {
  const LocalTime l = local_parts(t);
  return fmt::format("{:02}:{:02} {:02}/{:02}/{}", l.hour, l.minute, l.day, l.month, l.year);
}

std::string optional_datetime(const std::optional<common::Timestamp>& t) {
  return t ? short_datetime(*t) : std::string("—");
}

std::string signing_date(common::Timestamp t) {
  const LocalTime l = local_parts(t);
  return fmt::format("ngày {:02} tháng {:02} năm {}", l.day, l.month, l.year);
}

std::string shorten_words(std::string_view text, std::size_t max_chars) {
  // Byte offsets of the code points: a UTF-8 continuation byte is 10xxxxxx.
  std::size_t chars = 0;
  std::size_t cut = std::string_view::npos;  // where the max_chars-th code point starts
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars + 1 == max_chars) cut = i;
    ++chars;
  }
  if (chars <= max_chars) return std::string(text);
  if (max_chars == 0) return {};
  std::string_view kept = text.substr(0, cut);
  const std::size_t space = kept.find_last_of(" ");
  if (space != std::string_view::npos && space > 0) kept = kept.substr(0, space);
  // No dangling punctuation before the ellipsis ("đất, …" reads as "đất…").
  while (!kept.empty() && (kept.back() == ' ' || kept.back() == ',' || kept.back() == ';' ||
                           kept.back() == ':' || kept.back() == '(')) {
    kept.remove_suffix(1);
  }
  return fmt::format("{}…", kept);
}

}  // namespace tracking::detail
