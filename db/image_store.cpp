#include "db/image_store.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace db {
namespace {

using common::ErrorCode;
using common::make_error;

common::Error io_failure(const std::filesystem::path& path, std::string_view what) {
  return make_error(ErrorCode::io_error,
                    fmt::format("{}: cannot {}: {}", path.string(), what, std::strerror(errno)));
}

// Writes all of `bytes` to `fd`, retrying short writes.
bool write_all(int fd, std::span<const std::uint8_t> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool fsync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

std::string sha256_hex(std::span<const std::uint8_t> bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::filesystem::path ImageStore::path_of(const std::string& hash,
                                          const std::string& extension) const {
  std::string name = hash;
  if (!extension.empty()) {
    name += '.';
    name += extension;
  }
  return root_ / hash.substr(0, 2) / name;
}

common::Result<std::string> ImageStore::put(std::span<const std::uint8_t> bytes,
                                            const std::string& extension) {
  const std::string hash = sha256_hex(bytes);
  const auto target = path_of(hash, extension);
  std::error_code ec;
  if (std::filesystem::exists(target, ec)) return hash;  // same content: already kept
  std::filesystem::create_directories(target.parent_path(), ec);
  if (ec) {
    return make_error(
        ErrorCode::io_error,
        fmt::format("{}: cannot create folder: {}", target.parent_path().string(), ec.message()));
  }
  // A unique temporary name per process and call: concurrent writers never share one.
  static std::atomic<unsigned> counter{0};
  const auto temporary =
      target.parent_path() / fmt::format(".{}.{}.{}.tmp", hash, ::getpid(), counter++);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return io_failure(temporary, "create");
  const bool written = write_all(fd, bytes) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    auto error = io_failure(temporary, "write");
    std::filesystem::remove(temporary, ec);
    return error;
  }
  if (::rename(temporary.c_str(), target.c_str()) != 0) {
    auto error = io_failure(target, "rename into place");
    std::filesystem::remove(temporary, ec);
    return error;
  }
  if (!fsync_directory(target.parent_path())) return io_failure(target.parent_path(), "fsync");
  return hash;
}

}  // namespace db
