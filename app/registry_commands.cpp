#include "app/registry_commands.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/desk.hpp"
#include "app/output.hpp"
#include "app/user_commands.hpp"
#include "common/calendar.hpp"
#include "common/exit_code.hpp"
#include "db/settings.hpp"
#include "intake/catalogue.hpp"
#include "intake/desk_setup.hpp"
#include "intake/envelope_reader.hpp"
#include "intake/mailroom.hpp"
#include "intake/messages.hpp"
#include "intake/typed_codes.hpp"
#include "scanner/batch.hpp"
#include "staff/accounts.hpp"
#include "tracking/documents.hpp"
#include "tracking/lookup.hpp"
#include "tracking/public_link.hpp"
#include "tracking/staff_queries.hpp"

namespace app {
namespace {

using common::ErrorCode;
using common::ExitCode;
using common::make_error;
using common::Result;

// Refused stdin lines printed one by one before the count alone is given.
constexpr int k_refusals_shown = 10;

constexpr auto k_json_replace = nlohmann::json::error_handler_t::replace;

void print_json(const nlohmann::json& j) {
  std::puts(j.dump(-1, ' ', false, k_json_replace).c_str());
}

std::string read_file(const std::filesystem::path& path, Result<void>& status) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    status = make_error(ErrorCode::not_found, fmt::format("{}: no such file", path.string()));
    return {};
  }
  std::ostringstream text;
  text << in.rdbuf();
  status = {};
  return text.str();
}

// --- init -------------------------------------------------------------------------------------

}  // namespace

