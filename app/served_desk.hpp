// What `hoso serve` (and the demo's server) runs on: the desk opened from its database and config
// (store, image store, classifier, scanner workers, carrier, report tables), and the background
// jobs beside the HTTP server: the carrier sync on a schedule, the hot folder when configured, and
// the deadline warnings. Wiring only; the jobs call tracking/ and intake/.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "app/desk.hpp"
#include "app/desk_server.hpp"
#include "common/result.hpp"
#include "postal_api/carrier.hpp"
#include "scanner/scanner.hpp"
#include "tracking/report.hpp"

namespace app {

struct ServedDesk {
  std::unique_ptr<Desk> desk;
  std::optional<scanner::Scanner> scanner;
  std::unique_ptr<postal_api::Carrier> carrier;  // null without a config file
  tracking::ReportOptions report;

  DeskParts parts();
};

// Opens the initialised desk at `database` with its config file `config` (a missing config file
// means no carrier: `carrier_note` says so). Fails as open_desk, open_carrier or Scanner::open.
common::Result<std::unique_ptr<ServedDesk>> open_served_desk(const std::filesystem::path& database,
                                                             const std::filesystem::path& config,
                                                             std::string& carrier_note);

struct JobOptions {
  std::chrono::seconds sync_every{600};  // 0: no scheduled sync
  std::chrono::seconds due_every{3600};  // deadline warnings in the log
  std::filesystem::path hot_folder;      // empty: none
};

// The background jobs. Each runs on its own thread until stop(), which lets the work in hand
// finish (a sync stores what it has; the hot folder finishes the file in hand) and joins.
class DeskJobs {
 public:
  // Starts the jobs; with a hot folder, returns once the folder is locked and watched. Fails as
  // intake::HotFolder::run does before it watches: invalid_argument when another process (a
  // `hoso watch`) holds the folder, not_found when it does not exist, io_error when it cannot be
  // watched; the jobs started are stopped again.
  static common::Result<std::unique_ptr<DeskJobs>> start(ServedDesk& served,
                                                         const JobOptions& options);
  ~DeskJobs();  // stops
  void stop();

  DeskJobs(const DeskJobs&) = delete;
  DeskJobs& operator=(const DeskJobs&) = delete;

 private:
  struct Impl;
  explicit DeskJobs(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace app
