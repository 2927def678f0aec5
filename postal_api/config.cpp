// load_carrier_config (declared in vnpost.hpp): the "carrier" object of the desk's JSON config.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "postal_api/vnpost.hpp"

namespace postal_api {
namespace {

using common::ErrorCode;
using common::make_error;
using nlohmann::json;
namespace chr = std::chrono;

std::string_view type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::string:
      return "a string";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer";
    case json::value_t::number_float:
      return "a number with a fraction";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::binary:
    case json::value_t::discarded:
      return "something else";
  }
  return "something else";
}

// Reads one field into the config; returns an error message (without the file name) or "".
using FieldReader = std::function<std::string(const json& value, CarrierConfig& config,
                                              const std::filesystem::path& folder)>;

std::string want_string(std::string_view field, const json& value, std::string& out) {
  if (!value.is_string()) {
    return fmt::format("carrier.{} should be a string, found {}", field, type_name(value));
  }
  out = value.get<std::string>();
  return {};
}

std::string want_integer(std::string_view field, const json& value, long long minimum,
                         long long maximum, long long& out) {
  if (!value.is_number_integer()) {
    return fmt::format("carrier.{} should be an integer, found {}", field, type_name(value));
  }
  const auto number = value.get<long long>();
  if (number < minimum || number > maximum) {
    return fmt::format("carrier.{} is {}; it should be between {} and {}", field, number, minimum,
                       maximum);
  }
  out = number;
  return {};
}

template <class Duration>
FieldReader duration(std::string_view field, Duration CarrierConfig::*member, long long minimum,
                     long long maximum) {
  return [field, member, minimum, maximum](const json& value, CarrierConfig& config,
                                           const std::filesystem::path&) {
    long long number = 0;
    auto problem = want_integer(field, value, minimum, maximum, number);
    if (problem.empty()) config.*member = Duration(number);
    return problem;
  };
}

FieldReader integer(std::string_view field, int CarrierConfig::*member, long long minimum,
                    long long maximum) {
  return [field, member, minimum, maximum](const json& value, CarrierConfig& config,
                                           const std::filesystem::path&) {
    long long number = 0;
    auto problem = want_integer(field, value, minimum, maximum, number);
    if (problem.empty()) config.*member = static_cast<int>(number);
    return problem;
  };
}

FieldReader text(std::string_view field, std::string CarrierConfig::*member) {
  return [field, member](const json& value, CarrierConfig& config, const std::filesystem::path&) {
    return want_string(field, value, config.*member);
  };
}

FieldReader path(std::string_view field, std::filesystem::path CarrierConfig::*member) {
  return [field, member](const json& value, CarrierConfig& config,
                         const std::filesystem::path& folder) {
    std::string name;
    auto problem = want_string(field, value, name);
    if (!problem.empty()) return problem;
    std::filesystem::path file(name);
    config.*member = file.empty() || file.is_absolute() ? file : folder / file;
    return std::string();
  };
}

constexpr long long k_int_max = std::numeric_limits<int>::max();

