// Staff accounts when each write's unit of work runs twice, as the PostgreSQL store runs it again
// after a lost serialization conflict (tests/support/rerun_store.hpp): the user added, the session
// a login opens and the station's token are each stored and logged once, and what the caller gets
// back (ids, the cookie, the token's secret) is what was committed.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "db/store.hpp"
#include "staff/accounts.hpp"
#include "tests/support/desk.hpp"
#include "tests/support/rerun_store.hpp"

namespace {

const std::string k_password = "bàn một cửa số bảy";

struct Desk : test_support::Desk {
  test_support::RerunningStore rerunning{*store};
  staff::Accounts accounts{rerunning, clock};

  Desk() : test_support::Desk(test_support::at("2026-03-02 08:00")) {}

  std::vector<db::EventKind> actions(const char* entity, db::Id id) {
    std::vector<db::EventKind> out;
    for (const db::Event& e : events(id, entity)) out.push_back(e.action);
    return out;
  }

  int rows(const std::string& table) const {
    return std::stoi(
        test_support::stored_rows(database, "SELECT count(*) FROM " + table).at(0).at(0));
  }
};

}  // namespace

TEST_CASE("a user added and logged in by units of work run twice is stored and logged once") {
  Desk desk;
  const auto added = desk.accounts.add_user(
      {"lan.nt", "Nguyễn Thị Lan", staff::Role::officer, k_password}, "admin");
  REQUIRE_MESSAGE(added.has_value(), (added ? std::string() : added.error().message));
  CHECK(desk.rerunning.reruns == 1);
  const auto stored = desk.accounts.user("lan.nt");
  REQUIRE(stored.has_value());
  CHECK(added->id == stored->id);
  CHECK(desk.rows("users") == 1);

  const auto session = desk.accounts.log_in("lan.nt", k_password);
  REQUIRE_MESSAGE(session.has_value(), (session ? std::string() : session.error().message));
  CHECK(desk.rerunning.reruns == 2);
  CHECK(session->principal.user_id == added->id);
  CHECK(desk.rows("sessions") == 1);
  // The cookie handed back opens the session that was committed.
  const auto principal = desk.accounts.session(session->cookie);
  REQUIRE(principal.has_value());
  CHECK(principal->login == "lan.nt");
  CHECK(principal->csrf_token == session->principal.csrf_token);
  CHECK(desk.actions("user", added->id) ==
        std::vector<db::EventKind>{db::EventKind::user_added, db::EventKind::logged_in});
}

TEST_CASE("a station's token created by a unit of work run twice is one token whose secret works") {
  Desk desk;
  const auto made = desk.accounts.create_token("Máy quét văn thư 1", "admin");
  REQUIRE_MESSAGE(made.has_value(), (made ? std::string() : made.error().message));
  CHECK(desk.rerunning.reruns == 1);
  const auto tokens = desk.accounts.tokens();
  REQUIRE(tokens.has_value());
  REQUIRE(tokens->size() == 1);
  CHECK(tokens->front().id == made->token.id);
  const auto principal = desk.accounts.token(made->secret);
  REQUIRE(principal.has_value());
  CHECK(principal->token_id == made->token.id);
  CHECK(desk.actions("api_token", made->token.id) ==
        std::vector<db::EventKind>{db::EventKind::token_created});
}
