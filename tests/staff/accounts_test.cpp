// Staff accounts over a real SQLite file: adding users and logging in, what is stored
// of passwords, session cookies and API tokens (hashes only), session lifetime and ending, the last
// admin, API tokens for scanning stations, and the event log of every change.
// Each Argon2id hash costs about 64 MiB and a tenth of a second (more under ASan), so every test
// hashes only a handful of times.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "db/store.hpp"
#include "staff/accounts.hpp"
#include "staff/password.hpp"
#include "tests/support/desk.hpp"
#include "tests/support/files.hpp"

namespace {

using common::ErrorCode;
using common::Result;
using staff::Role;

// Long enough, and with diacritics as staff at a Vietnamese desk type them.
const std::string k_password = "bàn một cửa số bảy";
const std::string k_other_password = "Đà Nẵng 2026 mùa mưa";

template <typename T>
std::string error_of(const Result<T>& result) {
  return result ? std::string() : result.error().message;
}

// One field of a user to change.
staff::UserChange to_password(const std::string& password) {
  staff::UserChange change;
  change.password = password;
  return change;
}
staff::UserChange to_role(Role role) {
  staff::UserChange change;
  change.role = role;
  return change;
}
staff::UserChange to_disabled(bool disabled) {
  staff::UserChange change;
  change.disabled = disabled;
  return change;
}

bool is_lower_hex(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

struct Desk : test_support::Desk {
  std::filesystem::path db_path = database;
  staff::Accounts accounts{*store, clock};

  Desk() : test_support::Desk(test_support::at("2026-03-02 08:00")) {}

  db::User add(const std::string& login, Role role, const std::string& password = k_password,
               const std::string& actor = "setup") {
    auto added = accounts.add_user({login, "Nguyễn Thị Lan", role, password}, actor);
    REQUIRE_MESSAGE(added.has_value(), error_of(added));
    return *added;
  }

  staff::NewSession log_in(const std::string& login, const std::string& password = k_password) {
    auto session = accounts.log_in(login, password);
    REQUIRE_MESSAGE(session.has_value(), error_of(session));
    return *session;
  }

  std::vector<db::Event> events(const std::string& entity, db::Id id) {
    return test_support::Desk::events(id, entity.c_str());
  }

  // Every value of every row of `table`, as text, read with the engine's own client.
  std::vector<std::vector<std::string>> rows(const std::string& table) const {
    return test_support::stored_rows(db_path, "SELECT * FROM " + table);
  }

  // True iff `secret` appears anywhere in the database files, the write-ahead log included; on
  // PostgreSQL, in any value of any table of the desk.
  bool on_disk(const std::string& secret) const {
    if (test_support::on_postgres()) {
      for (const auto& table : test_support::stored_rows(
               db_path,
               "SELECT table_name FROM information_schema.tables WHERE table_schema = "
               "current_schema()")) {
        for (const auto& row : test_support::stored_rows(db_path, "SELECT * FROM " + table.at(0))) {
          for (const auto& value : row) {
            if (value.find(secret) != std::string::npos) return true;
          }
        }
      }
      return false;
    }
    for (const char* suffix : {"", "-wal"}) {
      const std::filesystem::path file = db_path.string() + suffix;
      if (!std::filesystem::exists(file)) continue;
      if (test_support::read_file(file).find(secret) != std::string::npos) return true;
    }
    return false;
  }
};

std::vector<std::string> actions_of(const std::vector<db::Event>& events) {
  std::vector<std::string> out;
  for (const db::Event& e : events) out.emplace_back(db::event_kind_name(e.action));
  return out;
}

}  // namespace

TEST_CASE("a user who was added logs in with the right password, typed in any case of the login") {
  Desk desk;
  const db::User lan = desk.add("lan.nt", Role::officer);
  CHECK(lan.id != 0);
  CHECK(lan.login == "lan.nt");
  CHECK(lan.role == "officer");
  CHECK_FALSE(lan.disabled);

  const staff::NewSession session = desk.log_in("lan.nt");
  CHECK_FALSE(session.cookie.empty());
  CHECK(session.principal.user_id == lan.id);
  CHECK(session.principal.login == "lan.nt");
  CHECK(session.principal.name == "Nguyễn Thị Lan");
  CHECK(session.principal.role == Role::officer);
  CHECK_FALSE(session.principal.csrf_token.empty());
  CHECK_FALSE(session.principal.via_token());
  CHECK(session.principal.expires_at == desk.clock.now() + std::chrono::hours(12));

  const staff::NewSession upper = desk.log_in("LAN.NT");
  CHECK(upper.principal.user_id == lan.id);
  CHECK(upper.cookie != session.cookie);
  CHECK(upper.principal.csrf_token != session.principal.csrf_token);
}

TEST_CASE("a wrong password, an unknown login and a disabled user are refused with one message") {
  Desk desk;
  desk.add("root", Role::admin);
  const db::User lan = desk.add("lan.nt", Role::officer);

  auto wrong = desk.accounts.log_in("lan.nt", k_other_password);
  REQUIRE_FALSE(wrong.has_value());
  CHECK(wrong.error().code == ErrorCode::unauthenticated);
  const std::string message = wrong.error().message;
  CHECK_FALSE(message.empty());
  CHECK(message.find("lan.nt") == std::string::npos);  // says nothing of whether the login exists

  auto unknown = desk.accounts.log_in("nobody", k_password);
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == ErrorCode::unauthenticated);
  CHECK(unknown.error().message == message);

