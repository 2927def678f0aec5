// Transaction::match_public_code, the citizen's lookup in one statement: the dossier a tracking
// number (inbound, then return) or a dossier code (standard form, then as typed) names, with its
// lookup code; id 0 and the caller's stand-in for anything else; each table read through an index.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "db/store.hpp"
#include "tests/support/files.hpp"
#include "tests/support/store.hpp"

namespace {

using common::Result;

using test_support::TempDir;

common::Timestamp at(long long seconds) { return common::Timestamp{std::chrono::seconds{seconds}}; }

// No lookup code has control characters; PostgreSQL's text holds any but NUL.
const std::string k_stand_in(8, '\x01');

// Four dossiers, one found by each kind of key: `inbound` by its envelope's number, `returned` by
// its return shipment's number, `standard` by a code in standard form, `typed` by a code kept in
// a form of its own (an older desk's numbering).
struct Desk {
  TempDir dir;
  std::vector<std::string> statements;  // SELECTs run, when recording
  bool recording = false;
  std::mutex mutex;
  std::unique_ptr<db::Store> store;
  db::Id agency = 0;
  db::Id inbound = 0, returned = 0, standard = 0, typed = 0;

  Desk() {
    db::SqliteOptions options;
    options.on_statement = [this](std::string_view sql) {
      std::lock_guard lock(mutex);
      if (recording && sql.rfind("SELECT", 0) == 0) statements.emplace_back(sql);
    };
    store = test_support::open_store(dir / "hoso.db", options).value();
    write([&](db::Transaction& tx) -> Result<void> {
      TRY_ASSIGN(agency, tx.upsert_agency(db::Agency{0, "000.00.05.H12", "Một cửa"}));
      return {};
    });
    inbound = add_dossier(std::nullopt, "INBD2345");
    returned = add_dossier("000.00.05.H12-260302-0001", "RTRN2345");
    standard = add_dossier("000.00.05.H12-260302-0002", "STND2345");
    typed = add_dossier("HCM/2019/77", "TYPD2345");
    add_shipment("EB123456785VN", db::Direction::inbound, inbound, 2026);
    add_shipment("EL491610889VN", db::Direction::outbound, returned, 2026);
  }

  void write(const std::function<Result<void>(db::Transaction&)>& work) {
    auto done = store->write(work);
    REQUIRE_MESSAGE(done.has_value(), (done ? std::string() : done.error().message));
  }

