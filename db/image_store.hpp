// Kept scan images, stored by content: one file per distinct image under a root folder, named by
// its SHA-256 (root/ab/abcdef....jpg). Storing the same bytes twice keeps one file. Writes are
// atomic (temporary file, fsync, rename), so a killed process leaves either the whole image or
// nothing under its name. The images carry ID card QRs: files are created 0600 and the folders
// 0700, whatever the umask (common/private_files). Thread-safe; several processes may share one
// root.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "common/result.hpp"

namespace db {

// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::span<const std::uint8_t> bytes);

class ImageStore {
 public:
  explicit ImageStore(std::filesystem::path root) : root_(std::move(root)) {}

  // Stores `bytes` (idempotent) and returns their SHA-256. `extension` ("jpg", "pdf") is kept in
  // the file name so people can open the file. Fails with io_error naming the path
  // (common::msg::disk_full when the disk is full).
  common::Result<std::string> put(std::span<const std::uint8_t> bytes,
                                  const std::string& extension);

  // Where the image with this hash and extension is (whether or not it exists).
  std::filesystem::path path_of(const std::string& hash, const std::string& extension) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

}  // namespace db
