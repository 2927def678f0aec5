// `hoso serve` as a process: stopped by SIGTERM, a request in flight finishes and its envelope is
// registered, then the process exits 0; with --hot-folder, its background job registers the files
// dropped into the folder. No sleeps: the test knows the request is in the server's
// hands when the server answers `100 Continue`, and that the server is stopping when it says so.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "common/result.hpp"
#include "db/store.hpp"
#include "tests/support/files.hpp"

extern char** environ;

namespace {

using test_support::shell_quote;

// Reads from `fd` into `buffer` until `needle` is in it (or end of file); returns whether it is.
bool read_until(int fd, std::string& buffer, const std::string& needle) {
  char chunk[512];
  while (buffer.find(needle) == std::string::npos) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  return true;
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// `hoso serve` as a child process on a free port, its standard output read through a pipe.
// Killed (SIGKILL) if the test ends without stopping it.
class ServeProcess {
 public:
  // `log_file` (optional) receives its standard error, the log.
  ServeProcess(const std::string& hoso, std::vector<std::string> extra,
               const std::string& log_file = {}, std::vector<std::string> before = {}) {
    REQUIRE(::pipe(out_pipe_) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out_pipe_[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out_pipe_[0]);
    if (!log_file.empty()) {
      posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_file.c_str(),
                                       O_WRONLY | O_CREAT | O_TRUNC, 0644);
    }
    std::vector<std::string> args = {hoso};
    args.insert(args.end(), before.begin(), before.end());
    args.insert(args.end(), {"serve", "--listen", "127.0.0.1:0", "--sync-minutes", "0"});
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    REQUIRE(posix_spawn(&pid_, hoso.c_str(), &actions, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out_pipe_[1]);
    REQUIRE_MESSAGE(wait_for_output("/ (Ctrl-C stops)"), output_);
    const auto at = output_.find("http://127.0.0.1:");
    REQUIRE(at != std::string::npos);
    port_ = std::stoi(output_.substr(at + 17));
  }
  ~ServeProcess() {
    if (!exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(out_pipe_[0]);
  }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  bool wait_for_output(const std::string& text) { return read_until(out_pipe_[0], output_, text); }
  const std::string& output() const { return output_; }
  // Waits for the process; its exit status (-1 when killed by a signal).
  int wait() {
    int status = 0;
    REQUIRE(::waitpid(pid_, &status, 0) == pid_);
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  int out_pipe_[2] = {-1, -1};
  pid_t pid_ = 0;
  int port_ = 0;
  bool exited_ = false;
  std::string output_;
};

// A desk initialised by `hoso init` in a temporary folder.
struct ProcessDesk {
  test_support::TempDir dir;
  std::string hoso = (test_support::bin_dir() / "hoso").string();
  std::string db = (dir / "hoso.db").string();

  ProcessDesk() {
    const auto init = test_support::run_command(
        shell_quote(hoso) + " init --agency 000.00.05.H12 --db " + shell_quote(db), dir.path());
    REQUIRE_MESSAGE(init.exit_code == 0, init.err);
  }

  std::vector<std::string> serve_args() const {
    return {"--db", db, "--config", (dir / "none.json").string()};
  }
};

// plain-01.jpg carries RC627973386VN (samples/envelopes/truth.tsv).
std::string sample_envelope() {
  return test_support::read_file(std::filesystem::path(HOSO_SOURCE_DIR) / "samples" / "envelopes" /
                                 "plain-01.jpg");
}

}  // namespace

TEST_CASE(
    "hoso serve stopped by SIGTERM during an upload finishes it, registers the envelope and "
    "exits 0") {
  ProcessDesk desk;
  const auto token = test_support::run_command(
      shell_quote(desk.hoso) + " token add station-1 --db " + shell_quote(desk.db),
      desk.dir.path());
  REQUIRE_MESSAGE(token.exit_code == 0, token.err);
  const auto token_lines = test_support::lines_of(token.out);
  REQUIRE(token_lines.size() == 2);
  const std::string secret = token_lines[1];
  const std::string image = sample_envelope();
  REQUIRE(image.size() > 1000);

  ServeProcess serve(desk.hoso, desk.serve_args());
  const int port = serve.port();
  const int sock = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(sock >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(sock, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  const std::string head =
      "POST /api/scans?name=plain-01.jpg HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Authorization: Bearer " +
      secret + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + std::to_string(image.size()) +
      "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n";
  REQUIRE(send_all(sock, head));
  std::string answer;
  REQUIRE_MESSAGE(read_until(sock, answer, "100 Continue"), answer);  // the server has it
  const std::size_t half = image.size() / 2;
  REQUIRE(send_all(sock, std::string_view(image).substr(0, half)));

  REQUIRE(::kill(serve.pid(), SIGTERM) == 0);
  REQUIRE_MESSAGE(serve.wait_for_output("hoso serve: stopping"), serve.output());

  // The rest of the body after the server began to stop: the request still completes.
  REQUIRE(send_all(sock, std::string_view(image).substr(half)));
  answer.clear();
  char chunk[4096];
  for (ssize_t n; (n = ::read(sock, chunk, sizeof chunk)) > 0;) {
    answer.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(sock);
  INFO(answer);
  CHECK(answer.find("HTTP/1.1 200") != std::string::npos);
  CHECK(answer.find("RC627973386VN") != std::string::npos);
  CHECK(answer.find("\"registered\"") != std::string::npos);

  CHECK(serve.wait() == 0);

  // And it is in the database, once.
  db::SqliteOptions existing;
  existing.create = false;
  auto store = db::open_sqlite(desk.db, existing);
  REQUIRE(store.has_value());
  std::int64_t dossiers = 0;
  REQUIRE((*store)->read([&](db::Transaction& tx) -> common::Result<void> {
    auto counts = tx.counts();
    if (!counts) return counts.error();
    dossiers = counts->dossiers;
    return {};
  }));
  CHECK(dossiers == 1);
}

TEST_CASE("hoso serve with a hot folder registers a file dropped into it while it serves") {
  ProcessDesk desk;
  const auto folder = desk.dir / "scans";
  std::filesystem::create_directories(folder);
  auto args = desk.serve_args();
  args.insert(args.end(), {"--hot-folder", folder.string()});
  ServeProcess serve(desk.hoso, args);
  // As a scanner does: write under a temporary name, then rename into the folder.
  test_support::write_file(folder / "plain-01.jpg.part", sample_envelope());
  std::filesystem::rename(folder / "plain-01.jpg.part", folder / "plain-01.jpg");

  // The job runs beside the server: watch its health answer until the dossier is there (bounded:
  // registering one envelope takes well under a second).
  httplib::Client client("127.0.0.1", serve.port());
  std::int64_t dossiers = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (dossiers == 0 && std::chrono::steady_clock::now() < deadline) {
    if (auto res = client.Get("/api/health"); res && res->status == 200) {
      dossiers = nlohmann::json::parse(res->body)["dossiers"].get<std::int64_t>();
    }
    if (dossiers == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(dossiers == 1);
  CHECK(std::filesystem::exists(folder / "done" / "plain-01.jpg"));
  REQUIRE(::kill(serve.pid(), SIGTERM) == 0);
  CHECK(serve.wait() == 0);
}

namespace {

// True while some process holds the hot folder's lock (as `hoso watch` does while it runs).
bool folder_locked(const std::filesystem::path& folder) {
  const int fd = ::open((folder / ".hoso-watch.lock").c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  const bool held = ::flock(fd, LOCK_EX | LOCK_NB) != 0;
  ::close(fd);  // releases the lock if this test took it
  return held;
}

}  // namespace

TEST_CASE("regression: hoso serve refuses to start when hoso watch already takes its hot folder") {
  ProcessDesk desk;
  const auto folder = desk.dir / "scans";
  std::filesystem::create_directories(folder);
  const pid_t watcher =
      test_support::spawn_quiet({desk.hoso, "watch", "--db", desk.db, folder.string()});
  REQUIRE(watcher > 0);
  struct Reap {
    pid_t pid;
    ~Reap() {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  } reap{watcher};
  // Wait (bounded) until the watcher holds the folder.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!folder_locked(folder) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(folder_locked(folder));

  // `timeout` ends a server that starts anyway (exit 124), so the test cannot hang.
  std::string command =
      fmt::format("timeout 30 {} serve --listen 127.0.0.1:0 --sync-minutes 0 --hot-folder {}",
                  shell_quote(desk.hoso), shell_quote(folder.string()));
  for (const std::string& arg : desk.serve_args()) {
    command += fmt::format(" {}", shell_quote(arg));
  }
  const auto serve = test_support::run_command(command, desk.dir.path());
  INFO(serve.out);
  INFO(serve.err);
  CHECK(serve.exit_code == 2);  // invalid_argument: the folder is taken
  CHECK(serve.err.find("already taking files from") != std::string::npos);
  CHECK(serve.out.find("listening") == std::string::npos);
}

TEST_CASE("regression: hoso serve's log says what became of each hot-folder file") {
  ProcessDesk desk;
  const auto folder = desk.dir / "scans";
  const auto log = desk.dir / "serve.log";
  std::filesystem::create_directories(folder);
  // A good envelope, an image nobody can read (manual queue) and a file that is no image.
  test_support::write_file(folder / "plain-01.jpg", sample_envelope());
  test_support::write_file(folder / "unreadable.jpg", std::string("\xFF\xD8\xFF\xE0 torn", 9));
  test_support::write_file(folder / "notes.txt", "not an envelope");
  auto args = desk.serve_args();
  args.insert(args.end(), {"--hot-folder", folder.string()});
  ServeProcess serve(desk.hoso, args, log.string(), {"--log-level", "info"});
  // Bounded wait until all three files have left the folder.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  auto all_taken = [&] {
    return std::filesystem::exists(folder / "done" / "plain-01.jpg") &&
           std::filesystem::exists(folder / "done" / "unreadable.jpg") &&
           std::filesystem::exists(folder / "failed" / "notes.txt");
  };
  while (!all_taken() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(all_taken());
  REQUIRE(::kill(serve.pid(), SIGTERM) == 0);
  CHECK(serve.wait() == 0);

  const std::string logged = test_support::read_file(log);
  INFO(logged);
  auto line_about = [&](const std::string& name) {
    const auto at = logged.find(fmt::format("hot folder: {}:", name));
    if (at == std::string::npos) return std::string();
    return logged.substr(at, logged.find('\n', at) - at);
  };
  CHECK(line_about("plain-01.jpg").find(": registered (") != std::string::npos);
  CHECK(line_about("unreadable.jpg").find(": manual (") != std::string::npos);
  CHECK(line_about("unreadable.jpg").find("registered") == std::string::npos);
  CHECK(line_about("notes.txt").find(": failed, moved to failed/notes.txt") != std::string::npos);
}
