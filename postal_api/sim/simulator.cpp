#include "postal_api/sim/simulator.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "postal_api/sim/detail/itinerary.hpp"
#include "postal_api/sim/detail/signer.hpp"

namespace postal_api::sim {

std::string_view scenario_name(Scenario scenario) {
  switch (scenario) {
    case Scenario::delivered:
      return "delivered";
    case Scenario::failed_once:
      return "failed_once";
    case Scenario::returned:
      return "returned";
    case Scenario::lost:
      return "lost";
  }
  return "delivered";
}

std::optional<Scenario> parse_scenario(std::string_view name) {
  for (const Scenario scenario :
       {Scenario::delivered, Scenario::failed_once, Scenario::returned, Scenario::lost}) {
    if (scenario_name(scenario) == name) return scenario;
  }
  return std::nullopt;
}

Faults Faults::all(double rate) {
  Faults faults;
  faults.error_rate = rate;
  faults.drop_rate = rate;
  faults.malformed_rate = rate;
  faults.duplicate_rate = rate;
  faults.reorder_rate = rate;
  // 8 requests in flight against a local simulator run at a few hundred requests per second, and
  // a client that backs off settles near 40-50: a limit of 40 per second is hit now and then.
  faults.rate_limit_per_second = rate > 0 ? 40 : 0;
  return faults;
}

namespace {

namespace chr = std::chrono;
using detail::PlannedEvent;
using nlohmann::json;
using nlohmann::ordered_json;

constexpr std::string_view k_json_type = "application/json; charset=utf-8";
constexpr std::string_view k_api_prefix = "/api/api/";
constexpr int k_max_page_size = 1000;
constexpr int k_webhook_attempts = 3;
constexpr chr::milliseconds k_webhook_backoff{200};  // before the 2nd attempt; doubled for the 3rd
constexpr std::int64_t k_first_order_id = 100001;

enum class Counter : std::size_t {
  login,
  create_order,
  cancel_order,
  track,
  sim_control,
  unauthorized,
  latency,
  error_500,
  error_502,
  error_503,
  rate_limited,
  dropped,
  malformed_body,
  malformed_item,
  duplicated,
  reordered,
  webhook_queued,
  webhook_attempts,
  webhook_pushed,
  webhook_failed,
  orders_created,
  count_
};

constexpr std::array<std::string_view, static_cast<std::size_t>(Counter::count_)> k_counter_names{
    "requests.login",        "requests.create_order", "requests.cancel_order", "requests.track",
    "requests.sim",          "answers.unauthorized",  "faults.latency",        "faults.error_500",
    "faults.error_502",      "faults.error_503",      "faults.rate_limited",   "faults.dropped",
    "faults.malformed_body", "faults.malformed_item", "faults.duplicated",     "faults.reordered",
    "webhooks.queued",       "webhooks.attempts",     "webhooks.pushed",       "webhooks.failed",
    "orders.created"};

enum class Endpoint { login, create_order, cancel_order, track };

// "2026-11-20T08:15:00": Vietnam local time without an offset, as the carrier writes it.
std::string wire_time(Timestamp instant) {
  std::string text = common::format_local(instant);
  text[10] = 'T';
  return text;
}

// Text that came from a client may not be UTF-8: replace, never throw.
std::string dump(const ordered_json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string failure_body(std::string_view message) {
  return dump(ordered_json{{"IsSuccess", false}, {"ErrorMessage", message}});
}

void answer(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, std::string(k_json_type));
}

ordered_json event_json(const PlannedEvent& event) {
  return ordered_json{
      {"StatusId", event.status_id},         {"StatusName", detail::status_text(event.status_id)},
      {"CreateTime", wire_time(event.time)}, {"PostOfficeCode", event.office.code},
      {"PostOfficeName", event.office.name}, {"Description", event.description}};
}

// An item and everything needed to answer for it quickly: the Logs entries are serialised once,
// when the item is added, so a 100-item page is string concatenation under a shared lock.
struct Item {
  std::string tracking_number;
  std::string order_code;     // "" unless created through CreateOrder
  std::int64_t order_id = 0;  // 0 unless created through CreateOrder
  std::int64_t price_vnd = 0;
  Timestamp created_at{};
  Scenario scenario = Scenario::delivered;
  std::vector<PlannedEvent> events;    // the whole life, strictly increasing times
  std::vector<std::string> logs_json;  // events[i] as a Logs entry
  std::string json_prefix;             // {"ItemCode":"...","OrderCode":"...","OrderStatusId":
  std::optional<Timestamp> cancelled_at;

  void set_events(std::vector<PlannedEvent> planned) {
    events = std::move(planned);
    logs_json.clear();
    logs_json.reserve(events.size());
    for (const auto& event : events) logs_json.push_back(dump(event_json(event)));
  }

  // Events at or before `now`. A cancellation is placed a second after the last event when it
  // comes in the same second, and is shown at once all the same.
  std::size_t visible(Timestamp now) const {
    if (cancelled_at) return events.size();
    const auto end = std::upper_bound(
        events.begin(), events.end(), now,
        [](Timestamp time, const PlannedEvent& event) { return time < event.time; });
    return static_cast<std::size_t>(end - events.begin());
  }

