#include "scanner/batch.hpp"

#include "scanner/messages.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

namespace scanner {

namespace fs = std::filesystem;
using nlohmann::json;

bool has_scannable_extension(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  static const std::vector<std::string> k_extensions = {".jpg",  ".jpeg", ".png",  ".tif",
                                                        ".tiff", ".bmp",  ".webp", ".pdf"};
  return std::find(k_extensions.begin(), k_extensions.end(), ext) != k_extensions.end();
}

namespace {

// Why `path` cannot be scanned as a file without blocking or looping, or nullopt. A pipe would
// block whoever opens it until a writer comes; a symbolic link loop never resolves.
std::optional<common::Text> unscannable(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ELOOP) return common::Text{msg::input_link_loop, {{"path", path.string()}}};
    return std::nullopt;  // missing: the caller decides
  }
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    return common::Text{msg::input_not_regular, {{"path", path.string()}}};
  }
  return std::nullopt;
}

}  // namespace

common::Result<std::vector<std::string>> collect_inputs(const std::vector<std::string>& paths,
                                                        std::vector<SkippedInput>& skipped) {
  std::vector<std::string> files;
  for (const auto& path : paths) {
    if (auto reason = unscannable(path)) {
      skipped.push_back({path, std::move(*reason)});
      continue;
    }
    std::error_code ec;
    auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      return common::make_error(common::ErrorCode::not_found, msg::no_such_input, {{"path", path}});
    }
    if (!fs::is_directory(status)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    std::vector<SkippedInput> found_skipped;
    for (auto it = fs::recursive_directory_iterator(
             path, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (!has_scannable_extension(it->path().string())) continue;
      std::error_code type;
      if (it->is_regular_file(type)) {
        found.push_back(it->path().string());
      } else if (!it->is_directory(type)) {
        // Named rather than passed over in silence: a scanner's file that is not one.
        if (auto reason = unscannable(it->path())) {
          found_skipped.push_back({it->path().string(), std::move(*reason)});
        }
      }
    }
    if (ec) {
      return common::make_error(common::ErrorCode::io_error,
                                fmt::format("cannot read folder {}: {}", path, ec.message()));
    }
    std::sort(found.begin(), found.end());
    std::sort(found_skipped.begin(), found_skipped.end(),
              [](const SkippedInput& a, const SkippedInput& b) { return a.path < b.path; });
    files.insert(files.end(), found.begin(), found.end());
    skipped.insert(skipped.end(), found_skipped.begin(), found_skipped.end());
  }
  return files;
}

common::Result<std::vector<std::string>> collect_inputs(const std::vector<std::string>& paths) {
  std::vector<SkippedInput> skipped;
  return collect_inputs(paths, skipped);
}

void scan_batch(Scanner& scanner, const std::vector<std::string>& files,
                const std::function<void(std::size_t, const FileResult&)>& on_result) {
  std::vector<std::optional<FileResult>> results(files.size());
  std::mutex mutex;
  std::condition_variable ready;
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < files.size();) {
      FileResult r = scanner.scan_file(files[i]);
      std::lock_guard lock(mutex);
      results[i] = std::move(r);
      ready.notify_all();
    }
  };
  std::size_t threads =
      std::min<std::size_t>(static_cast<std::size_t>(scanner.options().jobs), files.size());
  std::vector<std::jthread> pool;
  for (std::size_t t = 0; t < threads; ++t) pool.emplace_back(work);
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::unique_lock lock(mutex);
    ready.wait(lock, [&] { return results[i].has_value(); });
    FileResult r = std::move(*results[i]);
    results[i].reset();
    lock.unlock();
    on_result(i, r);
  }
}

std::string to_json_lines(const FileResult& result) {
  auto line = [&](int page, double ms, const std::vector<Symbol>* symbols,
                  const common::Error* error) {
    json symbol_list = json::array();
    if (symbols) {
      for (const auto& s : *symbols) {
        json corners = json::array();
        for (const auto& p : s.corners) corners.push_back({p.x, p.y});
        symbol_list.push_back(
            {{"format", format_name(s.format)}, {"text", s.text}, {"corners", corners}});
      }
    }
    json j = {{"file", result.file},
              {"page", page},
              {"ms", std::round(ms * 10) / 10},
              {"symbols", symbol_list},
              {"error", error ? json(error->message) : json(nullptr)}};
    if (error) j["error_code"] = common::error_code_name(error->code);
    if (page == 0 && result.page_count > 1) j["pages"] = result.page_count;
    if (page == 0 && !result.warning.empty())
      j["warning"] = result.warning.render(common::Lang::en);
    return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  };
  if (result.error) return line(0, 0, nullptr, &*result.error);
  std::string out;
  for (const auto& page : result.pages) {
    out += line(page.page, page.ms, &page.symbols, page.error ? &*page.error : nullptr);
  }
  return out;
}

}  // namespace scanner
