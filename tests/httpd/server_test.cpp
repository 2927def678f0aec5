// The HTTP engine against raw sockets on 127.0.0.1, behaving as slow, idle, greedy or broken
// clients would. Deadlines are short here so that a server that never enforces one fails by the
// socket's safety timeout instead of passing.
#include "httpd/server.hpp"

#include <doctest/doctest.h>
#include <poll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "tests/support/sockets.hpp"

namespace {

using namespace std::chrono_literals;
using test_support::RawClient;

// Answers "<method> <path> from <address>: <body>" for every request, and, on /block, waits until
// release() first.
class Echo {
 public:
  httpd::Handlers handlers() {
    httpd::Handlers h;
    h.handle = [this](httpd::Request& req, httpd::Response& res) {
      ++calls;
      {
        std::lock_guard lock(mutex_);
        order_.push_back(req.path);
      }
      if (req.path == "/block") {
        std::unique_lock lock(mutex_);
        ++blocked_;
        changed_.notify_all();
        changed_.wait(lock, [this] { return released_; });
      }
      res.set_content(req.method + " " + req.path + " from " + req.remote_addr + ": " + req.body,
                      "text/plain");
    };
    return h;
  }
  void wait_blocked(int count) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return blocked_ >= count; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

  // The paths of the requests handled so far, in the order their handlers began.
  std::vector<std::string> order() {
    std::lock_guard lock(mutex_);
    return order_;
  }

  std::atomic<int> calls{0};

 private:
  std::vector<std::string> order_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int blocked_ = 0;
  bool released_ = false;
};

std::unique_ptr<httpd::Server> start(const httpd::ServerOptions& options, httpd::Handlers h) {
  auto server = httpd::Server::start(options, std::move(h));
  REQUIRE(server.has_value());
  return std::move(*server);
}

std::string get(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
}

// The server's counters once `done` holds for them: the stream closes a timed-out socket before
// the server's handler counts it, so a client can see the close a moment before the count.
template <typename Done>
httpd::ServerStats stats_when(const httpd::Server& server, Done done) {
  for (int i = 0; i < 1000; ++i) {
    const httpd::ServerStats stats = server.stats();
    if (done(stats)) return stats;
    std::this_thread::sleep_for(10ms);
  }
  return server.stats();
}

// True once the server has closed the connection without answering (within the safety timeout).
bool closed_without_answer(RawClient& client) { return client.read_until_close().empty(); }

}  // namespace

TEST_CASE("a request header that keeps coming but never ends is cut off at its deadline") {
  httpd::ServerOptions options;
  options.header_deadline = 500ms;
  Echo echo;
  auto server = start(options, echo.handlers());
  RawClient slow(server->port(), "127.0.0.2");
  REQUIRE(slow.send("GET / HTTP/1.1\r\n"));
  // A line every 100 ms keeps any idle timer happy; only a deadline for the whole header ends it.
  int lines = 0;
  while (lines < 400 && slow.send("X-Slow: 1\r\n") && !slow.closed_within(100)) ++lines;
  CHECK(lines < 400);
  CHECK(stats_when(*server, [](const auto& s) { return s.header_deadline > 0; }).header_deadline ==
        1);
  CHECK(echo.calls == 0);
}

TEST_CASE(
    "slow clients hold no worker: with the one worker's worth of them open, others are served") {
  httpd::ServerOptions options;
  options.workers = 1;
  Echo echo;
  auto server = start(options, echo.handlers());
  std::vector<RawClient> slow;
  for (int i = 0; i < 20; ++i) {
    slow.emplace_back(server->port(), "127.0.0.2");
    REQUIRE(slow.back().send("GET / HTTP/1.1\r\nX-Half: "));
  }
  RawClient citizen(server->port(), "127.0.0.3");
  REQUIRE(citizen.send(get("/lookup")));
  const auto answer = citizen.read_answer();
  CHECK(answer.status == 200);
  CHECK(answer.body == "GET /lookup from 127.0.0.3: ");
}