  bool collected(Timestamp now) const {
    const std::size_t count = visible(now);
    for (std::size_t i = 0; i < count; ++i) {
      if (events[i].status_id != detail::k_status_created) return true;
    }
    return false;
  }
};

std::string item_prefix(const std::string& tracking_number, const std::string& order_code) {
  std::string text = dump(ordered_json{{"ItemCode", tracking_number}, {"OrderCode", order_code}});
  text.pop_back();  // the closing brace
  text += ",\"OrderStatusId\":";
  return text;
}

// EMS-like tariff, our choice: 32,000 VND up to 250 g, 6,000 VND per further 250 g or part.
std::int64_t freight_for(double weight_grams) {
  const auto grams = static_cast<std::int64_t>(std::max(weight_grams, 0.0));
  if (grams <= 250) return 32000;
  return 32000 + 6000 * ((grams - 250 + 249) / 250);
}

double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

// What the fault draw decided for one request.
enum class Malformation { none, truncated, status_not_a_number, missing_item_code, bad_time };

struct RequestFaults {
  bool rate_limited = false;
  chr::milliseconds latency{0};
  int error_status = 0;  // 0: none
  bool drop = false;
  Malformation malformation = Malformation::none;
  double duplicate_rate = 0;
  double reorder_rate = 0;
  std::uint64_t item_seed = 0;  // for per-item faults
};

json faults_json(const Faults& faults) {
  return json{{"latency_ms", faults.latency.count()},
              {"error_rate", faults.error_rate},
              {"rate_limit_per_second", faults.rate_limit_per_second},
              {"drop_rate", faults.drop_rate},
              {"malformed_rate", faults.malformed_rate},
              {"duplicate_rate", faults.duplicate_rate},
              {"reorder_rate", faults.reorder_rate}};
}

// Applies the fields present in `body` to `faults`; unknown fields and out-of-range values fail.
common::Result<Faults> merge_faults(Faults faults, const json& body) {
  if (!body.is_object()) {
    return common::make_error(common::ErrorCode::bad_input, "faults: expected a JSON object");
  }
  for (const auto& [key, value] : body.items()) {
    if (!value.is_number()) {
      return common::make_error(common::ErrorCode::bad_input,
                                fmt::format("faults: {} must be a number", key));
    }
    const double number = value.get<double>();
    const bool is_rate = key != "latency_ms" && key != "rate_limit_per_second";
    if (number < 0 || (is_rate && number > 1)) {
      return common::make_error(
          common::ErrorCode::bad_input,
          fmt::format("faults: {} = {} is out of range ({})", key, number,
                      is_rate ? "a rate is between 0 and 1" : "it cannot be negative"));
    }
    if (key == "latency_ms") {
      faults.latency = chr::milliseconds{static_cast<std::int64_t>(number)};
    } else if (key == "error_rate") {
      faults.error_rate = number;
    } else if (key == "rate_limit_per_second") {
      faults.rate_limit_per_second = number;
    } else if (key == "drop_rate") {
      faults.drop_rate = number;
    } else if (key == "malformed_rate") {
      faults.malformed_rate = number;
    } else if (key == "duplicate_rate") {
      faults.duplicate_rate = number;
    } else if (key == "reorder_rate") {
      faults.reorder_rate = number;
    } else {
      return common::make_error(common::ErrorCode::bad_input,
                                fmt::format("faults: unknown field {}", key));
    }
  }
  return faults;
}

// A string field of a JSON object: "" when absent or null; nullopt when of another type.
std::optional<std::string> string_field(const json& object, const char* name) {
  const auto found = object.find(name);
  if (found == object.end() || found->is_null()) return std::string();
  if (!found->is_string()) return std::nullopt;
  return found->get<std::string>();
}

// "http://127.0.0.1:8080/hook" → {"http://127.0.0.1:8080", "/hook"}.
std::optional<std::pair<std::string, std::string>> split_url(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return std::nullopt;
  const std::string scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return std::nullopt;
  const auto path_start = url.find('/', scheme_end + 3);
  if (path_start == std::string::npos) return std::pair{url, std::string("/")};
  return std::pair{url.substr(0, path_start), url.substr(path_start)};
}

struct Delivery {
  std::string url;
  std::string data;  // the JSON text that goes into "Data"
};

class SimulatorImpl final : public Simulator {
 public:
  SimulatorImpl(Options options, detail::Signer signer)
      : options_(std::move(options)),
        signer_(std::move(signer)),
        clock_(options_.start_time),
        token_rng_(options_.seed ^ 0x746f6b656eULL),
        faults_(options_.faults),
        fault_rng_(options_.seed),
        bucket_tokens_(options_.faults.rate_limit_per_second),
        bucket_time_(chr::steady_clock::now()),
        webhook_url_(options_.webhook_url) {
    for (auto& counter : counters_) counter.store(0);
  }

  ~SimulatorImpl() override { stop(); }

  common::Result<void> listen() {
    const int workers = std::max(1, options_.worker_threads);
    server_.new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
    server_.set_keep_alive_max_count(100000);
    server_.set_keep_alive_timeout(5);
    server_.set_tcp_nodelay(true);
    // httplib's default also sets SO_REUSEPORT, which lets a second simulator share a port that
    // is in use instead of failing; keep SO_REUSEADDR only (a restart may reuse TIME_WAIT ports).
    server_.set_socket_options([this](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
      listening_socket_ = sock;
    });
    server_.set_payload_max_length(64 * 1024 * 1024);
    server_.set_exception_handler(
        [](const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
          static std::atomic<int> next_id{1};
          const int id = next_id.fetch_add(1);
          try {
            if (error) std::rethrow_exception(error);
          } catch (const std::exception& e) {
            spdlog::error("carrier simulator: error {} on {} {}: {}", id, req.method, req.path,
                          e.what());
          } catch (...) {
            spdlog::error("carrier simulator: error {} on {} {}", id, req.method, req.path);
          }
          answer(res, 500, failure_body(fmt::format("Lỗi nội bộ của trình mô phỏng (mã {})", id)));
        });
    routes();

    if (options_.port == 0) {
      port_ = server_.bind_to_any_port(options_.host);
    } else {
      port_ = server_.bind_to_port(options_.host, options_.port) ? options_.port : -1;
    }
    // Debian's libcpp-httplib listens with a backlog of 5 (compiled in): a client opening 8
    // connections at once has its SYNs dropped and retried a second later. Listening again on the
    // bound socket raises the backlog.
    if (port_ > 0 && listening_socket_ >= 0) ::listen(listening_socket_, SOMAXCONN);
    if (port_ <= 0) {
      return common::make_error(
          common::ErrorCode::io_error,
          fmt::format("carrier simulator: cannot listen on {}:{} (address in use or not local); "
                      "choose another --port or 0 for a free one",
                      options_.host, options_.port));
    }
    listen_thread_ = std::thread([this] { server_.listen_after_bind(); });
    webhook_thread_ = std::thread([this] { push_webhooks(); });
    const auto deadline = chr::steady_clock::now() + chr::seconds{10};
    while (!server_.is_running()) {
      if (chr::steady_clock::now() > deadline) {
        return common::make_error(common::ErrorCode::io_error,
                                  fmt::format("carrier simulator: the server on port {} did not "
                                              "start within 10 seconds",
                                              port_));
      }
      std::this_thread::sleep_for(chr::milliseconds{1});
    }
    return {};
  }

