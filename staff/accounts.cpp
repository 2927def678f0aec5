#include "staff/accounts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/unicode.hpp"
#include "staff/messages.hpp"
#include "staff/password.hpp"

namespace staff {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;

constexpr std::string_view k_token_prefix = "hoso_";
// An API token's last use is written at most this often, so a busy station does not turn every
// request into a write.
constexpr std::chrono::minutes k_touch_interval{1};

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

Result<std::string> checked_name(std::string_view text, const common::MessageDef& what) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  if (out.size() < 2 || out.size() > 32 || !std::all_of(out.begin(), out.end(), name_char)) {
    return make_error(ErrorCode::invalid_argument, msg::bad_account_name,
                      {{"what", common::Text{what}}, {"name", out.substr(0, 40)}});
  }
  return out;
}

// A line of text as an admin typed it: trimmed, runs of spaces made one, and what is wrong with it.
struct TypedLine {
  std::string text;
  bool control = false;  // it had control characters (removed from text)
  bool valid_utf8 = true;
  std::ptrdiff_t characters = 0;  // UTF-8 characters of text

  // What an error may show of it: at most 40 bytes, not cut inside a character.
  std::string shown() const {
    if (!valid_utf8) return "?";
    std::size_t size = std::min<std::size_t>(text.size(), 40);
    while (size > 0 && size < text.size() &&
           (static_cast<unsigned char>(text[size]) & 0xC0) == 0x80) {
      --size;
    }
    return text.substr(0, size);
  }
};

TypedLine typed_line(std::string_view typed) {
  TypedLine line;
  bool space = false;
  for (const char c : typed) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) line.control = true;
    if (c == ' ' || byte < 0x20) {
      space = !line.text.empty();
      continue;
    }
    if (space) line.text += ' ';
    space = false;
    line.text += c;
  }
  line.characters = std::count_if(line.text.begin(), line.text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
  line.valid_utf8 = common::search_fold(line.text).find("\xEF\xBF\xBD") == std::string::npos;
  return line;
}

// A scanning station's token name as the admin typed it ("Máy quét văn thư 1"): trimmed, runs of
// spaces made one; 2 to 60 characters of valid UTF-8 without control characters.
Result<std::string> checked_token_name(std::string_view text) {
  TypedLine line = typed_line(text);
  if (line.control || !line.valid_utf8 || line.characters < 2 || line.characters > 60) {
    return make_error(ErrorCode::invalid_argument, msg::bad_token_name, {{"name", line.shown()}});
  }
  return std::move(line.text);
}

Result<void> log_event(db::Transaction& tx, common::Timestamp at, const std::string& actor,
                       std::string_view entity, db::Id id, db::EventKind action,
                       const nlohmann::json& data = nlohmann::json::object()) {
  db::Event event;
  event.at = at;
  event.actor = actor;
  event.entity = std::string(entity);
  event.entity_id = id;
  event.action = action;
  event.data = data.dump();
  TRY(tx.append_event(event));
  return {};
}

Principal principal_of(const db::User& user) {
  Principal p;
  p.user_id = user.id;
  p.login = user.login;
  p.name = user.name;
  p.role = parse_role(user.role).value_or(Role::mailroom);
  return p;
}

int active_admins(const std::vector<db::User>& users) {
  return static_cast<int>(std::count_if(users.begin(), users.end(), [](const db::User& u) {
    return u.role == role_name(Role::admin) && !u.disabled;
  }));
}

}  // namespace

bool same_token_name(std::string_view a, std::string_view b) {
  return common::search_fold(a) == common::search_fold(b);
}

Result<std::string> normalise_login(std::string_view login) { return checked_name(login, msg::what_login); }

Result<std::string> checked_title(std::string_view title) {
  TypedLine line = typed_line(title);
  if (line.control || !line.valid_utf8 || line.characters > k_max_title) {
    return make_error(ErrorCode::invalid_argument, msg::bad_title,
                      {{"title", line.shown()}, {"max", k_max_title}});
  }
  return std::move(line.text);
}

Accounts::Accounts(db::Store& store, const common::Clock& clock)
    : store_(store), clock_(clock), throttle_(std::make_shared<LoginThrottle>()) {}

