// Slows password guessing at the staff login without letting anyone lock a colleague out. Before
// each password check it answers whether the check may run now or how long the caller must wait,
// from failed logins counted three ways:
//   - per login and address (one address guessing one login): after 5 failures, each further
//     attempt from there waits 5 s, doubling up to 5 minutes;
//   - per address (one address trying many logins): after 20 failures, the same;
//   - per login (many addresses guessing one login): after 6 failures, attempts at that login from
//     anywhere are spaced 1 s apart, doubling up to 8 s. The login is slowed, never closed: its
//     owner gets in from a new address within seconds, however many addresses are guessing.
// An address the login succeeded from in the last 30 days is spared the per-login spacing and the
// per-address count (the owner's own desk, even behind the office's one shared address).
// Counts are forgotten after 30 quiet minutes. In memory: a restart forgets them. Knows nothing
// about HTTP, passwords or storage. Thread-safe: every member may be called from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace staff {

// What held a login attempt back.
enum class ThrottleScope {
  none,              // nothing: the attempt may go ahead
  address,           // too many failures from this address, whatever the login
  login_at_address,  // too many failures for this login from this address
  login,             // too many failures for this login from everywhere: spaced, not closed
};

std::string_view throttle_scope_name(ThrottleScope scope);

struct ThrottleDecision {
  bool allowed = true;
  std::chrono::seconds retry_after{0};  // when refused: at least 1 s
  ThrottleScope scope = ThrottleScope::none;
  // Refused, for the first time since this scope last let an attempt through: worth a log line
  // (an attack refused a thousand times is logged once per spell).
  bool first_refusal = false;
};

// How one count slows attempts: after `free_failures`, the next attempt waits `first_wait` after
// the one before, doubling with each further failure up to `max_wait`.
struct ThrottleRule {
  int free_failures = 5;
  std::chrono::seconds first_wait{5};
  std::chrono::seconds max_wait{300};
};

struct ThrottlePolicy {
  // One address guessing one login.
  ThrottleRule login_at_address{5, std::chrono::seconds{5}, std::chrono::seconds{300}};
  // One address trying many logins.
  ThrottleRule address{20, std::chrono::seconds{5}, std::chrono::seconds{300}};
  // Many addresses guessing one login: short waits, so the owner is never kept out long.
  ThrottleRule login{6, std::chrono::seconds{1}, std::chrono::seconds{8}};
  // A count is forgotten after this long without a failure.
  std::chrono::seconds forget_after{30 * 60};
  // An address a login succeeded from stays known for it this long.
  std::chrono::seconds known_address_for{30 * 24 * 3600};
  // An attempt checked but never recorded (its caller failed) stops counting after this long.
  std::chrono::seconds attempt_timeout{60};
  // Entries kept per table before the oldest are dropped (memory stays bounded under a flood of
  // addresses or logins).
  std::size_t max_entries = 100'000;
};

class LoginThrottle {
 public:
  LoginThrottle() : LoginThrottle(ThrottlePolicy{}) {}
  explicit LoginThrottle(ThrottlePolicy policy) : policy_(policy) {}

  // May the password of `login` be checked for a request from `address` at `now`? When allowed,
  // the attempt is counted as a failure until record_success or record_abandoned says otherwise,
  // so parallel guesses cannot all pass before the first is judged. `login` is the normalised
  // login ("" for one that cannot exist), `address` the client's address.
  ThrottleDecision check(std::string_view login, std::string_view address, common::Timestamp now);

  // The outcome of an attempt check() allowed: exactly one of these per allowed check.
  // The password was wrong (or the login unknown or disabled).
  void record_failure(std::string_view login, std::string_view address, common::Timestamp now);
  // The user logged in: forgets this login's failures and remembers the address as the user's.
  void record_success(std::string_view login, std::string_view address, common::Timestamp now);
  // The check could not run (the database failed): the attempt counts for nothing.
  void record_abandoned(std::string_view login, std::string_view address, common::Timestamp now);

  const ThrottlePolicy& policy() const { return policy_; }

 private:
  struct Count {
    int failures = 0;
    int pending = 0;  // attempts allowed and not yet recorded
    common::Timestamp last_failure{};
    common::Timestamp last_attempt{};
    bool refusing = false;  // refused since the last attempt it let through
  };
  using Table = std::map<std::string, Count, std::less<>>;

  // Forgets what has expired in `count` at `now`.
  void expire(Count& count, common::Timestamp now) const;
  // The count for `key`, expired (nullptr when there is none); get() makes one.
  Count* find(Table& table, std::string_view key, common::Timestamp now);
  Count& get(Table& table, std::string_view key, common::Timestamp now);
  // How long after the count's last attempt the next may come.
  std::chrono::seconds wait_after(const Count& count, const ThrottleRule& rule) const;
  bool known(const std::string& pair, common::Timestamp now) const;
  void prune(Table& table, common::Timestamp now);
  void record(std::string_view login, std::string_view address, common::Timestamp now, int failures,
              bool success);

  const ThrottlePolicy policy_;
  std::mutex mutex_;
  Table pairs_;                                                  // login + '\n' + address
  Table addresses_;                                              // address
  Table logins_;                                                 // login
  std::map<std::string, common::Timestamp, std::less<>> known_;  // pair -> last success
};

}  // namespace staff