  int port() const override { return port_; }

  std::string base_url() const override {
    return fmt::format("http://{}:{}{}", options_.host, port_, k_api_prefix);
  }

  void stop() override {
    std::lock_guard stop_lock(stop_mutex_);
    if (stopped_) return;
    stopped_ = true;
    server_.stop();
    if (listen_thread_.joinable()) listen_thread_.join();
    {
      std::lock_guard lock(webhook_mutex_);
      stopping_ = true;
    }
    webhook_cv_.notify_all();
    if (webhook_thread_.joinable()) webhook_thread_.join();
  }

  bool add_item(const std::string& tracking_number, std::optional<Scenario> scenario,
                std::optional<Timestamp> accepted_at) override {
    return add_item_from(tracking_number, scenario, accepted_at, "", "");
  }

  bool add_item_from(const std::string& tracking_number, std::optional<Scenario> scenario,
                     std::optional<Timestamp> accepted_at, std::string from_code,
                     std::string to_code) {
    detail::PlanInput input;
    input.tracking_number = tracking_number;
    input.seed = options_.seed;
    input.scenario = scenario;
    input.accepted_at = accepted_at.value_or(clock_.now());
    input.from_code = std::move(from_code);
    input.to_code = std::move(to_code);
    {
      std::shared_lock lock(items_mutex_);
      if (items_.count(tracking_number) != 0) return false;
    }
    // Planning happens outside the lock: it is the expensive part.
    detail::Plan plan = detail::plan_item(input);
    Item item;
    item.tracking_number = tracking_number;
    item.scenario = plan.scenario;
    item.created_at = input.accepted_at;
    item.json_prefix = item_prefix(tracking_number, "");
    item.set_events(std::move(plan.events));
    std::unique_lock lock(items_mutex_);
    return items_.emplace(tracking_number, std::move(item)).second;
  }

  Timestamp now() const override { return clock_.now(); }

  void advance(chr::seconds by) override {
    std::lock_guard clock_lock(clock_mutex_);  // read and move under one lock: no lost advance
    move_clock_locked(clock_.now() + by);
  }

  void set_faults(const Faults& faults) override {
    std::lock_guard lock(faults_mutex_);
    faults_ = faults;
    bucket_tokens_ = faults.rate_limit_per_second;
    bucket_time_ = chr::steady_clock::now();
  }

  void expire_tokens() override {
    std::lock_guard lock(tokens_mutex_);
    tokens_.clear();
  }

  void set_webhook_url(const std::string& url) override {
    std::lock_guard lock(webhook_mutex_);
    webhook_url_ = url;
  }

  std::string public_key_pem() const override { return signer_.public_key_pem(); }

  std::optional<ItemTruth> truth(const std::string& tracking_number) const override {
    std::shared_lock lock(items_mutex_);
    const auto found = items_.find(tracking_number);
    if (found == items_.end()) return std::nullopt;
    const Item& item = found->second;
    ItemTruth truth;
    truth.tracking_number = item.tracking_number;
    truth.scenario = item.scenario;
    truth.status = ShipmentStatus::pending;  // not yet handed to the carrier
    const std::size_t count = item.visible(clock_.now());
    for (std::size_t i = 0; i < count; ++i) {
      const PlannedEvent& planned = item.events[i];
      TrackingEvent event;
      event.time = planned.time;
      event.carrier_code = std::to_string(planned.status_id);
      event.status = detail::status_of(planned.status_id);
      event.location_code = planned.office.code;
      event.location = planned.office.name;
      event.description = planned.description;
      truth.status = event.status;
      truth.status_id = event.carrier_code;
      truth.events.push_back(std::move(event));
    }
    return truth;
  }

  std::map<std::string, std::int64_t> counters() const override {
    std::map<std::string, std::int64_t> result;
    for (std::size_t i = 0; i < counters_.size(); ++i) {
      result.emplace(std::string(k_counter_names[i]), counters_[i].load());
    }
    return result;
  }

 private:
  void bump(Counter counter, std::int64_t by = 1) {
    counters_[static_cast<std::size_t>(counter)].fetch_add(by, std::memory_order_relaxed);
  }

  // --- Routes ------------------------------------------------------------------------------

