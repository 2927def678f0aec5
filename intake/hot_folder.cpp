#include "intake/hot_folder.hpp"

#include "intake/messages.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <system_error>
#include <utility>

#include "common/private_files.hpp"
#include "db/image_store.hpp"
#include "intake/envelope_reader.hpp"
#include "scanner/batch.hpp"

namespace intake {

namespace fs = std::filesystem;
using common::ErrorCode;
using common::make_error;
using common::Result;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr std::string_view k_lock_file = ".hoso-watch.lock";
constexpr std::string_view k_reason_suffix = ".reason.txt";
constexpr std::string_view k_temp_suffix = ".tmp";
constexpr int k_max_name_suffix = 100'000;

// stop() runs in signal handlers: the flag it sets must not take a lock.
static_assert(std::atomic<bool>::is_always_lock_free);

// An error as a message argument: its message, or a technical failure's English words.
common::Text text_of(const common::Error& error) {
  if (!error.text.empty()) return error.text;
  return common::Text{msg::reason_as_written, {{"detail", error.message}}};
}

std::string errno_text(int err) { return std::error_code(err, std::generic_category()).message(); }

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(), text.end() - suffix.size(),
                    [](char a, char b) { return std::tolower(a) == std::tolower(b); });
}

class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// Lower-case hex SHA-256 of everything `fd` reads, streamed so a large file costs no memory.
Result<std::string> sha256_of(int fd) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  &EVP_MD_CTX_free);
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    return make_error(ErrorCode::internal, "OpenSSL could not start a SHA-256 digest");
  }
  std::vector<unsigned char> buffer(1 << 20);
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(ErrorCode::io_error, errno_text(errno));
    }
    if (n == 0) break;
    EVP_DigestUpdate(context.get(), buffer.data(), static_cast<std::size_t>(n));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context.get(), digest, &length) != 1) {
    return make_error(ErrorCode::internal, "OpenSSL could not finish a SHA-256 digest");
  }
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

// "scan.jpg" with n = 2 gives "scan-2.jpg"; n = 1 gives the name itself.
std::string with_suffix(const std::string& name, int n) {
  if (n == 1) return name;
  const auto dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return fmt::format("{}-{}", name, n);
  return fmt::format("{}-{}{}", name.substr(0, dot), n, name.substr(dot));
}

// rename(2) that never replaces `to`. Returns 0 or the errno.
int rename_no_replace(const fs::path& from, const fs::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  const int err = errno;
  if (err != EINVAL && err != ENOSYS) return err;
  // A filesystem without RENAME_NOREPLACE: look, then rename. The folder lock keeps other
  // watchers from creating names in done/ and failed/ in between.
  struct stat st {};
  if (::lstat(to.c_str(), &st) == 0) return EEXIST;
  return ::rename(from.c_str(), to.c_str()) == 0 ? 0 : errno;
}

// Writes `content` to `path` so that a reader (or a restart after kill -9) sees the old file or
// the whole new one: a hidden temporary file beside it, fsync, rename.
Result<void> write_atomically(const fs::path& path, const std::string& content) {
  const fs::path temp =
      path.parent_path() / fmt::format(".{}{}", path.filename().string(), k_temp_suffix);
  UniqueFd fd(
      ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, common::k_private_file_mode));
  if (fd.get() < 0) {
    return make_error(ErrorCode::io_error,
                      fmt::format("cannot write {}: {}", temp.string(), errno_text(errno)));
  }
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd.get(), content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return make_error(ErrorCode::io_error,
                        fmt::format("cannot write {}: {}", temp.string(), errno_text(errno)));
    }
    written += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd.get()) == 0;
  if (::close(fd.release()) != 0 || !synced) {
    return make_error(ErrorCode::io_error,
                      fmt::format("cannot write {}: {}", temp.string(), errno_text(errno)));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    return make_error(ErrorCode::io_error,
                      fmt::format("cannot write {}: {}", path.string(), errno_text(errno)));
  }
  return {};
}

std::int64_t mtime_ns(const struct stat& st) {
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

}  // namespace

bool hot_folder_ignores(std::string_view name) {
  if (name.empty() || name.front() == '.') return true;
  if (name == k_done_folder || name == k_failed_folder) return true;
  for (std::string_view suffix : {".tmp", ".part", ".crdownload"}) {
    if (ends_with_ignoring_case(name, suffix)) return true;
  }
  return false;
}

