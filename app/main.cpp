// hoso: the command-line entry point. One table of commands (name, help, options, runner);
// each runner hands the parsed arguments to app/'s wiring. No business logic lives here.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "app/carrier_commands.hpp"
#include "app/demo_command.hpp"
#include "app/dispatch_commands.hpp"
#include "app/fee_commands.hpp"
#include "app/lifecycle_commands.hpp"
#include "app/output.hpp"
#include "app/print_commands.hpp"
#include "app/registry_commands.hpp"
#include "app/report_commands.hpp"
#include "app/scan_command.hpp"
#include "app/serve_command.hpp"
#include "app/user_commands.hpp"
#include "app/watch_command.hpp"
#include "common/exit_code.hpp"
#include "common/log.hpp"

namespace {

// Runs the command once its arguments are parsed; returns the exit code.
using Runner = std::function<int()>;

// What the commands' options share.
struct Shared {
  std::string db_help =
      "Database: a SQLite file, or a PostgreSQL URI postgresql://... (default: $HOSO_DB, else "
      "var/hoso.db); with a URI, images, documents and hoso.json live in $HOSO_DATA (else var/)";
  int default_jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
};

// Each definer adds a command's options to `command` and returns its runner; the arguments live
// on the heap, shared by the option bindings and the runner.
Runner define_scan(CLI::App& command, const Shared& shared) {
  auto args = std::make_shared<app::ScanArgs>();
  args->scanner.jobs = shared.default_jobs;
  auto time_limit_s = std::make_shared<double>(args->scanner.limits.time_limit_ms / 1000.0);
  auto max_file_mb = std::make_shared<double>(
      static_cast<double>(args->scanner.limits.max_file_bytes) / (1 << 20));
  command.add_option("paths", args->paths, "Image or PDF files, or folders (searched recursively)");
  command.add_option("--video", args->video,
                     "A video file or camera (/dev/videoN) instead of files");
  command.add_flag("--json", args->json, "One JSON object per image page per line");
  command.add_option("--formats", args->formats,
                     "Formats to read, comma-separated (default all): Code128, QRCode, "
                     "DataMatrix, Code39, EAN13, UPCA, PDF417, Aztec");
  command.add_option("--jobs,-j", args->scanner.jobs, "Images decoded at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  command
      .add_option("--max-megapixels", args->scanner.limits.max_megapixels,
                  "Largest image or rendered page accepted")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      .add_option("--max-pages", args->scanner.limits.max_pages, "Pages scanned per TIFF or PDF")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  command.add_option("--max-file-mb", *max_file_mb, "Largest file accepted, in MB")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      .add_option("--pdf-dpi", args->scanner.limits.pdf_dpi, "Resolution PDF pages are rendered at")
      ->capture_default_str()
      ->check(CLI::Range(50, 600));
  command
      .add_option("--time-limit", *time_limit_s, "Seconds allowed per page before it is given up")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      .add_option("--memory-mb", args->scanner.limits.memory_limit_mb,
                  "Memory allowed to each decode worker, in MB")
      ->capture_default_str()
      ->check(CLI::Range(256, 1 << 20));
  return [args, time_limit_s, max_file_mb] {
    args->scanner.limits.time_limit_ms = static_cast<int>(*time_limit_s * 1000);
    args->scanner.limits.max_file_bytes = static_cast<std::uint64_t>(*max_file_mb * (1 << 20));
    return app::run_scan(std::move(*args));
  };
}

Runner define_init(CLI::App& command, const Shared& shared) {
  auto args = std::make_shared<app::InitArgs>();
  command.add_option("--db", args->db, shared.db_help);
  command.add_option("--agency", args->agency,
                     "The desk's agency code, first part of every dossier code (000.00.05.H12)");
  command.add_option("--agency-name", args->agency_name, "The agency's name, for documents");
  command.add_option("--agency-address", args->agency_address,
                     "The desk's postal address: sender of return shipments, letterhead");
  command.add_option("--agency-phone", args->agency_phone, "The desk's phone number");
  command.add_option("--agency-province", args->agency_province,
                     "The desk's province (\"Hà Nội\"), for documents");
  command.add_option("--public-url", args->public_url,
                     "Where citizens open the lookup page, for the QR on receipts and labels "
                     "(default http://127.0.0.1:8080)");
  command.add_option("--office-hours", args->office_hours,
                     "The desk's office hours, morning and afternoon (default "
                     "08:00-12:00,13:00-17:00): deadlines in working hours count them");
  command.add_option("--deadline-after-cutoff", args->deadline_after_cutoff,
                     "A dossier received after 15:00: its deadline counts from that day (same_day, "
                     "the default, Decree 118/2025 Art. 18) or from the next working day "
                     "(next_working_day)");
  command.add_option("--day-off-filing", args->day_off_filing,
                     "A dossier received on a day off: counted as received at the next working "
                     "day's opening (next_working_day, the default) or that day just not counted "
                     "(civil_code)");
  command.add_option("--supplement-wait-days", args->supplement_wait_days,
                     "Days a dossier may wait for the citizen's supplement before it is closed "
                     "(default 15, Decree 118/2025 Art. 19(5); hoso dossier close-expired)");
  command
      .add_option("--return-postage-payer", args->return_postage_payer,
                  "Who pays the postage of the result sent back, as the receipt says: citizen "
                  "(the default, Decision 45/2016 Art. 12(3)) or agency")
      ->check(CLI::IsMember({"citizen", "agency"}));
  command.add_option("--admin", args->admin,
                     "Make the first admin with this login (asks for the password; the first "
                     "line of stdin when it is not a terminal)");
  command.add_option("--admin-name", args->admin_name, "The admin's full name");
  command.add_option("--procedures", args->procedures,
                     "Procedure catalogue CSV (default samples/procedures.csv)");
  command.add_option("--calendar", args->calendar,
                     "Days-off CSV files (default samples/calendar/*.csv)");
  command.add_option("--carriers", args->carriers,
                     "Carrier tracking-number patterns (default "
                     "samples/carriers/tracking_patterns.json)");
  return [args] { return app::run_init(*args); };
}

Runner define_intake(CLI::App& command, const Shared& shared) {
  auto args = std::make_shared<app::IntakeArgs>();
  args->scanner.jobs = shared.default_jobs;
  command.add_option("paths", args->paths, "Image or PDF files, or folders");
  command.add_option("--db", args->db, shared.db_help);
  command.add_flag("--stdin", args->from_stdin,
                   "Read one code per line from a hand scanner (keyboard wedge); lines that cannot "
                   "be codes (binary, control characters, shorter than 6 or longer than 1024 "
                   "bytes) are skipped, counted, and make the exit code 3");
  command.add_option("--batch", args->batch,
                     "Handover batch name: registers a carrier's delivery and prints the "
                     "handover record (biên bản giao nhận)");
  command.add_option("--carrier", args->carrier, "Carrier of the batch")->capture_default_str();
  command.add_option("--handover-time", args->handover_time,
                     "When the carrier handed the batch over, \"YYYY-MM-DD HH:MM\" (default "
                     "now): the dossiers count as filed then");
  command.add_option("--manifest", args->manifest,
                     "The carrier's list of tracking numbers for the batch (one per line)");
  command.add_option("--station", args->station, "Name of this scanning station")
      ->capture_default_str();
  command.add_option("--actor", args->actor, "Staff user recorded in the history ($USER)");
  command.add_flag("--json", args->json, "One JSON object per envelope scan");
  command.add_option("--jobs,-j", args->scanner.jobs, "Images decoded at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  return [args] { return app::run_intake(*args); };
}

Runner define_watch(CLI::App& command, const Shared& shared) {
  auto args = std::make_shared<app::WatchArgs>();
  args->scanner.jobs = shared.default_jobs;
  command.add_option("dir", args->dir, "The folder scanners write into")->required();
  command.add_option("--db", args->db, shared.db_help);
  command.add_flag("--once", args->once, "Register what is in the folder now, then exit");
  command
      .add_option("--settle", args->settle_s,
                  "Seconds a file must stay unchanged before it is taken (when its writer does "
                  "not close it)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  command.add_option("--station", args->station, "Name of this scanning station")
      ->capture_default_str();
  command.add_flag("--json", args->json, "One JSON object per envelope");
  command.add_option("--jobs,-j", args->scanner.jobs, "Images decoded at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  return [args] { return app::run_watch(std::move(*args)); };
}

Runner define_manual(CLI::App& command, const Shared& shared) {
  auto args = std::make_shared<app::ManualArgs>();
  command.require_subcommand(1);
  command.add_option("--db", args->db, shared.db_help);
  auto* manual_list = command.add_subcommand("list", "Open items (--all: also closed ones)");
  manual_list->add_flag("--all", args->all, "Also resolved and dismissed items");
  manual_list->add_flag("--json", args->json, "One JSON object per item");
  auto* manual_show = command.add_subcommand("show", "One item: reason, codes read, image");
  manual_show->add_option("id", args->id, "Item number")->required();
  manual_show->add_flag("--json", args->json, "As JSON");
  auto* manual_resolve = command.add_subcommand(
      "resolve", "Type the tracking number from the envelope's label; registers it");
  manual_resolve->add_option("id", args->id, "Item number")->required();
  manual_resolve->add_option("tracking_number", args->tracking_number, "e.g. EB123456785VN")
      ->required();
  manual_resolve->add_option("--actor", args->actor, "Staff user recorded in the history");
  manual_resolve->add_flag("--json", args->json, "As JSON");
  auto* manual_dismiss =
      command.add_subcommand("dismiss", "Close an item that is not a dossier envelope");
  manual_dismiss->add_option("id", args->id, "Item number")->required();
  manual_dismiss->add_option("--reason", args->reason, "Why")->required();
  manual_dismiss->add_option("--actor", args->actor, "Staff user recorded in the history");
  for (auto* sub : {manual_list, manual_show, manual_resolve, manual_dismiss}) {
    sub->add_option("--db", args->db, shared.db_help);
    sub->callback([args, sub] { args->action = sub->get_name(); });
  }
  return [args] { return app::run_manual(*args); };
}

// `dossier list|show`, the officers' actions (`dossier accept ...`) and `dossier applicant`.
Runner define_dossier(CLI::App& command, const Shared& shared) {
  auto args = std::make_shared<app::DossierArgs>();
  auto lifecycle = std::make_shared<app::LifecycleArgs>();
  auto applicant = std::make_shared<app::ApplicantArgs>();
  command.require_subcommand(1);
  auto* dossier_list = command.add_subcommand("list", "Dossiers, oldest first");
  dossier_list->add_option("--state", args->state, "received, accepted, ...");
  dossier_list->add_option("--from", args->from, "Filed on or after (YYYY-MM-DD[ HH:MM])");
  dossier_list->add_option("--to", args->to, "Filed on or before (YYYY-MM-DD[ HH:MM])");
  dossier_list->add_option("--field", args->field, "Procedure field (dat_dai, xay_dung)");
  dossier_list->add_option("--batch", args->batch, "Only dossiers of this handover batch");
  dossier_list->add_option("--limit", args->limit, "At most this many")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  dossier_list->add_flag("--json", args->json, "One JSON object per dossier");
  auto* dossier_show = command.add_subcommand(
      "show", "One dossier with its applicant, shipments, scans and history");
  dossier_show->add_option("key", args->key, "#id, tracking number or dossier code")->required();
  dossier_show->add_flag("--json", args->json, "As JSON");
  for (auto* sub : {dossier_list, dossier_show}) {
    sub->add_option("--db", args->db, shared.db_help);
    sub->callback([args, sub] { args->action = sub->get_name(); });
  }
  app::add_lifecycle_commands(command, *lifecycle, shared.db_help);
  CLI::App* applicant_cmd = app::add_applicant_command(command, *applicant, shared.db_help);
  auto delivery = std::make_shared<app::ResultDeliveryArgs>();
  CLI::App* delivery_cmd = app::add_result_delivery_command(command, *delivery, shared.db_help);
  auto collect = std::make_shared<app::CollectArgs>();
  CLI::App* collect_cmd = app::add_collect_command(command, *collect, shared.db_help);
  auto fee = std::make_shared<app::FeeArgs>();
  CLI::App* fee_cmd = app::add_fee_command(command, *fee, shared.db_help);
  auto transfer = std::make_shared<app::TransferArgs>();
  CLI::App* transfer_cmd = app::add_transfer_command(command, *transfer, shared.db_help);
  CLI::App* transfer_back_cmd = app::add_transfer_back_command(command, *transfer, shared.db_help);
  return [args, lifecycle, applicant, applicant_cmd, delivery, delivery_cmd, collect, collect_cmd,
          fee, fee_cmd, transfer, transfer_cmd, transfer_back_cmd] {
    if (!lifecycle->action.empty()) return app::run_lifecycle(*lifecycle);
    if (applicant_cmd->parsed()) return app::run_applicant(*applicant);
    if (delivery_cmd->parsed()) return app::run_result_delivery(*delivery);
    if (collect_cmd->parsed()) return app::run_collect(*collect);
    if (fee_cmd->parsed()) return app::run_fee(*fee);
    if (transfer_cmd->parsed()) return app::run_transfer(*transfer);
    if (transfer_back_cmd->parsed()) return app::run_transfer_back(*transfer);
    return app::run_dossier(*args);
  };
}

Runner define_dispatch(CLI::App& command, const Shared& shared) {
  auto args = std::make_shared<app::DispatchArgs>();
  app::define_dispatch_command(command, *args, shared.db_help);
  return [args] { return app::run_dispatch(*args); };
}

Runner define_calendar(CLI::App& command, const Shared& shared) {
  auto args = std::make_shared<app::CalendarArgs>();
  command.require_subcommand(1);
  auto* calendar_list = command.add_subcommand("list", "Days off and extra working days");
  calendar_list->add_option("--year", args->year, "Only this year");
  auto* calendar_add = command.add_subcommand("add", "Set a day off (or --working day)");
  calendar_add->add_option("date", args->date, "YYYY-MM-DD")->required();
  calendar_add->add_option("--name", args->name, "What the day is")->required();
  calendar_add->add_flag("--working", args->working,
                         "A working day (a Saturday swapped by government decision)");
  auto* calendar_remove =
      command.add_subcommand("remove", "Make a listed day an ordinary day again");
  calendar_remove->add_option("date", args->date, "YYYY-MM-DD")->required();
  auto* calendar_due = command.add_subcommand(
      "due", "The due date of a dossier filed at a time, after N working days or hours");
  calendar_due->add_option("--filed", args->date, "YYYY-MM-DD HH:MM (default now)");
  calendar_due->add_option("--days", args->days, "Working days")->check(CLI::Range(1, 3650));
  calendar_due->add_option("--hours", args->hours, "Working hours")->check(CLI::Range(1, 10000));
  for (auto* sub : {calendar_list, calendar_add, calendar_remove, calendar_due}) {
    sub->add_option("--db", args->db, shared.db_help);
    sub->callback([args, sub] { args->action = sub->get_name(); });
  }
  return [args] { return app::run_calendar(*args); };
}

Runner define_lookup(CLI::App& command, const Shared& shared) {
  auto args = std::make_shared<app::LookupArgs>();
  app::define_lookup_command(command, *args, shared.db_help);
  return [args] { return app::run_lookup(*args); };
}

Runner define_report(CLI::App& command, const Shared& shared) {
  auto args = std::make_shared<app::ReportArgs>();
  app::define_report_command(command, *args, shared.db_help);
  return [args] { return app::run_report(*args); };
}

Runner define_demo(CLI::App& command, const Shared&) {
  auto args = std::make_shared<app::DemoArgs>();
  command.add_flag("--once", args->once,
                   "Exit when done (without it the carrier simulator keeps serving until Ctrl-C)");
  command.add_option("--dir", args->dir, "Where the demo desk is built (emptied first)")
      ->capture_default_str();
  command.add_option("--seed", args->seed, "The carrier's scenarios and times")
      ->capture_default_str();
  command.add_option("--faults", args->fault_rate, "Share of carrier answers that fail")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.5));
  command
      .add_option("--port", args->port,
                  "Port of the desk's web server on 127.0.0.1 (0: any free port; 8080 falls "
                  "back to a free one when taken)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  return [args] { return app::run_demo(*args); };
}

Runner define_print(CLI::App& command, const Shared& shared) {
  auto args = std::make_shared<app::PrintArgs>();
  app::define_print_command(command, *args, shared.db_help);
  return [args] { return app::run_print(*args); };
}

Runner define_serve(CLI::App& command, const Shared& shared) {
  auto args = std::make_shared<app::ServeArgs>();
  app::define_serve_command(command, *args, shared.db_help);
  return [args] { return app::run_serve(*args); };
}

Runner define_user(CLI::App& command, const Shared& shared) {
  auto args = std::make_shared<app::UserArgs>();
  app::define_user_command(command, *args, shared.db_help);
  return [args] { return app::run_user(*args); };
}

Runner define_token(CLI::App& command, const Shared& shared) {
  auto args = std::make_shared<app::TokenArgs>();
  app::define_token_command(command, *args, shared.db_help);
  return [args] { return app::run_token(*args); };
}

Runner define_sync(CLI::App& command, const Shared& shared) {
  auto args = std::make_shared<app::SyncArgs>();
  command.add_option("--db", args->db, shared.db_help);
  command.add_option("--config", args->config,
                     "Config file with the carrier's address and account ($HOSO_CONFIG, else "
                     "hoso.json beside the database)");
  command.add_flag("--json", args->json, "One JSON object: counts, every change, every failure");
  command.add_option("--passes", args->passes, "Rounds for shipments whose answer failed")
      ->capture_default_str()
      ->check(CLI::Range(1, 10));
  return [args] { return app::run_sync(*args); };
}

struct Command {
  const char* name;
  const char* help;
  Runner (*define)(CLI::App& command, const Shared& shared);
};

// Every command, in the order `hoso --help` lists them.
const Command k_commands[] = {
    {"scan", "Read every barcode and QR code in images, PDFs or video", define_scan},
    {"init", "Create or migrate the database; load the procedure catalogue and the calendar",
     define_init},
    {"intake", "Register envelopes: scan images or PDFs (or read typed codes) into dossiers",
     define_intake},
    {"watch",
     "Hot folder: register files as scanners drop them, then move them to done/ or failed/",
     define_watch},
    {"manual", "Envelopes waiting for a person: unreadable, no or a wrong tracking number",
     define_manual},
    {"dossier", "Dossiers: list, show (staff view), and the officers' actions that move them on",
     define_dossier},
    {"dispatch",
     "Send results back by post: orders a return shipment from the carrier for each dossier "
     "whose result is ready and moves it to 'return dispatched'; `dispatch letter` posts one of "
     "the desk's letters (the refusal, with the original documents)",
     define_dispatch},
    {"calendar", "Days off and swapped working days used for deadlines", define_calendar},
    {"lookup",
     "One dossier by tracking number (inbound or return) or dossier code: the citizen's view "
     "(--lookup-code) or everything (--staff)",
     define_lookup},
    {"report",
     "The desk's report for a period: received by channel and field, resolved on time, backlog, "
     "postal transit per route against J+n, failed deliveries",
     define_report},
    {"demo",
     "The whole flow on a fresh desk in var/demo/ in simulated time: envelopes registered, "
     "officers' actions, results posted, the carrier's deliveries, the report and the documents",
     define_demo},
    {"print", "Printable documents as HTML: forms 01-07 and return labels (Code 128 + QR)",
     define_print},
    {"serve",
     "The desk's web server: pages and API for staff and citizens, the carrier's webhooks, and "
     "the background jobs (carrier sync, hot folder, deadline warnings)",
     define_serve},
    {"user", "Staff who log in to hoso serve: add, set, passwd, role, disable, enable, list",
     define_user},
    {"token", "API tokens for scanning stations (mailroom role only): add, list, revoke",
     define_token},
    {"sync", "Ask the carrier where every shipment not yet delivered is, and store what changed",
     define_sync},
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"hoso: registers and tracks citizens' dossiers received by post at a one-stop desk"};
  cli.require_subcommand(1);
  std::string log_level = "warn";
  cli.add_option("--log-level", log_level, "quiet, warn, info or debug")->capture_default_str();
  std::string lang;
  cli.add_option("--lang", lang,
                 "Language of messages: vi or en (default: $HOSO_LANG, else the locale, else vi)")
      ->check(CLI::IsMember({"vi", "en"}));

  const Shared shared;
  std::vector<std::pair<CLI::App*, Runner>> commands;
  for (const Command& command : k_commands) {
    CLI::App* sub = cli.add_subcommand(command.name, command.help);
    commands.emplace_back(sub, command.define(*sub, shared));
  }

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = cli.exit(e);
    return rc == 0 ? 0 : static_cast<int>(common::ExitCode::bad_arguments);
  }
  common::setup_logging(common::parse_log_level(log_level));
  app::set_cli_lang(lang.empty() ? common::lang_from_environment() : *common::parse_lang(lang));

  try {
    for (const auto& [sub, run] : commands) {
      if (sub->parsed()) return run();
    }
  } catch (const std::exception& e) {
    spdlog::critical("internal error: {}", e.what());
    return static_cast<int>(common::ExitCode::internal);
  }
  return static_cast<int>(common::ExitCode::bad_arguments);
}
