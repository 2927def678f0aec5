// STUB (to be replaced by the hot-folder implementation).
#include "app/watch_command.hpp"

#include <cstdio>

namespace app {
int run_watch(WatchArgs) {
  std::fputs("hoso watch: not implemented yet\n", stderr);
  return 1;
}
}  // namespace app
