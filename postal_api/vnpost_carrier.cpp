// The Vietnam Post adapter: the MyVNPost wire shape (samples/carriers/vnpost/README.md) on top of
// the generic parts in detail/ (HTTP client, circuit breaker, webhook signature). A second carrier
// is one more file like this one.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "postal_api/detail/circuit_breaker.hpp"
#include "postal_api/detail/http_client.hpp"
#include "postal_api/detail/vnpost_json.hpp"
#include "postal_api/detail/webhook_signature.hpp"
#include "postal_api/messages.hpp"
#include "postal_api/vnpost.hpp"

namespace postal_api {
namespace {

using common::Error;
using common::ErrorCode;
using common::make_error;
using common::Result;
using detail::HttpRequest;
using detail::HttpResponse;
namespace wire = detail::vnpost;

constexpr long k_http_ok = 200;
constexpr long k_http_unauthorized = 401;
constexpr long k_http_not_found = 404;

class VnpostCarrier final : public Carrier {
 public:
  VnpostCarrier(CarrierConfig config, const common::Clock& clock, StatusMap statuses,
                std::unique_ptr<detail::WebhookVerifier> verifier)
      : config_(std::move(config)),
        statuses_(std::move(statuses)),
        verifier_(std::move(verifier)),
        breaker_(config_.name, config_.breaker_failures, config_.breaker_cooldown, clock),
        http_(http_options(config_), &breaker_) {
    if (config_.base_url.back() != '/') config_.base_url.push_back('/');
  }

  std::string_view name() const override { return config_.name; }

  Result<TrackingReport> track(const std::vector<std::string>& tracking_numbers) override;
  Result<CreatedShipment> create_shipment(const ShipmentOrder& order) override;
  Result<void> cancel(const std::string& carrier_order_id) override;
  Result<WebhookDelivery> parse_webhook(const WebhookRequest& request) override;

  CallStats stats() const override {
    const auto http = http_.stats();
    CallStats stats;
    stats.requests = http.requests;
    stats.retries = http.retries;
    stats.failed_requests = http.failed_requests;
    stats.relogins = relogins_.load();
    stats.breaker_opened = breaker_.times_opened();
    return stats;
  }

 private:
  struct Session {
    std::string token;
    std::uint64_t generation = 0;
  };
  struct Call {
    std::string body;
    std::string label;  // for messages: the endpoint and tracking numbers or order code, no
                        // personal data
  };

  static detail::HttpClientOptions http_options(const CarrierConfig& config) {
    detail::HttpClientOptions options;
    options.name = config.name;
    options.connect_timeout = config.connect_timeout;
    options.total_timeout = config.total_timeout;
    options.max_in_flight = config.max_in_flight;
    options.retry.max_attempts = config.max_attempts;
    options.retry.backoff_base = config.backoff_base;
    options.retry.backoff_max = config.backoff_max;
    options.retry.max_retry_after = config.max_retry_after;
    options.jitter_seed = config.jitter_seed;
    return options;
  }

  std::string url(std::string_view path) const { return config_.base_url + std::string(path); }

  Result<Session> session();
  Result<Session> relogin(std::uint64_t refused_generation);
  Result<Session> login_locked();

  // Sends each call to `path` with the session token; the calls answered 401 are sent again once
  // after a fresh login. Fails as a whole only when no login was possible.
  Result<std::vector<Result<HttpResponse>>> call(std::string_view path,
                                                 const std::vector<Call>& calls,
                                                 const detail::AnswerCheck& check);

  // An answer the adapter cannot use (an unexpected HTTP status): unavailable, quoting the
  // carrier's message.
  Error unexpected(const HttpResponse& response, std::string_view what) const {
    const auto message = wire::carrier_message(response.body);
    return coded_error(
        ErrorCode::unavailable, msg::carrier_http_error,
        {{"carrier", config_.name}, {"status", response.status}},
        fmt::format("{}: {}: the carrier answered HTTP {}{}", config_.name, what, response.status,
                    message.empty() ? std::string() : fmt::format(": {}", message)));
  }

  CarrierConfig config_;
  const StatusMap statuses_;
  const std::unique_ptr<detail::WebhookVerifier> verifier_;
  detail::CircuitBreaker breaker_;
  detail::HttpClient http_;