  void routes() {
    const auto carrier = [this](Endpoint endpoint) {
      return [this, endpoint](const httplib::Request& req, httplib::Response& res) {
        serve(endpoint, req, res);
      };
    };
    const std::string api(k_api_prefix);
    server_.Post(api + "MobileAuthentication/GetAccessToken", carrier(Endpoint::login));
    server_.Post(api + "CustomerConnect/CreateOrder", carrier(Endpoint::create_order));
    server_.Post(api + "CustomerConnect/CancelOrder", carrier(Endpoint::cancel_order));
    server_.Post(api + "Order/GetListOrderByManagerWithCustomCode", carrier(Endpoint::track));

    const auto control = [this](auto handler) {
      return [this, handler](const httplib::Request& req, httplib::Response& res) {
        bump(Counter::sim_control);
        (this->*handler)(req, res);
      };
    };
    server_.Post("/sim/items", control(&SimulatorImpl::sim_add_items));
    server_.Get("/sim/items/.+", control(&SimulatorImpl::sim_item));
    server_.Get("/sim/clock", control(&SimulatorImpl::sim_get_clock));
    server_.Post("/sim/clock", control(&SimulatorImpl::sim_set_clock));
    server_.Get("/sim/faults", control(&SimulatorImpl::sim_get_faults));
    server_.Post("/sim/faults", control(&SimulatorImpl::sim_set_faults));
    server_.Post("/sim/expire-tokens", control(&SimulatorImpl::sim_expire_tokens));
    server_.Post("/sim/webhook", control(&SimulatorImpl::sim_webhook));
    server_.Get("/sim/public-key", control(&SimulatorImpl::sim_public_key));
    server_.Get("/sim/counters", control(&SimulatorImpl::sim_counters));
  }

  // --- Faults ------------------------------------------------------------------------------

  // One draw from the seeded generator per request, so the same request order gives the same
  // faults; the rate limit alone follows real time.
  RequestFaults draw_faults(Endpoint endpoint) {
    Faults faults;
    RequestFaults drawn;
    std::uint64_t request_seed = 0;
    {
      std::lock_guard lock(faults_mutex_);
      faults = faults_;
      request_seed = fault_rng_();
      if (faults.rate_limit_per_second > 0) {
        const auto now = chr::steady_clock::now();
        const double capacity = std::max(1.0, faults.rate_limit_per_second);
        const double elapsed = chr::duration<double>(now - bucket_time_).count();
        bucket_tokens_ =
            std::min(capacity, bucket_tokens_ + elapsed * faults.rate_limit_per_second);
        bucket_time_ = now;
        if (bucket_tokens_ >= 1) {
          bucket_tokens_ -= 1;
        } else {
          drawn.rate_limited = true;
        }
      }
    }
    std::mt19937_64 rng(request_seed);
    drawn.latency = faults.latency;
    const double error_draw = uniform01(rng);
    const auto error_kind = rng() % 3;
    const double drop_draw = uniform01(rng);
    const double malformed_draw = uniform01(rng);
    const auto malformed_kind = rng() % 4;
    drawn.item_seed = rng();
    if (error_draw < faults.error_rate) {
      drawn.error_status = error_kind == 0 ? 500 : error_kind == 1 ? 502 : 503;
    }
    if (endpoint == Endpoint::track) {
      drawn.drop = drop_draw < faults.drop_rate;
      if (malformed_draw < faults.malformed_rate) {
        constexpr std::array<Malformation, 4> k_kinds = {
            Malformation::truncated, Malformation::status_not_a_number,
            Malformation::missing_item_code, Malformation::bad_time};
        drawn.malformation = k_kinds[malformed_kind];
      }
      drawn.duplicate_rate = faults.duplicate_rate;
      drawn.reorder_rate = faults.reorder_rate;
    }
    return drawn;
  }

  void serve(Endpoint endpoint, const httplib::Request& req, httplib::Response& res) {
    switch (endpoint) {
      case Endpoint::login:
        bump(Counter::login);
        break;
      case Endpoint::create_order:
        bump(Counter::create_order);
        break;
      case Endpoint::cancel_order:
        bump(Counter::cancel_order);
        break;
      case Endpoint::track:
        bump(Counter::track);
        break;
    }
    const RequestFaults faults = draw_faults(endpoint);
    if (faults.rate_limited) {
      bump(Counter::rate_limited);
      res.set_header("Retry-After", "1");
      answer(res, 429, failure_body("Quá nhiều yêu cầu, vui lòng thử lại sau"));
      return;
    }
    if (faults.latency.count() > 0) {
      bump(Counter::latency);
      std::this_thread::sleep_for(faults.latency);
    }
    if (faults.error_status != 0) {
      bump(faults.error_status == 500   ? Counter::error_500
           : faults.error_status == 502 ? Counter::error_502
                                        : Counter::error_503);
      answer(res, faults.error_status, failure_body("Hệ thống đang bận, vui lòng thử lại sau"));
      return;
    }
    const json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      answer(res, 400, failure_body("Nội dung yêu cầu không phải JSON hợp lệ"));
      return;
    }
    if (endpoint != Endpoint::login && !authorised(req)) {
      bump(Counter::unauthorized);
      answer(res, 401, failure_body("Token không hợp lệ hoặc đã hết hạn"));
      return;
    }
    switch (endpoint) {
      case Endpoint::login:
        login(body, res);
        return;
      case Endpoint::create_order:
        create_order(body, res);
        return;
      case Endpoint::cancel_order:
        cancel_order(body, res);
        return;
      case Endpoint::track:
        track(body, faults, res);
        return;
    }
  }

  // --- Carrier endpoints -------------------------------------------------------------------

  bool authorised(const httplib::Request& req) {
    const std::string token = req.get_header_value("h-token");
    if (token.empty()) return false;
    std::lock_guard lock(tokens_mutex_);
    const auto found = tokens_.find(token);
    return found != tokens_.end() && clock_.now() < found->second;
  }

  void login(const json& body, httplib::Response& res) {
    const auto username = string_field(body, "TenDangNhap");
    const auto password = string_field(body, "MatKhau");
    if (!username || !password || *username != options_.username ||
        *password != options_.password) {
      answer(res, 200,
             dump(ordered_json{{"IsSuccess", false},
                               {"Token", nullptr},
                               {"ErrorMessage", "Tên đăng nhập hoặc mật khẩu không đúng"}}));
      return;
    }
    std::string token;
    {
      std::lock_guard lock(tokens_mutex_);
      token = fmt::format("{:016x}{:016x}", token_rng_(), token_rng_());
      tokens_[token] = clock_.now() + options_.token_ttl;
    }
    answer(res, 200,
           dump(ordered_json{{"IsSuccess", true}, {"Token", token}, {"ErrorMessage", nullptr}}));
  }

