// What the fuzz targets share: the input as text, and a scratch file for parsers that read files
// (one per process, in the temporary folder, rewritten for each input).
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Writes `content` to this process's scratch file (suffix: its extension) and returns its path.
inline std::filesystem::path scratch_file(std::string_view content, std::string_view suffix) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("hoso-fuzz-" + std::to_string(::getpid()) + std::string(suffix));
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  return path;
}

}  // namespace fuzz
