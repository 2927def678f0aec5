#include "app/staff_api.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <exception>

#include "app/http_support.hpp"
#include "app/staff_routes.hpp"
#include "intake/classify.hpp"
#include "staff/password.hpp"

namespace app {

namespace staff_routes {

Reply json_reply(const json& body, int status) {
  Reply reply;
  reply.status = status;
  reply.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return reply;
}

Reply error_reply(int status, std::string_view code, const common::Text& text, common::Lang lang) {
  return json_reply(
      http::error_json(
          code, common::Error{ErrorCode::invalid_argument, text.render(common::Lang::en), text},
          lang),
      status);
}

Reply document_reply(std::string html) {
  Reply reply;
  reply.body = std::move(html);
  reply.content_type = "text/html; charset=utf-8";
  reply.headers.emplace_back("Content-Security-Policy",
                             "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                             "frame-ancestors 'none'");
  return reply;
}

Reply document_error_reply(const common::Error& error, common::Lang lang) {
  const int status = http_status_for(error.code);
  const std::string escaped = common::html_escape(http::for_client(error).render(lang));
  const std::string title(msg::document_not_printed.wording(lang));
  Reply reply = document_reply(fmt::format(
      "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title>"
      "<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;"
      "padding:0 1rem}}h1{{font-size:1.3rem;color:#8a1c1c}}</style></head><body><h1>{}</h1>"
      "<p id=\"problem\">{}</p><p>{}</p></body></html>",
      lang == common::Lang::vi ? "vi" : "en", title, title, escaped,
      msg::document_back.wording(lang)));
  reply.status = status;
  return reply;
}

json time_or_null(const std::optional<common::Timestamp>& at) {
  return at ? json(common::format_iso(*at)) : json();
}

Result<json> json_body(const httpd::Request& req) {
  if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0) {
    return make_error(ErrorCode::invalid_argument, msg::body_not_json);
  }
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return make_error(ErrorCode::invalid_argument, msg::body_not_object);
  }
  return body;
}

Result<std::string> string_field(const json& body, const char* name, bool required) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null() || (required && it->is_string() && it->empty())) {
    if (!required) return std::string();
    return make_error(ErrorCode::invalid_argument, msg::field_required, {{"field", name}});
  }
  if (!it->is_string()) {
    return make_error(ErrorCode::invalid_argument, msg::field_not_text, {{"field", name}});
  }
  return it->get<std::string>();
}

Result<std::vector<db::Id>> ids_of(const json& body, const common::MessageDef& missing) {
  const auto ids = body.find("ids");
  if (ids == body.end() || !ids->is_array() || ids->empty() || ids->size() > 500) {
    return make_error(ErrorCode::invalid_argument, missing);
  }
  std::vector<db::Id> out;
  for (const json& id : *ids) {
    if (!id.is_number_integer()) {
      return make_error(ErrorCode::invalid_argument, msg::ids_not_numbers);
    }
    out.push_back(id.get<db::Id>());
  }
  return out;
}

Result<std::vector<db::Id>> id_list(const std::string& list) {
  std::vector<db::Id> ids;
  for (std::size_t start = 0; start < list.size();) {
    const auto end = std::min(list.find(',', start), list.size());
    try {
      ids.push_back(std::stoll(list.substr(start, end - start)));
    } catch (const std::exception&) {
      return make_error(ErrorCode::invalid_argument, msg::ids_list);
    }
    start = end + 1;
  }
  if (ids.empty() || ids.size() > 500) {
    return make_error(ErrorCode::invalid_argument, msg::ids_list);
  }
  return ids;
}

common::Error field_error(const char* field, const common::Error& problem) {
  if (problem.text.empty()) {
    return make_error(ErrorCode::invalid_argument, fmt::format("{}: {}", field, problem.message));
  }
  return make_error(ErrorCode::invalid_argument, msg::field_invalid,
                    {{"field", field}, {"problem", problem.text}});
}

std::string problem_of(const std::string& text, const std::string& problem,
                       const intake::Classifier* classifier, common::Lang lang) {
  if (problem.empty()) return problem;
  if (classifier != nullptr) {
    const intake::Code again = classifier->classify(text, std::nullopt);
    if (again.problem == problem && !again.problem_text.empty()) {
      return again.problem_text.render(lang);
    }
  }
  // Words of an older reading (the text was cut or repaired when stored, or the patterns changed):
  // as stored in English, or the kind of problem in Vietnamese.
  return lang == common::Lang::en
             ? problem
             : std::string(common::error_code_sentence(ErrorCode::bad_input, lang));
}

Result<db::Id> id_param(const httpd::Request& req, std::size_t index) {
  long long id = 0;
  if (req.matches.size() > index) {
    const std::string& text = req.matches[index];
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec == std::errc() && end == text.data() + text.size() && id > 0) return id;
  }
  return make_error(ErrorCode::not_found, msg::no_such_record);
}

