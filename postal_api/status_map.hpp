// StatusMap: one carrier's status codes → hoso's normalised statuses, loaded from a table file
// (samples/carriers/vnpost-status.csv), so a new carrier code is a one-line change. Knows nothing
// about HTTP or any particular carrier.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "postal_api/carrier.hpp"

namespace postal_api {

class StatusMap {
 public:
  // Reads a CSV of `code,status,description` rows (a header row `code,...` is skipped). Fails with
  // not_found when the file is missing, bad_input naming file and line for a row with another
  // shape, a status name not in docs/domain.md §7.6, or a code listed twice.
  static common::Result<StatusMap> load(const std::filesystem::path& file);

  // Builds a map from code → status pairs (tests, a carrier with a fixed list).
  static StatusMap from(std::map<std::string, ShipmentStatus> codes);

  // The status for `code`; ShipmentStatus::unknown (and one warning in the log per code, per
  // process) when the table does not list it. Thread-safe.
  ShipmentStatus map(std::string_view code) const;

  // The description the table gives `code` ("Phát không thành công"), or "" when unlisted.
  std::string_view description(std::string_view code) const;

  std::size_t size() const { return codes_.size(); }

 private:
  struct Row {
    ShipmentStatus status;
    std::string description;
  };
  std::map<std::string, Row, std::less<>> codes_;
};

}  // namespace postal_api