  auto malformed = desk.accounts.log_in("có dấu", k_password);
  REQUIRE_FALSE(malformed.has_value());
  CHECK(malformed.error().code == ErrorCode::unauthenticated);
  CHECK(malformed.error().message == message);

  auto disabled = desk.accounts.change_user(lan.id, to_disabled(true), "root");
  REQUIRE_MESSAGE(disabled.has_value(), error_of(disabled));
  auto refused = desk.accounts.log_in("lan.nt", k_password);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::unauthenticated);
  CHECK(refused.error().message == message);
}

TEST_CASE("a stored password is an Argon2id hash, never the password, and differs per user") {
  Desk desk;
  const db::User lan = desk.add("lan.nt", Role::officer);
  const db::User hoa = desk.add("hoa.pt", Role::mailroom);

  auto users = desk.accounts.users();
  REQUIRE_MESSAGE(users.has_value(), error_of(users));
  REQUIRE(users->size() == 2);
  for (const db::User& u : *users) {
    CAPTURE(u.login);
    CHECK(u.password_hash.rfind("$argon2id$", 0) == 0);
    CHECK(u.password_hash.find(k_password) == std::string::npos);
  }
  CHECK(lan.password_hash != hoa.password_hash);  // a fresh salt for each

  // What is in the file itself: the users table, the event log, and no trace of the password.
  const auto rows = desk.rows("users");
  REQUIRE(rows.size() == 2);
  for (const auto& row : rows) {
    for (const std::string& value : row) CHECK(value.find(k_password) == std::string::npos);
  }
  for (const auto& row : desk.rows("events")) {
    for (const std::string& value : row) CHECK(value.find(k_password) == std::string::npos);
  }
  CHECK_FALSE(desk.on_disk(k_password));
}

TEST_CASE("a password shorter than 10 characters is refused, counted in characters, not bytes") {
  Desk desk;
  // 9 characters but 13 bytes in UTF-8: still too short.
  const std::string nine = "mậtkhẩu12";
  REQUIRE(nine.size() == 13);
  for (const std::string& weak : {nine, std::string("short"), std::string()}) {
    CAPTURE(weak);
    auto added = desk.accounts.add_user({"lan.nt", "Nguyễn Thị Lan", Role::officer, weak}, "root");
    REQUIRE_FALSE(added.has_value());
    CHECK(added.error().code == ErrorCode::invalid_argument);
    CHECK(added.error().message.find("at least 10 characters") != std::string::npos);
  }
  CHECK(desk.accounts.users().value().empty());

  // 10 characters: enough.
  const db::User lan = desk.add("lan.nt", Role::officer, "bàn-số-bảy");

  // A new password is held to the same rule, and a refused one changes nothing.
  auto changed = desk.accounts.change_user(lan.id, to_password(nine), "root");
  REQUIRE_FALSE(changed.has_value());
  CHECK(changed.error().code == ErrorCode::invalid_argument);
  CHECK(changed.error().message.find("at least 10 characters") != std::string::npos);
  CHECK(desk.accounts.user("lan.nt").value().password_hash == lan.password_hash);
}

TEST_CASE("a login that is too short, too long, has a space or diacritics is refused") {
  Desk desk;
  const std::string longest(32, 'a');
  const std::string too_long(33, 'a');
  for (const std::string& login : {std::string("a"), std::string("có dấu"), std::string("a b"),
                                   too_long, std::string(), std::string("lan@nt")}) {
    CAPTURE(login);
    auto added =
        desk.accounts.add_user({login, "Nguyễn Thị Lan", Role::officer, k_password}, "root");
    REQUIRE_FALSE(added.has_value());
    CHECK(added.error().code == ErrorCode::invalid_argument);
    CHECK(added.error().message.find("2 to 32 characters") != std::string::npos);
  }
  CHECK(desk.accounts.users().value().empty());
  auto ok = staff::normalise_login(longest);
  REQUIRE_MESSAGE(ok.has_value(), error_of(ok));
  CHECK(*ok == longest);

  auto nameless = desk.accounts.add_user({"lan.nt", "", Role::officer, k_password}, "root");
  REQUIRE_FALSE(nameless.has_value());
  CHECK(nameless.error().code == ErrorCode::invalid_argument);
  CHECK(nameless.error().message.find("name") != std::string::npos);
}