  db::Id add_dossier(std::optional<std::string> code, const std::string& lookup_code) {
    db::Id id = 0;
    write([&](db::Transaction& tx) -> Result<void> {
      db::Dossier d;
      d.code = code;
      d.agency_id = agency;
      d.filed_at = at(1'770'000'000);
      d.created_at = d.filed_at;
      d.updated_at = d.filed_at;
      d.lookup_code = lookup_code;
      TRY_ASSIGN(id, tx.insert_dossier(d));
      return {};
    });
    return id;
  }

  void add_shipment(const std::string& number, db::Direction direction,
                    std::optional<db::Id> dossier, int year) {
    write([&](db::Transaction& tx) -> Result<void> {
      db::Shipment s;
      s.carrier = "vnpost";
      s.tracking_number = number;
      s.year = year;
      s.direction = direction;
      s.dossier_id = dossier;
      s.first_seen_at = at(1'700'000'000LL + (year - 2023) * 31'536'000LL);
      s.updated_at = s.first_seen_at;
      TRY(tx.insert_shipment(s));
      return {};
    });
  }

  db::PublicCodeMatch match(const db::PublicCodeKeys& keys,
                            const std::string& stand_in = k_stand_in) {
    auto found = store->read<db::PublicCodeMatch>(
        [&](db::Transaction& tx) { return tx.match_public_code(keys, stand_in); });
    REQUIRE_MESSAGE(found.has_value(), (found ? std::string() : found.error().message));
    return *found;
  }
};

db::PublicCodeKeys number(const std::string& text) { return db::PublicCodeKeys{text, {}, {}}; }
db::PublicCodeKeys standard(const std::string& text) { return db::PublicCodeKeys{"", text, {}}; }
db::PublicCodeKeys typed(const std::string& text) { return db::PublicCodeKeys{"", {}, text}; }

}  // namespace

TEST_CASE("a citizen's code finds its dossier and lookup code by each kind of key") {
  Desk desk;
  struct Case {
    db::PublicCodeKeys keys;
    db::Id expected;
    const char* lookup_code;
  };
  for (const Case& c : {Case{number("EB123456785VN"), desk.inbound, "INBD2345"},
                        Case{number("EL491610889VN"), desk.returned, "RTRN2345"},
                        Case{standard("000.00.05.H12-260302-0002"), desk.standard, "STND2345"},
                        Case{typed("000.00.05.H12-260302-0002"), desk.standard, "STND2345"},
                        Case{typed("HCM/2019/77"), desk.typed, "TYPD2345"}}) {
    CAPTURE(c.lookup_code);
    const db::PublicCodeMatch found = desk.match(c.keys);
    CHECK(found.dossier_id == c.expected);
    CHECK(found.lookup_code == c.lookup_code);
  }
}

TEST_CASE("the inbound number wins over the return number, which wins over either dossier code") {
  Desk desk;
  // The same number on an envelope of one dossier and the return of another.
  desk.add_shipment("EL491610889VN", db::Direction::inbound, desk.inbound, 2026);
  db::PublicCodeKeys all{"EL491610889VN", "000.00.05.H12-260302-0002", "HCM/2019/77"};
  CHECK(desk.match(all).dossier_id == desk.inbound);
  all.tracking_number = "EL000000000VN";
  CHECK(desk.match(all).dossier_id == desk.standard);
  all.standard_code = "000.00.05.H12-260302-0009";
  CHECK(desk.match(all).dossier_id == desk.typed);
  desk.add_shipment("EB123456785VN", db::Direction::outbound, desk.typed, 2026);
  CHECK(desk.match(number("EB123456785VN")).dossier_id == desk.inbound);
}

TEST_CASE("a tracking number reused in a later year finds the newest shipment's dossier") {
  Desk desk;
  const db::Id later = desk.add_dossier(std::nullopt, "LATR2345");
  desk.add_shipment("EB123456785VN", db::Direction::inbound, later, 2027);
  CHECK(desk.match(number("EB123456785VN")).dossier_id == later);
  CHECK(desk.match(number("EB123456785VN")).lookup_code == "LATR2345");
}

TEST_CASE("a newest shipment with no dossier leaves the search to the next key") {
  Desk desk;
  desk.add_shipment("EB123456785VN", db::Direction::inbound, std::nullopt, 2027);
  CHECK(desk.match(number("EB123456785VN")).dossier_id == 0);
  desk.add_shipment("EB123456785VN", db::Direction::outbound, desk.returned, 2026);
  CHECK(desk.match(number("EB123456785VN")).dossier_id == desk.returned);
}

TEST_CASE("a code that names no dossier gives id 0 and the stand-in, byte for byte") {
  Desk desk;
  // A shipment whose number is empty must not answer an empty key.
  desk.add_shipment("", db::Direction::inbound, desk.inbound, 2026);
  const std::string huge(1 << 20, 'E');
  const std::string with_nul = std::string("EB123456785VN") + '\0' + "X";
  const std::string code_with_nul = std::string("000.00.05.H12-260302-0002") + '\0';
  for (const db::PublicCodeKeys& keys :
       {db::PublicCodeKeys{}, number("EB000000000VN"), number(""), number(huge), number(with_nul),
        number("EB123456785V"), standard("000.00.05.H12-260302-0009"), standard(""), standard(huge),
        standard(code_with_nul), typed("HCM/2019/78"), typed(code_with_nul), typed(huge),
        db::PublicCodeKeys{"EB123456785VN\n", "' OR 1=1 --", "%"}}) {
    CAPTURE(keys.tracking_number.substr(0, 20));
    const db::PublicCodeMatch found = desk.match(keys);
    CHECK(found.dossier_id == 0);
    CHECK(found.lookup_code == k_stand_in);
  }
  CHECK(desk.match(number("nothing"), "ZZZZ9999").lookup_code == "ZZZZ9999");
}

TEST_CASE("a code is matched by one statement that reads each table through an index [sqlite]") {
  Desk desk;
  {
    std::lock_guard lock(desk.mutex);
    desk.recording = true;
  }
  desk.match(db::PublicCodeKeys{"EB000000000VN", "000.00.05.H12-260302-0009", "X"});
  desk.match(db::PublicCodeKeys{"EB123456785VN", "000.00.05.H12-260302-0002", "HCM/2019/77"});
  std::lock_guard lock(desk.mutex);
  REQUIRE(desk.statements.size() == 2);
  CHECK(desk.statements[0] == desk.statements[1]);
  SQLite::Database raw((desk.dir / "hoso.db").string(), SQLite::OPEN_READONLY);
  SQLite::Statement plan(raw, "EXPLAIN QUERY PLAN " + desk.statements[0]);
  std::string steps;
  while (plan.executeStep()) steps += plan.getColumn(3).getString() + "\n";
  CAPTURE(steps);
  // Every read of shipments or dossiers is a SEARCH through an index or the primary key.
  CHECK(steps.find("SCAN shipments") == std::string::npos);
  CHECK(steps.find("SCAN dossiers") == std::string::npos);
  CHECK(steps.find("SCAN d\n") == std::string::npos);
  CHECK(steps.find("SEARCH shipments USING INDEX") != std::string::npos);
  CHECK(steps.find("SEARCH dossiers USING COVERING INDEX") != std::string::npos);
  CHECK(steps.find("SEARCH d USING INTEGER PRIMARY KEY") != std::string::npos);
  // No sort: a temporary B-tree per lookup cost more than the five statements this replaced.
  CHECK(steps.find("TEMP B-TREE") == std::string::npos);
}
