// Logging setup for every hoso program: one spdlog logger writing to stderr, so stdout stays free
// for the program's output (tables, JSON lines). Each line starts with the desk's time and its
// offset ("2026-12-07T08:00:00.123+07:00 warn: ..."). Never log personal data (names, ID numbers,
// phone numbers, addresses); log identifiers such as tracking numbers and file names instead.
#pragma once

#include <string_view>

namespace common {

enum class LogLevel { quiet, warn, info, debug };

// Configures the default spdlog logger. Call once at the start of main(); not thread-safe.
void setup_logging(LogLevel level);

// Parses "quiet", "warn", "info" or "debug"; returns LogLevel::warn for anything else.
LogLevel parse_log_level(std::string_view name);

}  // namespace common
