// Helpers for every test executable: a private temporary folder, reading and writing files, where
// the built programs are, and running a program with its output captured. No library of ours.
#pragma once

#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace test_support {

namespace fs = std::filesystem;

inline fs::path bin_dir() { return fs::path(HOSO_BIN_DIR); }

// ---------------------------------------------------------------------------------------------
// Files

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("test fixture missing: " + path.string());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_file(const fs::path& path, std::string_view content) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("cannot write test fixture " + path.string());
}

// A fresh folder under the system's temporary folder, removed with everything in it on
// destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "hoso-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("cannot create a temporary folder from " + pattern);
    }
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }

  const fs::path& path() const { return path_; }
  fs::path operator/(std::string_view name) const { return path_ / name; }

  // Writes `content` to `name` (which may contain sub-folders) and returns the file's path.
  fs::path write(std::string_view name, std::string_view content) const {
    fs::path file = path_ / name;
    write_file(file, content);
    return file;
  }

 private:
  fs::path path_;
};

// ---------------------------------------------------------------------------------------------
// Running a program

inline std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

struct CommandResult {
  int exit_code = -1;  // -1 when the program did not exit normally
  std::string out;     // standard output
  std::string err;     // standard error
};

// Runs `command` with /bin/sh in `work_dir`, capturing its standard output and standard error.
inline CommandResult run_command(const std::string& command, const fs::path& work_dir) {
  fs::path err_file = work_dir / ".stderr";
  std::string full = "cd " + shell_quote(work_dir.string()) + " && " + command + " 2>" +
                     shell_quote(err_file.string());
  CommandResult result;
  std::FILE* pipe = ::popen(full.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run " + command);
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
  int status = ::pclose(pipe);
  if (status != -1 && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  std::error_code ignored;
  if (fs::exists(err_file, ignored)) result.err = read_file(err_file);
  fs::remove(err_file, ignored);
  return result;
}

// Starts `args` (the program's path first) with its standard output sent to /dev/null, and returns
// its process id without waiting for it, or -1 when it could not be started. The caller waits.
inline pid_t spawn_quiet(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int failed =
      ::posix_spawn(&pid, args.front().c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return failed == 0 ? pid : -1;
}

// ---------------------------------------------------------------------------------------------
// Work in a child process: as another user, or on a small disk of its own

// What a child process reported: its text, or nullopt when the system would not set it up (not
// root, or no right to mount): the caller says the check was skipped.
using ChildReport = std::optional<std::string>;

namespace detail {

// Forks; the child runs `setup` (false: cannot, exit 77) then `work`, and writes what `work`
// returns to a pipe the parent reads.
template <class Setup, class Work>
ChildReport in_child(Setup&& setup, Work&& work) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("cannot make a pipe");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("cannot fork");
  if (pid == 0) {
    ::close(fds[0]);
    int code = 0;
    std::string text;
    try {
      if (!setup()) {
        code = 77;
      } else {
        text = work();
      }
    } catch (const std::exception& e) {
      text = std::string("exception: ") + e.what();
    }
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fds[1], text.data() + done, text.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::_exit(code);  // no destructors, no doctest teardown: the parent owns those
  }
  ::close(fds[1]);
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0)
    text.append(buffer, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 77) return std::nullopt;
  return text;
}

}  // namespace detail

// Runs `work` in a child process whose `folder` (which must exist) is a new tmpfs of `bytes`, in
// a mount namespace of its own, so no other process sees it and it goes when the child ends: a
// disk that fills up. Needs root (CAP_SYS_ADMIN); nullopt without it.
template <class Work>
ChildReport on_small_disk(const fs::path& folder, std::size_t bytes, Work&& work) {
  return detail::in_child(
      [&] {
        if (::unshare(CLONE_NEWNS) != 0) return false;
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return false;
        const std::string size = "size=" + std::to_string(bytes);
        return ::mount("tmpfs", folder.c_str(), "tmpfs", 0, size.c_str()) == 0;
      },
      std::forward<Work>(work));
}

// Runs `work` in a child process as the user `uid` (group `gid`). Needs root; nullopt without it.
template <class Work>
ChildReport as_user(uid_t uid, gid_t gid, Work&& work) {
  return detail::in_child(
      [&] { return ::geteuid() == 0 && ::setgid(gid) == 0 && ::setuid(uid) == 0; },
      std::forward<Work>(work));
}

// The non-empty lines of `text`.
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

}  // namespace test_support