TEST_CASE("a login is stored in lower case and a login that is taken is refused as bad input") {
  Desk desk;
  const db::User lan = desk.add("Lan.NT", Role::officer);
  CHECK(lan.login == "lan.nt");
  CHECK(desk.accounts.user("lan.nt").value().id == lan.id);
  CHECK(desk.accounts.user("LAN.nt").value().id == lan.id);
  CHECK(desk.rows("users").at(0).at(1) == "lan.nt");

  auto again = desk.accounts.add_user({"lan.nt", "Lê Văn An", Role::mailroom, k_password}, "root");
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().code == ErrorCode::bad_input);
  CHECK(again.error().message.find("'lan.nt'") != std::string::npos);
  CHECK(desk.accounts.users().value().size() == 1);
  CHECK(desk.accounts.user("lan.nt").value().name == "Nguyễn Thị Lan");

  auto unknown = desk.accounts.user("nobody");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == ErrorCode::not_found);
  CHECK(unknown.error().message.find("nobody") != std::string::npos);
}

TEST_CASE("a session cookie gives back who is logged in, their role and the CSRF token") {
  Desk desk;
  const db::User hoa = desk.add("hoa.pt", Role::mailroom);
  const staff::NewSession opened = desk.log_in("hoa.pt");

  auto who = desk.accounts.session(opened.cookie);
  REQUIRE_MESSAGE(who.has_value(), error_of(who));
  CHECK(who->user_id == hoa.id);
  CHECK(who->login == "hoa.pt");
  CHECK(who->role == Role::mailroom);
  CHECK(who->csrf_token == opened.principal.csrf_token);
  CHECK(who->expires_at == opened.principal.expires_at);
  CHECK_FALSE(who->via_token());

  for (const std::string& cookie : {std::string(), std::string("not a cookie"), opened.cookie + "x",
                                    opened.principal.csrf_token}) {
    CAPTURE(cookie);
    auto refused = desk.accounts.session(cookie);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == ErrorCode::unauthenticated);
  }
}

TEST_CASE("a session cookie is never stored, only its SHA-256") {
  Desk desk;
  desk.add("lan.nt", Role::officer);
  const staff::NewSession opened = desk.log_in("lan.nt");
  REQUIRE(opened.cookie.size() >= 32);

  const auto rows = desk.rows("sessions");
  REQUIRE(rows.size() == 1);
  for (const std::string& value : rows[0]) {
    CAPTURE(value);
    CHECK(value.find(opened.cookie) == std::string::npos);
  }
  const std::string& token_hash = rows[0].at(0);
  CHECK(token_hash.size() == 64);
  CHECK(is_lower_hex(token_hash));
  CHECK_FALSE(desk.on_disk(opened.cookie));
}

TEST_CASE("a session ends 12 hours after the login") {
  Desk desk;
  desk.add("lan.nt", Role::officer);
  const staff::NewSession opened = desk.log_in("lan.nt");

  desk.clock.advance(std::chrono::hours(12) - std::chrono::seconds(1));
  CHECK(desk.accounts.session(opened.cookie).has_value());
  desk.clock.advance(std::chrono::seconds(1));
  auto expired = desk.accounts.session(opened.cookie);
  REQUIRE_FALSE(expired.has_value());
  CHECK(expired.error().code == ErrorCode::unauthenticated);
  desk.clock.advance(std::chrono::hours(1));
  CHECK_FALSE(desk.accounts.session(opened.cookie).has_value());
}

TEST_CASE("logging out ends that session and not the user's other ones") {
  Desk desk;
  const db::User lan = desk.add("lan.nt", Role::officer);
  const staff::NewSession desk_pc = desk.log_in("lan.nt");
  const staff::NewSession laptop = desk.log_in("lan.nt");

  auto out = desk.accounts.log_out(desk_pc.cookie);
  REQUIRE_MESSAGE(out.has_value(), error_of(out));
  auto ended = desk.accounts.session(desk_pc.cookie);
  REQUIRE_FALSE(ended.has_value());
  CHECK(ended.error().code == ErrorCode::unauthenticated);
  CHECK(desk.accounts.session(laptop.cookie).has_value());
  CHECK(desk.rows("sessions").size() == 1);

  // Logging out again, or with a cookie that never was, is no error and ends nothing else.
  CHECK(desk.accounts.log_out(desk_pc.cookie).has_value());
  CHECK(desk.accounts.log_out("never issued").has_value());
  CHECK(desk.accounts.session(laptop.cookie).has_value());
  CHECK(actions_of(desk.events("user", lan.id)) ==
        std::vector<std::string>{"user_added", "logged_in", "logged_in", "logged_out"});
}

