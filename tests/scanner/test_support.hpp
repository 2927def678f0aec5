// Helpers shared by the scanner tests: a private temporary folder, fixture files written by hand (a
// PNG "bomb", minimal PDFs, barcode images composed from the shared test data), where the test data
// and the built programs are, reading scan results, and running a program.
#pragma once

#include <doctest/doctest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "scanner/scanner.hpp"
#include "tests/support/files.hpp"

namespace test_support {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Where things are

inline fs::path testdata_dir() { return fs::path(HOSO_TESTDATA_DIR); }

// A shared sample image, e.g. barcode_image_path("qrcode-1", "1.png").
inline fs::path barcode_image_path(std::string_view folder, std::string_view file) {
  return testdata_dir() / "barcodes" / folder / file;
}

// The exact expected text of a shared sample: the bytes of <stem>.txt next to the image.
inline std::string expected_text(std::string_view folder, std::string_view stem) {
  return read_file(barcode_image_path(folder, std::string(stem) + ".txt"));
}

// ---------------------------------------------------------------------------------------------
// Images

inline cv::Mat load_grey(const fs::path& path) {
  cv::Mat grey = cv::imread(path.string(), cv::IMREAD_GRAYSCALE);
  if (grey.empty()) throw std::runtime_error("cannot load test image " + path.string());
  return grey;
}

// `image` pasted at `at` on a white canvas of `size` (grey).
inline cv::Mat on_white_canvas(const cv::Mat& image, cv::Size size, cv::Point at) {
  cv::Mat canvas(size, CV_8UC1, cv::Scalar(255));
  image.copyTo(canvas(cv::Rect(at, image.size())));
  return canvas;
}

// `left` and `right` next to each other on white, with a white margin around and between them.
inline cv::Mat side_by_side(const cv::Mat& left, const cv::Mat& right, int margin = 40) {
  cv::Size size(left.cols + right.cols + 3 * margin, std::max(left.rows, right.rows) + 2 * margin);
  cv::Mat canvas(size, CV_8UC1, cv::Scalar(255));
  left.copyTo(canvas(cv::Rect(cv::Point(margin, margin), left.size())));
  right.copyTo(canvas(cv::Rect(cv::Point(2 * margin + left.cols, margin), right.size())));
  return canvas;
}

inline fs::path write_image(const fs::path& path, const cv::Mat& image) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  if (!cv::imwrite(path.string(), image)) {
    throw std::runtime_error("OpenCV cannot write " + path.string());
  }
  return path;
}

// ---------------------------------------------------------------------------------------------
// A PNG written by hand: `width` × `height` 1-bit greyscale pixels, all black. The rows of zeros
// are streamed through deflate, so even a 30000 × 30000 image takes about a hundred kilobytes.

namespace detail {

// The zlib functions the PNG fixture uses.
struct Zlib {
  decltype(&::deflateInit_) deflate_init = &::deflateInit_;
  decltype(&::deflate) deflate = &::deflate;
  decltype(&::deflateEnd) deflate_end = &::deflateEnd;
  decltype(&::crc32) crc32 = &::crc32;

  static const Zlib& get() {
    static const Zlib zlib;
    return zlib;
  }
};

inline void append_be32(std::string& out, std::uint32_t v) {
  out += static_cast<char>(v >> 24);
  out += static_cast<char>(v >> 16);
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v);
}

inline void append_png_chunk(std::string& png, std::string_view type, std::string_view data) {
  append_be32(png, static_cast<std::uint32_t>(data.size()));
  std::string typed = std::string(type) + std::string(data);
  png += typed;
  const Zlib& z = Zlib::get();
  auto crc =
      z.crc32(0, reinterpret_cast<const Bytef*>(typed.data()), static_cast<uInt>(typed.size()));
  append_be32(png, static_cast<std::uint32_t>(crc));
}

}  // namespace detail

inline std::string png_of_zeros(std::uint32_t width, std::uint32_t height) {
  const detail::Zlib& z = detail::Zlib::get();
  std::string png = "\x89PNG\r\n\x1A\n";
  std::string header;
  detail::append_be32(header, width);
  detail::append_be32(header, height);
  header += std::string("\x01\x00\x00\x00\x00", 5);  // 1 bit, greyscale, deflate, no interlace
  detail::append_png_chunk(png, "IHDR", header);

  // Each row: filter type 0, then width/8 bytes of black pixels. Many rows go in at once.
  const std::size_t row_bytes = 1 + (width + 7) / 8;
  const std::uint32_t rows_per_block = 64;
  std::vector<Bytef> block(row_bytes * rows_per_block, 0);
  std::string compressed;
  std::vector<Bytef> out(1 << 16);
  z_stream stream{};
  if (z.deflate_init(&stream, Z_BEST_COMPRESSION, ZLIB_VERSION, sizeof(z_stream)) != Z_OK) {
    throw std::runtime_error("deflateInit failed");
  }
  auto pump = [&](int flush) {
    do {
      stream.next_out = out.data();
      stream.avail_out = static_cast<uInt>(out.size());
      int rc = z.deflate(&stream, flush);
      if (rc == Z_STREAM_ERROR) throw std::runtime_error("deflate failed");
      compressed.append(reinterpret_cast<const char*>(out.data()), out.size() - stream.avail_out);
    } while (stream.avail_out == 0);
  };
  for (std::uint32_t row = 0; row < height; row += rows_per_block) {
    std::uint32_t rows = std::min(rows_per_block, height - row);
    stream.next_in = block.data();
    stream.avail_in = static_cast<uInt>(row_bytes * rows);
    pump(Z_NO_FLUSH);
  }
  pump(Z_FINISH);
  z.deflate_end(&stream);
  detail::append_png_chunk(png, "IDAT", compressed);
  detail::append_png_chunk(png, "IEND", "");
  return png;
}

