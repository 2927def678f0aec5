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
#include <set>
#include <sstream>

#include "app/desk.hpp"
#include "app/output.hpp"
#include "app/user_commands.hpp"
#include "common/calendar.hpp"
#include "common/exit_code.hpp"
#include "db/settings.hpp"
#include "intake/catalogue.hpp"
#include "intake/envelope_reader.hpp"
#include "scanner/batch.hpp"
#include "staff/accounts.hpp"

namespace app {
namespace {

using common::ErrorCode;
using common::ExitCode;
using common::make_error;
using common::Result;

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

bool plausible_agency_code(const std::string& code) {
  return !code.empty() && code.size() <= 32 &&
         std::all_of(code.begin(), code.end(), [](unsigned char c) {
           return std::isupper(c) || std::isdigit(c) || c == '.';
         });
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

  if (!args.agency.empty() && !plausible_agency_code(args.agency)) {
    return report_error(make_error(
        ErrorCode::invalid_argument,
        fmt::format("--agency '{}' is not an agency code like 000.00.05.H12 (upper-case letters, "
                    "digits and dots)",
                    args.agency)));
  }
  auto procedures = intake::load_procedures_csv(procedures_file);
  if (!procedures) return report_error(procedures.error());
  auto calendar = common::WorkingCalendar::load_csv(calendar_files);
  if (!calendar) return report_error(calendar.error());
  Result<void> read_status;
  const std::string patterns = read_file(carriers_file, read_status);
  if (!read_status) return report_error(read_status.error());
  auto classifier = intake::Classifier::from_json(patterns, carriers_file.string());
  if (!classifier) return report_error(classifier.error());

  auto store = db::open_sqlite(database);
  if (!store) return report_error(store.error());

  const auto now = common::SystemClock().now();
  const std::string actor = actor_or_user("");
  std::string agency_line;
  int days_loaded = 0;
  int days_kept_removed = 0;
  auto written = (*store)->write([&](db::Transaction& tx) -> Result<void> {
    if (!args.agency.empty()) {
      auto id = tx.upsert_agency(
          db::Agency{0, args.agency, args.agency_name.empty() ? args.agency : args.agency_name});
      if (!id) return id.error();
      if (auto set = tx.set_setting(db::k_setting_agency_code, args.agency); !set) return set;
    }
    for (const auto& [key, value] :
         {std::pair{db::k_setting_agency_address, &args.agency_address},
          std::pair{db::k_setting_agency_phone, &args.agency_phone},
          std::pair{db::k_setting_agency_province, &args.agency_province},
          std::pair{db::k_setting_public_url, &args.public_url}}) {
      if (value->empty()) continue;
      if (auto set = tx.set_setting(key, *value); !set) return set;
    }
    auto code = tx.setting(db::k_setting_agency_code);
    if (!code) return code.error();
    if (!*code) {
      return make_error(ErrorCode::invalid_argument,
                        "the first `hoso init` needs the desk's agency code: hoso init --agency "
                        "000.00.05.H12 --agency-name \"Bộ phận Một cửa ...\"");
    }
    auto agency = tx.find_agency(**code);
    if (!agency) return agency.error();
    agency_line = fmt::format("{} ({})", **code, *agency ? (*agency)->name : std::string("?"));

    // Dossiers keep the processing time they were received under (docs/domain.md §5.1): a version's
    // time may not change in place; a new time is a new version.
    auto known = tx.list_procedures();
    if (!known) return known.error();
    for (const db::Procedure& p : *procedures) {
      for (const db::Procedure& k : *known) {
        if (k.code == p.code && k.version == p.version &&
            (k.time_amount != p.time_amount || k.time_unit != p.time_unit)) {
          return make_error(
              ErrorCode::bad_input,
              fmt::format("{}: procedure {} version {} is in the database with {} {}, the file "
                          "says {} {}; add a line with version {} instead of changing it",
                          procedures_file.string(), p.code, p.version, k.time_amount,
                          db::time_unit_name(k.time_unit), p.time_amount,
                          db::time_unit_name(p.time_unit), p.version + 1));
        }
      }
      if (auto id = tx.upsert_procedure(p); !id) return id.error();
    }
    // The database is the admin's calendar: the shipped files add the dates it does not have,
    // never overwrite a date it has (`hoso calendar add`), and never bring back a date the admin
    // removed (`hoso calendar remove`, found in the event log).
    auto existing = tx.list_calendar_days();
    if (!existing) return existing.error();
    std::set<std::string> present;
    for (const auto& day : *existing) present.insert(common::format_date(day.date));
    auto history = tx.events_of("calendar", 0);
    if (!history) return history.error();
    std::set<std::string> removed;
    for (const auto& event : *history) {
      const auto data = nlohmann::json::parse(event.data, nullptr, false);
      if (!data.is_object() || !data.contains("date") || !data["date"].is_string()) continue;
      const std::string date = data["date"].get<std::string>();
      if (event.action == "day_removed") removed.insert(date);
      if (event.action == "day_set") removed.erase(date);
    }
    for (const auto& day : calendar->days()) {
      const std::string date = common::format_date(day.date);
      if (present.count(date)) continue;
      if (removed.count(date)) {
        ++days_kept_removed;
        continue;
      }
      if (auto put = tx.put_calendar_day(day); !put) return put;
      ++days_loaded;
    }
    if (auto set = tx.set_setting(k_setting_carrier_patterns, patterns); !set) return set;
    nlohmann::json data = {{"procedures", procedures->size()},
                           {"calendar_days_loaded", days_loaded},
                           {"carrier_patterns", classifier->patterns().size()},
                           {"schema_version", db::schema_version()}};
    auto e = tx.append_event(
        db::Event{0, now, actor, "desk", 0, "initialised", "hoso init", data.dump()});
    if (!e) return e.error();
    return {};
  });
  if (!written) return report_error(written.error());

  std::printf("%s: schema version %d, agency %s\n", database.string().c_str(), db::schema_version(),
              agency_line.c_str());
  std::printf("  %zu procedures from %s\n", procedures->size(), procedures_file.string().c_str());
  std::printf(
      "  %d calendar days loaded from %zu file(s)%s\n", days_loaded, calendar_files.size(),
      days_kept_removed == 0
          ? ""
          : fmt::format(" ({} removed by `hoso calendar remove` left out)", days_kept_removed)
                .c_str());
  std::printf("  %zu carrier tracking-number patterns from %s\n", classifier->patterns().size(),
              carriers_file.string().c_str());
  std::printf("  scan images are kept in %s\n", image_root(database).string().c_str());
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
            {{"code", common::error_code_name(r.error().code)}, {"message", r.error().message}}}});
    } else {
      std::fprintf(stderr, "hoso: %s: not registered: %s\n", scan.source_name.c_str(),
                   r.error().message.c_str());
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
                        {"message", r->message}};
    if (!r->tracking_number.empty()) j["tracking_number"] = r->tracking_number;
    if (r->dossier_id) j["dossier_id"] = *r->dossier_id;
    if (r->manual_id) j["manual_id"] = *r->manual_id;
    if (r->replayed) j["replayed"] = true;
    print_json(j);
  } else {
    const bool named = r->message.rfind(scan.source_name, 0) == 0;
    std::printf("%s%s\n", named ? "" : fmt::format("{}: ", shorten(scan.source_name, 60)).c_str(),
                shorten(r->message, 300).c_str());
  }
  std::fflush(stdout);
}