TEST_CASE("a new password ends every session of that user and the old password stops working") {
  Desk desk;
  desk.add("root", Role::admin);
  const db::User lan = desk.add("lan.nt", Role::officer);
  const staff::NewSession first = desk.log_in("lan.nt");
  const staff::NewSession second = desk.log_in("lan.nt");
  const staff::NewSession admin = desk.log_in("root");

  auto changed = desk.accounts.change_user(lan.id, to_password(k_other_password), "root");
  REQUIRE_MESSAGE(changed.has_value(), error_of(changed));
  CHECK(changed->password_hash != lan.password_hash);

  CHECK_FALSE(desk.accounts.session(first.cookie).has_value());
  CHECK_FALSE(desk.accounts.session(second.cookie).has_value());
  CHECK(desk.accounts.session(admin.cookie).has_value());  // another user's session stays

  auto old = desk.accounts.log_in("lan.nt", k_password);
  REQUIRE_FALSE(old.has_value());
  CHECK(old.error().code == ErrorCode::unauthenticated);
  desk.log_in("lan.nt", k_other_password);
}

TEST_CASE("disabling a user ends their sessions, and enabling them does not bring them back") {
  Desk desk;
  desk.add("root", Role::admin);
  desk.add("lan.nt", Role::officer);
  const staff::NewSession opened = desk.log_in("lan.nt");

  auto disabled = desk.accounts.change_user("lan.nt", to_disabled(true), "root");
  REQUIRE_MESSAGE(disabled.has_value(), error_of(disabled));
  CHECK(disabled->disabled);
  auto refused = desk.accounts.session(opened.cookie);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::unauthenticated);
  CHECK(desk.rows("sessions").empty());

  auto enabled = desk.accounts.change_user("lan.nt", to_disabled(false), "root");
  REQUIRE_MESSAGE(enabled.has_value(), error_of(enabled));
  CHECK_FALSE(enabled->disabled);
  CHECK_FALSE(desk.accounts.session(opened.cookie).has_value());
  const staff::NewSession again = desk.log_in("lan.nt");
  CHECK(desk.accounts.session(again.cookie).has_value());
}

TEST_CASE("the last active admin can be neither disabled nor demoted until there is another") {
  Desk desk;
  const db::User root = desk.add("root", Role::admin);

  auto disabled = desk.accounts.change_user(root.id, to_disabled(true), "root");
  REQUIRE_FALSE(disabled.has_value());
  CHECK(disabled.error().code == ErrorCode::conflict);
  CHECK(disabled.error().message.find("last active admin") != std::string::npos);
  auto demoted = desk.accounts.change_user(root.id, to_role(Role::officer), "root");
  REQUIRE_FALSE(demoted.has_value());
  CHECK(demoted.error().code == ErrorCode::conflict);
  CHECK(demoted.error().message.find("last active admin") != std::string::npos);
  const db::User unchanged = desk.accounts.user("root").value();
  CHECK(unchanged.role == "admin");
  CHECK_FALSE(unchanged.disabled);
  CHECK(actions_of(desk.events("user", root.id)) == std::vector<std::string>{"user_added"});

  // A disabled admin does not count as another admin.
  const db::User second = desk.add("an.lv", Role::officer);
  REQUIRE(desk.accounts.change_user(second.id, to_disabled(true), "root").has_value());
  REQUIRE(desk.accounts.change_user(second.id, to_role(Role::admin), "root").has_value());
  auto alone = desk.accounts.change_user(root.id, to_role(Role::officer), "root");
  REQUIRE_FALSE(alone.has_value());
  CHECK(alone.error().code == ErrorCode::conflict);

  // Once the second admin is active, the first may step down; then the second is the last.
  REQUIRE(desk.accounts.change_user(second.id, to_disabled(false), "root").has_value());
  auto stepped_down = desk.accounts.change_user(root.id, to_role(Role::officer), "an.lv");
  REQUIRE_MESSAGE(stepped_down.has_value(), error_of(stepped_down));
  CHECK(stepped_down->role == "officer");
  auto last = desk.accounts.change_user(second.id, to_disabled(true), "an.lv");
  REQUIRE_FALSE(last.has_value());
  CHECK(last.error().code == ErrorCode::conflict);
  CHECK(last.error().message.find("an.lv") != std::string::npos);
}

