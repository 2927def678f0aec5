// hoso: the command-line entry point. Parses arguments and hands each subcommand to its runner;
// no business logic lives here.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <thread>

#include "app/carrier_commands.hpp"
#include "app/demo_command.hpp"
#include "app/dispatch_commands.hpp"
#include "app/lifecycle_commands.hpp"
#include "app/print_commands.hpp"
#include "app/registry_commands.hpp"
#include "app/report_commands.hpp"
#include "app/scan_command.hpp"
#include "app/serve_command.hpp"
#include "app/user_commands.hpp"
#include "app/watch_command.hpp"
#include "common/exit_code.hpp"
#include "common/log.hpp"

int main(int argc, char** argv) {
  CLI::App cli{"hoso: registers and tracks citizens' dossiers received by post at a one-stop desk"};
  cli.require_subcommand(1);
  std::string log_level = "warn";
  cli.add_option("--log-level", log_level, "quiet, warn, info or debug")->capture_default_str();

  app::ScanArgs scan;
  scan.scanner.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  double time_limit_s = scan.scanner.limits.time_limit_ms / 1000.0;
  double max_file_mb = static_cast<double>(scan.scanner.limits.max_file_bytes) / (1 << 20);
  auto* scan_cmd =
      cli.add_subcommand("scan", "Read every barcode and QR code in images, PDFs or video");
  scan_cmd->add_option("paths", scan.paths,
                       "Image or PDF files, or folders (searched recursively)");
  scan_cmd->add_option("--video", scan.video,
                       "A video file or camera (/dev/videoN) instead of files");
  scan_cmd->add_flag("--json", scan.json, "One JSON object per image page per line");
  scan_cmd->add_option("--formats", scan.formats,
                       "Formats to read, comma-separated (default all): Code128, QRCode, "
                       "DataMatrix, Code39, EAN13, UPCA, PDF417, Aztec");
  scan_cmd->add_option("--jobs,-j", scan.scanner.jobs, "Images decoded at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  scan_cmd
      ->add_option("--max-megapixels", scan.scanner.limits.max_megapixels,
                   "Largest image or rendered page accepted")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  scan_cmd
      ->add_option("--max-pages", scan.scanner.limits.max_pages, "Pages scanned per TIFF or PDF")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  scan_cmd->add_option("--max-file-mb", max_file_mb, "Largest file accepted, in MB")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  scan_cmd
      ->add_option("--pdf-dpi", scan.scanner.limits.pdf_dpi, "Resolution PDF pages are rendered at")
      ->capture_default_str()
      ->check(CLI::Range(50, 600));
  scan_cmd
      ->add_option("--time-limit", time_limit_s, "Seconds allowed per page before it is given up")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  scan_cmd
      ->add_option("--memory-mb", scan.scanner.limits.memory_limit_mb,
                   "Memory allowed to each decode worker, in MB")
      ->capture_default_str()
      ->check(CLI::Range(256, 1 << 20));

  const int default_jobs = scan.scanner.jobs;
  const std::string db_help = "Database file (default: $HOSO_DB, else var/hoso.db)";

  app::InitArgs init;
  auto* init_cmd = cli.add_subcommand(
      "init", "Create or migrate the database; load the procedure catalogue and the calendar");
  init_cmd->add_option("--db", init.db, db_help);
  init_cmd->add_option("--agency", init.agency,
                       "The desk's agency code, first part of every dossier code (000.00.05.H12)");
  init_cmd->add_option("--agency-name", init.agency_name, "The agency's name, for documents");
  init_cmd->add_option("--agency-address", init.agency_address,
                       "The desk's postal address: sender of return shipments, letterhead");
  init_cmd->add_option("--agency-phone", init.agency_phone, "The desk's phone number");
  init_cmd->add_option("--agency-province", init.agency_province,
                       "The desk's province (\"Hà Nội\"), for documents");
  init_cmd->add_option("--public-url", init.public_url,
                       "Where citizens open the lookup page, for the QR on receipts and labels "
                       "(default http://127.0.0.1:8080)");
  init_cmd->add_option("--admin", init.admin,
                       "Make the first admin with this login (asks for the password; the first "
                       "line of stdin when it is not a terminal)");
  init_cmd->add_option("--admin-name", init.admin_name, "The admin's full name");
  init_cmd->add_option("--procedures", init.procedures,
                       "Procedure catalogue CSV (default samples/procedures.csv)");
  init_cmd->add_option("--calendar", init.calendar,
                       "Days-off CSV files (default samples/calendar/*.csv)");
  init_cmd->add_option("--carriers", init.carriers,
                       "Carrier tracking-number patterns (default "
                       "samples/carriers/tracking_patterns.json)");

  app::IntakeArgs intake;
  intake.scanner.jobs = default_jobs;
  auto* intake_cmd = cli.add_subcommand(
      "intake", "Register envelopes: scan images or PDFs (or read typed codes) into dossiers");
  intake_cmd->add_option("paths", intake.paths, "Image or PDF files, or folders");
  intake_cmd->add_option("--db", intake.db, db_help);
  intake_cmd->add_flag("--stdin", intake.from_stdin,
                       "Read one code per line from a hand scanner (keyboard wedge)");
  intake_cmd->add_option("--batch", intake.batch,
                         "Handover batch name: registers a carrier's delivery and prints the "
                         "handover record (biên bản giao nhận)");
  intake_cmd->add_option("--carrier", intake.carrier, "Carrier of the batch")
      ->capture_default_str();
  intake_cmd->add_option("--handover-time", intake.handover_time,
                         "When the carrier handed the batch over, \"YYYY-MM-DD HH:MM\" (default "
                         "now): the dossiers count as filed then");
  intake_cmd->add_option("--manifest", intake.manifest,
                         "The carrier's list of tracking numbers for the batch (one per line)");
  intake_cmd->add_option("--station", intake.station, "Name of this scanning station")
      ->capture_default_str();
  intake_cmd->add_option("--actor", intake.actor, "Staff user recorded in the history ($USER)");
  intake_cmd->add_flag("--json", intake.json, "One JSON object per envelope scan");
  intake_cmd->add_option("--jobs,-j", intake.scanner.jobs, "Images decoded at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));

  app::WatchArgs watch;
  watch.scanner.jobs = default_jobs;
  auto* watch_cmd = cli.add_subcommand(
      "watch",
      "Hot folder: register files as scanners drop them, then move them to done/ or "
      "failed/");
  watch_cmd->add_option("dir", watch.dir, "The folder scanners write into")->required();
  watch_cmd->add_option("--db", watch.db, db_help);
  watch_cmd->add_flag("--once", watch.once, "Register what is in the folder now, then exit");
  watch_cmd
      ->add_option("--settle", watch.settle_s,
                   "Seconds a file must stay unchanged before it is taken (when its writer does "
                   "not close it)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  watch_cmd->add_option("--station", watch.station, "Name of this scanning station")
      ->capture_default_str();
  watch_cmd->add_flag("--json", watch.json, "One JSON object per envelope");
  watch_cmd->add_option("--jobs,-j", watch.scanner.jobs, "Images decoded at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));

  app::ManualArgs manual;
  auto* manual_cmd = cli.add_subcommand(
      "manual", "Envelopes waiting for a person: unreadable, no or a wrong tracking number");
  manual_cmd->require_subcommand(1);
  manual_cmd->add_option("--db", manual.db, db_help);
  auto* manual_list = manual_cmd->add_subcommand("list", "Open items (--all: also closed ones)");
  manual_list->add_flag("--all", manual.all, "Also resolved and dismissed items");
  manual_list->add_flag("--json", manual.json, "One JSON object per item");
  auto* manual_show = manual_cmd->add_subcommand("show", "One item: reason, codes read, image");
  manual_show->add_option("id", manual.id, "Item number")->required();
  manual_show->add_flag("--json", manual.json, "As JSON");
  auto* manual_resolve = manual_cmd->add_subcommand(
      "resolve", "Type the tracking number from the envelope's label; registers it");
  manual_resolve->add_option("id", manual.id, "Item number")->required();
  manual_resolve->add_option("tracking_number", manual.tracking_number, "e.g. EB123456785VN")
      ->required();
  manual_resolve->add_option("--actor", manual.actor, "Staff user recorded in the history");
  manual_resolve->add_flag("--json", manual.json, "As JSON");
  auto* manual_dismiss =
      manual_cmd->add_subcommand("dismiss", "Close an item that is not a dossier envelope");
  manual_dismiss->add_option("id", manual.id, "Item number")->required();
  manual_dismiss->add_option("--reason", manual.reason, "Why")->required();
  manual_dismiss->add_option("--actor", manual.actor, "Staff user recorded in the history");
  for (auto* sub : {manual_list, manual_show, manual_resolve, manual_dismiss}) {
    sub->add_option("--db", manual.db, db_help);
    sub->callback([&manual, sub] { manual.action = sub->get_name(); });
  }

  app::DossierArgs dossier;
  auto* dossier_cmd = cli.add_subcommand(
      "dossier", "Dossiers: list, show (staff view), and the officers' actions that move them on");
  dossier_cmd->require_subcommand(1);
  auto* dossier_list = dossier_cmd->add_subcommand("list", "Dossiers, oldest first");
  dossier_list->add_option("--state", dossier.state, "received, accepted, ...");
  dossier_list->add_option("--from", dossier.from, "Filed on or after (YYYY-MM-DD[ HH:MM])");
  dossier_list->add_option("--to", dossier.to, "Filed on or before (YYYY-MM-DD[ HH:MM])");
  dossier_list->add_option("--field", dossier.field, "Procedure field (dat_dai, xay_dung)");
  dossier_list->add_option("--batch", dossier.batch, "Only dossiers of this handover batch");
  dossier_list->add_option("--limit", dossier.limit, "At most this many")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  dossier_list->add_flag("--json", dossier.json, "One JSON object per dossier");
  auto* dossier_show = dossier_cmd->add_subcommand(
      "show", "One dossier with its applicant, shipments, scans and history");
  dossier_show->add_option("key", dossier.key, "#id, tracking number or dossier code")->required();
  dossier_show->add_flag("--json", dossier.json, "As JSON");
  for (auto* sub : {dossier_list, dossier_show}) {
    sub->add_option("--db", dossier.db, db_help);
    sub->callback([&dossier, sub] { dossier.action = sub->get_name(); });
  }
  app::LifecycleArgs lifecycle;
  app::add_lifecycle_commands(*dossier_cmd, lifecycle, db_help);
  app::ApplicantArgs applicant;
  auto* applicant_cmd = app::add_applicant_command(*dossier_cmd, applicant, db_help);
  app::DispatchArgs dispatch;
  app::add_dispatch_command(cli, dispatch, db_help);

  app::CalendarArgs calendar;
  auto* calendar_cmd =
      cli.add_subcommand("calendar", "Days off and swapped working days used for deadlines");
  calendar_cmd->require_subcommand(1);
  auto* calendar_list = calendar_cmd->add_subcommand("list", "Days off and extra working days");
  calendar_list->add_option("--year", calendar.year, "Only this year");
  auto* calendar_add = calendar_cmd->add_subcommand("add", "Set a day off (or --working day)");
  calendar_add->add_option("date", calendar.date, "YYYY-MM-DD")->required();
  calendar_add->add_option("--name", calendar.name, "What the day is")->required();
  calendar_add->add_flag("--working", calendar.working,
                         "A working day (a Saturday swapped by government decision)");
  auto* calendar_remove =
      calendar_cmd->add_subcommand("remove", "Make a listed day an ordinary day again");
  calendar_remove->add_option("date", calendar.date, "YYYY-MM-DD")->required();
  auto* calendar_due = calendar_cmd->add_subcommand(
      "due", "The due date of a dossier filed at a time, after N working days or hours");
  calendar_due->add_option("--filed", calendar.date, "YYYY-MM-DD HH:MM (default now)");
  calendar_due->add_option("--days", calendar.days, "Working days")->check(CLI::Range(1, 3650));
  calendar_due->add_option("--hours", calendar.hours, "Working hours")->check(CLI::Range(1, 10000));
  for (auto* sub : {calendar_list, calendar_add, calendar_remove, calendar_due}) {
    sub->add_option("--db", calendar.db, db_help);
    sub->callback([&calendar, sub] { calendar.action = sub->get_name(); });
  }

  app::LookupArgs lookup;
  app::ReportArgs report;
  const app::ReportCommands report_cmds = app::add_report_commands(cli, lookup, report, db_help);

  app::DemoArgs demo;
  auto* demo_cmd = cli.add_subcommand(
      "demo",
      "The whole flow on a fresh desk in var/demo/ in simulated time: envelopes registered, "
      "officers' actions, results posted, the carrier's deliveries, the report and the documents");
  demo_cmd->add_flag(
      "--once", demo.once,
      "Exit when done (without it the carrier simulator keeps serving until Ctrl-C)");
  demo_cmd->add_option("--dir", demo.dir, "Where the demo desk is built (emptied first)")
      ->capture_default_str();
  demo_cmd->add_option("--seed", demo.seed, "The carrier's scenarios and times")
      ->capture_default_str();
  demo_cmd->add_option("--faults", demo.fault_rate, "Share of carrier answers that fail")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.5));
  demo_cmd
      ->add_option("--port", demo.port,
                   "Port of the desk's web server on 127.0.0.1 (0: any free port; 8080 falls "
                   "back to a free one when taken)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));

  app::PrintArgs print;
  auto* print_cmd = app::add_print_command(cli, print, db_help);

  app::ServeArgs serve;
  app::add_serve_command(cli, serve, db_help);

  app::UserArgs user;
  auto* user_cmd = app::add_user_command(cli, user, db_help);
  app::TokenArgs token;
  auto* token_cmd = app::add_token_command(cli, token, db_help);

  app::SyncArgs sync;
  auto* sync_cmd = cli.add_subcommand(
      "sync", "Ask the carrier where every shipment not yet delivered is, and store what changed");
  sync_cmd->add_option("--db", sync.db, db_help);
  sync_cmd->add_option("--config", sync.config,
                       "Config file with the carrier's address and account ($HOSO_CONFIG, else "
                       "hoso.json beside the database)");
  sync_cmd->add_flag("--json", sync.json, "One JSON object: counts, every change, every failure");
  sync_cmd->add_option("--passes", sync.passes, "Rounds for shipments whose answer failed")
      ->capture_default_str()
      ->check(CLI::Range(1, 10));

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = cli.exit(e);
    return rc == 0 ? 0 : static_cast<int>(common::ExitCode::bad_arguments);
  }
  common::setup_logging(common::parse_log_level(log_level));

  try {
    if (scan_cmd->parsed()) {
      scan.scanner.limits.time_limit_ms = static_cast<int>(time_limit_s * 1000);
      scan.scanner.limits.max_file_bytes = static_cast<std::uint64_t>(max_file_mb * (1 << 20));
      return app::run_scan(std::move(scan));
    }
    if (init_cmd->parsed()) return app::run_init(init);
    if (intake_cmd->parsed()) return app::run_intake(intake);
    if (watch_cmd->parsed()) return app::run_watch(std::move(watch));
    if (manual_cmd->parsed()) return app::run_manual(manual);
    if (dossier_cmd->parsed() && !lifecycle.action.empty()) return app::run_lifecycle(lifecycle);
    if (applicant_cmd->parsed()) return app::run_applicant(applicant);
    if (cli.got_subcommand("dispatch")) return app::run_dispatch(dispatch);
    if (dossier_cmd->parsed()) return app::run_dossier(dossier);
    if (calendar_cmd->parsed()) return app::run_calendar(calendar);
    if (sync_cmd->parsed()) return app::run_sync(sync);
    if (user_cmd->parsed()) return app::run_user(user);
    if (token_cmd->parsed()) return app::run_token(token);
    if (print_cmd->parsed()) return app::run_print(print);
    if (demo_cmd->parsed()) return app::run_demo(demo);
    if (cli.got_subcommand("serve")) return app::run_serve(serve);
    if (report_cmds.lookup->parsed()) return app::run_lookup(lookup);
    if (report_cmds.report->parsed()) return app::run_report(report);
  } catch (const std::exception& e) {
    spdlog::critical("internal error: {}", e.what());
    return static_cast<int>(common::ExitCode::internal);
  }
  return static_cast<int>(common::ExitCode::bad_arguments);
}
