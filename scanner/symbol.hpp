// What the scanner reports: barcode formats and decoded symbols, in our own types.
// Knows nothing of what a symbol means (tracking number, dossier code): that is intake's job.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace scanner {

enum class Format : std::uint32_t {
  code128 = 1u << 0,
  qr_code = 1u << 1,
  data_matrix = 1u << 2,
  code39 = 1u << 3,
  ean13 = 1u << 4,
  upca = 1u << 5,
  pdf417 = 1u << 6,
  aztec = 1u << 7,
};

inline constexpr std::array<Format, 8> k_all_formats = {
    Format::code128, Format::qr_code, Format::data_matrix, Format::code39,
    Format::ean13,   Format::upca,    Format::pdf417,      Format::aztec};

// A set of formats, as a bit mask of Format values.
class FormatSet {
 public:
  constexpr FormatSet() = default;
  constexpr explicit FormatSet(std::uint32_t bits) : bits_(bits) {}
  constexpr FormatSet(std::initializer_list<Format> formats) {
    for (Format f : formats) bits_ |= static_cast<std::uint32_t>(f);
  }
  static constexpr FormatSet all() { return FormatSet(0xFFu); }

  constexpr bool contains(Format f) const { return (bits_ & static_cast<std::uint32_t>(f)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr std::uint32_t bits() const { return bits_; }
  constexpr FormatSet operator&(FormatSet o) const { return FormatSet(bits_ & o.bits_); }
  constexpr FormatSet operator|(FormatSet o) const { return FormatSet(bits_ | o.bits_); }
  constexpr bool operator==(const FormatSet&) const = default;

 private:
  std::uint32_t bits_ = 0;
};

// Linear (1D) formats: ZXing reads them only at 0/90/180/270°, so the pipeline straightens them.
inline constexpr FormatSet k_linear_formats{Format::code128, Format::code39, Format::ean13,
                                            Format::upca};
inline constexpr FormatSet k_matrix_formats{Format::qr_code, Format::data_matrix, Format::pdf417,
                                            Format::aztec};

constexpr bool is_linear(Format f) { return k_linear_formats.contains(f); }

// Returns the format's name as printed by `hoso scan` ("Code128", "QRCode", "DataMatrix", ...).
std::string_view format_name(Format format);

// Parses a comma-separated list of format names (case-insensitive, as format_name prints them).
// Fails with invalid_argument naming the unknown entry and listing the known names.
common::Result<FormatSet> parse_formats(std::string_view list);

struct Point {
  int x = 0;
  int y = 0;
  bool operator==(const Point&) const = default;
};

struct Symbol {
  Format format = Format::code128;
  std::string text;                 // UTF-8
  std::vector<std::uint8_t> bytes;  // the symbol's raw data bytes
  // Corners in the coordinates of the image as shown (after EXIF rotation): top-left, top-right,
  // bottom-right, bottom-left of the symbol in its own orientation.
  std::array<Point, 4> corners{};
  int page = 0;  // 0-based page of a multi-page TIFF or PDF; 0 for single images
};

}  // namespace scanner
