// The SQLite store: schema and migrations, transactions that commit all or nothing, the
// append-only event log, constraints that stop double registration, and payloads stored as data.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "db/detail/schema.hpp"
#include "db/image_store.hpp"
#include "db/store.hpp"
#include "tests/support/files.hpp"
#include "tests/support/store.hpp"

namespace {

using common::ErrorCode;
using common::Result;

using test_support::TempDir;

common::Timestamp at(long long seconds) { return common::Timestamp{std::chrono::seconds{seconds}}; }

db::Id add_agency(db::Store& store) {
  db::Id id = 0;
  auto r = store.write([&](db::Transaction& tx) -> Result<void> {
    auto a = tx.upsert_agency(db::Agency{0, "000.00.05.H12", "Bộ phận Một cửa"});
    if (!a) return a.error();
    id = *a;
    return {};
  });
  REQUIRE(r.has_value());
  return id;
}

db::Dossier received_dossier(db::Id agency) {
  db::Dossier d;
  d.agency_id = agency;
  d.filed_at = at(1'770'000'000);
  d.created_at = d.filed_at;
  d.updated_at = d.filed_at;
  d.lookup_code = "ABCD2345";
  return d;
}

}  // namespace

TEST_CASE("a new database gets the current schema, WAL mode and foreign keys [sqlite]") {
  TempDir dir;
  const auto path = dir / "var" / "hoso.db";
  auto store = test_support::open_store(path);
  REQUIRE(store.has_value());
  SQLite::Database raw(path.string(), SQLite::OPEN_READONLY);
  CHECK(raw.execAndGet("PRAGMA user_version").getInt() == db::schema_version());
  CHECK(raw.execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(db::integrity_check(path).value() == "ok");
}

TEST_CASE("a database of the first schema is upgraded in place and keeps its shipments [sqlite]") {
  TempDir dir;
  const auto path = dir / "hoso.db";
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec(db::detail::migrations()[0]);
    raw.exec("PRAGMA user_version = 1");
    raw.exec(
        "INSERT INTO shipments(carrier, tracking_number, year, direction, status, first_seen_at, "
        "updated_at) VALUES ('vnpost', 'RR123456785VN', 2026, 'inbound', 'delivered', 1, 1)");
  }
  auto store = test_support::open_store(path);
  REQUIRE(store.has_value());
  std::optional<db::Shipment> shipment;
  std::vector<db::Shipment> to_sync;
  REQUIRE((*store)
              ->read([&](db::Transaction& tx) -> Result<void> {
                auto found = tx.get_shipment(1);
                if (!found) return found.error();
                shipment = *found;
                auto pending = tx.shipments_to_sync("vnpost", at(0), 10);
                if (!pending) return pending.error();
                to_sync = *pending;
                return {};
              })
              .has_value());
  REQUIRE(shipment.has_value());
  CHECK(shipment->tracking_number == "RR123456785VN");
  CHECK(shipment->synced_at == std::nullopt);
  CHECK(to_sync.size() == 1);  // never asked about: the carrier's history is fetched once
  SQLite::Database raw(path.string(), SQLite::OPEN_READONLY);
  CHECK(raw.execAndGet("PRAGMA user_version").getInt() == db::schema_version());
}

TEST_CASE(
    "handover batches of a schema 9 file count as closed, and a clerk's open batch is found, "
    "listed, closed and reopened [sqlite]") {
  TempDir dir;
  const auto path = dir / "hoso.db";
  // A schema 9 file: today's, without what v10 to v15 added (the migrations before it need
  // the store's SQL functions, so they are not replayed here).
  { REQUIRE(test_support::open_store(path).has_value()); }
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
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
    raw.exec("PRAGMA user_version = 9");
    raw.exec(
        "INSERT INTO batches(name, carrier, handed_over_at, received_by) "
        "VALUES ('VNPost 01/11', 'vnpost', 100, 'vanthu')");
  }
  auto store = test_support::open_store(path).value();
  const auto read = [&](auto work) {
    REQUIRE(store->read([&](db::Transaction& tx) -> Result<void> { return work(tx); }).has_value());
  };
  read([](db::Transaction& tx) -> Result<void> {
    auto old = tx.find_batch("VNPost 01/11");
    REQUIRE(old.has_value());
    REQUIRE(old->has_value());
    CHECK((*old)->closed_at == at(100));
    CHECK_FALSE(tx.open_batch_of("vanthu").value().has_value());
    return {};
  });
  db::Id fresh = 0;
  REQUIRE(store
              ->write([&](db::Transaction& tx) -> Result<void> {
                db::Batch batch;
                batch.name = "VNPost 02/11";
                batch.carrier = "vnpost";
                batch.handed_over_at = at(200);
                batch.received_by = "vanthu";
                auto id = tx.insert_batch(batch);
                if (!id) return id.error();
                fresh = *id;
                return {};
              })
              .has_value());
  read([&](db::Transaction& tx) -> Result<void> {
    CHECK(tx.open_batch_of("vanthu").value().value().id == fresh);
    CHECK_FALSE(tx.open_batch_of("lan.nguyen").value().has_value());
    const auto listed = tx.list_batches(10).value();
    REQUIRE(listed.size() == 2);
    CHECK(listed[0].id == fresh);  // newest handover first
    CHECK(listed[1].name == "VNPost 01/11");
    return {};
  });
  REQUIRE(store
              ->write([&](db::Transaction& tx) {
                return tx.set_batch_closed(fresh, at(300), "vanthu");
              })
              .has_value());
  read([](db::Transaction& tx) -> Result<void> {
    CHECK_FALSE(tx.open_batch_of("vanthu").value().has_value());
    return {};
  });
  REQUIRE(
      store
          ->write([&](db::Transaction& tx) { return tx.set_batch_closed(fresh, std::nullopt, ""); })
          .has_value());
  read([&](db::Transaction& tx) -> Result<void> {
    CHECK(tx.open_batch_of("vanthu").value().value().id == fresh);
    return {};
  });
  const auto missing =
      store->write([](db::Transaction& tx) { return tx.set_batch_closed(9999, at(1), "x"); });
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == ErrorCode::not_found);
}

