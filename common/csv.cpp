#include "common/csv.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace common {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

Result<std::vector<std::string>> split_csv_line(std::string_view line) {
  std::vector<std::string> fields;
  std::size_t pos = 0;
  while (true) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
    std::string field;
    if (pos < line.size() && line[pos] == '"') {
      ++pos;
      bool closed = false;
      while (pos < line.size()) {
        if (line[pos] == '"') {
          if (pos + 1 < line.size() && line[pos + 1] == '"') {
            field += '"';
            pos += 2;
            continue;
          }
          ++pos;
          closed = true;
          break;
        }
        field += line[pos++];
      }
      if (!closed) return make_error(ErrorCode::bad_input, "a quoted field has no closing quote");
      while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
      if (pos < line.size() && line[pos] != ',') {
        return make_error(ErrorCode::bad_input, "text follows the closing quote of a field");
      }
    } else {
      const auto comma = line.find(',', pos);
      const auto end = comma == std::string_view::npos ? line.size() : comma;
      field = std::string(trim(line.substr(pos, end - pos)));
      pos = end;
    }
    fields.push_back(std::move(field));
    if (pos >= line.size()) break;
    ++pos;  // the comma
  }
  return fields;
}

namespace {

Result<std::vector<CsvRow>> read_rows(std::istream& in, std::string_view label) {
  std::vector<CsvRow> rows;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 BOM
    const std::string_view content = trim(line);
    if (content.empty() || content.front() == '#') continue;
    auto fields = split_csv_line(content);
    if (!fields) {
      return make_error(ErrorCode::bad_input,
                        fmt::format("{}:{}: {}", label, number, fields.error().message));
    }
    rows.push_back(CsvRow{number, std::move(*fields)});
  }
  return rows;
}

}  // namespace

Result<std::vector<CsvRow>> read_csv(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::error_code ec;
    const bool exists = std::filesystem::exists(file, ec);
    return make_error(
        exists ? ErrorCode::io_error : ErrorCode::not_found,
        fmt::format("{}: {}", file.string(), exists ? "cannot be read" : "no such file"));
  }
  return read_rows(in, file.string());
}

Result<std::vector<CsvRow>> read_csv_text(std::string_view text, std::string_view label) {
  std::istringstream in{std::string(text)};
  return read_rows(in, label);
}

}  // namespace common
