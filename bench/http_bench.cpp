// http_bench: what `hoso serve` (app::DeskServer, in this process on 127.0.0.1) answers per second
// on this machine, driven by wrk (a child process, bench/http_bench/requests.lua), each figure
// against a baseline measured in the same run:
//   1. a fresh SQLite desk of 10^5 dossiers (--dossiers), written straight through db::Store many
//      per transaction: dossier (accepted, with a code and a due date), its inbound envelope with
//      three carrier events, two history events. The fill's time is printed;
//   2. the public lookup (GET /api/public/lookup) of 1000 real (code, lookup code) pairs, half by
//      tracking number and half by dossier code, with the rate limit out of the way, against GET
//      /api/health (and a path no route serves: the HTTP stack alone): requests/s and latency, a
//      lookup of unknown codes, the access log on, other worker-thread counts, and the same work
//      in one thread without HTTP;
//   3. flood isolation: with the real limit (30 lookups a minute per address), wrk floods lookups
//      from 127.0.0.1 while a client in this process looks up from 127.0.0.2... (5 lookups per
//      address, under its own limit), against the same client with no flood; then the same client
//      beside as many idle keep-alive connections from one address as the server has workers;
//   4. the slow-client attack: 500 connections from 127.0.0.2 dribbling a header line every 2 s
//      and 64 idle ones, while wrk looks up from 127.0.0.1, against wrk alone just before; how
//      long the attacking connections lived;
//   5. envelope uploads through the mailroom API (POST /api/scans, an API token) against the same
//      pipeline in this process.
// Speed is never pass/fail; the acceptance targets (bench/README.md) print as met or not. Exits 1
// when the server answered what it must not (an existing dossier's lookup not 200). Progress goes
// to stderr, the tables to stdout.
//
//   http_bench [--dossiers N] [--seconds S] [--connections C] [--workers W] [--uploads N] [--quick]
//              [--dir DIR] [--keep] [-v]
#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "app/desk_server.hpp"
#include "app/served_desk.hpp"
#include "bench/names.hpp"
#include "common/clock.hpp"
#include "common/s10.hpp"
#include "common/url.hpp"
#include "db/store.hpp"
#include "intake/envelope_reader.hpp"
#include "intake/registrar.hpp"
#include "scanner/scanner.hpp"
#include "staff/accounts.hpp"
#include "tracking/lookup.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using common::ErrorCode;
using common::Result;
using SteadyClock = std::chrono::steady_clock;

constexpr std::string_view k_agency_code = "000.00.05.H12";
constexpr std::int64_t k_fill_batch = 5000;           // dossiers per write transaction
constexpr int k_dossiers_per_day = 400;               // dossier codes <agency>-YYMMDD-0001..0400
constexpr std::size_t k_pairs = 1000;                 // (code, lookup code) pairs wrk rotates over
constexpr std::uint32_t k_first_serial = 20'000'000;  // EB20000000?VN: the k-th envelope's serial
constexpr std::uint32_t k_missing_serial = 90'000'000;  // serials no envelope has
constexpr int k_unthrottled = 1'000'000'000;  // lookups a minute: wrk never meets the limit
constexpr int k_other_clients = 40;           // addresses 127.0.0.x of the flood's bystanders
constexpr int k_lookups_per_client = 5;       // well under the bucket of 30
constexpr std::array<int, 3> k_other_worker_counts = {2, 8, 32};
// How much longer than --seconds the flood may last (while the bystanders finish).
constexpr int k_flood_slack_s = 120;
// The idle keep-alive connections come from this address; their bystanders from 127.0.0.200 on,
// that many addresses, k_lookups_per_client lookups each.
constexpr const char* k_holder_address = "127.0.0.250";
constexpr const char* k_attacker_address = "127.0.0.2";
constexpr int k_slow_header_connections = 500;
constexpr int k_idle_attack_connections = 64;
constexpr double k_attack_linger_s = 15;  // after wrk: how long the attack waits for closes
// The staff's searches: this many clients from this address, looping over these texts (names that
// match nothing, as the issue's "zzzz", a very common surname, names of a few matches).
constexpr int k_staff_searchers = 8;
constexpr const char* k_staff_address = "127.0.0.4";
constexpr std::array<const char*, 5> k_search_texts = {"zzzz", "nguyen", "tran thi", "le van hu",
                                                       "pham ngoc lan"};
// What the issue measured: a name no applicant has (0.94 s a search before the index of names).
constexpr std::array<const char*, 1> k_no_match_texts = {"zzzz"};
constexpr int k_first_idle_bystander = 200;
constexpr int k_idle_bystanders = 4;
constexpr std::size_t k_upload_images = 24;  // sample envelopes uploaded (--quick: 8)
// The acceptance targets on the reference machine (2 cores, 10^5 dossiers).
constexpr double k_target_rps = 5000;
constexpr double k_target_p99_ms = 20;

struct Options {
  std::int64_t dossiers = 100'000;
  int seconds = 10;
  int connections = 32;
  int wrk_threads = 2;
  // The server's worker threads, except in the rows that try other counts.
  int workers = app::ServerOptions{}.worker_threads;
  bool quick = false;
  bool attack_only = false;  // only the slow-client attack and its baseline
  bool search_only = false;  // only the lookups beside staff searches and their baselines
  int staff_nice = app::ServerOptions{}.staff_nice;
  std::string dir;
  std::string scripts = HOSO_SOURCE_DIR "/bench/http_bench";
  std::string samples = HOSO_SOURCE_DIR "/samples/envelopes";
  std::size_t upload_images = k_upload_images;
  bool keep = false;
  bool verbose = false;
};

// The bench stops at the first refusal; main reports it.
void check(const Result<void>& result, std::string_view doing) {
  if (!result) throw std::runtime_error(fmt::format("{}: {}", doing, result.error().message));
}

template <class T>
T take(Result<T> result, std::string_view doing) {
  if (!result) throw std::runtime_error(fmt::format("{}: {}", doing, result.error().message));
  return std::move(*result);
}

void progress(const std::string& line) { std::fprintf(stderr, "http_bench: %s\n", line.c_str()); }

double seconds_since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// Nearest-rank percentile of `values`, q in (0, 1]; 0 when empty.
double percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

double ratio(double ours, double base) { return base > 0 ? ours / base : 0; }

// --- The desk ------------------------------------------------------------------------------------

struct LookupPair {
  std::string code;  // a tracking number or a dossier code, as printed on the receipt
  std::string lookup_code;
};

using common::percent_encode;

std::string lookup_path(const LookupPair& pair) {
  return fmt::format("/api/public/lookup?code={}&lookup_code={}", percent_encode(pair.code),
                     percent_encode(pair.lookup_code));
}

std::string dossier_code(common::Date day, int sequence) {
  return fmt::format("{}-{:02}{:02}{:02}-{:04}", k_agency_code, static_cast<int>(day.year()) % 100,
                     static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()),
                     sequence);
}

struct Filled {
  std::vector<LookupPair> pairs;  // k_pairs existing dossiers spread over the whole desk
  double seconds = 0;
};

struct DeskIds {
  db::Id agency_id = 0;
  db::Id procedure_id = 0;
};

// What `hoso init` leaves that the lookups and uploads need: the agency (its code starts every
// dossier code) and one procedure.
DeskIds init_desk(db::Store& store) {
  DeskIds ids;
  check(store.write([&](db::Transaction& tx) -> Result<void> {
    auto agency = tx.upsert_agency(db::Agency{0, std::string(k_agency_code), "Bench desk"});
    if (!agency) return agency.error();
    ids.agency_id = *agency;
    if (auto set = tx.set_setting("agency_code", std::string(k_agency_code)); !set) return set;
    db::Procedure procedure;
    procedure.code = "1.004227";
    procedure.name = "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất";
    procedure.field = "dat_dai";
    procedure.time_amount = 10;
    procedure.effective_from =
        common::Date{std::chrono::year{2025}, std::chrono::July, std::chrono::day{1}};
    auto id = tx.upsert_procedure(procedure);
    if (!id) return id.error();
    ids.procedure_id = *id;
    return {};
  }),
        "initialising the desk");
  return ids;
}

