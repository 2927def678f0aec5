// The staff API of `hoso serve` (docs/api.md, "Staff access", "Dossiers", "Mailroom", "Admin")
// against a real server on a free port of 127.0.0.1, opened the way `hoso serve` opens a desk
// (hoso init, then open_served_desk) on a real SQLite file, with real users, passwords and API
// tokens: sessions and CSRF, roles, the officers' and the mailroom's flows with the sample
// envelopes, dispatch through the carrier simulator, reports, escaping, and personal data kept out
// of public answers and the access log.
#include <doctest/doctest.h>
#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

// spdlog is linked into app_tests through hoso_cli (privately, so its compile definitions do not
// reach this file): use the shared library, as the server does, and not a header-only copy with its
// own default logger.
#ifndef SPDLOG_COMPILED_LIB
#define SPDLOG_COMPILED_LIB
#endif
#ifndef SPDLOG_SHARED_LIB
#define SPDLOG_SHARED_LIB
#endif
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "app/demo_command.hpp"
#include "app/desk_server.hpp"
#include "app/registry_commands.hpp"
#include "app/served_desk.hpp"
#include "common/s10.hpp"
#include "db/store.hpp"
#include "postal_api/sim/simulator.hpp"
#include "staff/accounts.hpp"
#include "tests/support/files.hpp"
#include "tracking/lifecycle.hpp"