Context::Context(const DeskParts& parts, const ServerOptions& server_options)
    : store(parts.store),
      clock(parts.clock),
      carrier(parts.carrier),
      images(parts.images),
      classifier(parts.classifier),
      scanner(parts.scanner),
      report_options(parts.report),
      options(server_options),
      accounts(parts.store, parts.clock),
      logins_by_address(server_options.logins_per_minute) {}

}  // namespace staff_routes

namespace {

using httpd::Response;
using staff::Permission;
using namespace staff_routes;

void send(const Request& req, Response& res, const common::Result<Reply>& reply) {
  if (!reply) {
    // The HTTP status of its code, the message in the page's language; 5xx details logged.
    http::answer_error(res, reply.error(), http::request_lang(req));
    return;
  }
  res.status = reply->status;
  for (const auto& [name, value] : reply->headers) res.set_header(name, value);
  res.set_content(reply->body, reply->content_type);
}

}  // namespace

struct StaffApi::Impl {
  Impl(const DeskParts& parts, const ServerOptions& options) : desk(parts, options) {}

  Context desk;

  // Who is asking, checked against `need` (none: any logged-in caller). A cookie session must
  // send its CSRF token on every change. Answers 401/403 itself and returns nothing when refused.
  std::optional<staff::Principal> authorize(const Request& req, Response& res,
                                            std::optional<Permission> need) {
    const std::string authorization = req.get_header_value("Authorization");
    common::Result<staff::Principal> who = common::Error{common::ErrorCode::unauthenticated, ""};
    bool via_cookie = false;
    if (authorization.rfind("Bearer ", 0) == 0) {
      who = desk.accounts.token(std::string_view(authorization).substr(7));
    } else {
      const std::string session = http::cookie(req, k_session_cookie);
      if (session.empty()) {
        http::answer_error(res, 401, "unauthenticated", msg::log_in_first, http::request_lang(req));
        return std::nullopt;
      }
      who = desk.accounts.session(session);
      via_cookie = true;
    }
    if (!who) {
      http::answer_error(res, who.error(), http::request_lang(req));
      return std::nullopt;
    }
    if (via_cookie && req.method != "GET" && req.method != "HEAD" &&
        !staff::secrets_equal(req.get_header_value("X-CSRF-Token"), who->csrf_token)) {
      http::answer_error(res, 403, "csrf", msg::csrf_missing, http::request_lang(req));
      return std::nullopt;
    }
    if (need && !staff::role_allows(who->role, *need)) {
      spdlog::info("{} ({}) refused: {} is needed", who->login, staff::role_name(who->role),
                   staff::permission_name(*need));
      http::answer_error(res, 403, "permission_denied",
                         common::Text{msg::role_may_not, {{"login", who->login}}},
                         http::request_lang(req));
      return std::nullopt;
    }
    return *who;
  }
};

StaffApi::StaffApi(const DeskParts& parts, const ServerOptions& options)
    : impl_(std::make_unique<Impl>(parts, options)) {}

StaffApi::~StaffApi() = default;

bool StaffApi::before_body(const Request& req, Response& res) {
  const bool upload = req.method == "POST" && req.path == "/api/scans";
  // Every request with a body says its length up front, so an oversized one is refused before a
  // byte of it is read (a chunked body would be known too large only after reading it).
  const bool has_body = req.method == "POST" || req.method == "PUT" || req.method == "PATCH" ||
                        req.method == "DELETE";
  if (req.has_header("Transfer-Encoding") || (has_body && !req.has_header("Content-Length"))) {
    http::answer_error(res, 411, "length_required", msg::length_required, http::request_lang(req));
    return true;
  }
  std::size_t length = 0;
  try {
    length = req.has_header("Content-Length")
                 ? static_cast<std::size_t>(std::stoull(req.get_header_value("Content-Length")))
                 : 0;
  } catch (const std::exception&) {
    http::answer_error(res, 400, "invalid_argument", msg::bad_content_length,
                       http::request_lang(req));
    return true;
  }
  const std::size_t limit = upload ? impl_->desk.options.max_request_bytes : k_max_json_body;
  if (length > limit) {
    http::answer_error(
        res, 413, "limit_exceeded",
        common::Text{msg::body_too_large, {{"size", length >> 10}, {"limit", limit >> 10}}},
        http::request_lang(req));
    return true;
  }
  // Only a caller allowed to upload makes the server read 64 MB.
  return upload && !impl_->authorize(req, res, Permission::scan);
}

void StaffApi::add_routes(httpd::Router& router) {
  Impl& api = *impl_;
  router.post("/api/login",
              [&api](const Request& req, Response& res) { send(req, res, login(api.desk, req)); });
  for (const auto& area : {session_routes(), dossier_routes(), mailroom_routes(), dispatch_routes(),
                           report_routes(), admin_routes()}) {
    for (const Route& route : area) {
      auto handle = [&api, route](const Request& req, Response& res) {
        if (auto who = api.authorize(req, res, route.need)) {
          send(req, res, route.handler(api.desk, req, *who));
        }
      };
      if (route.method == Method::get) {
        router.get(route.pattern, handle);
      } else {
        router.post(route.pattern, handle);
      }
    }
  }
}

}  // namespace app