  std::mutex login_mutex_;  // held during a login, so concurrent callers share one (single-flight)
  std::string token_;
  std::uint64_t generation_ = 0;  // counts logins; a 401 names the generation it was refused
  std::atomic<std::int64_t> relogins_{0};
};

Result<VnpostCarrier::Session> VnpostCarrier::session() {
  std::lock_guard lock(login_mutex_);
  if (!token_.empty()) return Session{token_, generation_};
  return login_locked();
}

Result<VnpostCarrier::Session> VnpostCarrier::relogin(std::uint64_t refused_generation) {
  std::lock_guard lock(login_mutex_);
  // Another thread may have logged in again since our request was refused: use its token.
  if (generation_ != refused_generation && !token_.empty()) return Session{token_, generation_};
  token_.clear();
  auto fresh = login_locked();
  if (fresh) {
    relogins_.fetch_add(1);
    spdlog::info("{}: the carrier refused our token (HTTP 401); logged in again", config_.name);
  }
  return fresh;
}

Result<VnpostCarrier::Session> VnpostCarrier::login_locked() {
  HttpRequest request;
  request.url = url(wire::k_login_path);
  request.headers = {"Content-Type: application/json", "Accept: application/json"};
  request.body = wire::login_body(config_.username, config_.password);
  request.label = std::string(wire::k_login_path);
  std::optional<Result<std::string>> parsed;
  auto results = http_.run({request}, [&](std::size_t, const HttpResponse& response) {
    if (response.status != k_http_ok) return std::optional<std::string>();
    auto token = wire::parse_login(response.body);
    if (!token && token.error().code == ErrorCode::bad_input) {
      return std::optional<std::string>(token.error().message);
    }
    parsed = std::move(token);
    return std::optional<std::string>();
  });
  auto& result = results.front();
  if (!result) {
    // The HTTP client's message already starts with "<name>: ".
    std::string_view why = result.error().message;
    const std::string prefix = fmt::format("{}: ", config_.name);
    if (why.substr(0, prefix.size()) == prefix) why.remove_prefix(prefix.size());
    common::Error error = result.error();  // keeps its text
    error.message = fmt::format("{} login failed: {}", config_.name, why);
    return error;
  }
  if (result->status != k_http_ok || !parsed) return unexpected(*result, "login");
  if (!*parsed) return std::move(*parsed).error();
  token_ = std::move(**parsed);
  ++generation_;
  return Session{token_, generation_};
}

Result<std::vector<Result<HttpResponse>>> VnpostCarrier::call(std::string_view path,
                                                              const std::vector<Call>& calls,
                                                              const detail::AnswerCheck& check) {
  TRY_ASSIGN(auto current, session());

  auto requests_for = [&](const Session& with, const std::vector<std::size_t>& which) {
    std::vector<HttpRequest> requests(which.size());
    for (std::size_t i = 0; i < which.size(); ++i) {
      auto& request = requests[i];
      request.url = url(path);
      request.headers = {"Content-Type: application/json", "Accept: application/json",
                         fmt::format("h-token: {}", with.token)};
      request.body = calls[which[i]].body;
      request.label = calls[which[i]].label;
    }
    return requests;
  };
  // A 401 answer is passed through unchecked: it only means "log in again".
  auto checked = [&](const std::vector<std::size_t>& which) {
    return [&check, &which](std::size_t index, const HttpResponse& response) {
      if (response.status == k_http_unauthorized || !check) return std::optional<std::string>();
      return check(which[index], response);
    };
  };

  std::vector<std::size_t> all(calls.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  std::vector<Result<HttpResponse>> results;
  if (calls.size() >= 4 && config_.max_in_flight >= 2 && std::thread::hardware_concurrency() >= 2) {
    // Two lanes, each with half the in-flight limit: the answers are read (parsed and checked) on
    // two threads, which is most of the work of a large batch.
    const std::vector<std::size_t> first(all.begin(), all.begin() + all.size() / 2);
    const std::vector<std::size_t> second(all.begin() + all.size() / 2, all.end());
    const int first_limit = (config_.max_in_flight + 1) / 2;
    auto other = std::async(std::launch::async, [&] {
      return http_.run(requests_for(current, second), checked(second),
                       config_.max_in_flight - first_limit);
    });
    results = http_.run(requests_for(current, first), checked(first), first_limit);
    auto rest = other.get();
    for (auto& result : rest) results.push_back(std::move(result));
  } else {
    results = http_.run(requests_for(current, all), checked(all));
  }

  std::vector<std::size_t> refused;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i] && results[i]->status == k_http_unauthorized) refused.push_back(i);
  }
  if (refused.empty()) return results;

