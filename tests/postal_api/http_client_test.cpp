// The generic HTTP client against servers that misbehave on purpose.
#include "postal_api/detail/http_client.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <vector>

#include "common/s10.hpp"
#include "postal_api/detail/circuit_breaker.hpp"
#include "postal_api/vnpost.hpp"
#include "test_server.hpp"

using common::ErrorCode;
using postal_api::detail::HttpClient;
using postal_api::detail::HttpClientOptions;
using postal_api::detail::HttpRequest;
using postal_api::detail::HttpResponse;
using test_support::RawServer;
using test_support::TestServer;
namespace chr = std::chrono;

namespace {

HttpClientOptions quick_options() {
  HttpClientOptions options;
  options.name = "vnpost";
  options.connect_timeout = chr::milliseconds(1000);
  options.total_timeout = chr::milliseconds(5000);
  options.max_in_flight = 4;
  options.retry.max_attempts = 5;
  options.retry.backoff_base = chr::milliseconds(1);
  options.retry.backoff_max = chr::milliseconds(5);
  options.jitter_seed = 7;
  return options;
}

HttpRequest post(const std::string& url, std::string body = "{}") {
  HttpRequest request;
  request.url = url;
  request.body = std::move(body);
  request.label = "test";
  return request;
}

}  // namespace

TEST_CASE("a 5xx answer is retried and the next good answer is returned") {
  std::atomic<int> hits{0};
  TestServer server([&](httplib::Server& http) {
    http.Post("/x", [&](const httplib::Request&, httplib::Response& response) {
      const int n = hits++;
      response.status = n == 0 ? 503 : n == 1 ? 502 : 200;
      response.set_content(R"({"ok":true})", "application/json");
    });
  });
  HttpClient client(quick_options(), nullptr);
  auto results = client.run({post(server.url("/x"))});
  REQUIRE(results.size() == 1);
  REQUIRE_MESSAGE(results[0], (results[0] ? std::string() : results[0].error().message));
  CHECK(results[0]->status == 200);
  CHECK(results[0]->body == R"({"ok":true})");
  CHECK(results[0]->headers.at("content-type") == "application/json");
  CHECK(hits == 3);
  CHECK(client.stats().requests == 3);
  CHECK(client.stats().retries == 2);
  CHECK(client.stats().failed_requests == 0);
}

TEST_CASE("a request failing every attempt gives the last error after max_attempts") {
  std::atomic<int> hits{0};
  TestServer server([&](httplib::Server& http) {
    http.Post("/x", [&](const httplib::Request&, httplib::Response& response) {
      ++hits;
      response.status = 500;
    });
  });
  auto options = quick_options();
  options.retry.max_attempts = 3;
  HttpClient client(options, nullptr);
  auto results = client.run({post(server.url("/x"))});
  REQUIRE_FALSE(results[0]);
  CHECK(results[0].error().code == ErrorCode::unavailable);
  CHECK(results[0].error().message ==
        "vnpost: test: the carrier answered HTTP 500 (gave up after 3 attempts)");
  CHECK(hits == 3);
  CHECK(client.stats().failed_requests == 1);
}

TEST_CASE("4xx answers are returned to the caller, not retried") {
  std::atomic<int> hits{0};
  TestServer server([&](httplib::Server& http) {
    http.Post("/x", [&](const httplib::Request&, httplib::Response& response) {
      ++hits;
      response.status = 401;
    });
  });
  HttpClient client(quick_options(), nullptr);
  auto results = client.run({post(server.url("/x"))});
  REQUIRE(results[0]);
  CHECK(results[0]->status == 401);
  CHECK(hits == 1);
}

TEST_CASE("429 with Retry-After waits as long as the carrier asks before trying again") {
  std::mutex mutex;
  std::vector<chr::steady_clock::time_point> seen;
  TestServer server([&](httplib::Server& http) {
    http.Post("/x", [&](const httplib::Request&, httplib::Response& response) {
      std::lock_guard lock(mutex);
      seen.push_back(chr::steady_clock::now());
      if (seen.size() == 1) {
        response.status = 429;
        response.set_header("Retry-After", "1");
      } else {
        response.set_content("{}", "application/json");
      }
    });
  });
  HttpClient client(quick_options(), nullptr);
  auto results = client.run({post(server.url("/x"))});
  REQUIRE_MESSAGE(results[0], (results[0] ? std::string() : results[0].error().message));
  std::lock_guard lock(mutex);
  REQUIRE(seen.size() == 2);
  // The backoff alone would wait at most 5 ms.
  CHECK(seen[1] - seen[0] >= chr::milliseconds(950));
}