Result<db::User> Accounts::add_user(const NewUser& fresh, const std::string& actor) {
  TRY_ASSIGN(auto login, normalise_login(fresh.login));
  if (fresh.name.empty()) {
    return make_error(ErrorCode::invalid_argument, msg::user_needs_name);
  }
  TRY_ASSIGN(auto title, checked_title(fresh.title));
  if (auto problem = password_problem(fresh.password, login)) {
    return make_error(ErrorCode::invalid_argument, *problem->def, problem->args);
  }
  TRY_ASSIGN(auto hash, hash_password(fresh.password));  // slow on purpose: outside the transaction
  db::User user;
  user.login = login;
  user.name = fresh.name;
  user.title = std::move(title);
  user.role = std::string(role_name(fresh.role));
  user.password_hash = hash;
  user.created_at = clock_.now();
  user.password_changed_at = user.created_at;
  TRY(store_.write([&](db::Transaction& tx) -> Result<void> {
    TRY_ASSIGN(auto existing, tx.find_user(user.login));
    if (existing) {
      return make_error(ErrorCode::bad_input, msg::duplicate_login, {{"login", user.login}});
    }
    TRY_ASSIGN(auto id, tx.insert_user(user));
    user.id = id;
    nlohmann::json data = {{"login", user.login}, {"role", user.role}};
    if (!user.title.empty()) data["title"] = user.title;
    return log_event(tx, user.created_at, actor, "user", user.id, db::EventKind::user_added, data);
  }));
  return user;
}

Result<db::User> Accounts::user(std::string_view login) {
  TRY_ASSIGN(auto normal, normalise_login(login));
  TRY_ASSIGN(const std::optional<db::User> found,
             store_.read<std::optional<db::User>>(
                 [&](db::Transaction& tx) { return tx.find_user(normal); }));
  if (!found) return make_error(ErrorCode::not_found, msg::no_user_login, {{"login", normal}});
  return *found;
}

Result<std::vector<db::User>> Accounts::users() {
  return store_.read<std::vector<db::User>>([&](db::Transaction& tx) { return tx.list_users(); });
}

Result<db::User> Accounts::change_user(std::string_view login, const UserChange& change,
                                       const std::string& actor) {
  TRY_ASSIGN(auto current, user(login));
  return this->change(current, change, actor);
}

Result<db::User> Accounts::change_user(db::Id id, const UserChange& change,
                                       const std::string& actor) {
  TRY_ASSIGN(const std::optional<db::User> found,
             store_.read<std::optional<db::User>>(
                 [&](db::Transaction& tx) { return tx.get_user(id); }));
  if (!found) return make_error(ErrorCode::not_found, msg::no_user_id, {{"id", id}});
  return this->change(*found, change, actor);
}

