#include "scanner/detail/image_source.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "scanner/messages.hpp"

namespace scanner::detail {

using common::ErrorCode;
using common::make_error;

std::string_view file_kind_name(FileKind kind) {
  switch (kind) {
    case FileKind::jpeg:
      return "JPEG";
    case FileKind::png:
      return "PNG";
    case FileKind::tiff:
      return "TIFF";
    case FileKind::bmp:
      return "BMP";
    case FileKind::webp:
      return "WebP";
    case FileKind::pdf:
      return "PDF";
  }
  return "unknown";
}

namespace {

using Bytes = std::span<const std::uint8_t>;

std::uint32_t be16(Bytes d, std::size_t at) { return (d[at] << 8) | d[at + 1]; }
std::uint32_t be32(Bytes d, std::size_t at) { return (be16(d, at) << 16) | be16(d, at + 2); }
std::uint32_t le16(Bytes d, std::size_t at) { return d[at] | (d[at + 1] << 8); }
std::uint32_t le32(Bytes d, std::size_t at) { return le16(d, at) | (le16(d, at + 2) << 16); }
std::uint32_t le24(Bytes d, std::size_t at) { return d[at] | (d[at + 1] << 8) | (d[at + 2] << 16); }

bool starts_with(Bytes d, std::string_view magic, std::size_t at = 0) {
  if (d.size() < at + magic.size()) return false;
  return std::equal(magic.begin(), magic.end(), d.begin() + at,
                    [](char a, std::uint8_t b) { return static_cast<std::uint8_t>(a) == b; });
}

common::Error truncated_header(FileKind kind) {
  return make_error(ErrorCode::bad_input, msg::header_truncated, {{"kind", file_kind_name(kind)}});
}

// Describes unrecognised content so the user sees what the file really is.
common::Error not_an_image(Bytes d) {
  std::size_t n = std::min<std::size_t>(d.size(), 512);
  bool printable = n > 0 && std::all_of(d.begin(), d.begin() + n, [](std::uint8_t c) {
                     return c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c != 0x7F);
                   });
  if (printable) return make_error(ErrorCode::bad_input, msg::not_image_text);
  std::string hex;
  for (std::size_t i = 0; i < std::min<std::size_t>(d.size(), 8); ++i) {
    hex += fmt::format("{:02X} ", d[i]);
  }
  if (!hex.empty()) hex.pop_back();
  return make_error(ErrorCode::bad_input, msg::not_image_bytes, {{"bytes", hex}});
}

common::Result<Probe> probe_jpeg(Bytes d) {
  std::size_t at = 2;
  while (at + 4 <= d.size()) {
    if (d[at] != 0xFF) return truncated_header(FileKind::jpeg);
    std::uint8_t marker = d[at + 1];
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
      at += 2;
      continue;
    }
    std::uint32_t length = be16(d, at + 2);
    bool is_sof =
        marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (is_sof) {
      if (at + 9 > d.size()) return truncated_header(FileKind::jpeg);
      return Probe{FileKind::jpeg, static_cast<int>(be16(d, at + 7)),
                   static_cast<int>(be16(d, at + 5))};
    }
    if (marker == 0xDA || marker == 0xD9) break;
    at += 2 + length;
  }
  return truncated_header(FileKind::jpeg);
}

common::Result<Probe> probe_tiff(Bytes d) {
  bool little = d[0] == 'I';
  auto u16 = [&](std::size_t at) { return little ? le16(d, at) : be16(d, at); };
  auto u32 = [&](std::size_t at) { return little ? le32(d, at) : be32(d, at); };
  std::size_t ifd = u32(4);
  if (ifd + 2 > d.size()) return truncated_header(FileKind::tiff);
  std::size_t entries = u16(ifd);
  Probe p{FileKind::tiff, 0, 0};
  for (std::size_t i = 0; i < entries; ++i) {
    std::size_t e = ifd + 2 + 12 * i;
    if (e + 12 > d.size()) return truncated_header(FileKind::tiff);
    std::uint32_t tag = u16(e);
    std::uint32_t type = u16(e + 2);
    std::uint32_t value = type == 3 ? u16(e + 8) : u32(e + 8);
    if (tag == 256) p.width = static_cast<int>(std::min<std::uint32_t>(value, 1u << 30));
    if (tag == 257) p.height = static_cast<int>(std::min<std::uint32_t>(value, 1u << 30));
  }
  if (p.width <= 0 || p.height <= 0) return truncated_header(FileKind::tiff);
  return p;
}

