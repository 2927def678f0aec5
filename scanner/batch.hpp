// Batch scanning for the CLI and the hot folder: expands folders into image files, scans them in
// parallel through a Scanner, and renders results as JSON lines. No terminal output here.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "common/text.hpp"
#include "scanner/scanner.hpp"

namespace scanner {

// True for names ending in an extension the scanner reads (.jpg .jpeg .png .tif .tiff .bmp .webp
// .pdf, any case).
bool has_scannable_extension(const std::string& path);

// An input that is no file to scan, and why (a message naming it).
struct SkippedInput {
  std::string path;
  common::Text reason;
};

// Expands `paths`: a file is taken as given (whatever its name; its content decides), a folder is
// searched recursively for files with a scannable extension, sorted by path. What cannot be read
// as a file without blocking or looping is left out and named in `skipped`: a path given that is
// a pipe, a socket or a device, or a symbolic link that loops, and such entries with a scannable
// extension found in a folder. Fails with not_found naming the first path that does not exist.
common::Result<std::vector<std::string>> collect_inputs(const std::vector<std::string>& paths,
                                                        std::vector<SkippedInput>& skipped);
// The same, for callers that need no account of what was left out.
common::Result<std::vector<std::string>> collect_inputs(const std::vector<std::string>& paths);

// Scans `files` with up to scanner.options().jobs at once. `on_result` is called on the calling
// thread, once per file, in the order of `files`.
void scan_batch(Scanner& scanner, const std::vector<std::string>& files,
                const std::function<void(std::size_t index, const FileResult&)>& on_result);

// One JSON object per scanned page (one line each, '\n'-terminated), or one line carrying the
// file's error: {"file", "page", "ms", "symbols": [{"format", "text", "corners"}], "error"}.
std::string to_json_lines(const FileResult& result);

}  // namespace scanner
