#include "intake/typed_codes.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "intake/detail/text.hpp"
#include "intake/messages.hpp"

namespace intake {

int TypedLineReader::next_byte() {
  while (begin_ == end_) {
    if (done_) return -1;
    const ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n < 0) error_ = std::error_code(errno, std::generic_category()).message();
      done_ = true;
      return -1;
    }
    begin_ = 0;
    end_ = static_cast<std::size_t>(n);
  }
  return static_cast<unsigned char>(buffer_[begin_++]);
}

std::optional<TypedLine> TypedLineReader::next() {
  for (;;) {
    std::string kept;
    std::size_t length = 0;
    bool ended = false;  // a line end was read (not only the end of the input)
    for (;;) {
      const int c = next_byte();
      if (c < 0) break;
      if (c == '\n') {
        ended = true;
        break;
      }
      // Past the limit the line is only counted: its bytes are not kept.
      if (++length <= k_max_typed_line + 1) kept += static_cast<char>(c);
    }
    if (!ended && length == 0) return std::nullopt;
    ++number_;
    if (length > k_max_typed_line + 1 || (length == k_max_typed_line + 1 && kept.back() != '\r')) {
      return TypedLine{
          number_,
          {},
          common::Text{msg::typed_line_too_long, {{"line", number_}, {"max", k_max_typed_line}}}};
    }
    const std::string_view text = detail::trim(kept);
    if (text.empty()) continue;
    auto control_at = [&](std::size_t offset) {
      return TypedLine{
          number_,
          {},
          common::Text{msg::typed_line_control, {{"line", number_}, {"offset", offset + 1}}}};
    };
    // C0 controls and DEL first: they are what binary data is made of.
    const auto c0 = std::find_if(text.begin(), text.end(), [](char c) {
      const auto byte = static_cast<unsigned char>(c);
      return byte < 0x20 || byte == 0x7F;
    });
    if (c0 != text.end()) return control_at(static_cast<std::size_t>(c0 - text.begin()));
    if (detail::repair_utf8(text).invalid_count > 0) {
      return TypedLine{number_, {}, common::Text{msg::typed_line_not_utf8, {{"line", number_}}}};
    }
    if (const auto c1 = detail::find_control_character(text)) return control_at(c1->byte_offset);
    // Characters, not bytes: "Nữ" is two.
    const auto characters =
        static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
          return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        }));
    if (characters < k_min_typed_code) {
      return TypedLine{
          number_,
          {},
          common::Text{msg::typed_line_too_short,
                       {{"line", number_}, {"length", characters}, {"min", k_min_typed_code}}}};
    }
    return TypedLine{number_, std::string(text), {}};
  }
}

}  // namespace intake
