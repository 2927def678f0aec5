// The webhook deliveries seen (schema v8), the desk's durable replay memory of the carriers'
// pushes: a delivery remembered once per carrier and key, also across a reopened store; nothing
// remembered when the transaction fails; forgetting the old ones in bounded batches, oldest
// first; and the upgrade of a schema 7 database.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "db/store.hpp"
#include "tests/support/files.hpp"
#include "tests/support/store.hpp"

namespace {

using common::ErrorCode;
using common::Result;

using test_support::TempDir;

common::Timestamp at(long long seconds) { return common::Timestamp{std::chrono::seconds{seconds}}; }

constexpr long long k_now = 1'764'000'000;

// remember_webhook_delivery in a transaction of its own; REQUIREs that it committed.
bool remember(db::Store& store, const std::string& carrier, const std::string& key,
              long long sent_at, long long received_at = k_now) {
  bool first_time = false;
  auto done = store.write([&](db::Transaction& tx) -> Result<void> {
    auto remembered = tx.remember_webhook_delivery(carrier, key, at(sent_at), at(received_at));
    if (!remembered) return remembered.error();
    first_time = *remembered;
    return {};
  });
  REQUIRE_MESSAGE(done.has_value(), (done ? std::string() : done.error().message));
  return first_time;
}

int forget(db::Store& store, long long sent_before, int limit) {
  auto forgotten = store.write<int>(
      [&](db::Transaction& tx) { return tx.forget_webhook_deliveries(at(sent_before), limit); });
  REQUIRE_MESSAGE(forgotten.has_value(), (forgotten ? std::string() : forgotten.error().message));
  return *forgotten;
}

// The keys remembered in the file at `path`, by carrier then key.
std::vector<std::string> remembered_keys(const std::filesystem::path& path) {
  std::vector<std::string> keys;
  for (const auto& row : test_support::stored_rows(path,
                                                   "SELECT carrier || ':' || delivery_key FROM "
                                                   "webhook_deliveries ORDER BY carrier, "
                                                   "delivery_key")) {
    keys.push_back(row.at(0));
  }
  return keys;
}

}  // namespace

TEST_CASE(
    "a webhook delivery is remembered once per carrier and key, also after a reopen [sqlite]") {
  TempDir dir;
  const auto path = dir / "hoso.db";
  {
    auto store = test_support::open_store(path).value();
    CHECK(remember(*store, "vnpost", "aa11", k_now - 30));
    CHECK_FALSE(remember(*store, "vnpost", "aa11", k_now - 30));  // a replay
    CHECK(remember(*store, "vnpost", "bb22", k_now - 30));        // another delivery
    CHECK(remember(*store, "ghn", "aa11", k_now - 30));           // another carrier's
  }
  auto reopened = test_support::open_store(path).value();
  CHECK_FALSE(remember(*reopened, "vnpost", "aa11", k_now - 30, k_now + 60));
  CHECK_FALSE(remember(*reopened, "ghn", "aa11", k_now - 30, k_now + 60));
  CHECK(remembered_keys(path) ==
        std::vector<std::string>{"ghn:aa11", "vnpost:aa11", "vnpost:bb22"});
  SQLite::Database raw(path.string(), SQLite::OPEN_READONLY);
  // The replay did not overwrite when the delivery was first received.
  CHECK(raw.execAndGet("SELECT received_at FROM webhook_deliveries WHERE carrier = 'vnpost' AND "
                       "delivery_key = 'aa11'")
            .getInt64() == k_now);
}

TEST_CASE("a webhook delivery remembered in a transaction that fails is not remembered") {
  TempDir dir;
  const auto path = dir / "hoso.db";
  auto store = test_support::open_store(path).value();
  auto failed = store->write([&](db::Transaction& tx) -> Result<void> {
    auto remembered = tx.remember_webhook_delivery("vnpost", "aa11", at(k_now - 30), at(k_now));
    REQUIRE(remembered.has_value());
    CHECK(*remembered);
    return common::make_error(ErrorCode::unavailable, "applying the delivery failed");
  });
  REQUIRE_FALSE(failed.has_value());
  CHECK(remembered_keys(path).empty());
  // So the carrier's next attempt at the same delivery is applied, not refused as a replay.
  CHECK(remember(*store, "vnpost", "aa11", k_now - 30));
}

