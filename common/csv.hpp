// A small CSV reader for the data files hoso ships and loads (calendar, procedures, manifests):
// UTF-8, comma-separated, fields with commas or quotes in double quotes ("" for a quote), '#'
// comment lines and blank lines skipped, CRLF accepted. Not a general CSV library: no multi-line
// fields.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace common {

struct CsvRow {
  int line = 0;                     // 1-based line number in the file, for error messages
  std::vector<std::string> fields;  // trimmed of surrounding spaces unless quoted
};

// Splits one line. Fails with bad_input on an unterminated quote (the message says so; the caller
// adds file and line).
Result<std::vector<std::string>> split_csv_line(std::string_view line);

// Reads every data row of `file`. Fails with not_found when it does not exist, bad_input naming
// the file and line when a line is malformed.
Result<std::vector<CsvRow>> read_csv(const std::filesystem::path& file);

// Reads every data row of `text` (a file sent over HTTP), naming it `label` in messages. Fails
// with bad_input naming the label and line when a line is malformed.
Result<std::vector<CsvRow>> read_csv_text(std::string_view text, std::string_view label);

}  // namespace common
