// `hoso init` and `hoso serve` keep the desk's personal data its own: the database, its folder,
// kept images, printed documents and the config with the carrier password are made private when
// found open to other users, or the desk is refused when hoso cannot close them; an empty
// database file is refused with the command that makes one.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "app/desk.hpp"
#include "app/served_desk.hpp"
#include "tests/support/files.hpp"

using test_support::CommandResult;
using test_support::shell_quote;
using test_support::TempDir;

namespace {

namespace fs = std::filesystem;

std::string mode_of(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "missing";
  return fmt::format("{:04o}", st.st_mode & 07777);
}

// `umask 022; hoso <arguments>` in `dir`, in English, with the database at var/hoso.db.
CommandResult hoso(const TempDir& dir, const std::string& arguments) {
  const std::string program = shell_quote((test_support::bin_dir() / "hoso").string());
  return test_support::run_command(
      "umask 022; env HOSO_LANG=en HOSO_DB=var/hoso.db " + program + " " + arguments, dir.path());
}

CommandResult init(const TempDir& dir) {
  return hoso(dir, "init --agency 000.00.05.H12 --agency-name 'Bộ phận Một cửa' --procedures " +
                       shell_quote(std::string(HOSO_SOURCE_DIR) + "/samples/procedures.csv"));
}

}  // namespace

TEST_CASE(
    "regression: hoso init makes the desk's database and its folder private whatever the umask") {
  TempDir dir;
  const auto made = init(dir);
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  CHECK(mode_of(dir / "var") == "0700");
  CHECK(mode_of(dir / "var" / "hoso.db") == "0600");
}

TEST_CASE("regression: an empty database file is refused with the command that makes a desk") {
  TempDir dir;
  test_support::write_file(dir / "empty.db", "");
  const auto listed = hoso(dir, "dossier list --db empty.db");
  CHECK(listed.exit_code == 4);
  CHECK(listed.err ==
        "hoso: empty.db is an empty file (0 bytes), not a hoso database: run `hoso init` first "
        "(or give the right file with --db)\n");
  CHECK(fs::file_size(dir / "empty.db") == 0);
}

TEST_CASE("regression: hoso serve makes a desk that other users could read private again") {
  TempDir dir;
  REQUIRE(init(dir).exit_code == 0);
  const fs::path var = dir / "var";
  test_support::write_file(var / "images" / "ab" / "ab12.jpg", "envelope");
  test_support::write_file(var / "documents" / "000.00.05.H12-260302-0001" / "form-01.html",
                           "<p>Nguyễn Thị Lan</p>");
  test_support::write_file(var / "hoso.json",
                           R"({"carrier": {"name": "vnpost", "base_url": "http://127.0.0.1:9", )"
                           R"("username": "desk", "password": "secret"}})");
  for (const auto& [path, mode] : std::initializer_list<std::pair<fs::path, mode_t>>{
           {var, 0755},
           {var / "hoso.db", 0644},
           {var / "images", 0755},
           {var / "images" / "ab", 0755},
           {var / "images" / "ab" / "ab12.jpg", 0644},
           {var / "documents", 0755},
           {var / "documents" / "000.00.05.H12-260302-0001", 0755},
           {var / "documents" / "000.00.05.H12-260302-0001" / "form-01.html", 0644},
           {var / "hoso.json", 0644}}) {
    REQUIRE(::chmod(path.c_str(), mode) == 0);
  }

  std::string note;
  auto served = app::open_served_desk(var / "hoso.db", var / "hoso.json", note);
  REQUIRE_MESSAGE(served.has_value(), (served ? std::string() : served.error().message));
  CHECK(mode_of(var) == "0700");
  CHECK(mode_of(var / "hoso.db") == "0600");
  CHECK(mode_of(var / "hoso.db-wal") == "0600");
  CHECK(mode_of(var / "hoso.db-shm") == "0600");
  CHECK(mode_of(var / "images") == "0700");
  CHECK(mode_of(var / "images" / "ab") == "0700");
  CHECK(mode_of(var / "images" / "ab" / "ab12.jpg") == "0600");
  CHECK(mode_of(var / "documents") == "0700");
  CHECK(mode_of(var / "documents" / "000.00.05.H12-260302-0001") == "0700");
  CHECK(mode_of(var / "documents" / "000.00.05.H12-260302-0001" / "form-01.html") == "0600");
  CHECK(mode_of(var / "hoso.json") == "0600");
}

TEST_CASE("regression: hoso serve refuses a desk open to others that another account owns") {
  TempDir dir;
  REQUIRE(init(dir).exit_code == 0);
  const fs::path var = dir / "var";
  // The desk belongs to root; its folder is open to everyone. A server running as another
  // account cannot close it, and must not serve it as it is.
  REQUIRE(::chmod(dir.path().c_str(), 0755) == 0);
  REQUIRE(::chmod(var.c_str(), 0755) == 0);
  const auto report = test_support::as_user(65534, 65534, [&]() -> std::string {
    auto secured = app::make_desk_private(var / "hoso.db", var / "hoso.json");
    if (secured) return "made private";
    return std::string(secured.error().text.id()) + ": " + secured.error().message;
  });
  if (!report) {
    MESSAGE("skipped: running as another account needs root");
    return;
  }
  CHECK(*report == "not_private_owner: " + var.string() +
                       " is open to other users (mode 0755) and belongs to another account (uid "
                       "0), so it cannot be made private: give it to the account hoso runs as, or "
                       "set its mode to 0700");
  CHECK(mode_of(var) == "0755");
}