TEST_CASE(
    "users of a schema 10 file keep everything and get an empty title, which can be set [sqlite]") {
  TempDir dir;
  const auto path = dir / "hoso.db";
  // A schema 10 file: today's, without what v11 to v15 added.
  { REQUIRE(test_support::open_store(path).has_value()); }
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
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
    raw.exec("PRAGMA user_version = 10");
    raw.exec(
        "INSERT INTO users(login, name, role, password_hash, disabled, created_at, "
        "password_changed_at) VALUES ('lan.nt', 'Nguyễn Thị Lan', 'officer', '$argon2id$x', 1, "
        "100, 200)");
  }
  auto store = test_support::open_store(path).value();
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READONLY);
    CHECK(raw.execAndGet("PRAGMA user_version").getInt() == db::schema_version());
    CHECK(db::schema_version() >= 11);
  }
  const auto user_of = [&] {
    return store
        ->read<std::optional<db::User>>([](db::Transaction& tx) { return tx.find_user("lan.nt"); })
        .value();
  };
  const auto old = user_of();
  REQUIRE(old.has_value());
  CHECK(old->name == "Nguyễn Thị Lan");
  CHECK(old->title == "");
  CHECK(old->role == "officer");
  CHECK(old->password_hash == "$argon2id$x");
  CHECK(old->disabled);
  CHECK(old->created_at == at(100));
  CHECK(old->password_changed_at == at(200));

  db::User titled = *old;
  titled.title = "Chuyên viên";
  REQUIRE(store->write([&](db::Transaction& tx) { return tx.update_user(titled); }).has_value());
  CHECK(user_of()->title == "Chuyên viên");
  db::User fresh;
  fresh.login = "minh.pv";
  fresh.name = "Phan Văn Minh";
  fresh.title = "Phó Giám đốc Trung tâm";
  fresh.role = "admin";
  fresh.password_hash = "$argon2id$y";
  REQUIRE(
      store->write<db::Id>([&](db::Transaction& tx) { return tx.insert_user(fresh); }).has_value());
  const auto listed =
      store->read<std::vector<db::User>>([](db::Transaction& tx) { return tx.list_users(); })
          .value();
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].title == "Chuyên viên");  // lan.nt, by login
  CHECK(listed[1].title == "Phó Giám đốc Trung tâm");
}

