#include "intake/image_sweep.hpp"

#include <algorithm>
#include <system_error>

namespace intake {

namespace fs = std::filesystem;

namespace {

bool all_of_class(std::string_view text, bool (*member)(char)) {
  return !text.empty() && std::all_of(text.begin(), text.end(), member);
}

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool is_image_temporary_name(std::string_view name) {
  constexpr std::string_view k_suffix = ".tmp";
  if (name.size() < 1 + 64 + 1 + 1 + 1 + 1 + k_suffix.size()) return false;
  if (name.front() != '.' || !name.ends_with(k_suffix)) return false;
  name.remove_prefix(1);
  name.remove_suffix(k_suffix.size());
  if (!all_of_class(name.substr(0, 64), is_lower_hex) || name[64] != '.') return false;
  name.remove_prefix(65);
  const auto dot = name.find('.');
  if (dot == std::string_view::npos) return false;
  return all_of_class(name.substr(0, dot), is_digit) &&
         all_of_class(name.substr(dot + 1), is_digit);
}

SweepReport sweep_stale_image_temporaries(const fs::path& image_root, fs::file_time_type now,
                                          std::chrono::seconds min_age) {
  SweepReport report;
  std::error_code ec;
  for (fs::directory_iterator top(image_root, ec), end; !ec && top != end; top.increment(ec)) {
    std::error_code ignored;
    // Only the store's own fan-out folders, never through a link.
    if (top->path().filename().string().size() != 2 || top->is_symlink(ignored) ||
        !top->is_directory(ignored)) {
      continue;
    }
    std::error_code inner;
    for (fs::directory_iterator it(top->path(), inner); !inner && it != end; it.increment(inner)) {
      if (!is_image_temporary_name(it->path().filename().string())) continue;
      std::error_code status;
      if (!it->is_regular_file(status) || it->is_symlink(status)) continue;
      const auto modified = it->last_write_time(status);
      if (status || now - modified < min_age) continue;
      const auto size = it->file_size(status);
      if (fs::remove(it->path(), status) && !status) {
        ++report.removed;
        report.bytes += size;
      } else if (status) {
        ++report.failed;
      }
    }
  }
  return report;
}

}  // namespace intake
