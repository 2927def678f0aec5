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
  if (!desk.logins_by_address.allow(req.remote_addr, retry_after)) {
    return rate_limited(req, retry_after,
                        common::Text{msg::logins_from_address, {{"seconds", retry_after}}});
  }
  TRY_ASSIGN(const json body, json_body(req));
  TRY_ASSIGN(const std::string login_name, string_field(body, "login", true));
  TRY_ASSIGN(const std::string password, string_field(body, "password", true));
  // Keyed by the stored form of the login (at most 32 bytes); a login that cannot exist needs no
  // bucket. The failure is counted before the slow password check, and given back on success,
  // so parallel guesses cannot all pass the check first.
  const auto normal = staff::normalise_login(login_name);
  const std::string key = normal ? *normal : std::string();
  if (!key.empty() && !desk.login_failures.allow(key, retry_after)) {
    return rate_limited(req, retry_after,
                        common::Text{msg::logins_for_user, {{"minutes", (retry_after + 59) / 60}}});
  }
  auto opened = desk.accounts.log_in(login_name, password);
  if (!opened && opened.error().code == ErrorCode::unauthenticated) {
    spdlog::warn("failed login from {}", req.remote_addr);
  } else if (!opened && !key.empty()) {
    desk.login_failures.refund(key);  // the database failed, not the caller
  }
  if (!opened) return std::move(opened).error();
  if (!key.empty()) desk.login_failures.refund(key);
  Reply reply = json_reply(principal_json(opened->principal));
  reply.headers.emplace_back("Set-Cookie", session_cookie(opened->cookie, desk.options));
  return reply;
}

std::vector<Route> session_routes() {
  return {{Method::post, "/api/logout", std::nullopt, logout},
          {Method::get, "/api/session", std::nullopt, session}};
}

}  // namespace app::staff_routes
