// Unicode text folding for search, with ICU. Knows nothing about where the text comes from.
#pragma once

#include <string>
#include <string_view>

namespace common {

// `utf8` folded for search: lower case, without diacritics, đ as d ("Nguyễn Văn Đức" -> "nguyen van
// duc"), so staff find a name however they type it. Reads at most the first 4096 bytes. Invalid
// bytes come out as U+FFFD. Thread-safe.
std::string search_fold(std::string_view utf8);

}  // namespace common
