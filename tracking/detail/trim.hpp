// Text as staff typed it, without the blanks around it, its length in characters and whether it is
// printable: one definition for tracking's loaders, dispatch, the result's handover at the desk and
// the fee receipts. Internal to tracking.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

namespace tracking::detail {

// `text` without leading and trailing spaces, tabs and line breaks.
inline std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// The number of characters (UTF-8 code points) of `text`, for the limits staff are told.
inline std::size_t characters(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // not a UTF-8 continuation byte
  }));
}

// True when `text` holds no control character (a typed line, not a terminal's escape).
inline bool printable(std::string_view text) {
  return std::none_of(text.begin(), text.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

}  // namespace tracking::detail
