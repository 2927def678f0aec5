// A province: several `hoso serve` processes on one PostgreSQL database (the throwaway cluster of
// the test run), as behind a load balancer. Envelopes uploaded through both at once are one
// dossier each; the background jobs that must run once per province run on one server, and on
// the other within seconds of a kill -9. Runs only on PostgreSQL (the pg: cases).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/files.hpp"
#include "tests/support/store.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using test_support::shell_quote;

// `hoso serve` as a child process on a free port of 127.0.0.1, its standard output and its log
// (standard error) read through one pipe. Killed (SIGKILL) if the test ends without stopping it.
class Server {
 public:
  Server(const std::string& hoso, const std::vector<std::string>& extra) {
    REQUIRE(::pipe(pipe_) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipe_[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipe_[0]);
    // At log level info the log says which server runs each background job.
    std::vector<std::string> args = {hoso,    "--log-level", "info",
                                     "serve", "--listen",    "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    REQUIRE(posix_spawn(&pid_, hoso.c_str(), &actions, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_[1]);
    REQUIRE_MESSAGE(wait_for("/ (Ctrl-C stops)"), output_);
    const auto at = output_.find("http://127.0.0.1:");
    REQUIRE(at != std::string::npos);
    port_ = std::stoi(output_.substr(at + 17));
  }
  ~Server() {
    if (!exited_) kill();
    ::close(pipe_[0]);
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const { return port_; }
  // Reads the output until it holds `text`; false when the process ended first or 60 s passed.
  bool wait_for(const std::string& text) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    char chunk[512];
    while (output_.find(text) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd p{pipe_[0], POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      const ssize_t n = ::read(pipe_[0], chunk, sizeof chunk);
      if (n <= 0) return false;
      output_.append(chunk, static_cast<std::size_t>(n));
    }
    return true;
  }
  const std::string& output() const { return output_; }
  void kill() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    exited_ = true;
  }

 private:
  int pipe_[2] = {-1, -1};
  pid_t pid_ = 0;
  int port_ = 0;
  bool exited_ = false;
  std::string output_;
};

// A province's database: a fresh schema of the test cluster, initialised by `hoso init`, with a
// scanning station's token; the desk's folder (images) shared by its servers.
struct Province {
  test_support::TempDir dir;
  std::string hoso = (test_support::bin_dir() / "hoso").string();
  std::string db = test_support::location_of(dir / "hoso.db");
  std::string token;

  Province() {
    REQUIRE(::setenv("HOSO_DATA", dir.path().c_str(), 1) == 0);
    const auto init = test_support::run_command(
        shell_quote(hoso) + " init --agency 000.00.05.H12 --db " + shell_quote(db), dir.path());
    REQUIRE_MESSAGE(init.exit_code == 0, init.err);
    const auto made = test_support::run_command(
        shell_quote(hoso) + " token add station-1 --db " + shell_quote(db), dir.path());
    REQUIRE_MESSAGE(made.exit_code == 0, made.err);
    const auto line = made.out.find('\n');
    REQUIRE(line != std::string::npos);
    token = made.out.substr(line + 1);
    while (!token.empty() && (token.back() == '\n' || token.back() == ' ')) token.pop_back();
    REQUIRE(token.starts_with("hoso_"));
  }

  std::vector<std::string> serve_args() const {
    return {"--db", db, "--config", (dir / "none.json").string(), "--sync-minutes", "0"};
  }
};

// The first 50 sample envelopes that carry one dossier's codes (two_labels-* go to a person).
std::vector<fs::path> fifty_envelopes() {
  std::vector<fs::path> files;
  for (const auto& entry :
       fs::directory_iterator(fs::path(HOSO_SOURCE_DIR) / "samples" / "envelopes")) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".jpg") && !name.starts_with("two_labels")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 50);
  files.resize(50);
  return files;
}

}  // namespace

TEST_CASE(
    "200 uploads of 50 envelopes at once through two servers on one database give 50 "
    "dossiers") {
  Province province;
  Server a(province.hoso, province.serve_args());
  Server b(province.hoso, province.serve_args());
  const auto files = fifty_envelopes();
  std::vector<std::string> bodies;
  for (const auto& f : files) bodies.push_back(test_support::read_file(f));

  // Each envelope 4 times, by 8 stations at once, half of them through each server.
  constexpr int k_clients = 8;
  constexpr int k_rounds = 4;
  std::mutex mutex;
  std::map<std::string, std::set<long long>> dossiers_of;  // file -> dossier ids answered
  std::map<std::string, int> outcomes;
  std::vector<std::string> failures;
  std::atomic<int> next{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < k_clients; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", c % 2 == 0 ? a.port() : b.port());
      client.set_read_timeout(120, 0);
      const httplib::Headers headers = {{"Authorization", "Bearer " + province.token}};
      for (int i = next++; i < static_cast<int>(files.size()) * k_rounds; i = next++) {
        const std::size_t f = static_cast<std::size_t>(i) % files.size();
        const std::string name = files[f].filename().string();
        auto res = client.Post("/api/scans?name=" + name, headers, bodies[f], "image/jpeg");
        std::lock_guard lock(mutex);
        if (!res || res->status != 200) {
          failures.push_back(fmt::format("{}: {}", name, res ? res->body : "no answer"));
          continue;
        }
        const auto json = nlohmann::json::parse(res->body);
        const auto results = json.at("results");
        for (const auto& r : results) {
          const std::string outcome = r.at("outcome").get<std::string>();
          ++outcomes[outcome];
          if (!r.at("dossier_id").is_null()) {
            dossiers_of[name].insert(r.at("dossier_id").get<long long>());
          }
        }
      }
    });
  }
  for (auto& t : clients) t.join();

  CHECK_MESSAGE(failures.empty(), (failures.empty() ? std::string() : failures.front()));
  CHECK(outcomes["registered"] == 50);
  CHECK(outcomes["already_registered"] == 150);
  CHECK(outcomes["failed"] == 0);
  std::set<long long> all;
  for (const auto& [name, ids] : dossiers_of) {
    CAPTURE(name);
    CHECK(ids.size() == 1);  // every upload of one envelope names the same dossier
    all.insert(ids.begin(), ids.end());
  }
  CHECK(dossiers_of.size() == 50);
  CHECK(all.size() == 50);
  const auto rows = test_support::stored_rows(province.dir / "hoso.db",
                                              "SELECT (SELECT COUNT(*) FROM dossiers), "
                                              "(SELECT COUNT(*) FROM scans)");
  CHECK(rows.at(0).at(0) == "50");
  CHECK(rows.at(0).at(1) == "200");
}

TEST_CASE("a background job runs on one of two servers, and on the other after a kill -9") {
  Province province;
  Server a(province.hoso, province.serve_args());
  REQUIRE_MESSAGE(a.wait_for("deadline_warnings: this server runs it"), a.output());
  Server b(province.hoso, province.serve_args());
  REQUIRE_MESSAGE(b.wait_for("deadline_warnings: another server runs it"), b.output());
  CHECK(b.output().find("deadline_warnings: this server runs it") == std::string::npos);

  a.kill();  // its connections end with it, and the lock with them
  // The follower looks again every few seconds; read_until gives up when the server exits.
  REQUIRE_MESSAGE(b.wait_for("deadline_warnings: this server runs it (taking over)"), b.output());
}
