#include "app/desk_server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "app/http_support.hpp"
#include "app/messages.hpp"
#include "app/staff_api.hpp"
#include "app/web_assets.hpp"
#include "common/rate_limiter.hpp"
#include "httpd/router.hpp"
#include "tracking/carrier_sync.hpp"
#include "tracking/lookup.hpp"
#include "tracking/staff_queries.hpp"

namespace app {
namespace {

using common::ErrorCode;
using nlohmann::json;

using http::answer_error;
using http::answer_json;

// The pages: a fixed list of names, each a file of web/ (no request path reaches the disk).
const std::map<std::string, std::string, std::less<>> k_pages = {
    {"/", "index.html"},          {"/mailroom", "mailroom.html"}, {"/dossiers", "dossiers.html"},
    {"/dossier", "dossier.html"}, {"/dispatch", "dispatch.html"}, {"/reports", "reports.html"},
    {"/admin", "admin.html"},     {"/tra-cuu", "tra-cuu.html"}};

constexpr const char* k_page_csp =
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

class Server final : public DeskServer {
 public:
  Server(const DeskParts& parts, const ServerOptions& options)
      : store_(parts.store),
        carrier_(parts.carrier),
        clock_(parts.clock),
        options_(options),
        lookups_(options.lookups_per_minute),
        staff_(parts, options) {}

  ~Server() override { stop(); }

  common::Result<void> listen() {
    routes();
    httpd::ServerOptions engine;
    engine.host = options_.host;
    engine.port = options_.port;
    engine.workers = std::max(1, options_.worker_threads);
    engine.queue_limit = options_.queue_limit;
    engine.priority_workers = std::max(0, options_.public_workers);
    engine.others_nice = std::clamp(options_.staff_nice, 0, 19);
    engine.header_deadline = options_.header_deadline;
    engine.keep_alive_idle = options_.keep_alive_idle;
    engine.min_bytes_per_second = options_.min_body_bytes_per_second;
    engine.max_connections_per_address = options_.connections_per_address;
    engine.trusted_proxies = options_.trusted_proxies;
    // Uploads are the largest bodies; before_body holds every other route to 1 MB, and reads no
    // upload from anyone not allowed to upload.
    engine.max_body_bytes = options_.max_request_bytes;

    httpd::Handlers handlers;
    handlers.before_body = [this](const httpd::Request& req, httpd::Response& res) {
      const bool answered = staff_.before_body(req, res);
      if (answered) secure(res);
      return answered;
    };
    if (options_.public_workers > 0) {
      handlers.priority = [](const httpd::Request& head) { return is_public(head); };
    }
    handlers.handle = [this](httpd::Request& req, httpd::Response& res) { handle(req, res); };
    handlers.server_error = [this](const httpd::Request& req, httpd::Response& res) {
      server_error(req, res);
    };
    // Paths only: query strings carry lookup codes. key=value fields, one line per request.
    handlers.log = [](const httpd::Request& req, const httpd::Response& res) {
      spdlog::info("access remote={} method={} path={} status={} bytes={}", req.remote_addr,
                   req.method.substr(0, 16), req.path.substr(0, 200), res.status, res.body.size());
    };
    auto server = httpd::Server::start(engine, std::move(handlers));
    if (!server) {
      return common::make_error(ErrorCode::io_error,
                                fmt::format("hoso serve: cannot listen on {}:{} (in use, or not "
                                            "an address of this machine)",
                                            options_.host, options_.port));
    }
    http_ = std::move(*server);
    return {};
  }

  int port() const override { return http_ ? http_->port() : -1; }

  void stop() override {
    if (stopped_.exchange(true)) return;
    if (http_) http_->stop();
    std::lock_guard lock(wait_mutex_);
    finished_ = true;
    wait_done_.notify_all();
  }

  void wait() override {
    std::unique_lock lock(wait_mutex_);
    wait_done_.wait(lock, [this] { return finished_; });
  }

  httpd::ServerStats stats() const override {
    return http_ ? http_->stats() : httpd::ServerStats{};
  }