// Writes `dossiers` accepted dossiers as intake and an officer's acceptance leave them,
// k_fill_batch per transaction: the dossier, its applicant (a name for the staff's searches), its
// delivered inbound envelope with three carrier
// events (accepted at the post office, in transit, delivered to the desk), the "received_by_post"
// and "accept" history events. Returns every (dossiers / k_pairs)-th dossier's pair.
Filled fill_desk(db::Store& store, std::int64_t dossiers) {
  Filled filled;
  const auto began = SteadyClock::now();
  const DeskIds ids = init_desk(store);

  const common::Date first_day{std::chrono::year{2025}, std::chrono::January, std::chrono::day{2}};
  const std::int64_t stride =
      std::max<std::int64_t>(1, dossiers / static_cast<std::int64_t>(k_pairs));
  for (std::int64_t first = 0; first < dossiers; first += k_fill_batch) {
    const std::int64_t last = std::min(dossiers, first + k_fill_batch);
    const std::size_t pairs_before = filled.pairs.size();
    check(store.write([&](db::Transaction& tx) -> Result<void> {
      // A run again (db::Store::write) keeps only its own pairs.
      filled.pairs.resize(pairs_before);
      for (std::int64_t k = first; k < last; ++k) {
        const common::Date day{std::chrono::sys_days{first_day} +
                               std::chrono::days{k / k_dossiers_per_day}};
        const int sequence = static_cast<int>(k % k_dossiers_per_day) + 1;
        const common::Timestamp filed =
            common::local_time(day, 7 + sequence % 9, sequence % 60) + std::chrono::seconds{k % 60};
        const common::Timestamp accepted = filed + std::chrono::hours{2};
        const std::string number =
            common::make_s10("EB", k_first_serial + static_cast<std::uint32_t>(k));

        db::Dossier dossier;
        dossier.code = dossier_code(day, sequence);
        dossier.agency_id = ids.agency_id;
        dossier.procedure_id = ids.procedure_id;
        dossier.procedure_version = 1;
        dossier.state = db::DossierState::accepted;
        dossier.filed_at = filed;
        dossier.due_at = filed + std::chrono::days{14};
        dossier.lookup_code = intake::new_lookup_code();
        dossier.created_at = filed;
        dossier.updated_at = accepted;
        auto dossier_id = tx.insert_dossier(dossier);
        if (!dossier_id) return dossier_id.error();

        db::Applicant applicant;
        applicant.dossier_id = *dossier_id;
        applicant.id_number = fmt::format("031054{:06}", k % 1'000'000);
        applicant.full_name = bench::applicant_name(k);
        applicant.birth_date = std::chrono::year{1954} / std::chrono::June / 6;
        applicant.sex = "Nam";
        applicant.address = "Thôn Quỳnh Hoàng, Xã Nam Sơn, TP. Hải Phòng";
        applicant.source = "id_card_qr";
        if (auto added = tx.insert_applicant(applicant); !added) return added.error();

        db::Shipment shipment;
        shipment.carrier = "vnpost";
        shipment.tracking_number = number;
        shipment.year = static_cast<int>(day.year());
        shipment.direction = db::Direction::inbound;
        shipment.status = "delivered";
        shipment.dossier_id = *dossier_id;
        shipment.first_seen_at = filed;
        shipment.updated_at = filed;
        shipment.last_event_at = filed;
        auto shipment_id = tx.insert_shipment(shipment);
        if (!shipment_id) return shipment_id.error();

        struct Step {
          std::chrono::hours before;
          const char* status;
          const char* office_code;
          const char* office;
        };
        static constexpr std::array<Step, 3> k_journey = {{
            {std::chrono::hours{50}, "picked_up", "100000", "Bưu cục Hà Nội"},
            {std::chrono::hours{30}, "in_transit", "550000", "Trung tâm khai thác Đà Nẵng"},
            {std::chrono::hours{0}, "delivered", "550100", "Bưu cục phát Hải Châu"},
        }};
        for (const Step& step : k_journey) {
          db::CarrierEvent event;
          event.shipment_id = *shipment_id;
          event.occurred_at = filed - step.before;
          event.key = fmt::format("{}|{}", common::format_iso(event.occurred_at), step.status);
          event.carrier_code = step.status;
          event.status = step.status;
          event.location_code = step.office_code;
          event.location = step.office;
          event.recorded_at = filed;
          if (auto added = tx.add_carrier_event(event); !added) return added.error();
        }

        const std::array<db::Event, 2> history = {{
            {0, filed, "mailroom", "dossier", *dossier_id, db::EventKind::received_by_post, "",
             fmt::format(R"({{"carrier":"vnpost","filed_at":"{}","tracking_number":"{}"}})",
                         common::format_iso(filed), number)},
            {0, accepted, "officer", "dossier", *dossier_id, db::EventKind::accepted, "",
             fmt::format(R"({{"due_at":"{}","from":"received","national_status":2,)"
                         R"("procedure":"1.004227","to":"accepted"}})",
                         common::format_iso(*dossier.due_at))},
        }};
        for (const db::Event& event : history) {
          if (auto appended = tx.append_event(event); !appended) return appended.error();
        }

        if (k % stride == 0 && filled.pairs.size() < k_pairs) {
          // Half the citizens type the envelope's number, half the dossier code from the receipt.
          filled.pairs.push_back(LookupPair{filled.pairs.size() % 2 == 0 ? number : *dossier.code,
                                            dossier.lookup_code});
        }
      }
      return {};
    }),
          "filling the desk");
    if ((last / k_fill_batch) % 4 == 0 || last == dossiers) {
      progress(fmt::format("filled {} of {} dossiers", last, dossiers));
    }
  }
  filled.seconds = seconds_since(began);
  return filled;
}

// --- wrk -----------------------------------------------------------------------------------------

std::optional<fs::path> find_on_path(std::string_view program) {
  const char* path = std::getenv("PATH");
  std::stringstream folders(path ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string folder;
  while (std::getline(folders, folder, ':')) {
    const fs::path candidate = fs::path(folder.empty() ? "." : folder) / program;
    std::error_code ec;
    const auto status = fs::status(candidate, ec);
    constexpr auto k_executable =
        fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec;
    if (!ec && fs::is_regular_file(status) &&
        (status.permissions() & k_executable) != fs::perms::none) {
      return candidate;
    }
  }
  return std::nullopt;
}

// Runs `argv` with `extra_env` added to this process's environment and returns what it wrote to
// stdout and stderr together; sets `*started` (when given) to its process id once it runs, so
// another thread may signal it. Fails with io_error when it cannot be started or does not exit 0.
Result<std::string> run_capture(const std::vector<std::string>& argv,
                                const std::vector<std::string>& extra_env,
                                std::atomic<pid_t>* started = nullptr) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
  for (const std::string& e : extra_env) env.push_back(const_cast<char*>(e.c_str()));
  env.push_back(nullptr);

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return common::make_error(ErrorCode::io_error, fmt::format("pipe: {}", std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  pid_t pid = 0;
  const int spawned =
      posix_spawn(&pid, argv.front().c_str(), &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (spawned != 0) {
    ::close(pipe_fds[0]);
    return common::make_error(ErrorCode::io_error, fmt::format("cannot start {}: {}", argv.front(),
                                                               std::strerror(spawned)));
  }
  if (started != nullptr) started->store(pid);
  std::string output;
  std::array<char, 4096> buffer{};
  for (;;) {
    const ssize_t n = ::read(pipe_fds[0], buffer.data(), buffer.size());
    if (n > 0) {
      output.append(buffer.data(), static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return common::make_error(ErrorCode::io_error, fmt::format("{} failed (status {}):\n{}",
                                                               argv.front(), status, output));
  }
  return output;
}

struct WrkResult {
  std::int64_t requests = 0;
  double seconds = 0;
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
  std::int64_t non2xx = 0;         // answers with a status >= 400
  std::int64_t socket_errors = 0;  // connect, read, write errors and timeouts
  std::int64_t s200 = 0;           // per status, when counted
  std::int64_t s404 = 0;
  std::int64_t s429 = 0;
  std::int64_t other = 0;

  double rps() const { return seconds > 0 ? static_cast<double>(requests) / seconds : 0; }
  double non2xx_share() const {
    return requests > 0 ? static_cast<double>(non2xx) / static_cast<double>(requests) : 0;
  }
};

struct WrkRun {
  int port = 0;
  fs::path paths_file;  // request paths, one a line, sent round robin
  bool count_status = false;
  int seconds = 0;
  std::atomic<pid_t>* started = nullptr;  // set to wrk's process id (SIGINT ends a run early)
};

class Wrk {
 public:
  Wrk(fs::path program, fs::path script, const Options& options)
      : program_(std::move(program)), script_(std::move(script)), options_(options) {}

  // Runs wrk with bench/http_bench/requests.lua and reads the line its done() prints. wrk stops
  // early, and still reports, on SIGINT.
  Result<WrkResult> run(const WrkRun& run) const {
    const std::vector<std::string> argv = {program_.string(),
                                           "-t",
                                           std::to_string(options_.wrk_threads),
                                           "-c",
                                           std::to_string(options_.connections),
                                           "-d",
                                           fmt::format("{}s", run.seconds),
                                           "--timeout",
                                           "5s",
                                           "--latency",
                                           "-s",
                                           script_.string(),
                                           fmt::format("http://127.0.0.1:{}", run.port)};
    std::vector<std::string> env = {"HOSO_WRK_PATHS=" + run.paths_file.string()};
    if (run.count_status) env.emplace_back("HOSO_WRK_COUNT_STATUS=1");
    auto output = run_capture(argv, env, run.started);
    if (!output) return output.error();
    if (options_.verbose) std::fprintf(stderr, "%s", output->c_str());
    const auto line_at = output->find("hoso_wrk ");
    if (line_at == std::string::npos) {
      return common::make_error(ErrorCode::internal,
                                fmt::format("wrk printed no result line:\n{}", *output));
    }
    std::map<std::string, double> fields;
    std::istringstream line(output->substr(line_at + 9, output->find('\n', line_at) - line_at - 9));
    std::string field;
    while (line >> field) {
      const auto eq = field.find('=');
      if (eq != std::string::npos) fields[field.substr(0, eq)] = std::atof(field.c_str() + eq + 1);
    }
    auto count = [&](const char* key) { return static_cast<std::int64_t>(fields[key]); };
    WrkResult r;
    r.requests = count("requests");
    r.seconds = fields["duration_us"] / 1e6;
    r.p50_ms = fields["p50_us"] / 1e3;
    r.p90_ms = fields["p90_us"] / 1e3;
    r.p99_ms = fields["p99_us"] / 1e3;
    r.max_ms = fields["max_us"] / 1e3;
    r.non2xx = count("non2xx");
    r.socket_errors = count("connect") + count("read") + count("write") + count("timeout");
    r.s200 = count("s200");
    r.s404 = count("s404");
    r.s429 = count("s429");
    r.other = count("other");
    return r;
  }

 private:
  fs::path program_;
  fs::path script_;
  const Options& options_;
};

// --- A client from another address ---------------------------------------------------------------

struct Answer {
  int status = 0;
  double ms = 0;  // connect to the last byte of the answer
  std::string body;
};

// A socket connected to 127.0.0.1:`port` from `source` (an address of this machine, e.g.
// "127.0.0.2": all of 127.0.0.0/8 is loopback on Linux), with 10 s send and receive timeouts. The
// caller closes it. Fails with io_error when the socket refuses.
Result<int> connect_from(const std::string& source, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return common::make_error(ErrorCode::io_error, fmt::format("socket: {}", std::strerror(errno)));
  }
  auto fail = [fd](common::Error error) {
    ::close(fd);
    return error;
  };
  const timeval limit{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
  sockaddr_in local{};
  local.sin_family = AF_INET;
  if (::inet_pton(AF_INET, source.c_str(), &local.sin_addr) != 1) {
    return fail(
        common::make_error(ErrorCode::invalid_argument, source + " is not an IPv4 address"));
  }
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof(local)) != 0) {
    return fail(common::make_error(
        ErrorCode::io_error, fmt::format("cannot bind to {}: {}", source, std::strerror(errno))));
  }
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<std::uint16_t>(port));
  server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof(server)) != 0) {
    return fail(common::make_error(
        ErrorCode::io_error, fmt::format("connect from {}: {}", source, std::strerror(errno))));
  }
  return fd;
}

