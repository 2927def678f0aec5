// The report's postal transit limits (TransitTable, load_transit_tables) and how a person names
// a report's period (parse_period); declared in tracking/report.hpp.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "common/csv.hpp"
#include "tracking/messages.hpp"
#include "tracking/report.hpp"

namespace tracking {

using common::ErrorCode;
using common::make_error;
using common::Result;
using common::Timestamp;

// ---------------------------------------------------------------------------------------------
// TransitTable

Result<TransitTable> TransitTable::load(const std::filesystem::path& limits,
                                        const std::filesystem::path& offices) {
  TransitTable table;
  TRY_ASSIGN(const auto limit_rows, common::read_csv(limits));
  for (const common::CsvRow& row : limit_rows) {
    if (row.fields.size() >= 1 && row.fields[0] == "from") continue;  // the header
    int days = -1;
    if (row.fields.size() == 3) {
      try {
        std::size_t used = 0;
        days = std::stoi(row.fields[2], &used);
        if (used != row.fields[2].size()) days = -1;
      } catch (const std::exception&) {
        days = -1;
      }
    }
    if (days < 0 || row.fields[0].empty() || row.fields[1].empty()) {
      return make_error(ErrorCode::bad_input,
                        fmt::format("{}:{}: expected `from,to,days` (provinces or *, and a "
                                    "number of working days)",
                                    limits.string(), row.line));
    }
    table.add_limit(row.fields[0], row.fields[1], days);
  }
  if (offices.empty()) return table;
  TRY_ASSIGN(const auto office_rows, common::read_csv(offices));
  for (const common::CsvRow& row : office_rows) {
    if (row.fields.size() >= 1 && row.fields[0] == "prefix") continue;
    const bool digits = row.fields.size() == 2 && !row.fields[0].empty() &&
                        std::all_of(row.fields[0].begin(), row.fields[0].end(),
                                    [](unsigned char c) { return c >= '0' && c <= '9'; });
    if (!digits || row.fields[1].empty()) {
      return make_error(ErrorCode::bad_input,
                        fmt::format("{}:{}: expected `prefix,province` (leading digits of a "
                                    "post office code, and the province)",
                                    offices.string(), row.line));
    }
    table.add_office_prefix(row.fields[0], row.fields[1]);
  }
  return table;
}

void TransitTable::add_limit(std::string from, std::string to, int working_days) {
  limits_.push_back(Row{std::move(from), std::move(to), working_days});
}

void TransitTable::add_office_prefix(std::string prefix, std::string province) {
  prefixes_.emplace_back(std::move(prefix), std::move(province));
}

std::string TransitTable::province_of(std::string_view office_code) const {
  std::size_t best_length = 0;
  std::string best;
  for (const auto& [prefix, province] : prefixes_) {
    if (prefix.size() > best_length && office_code.substr(0, prefix.size()) == prefix) {
      best_length = prefix.size();
      best = province;
    }
  }
  return best;
}

std::optional<int> TransitTable::limit(std::string_view from, std::string_view to) const {
  // Specificity: 3 exact pair, 2 same province (`*,=`), 1 one wildcard, 0 `*,*`.
  int best_rank = -1;
  std::optional<int> best;
  const auto consider = [&](int rank, int days) {
    if (rank > best_rank) {
      best_rank = rank;
      best = days;
    }
  };
  for (const Row& row : limits_) {
    const bool any_from = row.from == "*";
    const bool any_to = row.to == "*";
    if (row.to == "=") {
      if (any_from && from == to) consider(2, row.days);
      if (!any_from && row.from == from && from == to) consider(3, row.days);
      continue;
    }
    for (const auto& [a, b] : {std::pair{from, to}, std::pair{to, from}}) {
      const bool from_ok = any_from || row.from == a;
      const bool to_ok = any_to || row.to == b;
      if (!from_ok || !to_ok) continue;
      consider(any_from && any_to ? 0 : (any_from || any_to) ? 1 : 3, row.days);
    }
  }
  return best;
}

Result<std::map<std::string, TransitTable>> load_transit_tables(const std::filesystem::path& dir) {
  std::map<std::string, TransitTable> tables;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    constexpr std::string_view k_suffix = "-transit.csv";
    if (name.size() <= k_suffix.size() ||
        name.compare(name.size() - k_suffix.size(), k_suffix.size(), k_suffix) != 0) {
      continue;
    }
    const std::string carrier = name.substr(0, name.size() - k_suffix.size());
    std::filesystem::path offices = dir / (carrier + "-offices.csv");
    if (!std::filesystem::exists(offices, ec)) {
      // Limits without offices: routes are then named by office code only.
      offices = std::filesystem::path();
    }
    TRY_ASSIGN(TransitTable table, TransitTable::load(entry.path(), offices));
    tables.emplace(carrier, std::move(table));
  }
  if (ec) {
    return make_error(ErrorCode::not_found,
                      fmt::format("cannot read the folder {}: {}", dir.string(), ec.message()));
  }
  return tables;
}

Result<Period> parse_period(std::string_view from, std::string_view to, Timestamp now) {
  Period period;
  if (from.empty()) {
    const common::Date today = common::local_date(now);
    period.from =
        common::local_time(common::Date{today.year(), today.month(), std::chrono::day{1}}, 0, 0);
  } else {
    auto start = common::parse_local(std::string(from));
    if (!start) {
      auto error = make_error(ErrorCode::invalid_argument, msg::period_bad_from,
                              {{"value", std::string(from.substr(0, 40))}});
      error.message += " (" + start.error().message + ")";
      return error;
    }
    period.from = *start;
  }
  if (to.empty()) {
    period.to = now;
  } else if (to.size() == 10) {
    // "YYYY-MM-DD": the last day included, so the period ends at the next local midnight.
    auto day = common::parse_date(std::string(to));
    if (!day) {
      auto error = make_error(ErrorCode::invalid_argument, msg::period_bad_to,
                              {{"value", std::string(to.substr(0, 40))}});
      error.message += " (" + day.error().message + ")";
      return error;
    }
    period.to =
        common::local_time(common::Date{std::chrono::sys_days{*day} + std::chrono::days{1}}, 0, 0);
  } else {
    auto end = common::parse_local(std::string(to));
    if (!end) {
      auto error = make_error(ErrorCode::invalid_argument, msg::period_bad_to,
                              {{"value", std::string(to.substr(0, 40))}});
      error.message += " (" + end.error().message + ")";
      return error;
    }
    period.to = *end;
  }
  if (!(period.from < period.to)) {
    return make_error(
        ErrorCode::invalid_argument, msg::period_empty,
        {{"from", common::format_local(period.from)}, {"to", common::format_local(period.to)}});
  }
  return period;
}

}  // namespace tracking