int run_init(const InitArgs& args) {
  const auto database = database_path(args.db);
  const auto samples = samples_dir();
  const std::filesystem::path procedures_file =
      args.procedures.empty() ? samples / "procedures.csv" : std::filesystem::path(args.procedures);
  std::vector<std::filesystem::path> calendar_files(args.calendar.begin(), args.calendar.end());
  if (calendar_files.empty()) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(samples / "calendar", ec)) {
      if (entry.path().extension() == ".csv") calendar_files.push_back(entry.path());
    }
    std::sort(calendar_files.begin(), calendar_files.end());
  }
  const std::filesystem::path carriers_file = args.carriers.empty()
                                                  ? samples / "carriers" / "tracking_patterns.json"
                                                  : std::filesystem::path(args.carriers);

  if (!args.agency.empty() && !intake::plausible_agency_code(args.agency)) {
    return report_error(make_error(
        ErrorCode::invalid_argument,
        fmt::format("--agency '{}' is not an agency code like 000.00.05.H12 (upper-case letters, "
                    "digits and dots)",
                    args.agency)));
  }
  if (!args.public_url.empty()) {
    if (auto problem = tracking::public_url_problem(args.public_url, args.public_url_local)) {
      return report_error(*problem);
    }
  }
  if (!args.office_hours.empty()) {
    if (auto hours = common::parse_office_hours(args.office_hours); !hours) {
      return report_error(hours.error());
    }
  }
  if (auto rule = common::parse_deadline_after_cutoff(args.deadline_after_cutoff); !rule) {
    return report_error(rule.error());
  }
  if (auto rule = common::parse_day_off_filing(args.day_off_filing); !rule) {
    return report_error(rule.error());
  }
  if (!args.supplement_wait_days.empty()) {
    if (auto days = tracking::parse_supplement_wait_days(args.supplement_wait_days); !days) {
      return report_error(days.error());
    }
  }
  intake::DeskSetup setup;
  setup.agency_code = args.agency;
  setup.agency_name = args.agency_name;
  setup.settings = {{db::k_setting_agency_address, args.agency_address},
                    {db::k_setting_agency_phone, args.agency_phone},
                    {db::k_setting_agency_province, args.agency_province},
                    {db::k_setting_public_url, args.public_url},
                    {db::k_setting_public_url_local, args.public_url_local ? "1" : ""},
                    {db::k_setting_office_hours, args.office_hours},
                    {db::k_setting_deadline_after_cutoff, args.deadline_after_cutoff},
                    {db::k_setting_day_off_filing, args.day_off_filing},
                    {db::k_setting_supplement_wait_days, args.supplement_wait_days},
                    {db::k_setting_return_postage_payer, args.return_postage_payer}};
  auto procedures = intake::load_procedures_csv(procedures_file);
  if (!procedures) return report_error(procedures.error());
  setup.procedures = std::move(*procedures);
  setup.procedures_source = procedures_file.string();
  auto calendar = common::WorkingCalendar::load_csv(calendar_files);
  if (!calendar) return report_error(calendar.error());
  setup.calendar_days = calendar->days();
  Result<void> read_status;
  setup.carrier_patterns = read_file(carriers_file, read_status);
  if (!read_status) return report_error(read_status.error());
  auto classifier = intake::Classifier::from_json(setup.carrier_patterns, carriers_file.string());
  if (!classifier) return report_error(classifier.error());
  setup.carrier_pattern_count = classifier->patterns().size();

  auto store = db::open_store(database.string());
  if (!store) return report_error(store.error());
  if (auto secured = make_desk_private(database, config_path("", database)); !secured) {
    return report_error(secured.error());
  }
  auto written =
      intake::set_up_desk(**store, setup, common::SystemClock().now(), actor_or_user(""));
  if (!written) {
    const bool no_agency =
        args.agency.empty() && written.error().code == ErrorCode::invalid_argument;
    return report_error(written.error(), no_agency
                                             ? "hoso init --agency 000.00.05.H12 --agency-name "
                                               "\"Trung tâm Phục vụ hành chính công ...\""
                                             : "");
  }
  const std::string agency_line =
      fmt::format("{} ({})", written->agency_code, written->agency_name);
  const int days_loaded = written->calendar_days_loaded;
  const int days_kept_removed = written->calendar_days_kept_removed;

  std::printf("%s: schema version %d, agency %s\n",
              db::redacted_location(database.string()).c_str(), db::schema_version(),
              agency_line.c_str());
  std::printf("  %zu procedures from %s\n", setup.procedures.size(),
              procedures_file.string().c_str());
  std::printf(
      "  %d calendar days loaded from %zu file(s)%s\n", days_loaded, calendar_files.size(),
      days_kept_removed == 0
          ? ""
          : fmt::format(" ({} removed by `hoso calendar remove` left out)", days_kept_removed)
                .c_str());
  std::printf("  %zu carrier tracking-number patterns from %s\n", classifier->patterns().size(),
              carriers_file.string().c_str());
  std::printf("  scan images are kept in %s\n", image_root(database).string().c_str());
  if (auto opened = open_store(database); opened) {
    auto base = (*opened)->read<std::string>(
        [](db::Transaction& tx) { return tracking::citizen_base_url(tx); });
    if (base) {
      std::printf("  citizens' QR codes and links open %s\n", base->c_str());
    } else if (base.error().code == ErrorCode::conflict) {
      std::printf("  %s\n", say(base.error()).c_str());
    }
  }
  if (!args.admin.empty()) {
    auto opened = open_store(database);
    if (!opened) return report_error(opened.error());
    auto admin = add_first_admin(**opened, args.admin, args.admin_name);
    if (!admin) return report_error(admin.error());
    std::printf("  admin %s can log in to `hoso serve`\n", admin->login.c_str());
  } else if (auto opened = open_store(database); opened) {
    common::SystemClock clock;
    auto users = staff::Accounts(**opened, clock).users();
    if (users && users->empty()) {
      std::printf(
          "  no staff users yet: `hoso init --admin LOGIN` (or `hoso user add LOGIN "
          "--role admin --name NAME`) makes the first admin\n");
    }
  }
  return 0;
}

// --- intake -----------------------------------------------------------------------------------