Result<db::User> Accounts::change(const db::User& current, const UserChange& change,
                                  const std::string& actor) {
  if (change.name && change.name->empty()) {
    return make_error(ErrorCode::invalid_argument, msg::user_needs_name);
  }
  std::optional<std::string> title;
  if (change.title) {
    TRY_ASSIGN(title, checked_title(*change.title));
  }
  std::optional<std::string> hash;
  if (change.password) {
    if (auto problem = password_problem(*change.password, current.login)) {
      return make_error(ErrorCode::invalid_argument, *problem->def, problem->args);
    }
    TRY_ASSIGN(auto h, hash_password(*change.password));
    hash = std::move(h);
  }
  db::User updated;
  TRY(store_.write([&](db::Transaction& tx) -> Result<void> {
    TRY_ASSIGN(auto fresh, tx.get_user(current.id));  // what another admin may have changed meanwhile
    if (!fresh) return make_error(ErrorCode::not_found, msg::no_user_id, {{"id", current.id}});
    updated = *fresh;
    const db::Timestamp now = clock_.now();
    nlohmann::json data = {{"login", updated.login}};
    std::vector<db::EventKind> actions;
    if (change.name && *change.name != updated.name) {
      updated.name = *change.name;
      actions.push_back(db::EventKind::name_changed);
    }
    if (title && *title != updated.title) {
      data["title_from"] = updated.title;
      updated.title = *title;
      data["title"] = updated.title;
      actions.push_back(db::EventKind::title_changed);
    }
    if (change.role && role_name(*change.role) != updated.role) {
      data["role_from"] = updated.role;
      updated.role = std::string(role_name(*change.role));
      data["role"] = updated.role;
      actions.push_back(db::EventKind::role_changed);
    }
    if (hash) {
      updated.password_hash = *hash;
      updated.password_changed_at = now;
      actions.push_back(db::EventKind::password_changed);
    }
    if (change.disabled && *change.disabled != updated.disabled) {
      updated.disabled = *change.disabled;
      actions.push_back(updated.disabled ? db::EventKind::user_disabled : db::EventKind::user_enabled);
    }
    if (actions.empty()) return {};
    TRY_ASSIGN(auto all, tx.list_users());
    const int admins_before = active_admins(all);
    for (db::User& u : all) {
      if (u.id == updated.id) u = updated;
    }
    // Only a change that takes away the last active admin is refused: a desk that has none yet
    // (users added by `hoso user add` before any admin) can still change its other users.
    if (admins_before > 0 && active_admins(all) == 0) {
      return make_error(ErrorCode::conflict, msg::last_admin, {{"login", updated.login}});
    }
    TRY(tx.update_user(updated));
    if (hash || updated.disabled) {
      TRY(tx.delete_sessions_of(updated.id));
    }
    for (const db::EventKind action : actions) {
      TRY(log_event(tx, now, actor, "user", updated.id, action, data));
    }
    return {};
  }));
  return updated;
}

Result<NewSession> Accounts::log_in(std::string_view login, std::string_view password) {
  const common::Error refused = make_error(ErrorCode::unauthenticated, msg::login_failed);
  auto normal = normalise_login(login);
  if (!normal || password.size() > 1024) {
    verify_password_decoy(password);
    return refused;
  }
  TRY_ASSIGN(const std::optional<db::User> found,
             store_.read<std::optional<db::User>>(
                 [&](db::Transaction& tx) { return tx.find_user(*normal); }));
  if (!found) {
    verify_password_decoy(password);
    return refused;
  }
  if (!verify_password(found->password_hash, password) || found->disabled) return refused;

  return open_session(*found, db::EventKind::logged_in);
}

Result<NewSession> Accounts::open_session(const db::User& user,
                                          std::optional<db::EventKind> event) {
  NewSession out;
  out.cookie = random_secret();
  out.principal = principal_of(user);
  out.principal.csrf_token = random_secret(24);
  const db::Timestamp now = clock_.now();
  out.principal.expires_at = now + k_session_lifetime;
  db::Session session;
  session.token_hash = secret_digest(out.cookie);
  session.user_id = user.id;
  session.csrf_token = out.principal.csrf_token;
  session.created_at = now;
  session.expires_at = out.principal.expires_at;
  TRY(store_.write([&](db::Transaction& tx) -> Result<void> {
    TRY(tx.delete_expired_sessions(now));
    TRY(tx.insert_session(session));
    if (!event) return {};
    return log_event(tx, now, user.login, "user", user.id, *event);
  }));
  return out;
}

Result<NewSession> Accounts::change_own_password(db::Id user_id, std::string_view current_password,
                                                 const std::string& new_password) {
  TRY_ASSIGN(const std::optional<db::User> found,
             store_.read<std::optional<db::User>>(
                 [&](db::Transaction& tx) { return tx.get_user(user_id); }));
  if (!found) return make_error(ErrorCode::not_found, msg::no_user_id, {{"id", user_id}});
  if (current_password.size() > 1024 || !verify_password(found->password_hash, current_password) ||
      found->disabled) {
    return make_error(ErrorCode::permission_denied, msg::current_password_wrong);
  }
  UserChange change;
  change.password = new_password;
  TRY_ASSIGN(const db::User updated, this->change(*found, change, found->login));
  return open_session(updated, std::nullopt);
}

