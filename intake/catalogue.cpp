#include "intake/catalogue.hpp"

#include "intake/messages.hpp"

#include <fmt/format.h>

#include <charconv>
#include <fstream>

#include "common/csv.hpp"

namespace intake {
namespace {

using common::ErrorCode;
using common::make_error;

std::optional<int> to_int(const std::string& text) {
  int value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

common::Result<std::vector<db::Procedure>> load_procedures_csv(const std::filesystem::path& file) {
  TRY_ASSIGN(auto rows, common::read_csv(file));
  static constexpr std::array<std::string_view, 9> k_header = {
      "code",           "version",         "name",          "field", "time_amount", "time_unit",
      "effective_from", "competent_level", "competent_unit"};
  // The competent unit's two columns are optional (docs/domain.md §1.4a): a catalogue of seven
  // columns still loads, each procedure then decided by the desk itself.
  constexpr std::size_t k_required = 7;
  std::size_t columns = k_required;
  std::vector<db::Procedure> out;
  bool header_seen = false;
  for (const common::CsvRow& row : rows) {
    auto fail = [&](common::Text what) {
      return make_error(
          ErrorCode::bad_input, msg::catalogue_line,
          {{"file", file.string()}, {"line", row.line}, {"problem", std::move(what)}});
    };
    if (!header_seen) {
      header_seen = true;
      columns = row.fields.size();
      bool matches = columns == k_required || columns == k_header.size();
      for (std::size_t i = 0; matches && i < columns; ++i) {
        matches = row.fields[i] == k_header[i];
      }
      if (!matches) {
        return fail(common::Text{msg::catalogue_header,
                                 {{"header", fmt::format("{}", fmt::join(k_header, ","))}}});
      }
      continue;
    }
    if (row.fields.size() != columns) {
      return fail(common::Text{msg::catalogue_field_count,
                               {{"count", row.fields.size()}, {"expected", columns}}});
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
    if (columns == k_header.size()) {
      p.competent_level = row.fields[7];
      p.competent_unit = row.fields[8];
      if (!p.competent_level.empty() && p.competent_level != "province" &&
          p.competent_level != "commune" && p.competent_level != "central") {
        return fail(common::Text{msg::catalogue_bad_level, {{"level", p.competent_level}}});
      }
      if (!p.competent_level.empty() && p.competent_unit.empty()) {
        return fail(common::Text{msg::catalogue_level_without_unit});
      }
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
