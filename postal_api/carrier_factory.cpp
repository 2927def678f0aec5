#include <fmt/format.h>

#include "postal_api/vnpost.hpp"

namespace postal_api {

// One line per carrier adapter: a second carrier (Viettel Post's shape) adds its make_ function
// here and its wire format in its own file.
common::Result<std::unique_ptr<Carrier>> make_carrier(const CarrierConfig& config,
                                                      const common::Clock& clock) {
  if (config.name == "vnpost") return make_vnpost_carrier(config, clock);
  return common::make_error(
      common::ErrorCode::invalid_argument,
      fmt::format("carrier.name \"{}\" has no adapter in this hoso (known: vnpost)", config.name));
}

}  // namespace postal_api
