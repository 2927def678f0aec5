#include <doctest/doctest.h>
#include <fmt/format.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "postal_api/vnpost.hpp"

using common::ErrorCode;
using postal_api::load_carrier_config;

namespace {

// A config file in a fresh temporary folder, removed when the test ends.
class TempConfig {
 public:
  explicit TempConfig(const std::string& contents) {
    std::random_device random;
    folder_ = std::filesystem::temp_directory_path() /
              fmt::format("hoso-config-test-{:08x}{:08x}", random(), random());
    std::filesystem::create_directories(folder_);
    std::ofstream(path(), std::ios::binary) << contents;
  }
  ~TempConfig() {
    std::error_code ignored;
    std::filesystem::remove_all(folder_, ignored);
  }
  TempConfig(const TempConfig&) = delete;
  TempConfig& operator=(const TempConfig&) = delete;
  std::filesystem::path path() const { return folder_ / "hoso.json"; }
  const std::filesystem::path& folder() const { return folder_; }

 private:
  std::filesystem::path folder_;
};

}  // namespace

TEST_CASE("a full carrier config is read, with paths relative to the config's folder") {
  ::setenv("HOSO_TEST_CARRIER_PASSWORD", "from-the-environment", 1);
  TempConfig file(R"({"carrier": {"name": "vnpost", "base_url": "http://127.0.0.1:8765/api/api/",
    "username": "hoso-desk", "password_env": "HOSO_TEST_CARRIER_PASSWORD",
    "connect_timeout_ms": 1000, "total_timeout_ms": 2000, "max_in_flight": 4, "batch_size": 50,
    "max_attempts": 3, "backoff_base_ms": 10, "backoff_max_ms": 100, "max_retry_after_s": 5,
    "breaker_failures": 7, "breaker_cooldown_s": 60, "status_map": "vnpost-status.csv",
    "webhook_public_key": "/etc/hoso/carrier.pem", "webhook_tolerance_s": 300}, "other": 1})");
  auto config = load_carrier_config(file.path());
  REQUIRE_MESSAGE(config, (config ? std::string() : config.error().message));
  CHECK(config->base_url == "http://127.0.0.1:8765/api/api/");
  CHECK(config->password == "from-the-environment");
  CHECK(config->connect_timeout == std::chrono::milliseconds(1000));
  CHECK(config->total_timeout == std::chrono::milliseconds(2000));
  CHECK(config->max_in_flight == 4);
  CHECK(config->batch_size == 50);
  CHECK(config->max_attempts == 3);
  CHECK(config->backoff_base == std::chrono::milliseconds(10));
  CHECK(config->backoff_max == std::chrono::milliseconds(100));
  CHECK(config->max_retry_after == std::chrono::seconds(5));
  CHECK(config->breaker_failures == 7);
  CHECK(config->breaker_cooldown == std::chrono::seconds(60));
  CHECK(config->status_map == file.folder() / "vnpost-status.csv");
  CHECK(config->webhook_public_key == "/etc/hoso/carrier.pem");
  CHECK(config->webhook_tolerance == std::chrono::seconds(300));
}

TEST_CASE("a minimal carrier config keeps the defaults") {
  TempConfig file(R"({"carrier": {"base_url": "http://x/api/api/", "password": "p"}})");
  auto config = load_carrier_config(file.path());
  REQUIRE_MESSAGE(config, (config ? std::string() : config.error().message));
  CHECK(config->name == "vnpost");
  CHECK(config->password == "p");
  CHECK(config->batch_size == 100);
  CHECK(config->max_in_flight == 8);
}

TEST_CASE("a wrong carrier config is refused naming the file and the field") {
  struct Case {
    const char* json;
    const char* says;
  };
  const Case cases[] = {
      {R"({"carrier": {"base_url": "http://x/", "max_in_flight": "8"}})",
       "carrier.max_in_flight should be an integer, found a string"},
      {R"({"carrier": {"base_url": "http://x/", "batch_size": 500}})",
       "carrier.batch_size is 500; it should be between 1 and 100"},
      {R"({"carrier": {"base_url": "http://x/", "passwrod": "typo"}})",
       "carrier.passwrod is not a known field (known: name, base_url"},
      {R"({"carrier": {"username": "u"}})", "carrier.base_url is missing"},
      {R"({"carrier": {"base_url": 5}})", "carrier.base_url should be a string, found an integer"},
      {R"({"carrier": {"base_url": "http://x/", "password_env": "HOSO_TEST_SURELY_UNSET_VAR"}})",
       "\"HOSO_TEST_SURELY_UNSET_VAR\", which is not set"},
      {R"({"carrier": []})", "carrier should be an object, found an array"},
      {R"({"desk": {}})", "no \"carrier\" object"},
      {R"({"carrier": {"base_url": "http://x/",)", "not JSON"},
  };
  ::unsetenv("HOSO_TEST_SURELY_UNSET_VAR");
  for (const auto& example : cases) {
    CAPTURE(example.json);
    TempConfig file(example.json);
    auto config = load_carrier_config(file.path());
    REQUIRE_FALSE(config);
    CHECK(config.error().code == ErrorCode::bad_input);
    CHECK(config.error().message.rfind(file.path().string() + ": ", 0) == 0);
    CHECK_MESSAGE(config.error().message.find(example.says) != std::string::npos,
                  config.error().message);
  }
}

TEST_CASE("a missing config file is not_found") {
  auto config = load_carrier_config("/nonexistent/hoso.json");
  REQUIRE_FALSE(config);
  CHECK(config.error().code == ErrorCode::not_found);
}

TEST_CASE("the adapter refuses a base_url that is not http and a missing status table") {
  common::ManualClock clock;
  postal_api::CarrierConfig config;
  config.base_url = "ftp://example/";
  config.status_map = std::filesystem::path(HOSO_SOURCE_DIR) / "samples/carriers/vnpost-status.csv";
  auto carrier = postal_api::make_vnpost_carrier(config, clock);
  REQUIRE_FALSE(carrier);
  CHECK(carrier.error().code == ErrorCode::invalid_argument);

  config.base_url = "http://127.0.0.1:1/api/api/";
  config.status_map = "/nonexistent/status.csv";
  carrier = postal_api::make_vnpost_carrier(config, clock);
  REQUIRE_FALSE(carrier);
  CHECK(carrier.error().code == ErrorCode::not_found);

  config.status_map = std::filesystem::path(HOSO_SOURCE_DIR) / "samples/carriers/vnpost-status.csv";
  config.webhook_public_key = "/nonexistent/carrier.pem";
  carrier = postal_api::make_vnpost_carrier(config, clock);
  REQUIRE_FALSE(carrier);
  CHECK(carrier.error().code == ErrorCode::not_found);
  CHECK(carrier.error().message.find("/nonexistent/carrier.pem") != std::string::npos);
}

TEST_CASE("a carrier name without an adapter is refused by name") {
  postal_api::CarrierConfig config;
  config.name = "viettelpost";
  config.base_url = "http://127.0.0.1:1/api/";
  common::ManualClock clock;
  auto carrier = postal_api::make_carrier(config, clock);
  REQUIRE_FALSE(carrier);
  CHECK(carrier.error().code == common::ErrorCode::invalid_argument);
  CHECK(carrier.error().message ==
        "carrier.name \"viettelpost\" has no adapter in this hoso (known: vnpost)");
}
