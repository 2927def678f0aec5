// Byte-level helpers for classification: UTF-8 repair and cutting, control characters, ASCII
// tests and case folding, percent-decoding. Internal to intake; knows nothing of what a code means.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace intake::detail {

struct RepairedText {
  std::string text;               // valid UTF-8
  std::size_t invalid_count = 0;  // how many ill-formed sequences became U+FFFD
};

// Returns `bytes` with every ill-formed UTF-8 sequence (stray continuation bytes, truncated or
// overlong sequences, surrogates, code points above U+10FFFF) replaced by U+FFFD, one replacement
// per maximal ill-formed subpart (Unicode §3.9). NUL bytes are kept.
RepairedText repair_utf8(std::string_view bytes);

// Returns the length of the longest prefix of valid UTF-8 `text` that is at most `max_bytes` long
// and ends on a code point boundary.
std::size_t utf8_prefix_length(std::string_view text, std::size_t max_bytes);

struct ControlCharacter {
  char32_t code_point = 0;
  std::size_t byte_offset = 0;
};

// The first C0 control (U+0000-U+001F), DEL (U+007F) or C1 control (U+0080-U+009F) in valid
// UTF-8 `text`, or nullopt.
std::optional<ControlCharacter> find_control_character(std::string_view text);

// `text` without leading and trailing spaces, tabs, CRs and LFs (what a keyboard-wedge scanner or a
// typist adds around a code).
std::string_view trim(std::string_view text);

bool is_ascii_digit(char c);
bool is_ascii_upper(char c);
bool is_ascii_alpha(char c);
bool is_ascii_alnum(char c);
bool all_digits(std::string_view text);  // false for ""
char to_ascii_upper(char c);
std::string to_ascii_upper(std::string_view text);
bool iequals_ascii(std::string_view a, std::string_view b);
bool istarts_with_ascii(std::string_view text, std::string_view prefix);

// The parts, separated by `separator`.
std::string join(const std::vector<std::string>& parts, std::string_view separator);

}  // namespace intake::detail