TEST_CASE("an API token is a hoso_ secret that acts as the mailroom, and only its hash is stored") {
  Desk desk;
  auto made = desk.accounts.create_token("mailroom-1", "root");
  REQUIRE_MESSAGE(made.has_value(), error_of(made));
  CHECK(made->secret.rfind("hoso_", 0) == 0);
  CHECK(made->secret.size() >= 5 + 32);
  CHECK(made->token.id != 0);
  CHECK(made->token.name == "mailroom-1");
  CHECK(made->token.role == "mailroom");
  CHECK(made->token.created_by == "root");

  auto station = desk.accounts.token(made->secret);
  REQUIRE_MESSAGE(station.has_value(), error_of(station));
  CHECK(station->via_token());
  CHECK(station->token_id == made->token.id);
  CHECK(station->user_id == 0);
  CHECK(station->role == Role::mailroom);
  CHECK(station->login == "token:mailroom-1");
  CHECK(station->csrf_token.empty());

  // A second token has a secret of its own.
  auto other = desk.accounts.create_token("mailroom-2", "root");
  REQUIRE_MESSAGE(other.has_value(), error_of(other));
  CHECK(other->secret != made->secret);

  const auto rows = desk.rows("api_tokens");
  REQUIRE(rows.size() == 2);
  for (const auto& row : rows) {
    for (const std::string& value : row) {
      CAPTURE(value);
      CHECK(value.find(made->secret) == std::string::npos);
      CHECK(value.find(other->secret) == std::string::npos);
    }
    CHECK(row.at(2).size() == 64);  // token_hash: a SHA-256 in hex
    CHECK(is_lower_hex(row.at(2)));
  }
  CHECK_FALSE(desk.on_disk(made->secret));
  CHECK_FALSE(desk.on_disk(other->secret));
  auto listed = desk.accounts.tokens();
  REQUIRE_MESSAGE(listed.has_value(), error_of(listed));
  REQUIRE(listed->size() == 2);
  CHECK(listed->at(0).last_used_at == desk.clock.now());  // the first one has been used
  CHECK_FALSE(listed->at(1).last_used_at.has_value());
}

TEST_CASE("a revoked API token and an unknown one are refused") {
  Desk desk;
  auto first = desk.accounts.create_token("mailroom-1", "root");
  auto second = desk.accounts.create_token("mailroom-2", "root");
  REQUIRE_MESSAGE(first.has_value(), error_of(first));
  REQUIRE_MESSAGE(second.has_value(), error_of(second));
  REQUIRE(desk.accounts.token(first->secret).has_value());

  auto revoked = desk.accounts.revoke_token(first->token.id, "root");
  REQUIRE_MESSAGE(revoked.has_value(), error_of(revoked));
  auto refused = desk.accounts.token(first->secret);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::unauthenticated);
  CHECK(desk.accounts.token(second->secret).has_value());  // the other station still works
  CHECK(desk.accounts.tokens().value().at(0).revoked_at == desk.clock.now());

  const std::string unknown_secret = "hoso_" + staff::random_secret();
  for (const std::string& secret :
       {unknown_secret, std::string("hoso_"), std::string(), first->secret.substr(5),
        std::string("Bearer ") + second->secret}) {
    CAPTURE(secret);
    auto unknown = desk.accounts.token(secret);
    REQUIRE_FALSE(unknown.has_value());
    CHECK(unknown.error().code == ErrorCode::unauthenticated);
  }
  CHECK_FALSE(desk.accounts.revoke_token(first->token.id + 100, "root").has_value());
}

TEST_CASE("an API token name that is taken is refused as bad input, a malformed one as invalid") {
  Desk desk;
  REQUIRE(desk.accounts.create_token("mailroom-1", "root").has_value());
  for (const std::string& name : {std::string("mailroom-1"), std::string("Mailroom-1")}) {
    CAPTURE(name);
    auto again = desk.accounts.create_token(name, "root");
    REQUIRE_FALSE(again.has_value());
    CHECK(again.error().code == ErrorCode::bad_input);
    CHECK(again.error().message.find("mailroom-1") != std::string::npos);
  }
  for (const std::string& name :
       {std::string("x"), std::string(), std::string("  ạ  "), std::string("máy\x01quét"),
        std::string("tram \xff\xfe"), std::string(61, 'm')}) {
    CAPTURE(name);
    auto bad = desk.accounts.create_token(name, "root");
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().code == ErrorCode::invalid_argument);
  }
  CHECK(desk.accounts.tokens().value().size() == 1);
}

