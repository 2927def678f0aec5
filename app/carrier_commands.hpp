// `hoso sync`: the carrier commands' wiring (config file, carrier adapter, store) and output.
// The logic lives in tracking/carrier_sync and postal_api/.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "postal_api/carrier.hpp"

namespace app {

struct SyncArgs {
  std::string db;
  std::string config;
  bool json = false;
  int passes = 6;
};
int run_sync(const SyncArgs& args);

// The carrier adapter the desk's config file names (invalid_argument with a hint when the file is
// missing; the status map defaults to samples/carriers/<name>-status.csv).
common::Result<std::unique_ptr<postal_api::Carrier>> open_carrier(
    const std::filesystem::path& config_file, const common::Clock& clock);

}  // namespace app