TEST_CASE("carrier events are stored once per shipment and cannot be changed afterwards [sqlite]") {
  TempDir dir;
  const auto path = dir / "hoso.db";
  auto store = test_support::open_store(path).value();
  db::CarrierEvent event;
  event.key = "1764000000|70|100000";
  event.occurred_at = at(1'764'000'000);
  event.carrier_code = "70";
  event.status = "picked_up";
  std::vector<bool> inserted;
  REQUIRE(store
              ->write([&](db::Transaction& tx) -> Result<void> {
                db::Shipment sh;
                sh.carrier = "vnpost";
                sh.tracking_number = "EB000000001VN";
                sh.year = 2026;
                sh.direction = db::Direction::outbound;
                sh.status = "info_received";
                auto id = tx.insert_shipment(sh);
                if (!id) return id.error();
                event.shipment_id = *id;
                for (int i = 0; i < 2; ++i) {
                  auto added = tx.add_carrier_event(event);
                  if (!added) return added.error();
                  inserted.push_back(*added);
                }
                return {};
              })
              .has_value());
  CHECK(inserted == std::vector<bool>{true, false});
  SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
  CHECK_THROWS_WITH_AS(raw.exec("UPDATE carrier_events SET status = 'delivered'"),
                       doctest::Contains("append-only"), SQLite::Exception);
  CHECK_THROWS_WITH_AS(raw.exec("DELETE FROM carrier_events"), doctest::Contains("append-only"),
                       SQLite::Exception);
}

TEST_CASE("opening a database written by a newer hoso is refused with a clear message [sqlite]") {
  TempDir dir;
  const auto path = dir / "hoso.db";
  { REQUIRE(test_support::open_store(path).has_value()); }
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA user_version = 99");
  }
  auto store = test_support::open_store(path);
  REQUIRE_FALSE(store.has_value());
  CHECK(store.error().code == ErrorCode::invalid_argument);
  CHECK(store.error().message.find("newer") != std::string::npos);
  CHECK(store.error().message.find("99") != std::string::npos);
}

TEST_CASE(
    "a file that is not a database is reported as such, and a missing one is named [sqlite]") {
  TempDir dir;
  const auto junk = dir / "junk.db";
  std::ofstream(junk) << "this is not an SQLite file, just some text that is long enough......"
                         "...............................................................";
  auto store = test_support::open_store(junk);
  REQUIRE_FALSE(store.has_value());
  CHECK(store.error().code == ErrorCode::io_error);
  CHECK(store.error().message.find("junk.db") != std::string::npos);

  db::SqliteOptions options;
  options.create = false;
  auto missing = test_support::open_store(dir / "nope.db", options);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == ErrorCode::not_found);
  // The CLI adds the command that makes a desk (tests/app/private_files_test.cpp).
  CHECK(missing.error().message.find("nope.db") != std::string::npos);
}

TEST_CASE("a unit of work that fails leaves nothing behind") {
  TempDir dir;
  auto store = test_support::open_store(dir / "hoso.db").value();
  const db::Id agency = add_agency(*store);
  auto r = store->write([&](db::Transaction& tx) -> Result<void> {
    auto id = tx.insert_dossier(received_dossier(agency));
    REQUIRE(id.has_value());
    return common::make_error(ErrorCode::bad_input, "changed my mind");
  });
  CHECK_FALSE(r.has_value());
  db::Counts counts;
  REQUIRE(store
              ->read([&](db::Transaction& tx) -> Result<void> {
                counts = tx.counts().value();
                return {};
              })
              .has_value());
  CHECK(counts.dossiers == 0);
}

