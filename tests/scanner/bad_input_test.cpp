// Hostile and broken files through the supervised path (Scanner::scan_file): each gets its own
// clear error, and the scanner carries on.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "scanner/batch.hpp"
#include "scanner/scanner.hpp"
#include "tests/scanner/test_support.hpp"

using common::ErrorCode;
using test_support::describe;
using test_support::error_of;
using test_support::TempDir;

namespace {

std::string qr_png_path() { return test_support::barcode_image_path("qrcode-1", "1.png").string(); }

std::string qr_text() { return test_support::expected_text("qrcode-1", "1"); }

// The shared QR sample re-encoded as a JPEG by OpenCV, cut to its first half.
std::string truncated_jpeg(const TempDir& dir) {
  auto whole = test_support::write_image(dir / "whole.jpg", cv::imread(qr_png_path()));
  std::string bytes = test_support::read_file(whole);
  return dir.write("cut.jpg", bytes.substr(0, bytes.size() / 2)).string();
}

std::string text_named_png(const TempDir& dir) {
  return dir.write("letter.png", "Kính gửi: UBND phường\nHồ sơ số 123/2024\n").string();
}

std::string png_bomb(const TempDir& dir) {
  return dir.write("bomb.png", test_support::png_of_zeros(30000, 30000)).string();
}

std::string corrupt_pdf(const TempDir& dir) {
  std::string junk = "%PDF-1.4\n";
  for (int i = 0; i < 4000; ++i) junk += static_cast<char>((i * 7919 + 13) % 251);
  return dir.write("corrupt.pdf", junk).string();
}

}  // namespace

TEST_CASE("an empty file is reported as empty") {
  TempDir dir;
  auto scanner = test_support::open_scanner();
  auto result = scanner.scan_file(dir.write("empty.png", "").string());
  auto error = error_of(result);
  CHECK(error.code == ErrorCode::bad_input);
  CHECK(error.message.find("empty") != std::string::npos);
}

TEST_CASE("a JPEG cut in half is reported as truncated, while the whole JPEG is read") {
  TempDir dir;
  auto scanner = test_support::open_scanner();
  std::string cut = truncated_jpeg(dir);

  auto whole = scanner.scan_file((dir / "whole.jpg").string());
  INFO(describe(whole));
  CHECK(test_support::texts(whole) == std::vector<std::string>{qr_text()});

  auto error = error_of(scanner.scan_file(cut));
  CHECK(error.code == ErrorCode::bad_input);
  CHECK(error.message.find("truncated") != std::string::npos);
  CHECK(error.render(common::Lang::vi).find("Tệp JPEG bị cắt cụt") == 0);
}

TEST_CASE("a text file named .png is reported as text, not as a corrupt image") {
  TempDir dir;
  auto scanner = test_support::open_scanner();
  auto error = error_of(scanner.scan_file(text_named_png(dir)));
  CHECK(error.code == ErrorCode::bad_input);
  CHECK(error.message.find("text") != std::string::npos);
  CHECK(error.message.find("not an image") != std::string::npos);
  // The message crossed from the decode worker as data: it reads in Vietnamese too.
  CHECK(error.text.id() == "scan_not_image_text");
  CHECK(error.render(common::Lang::vi) ==
        "Tệp không phải là ảnh hay PDF: tệp chứa văn bản (chỉ nhận JPEG, PNG, TIFF, BMP, WebP hoặc "
        "PDF)");
}

