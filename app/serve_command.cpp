#include "app/serve_command.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <filesystem>

#include "app/carrier_commands.hpp"
#include "app/desk.hpp"
#include "app/desk_server.hpp"
#include "common/exit_code.hpp"

namespace app {

void add_serve_command(CLI::App& cli, ServeArgs& args, const std::string& db_help) {
  auto* cmd = cli.add_subcommand(
      "serve",
      "The desk's HTTP server: health, the citizens' public lookup API and the carrier's webhook "
      "endpoint (the web pages follow)");
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
}

int run_serve(const ServeArgs& args) {
  const auto colon = args.listen.rfind(':');
  ServerOptions options;
  options.lookups_per_minute = args.lookups_per_minute;
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
  const std::filesystem::path database = database_path(args.db);
  auto store = open_store(database);
  if (!store) return report_error(store.error());
  common::SystemClock clock;
  std::unique_ptr<postal_api::Carrier> carrier;
  const auto config = config_path(args.config, database);
  std::error_code ec;
  if (std::filesystem::exists(config, ec)) {
    auto opened = open_carrier(config, clock);
    if (!opened) return report_error(opened.error());
    carrier = std::move(*opened);
  } else {
    fmt::print(stderr, "hoso serve: no carrier config ({}): no webhook endpoint\n",
               config.string());
  }

  // Signals are taken by this thread only: block them before the server's threads start.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto server = DeskServer::start(**store, carrier.get(), clock, options);
  if (!server) return report_error(server.error());
  fmt::print("hoso serve: listening on http://{}:{} (GET /api/health; Ctrl-C stops)\n",
             options.host, (*server)->port());
  if (carrier) fmt::print("  carrier webhooks: POST /webhooks/{}\n", carrier->name());
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  fmt::print("hoso serve: stopping (requests in flight finish first)\n");
  (*server)->stop();
  return 0;
}

}  // namespace app
