#include "app/carrier_commands.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/desk.hpp"
#include "app/output.hpp"
#include "common/clock.hpp"
#include "common/exit_code.hpp"
#include "db/store.hpp"
#include "postal_api/vnpost.hpp"
#include "tracking/carrier_sync.hpp"

namespace app {
namespace {

using common::ErrorCode;
using common::Result;

constexpr std::size_t k_changes_shown = 40;

}  // namespace

Result<std::unique_ptr<postal_api::Carrier>> open_carrier(const std::filesystem::path& config_file,
                                                          const common::Clock& clock) {
  std::error_code ec;
  if (!std::filesystem::exists(config_file, ec)) {
    return common::Error{
        ErrorCode::invalid_argument,
        fmt::format("no carrier is configured: {} does not exist. Write it from "
                    "samples/hoso.example.json (the carrier's address and account), or pass "
                    "--config FILE",
                    config_file.string())};
  }
  TRY_ASSIGN(postal_api::CarrierConfig config, postal_api::load_carrier_config(config_file));
  if (config.status_map.empty()) {
    config.status_map = samples_dir() / "carriers" / fmt::format("{}-status.csv", config.name);
  }
  return postal_api::make_carrier(config, clock);
}

namespace {

nlohmann::json error_json(const common::Error& error) {
  return {{"code", common::error_code_name(error.code)}, {"message", say(error)}};
}

nlohmann::json report_json(const tracking::SyncReport& report, std::string_view carrier) {
  nlohmann::json changes = nlohmann::json::array();
  for (const tracking::StatusChange& change : report.changes) {
    nlohmann::json row{{"tracking_number", change.tracking_number},
                       {"direction", db::direction_name(change.direction)},
                       {"from", change.from},
                       {"to", change.to}};
    row["dossier_id"] = change.dossier_id ? nlohmann::json(*change.dossier_id) : nlohmann::json();
    if (change.dossier_state) row["dossier_state"] = db::dossier_state_name(*change.dossier_state);
    changes.push_back(std::move(row));
  }
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& [number, error] : report.failures) {
    nlohmann::json row = error_json(error);
    row["tracking_number"] = number;
    failures.push_back(std::move(row));
  }
  return {{"carrier", carrier},
          {"started_at", common::format_iso(report.started_at)},
          {"finished_at", common::format_iso(report.finished_at)},
          {"asked", report.asked},
          {"answered", report.answered},
          {"not_found", report.not_found},
          {"failed", report.failures.size()},
          {"new_events", report.new_events},
          {"complete", report.complete()},
          {"stopped", report.stopped ? error_json(*report.stopped) : nlohmann::json()},
          {"changes", std::move(changes)},
          {"failures", std::move(failures)},
          {"requests",
           {{"sent", report.carrier_stats.requests},
            {"retries", report.carrier_stats.retries},
            {"failed", report.carrier_stats.failed_requests},
            {"relogins", report.carrier_stats.relogins},
            {"breaker_opened", report.carrier_stats.breaker_opened}}}};
}

void print_report(const tracking::SyncReport& report, std::string_view carrier) {
  const auto seconds =
      std::chrono::duration<double>(report.finished_at - report.started_at).count();
  fmt::print(
      "Asked {} about {} shipments in {:.1f} s: {} answered, {} unknown to the carrier, {} "
      "without an answer.\n",
      carrier, report.asked, seconds, report.answered, report.not_found, report.failures.size());
  fmt::print("{} new carrier events; {} shipments changed status.\n", report.new_events,
             report.changes.size());
  for (std::size_t i = 0; i < report.changes.size() && i < k_changes_shown; ++i) {
    const tracking::StatusChange& change = report.changes[i];
    fmt::print("  {:<15} {:<8} {:>16} → {:<16}{}{}\n", shorten(change.tracking_number, 15),
               db::direction_name(change.direction), change.from, change.to,
               change.dossier_id ? fmt::format("  dossier #{}", *change.dossier_id) : "",
               change.dossier_state
                   ? fmt::format(" now {}", db::dossier_state_name(*change.dossier_state))
                   : "");
  }
  if (report.changes.size() > k_changes_shown) {
    fmt::print("  … and {} more (--json lists every change).\n",
               report.changes.size() - k_changes_shown);
  }
  std::size_t shown = 0;
  for (const auto& [number, error] : report.failures) {
    if (report.stopped) break;  // one line below says why
    if (shown++ == 10) {
      fmt::print("  … and {} more without an answer.\n", report.failures.size() - 10);
      break;
    }
    fmt::print("  no answer for {}: {}\n", number, shorten(say(error), 200));
  }
  fmt::print("Carrier requests: {} sent, {} retried, {} failed after retries{}.\n",
             report.carrier_stats.requests, report.carrier_stats.retries,
             report.carrier_stats.failed_requests,
             report.carrier_stats.relogins
                 ? fmt::format(", {} logins after an expired token", report.carrier_stats.relogins)
                 : "");
}

}  // namespace

