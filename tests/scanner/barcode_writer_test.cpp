// The barcode writer (scanner/barcode_writer): Code 128 and QR as SVG that, printed (rasterised
// by rsvg-convert) and scanned by our own scanner, give back the text; Vietnamese text in a QR;
// the SVG's shape (mm sizes, quiet zone, merged runs); texts that cannot be encoded.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "scanner/barcode_writer.hpp"
#include "tests/scanner/test_support.hpp"

namespace {

using scanner::BarcodeKind;
using test_support::TempDir;

// The SVG printed at 300 dpi on white, as a PNG, then decoded by our scanner.
std::vector<std::string> print_and_scan(const std::string& svg, const TempDir& dir) {
  const auto svg_path = dir.write("code.svg", svg);
  const auto png_path = dir / "code.png";
  const auto converted = test_support::run_command(
      "rsvg-convert --dpi-x 300 --dpi-y 300 --background-color white -o " +
          test_support::shell_quote(png_path.string()) + " " +
          test_support::shell_quote(svg_path.string()),
      dir.path());
  INFO("rsvg-convert (Debian package librsvg2-bin, see scripts/bootstrap): " << converted.err);
  REQUIRE(converted.exit_code == 0);
  auto scanner = test_support::open_scanner();
  const auto result = scanner.scan_file(png_path.string());
  INFO(test_support::describe(result));
  REQUIRE(result.readable());
  return test_support::texts(result);
}

struct Rect {
  int x, y, width, height;
};

// The value of attribute `name` in `tag` (the text of one element), or "" when absent. No
// std::regex: GCC 12 warns inside <regex> under the sanitizer build.
std::string attribute(std::string_view tag, const std::string& name) {
  const std::string key = fmt::format(" {}=\"", name);
  const auto start = tag.find(key);
  if (start == std::string_view::npos) return {};
  const auto from = start + key.size();
  const auto end = tag.find('"', from);
  if (end == std::string_view::npos) return {};
  return std::string(tag.substr(from, end - from));
}

// Every `<rect x=".." y=".." width=".." height=".."/>` of the SVG.
std::vector<Rect> rects_of(const std::string& svg) {
  std::vector<Rect> out;
  for (auto at = svg.find("<rect x=\""); at != std::string::npos;
       at = svg.find("<rect x=\"", at + 1)) {
    const auto end = svg.find("/>", at);
    if (end == std::string::npos) break;
    const std::string_view tag(svg.data() + at, end - at);
    out.push_back({std::stoi(attribute(tag, "x")), std::stoi(attribute(tag, "y")),
                   std::stoi(attribute(tag, "width")), std::stoi(attribute(tag, "height"))});
  }
  return out;
}

}  // namespace

TEST_CASE("a Code 128 tracking number printed from the SVG scans back to the same number") {
  TempDir dir;
  auto svg = scanner::barcode_svg(BarcodeKind::code128, "EB123456785VN");
  REQUIRE(svg.has_value());
  const auto texts = print_and_scan(*svg, dir);
  REQUIRE(texts.size() == 1);
  CHECK(texts.front() == "EB123456785VN");
}

TEST_CASE("a QR code of Vietnamese text printed from the SVG scans back unchanged") {
  TempDir dir;
  const std::string text = "Nguyễn Thị Hồng Nhung, 12 Lê Lợi, phường Thạch Thang, Đà Nẵng";
  auto svg = scanner::barcode_svg(BarcodeKind::qr, text);
  REQUIRE(svg.has_value());
  const auto texts = print_and_scan(*svg, dir);
  REQUIRE(texts.size() == 1);
  CHECK(texts.front() == text);
}