  static std::string order_answer(const Item& item, int status_id) {
    return dump(ordered_json{{"Id", item.order_id},
                             {"ItemCode", item.tracking_number},
                             {"OrderCode", item.order_code},
                             {"OrderStatusId", status_id},
                             {"TotalFreight", item.price_vnd},
                             {"CreateTime", wire_time(item.created_at)}});
  }

  static int current_status_id(const Item& item, Timestamp now) {
    const std::size_t count = item.visible(now);
    return count == 0 ? detail::k_status_created : item.events[count - 1].status_id;
  }

  void create_order(const json& body, httplib::Response& res) {
    const auto order_code = string_field(body, "OrderCode");
    std::vector<std::string> missing;
    if (!order_code || order_code->empty()) missing.emplace_back("OrderCode");
    for (const char* field : {"ReceiverFullname", "ReceiverTel", "ReceiverAddress"}) {
      const auto value = string_field(body, field);
      if (!value || value->empty()) missing.emplace_back(field);
    }
    if (!missing.empty()) {
      answer(res, 400,
             failure_body(
                 fmt::format("Đơn hàng bị từ chối: thiếu hoặc sai {}", fmt::join(missing, ", "))));
      return;
    }
    double weight = 0;
    if (const auto found = body.find("WeightEvaluation"); found != body.end()) {
      if (!found->is_number()) {
        answer(res, 400, failure_body("Đơn hàng bị từ chối: WeightEvaluation phải là số (gam)"));
        return;
      }
      weight = found->get<double>();
    }

    const Timestamp now = clock_.now();
    {
      std::shared_lock lock(items_mutex_);
      if (const auto known = orders_by_code_.find(*order_code); known != orders_by_code_.end()) {
        const Item& item = items_.at(known->second);
        answer(res, 200, order_answer(item, current_status_id(item, now)));
        return;
      }
    }
    std::unique_lock lock(items_mutex_);
    if (const auto known = orders_by_code_.find(*order_code); known != orders_by_code_.end()) {
      const Item& item = items_.at(known->second);
      answer(res, 200, order_answer(item, current_status_id(item, now)));
      return;
    }
    std::int64_t order_id = next_order_id_++;
    std::string tracking_number = detail::make_s10("EB", static_cast<std::uint32_t>(order_id));
    while (items_.count(tracking_number) != 0) {  // a number registered through /sim/items
      order_id = next_order_id_++;
      tracking_number = detail::make_s10("EB", static_cast<std::uint32_t>(order_id));
    }
    detail::PlanInput input;
    input.tracking_number = tracking_number;
    input.seed = options_.seed;
    input.accepted_at = now;
    input.ordered = true;
    detail::Plan plan = detail::plan_item(input);
    Item item;
    item.tracking_number = tracking_number;
    item.order_code = *order_code;
    item.order_id = order_id;
    item.price_vnd = freight_for(weight);
    item.created_at = now;
    item.scenario = plan.scenario;
    item.json_prefix = item_prefix(tracking_number, *order_code);
    item.set_events(std::move(plan.events));
    const std::string answer_body = order_answer(item, detail::k_status_created);
    orders_by_code_.emplace(*order_code, tracking_number);
    orders_by_id_.emplace(order_id, tracking_number);
    items_.emplace(tracking_number, std::move(item));
    lock.unlock();
    bump(Counter::orders_created);
    if (options_.on_order_created) options_.on_order_created(tracking_number);
    answer(res, 200, answer_body);
  }

  void cancel_order(const json& body, httplib::Response& res) {
    const auto found = body.find("OrderId");
    std::int64_t order_id = 0;
    if (found != body.end() && found->is_number_integer()) {
      order_id = found->get<std::int64_t>();
    } else if (found != body.end() && found->is_string()) {
      try {
        order_id = std::stoll(found->get<std::string>());
      } catch (const std::exception&) {
        order_id = 0;
      }
    }
    if (order_id <= 0) {
      answer(res, 400, failure_body("OrderId phải là mã số đơn hàng"));
      return;
    }
    const Timestamp now = clock_.now();
    std::unique_lock lock(items_mutex_);
    const auto known = orders_by_id_.find(order_id);
    if (known == orders_by_id_.end()) {
      answer(res, 404, failure_body(fmt::format("Không tìm thấy đơn hàng {}", order_id)));
      return;
    }
    Item& item = items_.at(known->second);
    if (item.cancelled_at) {
      answer(res, 200, dump(ordered_json{{"IsSuccess", true}}));
      return;
    }
    if (item.collected(now)) {
      answer(res, 200, failure_body("Đơn hàng đã được bưu cục nhận, không thể hủy"));
      return;
    }
    std::vector<PlannedEvent> kept(
        item.events.begin(), item.events.begin() + static_cast<std::ptrdiff_t>(item.visible(now)));
    const Timestamp at =
        kept.empty() || kept.back().time < now ? now : kept.back().time + chr::seconds{1};
    kept.push_back(PlannedEvent{at, detail::k_status_cancelled, detail::PostOffice{},
                                "Khách hàng hủy đơn trước khi bưu cục nhận hàng"});
    item.cancelled_at = at;
    item.set_events(std::move(kept));
    answer(res, 200, dump(ordered_json{{"IsSuccess", true}}));
  }

  static std::optional<int> int_field(const json& body, const char* name, int fallback) {
    const auto found = body.find(name);
    if (found == body.end() || found->is_null()) return fallback;
    if (!found->is_number_integer()) return std::nullopt;
    return found->get<int>();
  }

