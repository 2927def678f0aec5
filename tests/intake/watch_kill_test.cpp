// `hoso watch` as a process: stopped by SIGTERM or SIGINT it finishes the file in hand and exits
// 0; killed with SIGKILL at random moments while files are being dropped, and restarted each
// time, it neither loses nor double-registers a file.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "db/image_store.hpp"
#include "tests/intake/hot_folder_support.hpp"

extern char** environ;

namespace {

using namespace hot_folder_test;
using SteadyClock = std::chrono::steady_clock;

// Starts `hoso watch` with `args` after the subcommand, its stdout and stderr appended to `log`.
pid_t spawn_watch(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<std::string> argv_strings = {(bin_dir() / "hoso").string(), "--log-level", "quiet",
                                           "watch"};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE_MESSAGE(rc == 0, "cannot start " << argv[0]);
  return pid;
}

// Waits for `pid` and returns its wait status.
int wait_for_exit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    REQUIRE(errno == EINTR);
  }
  return status;
}

// Polls `done` every few milliseconds until it holds or `limit` has passed; returns whether it
// held. For waiting on another process: what is awaited decides the outcome, never the clock.
template <class Predicate>
bool poll_until(Predicate done, std::chrono::milliseconds limit) {
  const auto deadline = SteadyClock::now() + limit;
  while (!done()) {
    if (SteadyClock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{3});
  }
  return true;
}

// Tells when the database's write-ahead log is written: a registration is being committed. Used
// to kill `hoso watch` in the middle of a commit, or just after it, before the file is moved.
class WalWrites {
 public:
  explicit WalWrites(const fs::path& database)
      : log_name_(database.filename().string() + "-wal"),
        fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
    REQUIRE(fd_ >= 0);
    REQUIRE(::inotify_add_watch(fd_, database.parent_path().c_str(), IN_MODIFY) >= 0);
  }
  WalWrites(const WalWrites&) = delete;
  WalWrites& operator=(const WalWrites&) = delete;
  ~WalWrites() { ::close(fd_); }

  // Forgets the writes seen so far.
  void forget() { seen(); }

  // Waits up to `limit` for the next write to the log; returns whether one came.
  bool wait(std::chrono::milliseconds limit) {
    const auto deadline = SteadyClock::now() + limit;
    for (;;) {
      if (seen()) return true;
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
      if (left.count() <= 0) return false;
      pollfd fd{fd_, POLLIN, 0};
      ::poll(&fd, 1, static_cast<int>(left.count()));
    }
  }

 private:
  bool seen() {
    bool wal = false;
    alignas(inotify_event) char buffer[16 * 1024];
    ssize_t n = 0;
    while ((n = ::read(fd_, buffer, sizeof buffer)) > 0) {
      for (const char* p = buffer; p < buffer + n;) {
        const auto* event = reinterpret_cast<const inotify_event*>(p);
        p += sizeof(inotify_event) + event->len;
        if (event->len > 0 && log_name_ == event->name) wal = true;
      }
    }
    return wal;
  }

  std::string log_name_;
  int fd_;
};

std::string sha256_of_file(const fs::path& path) {
  const std::string content = read_file(path);
  return db::sha256_hex(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(content.data()), content.size()));
}

std::int64_t count_rows(SQLite::Database& database, const std::string& sql) {
  return database.execAndGet(sql).getInt64();
}

// The sample envelopes used as dropped files: distinct content, one tracking number each.
std::vector<std::string> sample_names(std::size_t count) {
  std::vector<std::string> names;
  for (const char* group : {"plain", "jpeg", "mixed"}) {
    for (int i = 1; i <= 11 && names.size() < count; ++i) {
      names.push_back(std::string(group) + (i < 10 ? "-0" : "-") + std::to_string(i) + ".jpg");
    }
  }
  return names;
}

}  // namespace