TEST_CASE(
    "a unit of work that returns a value hands it back, or its error, and a failed write keeps "
    "nothing") {
  TempDir dir;
  auto store = test_support::open_store(dir / "hoso.db").value();
  const db::Id agency = add_agency(*store);
  auto id = store->write<db::Id>(
      [&](db::Transaction& tx) { return tx.insert_dossier(received_dossier(agency)); });
  REQUIRE(id.has_value());
  auto read_back = store->read<std::optional<db::Dossier>>(
      [&](db::Transaction& tx) { return tx.get_dossier(*id); });
  REQUIRE(read_back.has_value());
  REQUIRE(read_back->has_value());
  CHECK((*read_back)->id == *id);

  auto refused = store->write<db::Id>([&](db::Transaction& tx) -> Result<db::Id> {
    TRY_ASSIGN(auto second, tx.insert_dossier(received_dossier(agency)));
    CHECK(second > *id);
    return common::make_error(ErrorCode::conflict, "changed my mind");
  });
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::conflict);
  auto counts = store->read<db::Counts>([](db::Transaction& tx) { return tx.counts(); });
  REQUIRE(counts.has_value());
  CHECK(counts->dossiers == 1);
}

TEST_CASE("the event log cannot be changed or deleted, only appended to [sqlite]") {
  TempDir dir;
  const auto path = dir / "hoso.db";
  auto store = test_support::open_store(path).value();
  REQUIRE(store
              ->write([&](db::Transaction& tx) -> Result<void> {
                auto e = tx.append_event(db::Event{0, at(1), "lan", "dossier", 1,
                                                   db::EventKind::received_by_post, "", "{}"});
                if (!e) return e.error();
                return {};
              })
              .has_value());
  SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
  CHECK_THROWS_WITH_AS(raw.exec("UPDATE events SET actor = 'mallory'"),
                       doctest::Contains("append-only"), SQLite::Exception);
  CHECK_THROWS_WITH_AS(raw.exec("DELETE FROM events"), doctest::Contains("append-only"),
                       SQLite::Exception);
  CHECK(raw.execAndGet("SELECT actor FROM events").getString() == "lan");
}

TEST_CASE(
    "regression: a dossier with an unknown stored state fails to read, naming its row, instead of "
    "reading as received [sqlite]") {
  TempDir dir;
  const auto path = dir / "hoso.db";
  auto store = test_support::open_store(path).value();
  const db::Id agency = add_agency(*store);
  auto id = store->write<db::Id>(
      [&](db::Transaction& tx) { return tx.insert_dossier(received_dossier(agency)); });
  REQUIRE(id.has_value());
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
    SQLite::Statement corrupt(raw, "UPDATE dossiers SET state = 'bogus' WHERE id = ?");
    corrupt.bind(1, *id);
    REQUIRE(corrupt.exec() == 1);
  }
  const std::string row = "dossiers row " + std::to_string(*id) + ": unknown state 'bogus'";

  auto one = store->read<std::optional<db::Dossier>>(
      [&](db::Transaction& tx) { return tx.get_dossier(*id); });
  REQUIRE_FALSE(one.has_value());
  CHECK(one.error().code == ErrorCode::internal);
  CHECK_MESSAGE(one.error().message.find(row) != std::string::npos, one.error().message);

  auto listed = store->read<std::vector<db::Dossier>>(
      [&](db::Transaction& tx) { return tx.list_dossiers(db::DossierFilter{}); });
  REQUIRE_FALSE(listed.has_value());
  CHECK(listed.error().code == ErrorCode::internal);
  CHECK(listed.error().message.find(row) != std::string::npos);
}