// One run() of the hot folder: the inotify watch, the files seen and not yet taken, and what
// becomes of each. Lives on run()'s thread only.
class HotFolder::Loop {
 public:
  Loop(HotFolder& owner, const std::function<void(const FileReport&)>& on_file)
      : owner_(owner),
        on_file_(on_file),
        done_dir_(owner.folder_ / k_done_folder),
        failed_dir_(owner.folder_ / k_failed_folder) {}

  Result<HotFolderSummary> run(const std::function<void()>& on_watching) {
    TRY(set_up());
    if (on_watching) on_watching();
    // The watch exists before the folder is listed, so no file falls between the two.
    rescan();
    while (!owner_.stop_requested_.load()) {
      TRY(read_events());
      const auto now = SteadyClock::now();
      const std::vector<std::string> due_now = due(now);
      if (!due_now.empty()) {
        take(due_now);
        if (fatal_) return *fatal_;
        continue;
      }
      if (owner_.options_.mode == HotFolderMode::once && !waiting()) break;
      pollfd fds[2] = {{inotify_fd_.get(), POLLIN, 0}, {owner_.wake_fd_, POLLIN, 0}};
      if (::poll(fds, 2, poll_timeout_ms(now)) < 0 && errno != EINTR) {
        return make_error(ErrorCode::io_error,
                          fmt::format("cannot wait for files in {}: {}", owner_.folder_.string(),
                                      errno_text(errno)));
      }
      if (fds[1].revents & POLLIN) {
        std::uint64_t count = 0;
        if (::read(owner_.wake_fd_, &count, sizeof count) < 0) {
          // Nothing to do: the flag, not the counter, says whether to stop.
        }
      }
    }
    summary_.left = files_in_folder();
    return summary_;
  }

 private:
  // What is known about a file in the folder that has not been taken yet.
  struct Candidate {
    std::uint64_t order = 0;  // arrival: files are taken oldest first
    bool closed = false;      // its writer closed it or renamed it in: complete
    std::optional<std::pair<std::int64_t, std::int64_t>> observed;  // size, mtime (ns)
    SteadyClock::time_point stable_since{};  // when `observed` was last seen to change
    SteadyClock::time_point next_check{};
    bool waiting_retry = false;  // the database refused it; tried again at retry_at
    SteadyClock::time_point retry_at{};
    bool given_up = false;  // once mode: the database refused it; left in the folder
  };

  Result<void> set_up() {
    const fs::path& folder = owner_.folder_;
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
      return make_error(ErrorCode::not_found, msg::hf_no_folder, {{"folder", folder.string()}});
    }
    if (owner_.wake_fd_ < 0) {
      return make_error(ErrorCode::io_error, "cannot create an eventfd to wait for files");
    }
    // done/ and failed/ keep the envelopes (an ID card's QR on them): the desk's alone, whoever
    // may drop files into the folder itself.
    for (const fs::path& sub : {done_dir_, failed_dir_}) {
      if (::mkdir(sub.c_str(), common::k_private_folder_mode) != 0 && errno != EEXIST) {
        return make_error(ErrorCode::io_error, fmt::format("cannot create the folder {}: {}",
                                                           sub.string(), errno_text(errno)));
      }
      if (!fs::is_directory(sub, ec)) {
        return make_error(ErrorCode::io_error, msg::hf_sub_not_folder, {{"path", sub.string()}});
      }
      // A share that refuses chmod (CIFS, vfat) or a folder of another account is said, not
      // fatal: the scanners' folder is theirs to set up.
      const auto tightened = common::make_private(sub);
      if (!tightened) {
        spdlog::warn("{}", tightened.error().message);
      } else if (*tightened) {
        spdlog::warn("{} (it was open to other users)", **tightened);
      }
    }