namespace {

using common::Result;
using common::Timestamp;
using nlohmann::json;
namespace fs = std::filesystem;
namespace sim = postal_api::sim;

constexpr const char* k_agency = "000.00.05.H12";
constexpr const char* k_password = "correct-horse-42";
constexpr const char* k_admin = "quantri";
constexpr const char* k_officer = "hoa";
constexpr const char* k_mailroom = "nam";
constexpr const char* k_lookup_code = "K7M2Q9XP";
constexpr const char* k_public_url = "https://motcua.danang.example.vn";

fs::path samples() { return fs::path(HOSO_SOURCE_DIR) / "samples"; }

std::string sample_envelope(const std::string& name) {
  return test_support::read_file(samples() / "envelopes" / name);
}

// The Code 128 tracking number of a sample envelope, from samples/envelopes/truth.tsv.
std::string truth_tracking_number(const std::string& file) {
  std::istringstream in(test_support::read_file(samples() / "envelopes" / "truth.tsv"));
  for (std::string line; std::getline(in, line);) {
    const auto first = line.find('\t');
    const auto second = line.find('\t', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    if (line.substr(0, first) == file && line.substr(first + 1, second - first - 1) == "Code128") {
      return line.substr(second + 1);
    }
  }
  return {};
}

json body_of(const httplib::Result& res) {
  if (!res) return json();
  return json::parse(res->body, nullptr, false);
}

std::string error_code(const httplib::Result& res) {
  const json body = body_of(res);
  if (!body.is_object() || !body.contains("error")) return {};
  return body["error"].value("code", "");
}

std::string error_message(const httplib::Result& res) {
  const json body = body_of(res);
  if (!body.is_object() || !body.contains("error")) return {};
  return body["error"].value("message", "");
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Who a request is sent as: a session cookie with its CSRF token, or a bearer token, or nobody.
struct Auth {
  std::string cookie;  // hoso_session's value
  std::string csrf;    // sent as X-CSRF-Token when not empty
  std::string bearer;  // an API token
  // Accept-Language: the tests read English unless they ask for the server's default, Vietnamese.
  std::string lang = "en";

  Auth without_csrf() const { return Auth{cookie, "", bearer, lang}; }
  Auth with_csrf(std::string token) const { return Auth{cookie, std::move(token), bearer, lang}; }
  Auth in(std::string language) const { return Auth{cookie, csrf, bearer, std::move(language)}; }
};

Auth bearer(const std::string& token) { return Auth{"", "", token}; }

httplib::Headers headers_of(const Auth& auth) {
  httplib::Headers headers;
  if (!auth.cookie.empty()) headers.emplace("Cookie", "hoso_session=" + auth.cookie);
  if (!auth.csrf.empty()) headers.emplace("X-CSRF-Token", auth.csrf);
  if (!auth.bearer.empty()) headers.emplace("Authorization", "Bearer " + auth.bearer);
  if (!auth.lang.empty()) headers.emplace("Accept-Language", auth.lang);
  return headers;
}

// The value of the cookie a Set-Cookie header sets, or "".
std::string cookie_value(const std::string& set_cookie) {
  const std::string prefix = "hoso_session=";
  if (set_cookie.rfind(prefix, 0) != 0) return {};
  return set_cookie.substr(prefix.size(), set_cookie.find(';') - prefix.size());
}

// A client of one server: JSON in, results out.
class Api {
 public:
  // httplib's default read timeout (5 s) is shorter than four envelopes decoding at once on two
  // cores under ASan; a minute stays a safety net against a hung server.
  explicit Api(int port) : client_("127.0.0.1", port) {
    client_.set_read_timeout(60, 0);
    client_.set_write_timeout(60, 0);
  }

  httplib::Result get(const std::string& path, const Auth& auth = {}) {
    return client_.Get(path, headers_of(auth));
  }
  httplib::Result post(const std::string& path, const json& body, const Auth& auth = {}) {
    return client_.Post(path, headers_of(auth), body.dump(), "application/json");
  }
  httplib::Result post_raw(const std::string& path, const std::string& body,
                           const std::string& content_type, const Auth& auth = {}) {
    return client_.Post(path, headers_of(auth), body, content_type);
  }
  httplib::Result post_files(const std::string& path, const httplib::MultipartFormDataItems& items,
                             const Auth& auth = {}) {
    return client_.Post(path, headers_of(auth), items);
  }

  // Logs in through POST /api/login; fails the test when refused.
  Auth login(const std::string& login, const std::string& password = k_password) {
    const auto res = post("/api/login", json{{"login", login}, {"password", password}});
    REQUIRE(res);
    REQUIRE_MESSAGE(res->status == 200, res->body);
    Auth auth;
    auth.cookie = cookie_value(res->get_header_value("Set-Cookie"));
    auth.csrf = body_of(res).value("csrf_token", "");
    REQUIRE(!auth.cookie.empty());
    REQUIRE(!auth.csrf.empty());
    return auth;
  }

  // The client's own address on its side of the connection (another loopback address).
  void set_interface(const std::string& address) { client_.set_interface(address); }

 private:
  httplib::Client client_;
};

// One dossier put straight into the database.
struct NewDossier {
  NewDossier(std::string name, std::string card, std::string number = "")
      : full_name(std::move(name)),
        id_number(std::move(card)),
        tracking_number(std::move(number)) {}

  std::string full_name;
  std::string id_number;
  std::string tracking_number;  // "" : the next EB... number
  db::DossierState state = db::DossierState::received;
  std::string phone = "0905123456";
  std::string address = "12 Lê Duẩn, phường Hải Châu, TP. Đà Nẵng";
  std::optional<Timestamp> filed_at;  // default now
  bool applicant = true;              // false: no ID card in the envelope, nobody recorded
};

// The server's options in these tests: a free port of 127.0.0.1, and logins from 127.0.0.1 not
// limited by address (one test logs in many times).
app::ServerOptions test_options() {
  app::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.worker_threads = 4;
  options.logins_per_minute = 1000;
  return options;
}

struct DeskSetup {
  bool carrier = false;
  app::ServerOptions options = test_options();
  std::string public_url = k_public_url;  // "": none set
};

// A desk opened as `hoso serve` opens it, with an admin, an officer and a mailroom clerk (password
// k_password), a scanning station's API token, and its server on a free port of 127.0.0.1.
// With a carrier, the carrier simulator serves on another free port and hoso.json points at it.
struct StaffDesk {
  test_support::TempDir dir;
  fs::path database = dir / "hoso.db";
  std::unique_ptr<sim::Simulator> carrier_sim;
  std::unique_ptr<app::ServedDesk> served;
  std::unique_ptr<app::DeskServer> server;
  db::Id admin_id = 0;
  db::Id officer_id = 0;
  db::Id mailroom_id = 0;
  db::Id token_id = 0;
  std::string token;  // the mailroom station's API token
  int next_serial = 41'000'001;

  StaffDesk() : StaffDesk(DeskSetup{}) {}

  explicit StaffDesk(const DeskSetup& setup) {
    app::InitArgs init;
    init.db = database.string();
    init.agency = k_agency;
    init.agency_name = "Bộ phận Một cửa UBND quận Hải Châu";
    init.agency_address = "270 Trưng Nữ Vương, phường Hải Châu, TP. Đà Nẵng";
    init.agency_phone = "0236 3821 234";
    init.agency_province = "Đà Nẵng";
    init.public_url = setup.public_url;
    REQUIRE(app::run_init(init) == 0);
    if (setup.carrier) {
      sim::Options sim_options;
      sim_options.seed = 5;
      sim_options.worker_threads = 4;
      carrier_sim = sim::Simulator::start(sim_options).value();
      dir.write("hoso.json", json{{"carrier",
                                   {{"name", "vnpost"},
                                    {"base_url", carrier_sim->base_url()},
                                    {"username", "hoso-desk"},
                                    {"password", "hoso-sim"},
                                    {"backoff_base_ms", 20}}}}
                                 .dump());
    }
    std::string note;
    auto opened = app::open_served_desk(database, dir / "hoso.json", note);
    REQUIRE_MESSAGE(opened.has_value(), (opened ? std::string() : opened.error().message));
    served = std::move(*opened);
    REQUIRE(static_cast<bool>(served->carrier) == setup.carrier);

    staff::Accounts accounts(store(), served->desk->clock);
    const auto add = [&](const char* login, const char* name, staff::Role role) {
      auto added = accounts.add_user({login, name, role, k_password}, "test");
      REQUIRE_MESSAGE(added.has_value(), (added ? std::string() : added.error().message));
      return added->id;
    };
    admin_id = add(k_admin, "Quản trị viên", staff::Role::admin);
    officer_id = add(k_officer, "Lê Thị Hoa", staff::Role::officer);
    mailroom_id = add(k_mailroom, "Trần Văn Nam", staff::Role::mailroom);
    auto made = accounts.create_token("mailroom-1", k_admin);
    REQUIRE(made.has_value());
    token = made->secret;
    token_id = made->token.id;

    server = start_server(setup.options);
  }

  // Another server over the same desk (e.g. with other limits).
  std::unique_ptr<app::DeskServer> start_server(const app::ServerOptions& options) {
    auto started = app::DeskServer::start(served->parts(), options);
    REQUIRE_MESSAGE(started.has_value(), (started ? std::string() : started.error().message));
    return std::move(*started);
  }

  int port() const { return server->port(); }
  db::Store& store() { return *served->desk->store; }

  db::Id add_dossier(const NewDossier& n) {
    db::Id id = 0;
    const Timestamp now = common::SystemClock().now();
    auto written = store().write([&](db::Transaction& tx) -> Result<void> {
      auto agency = tx.find_agency(k_agency);
      if (!agency) return agency.error();
      db::Dossier d;
      d.agency_id = (*agency)->id;
      d.state = n.state;
      d.filed_at = n.filed_at.value_or(now);
      d.lookup_code = k_lookup_code;
      d.created_at = d.filed_at;
      d.updated_at = d.filed_at;
      auto inserted = tx.insert_dossier(d);
      if (!inserted) return inserted.error();
      id = *inserted;
      db::Applicant a;
      a.dossier_id = id;
      a.full_name = n.full_name;
      a.id_number = n.id_number;
      a.address = n.address;
      a.phone = n.phone;
      a.source = "id_card_qr";
      if (n.applicant) {
        if (auto added = tx.insert_applicant(a); !added) return added.error();
      }
      db::Shipment s;
      s.carrier = "vnpost";
      s.tracking_number =
          n.tracking_number.empty() ? common::make_s10("EB", next_serial++) : n.tracking_number;
      s.year = static_cast<int>(common::local_date(d.filed_at).year());
      s.direction = db::Direction::inbound;
      s.status = "delivered";
      s.dossier_id = id;
      s.first_seen_at = d.filed_at;
      s.updated_at = d.filed_at;
      if (auto shipped = tx.insert_shipment(s); !shipped) return shipped.error();
      return {};
    });
    REQUIRE_MESSAGE(written.has_value(), (written ? std::string() : written.error().message));
    return id;
  }

  db::Dossier dossier(db::Id id) {
    std::optional<db::Dossier> found;
    REQUIRE(store()
                .read([&](db::Transaction& tx) -> Result<void> {
                  auto d = tx.get_dossier(id);
                  if (!d) return d.error();
                  found = *d;
                  return {};
                })
                .has_value());
    REQUIRE(found.has_value());
    return *found;
  }

  db::Counts counts() {
    db::Counts out;
    REQUIRE(store()
                .read([&](db::Transaction& tx) -> Result<void> {
                  auto c = tx.counts();
                  if (!c) return c.error();
                  out = *c;
                  return {};
                })
                .has_value());
    return out;
  }

  std::size_t user_count() {
    staff::Accounts accounts(store(), served->desk->clock);
    return accounts.users().value().size();
  }
};

std::string dossier_path(db::Id id) { return fmt::format("/api/dossiers/{}", id); }
std::string action_path(db::Id id, const char* action) {
  return fmt::format("/api/dossiers/{}/actions/{}", id, action);
}

// The ids of the rows of a GET /api/dossiers answer.
std::set<db::Id> listed_ids(const httplib::Result& res) {
  std::set<db::Id> ids;
  const json body = body_of(res);
  if (!body.is_object() || !body["dossiers"].is_array()) return ids;
  for (const json& row : body["dossiers"]) ids.insert(row["id"].get<db::Id>());
  return ids;
}

// The policy a browser applies to scripts: script-src, else default-src.
std::string script_policy(const std::string& csp) {
  std::string fallback;
  std::istringstream in(csp);
  for (std::string directive; std::getline(in, directive, ';');) {
    directive.erase(0, directive.find_first_not_of(' '));
    if (directive.rfind("script-src", 0) == 0) return directive;
    if (directive.rfind("default-src", 0) == 0) fallback = directive;
  }
  return fallback;
}

// A code from the procedure catalogue, as the accept form offers it.
std::string first_procedure(Api& api, db::Id id, const Auth& auth) {
  const auto shown = api.get(dossier_path(id), auth);
  REQUIRE(shown);
  REQUIRE(shown->status == 200);
  const json procedures = body_of(shown)["procedures"];
  REQUIRE(procedures.is_array());
  REQUIRE(!procedures.empty());
  return procedures[0]["code"].get<std::string>();
}

// Dossier `id`'s receipt (form 01) as `officer` prints it, in Vietnamese.
std::string receipt_of(Api& api, db::Id id, const Auth& officer) {
  const auto receipt = api.get(dossier_path(id) + "/documents/receipt", officer.in("vi"));
  REQUIRE(receipt);
  REQUIRE(receipt->status == 200);
  return receipt->body;
}

// Accepts dossier `id` as `officer` with the catalogue's first procedure; returns its receipt.
std::string accept_and_print(Api& api, db::Id id, const Auth& officer) {
  const std::string procedure = first_procedure(api, id, officer);
  const auto accepted =
      api.post(action_path(id, "accept"), json{{"procedure", procedure}}, officer);
  REQUIRE(accepted);
  REQUIRE_MESSAGE(accepted->status == 200, accepted->body);
  return receipt_of(api, id, officer);
}

// Everything the default logger prints while it lives (the server's access log included).
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>(
        "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  // Call once nothing logs any more (the server stopped).
  std::string text() {
    spdlog::default_logger()->flush();
    return out_.str();
  }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream out_;
};

}  // namespace

TEST_CASE("staff log in with their password and the session cookie works until they log out") {
  StaffDesk desk;
  Api api(desk.port());

  const auto opened = api.post("/api/login", json{{"login", k_officer}, {"password", k_password}});
  REQUIRE(opened);
  CHECK(opened->status == 200);
  const std::string set_cookie = opened->get_header_value("Set-Cookie");
  CHECK(contains(set_cookie, "HttpOnly"));
  CHECK(contains(set_cookie, "SameSite=Strict"));
  CHECK(contains(set_cookie, "Path=/"));
  const json who = body_of(opened);
  CHECK(who["user"]["login"] == k_officer);
  CHECK(who["user"]["role"] == "officer");
  const Auth officer{cookie_value(set_cookie), who.value("csrf_token", ""), ""};
  REQUIRE(!officer.cookie.empty());
  REQUIRE(!officer.csrf.empty());
  CHECK(!contains(opened->body, officer.cookie));  // the secret travels in the cookie only

  const auto session = api.get("/api/session", officer);
  REQUIRE(session);
  CHECK(session->status == 200);
  CHECK(body_of(session)["user"]["login"] == k_officer);
  CHECK(body_of(session)["user"]["role"] == "officer");
  CHECK(body_of(session)["csrf_token"] == officer.csrf);

  const auto wrong_password =
      api.post("/api/login", json{{"login", k_officer}, {"password", "not-the-password"}});
  const auto unknown_login =
      api.post("/api/login", json{{"login", "nobody"}, {"password", k_password}});
  REQUIRE(wrong_password);
  REQUIRE(unknown_login);
  CHECK(wrong_password->status == 401);
  CHECK(unknown_login->status == 401);
  CHECK(error_code(wrong_password) == "unauthenticated");
  CHECK(!error_message(wrong_password).empty());
  CHECK(error_message(wrong_password) == error_message(unknown_login));  // nothing to probe
  CHECK(wrong_password->get_header_value("Set-Cookie").empty());

  const auto form = api.post_raw("/api/login", "login=hoa&password=correct-horse-42",
                                 "application/x-www-form-urlencoded");
  const auto broken = api.post_raw("/api/login", "{\"login\": \"hoa\",", "application/json");
  REQUIRE(form);
  REQUIRE(broken);
  CHECK(form->status == 400);
  CHECK(broken->status == 400);
  CHECK(error_code(broken) == "invalid_argument");

  const auto out = api.post("/api/logout", json::object(), officer);
  REQUIRE(out);
  CHECK(out->status == 200);
  CHECK(contains(out->get_header_value("Set-Cookie"), "Max-Age=0"));
  const auto after = api.get("/api/session", officer);
  REQUIRE(after);
  CHECK(after->status == 401);
  const auto list_after = api.get("/api/dossiers", officer);
  REQUIRE(list_after);
  CHECK(list_after->status == 401);
}

TEST_CASE(
    "five failed logins from one address slow that login down there, even with the right "
    "password") {
  StaffDesk desk;
  Api api(desk.port());
  for (int i = 0; i < 5; ++i) {
    const auto res = api.post(
        "/api/login", json{{"login", k_mailroom}, {"password", fmt::format("guess-{}-wrong", i)}});
    REQUIRE(res);
    CHECK(res->status == 401);
  }
  const auto locked = api.post("/api/login", json{{"login", k_mailroom}, {"password", k_password}});
  REQUIRE(locked);
  CHECK(locked->status == 429);
  CHECK(error_code(locked) == "rate_limited");
  CHECK(locked->get_header_value("Set-Cookie").empty());
  const std::string retry_after = locked->get_header_value("Retry-After");
  REQUIRE(!retry_after.empty());
  CHECK(std::stoi(retry_after) >= 1);
  // The same login typed in upper case is the same login.
  const auto upper = api.post("/api/login", json{{"login", "NAM"}, {"password", k_password}});
  REQUIRE(upper);
  CHECK(upper->status == 429);
  // Another user is not locked out by someone guessing this one's password.
  api.login(k_officer);
}

TEST_CASE("regression: five wrong passwords from five addresses do not lock the owner out") {
  StaffDesk desk;
  LogCapture log;
  for (int i = 2; i <= 6; ++i) {
    Api guesser(desk.port());
    guesser.set_interface(fmt::format("127.0.0.{}", i));
    const auto res = guesser.post(
        "/api/login", json{{"login", k_mailroom}, {"password", fmt::format("guess-{}-wrong", i)}});
    REQUIRE_MESSAGE(res, "cannot connect from 127.0.0." << i);
    CHECK(res->status == 401);
  }
  // The owner, from a sixth address, gets in at once (it was 429 for 15 minutes, and one more
  // guess every three minutes kept it so).
  Api owner(desk.port());
  owner.set_interface("127.0.0.7");
  owner.login(k_mailroom);

  desk.server->stop();
  const std::string logged = log.text();
  INFO(logged);
  CHECK(contains(logged, "failed login for 'nam' from 127.0.0.2"));
  CHECK(contains(logged, "failed login for 'nam' from 127.0.0.6"));
  CHECK(contains(logged, "login 'nam' from 127.0.0.7"));
  CHECK(!contains(logged, "-wrong"));
}

TEST_CASE("a login slowed down by the throttle is logged, naming the login and the address") {
  StaffDesk desk;
  LogCapture log;
  Api api(desk.port());
  for (int i = 0; i < 8; ++i) {
    const auto res =
        api.post("/api/login", json{{"login", k_officer}, {"password", "nope-nope-1"}});
    REQUIRE(res);
  }
  // A password typed into the login field is not a login, and never shown.
  const auto typo = api.post("/api/login", json{{"login", "Secret Pass 123"}, {"password", "x"}});
  REQUIRE(typo);
  CHECK(typo->status == 401);
  desk.server->stop();
  const std::string logged = log.text();
  INFO(logged);
  // (How long to wait depends on how many guesses fell in the same second.)
  CHECK(contains(logged,
                 "login 'hoa' from 127.0.0.1 slowed down: too many failed logins "
                 "(login_at_address); next attempt in "));
  CHECK(contains(logged, "failed login for (not a valid login) from 127.0.0.1"));
  CHECK(!contains(logged, "Secret Pass"));
  CHECK(!contains(logged, "nope-nope"));
}

TEST_CASE("login attempts from one address beyond the limit a minute are refused") {
  app::ServerOptions options = test_options();
  options.logins_per_minute = 3;
  StaffDesk desk({false, options});
  Api api(desk.port());
  for (int i = 0; i < 3; ++i) {
    const auto res = api.post_raw("/api/login", "not json", "application/json");
    REQUIRE(res);
    CHECK(res->status == 400);
  }
  const auto refused = api.post("/api/login", json{{"login", k_admin}, {"password", k_password}});
  REQUIRE(refused);
  CHECK(refused->status == 429);
  CHECK(!refused->get_header_value("Retry-After").empty());
}

TEST_CASE(
    "staff change their own password: the old one stops working, the new one logs in, and the "
    "page's session goes on with a fresh cookie") {
  StaffDesk desk;
  Api api(desk.port());
  const Auth officer = api.login(k_officer);
  const Auth other_browser = api.login(k_officer);
  const std::string fresh_password = "cây-đa-đầu-làng-số-7";

  const auto res =
      api.post("/api/password",
               json{{"current_password", k_password}, {"new_password", fresh_password}}, officer);
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 200, res->body);
  const Auth renewed{cookie_value(res->get_header_value("Set-Cookie")),
                     body_of(res).value("csrf_token", ""), ""};
  REQUIRE(!renewed.cookie.empty());
  CHECK(renewed.cookie != officer.cookie);
  CHECK(renewed.csrf != officer.csrf);
  CHECK(body_of(res)["user"]["login"] == k_officer);
  CHECK(contains(res->get_header_value("Set-Cookie"), "HttpOnly"));

  // Every session of the user ended with the old password; the fresh one carries on.
  CHECK(api.get("/api/session", officer)->status == 401);
  CHECK(api.get("/api/session", other_browser)->status == 401);
  const auto session = api.get("/api/session", renewed);
  REQUIRE(session);
  CHECK(session->status == 200);
  CHECK(body_of(session)["csrf_token"] == renewed.csrf);
  CHECK(api.post("/api/logout", json::object(), renewed)->status == 200);

  const auto old = api.post("/api/login", json{{"login", k_officer}, {"password", k_password}});
  REQUIRE(old);
  CHECK(old->status == 401);
  api.login(k_officer, fresh_password);

  auto changed_by = desk.store().read<std::string>([&](db::Transaction& tx) -> Result<std::string> {
    auto events = tx.events_of("user", desk.officer_id);
    if (!events) return events.error();
    for (const db::Event& e : *events) {
      if (e.action == db::EventKind::password_changed) return e.actor;
    }
    return std::string();
  });
  REQUIRE(changed_by.has_value());
  CHECK(*changed_by == k_officer);
}

TEST_CASE(
    "a wrong current password is refused with 403 and counts as a failed login of that user from "
    "that address") {
  StaffDesk desk;
  Api api(desk.port());
  const Auth clerk = api.login(k_mailroom);
  for (int i = 0; i < 5; ++i) {
    const auto res = api.post("/api/password",
                              json{{"current_password", fmt::format("guess-{}-wrong", i)},
                                   {"new_password", "cây-đa-đầu-làng-số-7"}},
                              clerk);
    REQUIRE(res);
    CHECK(res->status == 403);
    CHECK(error_code(res) == "permission_denied");
    CHECK(error_message(res) == "the current password is wrong: the password was not changed");
    CHECK(res->get_header_value("Set-Cookie").empty());
  }
  // As after five wrong passwords at /api/login: this login is slowed down at this address.
  const auto slowed = api.post("/api/login", json{{"login", k_mailroom}, {"password", k_password}});
  REQUIRE(slowed);
  CHECK(slowed->status == 429);
  const auto also =
      api.post("/api/password",
               json{{"current_password", k_password}, {"new_password", "cây-đa-đầu-7"}}, clerk);
  REQUIRE(also);
  CHECK(also->status == 429);
  // Nothing changed: the session goes on; the password is the old one (from another address).
  CHECK(api.get("/api/session", clerk)->status == 200);
  Api owner(desk.port());
  owner.set_interface("127.0.0.2");
  owner.login(k_mailroom);
}

TEST_CASE(
    "a weak new password is refused with the policy's message, and tokens and requests without "
    "CSRF "
    "cannot change a password") {
  StaffDesk desk;
  Api api(desk.port());
  const Auth officer = api.login(k_officer);

  const auto short_one = api.post(
      "/api/password", json{{"current_password", k_password}, {"new_password", "ngắn-1"}}, officer);
  REQUIRE(short_one);
  CHECK(short_one->status == 400);
  CHECK(error_code(short_one) == "invalid_argument");
  CHECK(error_message(short_one) == "a password needs at least 10 characters (this one has 6)");
  const auto with_login =
      api.post("/api/password",
               json{{"current_password", k_password}, {"new_password", "hoa-trong-vuon-nha-em"}},
               officer.in("vi"));
  REQUIRE(with_login);
  CHECK(with_login->status == 400);
  CHECK(error_message(with_login) == "Mật khẩu không được chứa tên đăng nhập (hoa)");
  const auto missing = api.post("/api/password", json{{"current_password", k_password}}, officer);
  REQUIRE(missing);
  CHECK(missing->status == 400);

  const json change = {{"current_password", k_password}, {"new_password", "cây-đa-đầu-làng-số-7"}};
  const auto no_csrf = api.post("/api/password", change, officer.without_csrf());
  REQUIRE(no_csrf);
  CHECK(no_csrf->status == 403);
  CHECK(error_code(no_csrf) == "csrf");
  const auto by_token = api.post("/api/password", change, bearer(desk.token));
  REQUIRE(by_token);
  CHECK(by_token->status == 403);
  CHECK(error_code(by_token) == "permission_denied");
  const auto nobody = api.post("/api/password", change);
  REQUIRE(nobody);
  CHECK(nobody->status == 401);

  // None of these changed the password or ended the session.
  CHECK(api.get("/api/session", officer)->status == 200);
  api.login(k_officer);
}

TEST_CASE("without a session every staff endpoint answers 401 and shows no applicant data") {
  StaffDesk desk;
  const db::Id id = desk.add_dossier(NewDossier("Nguyễn Thị Hồng Nhung", "079188001234"));
  REQUIRE(desk.dossier(id).state == db::DossierState::received);
  Api api(desk.port());
  const std::string jpeg = sample_envelope("plain-01.jpg");

  for (const Auth& nobody : {Auth{}, Auth{"forged-session-cookie", "x", ""},
                             bearer("forged-api-token-0000000000000000")}) {
    std::vector<std::pair<std::string, httplib::Result>> answers;
    for (const std::string& path :
         {std::string("/api/dossiers"), dossier_path(id), std::string("/api/dossiers?q=nguyen"),
          dossier_path(id) + "/documents/receipt", std::string("/api/manual"),
          std::string("/api/report"), std::string("/api/report.csv"), std::string("/api/users"),
          std::string("/api/tokens"), std::string("/api/session"),
          fmt::format("/api/labels?ids={}", id)}) {
      answers.emplace_back(std::string("GET ") + path, api.get(path, nobody));
    }
    answers.emplace_back("POST /api/dispatch",
                         api.post("/api/dispatch", json{{"ids", {id}}}, nobody));
    answers.emplace_back("POST accept", api.post(action_path(id, "accept"),
                                                 json{{"procedure", "1.004227"}}, nobody));
    answers.emplace_back("POST /api/users", api.post("/api/users",
                                                     json{{"login", "intruder"},
                                                          {"name", "X"},
                                                          {"role", "admin"},
                                                          {"password", "intruder-password"}},
                                                     nobody));
    answers.emplace_back("POST /api/scans",
                         api.post_raw("/api/scans?name=plain-01.jpg", jpeg, "image/jpeg", nobody));
    answers.emplace_back("POST /api/scans/typed",
                         api.post("/api/scans/typed", json{{"code", "EB123456785VN"}}, nobody));
    for (const auto& answer : answers) {
      const std::string& what = answer.first;
      const httplib::Result& res = answer.second;
      INFO(what << " as cookie='" << nobody.cookie << "' bearer='" << nobody.bearer << "'");
      REQUIRE(res);
      CHECK(res->status == 401);
      CHECK(error_code(res) == "unauthenticated");
      CHECK(!contains(res->body, "Nguyễn"));
      CHECK(!contains(res->body, "079188001234"));
      CHECK(!contains(res->body, "Lê Duẩn"));
    }
  }
  // Nothing was done.
  CHECK(desk.dossier(id).state == db::DossierState::received);
  CHECK(desk.counts().dossiers == 1);
  CHECK(desk.counts().scans == 0);
  CHECK(desk.user_count() == 3);
}

TEST_CASE("a change sent with the session cookie but without its CSRF token changes nothing") {
  StaffDesk desk;
  const db::Id id = desk.add_dossier(NewDossier("Trần Văn Bình", "048090001234"));
  Api api(desk.port());
  const Auth officer = api.login(k_officer);
  const Auth admin = api.login(k_admin);
  const std::string procedure = first_procedure(api, id, officer);

  for (const Auth& forged : {officer.without_csrf(), officer.with_csrf("0123456789abcdef"),
                             officer.with_csrf(admin.csrf)}) {
    const auto res = api.post(action_path(id, "accept"), json{{"procedure", procedure}}, forged);
    REQUIRE(res);
    CHECK(res->status == 403);
    CHECK(error_code(res) == "csrf");
  }
  CHECK(desk.dossier(id).state == db::DossierState::received);

  const json new_user = {{"login", "lan"},
                         {"name", "Phạm Thị Lan"},
                         {"role", "admin"},
                         {"password", "vườn-hoa-sen-1"}};
  const auto no_token = api.post("/api/users", new_user, admin.without_csrf());
  REQUIRE(no_token);
  CHECK(no_token->status == 403);
  CHECK(error_code(no_token) == "csrf");
  CHECK(desk.user_count() == 3);
  const auto no_logout = api.post("/api/logout", json::object(), admin.without_csrf());
  REQUIRE(no_logout);
  CHECK(no_logout->status == 403);
  const auto still = api.get("/api/session", admin);
  REQUIRE(still);
  CHECK(still->status == 200);
  // An upload from the mailroom page is a change too.
  const Auth clerk = api.login(k_mailroom);
  const std::string jpeg = sample_envelope("plain-01.jpg");
  const auto upload =
      api.post_raw("/api/scans?name=plain-01.jpg", jpeg, "image/jpeg", clerk.without_csrf());
  REQUIRE(upload);
  CHECK(upload->status == 403);
  CHECK(error_code(upload) == "csrf");
  const auto typed =
      api.post("/api/scans/typed", json{{"code", "EB123456785VN"}}, clerk.without_csrf());
  REQUIRE(typed);
  CHECK(typed->status == 403);
  CHECK(desk.counts().scans == 0);
  CHECK(desk.counts().dossiers == 1);

  // The same requests with the token go through: the refusals above were for the token only.
  const auto accepted =
      api.post(action_path(id, "accept"), json{{"procedure", procedure}}, officer);
  REQUIRE(accepted);
  CHECK(accepted->status == 200);
  CHECK(desk.dossier(id).state == db::DossierState::accepted);
  const auto added = api.post("/api/users", new_user, admin);
  REQUIRE(added);
  CHECK(added->status == 200);
  CHECK(desk.user_count() == 4);
}

TEST_CASE("each role reaches only its own endpoints and a revoked API token is refused") {
  StaffDesk desk;
  const db::Id id = desk.add_dossier(NewDossier("Lê Văn Cường", "001090004321"));
  Api api(desk.port());
  const Auth admin = api.login(k_admin);
  const Auth officer = api.login(k_officer);
  const Auth mailroom = api.login(k_mailroom);
  const Auth station = bearer(desk.token);
  const std::string procedure = first_procedure(api, id, officer);
  const std::string jpeg = sample_envelope("plain-01.jpg");

  for (const Auth& clerk : {mailroom, station}) {
    INFO("as " << (clerk.bearer.empty() ? "the mailroom user" : "the mailroom API token"));
    std::vector<std::pair<std::string, httplib::Result>> answers;
    for (const std::string& path :
         {std::string("/api/dossiers"), dossier_path(id), dossier_path(id) + "/documents/receipt",
          fmt::format("/api/labels?ids={}", id), std::string("/api/report"),
          std::string("/api/report.csv"), std::string("/api/report/daily"),
          std::string("/api/users"), std::string("/api/tokens")}) {
      answers.emplace_back(std::string("GET ") + path, api.get(path, clerk));
    }
    answers.emplace_back(
        "POST accept", api.post(action_path(id, "accept"), json{{"procedure", procedure}}, clerk));
    answers.emplace_back("POST /api/dispatch",
                         api.post("/api/dispatch", json{{"ids", {id}}}, clerk));
    answers.emplace_back("POST /api/users", api.post("/api/users",
                                                     json{{"login", "lan"},
                                                          {"name", "Phạm Thị Lan"},
                                                          {"role", "admin"},
                                                          {"password", "vườn-hoa-sen-1"}},
                                                     clerk));
    answers.emplace_back("POST /api/tokens", api.post("/api/tokens", json{{"name", "x"}}, clerk));
    for (const auto& answer : answers) {
      const std::string& what = answer.first;
      const httplib::Result& res = answer.second;
      INFO(what);
      REQUIRE(res);
      CHECK(res->status == 403);
      CHECK(error_code(res) == "permission_denied");
      CHECK(!contains(res->body, "Cường"));
    }
    // What the mailroom may do.
    const auto manual = api.get("/api/manual", clerk);
    REQUIRE(manual);
    CHECK(manual->status == 200);
  }
  CHECK(desk.dossier(id).state == db::DossierState::received);
  CHECK(desk.user_count() == 3);

  // The officer reads and acts, but neither scans nor manages.
  {
    const auto users = api.get("/api/users", officer);
    const auto scans = api.post_raw("/api/scans?name=plain-01.jpg", jpeg, "image/jpeg", officer);
    const auto typed = api.post("/api/scans/typed", json{{"code", "EB123456785VN"}}, officer);
    const auto manual = api.get("/api/manual", officer);
    for (const auto* res : {&users, &scans, &typed, &manual}) {
      REQUIRE(*res);
      CHECK((*res)->status == 403);
      CHECK(error_code(*res) == "permission_denied");
    }
    CHECK(desk.counts().scans == 0);
    const auto list = api.get("/api/dossiers", officer);
    REQUIRE(list);
    CHECK(list->status == 200);
    CHECK(listed_ids(list) == std::set<db::Id>{id});
    const auto report = api.get("/api/report", officer);
    REQUIRE(report);
    CHECK(report->status == 200);
  }

  // The admin does everything.
  {
    for (const char* path : {"/api/users", "/api/tokens", "/api/dossiers", "/api/manual",
                             "/api/report", "/api/report/daily"}) {
      INFO(path);
      const auto res = api.get(path, admin);
      REQUIRE(res);
      CHECK(res->status == 200);
    }
    const auto scanned = api.post_raw("/api/scans?name=plain-01.jpg", jpeg, "image/jpeg", admin);
    REQUIRE(scanned);
    CHECK(scanned->status == 200);
    CHECK(body_of(scanned)["results"][0]["outcome"] == "registered");
    const auto accepted =
        api.post(action_path(id, "accept"), json{{"procedure", procedure}}, admin);
    REQUIRE(accepted);
    CHECK(accepted->status == 200);
    CHECK(desk.dossier(id).state == db::DossierState::accepted);
    // Past the role check: this desk has no carrier.
    const auto dispatch = api.post("/api/dispatch", json{{"ids", {id}}}, admin);
    REQUIRE(dispatch);
    CHECK(dispatch->status == 503);
    CHECK(error_code(dispatch) == "unavailable");
  }

  // A revoked token opens nothing.
  const auto revoked =
      api.post(fmt::format("/api/tokens/{}/revoke", desk.token_id), json::object(), admin);
  REQUIRE(revoked);
  CHECK(revoked->status == 200);
  std::vector<httplib::Result> refused;
  refused.push_back(api.get("/api/manual", station));
  refused.push_back(api.post("/api/scans/typed", json{{"code", "EB123456785VN"}}, station));
  refused.push_back(api.post_raw("/api/scans?name=plain-01.jpg", jpeg, "image/jpeg", station));
  for (const auto& res : refused) {
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(error_code(res) == "unauthenticated");
  }
}

TEST_CASE(
    "an officer finds a dossier by state, tracking number or a name typed without diacritics "
    "and accepts it") {
  StaffDesk desk;
  const db::Id nhung = desk.add_dossier(NewDossier("Nguyễn Thị Hồng Nhung", "079188001234"));
  const db::Id binh = desk.add_dossier(NewDossier("Trần Văn Bình", "048090001234"));
  NewDossier accepted("Lê Hoàng Cường", "001056758383");
  accepted.state = db::DossierState::accepted;
  const db::Id cuong = desk.add_dossier(accepted);
  Api api(desk.port());
  const Auth officer = api.login(k_officer);

  SUBCASE("the list filters") {
    const auto received = api.get("/api/dossiers?state=received", officer);
    REQUIRE(received);
    CHECK(received->status == 200);
    CHECK(listed_ids(received) == std::set<db::Id>{nhung, binh});
    CHECK(body_of(received)["count"] == 2);
    CHECK(listed_ids(api.get("/api/dossiers?state=accepted", officer)) == std::set<db::Id>{cuong});
    CHECK(listed_ids(api.get("/api/dossiers", officer)) == std::set<db::Id>{nhung, binh, cuong});
    const auto bad_state = api.get("/api/dossiers?state=sideways", officer);
    REQUIRE(bad_state);
    CHECK(bad_state->status == 400);

    std::string number;
    {
      const json one = body_of(api.get(dossier_path(binh), officer));
      for (const json& s : one["shipments"]) {
        if (s["direction"] == "inbound") number = s["tracking_number"].get<std::string>();
      }
    }
    REQUIRE(!number.empty());
    const auto by_number = api.get(std::string("/api/dossiers?q=") + number, officer);
    CHECK(listed_ids(by_number) == std::set<db::Id>{binh});
    CHECK(body_of(by_number)["dossiers"][0]["tracking_number"] == number);

    const auto by_name = api.get("/api/dossiers?q=nguyen", officer);
    REQUIRE(by_name);
    CHECK(by_name->status == 200);
    CHECK(listed_ids(by_name) == std::set<db::Id>{nhung});
    CHECK(body_of(by_name)["dossiers"][0]["applicant_name"] == "Nguyễn Thị Hồng Nhung");
    CHECK(listed_ids(api.get("/api/dossiers?q=hong%20nhung", officer)) == std::set<db::Id>{nhung});
    CHECK(listed_ids(api.get("/api/dossiers?q=079188001234", officer)) == std::set<db::Id>{nhung});
    CHECK(listed_ids(api.get("/api/dossiers?q=nobody-of-that-name", officer)).empty());
    // A search looks through every dossier, not only the newest `limit` of them.
    CHECK(listed_ids(api.get(std::string("/api/dossiers?limit=1&q=") + number, officer)) ==
          std::set<db::Id>{binh});
    CHECK(listed_ids(api.get("/api/dossiers?limit=1&q=nguyen", officer)) ==
          std::set<db::Id>{nhung});
  }

  SUBCASE("accepting, a refused move, and the receipt") {
    const auto shown = api.get(dossier_path(nhung), officer);
    REQUIRE(shown);
    REQUIRE(shown->status == 200);
    const json view = body_of(shown);
    CHECK(view["state"] == "received");
    CHECK(view["applicant"]["full_name"] == "Nguyễn Thị Hồng Nhung");
    const json allowed = view["allowed_actions"];
    REQUIRE(allowed.is_array());
    CHECK(std::find(allowed.begin(), allowed.end(), json("accept")) != allowed.end());
    CHECK(std::find(allowed.begin(), allowed.end(), json("mark_processed")) == allowed.end());
    REQUIRE(view["procedures"].is_array());
    REQUIRE(!view["procedures"].empty());
    CHECK(!contains(view["documents"].dump(), "\"receipt\""));  // not accepted yet
    const std::string procedure = view["procedures"][0]["code"].get<std::string>();

    const auto no_procedure = api.post(action_path(nhung, "accept"), json::object(), officer);
    REQUIRE(no_procedure);
    CHECK(no_procedure->status == 400);
    CHECK(desk.dossier(nhung).state == db::DossierState::received);

    const auto done =
        api.post(action_path(nhung, "accept"), json{{"procedure", procedure}}, officer);
    REQUIRE(done);
    REQUIRE_MESSAGE(done->status == 200, done->body);
    const json row = body_of(done)["dossier"];
    CHECK(row["state"] == "accepted");
    CHECK(row["procedure_code"] == procedure);
    REQUIRE(row["code"].is_string());
    const std::string code = row["code"].get<std::string>();
    CHECK(code.rfind(k_agency, 0) == 0);
    CHECK(desk.dossier(nhung).state == db::DossierState::accepted);

    const json after = body_of(api.get(dossier_path(nhung), officer));
    bool recorded = false;
    for (const json& e : after["history"]) {
      if (e["action"] == "accepted" && e["actor"] == k_officer) recorded = true;
    }
    CHECK_MESSAGE(recorded, after["history"].dump());
    CHECK(contains(after["documents"].dump(), "\"receipt\""));

    const auto again =
        api.post(action_path(nhung, "accept"), json{{"procedure", procedure}}, officer);
    REQUIRE(again);
    CHECK(again->status == 409);
    CHECK(error_code(again) == "conflict");
    CHECK(contains(error_message(again), "Accepted"));  // the state's label, not its enum name
    const auto unknown_action = api.post(action_path(nhung, "teleport"), json::object(), officer);
    REQUIRE(unknown_action);
    CHECK(unknown_action->status == 404);

    // Without an Accept-Language the server speaks Vietnamese, as to a page in Vietnamese, and
    // says which message it is and with what, for a client with its own words.
    const auto unknown_vi =
        api.post(action_path(nhung, "teleport"), json::object(), officer.in(""));
    CHECK(error_message(unknown_vi) == "Không có thao tác \"teleport\" cho hồ sơ.");
    CHECK(body_of(unknown_vi)["error"]["message_id"] == "no_such_action");
    CHECK(body_of(unknown_vi)["error"]["args"]["action"] == "teleport");
    const auto bad_date =
        api.post(action_path(nhung, "apologise"),
                 json{{"new_date", "2026-02-30"}, {"reason", "thiếu hồ sơ"}}, officer.in("vi-VN"));
    CHECK(error_code(bad_date) == "invalid_argument");
    CHECK(
        error_message(bad_date) ==
        "Trường \"new_date\": \"2026-02-30\" không phải ngày hợp lệ: tháng 02/2026 chỉ có 28 ngày");
    const auto bad_date_en =
        api.post(action_path(nhung, "apologise"), json{{"new_date", "2026-02-30"}, {"reason", "x"}},
                 officer.in("en-GB,en;q=0.9"));
    CHECK(error_message(bad_date_en) == "new_date: 2026-02-30 is not a date: 02/2026 has 28 days");

    const auto receipt = api.get(dossier_path(nhung) + "/documents/receipt", officer);
    REQUIRE(receipt);
    CHECK(receipt->status == 200);
    CHECK(receipt->get_header_value("Content-Type").rfind("text/html", 0) == 0);
    CHECK(contains(receipt->body, code));
    const std::string csp = receipt->get_header_value("Content-Security-Policy");
    const std::string scripts = script_policy(csp);
    INFO("Content-Security-Policy: " << csp);
    CHECK(!scripts.empty());
    CHECK(!contains(scripts, "'unsafe-inline'"));
    CHECK(!contains(scripts, "'unsafe-eval'"));

    const auto no_such_kind = api.get(dossier_path(nhung) + "/documents/passport", officer);
    REQUIRE(no_such_kind);
    CHECK(no_such_kind->status == 404);
    const auto not_yet = api.get(dossier_path(nhung) + "/documents/refusal", officer);
    REQUIRE(not_yet);
    CHECK(not_yet->status == 404);
    const auto no_dossier = api.get("/api/dossiers/99999", officer);
    REQUIRE(no_dossier);
    CHECK(no_dossier->status == 404);
  }
}

TEST_CASE(
    "the mailroom's scanning station registers an uploaded envelope once and refuses what is not "
    "an image") {
  StaffDesk desk;
  Api api(desk.port());
  const Auth station = bearer(desk.token);

  const std::string first_number = truth_tracking_number("plain-01.jpg");
  REQUIRE(!first_number.empty());
  const std::string jpeg = sample_envelope("plain-01.jpg");
  const auto first = api.post_raw("/api/scans?name=plain-01.jpg", jpeg, "image/jpeg", station);
  REQUIRE(first);
  REQUIRE_MESSAGE(first->status == 200, first->body);
  const json registered = body_of(first)["results"];
  REQUIRE(registered.size() == 1u);
  CHECK(registered[0]["outcome"] == "registered");
  CHECK(registered[0]["tracking_number"] == first_number);
  CHECK(registered[0]["name"] == "plain-01.jpg");
  REQUIRE(registered[0]["dossier_id"].is_number_integer());
  const db::Id dossier_id = registered[0]["dossier_id"].get<db::Id>();

  const auto again = api.post_raw("/api/scans?name=again.jpg", jpeg, "image/jpeg", station);
  REQUIRE(again);
  REQUIRE(again->status == 200);
  const json repeated = body_of(again)["results"];
  REQUIRE(repeated.size() == 1u);
  CHECK(repeated[0]["outcome"] == "already_registered");
  CHECK(repeated[0]["dossier_id"] == dossier_id);
  CHECK(desk.counts().dossiers == 1);
  // The registration is recorded under the station's token.
  const Auth officer = api.login(k_officer);
  const json view = body_of(api.get(dossier_path(dossier_id), officer));
  CHECK_MESSAGE(contains(view["history"].dump(), "token:mailroom-1"), view["history"].dump());
  CHECK(view["scans"].size() == 2u);

  // The same through a form upload, as the mailroom page sends it.
  const std::string second_number = truth_tracking_number("plain-02.jpg");
  const auto form = api.post_files(
      "/api/scans", {{"file", sample_envelope("plain-02.jpg"), "plain-02.jpg", "image/jpeg"}},
      station);
  REQUIRE(form);
  REQUIRE_MESSAGE(form->status == 200, form->body);
  const json from_form = body_of(form)["results"];
  REQUIRE(from_form.size() == 1u);
  CHECK(from_form[0]["outcome"] == "registered");
  CHECK(from_form[0]["tracking_number"] == second_number);
  CHECK(desk.counts().dossiers == 2);

  // Judged by its content, not its name or the type it claims.
  const db::Counts before = desk.counts();
  const std::string text = "EB123456785VN\nthis is a text file renamed to .jpg\n";
  const auto renamed = api.post_raw("/api/scans?name=envelope.jpg", text, "image/jpeg", station);
  REQUIRE(renamed);
  CHECK(renamed->status == 415);
  CHECK(error_code(renamed) == "unsupported_media");
  const auto renamed_form =
      api.post_files("/api/scans",
                     {{"file", sample_envelope("plain-03.jpg"), "plain-03.jpg", "image/jpeg"},
                      {"file", text, "envelope.jpg", "image/jpeg"}},
                     station);
  REQUIRE(renamed_form);
  CHECK(renamed_form->status == 415);  // and the good file before it is not registered either
  const db::Counts after = desk.counts();
  CHECK(after.dossiers == before.dossiers);
  CHECK(after.scans == before.scans);
}

TEST_CASE(
    "the dossier list answers the total beyond its page, pages without overlap, sorts as asked "
    "and refuses an unknown order") {
  StaffDesk desk;
  std::vector<db::Id> by_filing;  // oldest first
  for (int k = 0; k < 7; ++k) {
    NewDossier d(fmt::format("Phạm Văn Số {}", k), fmt::format("07919000{:04}", k));
    // Filed out of id order, so that the filing order is not the order of insertion.
    d.filed_at = common::parse_local("2026-03-02 08:00").value() + std::chrono::hours{(k * 3) % 7};
    by_filing.push_back(desk.add_dossier(d));
  }
  std::vector<std::pair<int, db::Id>> hours;
  for (int k = 0; k < 7; ++k)
    hours.emplace_back((k * 3) % 7, by_filing[static_cast<std::size_t>(k)]);
  std::sort(hours.begin(), hours.end());
  by_filing.clear();
  for (const auto& hour_and_id : hours) by_filing.push_back(hour_and_id.second);
  Api api(desk.port());
  const Auth officer = api.login(k_officer);

  // Three pages of 3: 3 + 3 + 1, each with the total, together every dossier once, in order.
  std::vector<db::Id> paged;
  for (int offset = 0; offset < 9; offset += 3) {
    const auto page = api.get(
        fmt::format("/api/dossiers?sort=filed_at&order=asc&limit=3&offset={}", offset), officer);
    REQUIRE(page);
    REQUIRE(page->status == 200);
    const json body = body_of(page);
    CHECK(body["total"] == 7);
    CHECK(body["count"] == (offset < 6 ? 3 : 1));
    CHECK(body["offset"] == offset);
    CHECK(body["sort"] == "filed_at");
    CHECK(body["order"] == "asc");
    for (const json& row : body["dossiers"]) paged.push_back(row["id"].get<db::Id>());
  }
  CHECK(paged == by_filing);

  // Newest first by default; the phone and the return address ride along for the dispatch page.
  const json newest = body_of(api.get("/api/dossiers?limit=2", officer));
  CHECK(newest["total"] == 7);
  REQUIRE(newest["dossiers"].size() == 2);
  CHECK(newest["dossiers"][0]["id"] == by_filing.back());
  CHECK(newest["dossiers"][1]["id"] == by_filing[5]);
  CHECK(newest["dossiers"][0]["applicant_phone"] == "0905123456");
  CHECK(newest["dossiers"][0]["return_address"] == "12 Lê Duẩn, phường Hải Châu, TP. Đà Nẵng");

  // The total follows the filters, not the page.
  const json by_name = body_of(api.get("/api/dossiers?q=pham%20van&limit=1", officer));
  CHECK(by_name["total"] == 7);
  CHECK(by_name["count"] == 1);

  // Orders and offsets come from a whitelist, in both languages.
  const auto bad_sort = api.get("/api/dossiers?sort=lookup_code", officer.in(""));
  REQUIRE(bad_sort);
  CHECK(bad_sort->status == 400);
  CHECK(error_code(bad_sort) == "invalid_argument");
  CHECK(contains(error_message(bad_sort), "Không sắp xếp được theo \"lookup_code\""));
  const auto bad_sort_en = api.get("/api/dossiers?sort=id%3B%20DROP%20TABLE%20dossiers", officer);
  REQUIRE(bad_sort_en);
  CHECK(bad_sort_en->status == 400);
  CHECK(error_message(bad_sort_en) ==
        "cannot sort by 'id; DROP TABLE dossiers' (filed_at, due_at, code, state)");
  const auto bad_order = api.get("/api/dossiers?sort=code&order=sideways", officer);
  REQUIRE(bad_order);
  CHECK(bad_order->status == 400);
  CHECK(contains(error_message(bad_order), "asc or desc"));
  for (const char* offset : {"-1", "x", "3x"}) {
    const auto bad_offset = api.get(fmt::format("/api/dossiers?offset={}", offset), officer);
    REQUIRE(bad_offset);
    CHECK(bad_offset->status == 400);
  }
  // Every order answers.
  for (const char* sort : {"filed_at", "due_at", "code", "state"}) {
    for (const char* order : {"asc", "desc"}) {
      const auto sorted =
          api.get(fmt::format("/api/dossiers?sort={}&order={}", sort, order), officer);
      REQUIRE(sorted);
      CHECK(sorted->status == 200);
      CHECK(listed_ids(sorted).size() == 7);
    }
  }
}

TEST_CASE("an upload over the size limit is refused with 413 and registers nothing") {
  StaffDesk desk;
  const std::string jpeg = sample_envelope("plain-01.jpg");
  REQUIRE(jpeg.size() > 2048);
  const Auth station = bearer(desk.token);

  app::ServerOptions per_file = test_options();
  per_file.max_upload_bytes = 2048;
  auto small_files = desk.start_server(per_file);
  Api files(small_files->port());
  const auto one = files.post_raw("/api/scans?name=plain-01.jpg", jpeg, "image/jpeg", station);
  REQUIRE(one);
  CHECK(one->status == 413);
  CHECK(error_code(one) == "limit_exceeded");
  const auto in_form =
      files.post_files("/api/scans", {{"file", jpeg, "plain-01.jpg", "image/jpeg"}}, station);
  REQUIRE(in_form);
  CHECK(in_form->status == 413);

  app::ServerOptions per_request = test_options();
  per_request.max_request_bytes = 4096;
  auto small_requests = desk.start_server(per_request);
  Api requests(small_requests->port());
  const auto whole = requests.post_raw("/api/scans?name=plain-01.jpg", jpeg, "image/jpeg", station);
  REQUIRE(whole);
  CHECK(whole->status == 413);
  CHECK(error_code(whole) == "limit_exceeded");

  CHECK(desk.counts().scans == 0);
  CHECK(desk.counts().dossiers == 0);
  // The desk's own server, with the default limits, takes the same file.
  Api normal(desk.port());
  const auto taken = normal.post_raw("/api/scans?name=plain-01.jpg", jpeg, "image/jpeg", station);
  REQUIRE(taken);
  CHECK(taken->status == 200);
  CHECK(desk.counts().dossiers == 1);
}

TEST_CASE(
    "an envelope without a readable barcode waits in the manual queue until a clerk types its "
    "number") {
  StaffDesk desk;
  Api api(desk.port());
  const Auth station = bearer(desk.token);
  const Auth clerk = api.login(k_mailroom);

  const std::string picture =
      test_support::read_file(samples() / "falsepositives" / "text_page-01.jpg");
  const auto uploaded =
      api.post_raw("/api/scans?name=text_page-01.jpg", picture, "image/jpeg", station);
  REQUIRE(uploaded);
  REQUIRE_MESSAGE(uploaded->status == 200, uploaded->body);
  const json results = body_of(uploaded)["results"];
  REQUIRE(results.size() == 1u);
  CHECK(results[0]["outcome"] == "manual");
  CHECK(results[0]["dossier_id"].is_null());
  REQUIRE(results[0]["manual_id"].is_number_integer());
  const db::Id manual_id = results[0]["manual_id"].get<db::Id>();
  CHECK(desk.counts().dossiers == 0);

  const auto queue = api.get("/api/manual", clerk);
  REQUIRE(queue);
  REQUIRE(queue->status == 200);
  const json items = body_of(queue)["items"];
  REQUIRE(items.size() == 1u);
  CHECK(items[0]["id"] == manual_id);
  CHECK(items[0]["has_image"] == true);
  CHECK(items[0]["source_name"] == "text_page-01.jpg");

  const auto image = api.get(fmt::format("/api/manual/{}/image", manual_id), clerk);
  REQUIRE(image);
  CHECK(image->status == 200);
  CHECK(image->get_header_value("Content-Type") == "image/jpeg");
  CHECK(image->body == picture);
  const auto no_item = api.get("/api/manual/9999/image", clerk);
  REQUIRE(no_item);
  CHECK(no_item->status == 404);

  const std::string resolve_path = fmt::format("/api/manual/{}/resolve", manual_id);
  const auto wrong = api.post(resolve_path, json{{"tracking_number", "EB123456789VN"}}, clerk);
  REQUIRE(wrong);
  CHECK(wrong->status == 400);
  CHECK(error_code(wrong) == "bad_input");
  CHECK(contains(error_message(wrong), "should be 5"));
  const auto not_a_number = api.post(resolve_path, json{{"tracking_number", "hello"}}, clerk);
  REQUIRE(not_a_number);
  CHECK(not_a_number->status == 400);
  CHECK(desk.counts().dossiers == 0);

  const auto right = api.post(resolve_path, json{{"tracking_number", "eb 123 456 785 vn"}}, clerk);
  REQUIRE(right);
  REQUIRE_MESSAGE(right->status == 200, right->body);
  const json resolved = body_of(right);
  CHECK(resolved["outcome"] == "resolved");
  CHECK(resolved["tracking_number"] == "EB123456785VN");
  CHECK(resolved["dossier_id"].is_number_integer());
  CHECK(desk.counts().dossiers == 1);
  CHECK(body_of(api.get("/api/manual", clerk))["items"].empty());
  const auto twice = api.post(resolve_path, json{{"tracking_number", "EB123456785VN"}}, clerk);
  REQUIRE(twice);
  CHECK(twice->status == 404);
}

TEST_CASE("a tracking number typed by a hand scanner is checked before it is registered") {
  StaffDesk desk;
  Api api(desk.port());
  const Auth station = bearer(desk.token);

  const auto wrong = api.post("/api/scans/typed", json{{"code", "EB123456789VN"}}, station);
  REQUIRE(wrong);
  CHECK(wrong->status == 400);
  CHECK(error_code(wrong) == "bad_input");
  CHECK(contains(error_message(wrong), "should be 5"));
  CHECK(desk.counts().dossiers == 0);
  CHECK(desk.counts().manual_open == 0);  // the clerk at the keyboard was told at once

  // An ID card's QR read into the field is named for what it is; its identity is not echoed.
  const std::string card =
      "001099012345|123456789|Nguy\u1EC5n V\u0103n An|01021999|Nam|S\u1ED1 1 Ph\u1ED1 "
      "Hu\u1EBF, H\u00E0 N\u1ED9i|15082021";
  const auto id_card = api.post("/api/scans/typed", json{{"code", card}}, station.in(""));
  REQUIRE(id_card);
  CHECK(id_card->status == 400);
  CHECK(body_of(id_card)["error"]["message_id"] == "typed_id_card");
  CHECK_FALSE(contains(id_card->body, "001099012345"));
  CHECK_FALSE(contains(id_card->body, "Nguy"));

  const auto right = api.post("/api/scans/typed", json{{"code", "EB123456785VN"}}, station);
  REQUIRE(right);
  REQUIRE_MESSAGE(right->status == 200, right->body);
  CHECK(body_of(right)["outcome"] == "registered");
  CHECK(body_of(right)["tracking_number"] == "EB123456785VN");
  const auto again = api.post("/api/scans/typed", json{{"code", "EB123456785VN"}}, station);
  REQUIRE(again);
  CHECK(again->status == 200);
  CHECK(body_of(again)["outcome"] == "already_registered");
  CHECK(body_of(again)["dossier_id"] == body_of(right)["dossier_id"]);
  CHECK(desk.counts().dossiers == 1);
}

TEST_CASE("envelopes uploaded into a handover batch appear in the batch's record") {
  StaffDesk desk;
  Api api(desk.port());
  const Auth station = bearer(desk.token);

  const auto opened = api.post(
      "/api/batches",
      json{{"name", "VNPost 2026-11-23 morning"}, {"carrier", "vnpost"}, {"handed_over_at", ""}},
      station);
  REQUIRE(opened);
  REQUIRE_MESSAGE(opened->status == 200, opened->body);
  const db::Id batch_id = body_of(opened)["batch"]["id"].get<db::Id>();
  CHECK(body_of(opened)["batch"]["name"] == "VNPost 2026-11-23 morning");

  const std::string number = truth_tracking_number("plain-03.jpg");
  const auto uploaded =
      api.post_raw("/api/scans?name=plain-03.jpg&batch=VNPost%202026-11-23%20morning",
                   sample_envelope("plain-03.jpg"), "image/jpeg", station);
  REQUIRE(uploaded);
  REQUIRE_MESSAGE(uploaded->status == 200, uploaded->body);
  CHECK(body_of(uploaded)["results"][0]["outcome"] == "registered");
  const auto typed =
      api.post("/api/scans/typed",
               json{{"code", "EB123456785VN"}, {"batch", "VNPost 2026-11-23 morning"}}, station);
  REQUIRE(typed);
  CHECK(typed->status == 200);
  // The mailroom page sends the batch as a form field beside the files.
  const std::string form_number = truth_tracking_number("plain-05.jpg");
  const auto in_form =
      api.post_files("/api/scans",
                     {{"file", sample_envelope("plain-05.jpg"), "plain-05.jpg", "image/jpeg"},
                      {"batch", "VNPost 2026-11-23 morning", "", ""}},
                     station);
  REQUIRE(in_form);
  REQUIRE_MESSAGE(in_form->status == 200, in_form->body);
  CHECK(body_of(in_form)["results"][0]["tracking_number"] == form_number);
  const std::string stray = common::make_s10("EB", 1);
  const auto unknown_batch =
      api.post("/api/scans/typed", json{{"code", stray}, {"batch", "no such batch"}}, station);
  REQUIRE(unknown_batch);
  CHECK(unknown_batch->status == 400);
  CHECK(error_code(unknown_batch) == "invalid_argument");

  const auto record = api.get(fmt::format("/api/batches/{}", batch_id), station);
  REQUIRE(record);
  REQUIRE_MESSAGE(record->status == 200, record->body);
  const std::string text = record->body;
  CHECK(contains(text, number));
  CHECK(contains(text, "EB123456785VN"));
  CHECK(contains(text, form_number));
  CHECK(!contains(text, stray));
  const json handover = body_of(record);
  CHECK(handover["registered"] == 3);
  const auto missing = api.get("/api/batches/9999", station);
  REQUIRE(missing);
  CHECK(missing->status == 404);
}

TEST_CASE(
    "a clerk's open batch is kept on the server, an existing name reopens only when asked, and "
    "closed batches stay listed") {
  StaffDesk desk;
  Api api(desk.port());
  const Auth station = bearer(desk.token);

  const auto none = api.get("/api/batches", station);
  REQUIRE(none);
  REQUIRE_MESSAGE(none->status == 200, none->body);
  CHECK(body_of(none)["open"].is_null());

  // POST /api/batches that must succeed: the batch it answers.
  const auto open = [&](const json& body) {
    const auto answer = api.post("/api/batches", body, station);
    REQUIRE(answer);
    REQUIRE_MESSAGE(answer->status == 200, answer->body);
    return body_of(answer)["batch"];
  };
  const db::Id first_id = open({{"name", "VNPost 23/11 sáng"}})["id"].get<db::Id>();
  // Another tab (no page state) asks the server which batch is open.
  const auto found = api.get("/api/batches", station);
  REQUIRE(found);
  CHECK(body_of(found)["open"]["id"] == first_id);
  CHECK(body_of(found)["open"]["closed_at"].is_null());

  // The open batch's own name typed again keeps it, without asking.
  CHECK(open({{"name", "VNPost 23/11 sáng"}})["id"] == first_id);

  // A second batch closes the first: one open batch a clerk.
  const db::Id second_id = open({{"name", "VNPost 23/11 chiều"}})["id"].get<db::Id>();
  // Another batch's name typed again is not silently continued: the clerk is asked.
  const auto again = api.post("/api/batches", json{{"name", "VNPost 23/11 sáng"}}, station);
  REQUIRE(again);
  CHECK(again->status == 409);
  CHECK(body_of(again)["error"]["message_id"] == "batch_exists");
  const auto listed = api.get("/api/batches", station);
  REQUIRE(listed);
  CHECK(body_of(listed)["open"]["id"] == second_id);
  REQUIRE(body_of(listed)["batches"].size() == 2);
  // The answer held in a variable: a range-for over a member of a temporary would read freed
  // memory.
  const json batches = body_of(listed)["batches"];
  for (const json& b : batches) {
    CHECK(b["closed_at"].is_null() == (b["id"] == second_id));
  }

  // Reopening the first by name, when asked for, is that batch, not a new one.
  const json reopened = open({{"name", "VNPost 23/11 sáng"}, {"reopen", true}});
  CHECK(reopened["id"] == first_id);
  CHECK(reopened["closed_at"].is_null());
  CHECK(body_of(api.get("/api/batches", station))["open"]["id"] == first_id);

  const auto closed = api.post(fmt::format("/api/batches/{}/close", first_id), json{}, station);
  REQUIRE(closed);
  REQUIRE_MESSAGE(closed->status == 200, closed->body);
  CHECK(body_of(api.get("/api/batches", station))["open"].is_null());
  // A page still naming the closed batch cannot scan into it unnoticed.
  const auto late = api.post(
      "/api/scans/typed", json{{"code", "EB123456785VN"}, {"batch", "VNPost 23/11 sáng"}}, station);
  REQUIRE(late);
  CHECK(late->status == 409);
  CHECK(body_of(late)["error"]["message_id"] == "batch_closed");
  // A closed batch's record can still be printed.
  const auto record = api.get(fmt::format("/api/batches/{}", first_id), station);
  REQUIRE(record);
  CHECK(record->status == 200);
  CHECK_FALSE(body_of(record)["closed_at"].is_null());
}

TEST_CASE(
    "the carrier's delivery list uploaded for a batch says what was scanned, missing and "
    "refused") {
  StaffDesk desk;
  Api api(desk.port());
  const Auth station = bearer(desk.token);
  const auto opened = api.post("/api/batches", json{{"name", "HC-0302"}}, station);
  REQUIRE(opened);
  REQUIRE_MESSAGE(opened->status == 200, opened->body);
  const db::Id id = body_of(opened)["batch"]["id"].get<db::Id>();
  const std::string scanned = common::make_s10("EB", 11);
  const std::string absent = common::make_s10("EB", 12);
  const std::string stray = common::make_s10("EB", 13);
  for (const std::string& number : {scanned, stray}) {
    const auto typed =
        api.post("/api/scans/typed", json{{"code", number}, {"batch", "HC-0302"}}, station);
    REQUIRE(typed);
    REQUIRE_MESSAGE(typed->status == 200, typed->body);
  }
  const std::string list = fmt::format("so_hieu\n{}\n{}\nEB123456789VN\n", scanned, absent);
  const auto sent = api.post_files(fmt::format("/api/batches/{}/manifest", id),
                                   {{"file", list, "danh-sach.csv", "text/csv"}}, station.in("vi"));
  REQUIRE(sent);
  REQUIRE_MESSAGE(sent->status == 200, sent->body);
  const json answer = body_of(sent);
  CHECK(answer["manifest_items"] == 2);
  CHECK(answer["scanned"] == 1);
  CHECK(answer["missing"] == json::array({absent}));
  CHECK(answer["unexpected"] == json::array({stray}));
  REQUIRE(answer["refused"].size() == 1);
  CHECK(answer["refused"][0]["line"] == 4);
  CHECK(contains(answer["refused"][0]["reason"].get<std::string>(), "5"));

  // The same list again changes nothing; another list is refused, naming the batch.
  const auto same = api.post_files(fmt::format("/api/batches/{}/manifest", id),
                                   {{"file", list, "danh-sach.csv", "text/csv"}}, station);
  REQUIRE(same);
  CHECK(same->status == 200);
  const auto other =
      api.post_files(fmt::format("/api/batches/{}/manifest", id),
                     {{"file", stray + "\n", "khac.txt", "text/plain"}}, station.in("vi"));
  REQUIRE(other);
  CHECK(other->status == 409);
  CHECK(body_of(other)["error"]["message_id"] == "batch_has_manifest");
  CHECK(contains(body_of(other)["error"]["message"].get<std::string>(),
                 "đã có danh sách giao của bưu điện (2 bưu gửi)"));
  // Replacing it is said on purpose, then the new list is the batch's.
  const auto replaced = api.post_files(
      fmt::format("/api/batches/{}/manifest", id),
      {{"file", stray + "\n", "khac.txt", "text/plain"}, {"replace", "true", "", ""}}, station);
  REQUIRE(replaced);
  REQUIRE_MESSAGE(replaced->status == 200, replaced->body);
  CHECK(body_of(replaced)["manifest_items"] == 1);
  CHECK(body_of(replaced)["missing"] == json::array());
  CHECK(body_of(replaced)["unexpected"] == json::array({scanned}));
  const auto empty = api.post_files(fmt::format("/api/batches/{}/manifest", id),
                                    {{"file", "# nothing\n", "rong.txt", "text/plain"}}, station);
  REQUIRE(empty);
  CHECK(empty->status == 400);
}

// Whether `word` stands in `text` as a word of its own (not inside a longer one).
bool has_word(const std::string& text, const std::string& word) {
  const auto letter = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || (static_cast<unsigned char>(c) >= 0x80);
  };
  for (auto at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    const bool starts = at == 0 || !letter(text[at - 1]);
    const bool ends = at + word.size() == text.size() || !letter(text[at + word.size()]);
    if (starts && ends) return true;
  }
  return false;
}

