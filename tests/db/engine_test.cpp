// What every engine must do alike, checked on each (ctest runs this suite on SQLite and, as the
// pg: cases, on PostgreSQL): the event log refuses changes made behind hoso's back, a database
// written by a newer hoso is refused with a clear message, and text every engine can hold reads
// back byte for byte.
#include <doctest/doctest.h>

#include <string>

#include "db/store.hpp"
#include "tests/support/desk.hpp"
#include "tests/support/store.hpp"

TEST_CASE("the event log refuses an UPDATE or DELETE from a SQL console") {
  test_support::Desk desk;
  const db::Id id = desk.add_dossier(test_support::at("2026-03-02 09:00"));
  desk.write([&](db::Transaction& tx) -> common::Result<void> {
    db::Event e;
    e.at = test_support::at("2026-03-02 09:00");
    e.actor = "lan";
    e.entity = "dossier";
    e.entity_id = id;
    e.action = db::EventKind::received_by_post;
    auto appended = tx.append_event(e);
    if (!appended) return appended.error();
    return {};
  });
  for (const char* sql : {"UPDATE events SET actor = 'someone else'", "DELETE FROM events"}) {
    CAPTURE(sql);
    CHECK(test_support::stored_exec(desk.database, sql).find("append-only") != std::string::npos);
  }
  CHECK(desk.events(id).size() == 1);
  CHECK(desk.events(id)[0].actor == "lan");
}

TEST_CASE("a database whose schema a newer hoso wrote is refused, naming both versions") {
  test_support::TempDir dir;
  const auto path = dir / "hoso.db";
  { REQUIRE(test_support::open_store(path).has_value()); }
  const std::string set_version = test_support::on_postgres()
                                      ? "UPDATE hoso_schema SET version = 99"
                                      : "PRAGMA user_version = 99";
  REQUIRE(test_support::stored_exec(path, set_version).empty());
  auto store = test_support::open_store(path);
  REQUIRE_FALSE(store.has_value());
  CHECK(store.error().code == common::ErrorCode::invalid_argument);
  CHECK(store.error().message.find("99") != std::string::npos);
  CHECK(store.error().message.find(std::to_string(db::schema_version())) != std::string::npos);
  CHECK(store.error().message.find("newer hoso") != std::string::npos);
}

TEST_CASE("a job's lease is held by one store at a time and passes on when it is given up") {
  test_support::TempDir dir;
  auto first = test_support::open_store(dir / "hoso.db").value();
  auto second = test_support::open_store(dir / "hoso.db").value();

  auto lease = first->try_lead("carrier_sync").value();
  REQUIRE(lease != nullptr);
  CHECK(lease->held());
  CHECK(second->try_lead("carrier_sync").value() == nullptr);  // the other server follows
  auto other_job = second->try_lead("deadline_warnings").value();
  CHECK(other_job != nullptr);  // each job has a lease of its own
  CHECK(first->try_lead("deadline_warnings").value() == nullptr);

  lease.reset();  // the holder stops (or dies: its connection or file closes)
  auto taken = second->try_lead("carrier_sync").value();
  REQUIRE(taken != nullptr);
  CHECK(taken->held());
  CHECK(first->try_lead("carrier_sync").value() == nullptr);
}
