// The desk's shared wiring for every command that touches the registry: where the database is
// (--db, then $HOSO_DB, then var/hoso.db), the image store beside it, the carrier patterns kept in
// the database by `hoso init`, and a Registrar over them. Wiring only; the logic lives in intake/.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "db/image_store.hpp"
#include "db/store.hpp"
#include "intake/classify.hpp"
#include "intake/registrar.hpp"

namespace app {

inline constexpr const char* k_default_db = "var/hoso.db";

// --db if given, else $HOSO_DB if set and non-empty, else var/hoso.db. A SQLite file's path, or
// a PostgreSQL connection URI ("postgresql://..."; db::is_postgres_uri).
std::filesystem::path database_path(const std::string& flag);

// The desk's own folder, holding its kept images, printed documents and config: the SQLite file's
// folder (var/hoso.db -> var/); for a PostgreSQL database, $HOSO_DATA if set and non-empty, else
// var/. Every `hoso serve` of a province on one database needs the same images: HOSO_DATA then
// names a folder they all reach (README, "A province on PostgreSQL").
std::filesystem::path desk_folder(const std::filesystem::path& database);

// Kept images live in the desk's folder: var/hoso.db -> var/images/.
std::filesystem::path image_root(const std::filesystem::path& database);

// The desk's config file (carrier address, credentials, timeouts): --config if given, else
// $HOSO_CONFIG if set and non-empty, else hoso.json beside the database (var/hoso.json).
std::filesystem::path config_path(const std::string& flag, const std::filesystem::path& database);

// Folder of the shipped sample data (procedures, calendar, carrier patterns): $HOSO_SAMPLES if set,
// else ./samples when it exists, else the source tree's samples/ this binary was built from.
std::filesystem::path samples_dir();

// Opens the initialised database at `database` (not_found with a hint to run `hoso init` when the
// file is missing or empty).
common::Result<std::unique_ptr<db::Store>> open_store(const std::filesystem::path& database);

// Takes other users' access off the desk's files that hold personal data, logging a warning for
// each change: the database's folder (unless it is a shared folder with the sticky bit, as /tmp),
// the kept images and printed documents beside the database and all under them (folders 0700,
// files 0600), and the config with the carrier password. The database file and its -wal and -shm
// are db::open_sqlite's. Returns what it changed. Fails with io_error (a message naming the file)
// when one of them is open to others and belongs to another account. For `hoso serve` and
// `hoso init`.
common::Result<std::vector<std::string>> make_desk_private(const std::filesystem::path& database,
                                                           const std::filesystem::path& config);

struct Desk {
  std::filesystem::path database;
  std::unique_ptr<db::Store> store;
  std::unique_ptr<db::ImageStore> images;
  intake::Classifier classifier;
  common::SystemClock clock;
  std::unique_ptr<intake::Registrar> registrar;
};

// Opens an initialised desk (fails with not_found and a hint to run `hoso init` when the database
// does not exist). The classifier uses the carrier patterns stored by `hoso init`.
common::Result<std::unique_ptr<Desk>> open_desk(const std::string& db_flag,
                                                intake::IntakeContext context);

// Removes the temporary images a killed process left in the desk's image store (see
// intake/image_sweep) and logs what it removed. For the long-running commands (serve, watch), at
// start: it lists every folder of the store.
void sweep_image_temporaries(const Desk& desk);

// The staff user an action is recorded under: --actor if given, else $USER, else "staff".
std::string actor_or_user(const std::string& actor);

// Prints "hoso: <message>" to stderr, in the CLI's language, and the command that helps when there
// is one (the libraries' messages name no commands), and returns the exit code for the error.
int report_error(const common::Error& error, std::string_view hint = {});

}  // namespace app
