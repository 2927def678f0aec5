#include "scanner/barcode_writer.hpp"

#define ZX_USE_UTF8 1
#include <ZXing/BarcodeFormat.h>
#include <ZXing/BitMatrix.h>
#include <ZXing/CharacterSet.h>
#include <ZXing/MultiFormatWriter.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace scanner {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;

constexpr std::size_t k_code128_max_chars = 80;  // ZXing's Code 128 writer refuses more
constexpr int k_code128_quiet_zone = 10;         // ISO/IEC 15417: at least 10 modules each side
constexpr int k_qr_quiet_zone = 4;               // ISO/IEC 18004: 4 modules on every side
// MultiFormatWriter's 0-8 scale maps to QR levels L, L, L, M, M, Q, Q, H, H (1.4: (n - 1) / 2).
constexpr int k_qr_level_m = 4;

// The text as it may appear in an error message: at most 40 characters, control characters
// replaced, so hostile text cannot garble a terminal.
std::string quoted(std::string_view text) {
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte & 0xC0) != 0x80 && ++chars > 40) {
      out += "…";
      break;
    }
    out += (byte < 0x20 || byte == 0x7F) ? '?' : text[i];
  }
  return fmt::format("\"{}\"", out);
}

// Length of the UTF-8 sequence starting at text[i], or 0 when it is not valid UTF-8.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  std::size_t length = 0;
  std::uint32_t code_point = 0;
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code_point = lead & 0x1Fu;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code_point = lead & 0x0Fu;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code_point = lead & 0x07u;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const auto byte = static_cast<unsigned char>(text[i + k]);
    if ((byte & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte & 0x3Fu);
  }
  // Overlong forms, surrogates and values above U+10FFFF are not UTF-8.
  static constexpr std::uint32_t k_smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code_point < k_smallest[length] || code_point > 0x10FFFF ||
      (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return 0;
  }
  return length;
}

Result<void> check_code128(std::string_view text) {
  if (text.empty()) {
    return make_error(ErrorCode::bad_input, "Code 128: nothing to encode (the text is empty)");
  }
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_length(text, i);
    ++chars;
    if (length != 1) {
      const std::string shown = length == 0 ? std::string("a byte that is not UTF-8")
                                            : fmt::format("\"{}\"", text.substr(i, length));
      return make_error(ErrorCode::bad_input,
                        fmt::format("Code 128 cannot encode {} (character {} of {}): only ASCII "
                                    "characters fit; use a QR code for Vietnamese text",
                                    shown, chars, quoted(text)));
    }
    i += length;
  }
  if (text.size() > k_code128_max_chars) {
    return make_error(ErrorCode::bad_input,
                      fmt::format("Code 128: {} characters is too long for a printed label (at "
                                  "most {}): {}",
                                  text.size(), k_code128_max_chars, quoted(text)));
  }
  return {};
}

Result<void> check_qr(std::string_view text) {
  if (text.empty()) {
    return make_error(ErrorCode::bad_input, "QR: nothing to encode (the text is empty)");
  }
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_length(text, i);
    if (length == 0) {
      return make_error(
          ErrorCode::bad_input,
          fmt::format("QR: the text is not valid UTF-8 (byte {} of {} bytes)", i + 1, text.size()));
    }
    i += length;
  }
  return {};
}

// "12.5", "0.33": millimetres and viewBox numbers without trailing zeros.
std::string number(double value) {
  std::string out = fmt::format("{:.3f}", value);
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  return out;
}

struct Rect {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
};

// The dark modules of `matrix` as rects: runs along each row, and a run continued by the same
// run (same start and length) in the rows below grown into one taller rect.
std::vector<Rect> dark_rects(const ZXing::BitMatrix& matrix) {
  std::vector<Rect> done;
  std::map<std::pair<int, int>, Rect> open;  // (x, width) -> the rect ending on the row above
  for (int y = 0; y < matrix.height(); ++y) {
    std::map<std::pair<int, int>, Rect> next;
    for (int x = 0; x < matrix.width();) {
      if (!matrix.get(x, y)) {
        ++x;
        continue;
      }
      int end = x;
      while (end < matrix.width() && matrix.get(end, y)) ++end;
      const std::pair<int, int> key{x, end - x};
      auto above = open.find(key);
      if (above != open.end()) {
        Rect grown = above->second;
        ++grown.height;
        next.emplace(key, grown);
        open.erase(above);
      } else {
        next.emplace(key, Rect{x, y, end - x, 1});
      }
      x = end;
    }
    for (auto& [key, rect] : open) done.push_back(rect);
    open = std::move(next);
  }
  for (auto& [key, rect] : open) done.push_back(rect);
  return done;
}

}  // namespace