TEST_CASE("every field of a dossier and its applicant reads back as written, unset ones as unset") {
  using namespace std::chrono;
  TempDir dir;
  auto store = test_support::open_store(dir / "hoso.db").value();
  const db::Id agency = add_agency(*store);
  auto procedure = store->write<db::Id>([](db::Transaction& tx) {
    return tx.upsert_procedure(db::Procedure{0, "1.004227", 2, "Cấp giấy", "dat_dai", 8,
                                             db::TimeUnit::working_hours,
                                             common::Date{year{2026}, month{3}, day{1}}, 0, false,
                                             "province", "Sở Nông nghiệp và Môi trường"});
  });
  REQUIRE(procedure.has_value());

  db::Dossier full = received_dossier(agency);
  full.code = "000.00.05.H12-260302-0001";
  full.procedure_id = *procedure;
  full.procedure_version = 2;
  full.state = db::DossierState::supplement_requested;
  full.due_at = at(1'770'100'000);
  full.clock_started_at = at(1'770'050'000);
  full.supplement_count = 1;
  full.reappointed = true;
  full.portal_code = "G22.99-260301-0002";
  full.updated_at = at(1'770'000'500);
  const db::Dossier bare = received_dossier(agency);

  db::Applicant applicant;
  applicant.id_number = "001099012345";
  applicant.full_name = "Nguyễn Văn A";
  applicant.birth_date = common::Date{year{1990}, month{12}, day{31}};
  applicant.source = "typed";
  applicant.phone = "0912345678";

  struct Ids {
    db::Id full, bare;
  };
  auto ids = store->write<Ids>([&](db::Transaction& tx) -> Result<Ids> {
    TRY_ASSIGN(const db::Id full_id, tx.insert_dossier(full));
    TRY_ASSIGN(const db::Id bare_id, tx.insert_dossier(bare));
    applicant.dossier_id = full_id;
    TRY(tx.insert_applicant(applicant));
    return Ids{full_id, bare_id};
  });
  REQUIRE(ids.has_value());

  REQUIRE(store
              ->read([&](db::Transaction& tx) -> Result<void> {
                const db::Dossier f = tx.get_dossier(ids->full).value().value();
                CHECK(f.code == full.code);
                CHECK(f.agency_id == agency);
                CHECK(f.procedure_id == full.procedure_id);
                CHECK(f.procedure_version == 2);
                CHECK(f.channel == db::k_channel_postal);
                CHECK(f.state == db::DossierState::supplement_requested);
                CHECK(f.filed_at == full.filed_at);
                CHECK(f.due_at == full.due_at);
                CHECK(f.clock_started_at == full.clock_started_at);
                CHECK(f.lookup_code == full.lookup_code);
                CHECK(f.supplement_count == 1);
                CHECK(f.reappointed);
                CHECK(f.portal_code == full.portal_code);
                CHECK(f.created_at == full.created_at);
                CHECK(f.updated_at == full.updated_at);

                const db::Dossier b = tx.get_dossier(ids->bare).value().value();
                CHECK_FALSE(b.code.has_value());
                CHECK_FALSE(b.procedure_id.has_value());
                CHECK_FALSE(b.procedure_version.has_value());
                CHECK_FALSE(b.due_at.has_value());
                CHECK_FALSE(b.clock_started_at.has_value());
                CHECK_FALSE(b.reappointed);
                CHECK(b.state == db::DossierState::received);

                const db::Applicant a = tx.applicant_of(ids->full).value().value();
                CHECK(a.dossier_id == ids->full);
                CHECK(a.id_number == applicant.id_number);
                CHECK(a.full_name == applicant.full_name);
                CHECK(a.birth_date == applicant.birth_date);
                CHECK_FALSE(a.issue_date.has_value());
                CHECK(a.phone == applicant.phone);

                const db::Procedure p = tx.get_procedure(*procedure).value().value();
                CHECK(p.time_unit == db::TimeUnit::working_hours);
                CHECK(p.effective_from == common::Date{year{2026}, month{3}, day{1}});
                return {};
              })
              .has_value());
}

TEST_CASE("the same tracking number cannot be registered twice in one year, but can a year later") {
  TempDir dir;
  auto store = test_support::open_store(dir / "hoso.db").value();
  db::Shipment s;
  s.carrier = "vnpost";
  s.tracking_number = "EB123456785VN";
  s.year = 2026;
  s.status = "delivered";
  s.first_seen_at = at(1'770'000'000);
  s.updated_at = s.first_seen_at;
  auto insert = [&](const db::Shipment& shipment) {
    return store->write([&](db::Transaction& tx) -> Result<void> {
      auto id = tx.insert_shipment(shipment);
      if (!id) return id.error();
      return {};
    });
  };
  REQUIRE(insert(s).has_value());
  auto twice = insert(s);
  REQUIRE_FALSE(twice.has_value());
  CHECK(twice.error().code == ErrorCode::bad_input);
  CHECK(twice.error().message.find("EB123456785VN") != std::string::npos);
  s.year = 2027;
  CHECK(insert(s).has_value());
}

TEST_CASE("hostile code texts are stored and read back byte for byte, never executed") {
  TempDir dir;
  auto store = test_support::open_store(dir / "hoso.db").value();
  std::vector<std::string> texts = {"'; DROP TABLE dossiers; --", "<script>alert(1)</script>",
                                    "\x1b[2J\x1b[31mred", std::string(4096, 'x'),
                                    "Nguyễn Thị Ánh Tuyết"};
  // A NUL byte: SQLite keeps it; PostgreSQL's text cannot hold one (the engine refuses it).
  if (!test_support::on_postgres()) texts.emplace_back("a\0b", 3);
  db::Scan scan;
  scan.scanned_at = at(5);
  scan.station = "test";
  scan.source_name = "hostile.png";
  scan.outcome = db::ScanOutcome::manual;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    scan.codes.push_back(db::ScanCode{static_cast<int>(i), "QRCode", "unknown", texts[i], "", ""});
  }
  db::Id scan_id = 0;
  REQUIRE(store
              ->write([&](db::Transaction& tx) -> Result<void> {
                auto id = tx.insert_scan(scan);
                if (!id) return id.error();
                scan_id = *id;
                return {};
              })
              .has_value());
  std::optional<db::Scan> back;
  REQUIRE(store
              ->read([&](db::Transaction& tx) -> Result<void> {
                back = tx.get_scan(scan_id).value();
                return {};
              })
              .has_value());
  REQUIRE(back.has_value());
  REQUIRE(back->codes.size() == texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) CHECK(back->codes[i].text == texts[i]);
  db::Counts counts;
  REQUIRE(store
              ->read([&](db::Transaction& tx) -> Result<void> {
                counts = tx.counts().value();
                return {};
              })
              .has_value());
  CHECK(counts.scans == 1);
}

TEST_CASE("a kept image is stored once by content and can be found by its SHA-256") {
  TempDir dir;
  db::ImageStore images(dir / "images");
  const std::string abc = "abc";
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(abc.data()),
                                            abc.size());
  auto first = images.put(bytes, "jpg");
  auto second = images.put(bytes, "jpg");
  REQUIRE(first.has_value());
  REQUIRE(second.has_value());
  // SHA-256("abc") from FIPS 180-2, appendix B.1.
  CHECK(*first == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(*second == *first);
  const auto path = images.path_of(*first, "jpg");
  std::ifstream in(path, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(content == "abc");
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir / "images")) {
    if (entry.is_regular_file()) ++files;
  }
  CHECK(files == 1);
}

TEST_CASE(
    "dossiers of a schema 11 file have their results posted back and can be collected [sqlite]") {
  TempDir dir;
  const auto path = dir / "hoso.db";
  // A schema 11 file: today's, without what v12 to v15 added, holding a dossier.
  { REQUIRE(test_support::open_store(path).has_value()); }
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
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
    raw.exec("PRAGMA user_version = 11");
    raw.exec("INSERT INTO agencies(code, name) VALUES ('000.00.05.H12', 'Bộ phận Một cửa')");
    raw.exec(
        "INSERT INTO dossiers(agency_id, channel, state, national_status, filed_at, lookup_code, "
        "created_at, updated_at) VALUES (1, 3, 'processed', 9, 100, 'ABCD2345', 100, 100)");
  }
  auto store = test_support::open_store(path).value();
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READONLY);
    CHECK(raw.execAndGet("PRAGMA user_version").getInt() == db::schema_version());
  }
  const auto dossier = [&] {
    return store
        ->read<std::optional<db::Dossier>>([](db::Transaction& tx) { return tx.get_dossier(1); })
        .value();
  };
  REQUIRE(dossier().has_value());
  CHECK(dossier()->result_delivery == db::ResultDelivery::post);  // as every result went before

  // The choice and who collected the result are stored and read back.
  REQUIRE(store
              ->write([&](db::Transaction& tx) -> Result<void> {
                db::Dossier d = tx.get_dossier(1).value().value();
                d.result_delivery = db::ResultDelivery::desk;
                TRY(tx.update_dossier(d));
                return tx.insert_result_collection(
                    db::ResultCollection{1, at(200), "canbo", db::RecipientKind::authorised,
                                         "Trần Văn Bình", "048123456789"});
              })
              .has_value());
  CHECK(dossier()->result_delivery == db::ResultDelivery::desk);
  const auto collection = store
                              ->read<std::optional<db::ResultCollection>>(
                                  [](db::Transaction& tx) { return tx.result_collection_of(1); })
                              .value();
  REQUIRE(collection.has_value());
  CHECK(collection->collected_at == at(200));
  CHECK(collection->officer == "canbo");
  CHECK(collection->recipient_kind == db::RecipientKind::authorised);
  CHECK(collection->recipient_name == "Trần Văn Bình");
  CHECK(collection->recipient_id_number == "048123456789");
  // One handover per dossier.
  const auto again = store->write([](db::Transaction& tx) {
    return tx.insert_result_collection(
        db::ResultCollection{1, at(300), "canbo", db::RecipientKind::citizen, "X", "048123456789"});
  });
  CHECK_FALSE(again.has_value());

  // The lists filter on the choice.
  db::DossierFilter desk_only;
  desk_only.result_delivery = db::ResultDelivery::desk;
  db::DossierFilter post_only;
  post_only.result_delivery = db::ResultDelivery::post;
  CHECK(store->read<std::int64_t>([&](db::Transaction& tx) { return tx.count_dossiers(desk_only); })
            .value() == 1);
  CHECK(store->read<std::int64_t>([&](db::Transaction& tx) { return tx.count_dossiers(post_only); })
            .value() == 0);
  // A value other than post or desk is refused by the schema itself.
  SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
  CHECK_THROWS(raw.exec("UPDATE dossiers SET result_delivery = 'fax' WHERE id = 1"));
}

