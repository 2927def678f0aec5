#include "scanner/detail/worker_process.hpp"

#include "scanner/messages.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace scanner::detail {

using common::ErrorCode;
using common::make_error;

namespace {

constexpr std::size_t k_stderr_keep = 4096;

// The last non-empty line the worker wrote to stderr, e.g. an assertion message.
std::string last_line(const std::string& text) {
  std::size_t end = text.find_last_not_of("\r\n ");
  if (end == std::string::npos) return {};
  std::size_t start = text.find_last_of('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  std::string line = text.substr(start, end - start + 1);
  if (line.size() > 240) line = line.substr(0, 240) + "…";
  return line;
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

WorkerProcess::WorkerProcess(std::string executable, int memory_limit_mb)
    : executable_(std::move(executable)), memory_limit_mb_(memory_limit_mb) {}

WorkerProcess::~WorkerProcess() { stop(); }

common::Result<void> WorkerProcess::start() {
  int sockets[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) != 0) {
    return make_error(
        ErrorCode::io_error,
        fmt::format("cannot create a channel to the decode worker: {}", std::strerror(errno)));
  }
  int err_pipe[2];
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(sockets[0]);
    ::close(sockets[1]);
    return make_error(
        ErrorCode::io_error,
        fmt::format("cannot create a pipe to the decode worker: {}", std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, sockets[1], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, sockets[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  std::string memory_arg = std::to_string(memory_limit_mb_);
  char* argv[] = {const_cast<char*>(executable_.c_str()), const_cast<char*>("--memory-mb"),
                  memory_arg.data(), nullptr};
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, executable_.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(sockets[1]);
  ::close(err_pipe[1]);
  if (rc != 0) {
    ::close(sockets[0]);
    ::close(err_pipe[0]);
    return make_error(ErrorCode::io_error, fmt::format("cannot start the decode worker {}: {}",
                                                       executable_, std::strerror(rc)));
  }
  pid_ = pid;
  channel_ = sockets[0];
  errors_ = err_pipe[0];
  ::fcntl(channel_, F_SETFL, ::fcntl(channel_, F_GETFL) | O_NONBLOCK);
  ::fcntl(errors_, F_SETFL, ::fcntl(errors_, F_GETFL) | O_NONBLOCK);
  stderr_tail_.clear();
  return {};
}

void WorkerProcess::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  pid_ = -1;
  close_fd(channel_);
  close_fd(errors_);
}

common::Error WorkerProcess::reap_and_describe() {
  // Collect what the worker said on its way out before it is gone.
  char buffer[4096];
  ssize_t n;
  while (errors_ >= 0 && (n = ::read(errors_, buffer, sizeof buffer)) > 0) {
    stderr_tail_.append(buffer, static_cast<std::size_t>(n));
  }
  int status = 0;
  pid_t got;
  while ((got = ::waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
  }
  common::Text what;
  if (got == pid_ && WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    what = common::Text{msg::decoder_crashed, {{"signal", sig}, {"signal_name", strsignal(sig)}}};
  } else if (got == pid_ && WIFEXITED(status)) {
    what = common::Text{msg::decoder_exited, {{"status", WEXITSTATUS(status)}}};
  } else {
    what = common::Text{msg::decoder_silent};
  }
  std::string last = last_line(stderr_tail_);
  pid_ = -1;
  close_fd(channel_);
  close_fd(errors_);
  if (last.empty()) return make_error(ErrorCode::crashed, *what.def, what.args);
  return make_error(ErrorCode::crashed, msg::decoder_output,
                    {{"reason", std::move(what)}, {"output", last}});
}

common::Result<WorkerResponse> WorkerProcess::call(const WorkerRequest& request,
                                                   std::span<const std::uint8_t> payload,
                                                   std::chrono::milliseconds limit) {
  if (pid_ <= 0) {
    TRY(start());
  }
  std::string out = encode_request(request) + "\n";
  out.append(reinterpret_cast<const char*>(payload.data()), payload.size());
  std::size_t sent = 0;
  std::string in;
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      stop();
      return make_error(ErrorCode::timeout, msg::decode_timeout,
                        {{"seconds", fmt::format("{:.1f}", limit.count() / 1000.0)}});
    }
    pollfd fds[2] = {{channel_, static_cast<short>(POLLIN | (sent < out.size() ? POLLOUT : 0)), 0},
                     {errors_, POLLIN, 0}};
    int ready = ::poll(fds, 2, static_cast<int>(left.count()));
    if (ready < 0) {
      if (errno == EINTR) continue;
      stop();
      return make_error(ErrorCode::io_error, fmt::format("poll failed: {}", std::strerror(errno)));
    }
    if (fds[1].revents & (POLLIN | POLLHUP)) {
      char buffer[4096];
      ssize_t n = ::read(errors_, buffer, sizeof buffer);
      if (n > 0) {
        stderr_tail_.append(buffer, static_cast<std::size_t>(n));
        if (stderr_tail_.size() > 2 * k_stderr_keep)
          stderr_tail_.erase(0, stderr_tail_.size() - k_stderr_keep);
      }
    }
    if ((fds[0].revents & POLLOUT) && sent < out.size()) {
      ssize_t n = ::send(channel_, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
      if (n > 0) sent += static_cast<std::size_t>(n);
      if (n < 0 && errno != EAGAIN && errno != EINTR) {
        return reap_and_describe();
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      char buffer[65536];
      ssize_t n = ::recv(channel_, buffer, sizeof buffer, 0);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        return reap_and_describe();
      }
      if (n > 0) in.append(buffer, static_cast<std::size_t>(n));
      if (auto newline = in.find('\n'); newline != std::string::npos) {
        auto response = decode_response(std::string_view(in).substr(0, newline));
        if (!response) stop();  // a worker that garbles its answer is not trusted again
        return response;
      }
    }
  }
}

}  // namespace scanner::detail
