// A token bucket per key (a client address, a login): a burst of `burst` requests, refilled
// continuously at `per_minute`. In memory only: a restart forgets it. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>

namespace common {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RateLimiter(int per_minute) : RateLimiter(per_minute, per_minute) {}
  RateLimiter(int burst, double per_minute)
      : burst_(burst < 1 ? 1 : burst), per_minute_(per_minute > 0 ? per_minute : 1) {}

  // True iff `key` may make a request now (and counts it); otherwise sets `retry_after` to the
  // seconds until it may.
  bool allow(const std::string& key, int& retry_after, Clock::time_point now = Clock::now());

  // True iff `key` has a request left now, without counting one (and without remembering a new
  // key).
  bool would_allow(const std::string& key, int& retry_after, Clock::time_point now = Clock::now());

  // Gives back one request counted by allow() (a login that succeeded after all).
  void refund(const std::string& key, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point at;
  };
  static constexpr std::size_t k_max_keys = 100'000;

  Bucket& refilled(const std::string& key, Clock::time_point now);
  int wait_seconds(const Bucket& bucket) const;
  void prune(Clock::time_point now);  // forgets keys whose bucket is full again

  const int burst_;
  const double per_minute_;
  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace common