namespace {

struct IntakeTally {
  std::optional<ErrorCode> first_error;  // decides the exit code when something failed
  int registered = 0;
  int already = 0;
  int manual = 0;
  int failed = 0;
};

void report_registration(const IntakeArgs& args, const intake::EnvelopeScan& scan,
                         const Result<intake::Registration>& r, IntakeTally& tally) {
  if (!r) {
    ++tally.failed;
    tally.first_error = tally.first_error.value_or(r.error().code);
    if (args.json) {
      print_json(
          {{"file", scan.source_name},
           {"page", scan.page},
           {"error",
            {{"code", common::error_code_name(r.error().code)}, {"message", say(r.error())}}}});
    } else {
      std::fprintf(stderr, "hoso: %s: not registered: %s\n", scan.source_name.c_str(),
                   say(r.error()).c_str());
    }
    return;
  }
  switch (r->outcome) {
    case db::ScanOutcome::registered:
    case db::ScanOutcome::resolved:
      ++tally.registered;
      break;
    case db::ScanOutcome::already_registered:
      ++tally.already;
      break;
    case db::ScanOutcome::manual:
      ++tally.manual;
      break;
  }
  if (args.json) {
    nlohmann::json j = {{"file", scan.source_name},
                        {"page", scan.page},
                        {"outcome", db::scan_outcome_name(r->outcome)},
                        {"scan_id", r->scan_id},
                        {"message", say(r->message)}};
    if (!r->tracking_number.empty()) j["tracking_number"] = r->tracking_number;
    if (r->dossier_id) j["dossier_id"] = *r->dossier_id;
    if (r->manual_id) j["manual_id"] = *r->manual_id;
    if (r->replayed) j["replayed"] = true;
    print_json(j);
  } else {
    const std::string message = say(r->message);
    const bool named = message.rfind(scan.source_name, 0) == 0;
    std::printf("%s%s\n", named ? "" : fmt::format("{}: ", shorten(scan.source_name, 60)).c_str(),
                shorten(message, 300).c_str());
  }
  std::fflush(stdout);
}

void print_handover(const intake::HandoverRecord& record) {
  const auto& b = record.batch;
  std::printf("\nBIÊN BẢN GIAO NHẬN HỒ SƠ (handover record)\n");
  std::printf("  batch:          %s\n", b.name.c_str());
  std::printf("  carrier:        %s\n", b.carrier.c_str());
  std::printf("  handed over at: %s\n", common::format_local(b.handed_over_at).c_str());
  std::printf("  received by:    %s\n", record.received_by_name.c_str());
  std::printf("  %-4s %-16s %-10s %s\n", "no.", "tracking number", "dossier", "envelope file");
  int n = 0;
  for (const auto& item : record.items) {
    std::printf("  %-4d %-16s %-10s %s\n", ++n,
                item.tracking_number.empty() ? "(manual)" : item.tracking_number.c_str(),
                item.dossier_id ? fmt::format("#{}", *item.dossier_id).c_str() : "-",
                shorten(item.source_name, 40).c_str());
  }
  std::printf(
      "  envelopes: %d (new dossiers %d, already registered %d, resolved by hand %d, "
      "waiting in the manual queue %d)\n",
      record.envelopes, record.registered, record.already_registered, record.resolved,
      record.manual);
  if (!b.manifest.empty()) {
    std::printf("  carrier's manifest: %zu items; on the manifest but not scanned: %zu%s%s\n",
                b.manifest.size(), record.missing.size(), record.missing.empty() ? "" : ": ",
                fmt::format("{}", fmt::join(record.missing, ", ")).c_str());
    std::printf("  scanned but not on the manifest: %zu%s%s\n", record.unexpected.size(),
                record.unexpected.empty() ? "" : ": ",
                fmt::format("{}", fmt::join(record.unexpected, ", ")).c_str());
  }
}

}  // namespace

