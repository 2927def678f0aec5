// Staff API: logging in and out, and who is logged in (docs/api.md, "Sessions").
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/http_support.hpp"
#include "app/staff_routes.hpp"

namespace app::staff_routes {
namespace {

using staff::Permission;

Reply rate_limited(const Request& req, int retry_after, const common::Text& text) {
  Reply reply = error_reply(429, "rate_limited", text, http::request_lang(req));
  reply.headers.emplace_back("Retry-After", std::to_string(retry_after));
  return reply;
}

// The session cookie: the browser's only copy of the secret, out of reach of scripts.
std::string session_cookie(const std::string& secret, const ServerOptions& options) {
  return fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}", k_session_cookie,
                     secret, std::chrono::seconds(staff::k_session_lifetime).count(),
                     options.secure_cookies ? "; Secure" : "");
}

Result<Reply> logout(Context& desk, const Request& req, const staff::Principal&) {
  TRY(desk.accounts.log_out(http::cookie(req, k_session_cookie)));
  Reply reply = json_reply(json::object());
  reply.headers.emplace_back(
      "Set-Cookie",
      fmt::format("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0", k_session_cookie));
  return reply;
}

Result<Reply> session(Context&, const Request&, const staff::Principal& who) {
  return json_reply(principal_json(who));
}

// A user changing their own password. A wrong current password is a failed login of the user's
// from this address in the login throttle, so this route guesses no faster than /api/login. The
// change ends all the user's sessions (a thief's copy of the cookie included); the caller gets a
// fresh session cookie and CSRF token in the reply and stays logged in.
Result<Reply> change_password(Context& desk, const Request& req, const staff::Principal& who) {
  if (who.via_token()) return make_error(ErrorCode::permission_denied, msg::password_needs_session);
  int retry_after = 0;
  if (!desk.logins_by_address.allow(req.remote_block, retry_after)) {
    return rate_limited(req, retry_after,
                        common::Text{msg::logins_from_address, {{"seconds", retry_after}}});
  }
  TRY_ASSIGN(const json body, json_body(req));
  TRY_ASSIGN(const std::string current, string_field(body, "current_password", true));
  TRY_ASSIGN(const std::string fresh, string_field(body, "new_password", true));
  // Throttled per client block (an IPv6 /64), logged with the client's own address.
  const std::string& address = req.remote_block;
  staff::LoginThrottle& throttle = desk.accounts.login_throttle();
  const auto decision = throttle.check(who.login, address, desk.clock.now());
  if (!decision.allowed) {
    const int seconds = static_cast<int>(decision.retry_after.count());
    return rate_limited(req, seconds,
                        common::Text{decision.scope == staff::ThrottleScope::address
                                         ? msg::logins_failed_from_address
                                         : msg::logins_failed_for_user,
                                     {{"seconds", seconds}}});
  }
  auto changed = desk.accounts.change_own_password(who.user_id, current, fresh);
  if (!changed) {
    switch (changed.error().code) {
      case ErrorCode::permission_denied:  // the current password was wrong
        throttle.record_failure(who.login, address, desk.clock.now());
        spdlog::warn("password change of '{}' from {} refused: wrong current password", who.login,
                     address);
        break;
      case ErrorCode::invalid_argument:  // the current password was right, the new one weak
        throttle.record_success(who.login, address, desk.clock.now());
        break;
      default:
        throttle.record_abandoned(who.login, address, desk.clock.now());
        break;
    }
    return std::move(changed).error();
  }
  throttle.record_success(who.login, address, desk.clock.now());
  spdlog::info("password of '{}' changed by the user from {}", who.login, req.remote_addr);
  Reply reply = json_reply(principal_json(changed->principal));
  reply.headers.emplace_back("Set-Cookie", session_cookie(changed->cookie, desk.options));
  return reply;
}

}  // namespace

json principal_json(const staff::Principal& p) {
  json permissions = json::array();
  for (Permission perm : {Permission::scan, Permission::read_dossiers, Permission::act,
                          Permission::dispatch, Permission::reports, Permission::manage}) {
    if (staff::role_allows(p.role, perm)) permissions.push_back(staff::permission_name(perm));
  }
  return {{"user",
           {{"id", p.user_id},
            {"login", p.login},
            {"name", p.name},
            {"role", staff::role_name(p.role)},
            {"permissions", permissions}}},
          {"csrf_token", p.csrf_token},
          {"expires_at", p.via_token() ? json() : json(common::format_iso(p.expires_at))}};
}

Result<Reply> login(Context& desk, const Request& req) {
  int retry_after = 0;
  if (!desk.logins_by_address.allow(req.remote_block, retry_after)) {
    return rate_limited(req, retry_after,
                        common::Text{msg::logins_from_address, {{"seconds", retry_after}}});
  }
  TRY_ASSIGN(const json body, json_body(req));
  TRY_ASSIGN(const std::string login_name, string_field(body, "login", true));
  TRY_ASSIGN(const std::string password, string_field(body, "password", true));
  // Throttled and logged by the stored form of the login (at most 32 bytes of [a-z0-9._-]); all
  // logins that cannot exist share one key. The log never shows what was typed when it is not a
  // login: it may be a password typed into the wrong field.
  const auto normal = staff::normalise_login(login_name);
  const std::string key = normal ? *normal : std::string();
  const std::string named = normal ? fmt::format("'{}'", *normal) : "(not a valid login)";
  // Throttled per client block (an IPv6 /64), logged with the client's own address.
  const std::string& address = req.remote_block;
  staff::LoginThrottle& throttle = desk.accounts.login_throttle();
  // The attempt counts as a failure from here until its outcome is known, so parallel guesses
  // cannot all pass the slow password check first.
  const auto decision = throttle.check(key, address, desk.clock.now());
  if (!decision.allowed) {
    const int seconds = static_cast<int>(decision.retry_after.count());
    if (decision.first_refusal) {
      spdlog::warn(
          "login {} from {} slowed down: too many failed logins ({}); next attempt in {} s", named,
          req.remote_addr, staff::throttle_scope_name(decision.scope), seconds);
    }
    return rate_limited(req, seconds,
                        common::Text{decision.scope == staff::ThrottleScope::address
                                         ? msg::logins_failed_from_address
                                         : msg::logins_failed_for_user,
                                     {{"seconds", seconds}}});
  }
  auto opened = desk.accounts.log_in(login_name, password);
  if (!opened) {
    if (opened.error().code == ErrorCode::unauthenticated) {
      throttle.record_failure(key, address, desk.clock.now());
      spdlog::warn("failed login for {} from {}", named, req.remote_addr);
    } else {
      throttle.record_abandoned(key, address,
                                desk.clock.now());  // the database failed, not the caller
    }
    return std::move(opened).error();
  }
  throttle.record_success(key, address, desk.clock.now());
  spdlog::info("login {} from {}", named, req.remote_addr);
  Reply reply = json_reply(principal_json(opened->principal));
  reply.headers.emplace_back("Set-Cookie", session_cookie(opened->cookie, desk.options));
  return reply;
}

std::vector<Route> session_routes() {
  return {{Method::post, "/api/logout", std::nullopt, logout},
          {Method::post, "/api/password", std::nullopt, change_password},
          {Method::get, "/api/session", std::nullopt, session}};
}

}  // namespace app::staff_routes