  void track(const json& body, const RequestFaults& faults, httplib::Response& res) {
    const auto page_index = int_field(body, "PageIndex", 1);
    const auto page_size = int_field(body, "PageSize", 100);
    const auto list = body.find("ListItemCode");
    if (!page_index || *page_index < 1 || !page_size || *page_size < 1) {
      answer(res, 400, failure_body("PageIndex và PageSize phải là số nguyên dương"));
      return;
    }
    if (list == body.end() || !list->is_array()) {
      answer(res, 400, failure_body("ListItemCode phải là danh sách mã bưu gửi"));
      return;
    }
    for (const auto& code : *list) {
      if (!code.is_string()) {
        answer(res, 400, failure_body("ListItemCode chỉ chứa chuỗi ký tự"));
        return;
      }
    }
    const int size = std::min(*page_size, k_max_page_size);
    std::mt19937_64 rng(faults.item_seed);
    const Timestamp now = clock_.now();

    std::string out;
    {
      std::shared_lock lock(items_mutex_);
      std::vector<const Item*> known;
      std::vector<const std::string*> not_found;
      std::unordered_set<std::string_view> seen;
      known.reserve(list->size());
      for (const auto& code : *list) {
        const auto& number = code.get_ref<const std::string&>();
        if (!seen.insert(number).second) continue;
        const auto found = items_.find(number);
        if (found == items_.end() || found->second.visible(now) == 0) {
          not_found.push_back(&number);
        } else {
          known.push_back(&found->second);
        }
      }
      const auto first = std::min(
          known.size(), static_cast<std::size_t>(*page_index - 1) * static_cast<std::size_t>(size));
      const auto last = std::min(known.size(), first + static_cast<std::size_t>(size));
      std::size_t broken_item = last;  // none
      if (faults.malformation != Malformation::none &&
          faults.malformation != Malformation::truncated && last > first) {
        broken_item = first + static_cast<std::size_t>(rng() % (last - first));
      }

      out.reserve(128 + (last - first) * 1600);
      out += fmt::format(R"({{"IsSuccess":true,"PageIndex":{},"PageSize":{},"TotalCount":{},)",
                         *page_index, size, known.size());
      out += "\"Items\":[";
      std::vector<std::size_t> order;
      for (std::size_t i = first; i < last; ++i) {
        if (i != first) out += ',';
        const Item& item = *known[i];
        const std::size_t count = item.visible(now);
        order.resize(count);
        for (std::size_t k = 0; k < count; ++k) order[k] = k;
        const bool duplicate = uniform01(rng) < faults.duplicate_rate;
        const bool reorder = uniform01(rng) < faults.reorder_rate;
        if (duplicate) {
          const std::size_t twice = static_cast<std::size_t>(rng() % count);
          order.insert(order.begin() + static_cast<std::ptrdiff_t>(twice) + 1, twice);
          bump(Counter::duplicated);
        }
        if (reorder && count >= 2) {
          const auto before = order;
          for (std::size_t k = order.size() - 1; k > 0; --k) {
            std::swap(order[k], order[static_cast<std::size_t>(rng() % (k + 1))]);
          }
          if (order == before) std::swap(order[0], order[order.size() - 1]);
          bump(Counter::reordered);
        }
        if (i == broken_item) {
          write_broken_item(out, item, order, count, faults.malformation, rng);
          continue;
        }
        out += item.json_prefix;
        out += std::to_string(item.events[count - 1].status_id);
        out += ",\"Logs\":[";
        for (std::size_t k = 0; k < order.size(); ++k) {
          if (k != 0) out += ',';
          out += item.logs_json[order[k]];
        }
        out += "]}";
      }
      out += "],\"NotFound\":[";
      for (std::size_t i = 0; i < not_found.size(); ++i) {
        if (i != 0) out += ',';
        out += dump(ordered_json(*not_found[i]));
      }
      out += "]}";
      if (broken_item != last) bump(Counter::malformed_item);
    }

    if (faults.malformation == Malformation::truncated) {
      bump(Counter::malformed_body);
      out.resize(out.size() / 2);
    }
    if (faults.drop) {
      bump(Counter::dropped);
      // The headers promise the whole body; half of it is written, then the connection closes.
      auto shared = std::make_shared<std::string>(std::move(out));
      res.status = 200;
      res.set_content_provider(shared->size(), std::string(k_json_type),
                               [shared](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                 if (offset != 0) return false;
                                 sink.write(shared->data(), shared->size() / 2);
                                 return true;
                               });
      return;
    }
    answer(res, 200, out);
  }

  // One item with one wrong field, for malformed_rate (README: "Items are independent").
  static void write_broken_item(std::string& out, const Item& item,
                                const std::vector<std::size_t>& order, std::size_t count,
                                Malformation malformation, std::mt19937_64& rng) {
    ordered_json value;
    if (malformation != Malformation::missing_item_code) {
      value["ItemCode"] = item.tracking_number;
    }
    value["OrderCode"] = item.order_code;
    value["OrderStatusId"] = item.events[count - 1].status_id;
    ordered_json logs = ordered_json::array();
    for (const std::size_t index : order) logs.push_back(event_json(item.events[index]));
    auto& victim = logs[static_cast<std::size_t>(rng() % logs.size())];
    if (malformation == Malformation::status_not_a_number) victim["StatusId"] = "abc";
    if (malformation == Malformation::bad_time) victim["CreateTime"] = "not a date";
    value["Logs"] = std::move(logs);
    out += dump(value);
  }

  // --- Clock and webhooks ------------------------------------------------------------------

  void move_clock(Timestamp target) {
    std::lock_guard clock_lock(clock_mutex_);
    move_clock_locked(target);
  }

  // Requires clock_mutex_.
  void move_clock_locked(Timestamp target) {
    const Timestamp before = clock_.now();
    clock_.set(target);
    if (target > before) queue_new_events(before, target);
  }