common::Result<Probe> probe_webp(Bytes d) {
  if (d.size() < 30) return truncated_header(FileKind::webp);
  if (starts_with(d, "VP8 ", 12)) {
    return Probe{FileKind::webp, static_cast<int>(le16(d, 26) & 0x3FFF),
                 static_cast<int>(le16(d, 28) & 0x3FFF)};
  }
  if (starts_with(d, "VP8L", 12)) {
    std::uint32_t b0 = d[21], b1 = d[22], b2 = d[23], b3 = d[24];
    int w = 1 + static_cast<int>(b0 | ((b1 & 0x3F) << 8));
    int h = 1 + static_cast<int>((b1 >> 6) | (b2 << 2) | ((b3 & 0x0F) << 10));
    return Probe{FileKind::webp, w, h};
  }
  if (starts_with(d, "VP8X", 12)) {
    return Probe{FileKind::webp, 1 + static_cast<int>(le24(d, 24)),
                 1 + static_cast<int>(le24(d, 27))};
  }
  return truncated_header(FileKind::webp);
}

common::Result<void> check_pixels(FileKind kind, double width, double height,
                                  const Limits& limits) {
  double megapixels = width * height / 1e6;
  if (megapixels > limits.max_megapixels) {
    return make_error(ErrorCode::limit_exceeded, msg::too_many_pixels,
                      {{"kind", file_kind_name(kind)},
                       {"width", fmt::format("{:.0f}", width)},
                       {"height", fmt::format("{:.0f}", height)},
                       {"megapixels", fmt::format("{:.1f}", megapixels)},
                       {"limit", fmt::format("{:.0f}", limits.max_megapixels)}});
  }
  return {};
}

// Owns a poppler document; poppler-cpp hands out raw pointers.
struct PdfDocument {
  std::unique_ptr<poppler::document> doc;
};

common::Result<PdfDocument> open_pdf(Bytes data) {
  PdfDocument pdf;
  pdf.doc.reset(poppler::document::load_from_raw_data(reinterpret_cast<const char*>(data.data()),
                                                      static_cast<int>(data.size())));
  if (!pdf.doc) {
    return make_error(ErrorCode::bad_input, msg::pdf_unopenable);
  }
  if (pdf.doc->is_locked()) {
    return make_error(ErrorCode::bad_input, msg::pdf_locked);
  }
  return pdf;
}

bool jpeg_is_truncated(Bytes d) {
  // A complete JPEG ends its entropy-coded data with an end-of-image marker (FF D9). Phones may
  // append data after it, and an embedded thumbnail has its own, so look for one after the last
  // start-of-scan marker.
  std::size_t last_sos = 0;
  for (std::size_t i = 2; i + 1 < d.size(); ++i) {
    if (d[i] == 0xFF && d[i + 1] == 0xDA) last_sos = i;
  }
  if (last_sos == 0) return true;
  for (std::size_t i = d.size() - 1; i > last_sos; --i) {
    if (d[i - 1] == 0xFF && d[i] == 0xD9) return false;
  }
  return true;
}

}  // namespace