TEST_CASE("hoso watch stops on SIGTERM or SIGINT after the files in hand and exits 0 [sqlite]") {
  int stop_signal = SIGTERM;
  SUBCASE("SIGTERM") { stop_signal = SIGTERM; }
  SUBCASE("SIGINT") { stop_signal = SIGINT; }
  CAPTURE(stop_signal);

  TempDir temp;
  const fs::path folder = temp / "scans";
  const fs::path database = temp / "var" / "hoso.db";
  fs::create_directories(folder);
  fresh_database(database).reset();
  const fs::path log = temp / "watch.log";
  const pid_t pid = spawn_watch(
      {folder.string(), "--db", database.string(), "--settle", "0.1", "--jobs", "1"}, log);
  const auto names = sample_names(6);
  for (const std::string& name : names) {
    drop_by_rename(folder, "." + name + ".tmp", name, read_file(sample_path(name)));
  }
  // Stop as soon as the first file is through: the next is then being scanned or registered.
  REQUIRE(poll_until([&] { return !files_in(folder / "done").empty(); }, std::chrono::seconds{60}));
  REQUIRE(::kill(pid, stop_signal) == 0);
  const int status = wait_for_exit(pid);
  INFO("hoso watch said: " << read_file(log));
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);

  // Every file is either registered and in done/, or untouched in the folder: none was left
  // registered but unmoved, none failed.
  const auto done = files_in(folder / "done");
  const auto waiting = files_in(folder);
  CHECK(done.size() + waiting.size() == names.size());
  CHECK(files_in(folder / "failed").empty());
  SQLite::Database db(database.string(), SQLite::OPEN_READWRITE);
  CHECK(count_rows(db, "SELECT COUNT(*) FROM scans") == static_cast<std::int64_t>(done.size()));
  for (const std::string& name : waiting) {
    CAPTURE(name);
    CHECK(read_file(folder / name) == read_file(sample_path(name)));
  }
}

TEST_CASE(
    "hoso watch moves a file it registered before a crash without registering it again [sqlite]") {
  TempDir temp;
  const fs::path folder = temp / "scans";
  const fs::path database = temp / "var" / "hoso.db";
  fs::create_directories(folder);
  fresh_database(database).reset();
  const fs::path log = temp / "watch.log";
  const std::vector<std::string> once = {folder.string(), "--db", database.string(),
                                         "--settle",      "0",    "--once"};
  const std::string image = read_file(sample_path("plain-09.jpg"));
  write_file(folder / "plain-09.jpg", image);
  int status = wait_for_exit(spawn_watch(once, log));
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  // The same bytes back in the folder under the same name: the state a kill -9 between the
  // registration's commit and the move leaves behind.
  fs::rename(folder / "done" / "plain-09.jpg", folder / "plain-09.jpg");
  const fs::path second_log = temp / "second.log";
  status = wait_for_exit(spawn_watch(once, second_log));
  const std::string said = read_file(second_log);
  INFO("hoso watch said: " << said);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(said.find("plain-09.jpg: taken before, dossier #1") != std::string::npos);
  CHECK(files_in(folder).empty());
  CHECK(files_in(folder / "done") == std::vector<std::string>{"plain-09.jpg"});
  SQLite::Database db(database.string(), SQLite::OPEN_READWRITE);
  CHECK(count_rows(db, "SELECT COUNT(*) FROM scans") == 1);
  CHECK(count_rows(db, "SELECT COUNT(*) FROM dossiers") == 1);
}

