// Tests of postal_api::sim::Simulator over real HTTP on 127.0.0.1: the wire contract of
// samples/carriers/vnpost/README.md, the scenarios, determinism by seed, each fault, and signed
// webhooks.
#include "postal_api/sim/simulator.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/calendar.hpp"
#include "common/clock.hpp"
#include "common/csv.hpp"

namespace {

namespace chr = std::chrono;
using common::Timestamp;
using nlohmann::json;
using postal_api::ShipmentStatus;
using postal_api::sim::Faults;
using postal_api::sim::Options;
using postal_api::sim::Scenario;
using postal_api::sim::Simulator;

const std::filesystem::path k_source_dir = HOSO_SOURCE_DIR;
const std::string k_api = "/api/api/";

Timestamp at(std::string_view local) {
  auto parsed = common::parse_local(local);
  REQUIRE(parsed.has_value());
  return *parsed;
}

// Friday 20 November 2026, 08:00 in Vietnam.
Timestamp friday_morning() { return at("2026-11-20T08:00:00"); }

std::unique_ptr<Simulator> start_simulator(unsigned seed = 1, Faults faults = {}) {
  Options options;
  options.seed = seed;
  options.start_time = friday_morning();
  options.faults = faults;
  auto started = Simulator::start(options);
  REQUIRE_MESSAGE(started.has_value(), (started ? "" : started.error().message));
  return std::move(started).value();
}

// A client of the simulator; generous timeouts so a slow sanitizer build does not fail a test.
class Desk {
 public:
  explicit Desk(const Simulator& simulator) : client_("127.0.0.1", simulator.port()) {
    client_.set_read_timeout(chr::seconds{30});
    client_.set_tcp_nodelay(true);
  }

  httplib::Result post(const std::string& path, const json& body, const std::string& token = "") {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("h-token", token);
    return client_.Post(path.c_str(), headers, body.dump(), "application/json");
  }

  httplib::Result get(const std::string& path) { return client_.Get(path.c_str()); }

  std::string login() {
    auto res = post(k_api + "MobileAuthentication/GetAccessToken",
                    {{"TenDangNhap", "hoso-desk"}, {"MatKhau", "hoso-sim"}});
    REQUIRE(res);
    REQUIRE(res->status == 200);
    const json answer = json::parse(res->body);
    REQUIRE(answer["IsSuccess"] == true);
    return answer["Token"].get<std::string>();
  }

  httplib::Result track_raw(const std::string& token, const std::vector<std::string>& numbers,
                            int page_index = 1, int page_size = 100) {
    return post(k_api + "Order/GetListOrderByManagerWithCustomCode",
                {{"PageIndex", page_index}, {"PageSize", page_size}, {"ListItemCode", numbers}},
                token);
  }

  json track(const std::string& token, const std::vector<std::string>& numbers, int page_index = 1,
             int page_size = 100) {
    auto res = track_raw(token, numbers, page_index, page_size);
    REQUIRE(res);
    REQUIRE(res->status == 200);
    return json::parse(res->body);
  }

  httplib::Client& client() { return client_; }

