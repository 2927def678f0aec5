#include "postal_api/detail/http_client.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <deque>
#include <mutex>
#include <queue>
#include <utility>

#include "postal_api/detail/circuit_breaker.hpp"
#include "postal_api/messages.hpp"

namespace postal_api::detail {
namespace {

using common::ErrorCode;
using common::make_error;
using steady = std::chrono::steady_clock;
namespace chr = std::chrono;

// While a request waits for a half-open breaker's trial, it asks again this often.
constexpr chr::milliseconds k_breaker_wait{20};
// Longest single wait in curl_multi_poll; the loop re-checks its timers at least this often.
constexpr chr::milliseconds k_max_poll{500};

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// One request's progress through its attempts.
struct Slot {
  const HttpRequest* request = nullptr;
  int attempts = 0;
  bool done = false;
  HttpResponse response;  // the current attempt's answer
  curl_slist* headers = nullptr;
  CURL* easy = nullptr;
  char error_buffer[CURL_ERROR_SIZE] = {};
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* slot = static_cast<Slot*>(user);
  // Returning less than given aborts the transfer: no answer of ours is anywhere near 64 MB, and
  // CURLOPT_MAXFILESIZE only stops answers that announce their length.
  if (slot->response.body.size() + size * count > (std::size_t{64} << 20)) return 0;
  slot->response.body.append(data, size * count);
  return size * count;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* slot = static_cast<Slot*>(user);
  const std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    slot->response.headers.clear();  // a new response (after a 100 Continue or a redirect)
  } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    std::string name = lower(trim(line.substr(0, colon)));
    std::string value(trim(line.substr(colon + 1)));
    // One allocation for the body instead of a doubling series (a tracking page is ~75 KB).
    if (name == "content-length") {
      std::size_t length = 0;
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), length);
      if (error == std::errc() && length <= (std::size_t{64} << 20)) {
        slot->response.body.reserve(length);
      }
    }
    slot->response.headers[std::move(name)] = std::move(value);
  }
  return size * count;
}

// What one attempt came to.
struct Outcome {
  enum class Kind { accepted, retry, fail } kind = Kind::accepted;
  enum class Health { good, bad, neutral } health = Health::good;
  // No answer at all: no connection could be made, or the carrier accepted the connection and
  // said nothing before the timeout. Either way it is down or stuck, not merely flaky.
  bool no_answer = false;
  common::Error error;
  std::optional<chr::seconds> retry_after;
};

}  // namespace

struct HttpClient::Impl {
  HttpClientOptions options;
  CircuitBreaker* breaker;
  std::mutex pool_mutex;
  std::vector<CURLM*> idle_multis;
  std::atomic<std::int64_t> requests{0}, retries{0}, failed{0};
  std::atomic<unsigned> runs{0};

