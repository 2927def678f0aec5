// Sweeps the temporary files a killed process left in the kept-image folder. db::ImageStore writes
// each image as a hidden temporary file (".<sha256>.<pid>.<n>.tmp" beside its final name), fsyncs
// it and renames it into place; a process killed in between leaves the temporary file for ever.
// Only names of that exact shape, and only ones older than a write ever takes, are removed, so a
// sweep never touches another process's write in progress or anything else in the folder.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string_view>

namespace intake {

// A temporary image older than this was left by a process that died: writing one takes seconds.
inline constexpr std::chrono::hours k_stale_image_temporary_age{1};

struct SweepReport {
  int removed = 0;
  std::uintmax_t bytes = 0;  // their size
  int failed = 0;            // stale ones that could not be removed (permissions)
};

// True iff `name` is one of db::ImageStore's temporary names: "." + 64 lower-case hex digits +
// "." + digits + "." + digits + ".tmp".
bool is_image_temporary_name(std::string_view name);

// Removes the image temporaries directly under the two-character subfolders of `image_root`
// ("ab/") whose modification time is at least `min_age` before `now`. A missing root is an empty
// one. Never throws; thread-safe (it shares nothing), and safe while other processes store images.
SweepReport sweep_stale_image_temporaries(
    const std::filesystem::path& image_root, std::filesystem::file_time_type now,
    std::chrono::seconds min_age = k_stale_image_temporary_age);

}  // namespace intake
