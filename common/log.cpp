#include "common/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace common {

void setup_logging(LogLevel level) {
  auto logger = spdlog::stderr_color_mt("hoso");
  logger->set_pattern("%^%l%$: %v");
  switch (level) {
    case LogLevel::quiet:
      logger->set_level(spdlog::level::err);
      break;
    case LogLevel::warn:
      logger->set_level(spdlog::level::warn);
      break;
    case LogLevel::info:
      logger->set_level(spdlog::level::info);
      break;
    case LogLevel::debug:
      logger->set_level(spdlog::level::debug);
      break;
  }
  spdlog::set_default_logger(std::move(logger));
}

LogLevel parse_log_level(std::string_view name) {
  if (name == "quiet") return LogLevel::quiet;
  if (name == "info") return LogLevel::info;
  if (name == "debug") return LogLevel::debug;
  return LogLevel::warn;
}

}  // namespace common
