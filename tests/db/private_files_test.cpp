// The desk's personal data on disk is its alone: the database with its -wal and -shm files and
// the kept images are created 0600 in 0700 folders whatever the umask, found wider and made
// private when opened; an empty file is not taken for a database; a full disk says so.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "common/private_files.hpp"
#include "db/image_store.hpp"
#include "db/store.hpp"
#include "tests/support/files.hpp"
#include "tests/support/store.hpp"

namespace {

namespace fs = std::filesystem;
using common::ErrorCode;
using common::Result;
using test_support::TempDir;

// The permission bits of `path` ("0600"), or "missing".
std::string mode_of(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "missing";
  return fmt::format("{:04o}", st.st_mode & 07777);
}

// Sets the process umask for the scope of one test.
struct Umask {
  mode_t before;
  explicit Umask(mode_t mask) : before(::umask(mask)) {}
  ~Umask() { ::umask(before); }
};

std::span<const std::uint8_t> bytes_of(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// Writes one dossier, so the WAL has content.
Result<void> write_a_dossier(db::Store& store) {
  return store.write([](db::Transaction& tx) -> Result<void> {
    TRY_ASSIGN(const db::Id agency, tx.upsert_agency(db::Agency{0, "000.00.05.H12", "Một cửa"}));
    db::Dossier d;
    d.agency_id = agency;
    d.lookup_code = "ABCD2345";
    TRY(tx.insert_dossier(d));
    return {};
  });
}

}  // namespace

TEST_CASE(
    "regression: the database, its -wal and -shm files and kept images are the desk's alone "
    "whatever the umask [sqlite]") {
  TempDir dir;
  const Umask umask(022);
  const fs::path var = dir / "var";
  auto store = test_support::open_store(var / "hoso.db");
  REQUIRE_MESSAGE(store.has_value(), (store ? std::string() : store.error().message));
  REQUIRE(write_a_dossier(**store).has_value());
  CHECK(mode_of(var) == "0700");
  CHECK(mode_of(var / "hoso.db") == "0600");
  CHECK(mode_of(var / "hoso.db-wal") == "0600");
  CHECK(mode_of(var / "hoso.db-shm") == "0600");

  db::ImageStore images(var / "images");
  const auto hash = images.put(bytes_of("an envelope with an ID card QR"), "jpg");
  REQUIRE(hash.has_value());
  CHECK(mode_of(var / "images") == "0700");
  CHECK(mode_of(var / "images" / hash->substr(0, 2)) == "0700");
  CHECK(mode_of(images.path_of(*hash, "jpg")) == "0600");
}

TEST_CASE(
    "regression: a database other users could read is made private when it is opened [sqlite]") {
  TempDir dir;
  const Umask umask(022);
  const fs::path path = dir / "hoso.db";
  { REQUIRE(test_support::open_store(path).has_value()); }
  REQUIRE(::chmod(path.c_str(), 0644) == 0);
  test_support::write_file(dir / "hoso.db-wal", "");  // left by a crash, as SQLite made it then
  REQUIRE(::chmod((dir / "hoso.db-wal").c_str(), 0664) == 0);

  db::SqliteOptions options;
  options.create = false;
  auto store = test_support::open_store(path, options);
  REQUIRE_MESSAGE(store.has_value(), (store ? std::string() : store.error().message));
  REQUIRE(write_a_dossier(**store).has_value());
  CHECK(mode_of(path) == "0600");
  CHECK(mode_of(dir / "hoso.db-wal") == "0600");
  CHECK(mode_of(dir / "hoso.db-shm") == "0600");
}

TEST_CASE(
    "regression: an empty file given as the database is refused like a missing one [sqlite]") {
  TempDir dir;
  const fs::path empty = dir / "empty.db";
  test_support::write_file(empty, "");
  db::SqliteOptions options;
  options.create = false;
  auto store = test_support::open_store(empty, options);
  REQUIRE_FALSE(store.has_value());
  CHECK(store.error().code == ErrorCode::not_found);
  CHECK(store.error().text.id() == "empty_database_file");
  CHECK(store.error().message.find(empty.string()) != std::string::npos);
  CHECK(fs::file_size(empty) == 0);  // left as it was

  auto missing = test_support::open_store(dir / "nope.db", options);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == ErrorCode::not_found);
  CHECK(missing.error().text.id() == "no_database");

  // `hoso init` (create) makes a database of an empty file.
  CHECK(test_support::open_store(empty).has_value());
}

TEST_CASE(
    "regression: a full disk is reported as a full disk, at start and when writing [sqlite]") {
  TempDir dir;
  const fs::path disk = dir / "disk";
  fs::create_directory(disk);
  // Room for a new database of the current schema with its -wal and -shm while it is created
  // (512 KB stopped being enough at schema v8), and not much more.
  const auto report = test_support::on_small_disk(disk, 1024 * 1024, [&]() -> std::string {
    const fs::path path = disk / "hoso.db";
    {
      test_support::open_store(path).value();
    }  // the schema fits; closing removes the -wal and -shm
    std::string out;
    {
      // Fill the disk: what is left cannot hold a -shm file.
      std::string block(4096, 'x');
      for (int i = 0; i < 1000; ++i) {
        if (!common::write_private_file(disk / fmt::format("filler-{}", i), block)) break;
      }
      auto opened = test_support::open_store(path);
      out += "at start: " + (opened ? std::string("opened") : opened.error().message) + "\n";
      if (!opened) out += "id: " + std::string(opened.error().text.id()) + "\n";
      const auto kept = common::write_private_file(disk / "more", block);
      out += "a file: " + (kept ? std::string("written") : kept.error().message) + "\n";
    }
    {
      // Room to open, not to write much.
      for (int i = 0; i < 40; ++i) fs::remove(disk / fmt::format("filler-{}", i));
      auto store = test_support::open_store(path).value();
      Result<void> written;
      for (int round = 0; round < 200 && written; ++round) {
        // New content each time: SQLite does not rewrite pages that would not change.
        written = store->write([round](db::Transaction& tx) {
          return tx.set_setting("filler",
                                std::string(64 * 1024, static_cast<char>('a' + round % 26)));
        });
      }
      out += "writing: " + (written ? std::string("written") : written.error().message) + "\n";
    }
    return out;
  });
  if (!report) {
    MESSAGE("skipped: mounting a small disk needs root");
    return;
  }
  INFO(*report);
  const std::string full = fmt::format("the disk holding {} is full", disk.string());
  CHECK(report->find("at start: " + full) != std::string::npos);
  CHECK(report->find("id: disk_full") != std::string::npos);
  CHECK(report->find("a file: the disk holding " + (disk / "more").string() + " is full") !=
        std::string::npos);
  CHECK(report->find("writing: the disk holding the database is full") != std::string::npos);
}