int run_sync(const SyncArgs& args) {
  // With --json, every failure is also a JSON object on stdout: a script reading it would
  // otherwise get no output at all when the carrier cannot be reached.
  auto fail = [&](const common::Error& error) {
    if (args.json) {
      std::cout << nlohmann::json{{"error", error_json(error)}, {"complete", false}}.dump(
                       -1, ' ', false, nlohmann::json::error_handler_t::replace)
                << '\n'
                << std::flush;
    }
    return report_error(error);
  };
  const std::filesystem::path database = database_path(args.db);
  auto store = open_store(database);
  if (!store) return fail(store.error());
  common::SystemClock clock;
  auto carrier = open_carrier(config_path(args.config, database), clock);
  if (!carrier) return fail(carrier.error());

  tracking::SyncOptions sync;
  sync.passes = args.passes;
  std::unique_ptr<Progress> line;
  sync.on_progress = [&](const tracking::SyncProgress& p) {
    if (!line)
      line = std::make_unique<Progress>(p.total, isatty(STDERR_FILENO) && !args.json,
                                        "asking the carrier");
    line->show(static_cast<std::size_t>(p.done));
  };
  const std::string carrier_name((*carrier)->name());
  Result<tracking::SyncReport> report = tracking::sync_shipments(**store, **carrier, clock, sync);
  if (line) line->clear();
  if (!report) {
    switch (report.error().code) {
      case ErrorCode::unavailable:
      case ErrorCode::timeout:
        return fail({ErrorCode::unavailable,
                     fmt::format("{}; nothing was changed. Run `hoso sync` again later.",
                                 say(report.error()))});
      case ErrorCode::invalid_argument:
        return fail(
            {ErrorCode::invalid_argument,
             fmt::format("{}; nothing was changed. Check carrier.username and the password (or "
                         "the variable carrier.password_env names) in {}.",
                         say(report.error()), config_path(args.config, database).string())});
      default:
        return fail(report.error());
    }
  }

  if (args.json) {
    std::cout << report_json(*report, carrier_name)
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << '\n';
  } else {
    print_report(*report, carrier_name);
  }
  if (report->stopped) {
    return report_error(
        {ErrorCode::unavailable,
         fmt::format("stopped early: {}. What was answered is stored; run `hoso sync` again "
                     "later for the {} shipments left.",
                     report->stopped->message, report->failures.size())});
  }
  if (!report->failures.empty()) {
    const common::Error& first = report->failures.begin()->second;
    std::fprintf(stderr,
                 "hoso: %zu shipments got no answer this time (first: %s); they are asked again "
                 "by the next `hoso sync`.\n",
                 report->failures.size(), say(first).c_str());
    // Whatever the carrier did wrong (timeouts, garbled answers), the desk's input was fine.
    return static_cast<int>(common::ExitCode::unavailable);
  }
  if (!args.json) {
    fmt::print("Complete: recorded as the last successful sync ({}).\n",
               common::format_local(report->finished_at));
  }
  return 0;
}

}  // namespace app