TEST_CASE(
    "hoso watch killed with SIGKILL at random moments and restarted neither loses nor "
    "double-registers a file [sqlite]") {
  const auto started = SteadyClock::now();
  constexpr unsigned k_seed = 20240611;
  constexpr int k_min_kills = 24;
  MESSAGE("seed " << k_seed);
  std::mt19937 random(k_seed);

  TempDir temp;
  const fs::path folder = temp / "scans";
  const fs::path database = temp / "var" / "hoso.db";
  fs::create_directories(folder);
  fresh_database(database).reset();
  const fs::path log = temp / "watch.log";
  const std::vector<std::string> watch_args = {
      folder.string(), "--db", database.string(), "--settle", "0.5", "--jobs", "2"};

  const auto names = sample_names(24);
  const auto truth = sample_tracking_numbers();
  std::map<std::string, std::string> sha_of;  // name -> content SHA-256
  for (const std::string& name : names) sha_of[name] = sha256_of_file(sample_path(name));

  // The mailroom: drops the files one by one, renamed in from a hidden or .part name, or written
  // in place in one go, with random gaps.
  std::atomic<bool> all_dropped{false};
  std::thread mailroom([&, seed = random()] {
    std::mt19937 gaps(seed);
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::string& name = names[i];
      const std::string content = read_file(sample_path(name));
      switch (i % 3) {
        case 0:
          drop_by_rename(folder, "." + name + ".tmp", name, content);
          break;
        case 1:
          drop_by_rename(folder, name + ".part", name, content);
          break;
        default:
          write_file(folder / name, content);
          break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(gaps() % 150));
    }
    all_dropped = true;
  });

  SQLite::Database watcher_db(database.string(), SQLite::OPEN_READWRITE);
  auto scans_committed = [&] { return count_rows(watcher_db, "SELECT COUNT(*) FROM scans"); };
  WalWrites wal_writes(database);

  // Kill at random moments: half after a random delay of 50-400 ms, half 0-5 ms after the
  // watcher starts writing a registration to the database (inside the commit, or just after it
  // and before the file is moved: the moments that could lose or double a file).
  int kills = 0;
  int kills_in_commit = 0;
  int kills_before_move = 0;  // kills that left a registered file in the folder
  for (; kills < k_min_kills || !all_dropped; ++kills) {
    const bool all_registered = scans_committed() == static_cast<std::int64_t>(names.size());
    wal_writes.forget();
    const pid_t pid = spawn_watch(watch_args, log);
    if (kills % 2 == 1 && !all_registered && wal_writes.wait(std::chrono::seconds{5})) {
      ++kills_in_commit;
      std::this_thread::sleep_for(std::chrono::microseconds(random() % 5000));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(50 + random() % 351));
    }
    REQUIRE(::kill(pid, SIGKILL) == 0);
    const int status = wait_for_exit(pid);
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
    // Did this kill land between a commit and the move? The next run must then only move it.
    for (const std::string& name : files_in(folder)) {
      if (!sha_of.count(name)) continue;
      SQLite::Statement by_key(watcher_db, "SELECT COUNT(*) FROM scans WHERE idempotency_key = ?");
      by_key.bind(1, "watch:" + sha_of[name] + ":0");
      if (by_key.executeStep() && by_key.getColumn(0).getInt64() > 0) ++kills_before_move;
    }
  }
  mailroom.join();
  const std::int64_t committed_before_drain = scans_committed();

  // Drain what is left with --once: it must take everything and exit 0.
  const pid_t drain =
      spawn_watch({folder.string(), "--db", database.string(), "--settle", "0.5", "--once"}, log);
  const int drain_status = wait_for_exit(drain);
  const std::string said = read_file(log);
  INFO("hoso watch said: " << said);
  REQUIRE(WIFEXITED(drain_status));
  CHECK(WEXITSTATUS(drain_status) == 0);

  // Nothing lost: every dropped file is in done/, under its own name, with its own content.
  CHECK(files_in(folder).empty());
  CHECK(files_in(folder / "failed").empty());
  std::vector<std::string> dropped(names);
  std::sort(dropped.begin(), dropped.end());
  const auto done = files_in(folder / "done");
  CHECK(done == dropped);
  for (const std::string& name : done) {
    CAPTURE(name);
    CHECK(sha256_of_file(folder / "done" / name) == sha_of[name]);
  }

  // Nothing registered twice: one scan per file under its key, one dossier per tracking number.
  SQLite::Database db(database.string(), SQLite::OPEN_READWRITE);
  CHECK(count_rows(db, "SELECT COUNT(*) FROM scans") == static_cast<std::int64_t>(names.size()));
  for (const std::string& name : names) {
    CAPTURE(name);
    SQLite::Statement by_key(db, "SELECT COUNT(*) FROM scans WHERE idempotency_key = ?");
    by_key.bind(1, "watch:" + sha_of[name] + ":0");
    REQUIRE(by_key.executeStep());
    CHECK(by_key.getColumn(0).getInt64() == 1);
    SQLite::Statement by_number(
        db, "SELECT COUNT(*) FROM shipments WHERE tracking_number = ? AND direction = 'inbound'");
    by_number.bind(1, truth.at(name));
    REQUIRE(by_number.executeStep());
    CHECK(by_number.getColumn(0).getInt64() == 1);
  }
  CHECK(count_rows(db, "SELECT COUNT(*) FROM dossiers") == static_cast<std::int64_t>(names.size()));
  CHECK(count_rows(db, "SELECT COUNT(*) FROM scans WHERE outcome <> 'registered'") == 0);
  auto integrity = db::integrity_check(database);
  REQUIRE(integrity.has_value());
  CHECK(*integrity == "ok");

  std::size_t replays = 0;
  for (std::size_t at = said.find("taken before"); at != std::string::npos;
       at = said.find("taken before", at + 1)) {
    ++replays;
  }
  CHECK(kills >= 20);
  MESSAGE(kills << " kills (" << kills_in_commit << " during a commit); " << committed_before_drain
                << " of " << names.size() << " files registered before the drain; "
                << kills_before_move << " kills left a registered file unmoved; " << replays
                << " replays printed; "
                << std::chrono::duration<double>(SteadyClock::now() - started).count() << " s");
}
