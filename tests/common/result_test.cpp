#include "common/result.hpp"

#include <doctest/doctest.h>

#include "common/exit_code.hpp"

using common::ErrorCode;
using common::Result;

namespace {

Result<int> parse_positive(int v) {
  if (v <= 0) return common::make_error(ErrorCode::invalid_argument, "must be positive");
  return v;
}

}  // namespace

TEST_CASE("a result holds either the value or the error the callee returned") {
  auto ok = parse_positive(4);
  REQUIRE(ok.has_value());
  CHECK(*ok == 4);
  CHECK(ok.value_or(9) == 4);

  auto bad = parse_positive(-1);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == ErrorCode::invalid_argument);
  CHECK(bad.error().message == "must be positive");
  CHECK(bad.value_or(9) == 9);
}

TEST_CASE("reading the value of a failed result is a programming error that names the failure") {
  auto bad = parse_positive(0);
  CHECK_THROWS_WITH_AS(bad.value(), "Result holds an error: must be positive",
                       common::BadResultAccess);
}

TEST_CASE("a void result reports success or its error") {
  Result<void> fine;
  CHECK(fine.has_value());
  Result<void> failed = common::make_error(ErrorCode::io_error, "disk full");
  CHECK_FALSE(failed.has_value());
  CHECK(failed.error().message == "disk full");
}

TEST_CASE("every error code has a distinct name and an exit code that scripts can tell apart") {
  CHECK(common::error_code_name(ErrorCode::bad_input) == "bad_input");
  CHECK(common::error_code_name(ErrorCode::limit_exceeded) == "limit_exceeded");
  CHECK(common::exit_code_for(ErrorCode::invalid_argument) == common::ExitCode::bad_arguments);
  CHECK(common::exit_code_for(ErrorCode::bad_input) == common::ExitCode::bad_input);
  CHECK(common::exit_code_for(ErrorCode::crashed) == common::ExitCode::bad_input);
  CHECK(common::exit_code_for(ErrorCode::not_found) == common::ExitCode::not_found);
}

namespace {

Result<int> halve(int n) {
  if (n % 2 != 0) return common::make_error(ErrorCode::bad_input, std::to_string(n) + " is odd");
  return n / 2;
}

int calls = 0;
Result<void> count_call(bool ok) {
  ++calls;
  if (!ok) return common::make_error(ErrorCode::io_error, "refused");
  return {};
}

Result<int> quarter(int n) {
  TRY_ASSIGN(int half, halve(n));
  TRY_ASSIGN(int result, halve(half));
  return result;
}

Result<int> checked(bool ok) {
  TRY(count_call(ok));
  return 7;
}

}  // namespace

TEST_CASE("TRY_ASSIGN passes the first error on and otherwise gives the value") {
  CHECK(quarter(12).value() == 3);
  auto odd_half = quarter(6);
  REQUIRE_FALSE(odd_half.has_value());
  CHECK(odd_half.error().code == ErrorCode::bad_input);
  CHECK(odd_half.error().message == "3 is odd");
}

TEST_CASE("TRY evaluates its expression once and returns its error") {
  calls = 0;
  CHECK(checked(true).value() == 7);
  auto failed = checked(false);
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error().message == "refused");
  CHECK(calls == 2);
}