TEST_CASE("a Retry-After longer than max_retry_after fails the request at once, saying why") {
  std::atomic<int> hits{0};
  TestServer server([&](httplib::Server& http) {
    http.Post("/x", [&](const httplib::Request&, httplib::Response& response) {
      ++hits;
      response.status = 429;
      response.set_header("Retry-After", "120");
    });
  });
  auto options = quick_options();
  options.retry.max_retry_after = chr::seconds(30);
  HttpClient client(options, nullptr);
  auto results = client.run({post(server.url("/x"))});
  REQUIRE_FALSE(results[0]);
  CHECK(results[0].error().code == ErrorCode::unavailable);
  CHECK(results[0].error().message.find("asked to wait 120 s before retrying (Retry-After), "
                                        "longer than max_retry_after 30 s") != std::string::npos);
  CHECK(hits == 1);
}

TEST_CASE("an answer the caller's check rejects as malformed is retried") {
  std::atomic<int> hits{0};
  TestServer server([&](httplib::Server& http) {
    http.Post("/x", [&](const httplib::Request&, httplib::Response& response) {
      response.set_content(hits++ == 0 ? R"({"Items": [{"ItemCo)" : R"({"Items": []})",
                           "application/json");
    });
  });
  HttpClient client(quick_options(), nullptr);
  std::vector<std::string> checked;
  auto results =
      client.run({post(server.url("/x"))}, [&](std::size_t index, const HttpResponse& response) {
        CHECK(index == 0);
        checked.push_back(response.body);
        return response.body.back() == '}' ? std::optional<std::string>()
                                           : std::optional<std::string>("truncated");
      });
  REQUIRE(results[0]);
  CHECK(results[0]->body == R"({"Items": []})");
  CHECK(checked.size() == 2);
  CHECK(hits == 2);
}

