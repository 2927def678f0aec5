// Helpers shared by the hot-folder tests: a private temporary folder, a fresh desk database set up
// as `hoso init` leaves it, the sample envelopes with their expected tracking numbers, and small
// file helpers (dropping a file the way scanners do, listing a folder).
#pragma once

#include <doctest/doctest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "db/store.hpp"
#include "tests/scanner/test_support.hpp"
#include "tests/support/store.hpp"

namespace hot_folder_test {

namespace fs = std::filesystem;

inline constexpr const char* k_agency_code = "000.00.05.H12";

inline fs::path bin_dir() { return fs::path(HOSO_BIN_DIR); }
inline fs::path sample_path(std::string_view name) {
  return fs::path(HOSO_SOURCE_DIR) / "samples" / "envelopes" / name;
}

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_file(const fs::path& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// Writes `content` under `temporary_name` in `folder`, then renames it to `name`: how careful
// scanners and copy tools deliver a file, so it appears complete in one step.
inline void drop_by_rename(const fs::path& folder, const std::string& temporary_name,
                           const std::string& name, std::string_view content) {
  write_file(folder / temporary_name, content);
  fs::rename(folder / temporary_name, folder / name);
}

// Names of the files (not folders, not hidden files) directly in `folder`, sorted.
inline std::vector<std::string> files_in(const fs::path& folder) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!it->is_directory() && name.front() != '.') names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

using test_support::TempDir;

// Creates the database at `path` as `hoso init` does (the agency code and the agency's row) and
// returns the open store.
inline std::unique_ptr<db::Store> fresh_database(const fs::path& path) {
  fs::create_directories(path.parent_path());
  auto store = test_support::open_store(path);
  if (!store) throw std::runtime_error("cannot create the test database: " + store.error().message);
  auto written = (*store)->write([](db::Transaction& tx) -> common::Result<void> {
    auto set = tx.set_setting("agency_code", k_agency_code);
    if (!set) return set;
    auto agency = tx.upsert_agency({0, k_agency_code, "Test desk"});
    if (!agency) return agency.error();
    return {};
  });
  if (!written) throw std::runtime_error("cannot set up the test desk: " + written.error().message);
  return std::move(*store);
}

// Sample envelope file name -> the tracking number on its Code 128 label, from
// samples/envelopes/truth.tsv (the two_labels-* envelopes carry two and are left out).
inline std::map<std::string, std::string> sample_tracking_numbers() {
  std::istringstream truth(read_file(sample_path("truth.tsv")));
  std::map<std::string, std::string> numbers;
  std::map<std::string, int> labels;
  for (std::string line; std::getline(truth, line);) {
    std::istringstream fields(line);
    std::string file, format, text;
    std::getline(fields, file, '\t');
    std::getline(fields, format, '\t');
    std::getline(fields, text);
    if (format != "Code128") continue;
    numbers[file] = text;
    ++labels[file];
  }
  for (const auto& [file, count] : labels) {
    if (count > 1) numbers.erase(file);
  }
  return numbers;
}

}  // namespace hot_folder_test
