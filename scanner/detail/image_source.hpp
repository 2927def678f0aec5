// Loads one page of an image or PDF file as an 8-bit grey OpenCV matrix, after checking its type by
// content (not by name) and its size against the limits. Runs inside the decode worker; knows
// nothing about barcodes.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <span>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "scanner/limits.hpp"

namespace scanner::detail {

enum class FileKind { jpeg, png, tiff, bmp, webp, pdf };

std::string_view file_kind_name(FileKind kind);

struct Probe {
  FileKind kind = FileKind::jpeg;
  int width = 0;  // 0 when the header does not say (PDF)
  int height = 0;
};

// Identifies the file type from its first bytes and reads the pixel size from the header.
// Fails with bad_input when the content is no supported type or the header is cut short.
common::Result<Probe> probe(std::span<const std::uint8_t> data);

// Returns the number of pages (1 for single images), or bad_input / limit_exceeded / not_found.
// `path` names the file; `data` is its whole content.
common::Result<int> page_count(const std::string& path, std::span<const std::uint8_t> data,
                               const Probe& probe, const Limits& limits);

// Decodes page `page` (0-based) to grey, EXIF rotation applied. Fails with bad_input for corrupt or
// truncated data and limit_exceeded when the pixels exceed limits.max_megapixels.
common::Result<cv::Mat> load_page(const std::string& path, std::span<const std::uint8_t> data,
                                  const Probe& probe, int page, const Limits& limits);

// Reads a whole file, refusing files above limits.max_file_bytes and empty files.
common::Result<std::string> read_file(const std::string& path, const Limits& limits);

}  // namespace scanner::detail
