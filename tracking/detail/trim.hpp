// Text as staff typed it, without the blanks around it: one definition for tracking's loaders,
// dispatch and the result's handover at the desk. Internal to tracking.
#pragma once

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

// How many characters (code points) UTF-8 `text` holds, for the limits staff are told.
inline std::size_t characters(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;  // not a continuation byte
  }
  return n;
}

}  // namespace tracking::detail
