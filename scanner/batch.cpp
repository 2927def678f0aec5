#include "scanner/batch.hpp"

#include "scanner/messages.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
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

common::Result<std::vector<std::string>> collect_inputs(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& path : paths) {
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
    for (auto it = fs::recursive_directory_iterator(
             path, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec) && has_scannable_extension(it->path().string())) {
        found.push_back(it->path().string());
      }
    }
    if (ec) {
      return common::make_error(common::ErrorCode::io_error,
                                fmt::format("cannot read folder {}: {}", path, ec.message()));
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
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
