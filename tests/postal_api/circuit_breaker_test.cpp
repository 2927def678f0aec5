#include "postal_api/detail/circuit_breaker.hpp"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

using common::ErrorCode;
using postal_api::detail::CircuitBreaker;
using Admission = CircuitBreaker::Admission;
using State = CircuitBreaker::State;

namespace {

common::Timestamp start_time() { return common::parse_local("2026-11-29T10:15:02").value(); }

}  // namespace

TEST_CASE("the breaker stays closed while failures are not consecutive") {
  common::ManualClock clock(start_time());
  CircuitBreaker breaker("vnpost", 3, std::chrono::seconds(30), clock);
  for (int i = 0; i < 10; ++i) {
    CHECK(breaker.admit().admission == Admission::go);
    breaker.record_failure("HTTP 503");
    CHECK(breaker.admit().admission == Admission::go);
    breaker.record_failure("HTTP 503");
    CHECK(breaker.admit().admission == Admission::go);
    breaker.record_success();
  }
  CHECK(breaker.state() == State::closed);
  CHECK(breaker.times_opened() == 0);
}

TEST_CASE("consecutive failures open the breaker, which refuses at once saying until when") {
  common::ManualClock clock(start_time());
  CircuitBreaker breaker("vnpost", 5, std::chrono::seconds(30), clock);
  for (int i = 0; i < 5; ++i) {
    REQUIRE(breaker.admit().admission == Admission::go);
    breaker.record_failure("Couldn't connect to server 127.0.0.1:8765");
  }
  CHECK(breaker.state() == State::open);
  CHECK(breaker.times_opened() == 1);
  const auto decision = breaker.admit();
  CHECK(decision.admission == Admission::refuse);
  CHECK(decision.error.code == ErrorCode::unavailable);
  CHECK(decision.error.message ==
        "vnpost: not called: the carrier failed 5 times in a row (last: Couldn't connect to "
        "server 127.0.0.1:8765); next try after 2026-11-29 10:15:32");
  REQUIRE(breaker.refusal());
  CHECK(breaker.refusal()->message == decision.error.message);
  // What a user reads: in Vietnamese, without curl's English or the address.
  CHECK(decision.error.text.id() == "carrier_breaker_open");
  CHECK(decision.error.render(common::Lang::vi) ==
        "Tạm ngừng kết nối đơn vị bưu chính vnpost vì đã lỗi 5 lần liên tiếp; hệ thống sẽ thử "
        "lại sau 2026-11-29 10:15:32");

  clock.advance(std::chrono::seconds(29));
  CHECK(breaker.admit().admission == Admission::refuse);
}

TEST_CASE("after the cooldown one trial goes through, and its success closes the breaker") {
  common::ManualClock clock(start_time());
  CircuitBreaker breaker("vnpost", 2, std::chrono::seconds(30), clock);
  breaker.record_failure("timeout");
  breaker.record_failure("timeout");
  REQUIRE(breaker.state() == State::open);
  clock.advance(std::chrono::seconds(30));
  CHECK_FALSE(breaker.refusal());
  CHECK(breaker.admit().admission == Admission::go);
  CHECK(breaker.state() == State::half_open);
  CHECK(breaker.admit().admission == Admission::wait);  // only one trial at a time
  breaker.record_success();
  CHECK(breaker.state() == State::closed);
  CHECK(breaker.admit().admission == Admission::go);
  CHECK(breaker.admit().admission == Admission::go);
}

TEST_CASE("a failed trial opens the breaker for another cooldown") {
  common::ManualClock clock(start_time());
  CircuitBreaker breaker("vnpost", 2, std::chrono::seconds(30), clock);
  breaker.record_failure("HTTP 502");
  breaker.record_failure("HTTP 502");
  clock.advance(std::chrono::seconds(31));
  REQUIRE(breaker.admit().admission == Admission::go);
  breaker.record_failure("HTTP 503");
  CHECK(breaker.state() == State::open);
  CHECK(breaker.times_opened() == 2);
  const auto decision = breaker.admit();
  REQUIRE(decision.admission == Admission::refuse);
  CHECK(decision.error.message.find("(last: HTTP 503); next try after 2026-11-29 10:16:03") !=
        std::string::npos);
}

TEST_CASE("a trial that ends without a verdict lets the next caller try") {
  common::ManualClock clock(start_time());
  CircuitBreaker breaker("vnpost", 1, std::chrono::seconds(10), clock);
  breaker.record_failure("HTTP 500");
  clock.advance(std::chrono::seconds(10));
  REQUIRE(breaker.admit().admission == Admission::go);
  CHECK(breaker.admit().admission == Admission::wait);
  breaker.record_neutral();  // e.g. 429 Too Many Requests
  CHECK(breaker.admit().admission == Admission::go);
}

TEST_CASE("the breaker counts failures from many threads without losing any") {
  common::ManualClock clock(start_time());
  CircuitBreaker breaker("vnpost", 4000, std::chrono::seconds(10), clock);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (breaker.admit().admission == Admission::go) breaker.record_failure("HTTP 500");
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(breaker.state() == State::open);
  CHECK(breaker.times_opened() == 1);
}
