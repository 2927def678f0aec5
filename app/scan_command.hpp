// `hoso scan`: reads every barcode and QR code in image files, folders, PDFs or a video stream and
// prints what was read. Wiring and output only; the work is in scanner/.
#pragma once

#include <string>
#include <vector>

#include "scanner/scanner.hpp"

namespace app {

struct ScanArgs {
  std::vector<std::string> paths;
  std::string video;  // a video file or /dev/videoN instead of paths
  bool json = false;
  std::string formats;  // comma-separated; empty: all
  scanner::ScannerOptions scanner;
};

// Returns the process exit code (common::ExitCode).
int run_scan(ScanArgs args);

}  // namespace app
