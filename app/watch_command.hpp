// `hoso watch DIR`: the hot folder. Registers image and PDF files as scanners drop them into DIR,
// then moves each to DIR/done/ or DIR/failed/ (with a reason file). Wiring only: the logic is
// intake/hot_folder.hpp.
#pragma once

#include <string>

#include "scanner/scanner.hpp"

namespace app {

struct WatchArgs {
  std::string db;   // --db (else $HOSO_DB, else var/hoso.db)
  std::string dir;  // the folder scanners write into
  std::string station = "watch";
  bool once = false;      // register what is in the folder now, then exit
  double settle_s = 2.0;  // a file not closed by its writer is taken after this long unchanged
  bool json = false;      // one JSON object per registered envelope on stdout
  scanner::ScannerOptions scanner;
};

// Runs until SIGINT or SIGTERM (or, with `once`, until the folder is empty). Returns the exit code.
int run_watch(WatchArgs args);

}  // namespace app
