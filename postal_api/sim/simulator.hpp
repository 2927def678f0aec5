// postal_api::sim::Simulator: a local stand-in for the Vietnam Post API
// (samples/carriers/vnpost/README.md) served on 127.0.0.1 with cpp-httplib. Items move through
// seeded, realistic event sequences on a clock that only moves when told to; faults (latency, 5xx,
// 429, dropped connections, malformed JSON, duplicated and reordered events) are injected on
// request; webhooks are pushed signed. Used by `hoso-carrier-sim`, `hoso demo`, the tests and the
// benchmark. Knows nothing about dossiers or hoso's database.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "postal_api/carrier.hpp"

namespace postal_api::sim {

using common::Timestamp;

// How an item's life at the carrier goes (samples/carriers/vnpost/README.md, "Scenarios").
enum class Scenario { delivered, failed_once, returned, lost };
std::string_view scenario_name(Scenario scenario);
std::optional<Scenario> parse_scenario(std::string_view name);

// Fault injection. Rates are probabilities per request (0 ≤ rate ≤ 1) drawn from the seeded
// generator; rate_limit_per_second > 0 answers 429 with Retry-After above that many requests per
// second.
struct Faults {
  std::chrono::milliseconds latency{0};
  double error_rate = 0;  // answer 500, 502 or 503
  double rate_limit_per_second = 0;
  double drop_rate = 0;       // close the connection mid-answer
  double malformed_rate = 0;  // a body that is not JSON, or one item with a wrong field
  double duplicate_rate = 0;  // per item: one of its events listed twice
  double reorder_rate = 0;    // per item: its events shuffled
  // Every fault at `rate` (429 then starts above a rate that the batch client reaches).
  static Faults all(double rate);
};

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;            // 0: a free port, see Simulator::port()
  unsigned seed = 1;       // same seed, same scenarios, event times and faults
  Timestamp start_time{};  // the simulator's clock at start; epoch: the real time
  std::string username = "hoso-desk";
  std::string password = "hoso-sim";
  std::chrono::seconds token_ttl{3600};  // in simulator time
  Faults faults;
  std::string webhook_url;  // empty: no pushes
  // Each keep-alive connection holds a worker while it is open: more client connections than
  // workers wait up to httplib's keep-alive timeout (5 s). 32 covers max_in_flight up to 32.
  int worker_threads = 32;
  // Called on the HTTP worker after CreateOrder stored a new order and before it answers: tests
  // use it to kill a client between the carrier's work and the client's own write. May block.
  std::function<void(const std::string& tracking_number)> on_order_created;
};

// One item as the simulator knows it.
struct ItemTruth {
  std::string tracking_number;
  Scenario scenario = Scenario::delivered;
  ShipmentStatus status = ShipmentStatus::info_received;  // as of the simulator's clock
  std::string status_id;                                  // the carrier code of that status
  std::vector<TrackingEvent> events;                      // visible ones, in time order
};

// Thread-safe: the HTTP workers and the owner's calls may run at once.
class Simulator {
 public:
  // Starts serving. Fails with io_error when the address cannot be bound.
  static common::Result<std::unique_ptr<Simulator>> start(Options options);
  virtual ~Simulator() = default;  // stops serving and joins its threads

  virtual int port() const = 0;
  // "http://127.0.0.1:<port>/api/api/"
  virtual std::string base_url() const = 0;
  virtual void stop() = 0;  // idempotent

  // Registers an item that already exists at the carrier (an envelope the desk will receive),
  // accepted at `accepted_at` (the simulator's clock when nullopt). Scenario drawn from the seeded
  // mix when nullopt. Adding a number again changes nothing and returns false.
  virtual bool add_item(const std::string& tracking_number, std::optional<Scenario> scenario,
                        std::optional<Timestamp> accepted_at) = 0;

  virtual Timestamp now() const = 0;
  virtual void advance(std::chrono::seconds by) = 0;  // also pushes webhooks for new events
  virtual void set_faults(const Faults& faults) = 0;
  virtual void expire_tokens() = 0;
  virtual void set_webhook_url(const std::string& url) = 0;
  virtual std::string public_key_pem() const = 0;

  // The truth about one item; nullopt when unknown.
  virtual std::optional<ItemTruth> truth(const std::string& tracking_number) const = 0;
  // Requests served per endpoint, faults injected, webhooks pushed: for tests and the benchmark.
  virtual std::map<std::string, std::int64_t> counters() const = 0;
};

}  // namespace postal_api::sim
