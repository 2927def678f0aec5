// Choosing barcode formats: parsing the --formats list, and a restricted scanner ignoring the
// formats it was not asked for.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "scanner/scanner.hpp"
#include "scanner/symbol.hpp"
#include "tests/scanner/test_support.hpp"

using scanner::Format;
using scanner::FormatSet;
using test_support::describe;
using test_support::TempDir;

TEST_CASE("format names are parsed from a comma-separated list, whatever their case") {
  const FormatSet expected{Format::code128, Format::qr_code};
  for (const char* list :
       {"Code128,QRCode", "code128,qrcode", "CODE128, QrCode", "QRCode,Code128"}) {
    CAPTURE(list);
    auto parsed = scanner::parse_formats(list);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == expected);
  }
}

TEST_CASE("every format's printed name parses back to that format") {
  for (Format format : scanner::k_all_formats) {
    auto name = std::string(scanner::format_name(format));
    CAPTURE(name);
    auto parsed = scanner::parse_formats(name);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == FormatSet{format});
  }
}

TEST_CASE("an unknown format name is rejected with a message naming it and the known names") {
  auto parsed = scanner::parse_formats("Code128,Bogus");
  REQUIRE_FALSE(parsed.has_value());
  CHECK(parsed.error().code == common::ErrorCode::invalid_argument);
  CHECK(parsed.error().message.find("Bogus") != std::string::npos);
  CHECK(parsed.error().message.find("QRCode") != std::string::npos);
}

TEST_CASE("an empty format list is rejected") {
  for (const char* list : {"", ",", " , "}) {
    CAPTURE(list);
    auto parsed = scanner::parse_formats(list);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().code == common::ErrorCode::invalid_argument);
  }
}

TEST_CASE("a scanner restricted to some formats reports only codes of those formats") {
  // One envelope with a QR code and a Code 128 side by side.
  TempDir dir;
  cv::Mat qr = test_support::load_grey(test_support::barcode_image_path("qrcode-1", "1.png"));
  cv::Mat code128 = test_support::load_grey(test_support::barcode_image_path("code128-1", "1.png"));
  auto path = test_support::write_image(dir / "both.png", test_support::side_by_side(qr, code128));
  const std::string qr_text = test_support::expected_text("qrcode-1", "1");
  const std::string code128_text = test_support::expected_text("code128-1", "1");

  auto formats_found = [&](FormatSet formats) {
    auto options = test_support::scanner_options();
    options.formats = formats;
    auto scanner = test_support::open_scanner(options);
    auto result = scanner.scan_file(path.string());
    INFO(describe(result));
    CHECK(result.readable());
    std::vector<std::string> found;
    for (const auto& page : result.pages) {
      for (const auto& s : page.symbols) {
        found.push_back(std::string(scanner::format_name(s.format)) + " " + s.text);
      }
    }
    std::sort(found.begin(), found.end());
    return found;
  };

  SUBCASE("all formats: both codes") {
    CHECK(formats_found(FormatSet::all()) ==
          std::vector<std::string>{"Code128 " + code128_text, "QRCode " + qr_text});
  }
  SUBCASE("QR codes only: no Code 128") {
    CHECK(formats_found(FormatSet{Format::qr_code}) ==
          std::vector<std::string>{"QRCode " + qr_text});
  }
  SUBCASE("Code 128 only: no QR code") {
    CHECK(formats_found(FormatSet{Format::code128}) ==
          std::vector<std::string>{"Code128 " + code128_text});
  }
}

TEST_CASE("a scanner with no formats enabled cannot be opened") {
  auto options = test_support::scanner_options();
  options.formats = FormatSet{};
  auto opened = scanner::Scanner::open(options);
  REQUIRE_FALSE(opened.has_value());
  CHECK(opened.error().code == common::ErrorCode::invalid_argument);
}
