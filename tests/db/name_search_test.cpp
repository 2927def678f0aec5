// The staff's name search in the store (db::DossierFilter::name_words, schema v7): a name's words
// one after the other, through the index of names, kept up to date as applicants are written,
// filled by the migration for applicants stored before it.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "common/unicode.hpp"
#include "db/detail/schema.hpp"
#include "db/store.hpp"
#include "tests/support/files.hpp"
#include "tests/support/store.hpp"

namespace {

using common::Result;

using test_support::TempDir;

common::Timestamp at(long long seconds) { return common::Timestamp{std::chrono::seconds{seconds}}; }

// Adds a dossier filed at `filed` (seconds) with an applicant called `name`; returns its id.
Result<db::Id> add(db::Transaction& tx, long long filed, const std::string& name) {
  TRY_ASSIGN(const db::Id agency,
             tx.upsert_agency(db::Agency{0, "000.00.05.H12", "Bộ phận Một cửa"}));
  db::Dossier d;
  d.agency_id = agency;
  d.filed_at = d.created_at = d.updated_at = at(filed);
  d.lookup_code = "ABCD2345";
  TRY_ASSIGN(const db::Id id, tx.insert_dossier(d));
  db::Applicant a;
  a.dossier_id = id;
  a.full_name = name;
  a.id_number = "079190001234";
  a.source = "typed";
  TRY(tx.insert_applicant(a));
  return id;
}

db::Id add(db::Store& store, long long filed, const std::string& name) {
  return store.write<db::Id>([&](db::Transaction& tx) { return add(tx, filed, name); }).value();
}

// The dossiers whose applicant's name has words starting with each word of `text`, newest first.
std::vector<db::Id> named(db::Store& store, const std::string& text, int limit = 100) {
  db::DossierFilter filter;
  filter.name_words = common::search_words(text);
  filter.descending = true;
  filter.limit = limit;
  std::vector<db::Id> ids;
  REQUIRE(store
              .read([&](db::Transaction& tx) -> Result<void> {
                TRY_ASSIGN(const auto dossiers, tx.list_dossiers(filter));
                for (const db::Dossier& d : dossiers) ids.push_back(d.id);
                return {};
              })
              .has_value());
  return ids;
}

// Writes the applicant of dossier `id` back with the name `name`.
void rename(db::Store& store, db::Id id, const std::string& name) {
  db::Applicant applicant;
  REQUIRE(store
              .read([&](db::Transaction& tx) -> Result<void> {
                TRY_ASSIGN(const auto found, tx.applicant_of(id));
                if (found) applicant = *found;
                return {};
              })
              .has_value());
  applicant.full_name = name;
  REQUIRE(
      store.write([&](db::Transaction& tx) { return tx.update_applicant(applicant); }).has_value());
}

}  // namespace

TEST_CASE("search words are a name's letters and digits, folded, split at everything else") {
  CHECK(common::search_words("Nguyễn Thị-Lan  (2)") ==
        std::vector<std::string>{"nguyen", "thi", "lan", "2"});
  CHECK(common::search_words("ĐẶNG đức") == std::vector<std::string>{"dang", "duc"});
  CHECK(common::search_words("  %_'\"\\  ").empty());
}

TEST_CASE("a name is found by its words one after the other, the first and last maybe begun") {
  TempDir dir;
  auto store = test_support::open_store(dir / "hoso.db").value();
  const db::Id lan = add(*store, 100, "Nguyễn Thị Lan");
  const db::Id duc = add(*store, 200, "Trần Văn Đức");
  CHECK(named(*store, "thi lan") == std::vector<db::Id>{lan});
  CHECK(named(*store, "THỊ LA") == std::vector<db::Id>{lan});
  CHECK(named(*store, "Đức") == std::vector<db::Id>{duc});
  CHECK(named(*store, "tran van duc") == std::vector<db::Id>{duc});
  CHECK(named(*store, "n") == std::vector<db::Id>{lan});  // "nguyen"; "Trần" has no word at n
  CHECK(named(*store, "t") == std::vector<db::Id>{duc, lan});
  CHECK(named(*store, "guyen").empty());       // inside a word, not its beginning
  CHECK(named(*store, "nguyen lan").empty());  // not one after the other
  CHECK(named(*store, "lan nguyen").empty());
  CHECK(named(*store, "ng thi lan").empty());  // a word before the last left unfinished
  CHECK(named(*store, "zzzz").empty());
}

TEST_CASE("a name thousands share is listed newest first up to the limit") {
  TempDir dir;
  auto store = test_support::open_store(dir / "hoso.db").value();
  std::vector<db::Id> ids;
  REQUIRE(store
              ->write([&](db::Transaction& tx) -> Result<void> {
                for (int k = 0; k < 4200; ++k) {
                  TRY_ASSIGN(const db::Id id,
                             add(tx, 1000 + k, k % 2 == 0 ? "Nguyễn Văn An" : "Nguyễn Văn Bình"));
                  ids.push_back(id);
                }
                return {};
              })
              .has_value());
  // More matches than the index hands out (1,000 here): the list is read newest first.
  CHECK(named(*store, "nguyen van an", 3) == std::vector<db::Id>{ids[4198], ids[4196], ids[4194]});
  CHECK(named(*store, "van b", 2) == std::vector<db::Id>{ids[4199], ids[4197]});
  CHECK(named(*store, "an").size() == 100);  // the limit
  CHECK(named(*store, "nguyen cuong").empty());
}

