#include "app/report_commands.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <string>

#include "app/desk.hpp"
#include "common/clock.hpp"
#include "common/exit_code.hpp"
#include "tracking/lookup.hpp"
#include "tracking/report.hpp"

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

// "YYYY-MM-DD" is a whole local day; anything else parse_local reads is an instant.
bool is_bare_date(const std::string& text) { return text.size() == 10; }

Result<tracking::Period> period_of(const ReportArgs& args, Timestamp now) {
  tracking::Period period;
  if (args.from.empty()) {
    const common::Date today = common::local_date(now);
    period.from =
        common::local_time(common::Date{today.year(), today.month(), std::chrono::day{1}}, 0, 0);
  } else {
    auto from = common::parse_local(args.from);
    if (!from) return make_error(ErrorCode::invalid_argument, "--from: " + from.error().message);
    period.from = *from;
  }
  if (args.to.empty()) {
    period.to = now;
  } else if (is_bare_date(args.to)) {
    // The last day included: the period ends at the next local midnight.
    auto day = common::parse_date(args.to);
    if (!day) return make_error(ErrorCode::invalid_argument, "--to: " + day.error().message);
    period.to =
        common::local_time(common::Date{std::chrono::sys_days{*day} + std::chrono::days{1}}, 0, 0);
  } else {
    auto to = common::parse_local(args.to);
    if (!to) return make_error(ErrorCode::invalid_argument, "--to: " + to.error().message);
    period.to = *to;
  }
  if (!(period.from < period.to)) {
    return make_error(
        ErrorCode::invalid_argument,
        fmt::format("the period is empty: --from {} is not before the end {}",
                    common::format_local(period.from), common::format_local(period.to)));
  }
  return period;
}

}  // namespace

ReportCommands add_report_commands(CLI::App& cli, LookupArgs& lookup, ReportArgs& report,
                                   const std::string& db_help) {
  ReportCommands commands;
  commands.lookup = cli.add_subcommand(
      "lookup",
      "One dossier by tracking number (inbound or return) or dossier code: the citizen's view "
      "(--lookup-code) or everything (--staff)");
  commands.lookup
      ->add_option("code", lookup.code, "Tracking number or dossier code (any common form)")
      ->required();
  commands.lookup->add_option("--lookup-code", lookup.lookup_code,
                              "The lookup code printed on the receipt: shows what the citizen "
                              "sees (no personal data)");
  commands.lookup->add_flag("--staff", lookup.staff,
                            "Staff view: applicant, actors, reasons, scans, carrier texts");
  commands.lookup->add_flag("--json", lookup.json, "As JSON");
  commands.lookup->add_option("--db", lookup.db, db_help);

  commands.report = cli.add_subcommand(
      "report",
      "The desk's report for a period: received by channel and field, resolved on time, backlog, "
      "postal transit per route against J+n, failed deliveries");
  commands.report->add_option("--from", report.from,
                              "First day (YYYY-MM-DD[ HH:MM]; default the 1st of this month)");
  commands.report->add_option(
      "--to", report.to, "Last day included (YYYY-MM-DD), or an end time excluded (default now)");
  auto* json = commands.report->add_flag("--json", report.json, "As one JSON object");
  auto* csv = commands.report->add_flag("--csv", report.csv,
                                        "As CSV, one fact per row: section,group,metric,value");
  json->excludes(csv);
  commands.report->add_option("--db", report.db, db_help);
  return commands;
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
  auto period = period_of(args, now);
  if (!period) return report_error(period.error());
  auto store = open_store(database_path(args.db));
  if (!store) return report_error(store.error());
  tracking::ReportOptions options;
  auto tables = tracking::load_transit_tables(samples_dir() / "carriers");
  if (!tables) return report_error(tables.error());
  options.transit = std::move(*tables);
  auto report = tracking::build_report(**store, *period, options, now);
  if (!report) return report_error(report.error());
  if (args.json) {
    print(tracking::report_json(*report));
  } else if (args.csv) {
    print(tracking::report_csv(*report));
  } else {
    print(tracking::report_text(*report));
  }
  return 0;
}

}  // namespace app