void print_handover(const intake::HandoverRecord& record) {
  const auto& b = record.batch;
  std::printf("\nBIÊN BẢN GIAO NHẬN HỒ SƠ (handover record)\n");
  std::printf("  batch:          %s\n", b.name.c_str());
  std::printf("  carrier:        %s\n", b.carrier.c_str());
  std::printf("  handed over at: %s\n", common::format_local(b.handed_over_at).c_str());
  std::printf("  received by:    %s\n", b.received_by.c_str());
  std::printf("  %-4s %-16s %-10s %s\n", "no.", "tracking number", "dossier", "envelope file");
  int n = 0;
  std::set<std::string> listed;
  for (const auto& item : record.items) {
    if (!item.tracking_number.empty() && !listed.insert(item.tracking_number).second) continue;
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

nlohmann::json handover_json(const intake::HandoverRecord& record) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : record.items) {
    nlohmann::json j = {{"file", item.source_name},
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
    auto files = scanner::collect_inputs(args.paths);
    if (!files) return report_error(files.error());
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
  if (args.from_stdin) {
    std::string line;
    int number = 0;
    while (std::getline(std::cin, line)) {
      ++number;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      intake::EnvelopeScan scan;
      scan.source_name = fmt::format("stdin:{}", number);
      scan.codes.push_back(classifier.classify(line, std::nullopt));
      scan.batch_id = batch_id;
      report_registration(args, scan, registrar.register_envelope(scan), tally);
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
    if (!r) return report_error(r.error());
    if (args.json) {
      print_json({{"manual_id", args.id},
                  {"tracking_number", r->tracking_number},
                  {"dossier_id", r->dossier_id.value_or(0)},
                  {"message", r->message}});
    } else {
      std::printf("%s\n", r->message.c_str());
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
    if (!r) return report_error(r.error());
    std::printf("manual #%lld dismissed: %s\n", args.id, args.reason.c_str());
    return 0;
  }

  struct Row {
    db::ManualItem item;
    db::Scan scan;
  };
  std::vector<Row> rows;
  auto read = store.read([&](db::Transaction& tx) -> Result<void> {
    std::vector<db::ManualItem> items;
    if (args.action == "show") {
      auto item = tx.get_manual(args.id);
      if (!item) return item.error();
      if (!*item) {
        return make_error(ErrorCode::not_found,
                          fmt::format("no manual-queue item #{}; see `hoso manual list`", args.id));
      }
      items.push_back(**item);
    } else {
      auto list = tx.list_manual(
          args.all ? std::nullopt : std::optional<db::ManualStatus>(db::ManualStatus::open));
      if (!list) return list.error();
      items = std::move(*list);
    }
    for (auto& item : items) {
      auto scan = tx.get_scan(item.scan_id);
      if (!scan) return scan.error();
      rows.push_back(Row{std::move(item), scan->value_or(db::Scan{})});
    }
    return {};
  });
  if (!read) return report_error(read.error());

  for (const Row& row : rows) {
    const auto image = row.scan.image_hash.empty()
                           ? std::filesystem::path()
                           : images.path_of(row.scan.image_hash, row.scan.image_type);
    if (args.json) {
      nlohmann::json codes = nlohmann::json::array();
      for (const auto& c : row.scan.codes) codes.push_back(code_json(c));
      nlohmann::json j = {{"id", row.item.id},
                          {"status", db::manual_status_name(row.item.status)},
                          {"reason_code", row.item.reason_code},
                          {"reason", row.item.reason},
                          {"created_at", common::format_iso(row.item.created_at)},
                          {"file", row.scan.source_name},
                          {"page", row.scan.page},
                          {"image", image.string()},
                          {"codes", codes}};
      if (row.item.dossier_id) j["dossier_id"] = *row.item.dossier_id;
      print_json(j);
    } else if (args.action == "show") {
      std::printf("manual #%lld  %s  (%s)\n", static_cast<long long>(row.item.id),
                  std::string(db::manual_status_name(row.item.status)).c_str(),
                  row.item.reason_code.c_str());
      std::printf("  reason:   %s\n", row.item.reason.c_str());
      std::printf("  queued:   %s at station %s\n",
                  common::format_local(row.item.created_at).c_str(), row.scan.station.c_str());
      std::printf("  file:     %s (page %d)\n", shorten(row.scan.source_name, 80).c_str(),
                  row.scan.page + 1);
      std::printf("  image:    %s\n", image.empty() ? "(none kept)" : image.string().c_str());
      if (!row.scan.scan_error.empty()) {
        std::printf("  scanner:  %s\n", shorten(row.scan.scan_error, 200).c_str());
      }
      std::printf("  codes read:\n");
      print_codes(row.scan.codes, "    ");
      if (row.item.status == db::ManualStatus::open) {
        std::printf("  resolve:  hoso manual resolve %lld TRACKING_NUMBER\n",
                    static_cast<long long>(row.item.id));
      }
    } else {
      std::printf("#%-5lld %s  %-18s %-28s %s\n", static_cast<long long>(row.item.id),
                  common::format_local(row.item.created_at).c_str(), row.item.reason_code.c_str(),
                  shorten(row.scan.source_name, 28).c_str(), shorten(row.item.reason, 120).c_str());
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

namespace {

struct DossierView {
  db::Dossier dossier;
  std::vector<db::Shipment> shipments;
  std::map<db::Id, std::vector<db::CarrierEvent>> carrier_events;  // by shipment
  std::optional<db::Applicant> applicant;
  std::vector<db::Scan> scans;
  std::vector<db::Event> events;
  std::optional<db::Procedure> procedure;
};

std::string inbound_number(const std::vector<db::Shipment>& shipments) {
  for (const auto& s : shipments) {
    if (s.direction == db::Direction::inbound) return s.tracking_number;
  }
  return "-";
}

Result<std::optional<db::Dossier>> find_dossier(db::Transaction& tx, const intake::Classifier& c,
                                                const std::string& key) {
  if (key.empty()) return std::optional<db::Dossier>{};
  // "#12" is always a dossier number; a bare number is a tracking number first (Viettel Post's
  // are all digits), then a dossier number.
  const bool hash = key.front() == '#';
  const std::string digits = hash ? key.substr(1) : key;
  const bool numeric = !digits.empty() && digits.size() < 12 &&
                       std::all_of(digits.begin(), digits.end(),
                                   [](unsigned char ch) { return std::isdigit(ch) != 0; });
  if (hash) {
    if (!numeric) return std::optional<db::Dossier>{};
    return tx.get_dossier(std::stoll(digits));
  }
  const intake::Code code = c.classify(key, std::nullopt);
  if (!code.tracking_number.empty()) {
    for (auto direction : {db::Direction::inbound, db::Direction::outbound}) {
      auto shipment = tx.find_shipment(code.tracking_number, direction, common::Timestamp{});
      if (!shipment) return shipment.error();
      if (*shipment && (*shipment)->dossier_id) return tx.get_dossier(*(*shipment)->dossier_id);
    }
  }
  if (numeric) return tx.get_dossier(std::stoll(digits));
  if (code.dossier) return tx.find_dossier_by_code(code.dossier->text);
  return tx.find_dossier_by_code(key);
}

}  // namespace

int run_dossier(const DossierArgs& args) {
  auto desk = open_desk(args.db, intake::IntakeContext{});
  if (!desk) return report_error(desk.error());
  auto& store = *(*desk)->store;

  if (args.action == "show") {
    DossierView view;
    auto read = store.read([&](db::Transaction& tx) -> Result<void> {
      auto found = find_dossier(tx, (*desk)->classifier, args.key);
      if (!found) return found.error();
      if (!*found) {
        return make_error(ErrorCode::not_found,
                          fmt::format("no dossier '{}' (give #id, a tracking number or a dossier "
                                      "code)",
                                      shorten(args.key, 40)));
      }
      view.dossier = **found;
      auto shipments = tx.shipments_of(view.dossier.id);
      if (!shipments) return shipments.error();
      view.shipments = std::move(*shipments);
      for (const db::Shipment& shipment : view.shipments) {
        auto carrier_events = tx.carrier_events_of(shipment.id);
        if (!carrier_events) return carrier_events.error();
        view.carrier_events[shipment.id] = std::move(*carrier_events);
      }
      auto applicant = tx.applicant_of(view.dossier.id);
      if (!applicant) return applicant.error();
      view.applicant = std::move(*applicant);
      auto scans = tx.scans_of(view.dossier.id);
      if (!scans) return scans.error();
      view.scans = std::move(*scans);
      auto events = tx.events_of("dossier", view.dossier.id);
      if (!events) return events.error();
      view.events = std::move(*events);
      if (view.dossier.procedure_id) {
        auto p = tx.get_procedure(*view.dossier.procedure_id);
        if (!p) return p.error();
        view.procedure = *p;
      }
      return {};
    });
    if (!read) return report_error(read.error());
    const auto& d = view.dossier;
    if (args.json) {
      nlohmann::json shipments = nlohmann::json::array();
      for (const auto& s : view.shipments) {
        nlohmann::json carrier_events = nlohmann::json::array();
        for (const auto& e : view.carrier_events[s.id]) {
          carrier_events.push_back({{"at", common::format_iso(e.occurred_at)},
                                    {"status", e.status},
                                    {"carrier_code", e.carrier_code},
                                    {"location_code", e.location_code},
                                    {"location", e.location},
                                    {"description", e.description},
                                    {"source", db::event_source_name(e.source)}});
        }
        shipments.push_back(
            {{"carrier", s.carrier},
             {"tracking_number", s.tracking_number},
             {"direction", db::direction_name(s.direction)},
             {"status", s.status},
             {"first_seen_at", common::format_iso(s.first_seen_at)},
             {"synced_at",
              s.synced_at ? nlohmann::json(common::format_iso(*s.synced_at)) : nlohmann::json()},
             {"carrier_events", std::move(carrier_events)}});
      }
      nlohmann::json scans = nlohmann::json::array();
      for (const auto& s : view.scans) {
        nlohmann::json codes = nlohmann::json::array();
        for (const auto& c : s.codes) codes.push_back(code_json(c));
        scans.push_back({{"id", s.id},
                         {"scanned_at", common::format_iso(s.scanned_at)},
                         {"station", s.station},
                         {"file", s.source_name},
                         {"outcome", db::scan_outcome_name(s.outcome)},
                         {"codes", codes}});
      }
      nlohmann::json events = nlohmann::json::array();
      for (const auto& e : view.events) {
        events.push_back({{"at", common::format_iso(e.at)},
                          {"actor", e.actor},
                          {"action", e.action},
                          {"reason", e.reason}});
      }
      nlohmann::json j = {{"id", d.id},
                          {"code", d.code ? nlohmann::json(*d.code) : nlohmann::json()},
                          {"state", db::dossier_state_name(d.state)},
                          {"national_status", db::national_status_code(d.state)},
                          {"channel", d.channel},
                          {"filed_at", common::format_iso(d.filed_at)},
                          {"lookup_code", d.lookup_code},
                          {"portal_code", d.portal_code},
                          {"shipments", shipments},
                          {"scans", scans},
                          {"events", events}};
      if (d.due_at) j["due_at"] = common::format_iso(*d.due_at);
      if (view.applicant) {
        const auto& a = *view.applicant;
        j["applicant"] = {{"id_number", a.id_number},
                          {"full_name", a.full_name},
                          {"birth_date", a.birth_date ? common::format_date(*a.birth_date) : ""},
                          {"sex", a.sex},
                          {"address", a.address},
                          {"source", a.source}};
      }
      print_json(j);
      return 0;
    }
    std::printf("dossier #%lld  %s\n", static_cast<long long>(d.id),
                d.code ? d.code->c_str() : "(no dossier code until accepted)");
    std::printf("  state:        %s (national status %d), channel %d (by post)\n",
                std::string(db::dossier_state_name(d.state)).c_str(),
                db::national_status_code(d.state), d.channel);
    std::printf("  filed at:     %s (handover by the carrier)\n",
                common::format_local(d.filed_at).c_str());
    std::printf("  due:          %s\n",
                d.due_at ? common::format_local(*d.due_at).c_str() : "(set on acceptance)");
    if (view.procedure) {
      std::printf("  procedure:    %s v%d %s\n", view.procedure->code.c_str(),
                  view.procedure->version, view.procedure->name.c_str());
    }
    std::printf("  lookup code:  %s\n", d.lookup_code.c_str());
    if (!d.portal_code.empty()) std::printf("  portal code:  %s\n", d.portal_code.c_str());
    if (view.applicant) {
      const auto& a = *view.applicant;
      std::string who = shorten(a.full_name, 60);
      if (!a.id_number.empty()) who += fmt::format(", ID {}", a.id_number);
      if (a.birth_date) who += fmt::format(", born {}", common::format_date(*a.birth_date));
      if (!a.sex.empty()) who += fmt::format(", {}", a.sex);
      std::printf("  applicant:    %s (from the %s)\n", who.c_str(),
                  a.source == "id_card_qr" ? "citizen ID card QR" : "staff");
      if (!a.address.empty()) std::printf("    address:    %s\n", shorten(a.address, 120).c_str());
      std::printf("    phone:      %s\n",
                  a.phone.empty() ? "(none: hoso dossier applicant --phone)" : a.phone.c_str());
      if (!a.return_address.empty()) {
        std::printf("    results to: %s\n", shorten(a.return_address, 120).c_str());
      }
    }
    for (const auto& s : view.shipments) {
      std::printf(
          "  shipment:     %s %s (%s), %s%s\n", s.carrier.c_str(), s.tracking_number.c_str(),
          std::string(db::direction_name(s.direction)).c_str(), s.status.c_str(),
          s.synced_at
              ? fmt::format(", carrier asked {}", common::format_local(*s.synced_at)).c_str()
              : ", not yet asked at the carrier");
      for (const auto& e : view.carrier_events[s.id]) {
        std::printf("    %s  %-16s %s%s%s\n", common::format_local(e.occurred_at).c_str(),
                    e.status.c_str(), shorten(e.location, 40).c_str(),
                    e.description.empty() ? "" : ": ", shorten(e.description, 60).c_str());
      }
    }
    std::printf("  scans (%zu):\n", view.scans.size());
    for (const auto& s : view.scans) {
      std::printf("    %s  %-12s %-20s %s\n", common::format_local(s.scanned_at).c_str(),
                  shorten(s.station, 12).c_str(),
                  std::string(db::scan_outcome_name(s.outcome)).c_str(),
                  shorten(s.source_name, 50).c_str());
      print_codes(s.codes, "      ");
    }
    std::printf("  history:\n");
    for (const auto& e : view.events) {
      std::printf("    %s  %-10s %-18s %s\n", common::format_local(e.at).c_str(),
                  shorten(e.actor, 10).c_str(), e.action.c_str(), shorten(e.reason, 80).c_str());
    }
    return 0;
  }

  db::DossierFilter filter;
  filter.limit = args.limit;
  filter.field = args.field;
  if (!args.state.empty()) {
    filter.state = db::parse_dossier_state(args.state);
    if (!filter.state) {
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
    filter.filed_from = *from;
  }
  if (!args.to.empty()) {
    auto to = common::parse_local(args.to);
    if (!to) return report_error(to.error());
    // A bare date means "through that day".
    filter.filed_to = args.to.size() == 10 ? *to + std::chrono::days{1} : *to;
  }
  std::vector<DossierView> views;
  auto read = store.read([&](db::Transaction& tx) -> Result<void> {
    if (!args.batch.empty()) {
      auto batch = tx.find_batch(args.batch);
      if (!batch) return batch.error();
      if (!*batch) {
        return make_error(ErrorCode::not_found, fmt::format("no handover batch '{}'", args.batch));
      }
      filter.batch_id = (*batch)->id;
    }
    auto list = tx.list_dossiers(filter);
    if (!list) return list.error();
    for (auto& d : *list) {
      DossierView view;
      view.dossier = std::move(d);
      auto shipments = tx.shipments_of(view.dossier.id);
      if (!shipments) return shipments.error();
      view.shipments = std::move(*shipments);
      views.push_back(std::move(view));
    }
    return {};
  });
  if (!read) return report_error(read.error());
  for (const auto& v : views) {
    const auto& d = v.dossier;
    if (args.json) {
      nlohmann::json j = {{"id", d.id},
                          {"code", d.code ? nlohmann::json(*d.code) : nlohmann::json()},
                          {"state", db::dossier_state_name(d.state)},
                          {"national_status", db::national_status_code(d.state)},
                          {"filed_at", common::format_iso(d.filed_at)},
                          {"tracking_number", inbound_number(v.shipments)},
                          {"portal_code", d.portal_code}};
      if (d.due_at) j["due_at"] = common::format_iso(*d.due_at);
      print_json(j);
    } else {
      std::printf("#%-6lld %-15s %-10s %-2d %s  %s\n", static_cast<long long>(d.id),
                  inbound_number(v.shipments).c_str(),
                  std::string(db::dossier_state_name(d.state)).c_str(),
                  db::national_status_code(d.state), common::format_local(d.filed_at).c_str(),
                  d.code                  ? d.code->c_str()
                  : d.portal_code.empty() ? ""
                                          : fmt::format("(portal {})", d.portal_code).c_str());
    }
  }
  if (!args.json) {
    std::printf("%zu dossier%s%s\n", views.size(), views.size() == 1 ? "" : "s",
                static_cast<int>(views.size()) == args.limit ? " (limit reached: --limit N)" : "");
  }
  return 0;
}

// --- calendar ---------------------------------------------------------------------------------

int run_calendar(const CalendarArgs& args) {
  auto desk = open_desk(args.db, intake::IntakeContext{});
  if (!desk) return report_error(desk.error());
  auto& store = *(*desk)->store;
  const std::string actor = actor_or_user(args.actor);

  if (args.action == "add" || args.action == "remove") {
    auto date = common::parse_date(args.date);
    if (!date) return report_error(date.error());
    if (args.action == "add" && args.name.empty()) {
      return report_error(make_error(ErrorCode::invalid_argument,
                                     "name the day with --name (e.g. \"Nghỉ bù Quốc khánh\")"));
    }
    bool removed = false;
    auto written = store.write([&](db::Transaction& tx) -> Result<void> {
      const auto now = (*desk)->clock.now();
      nlohmann::json data = {{"date", args.date}};
      if (args.action == "add") {
        const db::CalendarDay day{*date, args.working ? db::DayKind::work : db::DayKind::off,
                                  args.name};
        if (auto put = tx.put_calendar_day(day); !put) return put;
        data["kind"] = args.working ? "work" : "off";
        data["name"] = args.name;
      } else {
        auto r = tx.remove_calendar_day(*date);
        if (!r) return r.error();
        removed = *r;
        if (!removed) return {};
      }
      auto e = tx.append_event(db::Event{0, now, actor, "calendar", 0,
                                         args.action == "add" ? "day_set" : "day_removed",
                                         args.name, data.dump()});
      if (!e) return e.error();
      return {};
    });
    if (!written) return report_error(written.error());
    if (args.action == "remove" && !removed) {
      return report_error(
          make_error(ErrorCode::not_found, fmt::format("{} is not in the calendar", args.date)));
    }
    std::printf("%s %s\n", args.date.c_str(),
                args.action == "remove" ? "removed: an ordinary day again"
                : args.working          ? "is now a working day"
                                        : "is now a day off");
    return 0;
  }

  std::vector<db::CalendarDay> days;
  auto read = store.read([&](db::Transaction& tx) -> Result<void> {
    auto list = tx.list_calendar_days();
    if (!list) return list.error();
    days = std::move(*list);
    return {};
  });
  if (!read) return report_error(read.error());

  if (args.action == "due") {
    common::WorkingCalendar calendar;
    for (auto& day : days) calendar.add_day(day.date, day.kind, day.name);
    auto from = args.date.empty() ? Result<common::Timestamp>((*desk)->clock.now())
                                  : common::parse_local(args.date);
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
  for (const auto& day : days) {
    if (args.year && static_cast<int>(day.date.year()) != args.year) continue;
    std::printf("%s  %-4s %s\n", common::format_date(day.date).c_str(),
                day.kind == db::DayKind::off ? "off" : "work", day.name.c_str());
    ++shown;
  }
  std::printf("%d calendar day%s (weekends are not listed)\n", shown, shown == 1 ? "" : "s");
  return 0;
}

}  // namespace app
