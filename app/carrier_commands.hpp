// `hoso sync`: the carrier commands' wiring (config file, carrier adapter, store) and output.
// The logic lives in tracking/carrier_sync and postal_api/.
#pragma once

#include <string>

namespace app {

struct SyncArgs {
  std::string db;
  std::string config;
  bool json = false;
  int passes = 6;
};
int run_sync(const SyncArgs& args);

}  // namespace app
