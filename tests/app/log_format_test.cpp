// Every line hoso logs starts with the time it was written, with the UTC offset, so a log read
// days later (or merged with another desk's) says when each thing happened.
#include <doctest/doctest.h>

#include <cctype>
#include <string>
#include <string_view>

#include "tests/support/files.hpp"

namespace {

using test_support::shell_quote;
using test_support::TempDir;

bool digits(std::string_view text) {
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !text.empty();
}

// "2026-12-07T08:00:00.123+07:00 " at the start of `line`.
bool starts_with_timestamp(std::string_view line) {
  if (line.size() < 30) return false;
  return digits(line.substr(0, 4)) && line[4] == '-' && digits(line.substr(5, 2)) &&
         line[7] == '-' && digits(line.substr(8, 2)) && line[10] == 'T' &&
         digits(line.substr(11, 2)) && line[13] == ':' && digits(line.substr(14, 2)) &&
         line[16] == ':' && digits(line.substr(17, 2)) && line[19] == '.' &&
         digits(line.substr(20, 3)) && (line[23] == '+' || line[23] == '-') &&
         digits(line.substr(24, 2)) && line[26] == ':' && digits(line.substr(27, 2)) &&
         line[29] == ' ';
}

}  // namespace

TEST_CASE("regression: every line hoso logs starts with its time and UTC offset") {
  TempDir dir;
  // A new database logs its migrations at info level.
  const auto run = test_support::run_command(
      shell_quote((test_support::bin_dir() / "hoso").string()) +
          " --log-level info init --agency 000.00.05.H12 --agency-name 'Một cửa' --db " +
          shell_quote((dir.path() / "hoso.db").string()),
      dir.path());
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto lines = test_support::lines_of(run.err);
  REQUIRE(!lines.empty());
  for (const std::string& line : lines) {
    CAPTURE(line);
    CHECK(starts_with_timestamp(line));
    CHECK(line.find(" info: ") == 29);
  }
}
