// Measuring the scanner against images whose codes are known ("truth"): loads truth sets in the two
// layouts we use, and scores what was read. Used by the sample tests and bench/scan_bench; no I/O
// beyond reading the truth files, no decoding.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "scanner/symbol.hpp"

namespace scanner {

struct ExpectedCode {
  Format format = Format::code128;
  std::string text;       // expected text (UTF-8); for raw-byte truth, empty and `bytes` set
  std::string bytes;      // expected raw bytes, when the truth is binary
  bool optional = false;  // really in the image but not required: reading it is neither a miss
                          // nor a wrong read (second codes in third-party samples)
};

struct TruthImage {
  std::string path;
  std::string category;
  std::vector<ExpectedCode> codes;  // empty for images that must decode to nothing
};

struct TruthSet {
  std::vector<TruthImage> images;
};

// samples/envelopes layout: `folder/truth.tsv` with lines `file<TAB>format<TAB>text` (first line a
// header); the category is the file name up to its last '-' ("rotation-07.jpg" → "rotation").
common::Result<TruthSet> load_truth_tsv(const std::string& folder);

// ZXing's black-box layout: `folder/<category>/<stem>.png|jpg` with `<stem>.txt` (exact text) or
// `<stem>.bin` (raw bytes); the format comes from the category name ("qrcode-2" → QRCode).
common::Result<TruthSet> load_zxing_samples(const std::string& folder);

// Adds codes that are really printed in some images besides the ones their truth names, as
// optional codes. `tsv` lines: `path-suffix<TAB>format<TAB>text`, with \n and \\ escapes in text;
// a path suffix such as `code39-3/02.png` matches the image whose path ends with it.
common::Result<void> add_optional_codes(TruthSet& set, const std::string& tsv);

// Every image in `folder` (recursively) as an image that must yield no code.
common::Result<TruthSet> load_negatives(const std::string& folder, const std::string& category);

struct Score {
  int images = 0;
  int expected = 0;         // codes that should be read
  int read = 0;             // of those, read with the right text
  int expected_linear = 0;  // the same split into linear (1D) and matrix (2D) codes
  int read_linear = 0;
  int expected_matrix = 0;
  int read_matrix = 0;
  int wrong = 0;   // symbols read that are not in the truth (wrong text or not there at all)
  int failed = 0;  // images that could not be read at all
  std::vector<double> ms;  // per image

  void add(const Score& other);
  double median_ms() const;
  double percentile_ms(double p) const;
};

// Scores the symbols read from one image against its truth.
Score score_image(const TruthImage& truth, const std::vector<Symbol>& symbols);

// Human description of the codes in `truth` that are missing from `symbols`, and of symbols that
// are not in the truth, for test failure messages.
std::string describe_mismatch(const TruthImage& truth, const std::vector<Symbol>& symbols);

}  // namespace scanner
