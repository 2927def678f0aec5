// Staff accounts, their sessions and the scanning stations' API tokens, over
// db::Store. Passwords are Argon2id hashes; session cookies and API tokens are random secrets of
// which only a SHA-256 is stored. Every change is appended to the event table (entity "user" or
// "api_token") with the actor. Thread-safe as the Store is. Knows nothing about HTTP: the server
// maps a Principal's role to what it may call, and asks login_throttle() before each login.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "db/store.hpp"
#include "staff/login_throttle.hpp"
#include "staff/roles.hpp"

namespace staff {

inline constexpr std::chrono::hours k_session_lifetime{12};

// Who is asking: a logged-in user, or a scanning station's API token.
struct Principal {
  db::Id user_id = 0;   // 0 for an API token
  db::Id token_id = 0;  // the API token, when authenticated by one
  std::string login;    // the user's login, or "token:<name>"
  std::string name;     // the user's name, or the token's
  Role role = Role::mailroom;
  std::string csrf_token;  // the session's; empty for an API token (no cookie, no CSRF)
  common::Timestamp expires_at{};

  bool via_token() const { return token_id != 0; }
};

struct NewUser {
  std::string login;  // [a-z0-9._-], 2 to 32 characters; stored lower-case
  std::string name;
  Role role = Role::officer;
  std::string password;
  // chức vụ ("Chuyên viên"), printed under the name on forms; may be empty. The initialiser lets
  // {login, name, role, password} leave it out without a warning.
  std::string title = {};
};

// Fields to change; unset ones stay.
struct UserChange {
  std::optional<std::string> name;
  std::optional<std::string> title;  // "" clears it
  std::optional<Role> role;
  std::optional<std::string> password;
  std::optional<bool> disabled;
};

struct NewSession {
  std::string cookie;  // the secret for the cookie; not stored anywhere
  Principal principal;
};

struct NewToken {
  db::ApiToken token;
  std::string secret;  // shown once, to be configured on the scanning station
};

// True when two token names are the same for people: equal once case and diacritics are folded
// ("Máy quét 1" and "may QUET 1").
bool same_token_name(std::string_view a, std::string_view b);

class Accounts {
 public:
  // The store and clock must outlive the Accounts.
  Accounts(db::Store& store, const common::Clock& clock);

  // Adds a user. Fails with invalid_argument for a bad login, an empty name, a bad title (see
  // checked_title) or a weak password (the message says which), bad_input when the login is taken.
  common::Result<db::User> add_user(const NewUser& user, const std::string& actor);

  // Changes the user with this id (or login). A new password or a disabled user ends the user's
  // sessions. Fails with not_found, or invalid_argument as add_user. Refuses (conflict) to disable
  // or demote the last active admin.
  common::Result<db::User> change_user(db::Id id, const UserChange& change,
                                       const std::string& actor);
  common::Result<db::User> change_user(std::string_view login, const UserChange& change,
                                       const std::string& actor);

  common::Result<std::vector<db::User>> users();
  // The user with this login; not_found naming it.
  common::Result<db::User> user(std::string_view login);

  // Checks the password and opens a session of k_session_lifetime. Fails with unauthenticated and
  // the same message for an unknown login, a wrong password and a disabled user (an unknown login
  // spends the time of a password check too).
  common::Result<NewSession> log_in(std::string_view login, std::string_view password);
  // The throttle of password guessing for these accounts (see staff/login_throttle.hpp): held
  // here so that it lives as long as the server's Accounts; copies of an Accounts share it.
  // log_in does not consult it: the caller knows the client's address.
  LoginThrottle& login_throttle() { return *throttle_; }
  // The principal of a session cookie; unauthenticated when unknown, expired or the user is
  // disabled.
  common::Result<Principal> session(std::string_view cookie);
  common::Result<void> log_out(std::string_view cookie);
  // A user changing their own password: checks `current_password` first, then the new one against
  // the policy of add_user, changes it (the user's own login is the event's actor), which ends
  // all the user's sessions, and opens a fresh one so the user stays logged in. Fails with
  // permission_denied (msg::current_password_wrong) when the current password is wrong or the user
  // is disabled, invalid_argument as add_user (nothing changed), not_found for an unknown id.
  // Like log_in it does not consult login_throttle(): the caller does.
  common::Result<NewSession> change_own_password(db::Id user_id,
                                                 std::string_view current_password,
                                                 const std::string& new_password);

  // A new mailroom API token named `name` (2 to 60 characters, Vietnamese welcome: "Máy quét văn
  // thư 1"; trimmed, spaces collapsed; invalid_argument for control characters or invalid UTF-8);
  // bad_input when a token has the same name up to case and diacritics (same_token_name).
  common::Result<NewToken> create_token(const std::string& name, const std::string& actor);
  // The principal of a bearer token; unauthenticated when unknown or revoked.
  common::Result<Principal> token(std::string_view secret);
  common::Result<void> revoke_token(db::Id id, const std::string& actor);
  common::Result<std::vector<db::ApiToken>> tokens();

 private:
  common::Result<db::User> change(const db::User& current, const UserChange& change,
                                  const std::string& actor);
  // A new session of k_session_lifetime for `user`, with `event` logged when set.
  common::Result<NewSession> open_session(const db::User& user,
                                          std::optional<db::EventKind> event);

  db::Store& store_;
  const common::Clock& clock_;
  std::shared_ptr<LoginThrottle> throttle_;
};

// The login as stored (lower case), or invalid_argument saying what is wrong with it.
common::Result<std::string> normalise_login(std::string_view login);

// A staff user's title as stored: trimmed, runs of spaces made one; "" for none. Fails with
// invalid_argument (msg::bad_title) for more than k_max_title characters, control characters or
// invalid UTF-8.
inline constexpr int k_max_title = 80;
common::Result<std::string> checked_title(std::string_view title);

}  // namespace staff