tracking::HandoverForm handover_form(const intake::HandoverRecord& record) {
  tracking::HandoverForm form;
  form.agency.code = record.agency_code;
  form.agency.name = record.agency_name;
  form.agency.province = record.agency_province;
  form.batch_name = record.batch.name;
  form.carrier = record.batch.carrier;
  form.handed_over_at = record.batch.handed_over_at;
  form.received_by = {record.received_by_name, record.received_by_title};
  form.manifest = record.batch.manifest;
  for (const auto& item : record.items) {
    form.envelopes.push_back(
        {item.tracking_number, item.dossier_id, item.outcome, item.typed, item.scans});
  }
  return form;
}

nlohmann::json handover_json(const intake::HandoverRecord& record) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : record.items) {
    nlohmann::json j = {{"file", item.source_name},
                        {"source", item.typed ? "typed" : "file"},
                        {"scans", item.scans},
                        {"outcome", db::scan_outcome_name(item.outcome)}};
    if (!item.tracking_number.empty()) j["tracking_number"] = item.tracking_number;
    if (item.dossier_id) j["dossier_id"] = *item.dossier_id;
    items.push_back(j);
  }
  return {{"handover",
           {{"batch", record.batch.name},
            {"carrier", record.batch.carrier},
            {"handed_over_at", common::format_iso(record.batch.handed_over_at)},
            {"received_by", record.batch.received_by},
            {"received_by_name", record.received_by_name},
            {"agency",
             {{"code", record.agency_code},
              {"name", record.agency_name},
              {"province", record.agency_province}}},
            {"rescans", record.rescans},
            {"envelopes", record.envelopes},
            {"registered", record.registered},
            {"already_registered", record.already_registered},
            {"resolved", record.resolved},
            {"manual", record.manual},
            {"manifest", record.batch.manifest},
            {"missing", record.missing},
            {"unexpected", record.unexpected},
            {"items", items}}}};
}

