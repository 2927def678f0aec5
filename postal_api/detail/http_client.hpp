// HttpClient: sends a list of HTTP requests through libcurl's multi interface, several at once,
// reusing connections, with timeouts and retries (exponential backoff with full jitter, 429
// Retry-After honoured, malformed answers retried) behind an optional circuit breaker. Generic:
// knows nothing about any carrier's endpoints, JSON or authentication; an adapter says what an
// acceptable answer is through an AnswerCheck.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace postal_api::detail {

class CircuitBreaker;

struct HttpRequest {
  std::string method = "POST";       // "POST" or "GET"
  std::string url;                   // absolute
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  std::string label;  // names the request in messages, e.g. "Order/GetList... (100 numbers)";
                      // never personal data
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-case; a repeated header keeps the last
  std::string body;
};

struct RetryPolicy {
  int max_attempts = 5;                         // per request, counting the first
  std::chrono::milliseconds backoff_base{200};  // the first retry waits up to this ...
  std::chrono::milliseconds backoff_max{5000};  // ... doubling each time up to this
  std::chrono::seconds max_retry_after{30};     // a longer Retry-After fails the request
};

struct HttpClientOptions {
  std::string name = "http";  // starts error messages, e.g. "vnpost"
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds total_timeout{15000};  // per attempt
  int max_in_flight = 8;
  RetryPolicy retry;
  unsigned jitter_seed = 0;  // 0: from std::random_device
};

struct HttpStats {
  std::int64_t requests = 0;         // attempts sent, retries included
  std::int64_t retries = 0;          // attempts that repeated an earlier one
  std::int64_t failed_requests = 0;  // requests that ended without an accepted answer
};

// Decides whether an HTTP answer (any status but 5xx and 429, which are always retried) is usable:
// nullopt accepts it; a text rejects it as malformed, and the request is retried like a timeout.
// `index` is the request's position in the list given to run(). Called on the thread running
// run(), one call at a time.
using AnswerCheck =
    std::function<std::optional<std::string>(std::size_t index, const HttpResponse& response)>;

// Thread-safe: several threads may call run() at once (each gets its own multi handle from a pool;
// idle handles keep their open connections for the next call).
class HttpClient {
 public:
  // `breaker` may be null; when set it must outlive the client and is asked before every attempt.
  // It hears of every attempt that got no answer at all (no connection, or none before
  // total_timeout) and of every request that failed all its attempts.
  HttpClient(HttpClientOptions options, CircuitBreaker* breaker);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends every request and returns one result per request, in the same order. A result is the
  // accepted answer (any status the check accepted, including 4xx), or an Error after the last
  // attempt: timeout (the carrier did not answer in time), unavailable (no connection, 5xx, 429,
  // or the breaker refused: then the request was not sent), bad_input (the answer stayed
  // malformed), invalid_argument (a URL libcurl cannot use). Never throws. `max_in_flight` > 0
  // lowers the options' limit for this run (callers running several at once share the limit).
  std::vector<common::Result<HttpResponse>> run(const std::vector<HttpRequest>& requests,
                                                const AnswerCheck& check = {},
                                                int max_in_flight = 0);

  HttpStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Full jitter: a delay drawn uniformly from [0, min(backoff_max, backoff_base × 2^(retry−1))] for
// the retry-th retry (1-based).
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry, std::mt19937& random);

// Reads a Retry-After header (RFC 9110 §10.2.3): delta-seconds ("120") or an HTTP-date ("Sun, 29
// Nov 2026 03:15:32 GMT", read against `now`; a date in the past is 0 s). nullopt when unreadable.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now);

}  // namespace postal_api::detail