std::string_view barcode_kind_name(BarcodeKind kind) {
  switch (kind) {
    case BarcodeKind::code128:
      return "Code 128";
    case BarcodeKind::qr:
      return "QR";
  }
  return "barcode";
}

Result<std::string> barcode_svg(BarcodeKind kind, std::string_view text,
                                const SvgOptions& options) {
  if (!(options.width_mm > 0) && !(options.module_mm > 0)) {
    return make_error(ErrorCode::invalid_argument,
                      fmt::format("{}: the module size must be positive (got {} mm)",
                                  barcode_kind_name(kind), options.module_mm));
  }
  if (kind == BarcodeKind::code128 && !(options.bar_height_mm > 0)) {
    return make_error(ErrorCode::invalid_argument,
                      fmt::format("Code 128: the bar height must be positive (got {} mm)",
                                  options.bar_height_mm));
  }
  TRY(kind == BarcodeKind::code128 ? check_code128(text) : check_qr(text));

  std::optional<ZXing::BitMatrix> matrix;
  try {
    if (kind == BarcodeKind::code128) {
      matrix = ZXing::MultiFormatWriter(ZXing::BarcodeFormat::Code128)
                   .setMargin(0)
                   .encode(std::string(text), 0, 0);
    } else {
      matrix = ZXing::MultiFormatWriter(ZXing::BarcodeFormat::QRCode)
                   .setEncoding(ZXing::CharacterSet::UTF8)
                   .setEccLevel(k_qr_level_m)
                   .setMargin(0)
                   .encode(std::string(text), 0, 0);
    }
  } catch (const std::exception& e) {
    // ZXing reports what it cannot encode by throwing (e.g. "Data too big" for a long QR).
    return make_error(ErrorCode::bad_input,
                      fmt::format("{} cannot encode {} ({} bytes): {}", barcode_kind_name(kind),
                                  quoted(text), text.size(), e.what()));
  }
  if (!matrix || matrix->width() <= 0 || matrix->height() <= 0) {
    return make_error(ErrorCode::internal, fmt::format("{}: ZXing returned an empty symbol for {}",
                                                       barcode_kind_name(kind), quoted(text)));
  }

  const bool linear = kind == BarcodeKind::code128;
  const int quiet = options.quiet_zone_modules >= 0
                        ? options.quiet_zone_modules
                        : (linear ? k_code128_quiet_zone : k_qr_quiet_zone);
  const int view_width = matrix->width() + 2 * quiet;
  const double module_mm = options.width_mm > 0 ? options.width_mm / view_width : options.module_mm;
  // A linear symbol is one row of modules stretched to the bar height; no quiet zone above or
  // below is needed, so the bars fill the whole height.
  const int bar_rows =
      linear ? std::max(1, static_cast<int>(std::lround(options.bar_height_mm / module_mm)))
             : matrix->height();
  const int top = linear ? 0 : quiet;
  const int view_height = linear ? bar_rows : matrix->height() + 2 * quiet;

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"barcode {}\" width=\"{}mm\" "
      "height=\"{}mm\" viewBox=\"0 0 {} {}\" shape-rendering=\"crispEdges\" role=\"img\">"
      "<rect width=\"{}\" height=\"{}\" fill=\"#fff\"/><g fill=\"#000\">",
      linear ? "code128" : "qr", number(view_width * module_mm), number(view_height * module_mm),
      view_width, view_height, view_width, view_height);
  for (const Rect& r : dark_rects(*matrix)) {
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>", r.x + quiet,
                       r.y + top, r.width, linear ? bar_rows : r.height);
  }
  svg += "</g></svg>";
  return svg;
}

}  // namespace scanner
