// The carrier for desk tests: the Vietnam Post simulator on a free port of 127.0.0.1, its clock
// starting at the desk's, and the adapter's configuration to reach it (short backoffs, a fixed
// jitter seed). For test executables that link postal_api_sim; the desk itself is
// tests/support/desk.hpp.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <utility>

#include "common/clock.hpp"
#include "postal_api/sim/simulator.hpp"
#include "postal_api/vnpost.hpp"

namespace test_support {

inline std::filesystem::path status_table() {
  return std::filesystem::path(HOSO_SOURCE_DIR) / "samples/carriers/vnpost-status.csv";
}

struct CarrierSim {
  std::unique_ptr<postal_api::sim::Simulator> simulator;

  // Starts the simulator with `options`, its clock at `clock`'s now and seed `seed`.
  explicit CarrierSim(const common::Clock& clock, postal_api::sim::Options options = {},
                      unsigned seed = 11) {
    options.seed = seed;
    options.start_time = clock.now();
    auto started = postal_api::sim::Simulator::start(std::move(options));
    REQUIRE_MESSAGE(started.has_value(), (started ? std::string() : started.error().message));
    simulator = std::move(*started);
  }

  // The adapter's configuration for this simulator.
  postal_api::CarrierConfig config() const {
    postal_api::CarrierConfig c;
    c.base_url = simulator->base_url();
    c.username = "hoso-desk";
    c.password = "hoso-sim";
    c.status_map = status_table();
    c.backoff_base = std::chrono::milliseconds(20);
    c.backoff_max = std::chrono::milliseconds(200);
    c.jitter_seed = 3;
    return c;
  }

  // The Vietnam Post adapter over `config` (this simulator's unless told), on `clock`.
  static std::unique_ptr<postal_api::Carrier> connect(const postal_api::CarrierConfig& config,
                                                      const common::Clock& clock) {
    auto made = postal_api::make_vnpost_carrier(config, clock);
    REQUIRE_MESSAGE(made.has_value(), (made ? std::string() : made.error().message));
    return std::move(*made);
  }
  std::unique_ptr<postal_api::Carrier> connect(const common::Clock& clock) const {
    return connect(config(), clock);
  }
};

}  // namespace test_support
