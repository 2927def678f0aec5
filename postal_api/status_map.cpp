#include "postal_api/status_map.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <set>
#include <utility>

#include "common/csv.hpp"

namespace postal_api {
namespace {

using common::ErrorCode;
using common::make_error;

constexpr std::string_view k_status_list =
    "pending, info_received, picked_up, in_transit, out_for_delivery, delivery_failed, delivered, "
    "return_to_sender, returned, cancelled, exception, unknown";

// Codes already warned about, per process: a carrier sending one new code ten thousand times
// should cost one log line, not ten thousand.
void warn_once(std::string_view code) {
  static std::mutex mutex;
  static std::set<std::string, std::less<>> warned;
  {
    std::lock_guard lock(mutex);
    if (warned.find(code) != warned.end()) return;
    warned.emplace(code);
  }
  spdlog::warn(
      "carrier status code {} is not in the status table; shown as unknown until a row is added",
      code);
}

}  // namespace

common::Result<StatusMap> StatusMap::load(const std::filesystem::path& file) {
  auto rows = common::read_csv(file);
  if (!rows) {
    if (rows.error().code == ErrorCode::not_found) {
      return make_error(ErrorCode::not_found,
                        fmt::format("{}: the carrier status table does not exist", file.string()));
    }
    return std::move(rows).error();
  }
  StatusMap map;
  std::map<std::string, int, std::less<>> first_line;
  bool first = true;
  for (const auto& row : *rows) {
    const bool header = first && !row.fields.empty() && row.fields[0] == "code";
    first = false;
    if (header) continue;
    if (row.fields.size() != 3) {
      return make_error(ErrorCode::bad_input,
                        fmt::format("{}:{}: expected 3 fields (code,status,description), found {}",
                                    file.string(), row.line, row.fields.size()));
    }
    const std::string& code = row.fields[0];
    if (code.empty()) {
      return make_error(ErrorCode::bad_input,
                        fmt::format("{}:{}: the code is empty", file.string(), row.line));
    }
    const auto status = parse_status(row.fields[1]);
    if (!status) {
      return make_error(ErrorCode::bad_input,
                        fmt::format("{}:{}: status \"{}\" is not one of {}", file.string(),
                                    row.line, row.fields[1], k_status_list));
    }
    if (const auto seen = first_line.find(code); seen != first_line.end()) {
      return make_error(ErrorCode::bad_input,
                        fmt::format("{}:{}: code {} is listed twice (first on line {})",
                                    file.string(), row.line, code, seen->second));
    }
    first_line.emplace(code, row.line);
    map.codes_.emplace(code, Row{*status, row.fields[2]});
  }
  return map;
}

StatusMap StatusMap::from(std::map<std::string, ShipmentStatus> codes) {
  StatusMap map;
  for (auto& [code, status] : codes) map.codes_.emplace(code, Row{status, std::string()});
  return map;
}

ShipmentStatus StatusMap::map(std::string_view code) const {
  const auto found = codes_.find(code);
  if (found != codes_.end()) return found->second.status;
  warn_once(code);
  return ShipmentStatus::unknown;
}

std::string_view StatusMap::description(std::string_view code) const {
  const auto found = codes_.find(code);
  return found != codes_.end() ? std::string_view(found->second.description) : std::string_view();
}

}  // namespace postal_api
