// The HTTP/1.1 server of `hoso serve`: an event loop (Boost.Asio/Beast, kept inside server.cpp)
// holds every connection without a thread of its own, and a fixed pool of workers runs the
// handlers. What a slow or hostile client can take is bounded: the whole request header must
// arrive within a deadline, a body at a minimum rate, an idle keep-alive connection is closed, one
// address holds at most so many connections, and requests waiting for a worker form bounded
// queues (a full queue answers 503 at once). Requests the caller marks as urgent (a citizen's
// lookup) have a lane with workers of their own, so they never queue behind the others. It knows
// nothing of the desk: routes, errors and logs are the caller's handlers. Thread-safe; handlers run concurrently on the workers.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "httpd/request.hpp"

namespace httpd {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: a free port (see Server::port)
  int io_threads = 1;
  int workers = 16;
  // Threads besides `workers` that run the requests of the priority lane (Handlers::priority),
  // and only those; the workers then run only the others, `others_nice` steps nicer (Linux nice:
  // a smaller share of the cores when the lane wants them too). 0: no threads of its own, and the
  // workers take any waiting lane request before the others. Unused without Handlers::priority.
  int priority_workers = 4;
  int others_nice = 5;
  // Requests waiting for a worker, in each lane; more are answered 503.
  std::size_t queue_limit = 512;
  // The whole request header, from the connection's start (or, on a kept-alive connection, from
  // the next request's first byte). A client slower than that is disconnected without an answer.
  std::chrono::milliseconds header_deadline{10'000};
  // A kept-alive connection with no next request is closed after this.
  std::chrono::milliseconds keep_alive_idle{5'000};
  // A body must arrive within body_grace + its length / min_bytes_per_second; an answer must be
  // taken by the client at the same pace.
  std::chrono::milliseconds body_grace{10'000};
  std::size_t min_bytes_per_second = 8 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_target_bytes = 8 * 1024;          // longer request targets: 414
  std::size_t max_body_bytes = std::size_t{64} << 20;  // larger bodies: 413
  // More from one address (an IPv6 /64: address_block) are closed at once.
  int max_connections_per_address = 32;
  int max_connections = 4096;
  // Addresses the per-address cap does not apply to (a reverse proxy carries many clients).
  std::vector<std::string> uncapped_addresses;
  // Reverse proxies whose X-Forwarded-For is believed: a request from one of them has as its
  // remote_addr the rightmost address of that header that is not itself a trusted proxy. They are
  // uncapped too. Anyone else's X-Forwarded-For is ignored.
  std::vector<std::string> trusted_proxies;
};

struct Handlers {
  // On a worker, for a request with a body, before the body is read: fill `res` and return true to
  // answer without reading it (the connection is then closed). Optional.
  std::function<bool(const Request& head, Response& res)> before_body;
  // On the event loop, once a request's header is read: true puts the request in the priority
  // lane (ServerOptions::priority_workers), which never waits behind the others' requests. Keep it
  // cheap: a look at the method and path. Optional: without it there is one lane.
  std::function<bool(const Request& head)> priority;
  // On a worker: answer the request. Required. An exception becomes a plain 500.
  std::function<void(Request& req, Response& res)> handle;
  // The body of an answer the server makes itself (400 malformed, 413, 414, 431, 503 busy), for
  // the request as far as it was read. Called on the event loop: keep it cheap. Optional.
  std::function<void(const Request& head, Response& res)> server_error;
  // After each answer is made (by a handler or by the server). Optional.
  std::function<void(const Request& req, const Response& res)> log;
};

// What the server has done since it started (for the bench, tests and the logs).
struct ServerStats {
  std::uint64_t accepted = 0;
  std::uint64_t refused_per_address = 0;  // closed at once: the address had its share
  std::uint64_t refused_total = 0;        // closed at once: max_connections reached
  std::uint64_t header_deadline = 0;      // closed: the header did not arrive in time
  std::uint64_t body_deadline = 0;        // closed: the body came too slowly
  std::uint64_t idle_closed = 0;          // kept-alive connections closed for idleness
  std::uint64_t queue_full = 0;           // answered 503: no worker free and the queue full
  std::uint64_t requests = 0;             // requests answered
  std::uint64_t priority_requests = 0;    // requests given to the priority lane
  std::uint64_t open_connections = 0;
  std::uint64_t waiting_for_worker = 0;   // requests queued for a worker now
};

class Server {
 public:
  // Binds, listens and starts the event loop and the workers. Fails with io_error when the
  // address cannot be bound.
  static common::Result<std::unique_ptr<Server>> start(const ServerOptions& options,
                                                       Handlers handlers);
  virtual ~Server() = default;  // stops

  virtual int port() const = 0;
  // Stops accepting, closes connections waiting for a request, lets requests in flight finish
  // (up to `grace`), then returns. Idempotent.
  virtual void stop(std::chrono::milliseconds grace = std::chrono::seconds(30)) = 0;
  virtual ServerStats stats() const = 0;
};

}  // namespace httpd