TEST_CASE("the SVG is sized in millimetres with a quiet zone and crisp merged modules") {
  SUBCASE("Code 128 bars span the bar height and leave 10 modules clear on each side") {
    scanner::SvgOptions options;
    options.module_mm = 0.5;
    options.bar_height_mm = 12;
    auto svg = scanner::barcode_svg(BarcodeKind::code128, "EB123456785VN", options);
    REQUIRE(svg.has_value());
    CHECK(attribute(*svg, "shape-rendering") == "crispEdges");
    CHECK(attribute(*svg, "height") == "12mm");
    const auto rects = rects_of(*svg);
    REQUIRE(rects.size() > 20);
    const std::string view_box = attribute(*svg, "viewBox");  // "0 0 W 24"
    const int view_width = std::stoi(view_box.substr(4, view_box.find(' ', 4) - 4));
    CHECK(attribute(*svg, "width") ==
          std::to_string(view_width / 2) + (view_width % 2 ? ".5mm" : "mm"));
    CHECK(rects.front().x == 10);
    CHECK(rects.back().x + rects.back().width == view_width - 10);
    for (const Rect& r : rects) CHECK(r.height == 24);  // 12 mm of 0.5 mm modules
  }
  SUBCASE("a QR code fits a given width and merges runs into far fewer rects than modules") {
    scanner::SvgOptions options;
    options.width_mm = 30;
    auto svg = scanner::barcode_svg(BarcodeKind::qr, "https://motcua.example.vn/tra-cuu?ma=1&mk=2",
                                    options);
    REQUIRE(svg.has_value());
    CHECK(attribute(*svg, "width") == "30mm");
    CHECK(attribute(*svg, "height") == "30mm");
    const auto rects = rects_of(*svg);
    int dark_modules = 0;
    int left = 1000;
    int top = 1000;
    for (const Rect& r : rects) {
      dark_modules += r.width * r.height;
      left = std::min(left, r.x);
      top = std::min(top, r.y);
    }
    CHECK(left == 4);  // the finder pattern starts after the 4-module quiet zone
    CHECK(top == 4);
    CHECK(rects.size() * 2 < static_cast<std::size_t>(dark_modules));
  }
}

TEST_CASE("Code 128 refuses Vietnamese text and names the character it cannot encode") {
  auto svg = scanner::barcode_svg(BarcodeKind::code128, "Nguyễn");
  REQUIRE_FALSE(svg.has_value());
  CHECK(svg.error().code == common::ErrorCode::bad_input);
  CHECK(svg.error().message.find("\"ễ\" (character 5") != std::string::npos);
  CHECK(svg.error().message.find("ASCII") != std::string::npos);
}

TEST_CASE("texts no barcode can hold are refused with a reason") {
  SUBCASE("empty text") {
    auto svg = scanner::barcode_svg(BarcodeKind::qr, "");
    REQUIRE_FALSE(svg.has_value());
    CHECK(svg.error().message.find("empty") != std::string::npos);
  }
  SUBCASE("bytes that are not UTF-8 in a QR code") {
    auto svg = scanner::barcode_svg(BarcodeKind::qr, "abc\xff");
    REQUIRE_FALSE(svg.has_value());
    CHECK(svg.error().code == common::ErrorCode::bad_input);
    CHECK(svg.error().message.find("not valid UTF-8 (byte 4") != std::string::npos);
  }
  SUBCASE("more than a QR code holds") {
    auto svg = scanner::barcode_svg(BarcodeKind::qr, std::string(5000, 'a'));
    REQUIRE_FALSE(svg.has_value());
    CHECK(svg.error().code == common::ErrorCode::bad_input);
    CHECK(svg.error().message.find("5000 bytes") != std::string::npos);
  }
  SUBCASE("more than 80 characters in Code 128") {
    auto svg = scanner::barcode_svg(BarcodeKind::code128, std::string(81, '7'));
    REQUIRE_FALSE(svg.has_value());
    CHECK(svg.error().message.find("at most 80") != std::string::npos);
  }
  SUBCASE("a module size that is not positive") {
    scanner::SvgOptions options;
    options.module_mm = 0;
    auto svg = scanner::barcode_svg(BarcodeKind::code128, "EB123456785VN", options);
    REQUIRE_FALSE(svg.has_value());
    CHECK(svg.error().code == common::ErrorCode::invalid_argument);
  }
}