Result<void> send_all(int fd, const std::string& request) {
  for (std::size_t sent = 0; sent < request.size();) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return common::make_error(ErrorCode::io_error, fmt::format("send: {}", std::strerror(errno)));
    }
    sent += static_cast<std::size_t>(n);
  }
  return {};
}

// Sends `request` (a whole HTTP/1.1 request with "Connection: close") from `source` to
// 127.0.0.1:`port` and reads the answer until the server closes. Fails with io_error when the
// socket refuses, timeout after 10 s without a byte.
Result<Answer> exchange(const std::string& source, int port, const std::string& request) {
  const auto began = SteadyClock::now();
  auto connected = connect_from(source, port);
  if (!connected) return connected.error();
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{*connected};
  if (auto sent = send_all(closer.fd, request); !sent) return sent.error();
  std::string response;
  std::array<char, 16384> buffer{};
  for (;;) {
    const ssize_t n = ::recv(closer.fd, buffer.data(), buffer.size(), 0);
    if (n > 0) {
      response.append(buffer.data(), static_cast<std::size_t>(n));
    } else if (n == 0) {
      break;
    } else if (errno != EINTR) {
      return common::make_error(errno == EAGAIN ? ErrorCode::timeout : ErrorCode::io_error,
                                fmt::format("recv: {}", std::strerror(errno)));
    }
  }
  Answer answer;
  answer.ms = seconds_since(began) * 1e3;
  if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) {
    return common::make_error(ErrorCode::bad_input,
                              "not an HTTP answer: " + response.substr(0, 80));
  }
  answer.status = std::atoi(response.c_str() + 9);
  const auto body_at = response.find("\r\n\r\n");
  if (body_at != std::string::npos) answer.body = response.substr(body_at + 4);
  return answer;
}

// Opens a connection from `source`, makes one keep-alive request for `path`, reads the answer (by
// its Content-Length) and leaves the connection open and idle, as a browser does between clicks.
// Returns the socket; the caller closes it.
Result<int> open_idle(const std::string& source, int port, const std::string& path) {
  auto connected = connect_from(source, port);
  if (!connected) return connected.error();
  const int fd = *connected;
  auto fail = [fd](common::Error error) {
    ::close(fd);
    return error;
  };
  if (auto sent =
          send_all(fd, fmt::format("GET {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", path, port));
      !sent) {
    return fail(sent.error());
  }
  std::string response;
  std::array<char, 4096> buffer{};
  for (;;) {
    const auto head_end = response.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      std::string head = response.substr(0, head_end);
      std::transform(head.begin(), head.end(), head.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      const auto at = head.find("content-length:");
      const std::size_t length =
          at == std::string::npos ? 0 : std::strtoul(head.c_str() + at + 15, nullptr, 10);
      if (response.size() >= head_end + 4 + length) return fd;
    }
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n > 0) {
      response.append(buffer.data(), static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      return fail(common::make_error(ErrorCode::io_error,
                                     "the server closed a keep-alive connection before answering"));
    }
  }
}

Result<Answer> get_from(const std::string& source, int port, const std::string& path) {
  return exchange(source, port,
                  fmt::format("GET {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
                              path, port));
}

// What the staff's search clients saw: each search's time (a new connection each), how many did
// not answer 200 and the first such answer.
struct SearchRun {
  std::vector<double> ms;
  double seconds = 0;
  int failed = 0;
  std::string first_failure;
};

// k_staff_searchers threads, each looping GET /api/dossiers?q=<text> with an officer's session
// cookie from k_staff_address, from construction until finish().
class Searchers {
 public:
  Searchers(int port, std::string cookie, std::vector<std::string> texts)
      : port_(port), cookie_(std::move(cookie)), texts_(std::move(texts)) {
    began_ = SteadyClock::now();
    for (int t = 0; t < k_staff_searchers; ++t) {
      threads_.emplace_back([this, t] { loop(static_cast<std::size_t>(t)); });
    }
  }
  ~Searchers() { (void)finish(); }
  Searchers(const Searchers&) = delete;
  Searchers& operator=(const Searchers&) = delete;

  SearchRun finish() {
    stop_ = true;
    for (std::thread& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
    std::lock_guard lock(mutex_);
    if (run_.seconds == 0) run_.seconds = seconds_since(began_);
    return run_;
  }

 private:
  void loop(std::size_t next) {
    while (!stop_) {
      const std::string& text = texts_[next++ % texts_.size()];
      const auto t0 = SteadyClock::now();
      auto answer = exchange(k_staff_address, port_,
                             fmt::format("GET /api/dossiers?q={} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n"
                                         "Cookie: hoso_session={}\r\nConnection: close\r\n\r\n",
                                         percent_encode(text), port_, cookie_));
      const double ms = seconds_since(t0) * 1e3;
      std::lock_guard lock(mutex_);
      run_.ms.push_back(ms);
      if (!answer || answer->status != 200) {
        if (run_.failed++ == 0) {
          run_.first_failure =
              answer ? fmt::format("{}: {}", answer->status, answer->body.substr(0, 160))
                     : answer.error().message;
        }
      }
    }
  }

  const int port_;
  const std::string cookie_;
  const std::vector<std::string> texts_;
  SteadyClock::time_point began_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  SearchRun run_;
  std::vector<std::thread> threads_;
};

// The slow-client attack: from one address, connections that send a request line and then one
// header line every 2 s (never finishing the header), and connections that send nothing at all.
// Each is watched until the server closes it; none reconnects. Every figure is seen from the
// client side, so the same code measures any server.
struct AttackRun {
  int slow = 0;                 // slow-header connections opened
  int idle = 0;                 // idle connections opened
  int failed_connect = 0;       // connect() itself failed
  int closed = 0;               // closed by the server while the attack went on
  int still_open = 0;           // open when the attack gave up on them
  std::vector<double> lives_s;  // how long each closed connection lived
};

class Attacker {
 public:
  Attacker(std::string source, int port, int slow, int idle)
      : source_(std::move(source)), port_(port), slow_(slow), idle_(idle) {}

  // Opens the connections; returns once all are open (or failed to open).
  void open() {
    for (int i = 0; i < slow_ + idle_; ++i) {
      auto fd = connect_from(source_, port_);
      if (!fd) {
        ++run_.failed_connect;
        continue;
      }
      const bool slow = i < slow_;
      (slow ? run_.slow : run_.idle) += 1;
      if (slow) {
        const std::string line = fmt::format(
            "GET /api/public/lookup?code=EB000000000VN&lookup_code=0 HTTP/1.1\r\nHost: x\r\n");
        (void)::send(*fd, line.data(), line.size(), MSG_NOSIGNAL);
      }
      conns_.push_back(Conn{*fd, slow, SteadyClock::now(), SteadyClock::now()});
    }
  }

