#include "app/http_support.hpp"

#include <fmt/format.h>

#include <spdlog/spdlog.h>

#include <atomic>

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

}  // namespace app::http
