// Dates as the printed documents write them, in desk time (UTC+7). Shared by the loaders (notes of
// form 06) and the renderers; knows nothing of HTML or of the database.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace tracking::detail {

// "02/03/2026"
std::string date_vn(common::Timestamp t);
// "10 giờ 00 phút, ngày 02/03/2026"
std::string datetime_vn(common::Timestamp t);
// "10:00 02/03/2026", for tables and notes.
std::string short_datetime(common::Timestamp t);
// short_datetime, or "—" when there is no time.
std::string optional_datetime(const std::optional<common::Timestamp>& t);
// "ngày 02 tháng 03 năm 2026", the date under a document before its signatures.
std::string signing_date(common::Timestamp t);

// `text` when it has at most `max_chars` characters (UTF-8 code points), else its words that fit
// in `max_chars - 1` followed by "…": for the procedure names of the catalogue (up to ~1,100
// characters) on forms with room for a few lines. Cuts inside a word only when the first word
// alone is too long. Never cuts a UTF-8 sequence.
std::string shorten_words(std::string_view text, std::size_t max_chars);

}  // namespace tracking::detail