  // Keeps the slow connections dribbling and notes when the server closes any, until `stop` is set
  // and then either all are closed or `linger_s` more seconds have passed.
  void watch(const std::atomic<bool>& stop, double linger_s) {
    std::optional<SteadyClock::time_point> stopped_at;
    std::array<char, 4096> sink{};
    while (true) {
      if (stop && !stopped_at) stopped_at = SteadyClock::now();
      const auto open =
          std::count_if(conns_.begin(), conns_.end(), [](const Conn& c) { return c.fd >= 0; });
      if (stopped_at && (open == 0 || seconds_since(*stopped_at) > linger_s)) break;
      std::vector<pollfd> fds;
      std::vector<std::size_t> which;
      for (std::size_t i = 0; i < conns_.size(); ++i) {
        if (conns_[i].fd < 0) continue;
        fds.push_back(pollfd{conns_[i].fd, POLLIN | POLLRDHUP, 0});
        which.push_back(i);
      }
      ::poll(fds.data(), fds.size(), 100);
      const auto now = SteadyClock::now();
      for (std::size_t k = 0; k < fds.size(); ++k) {
        Conn& c = conns_[which[k]];
        bool gone = (fds[k].revents & (POLLHUP | POLLERR | POLLRDHUP)) != 0;
        if (!gone && (fds[k].revents & POLLIN) != 0) {
          const ssize_t n = ::recv(c.fd, sink.data(), sink.size(), MSG_DONTWAIT);
          gone = n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR);
        }
        if (!gone && c.slow && now - c.last_sent >= std::chrono::seconds(2)) {
          static constexpr std::string_view k_line = "X-Slow: 1\r\n";
          gone = ::send(c.fd, k_line.data(), k_line.size(), MSG_NOSIGNAL) < 0;
          c.last_sent = now;
        }
        if (gone) {
          run_.lives_s.push_back(std::chrono::duration<double>(now - c.opened).count());
          ++run_.closed;
          ::close(c.fd);
          c.fd = -1;
        }
      }
    }
    for (Conn& c : conns_) {
      if (c.fd < 0) continue;
      ++run_.still_open;
      ::close(c.fd);
      c.fd = -1;
    }
  }

  const AttackRun& result() const { return run_; }

 private:
  struct Conn {
    int fd;
    bool slow;
    SteadyClock::time_point opened;
    SteadyClock::time_point last_sent;
  };
  std::string source_;
  int port_;
  int slow_;
  int idle_;
  std::vector<Conn> conns_;
  AttackRun run_;
};

// One run of the bystanders: addresses 127.0.0.first .. first + clients - 1, each making
// k_lookups_per_client lookups in turn, one at a time, a new connection each (as a citizen's
// browser would after a while). Stops early, with fewer answers, after `budget_s` seconds.
struct ClientRun {
  std::vector<double> ms;
  std::map<int, int> statuses;
  double seconds = 0;
  int ok() const {
    const auto it = statuses.find(200);
    return it == statuses.end() ? 0 : it->second;
  }
};

ClientRun bystanders(int port, int first, int clients, const std::vector<LookupPair>& pairs,
                     std::size_t pair_offset, double budget_s) {
  ClientRun run;
  const auto began = SteadyClock::now();
  std::size_t next = pair_offset;
  for (int c = 0; c < clients; ++c) {
    const std::string source = fmt::format("127.0.0.{}", first + c);
    for (int i = 0; i < k_lookups_per_client && seconds_since(began) < budget_s; ++i) {
      auto answer = get_from(source, port, lookup_path(pairs[next++ % pairs.size()]));
      if (!answer) {
        ++run.statuses[0];
        progress(fmt::format("a lookup from {} failed: {}", source, answer.error().message));
        continue;
      }
      ++run.statuses[answer->status];
      run.ms.push_back(answer->ms);
    }
  }
  run.seconds = seconds_since(began);
  return run;
}

std::string statuses_text(const std::map<int, int>& statuses) {
  std::string out;
  for (const auto& [status, count] : statuses) {
    if (!out.empty()) out += ", ";
    out += status == 0 ? fmt::format("{} failed", count) : fmt::format("{}×{}", count, status);
  }
  return out;
}

// --- The server ----------------------------------------------------------------------------------

std::unique_ptr<app::DeskServer> serve(db::Store& store, const common::Clock& clock, int workers,
                                       int lookups_per_minute,
                                       int public_workers = app::ServerOptions{}.public_workers,
                                       int staff_nice = app::ServerOptions{}.staff_nice) {
  app::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.worker_threads = workers;
  options.public_workers = public_workers;
  options.staff_nice = staff_nice;
  options.lookups_per_minute = lookups_per_minute;
  return take(app::DeskServer::start(store, nullptr, clock, options), "starting the server");
}

// The access log goes where `hoso serve --log-level info` sends it when stderr is a file: one line
// per request, written through spdlog. Otherwise (hoso serve's default, warn) nothing is logged.
void access_log_to(const std::optional<fs::path>& file) {
  std::shared_ptr<spdlog::logger> logger;
  if (file) {
    logger = spdlog::basic_logger_mt("http_bench_access", file->string(), true);
    logger->set_pattern("%^%l%$: %v");
    logger->set_level(spdlog::level::info);
  } else {
    logger = std::make_shared<spdlog::logger>("http_bench_quiet",
                                              std::make_shared<spdlog::sinks::null_sink_mt>());
    logger->set_level(spdlog::level::warn);
  }
  spdlog::set_default_logger(std::move(logger));
}

// --- The run -------------------------------------------------------------------------------------

// Envelopes through one path: time per envelope, and what became of them.
struct UploadRun {
  std::vector<double> ms;
  std::map<std::string, int> outcomes;
  double seconds = 0;
  double per_second() const { return seconds > 0 ? static_cast<double>(ms.size()) / seconds : 0; }
};

// Where the machine's CPU time went during a measure: to this process and its reaped children (the
// server, wrk), and to everything else. Others' share is what makes latencies on a shared machine
// noisy; it is printed beside each row.
class CpuShare {
 public:
  CpuShare() : began_(SteadyClock::now()), ours_(our_seconds()), machine_(machine_ticks()) {}

  struct Shares {
    double ours = 0;    // of the machine's capacity, 0..1
    double others = 0;  // of the machine's capacity, 0..1
  };

  // Shares since construction. Call after the children of interest have been waited for.
  Shares since() const {
    const double wall = seconds_since(began_);
    const int n = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    Shares shares;
    if (wall <= 0) return shares;
    shares.ours = (our_seconds() - ours_) / (wall * n);
    const Ticks now = machine_ticks();
    const double total = static_cast<double>(now.total - machine_.total);
    if (total > 0) {
      const double busy = static_cast<double>(now.busy - machine_.busy) / total;
      shares.others = std::max(0.0, busy - shares.ours);
    }
    return shares;
  }

 private:
  struct Ticks {
    std::uint64_t busy = 0;
    std::uint64_t total = 0;
  };

  static double our_seconds() {
    auto seconds = [](const rusage& r) {
      return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
             static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
    };
    rusage self{};
    rusage children{};
    ::getrusage(RUSAGE_SELF, &self);
    ::getrusage(RUSAGE_CHILDREN, &children);
    return seconds(self) + seconds(children);
  }

  // The first line of /proc/stat: user nice system idle iowait irq softirq steal ...
  static Ticks machine_ticks() {
    std::ifstream in("/proc/stat");
    std::string cpu;
    std::array<std::uint64_t, 8> t{};
    in >> cpu;
    for (auto& v : t) in >> v;
    Ticks ticks;
    ticks.busy = t[0] + t[1] + t[2] + t[5] + t[6] + t[7];
    ticks.total = ticks.busy + t[3] + t[4];
    return ticks;
  }

  SteadyClock::time_point began_;
  double ours_;
  Ticks machine_;
};

struct Row {
  std::string name;
  int workers = 0;
  WrkResult result;
  std::string note;
  CpuShare::Shares cpu;
};

int cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof(set), &set) == 0) return CPU_COUNT(&set);
  return static_cast<int>(std::thread::hardware_concurrency());
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five;
  in >> one >> five;
  return one.empty() ? "unknown" : fmt::format("{} (1 min), {} (5 min)", one, five);
}

void write_lines(const fs::path& file, const std::vector<std::string>& lines) {
  std::ofstream out(file);
  for (const std::string& line : lines) out << line << '\n';
  if (!out) throw std::runtime_error(file.string() + ": cannot write");
}

class Bench {
 public:
  Bench(const Options& options, fs::path workdir, Wrk wrk)
      : options_(options), dir_(std::move(workdir)), wrk_(std::move(wrk)) {}