TEST_CASE("a body slower than the minimum rate is cut off and never reaches the handler") {
  httpd::ServerOptions options;
  options.body_grace = 200ms;
  options.min_bytes_per_second = 1000;
  Echo echo;
  auto server = start(options, echo.handlers());
  RawClient slow(server->port());
  // It says the body is 1 MB, then stops: cut off once it falls behind the rate, not after the
  // 1000 s its length would allow at that rate.
  REQUIRE(slow.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\nab"));
  CHECK(closed_without_answer(slow));
  CHECK(stats_when(*server, [](const auto& s) { return s.body_deadline > 0; }).body_deadline == 1);
  CHECK(echo.calls == 0);
}

TEST_CASE("one address holds at most its share of connections while another is still served") {
  httpd::ServerOptions options;
  options.max_connections_per_address = 4;
  Echo echo;
  auto server = start(options, echo.handlers());
  std::vector<RawClient> held;
  for (int i = 0; i < 4; ++i) {
    held.emplace_back(server->port(), "127.0.0.2");
    // Each is answered once, so it is surely counted before the next one connects.
    REQUIRE(held.back().send(get("/keep")));
    REQUIRE(held.back().read_answer().status == 200);
  }
  RawClient fifth(server->port(), "127.0.0.2");
  CHECK(closed_without_answer(fifth));
  CHECK(server->stats().refused_per_address == 1);
  RawClient other(server->port(), "127.0.0.3");
  REQUIRE(other.send(get("/other")));
  CHECK(other.read_answer().status == 200);

  httpd::ServerOptions proxied = options;
  proxied.uncapped_addresses = {"127.0.0.2"};
  auto behind_proxy = start(proxied, echo.handlers());
  std::vector<RawClient> through_proxy;
  for (int i = 0; i < 6; ++i) {
    through_proxy.emplace_back(behind_proxy->port(), "127.0.0.2");
    REQUIRE(through_proxy.back().send(get("/via-proxy")));
    CHECK(through_proxy.back().read_answer().status == 200);
  }
}

TEST_CASE("with every worker busy and the queue full, a request is answered 503 at once") {
  httpd::ServerOptions options;
  options.workers = 1;
  options.queue_limit = 1;
  Echo echo;
  auto server = start(options, echo.handlers());
  RawClient first(server->port());
  REQUIRE(first.send(get("/block")));
  echo.wait_blocked(1);
  RawClient second(server->port());
  RawClient third(server->port());
  REQUIRE(second.send(get("/second")));
  REQUIRE(third.send(get("/third")));
  // One of the two waits in the queue, the other finds it full and hears so at once.
  int turns = 0;
  while (!second.readable_within(0) && !third.readable_within(10) && turns < 2000) ++turns;
  const bool third_refused = third.readable_within(0);
  RawClient& refused = third_refused ? third : second;
  RawClient& queued = third_refused ? second : third;
  const auto busy = refused.read_answer();
  CHECK(busy.status == 503);
  CHECK(busy.head.find("Retry-After: 1") != std::string::npos);
  CHECK(server->stats().queue_full == 1);
  echo.release();
  CHECK(first.read_answer().status == 200);
  CHECK(queued.read_answer().status == 200);
}

// The desk's citizens' lane: requests under /public.
bool public_path(const httpd::Request& head) { return head.path.rfind("/public", 0) == 0; }

TEST_CASE("with every worker busy on slow requests, the priority lane is still answered") {
  httpd::ServerOptions options;
  options.workers = 2;
  options.priority_workers = 1;
  Echo echo;
  httpd::Handlers handlers = echo.handlers();
  handlers.priority = public_path;
  auto server = start(options, std::move(handlers));
  std::vector<RawClient> staff;
  for (int i = 0; i < 2; ++i) {
    staff.emplace_back(server->port());
    REQUIRE(staff.back().send(get("/block")));
  }
  echo.wait_blocked(2);
  RawClient waiting(server->port());
  REQUIRE(waiting.send(get("/staff-search")));
  RawClient citizen(server->port(), "127.0.0.3");
  REQUIRE(citizen.send(get("/public/lookup")));
  const auto answer = citizen.read_answer();
  CHECK(answer.status == 200);
  CHECK(answer.body == "GET /public/lookup from 127.0.0.3: ");
  // The other lane's request still waits for a worker: both are blocked.
  CHECK_FALSE(waiting.readable_within(0));
  CHECK(server->stats().priority_requests == 1);
  echo.release();
  for (RawClient& client : staff) CHECK(client.read_answer().status == 200);
  CHECK(waiting.read_answer().status == 200);
}

TEST_CASE("the other lane's requests run at a lower CPU priority than the priority lane's") {
  httpd::ServerOptions options;
  options.workers = 2;
  options.priority_workers = 1;
  options.others_nice = 3;
  httpd::Handlers handlers;
  handlers.priority = public_path;
  handlers.handle = [](httpd::Request&, httpd::Response& res) {
    errno = 0;
    const int nice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
    res.set_content(errno == 0 ? std::to_string(nice) : "unknown", "text/plain");
  };
  auto server = start(options, std::move(handlers));
  const int base = ::getpriority(PRIO_PROCESS, 0);
  if (base > 16) {  // no room to be 3 steps nicer: nothing to see
    MESSAGE("skipped: this process already runs at nice ", base);
    return;
  }
  auto nice_of = [&](const std::string& path) {
    RawClient client(server->port());
    REQUIRE(client.send(get(path)));
    return client.read_answer().body;
  };
  for (int i = 0; i < 4; ++i) {
    CHECK(nice_of("/public/lookup") == std::to_string(base));
    CHECK(nice_of("/staff-search") == std::to_string(base + 3));
  }
}

TEST_CASE("with no threads of its own, the priority lane goes before requests queued earlier") {
  httpd::ServerOptions options;
  options.workers = 1;
  options.priority_workers = 0;
  Echo echo;
  httpd::Handlers handlers = echo.handlers();
  handlers.priority = public_path;
  auto server = start(options, std::move(handlers));
  RawClient first(server->port());
  REQUIRE(first.send(get("/block")));
  echo.wait_blocked(1);
  RawClient earlier(server->port());
  REQUIRE(earlier.send(get("/staff-search")));
  // The citizen's request comes only once the other waits in the queue.
  REQUIRE(stats_when(*server, [](const auto& s) {
            return s.waiting_for_worker == 1;
          }).waiting_for_worker == 1);
  RawClient citizen(server->port(), "127.0.0.3");
  REQUIRE(citizen.send(get("/public/lookup")));
  REQUIRE(stats_when(*server, [](const auto& s) {
            return s.waiting_for_worker == 2;
          }).waiting_for_worker == 2);
  echo.release();
  CHECK(first.read_answer().status == 200);
  CHECK(citizen.read_answer().status == 200);
  CHECK(earlier.read_answer().status == 200);
  CHECK(echo.order() == std::vector<std::string>{"/block", "/public/lookup", "/staff-search"});
}

TEST_CASE("a request line over 8 KB is answered 414 and a header over the limit 431") {
  Echo echo;
  auto server = start(httpd::ServerOptions{}, echo.handlers());
  for (const std::size_t length : {std::size_t{9000}, std::size_t{40000}}) {
    CAPTURE(length);
    RawClient client(server->port());
    std::string path(length + 1, 'a');
    path.front() = '/';
    REQUIRE(client.send(get(path)));
    CHECK(client.read_answer().status == 414);
  }
  RawClient fat(server->port());
  REQUIRE(fat.send("GET / HTTP/1.1\r\nX-Fat: " + std::string(20000, 'b') + "\r\n\r\n"));
  CHECK(fat.read_answer().status == 431);
  RawClient broken(server->port());
  REQUIRE(broken.send("NOT HTTP AT ALL\r\n\r\n"));
  CHECK(broken.read_answer().status == 400);
  CHECK(echo.calls == 0);
}

TEST_CASE("a client that expects 100-continue is told to go on before it sends the body") {
  Echo echo;
  auto server = start(httpd::ServerOptions{}, echo.handlers());
  RawClient client(server->port());
  REQUIRE(client.send(
      "POST /form HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
  CHECK(client.read_answer().status == 100);
  REQUIRE(client.send("hello"));
  const auto answer = client.read_answer();
  CHECK(answer.status == 200);
  CHECK(answer.body == "POST /form from 127.0.0.1: hello");
}

TEST_CASE("before_body refuses a body without reading it, and the connection is closed") {
  Echo echo;
  httpd::Handlers h = echo.handlers();
  h.before_body = [](const httpd::Request& head, httpd::Response& res) {
    if (std::stoul(head.get_header_value("Content-Length")) <= 10) return false;
    res.status = 413;
    res.set_content("too big", "text/plain");
    return true;
  };
  auto server = start(httpd::ServerOptions{}, std::move(h));
  RawClient big(server->port());
  REQUIRE(big.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n\r\n"));
  const auto answer = big.read_answer();
  CHECK(answer.status == 413);
  CHECK(answer.body == "too big");
  CHECK(closed_without_answer(big));
  RawClient small(server->port());
  REQUIRE(small.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok"));
  CHECK(small.read_answer().body == "POST /up from 127.0.0.1: ok");
  CHECK(echo.calls == 1);
}

TEST_CASE("a kept-alive connection serves several requests, then is closed when idle") {
  httpd::ServerOptions options;
  options.keep_alive_idle = 200ms;
  Echo echo;
  auto server = start(options, echo.handlers());
  RawClient client(server->port());
  REQUIRE(client.send(get("/one") + get("/two")));  // pipelined
  CHECK(client.read_answer().body == "GET /one from 127.0.0.1: ");
  CHECK(client.read_answer().body == "GET /two from 127.0.0.1: ");
  REQUIRE(client.send(get("/three")));
  CHECK(client.read_answer().body == "GET /three from 127.0.0.1: ");
  CHECK(closed_without_answer(client));
  CHECK(stats_when(*server, [](const auto& s) { return s.idle_closed > 0; }).idle_closed == 1);
}

TEST_CASE("stopping closes idle connections and lets a request in flight finish") {
  Echo echo;
  auto server = start(httpd::ServerOptions{}, echo.handlers());
  RawClient idle(server->port());
  RawClient busy(server->port());
  REQUIRE(busy.send(get("/block")));
  echo.wait_blocked(1);
  auto stopped = std::async(std::launch::async, [&] { server->stop(); });
  CHECK(closed_without_answer(idle));
  echo.release();
  const auto answer = busy.read_answer();
  CHECK(answer.status == 200);
  CHECK(answer.head.find("Connection: close") != std::string::npos);
  stopped.get();
  CHECK_THROWS(RawClient(server->port()));
}

TEST_CASE("regression: a body longer than the server takes is refused before a byte is stored") {
  // Before: only a chunked body met the limit; a huge Content-Length reached the body's reserve().
  Echo echo;
  auto server = start(httpd::ServerOptions{}, echo.handlers());
  RawClient huge(server->port());
  REQUIRE(huge.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000000\r\n\r\na"));
  CHECK(huge.read_answer().status == 413);
  CHECK(echo.calls == 0);
  RawClient fine(server->port());
  REQUIRE(fine.send(get("/still-up")));
  CHECK(fine.read_answer().status == 200);
}

TEST_CASE("regression: a refused upload's client reads the refusal, not a connection reset") {
  Echo echo;
  httpd::Handlers h = echo.handlers();
  h.before_body = [](const httpd::Request&, httpd::Response& res) {
    res.status = 401;
    res.set_content("log in first", "text/plain");
    return true;
  };
  auto server = start(httpd::ServerOptions{}, std::move(h));
  for (int i = 0; i < 5; ++i) {
    RawClient uploader(server->port());
    const std::string body(256 * 1024, 'x');
    REQUIRE(uploader.send("POST /api/scans HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n"));
    (void)uploader.send(body);  // as curl does without Expect: all of it, at once
    const auto answer = uploader.read_answer();
    CHECK(answer.status == 401);
    CHECK(answer.body == "log in first");
  }
}

TEST_CASE("a chunk header that never ends is cut off instead of filling memory") {
  Echo echo;
  auto server = start(httpd::ServerOptions{}, echo.handlers());
  RawClient chunky(server->port());
  REQUIRE(chunky.send("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;"));
  const std::string extension(64 * 1024, 'a');
  bool open = true;
  for (int i = 0; i < 64 && open; ++i) open = chunky.send(extension);  // 4 MB at most
  if (open) CHECK(chunky.read_until_close().find("200 OK") == std::string::npos);
  CHECK(echo.calls == 0);
}