TEST_CASE(
    "shipments and return orders of a schema 12 file carry the result and letters read back "
    "[sqlite]") {
  TempDir dir;
  const auto path = dir / "hoso.db";
  // A schema 12 file: today's, without what v13 to v15 added, holding a return shipment and its
  // order.
  { REQUIRE(test_support::open_store(path).has_value()); }
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
    raw.exec("DROP TABLE fee_receipts");
    raw.exec("ALTER TABLE procedures DROP COLUMN fee_vnd");
    raw.exec("ALTER TABLE procedures DROP COLUMN fees_pause_clock");
    raw.exec("ALTER TABLE shipments DROP COLUMN purpose");
    raw.exec("ALTER TABLE return_orders DROP COLUMN purpose");
    raw.exec("DROP TABLE unit_handovers");  // with v16's due_at
    raw.exec("ALTER TABLE procedures DROP COLUMN competent_unit");
    raw.exec("ALTER TABLE procedures DROP COLUMN competent_level");
    raw.exec("PRAGMA user_version = 12");
    raw.exec("INSERT INTO agencies(code, name) VALUES ('000.00.05.H12', 'Bộ phận Một cửa')");
    raw.exec(
        "INSERT INTO dossiers(agency_id, channel, state, national_status, filed_at, lookup_code, "
        "created_at, updated_at) VALUES (1, 3, 'return_dispatched', 9, 100, 'ABCD2345', 100, 100)");
    raw.exec(
        "INSERT INTO shipments(carrier, tracking_number, year, direction, status, dossier_id, "
        "first_seen_at, updated_at, order_code) VALUES ('vnpost', 'EB123456785VN', 2026, "
        "'outbound', 'in_transit', 1, 100, 100, 'X-R1')");
    raw.exec(
        "INSERT INTO return_orders(dossier_id, carrier, order_code, receiver_fingerprint, state, "
        "created_at) VALUES (1, 'vnpost', 'X-R1', 'f', 'stored', 100)");
  }
  auto store = test_support::open_store(path).value();
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READONLY);
    CHECK(raw.execAndGet("PRAGMA user_version").getInt() == db::schema_version());
  }
  REQUIRE(store
              ->write([&](db::Transaction& tx) -> Result<void> {
                const auto shipments = tx.shipments_of(1).value();
                REQUIRE(shipments.size() == 1);
                CHECK(shipments[0].purpose == db::ShipmentPurpose::result);
                CHECK(db::is_result_return(shipments[0]));
                const auto orders = tx.return_orders_of(1).value();
                REQUIRE(orders.size() == 1);
                CHECK(orders[0].purpose == db::ShipmentPurpose::result);
                // A letter's shipment and order keep their purpose.
                db::Shipment letter = shipments[0];
                letter.tracking_number = "EB000000019VN";
                letter.order_code = "X-L03-1";
                letter.purpose = db::ShipmentPurpose::refusal;
                const db::Id id = tx.insert_shipment(letter).value();
                CHECK(tx.get_shipment(id).value()->purpose == db::ShipmentPurpose::refusal);
                CHECK_FALSE(db::is_result_return(*tx.get_shipment(id).value()));
                db::ReturnOrder order = orders[0];
                order.order_code = "X-L03-1";
                order.purpose = db::ShipmentPurpose::refusal;
                (void)tx.insert_return_order(order).value();
                CHECK(tx.return_orders_of(1).value().back().purpose ==
                      db::ShipmentPurpose::refusal);
                return {};
              })
              .has_value());
  for (const auto purpose :
       {db::ShipmentPurpose::result, db::ShipmentPurpose::receipt, db::ShipmentPurpose::supplement,
        db::ShipmentPurpose::refusal, db::ShipmentPurpose::apology, db::ShipmentPurpose::stop}) {
    CHECK(db::parse_shipment_purpose(db::shipment_purpose_name(purpose)) == purpose);
  }
}

