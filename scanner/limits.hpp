// Limits that keep one hostile input from exhausting the machine. All are configurable from the
// CLI.
#pragma once

#include <cstdint>

namespace scanner {

struct Limits {
  double max_megapixels = 60;                   // per image or rendered page
  int max_pages = 50;                           // pages of a TIFF or PDF scanned per file
  std::uint64_t max_file_bytes = 200ull << 20;  // bigger files are refused unread
  int pdf_dpi = 200;                            // 0.33 mm module = 2.6 px at 200 dpi
  int time_limit_ms = 20000;                    // per page, enforced by the supervisor
  int memory_limit_mb = 3072;                   // address space of one decode worker
};

}  // namespace scanner
