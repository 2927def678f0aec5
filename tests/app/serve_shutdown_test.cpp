// `hoso serve` as a process stopped by SIGTERM: a request in flight finishes and its envelope is
// registered; then the process exits 0. No sleeps: the test knows the request is in the server's
// hands when the server answers `100 Continue`, and that the server is stopping when it says so.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

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

}  // namespace

TEST_CASE(
    "hoso serve stopped by SIGTERM during an upload finishes it, registers the envelope and "
    "exits 0") {
  test_support::TempDir dir;
  const std::string hoso = (test_support::bin_dir() / "hoso").string();
  const std::string db = (dir / "hoso.db").string();
  const auto init = test_support::run_command(
      shell_quote(hoso) + " init --agency 000.00.05.H12 --db " + shell_quote(db), dir.path());
  REQUIRE_MESSAGE(init.exit_code == 0, init.err);
  const auto token = test_support::run_command(
      shell_quote(hoso) + " token add station-1 --db " + shell_quote(db), dir.path());
  REQUIRE_MESSAGE(token.exit_code == 0, token.err);
  const auto token_lines = test_support::lines_of(token.out);
  REQUIRE(token_lines.size() == 2);
  const std::string secret = token_lines[1];

  // plain-01.jpg carries RC627973386VN (samples/envelopes/truth.tsv).
  const std::string image = test_support::read_file(std::filesystem::path(HOSO_SOURCE_DIR) /
                                                    "samples" / "envelopes" / "plain-01.jpg");
  REQUIRE(image.size() > 1000);

  int out_pipe[2];
  REQUIRE(::pipe(out_pipe) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  std::vector<std::string> args = {
      hoso,          "serve",          "--db", db,         "--listen",
      "127.0.0.1:0", "--sync-minutes", "0",    "--config", (dir / "none.json").string()};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, hoso.c_str(), &actions, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  struct Reap {
    pid_t pid;
    bool done = false;
    ~Reap() {
      if (!done) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
      }
    }
  } reap{pid};

  std::string output;
  REQUIRE_MESSAGE(read_until(out_pipe[0], output, "/ (Ctrl-C stops)"), output);
  const auto at = output.find("http://127.0.0.1:");
  REQUIRE(at != std::string::npos);
  const int port = std::stoi(output.substr(at + 17));

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

  REQUIRE(::kill(pid, SIGTERM) == 0);
  REQUIRE_MESSAGE(read_until(out_pipe[0], output, "hoso serve: stopping"), output);

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

  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  reap.done = true;
  ::close(out_pipe[0]);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);

  // And it is in the database, once.
  db::SqliteOptions existing;
  existing.create = false;
  auto store = db::open_sqlite(db, existing);
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