 private:
  httplib::Client client_;
};

json full_order(const std::string& order_code) {
  return {{"OrderCode", order_code},
          {"ServiceName", "EMS"},
          {"SenderFullname", "Bộ phận Một cửa UBND quận Hoàn Kiếm"},
          {"SenderTel", "02438251234"},
          {"SenderAddress", "126 Hàng Trống, Hoàn Kiếm, Hà Nội"},
          {"ReceiverFullname", "Nguyễn Văn An"},
          {"ReceiverTel", "0912345678"},
          {"ReceiverAddress", "12 Lý Thường Kiệt, Hoàn Kiếm, Hà Nội"},
          {"PackageContent", "Kết quả giải quyết TTHC"},
          {"WeightEvaluation", 200}};
}

// docs/domain.md §2.2, written out again so the test does not trust the code under test.
int check_digit(const std::string& serial) {
  constexpr std::array<int, 8> k_weights = {8, 6, 4, 2, 3, 5, 9, 7};
  int sum = 0;
  for (std::size_t i = 0; i < 8; ++i) sum += (serial[i] - '0') * k_weights[i];
  const int check = 11 - sum % 11;
  return check == 10 ? 0 : check == 11 ? 5 : check;
}

std::vector<int> status_ids(const json& item) {
  std::vector<int> ids;
  for (const auto& log : item["Logs"]) ids.push_back(log["StatusId"].get<int>());
  return ids;
}

std::vector<Timestamp> log_times(const json& item) {
  std::vector<Timestamp> times;
  for (const auto& log : item["Logs"]) times.push_back(at(log["CreateTime"].get<std::string>()));
  return times;
}

const json& only_item(const json& page) {
  REQUIRE(page["Items"].size() == 1);
  return page["Items"][0];
}

// Waits for `condition` with a deadline instead of sleeping a fixed time.
template <class Condition>
bool eventually(Condition condition, chr::seconds deadline = chr::seconds{30}) {
  const auto until = chr::steady_clock::now() + deadline;
  while (chr::steady_clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(chr::milliseconds{5});
  }
  return condition();
}

// Tracks one item of `scenario` accepted Friday 08:00, 30 days later.
json life_of(Scenario scenario, const std::string& number = "EB123456785VN") {
  auto simulator = start_simulator();
  REQUIRE(simulator->add_item(number, scenario, std::nullopt));
  simulator->advance(chr::days{30});
  Desk desk(*simulator);
  const json item = only_item(desk.track(desk.login(), {number}));
  const auto times = log_times(item);
  for (std::size_t i = 1; i < times.size(); ++i) {
    CHECK(times[i] >= times[i - 1] + chr::minutes{1});  // strictly increasing, minutes apart
  }
  const auto truth = simulator->truth(number);
  REQUIRE(truth);
  CHECK(truth->scenario == scenario);
  CHECK(truth->events.size() == item["Logs"].size());
  CHECK(truth->status_id == std::to_string(item["OrderStatusId"].get<int>()));
  return item;
}

common::Date local_date_of(const json& log) {
  return common::local_date(at(log["CreateTime"].get<std::string>()));
}

bool is_weekday(common::Date date) {
  const chr::weekday day{chr::sys_days{date}};
  return day != chr::Saturday && day != chr::Sunday;
}

// --- Webhook receiver and signature check --------------------------------------------------

struct Received {
  std::string body;
  int answered = 0;
};

class WebhookReceiver {
 public:
  explicit WebhookReceiver(int failures_first = 0) : failures_left_(failures_first) {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      const int status = failures_left_ > 0 ? 500 : 200;
      if (failures_left_ > 0) --failures_left_;
      received_.push_back({req.body, status});
      res.status = status;
      res.set_content(status == 200 ? R"({"IsSuccess":true})" : R"({"IsSuccess":false})",
                      "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    REQUIRE(eventually([this] { return server_.is_running(); }));
  }
  ~WebhookReceiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<Received> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  int failures_left_;
  std::vector<Received> received_;
};

std::vector<unsigned char> base64_decode(const std::string& text) {
  std::vector<unsigned char> out(text.size() / 4 * 3 + 3);
  const int length =
      EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                      static_cast<int>(text.size()));
  REQUIRE(length >= 0);
  std::size_t size = static_cast<std::size_t>(length);
  if (!text.empty() && text.back() == '=') --size;
  if (text.size() > 1 && text[text.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

bool signature_verifies(const std::string& public_pem, const std::string& message,
                        const std::string& signature_base64) {
  BIO* bio = BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) return false;
  const auto signature = base64_decode(signature_base64);
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  const bool ok =
      EVP_DigestVerifyInit(context, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(context, signature.data(), signature.size(),
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(context);
  EVP_PKEY_free(key);
  return ok;
}

}  // namespace

TEST_CASE("login answers a token for the right credentials and IsSuccess false for wrong ones") {
  auto simulator = start_simulator();
  Desk desk(*simulator);
  CHECK_FALSE(desk.login().empty());
  auto res = desk.post(k_api + "MobileAuthentication/GetAccessToken",
                       {{"TenDangNhap", "hoso-desk"}, {"MatKhau", "wrong"}});
  REQUIRE(res);
  CHECK(res->status == 200);
  const json answer = json::parse(res->body);
  CHECK(answer["IsSuccess"] == false);
  CHECK(answer["Token"].is_null());
  CHECK(answer["ErrorMessage"] == "Tên đăng nhập hoặc mật khẩu không đúng");
  CHECK(simulator->counters().at("requests.login") == 2);
}

TEST_CASE("a request without a valid token answers 401: none, unknown, expired or past its TTL") {
  auto simulator = start_simulator();
  simulator->add_item("EB123456785VN", Scenario::delivered, std::nullopt);
  Desk desk(*simulator);
  const auto status_with = [&](const std::string& token) {
    auto res = desk.track_raw(token, {"EB123456785VN"});
    REQUIRE(res);
    if (res->status == 401) {
      CHECK(json::parse(res->body)["ErrorMessage"] == "Token không hợp lệ hoặc đã hết hạn");
    }
    return res->status;
  };
  CHECK(status_with("") == 401);
  CHECK(status_with("not-a-token") == 401);
  const std::string token = desk.login();
  CHECK(status_with(token) == 200);
  simulator->expire_tokens();
  CHECK(status_with(token) == 401);

  const std::string fresh = desk.login();
  simulator->advance(chr::minutes{59});
  CHECK(status_with(fresh) == 200);
  simulator->advance(chr::minutes{1});  // the TTL (one hour) runs on the simulator's clock
  CHECK(status_with(fresh) == 401);
  CHECK(simulator->counters().at("answers.unauthorized") == 4);
}

TEST_CASE("CreateOrder issues an S10 number with a valid check digit, once per OrderCode") {
  auto simulator = start_simulator();
  Desk desk(*simulator);
  const std::string token = desk.login();
  auto res = desk.post(k_api + "CustomerConnect/CreateOrder", full_order("HS-000123-R1"), token);
  REQUIRE(res);
  REQUIRE(res->status == 200);
  const json order = json::parse(res->body);
  const std::string number = order["ItemCode"];
  REQUIRE(number.size() == 13);
  CHECK(number.substr(0, 2) == "EB");
  CHECK(number.substr(11) == "VN");
  CHECK(std::all_of(number.begin() + 2, number.begin() + 11,
                    [](char c) { return c >= '0' && c <= '9'; }));
  CHECK(number[10] - '0' == check_digit(number.substr(2, 8)));
  CHECK(order["OrderCode"] == "HS-000123-R1");
  CHECK(order["OrderStatusId"] == 20);
  CHECK(order["TotalFreight"].get<std::int64_t>() > 0);
  CHECK(order["CreateTime"] == "2026-11-20T08:00:00");
  CHECK(order["Id"].is_number_integer());

  auto again = desk.post(k_api + "CustomerConnect/CreateOrder", full_order("HS-000123-R1"), token);
  REQUIRE(again);
  CHECK(json::parse(again->body)["ItemCode"] == number);
  CHECK(json::parse(again->body)["Id"] == order["Id"]);
  auto other = desk.post(k_api + "CustomerConnect/CreateOrder", full_order("HS-000124-R1"), token);
  REQUIRE(other);
  const std::string other_number = json::parse(other->body)["ItemCode"];
  CHECK(other_number != number);
  CHECK(other_number[10] - '0' == check_digit(other_number.substr(2, 8)));

  // The new item is known at once, as info_received, then collected hours later.
  const json created = only_item(desk.track(token, {number}));
  CHECK(created["OrderCode"] == "HS-000123-R1");
  CHECK(created["OrderStatusId"] == 20);
  CHECK(status_ids(created) == std::vector<int>{20});
  simulator->advance(chr::days{1});
  const auto later = status_ids(only_item(desk.track(desk.login(), {number})));
  REQUIRE(later.size() >= 2);
  CHECK(later[1] == 70);
}

TEST_CASE("CreateOrder refuses an order without the receiver's name, phone or address with 400") {
  auto simulator = start_simulator();
  Desk desk(*simulator);
  const std::string token = desk.login();
  for (const char* field : {"ReceiverFullname", "ReceiverTel", "ReceiverAddress"}) {
    CAPTURE(field);
    json order = full_order(std::string("HS-missing-") + field);
    order.erase(field);
    auto res = desk.post(k_api + "CustomerConnect/CreateOrder", order, token);
    REQUIRE(res);
    CHECK(res->status == 400);
    const json answer = json::parse(res->body);
    CHECK(answer["IsSuccess"] == false);
    CHECK(answer["ErrorMessage"].get<std::string>().find(field) != std::string::npos);
  }
}

TEST_CASE("CancelOrder cancels before collection, is refused after, and answers 404 when unknown") {
  auto simulator = start_simulator();
  Desk desk(*simulator);
  std::string token = desk.login();
  const auto create = [&](const std::string& code) {
    auto res = desk.post(k_api + "CustomerConnect/CreateOrder", full_order(code), token);
    REQUIRE(res);
    return json::parse(res->body);
  };
  const auto cancel = [&](const json& id) {
    auto res = desk.post(k_api + "CustomerConnect/CancelOrder", {{"OrderId", id}}, token);
    REQUIRE(res);
    return std::pair{res->status, json::parse(res->body)};
  };

  const json early = create("HS-early");
  const auto [early_status, early_answer] = cancel(early["Id"]);
  CHECK(early_status == 200);
  CHECK(early_answer["IsSuccess"] == true);
  const json cancelled = only_item(desk.track(token, {early["ItemCode"]}));
  CHECK(cancelled["OrderStatusId"] == 60);
  CHECK(status_ids(cancelled) == std::vector<int>{20, 60});
  simulator->advance(chr::days{10});  // a cancelled order is never collected
  token = desk.login();
  CHECK(status_ids(only_item(desk.track(token, {early["ItemCode"]}))) == std::vector<int>{20, 60});
  CHECK(simulator->truth(early["ItemCode"])->status == ShipmentStatus::cancelled);

  const json late = create("HS-late");
  simulator->advance(chr::days{1});
  token = desk.login();
  const auto [late_status, late_answer] = cancel(late["Id"]);
  CHECK(late_status == 200);
  CHECK(late_answer["IsSuccess"] == false);
  CHECK(late_answer["ErrorMessage"] == "Đơn hàng đã được bưu cục nhận, không thể hủy");

  const auto [unknown_status, unknown_answer] = cancel(999);
  CHECK(unknown_status == 404);
  CHECK(unknown_answer["IsSuccess"] == false);
}

TEST_CASE("a delivered item is collected, in transit, at the delivery office, out and delivered") {
  const json item = life_of(Scenario::delivered);
  CHECK(status_ids(item) == std::vector<int>{70, 80, 85, 90, 100});
  CHECK(item["OrderStatusId"] == 100);
  const auto& logs = item["Logs"];
  CHECK(logs[0]["CreateTime"] == "2026-11-20T08:00:00");
  // Friday's item reaches the delivery office on Saturday and goes out on Monday morning.
  CHECK(common::format_date(local_date_of(logs[2])) == "2026-11-21");
  CHECK(common::format_date(local_date_of(logs[3])) == "2026-11-23");
  for (const auto& log : logs) {
    CHECK(log["PostOfficeCode"].get<std::string>().size() == 6);
    CHECK(log["PostOfficeName"].get<std::string>().rfind("Bưu cục", 0) == 0);
  }
}

TEST_CASE("a failed_once item fails one attempt and is delivered the next working day") {
  const json item = life_of(Scenario::failed_once);
  CHECK(status_ids(item) == std::vector<int>{70, 80, 85, 90, 91, 90, 100});
  CHECK(item["OrderStatusId"] == 100);
  const auto& logs = item["Logs"];
  CHECK_FALSE(logs[4]["Description"].get<std::string>().empty());
  const common::WorkingCalendar weekdays;
  CHECK(local_date_of(logs[5]) == weekdays.next_working_day(local_date_of(logs[4])));
}

TEST_CASE("a returned item fails twice, two working days apart, and goes back to the sender") {
  const json item = life_of(Scenario::returned);
  CHECK(status_ids(item) == std::vector<int>{70, 80, 85, 90, 91, 90, 91, 110, 80, 120});
  CHECK(item["OrderStatusId"] == 120);
  const auto& logs = item["Logs"];
  const common::WorkingCalendar weekdays;
  CHECK(weekdays.working_days_between(local_date_of(logs[4]), local_date_of(logs[6])) == 2);
  CHECK(is_weekday(local_date_of(logs[3])));
  CHECK(is_weekday(local_date_of(logs[5])));
  // It comes back to where it was handed in.
  CHECK(logs[9]["PostOfficeCode"] == logs[0]["PostOfficeCode"]);
}

TEST_CASE("a lost item is collected, in transit, then an exception") {
  const json item = life_of(Scenario::lost);
  const auto ids = status_ids(item);
  REQUIRE(ids.size() == 3);
  CHECK(ids[0] == 70);
  CHECK(ids[1] == 80);
  CHECK((ids[2] == 130 || ids[2] == 140));
}

TEST_CASE("events become visible only when the simulator's clock reaches them") {
  auto simulator = start_simulator();
  REQUIRE(simulator->add_item("EB123456785VN", Scenario::delivered, std::nullopt));
  REQUIRE(
      simulator->add_item("RR473124829GB", Scenario::delivered, friday_morning() + chr::hours{2}));
  CHECK_FALSE(simulator->add_item("EB123456785VN", Scenario::lost, std::nullopt));  // no change
  Desk desk(*simulator);
  const std::string token = desk.login();

  json page = desk.track(token, {"EB123456785VN", "RR473124829GB"});
  CHECK(status_ids(only_item(page)) == std::vector<int>{70});
  CHECK(page["NotFound"] == json::array({"RR473124829GB"}));  // not handed in yet
  CHECK(simulator->truth("RR473124829GB")->status == ShipmentStatus::pending);

  simulator->advance(chr::hours{2});
  page = desk.track(desk.login(), {"EB123456785VN", "RR473124829GB"});
  CHECK(page["TotalCount"] == 2);
  simulator->advance(chr::days{10});
  const auto truth = simulator->truth("EB123456785VN");
  REQUIRE(truth);
  CHECK(truth->events.size() == 5);
  CHECK(truth->status == ShipmentStatus::delivered);
  CHECK(truth->scenario == Scenario::delivered);
}

TEST_CASE("unknown numbers are listed in NotFound and a long list is answered page by page") {
  auto simulator = start_simulator();
  std::vector<std::string> numbers;
  for (int i = 0; i < 250; ++i) {
    numbers.push_back(fmt::format("EB{:08}0VN", 20000000 + i));
    REQUIRE(simulator->add_item(numbers.back(), std::nullopt, std::nullopt));
  }
  std::vector<std::string> asked = numbers;
  asked.insert(asked.begin() + 7, "RR000000000VN");
  asked.push_back("XX-not-a-number");
  Desk desk(*simulator);
  const std::string token = desk.login();
  std::set<std::string> answered;
  for (int page_index = 1; page_index <= 3; ++page_index) {
    const json page = desk.track(token, asked, page_index, 100);
    CHECK(page["IsSuccess"] == true);
    CHECK(page["PageIndex"] == page_index);
    CHECK(page["PageSize"] == 100);
    CHECK(page["TotalCount"] == 250);
    CHECK(page["Items"].size() == (page_index < 3 ? 100U : 50U));
    CHECK(page["NotFound"] == json::array({"RR000000000VN", "XX-not-a-number"}));
    for (const auto& item : page["Items"]) answered.insert(item["ItemCode"].get<std::string>());
  }
  CHECK(answered == std::set<std::string>(numbers.begin(), numbers.end()));
  CHECK(desk.track(token, asked, 4, 100)["Items"].empty());
}

TEST_CASE(
    "the same seed gives the same scenarios and event times whatever the order items come in") {
  std::vector<std::string> numbers;
  for (int i = 0; i < 1000; ++i) numbers.push_back(fmt::format("RR{:08}5VN", 31000000 + i * 7));
  auto first = start_simulator(5);
  auto second = start_simulator(5);
  auto other_seed = start_simulator(6);
  for (const auto& number : numbers) first->add_item(number, std::nullopt, std::nullopt);
  for (auto it = numbers.rbegin(); it != numbers.rend(); ++it) {
    second->add_item(*it, std::nullopt, std::nullopt);
  }
  for (const auto& number : numbers) other_seed->add_item(number, std::nullopt, std::nullopt);
  for (auto* simulator : {first.get(), second.get(), other_seed.get()}) {
    simulator->advance(chr::days{30});
  }

  std::map<Scenario, int> mix;
  int differs_with_other_seed = 0;
  for (const auto& number : numbers) {
    const auto a = first->truth(number);
    const auto b = second->truth(number);
    const auto c = other_seed->truth(number);
    REQUIRE((a && b && c));
    CHECK(a->scenario == b->scenario);
    REQUIRE(a->events.size() == b->events.size());
    for (std::size_t i = 0; i < a->events.size(); ++i) {
      CHECK(a->events[i].time == b->events[i].time);
      CHECK(a->events[i].key() == b->events[i].key());
    }
    ++mix[a->scenario];
    if (c->scenario != a->scenario || c->events.back().time != a->events.back().time) {
      ++differs_with_other_seed;
    }
  }
  CHECK(differs_with_other_seed > 500);
  // 80% delivered, 10% failed_once, 6% returned, 4% lost, give or take chance.
  CHECK(mix[Scenario::delivered] > 740);
  CHECK(mix[Scenario::delivered] < 860);
  CHECK(mix[Scenario::failed_once] > 60);
  CHECK(mix[Scenario::returned] > 30);
  CHECK(mix[Scenario::lost] > 15);
}

TEST_CASE("every status id the simulator reports is in vnpost-status.csv with the same status") {
  auto rows = common::read_csv(k_source_dir / "samples/carriers/vnpost-status.csv");
  REQUIRE(rows.has_value());
  std::map<std::string, std::string> table;
  for (const auto& row : *rows) {
    if (row.fields.at(0) == "code") continue;
    table[row.fields.at(0)] = row.fields.at(1);
  }
  auto simulator = start_simulator();
  std::vector<std::string> numbers;
  for (int i = 0; i < 200; ++i) {
    numbers.push_back(fmt::format("EB{:08}0VN", 40000000 + i));
    simulator->add_item(numbers.back(), static_cast<Scenario>(i % 4), std::nullopt);
  }
  Desk desk(*simulator);
  const std::string token = desk.login();
  auto res = desk.post(k_api + "CustomerConnect/CreateOrder", full_order("HS-cancel"), token);
  REQUIRE(res);
  const json order = json::parse(res->body);
  desk.post(k_api + "CustomerConnect/CancelOrder", {{"OrderId", order["Id"]}}, token);
  numbers.push_back(order["ItemCode"]);
  simulator->advance(chr::days{30});
  std::set<std::string> seen;
  for (const auto& number : numbers) {
    const auto truth = simulator->truth(number);
    REQUIRE(truth);
    for (const auto& event : truth->events) {
      CAPTURE(event.carrier_code);
      REQUIRE(table.count(event.carrier_code) == 1);
      CHECK(table[event.carrier_code] == postal_api::status_name(event.status));
      seen.insert(event.carrier_code);
    }
  }
  CHECK(seen == std::set<std::string>{"20", "60", "70", "80", "85", "90", "91", "100", "110", "120",
                                      "130", "140"});
}

TEST_CASE("error_rate 1 answers every carrier request with 500, 502 or 503, never /sim/") {
  Faults faults;
  faults.error_rate = 1;
  auto simulator = start_simulator(1, faults);
  Desk desk(*simulator);
  std::set<int> statuses;
  for (int i = 0; i < 30; ++i) {
    auto res = desk.post(k_api + "MobileAuthentication/GetAccessToken",
                         {{"TenDangNhap", "hoso-desk"}, {"MatKhau", "hoso-sim"}});
    REQUIRE(res);
    statuses.insert(res->status);
  }
  CHECK(statuses == std::set<int>{500, 502, 503});
  const auto counters = simulator->counters();
  CHECK(counters.at("faults.error_500") + counters.at("faults.error_502") +
            counters.at("faults.error_503") ==
        30);
  auto clock = desk.get("/sim/clock");
  REQUIRE(clock);
  CHECK(clock->status == 200);
  CHECK(json::parse(clock->body)["now"] == "2026-11-20T08:00:00");
}

TEST_CASE("the same seed gives the same faults for the same order of requests") {
  Faults faults;
  faults.error_rate = 0.5;
  const auto statuses = [&] {
    auto simulator = start_simulator(3, faults);
    Desk desk(*simulator);
    std::vector<int> seen;
    for (int i = 0; i < 40; ++i) {
      auto res = desk.post(k_api + "MobileAuthentication/GetAccessToken",
                           {{"TenDangNhap", "hoso-desk"}, {"MatKhau", "hoso-sim"}});
      REQUIRE(res);
      seen.push_back(res->status);
    }
    return seen;
  };
  const auto first = statuses();
  CHECK(first == statuses());
  CHECK(std::count(first.begin(), first.end(), 200) > 5);
  CHECK(std::count(first.begin(), first.end(), 200) < 35);
}

TEST_CASE("above the rate limit a request answers 429 with Retry-After: 1") {
  Faults faults;
  faults.rate_limit_per_second = 0.5;  // one request, then one every two seconds
  auto simulator = start_simulator(1, faults);
  Desk desk(*simulator);
  int limited = 0;
  for (int i = 0; i < 10; ++i) {
    auto res = desk.post(k_api + "MobileAuthentication/GetAccessToken",
                         {{"TenDangNhap", "hoso-desk"}, {"MatKhau", "hoso-sim"}});
    REQUIRE(res);
    if (res->status == 429) {
      ++limited;
      CHECK(res->get_header_value("Retry-After") == "1");
    }
  }
  CHECK(limited >= 1);
  CHECK(simulator->counters().at("faults.rate_limited") == limited);
}

TEST_CASE("latency delays each carrier answer and is counted") {
  Faults faults;
  faults.latency = chr::milliseconds{50};
  auto simulator = start_simulator(1, faults);
  Desk desk(*simulator);
  const auto started = chr::steady_clock::now();
  desk.login();
  CHECK(chr::steady_clock::now() - started >= chr::milliseconds{50});
  CHECK(simulator->counters().at("faults.latency") == 1);
}

TEST_CASE("drop_rate 1 cuts the tracking answer off mid-body and the client sees a failed read") {
  auto simulator = start_simulator();
  simulator->add_item("EB123456785VN", Scenario::delivered, std::nullopt);
  Desk desk(*simulator);
  const std::string token = desk.login();
  Faults faults;
  faults.drop_rate = 1;
  simulator->set_faults(faults);
  auto res = desk.track_raw(token, {"EB123456785VN"});
  CHECK_FALSE(res);
  CHECK(simulator->counters().at("faults.dropped") == 1);
  simulator->set_faults({});
  CHECK(desk.track(token, {"EB123456785VN"})["TotalCount"] == 1);  // a new connection works
}

TEST_CASE("malformed_rate 1 answers bodies that are not JSON or pages with one broken item") {
  auto simulator = start_simulator();
  std::vector<std::string> numbers;
  for (int i = 0; i < 10; ++i) {
    numbers.push_back(fmt::format("EB{:08}0VN", 50000000 + i));
    simulator->add_item(numbers.back(), Scenario::delivered, std::nullopt);
  }
  simulator->advance(chr::days{10});
  Desk desk(*simulator);
  const std::string token = desk.login();
  Faults faults;
  faults.malformed_rate = 1;
  simulator->set_faults(faults);
  std::set<std::string> kinds;
  for (int i = 0; i < 40; ++i) {
    auto res = desk.track_raw(token, numbers);
    REQUIRE(res);
    REQUIRE(res->status == 200);
    const json page = json::parse(res->body, nullptr, false);
    if (page.is_discarded()) {
      kinds.insert("not json");
      continue;
    }
    int broken = 0;
    for (const auto& item : page["Items"]) {
      if (!item.contains("ItemCode")) {
        kinds.insert("missing ItemCode");
        ++broken;
      }
      for (const auto& log : item["Logs"]) {
        if (log["StatusId"] == "abc") {
          kinds.insert("StatusId abc");
          ++broken;
        }
        if (log["CreateTime"] == "not a date") {
          kinds.insert("bad CreateTime");
          ++broken;
        }
      }
    }
    CHECK(broken == 1);                 // one item only ...
    CHECK(page["Items"].size() == 10);  // ... the rest of the page is intact
  }
  CHECK(kinds ==
        std::set<std::string>{"not json", "missing ItemCode", "StatusId abc", "bad CreateTime"});
  const auto counters = simulator->counters();
  CHECK(counters.at("faults.malformed_body") + counters.at("faults.malformed_item") == 40);
}

TEST_CASE("duplicate_rate 1 lists one event of each item twice and reorder_rate 1 shuffles them") {
  auto simulator = start_simulator();
  std::vector<std::string> numbers;
  for (int i = 0; i < 20; ++i) {
    numbers.push_back(fmt::format("EB{:08}0VN", 60000000 + i));
    simulator->add_item(numbers.back(), Scenario::delivered, std::nullopt);
  }
  simulator->advance(chr::days{10});
  Desk desk(*simulator);
  const std::string token = desk.login();

  Faults duplicates;
  duplicates.duplicate_rate = 1;
  simulator->set_faults(duplicates);
  const json duplicated = desk.track(token, numbers);
  for (const auto& item : duplicated["Items"]) {
    REQUIRE(item["Logs"].size() == 6);
    std::set<std::string> distinct;
    for (const auto& log : item["Logs"]) distinct.insert(log.dump());
    CHECK(distinct.size() == 5);
  }
  CHECK(simulator->counters().at("faults.duplicated") == 20);

  Faults reorders;
  reorders.reorder_rate = 1;
  simulator->set_faults(reorders);
  const json reordered = desk.track(token, numbers);
  for (const auto& item : reordered["Items"]) {
    const auto times = log_times(item);
    CHECK(times.size() == 5);
    CHECK_FALSE(std::is_sorted(times.begin(), times.end()));
  }
  CHECK(simulator->counters().at("faults.reordered") == 20);
}

TEST_CASE("Faults::all sets every rate and a rate limit a batch client reaches") {
  const Faults faults = Faults::all(0.1);
  CHECK(faults.error_rate == 0.1);
  CHECK(faults.drop_rate == 0.1);
  CHECK(faults.malformed_rate == 0.1);
  CHECK(faults.duplicate_rate == 0.1);
  CHECK(faults.reorder_rate == 0.1);
  CHECK(faults.rate_limit_per_second == 40);
  CHECK(Faults::all(0).rate_limit_per_second == 0);
}

TEST_CASE(
    "each event made visible by the clock is pushed as a webhook that verifies with the key") {
  WebhookReceiver receiver(/*failures_first=*/1);
  auto simulator = start_simulator();
  simulator->set_webhook_url(receiver.url());
  // Accepted a minute from now, so all five events become visible by advancing the clock.
  simulator->add_item("EB123456785VN", Scenario::delivered, friday_morning() + chr::minutes{1});
  simulator->advance(chr::days{10});
  REQUIRE(eventually([&] { return simulator->counters().at("webhooks.pushed") == 5; }));
  const auto received = receiver.received();
  REQUIRE(received.size() == 6);  // one refused first attempt, retried
  CHECK(received[0].answered == 500);
  CHECK(received[0].body == received[1].body);  // the clock did not move, so the same SendDate

  Desk desk(*simulator);
  auto key = desk.get("/sim/public-key");
  REQUIRE(key);
  CHECK(key->body == simulator->public_key_pem());
  std::vector<int> pushed_ids;
  for (std::size_t i = 1; i < received.size(); ++i) {
    const json delivery = json::parse(received[i].body);
    const std::string data = delivery["Data"];
    const std::string send_date = delivery["SendDate"];
    CHECK(send_date == "2026-11-30T08:00:00");
    CHECK(signature_verifies(simulator->public_key_pem(), data + send_date, delivery["SignData"]));
    CHECK_FALSE(signature_verifies(simulator->public_key_pem(), data + send_date + " ",
                                   delivery["SignData"]));
    const json event = json::parse(data);
    CHECK(event["ItemCode"] == "EB123456785VN");
    CHECK(event.contains("CreateTime"));
    CHECK(event.contains("PostOfficeCode"));
    pushed_ids.push_back(event["StatusId"]);
  }
  CHECK(pushed_ids == std::vector<int>{70, 80, 85, 90, 100});
  const auto counters = simulator->counters();
  CHECK(counters.at("webhooks.attempts") == 6);
  CHECK(counters.at("webhooks.failed") == 0);
}

TEST_CASE("a webhook that keeps failing is given up after three attempts and counted") {
  WebhookReceiver receiver(/*failures_first=*/100);
  auto simulator = start_simulator();
  simulator->set_webhook_url(receiver.url());
  simulator->add_item("EB123456785VN", Scenario::lost, friday_morning() + chr::minutes{1});
  simulator->advance(chr::hours{1});  // only the 70 becomes visible
  REQUIRE(eventually([&] { return simulator->counters().at("webhooks.failed") == 1; }));
  CHECK(receiver.received().size() == 3);
  CHECK(simulator->counters().at("webhooks.pushed") == 0);
}

TEST_CASE("the control API registers items, tells the truth, moves the clock and sets faults") {
  auto simulator = start_simulator();
  Desk desk(*simulator);
  auto res = desk.post("/sim/items", {{"items",
                                       {{{"ItemCode", "EB123456785VN"},
                                         {"Scenario", "returned"},
                                         {"AcceptedAt", "2026-11-19T09:30:00"},
                                         {"From", "100000"},
                                         {"To", "700000"}},
                                        {{"ItemCode", "RR473124829GB"}}}}});
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(json::parse(res->body)["added"] == 2);
  res = desk.post("/sim/items", {{"items", {{{"ItemCode", "X"}, {"Scenario", "stolen"}}}}});
  REQUIRE(res);
  CHECK(res->status == 400);

  res = desk.get("/sim/items/EB123456785VN");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  json truth = json::parse(res->body);
  CHECK(truth["Scenario"] == "returned");
  CHECK(truth["Events"][0]["CreateTime"] == "2026-11-19T09:30:00");
  CHECK(truth["Events"][0]["PostOfficeCode"] == "100000");
  CHECK(desk.get("/sim/items/NOPE")->status == 404);

  res = desk.post("/sim/clock", {{"advance_seconds", 86400}});
  REQUIRE(res);
  CHECK(json::parse(res->body)["now"] == "2026-11-21T08:00:00");
  res = desk.post("/sim/clock", {{"set", "2026-12-30T08:00:00"}});
  REQUIRE(res);
  CHECK(json::parse(desk.get("/sim/clock")->body)["now"] == "2026-12-30T08:00:00");
  truth = json::parse(desk.get("/sim/items/EB123456785VN")->body);
  CHECK(truth["Status"] == "returned");
  CHECK(truth["StatusId"] == 120);
  CHECK(truth["Events"].back()["PostOfficeCode"] == "100000");

  res = desk.post("/sim/faults", {{"error_rate", 0.25}, {"latency_ms", 5}});
  REQUIRE(res);
  const json faults = json::parse(desk.get("/sim/faults")->body);
  CHECK(faults["error_rate"] == 0.25);
  CHECK(faults["latency_ms"] == 5);
  CHECK(faults["drop_rate"] == 0.0);
  CHECK(desk.post("/sim/faults", {{"error_rate", 2}})->status == 400);
  desk.post("/sim/faults", {{"error_rate", 0}, {"latency_ms", 0}});

  const std::string token = desk.login();
  CHECK(desk.post("/sim/expire-tokens", json::object())->status == 200);
  CHECK(desk.track_raw(token, {"EB123456785VN"})->status == 401);

  WebhookReceiver receiver;
  CHECK(desk.post("/sim/webhook", {{"url", receiver.url()}})->status == 200);
  CHECK(desk.post("/sim/webhook", {{"url", "ftp://nowhere"}})->status == 400);
  simulator->add_item("EB000000000VN", Scenario::delivered,
                      at("2026-12-30T08:00:00") + chr::minutes{1});
  desk.post("/sim/clock", {{"advance_seconds", 3600}});
  REQUIRE(eventually([&] { return receiver.received().size() == 1; }));
  CHECK(desk.post("/sim/webhook", {{"url", ""}})->status == 200);
  CHECK(simulator->counters().at("requests.sim") >= 15);
}

TEST_CASE("start fails with io_error when the port is taken, and stop can be called twice") {
  auto first = start_simulator();
  Options options;
  options.port = first->port();
  auto second = Simulator::start(options);
  REQUIRE_FALSE(second.has_value());
  CHECK(second.error().code == common::ErrorCode::io_error);
  CHECK(first->base_url() == fmt::format("http://127.0.0.1:{}/api/api/", first->port()));
  first->stop();
  first->stop();
}