  // Queues a delivery for each event with before < time <= after, in time order.
  void queue_new_events(Timestamp before, Timestamp after) {
    std::string url;
    {
      std::lock_guard lock(webhook_mutex_);
      url = webhook_url_;
    }
    if (url.empty()) return;
    std::vector<std::pair<Timestamp, std::string>> fresh;
    {
      std::shared_lock lock(items_mutex_);
      for (const auto& [number, item] : items_) {
        if (item.cancelled_at) continue;
        for (const auto& event : item.events) {
          if (event.time <= before || event.time > after) continue;
          ordered_json data{{"ItemCode", item.tracking_number}, {"OrderCode", item.order_code}};
          const ordered_json fields = event_json(event);
          for (const auto& field : fields.items()) data[field.key()] = field.value();
          fresh.emplace_back(event.time, dump(data));
        }
      }
    }
    std::stable_sort(fresh.begin(), fresh.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    {
      std::lock_guard lock(webhook_mutex_);
      for (auto& [time, data] : fresh) webhook_queue_.push_back(Delivery{url, std::move(data)});
    }
    bump(Counter::webhook_queued, static_cast<std::int64_t>(fresh.size()));
    webhook_cv_.notify_all();
  }

  void push_webhooks() {
    for (;;) {
      Delivery delivery;
      {
        std::unique_lock lock(webhook_mutex_);
        webhook_cv_.wait(lock, [this] { return stopping_ || !webhook_queue_.empty(); });
        if (stopping_) return;
        delivery = std::move(webhook_queue_.front());
        webhook_queue_.pop_front();
      }
      if (!deliver(delivery)) bump(Counter::webhook_failed);
    }
  }

  // Up to k_webhook_attempts tries, each signed afresh with its own SendDate. Returns true iff
  // the receiver answered 200 {"IsSuccess": true}.
  bool deliver(const Delivery& delivery) {
    const auto target = split_url(delivery.url);
    if (!target) return false;
    httplib::Client client(target->first);
    client.set_connection_timeout(chr::seconds{2});
    client.set_read_timeout(chr::seconds{5});
    client.set_tcp_nodelay(true);
    for (int attempt = 0; attempt < k_webhook_attempts; ++attempt) {
      if (attempt > 0) {
        std::unique_lock lock(webhook_mutex_);
        if (webhook_cv_.wait_for(lock, k_webhook_backoff * (1 << (attempt - 1)),
                                 [this] { return stopping_; })) {
          return false;
        }
      }
      bump(Counter::webhook_attempts);
      const std::string send_date = wire_time(clock_.now());
      auto signature = signer_.sign(delivery.data + send_date);
      if (!signature) {
        spdlog::error("carrier simulator: {}", signature.error().message);
        return false;
      }
      const std::string body = dump(
          ordered_json{{"Data", delivery.data}, {"SendDate", send_date}, {"SignData", *signature}});
      const auto result = client.Post(target->second, body, std::string(k_json_type));
      if (result && result->status == 200) {
        const json reply = json::parse(result->body, nullptr, false);
        if (reply.is_object() && reply.value("IsSuccess", false) == true) {
          bump(Counter::webhook_pushed);
          return true;
        }
      }
    }
    return false;
  }

  // --- /sim/ control API -------------------------------------------------------------------

  static std::optional<json> parse_body(const httplib::Request& req, httplib::Response& res) {
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      answer(res, 400, dump(ordered_json{{"error", "the body must be a JSON object"}}));
      return std::nullopt;
    }
    return body;
  }

  static void control_error(httplib::Response& res, int status, const std::string& message) {
    answer(res, status, dump(ordered_json{{"error", message}}));
  }

  void sim_add_items(const httplib::Request& req, httplib::Response& res) {
    const auto body = parse_body(req, res);
    if (!body) return;
    const auto items = body->find("items");
    if (items == body->end() || !items->is_array()) {
      control_error(res, 400, "expected {\"items\": [{\"ItemCode\": ...}, ...]}");
      return;
    }
    struct Request {
      std::string number;
      std::optional<Scenario> scenario;
      std::optional<Timestamp> accepted_at;
      std::string from, to;
    };
    std::vector<Request> requests;
    for (std::size_t i = 0; i < items->size(); ++i) {
      const json& entry = (*items)[i];
      if (!entry.is_object()) {
        control_error(res, 400, fmt::format("items[{}]: expected an object", i));
        return;
      }
      Request request;
      const auto number = string_field(entry, "ItemCode");
      const auto scenario = string_field(entry, "Scenario");
      const auto accepted = string_field(entry, "AcceptedAt");
      const auto from = string_field(entry, "From");
      const auto to = string_field(entry, "To");
      if (!number || number->empty()) {
        control_error(res, 400, fmt::format("items[{}]: ItemCode is missing", i));
        return;
      }
      if (!scenario || !accepted || !from || !to) {
        control_error(res, 400,
                      fmt::format("items[{}]: Scenario, AcceptedAt, From and To are strings", i));
        return;
      }
      request.number = *number;
      if (!scenario->empty()) {
        request.scenario = parse_scenario(*scenario);
        if (!request.scenario) {
          control_error(res, 400,
                        fmt::format("items[{}]: unknown Scenario {}; expected delivered, "
                                    "failed_once, returned or lost",
                                    i, *scenario));
          return;
        }
      }
      if (!accepted->empty()) {
        auto parsed = common::parse_local(*accepted);
        if (!parsed) {
          control_error(res, 400, fmt::format("items[{}]: {}", i, parsed.error().message));
          return;
        }
        request.accepted_at = *parsed;
      }
      request.from = *from;
      request.to = *to;
      requests.push_back(std::move(request));
    }
    int added = 0;
    for (auto& request : requests) {
      if (add_item_from(request.number, request.scenario, request.accepted_at,
                        std::move(request.from), std::move(request.to))) {
        ++added;
      }
    }
    answer(res, 200, dump(ordered_json{{"added", added}}));
  }