TEST_CASE(
    "an API token may have a Vietnamese name, kept as typed and told apart from others as people "
    "would") {
  Desk desk;
  auto made = desk.accounts.create_token("  Máy quét   văn thư 1 ", "root");
  REQUIRE_MESSAGE(made.has_value(), (made ? std::string() : made.error().message));
  CHECK(made->token.name == "Máy quét văn thư 1");
  // The same words without diacritics or in capitals would confuse the desk: taken.
  auto confusable = desk.accounts.create_token("MAY QUET VAN THU 1", "root");
  REQUIRE_FALSE(confusable.has_value());
  CHECK(confusable.error().code == ErrorCode::bad_input);
  REQUIRE(desk.accounts.create_token("Máy quét văn thư 2", "root").has_value());
  CHECK(desk.accounts.create_token(std::string(60, 'm'), "root").has_value());
  CHECK(desk.accounts.tokens().value().size() == 3);
  CHECK(staff::same_token_name("trạm Đà Nẵng", "TRAM DA NANG"));
  CHECK_FALSE(staff::same_token_name("trạm 1", "trạm 2"));
}

TEST_CASE("every change to a user is in the event log with who made it") {
  Desk desk;
  const db::User root = desk.add("root", Role::admin, k_password, "setup");
  const db::User lan = desk.add("lan.nt", Role::officer, k_password, "root");
  const staff::NewSession opened = desk.log_in("lan.nt");
  desk.clock.advance(std::chrono::minutes(5));
  REQUIRE(desk.accounts.log_out(opened.cookie).has_value());
  REQUIRE(desk.accounts.change_user(lan.id, to_role(Role::admin), "root").has_value());
  REQUIRE(desk.accounts.change_user(lan.id, to_password(k_other_password), "root").has_value());
  REQUIRE(desk.accounts.change_user(lan.id, to_disabled(true), "root").has_value());

  const auto root_events = desk.events("user", root.id);
  REQUIRE(root_events.size() == 1);
  CHECK(root_events[0].action == db::EventKind::user_added);
  CHECK(root_events[0].actor == "setup");

  const auto events = desk.events("user", lan.id);
  REQUIRE(actions_of(events) == std::vector<std::string>{"user_added", "logged_in", "logged_out",
                                                         "role_changed", "password_changed",
                                                         "user_disabled"});
  CHECK(events[0].actor == "root");
  CHECK(events[1].actor == "lan.nt");
  CHECK(events[2].actor == "lan.nt");
  CHECK(events[2].at == events[1].at + std::chrono::minutes(5));
  for (std::size_t i = 3; i < events.size(); ++i) {
    CAPTURE(events[i].action);
    CHECK(events[i].actor == "root");
  }
  CHECK(events[3].data.find("\"admin\"") != std::string::npos);
  for (const db::Event& e : events) {
    CAPTURE(e.action);
    CHECK(e.data.find(k_password) == std::string::npos);
    CHECK(e.data.find(k_other_password) == std::string::npos);
    CHECK(e.data.find(opened.cookie) == std::string::npos);
  }
}

TEST_CASE("creating and revoking an API token is in the event log with who did it") {
  Desk desk;
  auto made = desk.accounts.create_token("mailroom-1", "root");
  REQUIRE_MESSAGE(made.has_value(), error_of(made));
  desk.clock.advance(std::chrono::hours(1));
  REQUIRE(desk.accounts.revoke_token(made->token.id, "an.lv").has_value());

  const auto events = desk.events("api_token", made->token.id);
  REQUIRE(actions_of(events) == std::vector<std::string>{"token_created", "token_revoked"});
  CHECK(events[0].actor == "root");
  CHECK(events[1].actor == "an.lv");
  CHECK(events[1].at == events[0].at + std::chrono::hours(1));
  CHECK(events[0].data.find("mailroom-1") != std::string::npos);
  for (const db::Event& e : events) CHECK(e.data.find(made->secret) == std::string::npos);
}

// A desk can have officers and no admin (`hoso user add` defaults to officer and needs no admin).
// Accounts::change refuses every change there with "'lan.nt' is the last active admin", although
// its contract refuses only disabling or demoting the last active admin.
TEST_CASE(
    "regression: on a desk with no admin, an officer can still get a new password or be disabled") {
  Desk desk;
  const db::User lan = desk.add("lan.nt", Role::officer);
  auto changed = desk.accounts.change_user(lan.id, to_password(k_other_password), "lan.nt");
  CHECK_MESSAGE(changed.has_value(), error_of(changed));
  auto disabled = desk.accounts.change_user(lan.id, to_disabled(true), "lan.nt");
  CHECK_MESSAGE(disabled.has_value(), error_of(disabled));
}