TEST_CASE(
    "handovers of a schema 15 file read back without a unit deadline, and new ones keep it "
    "[sqlite]") {
  TempDir dir;
  const auto path = dir / "hoso.db";
  // A schema 15 file: today's without v16's due_at, holding one handover to a unit.
  { REQUIRE(test_support::open_store(path).has_value()); }
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
    raw.exec("DROP INDEX unit_handovers_by_due");
    raw.exec("ALTER TABLE unit_handovers DROP COLUMN due_at");
    raw.exec("PRAGMA user_version = 15");
    raw.exec("INSERT INTO agencies(code, name) VALUES ('000.00.05.H12', 'Bộ phận Một cửa')");
    raw.exec(
        "INSERT INTO dossiers(agency_id, channel, state, national_status, filed_at, lookup_code, "
        "created_at, updated_at) VALUES (1, 3, 'accepted', 2, 100, 'ABCD2345', 100, 100)");
    raw.exec(
        "INSERT INTO unit_handovers(dossier_id, at, from_unit, to_unit, actor) VALUES (1, 200, "
        "'Bộ phận Một cửa', 'Sở Xây dựng', 'lan.nt')");
  }
  auto store = test_support::open_store(path).value();
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READONLY);
    CHECK(raw.execAndGet("PRAGMA user_version").getInt() == db::schema_version());
  }
  REQUIRE(
      store
          ->write([&](db::Transaction& tx) -> Result<void> {
            auto handovers = tx.unit_handovers_of(1).value();
            REQUIRE(handovers.size() == 1);
            CHECK_FALSE(handovers[0].due_at.has_value());
            CHECK(tx.unit_handovers_due_before(common::Timestamp{std::chrono::seconds{999}})
                      .value()
                      .empty());
            db::UnitHandover next = handovers[0];
            next.at = common::Timestamp{std::chrono::seconds{300}};
            next.from_unit = "Sở Xây dựng";
            next.to_unit = "UBND phường Hải Châu";
            next.due_at = common::Timestamp{std::chrono::seconds{400}};
            (void)tx.insert_unit_handover(next).value();
            handovers = tx.unit_handovers_of(1).value();
            REQUIRE(handovers.size() == 2);
            CHECK(handovers[1].due_at == next.due_at);
            // Past its deadline and still the latest: listed; before it: not.
            const auto late =
                tx.unit_handovers_due_before(common::Timestamp{std::chrono::seconds{401}}).value();
            REQUIRE(late.size() == 1);
            CHECK(late[0].to_unit == "UBND phường Hải Châu");
            CHECK(tx.unit_handovers_due_before(common::Timestamp{std::chrono::seconds{400}})
                      .value()
                      .empty());
            return {};
          })
          .has_value());
}
