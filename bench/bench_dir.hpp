// Where a bench keeps its database: a folder given on the command line, or a new temporary one,
// cleaned up afterwards unless asked to keep it. Header-only, for the benches' main().
#pragma once

#include <unistd.h>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace bench {

// Runs `run(dir)` in `wanted` (made when missing) or, when it is empty, in a new folder
// hoso-<bench>-XXXXXX of the system's temporary folder. Afterwards, unless `keep`, removes the
// SQLite file `database` with its -wal and -shm files, and the temporary folder. Returns what
// `run` returns; 1 after printing "<bench>: <what>" when it throws.
template <class Run>
int in_bench_dir(const char* bench, const std::string& wanted, const char* database, bool keep,
                 Run run) {
  namespace fs = std::filesystem;
  try {
    fs::path dir;
    if (wanted.empty()) {
      std::string templ =
          (fs::temp_directory_path() / (std::string("hoso-") + bench + "-XXXXXX")).string();
      if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("cannot make a folder");
      dir = templ;
    } else {
      dir = wanted;
      fs::create_directories(dir);
    }
    const int status = run(dir);
    if (!keep) {
      std::error_code ec;
      for (const char* suffix : {"", "-wal", "-shm"}) {
        fs::remove(dir / (std::string(database) + suffix), ec);
      }
      if (wanted.empty()) fs::remove(dir, ec);
    }
    return status;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", bench, e.what());
    return 1;
  }
}

}  // namespace bench