 private:
  // A citizen's request, for the public lane: the lookup, its page and the assets. Each is short
  // and reads only (the lookup on the store's own readers for citizens), so none can hold the lane
  // up waiting for a lock. /api/health writes, and waits for the write lock: not here.
  static bool is_public(const httpd::Request& head) {
    if (head.method != "GET" && head.method != "HEAD") return false;
    const std::string_view path = head.path;
    return path == "/api/public/lookup" || path == "/api/public/desk" || path == "/tra-cuu" ||
           path.rfind("/static/", 0) == 0;
  }

  // Security headers on every answer; pages and documents set their own CSP.
  static void secure(httpd::Response& res) {
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("X-Frame-Options", "DENY");
    if (!res.has_header("Content-Security-Policy")) {
      res.set_header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
    }
    if (!res.has_header("Cache-Control")) res.set_header("Cache-Control", "no-store");
  }

  void handle(httpd::Request& req, httpd::Response& res) {
    try {
      switch (router_.dispatch(req, res)) {
        case httpd::Router::Outcome::handled:
          break;
        case httpd::Router::Outcome::no_route:
          answer_error(res, 404, "not_found",
                       common::Text{msg::no_such_route,
                                    {{"method", req.method.substr(0, 16)},
                                     {"path", req.path.substr(0, 200)}}},
                       http::request_lang(req));
          break;
        case httpd::Router::Outcome::wrong_method:
          answer_error(res, 405, "method_not_allowed",
                       common::Text{msg::method_not_allowed,
                                    {{"method", req.method.substr(0, 16)},
                                     {"path", req.path.substr(0, 200)}}},
                       http::request_lang(req));
          break;
      }
    } catch (const std::exception& e) {
      internal_error(req, res, e.what());
    } catch (...) {
      internal_error(req, res, "unknown exception");
    }
    secure(res);
  }

  // What a health probe found: the database read (its dossiers counted), its schema version
  // matched and a write committed; or why not.
  struct Health {
    std::chrono::steady_clock::time_point at;
    common::Result<std::int64_t> dossiers;
  };