TEST_CASE("old webhook deliveries are forgotten oldest first, at most the limit at a time") {
  TempDir dir;
  const auto path = dir / "hoso.db";
  auto store = test_support::open_store(path).value();
  // Five old deliveries (sent 10, 9, ... 6 days ago, out of order) and two recent ones.
  for (const int days : {8, 10, 6, 9, 7}) {
    REQUIRE(remember(*store, "vnpost", "old" + std::to_string(days), k_now - days * 86'400));
  }
  REQUIRE(remember(*store, "vnpost", "recent1", k_now - 3'600));
  REQUIRE(remember(*store, "ghn", "recent2", k_now + 300));  // SendDate a little ahead of us
  const long long bound = k_now - 2 * 86'400;

  CHECK(forget(*store, bound, 2) == 2);
  CHECK(remembered_keys(path) == std::vector<std::string>{"ghn:recent2", "vnpost:old6",
                                                          "vnpost:old7", "vnpost:old8",
                                                          "vnpost:recent1"});
  CHECK(forget(*store, bound, 0) == 0);
  CHECK(forget(*store, bound, 100) == 3);
  CHECK(forget(*store, bound, 100) == 0);
  CHECK(remembered_keys(path) == std::vector<std::string>{"ghn:recent2", "vnpost:recent1"});
  // A forgotten delivery is not a replay any more: refusing it is the caller's job (too old).
  CHECK(remember(*store, "vnpost", "old10", k_now - 10 * 86'400));
}

TEST_CASE(
    "a database of schema 7 is upgraded in place and then remembers webhook deliveries [sqlite]") {
  TempDir dir;
  const auto path = dir / "hoso.db";
  // A schema 7 file: today's schema without what migrations 8 and 10 to 15 add (9 adds
  // indexes only if missing), holding a setting.
  REQUIRE(test_support::open_store(path).has_value());  // closed again at once
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
    raw.exec("DROP TABLE webhook_deliveries");
    raw.exec("DROP INDEX batches_open_by_clerk");
    raw.exec("ALTER TABLE batches DROP COLUMN closed_by");
    raw.exec("ALTER TABLE batches DROP COLUMN closed_at");
    raw.exec("ALTER TABLE users DROP COLUMN title");
    raw.exec("DROP TABLE fee_receipts");
    raw.exec("ALTER TABLE procedures DROP COLUMN fee_vnd");
    raw.exec("ALTER TABLE procedures DROP COLUMN fees_pause_clock");
    raw.exec("DROP TABLE result_collections");
    raw.exec("ALTER TABLE dossiers DROP COLUMN result_delivery");
    raw.exec("ALTER TABLE shipments DROP COLUMN purpose");
    raw.exec("ALTER TABLE return_orders DROP COLUMN purpose");
    raw.exec("DROP TABLE unit_handovers");  // and what v15 and v16 added
    raw.exec("ALTER TABLE procedures DROP COLUMN competent_unit");
    raw.exec("ALTER TABLE procedures DROP COLUMN competent_level");
    raw.exec("PRAGMA user_version = 7");
    raw.exec("INSERT INTO settings(key, value) VALUES ('agency_code', '000.00.05.H12')");
  }
  auto store = test_support::open_store(path).value();
  CHECK(remember(*store, "vnpost", "aa11", k_now - 30));
  CHECK_FALSE(remember(*store, "vnpost", "aa11", k_now - 30));
  SQLite::Database raw(path.string(), SQLite::OPEN_READONLY);
  CHECK(raw.execAndGet("PRAGMA user_version").getInt() == db::schema_version());
  CHECK(db::schema_version() >= 8);
  CHECK(raw.execAndGet("SELECT value FROM settings WHERE key = 'agency_code'").getString() ==
        "000.00.05.H12");
}
