// The desk's HTTP server (`hoso serve`, issue 6), first slice: the health endpoint, the citizens'
// public lookup API (rate-limited per client address, the same answer for every miss), and the
// carrier's webhook endpoint (verified by the Carrier, stored by tracking::apply_webhook). JSON
// errors `{"error": {"code", "message"}}` with the HTTP status of the error code; security headers
// on every answer; one access-log line per request without query strings (they carry lookup
// codes). cpp-httplib serves on its own threads; wiring only: the logic lives in tracking/.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "db/store.hpp"
#include "postal_api/carrier.hpp"

namespace app {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: a free port (see DeskServer::port)
  // Public lookups per client address: a burst of this many, refilled at this rate per minute.
  int lookups_per_minute = 30;
  int worker_threads = 8;
};

// Thread-safe as the store and the carrier are; stop() may be called from a signal-watching
// thread. The store, carrier (may be null: no webhook endpoint) and clock must outlive it.
class DeskServer {
 public:
  // Binds and starts serving. Fails with io_error when the address cannot be bound.
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
};

// The HTTP status for an error code (a switch without default: a new code is a warning here).
int http_status_for(common::ErrorCode code);

}  // namespace app