  int run() {
    const fs::path database = dir_ / "hoso.db";
    {
      // Filled with synchronous=NORMAL for speed; the server opens it as `hoso serve` does.
      auto store = take(db::open_sqlite(database, db::SqliteOptions{30'000, false, true, {}}),
                        "creating the database");
      progress(
          fmt::format("filling a desk of {} dossiers in {}", options_.dossiers, dir_.string()));
      filled_ = fill_desk(*store, options_.dossiers);
    }
    std::error_code ec;
    database_bytes_ = static_cast<std::int64_t>(fs::file_size(database, ec)) +
                      static_cast<std::int64_t>(fs::file_size(dir_ / "hoso.db-wal", ec));
    store_ = take(db::open_sqlite(database, db::SqliteOptions{30'000, true, false, {}}),
                  "opening the database");

    write_paths();
    if (options_.attack_only || options_.search_only) {
      restart(options_.workers, k_unthrottled);
      sanity(server_->port());
      if (options_.attack_only) {
        attack();
        print_attack();
      }
      if (options_.search_only) {
        searches();
        print_searches();
      }
      return failures_.empty() ? 0 : 1;
    }
    throughput();
    flood();
    attack();
    searches();
    uploads();
    print();
    return failures_.empty() ? 0 : 1;
  }

 private:
  void write_paths() {
    paths_.floor = dir_ / "floor.txt";
    paths_.health = dir_ / "health.txt";
    paths_.hits = dir_ / "hits.txt";
    paths_.misses = dir_ / "misses.txt";
    write_lines(paths_.floor, {"/api/no-such-endpoint"});
    write_lines(paths_.health, {"/api/health"});
    std::vector<std::string> hits;
    std::vector<std::string> misses;
    for (std::size_t i = 0; i < filled_.pairs.size(); ++i) {
      hits.push_back(lookup_path(filled_.pairs[i]));
      // Numbers with a valid check digit that no envelope has, with someone's lookup code.
      misses.push_back(lookup_path(
          LookupPair{common::make_s10("EB", k_missing_serial + static_cast<std::uint32_t>(i)),
                     filled_.pairs[i].lookup_code}));
    }
    write_lines(paths_.hits, hits);
    write_lines(paths_.misses, misses);
  }

  // Fails loudly unless the first pair answers 200 with its dossier and a miss 404.
  void sanity(int port) {
    const LookupPair& pair = filled_.pairs.front();
    auto hit = take(get_from("127.0.0.1", port, lookup_path(pair)), "a first lookup");
    if (hit.status != 200 || hit.body.find("\"dossier_code\"") == std::string::npos) {
      throw std::runtime_error(fmt::format("the lookup of {} answered {}: {}", pair.code,
                                           hit.status, hit.body.substr(0, 200)));
    }
    response_bytes_ = hit.body.size();
    auto miss = take(get_from("127.0.0.1", port,
                              lookup_path(LookupPair{common::make_s10("EB", k_missing_serial),
                                                     pair.lookup_code})),
                     "a first miss");
    if (miss.status != 404) {
      throw std::runtime_error(fmt::format("an unknown code answered {}", miss.status));
    }
  }

  Row measure(const std::string& name, int workers, const fs::path& paths, int expected_status) {
    progress(fmt::format("{} ({} worker threads), {} s…", name, workers, options_.seconds));
    const int port = server_->port();
    const CpuShare cpu;
    Row row{
        name, workers, take(wrk_.run(WrkRun{port, paths, false, options_.seconds}), name), "", {}};
    row.cpu = cpu.since();
    const WrkResult& r = row.result;
    if (expected_status == 200 && r.non2xx > 0) {
      row.note = fmt::format("{} answers ≥ 400!", r.non2xx);
      if (r.non2xx_share() > 0.01) {
        failures_.push_back(
            fmt::format("{}: {} of {} answers were not 200", name, r.non2xx, r.requests));
      }
    } else if (expected_status != 200 && r.non2xx != r.requests) {
      row.note = fmt::format("{} answers < 400!", r.requests - r.non2xx);
    }
    if (r.socket_errors > 0) {
      row.note += fmt::format("{}{} socket errors", row.note.empty() ? "" : "; ", r.socket_errors);
    }
    return row;
  }

  // The lookup without HTTP, in this thread, over the same pairs for a quarter of --seconds: the
  // store's part (tracking::citizen_lookup: one read transaction under the store's one mutex,
  // which no number of worker threads runs in parallel), then with the JSON rendering too; and
  // the health endpoint's store part (Transaction::counts), which holds the same mutex.
  void in_process() {
    progress("lookups in this thread, without HTTP…");
    WrkResult store_only;
    WrkResult with_json;
    std::vector<double> store_ms;
    std::vector<double> total_ms;
    const auto began = SteadyClock::now();
    const double budget = std::max(0.5, options_.seconds / 4.0);
    for (std::size_t i = 0; seconds_since(began) < budget; ++i) {
      const LookupPair& pair = filled_.pairs[i % filled_.pairs.size()];
      const auto t0 = SteadyClock::now();
      auto view = take(tracking::citizen_lookup(*store_, pair.code, pair.lookup_code), pair.code);
      const auto t1 = SteadyClock::now();
      const std::string body = tracking::citizen_json(view);
      const auto t2 = SteadyClock::now();
      store_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      total_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t0).count());
    }
    auto fill = [](WrkResult& r, const std::vector<double>& ms) {
      r.requests = static_cast<std::int64_t>(ms.size());
      for (const double v : ms) r.seconds += v / 1e3;
      r.p50_ms = percentile(ms, 0.5);
      r.p90_ms = percentile(ms, 0.9);
      r.p99_ms = percentile(ms, 0.99);
    };
    std::vector<double> counts_ms;
    const auto counts_began = SteadyClock::now();
    while (seconds_since(counts_began) < budget / 2) {
      const auto t0 = SteadyClock::now();
      check(store_->read([](db::Transaction& tx) -> Result<void> {
        auto counts = tx.counts();
        if (!counts) return counts.error();
        return {};
      }),
            "counting");
      counts_ms.push_back(seconds_since(t0) * 1e3);
    }
    WrkResult counts;
    fill(store_only, store_ms);
    fill(with_json, total_ms);
    fill(counts, counts_ms);
    rows_.push_back(
        Row{"in-process: citizen_lookup (store only)", 1, store_only, "one thread, no HTTP", {}});
    rows_.push_back(
        Row{"in-process: citizen_lookup + citizen_json", 1, with_json, "one thread, no HTTP", {}});
    rows_.push_back(
        Row{"in-process: Transaction::counts (health)", 1, counts, "one thread, no HTTP", {}});
  }

  void restart(int workers, int lookups_per_minute,
               int public_workers = app::ServerOptions{}.public_workers,
               int staff_nice = app::ServerOptions{}.staff_nice) {
    if (server_) server_->stop();
    server_.reset();
    server_ = serve(*store_, clock_, workers, lookups_per_minute, public_workers, staff_nice);
  }

  void throughput() {
    const int workers = options_.workers;
    access_log_to(std::nullopt);
    restart(workers, k_unthrottled);
    sanity(server_->port());
    rows_.push_back(
        measure("HTTP floor: GET /api/no-such-endpoint (404)", workers, paths_.floor, 404));
    rows_.push_back(measure("GET /api/health", workers, paths_.health, 200));
    rows_.push_back(measure("lookup, existing dossier (200)", workers, paths_.hits, 200));
    rows_.push_back(measure("lookup, unknown code (404)", workers, paths_.misses, 404));
    access_log_to(dir_ / "access.log");
    rows_.push_back(measure("lookup, access log on (info, to a file)", workers, paths_.hits, 200));
    access_log_to(std::nullopt);
    in_process();
    for (const int other : k_other_worker_counts) {
      if (other == workers) continue;
      restart(other, k_unthrottled);
      rows_.push_back(measure("lookup, existing dossier (200)", other, paths_.hits, 200));
    }
  }

  void flood() {
    const int workers = options_.workers;
    const int limit = app::ServerOptions{}.lookups_per_minute;
    restart(workers, limit);
    flood_limit_ = limit;
    progress(fmt::format("bystanders without a flood ({} lookups)…",
                         k_other_clients * k_lookups_per_client));
    quiet_ = bystanders(server_->port(), 2, k_other_clients, filled_.pairs, 0, k_flood_slack_s);

    progress(fmt::format("flood from 127.0.0.1 for {} s or until the bystanders are done…",
                         options_.seconds));
    // wrk is told to run long and stopped (SIGINT: it still reports) once the bystanders are done
    // and --seconds have passed, so the flood covers every bystander's lookup.
    std::optional<Result<WrkResult>> flooded;
    std::atomic<pid_t> flood_pid{0};
    const auto flood_began = SteadyClock::now();
    std::thread flooder([&] {
      flooded = wrk_.run(WrkRun{server_->port(), paths_.hits, true,
                                options_.seconds + k_flood_slack_s, &flood_pid});
    });
    // Let the flood empty 127.0.0.1's bucket and fill the worker threads first.
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(1000, options_.seconds * 200)));
    during_ = bystanders(server_->port(), 2 + k_other_clients, k_other_clients, filled_.pairs, 500,
                         std::max(1.0, options_.seconds - seconds_since(flood_began)));
    while (seconds_since(flood_began) < options_.seconds) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    while (flood_pid.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ::kill(flood_pid.load(), SIGINT);
    flooder.join();
    flood_ = take(std::move(*flooded), "the flood");
    // Too slow is a target missed (print); another status is a broken server.
    if (quiet_.ok() != static_cast<int>(quiet_.ms.size()) ||
        during_.ok() != static_cast<int>(during_.ms.size()) || quiet_.statuses.count(0) > 0 ||
        during_.statuses.count(0) > 0) {
      failures_.push_back("a bystander's lookup did not answer 200: " +
                          statuses_text(during_.statuses));
    }

    // A quieter way to crowd others out, which the lookup limit does not see: as many idle
    // keep-alive connections as the server has worker threads, all from one address. cpp-httplib
    // gives a connection its worker until it closes or has idled for its keep-alive timeout.
    progress(fmt::format("{} idle keep-alive connections from one address, bystanders meanwhile…",
                         workers));
    std::vector<int> held;
    for (int i = 0; i < workers; ++i) {
      auto fd = open_idle(k_holder_address, server_->port(), "/api/no-such-endpoint");
      if (!fd) {
        progress("an idle connection could not be opened: " + fd.error().message);
        break;
      }
      held.push_back(*fd);
    }
    held_connections_ = static_cast<int>(held.size());
    held_ = bystanders(server_->port(), k_first_idle_bystander, k_idle_bystanders, filled_.pairs,
                       700, k_flood_slack_s);
    for (const int fd : held) ::close(fd);
    if (held_.ok() != static_cast<int>(held_.ms.size()) || held_.statuses.count(0) > 0) {
      failures_.push_back("a lookup beside idle connections did not answer 200: " +
                          statuses_text(held_.statuses));
    }
  }

  // The slow-client attack (Attacker) from 127.0.0.2 while wrk looks up from 127.0.0.1, against
  // the same wrk run just before without it; then how long the attack's connections lived.
  void attack() {
    const int workers = options_.workers;
    restart(workers, k_unthrottled);
    unattacked_ = measure("lookup, no attack", workers, paths_.hits, 200);
    progress(fmt::format("attack: {} slow-header and {} idle connections from {}…",
                         k_slow_header_connections, k_idle_attack_connections, k_attacker_address));
    Attacker attacker(k_attacker_address, server_->port(), k_slow_header_connections,
                      k_idle_attack_connections);
    attacker.open();
    std::atomic<bool> stop{false};
    std::thread watcher([&] { attacker.watch(stop, k_attack_linger_s); });
    attacked_ = measure("lookup, during the attack", workers, paths_.hits, 200);
    stop = true;
    watcher.join();
    attack_ = attacker.result();
  }

  // Staff searches beside citizens' lookups: k_staff_searchers clients of an officer's session
  // (from k_staff_address) each loop GET /api/dossiers?q=... over k_search_texts, while wrk looks
  // up from 127.0.0.1; against wrk alone just before, and against the same searches with one
  // queue for all (app::ServerOptions::public_workers = 0, first come first served), and with the
  // lane but the staff's workers not niced.
  void searches() {
    const int workers = options_.workers;
    if (session_cookie_.empty()) {
      staff::Accounts accounts(*store_, clock_);
      take(accounts.add_user(staff::NewUser{"can.bo.thu", "Cán bộ thử tải", staff::Role::officer,
                                            "qK7#vT9!mZ2@pLx-041"},
                             "http_bench"),
           "adding an officer");
      session_cookie_ =
          take(accounts.log_in("can.bo.thu", "qK7#vT9!mZ2@pLx-041"), "logging the officer in")
              .cookie;
    }
    restart(workers, k_unthrottled);
    unsearched_ = measure("lookup, no staff search", workers, paths_.hits, 200);
    const app::ServerOptions defaults;
    const std::vector<std::string> mix(k_search_texts.begin(), k_search_texts.end());
    const std::vector<std::string> no_match(k_no_match_texts.begin(), k_no_match_texts.end());
    struct Setting {
      int public_workers;
      int staff_nice;
      const std::vector<std::string>* texts;
      std::string name;
    };
    const std::array<Setting, 4> settings = {{
        {0, 0, &mix, "lookup, searches, one queue for all"},
        {defaults.public_workers, 0, &mix,
         fmt::format("lookup, searches, lane ({}), no nice", defaults.public_workers)},
        {defaults.public_workers, options_.staff_nice, &mix,
         fmt::format("lookup, searches, lane ({}), nice {}", defaults.public_workers,
                     options_.staff_nice)},
        {defaults.public_workers, options_.staff_nice, &no_match,
         fmt::format("lookup, \"zzzz\" searches, lane, nice {}", options_.staff_nice)},
    }};
    searched_.clear();
    for (const Setting& setting : settings) {
      restart(workers, k_unthrottled, setting.public_workers, setting.staff_nice);
      Searchers searchers(server_->port(), session_cookie_, *setting.texts);
      Row row = measure(setting.name, workers, paths_.hits, 200);
      SearchRun run = searchers.finish();
      if (run.failed > 0) {
        failures_.push_back(fmt::format("{} of {} staff searches did not answer 200 ({})",
                                        run.failed, run.ms.size(), run.first_failure));
      }
      searched_.push_back({std::move(row), std::move(run)});
    }
  }

  // Envelope uploads through POST /api/scans with a mailroom API token, against the same pipeline
  // in this process (Scanner::scan_bytes, envelopes_from_bytes, Registrar::register_envelope: what
  // the endpoint runs), the same images, as many in flight as the scanner has workers, each path
  // into a fresh desk of its own (so both register every envelope). The server is the one `hoso
  // serve` runs (open_served_desk: image store, classifier, scanner workers); the in-process path
  // uses the same scanner, warmed up before either is timed.
  void uploads() {
    server_->stop();
    server_.reset();
    const auto images = upload_images();
    if (images.empty()) {
      uploads_note_ = fmt::format("uploads: no .jpg in {}", options_.samples);
      return;
    }
    const fs::path http_desk = dir_ / "uploads-http" / "hoso.db";
    const fs::path local_desk = dir_ / "uploads-local" / "hoso.db";
    for (const fs::path& database : {http_desk, local_desk}) {
      init_desk(*take(db::open_sqlite(database), "creating " + database.string()));
    }
    std::string note;
    auto served = take(app::open_served_desk(http_desk, dir_ / "no-carrier.json", note),
                       "opening the desk as hoso serve does");
    app::ServerOptions server_options;
    server_options.port = 0;
    server_options.worker_threads = options_.workers;
    auto server = take(app::DeskServer::start(served->parts(), server_options),
                       "starting the server with uploads");
    auto token = take(staff::Accounts(*served->desk->store, served->desk->clock)
                          .create_token("http-bench", "http_bench"),
                      "creating an API token");
    const int in_flight = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    upload_in_flight_ = in_flight;
    scanner::Scanner& scanner = *served->scanner;
    (void)run_uploads(std::vector<UploadImage>(static_cast<std::size_t>(in_flight), images[0]),
                      in_flight, [&](const UploadImage& image) {
                        (void)scanner.scan_bytes(as_bytes(image), image.name);
                        return std::string("warm-up");
                      });

    progress(
        fmt::format("uploads: POST /api/scans, {} images, {} at once…", images.size(), in_flight));
    const int port = server->port();
    uploads_http_ = run_uploads(images, in_flight, [&](const UploadImage& image) {
      auto answer =
          exchange("127.0.0.1", port,
                   fmt::format("POST /api/scans?name={} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n"
                               "Authorization: Bearer {}\r\nContent-Type: image/jpeg\r\n"
                               "Content-Length: {}\r\nConnection: close\r\n\r\n{}",
                               percent_encode(image.name), port, token.secret, image.bytes.size(),
                               image.bytes));
      if (!answer) return std::string("failed: ") + answer.error().message;
      if (answer->status == 404) return std::string("404");
      if (answer->status != 200) {
        return fmt::format("{}: {}", answer->status, answer->body.substr(0, 160));
      }
      return outcome_of(answer->body);
    });
    server->stop();
    if (uploads_http_.outcomes.count("404") > 0) {
      uploads_note_ = "uploads: endpoint not available in this build (POST /api/scans answers 404)";
      return;
    }

    progress(fmt::format("uploads: the same pipeline in this process, {} at once…", in_flight));
    auto local_store = take(db::open_sqlite(local_desk), "opening " + local_desk.string());
    db::ImageStore local_images(local_desk.parent_path() / "images");
    uploads_local_ = run_uploads(images, in_flight, [&](const UploadImage& image) {
      intake::Registrar registrar(*local_store, local_images, served->desk->classifier,
                                  served->desk->clock,
                                  intake::IntakeContext{"http_bench", "http_bench"});
      const scanner::FileResult scanned = scanner.scan_bytes(as_bytes(image), image.name);
      std::map<std::string, int> outcomes;
      for (const intake::EnvelopeScan& scan : intake::envelopes_from_bytes(
               scanned, as_bytes(image), "jpg", served->desk->classifier, std::nullopt)) {
        auto registered = registrar.register_envelope(scan);
        ++outcomes[registered ? std::string(db::scan_outcome_name(registered->outcome))
                              : "failed: " + registered.error().message];
      }
      return outcomes_text(outcomes);
    });
  }

  struct UploadImage {
    std::string name;
    std::string bytes;
  };

  static std::span<const std::uint8_t> as_bytes(const UploadImage& image) {
    return {reinterpret_cast<const std::uint8_t*>(image.bytes.data()), image.bytes.size()};
  }

  // Up to options_.upload_images of the sample envelopes, spread over the sorted list (the samples
  // are named by what is hard about them: blur-, tilt-, small- ...).
  std::vector<UploadImage> upload_images() const {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(options_.samples, ec)) {
      if (entry.path().extension() == ".jpg") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    std::vector<UploadImage> images;
    const std::size_t count = std::min(files.size(), options_.upload_images);
    for (std::size_t i = 0; i < count; ++i) {
      const fs::path& file = files[i * files.size() / count];
      std::ifstream in(file, std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      images.push_back(UploadImage{file.filename().string(), bytes.str()});
    }
    return images;
  }

  // Runs `upload` over `images` from `in_flight` threads, each image once; `upload` returns the
  // outcome ("registered", "manual", "2×registered" for a PDF of two, or what went wrong).
  template <class Upload>
  static UploadRun run_uploads(const std::vector<UploadImage>& images, int in_flight,
                               const Upload& upload) {
    UploadRun run;
    std::mutex mutex;
    std::atomic<std::size_t> next{0};
    const auto began = SteadyClock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < in_flight; ++t) {
      threads.emplace_back([&] {
        for (;;) {
          const std::size_t i = next.fetch_add(1);
          if (i >= images.size()) return;
          const auto t0 = SteadyClock::now();
          const std::string outcome = upload(images[i]);
          const double ms = seconds_since(t0) * 1e3;
          std::lock_guard lock(mutex);
          run.ms.push_back(ms);
          ++run.outcomes[outcome];
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    run.seconds = seconds_since(began);
    return run;
  }

  // Counts of each "outcome" in a POST /api/scans answer, as "registered" or "2×registered".
  static std::string outcome_of(const std::string& body) {
    std::map<std::string, int> outcomes;
    static constexpr std::string_view k_key = "\"outcome\":";
    for (auto at = body.find(k_key); at != std::string::npos; at = body.find(k_key, at + 1)) {
      const auto open = body.find('"', at + k_key.size());
      const auto close = open == std::string::npos ? open : body.find('"', open + 1);
      if (close != std::string::npos) ++outcomes[body.substr(open + 1, close - open - 1)];
    }
    return outcomes.empty() ? "no outcome in the answer" : outcomes_text(outcomes);
  }

  static std::string outcomes_text(const std::map<std::string, int>& outcomes) {
    std::string out;
    for (const auto& [outcome, count] : outcomes) {
      if (!out.empty()) out += ", ";
      out += count == 1 ? outcome : fmt::format("{}×{}", count, outcome);
    }
    return out;
  }

  void print_searches() {
    if (searched_.empty()) return;
    const WrkResult& before = unsearched_.result;
    fmt::print(
        "Staff searches: {} clients of an officer's session from {}, each looping GET "
        "/api/dossiers?q= over {} (the last row: zzzz only), while wrk looks up from 127.0.0.1 "
        "(desk of {} dossiers, {} workers)\n",
        k_staff_searchers, k_staff_address, fmt::join(k_search_texts, ", "), options_.dossiers,
        options_.workers);
    fmt::print("{:<44} {:>9} {:>9} {:>8} {:>8} {:>8}  {}\n", "client", "answers", "req/s", "p50 ms",
               "p99 ms", "ratio", "staff searches meanwhile");
    fmt::print("{:<44} {:>9} {:>9.0f} {:>8.2f} {:>8.2f} {:>8.2f}  {}\n", unsearched_.name,
               before.requests, before.rps(), before.p50_ms, before.p99_ms, 1.0, "none");
    for (const Searched& searched_row : searched_) {
      const Searched* searched = &searched_row;
      const WrkResult& r = searched->row.result;
      const SearchRun& run = searched->run;
      fmt::print("{:<44} {:>9} {:>9.0f} {:>8.2f} {:>8.2f} {:>8.2f}  {}\n", searched->row.name,
                 r.requests, r.rps(), r.p50_ms, r.p99_ms, ratio(r.rps(), before.rps()),
                 fmt::format("{} ({:.0f}/s), p50 {:.1f} ms, p99 {:.1f} ms{}", run.ms.size(),
                             static_cast<double>(run.ms.size()) / std::max(run.seconds, 1e-9),
                             percentile(run.ms, 0.5), percentile(run.ms, 0.99),
                             searched->row.note.empty() ? "" : "; " + searched->row.note));
    }
    for (const std::size_t row : {std::size_t{2}, std::size_t{3}}) {
      if (row >= searched_.size()) continue;
      const WrkResult& during = searched_[row].row.result;
      const bool fast = during.requests > 0 && during.p99_ms < 20;
      fmt::print("  lookups while {} staff searches loop ({}), p99 < 20 ms: {} ({:.2f} ms)\n",
                 k_staff_searchers, row == 2 ? "the mix" : "no match, as the issue measured",
                 fast ? "met" : "NOT met", during.p99_ms);
    }
    fmt::print("\n");
  }

  void print_attack() {
    const WrkResult& before = unattacked_.result;
    const WrkResult& during = attacked_.result;
    const auto& lives = attack_.lives_s;
    const double longest = lives.empty() ? 0 : *std::max_element(lives.begin(), lives.end());
    fmt::print(
        "Slow-client attack from {}: {} slow-header connections (a header line every 2 s) and "
        "{} idle ones, while wrk looks up from 127.0.0.1\n",
        k_attacker_address, attack_.slow, attack_.idle);
    fmt::print("{:<44} {:>9} {:>9} {:>8} {:>8} {:>8}  {}\n", "client", "answers", "req/s", "p50 ms",
               "p99 ms", "ratio", "note");
    for (const Row* row : {&unattacked_, &attacked_}) {
      const WrkResult& r = row->result;
      fmt::print(
          "{:<44} {:>9} {:>9.0f} {:>8.2f} {:>8.2f} {:>8.2f}  {}\n", row->name, r.requests, r.rps(),
          r.p50_ms, r.p99_ms, ratio(r.rps(), before.rps()),
          r.socket_errors > 0 ? fmt::format("{} socket errors", r.socket_errors) : row->note);
    }
    fmt::print(
        "attacking connections: {} closed by the server (median life {:.1f} s, longest {:.1f} "
        "s), {} still open {:.0f} s after wrk stopped, {} could not connect\n",
        attack_.closed, percentile(lives, 0.5), longest, attack_.still_open, k_attack_linger_s,
        attack_.failed_connect);
    const bool kept = during.rps() >= 0.8 * before.rps();
    const bool fast = during.requests > 0 && during.p99_ms < 50;
    const bool closed = attack_.still_open == 0;
    fmt::print("  under attack ≥ 80 % of the lookups/s without it: {} ({:.0f} %)\n",
               kept ? "met" : "NOT met", 100 * ratio(during.rps(), before.rps()));
    fmt::print("  under attack p99 < 50 ms: {} ({:.2f} ms)\n", fast ? "met" : "NOT met",
               during.p99_ms);
    fmt::print("  every attacking connection closed by the server: {} ({} of {})\n\n",
               closed ? "met" : "NOT met", attack_.closed, attack_.closed + attack_.still_open);
  }

  void print() {
    const auto& base = rows_[1].result;  // GET /api/health
    fmt::print(
        "\nhttp_bench: hoso serve (app::DeskServer) on 127.0.0.1, driven by wrk -t{} -c{} "
        "-d{}s\n",
        options_.wrk_threads, options_.connections, options_.seconds);
    fmt::print("machine: {} cores (wrk and the server share them), load average at the end {}\n",
               cores(), load_average());
    fmt::print(
        "desk: {} dossiers written in {:.1f} s ({:.0f} dossiers/s), {:.0f} MB; a lookup "
        "answer is {} bytes of JSON\n\n",
        options_.dossiers, filled_.seconds,
        static_cast<double>(options_.dossiers) / filled_.seconds,
        static_cast<double>(database_bytes_) / 1e6, response_bytes_);

    fmt::print("{:<44} {:>7} {:>9} {:>9} {:>8} {:>8} {:>8} {:>7} {:>5} {:>6}  {}\n", "requests",
               "workers", "answers", "req/s", "p50 ms", "p90 ms", "p99 ms", "ratio", "cpu %",
               "other%", "note");
    auto percent = [](double share, bool measured) {
      return measured ? fmt::format("{:.0f}", 100 * share) : std::string("-");
    };
    for (const Row& row : rows_) {
      const WrkResult& r = row.result;
      const bool measured = row.cpu.ours > 0;
      fmt::print(
          "{:<44} {:>7} {:>9} {:>9.0f} {:>8.2f} {:>8.2f} {:>8.2f} {:>7.2f} {:>5} {:>6}  {}\n",
          row.name, row.workers, r.requests, r.rps(), r.p50_ms, r.p90_ms, r.p99_ms,
          ratio(r.rps(), base.rps()), percent(row.cpu.ours, measured),
          percent(row.cpu.others, measured), row.note);
    }
    fmt::print(
        "ratio = req/s / req/s of GET /api/health (the baseline, same run); cpu % = this process "
        "and wrk,\nother% = every other process, in % of the machine's {} cores during the run\n\n",
        cores());

    fmt::print("Flood isolation: limit {} lookups a minute per address, {} worker threads\n",
               flood_limit_, options_.workers);
    fmt::print("{:<44} {:>9} {:>9} {:>8} {:>8} {:>8}  {}\n", "client", "answers", "req/s", "p50 ms",
               "p99 ms", "ratio", "statuses");
    const double share_429 = flood_.requests > 0 ? 100.0 * static_cast<double>(flood_.s429) /
                                                       static_cast<double>(flood_.requests)
                                                 : 0;
    fmt::print(
        "{:<44} {:>9} {:>9.0f} {:>8.2f} {:>8.2f} {:>8}  {:.2f} % 429, {}×200, {}×other{}\n",
        "flood: wrk from 127.0.0.1", flood_.requests, flood_.rps(), flood_.p50_ms, flood_.p99_ms,
        "", share_429, flood_.s200, flood_.s404 + flood_.other,
        flood_.socket_errors > 0 ? fmt::format(", {} socket errors", flood_.socket_errors) : "");
    const double quiet_p50 = percentile(quiet_.ms, 0.5);
    const double quiet_p99 = percentile(quiet_.ms, 0.99);
    const double during_p50 = percentile(during_.ms, 0.5);
    const double during_p99 = percentile(during_.ms, 0.99);
    auto client_row = [&](const std::string& name, const ClientRun& run, double p50, double p99,
                          const std::string& ratio_text) {
      fmt::print("{:<44} {:>9} {:>9.0f} {:>8.2f} {:>8.2f} {:>8}  {}\n", name, run.ms.size(),
                 static_cast<double>(run.ms.size()) / run.seconds, p50, p99, ratio_text,
                 statuses_text(run.statuses));
    };
    const std::string addresses =
        fmt::format("{}×{} lookups", k_other_clients, k_lookups_per_client);
    client_row(fmt::format("others, no flood ({})", addresses), quiet_, quiet_p50, quiet_p99,
               "1.00");
    client_row(fmt::format("others, during the flood ({})", addresses), during_, during_p50,
               during_p99, fmt::format("{:.2f}", ratio(during_p99, quiet_p99)));
    client_row(fmt::format("others, beside {} idle keep-alive connections", held_connections_),
               held_, percentile(held_.ms, 0.5), percentile(held_.ms, 0.99),
               fmt::format("{:.2f}", ratio(percentile(held_.ms, 0.99), quiet_p99)));
    fmt::print(
        "ratio = p99 / p99 without the flood (the same client, same run); the last row: as "
        "many\nidle keep-alive connections from 127.0.0.250 as worker threads, while {}×{} "
        "lookups\n\n",
        k_idle_bystanders, k_lookups_per_client);

    print_attack();
    print_searches();

    if (!uploads_note_.empty()) {
      fmt::print("{}\n\n", uploads_note_);
    } else {
      fmt::print("Envelope uploads: {} at once, sample envelopes from {}\n", upload_in_flight_,
                 options_.samples);
      fmt::print("{:<44} {:>9} {:>9} {:>8} {:>8} {:>8}  {}\n", "path", "envelopes", "per s",
                 "p50 ms", "p99 ms", "ratio", "outcomes");
      auto upload_row = [&](const std::string& name, const UploadRun& run) {
        std::string outcomes;
        for (const auto& [outcome, count] : run.outcomes) {
          outcomes += fmt::format("{}{}×{}", outcomes.empty() ? "" : ", ", count, outcome);
        }
        fmt::print("{:<44} {:>9} {:>9.2f} {:>8.0f} {:>8.0f} {:>8.2f}  {}\n", name, run.ms.size(),
                   run.per_second(), percentile(run.ms, 0.5), percentile(run.ms, 0.99),
                   ratio(run.per_second(), uploads_local_.per_second()), outcomes);
      };
      upload_row("POST /api/scans (raw image/jpeg, API token)", uploads_http_);
      upload_row("in-process: scan_bytes + register_envelope", uploads_local_);
      fmt::print("ratio = envelopes/s / envelopes/s in this process (the baseline, same run)\n\n");
    }

    // The lookup row at the default worker count is the one the targets are about.
    const WrkResult& lookup = rows_[2].result;
    const bool rps_met = lookup.rps() >= k_target_rps;
    const bool p99_met = lookup.p99_ms < k_target_p99_ms;
    fmt::print("Targets ({} dossiers):\n", options_.dossiers);
    fmt::print("  public lookup ≥ {:.0f} req/s: {} ({:.0f} req/s)\n", k_target_rps,
               rps_met ? "met" : "NOT met", lookup.rps());
    fmt::print("  public lookup p99 < {:.0f} ms: {} ({:.2f} ms)\n", k_target_p99_ms,
               p99_met ? "met" : "NOT met", lookup.p99_ms);
    // What the token bucket lets through in the flood's time: the burst, then the refill.
    const double allowed = flood_limit_ + flood_limit_ * flood_.seconds / 60.0;
    const bool throttled = static_cast<double>(flood_.s200) <= allowed + 1;
    const bool others_fine =
        during_.ok() == k_other_clients * k_lookups_per_client && during_p99 < k_target_p99_ms;
    fmt::print(
        "  a flood from one address is throttled: {} ({} answers 200 where the limit allows "
        "{:.0f} in {:.1f} s; {:.2f} % of its answers are 429)\n",
        throttled ? "met" : "NOT met", flood_.s200, allowed, flood_.seconds, share_429);
    fmt::print(
        "  ... without slowing others (all 200, p99 < {:.0f} ms): {} ({} of {} answered 200 during "
        "the flood, p99 {:.2f} ms against {:.2f} ms without it)\n",
        k_target_p99_ms, others_fine ? "met" : "NOT met", during_.ok(),
        k_other_clients * k_lookups_per_client, during_p99, quiet_p99);
    if (options_.dossiers != 100'000) {
      fmt::print("  (the targets are set for 10⁵ dossiers; this run has {})\n", options_.dossiers);
    }
    for (const std::string& failure : failures_) fmt::print("FAILED: {}\n", failure);
    std::fflush(stdout);
  }

  struct Paths {
    fs::path floor;
    fs::path health;
    fs::path hits;
    fs::path misses;
  };

  const Options& options_;
  fs::path dir_;
  Wrk wrk_;
  common::SystemClock clock_;
  Filled filled_;
  std::int64_t database_bytes_ = 0;
  std::size_t response_bytes_ = 0;
  std::unique_ptr<db::Store> store_;
  Row unattacked_;
  Row attacked_;
  std::string session_cookie_;
  Row unsearched_;
  struct Searched {
    Row row;
    SearchRun run;
  };
  // One queue, the lane without nice, the lane as hoso serve runs; the same with "zzzz" only.
  std::vector<Searched> searched_;
  AttackRun attack_;
  std::unique_ptr<app::DeskServer> server_;
  Paths paths_;
  std::vector<Row> rows_;
  int flood_limit_ = 0;
  WrkResult flood_;
  ClientRun quiet_;
  ClientRun during_;
  int held_connections_ = 0;
  ClientRun held_;
  std::string uploads_note_;
  int upload_in_flight_ = 0;
  UploadRun uploads_http_;
  UploadRun uploads_local_;
  std::vector<std::string> failures_;
};

}  // namespace

int main(int argc, char** argv) {
  // The attack holds over 500 connections, each a descriptor here and one in the server.
  if (rlimit files{}; getrlimit(RLIMIT_NOFILE, &files) == 0) {
    files.rlim_cur = std::min<rlim_t>(files.rlim_max, 65536);
    setrlimit(RLIMIT_NOFILE, &files);
  }
  CLI::App cli{
      "Benchmark hoso serve's public lookup with wrk: requests/s and latency against GET "
      "/api/health in the same run, flood isolation, uploads"};
  Options options;
  cli.add_option("--dossiers", options.dossiers, "Dossiers in the desk's database")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{1000}, std::int64_t{10'000'000}));
  cli.add_option("--seconds", options.seconds, "Seconds of each wrk run")
      ->capture_default_str()
      ->check(CLI::Range(1, 600));
  cli.add_option("--connections", options.connections, "wrk's connections (-c)")
      ->capture_default_str()
      ->check(CLI::Range(1, 10'000));
  cli.add_option("--wrk-threads", options.wrk_threads, "wrk's threads (-t)")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cli.add_option("--workers", options.workers,
                 "The server's worker threads (the other rows try 2, 8 and 32)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  cli.add_flag("--attack-only", options.attack_only,
               "Only the slow-client attack, against wrk alone just before");
  cli.add_flag("--search-only", options.search_only,
               "Only the lookups beside looping staff searches, against wrk alone and against "
               "the same searches with one queue for all and with the lane not niced");
  cli.add_option("--staff-nice", options.staff_nice,
                 "The staff workers' nice in the searches' rows with the lane (hoso serve's "
                 "default)")
      ->capture_default_str()
      ->check(CLI::Range(0, 19));
  cli.add_flag("--quick", options.quick, "A smoke run: 10⁴ dossiers, 2 s per wrk run, 8 uploads");
  cli.add_option("--dir", options.dir,
                 "Folder for the database (default: the system's temporary folder); the bench "
                 "works in a new subfolder it removes afterwards");
  cli.add_option("--scripts", options.scripts, "Folder of requests.lua")->capture_default_str();
  cli.add_option("--samples", options.samples, "Folder of envelope images (.jpg) to upload")
      ->capture_default_str();
  cli.add_option("--uploads", options.upload_images, "Envelope images to upload")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000}));
  cli.add_flag("--keep", options.keep, "Keep the database, request lists and access log");
  cli.add_flag("-v,--verbose", options.verbose, "Show wrk's own output");
  CLI11_PARSE(cli, argc, argv);
  if (options.quick) {
    options.dossiers = 10'000;
    options.seconds = 2;
    options.upload_images = 8;
  }
  options.connections = std::max(options.connections, options.wrk_threads);

  // A client socket closed by the server must not kill the bench.
  ::signal(SIGPIPE, SIG_IGN);
  access_log_to(std::nullopt);

  const auto wrk = find_on_path("wrk");
  if (!wrk) {
    std::fprintf(stderr,
                 "http_bench: wrk is not on PATH: install it (Debian: apt-get install wrk)\n");
    return 2;
  }
  const fs::path script = fs::path(options.scripts) / "requests.lua";
  if (!fs::exists(script)) {
    std::fprintf(stderr, "http_bench: %s is missing: give --scripts bench/http_bench\n",
                 script.c_str());
    return 2;
  }

  fs::path workdir;
  int status = 1;
  try {
    const fs::path parent = options.dir.empty() ? fs::temp_directory_path() : fs::path(options.dir);
    fs::create_directories(parent);
    std::string pattern = (parent / "http_bench.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error(pattern + ": cannot create a folder: " + std::strerror(errno));
    }
    workdir = pattern;
    status = Bench(options, workdir, Wrk(*wrk, script, options)).run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "http_bench: %s\n", e.what());
    status = 1;
  }
  if (!workdir.empty()) {
    if (options.keep) {
      progress("kept " + workdir.string());
    } else {
      std::error_code ec;
      fs::remove_all(workdir, ec);
    }
  }
  return status;
}
