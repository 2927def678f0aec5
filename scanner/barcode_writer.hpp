// Barcodes drawn for printing: Code 128 (tracking numbers, dossier codes) and QR (lookup links) as
// standalone inline SVG, from ZXing-cpp's writer. The scanner owns ZXing, so the writer lives
// here; no ZXing type appears in this header. Knows nothing of what the text means or of HTML
// pages.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace scanner {

enum class BarcodeKind {
  code128,  // ASCII only (codes 0-127), 1 to 80 characters
  qr,       // UTF-8 text, error-correction level M
};

// How the symbol is drawn. Sizes are printed sizes in millimetres.
struct SvgOptions {
  // Width of one module (the narrowest bar, or one QR cell). Ignored when width_mm > 0.
  double module_mm = 0.33;
  // When > 0: the whole symbol, quiet zone included, is scaled to this width (module_mm follows).
  double width_mm = 0;
  // Code 128 only: the height of the bars.
  double bar_height_mm = 15;
  // Light margin around the symbol, in modules; negative: the format's minimum (10 for Code 128
  // on the left and right, 4 for QR on every side).
  int quiet_zone_modules = -1;
};

// Returns one `<svg>` element (with xmlns, so it is also a valid .svg file): viewBox in modules,
// width and height in mm, shape-rendering="crispEdges", a white background covering the quiet
// zone, and the dark modules as black <rect>s (horizontal runs merged, equal runs in consecutive
// QR rows merged into one taller rect). The text itself is never written into the SVG.
// Fails with bad_input when the text cannot be encoded (empty, non-ASCII or more than 80
// characters for Code 128, invalid UTF-8 or too long for a QR; the message says which character
// and why), with invalid_argument when a size is not positive. Thread-safe.
common::Result<std::string> barcode_svg(BarcodeKind kind, std::string_view text,
                                        const SvgOptions& options = {});

// "Code 128" or "QR", for messages.
std::string_view barcode_kind_name(BarcodeKind kind);

}  // namespace scanner