  auto fresh = relogin(current.generation);
  if (!fresh) {
    if (refused.size() == calls.size()) return std::move(fresh).error();
    for (auto index : refused) results[index] = fresh.error();
    return results;
  }
  auto again = http_.run(requests_for(*fresh, refused), checked(refused));
  for (std::size_t i = 0; i < refused.size(); ++i) {
    if (again[i] && again[i]->status == k_http_unauthorized) {
      again[i] = coded_error(ErrorCode::unavailable, msg::carrier_token_refused,
                             {{"carrier", config_.name}},
                             fmt::format("{}: {}: the carrier refused a token it had just issued "
                                         "(HTTP 401 right after a fresh login)",
                                         config_.name, calls[refused[i]].label));
    }
    results[refused[i]] = std::move(again[i]);
  }
  return results;
}

Result<TrackingReport> VnpostCarrier::track(const std::vector<std::string>& tracking_numbers) {
  TrackingReport report;
  // Each number once, in the order asked.
  std::vector<std::string> numbers;
  numbers.reserve(tracking_numbers.size());
  {
    std::unordered_set<std::string_view> seen;
    for (const auto& number : tracking_numbers) {
      if (seen.insert(number).second) numbers.push_back(number);
    }
  }
  if (numbers.empty()) return report;
  if (auto refusal = breaker_.refusal()) return *refusal;

  const auto batch_size = static_cast<std::size_t>(std::max(1, config_.batch_size));
  struct Batch {
    std::span<const std::string> numbers;
    std::unordered_map<std::string, TrackedItem> items;
    std::unordered_set<std::string> not_found;
    std::map<std::string, Error> failures;
    std::vector<std::string> unattributed;
    std::optional<Error> failed;  // a page of this batch could not be fetched
  };
  std::vector<Batch> batches;
  for (std::size_t start = 0; start < numbers.size(); start += batch_size) {
    Batch batch;
    batch.numbers = std::span<const std::string>(numbers).subspan(
        start, std::min(batch_size, numbers.size() - start));
    batches.push_back(std::move(batch));
  }

  struct PageCall {
    std::size_t batch;
    int page_index;
  };
  std::vector<PageCall> round;
  for (std::size_t i = 0; i < batches.size(); ++i) round.push_back({i, 1});

  while (!round.empty()) {
    std::vector<Call> calls;
    calls.reserve(round.size());
    for (const auto& page : round) {
      const auto& asked = batches[page.batch].numbers;
      calls.push_back({wire::track_body(page.page_index, static_cast<int>(batch_size), asked),
                       fmt::format("{} page {} ({} numbers from {})", wire::k_track_path,
                                   page.page_index, asked.size(), asked.front())});
    }
    // Parsed once, while the HTTP client decides whether the answer is usable.
    std::vector<std::optional<Result<wire::TrackPage>>> pages(round.size());
    const auto check_page = [&](std::size_t index, const HttpResponse& response) {
      if (response.status != k_http_ok) return std::optional<std::string>();
      auto page = wire::parse_track_page(response.body, statuses_);
      if (!page && page.error().code == ErrorCode::bad_input) {
        return std::optional<std::string>(page.error().message);
      }
      pages[index] = std::move(page);
      return std::optional<std::string>();
    };
    TRY_ASSIGN(auto answers, call(wire::k_track_path, calls, check_page));

    std::vector<PageCall> next;
    for (std::size_t i = 0; i < round.size(); ++i) {
      Batch& batch = batches[round[i].batch];
      auto& answer = answers[i];
      if (!answer) {
        batch.failed = answer.error();
        continue;
      }
      if (answer->status != k_http_ok || !pages[i]) {
        batch.failed = unexpected(*answer, calls[i].label);
        continue;
      }
      auto& page = *pages[i];
      if (!page) {
        common::Error error = page.error();  // keeps its text
        error.message = fmt::format("{}: {}: {}", config_.name, calls[i].label, error.message);
        batch.failed = std::move(error);
        continue;
      }
      for (auto& item : page->items) {
        auto [slot, added] = batch.items.try_emplace(item.tracking_number, std::move(item));
        if (!added) {  // listed on two pages: keep every event once
          auto& events = slot->second.events;
          events.insert(events.end(), item.events.begin(), item.events.end());
          wire::normalise(slot->second);
        }
      }
      for (auto& number : page->not_found) batch.not_found.insert(std::move(number));
      for (auto& [number, error] : page->failures) batch.failures.insert_or_assign(number, error);
      for (auto& problem : page->unattributed) batch.unattributed.push_back(std::move(problem));
      // The carrier's paging is trusted only within what we asked: a TotalCount above the
      // numbers in the request, or a PageSize outside 1..ours, would make us ask for pages that
      // cannot exist (thousands of requests, or an overflow).
      const std::int64_t asked = static_cast<std::int64_t>(batch.numbers.size());
      const auto ours = static_cast<std::int64_t>(batch_size);
      const std::int64_t page_size =
          page->page_size >= 1 && page->page_size <= ours ? page->page_size : ours;
      if (round[i].page_index == 1 && page->total_count > asked) {
        batch.failed =
            coded_error(ErrorCode::bad_input, msg::carrier_malformed, {{"carrier", config_.name}},
                        fmt::format("{}: {}: the answer claims {} items for {} numbers asked",
                                    config_.name, calls[i].label, page->total_count, asked));
        continue;
      }
      if (round[i].page_index == 1 && page->total_count > page_size) {
        const auto last = (page->total_count + page_size - 1) / page_size;
        for (std::int64_t index = 2; index <= last; ++index) {
          next.push_back({round[i].batch, static_cast<int>(index)});
        }
      }
    }
    round = std::move(next);
  }

  for (auto& batch : batches) {
    for (const auto& number : batch.numbers) {
      if (auto item = batch.items.find(number); item != batch.items.end()) {
        report.items.push_back(std::move(item->second));
      } else if (batch.not_found.count(number) != 0) {
        report.unknown_numbers.push_back(number);
      } else if (auto failure = batch.failures.find(number); failure != batch.failures.end()) {
        report.failures.emplace(number, failure->second);
      } else if (batch.failed) {
        report.failures.emplace(number, *batch.failed);
      } else {
        report.failures.emplace(
            number,
            coded_error(ErrorCode::bad_input, msg::carrier_number_missing, {{"number", number}},
                        fmt::format("{}: the carrier's answer did not mention it{}", number,
                                    batch.unattributed.empty()
                                        ? std::string()
                                        : fmt::format(" (its answer held {} unreadable items: {})",
                                                      batch.unattributed.size(),
                                                      batch.unattributed.front()))));
      }
    }
  }
  return report;
}