int run_intake(const IntakeArgs& args) {
  if (args.paths.empty() && !args.from_stdin) {
    return report_error(
        make_error(ErrorCode::invalid_argument, "give image or PDF files or folders, or --stdin"));
  }
  if (!args.manifest.empty() && args.batch.empty()) {
    return report_error(make_error(ErrorCode::invalid_argument,
                                   "--manifest belongs to a handover: add --batch NAME"));
  }
  if (!args.handover_time.empty() && args.batch.empty()) {
    // Without a batch it was silently ignored and the dossiers were filed "now".
    return report_error(make_error(ErrorCode::invalid_argument,
                                   "--handover-time belongs to a handover: add --batch NAME"));
  }
  auto desk = open_desk(args.db, intake::IntakeContext{args.station, actor_or_user(args.actor)});
  if (!desk) return report_error(desk.error());
  auto& registrar = *(*desk)->registrar;
  const auto& classifier = (*desk)->classifier;

  std::optional<db::Id> batch_id;
  if (!args.batch.empty()) {
    common::Timestamp handed_over_at = (*desk)->clock.now();
    if (!args.handover_time.empty()) {
      auto parsed = common::parse_local(args.handover_time);
      if (!parsed) return report_error(parsed.error());
      handed_over_at = *parsed;
    }
    std::vector<std::string> manifest;
    if (!args.manifest.empty()) {
      auto loaded = intake::load_manifest(args.manifest, classifier);
      if (!loaded) return report_error(loaded.error());
      for (const auto& line : loaded->rejected) {
        std::fprintf(stderr, "hoso: manifest line skipped: %s\n", line.c_str());
      }
      manifest = std::move(loaded->tracking_numbers);
    }
    auto batch = registrar.open_batch(args.batch, args.carrier, handed_over_at, manifest,
                                      !args.handover_time.empty());
    if (!batch) return report_error(batch.error());
    batch_id = batch->id;
  }

  IntakeTally tally;
  int unreadable_inputs = 0;
  if (!args.paths.empty()) {
    std::vector<scanner::SkippedInput> skipped;
    auto files = scanner::collect_inputs(args.paths, skipped);
    if (!files) return report_error(files.error());
    // A pipe or a link loop is no envelope: named, not queued for a clerk; the rest goes on.
    for (const scanner::SkippedInput& input : skipped) {
      tally.first_error = tally.first_error.value_or(ErrorCode::bad_input);
      if (args.json) {
        print_json({{"file", input.path},
                    {"page", 0},
                    {"error",
                     {{"code", common::error_code_name(ErrorCode::bad_input)},
                      {"message", say(input.reason)}}}});
      } else {
        std::fprintf(stderr, "hoso: %s\n", shorten(say(input.reason), 400).c_str());
      }
    }
    auto scanner = scanner::Scanner::open(args.scanner);
    if (!scanner) return report_error(scanner.error());
    Progress progress(files->size(), !args.json && ::isatty(STDERR_FILENO) != 0, "registering");
    scanner::scan_batch(
        *scanner, *files, [&](std::size_t index, const scanner::FileResult& result) {
          progress.clear();
          if (!result.readable()) ++unreadable_inputs;
          for (const auto& scan : intake::envelopes_from(result, classifier, batch_id)) {
            report_registration(args, scan, registrar.register_envelope(scan), tally);
          }
          progress.show(index + 1);
        });
    progress.clear();
  }
  int refused_lines = 0;
  int first_refused_line = 0;
  if (args.from_stdin) {
    // Bounded lines: 2 MB of random bytes once became thousands of manual-queue items, and one
    // 300 MB line cost 685 MB of memory.
    intake::TypedLineReader reader(STDIN_FILENO);
    while (auto line = reader.next()) {
      const std::string source = fmt::format("stdin:{}", line->number);
      if (!line->refusal.empty()) {
        if (refused_lines++ == 0) first_refused_line = line->number;
        tally.first_error = tally.first_error.value_or(ErrorCode::bad_input);
        if (args.json) {
          print_json({{"file", source},
                      {"page", 0},
                      {"error",
                       {{"code", common::error_code_name(ErrorCode::bad_input)},
                        {"message", say(line->refusal)}}}});
        } else if (refused_lines <= k_refusals_shown) {
          std::fprintf(stderr, "hoso: %s\n", say(line->refusal).c_str());
        }
        continue;
      }
      intake::EnvelopeScan scan;
      scan.source_name = source;
      scan.codes.push_back(classifier.classify(line->text, std::nullopt));
      scan.batch_id = batch_id;
      report_registration(args, scan, registrar.register_envelope(scan), tally);
    }
    if (!reader.error().empty()) {
      tally.first_error = tally.first_error.value_or(ErrorCode::io_error);
      std::fprintf(stderr, "hoso: cannot read standard input: %s\n", reader.error().c_str());
    }
    if (refused_lines > 0) {
      std::fprintf(stderr, "hoso: %s\n",
                   say(common::Text{intake::msg::typed_lines_refused,
                                    {{"count", refused_lines},
                                     {"first", fmt::format("stdin:{}", first_refused_line)}}})
                       .c_str());
    }
  }

  if (batch_id) {
    auto record = registrar.handover_record(*batch_id);
    if (!record) return report_error(record.error());
    if (args.json) {
      print_json(handover_json(*record));
    } else {
      print_handover(*record);
    }
  }
  if (!args.json) {
    const int scans = tally.registered + tally.already + tally.manual + tally.failed;
    std::printf(
        "%d envelope scan%s: %d new dossier%s, %d already registered, %d need%s a person%s%s\n",
        scans, scans == 1 ? "" : "s", tally.registered, tally.registered == 1 ? "" : "s",
        tally.already, tally.manual, tally.manual == 1 ? "s" : "",
        tally.manual ? " (hoso manual list)" : "",
        tally.failed ? fmt::format(", {} NOT registered (see errors above)", tally.failed).c_str()
                     : "");
  }
  if (tally.first_error) return static_cast<int>(common::exit_code_for(*tally.first_error));
  return 0;
}

