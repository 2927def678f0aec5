// Files that hold personal data (the database, kept envelope images, printed documents, the desk's
// config with the carrier password) are the desk's alone: created 0600 in folders created 0700,
// whatever the process umask (modes are set explicitly, not left to it), and tightened when found
// open to other users. Knows nothing about what the files hold or where a desk keeps them.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace common {

inline constexpr mode_t k_private_file_mode = 0600;
inline constexpr mode_t k_private_folder_mode = 0700;

// Creates `folder` and its missing parents, each one created 0700; folders that exist are left
// as they are. Fails with io_error naming the folder (msg::disk_full when the disk is full).
Result<void> create_private_folders(const std::filesystem::path& folder);

// Creates `path` empty with mode 0600 unless it exists (its folders as create_private_folders
// does). Returns true iff it created the file. Fails with io_error naming the path.
Result<bool> create_private_file(const std::filesystem::path& path);

// Writes `bytes` to `path` atomically: a temporary file beside it, created 0600, written and
// fsync'ed, renamed over `path`, then the folder fsync'ed; the folders as create_private_folders
// does. A reader sees the old content or the new, never a part. Fails with io_error naming the
// path (msg::disk_full when the disk is full; nothing of the new content is left).
Result<void> write_private_file(const std::filesystem::path& path, std::string_view bytes);

// The io_error for a failed write to `path` with errno `error`: msg::disk_full for ENOSPC or
// EDQUOT, else "cannot <what> <path>: <strerror>".
Error write_failure(const std::filesystem::path& path, std::string_view what, int error);

// Takes the group's and others' permissions off `path` (a file or folder; the link's target for a
// symbolic link) when it has any: 0644 becomes 0600, 0755 becomes 0700. Returns what it changed
// ("var/hoso.db: 0644 -> 0600"), nullopt when there was nothing to do or `path` does not exist.
// Fails with io_error (msg::not_private_owner) when `path` is open to others and belongs to another
// account, so that only its owner could change it, or when the change is refused.
Result<std::optional<std::string>> make_private(const std::filesystem::path& path);

// make_private on `folder` and everything under it, symbolic links left alone (neither followed
// nor changed). Returns what it changed; nothing when `folder` does not exist.
Result<std::vector<std::string>> make_private_tree(const std::filesystem::path& folder);

}  // namespace common
