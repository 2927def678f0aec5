#include "common/log.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

#include "common/clock.hpp"

namespace common {

namespace {

// %D in the pattern: the desk's time (Vietnam, UTC+7, as every time hoso shows) to the
// millisecond with its offset, "2026-12-07T08:00:00.123+07:00", whatever the machine's time zone.
class DeskTimeFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    using namespace std::chrono;
    const auto local = time_point_cast<milliseconds>(msg.time) + k_vietnam_utc_offset;
    const auto seconds_part = floor<seconds>(local);
    const auto millis = (local - seconds_part).count();
    fmt::format_to(std::back_inserter(dest), "{:%Y-%m-%dT%H:%M:%S}.{:03d}+07:00",
                   fmt::gmtime(system_clock::to_time_t(seconds_part)), millis);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<DeskTimeFlag>();
  }
};

}  // namespace

void setup_logging(LogLevel level) {
  auto logger = spdlog::stderr_color_mt("hoso");
  // Every line says when it was written: a log is read later, and beside other desks' logs.
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<DeskTimeFlag>('D').set_pattern("%D %^%l%$: %v");
  logger->set_formatter(std::move(formatter));
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
