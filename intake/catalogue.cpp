#include "intake/catalogue.hpp"

#include "intake/messages.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>

#include "common/csv.hpp"

namespace intake {
namespace {

using common::ErrorCode;
using common::make_error;

template <class T = int>
std::optional<T> to_int(const std::string& text) {
  T value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

// The optional columns after the seven a catalogue must have, in any order: the unit that decides
// (docs/domain.md §1.4a; without them the desk decides) and the fee (§5.5).
constexpr std::array<std::string_view, 4> k_optional_columns = {"competent_level", "competent_unit",
                                                                "fee_vnd", "fees_pause_clock"};

}  // namespace

common::Result<std::vector<db::Procedure>> load_procedures_csv(const std::filesystem::path& file) {
  TRY_ASSIGN(auto rows, common::read_csv(file));
  static constexpr std::array<std::string_view, 7> k_header = {
      "code", "version", "name", "field", "time_amount", "time_unit", "effective_from"};
  std::vector<db::Procedure> out;
  bool header_seen = false;
  std::vector<std::string> columns;  // the header's names
  for (const common::CsvRow& row : rows) {
    auto fail = [&](common::Text what) {
      return make_error(
          ErrorCode::bad_input, msg::catalogue_line,
          {{"file", file.string()}, {"line", row.line}, {"problem", std::move(what)}});
    };
    if (!header_seen) {
      header_seen = true;
      bool matches = row.fields.size() >= k_header.size();
      for (std::size_t i = 0; matches && i < row.fields.size(); ++i) {
        matches = i < k_header.size()
                      ? row.fields[i] == k_header[i]
                      : std::count(k_optional_columns.begin(), k_optional_columns.end(),
                                   row.fields[i]) == 1 &&
                            std::count(row.fields.begin(), row.fields.end(), row.fields[i]) == 1;
      }
      if (!matches) {
        return fail(
            common::Text{msg::catalogue_header,
                         {{"header", fmt::format("{}", fmt::join(k_header, ","))},
                          {"optional", fmt::format("{}", fmt::join(k_optional_columns, ","))}}});
      }
      columns = row.fields;
      continue;
    }
    if (row.fields.size() != columns.size()) {
      return fail(common::Text{msg::catalogue_field_count,
                               {{"count", row.fields.size()}, {"expected", columns.size()}}});
    }
    db::Procedure p;
    p.code = row.fields[0];
    p.name = row.fields[2];
    p.field = row.fields[3];
    if (p.code.empty() || p.name.empty() || p.field.empty()) {
      return fail(common::Text{msg::catalogue_empty_fields});
    }
    auto version = to_int(row.fields[1]);
    if (!version || *version < 1)
      return fail(common::Text{msg::catalogue_bad_version, {{"version", row.fields[1]}}});
    p.version = *version;
    auto amount = to_int(row.fields[4]);
    if (!amount || *amount < 0 || *amount > 3650) {
      return fail(common::Text{msg::catalogue_bad_amount, {{"amount", row.fields[4]}}});
    }
    p.time_amount = *amount;
    auto unit = db::parse_time_unit(row.fields[5]);
    if (!unit) {
      return fail(common::Text{msg::catalogue_bad_unit, {{"unit", row.fields[5]}}});
    }
    p.time_unit = *unit;
    auto from = common::parse_date(row.fields[6]);
    if (!from) {
      return fail(from.error().text.empty()
                      ? common::Text{msg::reason_as_written, {{"detail", from.error().message}}}
                      : from.error().text);
    }
    p.effective_from = *from;
    for (std::size_t i = k_header.size(); i < columns.size(); ++i) {
      const std::string& value = row.fields[i];
      if (columns[i] == "fee_vnd") {
        const auto fee =
            value.empty() ? std::optional<std::int64_t>{0} : to_int<std::int64_t>(value);
        if (!fee || *fee < 0 || *fee > 1'000'000'000'000) {
          return fail(common::Text{msg::catalogue_bad_fee, {{"fee", value}}});
        }
        p.fee_vnd = *fee;
      } else if (columns[i] == "fees_pause_clock") {
        if (value != "" && value != "yes" && value != "no") {
          return fail(common::Text{msg::catalogue_bad_pause, {{"value", value}}});
        }
        p.fees_pause_clock = value == "yes";
      } else if (columns[i] == "competent_level") {
        p.competent_level = value;
      } else if (columns[i] == "competent_unit") {
        p.competent_unit = value;
      }
    }
    if (!p.competent_level.empty() && p.competent_level != "province" &&
        p.competent_level != "commune" && p.competent_level != "central") {
      return fail(common::Text{msg::catalogue_bad_level, {{"level", p.competent_level}}});
    }
    if (!p.competent_level.empty() && p.competent_unit.empty()) {
      return fail(common::Text{msg::catalogue_level_without_unit});
    }
    out.push_back(std::move(p));
  }
  if (out.empty()) {
    return make_error(ErrorCode::bad_input, msg::catalogue_no_procedures,
                      {{"file", file.string()}});
  }
  return out;
}

namespace {

Manifest manifest_of(const std::vector<common::CsvRow>& rows, std::string_view label,
                     const Classifier& classifier) {
  Manifest manifest;
  bool first = true;
  for (const common::CsvRow& row : rows) {
    const std::string& text = row.fields.empty() ? std::string() : row.fields.front();
    if (text.empty()) continue;
    const Code code = classifier.classify(text, std::nullopt);
    const bool tracking =
        code.kind == CodeKind::s10_tracking || code.kind == CodeKind::carrier_tracking;
    if (tracking && code.usable()) {
      manifest.tracking_numbers.push_back(code.tracking_number);
    } else if (!first || tracking) {  // only a first line that is no tracking number is a header
      manifest.rejected.push_back(fmt::format(
          "{}:{}: {}", label, row.line,
          tracking ? code.problem : fmt::format("'{}' is not a tracking number", code.text)));
      manifest.refused.push_back(
          {row.line, text.substr(0, 40),
           tracking && !code.problem_text.empty()
               ? code.problem_text
               : common::Text{msg::not_tracking_number, {{"length", text.size()}}}});
    }
    first = false;
  }
  return manifest;
}

}  // namespace

common::Result<Manifest> load_manifest(const std::filesystem::path& file,
                                       const Classifier& classifier) {
  TRY_ASSIGN(auto rows, common::read_csv(file));
  return manifest_of(rows, file.string(), classifier);
}

common::Result<Manifest> parse_manifest(std::string_view text, std::string_view label,
                                        const Classifier& classifier) {
  TRY_ASSIGN(auto rows, common::read_csv_text(text, label));
  return manifest_of(rows, label, classifier);
}

}  // namespace intake
