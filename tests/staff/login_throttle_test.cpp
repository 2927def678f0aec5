// The login throttle on a clock the test moves: guesses are slowed per login and address, per
// address and per login, and the owner of a login under attack still gets in within seconds.
#include "staff/login_throttle.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <chrono>
#include <string>

namespace {

using staff::LoginThrottle;
using staff::ThrottleScope;
using std::chrono::seconds;

const common::Timestamp k_start = common::parse_local("2026-12-07 08:00").value();

std::string address(int n) { return fmt::format("203.0.113.{}", n); }

// One guess at `login` from `from` at `at`: checked and, when allowed, judged wrong. Returns
// whether the password was checked.
bool wrong_guess(LoginThrottle& throttle, const std::string& login, const std::string& from,
                 common::Timestamp at) {
  if (!throttle.check(login, from, at).allowed) return false;
  throttle.record_failure(login, from, at);
  return true;
}

}  // namespace

TEST_CASE("five wrong passwords from five addresses leave the owner free to log in from a sixth") {
  LoginThrottle throttle;
  for (int i = 1; i <= 5; ++i) CHECK(wrong_guess(throttle, "victim2", address(i), k_start));
  const auto owner = throttle.check("victim2", address(6), k_start);
  CHECK(owner.allowed);
  throttle.record_success("victim2", address(6), k_start);
}

TEST_CASE("1,000 guesses at one login from 100 addresses get at most 20 password checks") {
  LoginThrottle throttle;
  // Ten guesses a second for 100 s, the addresses taking turns, none waiting for Retry-After.
  int checked = 0;
  for (int i = 0; i < 1000; ++i) {
    const common::Timestamp at = k_start + seconds(i / 10);
    if (wrong_guess(throttle, "victim2", address(i % 100), at)) ++checked;
  }
  // 6 free, then spaced 1, 2, 4 and then 8 s apart: 6 + 3 + 100 / 8 at most.
  CHECK(checked <= 20);
  CHECK(checked >= 6);  // slowed, not closed

  // The owner, from an address of their own, gets in within seconds.
  const common::Timestamp later = k_start + seconds(100);
  auto owner = throttle.check("victim2", address(200), later);
  if (!owner.allowed) {
    CHECK(owner.scope == ThrottleScope::login);
    CHECK(owner.retry_after <= seconds(8));
    owner = throttle.check("victim2", address(200), later + owner.retry_after);
  }
  CHECK(owner.allowed);
}

TEST_CASE("an attacker who waits for every Retry-After gets no more checks than one who does not") {
  LoginThrottle throttle;
  int checked = 0;
  common::Timestamp at = k_start;
  int turn = 0;
  while (at < k_start + seconds(100)) {
    const std::string from = address(turn++ % 100);
    const auto decision = throttle.check("victim2", from, at);
    if (decision.allowed) {
      throttle.record_failure("victim2", from, at);
      ++checked;
    } else {
      at += decision.retry_after;
    }
  }
  CHECK(checked <= 20);
}

TEST_CASE("one address guessing one login waits 5 s after five failures, doubling up to 5 min") {
  LoginThrottle throttle;
  const std::string from = address(7);
  for (int i = 0; i < 5; ++i) CHECK(wrong_guess(throttle, "lan.nt", from, k_start));
  common::Timestamp at = k_start;
  for (const int expected : {5, 10, 20, 40, 80, 160, 300, 300}) {
    CAPTURE(expected);
    const auto refused = throttle.check("lan.nt", from, at);
    REQUIRE_FALSE(refused.allowed);
    CHECK(refused.scope == ThrottleScope::login_at_address);
    CHECK(refused.retry_after == seconds(expected));
    at += refused.retry_after;
    CHECK(wrong_guess(throttle, "lan.nt", from, at));
  }
  // Another address is not held by this address's count, only by the login's spacing (8 s).
  const auto elsewhere = throttle.check("lan.nt", address(8), at);
  CHECK_FALSE(elsewhere.allowed);
  CHECK(elsewhere.scope == ThrottleScope::login);
  CHECK(elsewhere.retry_after == seconds(8));
  CHECK(throttle.check("lan.nt", address(8), at + seconds(8)).allowed);
}

TEST_CASE("one address trying many logins is slowed after 20 failures, the owner's desk is not") {
  LoginThrottle throttle;
  const std::string office = address(9);  // one address for the whole office
  // The owner of "hoa" logged in from the office before.
  REQUIRE(throttle.check("hoa", office, k_start).allowed);
  throttle.record_success("hoa", office, k_start);

  for (int i = 0; i < 20; ++i) {
    CHECK(wrong_guess(throttle, fmt::format("user{}", i), office, k_start));
  }
  const auto sprayed = throttle.check("user20", office, k_start);
  CHECK_FALSE(sprayed.allowed);
  CHECK(sprayed.scope == ThrottleScope::address);
  CHECK(sprayed.retry_after == seconds(5));
  // The owner of a login who logged in from there before is not held by the address's count.
  const auto owner = throttle.check("hoa", office, k_start);
  CHECK(owner.allowed);
  throttle.record_success("hoa", office, k_start);
}