Result<CreatedShipment> VnpostCarrier::create_shipment(const ShipmentOrder& order) {
  if (order.order_code.empty()) {
    return make_error(ErrorCode::invalid_argument,
                      "the shipment has no order_code (our reference, needed so a retried order "
                      "is not sent twice)");
  }
  const std::string what = fmt::format("{} {}", wire::k_create_path, order.order_code);
  // Retrying a timed-out CreateOrder is safe: the carrier answers the same order for the same
  // OrderCode.
  std::optional<Result<CreatedShipment>> created;
  const auto check_created = [&](std::size_t, const HttpResponse& response) {
    if (response.status != k_http_ok) return std::optional<std::string>();
    auto parsed = wire::parse_created(response.body, statuses_);
    if (!parsed) return std::optional<std::string>(parsed.error().message);
    created = std::move(parsed);
    return std::optional<std::string>();
  };
  TRY_ASSIGN(auto answers,
             call(wire::k_create_path, {{wire::create_order_body(order), what}}, check_created));
  auto& answer = answers.front();
  if (!answer) return answer.error();
  if (answer->status == 400) {
    const auto message = wire::carrier_message(answer->body);
    return coded_error(
        ErrorCode::invalid_argument, msg::carrier_refused_order,
        {{"carrier", config_.name}, {"order", order.order_code}, {"reason", reason_of(message)}},
        fmt::format("{} refused order {}: {}", config_.name, order.order_code,
                    message.empty() ? "no reason given" : message));
  }
  if (answer->status != k_http_ok || !created) return unexpected(*answer, what);
  auto shipment = std::move(*created).value();
  if (!shipment.order_code.empty() && shipment.order_code != order.order_code) {
    return coded_error(ErrorCode::bad_input, msg::carrier_other_order,
                       {{"carrier", config_.name},
                        {"their_order", shipment.order_code},
                        {"order", order.order_code}},
                       fmt::format("{}: the carrier answered order {} for order {}", config_.name,
                                   shipment.order_code, order.order_code));
  }
  shipment.order_code = order.order_code;
  spdlog::info("{}: order {} created as {}", config_.name, order.order_code,
               shipment.tracking_number);
  return shipment;
}

