// `hoso lookup CODE` (a citizen's view with the lookup code, or the staff view) and `hoso report`
// (the desk's periodic report). Wiring and printing only: the views, the on-time rule and the
// renderings live in tracking/lookup and tracking/report.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace app {

struct LookupArgs {
  std::string db;
  std::string code;         // tracking number (inbound or return) or dossier code
  std::string lookup_code;  // from the receipt: the citizen view
  bool staff = false;       // the staff view, with personal data
  bool json = false;
};

struct ReportArgs {
  std::string db;
  std::string from;  // YYYY-MM-DD[ HH:MM]; default: the first day of the current month
  std::string to;    // YYYY-MM-DD: the last day included; with a time: the end, excluded
  bool json = false;
  bool csv = false;
  std::string xlsx;  // write the Excel workbook to this file instead of printing
};

// Add the options of `lookup` and of `report` to `command`.
void define_lookup_command(CLI::App& command, LookupArgs& lookup, const std::string& db_help);
void define_report_command(CLI::App& command, ReportArgs& report, const std::string& db_help);

// Prints the view; exit 0, 2 when neither --lookup-code nor --staff is given (or both), 4 when no
// dossier matches (for a citizen: also when the lookup code is wrong, with the same message).
int run_lookup(const LookupArgs& args);

// Prints the report as text, --json or --csv; exit 0, 2 for a bad or empty period.
int run_report(const ReportArgs& args);

}  // namespace app
