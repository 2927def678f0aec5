#include "common/unicode.hpp"

#include <cstdint>

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

namespace common {

std::string search_fold(std::string_view utf8) {
  if (utf8.size() > 4096) utf8 = utf8.substr(0, 4096);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status) || nfd == nullptr) return std::string(utf8);
  const icu::UnicodeString decomposed =
      nfd->normalize(icu::UnicodeString::fromUTF8(
                         icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size()))),
                     status);
  if (U_FAILURE(status)) return std::string(utf8);
  icu::UnicodeString folded;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;  // the diacritics NFD split off
    if (c == 0x0110 || c == 0x0111) c = 'd';            // Đ, đ: a letter of its own, not a mark
    folded.append(u_tolower(c));
  }
  std::string out;
  folded.toUTF8String(out);
  return out;
}

std::vector<std::string> search_words(std::string_view utf8) {
  const std::string folded = search_fold(utf8);
  std::vector<std::string> words;
  std::string word;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(folded.data());
  const auto length = static_cast<std::int32_t>(folded.size());
  for (std::int32_t i = 0; i < length;) {
    const std::int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c >= 0 && u_isalnum(c)) {
      word.append(folded, static_cast<std::size_t>(start), static_cast<std::size_t>(i - start));
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

}  // namespace common