  // The database read (the counts), the file's schema version, and a committed write
  // (db::check_health); or the last probe's finding, when it is recent enough: counting every
  // table of a large desk and a write are not for every poll. A success is reused for
  // health_probe_every, a failure for at most 2 s: requests that waited for a probe stuck on a
  // locked database (up to the busy timeout) all take its finding instead of each probing again.
  // Fails with unavailable (database_silent when it cannot even be read).
  common::Result<std::int64_t> probe_health() {
    std::lock_guard lock(health_mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (last_health_) {
      const auto reuse = last_health_->dossiers
                             ? options_.health_probe_every
                             : std::min<std::chrono::milliseconds>(options_.health_probe_every,
                                                                   std::chrono::seconds(2));
      if (now - last_health_->at < reuse) return last_health_->dossiers;
    }
    auto found = probe_database();
    last_health_ = Health{std::chrono::steady_clock::now(), std::move(found)};
    return last_health_->dossiers;
  }

  common::Result<std::int64_t> probe_database() {
    auto counts = tracking::desk_counts(store_);
    if (!counts) {
      spdlog::error("health: the database cannot be read: {}", counts.error().message);
      return common::make_error(ErrorCode::unavailable, msg::database_silent);
    }
    if (auto healthy = db::check_health(store_, clock_.now()); !healthy) {
      spdlog::error("health: {}", healthy.error().message);
      return common::Error{ErrorCode::unavailable, healthy.error().message, healthy.error().text};
    }
    return counts->dossiers;
  }

  // A stray exception: a 500 with an id to find in the log, no details for the client.
  static void internal_error(const httpd::Request& req, httpd::Response& res, const char* what) {
    static std::atomic<int> next_id{1};
    const int id = next_id.fetch_add(1);
    spdlog::error("request {} ({} {}) failed: {}", id, req.method.substr(0, 16),
                  req.path.substr(0, 200), what);
    res = httpd::Response{};
    answer_error(res, 500, "internal", common::Text{msg::internal_logged, {{"id", id}}},
                 http::request_lang(req));
  }

  // The answers the engine makes itself, in the request's language when its header was read.
  void server_error(const httpd::Request& req, httpd::Response& res) const {
    const common::Lang lang = http::request_lang(req);
    const int status = res.status;
    switch (status) {
      case 413:
        answer_error(
            res, status, "limit_exceeded",
            common::Text{msg::body_over_limit, {{"limit", options_.max_request_bytes >> 10}}},
            lang);
        break;
      case 414:
        answer_error(res, status, "uri_too_long", common::Text{msg::uri_too_long, {{"limit", 8}}},
                     lang);
        break;
      case 431:
        answer_error(res, status, "headers_too_large",
                     common::Text{msg::headers_too_large, {{"limit", 16}}}, lang);
        break;
      case 503:
        answer_error(res, status, "busy", msg::server_busy, lang);
        break;
      default:
        answer_error(res, status, "bad_request", msg::request_malformed, lang);
        break;
    }
    secure(res);
  }

  void routes() {
    router_.get("/api/health", [this](const httpd::Request& req, httpd::Response& res) {
      // A read-only or full disk, a file migrated by a newer hoso, a database that does not
      // answer: 503. The dossiers are counted when the probe ran (at most health_probe_every ago).
      auto health = probe_health();
      if (!health) {
        answer_error(res, health.error(), http::request_lang(req));
        return;
      }
      answer_json(res, 200,
                  json{{"status", "ok"},
                       {"schema_version", db::schema_version()},
                       {"dossiers", *health},
                       {"time", common::format_iso(clock_.now())}}
                      .dump());
    });

    router_.get("/api/public/lookup", [this](const httpd::Request& req, httpd::Response& res) {
      int retry_after = 0;
      if (!lookups_.allow(req.remote_block, retry_after)) {
        res.set_header("Retry-After", std::to_string(retry_after));
        answer_error(res, 429, "rate_limited",
                     common::Text{msg::lookups_from_address, {{"seconds", retry_after}}},
                     http::request_lang(req));
        return;
      }
      const std::string code = req.get_param_value("code");
      const std::string lookup_code = req.get_param_value("lookup_code");
      if (code.empty() || lookup_code.empty()) {
        answer_error(res, 400, "invalid_argument", msg::lookup_needs_codes,
                     http::request_lang(req));
        return;
      }
      auto view = tracking::citizen_lookup(store_, code, lookup_code);
      if (!view) {
        answer_error(res, view.error(), http::request_lang(req));
        return;
      }
      answer_json(res, 200, tracking::citizen_json(*view));
    });

    // The desk's name, address and hotline for the citizens' page: public facts of an office,
    // three settings read on the citizens' readers, so not rate-limited like a lookup.
    router_.get("/api/public/desk", [this](const httpd::Request& req, httpd::Response& res) {
      auto contact = tracking::desk_contact(store_);
      if (!contact) {
        answer_error(res, contact.error(), http::request_lang(req));
        return;
      }
      answer_json(res, 200, tracking::desk_contact_json(*contact));
    });

    staff_.add_routes(router_);
    pages();

    router_.post("/webhooks/<name>", [this](const httpd::Request& req, httpd::Response& res) {
      if (carrier_ == nullptr || req.matches.size() < 2 || req.matches[1] != carrier_->name()) {
        answer_error(res, 404, "not_found", msg::no_such_carrier, common::Lang::en);
        return;
      }
      postal_api::WebhookRequest hook;
      for (const auto& [name, value] : req.headers) {
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        hook.headers[lower] = value;
      }
      hook.body = req.body;
      auto delivery = carrier_->parse_webhook(hook);
      if (!delivery) {
        spdlog::warn("webhook from {} refused: {}", req.remote_addr, delivery.error().message);
        answer_error(res, delivery.error(), common::Lang::en);
        return;
      }
      // A replay (a delivery already applied, also before a restart) is refused here, by the
      // desk's memory of deliveries, with bad_input like a bad signature: 400, not a server error.
      auto applied =
          tracking::apply_webhook(store_, carrier_->name(), *delivery, clock_, "webhook");
      if (!applied) {
        if (applied.error().code == common::ErrorCode::bad_input) {
          spdlog::warn("webhook from {} refused: {}", req.remote_addr, applied.error().message);
        }
        answer_error(res, applied.error(), common::Lang::en);
        return;
      }
      // The carrier's convention: an answer without IsSuccess true is retried.
      answer_json(res, 200,
                  json{{"IsSuccess", true},
                       {"shipments", applied->shipments},
                       {"new_events", applied->new_events}}
                      .dump());
    });
  }

  // Serves `file` of web/ (compiled in, or from options_.web_dir) with its ETag; 304 when the
  // browser has it.
  void serve_asset(const httpd::Request& req, httpd::Response& res, const std::string& file) {
    std::string content;
    std::string type;
    std::string etag;
    if (!options_.web_dir.empty()) {
      std::ifstream in(std::filesystem::path(options_.web_dir) / file, std::ios::binary);
      if (!in) {
        answer_error(res, 404, "not_found", msg::no_such_page, http::request_lang(req));
        return;
      }
      content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      etag = fmt::format("\"{:x}\"", std::hash<std::string>{}(content));
    } else {
      const auto assets = web_assets();
      const auto it = std::find_if(assets.begin(), assets.end(),
                                   [&](const WebAsset& a) { return a.path == file; });
      if (it == assets.end()) {
        answer_error(res, 404, "not_found", msg::no_such_page, http::request_lang(req));
        return;
      }
      content = std::string(it->content);
      type = std::string(it->content_type);
      etag = std::string(it->etag);
    }
    if (type.empty()) {
      const std::string ext = std::filesystem::path(file).extension().string();
      type = ext == ".html"  ? "text/html; charset=utf-8"
             : ext == ".css" ? "text/css; charset=utf-8"
             : ext == ".js"  ? "text/javascript; charset=utf-8"
             : ext == ".svg" ? "image/svg+xml"
                             : "application/octet-stream";
    }
    res.set_header("ETag", etag);
    res.set_header("Cache-Control", "no-cache");
    if (type.rfind("text/html", 0) == 0) res.set_header("Content-Security-Policy", k_page_csp);
    if (req.get_header_value("If-None-Match") == etag) {
      res.status = 304;
      return;
    }
    res.set_content(std::move(content), type);
  }

  void pages() {
    for (const auto& [path, file] : k_pages) {
      router_.get(path, [this, file = file](const httpd::Request& req, httpd::Response& res) {
        serve_asset(req, res, file);
      });
    }
    // One flat folder of names without '/' or "..": nothing else of the disk is reachable.
    router_.get("/static/<file>", [this](const httpd::Request& req, httpd::Response& res) {
      serve_asset(req, res, "static/" + req.matches[1]);
    });
  }

  db::Store& store_;
  postal_api::Carrier* carrier_;
  const common::Clock& clock_;
  ServerOptions options_;
  common::RateLimiter lookups_;
  StaffApi staff_;
  httpd::Router router_;
  std::unique_ptr<httpd::Server> http_;
  std::mutex health_mutex_;
  std::optional<Health> last_health_;  // under health_mutex_
  std::atomic<bool> stopped_{false};
  bool finished_ = false;  // under wait_mutex_: stop() has returned
  std::mutex wait_mutex_;
  std::condition_variable wait_done_;
};

}  // namespace

int http_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument:
    case ErrorCode::bad_input:
      return 400;
    case ErrorCode::not_found:
      return 404;
    case ErrorCode::unauthenticated:
      return 401;
    case ErrorCode::permission_denied:
      return 403;
    case ErrorCode::conflict:
      return 409;
    case ErrorCode::limit_exceeded:
      return 413;
    case ErrorCode::unavailable:
      return 503;
    case ErrorCode::timeout:
      return 504;
    case ErrorCode::crashed:
    case ErrorCode::io_error:
    case ErrorCode::internal:
      return 500;
  }
  return 500;
}

common::Result<std::unique_ptr<DeskServer>> DeskServer::start(const DeskParts& parts,
                                                              const ServerOptions& options) {
  auto server = std::make_unique<Server>(parts, options);
  TRY(server->listen());
  return std::unique_ptr<DeskServer>(std::move(server));
}

common::Result<std::unique_ptr<DeskServer>> DeskServer::start(db::Store& store,
                                                              postal_api::Carrier* carrier,
                                                              const common::Clock& clock,
                                                              const ServerOptions& options) {
  DeskParts parts{store, clock, carrier, nullptr, nullptr, nullptr, {}};
  return start(parts, options);
}

}  // namespace app
