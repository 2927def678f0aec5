// `hoso serve`'s first endpoints against a real server on a free port of 127.0.0.1 and a real
// SQLite file: health, the public lookup (no personal data, one answer for every miss, a rate
// limit per address), the carrier's webhooks pushed by the simulator (and one replayed after a
// restart), JSON errors.
#include <doctest/doctest.h>
#include <httplib.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/desk_server.hpp"
#include "common/s10.hpp"
#include "db/store.hpp"
#include "postal_api/sim/detail/signer.hpp"
#include "postal_api/sim/simulator.hpp"
#include "postal_api/vnpost.hpp"
#include "tests/support/desk.hpp"
#include "tests/support/files.hpp"
#include "tests/support/nginx.hpp"
#include "tests/support/sockets.hpp"

namespace {

using common::Result;
using common::Timestamp;
namespace sim = postal_api::sim;

constexpr const char* k_name = "Nguyễn Thị Hồng Nhung";
constexpr const char* k_id_number = "079188001234";
constexpr const char* k_lookup_code = "K7M2Q9XP";

using test_support::at;

// A desk with one accepted dossier: its envelope, applicant and lookup code.
struct Desk : test_support::Desk {
  std::string number = common::make_s10("EB", 31'000'001);

  Desk() : test_support::Desk(at("2026-11-23 09:00"), "Một cửa") {
    const Timestamp filed = at("2026-11-23 08:30");
    const db::Id id = add_dossier(filed, std::nullopt, k_lookup_code);
    put_in_state(id, db::DossierState::accepted, "000.00.05.H12-261123-0001", std::nullopt,
                 at("2026-11-30 17:00"));
    test_support::Person applicant;
    applicant.full_name = k_name;
    applicant.id_number = k_id_number;
    applicant.address = "12 Lê Duẩn, Hải Châu, Đà Nẵng";
    applicant.phone = "0905123456";
    applicant.return_address.clear();
    add_applicant(id, applicant);
    add_shipment(shipment(number, db::Direction::inbound, "in_transit", filed, id));
  }
};

std::string lookup_path(const std::string& code, const std::string& lookup_code) {
  return fmt::format("/api/public/lookup?code={}&lookup_code={}", code, lookup_code);
}

// A free port on 127.0.0.1, the other options at their defaults.
app::ServerOptions local_options() {
  app::ServerOptions options;
  options.port = 0;
  return options;
}

}  // namespace

