#include "app/http_support.hpp"

#include <fmt/format.h>

#include <spdlog/spdlog.h>

#include <atomic>

#include "app/desk_server.hpp"
#include "app/messages.hpp"

namespace app::http {

using nlohmann::json;

void answer_json(httpd::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json; charset=utf-8");
}

void answer_json(httpd::Response& res, int status, const json& body) {
  answer_json(res, status, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

common::Lang request_lang(const httpd::Request& req) {
  return common::lang_from_accept_language(req.get_header_value("Accept-Language"));
}

json error_json(std::string_view code, const common::Error& error, common::Lang lang) {
  json body{{"code", code}, {"message", error.render(lang)}};
  if (!error.text.empty()) {
    body["message_id"] = error.text.id();
    json args = json::object();
    for (const auto& arg : error.text.args) args[arg.name] = arg.render(lang);
    body["args"] = std::move(args);
  }
  return json{{"error", std::move(body)}};
}

void answer_error(httpd::Response& res, int status, std::string_view code, const common::Text& text,
                  common::Lang lang) {
  answer_json(res, status,
              error_json(code,
                         common::Error{common::ErrorCode::invalid_argument,
                                       text.render(common::Lang::en), text},
                         lang));
}

common::Error for_client(const common::Error& error) {
  if (http_status_for(error.code) != 500) return error;
  // A fault of ours (database, disk, a bug): the details go to the log, not to the client.
  static std::atomic<int> next_id{1};
  const int id = next_id.fetch_add(1);
  spdlog::error("error {}: {}", id, error.message);
  const common::Text text{msg::internal_logged, {{"id", id}}};
  return common::Error{error.code, text.render(common::Lang::en), text};
}

void answer_error(httpd::Response& res, const common::Error& error, common::Lang lang) {
  answer_json(res, http_status_for(error.code),
              error_json(common::error_code_name(error.code), for_client(error), lang));
}

std::string cookie(const httpd::Request& req, std::string_view name) {
  const std::string header = req.get_header_value("Cookie");
  std::string_view rest(header);
  while (!rest.empty()) {
    const auto end = rest.find(';');
    std::string_view pair = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      return std::string(pair.substr(eq + 1));
    }
  }
  return {};
}

}  // namespace app::http