common::Result<std::string> read_file(const std::string& path, const Limits& limits) {
  // Opened without blocking and checked through the descriptor: a path that became a pipe after
  // the caller looked would otherwise hold this worker until its time limit.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ELOOP)
      return make_error(ErrorCode::bad_input, msg::not_regular_file, {{"path", path}});
    return make_error(ErrorCode::not_found, msg::no_such_file, {{"path", path}});
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(::fdopen(fd, "rb"), &std::fclose);
  if (!file) {
    ::close(fd);
    return make_error(ErrorCode::io_error, fmt::format("cannot open {}", path));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return make_error(ErrorCode::bad_input, msg::not_regular_file, {{"path", path}});
  }
  if (st.st_size == 0) {
    return make_error(ErrorCode::bad_input, msg::empty_file);
  }
  if (static_cast<std::uint64_t>(st.st_size) > limits.max_file_bytes) {
    return make_error(ErrorCode::limit_exceeded, msg::file_too_large,
                      {{"size_mb", fmt::format("{:.1f}", st.st_size / 1048576.0)},
                       {"limit_mb", fmt::format("{:.1f}", limits.max_file_bytes / 1048576.0)}});
  }
  std::string content(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = std::fread(content.data(), 1, content.size(), file.get());
  content.resize(got);
  if (content.empty()) return make_error(ErrorCode::io_error, fmt::format("cannot read {}", path));
  return content;
}

common::Result<Probe> probe(Bytes d) {
  if (d.empty()) return make_error(ErrorCode::bad_input, msg::empty_file);
  if (starts_with(d, "\xFF\xD8\xFF")) return probe_jpeg(d);
  if (starts_with(d, "\x89PNG\r\n\x1A\n")) {
    if (d.size() < 24 || !starts_with(d, "IHDR", 12)) return truncated_header(FileKind::png);
    return Probe{FileKind::png, static_cast<int>(std::min(be32(d, 16), 1u << 30)),
                 static_cast<int>(std::min(be32(d, 20), 1u << 30))};
  }
  if (starts_with(d, std::string_view("II*\0", 4)) ||
      starts_with(d, std::string_view("MM\0*", 4))) {
    if (d.size() < 8) return truncated_header(FileKind::tiff);
    return probe_tiff(d);
  }
  if (starts_with(d, "BM")) {
    if (d.size() < 26) return truncated_header(FileKind::bmp);
    // A negative height means rows top-down; its size is the magnitude, taken in 64 bits so that
    // INT32_MIN (found by the image_probe fuzz target) does not overflow, and capped as the PNG's.
    const std::int64_t h = static_cast<std::int32_t>(le32(d, 22));
    const std::int64_t height = std::min<std::int64_t>(h < 0 ? -h : h, 1 << 30);
    return Probe{FileKind::bmp, static_cast<int>(le32(d, 18) & 0x3FFFFFFF),
                 static_cast<int>(height)};
  }
  if (starts_with(d, "RIFF") && starts_with(d, "WEBP", 8)) return probe_webp(d);
  // "%PDF-" should open the file but may follow a few bytes of junk.
  std::string_view head(reinterpret_cast<const char*>(d.data()),
                        std::min<std::size_t>(d.size(), 1024));
  if (head.find("%PDF-") != std::string_view::npos) return Probe{FileKind::pdf, 0, 0};
  return not_an_image(d);
}

common::Result<int> page_count(const std::string& path, Bytes data, const Probe& p,
                               const Limits& limits) {
  (void)limits;
  switch (p.kind) {
    case FileKind::pdf: {
      TRY_ASSIGN(auto pdf, open_pdf(data));
      int pages = pdf.doc->pages();
      if (pages <= 0) return make_error(ErrorCode::bad_input, msg::pdf_no_pages);
      return pages;
    }
    case FileKind::tiff: {
      try {
        auto n = cv::imcount(path, cv::IMREAD_GRAYSCALE);
        if (n == 0) {
          return make_error(ErrorCode::bad_input, msg::tiff_pages_unreadable);
        }
        return static_cast<int>(n);
      } catch (const cv::Exception&) {
        return make_error(ErrorCode::bad_input, msg::tiff_pages_unreadable);
      }
    }
    case FileKind::jpeg:
    case FileKind::png:
    case FileKind::bmp:
    case FileKind::webp:
      return 1;
  }
  return 1;
}

common::Result<cv::Mat> load_page(const std::string& path, Bytes data, const Probe& p, int page,
                                  const Limits& limits) {
  if (p.kind != FileKind::pdf) {
    TRY(check_pixels(p.kind, p.width, p.height, limits));
    if (p.width <= 0 || p.height <= 0) {
      return make_error(
          ErrorCode::bad_input, msg::empty_image,
          {{"kind", file_kind_name(p.kind)}, {"width", p.width}, {"height", p.height}});
    }
  }
  cv::Mat grey;
  try {
    switch (p.kind) {
      case FileKind::pdf: {
        TRY_ASSIGN(auto pdf, open_pdf(data));
        std::unique_ptr<poppler::page> pdf_page(pdf.doc->create_page(page));
        if (!pdf_page) {
          return make_error(ErrorCode::not_found, msg::pdf_no_page, {{"page", page + 1}});
        }
        poppler::rectf box = pdf_page->page_rect(poppler::media_box);
        double dpi = limits.pdf_dpi;
        double megapixels = (box.width() / 72.0 * dpi) * (box.height() / 72.0 * dpi) / 1e6;
        if (megapixels > limits.max_megapixels)
          dpi *= std::sqrt(limits.max_megapixels / megapixels);
        if (box.width() / 72.0 * dpi < 1 || box.height() / 72.0 * dpi < 1) {
          return make_error(ErrorCode::bad_input, msg::pdf_page_size, {{"page", page + 1}});
        }
        poppler::page_renderer renderer;
        renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
        renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
        poppler::image img = renderer.render_page(pdf_page.get(), dpi, dpi);
        if (!img.is_valid() || img.format() != poppler::image::format_argb32) {
          return make_error(ErrorCode::bad_input, msg::pdf_page_unrendered, {{"page", page + 1}});
        }
        cv::Mat bgra(img.height(), img.width(), CV_8UC4, const_cast<char*>(img.const_data()),
                     static_cast<std::size_t>(img.bytes_per_row()));
        cv::cvtColor(bgra, grey, cv::COLOR_BGRA2GRAY);
        break;
      }
      case FileKind::tiff: {
        std::vector<cv::Mat> pages;
        if (!cv::imreadmulti(path, pages, page, 1, cv::IMREAD_GRAYSCALE) || pages.empty()) {
          return make_error(ErrorCode::bad_input, msg::tiff_page_undecodable, {{"page", page + 1}});
        }
        grey = pages.front();
        TRY(check_pixels(p.kind, grey.cols, grey.rows, limits));
        break;
      }
      case FileKind::jpeg:
        if (jpeg_is_truncated(data)) {
          return make_error(ErrorCode::bad_input, msg::jpeg_truncated);
        }
        [[fallthrough]];
      case FileKind::png:
      case FileKind::bmp:
      case FileKind::webp: {
        cv::Mat buffer(1, static_cast<int>(data.size()), CV_8UC1,
                       const_cast<std::uint8_t*>(data.data()));
        grey = cv::imdecode(buffer, cv::IMREAD_GRAYSCALE);
        if (grey.empty()) {
          return make_error(ErrorCode::bad_input, msg::data_undecodable,
                            {{"kind", file_kind_name(p.kind)}});
        }
        break;
      }
    }
  } catch (const cv::Exception& e) {
    // Running out of the worker's memory says nothing about the file being corrupt.
    if (e.code == cv::Error::StsNoMem) {
      return make_error(ErrorCode::limit_exceeded, msg::kind_out_of_memory,
                        {{"kind", file_kind_name(p.kind)}});
    }
    return make_error(ErrorCode::bad_input, msg::kind_undecodable,
                      {{"kind", file_kind_name(p.kind)}, {"detail", e.msg}});
  }
  if (grey.empty()) {
    return make_error(ErrorCode::bad_input, msg::page_empty,
                      {{"kind", file_kind_name(p.kind)}, {"page", page + 1}});
  }
  return grey;
}

}  // namespace scanner::detail