TEST_CASE("parallel guesses cannot all pass before the first is judged") {
  LoginThrottle throttle;
  int allowed = 0;
  for (int i = 0; i < 100; ++i) {
    if (throttle.check("victim2", address(1), k_start).allowed) ++allowed;
  }
  CHECK(allowed == 5);  // the address's free failures on this login
  allowed = 0;
  for (int i = 0; i < 100; ++i) {
    if (throttle.check("victim3", address(100 + i), k_start).allowed) ++allowed;
  }
  CHECK(allowed == 6);  // the login's free failures, across addresses
}

TEST_CASE("a success forgets the failures here, an abandoned check counts for nothing") {
  LoginThrottle throttle;
  const std::string from = address(3);
  for (int i = 0; i < 4; ++i) CHECK(wrong_guess(throttle, "hoa", from, k_start));
  REQUIRE(throttle.check("hoa", from, k_start).allowed);
  throttle.record_success("hoa", from, k_start);
  for (int i = 0; i < 4; ++i) CHECK(wrong_guess(throttle, "hoa", from, k_start));
  // The database failed: the attempt neither failed nor succeeded.
  for (int i = 0; i < 10; ++i) {
    REQUIRE(throttle.check("hoa", from, k_start).allowed);
    throttle.record_abandoned("hoa", from, k_start);
  }
  CHECK(wrong_guess(throttle, "hoa", from, k_start));  // the fifth failure
  CHECK_FALSE(throttle.check("hoa", from, k_start).allowed);
}

TEST_CASE("an attempt whose outcome never comes counts as a failure") {
  LoginThrottle throttle;
  const std::string from = address(4);
  for (int i = 0; i < 5; ++i) REQUIRE(throttle.check("hoa", from, k_start).allowed);
  // A minute later the five are failures: one more attempt, and the next waits.
  const common::Timestamp later = k_start + seconds(60);
  CHECK(throttle.check("hoa", from, later).allowed);
  const auto refused = throttle.check("hoa", from, later);
  CHECK_FALSE(refused.allowed);
  CHECK(refused.retry_after == seconds(10));
}

TEST_CASE("failures are forgotten after 30 quiet minutes") {
  // Twelve failures from one address, five minutes apart; then, after `quiet`, two guesses at
  // once: the second waits unless the failures were forgotten.
  auto second_waits_after = [](seconds quiet) {
    LoginThrottle throttle;
    const std::string from = address(5);
    for (int i = 0; i < 12; ++i) {
      REQUIRE(wrong_guess(throttle, "hoa", from, k_start + seconds(i * 300)));
    }
    const common::Timestamp at = k_start + seconds(11 * 300) + quiet;
    REQUIRE(wrong_guess(throttle, "hoa", from, at));
    return !throttle.check("hoa", from, at).allowed;
  };
  CHECK(second_waits_after(seconds(29 * 60)));
  CHECK_FALSE(second_waits_after(seconds(30 * 60)));
}

TEST_CASE("the first refusal of a spell is marked for the log, the later ones are not") {
  LoginThrottle throttle;
  const std::string from = address(6);
  for (int i = 0; i < 5; ++i) wrong_guess(throttle, "hoa", from, k_start);
  const auto first = throttle.check("hoa", from, k_start);
  CHECK_FALSE(first.allowed);
  CHECK(first.first_refusal);
  CHECK_FALSE(throttle.check("hoa", from, k_start).first_refusal);
  CHECK(wrong_guess(throttle, "hoa", from, k_start + first.retry_after));
  CHECK(throttle.check("hoa", from, k_start + first.retry_after).first_refusal);
}

TEST_CASE("a flood of addresses keeps the tables bounded and the throttle working") {
  staff::ThrottlePolicy policy;
  policy.max_entries = 1000;
  LoginThrottle throttle(policy);
  for (int i = 0; i < 20'000; ++i) {
    wrong_guess(throttle, "victim2", fmt::format("198.51.{}.{}", i / 250, i % 250),
                k_start + seconds(i / 100));
  }
  // The login is still spaced, and its owner still gets in.
  const common::Timestamp later = k_start + seconds(200);
  auto owner = throttle.check("victim2", address(1), later);
  if (!owner.allowed) owner = throttle.check("victim2", address(1), later + owner.retry_after);
  CHECK(owner.allowed);
}