    const fs::path lock_path = folder / k_lock_file;
    lock_fd_ = UniqueFd(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (lock_fd_.get() < 0) {
      return make_error(ErrorCode::io_error, fmt::format("cannot create the lock file {}: {}",
                                                         lock_path.string(), errno_text(errno)));
    }
    if (::flock(lock_fd_.get(), LOCK_EX | LOCK_NB) != 0) {
      char pid[32] = {};
      const ssize_t n = ::pread(lock_fd_.get(), pid, sizeof pid - 1, 0);
      std::string holder =
          n > 0 ? fmt::format(" (pid {})", std::string(pid, std::strlen(pid))) : std::string();
      return make_error(ErrorCode::invalid_argument, msg::hf_locked,
                        {{"holder", holder}, {"folder", folder.string()}});
    }
    const std::string pid = std::to_string(::getpid());
    if (::ftruncate(lock_fd_.get(), 0) != 0 ||
        ::pwrite(lock_fd_.get(), pid.data(), pid.size(), 0) < 0) {
      // The pid is only for the message above; the lock itself holds.
    }
    remove_stale_temporaries();

    inotify_fd_ = UniqueFd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (inotify_fd_.get() < 0) {
      return make_error(ErrorCode::io_error, fmt::format("cannot watch {}: inotify: {} (raise "
                                                         "fs.inotify.max_user_instances?)",
                                                         folder.string(), errno_text(errno)));
    }
    const std::uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MOVED_FROM |
                               IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR |
                               IN_EXCL_UNLINK;
    if (::inotify_add_watch(inotify_fd_.get(), folder.c_str(), mask) < 0) {
      return make_error(ErrorCode::io_error, fmt::format("cannot watch {}: inotify: {} (raise "
                                                         "fs.inotify.max_user_watches?)",
                                                         folder.string(), errno_text(errno)));
    }
    return {};
  }

  // Reason files half-written by a killed run are hidden temporaries in failed/.
  void remove_stale_temporaries() {
    std::error_code ec;
    for (fs::directory_iterator it(failed_dir_, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name.front() == '.' &&
          name.ends_with(fmt::format("{}{}", k_reason_suffix, k_temp_suffix))) {
        std::error_code ignored;
        fs::remove(it->path(), ignored);
      }
    }
  }

  void rescan() {
    std::error_code ec;
    for (fs::directory_iterator it(owner_.folder_, ec), end; !ec && it != end; it.increment(ec)) {
      notice(it->path().filename().string(), false);
    }
  }

