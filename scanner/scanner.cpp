#include "scanner/scanner.hpp"

#include "scanner/messages.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "scanner/detail/worker_process.hpp"

namespace scanner {

using common::ErrorCode;
using common::make_error;
using detail::WorkerOp;
using detail::WorkerProcess;
using detail::WorkerRequest;

namespace fs = std::filesystem;

bool FileResult::readable() const {
  return !error && std::none_of(pages.begin(), pages.end(),
                                [](const PageResult& p) { return p.error.has_value(); });
}

std::size_t FileResult::symbol_count() const {
  std::size_t n = 0;
  for (const auto& p : pages) n += p.symbols.size();
  return n;
}

struct Scanner::Impl {
  ScannerOptions options;
  std::mutex mutex;
  std::condition_variable available;
  std::vector<std::unique_ptr<WorkerProcess>> idle;

  // Hands out a worker for the duration of one call, and takes it back.
  class Lease {
   public:
    Lease(Impl& impl) : impl_(impl) {
      std::unique_lock lock(impl_.mutex);
      impl_.available.wait(lock, [&] { return !impl_.idle.empty(); });
      worker_ = std::move(impl_.idle.back());
      impl_.idle.pop_back();
    }
    ~Lease() {
      std::lock_guard lock(impl_.mutex);
      impl_.idle.push_back(std::move(worker_));
      impl_.available.notify_one();
    }
    WorkerProcess& operator*() { return *worker_; }

   private:
    Impl& impl_;
    std::unique_ptr<WorkerProcess> worker_;
  };

  WorkerRequest request(WorkerOp op, const std::string& path, int page) const {
    WorkerRequest r;
    r.op = op;
    r.path = path;
    r.page = page;
    r.formats = options.formats;
    r.baseline = options.baseline;
    r.limits = options.limits;
    return r;
  }

  std::chrono::milliseconds time_limit() const {
    return std::chrono::milliseconds(std::max(1, options.limits.time_limit_ms));
  }

  // Decodes one page. When the full pipeline crashes its worker (a ZXing assertion on some crop),
  // the page is retried once in a fresh worker with the plain pass only before it is given up.
  PageResult decode_page(WorkerProcess& worker, const std::string& path, int page) {
    PageResult result;
    result.page = page;
    auto start = std::chrono::steady_clock::now();
    auto req = request(WorkerOp::decode, path, page);
    auto response = worker.call(req, {}, time_limit());
    if (!response && response.error().code == ErrorCode::crashed) {
      spdlog::debug("{} page {}: {}; retrying with the plain pass only", path, page + 1,
                    response.error().message);
      req.plain_only = true;
      response = worker.call(req, {}, time_limit());
    }
    result.ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!response) {
      result.error = response.error();
    } else if (!response->ok) {
      result.error = response->error;
    } else {
      result.symbols = std::move(response->symbols);
      // The protocol does not carry a symbol's page; the supervisor knows which page it asked for.
      for (auto& symbol : result.symbols) symbol.page = page;
      result.load_ms = response->load_ms;
      result.decode_ms = response->decode_ms;
    }
    return result;
  }

  FileResult scan(const std::string& path, const std::string& display_name) {
    FileResult result;
    result.file = display_name;
    Lease lease(*this);
    auto probed = (*lease).call(request(WorkerOp::probe, path, 0), {}, time_limit());
    if (!probed) {
      result.error = probed.error();
      return result;
    }
    if (!probed->ok) {
      result.error = probed->error;
      return result;
    }
    result.page_count = probed->page_count;
    int pages = std::min(result.page_count, std::max(1, options.limits.max_pages));
    if (pages < result.page_count) {
      result.warning =
          common::Text{msg::too_many_pages, {{"pages", result.page_count}, {"scanned", pages}}};
    }
    for (int page = 0; page < pages; ++page)
      result.pages.push_back(decode_page(*lease, path, page));
    return result;
  }
};

namespace {

std::string find_worker(const std::string& configured) {
  if (!configured.empty()) return configured;
  if (const char* env = std::getenv("HOSO_DECODE_WORKER"); env && *env) return env;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "hoso-decode-worker";
  return (self.parent_path() / "hoso-decode-worker").string();
}

}  // namespace

common::Result<Scanner> Scanner::open(ScannerOptions options) {
  options.worker_path = find_worker(options.worker_path);
  if (::access(options.worker_path.c_str(), X_OK) != 0) {
    return make_error(ErrorCode::not_found,
                      fmt::format("decode worker not found at {}: build it (make) or set "
                                  "HOSO_DECODE_WORKER to its path",
                                  options.worker_path));
  }
  if (options.formats.empty()) {
    return make_error(ErrorCode::invalid_argument, "no barcode formats enabled");
  }
  options.jobs = std::max(1, options.jobs);
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  for (int i = 0; i < options.jobs; ++i) {
    impl->idle.push_back(
        std::make_unique<WorkerProcess>(options.worker_path, options.limits.memory_limit_mb));
  }
  return Scanner(std::move(impl));
}

Scanner::Scanner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Scanner::Scanner(Scanner&&) noexcept = default;
Scanner& Scanner::operator=(Scanner&&) noexcept = default;
Scanner::~Scanner() = default;

const ScannerOptions& Scanner::options() const { return impl_->options; }

FileResult Scanner::scan_file(const std::string& path) { return impl_->scan(path, path); }

FileResult Scanner::scan_bytes(std::span<const std::uint8_t> content, const std::string& name) {
  // The worker reads files, and TIFF pages can only be counted from a file: spill to a private
  // temporary file that is removed whatever happens.
  std::string pattern = (fs::temp_directory_path() / "hoso-upload-XXXXXX").string();
  int fd = ::mkstemp(pattern.data());
  if (fd < 0) {
    FileResult result;
    result.file = name;
    result.error = make_error(ErrorCode::io_error, "cannot create a temporary file for the upload");
    return result;
  }
  struct Remove {
    std::string path;
    ~Remove() { ::unlink(path.c_str()); }
  } remove{pattern};
  std::size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (written < content.size()) {
    FileResult result;
    result.file = name;
    result.error = make_error(ErrorCode::io_error, "cannot write the upload to a temporary file");
    return result;
  }
  return impl_->scan(pattern, name);
}

common::Result<std::vector<Symbol>> Scanner::scan_frame(std::span<const std::uint8_t> grey,
                                                        int width, int height) {
  if (width <= 0 || height <= 0 ||
      grey.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height)) {
    return make_error(
        ErrorCode::invalid_argument,
        fmt::format("frame of {} bytes does not match {} × {} pixels", grey.size(), width, height));
  }
  Impl::Lease lease(*impl_);
  auto req = impl_->request(WorkerOp::frame, "", 0);
  req.width = width;
  req.height = height;
  auto response = (*lease).call(req, grey, impl_->time_limit());
  if (!response && response.error().code == ErrorCode::crashed) {
    req.plain_only = true;
    response = (*lease).call(req, grey, impl_->time_limit());
  }
  if (!response) return response.error();
  if (!response->ok) return response->error;
  return std::move(response->symbols);
}

}  // namespace scanner