  CURLM* take_multi() {
    {
      std::lock_guard lock(pool_mutex);
      if (!idle_multis.empty()) {
        CURLM* multi = idle_multis.back();
        idle_multis.pop_back();
        return multi;
      }
    }
    CURLM* multi = curl_multi_init();
    if (multi != nullptr) {
      curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(options.max_in_flight * 2));
    }
    return multi;
  }

  void give_back(CURLM* multi) {
    std::lock_guard lock(pool_mutex);
    idle_multis.push_back(multi);
  }

  void prepare(CURL* easy, Slot& slot) const {
    const HttpRequest& request = *slot.request;
    slot.response = HttpResponse{};
    slot.error_buffer[0] = '\0';
    curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
    if (request.method == "GET") {
      curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(easy, CURLOPT_POST, 1L);
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      if (request.method != "POST") {
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
      }
    }
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, slot.headers);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &slot);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &slot);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, slot.error_buffer);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, &slot);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options.connect_timeout.count()));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()));
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    // A tracking page of 100 items is about 75 KB; an answer of more than 64 MB is not one.
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(64) << 20);
  }

  Outcome judge(CURLcode code, Slot& slot, std::size_t index, const AnswerCheck& check) const {
    Outcome outcome;
    const std::string& label = slot.request->label;
    if (code != CURLE_OK) {
      const std::string why =
          slot.error_buffer[0] != '\0' ? std::string(slot.error_buffer) : curl_easy_strerror(code);
      outcome.health = Outcome::Health::bad;
      if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL) {
        outcome.kind = Outcome::Kind::fail;
        outcome.health = Outcome::Health::neutral;
        outcome.error = coded_error(ErrorCode::invalid_argument, msg::carrier_bad_address,
                                    {{"carrier", options.name}}, fmt::format("{}: {}", label, why));
      } else if (code == CURLE_OPERATION_TIMEDOUT) {
        // Connected or not: a carrier that holds connections open without answering costs a
        // whole timeout per attempt, and counted only per failed request it kept a sync waiting
        // 77 s for a login and 150 s for the tracking pages.
        outcome.no_answer = true;
        outcome.kind = Outcome::Kind::retry;
        outcome.error = coded_error(ErrorCode::timeout, msg::carrier_timeout,
                                    {{"carrier", options.name}}, fmt::format("{}: {}", label, why));
      } else {
        outcome.no_answer = code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST;
        outcome.kind = Outcome::Kind::retry;
        outcome.error = coded_error(ErrorCode::unavailable, msg::carrier_unreachable,
                                    {{"carrier", options.name}}, fmt::format("{}: {}", label, why));
      }
      return outcome;
    }
    long status = 0;
    curl_easy_getinfo(slot.easy, CURLINFO_RESPONSE_CODE, &status);
    slot.response.status = status;
    if (status >= 500) {
      outcome.kind = Outcome::Kind::retry;
      outcome.health = Outcome::Health::bad;
      outcome.error = coded_error(ErrorCode::unavailable, msg::carrier_http_error,
                                  {{"carrier", options.name}, {"status", status}},
                                  fmt::format("{}: the carrier answered HTTP {}", label, status));
      return outcome;
    }
    if (status == 429) {
      outcome.kind = Outcome::Kind::retry;
      outcome.health = Outcome::Health::neutral;
      const auto header = slot.response.headers.find("retry-after");
      if (header != slot.response.headers.end()) {
        outcome.retry_after = parse_retry_after(header->second, chr::system_clock::now());
      }
      outcome.error = coded_error(
          ErrorCode::unavailable, msg::carrier_busy, {{"carrier", options.name}},
          fmt::format("{}: the carrier answered HTTP 429 Too Many Requests{}", label,
                      outcome.retry_after
                          ? fmt::format(" (Retry-After {} s)", outcome.retry_after->count())
                          : std::string()));
      if (outcome.retry_after && *outcome.retry_after > options.retry.max_retry_after) {
        outcome.kind = Outcome::Kind::fail;
        outcome.error.text =
            common::Text{msg::carrier_wait_too_long,
                         {{"carrier", options.name}, {"seconds", outcome.retry_after->count()}}};
        outcome.error.message = fmt::format(
            "{}: the carrier asked to wait {} s before retrying (Retry-After), longer "
            "than max_retry_after {} s; try again later",
            label, outcome.retry_after->count(), options.retry.max_retry_after.count());
      }
      return outcome;
    }
    if (check) {
      if (auto problem = check(index, slot.response)) {
        outcome.kind = Outcome::Kind::retry;
        outcome.health = Outcome::Health::bad;
        outcome.error =
            coded_error(ErrorCode::bad_input, msg::carrier_malformed, {{"carrier", options.name}},
                        fmt::format("{}: malformed answer (HTTP {}): {}", label, status, *problem));
        return outcome;
      }
    }
    return outcome;
  }
};

HttpClient::HttpClient(HttpClientOptions options, CircuitBreaker* breaker)
    : impl_(std::make_unique<Impl>()) {
  global_init();
  impl_->options = std::move(options);
  impl_->options.max_in_flight = std::max(1, impl_->options.max_in_flight);
  impl_->options.retry.max_attempts = std::max(1, impl_->options.retry.max_attempts);
  impl_->breaker = breaker;
}

HttpClient::~HttpClient() {
  for (CURLM* multi : impl_->idle_multis) curl_multi_cleanup(multi);
}

HttpStats HttpClient::stats() const {
  return {impl_->requests.load(), impl_->retries.load(), impl_->failed.load()};
}

