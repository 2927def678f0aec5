#include "staff/login_throttle.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace staff {

namespace {

using std::chrono::seconds;

std::string pair_key(std::string_view login, std::string_view address) {
  std::string key;
  key.reserve(login.size() + 1 + address.size());
  key.append(login);
  key += '\n';  // in neither a login nor an address
  key.append(address);
  return key;
}

}  // namespace

std::string_view throttle_scope_name(ThrottleScope scope) {
  switch (scope) {
    case ThrottleScope::none:
      return "none";
    case ThrottleScope::address:
      return "address";
    case ThrottleScope::login_at_address:
      return "login_at_address";
    case ThrottleScope::login:
      return "login";
  }
  return "none";
}

void LoginThrottle::expire(Count& count, common::Timestamp now) const {
  // An attempt whose outcome never came (its caller failed) counts as the failure it may have
  // been.
  if (count.pending > 0 && now - count.last_attempt >= policy_.attempt_timeout) {
    count.failures += count.pending;
    count.pending = 0;
    count.last_failure = count.last_attempt;
  }
  if (count.failures > 0 && count.pending == 0 &&
      now - count.last_failure >= policy_.forget_after) {
    count.failures = 0;
  }
}

LoginThrottle::Count* LoginThrottle::find(Table& table, std::string_view key,
                                          common::Timestamp now) {
  const auto it = table.find(key);
  if (it == table.end()) return nullptr;
  expire(it->second, now);
  return &it->second;
}

LoginThrottle::Count& LoginThrottle::get(Table& table, std::string_view key,
                                         common::Timestamp now) {
  if (Count* count = find(table, key, now)) return *count;
  if (table.size() >= policy_.max_entries) prune(table, now);
  return table.emplace(std::string(key), Count{}).first->second;
}

seconds LoginThrottle::wait_after(const Count& count, const ThrottleRule& rule) const {
  const int counted = count.failures + count.pending;
  if (counted < rule.free_failures) return seconds{0};
  const int doublings = std::min(counted - rule.free_failures, 30);
  return std::min(rule.max_wait, rule.first_wait * (std::int64_t{1} << doublings));
}

bool LoginThrottle::known(const std::string& pair, common::Timestamp now) const {
  const auto it = known_.find(pair);
  return it != known_.end() && now - it->second < policy_.known_address_for;
}

void LoginThrottle::prune(Table& table, common::Timestamp now) {
  for (auto it = table.begin(); it != table.end();) {
    expire(it->second, now);
    if (it->second.failures == 0 && it->second.pending == 0) {
      it = table.erase(it);
    } else {
      ++it;
    }
  }
  const std::size_t keep = policy_.max_entries * 3 / 4;
  if (table.size() <= keep) return;
  // Still full: an attack from very many addresses. The counts idle longest go first.
  std::vector<common::Timestamp> times;
  times.reserve(table.size());
  for (const auto& [key, count] : table) times.push_back(count.last_attempt);
  const auto cut = times.begin() + static_cast<std::ptrdiff_t>(table.size() - keep);
  std::nth_element(times.begin(), cut, times.end());
  const common::Timestamp oldest_kept = *cut;
  for (auto it = table.begin(); it != table.end() && table.size() > keep;) {
    if (it->second.last_attempt < oldest_kept) {
      it = table.erase(it);
    } else {
      ++it;
    }
  }
}

ThrottleDecision LoginThrottle::check(std::string_view login, std::string_view address,
                                      common::Timestamp now) {
  std::lock_guard lock(mutex_);
  const std::string pair = pair_key(login, address);
  const bool owner_here = known(pair, now);
  struct Applied {
    Count* count;
    ThrottleScope scope;
    seconds wait;
  };
  std::vector<Applied> applied;
  Count& at_address = get(pairs_, pair, now);
  applied.push_back({&at_address, ThrottleScope::login_at_address,
                     wait_after(at_address, policy_.login_at_address)});
  if (!owner_here) {
    Count& from_address = get(addresses_, address, now);
    applied.push_back(
        {&from_address, ThrottleScope::address, wait_after(from_address, policy_.address)});
    Count& for_login = get(logins_, login, now);
    applied.push_back({&for_login, ThrottleScope::login, wait_after(for_login, policy_.login)});
  }

  ThrottleDecision decision;
  Count* holding = nullptr;
  for (const Applied& a : applied) {
    if (a.wait.count() == 0) continue;
    const auto left = std::chrono::duration_cast<seconds>(a.count->last_attempt + a.wait - now);
    if (left.count() > 0 && left > decision.retry_after) {
      decision.allowed = false;
      decision.retry_after = left;
      decision.scope = a.scope;
      holding = a.count;
    }
  }
  if (holding != nullptr) {
    decision.first_refusal = !holding->refusing;
    holding->refusing = true;
    return decision;
  }
  for (const Applied& a : applied) {
    ++a.count->pending;
    a.count->last_attempt = now;
    a.count->refusing = false;
  }
  return decision;
}

void LoginThrottle::record(std::string_view login, std::string_view address, common::Timestamp now,
                           int failures, bool success) {
  std::lock_guard lock(mutex_);
  const std::string pair = pair_key(login, address);
  std::vector<Count*> counts = {find(pairs_, pair, now)};
  if (!known(pair, now)) {
    counts.push_back(find(addresses_, address, now));
    counts.push_back(find(logins_, login, now));
  }
  for (Count* count : counts) {
    if (count == nullptr) continue;
    count->pending = std::max(0, count->pending - 1);
    if (failures > 0) {
      count->failures += failures;
      count->last_failure = now;
    }
  }
  if (!success) return;
  // The owner is in: this address is theirs. The login's count from everywhere is kept: the
  // guessing elsewhere goes on.
  if (Count* here = counts.front()) here->failures = 0;
  if (known_.size() >= policy_.max_entries) {
    std::erase_if(
        known_, [&](const auto& entry) { return now - entry.second >= policy_.known_address_for; });
    if (known_.size() >= policy_.max_entries) known_.erase(known_.begin());
  }
  known_[pair] = now;
}

void LoginThrottle::record_failure(std::string_view login, std::string_view address,
                                   common::Timestamp now) {
  record(login, address, now, 1, false);
}

void LoginThrottle::record_success(std::string_view login, std::string_view address,
                                   common::Timestamp now) {
  record(login, address, now, 0, true);
}

void LoginThrottle::record_abandoned(std::string_view login, std::string_view address,
                                     common::Timestamp now) {
  record(login, address, now, 0, false);
}

}  // namespace staff