// ---------------------------------------------------------------------------------------------
// A minimal PDF written by hand: one page per entry of `pages`, each `width_pt` × `height_pt`
// points. An empty Mat gives a blank page; a grey (CV_8UC1) image is embedded uncompressed as a
// /DeviceGray image XObject and drawn at 100 dpi, 36 points from the bottom-left corner.

inline std::string make_pdf(const std::vector<cv::Mat>& pages, int width_pt, int height_pt) {
  std::vector<std::string> objects(2);  // 1: catalog, 2: page tree, filled in below
  auto add = [&](std::string body) {
    objects.push_back(std::move(body));
    return objects.size();  // the new object's number
  };
  std::string kids;
  for (const cv::Mat& image : pages) {
    std::string page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + std::to_string(width_pt) +
                       " " + std::to_string(height_pt) + "]";
    if (!image.empty()) {
      if (image.type() != CV_8UC1 || !image.isContinuous()) {
        throw std::invalid_argument("make_pdf embeds continuous 8-bit grey images only");
      }
      std::string pixels(reinterpret_cast<const char*>(image.data), image.total());
      auto image_object = add(
          "<< /Type /XObject /Subtype /Image /Width " + std::to_string(image.cols) + " /Height " +
          std::to_string(image.rows) + " /ColorSpace /DeviceGray /BitsPerComponent 8 /Length " +
          std::to_string(pixels.size()) + " >>\nstream\n" + pixels + "\nendstream");
      int shown_width = image.cols * 72 / 100;
      int shown_height = image.rows * 72 / 100;
      std::string drawing = "q " + std::to_string(shown_width) + " 0 0 " +
                            std::to_string(shown_height) + " 36 36 cm /Im0 Do Q\n";
      auto content_object = add("<< /Length " + std::to_string(drawing.size()) + " >>\nstream\n" +
                                drawing + "endstream");
      page += " /Resources << /XObject << /Im0 " + std::to_string(image_object) +
              " 0 R >> >> /Contents " + std::to_string(content_object) + " 0 R";
    }
    page += " >>";
    kids += std::to_string(add(page)) + " 0 R ";
  }
  objects[0] = "<< /Type /Catalog /Pages 2 0 R >>";
  objects[1] =
      "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages.size()) + " >>";

  std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  std::size_t xref_offset = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (std::size_t offset : offsets) {
    char entry[32];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", offset);
    pdf += entry;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref_offset) + "\n%%EOF\n";
  return pdf;
}

// ---------------------------------------------------------------------------------------------
// Scanning

// Options for a scanner that uses this build's decode worker, one at a time.
inline scanner::ScannerOptions scanner_options() {
  scanner::ScannerOptions options;
  options.jobs = 1;
  options.worker_path = (bin_dir() / "hoso-decode-worker").string();
  return options;
}

inline scanner::Scanner open_scanner(scanner::ScannerOptions options = scanner_options()) {
  auto opened = scanner::Scanner::open(std::move(options));
  if (!opened) throw std::runtime_error("cannot open the scanner: " + opened.error().message);
  return std::move(*opened);
}

// A one-line account of a result, for test failure messages.
inline std::string describe(const scanner::FileResult& result) {
  std::ostringstream out;
  out << result.file << ": " << result.page_count << " page(s), " << result.pages.size()
      << " scanned";
  if (result.error) out << ", error " << result.error->message;
  for (const auto& page : result.pages) {
    out << "; page " << page.page << ":";
    for (const auto& s : page.symbols)
      out << " " << scanner::format_name(s.format) << " " << s.text;
    if (page.error) out << " error " << page.error->message;
  }
  if (!result.warning.empty()) out << "; warning " << result.warning.render(common::Lang::en);
  return out.str();
}

// The file's error, else the first page's error, else null.
inline const common::Error* first_error(const scanner::FileResult& result) {
  if (result.error) return &*result.error;
  for (const auto& page : result.pages) {
    if (page.error) return &*page.error;
  }
  return nullptr;
}

// The file's error, or the first page's error; fails the test unless there is one and nothing was
// read.
inline common::Error error_of(const scanner::FileResult& result) {
  INFO(describe(result));
  const common::Error* error = first_error(result);
  REQUIRE(error != nullptr);
  CHECK_FALSE(result.readable());
  CHECK(result.symbol_count() == 0);
  return *error;
}

// The text of every symbol found, page after page.
inline std::vector<std::string> texts(const scanner::FileResult& result) {
  std::vector<std::string> out;
  for (const auto& page : result.pages) {
    for (const auto& symbol : page.symbols) out.push_back(symbol.text);
  }
  return out;
}

}  // namespace test_support
