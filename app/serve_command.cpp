#include "app/serve_command.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>

#include "app/carrier_commands.hpp"
#include "app/desk.hpp"
#include "app/desk_server.hpp"
#include "app/output.hpp"
#include "app/served_desk.hpp"
#include "common/exit_code.hpp"
#include "tracking/documents.hpp"

namespace app {

void define_serve_command(CLI::App& command, ServeArgs& args, const std::string& db_help) {
  CLI::App* cmd = &command;
  cmd->add_option("--listen", args.listen, "HOST:PORT to listen on (127.0.0.1 keeps it local)")
      ->capture_default_str();
  cmd->add_option("--db", args.db, db_help);
  cmd->add_option("--config", args.config,
                  "The desk's config file with the carrier (default: hoso.json beside the "
                  "database, or $HOSO_CONFIG); without it there is no webhook endpoint");
  cmd->add_option("--lookups-per-minute", args.lookups_per_minute,
                  "Public lookups allowed per client address per minute")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--connections-per-address", args.connections_per_address,
                  "Connections one client address (an IPv6 /64) may hold open; more are closed "
                  "at once. Offices whose staff share one NAT address need about 6 per browser")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  cmd->add_option("--hot-folder", args.hot_folder,
                  "Also register the files scanners drop into this folder (as hoso watch)");
  cmd->add_option("--sync-minutes", args.sync_minutes,
                  "Ask the carrier about open shipments every this many minutes (0: never)")
      ->capture_default_str()
      ->check(CLI::Range(0, 24 * 60));
  cmd->add_option("--web-dir", args.web_dir,
                  "Serve the pages from this folder (web/) instead of the copy built in: for "
                  "working on the pages ($HOSO_WEB_DIR)");
  cmd->add_flag("--secure-cookies", args.secure_cookies,
                "Mark the session cookie Secure (when a HTTPS proxy is in front)");
  cmd->add_option("--trusted-proxy", args.trusted_proxies,
                  "The address of a reverse proxy in front (e.g. 127.0.0.1 for nginx on this "
                  "machine): its X-Forwarded-For names the client, so limits and logs apply per "
                  "real client; repeat for several")
      ->check(CLI::ValidIPV4);
}

int run_serve(const ServeArgs& args) {
  const auto colon = args.listen.rfind(':');
  ServerOptions options;
  options.lookups_per_minute = args.lookups_per_minute;
  options.connections_per_address = args.connections_per_address;
  try {
    if (colon == std::string::npos) throw std::invalid_argument("no port");
    options.host = args.listen.substr(0, colon);
    options.port = std::stoi(args.listen.substr(colon + 1));
    if (options.port < 0 || options.port > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    return report_error(
        {common::ErrorCode::invalid_argument,
         fmt::format("--listen '{}' is not HOST:PORT (e.g. 127.0.0.1:8080)", args.listen)});
  }
  options.secure_cookies = args.secure_cookies;
  options.trusted_proxies = args.trusted_proxies;
  options.web_dir = args.web_dir;
  if (options.web_dir.empty()) {
    if (const char* env = std::getenv("HOSO_WEB_DIR"); env != nullptr) options.web_dir = env;
  }
  // Signals are taken by this thread only: block them before the server's threads start.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  const std::filesystem::path database = database_path(args.db);
  std::string carrier_note;
  auto served = open_served_desk(database, config_path(args.config, database), carrier_note);
  if (!served) return report_error(served.error());
  if (!carrier_note.empty()) fmt::print(stderr, "hoso serve: {}\n", carrier_note);

  // The jobs first: a hot folder another process holds refuses the whole command, before the
  // server listens (a server without the folder it was asked to watch would look healthy).
  JobOptions jobs_options;
  jobs_options.sync_every = std::chrono::minutes(args.sync_minutes);
  jobs_options.hot_folder = args.hot_folder;
  auto jobs = DeskJobs::start(**served, jobs_options);
  if (!jobs) return report_error(jobs.error());
  auto server = DeskServer::start((*served)->parts(), options);
  if (!server) return report_error(server.error());
  fmt::print("hoso serve: listening on http://{}:{}/ (Ctrl-C stops)\n", options.host,
             (*server)->port());
  if ((*served)->carrier) {
    fmt::print("  carrier webhooks: POST /webhooks/{}; sync every {} min\n",
               (*served)->carrier->name(), args.sync_minutes);
  }
  if (!args.hot_folder.empty()) fmt::print("  hot folder: {}\n", args.hot_folder);
  // Receipts and labels cannot be printed without it: say so now, not at the first receipt.
  const auto base = (*served)->parts().store.read<std::string>(
      [](db::Transaction& tx) { return tracking::citizen_base_url(tx); });
  if (base) {
    fmt::print("  citizens' QR codes open {}\n", *base);
  } else {
    fmt::print(stderr, "hoso serve: {}\n", say(base.error()));
  }
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  fmt::print(
      "hoso serve: stopping (requests in flight and the jobs' work in hand finish "
      "first)\n");
  std::fflush(stdout);
  (*server)->stop();
  (*jobs)->stop();
  return 0;
}

}  // namespace app
