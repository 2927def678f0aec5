#include "common/rate_limiter.hpp"

#include <algorithm>

namespace common {

RateLimiter::Bucket& RateLimiter::refilled(const std::string& key, Clock::time_point now) {
  if (buckets_.size() > k_max_keys) prune(now);
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{static_cast<double>(burst_), now});
  Bucket& bucket = it->second;
  if (!fresh) {
    const double minutes = std::chrono::duration<double>(now - bucket.at).count() / 60.0;
    bucket.tokens = std::min<double>(burst_, bucket.tokens + minutes * per_minute_);
    bucket.at = now;
  }
  return bucket;
}

int RateLimiter::wait_seconds(const Bucket& bucket) const {
  return std::max(1, static_cast<int>((1.0 - bucket.tokens) * 60.0 / per_minute_) + 1);
}

bool RateLimiter::allow(const std::string& key, int& retry_after, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  Bucket& bucket = refilled(key, now);
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return true;
  }
  retry_after = wait_seconds(bucket);
  return false;
}

void RateLimiter::refund(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (!buckets_.count(key)) return;
  Bucket& bucket = refilled(key, now);
  bucket.tokens = std::min<double>(burst_, bucket.tokens + 1.0);
}

bool RateLimiter::would_allow(const std::string& key, int& retry_after, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (!buckets_.count(key)) return true;  // a full bucket
  Bucket& bucket = refilled(key, now);
  if (bucket.tokens >= 1.0) return true;
  retry_after = wait_seconds(bucket);
  return false;
}

void RateLimiter::prune(Clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const double minutes = std::chrono::duration<double>(now - it->second.at).count() / 60.0;
    if (it->second.tokens + minutes * per_minute_ >= burst_) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace common
