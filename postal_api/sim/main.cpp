// hoso-carrier-sim: serves the Vietnam Post API (samples/carriers/vnpost/README.md) on 127.0.0.1
// for demos, manual tests and the benchmark, until SIGINT or SIGTERM. Only parses flags and wires
// postal_api::sim::Simulator; the behaviour lives in the library.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/clock.hpp"
#include "common/exit_code.hpp"
#include "common/log.hpp"
#include "postal_api/sim/simulator.hpp"

namespace {

namespace sim = postal_api::sim;

int run(int argc, char** argv) {
  CLI::App cli{
      "hoso-carrier-sim: a local stand-in for the Vietnam Post (MyVNPost-shaped) API, with seeded "
      "shipments on a clock that only moves when told to (POST /sim/clock), signed webhooks and "
      "fault injection. Control API under /sim/ (samples/carriers/vnpost/README.md)."};
  sim::Options options;
  std::string start_time;
  std::string public_key_out;
  std::string log_level = "warn";
  int latency_ms = 0;
  double all_faults = -1;
  long token_ttl_seconds = options.token_ttl.count();
  std::string items_file;
  std::string items_scenario;
  double items_accepted_ago_hours = 168;
  std::string url_file;
  cli.add_option("--host", options.host, "Address to listen on")->capture_default_str();
  cli.add_option("--port", options.port, "Port to listen on; 0 picks a free one")
      ->capture_default_str();
  cli.add_option("--seed", options.seed,
                 "Seed of scenarios, event times and faults: the same seed gives the same run")
      ->capture_default_str();
  cli.add_option("--start-time", start_time,
                 "The simulator's clock at start, Vietnam local time, e.g. 2026-11-20T08:00:00 "
                 "(default: now)");
  cli.add_option("--username", options.username, "Login accepted by GetAccessToken (TenDangNhap)")
      ->capture_default_str();
  cli.add_option("--password", options.password, "Password accepted by GetAccessToken (MatKhau)")
      ->capture_default_str();
  cli.add_option("--token-ttl", token_ttl_seconds,
                 "Seconds of simulator time a login token stays valid")
      ->capture_default_str();
  cli.add_option("--workers", options.worker_threads,
                 "HTTP worker threads (each keep-alive connection holds one)")
      ->capture_default_str();
  cli.add_option("--latency-ms", latency_ms, "Fault: wait this long before every carrier answer")
      ->capture_default_str();
  cli.add_option("--error-rate", options.faults.error_rate,
                 "Fault: share of carrier requests answered 500, 502 or 503 (0..1)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cli.add_option("--rate-limit", options.faults.rate_limit_per_second,
                 "Fault: answer 429 with Retry-After: 1 above this many requests per second (0: "
                 "no limit)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cli.add_option("--drop-rate", options.faults.drop_rate,
                 "Fault: share of tracking answers cut off mid-body by closing the connection")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cli.add_option("--malformed-rate", options.faults.malformed_rate,
                 "Fault: share of tracking answers that are not JSON or have one broken item")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cli.add_option("--duplicate-rate", options.faults.duplicate_rate,
                 "Fault: share of tracked items with one event listed twice")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cli.add_option("--reorder-rate", options.faults.reorder_rate,
                 "Fault: share of tracked items with their events shuffled")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cli.add_option("--faults", all_faults,
                 "Every fault rate at this value, plus a rate limit of 40 requests/s; overrides "
                 "the single fault flags except --latency-ms")
      ->check(CLI::Range(0.0, 1.0));
  cli.add_option("--webhook-url", options.webhook_url,
                 "Push each new event, signed, to this URL (e.g. "
                 "http://127.0.0.1:8080/api/carrier/webhook)");
  cli.add_option("--public-key-out", public_key_out,
                 "Write the PEM public key that verifies the webhooks to this file");
  cli.add_option("--items", items_file,
                 "Items that already exist at the carrier (the envelopes a desk will receive): one "
                 "tracking number per line, first comma-separated field; '#' lines and a "
                 "'tracking_number' header are skipped");
  cli.add_option("--items-scenario", items_scenario,
                 "Scenario of every --items item: delivered, failed_once, returned or lost "
                 "(default: drawn from the seeded mix)");
  cli.add_option("--items-accepted-ago", items_accepted_ago_hours,
                 "Hours before the start time at which the --items items were posted")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 24.0 * 365));
  cli.add_option("--url-file", url_file,
                 "Write the API's base URL to this file once serving (for scripts)");
  cli.add_option("--log-level", log_level, "quiet, warn, info or debug")->capture_default_str();
  CLI11_PARSE(cli, argc, argv);

  std::optional<sim::Scenario> scenario;
  if (!items_scenario.empty()) {
    scenario = sim::parse_scenario(items_scenario);
    if (!scenario) {
      std::cerr << "hoso-carrier-sim: --items-scenario: '" << items_scenario
                << "' is none of delivered, failed_once, returned, lost\n";
      return static_cast<int>(common::ExitCode::bad_arguments);
    }
  }
  std::vector<std::string> items;
  if (!items_file.empty()) {
    std::ifstream in(items_file);
    if (!in) {
      std::cerr << "hoso-carrier-sim: --items: cannot read " << items_file << "\n";
      return static_cast<int>(common::ExitCode::not_found);
    }
    for (std::string line; std::getline(in, line);) {
      const std::string number = line.substr(0, line.find_first_of(", \t\r"));
      if (number.empty() || number.front() == '#' || number == "tracking_number") continue;
      items.push_back(number);
    }
  }

  common::setup_logging(common::parse_log_level(log_level));
  options.token_ttl = std::chrono::seconds{token_ttl_seconds};
  if (all_faults >= 0) options.faults = sim::Faults::all(all_faults);
  options.faults.latency = std::chrono::milliseconds{latency_ms};
  if (!start_time.empty()) {
    auto parsed = common::parse_local(start_time);
    if (!parsed) {
      std::cerr << "hoso-carrier-sim: --start-time: " << parsed.error().message << "\n";
      return static_cast<int>(common::ExitCode::bad_arguments);
    }
    options.start_time = *parsed;
  }

  // SIGINT and SIGTERM are blocked before any thread starts, so every thread inherits the mask
  // and the main thread alone takes them with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto started = sim::Simulator::start(options);
  if (!started) {
    std::cerr << "hoso-carrier-sim: " << started.error().message << "\n";
    return static_cast<int>(common::ExitCode::unavailable);
  }
  auto& simulator = **started;
  if (!public_key_out.empty()) {
    std::ofstream file(public_key_out, std::ios::binary | std::ios::trunc);
    file << simulator.public_key_pem();
    if (!file.flush()) {
      std::cerr << "hoso-carrier-sim: cannot write the public key to " << public_key_out << "\n";
      simulator.stop();
      return static_cast<int>(common::ExitCode::bad_arguments);
    }
  }
  const auto accepted_at =
      simulator.now() - std::chrono::seconds(static_cast<long>(items_accepted_ago_hours * 3600));
  int added = 0;
  for (const std::string& number : items) {
    if (simulator.add_item(number, scenario, accepted_at)) ++added;
  }
  std::cout << fmt::format("hoso-carrier-sim: serving the Vietnam Post API at {} (seed {}{})\n",
                           simulator.base_url(), options.seed,
                           items.empty() ? std::string()
                                         : fmt::format(", {} items from {}", added, items_file))
            << std::flush;
  if (!url_file.empty()) {
    // Written whole under another name, then renamed: a script polling for it never reads half.
    const std::string partial = url_file + ".partial";
    std::ofstream(partial, std::ios::trunc) << simulator.base_url() << "\n";
    if (std::rename(partial.c_str(), url_file.c_str()) != 0) {
      std::cerr << "hoso-carrier-sim: cannot write " << url_file << "\n";
      simulator.stop();
      return static_cast<int>(common::ExitCode::bad_arguments);
    }
  }

  int signal = 0;
  sigwait(&stop_signals, &signal);
  simulator.stop();
  return static_cast<int>(common::ExitCode::ok);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "hoso-carrier-sim: internal error: " << e.what() << "\n";
    return static_cast<int>(common::ExitCode::internal);
  }
}
