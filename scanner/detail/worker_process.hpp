// The supervisor's handle on one decode worker process: starts it with posix_spawn (safe in a
// multi-threaded program, unlike fork), sends it requests, enforces a time limit per request, and
// turns a crash, a hang or a garbled answer into an Error. A dead worker is restarted on the next
// call. Not thread-safe: one caller at a time (the Scanner's pool hands out one worker per thread).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <span>
#include <string>

#include "common/result.hpp"
#include "scanner/detail/worker.hpp"

namespace scanner::detail {

class WorkerProcess {
 public:
  WorkerProcess(std::string executable, int memory_limit_mb);
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;
  ~WorkerProcess();

  // Sends `request` (followed by `payload` for frames) and waits up to `limit` for the answer.
  // Errors: crashed (the process died; the message names the signal and the library's last words),
  // timeout (killed after `limit`), io_error (could not start the process).
  common::Result<WorkerResponse> call(const WorkerRequest& request,
                                      std::span<const std::uint8_t> payload,
                                      std::chrono::milliseconds limit);

  bool running() const { return pid_ > 0; }

 private:
  common::Result<void> start();
  void stop();
  common::Error reap_and_describe();

  std::string executable_;
  int memory_limit_mb_;
  pid_t pid_ = -1;
  int channel_ = -1;  // socket: the worker's stdin and stdout
  int errors_ = -1;   // pipe: the worker's stderr
  std::string stderr_tail_;
};

}  // namespace scanner::detail