  int files_in_folder() const {
    int count = 0;
    std::error_code ec;
    for (fs::directory_iterator it(owner_.folder_, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code ignored;
      if (!hot_folder_ignores(it->path().filename().string()) && !it->is_directory(ignored)) {
        ++count;
      }
    }
    return count;
  }

  void notice(const std::string& name, bool closed) {
    if (hot_folder_ignores(name)) return;
    auto [it, inserted] = candidates_.try_emplace(name);
    Candidate& c = it->second;
    if (inserted) c.order = next_order_++;
    if (closed) {
      // New content: whatever held the file back before may not hold now.
      c.closed = true;
      c.waiting_retry = false;
      c.given_up = false;
    }
  }

  Result<void> read_events() {
    alignas(inotify_event) char buffer[64 * 1024];
    for (;;) {
      const ssize_t n = ::read(inotify_fd_.get(), buffer, sizeof buffer);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return {};
        return make_error(ErrorCode::io_error,
                          fmt::format("cannot read inotify events for {}: {}",
                                      owner_.folder_.string(), errno_text(errno)));
      }
      for (const char* p = buffer; p < buffer + n;) {
        const auto* event = reinterpret_cast<const inotify_event*>(p);
        p += sizeof(inotify_event) + event->len;
        if (event->mask & IN_Q_OVERFLOW) {
          // Events were lost: what is in the folder now is the truth; unclosed files settle.
          rescan();
          continue;
        }
        if (event->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)) {
          return make_error(ErrorCode::not_found, msg::hf_folder_gone,
                            {{"folder", owner_.folder_.string()}});
        }
        if (event->len == 0 || (event->mask & IN_ISDIR)) continue;
        const std::string name(event->name);
        if (event->mask & (IN_DELETE | IN_MOVED_FROM)) {
          candidates_.erase(name);
          continue;
        }
        notice(name, (event->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) != 0);
      }
    }
  }

  // The files to take now, oldest first. Forgets files that are gone; starts or continues the
  // settle clock of files that were not closed by their writer.
  std::vector<std::string> due(SteadyClock::time_point now) {
    std::vector<std::pair<std::uint64_t, std::string>> ready;
    for (auto it = candidates_.begin(); it != candidates_.end();) {
      Candidate& c = it->second;
      if (c.given_up) {
        ++it;
        continue;
      }
      if (c.waiting_retry) {
        if (now < c.retry_at) {
          ++it;
          continue;
        }
        c.waiting_retry = false;
        c.closed = true;  // it was complete when it was first taken
      }
      if (!c.closed && now < c.next_check) {
        ++it;
        continue;
      }
      struct stat st {};
      const fs::path path = owner_.folder_ / it->first;
      if (::lstat(path.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) {
        it = candidates_.erase(it);
        continue;
      }
      if (!S_ISREG(st.st_mode)) {  // a link, a pipe, a device: failed/ will say why
        ready.emplace_back(c.order, it->first);
        ++it;
        continue;
      }
      // An empty file that was closed is more often a placeholder about to be filled than an
      // envelope: it is taken only once it has settled.
      if (c.closed && st.st_size == 0) c.closed = false;
      if (c.closed) {
        ready.emplace_back(c.order, it->first);
        ++it;
        continue;
      }
      const std::pair<std::int64_t, std::int64_t> seen{st.st_size, mtime_ns(st)};
      if (!c.observed || *c.observed != seen) {
        c.observed = seen;
        c.stable_since = now;
      }
      if (now - c.stable_since >= owner_.options_.settle) {
        ready.emplace_back(c.order, it->first);
      } else {
        c.next_check = c.stable_since + owner_.options_.settle;
      }
      ++it;
    }
    std::sort(ready.begin(), ready.end());
    std::vector<std::string> names;
    for (auto& [order, name] : ready) names.push_back(std::move(name));
    return names;
  }

  // True while some file in the folder may still be taken.
  bool waiting() const {
    return std::any_of(candidates_.begin(), candidates_.end(),
                       [](const auto& entry) { return !entry.second.given_up; });
  }

  int poll_timeout_ms(SteadyClock::time_point now) const {
    std::optional<SteadyClock::time_point> next;
    for (const auto& [name, c] : candidates_) {
      if (c.given_up) continue;
      const auto at = c.waiting_retry ? c.retry_at : c.next_check;
      if (!next || at < *next) next = at;
    }
    if (!next) return -1;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(*next - now).count();
    return static_cast<int>(std::clamp<std::int64_t>(ms, 0, INT_MAX));
  }

  struct Job {
    std::string name;
    std::string sha256;
  };

  // Takes up to the scanner's jobs files among `names`: scans them in parallel, then registers
  // and moves them one at a time.
  void take(const std::vector<std::string>& names) {
    const std::size_t batch = static_cast<std::size_t>(std::max(1, owner_.scanner_.options().jobs));
    std::vector<Job> jobs;
    std::vector<std::string> paths;
    for (const std::string& name : names) {
      if (jobs.size() == batch || owner_.stop_requested_.load()) break;
      if (auto job = prepare(name)) {
        paths.push_back((owner_.folder_ / name).string());
        jobs.push_back(std::move(*job));
      }
    }
    if (jobs.empty()) return;
    // Once scanned, every file of the batch is registered and moved, even after stop(): that is
    // quick, and a file scanned but not registered would only be scanned again next time.
    scanner::scan_batch(owner_.scanner_, paths,
                        [&](std::size_t index, const scanner::FileResult& result) {
                          if (!fatal_) finish(jobs[index], result);
                        });
  }

  // Checks that `name` can be scanned and hashes it. Moves it to failed/ and returns nullopt
  // when it cannot be registered at all; returns nullopt for a file that is gone.
  std::optional<Job> prepare(const std::string& name) {
    const fs::path path = owner_.folder_ / name;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) {
      candidates_.erase(name);
      return std::nullopt;
    }
    FileReport report;
    report.name = name;
    if (!scanner::has_scannable_extension(name)) {
      const std::string ext = fs::path(name).extension().string();
      fail(report,
           common::Text{
               msg::hf_not_scannable,
               {{"name", name}, {"ext", ext.empty() ? std::string() : fmt::format(" ({})", ext)}}},
           common::Text{msg::hf_advice_rescan});
      return std::nullopt;
    }
    if (S_ISLNK(st.st_mode)) {
      fail(report, common::Text{msg::hf_symlink, {{"name", name}}},
           common::Text{msg::hf_advice_real_file});
      return std::nullopt;
    }
    if (!S_ISREG(st.st_mode)) {
      fail(report, common::Text{msg::hf_not_regular, {{"name", name}}},
           common::Text{msg::hf_advice_ordinary_file});
      return std::nullopt;
    }
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    const int open_error = fd.get() < 0 ? errno : 0;
    if (open_error == ENOENT) {
      candidates_.erase(name);
      return std::nullopt;
    }
    Result<std::string> sha256 =
        open_error != 0
            ? Result<std::string>(make_error(ErrorCode::io_error, errno_text(open_error)))
            : sha256_of(fd.get());
    if (!sha256) {
      fail(report,
           common::Text{msg::hf_unreadable, {{"name", name}, {"detail", text_of(sha256.error())}}},
           common::Text{msg::hf_advice_make_readable});
      return std::nullopt;
    }
    return Job{name, std::move(*sha256)};
  }

  void finish(const Job& job, const scanner::FileResult& result) {
    const std::string key = fmt::format("{}{}", k_hot_folder_key_prefix, job.sha256);
    std::vector<EnvelopeScan> scans = envelopes_from(result, owner_.classifier_, std::nullopt, key);
    // The bytes kept must be the bytes the key names: a file rewritten since it was hashed is
    // taken again once it has settled.
    if (!scans.empty() && !scans.front().image.empty() &&
        db::sha256_hex(scans.front().image) != job.sha256) {
      requeue(job.name);
      return;
    }
    FileReport report;
    report.name = job.name;
    report.page_count = std::max(1, result.page_count);
    report.note = result.warning;
    for (const EnvelopeScan& scan : scans) {
      Result<Registration> registration = owner_.registrar_.register_envelope(scan);
      if (registration) {
        report.envelopes.push_back(std::move(*registration));
        continue;
      }
      const common::Error& error = registration.error();
      switch (error.code) {
        case ErrorCode::io_error:
        case ErrorCode::unavailable:
          // The database or the image store refused for now (locked, disk full, unmounted).
          retry_later(report, text_of(error));
          return;
        case ErrorCode::invalid_argument:
          // The desk is not set up: no file can be registered until someone runs `hoso init`.
          fatal_ = error;
          return;
        case ErrorCode::bad_input:
        case ErrorCode::not_found:
        case ErrorCode::limit_exceeded:
        case ErrorCode::timeout:
        case ErrorCode::crashed:
        case ErrorCode::internal:
        case ErrorCode::conflict:
        case ErrorCode::unauthenticated:
        case ErrorCode::permission_denied:
          fail(report,
               common::Text{msg::hf_not_registered,
                            {{"name", job.name},
                             {"error", text_of(error)},
                             {"where", report.envelopes.empty()
                                           ? common::Text{msg::hf_full_stop}
                                           : common::Text{msg::hf_at_page,
                                                          {{"page", scan.page + 1},
                                                           {"pages", report.page_count}}}}}},
               common::Text{msg::hf_advice_fix_and_return});
          return;
      }
    }

    const Result<std::string> moved = move_into(job.name, done_dir_);
    if (!moved && moved.error().code != ErrorCode::not_found) {
      // Registered, but still in the folder: the next attempt replays the registration (the key
      // is taken) and tries the move again.
      retry_later(report,
                  common::Text{msg::hf_registered_not_moved,
                               {{"folder", k_done_folder}, {"detail", text_of(moved.error())}}});
      return;
    }
    if (moved) {
      report.moved_to = fs::path(k_done_folder) / *moved;
    } else {
      report.note = common::Text{msg::hf_removed};
    }
    candidates_.erase(job.name);
    ++summary_.done;
    summary_.envelopes += static_cast<int>(report.envelopes.size());
    on_file_(report);
  }

  // Moves `name` from the folder into `into` under its own name, or with a suffix when that name
  // is taken. Returns the new name; fails with not_found when the file is gone.
  Result<std::string> move_into(const std::string& name, const fs::path& into) {
    const fs::path from = owner_.folder_ / name;
    for (int n = 1; n <= k_max_name_suffix; ++n) {
      const std::string target = with_suffix(name, n);
      const int err = rename_no_replace(from, into / target);
      if (err == 0) return target;
      if (err == EEXIST) continue;
      return make_error(
          err == ENOENT ? ErrorCode::not_found : ErrorCode::io_error,
          fmt::format("cannot move {} to {}: {}", from.string(), into.string(), errno_text(err)));
    }
    return make_error(ErrorCode::io_error,
                      fmt::format("{} holds too many files named like {}", into.string(), name));
  }

  // Moves the file to failed/ with `problem` and `advice` in NAME.reason.txt beside it (written
  // first, so a failed file never lacks its reason), then reports it.
  void fail(FileReport& report, common::Text problem, common::Text advice) {
    report.outcome = FileOutcome::failed;
    report.problem = std::move(problem);
    report.advice = std::move(advice);
    const fs::path from = owner_.folder_ / report.name;
    for (int n = 1; n <= k_max_name_suffix; ++n) {
      const std::string target = with_suffix(report.name, n);
      struct stat st {};
      if (::lstat((failed_dir_ / target).c_str(), &st) == 0) continue;
      const fs::path reason_path = failed_dir_ / fmt::format("{}{}", target, k_reason_suffix);
      // The file beside the failed one is read in the folder itself, with no language chosen:
      // English, as the log.
      auto reason =
          write_atomically(reason_path, report.problem.render(common::Lang::en) + "\n" +
                                            report.advice.render(common::Lang::en) + "\n");
      if (!reason) {
        retry_later(report, common::Text{msg::hf_not_moved,
                                         {{"folder", k_failed_folder},
                                          {"detail", text_of(reason.error())}}});
        return;
      }
      const int err = rename_no_replace(from, failed_dir_ / target);
      if (err == EEXIST) continue;
      if (err == ENOENT) {
        std::error_code ignored;
        fs::remove(reason_path, ignored);
        candidates_.erase(report.name);
        return;
      }
      if (err != 0) {
        retry_later(report,
                    common::Text{msg::hf_not_moved,
                                 {{"folder", k_failed_folder}, {"detail", errno_text(err)}}});
        return;
      }
      report.moved_to = fs::path(k_failed_folder) / target;
      candidates_.erase(report.name);
      ++summary_.failed;
      summary_.envelopes += static_cast<int>(report.envelopes.size());
      on_file_(report);
      return;
    }
    retry_later(report, common::Text{msg::hf_too_many_named,
                                     {{"folder", failed_dir_.string()}, {"name", report.name}}});
  }

  // Leaves the file in the folder, to be taken again after options.retry_after (in once mode:
  // not in this run), and reports why.
  void retry_later(FileReport& report, common::Text problem) {
    Candidate& c = candidates_[report.name];
    const auto wait = owner_.options_.retry_after;
    report.outcome = FileOutcome::retry_later;
    report.problem =
        common::Text{msg::hf_not_yet, {{"name", report.name}, {"problem", std::move(problem)}}};
    report.moved_to.clear();
    if (owner_.options_.mode == HotFolderMode::once) {
      c.given_up = true;
      report.advice = common::Text{msg::hf_advice_stays};
    } else {
      c.waiting_retry = true;
      c.retry_at = SteadyClock::now() + wait;
      report.advice =
          common::Text{msg::hf_advice_retry_in,
                       {{"seconds", std::chrono::ceil<std::chrono::seconds>(wait).count()}}};
    }
    on_file_(report);
  }

  // Forgets that `name` was complete: it changed while it was being taken.
  void requeue(const std::string& name) {
    Candidate& c = candidates_[name];
    c.closed = false;
    c.observed.reset();
    c.next_check = SteadyClock::now();
  }

  HotFolder& owner_;
  const std::function<void(const FileReport&)>& on_file_;
  const fs::path done_dir_;
  const fs::path failed_dir_;
  UniqueFd lock_fd_;
  UniqueFd inotify_fd_;
  std::map<std::string, Candidate> candidates_;
  std::uint64_t next_order_ = 0;
  HotFolderSummary summary_;
  std::optional<common::Error> fatal_;
};

HotFolder::HotFolder(std::filesystem::path folder, HotFolderOptions options,
                     scanner::Scanner& scanner, const Classifier& classifier, Registrar& registrar)
    : folder_(std::move(folder)),
      options_(options),
      scanner_(scanner),
      classifier_(classifier),
      registrar_(registrar),
      wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

HotFolder::~HotFolder() {
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

common::Result<HotFolderSummary> HotFolder::run(
    const std::function<void(const FileReport&)>& on_file,
    const std::function<void()>& on_watching) {
  Loop loop(*this, on_file);
  return loop.run(on_watching);
}

void HotFolder::stop() noexcept {
  stop_requested_.store(true);
  if (wake_fd_ >= 0) {
    const std::uint64_t one = 1;
    if (::write(wake_fd_, &one, sizeof one) < 0) {
      // The counter is full or the descriptor closed: run() still sees the flag on its next turn.
    }
  }
}

}  // namespace intake
