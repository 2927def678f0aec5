// The desk's HTTP server (`hoso serve`): the health endpoint, the citizens' public lookup
// API (rate-limited per client address, the same answer for every miss), the carrier's webhook
// endpoint (verified by the Carrier, stored by tracking::apply_webhook), the staff API
// (app/staff_api) and the web pages (web/, compiled in). JSON
// errors `{"error": {"code", "message"}}` with the HTTP status of the error code; security headers
// on every answer; one access-log line per request without query strings (they carry lookup
// codes). httpd/ serves (an event loop holding the connections, a pool of workers running these
// handlers); wiring only: the logic lives in tracking/.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "db/image_store.hpp"
#include "db/store.hpp"
#include "httpd/server.hpp"
#include "intake/classify.hpp"
#include "postal_api/carrier.hpp"
#include "scanner/scanner.hpp"
#include "tracking/report.hpp"

namespace app {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: a free port (see DeskServer::port)
  // Public lookups per client address: a burst of this many, refilled at this rate per minute.
  int lookups_per_minute = 30;
  // Login attempts (and password changes) per client address per minute; failed guesses are
  // slowed down by staff::Accounts::login_throttle().
  int logins_per_minute = 10;
  // Workers running handlers (connections do not hold one: the event loop keeps them). A request
  // finding all busy waits in a queue of queue_limit, beyond which it is answered 503.
  int worker_threads = 16;
  std::size_t queue_limit = 512;
  // Workers of their own for citizens' requests (the public lookup, its page and assets), on top
  // of worker_threads, which then run everything else `staff_nice` steps nicer (a smaller share
  // of the cores while citizens' requests want them; a decode process one of them happens to
  // start or restart inherits it). Staff searches or uploads that keep every worker busy never
  // make a citizen queue. public_workers 0: one queue for all, first come first served. At 10⁶
  // dossiers with 8 staff searches looping and wrk saturating the lookup, nice 10 gave the lookup
  // p99 20.9 ms (no nice: 31.9 ms, one queue: 42.8 ms) and the searches p50 89 ms (36 ms);
  // without citizens competing, staff work has the cores to itself (bench/http_bench).
  int public_workers = 4;
  int staff_nice = 10;
  // What one client may hold: connections per address (an IPv6 /64; enough for the staff of an
  // office behind one NAT address, 6 a browser), the time to send a whole request header, the idle
  // time of a kept-alive connection, the slowest body (bytes per second, after 10 s).
  int connections_per_address = 128;
  std::chrono::milliseconds header_deadline{10'000};
  std::chrono::milliseconds keep_alive_idle{5'000};
  std::size_t min_body_bytes_per_second = 8 * 1024;
  // Pages from this folder instead of the copy compiled in (for working on web/); "" = compiled.
  std::string web_dir;
  std::size_t max_upload_bytes = 20u << 20;   // one envelope file
  std::size_t max_request_bytes = 64u << 20;  // one upload request
  bool secure_cookies = false;                // add Secure to the session cookie (behind HTTPS)
  // /api/health counts the desk's records and commits a write to prove the disk takes one; a
  // success (and its count of dossiers) is reused for this long, so that polling it (it needs no
  // login) cannot turn into a stream of writes or of table scans. Failures are never reused.
  std::chrono::milliseconds health_probe_every{10'000};
  // Reverse proxies (e.g. nginx on this machine) whose X-Forwarded-For names the client: limits
  // and logs then apply to the real client's address. Nobody else's X-Forwarded-For is believed.
  std::vector<std::string> trusted_proxies;
};

// What the server works with. References must outlive the server. Optional parts switch routes
// off: without a carrier no webhooks and no dispatch (503); without images, classifier and scanner
// no uploads (503).
struct DeskParts {
  db::Store& store;
  const common::Clock& clock;
  postal_api::Carrier* carrier = nullptr;
  db::ImageStore* images = nullptr;
  const intake::Classifier* classifier = nullptr;
  scanner::Scanner* scanner = nullptr;
  tracking::ReportOptions report;  // transit tables for the report
};

// Thread-safe as the store and the carrier are; stop() may be called from a signal-watching
// thread. The store, carrier (may be null: no webhook endpoint) and clock must outlive it.
class DeskServer {
 public:
  // Binds and starts serving. Fails with io_error when the address cannot be bound.
  static common::Result<std::unique_ptr<DeskServer>> start(const DeskParts& parts,
                                                           const ServerOptions& options);
  // Health, public lookup and webhooks, and the staff API without uploads.
  static common::Result<std::unique_ptr<DeskServer>> start(db::Store& store,
                                                           postal_api::Carrier* carrier,
                                                           const common::Clock& clock,
                                                           const ServerOptions& options);
  virtual ~DeskServer() = default;  // stops and joins

  virtual int port() const = 0;
  // Stops accepting, lets requests in flight finish, returns when the server has stopped.
  virtual void stop() = 0;
  // Blocks until stop() (from another thread) has stopped the server.
  virtual void wait() = 0;
  // What the HTTP engine has refused and closed so far (slow, idle, too many from one address).
  virtual httpd::ServerStats stats() const = 0;
};

// The HTTP status for an error code (a switch without default: a new code is a warning here).
int http_status_for(common::ErrorCode code);

}  // namespace app
