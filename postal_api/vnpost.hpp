// The Vietnam Post adapter: postal_api::Carrier over the MyVNPost-shaped HTTP API
// (samples/carriers/vnpost/README.md) through libcurl, with batching, requests in flight at once,
// retries with backoff, a circuit breaker and token re-login. Its configuration comes from the
// desk's config file. Knows nothing about dossiers or the database.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "postal_api/carrier.hpp"
#include "postal_api/status_map.hpp"

namespace postal_api {

// How to reach and treat one carrier. Defaults suit a desk on an ordinary connection.
struct CarrierConfig {
  std::string name = "vnpost";
  std::string base_url;  // e.g. "https://donhang.vnpost.vn/api/api/" or the simulator's
  std::string username;
  std::string password;  // from the file, or from the environment variable named by password_env
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds total_timeout{15000};  // per HTTP request
  int max_in_flight = 8;                           // requests at once (curl multi)
  int batch_size = 100;                            // tracking numbers per request
  int max_attempts = 5;                            // per request, counting the first
  std::chrono::milliseconds backoff_base{200};     // first retry waits up to this (full jitter) ...
  std::chrono::milliseconds backoff_max{5000};     // ... doubling up to this
  std::chrono::seconds max_retry_after{30};        // a longer Retry-After fails the request instead
  int breaker_failures = 5;                        // consecutive failed attempts that open it
  std::chrono::seconds breaker_cooldown{30};       // how long it stays open before one trial call
  std::filesystem::path status_map;                // the CSV table of status codes
  std::filesystem::path webhook_public_key;        // PEM; empty: webhooks are refused
  std::chrono::seconds webhook_tolerance{600};     // how far SendDate may be from our clock
  unsigned jitter_seed = 0;                        // 0: seeded from the clock
};

// Reads the "carrier" object of a JSON config file:
//   {"carrier": {"name": "vnpost", "base_url": "...", "username": "...", "password_env":
//    "HOSO_CARRIER_PASSWORD", "connect_timeout_ms": 3000, "total_timeout_ms": 15000,
//    "max_in_flight": 8, "batch_size": 100, "max_attempts": 5, "backoff_base_ms": 200,
//    "backoff_max_ms": 5000, "max_retry_after_s": 30, "breaker_failures": 5,
//    "breaker_cooldown_s": 30, "status_map": "samples/carriers/vnpost-status.csv",
//    "webhook_public_key": "var/carrier-public.pem", "webhook_tolerance_s": 600}}
// Relative paths are relative to the config file's folder. "password" may be given directly or
// through "password_env" (the variable must then be set). Fails with not_found for a missing file,
// bad_input naming the file and the field for a wrong type, an unknown field or a missing base_url.
common::Result<CarrierConfig> load_carrier_config(const std::filesystem::path& file);

// Makes the Vietnam Post adapter. Loads the status table and the webhook key; fails with not_found
// or bad_input (naming the file) when they cannot be read, invalid_argument for a base_url that is
// not http(s). `clock` decides webhook staleness and breaker timing; it must outlive the carrier.
common::Result<std::unique_ptr<Carrier>> make_vnpost_carrier(const CarrierConfig& config,
                                                             const common::Clock& clock);

// Makes the adapter named by config.name ("vnpost"). Fails with invalid_argument for a name no
// adapter answers to, otherwise as the adapter's make_ function.
common::Result<std::unique_ptr<Carrier>> make_carrier(const CarrierConfig& config,
                                                      const common::Clock& clock);

}  // namespace postal_api
