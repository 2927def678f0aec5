// Codes typed rather than scanned: a keyboard-wedge hand scanner, or a file piped into the CLI, one
// code per line. Lines are read through a fixed-size buffer, so a line of any length costs at most
// k_max_typed_line bytes of memory, and a line that cannot be a code (longer or shorter than any
// code, with control characters or binary bytes, not UTF-8) is refused with the reason. Knows
// nothing about classifying or registering what it reads.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>

#include "common/text.hpp"

namespace intake {

// The longest line read as a code. The longest codes a desk meets (a portal URL, the QR code of a
// citizen ID card with an address in Vietnamese) are a few hundred bytes.
inline constexpr std::size_t k_max_typed_line = 1024;
// The fewest characters a code has: the shortest carrier number we know has 8 (GHN), an S10
// number 13, an ID number 12; a clerk's stray keystrokes and the printable runs of binary data
// have fewer.
inline constexpr std::size_t k_min_typed_code = 6;

struct TypedLine {
  int number = 0;        // 1-based position in the input, blank lines counted
  std::string text;      // the code without the blanks around it; empty when refused
  common::Text refusal;  // why the line cannot be a code; empty when it was taken
};

// Reads lines from a file descriptor (a pipe, a terminal, a file) with read(2), so a line typed
// at a terminal is handed over as soon as its Enter arrives. Not thread-safe; does not close `fd`.
class TypedLineReader {
 public:
  explicit TypedLineReader(int fd) : fd_(fd) {}

  // The next line that is not blank (spaces, tabs, a CR before the LF), taken or refused, or
  // nullopt at the end of the input or when reading fails (then error() says why). A refused
  // line is read to its end and dropped, never kept whole.
  std::optional<TypedLine> next();

  // Why reading stopped before the end of the input (errno's words), or "".
  const std::string& error() const { return error_; }

 private:
  // The next byte, or -1 at the end of the input or on a read error.
  int next_byte();

  int fd_;
  int number_ = 0;
  std::array<char, 64 * 1024> buffer_{};
  std::size_t begin_ = 0;  // next unread byte in buffer_
  std::size_t end_ = 0;    // bytes in buffer_
  bool done_ = false;
  std::string error_;
};

}  // namespace intake
