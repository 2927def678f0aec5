// hoso-decode-worker: the process the scanner decodes images in (see scanner/scanner.hpp). Not for
// people: it speaks a line protocol on stdin/stdout and is started and killed by its supervisor.
#include <cstdlib>
#include <cstring>
#include <string>

#include "scanner/detail/worker.hpp"

int main(int argc, char** argv) {
  int memory_mb = 0;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--memory-mb") == 0) memory_mb = std::atoi(argv[i + 1]);
  }
  return scanner::detail::run_worker(memory_mb);
}
