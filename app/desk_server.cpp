#include "app/desk_server.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

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
#include <thread>

#include "app/http_support.hpp"
#include "app/messages.hpp"
#include "app/staff_api.hpp"
#include "app/web_assets.hpp"
#include "common/rate_limiter.hpp"
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

  ~Server() override {
    stop();
    if (thread_.joinable()) thread_.join();
  }

  common::Result<void> listen() {
    const int workers = std::max(1, options_.worker_threads);
    http_.new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
    // cpp-httplib writes an answer's headers and body in two sends: with Nagle's algorithm the
    // body waited for the client's delayed ACK, 40 ms per request (bench/http_bench: 291 lookups/s
    // before, about 7,000/s after).
    http_.set_tcp_nodelay(true);
    // An idle keep-alive connection holds a worker: let it go after 1 s, not 5, so a few idle
    // connections from one address cannot stall everyone else for long.
    http_.set_keep_alive_timeout(1);
    // Uploads are the largest bodies; before_body holds every other route to 1 MB, and reads no
    // upload from anyone not allowed to upload.
    http_.set_payload_max_length(options_.max_request_bytes);
    http_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      return staff_.before_body(req, res);
    });
    http_.set_socket_options([this](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
      listening_socket_ = sock;
    });
    routes();
    port_ = options_.port == 0
                ? http_.bind_to_any_port(options_.host)
                : (http_.bind_to_port(options_.host, options_.port) ? options_.port : -1);
    if (port_ <= 0) {
      return common::make_error(ErrorCode::io_error,
                                fmt::format("hoso serve: cannot listen on {}:{} (in use, or not "
                                            "an address of this machine)",
                                            options_.host, options_.port));
    }
    // Debian's cpp-httplib listens with a backlog of 5: raise it.
    if (listening_socket_ >= 0) ::listen(listening_socket_, SOMAXCONN);
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    while (!http_.is_running() && thread_.joinable()) std::this_thread::yield();
    return {};
  }

  int port() const override { return port_; }

  void stop() override {
    if (stopped_.exchange(true)) return;
    http_.stop();
    std::lock_guard lock(wait_mutex_);
    wait_done_.notify_all();
  }

  void wait() override {
    std::unique_lock lock(wait_mutex_);
    wait_done_.wait(lock, [this] { return stopped_.load(); });
  }

 private:
  void routes() {
    http_.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_header("Referrer-Policy", "no-referrer");
      res.set_header("X-Frame-Options", "DENY");
      if (!res.has_header("Content-Security-Policy")) {
        res.set_header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
      }
      if (!res.has_header("Cache-Control")) res.set_header("Cache-Control", "no-store");
    });
    // Paths only: query strings carry lookup codes.
    http_.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      // key=value fields, one line per request: easy to grep and to parse.
      spdlog::info("access remote={} method={} path={} status={} bytes={}", req.remote_addr,
                   req.method, req.path, res.status, res.body.size());
    });
    http_.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return;
      answer_error(res, res.status, res.status == 404 ? "not_found" : "invalid_argument",
                   common::Text{msg::no_such_route,
                                {{"method", req.method}, {"path", req.path.substr(0, 200)}}},
                   http::request_lang(req));
    });
    http_.set_exception_handler(
        [](const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
          static std::atomic<int> next_id{1};
          const int id = next_id.fetch_add(1);
          try {
            if (error) std::rethrow_exception(error);
          } catch (const std::exception& e) {
            spdlog::error("request {} ({} {}) failed: {}", id, req.method, req.path, e.what());
          } catch (...) {
            spdlog::error("request {} ({} {}) failed", id, req.method, req.path);
          }
          answer_error(res, 500, "internal", common::Text{msg::internal_logged, {{"id", id}}},
                       http::request_lang(req));
        });

    http_.Get("/api/health", [this](const httplib::Request& req, httplib::Response& res) {
      auto counts = tracking::desk_counts(store_);
      if (!counts) {
        answer_error(res, 503, "unavailable", msg::database_silent, http::request_lang(req));
        return;
      }
      answer_json(res, 200,
                  json{{"status", "ok"},
                       {"schema_version", db::schema_version()},
                       {"dossiers", counts->dossiers},
                       {"time", common::format_iso(clock_.now())}}
                      .dump());
    });

    http_.Get("/api/public/lookup", [this](const httplib::Request& req, httplib::Response& res) {
      int retry_after = 0;
      if (!lookups_.allow(req.remote_addr, retry_after)) {
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

    staff_.add_routes(http_);
    pages();

    http_.Post(
        R"(/webhooks/([a-z0-9_-]+))", [this](const httplib::Request& req, httplib::Response& res) {
          if (carrier_ == nullptr || req.matches.size() < 2 ||
              req.matches[1].str() != carrier_->name()) {
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
          auto applied =
              tracking::apply_webhook(store_, carrier_->name(), *delivery, clock_, "webhook");
          if (!applied) {
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
  void serve_asset(const httplib::Request& req, httplib::Response& res, const std::string& file) {
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
      http_.Get(path, [this, file = file](const httplib::Request& req, httplib::Response& res) {
        serve_asset(req, res, file);
      });
    }
    // One flat folder of names without '/' or "..": nothing else of the disk is reachable.
    http_.Get(R"(/static/([a-z0-9_-]+(\.[a-z0-9]+)+))",
              [this](const httplib::Request& req, httplib::Response& res) {
                serve_asset(req, res, "static/" + req.matches[1].str());
              });
  }

  db::Store& store_;
  postal_api::Carrier* carrier_;
  const common::Clock& clock_;
  ServerOptions options_;
  common::RateLimiter lookups_;
  StaffApi staff_;
  httplib::Server http_;
  int port_ = -1;
  int listening_socket_ = -1;
  std::thread thread_;
  std::atomic<bool> stopped_{false};
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