  void sim_item(const httplib::Request& req, httplib::Response& res) {
    const std::string number = req.path.substr(std::string_view("/sim/items/").size());
    const auto found = truth(number);
    if (!found) {
      control_error(res, 404, fmt::format("{} is not known to the simulator", number));
      return;
    }
    ordered_json events = ordered_json::array();
    for (const auto& event : found->events) {
      events.push_back(ordered_json{{"StatusId", std::stoi(event.carrier_code)},
                                    {"Status", status_name(event.status)},
                                    {"CreateTime", wire_time(event.time)},
                                    {"PostOfficeCode", event.location_code},
                                    {"PostOfficeName", event.location},
                                    {"Description", event.description}});
    }
    answer(res, 200,
           dump(ordered_json{
               {"ItemCode", found->tracking_number},
               {"Scenario", scenario_name(found->scenario)},
               {"Status", status_name(found->status)},
               {"StatusId", found->status_id.empty() ? ordered_json(nullptr)
                                                     : ordered_json(std::stoi(found->status_id))},
               {"Events", std::move(events)}}));
  }

  void sim_get_clock(const httplib::Request&, httplib::Response& res) {
    answer(res, 200, dump(ordered_json{{"now", wire_time(clock_.now())}}));
  }

  void sim_set_clock(const httplib::Request& req, httplib::Response& res) {
    const auto body = parse_body(req, res);
    if (!body) return;
    const auto advance_by = body->find("advance_seconds");
    const auto set = body->find("set");
    if (advance_by != body->end() && advance_by->is_number_integer() && set == body->end()) {
      advance(chr::seconds{advance_by->get<std::int64_t>()});
    } else if (set != body->end() && set->is_string() && advance_by == body->end()) {
      auto parsed = common::parse_local(set->get<std::string>());
      if (!parsed) {
        control_error(res, 400, parsed.error().message);
        return;
      }
      move_clock(*parsed);
    } else {
      control_error(res, 400,
                    "expected {\"advance_seconds\": <integer>} or {\"set\": "
                    "\"yyyy-MM-ddTHH:mm:ss\"}");
      return;
    }
    sim_get_clock(req, res);
  }

  void sim_get_faults(const httplib::Request&, httplib::Response& res) {
    Faults faults;
    {
      std::lock_guard lock(faults_mutex_);
      faults = faults_;
    }
    answer(res, 200, faults_json(faults).dump());
  }

  void sim_set_faults(const httplib::Request& req, httplib::Response& res) {
    const auto body = parse_body(req, res);
    if (!body) return;
    Faults current;
    {
      std::lock_guard lock(faults_mutex_);
      current = faults_;
    }
    auto merged = merge_faults(current, *body);
    if (!merged) {
      control_error(res, 400, merged.error().message);
      return;
    }
    set_faults(*merged);
    answer(res, 200, faults_json(*merged).dump());
  }

  void sim_expire_tokens(const httplib::Request&, httplib::Response& res) {
    expire_tokens();
    answer(res, 200, dump(ordered_json{{"expired", true}}));
  }

  void sim_webhook(const httplib::Request& req, httplib::Response& res) {
    const auto body = parse_body(req, res);
    if (!body) return;
    const auto url = string_field(*body, "url");
    if (!url || (!url->empty() && !split_url(*url))) {
      control_error(res, 400, "expected {\"url\": \"http://host:port/path\"} or {\"url\": \"\"}");
      return;
    }
    set_webhook_url(*url);
    answer(res, 200, dump(ordered_json{{"url", *url}}));
  }

  void sim_public_key(const httplib::Request&, httplib::Response& res) {
    res.status = 200;
    res.set_content(signer_.public_key_pem(), "application/x-pem-file");
  }

  void sim_counters(const httplib::Request&, httplib::Response& res) {
    ordered_json value = ordered_json::object();
    for (const auto& [name, number] : counters()) value[name] = number;
    answer(res, 200, dump(value));
  }

  Options options_;
  detail::Signer signer_;
  common::ManualClock clock_;
  std::mutex clock_mutex_;  // serialises clock moves so each event is queued for a push once

  mutable std::shared_mutex items_mutex_;
  std::unordered_map<std::string, Item> items_;
  std::unordered_map<std::string, std::string> orders_by_code_;  // OrderCode → tracking number
  std::unordered_map<std::int64_t, std::string> orders_by_id_;   // Id → tracking number
  std::int64_t next_order_id_ = k_first_order_id;

  std::mutex tokens_mutex_;
  std::unordered_map<std::string, Timestamp> tokens_;  // token → expiry, simulator time
  std::mt19937_64 token_rng_;

  std::mutex faults_mutex_;
  Faults faults_;
  std::mt19937_64 fault_rng_;
  double bucket_tokens_;  // token bucket of the rate limit, real time
  chr::steady_clock::time_point bucket_time_;

  std::array<std::atomic<std::int64_t>, static_cast<std::size_t>(Counter::count_)> counters_;

  std::mutex webhook_mutex_;
  std::condition_variable webhook_cv_;
  std::deque<Delivery> webhook_queue_;
  std::string webhook_url_;
  bool stopping_ = false;
  std::thread webhook_thread_;

  httplib::Server server_;
  std::thread listen_thread_;
  int port_ = 0;
  int listening_socket_ = -1;  // set by the socket options callback during bind
  std::mutex stop_mutex_;
  bool stopped_ = false;
};

}  // namespace

common::Result<std::unique_ptr<Simulator>> Simulator::start(Options options) {
  if (options.start_time == Timestamp{}) options.start_time = common::SystemClock{}.now();
  TRY_ASSIGN(auto signer, detail::Signer::generate());
  auto simulator = std::make_unique<SimulatorImpl>(std::move(options), std::move(signer));
  TRY(simulator->listen());
  return std::unique_ptr<Simulator>(std::move(simulator));
}

}  // namespace postal_api::sim
