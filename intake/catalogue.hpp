// The desk's reference data from files: the procedure catalogue (samples/procedures.csv) and the
// carriers' manifests of a handover. Parsing only; `hoso init` stores what is read.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "db/records.hpp"
#include "intake/classify.hpp"

namespace intake {

// Reads a procedure catalogue: UTF-8 CSV with a header line
// `code,version,name,field,time_amount,time_unit,effective_from`, optionally followed by
// `competent_level`, `competent_unit` (the unit that decides the procedure when it is not the desk,
// docs/domain.md §1.4a: level province, commune or central, or both empty), `fee_vnd` and
// `fees_pause_clock` (the fee and whether its wait stops the clock, §5.5), in any order; '#'
// comment lines, fields with commas in double quotes. Fails with bad_input naming the file, line
// and field
// ("procedures.csv:7: time_unit 'days' is not working_days or working_hours"), not_found when the
// file does not exist.
common::Result<std::vector<db::Procedure>> load_procedures_csv(const std::filesystem::path& file);

// A carrier's manifest of a handover: one tracking number per line (or the first field of a CSV
// line); blank lines, '#' comments and a header line are skipped; numbers are normalised (upper
// case, spaces removed). Lines that are not a valid tracking number are returned in `rejected`
// with the reason, never silently dropped.
struct Manifest {
  std::vector<std::string> tracking_numbers;
  std::vector<std::string> rejected;  // "manifest.txt:4: EB123456789VN: check digit should be 5..."
  // The same lines for a reader of either language: line number, the line's text (at most 40
  // bytes), and why.
  struct Refused {
    int line = 0;
    std::string text;
    common::Text reason;
  };
  std::vector<Refused> refused;
};
common::Result<Manifest> load_manifest(const std::filesystem::path& file,
                                       const Classifier& classifier);
// The same from the text of a manifest file (uploaded), named `label` in messages.
common::Result<Manifest> parse_manifest(std::string_view text, std::string_view label,
                                        const Classifier& classifier);

}  // namespace intake
