#include "common/private_files.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "common/messages.hpp"

namespace common {
namespace {

namespace fs = std::filesystem;

std::string octal(mode_t mode) {
  return fmt::format("{:04o}", static_cast<unsigned>(mode & 07777));
}

// Closes the descriptor however the caller leaves.
struct Descriptor {
  int fd = -1;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
  // Closes now and says whether the kernel accepted everything written (NFS reports a full disk
  // only here).
  bool close_checked() {
    const int closing = fd;
    fd = -1;
    return ::close(closing) == 0;
  }
};

bool write_all(int fd, std::string_view bytes) {
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

bool fsync_folder(const fs::path& folder) {
  const int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

// make_private for a path already stat'ed.
Result<std::optional<std::string>> tighten(const fs::path& path, const struct stat& st) {
  const mode_t mode = st.st_mode & 07777;
  if ((mode & 077) == 0) return std::optional<std::string>{};
  const mode_t wanted = mode & ~static_cast<mode_t>(077);
  if (st.st_uid != ::geteuid() && ::geteuid() != 0) {
    return make_error(ErrorCode::io_error, msg::not_private_owner,
                      {{"path", path.string()},
                       {"mode", octal(mode)},
                       {"owner", static_cast<long long>(st.st_uid)},
                       {"wanted", octal(wanted)}});
  }
  if (::chmod(path.c_str(), wanted) != 0) {
    return make_error(
        ErrorCode::io_error, msg::cannot_make_private,
        {{"path", path.string()}, {"wanted", octal(wanted)}, {"reason", std::strerror(errno)}});
  }
  return std::optional<std::string>{
      fmt::format("{}: {} -> {}", path.string(), octal(mode), octal(wanted))};
}

}  // namespace

Error write_failure(const fs::path& path, std::string_view what, int error) {
  if (error == ENOSPC || error == EDQUOT) {
    return make_error(ErrorCode::io_error, msg::disk_full, {{"path", path.string()}});
  }
  return make_error(ErrorCode::io_error,
                    fmt::format("cannot {} {}: {}", what, path.string(), std::strerror(error)));
}

Result<void> create_private_folders(const fs::path& folder) {
  if (folder.empty()) return {};
  fs::path so_far;
  for (const fs::path& part : folder) {
    so_far /= part;
    if (part == so_far.root_path() || part.empty()) continue;
    if (::mkdir(so_far.c_str(), k_private_folder_mode) == 0) {
      // The umask may have taken bits off the owner's too: set the mode itself.
      if (::chmod(so_far.c_str(), k_private_folder_mode) != 0) {
        return write_failure(so_far, "set the mode of", errno);
      }
      continue;
    }
    const int error = errno;
    struct stat st {};
    if (error == EEXIST && ::stat(so_far.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) continue;
    return write_failure(so_far, "create the folder", error == EEXIST ? ENOTDIR : error);
  }
  return {};
}

Result<bool> create_private_file(const fs::path& path) {
  TRY(create_private_folders(path.parent_path()));
  Descriptor file{
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, k_private_file_mode)};
  if (file.fd < 0) {
    if (errno == EEXIST) return false;
    return write_failure(path, "create", errno);
  }
  if (::fchmod(file.fd, k_private_file_mode) != 0)
    return write_failure(path, "set the mode of", errno);
  if (!file.close_checked()) return write_failure(path, "create", errno);
  return true;
}

Result<void> write_private_file(const fs::path& path, std::string_view bytes) {
  const fs::path folder = path.parent_path();
  TRY(create_private_folders(folder));
  // A unique temporary name per process and call: concurrent writers never share one.
  static std::atomic<unsigned> counter{0};
  const fs::path temporary =
      folder / fmt::format(".{}.{}.{}.tmp", path.filename().string(), ::getpid(), counter++);
  Descriptor file{
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, k_private_file_mode)};
  if (file.fd < 0) return write_failure(path, "create", errno);
  auto fail = [&](std::string_view what) {
    const int error = errno;
    ::unlink(temporary.c_str());
    return write_failure(path, what, error);
  };
  if (::fchmod(file.fd, k_private_file_mode) != 0) return fail("set the mode of");
  if (!write_all(file.fd, bytes) || ::fsync(file.fd) != 0 || !file.close_checked()) {
    return fail("write");
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) return fail("rename into place");
  if (!fsync_folder(folder)) return write_failure(folder, "fsync", errno);
  return {};
}

Result<std::optional<std::string>> make_private(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::optional<std::string>{};
    return make_error(ErrorCode::io_error, fmt::format("cannot read the mode of {}: {}",
                                                       path.string(), std::strerror(errno)));
  }
  return tighten(path, st);
}

Result<std::vector<std::string>> make_private_tree(const fs::path& folder) {
  std::vector<std::string> changed;
  struct stat st {};
  if (::lstat(folder.c_str(), &st) != 0 || S_ISLNK(st.st_mode)) return changed;
  TRY_ASSIGN(auto top, tighten(folder, st));
  if (top) changed.push_back(std::move(*top));
  if (!S_ISDIR(st.st_mode)) return changed;
  std::error_code ec;
  fs::recursive_directory_iterator it(folder, fs::directory_options::none, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path& entry = it->path();
    if (::lstat(entry.c_str(), &st) != 0 || S_ISLNK(st.st_mode)) continue;
    TRY_ASSIGN(auto one, tighten(entry, st));
    if (one) changed.push_back(std::move(*one));
  }
  if (ec) {
    return make_error(ErrorCode::io_error,
                      fmt::format("cannot read the folder {}: {}", folder.string(), ec.message()));
  }
  return changed;
}

}  // namespace common
