// The file types the scanner reads (PNG, JPEG, BMP, WebP, TIFF, PDF), pages of multi-page files,
// uploads given as bytes, and type detection by content rather than by name.
#include <doctest/doctest.h>

#include <cstdint>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

#include "scanner/scanner.hpp"
#include "tests/scanner/test_support.hpp"

using test_support::describe;
using test_support::TempDir;

namespace {

cv::Mat qr_image() {
  return cv::imread(test_support::barcode_image_path("qrcode-1", "1.png").string());
}

std::string qr_text() { return test_support::expected_text("qrcode-1", "1"); }

}  // namespace

TEST_CASE("the same QR code is read from a PNG, JPEG, BMP, WebP and TIFF file") {
  TempDir dir;
  auto scanner = test_support::open_scanner();
  for (const char* name :
       {"envelope.png", "envelope.jpg", "envelope.bmp", "envelope.webp", "envelope.tif"}) {
    auto path = test_support::write_image(dir / name, qr_image());
    auto result = scanner.scan_file(path.string());
    INFO(describe(result));
    CHECK(result.readable());
    CHECK(result.page_count == 1);
    CHECK(test_support::texts(result) == std::vector<std::string>{qr_text()});
  }
}

namespace {

// Scans a two-page file whose first page is blank and whose second holds the shared QR sample.
void check_qr_on_second_of_two_pages(const std::string& path) {
  auto scanner = test_support::open_scanner();
  auto result = scanner.scan_file(path);
  INFO(describe(result));
  CHECK(result.readable());
  CHECK(result.page_count == 2);
  REQUIRE(result.pages.size() == 2);
  CHECK(result.pages[0].symbols.empty());
  REQUIRE(result.pages[1].symbols.size() == 1);
  CHECK(result.pages[1].page == 1);
  CHECK(result.pages[1].symbols[0].format == scanner::Format::qr_code);
  CHECK(result.pages[1].symbols[0].text == qr_text());
  CHECK(result.pages[1].symbols[0].page == 1);
}

}  // namespace

TEST_CASE("regression: a code on the second page of a multi-page TIFF is reported on page 1") {
  // Symbol::page was lost between the decode worker and the supervisor, so it was always 0.
  TempDir dir;
  cv::Mat qr = qr_image();
  cv::Mat blank(qr.size(), qr.type(), cv::Scalar::all(255));
  std::string path = (dir / "two-pages.tif").string();
  REQUIRE(cv::imwritemulti(path, std::vector<cv::Mat>{blank, qr}));

  check_qr_on_second_of_two_pages(path);
}

TEST_CASE("a code in an image embedded in a PDF is read on the right page") {
  TempDir dir;
  cv::Mat grey = test_support::load_grey(test_support::barcode_image_path("qrcode-1", "1.png"));
  // A blank first page, the scanned envelope on the second (A4 in points).
  auto pdf = dir.write("dossier.pdf", test_support::make_pdf({cv::Mat(), grey}, 595, 842));

  check_qr_on_second_of_two_pages(pdf.string());
}

TEST_CASE("uploaded bytes give the same symbols as the file, reported under the upload's name") {
  auto path = test_support::barcode_image_path("qrcode-1", "1.png");
  std::string content = test_support::read_file(path);
  std::vector<std::uint8_t> bytes(content.begin(), content.end());

  auto scanner = test_support::open_scanner();
  auto from_file = scanner.scan_file(path.string());
  auto from_bytes = scanner.scan_bytes(bytes, "upload from desk 3.png");
  INFO(describe(from_file));
  INFO(describe(from_bytes));

  CHECK(from_bytes.file == "upload from desk 3.png");
  CHECK(from_bytes.readable());
  REQUIRE(from_file.symbol_count() == 1);
  REQUIRE(from_bytes.symbol_count() == 1);
  const auto& expected = from_file.pages[0].symbols[0];
  const auto& got = from_bytes.pages[0].symbols[0];
  CHECK(got.format == expected.format);
  CHECK(got.text == expected.text);
  CHECK(got.bytes == expected.bytes);
  CHECK(got.corners == expected.corners);
}

TEST_CASE("uploaded bytes that are no image give an error under the upload's name") {
  std::string text = "not an image";
  std::vector<std::uint8_t> bytes(text.begin(), text.end());
  auto scanner = test_support::open_scanner();
  auto result = scanner.scan_bytes(bytes, "scan.png");
  INFO(describe(result));
  CHECK(result.file == "scan.png");
  REQUIRE(result.error.has_value());
  CHECK(result.error->code == common::ErrorCode::bad_input);
}

TEST_CASE("the file type is detected by content, so a PNG named .jpg is read") {
  TempDir dir;
  auto misnamed = dir.write(
      "photo.jpg", test_support::read_file(test_support::barcode_image_path("qrcode-1", "1.png")));
  auto scanner = test_support::open_scanner();
  auto result = scanner.scan_file(misnamed.string());
  INFO(describe(result));
  CHECK(result.readable());
  CHECK(test_support::texts(result) == std::vector<std::string>{qr_text()});
}