TEST_CASE("a name search keeps the list's other filters, its order and its limit") {
  TempDir dir;
  auto store = test_support::open_store(dir / "hoso.db").value();
  std::vector<db::Id> lan;  // filed at 100, 200, ..., 500
  for (int k = 1; k <= 5; ++k) lan.push_back(add(*store, 100 * k, "Nguyễn Thị Lan"));
  add(*store, 250, "Trần Văn Đức");
  REQUIRE(store
              ->write([&](db::Transaction& tx) -> Result<void> {
                TRY_ASSIGN(auto d, tx.get_dossier(lan[1]));
                d->state = db::DossierState::accepted;
                return tx.update_dossier(*d);
              })
              .has_value());
  auto search = [&](const std::function<void(db::DossierFilter&)>& set) {
    db::DossierFilter filter;
    filter.name_words = common::search_words("thi lan");
    filter.descending = true;
    filter.limit = 100;
    set(filter);
    std::vector<db::Id> ids;
    REQUIRE(store
                ->read([&](db::Transaction& tx) -> Result<void> {
                  TRY_ASSIGN(const auto dossiers, tx.list_dossiers(filter));
                  for (const db::Dossier& d : dossiers) ids.push_back(d.id);
                  return {};
                })
                .has_value());
    return ids;
  };
  CHECK(search([](auto&) {}) == std::vector<db::Id>{lan[4], lan[3], lan[2], lan[1], lan[0]});
  CHECK(search([](auto& f) { f.limit = 2; }) == std::vector<db::Id>{lan[4], lan[3]});
  CHECK(search([](auto& f) {
          f.descending = false;
          f.limit = 2;
        }) == std::vector<db::Id>{lan[0], lan[1]});
  CHECK(search([](auto& f) {
          f.filed_from = at(200);
          f.filed_to = at(400);
        }) == std::vector<db::Id>{lan[2], lan[1]});
  CHECK(search([](auto& f) { f.state = db::DossierState::accepted; }) ==
        std::vector<db::Id>{lan[1]});
  CHECK(search([&](auto& f) {
          f.ids = std::vector<db::Id>{lan[0], lan[3]};
          f.limit = 1;
        }) == std::vector<db::Id>{lan[3]});
}

TEST_CASE("a corrected name is found by its new words and no longer by its old ones") {
  TempDir dir;
  auto store = test_support::open_store(dir / "hoso.db").value();
  const db::Id id = add(*store, 100, "Nguyễn Thị Lan");
  rename(*store, id, "Nguyễn Thị Lành");
  CHECK(named(*store, "lanh") == std::vector<db::Id>{id});
  CHECK(named(*store, "nguyen thi") == std::vector<db::Id>{id});
  CHECK(named(*store, "thi lan") == std::vector<db::Id>{id});  // "lanh" begins with "lan"
  CHECK(named(*store, "thi lan ") == std::vector<db::Id>{id});
  rename(*store, id, "Phạm Minh");
  CHECK(named(*store, "nguyen").empty());
  CHECK(named(*store, "pham minh") == std::vector<db::Id>{id});
}

TEST_CASE("applicants stored before schema 7 are found by name after the upgrade [sqlite]") {
  TempDir dir;
  const auto path = dir / "hoso.db";
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    for (int v = 0; v < 6; ++v) raw.exec(db::detail::migrations()[static_cast<std::size_t>(v)]);
    raw.exec("PRAGMA user_version = 6");
    raw.exec("INSERT INTO agencies(id, code, name) VALUES (1, '000.00.05.H12', 'Một cửa')");
    raw.exec(
        "INSERT INTO dossiers(id, agency_id, channel, state, national_status, filed_at, "
        "lookup_code, created_at, updated_at) VALUES "
        "(1, 1, 2, 'received', 1, 100, 'ABCD2345', 100, 100), "
        "(2, 1, 2, 'received', 1, 200, 'ABCD2346', 200, 200)");
    raw.exec(
        "INSERT INTO applicants(dossier_id, id_number, full_name, source) VALUES "
        "(1, '079190001234', 'Nguyễn Thị Lan', 'typed'), "
        "(2, '079190005678', 'Trần Văn Đức Đức', 'typed')");
  }
  auto store = test_support::open_store(path).value();
  CHECK(named(*store, "thi lan") == std::vector<db::Id>{1});
  CHECK(named(*store, "van duc duc") == std::vector<db::Id>{2});
  CHECK(named(*store, "duc") == std::vector<db::Id>{2});
  SQLite::Database raw(path.string(), SQLite::OPEN_READONLY);
  CHECK(raw.execAndGet("SELECT search_name FROM applicants WHERE dossier_id = 2").getString() ==
        "tran van duc duc");
  // "nguyen thi lan", "thi lan", "lan"; "tran van duc duc", "van duc duc", "duc duc", "duc".
  CHECK(raw.execAndGet("SELECT COUNT(*) FROM applicant_name_keys").getInt() == 7);
}
