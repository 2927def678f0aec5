// From a scanned file to envelope scans: one EnvelopeScan per page (a sheet-fed scanner's PDF holds
// one envelope per page), with the file's bytes to keep and the codes classified. A file the
// scanner could not read still becomes one scan, carrying the scanner's error, so it reaches the
// manual queue with its image instead of being lost.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "db/records.hpp"
#include "intake/classify.hpp"
#include "intake/registrar.hpp"
#include "scanner/scanner.hpp"

namespace intake {

// Files larger than this are registered without keeping their bytes (the scan says so).
inline constexpr std::uintmax_t k_max_kept_image_bytes = 64u << 20;

// Builds the scans of one file. `idempotency_key` (may be empty) is suffixed with ":<page>" for
// each page. Reads the file at result.file to keep its bytes; a file that cannot be read is kept as
// a scan without an image whose scan_error says why.
std::vector<EnvelopeScan> envelopes_from(const scanner::FileResult& result,
                                         const Classifier& classifier,
                                         std::optional<db::Id> batch_id,
                                         const std::string& idempotency_key = {});

// The same for content that never was a file (an upload): `result.file` is its name, `image_type`
// the kept image's extension ("jpg", "pdf"), `content` the bytes scanned.
std::vector<EnvelopeScan> envelopes_from_bytes(const scanner::FileResult& result,
                                               std::span<const std::uint8_t> content,
                                               const std::string& image_type,
                                               const Classifier& classifier,
                                               std::optional<db::Id> batch_id,
                                               const std::string& idempotency_key = {});

// The lower-case extension of `path` without the dot ("jpg"), or "" when it has none.
std::string image_type_of(const std::string& path);

}  // namespace intake