TEST_CASE("what staff read when logging in or managing users is in Vietnamese, with no flag") {
  Desk desk;
  desk.add("root", Role::admin);

  auto wrong = desk.accounts.log_in("root", k_other_password);
  REQUIRE_FALSE(wrong.has_value());
  CHECK(wrong.error().text.id() == "login_failed");
  CHECK(wrong.error().render(common::Lang::vi) == "Sai tên đăng nhập hoặc mật khẩu");
  CHECK(wrong.error().render(common::Lang::en) == "wrong login or password");

  auto expired = desk.accounts.session("not-a-cookie");
  REQUIRE_FALSE(expired.has_value());
  CHECK(expired.error().render(common::Lang::vi).find("phiên làm việc đã hết hạn") !=
        std::string::npos);

  auto weak = desk.accounts.add_user({"lan.nt", "Nguyễn Thị Lan", Role::officer, "ngắn"}, "root");
  REQUIRE_FALSE(weak.has_value());
  CHECK(weak.error().code == ErrorCode::invalid_argument);
  const std::string weak_vi = weak.error().render(common::Lang::vi);
  CHECK(weak_vi == "Mật khẩu phải có ít nhất 10 ký tự (mật khẩu này có 4 ký tự)");

  auto twice = desk.accounts.add_user({"root", "Trần Văn An", Role::officer, k_password}, "root");
  REQUIRE_FALSE(twice.has_value());
  CHECK(twice.error().render(common::Lang::vi) == "Đã có người dùng với tên đăng nhập “root”");

  auto bad_login =
      desk.accounts.add_user({"a b", "Trần Văn An", Role::officer, k_password}, "root");
  REQUIRE_FALSE(bad_login.has_value());
  const std::string bad_vi = bad_login.error().render(common::Lang::vi);
  CHECK(bad_vi.starts_with("Tên đăng nhập “a b” phải dài từ 2 đến 32 ký tự"));
  CHECK(bad_login.error().render(common::Lang::en).starts_with("login 'a b' must be"));

  auto last =
      desk.accounts.change_user(desk.accounts.user("root").value().id, to_disabled(true), "root");
  REQUIRE_FALSE(last.has_value());
  CHECK(last.error().render(common::Lang::vi).starts_with("“root” là quản trị viên cuối cùng"));

  for (const auto* error : {&wrong.error(), &expired.error(), &weak.error(), &twice.error(),
                            &bad_login.error(), &last.error()}) {
    CHECK(error->render(common::Lang::vi).find("--") == std::string::npos);
    CHECK(error->render(common::Lang::vi) != error->render(common::Lang::en));
  }
}

TEST_CASE("regression: a common password is refused however long it is") {
  Desk desk;
  // Long enough, and among the first any guesser tries: in English, in Vietnamese (with or
  // without its diacritics), or a keyboard walk.
  for (const std::string common_one :
       {"password123", "Password1234", "matkhau@2026", "Mật Khẩu 2026!", "iloveyou2024",
        "anhyeuem1234", "qwertyuiop", "123456789a", "abcdefghij"}) {
    CAPTURE(common_one);
    auto added =
        desk.accounts.add_user({"lan.nt", "Nguyễn Thị Lan", Role::officer, common_one}, "root");
    REQUIRE_FALSE(added.has_value());
    CHECK(added.error().code == ErrorCode::invalid_argument);
    const std::string id(added.error().text.id());
    CHECK((id == "password_common" || id == "password_dictionary"));
  }
  CHECK(desk.accounts.users().value().empty());
  auto refused =
      desk.accounts.add_user({"lan.nt", "Nguyễn Thị Lan", Role::officer, "matkhau@2026"}, "root");
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().render(common::Lang::vi) ==
        "Mật khẩu này quá phổ biến (có chứa “matkhau”), kẻ dò mật khẩu sẽ thử nó đầu tiên: hãy "
        "chọn một câu dài mà chỉ bạn nhớ");
  // A new password is held to the same rule.
  const db::User lan = desk.add("lan.nt", Role::officer);
  auto changed = desk.accounts.change_user(lan.id, to_password("password123"), "root");
  REQUIRE_FALSE(changed.has_value());
  CHECK(changed.error().code == ErrorCode::invalid_argument);
}

TEST_CASE("regression: a password containing the login is refused") {
  Desk desk;
  for (const std::string with_login : {"lan.nt-2026-ok", "LAN.NT bàn số bảy", "ghi-nho-lannt-99"}) {
    CAPTURE(with_login);
    auto added =
        desk.accounts.add_user({"lan.nt", "Nguyễn Thị Lan", Role::officer, with_login}, "root");
    REQUIRE_FALSE(added.has_value());
    CHECK(added.error().text.id() == "password_contains_login");
    CHECK(added.error().render(common::Lang::en) ==
          "a password must not contain the login (lan.nt)");
  }
  const db::User lan = desk.add("lan.nt", Role::officer);
  auto changed = desk.accounts.change_user(lan.id, to_password("lan.nt-mới-2026"), "root");
  REQUIRE_FALSE(changed.has_value());
  CHECK(changed.error().text.id() == "password_contains_login");
}

