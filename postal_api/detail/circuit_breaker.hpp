// CircuitBreaker: stops calling a carrier that keeps failing, so a dead carrier costs the desk one
// quick refusal instead of a timeout per request. Counts consecutive failures as the HTTP client
// reports them (an attempt that got no answer at all: could not connect, or timed out; or a
// request whose every retry failed, so a flaky carrier that answers after a retry never opens
// it); knows nothing about HTTP or URLs.
// Timing comes from common::Clock so tests move it.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace postal_api::detail {

// States: closed (calls go through) → open after `failures_to_open` consecutive failures
// (calls are refused at once for `cooldown`) → half_open when the cooldown is over (one trial call
// goes through, others wait) → closed when the trial succeeds, open again when it fails.
// Thread-safe: every member may be called from any thread.
class CircuitBreaker {
 public:
  enum class State { closed, open, half_open };
  enum class Admission { go, wait, refuse };
  struct Decision {
    Admission admission = Admission::go;
    common::Error error;  // set when admission == refuse: ErrorCode::unavailable, says until when
  };

  // `name` starts refusal messages ("vnpost: not called: ..."). Requires failures_to_open >= 1.
  // `clock` must outlive the breaker.
  CircuitBreaker(std::string name, int failures_to_open, std::chrono::seconds cooldown,
                 const common::Clock& clock);

  // Asks to make one attempt. go: make it and report its outcome with one record_*() call.
  // wait: a trial attempt is in flight; ask again shortly. refuse: do not call the carrier.
  Decision admit();

  // The refusal admit() would give now, without changing state (nullopt: it would not refuse).
  std::optional<common::Error> refusal() const;

  // The attempt got a good answer: closes the breaker.
  void record_success();
  // The attempt failed (no answer, a timeout, a 5xx, a malformed body); `what` is kept for the
  // refusal message and must not hold personal data.
  void record_failure(std::string_view what);
  // The attempt ended without saying whether the carrier is healthy (e.g. 429 Too Many Requests).
  void record_neutral();

  State state() const;
  std::int64_t times_opened() const;
  // When the breaker will let a trial through, if it is open now; nullopt otherwise.
  std::optional<common::Timestamp> open_until() const;

 private:
  void open_locked();
  common::Error refusal_locked() const;

  const std::string name_;
  const int failures_to_open_;
  const std::chrono::seconds cooldown_;
  const common::Clock& clock_;

  mutable std::mutex mutex_;
  State state_ = State::closed;
  int consecutive_failures_ = 0;
  std::string last_failure_;
  common::Timestamp open_until_{};
  bool trial_in_flight_ = false;
  std::int64_t times_opened_ = 0;
};

std::string_view breaker_state_name(CircuitBreaker::State state);

}  // namespace postal_api::detail