// The text of an HTML page's body as a reader sees it: tags left out.
std::string visible_text(const std::string& html) {
  std::string text;
  bool in_tag = false;
  for (const char c : html.substr(html.find("<body>"))) {
    if (c == '<') in_tag = true;
    if (!in_tag) text += c;
    if (c == '>') in_tag = false;
    if (c == '>') text += ' ';
  }
  return text;
}

std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST_CASE(
    "regression: the printed handover record has one row per envelope, a rescan included, its "
    "totals agree, and it is signed by the clerk's full name under the national heading") {
  StaffDesk desk;
  Api api(desk.port());
  const Auth clerk = api.login(k_mailroom);
  const auto opened = api.post("/api/batches", json{{"name", "VNPost 07/12 sáng"}}, clerk);
  REQUIRE(opened);
  REQUIRE_MESSAGE(opened->status == 200, opened->body);
  const db::Id id = body_of(opened)["batch"]["id"].get<db::Id>();
  const std::string first = common::make_s10("EB", 21);
  const std::string second = common::make_s10("EB", 22);
  const std::string absent = common::make_s10("EB", 23);
  // The first envelope is scanned twice: two scans, one envelope.
  for (const std::string& number : {first, first, second}) {
    const auto typed =
        api.post("/api/scans/typed", json{{"code", number}, {"batch", "VNPost 07/12 sáng"}}, clerk);
    REQUIRE(typed);
    REQUIRE_MESSAGE(typed->status == 200, typed->body);
  }
  const auto listed =
      api.post_files(fmt::format("/api/batches/{}/manifest", id),
                     {{"file", first + "\n" + absent + "\n", "ds.txt", "text/plain"}}, clerk);
  REQUIRE(listed);
  REQUIRE_MESSAGE(listed->status == 200, listed->body);

  const auto printed = api.get(fmt::format("/api/batches/{}/handover", id), clerk.in("vi"));
  REQUIRE(printed);
  REQUIRE_MESSAGE(printed->status == 200, printed->body);
  CHECK(contains(printed->get_header_value("Content-Type"), "text/html"));
  const std::string html = printed->body;
  CHECK(contains(html, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
  CHECK(contains(html, "Độc lập - Tự do - Hạnh phúc"));
  CHECK(contains(html, "Bộ phận Một cửa UBND quận Hải Châu"));
  CHECK(contains(html, "<h1>Biên bản giao nhận hồ sơ</h1>"));
  CHECK(contains(html, "size: A4;"));
  CHECK(contains(html, "Bên giao:</span> <span class=\"carrier\">Bưu điện Việt Nam"));
  CHECK(contains(html, "VNPost 07/12 sáng"));
  // One row per envelope, and the totals count those rows.
  CHECK(occurrences(html, "<tr class=\"envelope") == 2);
  CHECK(contains(html, "<strong id=\"envelopes\">2</strong> phong bì"));
  CHECK(contains(html, "Quét 2 lần, một phong bì"));
  CHECK(occurrences(html, first) == 1);
  // Checked against the carrier's list: the stray one marked, the missing one listed.
  CHECK(contains(html, "<td class=\"check\">Ngoài danh sách</td>"));
  CHECK(contains(html, "danh sách có 2 bưu gửi; đã nhận 1; chưa nhận 1; nhận ngoài danh sách 1"));
  CHECK(occurrences(html, "<tr class=\"missing-item\">") == 1);
  CHECK(contains(html, absent));
  // Signed by name, never by login; both sides sign.
  CHECK(contains(html, "Trần Văn Nam"));
  CHECK_FALSE(has_word(html, k_mailroom));
  CHECK(contains(html, "Đại diện bên giao"));
  CHECK(contains(html, "Đại diện bên nhận"));
  CHECK(occurrences(html, "(Ký và ghi rõ họ tên)") == 2);
  const std::string seen = visible_text(html);
  for (const char* english :
       {"typed", "registered", "manual", "handover", "batch", "envelope", "received", "the"}) {
    CHECK_MESSAGE(!has_word(seen, english), english);
  }

  const auto unknown = api.get("/api/batches/9999/handover", clerk.in("vi"));
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
  CHECK(contains(unknown->get_header_value("Content-Type"), "text/html"));
}

TEST_CASE(
    "a batch reopened by another clerk becomes that clerk's open batch, and its record names "
    "them") {
  StaffDesk desk;
  Api api(desk.port());
  const Auth first = api.login(k_mailroom);
  const Auth second = api.login(k_admin);
  const auto opened = api.post("/api/batches", json{{"name", "Chiều 07/12"}}, first);
  REQUIRE(opened);
  REQUIRE_MESSAGE(opened->status == 200, opened->body);
  const db::Id id = body_of(opened)["batch"]["id"].get<db::Id>();
  // The open batch's own name typed again keeps it: nothing asked, nothing new.
  const auto again = api.post("/api/batches", json{{"name", "Chiều 07/12"}}, first);
  REQUIRE(again);
  REQUIRE_MESSAGE(again->status == 200, again->body);
  CHECK(body_of(again)["already_open"] == true);
  CHECK(body_of(again)["batch"]["id"] == id);

  // The second clerk takes it over while the first still has it open.
  const auto taken =
      api.post("/api/batches", json{{"name", "Chiều 07/12"}, {"reopen", true}}, second);
  REQUIRE(taken);
  REQUIRE_MESSAGE(taken->status == 200, taken->body);
  CHECK(body_of(taken)["batch"]["id"] == id);
  CHECK(body_of(taken)["batch"]["received_by"] == k_admin);
  CHECK(body_of(api.get("/api/batches", second))["open"]["id"] == id);
  CHECK(body_of(api.get("/api/batches", first))["open"].is_null());
  const auto record = api.get(fmt::format("/api/batches/{}/handover", id), second.in("vi"));
  REQUIRE(record);
  CHECK(contains(record->body, "Quản trị viên"));
  CHECK_FALSE(contains(record->body, "Trần Văn Nam"));

  // Closed, then reopened by the first clerk: theirs again.
  REQUIRE(api.post(fmt::format("/api/batches/{}/close", id), json{}, second)->status == 200);
  const auto back =
      api.post("/api/batches", json{{"name", "Chiều 07/12"}, {"reopen", true}}, first);
  REQUIRE(back);
  REQUIRE_MESSAGE(back->status == 200, back->body);
  CHECK(body_of(api.get("/api/batches", first))["open"]["id"] == id);
  CHECK(body_of(api.get("/api/batches", second))["open"].is_null());
}

TEST_CASE("an admin adds, changes and disables users and tokens, but not the last admin") {
  StaffDesk desk;
  Api api(desk.port());
  const Auth admin = api.login(k_admin);

  const auto weak = api.post(
      "/api/users",
      json{{"login", "lan"}, {"name", "Phạm Thị Lan"}, {"role", "officer"}, {"password", "short"}},
      admin);
  REQUIRE(weak);
  CHECK(weak->status == 400);
  CHECK(error_code(weak) == "invalid_argument");
  CHECK(desk.user_count() == 3);
  const auto bad_role = api.post("/api/users",
                                 json{{"login", "lan"},
                                      {"name", "Phạm Thị Lan"},
                                      {"role", "emperor"},
                                      {"password", "vườn-hoa-sen-1"}},
                                 admin);
  REQUIRE(bad_role);
  CHECK(bad_role->status == 400);

  const auto added = api.post("/api/users",
                              json{{"login", "lan"},
                                   {"name", "Phạm Thị Lan"},
                                   {"role", "officer"},
                                   {"password", "vườn-hoa-sen-1"}},
                              admin);
  REQUIRE(added);
  REQUIRE_MESSAGE(added->status == 200, added->body);
  const db::Id lan_id = body_of(added)["user"]["id"].get<db::Id>();
  CHECK(body_of(added)["user"]["role"] == "officer");
  CHECK(!contains(added->body, "vườn-hoa-sen-1"));
  CHECK(desk.user_count() == 4);
  const auto taken = api.post("/api/users",
                              json{{"login", "lan"},
                                   {"name", "Another Lan"},
                                   {"role", "officer"},
                                   {"password", "vườn-hoa-sen-2"}},
                              admin);
  REQUIRE(taken);
  CHECK(taken->status == 400);

  const auto listed = api.get("/api/users", admin);
  REQUIRE(listed);
  CHECK(listed->status == 200);
  CHECK(body_of(listed)["users"].size() == 4u);
  CHECK(!contains(listed->body, "argon2"));  // no password hashes

  const Auth lan = api.login("lan", "vườn-hoa-sen-1");
  const auto reads = api.get("/api/dossiers", lan);
  REQUIRE(reads);
  CHECK(reads->status == 200);

  const std::string lan_path = fmt::format("/api/users/{}", lan_id);
  const auto demoted = api.post(lan_path, json{{"role", "mailroom"}}, admin);
  REQUIRE(demoted);
  REQUIRE_MESSAGE(demoted->status == 200, demoted->body);
  CHECK(body_of(demoted)["user"]["role"] == "mailroom");
  const auto reads_now = api.get("/api/dossiers", lan);
  REQUIRE(reads_now);
  CHECK(reads_now->status == 403);  // the session has the new role at once

  // A new password ends the sessions opened with the old one.
  const auto new_password = api.post(lan_path, json{{"password", "vườn-hoa-sen-2"}}, admin);
  REQUIRE(new_password);
  REQUIRE_MESSAGE(new_password->status == 200, new_password->body);
  const auto old_session = api.get("/api/session", lan);
  REQUIRE(old_session);
  CHECK(old_session->status == 401);
  const auto old_password =
      api.post("/api/login", json{{"login", "lan"}, {"password", "vườn-hoa-sen-1"}});
  REQUIRE(old_password);
  CHECK(old_password->status == 401);
  const Auth lan_again = api.login("lan", "vườn-hoa-sen-2");

  const auto disabled = api.post(lan_path, json{{"disabled", true}}, admin);
  REQUIRE(disabled);
  REQUIRE_MESSAGE(disabled->status == 200, disabled->body);
  CHECK(body_of(disabled)["user"]["disabled"] == true);
  const auto gone = api.get("/api/session", lan_again);
  REQUIRE(gone);
  CHECK(gone->status == 401);
  const auto relogin =
      api.post("/api/login", json{{"login", "lan"}, {"password", "vườn-hoa-sen-2"}});
  REQUIRE(relogin);
  CHECK(relogin->status == 401);

  // API tokens: shown once, then only their names.
  const auto made = api.post("/api/tokens", json{{"name", "mailroom-2"}}, admin);
  REQUIRE(made);
  REQUIRE_MESSAGE(made->status == 200, made->body);
  const std::string secret = body_of(made)["token"].get<std::string>();
  const db::Id new_token_id = body_of(made)["id"].get<db::Id>();
  REQUIRE(!secret.empty());
  const auto tokens = api.get("/api/tokens", admin);
  REQUIRE(tokens);
  CHECK(tokens->status == 200);
  CHECK(contains(tokens->body, "mailroom-2"));
  CHECK(!contains(tokens->body, secret));
  CHECK(!contains(tokens->body, desk.token));
  const auto works = api.get("/api/manual", bearer(secret));
  REQUIRE(works);
  CHECK(works->status == 200);
  bool used = false;
  const json token_list = body_of(api.get("/api/tokens", admin));
  for (const json& t : token_list["tokens"]) {
    if (t["id"] == new_token_id) used = t["last_used_at"].is_string();
  }
  CHECK_MESSAGE(used, token_list.dump());
  const auto revoke =
      api.post(fmt::format("/api/tokens/{}/revoke", new_token_id), json::object(), admin);
  REQUIRE(revoke);
  CHECK(revoke->status == 200);
  const auto refused = api.get("/api/manual", bearer(secret));
  REQUIRE(refused);
  CHECK(refused->status == 401);
  const auto other_token = api.get("/api/manual", bearer(desk.token));
  REQUIRE(other_token);
  CHECK(other_token->status == 200);  // only that one was revoked

  // The desk always keeps one admin who can log in.
  const std::string admin_path = fmt::format("/api/users/{}", desk.admin_id);
  const auto last = api.post(admin_path, json{{"disabled", true}}, admin);
  REQUIRE(last);
  CHECK(last->status == 409);
  CHECK(error_code(last) == "conflict");
  const auto last_demoted = api.post(admin_path, json{{"role", "officer"}}, admin);
  REQUIRE(last_demoted);
  CHECK(last_demoted->status == 409);
  const auto still_admin = api.get("/api/users", admin);
  REQUIRE(still_admin);
  CHECK(still_admin->status == 200);
  const auto no_user = api.post("/api/users/9999", json{{"name", "Nobody"}}, admin);
  REQUIRE(no_user);
  CHECK(no_user->status == 404);
}

TEST_CASE("an officer posts a processed result back through the carrier and prints its label") {
  StaffDesk desk({true, test_options()});
  const db::Id id = desk.add_dossier(NewDossier("Trần Thị Bích Ngọc", "048090001234"));
  const db::Id without_phone = [&] {
    NewDossier n("Phạm Văn Đông", "048090004444");
    n.phone = "";
    return desk.add_dossier(n);
  }();
  Api api(desk.port());
  const Auth officer = api.login(k_officer);
  const std::string procedure = first_procedure(api, id, officer);
  for (const db::Id dossier : {id, without_phone}) {
    for (const auto& [action, body] : {std::pair{"accept", json{{"procedure", procedure}}},
                                       std::pair{"start_processing", json::object()},
                                       std::pair{"mark_processed", json::object()}}) {
      const auto res = api.post(action_path(dossier, action), body, officer);
      REQUIRE(res);
      REQUIRE_MESSAGE(res->status == 200, res->body);
    }
  }
  REQUIRE(desk.dossier(id).state == db::DossierState::processed);
  const auto ready = api.get("/api/dossiers?view=ready", officer);
  CHECK(listed_ids(ready) == std::set<db::Id>{id, without_phone});

  const auto posted = api.post("/api/dispatch", json{{"ids", {id}}}, officer);
  REQUIRE(posted);
  REQUIRE_MESSAGE(posted->status == 200, posted->body);
  const json answer = body_of(posted);
  REQUIRE(answer["dispatched"].size() == 1u);
  CHECK(answer["failed"].empty());
  CHECK(answer["dispatched"][0]["id"] == id);
  const std::string number = answer["dispatched"][0]["tracking_number"].get<std::string>();
  REQUIRE(!number.empty());
  CHECK(desk.carrier_sim->truth(number).has_value());  // the carrier has the order
  CHECK(desk.dossier(id).state == db::DossierState::return_dispatched);
  const json view = body_of(api.get(dossier_path(id), officer));
  bool by_officer = false;
  for (const json& e : view["history"]) {
    if (e["action"] == "return_dispatched" && e["actor"] == k_officer) by_officer = true;
  }
  CHECK_MESSAGE(by_officer, view["history"].dump());

  const auto labels = api.get(fmt::format("/api/labels?ids={}", id), officer);
  REQUIRE(labels);
  CHECK(labels->status == 200);
  CHECK(labels->get_header_value("Content-Type").rfind("text/html", 0) == 0);
  CHECK(contains(labels->body, number));
  CHECK(!contains(script_policy(labels->get_header_value("Content-Security-Policy")),
                  "'unsafe-inline'"));
  const auto label = api.get(dossier_path(id) + "/documents/label", officer);
  REQUIRE(label);
  CHECK(label->status == 200);
  CHECK(contains(label->body, number));

  // Posted already: skipped, not posted twice. Without the receiver's phone: failed, still ready.
  const auto twice = api.post("/api/dispatch", json{{"ids", {id, without_phone}}}, officer);
  REQUIRE(twice);
  REQUIRE_MESSAGE(twice->status == 200, twice->body);
  const json second = body_of(twice);
  CHECK(second["dispatched"].size() + second["skipped"].size() == 1u);
  REQUIRE(second["failed"].size() == 1u);
  CHECK(second["failed"][0]["id"] == without_phone);
  CHECK(desk.dossier(without_phone).state == db::DossierState::processed);
  CHECK(desk.carrier_sim->counters().at("orders.created") == 1);
  const auto bad = api.post("/api/dispatch", json{{"ids", json::array()}}, officer);
  REQUIRE(bad);
  CHECK(bad->status == 400);
}

TEST_CASE(
    "an officer posts a refusal back by post and the dossier page lists its tracking number") {
  StaffDesk desk({true, test_options()});
  const db::Id id = desk.add_dossier(NewDossier("Trần Thị Bích Ngọc", "048090001234"));
  Api api(desk.port());
  const Auth officer = api.login(k_officer);
  const auto refused = api.post(action_path(id, "refuse"),
                                json{{"reason", "Không thuộc thẩm quyền giải quyết"}}, officer);
  REQUIRE(refused);
  REQUIRE_MESSAGE(refused->status == 200, refused->body);
  const std::string letter_path = dossier_path(id) + "/letter";

  // A letter the dossier does not have is refused, in the documents' words; nothing is ordered.
  const auto no_supplement = api.post(letter_path, json{{"form", "supplement"}}, officer);
  REQUIRE(no_supplement);
  CHECK(no_supplement->status == 400);
  const auto unknown = api.post(letter_path, json{{"form", "result"}}, officer);
  REQUIRE(unknown);
  CHECK(unknown->status == 400);
  CHECK(desk.carrier_sim->counters().at("orders.created") == 0);
  // The mailroom does not post letters.
  const Auth clerk = api.login(k_mailroom);
  const auto by_clerk = api.post(letter_path, json{{"form", "refusal"}}, clerk);
  REQUIRE(by_clerk);
  CHECK(by_clerk->status == 403);

  const auto posted = api.post(letter_path, json{{"form", "refusal"}}, officer);
  REQUIRE(posted);
  REQUIRE_MESSAGE(posted->status == 200, posted->body);
  const json letter = body_of(posted)["letter"];
  CHECK(letter["form"] == "refusal");
  CHECK(letter["already"] == false);
  const std::string number = letter["tracking_number"].get<std::string>();
  CHECK(desk.carrier_sim->truth(number).has_value());
  CHECK(desk.dossier(id).state == db::DossierState::refused);  // a letter moves nothing

  // Twice: the same shipment, nothing ordered again.
  const auto twice = api.post(letter_path, json{{"form", "refusal"}}, officer);
  REQUIRE(twice);
  REQUIRE_MESSAGE(twice->status == 200, twice->body);
  CHECK(body_of(twice)["letter"]["already"] == true);
  CHECK(body_of(twice)["letter"]["tracking_number"] == number);
  CHECK(desk.carrier_sim->counters().at("orders.created") == 1);

  const json view = body_of(api.get(dossier_path(id), officer));
  REQUIRE(view["letters"].size() == 1u);
  CHECK(view["letters"][0]["form"] == "refusal");
  CHECK(view["letters"][0]["tracking_number"] == number);
  CHECK_FALSE(view["letters"][0]["status"].get<std::string>().empty());
}

TEST_CASE("the report comes as JSON, as a CSV download, and day by day for the charts") {
  StaffDesk desk;
  NewDossier filed("Võ Thị Hạnh", "046188171377");
  filed.filed_at = common::parse_local("2025-03-04 10:00").value();
  desk.add_dossier(filed);
  filed.full_name = "Đặng Quốc Huy";
  filed.filed_at = common::parse_local("2025-03-06 15:00").value();
  desk.add_dossier(filed);
  desk.add_dossier(NewDossier("Bùi Thị Lan", "001192905892"));  // today: outside the period
  Api api(desk.port());
  const Auth officer = api.login(k_officer);
  const std::string period = "?from=2025-03-03&to=2025-03-09";

  const auto report = api.get(std::string("/api/report") + period, officer);
  REQUIRE(report);
  REQUIRE_MESSAGE(report->status == 200, report->body);
  CHECK(report->get_header_value("Content-Type").rfind("application/json", 0) == 0);
  const json body = body_of(report);
  CHECK(body["received_by_channel"]["3"] == 2);
  CHECK(body["agency"]["code"] == k_agency);

  const auto csv = api.get(std::string("/api/report.csv") + period, officer);
  REQUIRE(csv);
  CHECK(csv->status == 200);
  CHECK(csv->get_header_value("Content-Type").rfind("text/csv", 0) == 0);
  CHECK(csv->get_header_value("Content-Disposition").rfind("attachment", 0) == 0);
  CHECK(contains(csv->get_header_value("Content-Disposition"), ".csv"));
  // A byte order mark first, so Excel reads UTF-8; the header in the request's language.
  CHECK(csv->body.rfind("\xEF\xBB\xBFsection,group,metric,value\n", 0) == 0);
  const auto csv_vi = api.get(std::string("/api/report.csv") + period, officer.in("vi"));
  REQUIRE(csv_vi);
  CHECK(csv_vi->body.rfind("\xEF\xBB\xBFphần,nhóm,chỉ tiêu,giá trị\n", 0) == 0);
  CHECK(contains(csv_vi->body, "\nreceived,channel 3,dossiers,2\n"));
  // The Excel workbook: a zip file named for the period (its content: tracking's report_xlsx).
  const auto xlsx = api.get(std::string("/api/report.xlsx") + period, officer);
  REQUIRE(xlsx);
  REQUIRE(xlsx->status == 200);
  CHECK(xlsx->get_header_value("Content-Type") ==
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  CHECK(xlsx->get_header_value("Content-Disposition") ==
        "attachment; filename=\"hoso-report-2025-03-03-2025-03-10.xlsx\"");
  CHECK(xlsx->body.rfind("PK\x03\x04", 0) == 0);

  const auto daily = api.get(std::string("/api/report/daily") + period, officer);
  REQUIRE(daily);
  REQUIRE_MESSAGE(daily->status == 200, daily->body);
  const json days = body_of(daily)["days"];
  REQUIRE(days.is_array());
  REQUIRE(days.size() == 7u);  // one entry per day, both ends included
  std::map<std::string, int> received;
  for (const json& day : days)
    received[day["date"].get<std::string>()] = day["received"].value("3", 0);
  CHECK(received == std::map<std::string, int>{{"2025-03-03", 0},
                                               {"2025-03-04", 1},
                                               {"2025-03-05", 0},
                                               {"2025-03-06", 1},
                                               {"2025-03-07", 0},
                                               {"2025-03-08", 0},
                                               {"2025-03-09", 0}});
  CHECK(days[0]["date"] == "2025-03-03");

  const auto backwards = api.get("/api/report?from=2025-03-09&to=2025-03-03", officer);
  REQUIRE(backwards);
  CHECK(backwards->status == 400);
  const auto not_a_date = api.get("/api/report/daily?from=March", officer);
  REQUIRE(not_a_date);
  CHECK(not_a_date->status == 400);
}

TEST_CASE("an applicant's name with HTML in it is served only as JSON text and escaped in forms") {
  StaffDesk desk;
  const std::string hostile = "<script>alert(1)</script>";
  const db::Id id = desk.add_dossier(NewDossier(hostile, "079188009999"));
  Api api(desk.port());
  const Auth officer = api.login(k_officer);

  const auto shown = api.get(dossier_path(id), officer);
  REQUIRE(shown);
  REQUIRE(shown->status == 200);
  CHECK(shown->get_header_value("Content-Type").rfind("application/json", 0) == 0);
  CHECK(shown->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(body_of(shown)["applicant"]["full_name"] == hostile);
  const auto listed = api.get("/api/dossiers", officer);
  REQUIRE(listed);
  CHECK(listed->get_header_value("Content-Type").rfind("application/json", 0) == 0);
  CHECK(body_of(listed)["dossiers"][0]["applicant_name"] == hostile);

  const std::string receipt = accept_and_print(api, id, officer);
  CHECK(contains(receipt, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  CHECK(!contains(receipt, hostile));
  CHECK(!contains(receipt, "<script"));

  // What an officer types goes through the same escaping.
  const db::Id other = desk.add_dossier(NewDossier("Hồ Ngọc Linh", "046192994865"));
  const auto refused = api.post(action_path(other, "refuse"),
                                json{{"reason", "<img src=x onerror=alert(2)>"}}, officer);
  REQUIRE(refused);
  REQUIRE_MESSAGE(refused->status == 200, refused->body);
  const auto refusal = api.get(dossier_path(other) + "/documents/refusal", officer);
  REQUIRE(refusal);
  REQUIRE(refusal->status == 200);
  CHECK(contains(refusal->body, "&lt;img src=x onerror=alert(2)&gt;"));
  CHECK(!contains(refusal->body, "<img src=x"));
}

TEST_CASE(
    "after the demo no applicant's name or ID number appears in a public answer or in the "
    "server's log") {
  test_support::TempDir dir;
  app::DemoArgs args;
  args.dir = (dir / "demo").string();
  args.once = true;
  std::FILE* narrative = std::fopen((dir / "demo.log").c_str(), "w");
  REQUIRE(narrative != nullptr);
  const Result<app::DemoOutcome> outcome = app::run_demo_flow(args, narrative);
  std::fclose(narrative);
  REQUIRE_MESSAGE(outcome.has_value(), (outcome ? std::string() : outcome.error().message));

  // Every applicant's identity, and how a citizen would look each dossier up.
  std::set<std::string> personal;
  struct Lookup {
    std::string code;
    std::string lookup_code;
  };
  std::vector<Lookup> lookups;
  {
    auto store = db::open_sqlite(outcome->database).value();
    REQUIRE(store
                ->read([&](db::Transaction& tx) -> Result<void> {
                  db::DossierFilter filter;
                  filter.limit = 100000;
                  auto dossiers = tx.list_dossiers(filter);
                  if (!dossiers) return dossiers.error();
                  for (const db::Dossier& d : *dossiers) {
                    auto applicant = tx.applicant_of(d.id);
                    if (!applicant) return applicant.error();
                    if (*applicant) {
                      const db::Applicant& a = **applicant;
                      if (!a.full_name.empty()) personal.insert(a.full_name);
                      if (!a.id_number.empty()) personal.insert(a.id_number);
                    }
                    auto shipments = tx.shipments_of(d.id);
                    if (!shipments) return shipments.error();
                    for (const db::Shipment& s : *shipments) {
                      lookups.push_back({s.tracking_number, d.lookup_code});
                    }
                    if (d.code) lookups.push_back({*d.code, d.lookup_code});
                  }
                  return {};
                })
                .has_value());
  }
  REQUIRE(personal.size() >= 50);
  REQUIRE(lookups.size() >= 100);

  std::string note;
  auto served = app::open_served_desk(outcome->database, dir / "no-config.json", note);
  REQUIRE_MESSAGE(served.has_value(), (served ? std::string() : served.error().message));
  LogCapture log;
  std::vector<std::string> public_answers;
  std::string staff_answers;
  {
    app::ServerOptions options = test_options();
    options.lookups_per_minute = 100000;
    auto started = app::DeskServer::start((*served)->parts(), options);
    REQUIRE(started.has_value());
    std::unique_ptr<app::DeskServer> server = std::move(*started);
    Api api(server->port());
    int found = 0;
    for (const Lookup& l : lookups) {
      const auto res =
          api.get(fmt::format("/api/public/lookup?code={}&lookup_code={}", l.code, l.lookup_code));
      REQUIRE(res);
      CHECK(res->status == 200);
      found += res->status == 200;
      public_answers.push_back(res->body);
      const auto miss =
          api.get(fmt::format("/api/public/lookup?code={}&lookup_code=AAAAAAAA", l.code));
      REQUIRE(miss);
      CHECK(miss->status == 404);
      public_answers.push_back(miss->body);
      const auto page = api.get(fmt::format("/tra-cuu?ma={}&mk={}", l.code, l.lookup_code));
      REQUIRE(page);
      CHECK(page->status == 200);
      public_answers.push_back(page->body);
    }
    CHECK(found == static_cast<int>(lookups.size()));
    for (const char* path : {"/", "/api/health", "/api/dossiers", "/api/session"}) {
      const auto res = api.get(path);
      REQUIRE(res);
      public_answers.push_back(res->body);
    }
    // A staff member's answers do carry the names: the check below would see one that leaked.
    const Auth officer = api.login(app::k_demo_officer, app::k_demo_password);
    const auto staff_list = api.get("/api/dossiers?limit=1000", officer);
    REQUIRE(staff_list);
    CHECK(staff_list->status == 200);
    staff_answers = staff_list->body;
    const auto failed = api.post(
        "/api/login", json{{"login", app::k_demo_officer}, {"password", "wrong-password"}});
    REQUIRE(failed);
    CHECK(failed->status == 401);
    server.reset();  // every access-log line is written
  }
  const std::string logged = log.text();
  CHECK(contains(logged, "/api/public/lookup"));  // the capture works
  CHECK(contains(logged, "/api/dossiers"));
  CHECK(contains(logged, "/tra-cuu"));
  int names_in_staff_answers = 0;
  for (const std::string& item : personal) {
    INFO("personal data: " << item);
    names_in_staff_answers += contains(staff_answers, item);
    CHECK(!contains(logged, item));
    for (const std::string& answer : public_answers) {
      if (contains(answer, item)) {
        FAIL_CHECK("a public answer shows it: " << answer.substr(0, 300));
        break;
      }
    }
  }
  CHECK(names_in_staff_answers > 0);
  CHECK(!contains(logged, "lookup_code="));  // query strings are not logged
  CHECK(!contains(logged, "wrong-password"));
  CHECK(!contains(logged, app::k_demo_password));
}

TEST_CASE("a flood of public lookups from one address does not lock out another address") {
  app::ServerOptions options = test_options();
  options.lookups_per_minute = 5;
  StaffDesk desk({false, options});
  const std::string number = common::make_s10("EB", 31'000'001);
  desk.add_dossier(NewDossier("Nguyễn Văn An", "079188001111", number));
  const std::string path =
      fmt::format("/api/public/lookup?code={}&lookup_code={}", number, k_lookup_code);
  Api flood(desk.port());
  std::vector<int> statuses;
  for (int i = 0; i < 20; ++i) {
    const auto res = flood.get(path);
    REQUIRE(res);
    statuses.push_back(res->status);
  }
  for (int i = 0; i < 5; ++i) CHECK(statuses[static_cast<std::size_t>(i)] == 200);
  CHECK(std::count(statuses.begin(), statuses.end(), 429) >= 10);
  CHECK(statuses.back() == 429);

  Api neighbour(desk.port());
  neighbour.set_interface("127.0.0.2");  // another client on the same machine
  const auto other = neighbour.get(path);
  REQUIRE_MESSAGE(other, "cannot connect from 127.0.0.2");
  CHECK(other->status == 200);
  const auto still = flood.get(path);
  REQUIRE(still);
  CHECK(still->status == 429);
}

// Processes dossier `id` through accept, start_processing and mark_processed as `officer`.
void process_to_ready(Api& api, db::Id id, const Auth& officer) {
  const std::string procedure = first_procedure(api, id, officer);
  for (const auto& [action, body] : {std::pair{"accept", json{{"procedure", procedure}}},
                                     std::pair{"start_processing", json::object()},
                                     std::pair{"mark_processed", json::object()}}) {
    const auto res = api.post(action_path(id, action), body, officer);
    REQUIRE(res);
    REQUIRE_MESSAGE(res->status == 200, res->body);
  }
}

TEST_CASE(
    "an officer types the applicant of an envelope without an ID card and the result goes back by "
    "post") {
  StaffDesk desk({true, test_options()});
  NewDossier no_card("", "");
  no_card.applicant = false;
  const db::Id id = desk.add_dossier(no_card);
  Api api(desk.port());
  const Auth officer = api.login(k_officer);
  REQUIRE(body_of(api.get(dossier_path(id), officer))["applicant"].is_null());
  process_to_ready(api, id, officer);

  // Nobody to post it to: refused in the page's language, naming what is missing.
  const auto refused = api.post("/api/dispatch", json{{"ids", {id}}}, officer.in("vi"));
  REQUIRE(refused);
  REQUIRE(refused->status == 200);
  const json failed = body_of(refused)["failed"];
  REQUIRE(failed.size() == 1u);
  CHECK(failed[0]["problem"] == "applicant_missing");
  const std::string said = failed[0]["message"].get<std::string>();
  CHECK_MESSAGE(contains(said, "họ tên"), said);
  CHECK_MESSAGE(contains(said, "số điện thoại"), said);
  CHECK_MESSAGE(!contains(said, "hoso "), said);  // no CLI command for the officer to run

  const std::string path = dossier_path(id) + "/applicant";
  // A new applicant needs a name; a phone must be one.
  const auto nameless = api.post(path, json{{"phone", "0905 111 222"}}, officer);
  REQUIRE(nameless);
  CHECK(nameless->status == 400);
  const auto bad_phone =
      api.post(path, json{{"full_name", "Võ Thị Sáu"}, {"phone", "gọi sau"}}, officer);
  REQUIRE(bad_phone);
  CHECK(bad_phone->status == 400);
  CHECK(body_of(api.get(dossier_path(id), officer))["applicant"].is_null());

  // The mailroom may not; the officer may.
  Api clerk_api(desk.port());
  const Auth clerk = clerk_api.login(k_mailroom);
  const auto by_clerk = clerk_api.post(path, json{{"full_name", "Võ Thị Sáu"}}, clerk);
  REQUIRE(by_clerk);
  CHECK(by_clerk->status == 403);
  const auto saved = api.post(path,
                              json{{"full_name", "Võ Thị Sáu"},
                                   {"phone", "0905.111.222"},
                                   {"return_address", "45 Bạch Đằng, phường Hải Châu, Đà Nẵng"}},
                              officer);
  REQUIRE(saved);
  REQUIRE_MESSAGE(saved->status == 200, saved->body);
  const json applicant = body_of(saved)["applicant"];
  CHECK(applicant["full_name"] == "Võ Thị Sáu");
  CHECK(applicant["phone"] == "0905111222");
  CHECK(applicant["source"] == "typed");
  // A correction keeps what it does not name.
  const auto corrected = api.post(path, json{{"phone", "0905 111 333"}}, officer);
  REQUIRE(corrected);
  REQUIRE_MESSAGE(corrected->status == 200, corrected->body);
  CHECK(body_of(corrected)["applicant"]["full_name"] == "Võ Thị Sáu");

  // The history says who changed which fields, never the values.
  const json view = body_of(api.get(dossier_path(id), officer));
  std::vector<json> changes;
  for (const json& e : view["history"]) {
    if (e["action"] == "applicant_updated") changes.push_back(e);
  }
  REQUIRE(changes.size() == 2u);
  CHECK(changes[0]["actor"] == k_officer);
  CHECK(changes[0]["data"]["fields"] == json{"full_name", "return_address", "phone"});
  CHECK(changes[1]["data"]["fields"] == json{"phone"});
  CHECK(!contains(view["history"].dump(), "0905111333"));
  CHECK(!contains(view["history"].dump(), "Bạch Đằng"));

  const auto posted = api.post("/api/dispatch", json{{"ids", {id}}}, officer);
  REQUIRE(posted);
  const json answer = body_of(posted);
  REQUIRE_MESSAGE(answer["dispatched"].size() == 1u, answer.dump());
  CHECK(desk.dossier(id).state == db::DossierState::return_dispatched);
  const auto label = api.get(dossier_path(id) + "/documents/label", officer);
  REQUIRE(label);
  CHECK(label->status == 200);
  CHECK(contains(label->body, "Võ Thị Sáu"));
  CHECK(contains(label->body, "45 Bạch Đằng"));
  // On its way: the label carries these details, which can no longer change.
  const auto late = api.post(path, json{{"phone", "0905 999 999"}}, officer);
  REQUIRE(late);
  CHECK(late->status == 400);
}

TEST_CASE(
    "without a public address citizens can open, receipts and labels are refused with a page "
    "saying so") {
  DeskSetup setup;
  setup.public_url = "";
  StaffDesk desk(setup);
  const db::Id id = desk.add_dossier(NewDossier("Đỗ Văn Minh", "048090007777"));
  Api api(desk.port());
  const Auth officer = api.login(k_officer);
  const auto accepted = api.post(action_path(id, "accept"),
                                 json{{"procedure", first_procedure(api, id, officer)}}, officer);
  REQUIRE(accepted);
  REQUIRE(accepted->status == 200);
  // Still listed: opening it explains what the admin must do.
  const json view = body_of(api.get(dossier_path(id), officer));
  CHECK_MESSAGE(contains(view["documents"].dump(), "\"receipt\""), view["documents"].dump());
  const auto receipt = api.get(dossier_path(id) + "/documents/receipt", officer.in("vi"));
  REQUIRE(receipt);
  CHECK(receipt->status == 409);
  CHECK(receipt->get_header_value("Content-Type").rfind("text/html", 0) == 0);
  CHECK_MESSAGE(contains(receipt->body, "Chưa khai báo địa chỉ công khai"), receipt->body);
  CHECK(contains(receipt->body, "trang Quản trị"));
  const auto in_english = api.get(dossier_path(id) + "/documents/receipt", officer);
  REQUIRE(in_english);
  CHECK(in_english->status == 409);
  CHECK(contains(in_english->body, "public address is not set"));
  // A form without a citizen's link still prints.
  const auto control = api.get(dossier_path(id) + "/documents/control", officer);
  REQUIRE(control);
  CHECK(control->status == 200);

  Api admin_api(desk.port());
  const Auth admin = admin_api.login(k_admin);
  json shown = body_of(admin_api.get("/api/desk", admin.in("vi")));
  CHECK(shown["public_url"] == "");
  CHECK(contains(shown["public_url_problem"].get<std::string>(), "Chưa khai báo"));
  // A loopback address only opens on the server; something else is not an address at all.
  for (const char* wrong : {"http://127.0.0.1:8080", "http://localhost/", "https://[::1]:8443",
                            "motcua.danang.vn", "ftp://motcua.danang.vn"}) {
    INFO(wrong);
    const auto refused = admin_api.post("/api/desk", json{{"public_url", wrong}}, admin);
    REQUIRE(refused);
    CHECK(refused->status == 400);
  }
  const auto by_officer =
      api.post("/api/desk", json{{"public_url", "https://motcua.danang.example.vn"}}, officer);
  REQUIRE(by_officer);
  CHECK(by_officer->status == 403);
  const auto set = admin_api.post(
      "/api/desk", json{{"public_url", " https://motcua.danang.example.vn/ "}}, admin);
  REQUIRE(set);
  REQUIRE_MESSAGE(set->status == 200, set->body);
  shown = body_of(set);
  CHECK(shown["public_url"] == "https://motcua.danang.example.vn");
  CHECK(shown["public_url_problem"].is_null());

  const auto printed = api.get(dossier_path(id) + "/documents/receipt", officer);
  REQUIRE(printed);
  CHECK(printed->status == 200);
  CHECK_MESSAGE(contains(printed->body, "https://motcua.danang.example.vn/tra-cuu?ma="),
                printed->body.substr(0, 400));
  CHECK(!contains(printed->body, "127.0.0.1"));
}

TEST_CASE(
    "the citizens' page reads the desk's name, address and hotline without a login, and only an "
    "admin changes the address and hotline") {
  StaffDesk desk;
  Api api(desk.port());
  const auto contact = api.get("/api/public/desk");  // nobody logged in
  REQUIRE(contact);
  REQUIRE_MESSAGE(contact->status == 200, contact->body);
  json shown = body_of(contact);
  CHECK(shown["name"] == "Bộ phận Một cửa UBND quận Hải Châu");
  CHECK(shown["address"] == "270 Trưng Nữ Vương, phường Hải Châu, TP. Đà Nẵng");
  CHECK(shown["phone"] == "0236 3821 234");

  const Auth admin = api.login(k_admin);
  const json change = {{"public_url", "https://motcua.danang.example.vn"},
                       {"address", "15 Trần Phú, phường Hải Châu, TP. Đà Nẵng"},
                       {"phone", "1900 1234"}};
  const auto by_officer = api.post("/api/desk", change, api.login(k_officer));
  REQUIRE(by_officer);
  CHECK(by_officer->status == 403);
  json wrong_phone = change;
  wrong_phone["phone"] = "hotline";
  const auto refused = api.post("/api/desk", wrong_phone, admin.in("vi"));
  REQUIRE(refused);
  CHECK(refused->status == 400);
  CHECK_MESSAGE(contains(error_message(refused), "đường dây nóng"), refused->body);
  CHECK(body_of(api.get("/api/public/desk"))["phone"] == "0236 3821 234");  // unchanged

  const auto saved = api.post("/api/desk", change, admin);
  REQUIRE(saved);
  REQUIRE_MESSAGE(saved->status == 200, saved->body);
  CHECK(body_of(saved)["phone"] == "1900 1234");
  shown = body_of(api.get("/api/public/desk"));
  CHECK(shown["address"] == "15 Trần Phú, phường Hải Châu, TP. Đà Nẵng");
  CHECK(shown["phone"] == "1900 1234");
  // A change of the public address alone leaves them as they are.
  const auto url_only =
      api.post("/api/desk", json{{"public_url", "https://motcua.danang.example.vn"}}, admin);
  REQUIRE(url_only);
  CHECK(url_only->status == 200);
  CHECK(body_of(api.get("/api/public/desk"))["phone"] == "1900 1234");
}

TEST_CASE("two stations uploading the same envelope at once get one dossier between them") {
  StaffDesk desk;
  const std::string jpeg = sample_envelope("plain-04.jpg");
  const std::string number = truth_tracking_number("plain-04.jpg");
  constexpr int k_stations = 4;
  std::vector<json> answers(k_stations);
  std::vector<std::thread> stations;
  for (int i = 0; i < k_stations; ++i) {
    stations.emplace_back([&, i] {
      Api station(desk.port());
      const auto res = station.post_raw(fmt::format("/api/scans?name=station-{}.jpg", i), jpeg,
                                        "image/jpeg", bearer(desk.token));
      if (!res) {
        answers[static_cast<std::size_t>(i)] =
            json{{"client_error", httplib::to_string(res.error())}};
      } else {
        answers[static_cast<std::size_t>(i)] =
            res->status == 200 ? body_of(res) : json{{"status", res->status}, {"body", res->body}};
      }
    });
  }
  for (std::thread& t : stations) t.join();
  std::map<std::string, int> outcomes;
  std::set<db::Id> dossiers;
  for (const json& answer : answers) {
    INFO(answer.dump());
    REQUIRE(answer.contains("results"));
    const json result = answer["results"][0];
    ++outcomes[result["outcome"].get<std::string>()];
    CHECK(result["tracking_number"] == number);
    dossiers.insert(result["dossier_id"].get<db::Id>());
  }
  CHECK(outcomes == std::map<std::string, int>{{"registered", 1}, {"already_registered", 3}});
  CHECK(dossiers.size() == 1u);
  CHECK(desk.counts().dossiers == 1);
  CHECK(desk.counts().scans == k_stations);
}

TEST_CASE("when officers accept the same dossier at once, one succeeds and the others are told") {
  StaffDesk desk;
  const db::Id id = desk.add_dossier(NewDossier("Nguyễn Thanh Mỹ Ngân", "048152150195"));
  Api api(desk.port());
  const Auth officer = api.login(k_officer);
  const std::string procedure = first_procedure(api, id, officer);
  constexpr int k_officers = 4;
  std::vector<int> statuses(k_officers, 0);
  std::vector<std::thread> officers;
  for (int i = 0; i < k_officers; ++i) {
    officers.emplace_back([&, i] {
      Api mine(desk.port());
      const auto res =
          mine.post(action_path(id, "accept"), json{{"procedure", procedure}}, officer);
      if (res) statuses[static_cast<std::size_t>(i)] = res->status;
    });
  }
  for (std::thread& t : officers) t.join();
  CHECK(std::count(statuses.begin(), statuses.end(), 200) == 1);
  CHECK(std::count(statuses.begin(), statuses.end(), 409) == k_officers - 1);
  int accepted_events = 0;
  const json view = body_of(api.get(dossier_path(id), officer));
  for (const json& e : view["history"]) {
    accepted_events += e["action"] == "accepted";
  }
  CHECK_MESSAGE(accepted_events == 1, view["history"].dump());
}

TEST_CASE(
    "an officer accepts received dossiers in one go and prints their receipts as one document") {
  StaffDesk desk;
  const db::Id lan = desk.add_dossier(NewDossier("Phạm Thị Lan", "048152150101"));
  const db::Id minh = desk.add_dossier(NewDossier("Võ Văn Minh", "048152150102"));
  const db::Id tam = desk.add_dossier(NewDossier("Đỗ Thanh Tâm", "048152150103"));
  NewDossier earlier("Lê Hoàng Cường", "001056758383");
  earlier.state = db::DossierState::accepted;
  const db::Id cuong = desk.add_dossier(earlier);
  Api api(desk.port());
  const Auth officer = api.login(k_officer);

  // The header's counters: what each role has waiting.
  const json work = body_of(api.get("/api/workload", officer));
  CHECK(work["waiting_acceptance"] == 3);
  CHECK(!work.contains("manual_queue"));
  const json clerk_work = body_of(api.get("/api/workload", api.login(k_mailroom)));
  CHECK(clerk_work.contains("manual_queue"));
  CHECK(!clerk_work.contains("waiting_acceptance"));

  const json catalogue = body_of(api.get("/api/procedures", officer));
  REQUIRE(catalogue["procedures"].is_array());
  REQUIRE(!catalogue["procedures"].empty());
  const std::string procedure = catalogue["procedures"][0]["code"].get<std::string>();

  SUBCASE("the received ones are accepted, the others named with the reason") {
    const auto res = api.post("/api/dossiers/accept",
                              json{{"ids", {lan, minh, cuong}}, {"procedure", procedure}}, officer);
    REQUIRE(res);
    CHECK(res->status == 200);
    const json answer = body_of(res);
    std::set<db::Id> accepted;
    for (const json& a : answer["accepted"]) {
      accepted.insert(a["id"].get<db::Id>());
      CHECK(!a["code"].get<std::string>().empty());
      CHECK(a["due_at"].is_string());
    }
    CHECK(accepted == std::set<db::Id>{lan, minh});
    REQUIRE(answer["failed"].size() == 1);
    CHECK(answer["failed"][0]["id"] == cuong);
    CHECK(!answer["failed"][0]["message"].get<std::string>().empty());
    CHECK(desk.dossier(lan).state == db::DossierState::accepted);
    CHECK(desk.dossier(minh).state == db::DossierState::accepted);
    CHECK(desk.dossier(tam).state == db::DossierState::received);
    CHECK(body_of(api.get("/api/workload", officer))["waiting_acceptance"] == 1);

    const auto receipts = api.get(fmt::format("/api/receipts?ids={},{}", lan, minh), officer);
    REQUIRE(receipts);
    CHECK(receipts->status == 200);
    CHECK(contains(receipts->get_header_value("Content-Type"), "text/html"));
    std::size_t pages = 0;
    for (auto at = receipts->body.find("class=\"page form-01\""); at != std::string::npos;
         at = receipts->body.find("class=\"page form-01\"", at + 1)) {
      ++pages;
    }
    CHECK(pages == 2);
    for (const json& a : answer["accepted"]) {
      CHECK(contains(receipts->body, a["code"].get<std::string>()));
    }
    CHECK(contains(receipts->body, "Phạm Thị Lan"));
    CHECK(contains(receipts->body, "Võ Văn Minh"));
    // A dossier not accepted has no receipt: a page says so instead of printing blanks.
    const auto none = api.get(fmt::format("/api/receipts?ids={},{}", lan, tam), officer.in("vi"));
    REQUIRE(none);
    CHECK(none->status >= 400);
    CHECK(contains(none->get_header_value("Content-Type"), "text/html"));
  }

  SUBCASE("an unknown procedure or no dossier changes nothing") {
    const auto unknown = api.post("/api/dossiers/accept",
                                  json{{"ids", {lan, minh}}, {"procedure", "NO.SUCH"}}, officer);
    REQUIRE(unknown);
    CHECK(unknown->status == 400);
    CHECK(contains(error_message(unknown), "NO.SUCH"));
    const auto empty = api.post("/api/dossiers/accept",
                                json{{"ids", json::array()}, {"procedure", procedure}}, officer);
    REQUIRE(empty);
    CHECK(empty->status == 400);
    const auto clerk =
        api.post("/api/dossiers/accept", json{{"ids", {lan}}, {"procedure", procedure}},
                 api.login(k_mailroom));
    REQUIRE(clerk);
    CHECK(clerk->status == 403);
    CHECK(desk.dossier(lan).state == db::DossierState::received);
    CHECK(desk.dossier(minh).state == db::DossierState::received);
  }
}

TEST_CASE("a dossier is found by part of its tracking number or code, and a whole key names it") {
  StaffDesk desk;
  const db::Id binh = desk.add_dossier(NewDossier("Trần Văn Bình", "048090001234"));
  desk.add_dossier(NewDossier("Nguyễn Văn An", "048090001235"));
  Api api(desk.port());
  const Auth officer = api.login(k_officer);
  std::string number;
  const json shown = body_of(api.get(dossier_path(binh), officer));
  for (const json& s : shown["shipments"]) {
    if (s["direction"] == "inbound") number = s["tracking_number"].get<std::string>();
  }
  REQUIRE(number.size() == 13);
  REQUIRE(number.substr(11) == "VN");

  const auto whole = api.get("/api/dossiers?q=" + number, officer);
  CHECK(listed_ids(whole) == std::set<db::Id>{binh});
  CHECK(body_of(whole)["key_match"] == binh);
  // Without "VN", in lower case: listed, not opened (a person typed part of it).
  std::string part = number.substr(0, 11);
  std::transform(part.begin(), part.end(), part.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto without_vn = api.get("/api/dossiers?q=" + part, officer);
  CHECK(listed_ids(without_vn) == std::set<db::Id>{binh});
  CHECK(body_of(without_vn)["key_match"].is_null());

  const auto done = api.post(action_path(binh, "accept"),
                             json{{"procedure", first_procedure(api, binh, officer)}}, officer);
  REQUIRE(done);
  REQUIRE(done->status == 200);
  const std::string code = body_of(done)["dossier"]["code"].get<std::string>();
  // "000.00.05.H12-261207-0001": its day and number, as read off the receipt.
  const std::string tail = code.substr(code.find('-') + 1);
  CHECK(listed_ids(api.get("/api/dossiers?q=" + tail, officer)) == std::set<db::Id>{binh});
  CHECK(body_of(api.get("/api/dossiers?q=" + code, officer))["key_match"] == binh);
  // Three characters are too few to be part of a number (every code of the desk has "H12"):
  // searched as a name, found nowhere.
  CHECK(listed_ids(api.get("/api/dossiers?q=H12", officer)).empty());
}

TEST_CASE("regression: a JSON body sent in chunks is refused before it is read") {
  // before_body refuses a body over 1 MB by its Content-Length; a chunked body has none, so the
  // server read it all (up to max_request_bytes, 64 MB) before answering, for anyone. Now only
  // uploads may be chunked: anything else must say its length first (411).
  StaffDesk desk;
  std::string big(2u << 20, ' ');
  big += json{{"login", k_admin}, {"password", "not-the-password"}}.dump();
  httplib::Client client("127.0.0.1", desk.port());
  const auto sized = client.Post("/api/login", big, "application/json");
  // The server answers 413 before reading the body; the client may see the connection closed.
  if (sized) CHECK(sized->status == 413);
  const auto chunked = client.Post(
      "/api/login",
      [&big](std::size_t offset, httplib::DataSink& sink) {
        const std::size_t n = std::min<std::size_t>(64u << 10, big.size() - offset);
        sink.write(big.data() + offset, n);
        if (offset + n >= big.size()) sink.done();
        return true;
      },
      "application/json");
  if (chunked) {
    CHECK(chunked->status == 411);
    CHECK(error_code(chunked) == "length_required");
  }
}

TEST_CASE("regression: the kept image of an envelope is not left in the browser's cache") {
  // docs/api.md: every answer carries Cache-Control: no-store. The envelope's image shows the
  // applicant's name and address (often the ID card's QR): on a shared desk computer it must not
  // stay in the browser's cache after the clerk logs out. It was served "private, max-age=3600".
  StaffDesk desk;
  Api api(desk.port());
  const auto uploaded =
      api.post_raw("/api/scans?name=text_page-01.jpg",
                   test_support::read_file(samples() / "falsepositives" / "text_page-01.jpg"),
                   "image/jpeg", bearer(desk.token));
  REQUIRE(uploaded);
  REQUIRE(uploaded->status == 200);
  const json result = body_of(uploaded)["results"][0];
  REQUIRE(result["manual_id"].is_number_integer());
  const Auth admin = api.login(k_admin);
  for (const std::string& path :
       {fmt::format("/api/manual/{}/image", result["manual_id"].get<db::Id>()),
        fmt::format("/api/scans/{}/image", result["scan_id"].get<db::Id>())}) {
    INFO(path);
    const auto image = api.get(path, admin);
    REQUIRE(image);
    REQUIRE(image->status == 200);
    CHECK(image->get_header_value("Cache-Control") == "no-store");
  }
}

TEST_CASE(
    "an admin sets a user's title, an officer cannot, and the officer's receipt prints the name "
    "and the title") {
  StaffDesk desk;
  Api api(desk.port());
  const Auth admin = api.login(k_admin);
  const Auth officer = api.login(k_officer);
  const std::string officer_path = fmt::format("/api/users/{}", desk.officer_id);

  const auto titled = api.post(officer_path, json{{"title", "  Chuyên viên  "}}, admin);
  REQUIRE(titled);
  REQUIRE_MESSAGE(titled->status == 200, titled->body);
  CHECK(body_of(titled)["user"]["title"] == "Chuyên viên");  // trimmed
  CHECK(body_of(titled)["user"]["name"] == "Lê Thị Hoa");    // what the body left out stays

  const auto by_officer = api.post(officer_path, json{{"title", "Giám đốc"}}, officer);
  REQUIRE(by_officer);
  CHECK(by_officer->status == 403);
  const auto too_long = api.post(officer_path, json{{"title", std::string(81, 'x')}}, admin);
  REQUIRE(too_long);
  CHECK(too_long->status == 400);
  CHECK(body_of(too_long)["error"]["message_id"] == "bad_title");
  const json users = body_of(api.get("/api/users", admin));
  bool listed = false;
  for (const json& u : users["users"]) {
    if (u["id"] == desk.officer_id) listed = u["title"] == "Chuyên viên";
  }
  CHECK_MESSAGE(listed, users.dump());

  const auto added = api.post("/api/users",
                              json{{"login", "minh"},
                                   {"name", "Phan Văn Minh"},
                                   {"title", "Phó Giám đốc Trung tâm"},
                                   {"role", "officer"},
                                   {"password", "vườn-hoa-sen-1"}},
                              admin);
  REQUIRE(added);
  REQUIRE_MESSAGE(added->status == 200, added->body);
  CHECK(body_of(added)["user"]["title"] == "Phó Giám đốc Trung tâm");

  const db::Id id = desk.add_dossier(NewDossier("Hồ Ngọc Linh", "046192994865"));
  CHECK(contains(
      accept_and_print(api, id, officer),
      "<div class=\"name\">Lê Thị Hoa</div><div class=\"signer-title\">Chuyên viên</div>"));

  // The dossier's page names the officer who accepted it.
  const json page = body_of(api.get(dossier_path(id), officer));
  bool named = false;
  for (const json& step : page["history"]) {
    if (step["actor"] == k_officer) named = step["actor_name"] == "Lê Thị Hoa";
  }
  CHECK_MESSAGE(named, page["history"].dump());

  // Cleared, the title leaves no line behind.
  const auto cleared = api.post(officer_path, json{{"title", ""}}, admin);
  REQUIRE(cleared);
  REQUIRE_MESSAGE(cleared->status == 200, cleared->body);
  CHECK(body_of(cleared)["user"]["title"] == "");
  const std::string untitled = receipt_of(api, id, officer);
  CHECK(contains(untitled, "<div class=\"name\">Lê Thị Hoa</div>"));
  CHECK(!contains(untitled, "signer-title"));
}

TEST_CASE(
    "a citizen who collects the result at the desk is listed apart, never dispatched, and signs "
    "for it") {
  StaffDesk desk({true, test_options()});
  const db::Id by_post = desk.add_dossier(NewDossier("Trần Thị Mai", "048090001111"));
  const db::Id at_desk = desk.add_dossier(NewDossier("Phan Văn Khải", "048090002222"));
  Api api(desk.port());
  const Auth officer = api.login(k_officer);
  process_to_ready(api, by_post, officer);
  process_to_ready(api, at_desk, officer);
  CHECK(body_of(api.get(dossier_path(at_desk), officer))["result_delivery"] == "post");

  // The citizen asked for the desk.
  const std::string choice = dossier_path(at_desk) + "/result-delivery";
  const auto unknown = api.post(choice, json{{"delivery", "fax"}}, officer);
  REQUIRE(unknown);
  CHECK(unknown->status == 400);
  const auto chosen = api.post(choice, json{{"delivery", "desk"}}, officer);
  REQUIRE(chosen);
  REQUIRE_MESSAGE(chosen->status == 200, chosen->body);
  CHECK(body_of(chosen)["dossier"]["result_delivery"] == "desk");
  const json page = body_of(api.get(dossier_path(at_desk), officer));
  CHECK(page["result_delivery"] == "desk");
  CHECK(page["history"].back()["action"] == "result_delivery_changed");
  CHECK(page["history"].back()["data"]["to"] == "desk");

  // The dispatch page's lists: ready to post, and waiting for the citizen.
  const auto ids_of_list = [&](const char* view) {
    std::vector<db::Id> ids;
    const json listed = body_of(api.get(std::string("/api/dossiers?view=") + view, officer));
    for (const json& row : listed["dossiers"]) ids.push_back(row["id"].get<db::Id>());
    return ids;
  };
  CHECK(ids_of_list("ready") == std::vector<db::Id>{by_post});
  CHECK(ids_of_list("collect") == std::vector<db::Id>{at_desk});
  const json work = body_of(api.get("/api/workload", officer));
  CHECK(work["ready"] == 1);
  CHECK(work["waiting_collection"] == 1);

  // Dispatching it is refused, in the officer's language.
  const auto refused = api.post("/api/dispatch", json{{"ids", {at_desk}}}, officer.in("vi"));
  REQUIRE(refused);
  const json refusal = body_of(refused);
  CHECK(refusal["dispatched"].empty());
  const std::string why = refusal.dump();
  CHECK_MESSAGE(contains(why, "nhận kết quả tại Trung tâm"), why);
  const auto refused_en = api.post("/api/dispatch", json{{"ids", {at_desk}}}, officer);
  REQUIRE(refused_en);
  CHECK_MESSAGE(contains(refused_en->body, "collect the result at the desk"), refused_en->body);
  // All ready: only the one by post goes.
  const auto all = api.post("/api/dispatch", json{{"all_ready", true}}, officer);
  REQUIRE(all);
  const json sent = body_of(all);
  REQUIRE_MESSAGE(sent["dispatched"].size() == 1u, sent.dump());
  CHECK(sent["dispatched"][0]["id"] == by_post);
  CHECK(desk.dossier(at_desk).state == db::DossierState::processed);

  // Handed over at the desk to an authorised person, who signs the record.
  const std::string collect = dossier_path(at_desk) + "/collection";
  const auto nameless = api.post(collect, json{{"id_number", "048090003333"}}, officer);
  REQUIRE(nameless);
  CHECK(nameless->status == 400);
  const auto collected = api.post(collect,
                                  json{{"recipient", "authorised"},
                                       {"name", "Phan Thị <b>Hồng</b>"},
                                       {"id_number", "048090003333"}},
                                  officer);
  REQUIRE(collected);
  REQUIRE_MESSAGE(collected->status == 200, collected->body);
  CHECK(body_of(collected)["dossier"]["state"] == "result_returned");
  const std::string document = body_of(collected)["document"].get<std::string>();
  const auto record = api.get(document, officer);
  REQUIRE(record);
  REQUIRE(record->status == 200);
  CHECK(contains(record->body, "Phiếu giao trả kết quả"));
  CHECK(contains(record->body, "Phan Thị &lt;b&gt;Hồng&lt;/b&gt;"));
  CHECK(contains(record->body, "048090003333"));
  CHECK(contains(record->body, "Lê Thị Hoa"));  // the officer who handed it over
  const json after = body_of(api.get(dossier_path(at_desk), officer));
  CHECK(after["collection"]["id_number"] == "048090003333");
  CHECK(std::find(after["documents"].begin(), after["documents"].end(), json("collection")) !=
        after["documents"].end());

  // Once returned, the choice is closed.
  const auto too_late = api.post(choice, json{{"delivery", "post"}}, officer.in("vi"));
  REQUIRE(too_late);
  CHECK(too_late->status == 409);
  CHECK_MESSAGE(contains(too_late->body, "không thể đổi cách nhận kết quả"), too_late->body);
  CHECK(ids_of_list("collect").empty());
}

TEST_CASE(
    "a dossier the post handed over on an earlier day is counted apart, and accepting it late "
    "warns the officer in words") {
  StaffDesk desk;
  NewDossier old_one("Ngô Thị Hạnh", "048090003333");
  // Handed over long ago: any procedure of the catalogue has run out since.
  old_one.filed_at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) -
                     std::chrono::days{200};
  const db::Id old_id = desk.add_dossier(old_one);
  NewDossier fresh("Bùi Văn Tài", "048090004444");
  const db::Id fresh_id = desk.add_dossier(fresh);
  Api api(desk.port());
  const Auth officer = api.login(k_officer);

  const json work = body_of(api.get("/api/workload", officer));
  CHECK(work["waiting_acceptance"] == 2);
  CHECK(work["acceptance_late"] == 1);
  CHECK(listed_ids(api.get("/api/dossiers?view=accept_late", officer)) == std::set<db::Id>{old_id});

  const std::string procedure = first_procedure(api, old_id, officer);
  const auto accepted =
      api.post(action_path(old_id, "accept"), json{{"procedure", procedure}}, officer.in("vi"));
  REQUIRE(accepted);
  REQUIRE_MESSAGE(accepted->status == 200, accepted->body);
  const json answer = body_of(accepted);
  CHECK(answer["dossier"]["state"] == "accepted");
  REQUIRE(answer.contains("warning"));
  const std::string warning = answer["warning"].get<std::string>();
  CHECK_MESSAGE(contains(warning, "quá hạn ngay khi tiếp nhận"), warning);
  CHECK_MESSAGE(!contains(warning, "Ngô Thị Hạnh"), warning);

  // Accepted on the day it arrived: no warning.
  const auto on_time =
      api.post(action_path(fresh_id, "accept"), json{{"procedure", procedure}}, officer);
  REQUIRE(on_time);
  REQUIRE_MESSAGE(on_time->status == 200, on_time->body);
  CHECK(!body_of(on_time).contains("warning"));
  CHECK(body_of(api.get("/api/workload", officer))["acceptance_late"] == 0);
}

TEST_CASE(
    "a dossier whose supplement has not come within 15 days is counted, listed and closed in one "
    "go") {
  StaffDesk desk;
  const Timestamp now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  NewDossier waiting("Phan Thị Mỹ", "048090006666");
  waiting.filed_at = now - std::chrono::days{40};
  const db::Id late_id = desk.add_dossier(waiting);
  NewDossier recent("Võ Văn Long", "048090007777");
  recent.filed_at = now - std::chrono::days{40};
  const db::Id recent_id = desk.add_dossier(recent);
  // Asked 20 days ago and 3 days ago (the officer recorded the first one then).
  const auto ask = [&](db::Id id, std::chrono::days ago) {
    tracking::ActionRequest request;
    request.action = tracking::Action::request_supplement;
    request.actor = k_officer;
    request.missing = "Bản sao Giấy khai sinh";
    request.at = now - ago;
    auto done = desk.store().write<tracking::Transition>(
        [&](db::Transaction& tx) { return tracking::apply_action(tx, now - ago, id, request); });
    REQUIRE_MESSAGE(done.has_value(), (done ? std::string() : done.error().message));
  };
  ask(late_id, std::chrono::days{20});
  ask(recent_id, std::chrono::days{3});
  Api api(desk.port());
  const Auth officer = api.login(k_officer);

  CHECK(body_of(api.get("/api/workload", officer))["supplement_expired"] == 1);
  CHECK(listed_ids(api.get("/api/dossiers?view=supplement_expired", officer)) ==
        std::set<db::Id>{late_id});

  // The mailroom may not close dossiers.
  const Auth mailroom = api.login(k_mailroom);
  const auto refused = api.post("/api/dossiers/close-expired", json::object(), mailroom);
  REQUIRE(refused);
  CHECK(refused->status == 403);

  const auto closed = api.post("/api/dossiers/close-expired", json::object(), officer.in("vi"));
  REQUIRE(closed);
  REQUIRE_MESSAGE(closed->status == 200, closed->body);
  const json answer = body_of(closed);
  REQUIRE(answer["closed"].size() == 1);
  CHECK(answer["closed"][0]["id"] == late_id);
  CHECK(answer["closed"][0]["state"] == "stopped");
  CHECK_MESSAGE(!contains(closed->body, "Phan Thị Mỹ"), closed->body);

  CHECK(body_of(api.get(dossier_path(late_id), officer))["state"] == "stopped");
  CHECK(body_of(api.get(dossier_path(recent_id), officer))["state"] == "supplement_requested");
  CHECK(body_of(api.get("/api/workload", officer))["supplement_expired"] == 0);
}

TEST_CASE("an officer records a fee receipt and the dossier waiting for its fees moves on") {
  StaffDesk desk;
  const db::Id id = desk.add_dossier(NewDossier("Đinh Thị Thu", "048090005555"));
  Api api(desk.port());
  const Auth officer = api.login(k_officer);
  const std::string procedure = first_procedure(api, id, officer);
  for (const auto& [action, body] :
       {std::pair{"accept", json{{"procedure", procedure}}},
        std::pair{"start_processing", json::object()}, std::pair{"request_fees", json::object()}}) {
    const auto res = api.post(action_path(id, action), body, officer);
    REQUIRE(res);
    REQUIRE_MESSAGE(res->status == 200, res->body);
  }
  const std::string path = dossier_path(id) + "/fees";
  // A wrong method or amount is refused in the officer's language, and nothing is kept.
  const auto wrong = api.post(path,
                              json{{"amount_vnd", 50000},
                                   {"payer", "Đinh Thị Thu"},
                                   {"receipt_number", "0012"},
                                   {"method", "cheque"}},
                              officer.in("vi"));
  REQUIRE(wrong);
  CHECK(wrong->status == 400);
  CHECK_MESSAGE(contains(wrong->body, "Cách nộp"), wrong->body);
  const auto no_amount = api.post(
      path, json{{"amount_vnd", "năm mươi"}, {"payer", "Đinh Thị Thu"}, {"receipt_number", "0012"}},
      officer);
  REQUIRE(no_amount);
  CHECK(no_amount->status == 400);
  CHECK(body_of(api.get(dossier_path(id), officer))["fees"]["receipts"].empty());

  const auto paid = api.post(path,
                             json{{"amount_vnd", 50000},
                                  {"payer", "Đinh Thị Thu"},
                                  {"receipt_number", "0012"},
                                  {"method", "post"}},
                             officer);
  REQUIRE(paid);
  REQUIRE_MESSAGE(paid->status == 200, paid->body);
  CHECK(body_of(paid)["moved"] == true);
  CHECK(body_of(paid)["dossier"]["state"] == "in_process");
  const json page = body_of(api.get(dossier_path(id), officer));
  REQUIRE(page["fees"]["receipts"].size() == 1);
  CHECK(page["fees"]["paid_vnd"] == 50000);
  CHECK(page["fees"]["receipts"][0]["payer"] == "Đinh Thị Thu");
  CHECK(page["fees"]["receipts"][0]["method"] == "post");
  CHECK(page["history"].back()["action"] == "fees_paid");
  // The same receipt twice is refused.
  const auto again = api.post(
      path, json{{"amount_vnd", 50000}, {"payer", "Đinh Thị Thu"}, {"receipt_number", "0012"}},
      officer);
  REQUIRE(again);
  CHECK(again->status == 409);
  // The mailroom clerk may not record fees.
  const auto clerk = api.post(
      path, json{{"amount_vnd", 1000}, {"payer", "Đinh Thị Thu"}, {"receipt_number", "0013"}},
      api.login(k_mailroom));
  REQUIRE(clerk);
  CHECK(clerk->status == 403);
}

TEST_CASE(
    "an officer hands a dossier to the deciding unit and takes it back, the mailroom may not, and "
    "the control sheet lists both") {
  StaffDesk desk({true, test_options()});
  const db::Id id = desk.add_dossier(NewDossier("Trần Thị Mai", "048090001111"));
  Api api(desk.port());
  const Auth officer = api.login(k_officer);
  const Auth mailroom = api.login(k_mailroom);
  const std::string transfer = dossier_path(id) + "/transfer";
  const json to_unit = {{"to_unit", "Sở Nông nghiệp và Môi trường thành phố Đà Nẵng"},
                        {"to_person", "Phạm Thị Thu"},
                        {"note", "Kèm bản gốc"}};
  // docs/domain.md §1.4a: not before acceptance.
  const auto early = api.post(transfer, to_unit, officer.in("vi"));
  REQUIRE(early);
  CHECK(early->status == 409);
  CHECK_MESSAGE(contains(early->body, "chỉ chuyển hồ sơ đã tiếp nhận"), early->body);
  accept_and_print(api, id, officer);
  // An officer's action: the mailroom is refused.
  const auto not_theirs = api.post(transfer, to_unit, mailroom);
  REQUIRE(not_theirs);
  CHECK(not_theirs->status == 403);
  const auto sent = api.post(transfer, to_unit, officer);
  REQUIRE(sent);
  REQUIRE_MESSAGE(sent->status == 200, sent->body);
  CHECK(body_of(sent)["handover"]["to_unit"] == "Sở Nông nghiệp và Môi trường thành phố Đà Nẵng");
  const auto back =
      api.post(transfer, json{{"back", true}, {"from_person", "Đỗ Văn Khoa"}}, officer);
  REQUIRE(back);
  REQUIRE_MESSAGE(back->status == 200, back->body);
  CHECK(body_of(back)["handover"]["back_to_desk"] == true);
  const json page = body_of(api.get(dossier_path(id), officer));
  REQUIRE(page["handovers"].size() == 2u);
  CHECK(page["handovers"][0]["to_person"] == "Phạm Thị Thu");
  CHECK(page["handovers"][1]["from_person"] == "Đỗ Văn Khoa");
  const auto sheet = api.get(dossier_path(id) + "/documents/control", officer);
  REQUIRE(sheet);
  REQUIRE(sheet->status == 200);
  CHECK(contains(sheet->body, "Thời gian giao, nhận hồ sơ"));
  CHECK(contains(sheet->body, "Phạm Thị Thu"));
  CHECK(contains(sheet->body, "Đỗ Văn Khoa"));
  CHECK(contains(sheet->body, "Lê Thị Hoa"));  // the officer, by full name
}

TEST_CASE(
    "a handover takes the unit's deadline as a date or working days, refused after the dossier's "
    "due date, and prints its transfer slip") {
  StaffDesk desk({true, test_options()});
  const db::Id id = desk.add_dossier(NewDossier("Trần Thị Mai", "048090001111"));
  Api api(desk.port());
  const Auth officer = api.login(k_officer);
  const std::string transfer = dossier_path(id) + "/transfer";
  accept_and_print(api, id, officer);
  const json before = body_of(api.get(dossier_path(id), officer));
  const std::string due = before["due_at"].get<std::string>();
  // Decree 118/2025 Art. 20(2): not after the dossier's own due date, said in Vietnamese with
  // both dates.
  const auto after =
      api.post(transfer, json{{"to_unit", "Sở Xây dựng"}, {"due", "2099-01-05"}}, officer.in("vi"));
  REQUIRE(after);
  CHECK(after->status == 400);
  CHECK_MESSAGE(contains(after->body, "không được sau hạn trả kết quả của hồ sơ"), after->body);
  CHECK_MESSAGE(contains(after->body, "2099-01-05 17:00"), after->body);
  const auto not_date =
      api.post(transfer, json{{"to_unit", "Sở Xây dựng"}, {"due", "05/01/2099"}}, officer);
  REQUIRE(not_date);
  CHECK(not_date->status == 400);
  const auto not_number =
      api.post(transfer, json{{"to_unit", "Sở Xây dựng"}, {"days", "2"}}, officer);
  REQUIRE(not_number);
  CHECK(not_number->status == 400);
  CHECK_MESSAGE(contains(not_number->body, "days"), not_number->body);

  const auto sent = api.post(transfer,
                             json{{"to_unit", "Sở Xây dựng"},
                                  {"to_person", "Phạm Thị Thu"},
                                  {"note", "Thẩm định"},
                                  {"days", 1}},
                             officer);
  REQUIRE(sent);
  REQUIRE_MESSAGE(sent->status == 200, sent->body);
  const json handover = body_of(sent)["handover"];
  REQUIRE(handover["due_at"].is_string());
  CHECK(handover["due_at"].get<std::string>() <= due);
  CHECK(handover["slip"] == dossier_path(id) + "/documents/transfer-slip?number=1");
  const json page = body_of(api.get(dossier_path(id), officer));
  REQUIRE(page["handovers"].size() == 1u);
  CHECK(page["handovers"][0]["due_at"] == handover["due_at"]);
  CHECK(page["handovers"][0]["overdue"] == false);
  CHECK(page["handovers"][0]["slip"] == handover["slip"]);
  const auto slip = api.get(handover["slip"].get<std::string>(), officer);
  REQUIRE(slip);
  REQUIRE_MESSAGE(slip->status == 200, slip->body);
  CHECK(contains(slip->body, "Phiếu chuyển xử lý"));
  CHECK(contains(slip->body, "Sở Xây dựng"));
  CHECK(contains(slip->body, "Thẩm định"));
  CHECK(contains(slip->body, "Phạm Thị Thu"));
  CHECK_FALSE(contains(slip->body, "Trần Thị Mai"));  // no citizen on the slip
  CHECK_FALSE(contains(slip->body, "048090001111"));
  // A slip that does not exist is a missing document.
  const auto none = api.get(dossier_path(id) + "/documents/transfer-slip?number=2", officer);
  REQUIRE(none);
  CHECK(none->status == 404);
}