TEST_CASE("a connection dropped without an answer is retried") {
  RawServer server([](int n) {
    return n < 2
               ? std::string()
               : std::string("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
  });
  HttpClient client(quick_options(), nullptr);
  auto results = client.run({post(server.url("/x"))});
  REQUIRE_MESSAGE(results[0], (results[0] ? std::string() : results[0].error().message));
  CHECK(results[0]->body == "{}");
  CHECK(server.connections() == 3);
}

TEST_CASE("an answer cut short mid-body is retried") {
  RawServer server([](int n) {
    return n == 0
               ? std::string("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"Items\"")
               : std::string("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
  });
  HttpClient client(quick_options(), nullptr);
  auto results = client.run({post(server.url("/x"))});
  REQUIRE_MESSAGE(results[0], (results[0] ? std::string() : results[0].error().message));
  CHECK(results[0]->body == "{}");
}

TEST_CASE("a carrier that never answers times out, is retried, and fails with timeout") {
  RawServer server([](int) { return std::string("hold"); });
  auto options = quick_options();
  options.total_timeout = chr::milliseconds(150);
  options.retry.max_attempts = 2;
  HttpClient client(options, nullptr);
  auto results = client.run({post(server.url("/x"))});
  REQUIRE_FALSE(results[0]);
  CHECK(results[0].error().code == ErrorCode::timeout);
  CHECK(results[0].error().message.find("gave up after 2 attempts") != std::string::npos);
  CHECK(server.connections() == 2);
}

TEST_CASE("many requests run with at most max_in_flight at once, each answered in order") {
  std::atomic<int> now_serving{0};
  std::atomic<int> most{0};
  TestServer server([&](httplib::Server& http) {
    http.Post("/x", [&](const httplib::Request& request, httplib::Response& response) {
      const int serving = ++now_serving;
      int seen = most.load();
      while (serving > seen && !most.compare_exchange_weak(seen, serving)) {
      }
      std::this_thread::sleep_for(chr::milliseconds(20));
      --now_serving;
      response.set_content(request.body, "application/json");
    });
  });
  auto options = quick_options();
  options.max_in_flight = 3;
  HttpClient client(options, nullptr);
  std::vector<HttpRequest> requests;
  for (int i = 0; i < 12; ++i) requests.push_back(post(server.url("/x"), std::to_string(i)));
  auto results = client.run(requests);
  REQUIRE(results.size() == 12);
  for (int i = 0; i < 12; ++i) {
    REQUIRE(results[i]);
    CHECK(results[i]->body == std::to_string(i));
  }
  CHECK(most.load() <= 3);
  CHECK(client.stats().requests == 12);
}

TEST_CASE("the breaker opens against a closed port and then refuses without calling") {
  common::ManualClock clock(common::parse_local("2026-11-29T10:15:02").value());
  postal_api::detail::CircuitBreaker breaker("vnpost", 3, chr::seconds(30), clock);
  const int port = test_support::closed_port();
  HttpClient client(quick_options(), &breaker);
  const auto url = fmt::format("http://127.0.0.1:{}/x", port);

  auto first = client.run({post(url)});
  REQUIRE_FALSE(first[0]);
  CHECK(first[0].error().code == ErrorCode::unavailable);
  CHECK(first[0].error().message.find("vnpost: not called: the carrier failed 3 times in a row") ==
        0);
  CHECK(first[0].error().message.find("next try after 2026-11-29 10:15:32") != std::string::npos);
  CHECK(client.stats().requests == 3);  // three attempts that could not connect
  CHECK(breaker.times_opened() == 1);

  auto second = client.run({post(url), post(url)});
  CHECK_FALSE(second[0]);
  CHECK_FALSE(second[1]);
  CHECK(client.stats().requests == 3);  // no new attempt reached the network

  // After the cooldown a server is there again: the trial succeeds and closes the breaker.
  clock.advance(chr::seconds(30));
  TestServer server([](httplib::Server& http) {
    http.Post("/x", [](const httplib::Request&, httplib::Response& response) {
      response.set_content("{}", "application/json");
    });
  });
  auto third = client.run({post(server.url("/x")), post(server.url("/x"))});
  CHECK(third[0]);
  CHECK(third[1]);
  CHECK(breaker.state() == postal_api::detail::CircuitBreaker::State::closed);
}

TEST_CASE("a URL libcurl cannot use fails at once as invalid_argument") {
  HttpClient client(quick_options(), nullptr);
  auto results = client.run({post("gopherz://127.0.0.1/x")});
  REQUIRE_FALSE(results[0]);
  CHECK(results[0].error().code == ErrorCode::invalid_argument);
  CHECK(client.stats().requests == 1);
}

TEST_CASE("backoff delays stay within the doubling ceiling and use the whole range") {
  postal_api::detail::RetryPolicy policy;
  policy.backoff_base = chr::milliseconds(100);
  policy.backoff_max = chr::milliseconds(1000);
  std::mt19937 random(42);
  for (int retry = 1; retry <= 12; ++retry) {
    const auto ceiling = std::min<std::int64_t>(1000, 100LL << std::min(retry - 1, 20));
    std::int64_t largest = 0;
    for (int i = 0; i < 500; ++i) {
      const auto delay = postal_api::detail::backoff_delay(policy, retry, random).count();
      REQUIRE(delay >= 0);
      REQUIRE(delay <= ceiling);
      largest = std::max(largest, delay);
    }
    CHECK(largest > ceiling / 2);  // full jitter, not a fixed fraction
  }
}

TEST_CASE("Retry-After is read as seconds or as an HTTP date") {
  using postal_api::detail::parse_retry_after;
  const auto now = chr::system_clock::from_time_t(1795922042);  // Sun, 29 Nov 2026 03:14:02 GMT
  CHECK(parse_retry_after("120", now) == chr::seconds(120));
  CHECK(parse_retry_after(" 0 ", now) == chr::seconds(0));
  CHECK(parse_retry_after("Sun, 29 Nov 2026 03:15:32 GMT", now) == chr::seconds(90));
  CHECK(parse_retry_after("Sun, 29 Nov 2026 03:00:00 GMT", now) == chr::seconds(0));
  CHECK_FALSE(parse_retry_after("", now));
  CHECK_FALSE(parse_retry_after("soon", now));
}

TEST_CASE("regression: a carrier claiming more items than asked gets no extra page requests") {
  std::atomic<int> track_requests{0};
  TestServer server([&](httplib::Server& http) {
    http.Post("/api/api/MobileAuthentication/GetAccessToken",
              [](const httplib::Request&, httplib::Response& response) {
                response.set_content(R"({"IsSuccess": true, "Token": "t", "ErrorMessage": null})",
                                     "application/json");
              });
    http.Post("/api/api/Order/GetListOrderByManagerWithCustomCode",
              [&](const httplib::Request&, httplib::Response& response) {
                ++track_requests;
                response.set_content(
                    R"({"IsSuccess": true, "PageIndex": 1, "PageSize": 1, "TotalCount": 3000,
                        "Items": [], "NotFound": []})",
                    "application/json");
              });
  });
  postal_api::CarrierConfig config;
  config.base_url = server.url("/api/api/");
  config.username = "hoso-desk";
  config.password = "hoso-sim";
  config.status_map = std::filesystem::path(HOSO_SOURCE_DIR) / "samples/carriers/vnpost-status.csv";
  config.max_attempts = 1;
  common::ManualClock clock(common::parse_local("2026-11-29T10:00:00").value());
  auto carrier = postal_api::make_vnpost_carrier(config, clock);
  REQUIRE(carrier);
  auto report = (*carrier)->track({"EB000100128VN"});
  REQUIRE(report);
  CHECK(track_requests.load() == 1);
  REQUIRE(report->failures.count("EB000100128VN") == 1);
  CHECK(report->failures.at("EB000100128VN").message.find("claims 3000 items for 1 numbers") !=
        std::string::npos);
}