std::vector<common::Result<HttpResponse>> HttpClient::run(const std::vector<HttpRequest>& requests,
                                                          const AnswerCheck& check,
                                                          int max_in_flight) {
  const auto count = requests.size();
  std::vector<common::Result<HttpResponse>> results(
      count, common::Result<HttpResponse>(make_error(ErrorCode::internal, "not run")));
  if (count == 0) return results;
  Impl& impl = *impl_;
  const auto& options = impl.options;
  const int in_flight_limit =
      max_in_flight > 0 ? std::min(max_in_flight, options.max_in_flight) : options.max_in_flight;

  CURLM* multi = impl.take_multi();
  if (multi == nullptr) {
    for (auto& result : results) {
      result =
          make_error(ErrorCode::internal, fmt::format("{}: curl_multi_init failed", options.name));
    }
    return results;
  }

  std::mt19937 random(options.jitter_seed != 0 ? options.jitter_seed + impl.runs.fetch_add(1)
                                               : std::random_device{}());
  std::vector<Slot> slots(count);
  for (std::size_t i = 0; i < count; ++i) {
    slots[i].request = &requests[i];
    for (const auto& header : requests[i].headers) {
      slots[i].headers = curl_slist_append(slots[i].headers, header.c_str());
    }
    // Without this, libcurl waits up to a second for "100 Continue" before a larger body.
    slots[i].headers = curl_slist_append(slots[i].headers, "Expect:");
  }

  std::deque<std::size_t> fresh;
  for (std::size_t i = 0; i < count; ++i) fresh.push_back(i);
  using Timer = std::pair<steady::time_point, std::size_t>;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers;  // retries and waits
  std::vector<CURL*> idle_easies;
  int in_flight = 0;
  std::size_t finished = 0;

  auto finish = [&](std::size_t index, common::Result<HttpResponse> result) {
    if (!result) {
      impl.failed.fetch_add(1);
      spdlog::debug("{}: {}", options.name, result.error().message);
    }
    results[index] = std::move(result);
    slots[index].done = true;
    ++finished;
  };

  auto fail_after_attempts = [&](std::size_t index, common::Error error) {
    const int attempts = slots[index].attempts;
    if (attempts > 1)
      error.message = fmt::format("{} (gave up after {} attempts)", error.message, attempts);
    error.message = fmt::format("{}: {}", options.name, error.message);
    if (impl.breaker != nullptr) {
      if (const auto until = impl.breaker->open_until()) {
        error.code = ErrorCode::unavailable;
        error.message += fmt::format("; the circuit breaker is open: no calls to {} before {}",
                                     options.name, common::format_local(*until));
      }
    }
    finish(index, std::move(error));
  };

  auto start = [&](std::size_t index) {
    Slot& slot = slots[index];
    CURL* easy = nullptr;
    if (!idle_easies.empty()) {
      easy = idle_easies.back();
      idle_easies.pop_back();
      curl_easy_reset(easy);
    } else {
      easy = curl_easy_init();
    }
    if (easy == nullptr) {
      // Admitted but never sent: release a half-open breaker's trial slot.
      if (impl.breaker != nullptr) impl.breaker->record_neutral();
      finish(index, make_error(ErrorCode::internal,
                               fmt::format("{}: curl_easy_init failed", options.name)));
      return;
    }
    slot.easy = easy;
    impl.prepare(easy, slot);
    if (slot.attempts > 0) impl.retries.fetch_add(1);
    ++slot.attempts;
    impl.requests.fetch_add(1);
    curl_multi_add_handle(multi, easy);
    ++in_flight;
  };

  // Starts what may start now. Returns when max_in_flight is reached or nothing is due.
  auto start_due = [&] {
    while (in_flight < in_flight_limit) {
      std::size_t index = 0;
      const auto now = steady::now();
      if (!timers.empty() && timers.top().first <= now) {
        index = timers.top().second;
        timers.pop();
      } else if (!fresh.empty()) {
        index = fresh.front();
        fresh.pop_front();
      } else {
        return;
      }
      if (impl.breaker != nullptr) {
        auto decision = impl.breaker->admit();
        if (decision.admission == CircuitBreaker::Admission::refuse) {
          finish(index, std::move(decision.error));
          continue;
        }
        if (decision.admission == CircuitBreaker::Admission::wait) {
          timers.emplace(now + k_breaker_wait, index);
          return;
        }
      }
      start(index);
    }
  };

  while (finished < count) {
    start_due();
    if (finished == count) break;

    auto wait = k_max_poll;
    if (!timers.empty()) {
      const auto until = chr::duration_cast<chr::milliseconds>(timers.top().first - steady::now());
      wait = std::clamp(until, chr::milliseconds{0}, k_max_poll);
    }
    if (in_flight > 0 || wait.count() > 0) {
      curl_multi_poll(multi, nullptr, 0, static_cast<int>(wait.count()), nullptr);
    }
    int running = 0;
    curl_multi_perform(multi, &running);

    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      const CURLcode code = message->data.result;
      char* slot_address = nullptr;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, &slot_address);
      auto* slot = reinterpret_cast<Slot*>(slot_address);
      curl_multi_remove_handle(multi, easy);
      --in_flight;
      const auto index = static_cast<std::size_t>(slot - slots.data());
      Outcome outcome = impl.judge(code, *slot, index, check);
      slot->easy = nullptr;
      idle_easies.push_back(easy);

      if (impl.breaker != nullptr) {
        // A carrier that answers badly (5xx, a dropped or malformed answer) counts against the
        // breaker only when a request has failed every retry: one failing 20 % of attempts
        // answers nearly every request after a retry and must not be cut off. A carrier that
        // does not answer at all (no connection, or a connection held silent until the timeout)
        // is down or stuck: every such attempt counts.
        const bool retried =
            outcome.kind == Outcome::Kind::retry && slot->attempts < options.retry.max_attempts;
        if (outcome.health == Outcome::Health::good) {
          impl.breaker->record_success();
        } else if (outcome.health == Outcome::Health::bad &&
                   (!retried || outcome.no_answer ||
                    impl.breaker->state() == CircuitBreaker::State::half_open)) {
          // (A failed trial after the cooldown re-opens the breaker at once.)
          impl.breaker->record_failure(outcome.error.message);
        } else {
          impl.breaker->record_neutral();
        }
      }
      switch (outcome.kind) {
        case Outcome::Kind::accepted:
          finish(index, std::move(slot->response));
          break;
        case Outcome::Kind::fail:
          fail_after_attempts(index, std::move(outcome.error));
          break;
        case Outcome::Kind::retry:
          if (slot->attempts >= options.retry.max_attempts) {
            fail_after_attempts(index, std::move(outcome.error));
          } else {
            const chr::milliseconds delay =
                outcome.retry_after ? chr::milliseconds(*outcome.retry_after)
                                    : backoff_delay(options.retry, slot->attempts, random);
            spdlog::debug("{}: {}; retry {} in {} ms", options.name, outcome.error.message,
                          slot->attempts, delay.count());
            timers.emplace(steady::now() + delay, index);
          }
          break;
      }
    }
  }

  for (CURL* easy : idle_easies) curl_easy_cleanup(easy);
  for (auto& slot : slots) curl_slist_free_all(slot.headers);
  impl.give_back(multi);
  return results;
}

chr::milliseconds backoff_delay(const RetryPolicy& policy, int retry, std::mt19937& random) {
  const auto base = std::max<std::int64_t>(0, policy.backoff_base.count());
  const auto cap = std::max<std::int64_t>(0, policy.backoff_max.count());
  std::int64_t ceiling = base;
  for (int i = 1; i < retry && ceiling < cap; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap);
  std::uniform_int_distribution<std::int64_t> draw(0, ceiling);
  return chr::milliseconds(draw(random));
}

std::optional<chr::seconds> parse_retry_after(std::string_view value,
                                              chr::system_clock::time_point now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::int64_t seconds = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (error != std::errc() || end != value.data() + value.size()) return std::nullopt;
    return chr::seconds(seconds);
  }
  // An HTTP-date must name a weekday and GMT; curl_getdate also reads looser forms, which a
  // carrier sending a broken header gets the benefit of.
  const std::string text(value);
  const time_t when = curl_getdate(text.c_str(), nullptr);
  if (when == -1) return std::nullopt;
  const auto delta = chr::system_clock::from_time_t(when) - now;
  return std::max(chr::seconds{0}, chr::ceil<chr::seconds>(delta));
}

}  // namespace postal_api::detail