// --- manual -----------------------------------------------------------------------------------

namespace {

nlohmann::json code_json(const db::ScanCode& c) {
  nlohmann::json j = {{"format", c.format}, {"kind", c.kind}, {"text", c.text}};
  if (!c.tracking_number.empty()) j["tracking_number"] = c.tracking_number;
  if (!c.problem.empty()) j["problem"] = c.problem;
  return j;
}

void print_codes(const std::vector<db::ScanCode>& codes, const char* indent) {
  if (codes.empty()) std::printf("%s(no codes read)\n", indent);
  for (const auto& c : codes) {
    std::printf("%s%-10s %-16s %s%s\n", indent, c.format.c_str(), c.kind.c_str(),
                shorten(c.text, 90).c_str(),
                c.problem.empty() ? "" : fmt::format("  [{}]", shorten(c.problem, 120)).c_str());
  }
}

}  // namespace

int run_manual(const ManualArgs& args) {
  auto desk = open_desk(args.db, intake::IntakeContext{"cli", actor_or_user(args.actor)});
  if (!desk) return report_error(desk.error());
  auto& store = *(*desk)->store;
  auto& images = *(*desk)->images;

  if (args.action == "resolve") {
    auto r = (*desk)->registrar->resolve_manual(args.id, args.tracking_number);
    if (!r) {
      const bool missing = r.error().code == ErrorCode::not_found;
      return report_error(r.error(), missing ? "hoso manual list" : "");
    }
    if (args.json) {
      print_json({{"manual_id", args.id},
                  {"tracking_number", r->tracking_number},
                  {"dossier_id", r->dossier_id.value_or(0)},
                  {"message", say(r->message)}});
    } else {
      std::printf("%s\n", say(r->message).c_str());
    }
    return 0;
  }
  if (args.action == "dismiss") {
    if (args.reason.empty()) {
      return report_error(
          make_error(ErrorCode::invalid_argument,
                     "say why with --reason (e.g. \"not a dossier: advertising\")"));
    }
    auto r = (*desk)->registrar->dismiss_manual(args.id, args.reason);
    if (!r) {
      const bool missing = r.error().code == ErrorCode::not_found;
      return report_error(r.error(), missing ? "hoso manual list" : "");
    }
    std::printf("manual #%lld dismissed: %s\n", args.id, args.reason.c_str());
    return 0;
  }

  std::vector<intake::ManualEntry> rows;
  if (args.action == "show") {
    auto entry = intake::manual_entry(store, args.id);
    if (!entry) {
      const bool missing = entry.error().code == ErrorCode::not_found;
      return report_error(entry.error(), missing ? "hoso manual list" : "");
    }
    rows.push_back(std::move(*entry));
  } else {
    auto queue =
        intake::manual_queue(store, args.all ? intake::QueueItems::all : intake::QueueItems::open);
    if (!queue) return report_error(queue.error());
    rows = std::move(*queue);
  }

  for (const intake::ManualEntry& entry : rows) {
    const db::ManualItem& item = entry.item;
    const db::Scan scan = entry.scan.value_or(db::Scan{});
    const auto image = scan.image_hash.empty() ? std::filesystem::path()
                                               : images.path_of(scan.image_hash, scan.image_type);
    if (args.json) {
      nlohmann::json codes = nlohmann::json::array();
      for (const auto& c : scan.codes) codes.push_back(code_json(c));
      nlohmann::json j = {{"id", item.id},
                          {"status", db::manual_status_name(item.status)},
                          {"reason_code", item.reason_code},
                          {"reason", say(entry.reason)},
                          {"created_at", common::format_iso(item.created_at)},
                          {"file", scan.source_name},
                          {"page", scan.page},
                          {"image", image.string()},
                          {"codes", codes}};
      if (item.dossier_id) j["dossier_id"] = *item.dossier_id;
      print_json(j);
    } else if (args.action == "show") {
      std::printf("manual #%lld  %s  (%s)\n", static_cast<long long>(item.id),
                  std::string(db::manual_status_name(item.status)).c_str(),
                  item.reason_code.c_str());
      std::printf("  reason:   %s\n", say(entry.reason).c_str());
      std::printf("  queued:   %s at station %s\n", common::format_local(item.created_at).c_str(),
                  scan.station.c_str());
      std::printf("  file:     %s (page %d)\n", shorten(scan.source_name, 80).c_str(),
                  scan.page + 1);
      std::printf("  image:    %s\n", image.empty() ? "(none kept)" : image.string().c_str());
      if (!scan.scan_error.empty()) {
        std::printf("  scanner:  %s\n", shorten(scan.scan_error, 200).c_str());
      }
      std::printf("  codes read:\n");
      print_codes(scan.codes, "    ");
      if (item.status == db::ManualStatus::open) {
        std::printf("  resolve:  hoso manual resolve %lld TRACKING_NUMBER\n",
                    static_cast<long long>(item.id));
      }
    } else {
      std::printf("#%-5lld %s  %-18s %-28s %s\n", static_cast<long long>(item.id),
                  common::format_local(item.created_at).c_str(), item.reason_code.c_str(),
                  shorten(scan.source_name, 28).c_str(), shorten(say(entry.reason), 120).c_str());
    }
  }
  if (!args.json && args.action != "show") {
    std::printf("%zu %s in the manual queue%s\n", rows.size(),
                args.all ? (rows.size() == 1 ? "item" : "items")
                         : (rows.size() == 1 ? "envelope waiting" : "envelopes waiting"),
                rows.empty() ? "" : "; `hoso manual show ID` for the codes and the image");
  }
  return 0;
}

