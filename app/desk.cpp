#include "app/desk.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "app/messages.hpp"
#include "app/output.hpp"
#include "app/print_commands.hpp"
#include "common/exit_code.hpp"
#include "common/private_files.hpp"
#include "intake/desk_setup.hpp"
#include "intake/image_sweep.hpp"
#include "tracking/lifecycle.hpp"

namespace app {

std::filesystem::path database_path(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("HOSO_DB"); env && *env) return env;
  return k_default_db;
}

std::filesystem::path desk_folder(const std::filesystem::path& database) {
  if (db::is_postgres_uri(database.string())) {
    if (const char* env = std::getenv("HOSO_DATA"); env && *env) return env;
    return "var";
  }
  return database.parent_path();
}

std::filesystem::path image_root(const std::filesystem::path& database) {
  return desk_folder(database) / "images";
}

std::filesystem::path config_path(const std::string& flag, const std::filesystem::path& database) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("HOSO_CONFIG"); env && *env) return env;
  return desk_folder(database) / "hoso.json";
}

std::filesystem::path samples_dir() {
  if (const char* env = std::getenv("HOSO_SAMPLES"); env && *env) return env;
  std::error_code ec;
  if (std::filesystem::is_directory("samples/calendar", ec)) return "samples";
  return std::filesystem::path(HOSO_SOURCE_DIR) / "samples";
}

common::Result<std::unique_ptr<db::Store>> open_store(const std::filesystem::path& database) {
  db::SqliteOptions options;
  options.create = false;
  auto store = db::open_store(database.string(), options);
  if (!store && store.error().code == common::ErrorCode::not_found) {
    common::Error missing = std::move(store).error();
    common::Arg problem = missing.text.empty() ? common::Arg("problem", missing.message)
                                               : common::Arg("problem", std::move(missing.text));
    return common::make_error(common::ErrorCode::not_found, msg::run_init_first,
                              {std::move(problem)});
  }
  return store;
}

common::Result<std::vector<std::string>> make_desk_private(const std::filesystem::path& database,
                                                           const std::filesystem::path& config) {
  std::vector<std::string> changed;
  auto note = [&](std::optional<std::string> change) {
    if (change) changed.push_back(std::move(*change));
  };
  const std::filesystem::path folder =
      desk_folder(database).empty() ? std::filesystem::path(".") : desk_folder(database);
  struct stat st {};
  // A folder every user may write to, with the sticky bit (/tmp), is shared by design: the files
  // in it are private, the folder stays as it is.
  if (::stat(folder.c_str(), &st) == 0 && (st.st_mode & S_ISVTX) == 0) {
    TRY_ASSIGN(auto change, common::make_private(folder));
    note(std::move(change));
  }
  for (const auto& tree : {image_root(database), documents_dir(database)}) {
    TRY_ASSIGN(auto changes, common::make_private_tree(tree));
    for (std::string& c : changes) changed.push_back(std::move(c));
  }
  TRY_ASSIGN(auto change, common::make_private(config));
  note(std::move(change));
  for (const std::string& c : changed) spdlog::warn("{} (it was open to other users)", c);
  return changed;
}

common::Result<std::unique_ptr<Desk>> open_desk(const std::string& db_flag,
                                                intake::IntakeContext context) {
  auto desk = std::make_unique<Desk>();
  desk->database = database_path(db_flag);
  TRY_ASSIGN(auto store, open_store(desk->database));
  desk->store = std::move(store);
  desk->images = std::make_unique<db::ImageStore>(image_root(desk->database));

  TRY_ASSIGN(auto patterns, intake::stored_carrier_patterns(*desk->store));
  if (patterns) {
    TRY_ASSIGN(auto classifier,
               intake::Classifier::from_json(*patterns, "carrier patterns in the database"));
    desk->classifier = std::move(classifier);
  }
  desk->registrar = std::make_unique<intake::Registrar>(
      *desk->store, *desk->images, desk->classifier, desk->clock, std::move(context),
      tracking::receive_supplement_by_post);
  return desk;
}

void sweep_image_temporaries(const Desk& desk) {
  const auto swept = intake::sweep_stale_image_temporaries(
      desk.images->root(), std::filesystem::file_time_type::clock::now());
  if (swept.removed > 0) {
    spdlog::warn(
        "{}: removed {} temporary image files ({:.1f} MB) left by a process that was "
        "killed while storing them",
        desk.images->root().string(), swept.removed, swept.bytes / 1048576.0);
  }
  if (swept.failed > 0) {
    spdlog::warn("{}: {} temporary image files left by a killed process could not be removed",
                 desk.images->root().string(), swept.failed);
  }
}

std::string actor_or_user(const std::string& actor) {
  if (!actor.empty()) return actor;
  if (const char* user = std::getenv("USER"); user && *user) return user;
  return "staff";
}

int report_error(const common::Error& error, std::string_view hint) {
  std::fprintf(stderr, "hoso: %s\n", say(error).c_str());
  if (!hint.empty()) {
    std::fprintf(stderr, "  %s %.*s\n",
                 cli_lang() == common::Lang::vi ? "xem:" : "see:", static_cast<int>(hint.size()),
                 hint.data());
  }
  return static_cast<int>(common::exit_code_for(error.code));
}

}  // namespace app
