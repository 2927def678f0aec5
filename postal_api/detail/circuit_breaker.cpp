#include "postal_api/detail/circuit_breaker.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "postal_api/messages.hpp"

namespace postal_api::detail {

CircuitBreaker::CircuitBreaker(std::string name, int failures_to_open,
                               std::chrono::seconds cooldown, const common::Clock& clock)
    : name_(std::move(name)),
      failures_to_open_(std::max(1, failures_to_open)),
      cooldown_(cooldown),
      clock_(clock) {}

CircuitBreaker::Decision CircuitBreaker::admit() {
  std::lock_guard lock(mutex_);
  switch (state_) {
    case State::closed:
      return {};
    case State::open:
      if (clock_.now() < open_until_) return {Admission::refuse, refusal_locked()};
      state_ = State::half_open;
      trial_in_flight_ = true;
      return {};
    case State::half_open:
      if (trial_in_flight_) return {Admission::wait, {}};
      trial_in_flight_ = true;
      return {};
  }
  return {};
}

std::optional<common::Error> CircuitBreaker::refusal() const {
  std::lock_guard lock(mutex_);
  if (state_ == State::open && clock_.now() < open_until_) return refusal_locked();
  return std::nullopt;
}

std::optional<common::Timestamp> CircuitBreaker::open_until() const {
  std::lock_guard lock(mutex_);
  if (state_ == State::open && clock_.now() < open_until_) return open_until_;
  return std::nullopt;
}

void CircuitBreaker::record_success() {
  std::lock_guard lock(mutex_);
  // Any good answer, even from an attempt that started before the breaker opened, shows the
  // carrier is serving again.
  state_ = State::closed;
  consecutive_failures_ = 0;
  trial_in_flight_ = false;
}

void CircuitBreaker::record_failure(std::string_view what) {
  std::lock_guard lock(mutex_);
  ++consecutive_failures_;
  last_failure_ = std::string(what);
  switch (state_) {
    case State::closed:
      if (consecutive_failures_ >= failures_to_open_) open_locked();
      break;
    case State::half_open:
      open_locked();
      break;
    case State::open:
      break;  // an attempt that started before the breaker opened
  }
}

void CircuitBreaker::record_neutral() {
  std::lock_guard lock(mutex_);
  trial_in_flight_ = false;
}

CircuitBreaker::State CircuitBreaker::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

std::int64_t CircuitBreaker::times_opened() const {
  std::lock_guard lock(mutex_);
  return times_opened_;
}

void CircuitBreaker::open_locked() {
  state_ = State::open;
  open_until_ = clock_.now() + cooldown_;
  trial_in_flight_ = false;
  ++times_opened_;
  spdlog::warn("{}: circuit breaker open until {} after {} failures in a row (last: {})", name_,
               common::format_local(open_until_), consecutive_failures_, last_failure_);
}

common::Error CircuitBreaker::refusal_locked() const {
  return coded_error(
      common::ErrorCode::unavailable, msg::carrier_breaker_open,
      {{"carrier", name_},
       {"failures", consecutive_failures_},
       {"next_try", common::format_local(open_until_)}},
      fmt::format(
          "{}: not called: the carrier failed {} times in a row (last: {}); next try after {}",
          name_, consecutive_failures_, last_failure_, common::format_local(open_until_)));
}

std::string_view breaker_state_name(CircuitBreaker::State state) {
  switch (state) {
    case CircuitBreaker::State::closed:
      return "closed";
    case CircuitBreaker::State::open:
      return "open";
    case CircuitBreaker::State::half_open:
      return "half_open";
  }
  return "closed";
}

}  // namespace postal_api::detail
