// The scanner: files or raw bytes in, decoded barcodes and QR codes out, per page. Every decode
// runs in a supervised worker process (a separate executable, `hoso-decode-worker`), so a library
// abort, a hang or a memory blow-up on one hostile image becomes that image's error and the caller
// carries on. Knows nothing of dossiers, tracking numbers or databases.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "scanner/limits.hpp"
#include "scanner/symbol.hpp"

namespace scanner {

struct ScannerOptions {
  FormatSet formats = FormatSet::all();
  Limits limits;
  int jobs = 1;           // worker processes, i.e. images decoded at once
  bool baseline = false;  // benchmarks only: one plain ZXing pass per format, no pipeline
  std::string
      worker_path;  // empty: $HOSO_DECODE_WORKER, else hoso-decode-worker next to this program
};

struct PageResult {
  int page = 0;
  std::vector<Symbol> symbols;
  double ms = 0;                       // wall time to load and decode this page
  double load_ms = 0;                  // of which reading the file into pixels
  double decode_ms = 0;                // of which finding and decoding the codes
  std::optional<common::Error> error;  // this page could not be read
};

struct FileResult {
  std::string file;                    // as given by the caller
  int page_count = 0;                  // pages in the file (1 for single images)
  std::vector<PageResult> pages;       // pages scanned, at most limits.max_pages
  std::optional<common::Error> error;  // the file as a whole could not be read
  common::Text warning;                // e.g. pages skipped above the page limit

  // True when the file and every scanned page were read as images (codes found or not).
  bool readable() const;
  std::size_t symbol_count() const;
};

class Scanner {
 public:
  // Fails with not_found when the decode worker executable cannot be found.
  static common::Result<Scanner> open(ScannerOptions options);

  Scanner(Scanner&&) noexcept;
  Scanner& operator=(Scanner&&) noexcept;
  ~Scanner();  // stops the worker processes

  // Decodes every page of the file at `path` (up to the page limit). Never throws; errors are
  // values in the result. Thread-safe: up to `jobs` calls run in parallel, more wait for a worker.
  FileResult scan_file(const std::string& path);

  // Decodes an uploaded file's content; `name` is used in messages. Thread-safe.
  FileResult scan_bytes(std::span<const std::uint8_t> content, const std::string& name);

  // Decodes one grey video frame (width × height bytes, row-major). Thread-safe.
  common::Result<std::vector<Symbol>> scan_frame(std::span<const std::uint8_t> grey, int width,
                                                 int height);

  const ScannerOptions& options() const;

 private:
  struct Impl;
  explicit Scanner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace scanner
