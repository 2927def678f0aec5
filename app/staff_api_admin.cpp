// Staff API: the admin's users and the scanning stations' API tokens (docs/api.md, "Admin").
#include "app/http_support.hpp"
#include "app/staff_routes.hpp"
#include "app/user_commands.hpp"
#include "db/settings.hpp"
#include "tracking/documents.hpp"
#include "tracking/lookup.hpp"
#include "tracking/public_link.hpp"

namespace app::staff_routes {
namespace {

Result<staff::Role> role_field(const json& body) {
  TRY_ASSIGN(const std::string text, string_field(body, "role"));
  auto role = staff::parse_role(text);
  if (!role) {
    return make_error(ErrorCode::invalid_argument, msg::bad_role);
  }
  return *role;
}

Result<Reply> list_users(Context& desk, const Request&, const staff::Principal&) {
  TRY_ASSIGN(const auto users, desk.accounts.users());
  json list = json::array();
  for (const db::User& u : users) list.push_back(user_json(u));
  return json_reply(json{{"users", list}});
}

Result<Reply> add_user(Context& desk, const Request& req, const staff::Principal& who) {
  TRY_ASSIGN(const json body, json_body(req));
  TRY_ASSIGN(const std::string login, string_field(body, "login"));
  TRY_ASSIGN(const std::string name, string_field(body, "name"));
  TRY_ASSIGN(const std::string title, string_field(body, "title"));
  TRY_ASSIGN(const std::string password, string_field(body, "password"));
  TRY_ASSIGN(const staff::Role role, role_field(body));
  TRY_ASSIGN(const auto added,
             desk.accounts.add_user({login, name, role, password, title}, who.login));
  return json_reply(json{{"user", user_json(added)}});
}

// The fields a change names; those absent stay as they are.
Result<staff::UserChange> change_of(const json& body) {
  staff::UserChange change;
  if (body.contains("name")) {
    TRY_ASSIGN(change.name, string_field(body, "name"));
  }
  if (body.contains("title")) {
    TRY_ASSIGN(change.title, string_field(body, "title"));
  }
  if (body.contains("role")) {
    TRY_ASSIGN(change.role, role_field(body));
  }
  if (body.contains("password")) {
    TRY_ASSIGN(change.password, string_field(body, "password"));
  }
  if (body.contains("disabled")) {
    if (!body["disabled"].is_boolean()) {
      return make_error(ErrorCode::invalid_argument, msg::field_not_boolean,
                        {{"field", "disabled"}});
    }
    change.disabled = body["disabled"].get<bool>();
  }
  return change;
}

Result<Reply> change_user(Context& desk, const Request& req, const staff::Principal& who) {
  TRY_ASSIGN(const db::Id id, id_param(req));
  TRY_ASSIGN(const json body, json_body(req));
  TRY_ASSIGN(const auto change, change_of(body));
  TRY_ASSIGN(const auto changed, desk.accounts.change_user(id, change, who.login));
  return json_reply(json{{"user", user_json(changed)}});
}

Result<Reply> list_tokens(Context& desk, const Request&, const staff::Principal&) {
  TRY_ASSIGN(const auto tokens, desk.accounts.tokens());
  json list = json::array();
  for (const db::ApiToken& t : tokens) {
    list.push_back({{"id", t.id},
                    {"name", t.name},
                    {"role", t.role},
                    {"created_by", t.created_by},
                    {"created_at", common::format_iso(t.created_at)},
                    {"revoked_at", time_or_null(t.revoked_at)},
                    {"last_used_at", time_or_null(t.last_used_at)}});
  }
  return json_reply(json{{"tokens", list}});
}

Result<Reply> add_token(Context& desk, const Request& req, const staff::Principal& who) {
  TRY_ASSIGN(const json body, json_body(req));
  TRY_ASSIGN(const std::string name, string_field(body, "name"));
  TRY_ASSIGN(const auto made, desk.accounts.create_token(name, who.login));
  return json_reply(json{{"id", made.token.id}, {"name", made.token.name}, {"token", made.secret}});
}

Result<Reply> revoke_token(Context& desk, const Request& req, const staff::Principal& who) {
  TRY_ASSIGN(const db::Id id, id_param(req));
  TRY(desk.accounts.revoke_token(id, who.login));
  return json_reply(json::object());
}

// The desk's public address as the admin page shows it: the stored address and, when citizens
// could not open it (unset, malformed, loopback), what is wrong in the page's language.
Result<json> desk_json(Context& desk, common::Lang lang) {
  return desk.store.read<json>([&](db::Transaction& tx) -> Result<json> {
    TRY_ASSIGN(const auto url, tx.setting(db::k_setting_public_url));
    const auto usable = tracking::citizen_base_url(tx);
    if (!usable && usable.error().code != ErrorCode::conflict) return usable.error();
    TRY_ASSIGN(const auto contact, tracking::desk_contact(tx));
    return json{{"public_url", url.value_or("")},
                {"public_url_problem", usable ? json() : json(usable.error().render(lang))},
                {"name", contact.name},
                {"address", contact.address},
                {"phone", contact.phone}};
  });
}

Result<Reply> show_desk(Context& desk, const Request& req, const staff::Principal&) {
  TRY_ASSIGN(const json answer, desk_json(desk, http::request_lang(req)));
  return json_reply(answer);
}

// Sets the public address printed in citizens' QR codes (refused when citizens could not open
// it) and, when the body has them, the desk's address and hotline shown on the citizens' page.
Result<Reply> change_desk(Context& desk, const Request& req, const staff::Principal&) {
  TRY_ASSIGN(const json body, json_body(req));
  TRY_ASSIGN(std::string url, string_field(body, "public_url", true));
  TRY_ASSIGN(const std::string address, string_field(body, "address", false));
  TRY_ASSIGN(const std::string phone, string_field(body, "phone", false));
  const bool contact = body.contains("address") || body.contains("phone");
  while (!url.empty() && (url.back() == ' ' || url.back() == '/')) url.pop_back();
  while (!url.empty() && url.front() == ' ') url.erase(url.begin());
  TRY(desk.store.write([&](db::Transaction& tx) -> Result<void> {
    TRY_ASSIGN(const auto local, tx.setting(db::k_setting_public_url_local));
    if (auto problem = tracking::public_url_problem(url, local.value_or("") == "1")) {
      problem->code = ErrorCode::invalid_argument;
      return *std::move(problem);
    }
    if (contact) TRY(tracking::set_desk_contact(tx, address, phone));
    return tx.set_setting(db::k_setting_public_url, url);
  }));
  TRY_ASSIGN(const json answer, desk_json(desk, http::request_lang(req)));
  return json_reply(answer);
}

}  // namespace

std::vector<Route> admin_routes() {
  using P = staff::Permission;
  return {{Method::get, "/api/users", P::manage, list_users},
          {Method::post, "/api/users", P::manage, add_user},
          {Method::post, "/api/users/<int>", P::manage, change_user},
          {Method::get, "/api/tokens", P::manage, list_tokens},
          {Method::post, "/api/tokens", P::manage, add_token},
          {Method::post, "/api/tokens/<int>/revoke", P::manage, revoke_token},
          {Method::get, "/api/desk", P::manage, show_desk},
          {Method::post, "/api/desk", P::manage, change_desk}};
}

}  // namespace app::staff_routes
