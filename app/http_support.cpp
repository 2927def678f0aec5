#include "app/http_support.hpp"

#include <fmt/format.h>

#include <spdlog/spdlog.h>

#include <atomic>
#include <charconv>

#include "app/desk_server.hpp"

namespace app::http {

using nlohmann::json;

void answer_json(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json; charset=utf-8");
}

void answer_json(httplib::Response& res, int status, const json& body) {
  answer_json(res, status, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

void answer_error(httplib::Response& res, int status, std::string_view code,
                  const std::string& message) {
  answer_json(res, status, json{{"error", {{"code", code}, {"message", message}}}});
}

void answer_error(httplib::Response& res, const common::Error& error) {
  const int status = http_status_for(error.code);
  if (status == 500) {
    // A fault of ours (database, disk, a bug): the details go to the log, not to the client.
    static std::atomic<int> next_id{1};
    const int id = next_id.fetch_add(1);
    spdlog::error("error {}: {}", id, error.message);
    answer_error(res, status, common::error_code_name(error.code),
                 fmt::format("internal error (logged as {})", id));
    return;
  }
  answer_error(res, status, common::error_code_name(error.code), error.message);
}

std::string cookie(const httplib::Request& req, std::string_view name) {
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

std::optional<json> json_body(const httplib::Request& req, httplib::Response& res) {
  const std::string type = req.get_header_value("Content-Type");
  if (type.rfind("application/json", 0) != 0) {
    answer_error(res, 400, "invalid_argument",
                 "send the body as JSON (Content-Type: application/json)");
    return std::nullopt;
  }
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    answer_error(res, 400, "invalid_argument", "the body is not a JSON object");
    return std::nullopt;
  }
  return body;
}

std::optional<std::string> string_field(const json& body, const char* name, httplib::Response& res,
                                        bool required) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null() || (required && it->is_string() && it->empty())) {
    if (!required) return std::string();
    answer_error(res, 400, "invalid_argument", fmt::format("\"{}\" is required", name));
    return std::nullopt;
  }
  if (!it->is_string()) {
    answer_error(res, 400, "invalid_argument", fmt::format("\"{}\" must be a string", name));
    return std::nullopt;
  }
  return it->get<std::string>();
}

std::optional<long long> id_param(const httplib::Request& req, httplib::Response& res,
                                  std::size_t index) {
  long long id = 0;
  if (req.matches.size() > index) {
    const std::string text = req.matches[index].str();
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec == std::errc() && end == text.data() + text.size() && id > 0) return id;
  }
  answer_error(res, 404, "not_found", "no such record");
  return std::nullopt;
}

}  // namespace app::http