// --- dossier ----------------------------------------------------------------------------------

int run_dossier(const DossierArgs& args) {
  auto store = open_store(database_path(args.db));
  if (!store) return report_error(store.error());

  if (args.action == "show") {
    auto view = tracking::staff_lookup(**store, args.key);
    if (!view) return report_error(view.error());
    std::fputs(args.json ? (tracking::staff_json(*view) + "\n").c_str()
                         : tracking::staff_text(*view).c_str(),
               stdout);
    return 0;
  }

  tracking::DossierQuery query;
  query.limit = args.limit;
  query.field = args.field;
  query.batch = args.batch;
  query.descending = false;
  if (!args.state.empty()) {
    query.state = db::parse_dossier_state(args.state);
    if (!query.state) {
      return report_error(make_error(
          ErrorCode::invalid_argument,
          fmt::format("--state '{}' is not a state (received, accepted, refused, in_process, "
                      "supplement_requested, awaiting_fees, withdrawn, stopped, processed, "
                      "return_dispatched, return_failed, result_returned)",
                      args.state)));
    }
  }
  if (!args.from.empty()) {
    auto from = common::parse_local(args.from);
    if (!from) return report_error(from.error());
    query.filed_from = *from;
  }
  if (!args.to.empty()) {
    auto to = common::parse_local(args.to);
    if (!to) return report_error(to.error());
    // A bare date means "through that day".
    query.filed_to = args.to.size() == 10 ? *to + std::chrono::days{1} : *to;
  }
  common::SystemClock clock;
  auto page = tracking::search_dossiers(**store, clock, query);
  if (!page) return report_error(page.error());
  for (const tracking::DossierRow& row : page->rows) {
    const auto& d = row.dossier;
    const std::string number = row.tracking_number.empty() ? "-" : row.tracking_number;
    if (args.json) {
      nlohmann::json j = {{"id", d.id},
                          {"code", d.code ? nlohmann::json(*d.code) : nlohmann::json()},
                          {"state", db::dossier_state_name(d.state)},
                          {"national_status", db::national_status_code(d.state)},
                          {"filed_at", common::format_iso(d.filed_at)},
                          {"tracking_number", number},
                          {"portal_code", d.portal_code}};
      if (d.due_at) j["due_at"] = common::format_iso(*d.due_at);
      print_json(j);
    } else {
      std::printf("#%-6lld %-15s %-10s %-2d %s  %s\n", static_cast<long long>(d.id), number.c_str(),
                  std::string(db::dossier_state_name(d.state)).c_str(),
                  db::national_status_code(d.state), common::format_local(d.filed_at).c_str(),
                  d.code                  ? d.code->c_str()
                  : d.portal_code.empty() ? ""
                                          : fmt::format("(portal {})", d.portal_code).c_str());
    }
  }
  if (!args.json) {
    std::printf("%zu dossier%s%s\n", page->rows.size(), page->rows.size() == 1 ? "" : "s",
                page->limit_reached ? " (limit reached: --limit N)" : "");
  }
  return 0;
}

