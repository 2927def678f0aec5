// The multi-pass decode pipeline, in-process: a plain ZXing pass over the whole image, then, only
// for barcode-like regions that the plain pass did not explain, straightened and enhanced crops.
// Runs inside the decode worker (ZXing may abort the process); not thread-safe per call but
// reentrant.
#pragma once

#include <opencv2/core.hpp>
#include <vector>

#include "scanner/symbol.hpp"

namespace scanner::detail {

struct PipelineOptions {
  FormatSet formats = FormatSet::all();
  // Only the plain pass. The supervisor retries a page this way when the full pipeline crashed
  // its worker (Debian's ZXing 1.4 ReadBarcodes() can abort on crops with repeated linear codes).
  bool plain_only = false;
  int max_crop_attempts = 12;  // ZXing calls on crops beyond the first one per candidate
};

struct PipelineStats {
  int zxing_calls = 0;
  int candidates = 0;
  int unexplained = 0;
};

// Returns every distinct symbol found, with corners in `grey`'s coordinates, page 0.
// Requires a non-empty CV_8UC1 image.
std::vector<Symbol> decode_image(const cv::Mat& grey, const PipelineOptions& options,
                                 PipelineStats* stats = nullptr);

// The benchmark's baseline: one plain ZXing::ReadBarcode call per enabled format, nothing else.
std::vector<Symbol> decode_baseline(const cv::Mat& grey, FormatSet formats);

}  // namespace scanner::detail