TEST_CASE("a long phrase of one's own, in Vietnamese or not, is a good password") {
  Desk desk;
  for (const std::string phrase :
       {"bàn-số-bảy", "vườn-hoa-sen-1", "bút chì đỏ số bảy", "Tr4ngS4ch-Mua-Thu"}) {
    CAPTURE(phrase);
    CHECK_FALSE(staff::password_problem(phrase, "lan.nt").has_value());
  }
}

TEST_CASE(
    "a user who knows their password changes it, is the event's actor and keeps a fresh session") {
  Desk desk;
  desk.add("root", Role::admin);
  const db::User lan = desk.add("lan.nt", Role::officer);
  const staff::NewSession here = desk.log_in("lan.nt");
  const staff::NewSession elsewhere = desk.log_in("lan.nt");

  auto changed = desk.accounts.change_own_password(lan.id, k_password, k_other_password);
  REQUIRE_MESSAGE(changed.has_value(), error_of(changed));
  CHECK_FALSE(desk.accounts.session(here.cookie).has_value());
  CHECK_FALSE(desk.accounts.session(elsewhere.cookie).has_value());
  auto fresh = desk.accounts.session(changed->cookie);
  REQUIRE(fresh.has_value());
  CHECK(fresh->login == "lan.nt");
  CHECK(fresh->csrf_token == changed->principal.csrf_token);
  CHECK(fresh->csrf_token != here.principal.csrf_token);

  CHECK_FALSE(desk.accounts.log_in("lan.nt", k_password).has_value());
  desk.log_in("lan.nt", k_other_password);
  const auto events = desk.events("user", lan.id);
  REQUIRE(!events.empty());
  const auto changes = std::count_if(events.begin(), events.end(), [](const db::Event& e) {
    return e.action == db::EventKind::password_changed;
  });
  CHECK(changes == 1);
  for (const db::Event& e : events) {
    if (e.action == db::EventKind::password_changed) CHECK(e.actor == "lan.nt");
  }
}

TEST_CASE("a wrong current password or a weak new one changes nothing and ends no session") {
  Desk desk;
  const db::User lan = desk.add("lan.nt", Role::officer);
  const staff::NewSession here = desk.log_in("lan.nt");

  auto wrong =
      desk.accounts.change_own_password(lan.id, "not my password at all", k_other_password);
  REQUIRE_FALSE(wrong.has_value());
  CHECK(wrong.error().code == ErrorCode::permission_denied);
  CHECK(wrong.error().message == "the current password is wrong: the password was not changed");

  auto weak = desk.accounts.change_own_password(lan.id, k_password, "lan.nt-2026-mua-mua");
  REQUIRE_FALSE(weak.has_value());
  CHECK(weak.error().code == ErrorCode::invalid_argument);
  CHECK(weak.error().message == "a password must not contain the login (lan.nt)");

  CHECK(desk.accounts.session(here.cookie).has_value());
  desk.log_in("lan.nt", k_password);
}

TEST_CASE("a user's title is tidied, logged when it changes, and refused when too long") {
  Desk desk;
  auto added = desk.accounts.add_user(
      {"lan.nt", "Nguyễn Thị Lan", Role::officer, k_password, "  Chuyên   viên "}, "root");
  REQUIRE_MESSAGE(added.has_value(), error_of(added));
  CHECK(added->title == "Chuyên viên");

  staff::UserChange retitle;
  retitle.title = "Phó Giám đốc Trung tâm";
  auto changed = desk.accounts.change_user(added->id, retitle, "root");
  REQUIRE_MESSAGE(changed.has_value(), error_of(changed));
  CHECK(changed->title == "Phó Giám đốc Trung tâm");
  CHECK(desk.accounts.user("lan.nt").value().title == "Phó Giám đốc Trung tâm");
  REQUIRE(desk.accounts.change_user(added->id, retitle, "root").has_value());  // the same: no event

  const auto events = desk.events("user", added->id);
  REQUIRE(actions_of(events) == std::vector<std::string>{"user_added", "title_changed"});
  CHECK(events[1].data.find("\"title_from\":\"Chuyên viên\"") != std::string::npos);

  staff::UserChange too_long;
  too_long.title = std::string(81, 'x');
  const auto refused = desk.accounts.change_user(added->id, too_long, "root");
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::invalid_argument);
  CHECK(refused.error().text.id() == "bad_title");
  staff::UserChange control;
  control.title = "Chuyên\tviên";
  CHECK_FALSE(desk.accounts.change_user(added->id, control, "root").has_value());
  CHECK(desk.accounts.user("lan.nt").value().title == "Phó Giám đốc Trung tâm");
  // 80 characters, most of them two bytes: allowed.
  staff::UserChange longest;
  std::string eighty;
  for (int i = 0; i < 80; ++i) eighty += "ệ";
  longest.title = eighty;
  CHECK(desk.accounts.change_user(added->id, longest, "root").has_value());
}