TEST_CASE("the health endpoint answers with the schema version and security headers") {
  Desk desk;
  auto server = app::DeskServer::start(*desk.store, nullptr, desk.clock, local_options());
  REQUIRE(server.has_value());
  httplib::Client client("127.0.0.1", (*server)->port());
  const auto res = client.Get("/api/health");
  REQUIRE(res);
  CHECK(res->status == 200);
  const auto body = nlohmann::json::parse(res->body);
  CHECK(body["status"] == "ok");
  CHECK(body["schema_version"] == db::schema_version());
  CHECK(body["dossiers"] == 1);
  CHECK(res->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(res->get_header_value("Content-Security-Policy").find("default-src 'self'") !=
        std::string::npos);

  const auto missing = client.Get("/api/nothing-here");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(nlohmann::json::parse(missing->body)["error"]["code"] == "not_found");
}

TEST_CASE(
    "regression: the health endpoint fails when the database refuses writes or a newer hoso has "
    "migrated it") {
  // Before: it read one count and reported this binary's schema version, so a read-only or full
  // disk and a file migrated under it both answered "ok".
  Desk desk;
  test_support::RefusingStore refusing(*desk.store);
  app::ServerOptions options = local_options();
  options.health_probe_every = std::chrono::milliseconds(0);  // every request probes
  auto server = app::DeskServer::start(refusing, nullptr, desk.clock, options);
  REQUIRE(server.has_value());
  httplib::Client client("127.0.0.1", (*server)->port());
  auto healthy = client.Get("/api/health");
  REQUIRE(healthy);
  CHECK(healthy->status == 200);

  refusing.refuse_writes = true;
  auto unwritable = client.Get("/api/health");
  REQUIRE(unwritable);
  CHECK(unwritable->status == 503);
  CHECK(nlohmann::json::parse(unwritable->body)["error"]["code"] == "unavailable");
  refusing.refuse_writes = false;

  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(desk.database.c_str(), &raw) == SQLITE_OK);
  const std::string bump = fmt::format("PRAGMA user_version = {}", db::schema_version() + 1);
  CHECK(sqlite3_exec(raw, bump.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(raw);
  auto migrated = client.Get("/api/health", {{"Accept-Language", "en"}});
  REQUIRE(migrated);
  CHECK(migrated->status == 503);
  CHECK(nlohmann::json::parse(migrated->body)["error"]["message"].get<std::string>().find(
            "schema version") != std::string::npos);
}

TEST_CASE("polling the health endpoint does not write to the database on every request") {
  Desk desk;
  test_support::RefusingStore refusing(*desk.store);
  auto server = app::DeskServer::start(refusing, nullptr, desk.clock, local_options());
  REQUIRE(server.has_value());
  httplib::Client client("127.0.0.1", (*server)->port());
  auto first = client.Get("/api/health");
  REQUIRE(first);
  CHECK(first->status == 200);
  // Within the probe interval the last success stands: the refused writes are not even tried.
  refusing.refuse_writes = true;
  for (int i = 0; i < 5; ++i) {
    auto again = client.Get("/api/health");
    REQUIRE(again);
    CHECK(again->status == 200);
  }
}

TEST_CASE(
    "a citizen's lookup shows the dossier without personal data and every miss looks the "
    "same") {
  Desk desk;
  auto server = app::DeskServer::start(*desk.store, nullptr, desk.clock, local_options());
  REQUIRE(server.has_value());
  httplib::Client client("127.0.0.1", (*server)->port());

  const auto found = client.Get(lookup_path(desk.number, k_lookup_code));
  REQUIRE(found);
  CHECK(found->status == 200);
  CHECK(found->body.find("000.00.05.H12-261123-0001") != std::string::npos);
  for (const char* personal : {k_name, k_id_number, "Lê Duẩn", "0905123456"}) {
    CHECK(found->body.find(personal) == std::string::npos);
  }

  const auto wrong_code = client.Get(lookup_path(desk.number, "AAAAAAAA"));
  const auto unknown = client.Get(lookup_path(common::make_s10("EB", 31'000'002), k_lookup_code));
  REQUIRE(wrong_code);
  REQUIRE(unknown);
  CHECK(wrong_code->status == 404);
  CHECK(unknown->status == 404);
  CHECK(wrong_code->body == unknown->body);  // a sequential number cannot be probed

  const auto incomplete = client.Get("/api/public/lookup?code=" + desk.number);
  REQUIRE(incomplete);
  CHECK(incomplete->status == 400);
  CHECK(nlohmann::json::parse(incomplete->body)["error"]["code"] == "invalid_argument");
}

TEST_CASE(
    "regression: with 100 slow connections open from one address, a citizen's lookup from "
    "another is answered") {
  // Before: every connection held one of 32 worker threads for as long as it sent a header line
  // within each 5 s read timeout, so 40 such clients stalled the whole server.
  Desk desk;
  app::ServerOptions options = local_options();
  options.connections_per_address = 32;
  auto server = app::DeskServer::start(*desk.store, nullptr, desk.clock, options);
  REQUIRE(server.has_value());
  const int port = (*server)->port();
  std::vector<test_support::RawClient> slow;
  for (int i = 0; i < 100; ++i) {
    slow.emplace_back(port, "127.0.0.2");
    (void)slow.back().send("GET /api/public/lookup?code=x&lookup_code=y HTTP/1.1\r\nX-A: 1\r\n");
  }
  // They keep dribbling, one header line a second each, while the citizen looks up.
  std::atomic<bool> done{false};
  std::thread dribble([&] {
    while (!done) {
      for (auto& client : slow) (void)client.send("X-B: 2\r\n");
      for (int i = 0; i < 10 && !done; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  });
  test_support::RawClient citizen(port, "127.0.0.3");
  REQUIRE(citizen.send(
      fmt::format("GET {} HTTP/1.1\r\nHost: x\r\n\r\n", lookup_path(desk.number, k_lookup_code))));
  const auto answer = citizen.read_answer();
  done = true;
  dribble.join();
  CHECK(answer.status == 200);
  CHECK(answer.body.find("000.00.05.H12-261123-0001") != std::string::npos);
  // One address holds at most its share; the rest were closed at once.
  CHECK((*server)->stats().refused_per_address >= 100 - 32);
}

namespace {

// One lookup of the desk's dossier sent to `port` from `source`, with extra header lines; the
// answer's status.
int lookup_status(int port, const std::string& source, const Desk& desk,
                  const std::string& extra_headers = "") {
  test_support::RawClient client(port, source);
  if (!client.send(fmt::format("GET {} HTTP/1.1\r\nHost: x\r\n{}Connection: close\r\n\r\n",
                               lookup_path(desk.number, k_lookup_code), extra_headers))) {
    return 0;
  }
  return client.read_answer().status;
}

}  // namespace

TEST_CASE("behind a trusted nginx the lookup limit applies to each real client, not the proxy") {
  Desk desk;
  app::ServerOptions options = local_options();
  options.lookups_per_minute = 3;
  options.trusted_proxies = {"127.0.0.1"};
  auto server = app::DeskServer::start(*desk.store, nullptr, desk.clock, options);
  REQUIRE(server.has_value());
  test_support::Nginx nginx((*server)->port());

  for (int i = 0; i < 3; ++i) CHECK(lookup_status(nginx.port(), "127.0.0.2", desk) == 200);
  CHECK(lookup_status(nginx.port(), "127.0.0.2", desk) == 429);
  // Another citizen behind the same proxy has a bucket of their own.
  CHECK(lookup_status(nginx.port(), "127.0.0.3", desk) == 200);
  // What a client writes into X-Forwarded-For itself buys it nothing: nginx appends the address
  // it heard from, and that is the one believed...
  CHECK(lookup_status(nginx.port(), "127.0.0.2", desk, "X-Forwarded-For: 127.0.0.77\r\n") == 429);
  // ...and a client that is not the proxy is not believed at all.
  CHECK(lookup_status((*server)->port(), "127.0.0.2", desk, "X-Forwarded-For: 127.0.0.78\r\n") ==
        429);

  // Without --trusted-proxy, everyone behind nginx is one client (the proxy): the reason it exists.
  app::ServerOptions untrusting = local_options();
  untrusting.lookups_per_minute = 3;
  auto plain = app::DeskServer::start(*desk.store, nullptr, desk.clock, untrusting);
  REQUIRE(plain.has_value());
  test_support::Nginx shared_proxy((*plain)->port());
  for (int i = 0; i < 3; ++i) CHECK(lookup_status(shared_proxy.port(), "127.0.0.2", desk) == 200);
  CHECK(lookup_status(shared_proxy.port(), "127.0.0.3", desk) == 429);
}

TEST_CASE("a request the server cannot take is answered in JSON in the client's language") {
  Desk desk;
  auto server = app::DeskServer::start(*desk.store, nullptr, desk.clock, local_options());
  REQUIRE(server.has_value());
  test_support::RawClient long_uri((*server)->port());
  REQUIRE(long_uri.send("GET /api/public/lookup?code=" + std::string(9000, 'A') +
                        " HTTP/1.1\r\nAccept-Language: vi\r\n\r\n"));
  const auto too_long = long_uri.read_answer();
  CHECK(too_long.status == 414);
  const auto body = nlohmann::json::parse(too_long.body);
  CHECK(body["error"]["code"] == "uri_too_long");
  CHECK(body["error"]["message"] == "Địa chỉ yêu cầu dài quá 8 KB.");

  httplib::Client client("127.0.0.1", (*server)->port());
  const auto wrong_method = client.Get("/api/login", {{"Accept-Language", "en"}});
  REQUIRE(wrong_method);
  CHECK(wrong_method->status == 405);
  CHECK(nlohmann::json::parse(wrong_method->body)["error"]["message"] ==
        "/api/login does not take GET");
}

TEST_CASE("public lookups from one address beyond the limit are refused with Retry-After") {
  Desk desk;
  app::ServerOptions options = local_options();
  options.lookups_per_minute = 5;
  auto server = app::DeskServer::start(*desk.store, nullptr, desk.clock, options);
  REQUIRE(server.has_value());
  httplib::Client client("127.0.0.1", (*server)->port());
  for (int i = 0; i < 5; ++i) {
    const auto res = client.Get(lookup_path(desk.number, "AAAAAAAA"));
    REQUIRE(res);
    CHECK(res->status == 404);
  }
  const auto throttled = client.Get(lookup_path(desk.number, k_lookup_code));
  REQUIRE(throttled);
  CHECK(throttled->status == 429);
  CHECK(std::stoi(throttled->get_header_value("Retry-After")) >= 1);
  // The health endpoint is not a lookup: still served.
  const auto health = client.Get("/api/health");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("citizens' requests take the public lane, so staff work cannot hold them up") {
  Desk desk;
  auto server = app::DeskServer::start(*desk.store, nullptr, desk.clock, local_options());
  REQUIRE(server.has_value());
  httplib::Client client("127.0.0.1", (*server)->port());
  const auto lookup = client.Get(lookup_path(desk.number, k_lookup_code));
  REQUIRE(lookup);
  CHECK(lookup->status == 200);
  for (const char* path : {"/tra-cuu", "/static/app.css"}) {
    const auto res = client.Get(path);
    REQUIRE(res);
    CHECK(res->status == 200);
  }
  CHECK((*server)->stats().priority_requests == 3);
  // Staff routes, health (it writes), and anything but a read of the public ones, queue with the
  // rest.
  const auto health = client.Get("/api/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  const auto list = client.Get("/api/dossiers?q=nguyen");
  REQUIRE(list);
  CHECK(list->status == 401);
  const auto posted = client.Post("/api/public/lookup", "", "application/json");
  REQUIRE(posted);
  CHECK(posted->status == 405);
  CHECK((*server)->stats().priority_requests == 3);
}

TEST_CASE("the carrier's webhooks are verified and stored, and a forged one is refused") {
  Desk desk;
  sim::Options sim_options;
  sim_options.start_time = at("2026-11-23 07:00");
  auto carrier_sim = sim::Simulator::start(sim_options).value();
  carrier_sim->add_item(desk.number, sim::Scenario::delivered, at("2026-11-20 09:00"));
  const auto key_file = desk.dir.write("carrier-public.pem", carrier_sim->public_key_pem());
  postal_api::CarrierConfig config;
  config.base_url = carrier_sim->base_url();
  config.username = "hoso-desk";
  config.password = "hoso-sim";
  config.status_map = std::filesystem::path(HOSO_SOURCE_DIR) / "samples/carriers/vnpost-status.csv";
  config.webhook_public_key = key_file;
  common::ManualClock clock(carrier_sim->now());  // signatures are checked against this
  auto carrier = postal_api::make_vnpost_carrier(config, clock).value();

  auto server = app::DeskServer::start(*desk.store, carrier.get(), clock, local_options());
  REQUIRE(server.has_value());
  carrier_sim->set_webhook_url(
      fmt::format("http://127.0.0.1:{}/webhooks/vnpost", (*server)->port()));
  carrier_sim->advance(std::chrono::hours(72));
  clock.set(carrier_sim->now());

  // Wait (bounded) until the simulator has pushed everything it queued.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    const auto counters = carrier_sim->counters();
    const auto queued = counters.at("webhooks.queued");
    if ((queued > 0 && counters.at("webhooks.pushed") + counters.at("webhooks.failed") == queued) ||
        std::chrono::steady_clock::now() > deadline) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto counters = carrier_sim->counters();
  REQUIRE(counters.at("webhooks.queued") > 0);
  CHECK(counters.at("webhooks.pushed") == counters.at("webhooks.queued"));

  std::size_t stored = 0;
  std::string status;
  REQUIRE(desk.store
              ->read([&](db::Transaction& tx) -> Result<void> {
                auto shipment =
                    tx.find_shipment(desk.number, db::Direction::inbound, Timestamp{}).value();
                stored = tx.carrier_events_of(shipment->id).value().size();
                status = shipment->status;
                return {};
              })
              .has_value());
  // Every event pushed is stored once; the shipment has the carrier's status.
  CHECK(stored == static_cast<std::size_t>(counters.at("webhooks.pushed")));
  CHECK(status == postal_api::status_name(carrier_sim->truth(desk.number).value().status));
  CHECK(status == "delivered");

  httplib::Client client("127.0.0.1", (*server)->port());
  const auto forged =
      client.Post("/webhooks/vnpost", R"({"Data": "{}", "SendDate": "x", "SignData": "AAAA"})",
                  "application/json");
  REQUIRE(forged);
  CHECK(forged->status == 400);
  const auto other = client.Post("/webhooks/ghn", "{}", "application/json");
  REQUIRE(other);
  CHECK(other->status == 404);
}

TEST_CASE(
    "regression: a signed webhook delivery sent again after hoso serve restarts is refused and "
    "applies nothing") {
  Desk desk;
  desk.clock.set(at("2026-11-23 10:31:30"));
  // The carrier's key, its public half installed on the desk as an admin would.
  auto signer = sim::detail::Signer::generate();
  REQUIRE(signer.has_value());
  postal_api::CarrierConfig config;
  config.base_url = "http://127.0.0.1:1/api/api/";  // never called: only webhooks come in
  config.status_map = std::filesystem::path(HOSO_SOURCE_DIR) / "samples/carriers/vnpost-status.csv";
  config.webhook_public_key = desk.dir.write("carrier-public.pem", signer->public_key_pem());
  const std::string data = nlohmann::json{
      {"ItemCode", desk.number},
      {"StatusId", 91},
      {"StatusName", "Phát không thành công"},
      {"CreateTime", "2026-11-23T10:30:00"},
      {"PostOfficeCode", "550000"},
      {"PostOfficeName", "Bưu cục phát Hải Châu"},
      {"Description",
       "Người nhận vắng nhà"}}.dump();
  const std::string send_date = "2026-11-23T10:31:02";
  const std::string body = nlohmann::json{{"Data", data},
                                          {"SendDate", send_date},
                                          {"SignData", signer->sign(data + send_date).value()}}
                               .dump();

  // What the desk stored about the envelope: its carrier events and its trace in the event log.
  const auto stored = [&] {
    std::pair<std::size_t, std::size_t> counts;
    REQUIRE(desk.store
                ->read([&](db::Transaction& tx) -> Result<void> {
                  auto shipment =
                      tx.find_shipment(desk.number, db::Direction::inbound, Timestamp{}).value();
                  counts.first = tx.carrier_events_of(shipment->id).value().size();
                  counts.second = tx.events_of("shipment", shipment->id).value().size();
                  return {};
                })
                .has_value());
    return counts;
  };
  const auto post = [&] {
    auto carrier = postal_api::make_vnpost_carrier(config, desk.clock).value();
    auto server = app::DeskServer::start(*desk.store, carrier.get(), desk.clock, local_options());
    REQUIRE(server.has_value());
    httplib::Client client("127.0.0.1", (*server)->port());
    auto res = client.Post("/webhooks/vnpost", body, "application/json");
    REQUIRE(res);
    return *res;
  };

  const auto before = stored();
  const auto first = post();
  CHECK(first.status == 200);
  CHECK(nlohmann::json::parse(first.body)["new_events"] == 1);
  const auto applied = stored();
  CHECK(applied.first == before.first + 1);

  // `hoso serve` restarts on the same database file, a minute later: the delivery is still within
  // the carrier's tolerance of our clock, so only the desk's memory of deliveries can refuse it.
  desk.store.reset();
  desk.store = db::open_sqlite(desk.database).value();
  desk.clock.advance(std::chrono::minutes(1));
  const auto replayed = post();
  CHECK(replayed.status == 400);
  CHECK(replayed.body.find("already accepted (replay)") != std::string::npos);
  const auto error = nlohmann::json::parse(replayed.body)["error"];
  CHECK(error["code"] == "bad_input");
  CHECK(stored() == applied);
}