// --- calendar ---------------------------------------------------------------------------------

int run_calendar(const CalendarArgs& args) {
  auto store = open_store(database_path(args.db));
  if (!store) return report_error(store.error());
  common::SystemClock clock;
  const std::string actor = actor_or_user(args.actor);

  if (args.action == "add" || args.action == "remove") {
    auto date = common::parse_date(args.date);
    if (!date) return report_error(date.error());
    if (args.action == "add" && args.name.empty()) {
      return report_error(make_error(ErrorCode::invalid_argument,
                                     "name the day with --name (e.g. \"Nghỉ bù Quốc khánh\")"));
    }
    auto changed =
        args.action == "add"
            ? intake::set_calendar_day(
                  **store,
                  db::CalendarDay{*date, args.working ? db::DayKind::work : db::DayKind::off,
                                  args.name},
                  clock.now(), actor)
            : intake::remove_calendar_day(**store, *date, clock.now(), actor);
    if (!changed) return report_error(changed.error());
    std::printf("%s %s\n", args.date.c_str(),
                args.action == "remove" ? "removed: an ordinary day again"
                : args.working          ? "is now a working day"
                                        : "is now a day off");
    return 0;
  }

  auto days = intake::calendar_days(**store);
  if (!days) return report_error(days.error());

  if (args.action == "due") {
    common::WorkingCalendar calendar;
    for (auto& day : *days) calendar.add_day(day.date, day.kind, day.name);
    auto from =
        args.date.empty() ? Result<common::Timestamp>(clock.now()) : common::parse_local(args.date);
    if (!from) return report_error(from.error());
    if ((args.days > 0) == (args.hours > 0)) {
      return report_error(
          make_error(ErrorCode::invalid_argument, "give either --days N or --hours N"));
    }
    const auto start = calendar.counting_start(*from);
    const auto due = args.days > 0 ? calendar.due_after_working_days(*from, args.days)
                                   : calendar.due_after_working_hours(*from, args.hours);
    std::printf("filed %s, clock starts %s, %d working %s -> due %s\n",
                common::format_local(*from).c_str(), common::format_local(start).c_str(),
                args.days > 0 ? args.days : args.hours, args.days > 0 ? "days" : "hours",
                common::format_local(due).c_str());
    return 0;
  }

  int shown = 0;
  for (const auto& day : *days) {
    if (args.year && static_cast<int>(day.date.year()) != args.year) continue;
    std::printf("%s  %-4s %s\n", common::format_date(day.date).c_str(),
                day.kind == db::DayKind::off ? "off" : "work", day.name.c_str());
    ++shown;
  }
  std::printf("%d calendar day%s (weekends are not listed)\n", shown, shown == 1 ? "" : "s");
  return 0;
}

}  // namespace app