const std::vector<std::pair<std::string_view, FieldReader>>& field_readers() {
  static const std::vector<std::pair<std::string_view, FieldReader>> readers = {
      {"name", text("name", &CarrierConfig::name)},
      {"base_url", text("base_url", &CarrierConfig::base_url)},
      {"username", text("username", &CarrierConfig::username)},
      {"password", text("password", &CarrierConfig::password)},
      {"password_env", nullptr},  // read after the others, see below
      {"connect_timeout_ms",
       duration("connect_timeout_ms", &CarrierConfig::connect_timeout, 1, 600000)},
      {"total_timeout_ms", duration("total_timeout_ms", &CarrierConfig::total_timeout, 1, 3600000)},
      {"max_in_flight", integer("max_in_flight", &CarrierConfig::max_in_flight, 1, 256)},
      {"batch_size", integer("batch_size", &CarrierConfig::batch_size, 1, 100)},
      {"max_attempts", integer("max_attempts", &CarrierConfig::max_attempts, 1, 100)},
      {"backoff_base_ms", duration("backoff_base_ms", &CarrierConfig::backoff_base, 0, 600000)},
      {"backoff_max_ms", duration("backoff_max_ms", &CarrierConfig::backoff_max, 0, 3600000)},
      {"max_retry_after_s",
       duration("max_retry_after_s", &CarrierConfig::max_retry_after, 0, 86400)},
      {"breaker_failures",
       integer("breaker_failures", &CarrierConfig::breaker_failures, 1, k_int_max)},
      {"breaker_cooldown_s",
       duration("breaker_cooldown_s", &CarrierConfig::breaker_cooldown, 0, 86400)},
      {"status_map", path("status_map", &CarrierConfig::status_map)},
      {"webhook_public_key", path("webhook_public_key", &CarrierConfig::webhook_public_key)},
      {"webhook_tolerance_s", duration("webhook_tolerance_s", &CarrierConfig::webhook_tolerance, 1,
                                       k_max_webhook_tolerance.count())},
      {"jitter_seed",
       [](const json& value, CarrierConfig& config, const std::filesystem::path&) {
         long long number = 0;
         auto problem =
             want_integer("jitter_seed", value, 0, std::numeric_limits<unsigned>::max(), number);
         if (problem.empty()) config.jitter_seed = static_cast<unsigned>(number);
         return problem;
       }},
  };
  return readers;
}

}  // namespace

common::Result<CarrierConfig> load_carrier_config(const std::filesystem::path& file) {
  const std::string shown = file.string();
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return make_error(ErrorCode::not_found,
                      fmt::format("{}: the config file does not exist or cannot be read", shown));
  }
  std::stringstream contents;
  contents << in.rdbuf();
  json document;
  try {
    document = json::parse(contents.str());
  } catch (const json::parse_error& error) {
    // Only the position: the parser's own message quotes the text around it, which may be the
    // password.
    return make_error(ErrorCode::bad_input,
                      fmt::format("{}: not JSON (syntax error at byte {})", shown, error.byte));
  } catch (const json::exception&) {
    return make_error(ErrorCode::bad_input, fmt::format("{}: not JSON", shown));
  }
  auto fail = [&](std::string_view why) {
    return make_error(ErrorCode::bad_input, fmt::format("{}: {}", shown, why));
  };
  if (!document.is_object()) return fail("expected a JSON object with a \"carrier\" object");
  const auto carrier = document.find("carrier");
  if (carrier == document.end()) return fail("no \"carrier\" object");
  if (!carrier->is_object()) {
    return fail(fmt::format("carrier should be an object, found {}", type_name(*carrier)));
  }

  CarrierConfig config;
  const auto folder = file.parent_path();
  const auto& readers = field_readers();
  for (const auto& [key, value] : carrier->items()) {
    // A named copy: clang 14 cannot capture a structured binding.
    const std::string& field = key;
    const auto reader = std::find_if(readers.begin(), readers.end(),
                                     [&](const auto& entry) { return entry.first == field; });
    if (reader == readers.end()) {
      std::string known;
      for (const auto& entry : readers) {
        known += known.empty() ? "" : ", ";
        known += entry.first;
      }
      return fail(fmt::format("carrier.{} is not a known field (known: {})", key, known));
    }
    if (!reader->second) continue;
    if (auto problem = reader->second(value, config, folder); !problem.empty()) {
      return fail(problem);
    }
  }

  if (const auto variable = carrier->find("password_env"); variable != carrier->end()) {
    std::string name;
    if (auto problem = want_string("password_env", *variable, name); !problem.empty()) {
      return fail(problem);
    }
    const char* password = name.empty() ? nullptr : std::getenv(name.c_str());
    if (password == nullptr) {
      return fail(fmt::format(
          "carrier.password_env names the environment variable \"{}\", which is not set; set it "
          "to the carrier account's password",
          name));
    }
    config.password = password;
  }
  if (config.base_url.empty()) return fail("carrier.base_url is missing");
  if (config.backoff_max < config.backoff_base) {
    return fail("carrier.backoff_max_ms should not be smaller than carrier.backoff_base_ms");
  }
  return config;
}

}  // namespace postal_api