TEST_CASE("regression: attempts that a carrier holds without answering open the breaker") {
  // Every connection is accepted and then held in silence: a carrier that is stuck, not down.
  RawServer server([](int) { return std::string("hold"); });
  auto options = quick_options();  // 5 attempts per request
  options.total_timeout = chr::milliseconds(200);
  common::ManualClock clock(common::parse_local("2026-11-29T10:15:02").value());
  postal_api::detail::CircuitBreaker breaker("vnpost", 3, chr::seconds(30), clock);
  HttpClient client(options, &breaker);

  auto first = client.run({post(server.url("/x"))});
  REQUIRE_FALSE(first[0]);
  // Three timed-out attempts opened the breaker; the request made no more.
  CHECK(server.connections() == 3);
  CHECK(breaker.times_opened() == 1);
  CHECK(first[0].error().code == ErrorCode::unavailable);
  CHECK(first[0].error().message.find("vnpost: not called: the carrier failed 3 times in a row") ==
        0);

  // Later calls are refused without reaching the network.
  auto second = client.run({post(server.url("/x")), post(server.url("/x"))});
  CHECK_FALSE(second[0]);
  CHECK_FALSE(second[1]);
  CHECK(server.connections() == 3);
}

namespace {

// The Vietnam Post adapter over a RawServer whose answers `answer` decides, with short timeouts.
std::unique_ptr<postal_api::Carrier> stuck_carrier(const RawServer& server,
                                                   const common::Clock& clock) {
  postal_api::CarrierConfig config;
  config.base_url = server.url("/api/api/");
  config.username = "hoso-desk";
  config.password = "hoso-sim";
  config.status_map = std::filesystem::path(HOSO_SOURCE_DIR) / "samples/carriers/vnpost-status.csv";
  config.connect_timeout = chr::milliseconds(1000);
  config.total_timeout = chr::milliseconds(200);
  config.max_attempts = 5;
  config.breaker_failures = 5;
  config.max_in_flight = 8;
  config.batch_size = 10;
  config.backoff_base = chr::milliseconds(1);
  config.backoff_max = chr::milliseconds(5);
  config.jitter_seed = 7;
  auto carrier = postal_api::make_vnpost_carrier(config, clock);
  REQUIRE(carrier);
  return std::move(*carrier);
}

std::vector<std::string> numbers(int count) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) out.push_back(common::make_s10("EB", 100'000 + i));
  return out;
}

}  // namespace

TEST_CASE(
    "regression: a carrier that never answers its login is asked five times, then not at all") {
  RawServer server([](int) { return std::string("hold"); });
  common::ManualClock clock(common::parse_local("2026-11-29T10:15:02").value());
  auto carrier = stuck_carrier(server, clock);

  auto first = carrier->track(numbers(50));
  REQUIRE_FALSE(first);
  CHECK(first.error().code == ErrorCode::unavailable);
  CHECK(server.connections() == 5);  // the login's attempts, up to breaker_failures
  CHECK(carrier->stats().breaker_opened == 1);

  auto second = carrier->track(numbers(50));
  REQUIRE_FALSE(second);
  CHECK(second.error().code == ErrorCode::unavailable);
  CHECK(server.connections() == 5);  // refused without calling
}

TEST_CASE("regression: a carrier that logs in and then never answers gets one wave of requests") {
  // The login is answered; every later connection is held in silence.
  RawServer server([](int n) {
    if (n > 0) return std::string("hold");
    const std::string body = R"({"IsSuccess": true, "Token": "t", "ErrorMessage": null})";
    return fmt::format(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: "
        "close\r\n\r\n{}",
        body.size(), body);
  });
  common::ManualClock clock(common::parse_local("2026-11-29T10:15:02").value());
  auto carrier = stuck_carrier(server, clock);

  // 100 numbers: 10 page requests, 8 in flight, 5 attempts each.
  auto report = carrier->track(numbers(100));
  if (report) CHECK(report->failures.size() == 100);
  // The first wave of 8 timed out together and opened the breaker. Before it opened at most 4
  // failures were heard, each followed by at most one retry: 12 attempts at most (there were 48
  // when a timeout counted only once its request had used all five attempts).
  CHECK(server.connections() - 1 <= 12);
  CHECK(carrier->stats().breaker_opened == 1);
  const auto asked = server.connections();
  CHECK_FALSE(carrier->track(numbers(100)));
  CHECK(server.connections() == asked);
}
