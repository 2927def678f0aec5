// Finds regions of an image that look like barcodes, without decoding them: linear (1D) candidates
// with the direction across their bars, and matrix (2D) candidates. Used by the pipeline to decide
// what is still missing after a plain pass and where to look again. Knows nothing of ZXing.
#pragma once

#include <opencv2/core.hpp>
#include <vector>

namespace scanner::detail {

struct Candidate {
  bool linear = false;
  cv::RotatedRect box;        // in full-image pixels
  double bar_normal_rad = 0;  // linear only: direction across the bars (gradient direction)
  double score = 0;           // larger is more barcode-like
};

// Returns candidates ordered by decreasing score, at most `max_each` linear and `max_each` matrix.
std::vector<Candidate> locate_candidates(const cv::Mat& grey, int max_each = 8);

}  // namespace scanner::detail