TEST_CASE("a 30000 x 30000 PNG bomb is refused from its header with its pixel size") {
  // The fixture is a real PNG: the same writer's small output decodes to all-black pixels.
  std::string small_png = test_support::png_of_zeros(67, 5);
  cv::Mat small = cv::imdecode(std::vector<std::uint8_t>(small_png.begin(), small_png.end()),
                               cv::IMREAD_GRAYSCALE);
  REQUIRE(small.size() == cv::Size(67, 5));
  REQUIRE(cv::countNonZero(small) == 0);

  TempDir dir;
  std::string bomb = png_bomb(dir);
  REQUIRE(std::filesystem::file_size(bomb) < 1'000'000);
  auto scanner = test_support::open_scanner();
  auto error = error_of(scanner.scan_file(bomb));
  CHECK(error.code == ErrorCode::limit_exceeded);
  CHECK(error.message.find("30000") != std::string::npos);
  CHECK(error.message.find("900.0 megapixels") != std::string::npos);
  // The message names no CLI flag (the CLI adds its own hint) and reads in Vietnamese too.
  CHECK(error.message.find("--") == std::string::npos);
  CHECK(error.text.id() == "scan_too_many_pixels");
  const std::string vi = error.render(common::Lang::vi);
  CHECK(vi.find("vượt giới hạn") != std::string::npos);
  CHECK(vi.find("30000 × 30000 điểm ảnh") != std::string::npos);
}

TEST_CASE("a 200-page PDF is scanned up to max_pages with a warning naming the limit") {
  TempDir dir;
  auto pdf =
      dir.write("200-pages.pdf", test_support::make_pdf(std::vector<cv::Mat>(200), 200, 200));
  auto options = test_support::scanner_options();
  options.limits.max_pages = 5;
  auto scanner = test_support::open_scanner(options);

  auto result = scanner.scan_file(pdf.string());
  INFO(describe(result));
  CHECK_FALSE(result.error.has_value());
  CHECK(result.page_count == 200);
  REQUIRE(result.pages.size() == 5);
  for (int i = 0; i < 5; ++i) {
    CHECK(result.pages[static_cast<std::size_t>(i)].page == i);
    CHECK_FALSE(result.pages[static_cast<std::size_t>(i)].error.has_value());
  }
  CHECK(result.readable());
  const std::string warning = result.warning.render(common::Lang::en);
  CHECK(warning.find("200 pages") != std::string::npos);
  CHECK(warning.find("first 5") != std::string::npos);
  CHECK(result.warning.render(common::Lang::vi) == "Tệp có 200 trang; chỉ quét 5 trang đầu");
}

TEST_CASE("a corrupt PDF is reported as a damaged PDF") {
  TempDir dir;
  auto scanner = test_support::open_scanner();
  auto error = error_of(scanner.scan_file(corrupt_pdf(dir)));
  CHECK(error.code == ErrorCode::bad_input);
  CHECK(error.message.find("PDF") != std::string::npos);
  CHECK(error.message.find("damaged") != std::string::npos);
}

TEST_CASE("a file that does not exist is reported as not found, naming the path") {
  TempDir dir;
  auto scanner = test_support::open_scanner();
  std::string missing = (dir / "never-received.png").string();
  auto error = error_of(scanner.scan_file(missing));
  CHECK(error.code == ErrorCode::not_found);
  CHECK(error.message.find(missing) != std::string::npos);
  CHECK(error.render(common::Lang::vi) == "Không tìm thấy tệp " + missing);
}

TEST_CASE("a batch goes on past every kind of bad input and reads the good image after them") {
  TempDir dir;
  std::vector<std::string> files = {dir.write("empty.png", "").string(),
                                    truncated_jpeg(dir),
                                    text_named_png(dir),
                                    png_bomb(dir),
                                    corrupt_pdf(dir),
                                    (dir / "never-received.png").string(),
                                    qr_png_path()};
  auto scanner = test_support::open_scanner();
  std::vector<scanner::FileResult> results;
  scanner::scan_batch(scanner, files,
                      [&](std::size_t, const scanner::FileResult& r) { results.push_back(r); });

  REQUIRE(results.size() == files.size());
  for (std::size_t i = 0; i + 1 < results.size(); ++i) {
    INFO(describe(results[i]));
    CHECK(results[i].file == files[i]);
    CHECK_FALSE(results[i].readable());
  }
  INFO(describe(results.back()));
  CHECK(results.back().readable());
  CHECK(test_support::texts(results.back()) == std::vector<std::string>{qr_text()});
}