Result<Principal> Accounts::session(std::string_view cookie) {
  const common::Error refused = make_error(ErrorCode::unauthenticated, msg::session_expired);
  if (cookie.empty() || cookie.size() > 200) return refused;
  const std::string digest = secret_digest(cookie);
  std::optional<db::Session> session;
  std::optional<db::User> owner;
  TRY(store_.read([&](db::Transaction& tx) -> Result<void> {
    TRY_ASSIGN(auto s, tx.find_session(digest));
    if (!s) return {};
    session = std::move(s);
    TRY_ASSIGN(auto u, tx.get_user(session->user_id));
    owner = std::move(u);
    return {};
  }));
  if (!session || !owner || owner->disabled || session->expires_at <= clock_.now()) return refused;
  Principal p = principal_of(*owner);
  p.csrf_token = session->csrf_token;
  p.expires_at = session->expires_at;
  return p;
}

Result<void> Accounts::log_out(std::string_view cookie) {
  if (cookie.empty() || cookie.size() > 200) return {};
  const std::string digest = secret_digest(cookie);
  return store_.write([&](db::Transaction& tx) -> Result<void> {
    TRY_ASSIGN(auto s, tx.find_session(digest));
    if (!s) return {};
    TRY(tx.delete_session(digest));
    TRY_ASSIGN(auto u, tx.get_user(s->user_id));
    return log_event(tx, clock_.now(), u ? u->login : std::string("?"), "user", s->user_id,
                     db::EventKind::logged_out);
  });
}

Result<NewToken> Accounts::create_token(const std::string& name, const std::string& actor) {
  TRY_ASSIGN(auto checked, checked_token_name(name));
  NewToken out;
  out.secret = std::string(k_token_prefix) + random_secret();
  out.token.name = checked;
  out.token.token_hash = secret_digest(out.secret);
  out.token.role = std::string(role_name(Role::mailroom));
  out.token.created_by = actor;
  out.token.created_at = clock_.now();
  TRY(store_.write([&](db::Transaction& tx) -> Result<void> {
    TRY_ASSIGN(auto tokens, tx.list_api_tokens());
    for (const db::ApiToken& t : tokens) {
      // "Máy quét 1" and "may quet 1" would be told apart by nobody at the desk.
      if (same_token_name(t.name, out.token.name)) {
        return make_error(ErrorCode::bad_input, msg::duplicate_token, {{"name", t.name}});
      }
    }
    TRY_ASSIGN(auto id, tx.insert_api_token(out.token));
    out.token.id = id;
    return log_event(tx, out.token.created_at, actor, "api_token", out.token.id, db::EventKind::token_created,
                     {{"name", out.token.name}, {"role", out.token.role}});
  }));
  return out;
}

Result<Principal> Accounts::token(std::string_view secret) {
  const common::Error refused = make_error(ErrorCode::unauthenticated, msg::token_refused);
  if (secret.size() > 200 || secret.substr(0, k_token_prefix.size()) != k_token_prefix) {
    return refused;
  }
  const std::string digest = secret_digest(secret);
  TRY_ASSIGN(const std::optional<db::ApiToken> found,
             store_.read<std::optional<db::ApiToken>>(
                 [&](db::Transaction& tx) { return tx.find_api_token(digest); }));
  if (!found || found->revoked_at) return refused;
  const db::Timestamp now = clock_.now();
  if (!found->last_used_at || now - *found->last_used_at >= k_touch_interval) {
    // Best effort: a busy database must not refuse the station's upload for a bookkeeping write.
    (void)store_.write([&](db::Transaction& tx) { return tx.touch_api_token(found->id, now); });
  }
  Principal p;
  p.token_id = found->id;
  p.login = "token:" + found->name;
  p.name = found->name;
  p.role = parse_role(found->role).value_or(Role::mailroom);
  return p;
}

Result<void> Accounts::revoke_token(db::Id id, const std::string& actor) {
  return store_.write([&](db::Transaction& tx) -> Result<void> {
    const db::Timestamp now = clock_.now();
    TRY(tx.revoke_api_token(id, now));
    return log_event(tx, now, actor, "api_token", id, db::EventKind::token_revoked);
  });
}

Result<std::vector<db::ApiToken>> Accounts::tokens() {
  return store_.read<std::vector<db::ApiToken>>(
      [&](db::Transaction& tx) { return tx.list_api_tokens(); });
}

}  // namespace staff