Result<void> VnpostCarrier::cancel(const std::string& carrier_order_id) {
  if (carrier_order_id.empty()) {
    return make_error(ErrorCode::invalid_argument, "cancel: the carrier order id is empty");
  }
  const std::string what = fmt::format("{} {}", wire::k_cancel_path, carrier_order_id);
  const auto check_cancelled = [](std::size_t, const HttpResponse& response) {
    if (response.status != k_http_ok && response.status != k_http_not_found) {
      return std::optional<std::string>();
    }
    if (wire::is_success(response.body) || response.body.find('{') != std::string::npos)
      return std::optional<std::string>();
    return std::optional<std::string>("not a JSON object");
  };
  TRY_ASSIGN(auto answers, call(wire::k_cancel_path, {{wire::cancel_body(carrier_order_id), what}},
                                check_cancelled));
  auto& answer = answers.front();
  if (!answer) return answer.error();
  const auto message = wire::carrier_message(answer->body);
  if (answer->status == k_http_ok) {
    if (wire::is_success(answer->body)) return {};
    return coded_error(
        ErrorCode::invalid_argument, msg::carrier_refused_cancel,
        {{"carrier", config_.name}, {"order", carrier_order_id}, {"reason", reason_of(message)}},
        fmt::format("{} refused to cancel order {}: {}", config_.name, carrier_order_id,
                    message.empty() ? "no reason given" : message));
  }
  if (answer->status == k_http_not_found) {
    return coded_error(ErrorCode::invalid_argument, msg::carrier_unknown_order,
                       {{"carrier", config_.name}, {"order", carrier_order_id}},
                       fmt::format("{} does not know order {}{}", config_.name, carrier_order_id,
                                   message.empty() ? std::string() : fmt::format(": {}", message)));
  }
  return unexpected(*answer, what);
}

Result<WebhookDelivery> VnpostCarrier::parse_webhook(const WebhookRequest& request) {
  if (!verifier_) {
    return make_error(ErrorCode::bad_input,
                      "webhook refused: no carrier public key is configured "
                      "(carrier.webhook_public_key)");
  }
  TRY_ASSIGN(auto envelope, wire::parse_webhook_envelope(request.body));
  TRY_ASSIGN(auto verified,
             verifier_->verify(envelope.data, envelope.send_date, envelope.sign_data));
  TRY_ASSIGN(auto said, wire::parse_webhook_data(envelope.data, statuses_));
  WebhookDelivery delivery;
  delivery.tracking_number = std::move(said.first);
  delivery.event = std::move(said.second);
  delivery.sent_at = verified.sent_at;
  delivery.delivery_key = std::move(verified.key);
  return delivery;
}

}  // namespace

Result<std::unique_ptr<Carrier>> make_vnpost_carrier(const CarrierConfig& config,
                                                     const common::Clock& clock) {
  const auto& base = config.base_url;
  if (base.rfind("http://", 0) != 0 && base.rfind("https://", 0) != 0) {
    return make_error(
        ErrorCode::invalid_argument,
        fmt::format("carrier.base_url \"{}\" is not an http:// or https:// URL", base));
  }
  if (config.batch_size < 1 || config.batch_size > 100) {
    return make_error(
        ErrorCode::invalid_argument,
        fmt::format("carrier.batch_size is {}; it should be between 1 and 100", config.batch_size));
  }
  if (config.max_in_flight < 1 || config.max_attempts < 1 || config.breaker_failures < 1) {
    return make_error(ErrorCode::invalid_argument,
                      "carrier.max_in_flight, max_attempts and breaker_failures should be at "
                      "least 1");
  }
  if (config.status_map.empty()) {
    return make_error(ErrorCode::invalid_argument,
                      "carrier.status_map is not set: the carrier's status table is needed");
  }
  TRY_ASSIGN(auto statuses, StatusMap::load(config.status_map));
  std::unique_ptr<detail::WebhookVerifier> verifier;
  if (!config.webhook_public_key.empty()) {
    TRY_ASSIGN(auto loaded, detail::WebhookVerifier::load(config.webhook_public_key, clock,
                                                          config.webhook_tolerance));
    verifier = std::move(loaded);
  }
  return std::unique_ptr<Carrier>(
      new VnpostCarrier(config, clock, std::move(statuses), std::move(verifier)));
}

}  // namespace postal_api
