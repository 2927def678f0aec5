#include "intake/detail/text.hpp"

namespace intake::detail {
namespace {

constexpr std::string_view k_replacement = "\xEF\xBF\xBD";  // U+FFFD

bool in_range(unsigned char c, unsigned char low, unsigned char high) {
  return c >= low && c <= high;
}

}  // namespace

RepairedText repair_utf8(std::string_view bytes) {
  RepairedText out;
  out.text.reserve(bytes.size());
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    if (lead < 0x80) {
      out.text.push_back(bytes[i]);
      ++i;
      continue;
    }
    // Table 3-7 of the Unicode standard: the allowed range of the second byte depends on the lead
    // byte (this excludes overlong forms, surrogates and code points above U+10FFFF).
    std::size_t length = 0;
    unsigned char second_low = 0x80;
    unsigned char second_high = 0xBF;
    if (in_range(lead, 0xC2, 0xDF)) {
      length = 2;
    } else if (lead == 0xE0) {
      length = 3;
      second_low = 0xA0;
    } else if (in_range(lead, 0xE1, 0xEC) || in_range(lead, 0xEE, 0xEF)) {
      length = 3;
    } else if (lead == 0xED) {
      length = 3;
      second_high = 0x9F;
    } else if (lead == 0xF0) {
      length = 4;
      second_low = 0x90;
    } else if (in_range(lead, 0xF1, 0xF3)) {
      length = 4;
    } else if (lead == 0xF4) {
      length = 4;
      second_high = 0x8F;
    }
    if (length == 0) {
      out.text.append(k_replacement);
      ++out.invalid_count;
      ++i;
      continue;
    }
    std::size_t valid = 1;  // bytes of this sequence seen to be well-formed so far
    while (valid < length && i + valid < bytes.size()) {
      const auto c = static_cast<unsigned char>(bytes[i + valid]);
      const bool ok = valid == 1 ? in_range(c, second_low, second_high) : in_range(c, 0x80, 0xBF);
      if (!ok) break;
      ++valid;
    }
    if (valid == length) {
      out.text.append(bytes.substr(i, length));
    } else {
      out.text.append(k_replacement);
      ++out.invalid_count;
    }
    i += valid;
  }
  return out;
}

std::size_t utf8_prefix_length(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text.size();
  std::size_t end = max_bytes;
  // text[end] is the first byte left out: while it continues a sequence, that sequence would be
  // cut, so leave out its lead byte too.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return end;
}

std::optional<ControlCharacter> find_control_character(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) return ControlCharacter{c, i};
    // C1 controls are U+0080-U+009F: C2 80 .. C2 9F in UTF-8.
    if (c == 0xC2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (in_range(next, 0x80, 0x9F)) return ControlCharacter{next, i};
    }
  }
  return std::nullopt;
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view k_blank = " \t\r\n";
  const std::size_t first = text.find_first_not_of(k_blank);
  if (first == std::string_view::npos) return {};
  const std::size_t last = text.find_last_not_of(k_blank);
  return text.substr(first, last - first + 1);
}

bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_ascii_alpha(char c) { return is_ascii_upper(c) || (c >= 'a' && c <= 'z'); }
bool is_ascii_alnum(char c) { return is_ascii_alpha(c) || is_ascii_digit(c); }

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!is_ascii_digit(c)) return false;
  }
  return true;
}

char to_ascii_upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

std::string to_ascii_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = to_ascii_upper(c);
  return out;
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_ascii_upper(a[i]) != to_ascii_upper(b[i])) return false;
  }
  return true;
}

bool istarts_with_ascii(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals_ascii(text.substr(0, prefix.size()), prefix);
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.append(separator);
    out.append(parts[i]);
  }
  return out;
}

}  // namespace intake::detail
