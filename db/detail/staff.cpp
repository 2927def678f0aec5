// The people who log in: users, their sessions and the scanning stations' API tokens. Secrets are
// stored only as hashes; what a role may do is staff/'s business, not the store's.
#include "db/detail/repository.hpp"

namespace db::detail {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;

constexpr char k_user_columns[] =
    "id, login, name, title, role, password_hash, disabled, created_at, password_changed_at";

User read_user(RowReader& r) {
  User u;
  u.id = r.id();
  u.login = r.next<std::string>();
  u.name = r.next<std::string>();
  u.title = r.next<std::string>();
  u.role = r.next<std::string>();
  u.password_hash = r.next<std::string>();
  u.disabled = r.next<bool>();
  u.created_at = r.next<Timestamp>();
  u.password_changed_at = r.next<Timestamp>();
  return u;
}

constexpr char k_session_columns[] = "token_hash, user_id, csrf_token, created_at, expires_at";

Session read_session(RowReader& r) {
  Session s;
  s.token_hash = r.next<std::string>();
  s.user_id = r.next<Id>();
  s.csrf_token = r.next<std::string>();
  s.created_at = r.next<Timestamp>();
  s.expires_at = r.next<Timestamp>();
  return s;
}

constexpr char k_api_token_columns[] =
    "id, name, token_hash, role, created_by, created_at, revoked_at, last_used_at";

ApiToken read_api_token(RowReader& r) {
  ApiToken t;
  t.id = r.id();
  t.name = r.next<std::string>();
  t.token_hash = r.next<std::string>();
  t.role = r.next<std::string>();
  t.created_by = r.next<std::string>();
  t.created_at = r.next<Timestamp>();
  t.revoked_at = r.next<std::optional<Timestamp>>();
  t.last_used_at = r.next<std::optional<Timestamp>>();
  return t;
}

}  // namespace

Result<Id> Repository::insert_user(const User& u) {
  return guarded("saving a user", [&]() -> Result<Id> {
    return insert(
        "INSERT INTO users(login, name, title, role, password_hash, disabled, created_at, "
        "password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        u.login, u.name, u.title, u.role, u.password_hash, u.disabled, u.created_at,
        u.password_changed_at);
  });
}

Result<void> Repository::update_user(const User& u) {
  return guarded("saving a user", [&]() -> Result<void> {
    auto& s = query(
        "UPDATE users SET name = ?, title = ?, role = ?, password_hash = ?, disabled = ?, "
        "password_changed_at = ? WHERE id = ?",
        u.name, u.title, u.role, u.password_hash, u.disabled, u.password_changed_at, u.id);
    if (s.exec() == 0) return make_error(ErrorCode::not_found, fmt::format("no user #{}", u.id));
    return {};
  });
}

Result<std::optional<User>> Repository::find_user(const std::string& login) {
  return guarded("reading a user", [&]() -> Result<std::optional<User>> {
    static constexpr auto k_sql = sql("SELECT ", k_user_columns, " FROM users WHERE login = ?");
    return read_one(query(k_sql.data(), login), "users", read_user);
  });
}

Result<std::optional<User>> Repository::get_user(Id id) {
  return guarded("reading a user", [&]() -> Result<std::optional<User>> {
    static constexpr auto k_sql = sql("SELECT ", k_user_columns, " FROM users WHERE id = ?");
    return read_one(query(k_sql.data(), id), "users", read_user);
  });
}

Result<std::vector<User>> Repository::list_users() {
  return guarded("reading users", [&]() -> Result<std::vector<User>> {
    static constexpr auto k_sql = sql("SELECT ", k_user_columns, " FROM users ORDER BY login");
    return read_all(query(k_sql.data()), "users", read_user);
  });
}

Result<void> Repository::insert_session(const Session& session) {
  return guarded("saving a session", [&]() -> Result<void> {
    query(
        "INSERT INTO sessions(token_hash, user_id, csrf_token, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?)",
        session.token_hash, session.user_id, session.csrf_token, session.created_at,
        session.expires_at)
        .exec();
    return {};
  });
}

Result<std::optional<Session>> Repository::find_session(const std::string& token_hash) {
  return guarded("reading a session", [&]() -> Result<std::optional<Session>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_session_columns, " FROM sessions WHERE token_hash = ?");
    return read_one(query(k_sql.data(), token_hash), "sessions", read_session);
  });
}

Result<void> Repository::delete_session(const std::string& token_hash) {
  return guarded("ending a session", [&]() -> Result<void> {
    query("DELETE FROM sessions WHERE token_hash = ?", token_hash).exec();
    return {};
  });
}

Result<int> Repository::delete_sessions_of(Id user_id) {
  return guarded("ending sessions", [&]() -> Result<int> {
    return query("DELETE FROM sessions WHERE user_id = ?", user_id).exec();
  });
}

Result<int> Repository::delete_expired_sessions(Timestamp now) {
  return guarded("ending sessions", [&]() -> Result<int> {
    return query("DELETE FROM sessions WHERE expires_at <= ?", now).exec();
  });
}

Result<Id> Repository::insert_api_token(const ApiToken& t) {
  return guarded("saving an API token", [&]() -> Result<Id> {
    return insert(
        "INSERT INTO api_tokens(name, token_hash, role, created_by, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        t.name, t.token_hash, t.role, t.created_by, t.created_at);
  });
}

Result<std::optional<ApiToken>> Repository::find_api_token(const std::string& token_hash) {
  return guarded("reading an API token", [&]() -> Result<std::optional<ApiToken>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_api_token_columns, " FROM api_tokens WHERE token_hash = ?");
    return read_one(query(k_sql.data(), token_hash), "api_tokens", read_api_token);
  });
}

Result<std::vector<ApiToken>> Repository::list_api_tokens() {
  return guarded("reading API tokens", [&]() -> Result<std::vector<ApiToken>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_api_token_columns, " FROM api_tokens ORDER BY id");
    return read_all(query(k_sql.data()), "api_tokens", read_api_token);
  });
}

Result<void> Repository::revoke_api_token(Id id, Timestamp at) {
  return guarded("revoking an API token", [&]() -> Result<void> {
    auto& s =
        query("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?", at, id);
    if (s.exec() == 0) return make_error(ErrorCode::not_found, fmt::format("no API token #{}", id));
    return {};
  });
}

Result<void> Repository::touch_api_token(Id id, Timestamp at) {
  return guarded("saving an API token", [&]() -> Result<void> {
    query("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", at, id).exec();
    return {};
  });
}

}  // namespace db::detail
