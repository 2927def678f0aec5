// The hot folder: registers the image and PDF files that mailroom scanners drop into a folder,
// each exactly once, then moves each to done/ (registered, or waiting in the manual queue) or to
// failed/ (could not be registered; NAME.reason.txt beside it says why and what to do). A restart
// or a kill -9 at any moment neither loses nor double-registers a file. Linux only (inotify).
// Prints nothing and knows nothing about terminals, JSON or signals: results go to a callback.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "intake/classify.hpp"
#include "intake/registrar.hpp"
#include "scanner/scanner.hpp"

namespace intake {

// Idempotency keys of the hot folder: k_hot_folder_key_prefix + lower-case hex SHA-256 of the
// file's content, to which envelopes_from appends ":<page>". So the same bytes are registered
// once, whatever the file is called and however often the watcher is restarted.
inline constexpr std::string_view k_hot_folder_key_prefix = "watch:";

// Subfolders of the watched folder that processed files are moved into.
inline constexpr std::string_view k_done_folder = "done";
inline constexpr std::string_view k_failed_folder = "failed";

enum class HotFolderMode {
  watch,  // run until stop()
  once,   // take what is in the folder (waiting for files to settle), return when it is empty
};

struct HotFolderOptions {
  // A file whose writer never closes it (or that was there before the watch began) is taken once
  // its size and modification time have not changed for this long. A file is taken at once when
  // its writer closes it or renames it into the folder.
  std::chrono::milliseconds settle{2000};
  // After the database refused a file (io_error), it stays in the folder and is tried again this
  // much later. In once mode it is left in the folder instead.
  std::chrono::milliseconds retry_after{10'000};
  HotFolderMode mode = HotFolderMode::watch;
};

enum class FileOutcome {
  done,         // every envelope in it registered or queued for a person; moved to done/
  failed,       // could not be registered at all; moved to failed/ with a reason file
  retry_later,  // the database refused for now; left in the folder, tried again later
};

// What happened to one file. Holds no personal data: file names, tracking numbers, dossier ids.
struct FileReport {
  std::string name;  // the file's name as dropped into the folder
  FileOutcome outcome = FileOutcome::done;
  int page_count = 1;                   // pages in the file (envelopes of a sheet-fed PDF)
  std::vector<Registration> envelopes;  // done: one per page, in page order
  // failed and retry_later: what was wrong, and what to do about it (one sentence each).
  common::Text problem;
  common::Text advice;
  common::Text note;  // done: anything else staff should know (pages skipped over the limit)
  // Where the file is now, relative to the watched folder ("done/plain-01.jpg", or
  // "done/plain-01-2.jpg" when done/ already held that name). Empty when it was not moved.
  std::filesystem::path moved_to;
};

struct HotFolderSummary {
  int done = 0;       // files moved to done/
  int failed = 0;     // files moved to failed/
  int envelopes = 0;  // envelopes registered or queued (replays included)
  int left = 0;       // files still in the folder when run() returned
};

// True for names the hot folder never takes: hidden files (".name"), files still being written
// under a temporary name (*.tmp, *.part, *.crdownload, any case) and its own done/ and failed/.
bool hot_folder_ignores(std::string_view name);

class HotFolder {
 public:
  // `folder` must exist when run() is called. All references must outlive the HotFolder.
  HotFolder(std::filesystem::path folder, HotFolderOptions options, scanner::Scanner& scanner,
            const Classifier& classifier, Registrar& registrar);
  ~HotFolder();
  HotFolder(const HotFolder&) = delete;
  HotFolder& operator=(const HotFolder&) = delete;

  // Creates done/ and failed/, then takes files until stop() (or, in once mode, until no file is
  // waiting): scans up to the scanner's `jobs` files at once, registers their envelopes one at a
  // time (key: k_hot_folder_key_prefix + SHA-256 of the content), moves each file with rename(2)
  // (a name already in done/ or failed/ gets a "-2" suffix) and calls `on_file` once per file
  // taken, on the calling thread. A file without a scannable extension, or that is not a regular
  // file, goes to failed/; one the scanner cannot read goes to the manual queue and done/.
  // Holds the lock file DIR/.hoso-watch.lock while running, so one watcher takes from a folder.
  // `on_watching` (optional) is called once, on the calling thread, when the folder is locked and
  // watched: from then on a file is taken as soon as its writer closes it or renames it in.
  // Fails with not_found when the folder does not exist or is removed while watched,
  // invalid_argument when another watcher holds the folder or the desk is not initialised (the
  // file in hand stays in the folder), io_error when done/, failed/ or inotify cannot be set up.
  // Not reentrant: one run() at a time.
  common::Result<HotFolderSummary> run(const std::function<void(const FileReport&)>& on_file,
                                       const std::function<void()>& on_watching = {});

  // Asks run() to return once the files in hand are registered and moved; nothing new is started.
  // May be called before or during run(), from any thread or from a signal handler
  // (async-signal-safe). A stopped HotFolder stays stopped.
  void stop() noexcept;

 private:
  class Loop;

  std::filesystem::path folder_;
  HotFolderOptions options_;
  scanner::Scanner& scanner_;
  const Classifier& classifier_;
  Registrar& registrar_;
  std::atomic<bool> stop_requested_{false};
  int wake_fd_ = -1;  // eventfd that stop() writes to wake run() from poll()
};

}  // namespace intake
