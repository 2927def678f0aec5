#include "app/report_commands.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <string>

#include "app/desk.hpp"
#include "app/output.hpp"
#include "common/clock.hpp"
#include "common/exit_code.hpp"
#include "common/private_files.hpp"
#include "tracking/lookup.hpp"
#include "tracking/report.hpp"
#include "tracking/report_xlsx.hpp"

namespace app {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;
using common::Timestamp;

void print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (!text.empty() && text.back() != '\n') std::fputc('\n', stdout);
}

}  // namespace

void define_lookup_command(CLI::App& command, LookupArgs& lookup, const std::string& db_help) {
  command.add_option("code", lookup.code, "Tracking number or dossier code (any common form)")
      ->required();
  command.add_option("--lookup-code", lookup.lookup_code,
                     "The lookup code printed on the receipt: shows what the citizen sees (no "
                     "personal data)");
  command.add_flag("--staff", lookup.staff,
                   "Staff view: applicant, actors, reasons, scans, carrier texts");
  command.add_flag("--json", lookup.json, "As JSON");
  command.add_option("--db", lookup.db, db_help);
}

void define_report_command(CLI::App& command, ReportArgs& report, const std::string& db_help) {
  command.add_option("--from", report.from,
                     "First day (YYYY-MM-DD[ HH:MM]; default the 1st of this month)");
  command.add_option("--to", report.to,
                     "Last day included (YYYY-MM-DD), or an end time excluded (default now)");
  auto* json = command.add_flag("--json", report.json, "As one JSON object");
  auto* csv = command.add_flag(
      "--csv", report.csv,
      "As CSV, one fact per row: section,group,metric,value (the header in --lang)");
  auto* xlsx = command.add_option(
      "--xlsx", report.xlsx,
      "Write the report as an Excel workbook to FILE (the national form's table, late dossiers, "
      "the post)");
  json->excludes(csv);
  xlsx->excludes(json)->excludes(csv);
  command.add_option("--db", report.db, db_help);
}

int run_lookup(const LookupArgs& args) {
  const bool citizen = !args.lookup_code.empty();
  if (citizen == args.staff) {
    return report_error(make_error(
        ErrorCode::invalid_argument,
        citizen ? "give either --lookup-code (the citizen's view) or --staff (everything), not "
                  "both"
                : "give --lookup-code CODE (the lookup code on the citizen's receipt: shows what "
                  "the citizen sees) or --staff (the staff view, with personal data)"));
  }
  auto store = open_store(database_path(args.db));
  if (!store) return report_error(store.error());
  if (citizen) {
    auto view = tracking::citizen_lookup(**store, args.code, args.lookup_code);
    if (!view) return report_error(view.error());
    print(args.json ? tracking::citizen_json(*view) : tracking::citizen_text(*view));
    return 0;
  }
  auto view = tracking::staff_lookup(**store, args.code);
  if (!view) return report_error(view.error());
  print(args.json ? tracking::staff_json(*view) : tracking::staff_text(*view));
  return 0;
}

int run_report(const ReportArgs& args) {
  common::SystemClock clock;
  const Timestamp now = clock.now();
  auto period = tracking::parse_period(args.from, args.to, now);
  if (!period) return report_error(period.error());
  auto store = open_store(database_path(args.db));
  if (!store) return report_error(store.error());
  tracking::ReportOptions options;
  auto tables = tracking::load_transit_tables(samples_dir() / "carriers");
  if (!tables) return report_error(tables.error());
  options.transit = std::move(*tables);
  auto report = tracking::build_report(**store, *period, options, now);
  if (!report) return report_error(report.error());
  if (!args.xlsx.empty()) {
    auto bytes = tracking::report_xlsx(*report);
    if (!bytes) return report_error(bytes.error());
    // Private like every file of the desk's data, though a report holds no personal data.
    if (auto written = common::write_private_file(args.xlsx, *bytes); !written) {
      return report_error(written.error());
    }
  } else if (args.json) {
    print(tracking::report_json(*report, cli_lang()));
  } else if (args.csv) {
    print(tracking::report_csv(*report, cli_lang()));
  } else {
    print(tracking::report_text(*report, cli_lang()));
  }
  return 0;
}

}  // namespace app
