// Unicode text folding for search, with ICU. Knows nothing about where the text comes from.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace common {

// `utf8` folded for search: lower case, without diacritics, đ as d ("Nguyễn Văn Đức" -> "nguyen van
// duc"), so staff find a name however they type it. Reads at most the first 4096 bytes. Invalid
// bytes come out as U+FFFD. Thread-safe.
std::string search_fold(std::string_view utf8);

// The words of `utf8` folded as search_fold does, in order, repeats kept: the runs of letters and
// digits, everything else (spaces, punctuation, symbols) separating them ("Nguyễn Thị-Lan  (2)" ->
// {"nguyen", "thi", "lan", "2"}). A word never holds a space, a quote, a backslash, '%' or '_'.
// Thread-safe.
std::vector<std::string> search_words(std::string_view utf8);

}  // namespace common
