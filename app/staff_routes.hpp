// The staff API's routes, one file per area (staff_api_session.cpp, _dossiers, _mailroom,
// _dispatch, _reports, _admin). A handler takes what the server shares, the request and who is
// asking (already authenticated and authorised by staff_api.cpp), and returns its reply or an
// Error; one wrapper renders an Error with its HTTP status. Internal to app/: it names
// httpd's request type; the logic lives in intake/, tracking/ and staff/.
#pragma once

#include "httpd/request.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/desk_server.hpp"
#include "app/messages.hpp"
#include "common/clock.hpp"
#include "common/rate_limiter.hpp"
#include "common/result.hpp"
#include "db/records.hpp"
#include "staff/accounts.hpp"
#include "tracking/report.hpp"

namespace app::staff_routes {

using common::ErrorCode;
using common::make_error;
using common::Result;
using httpd::Request;
using nlohmann::json;

inline constexpr const char* k_session_cookie = "hoso_session";
inline constexpr std::size_t k_max_json_body = 1u << 20;
inline constexpr int k_max_list = 1000;  // dossiers in one list, dispatches in one request

// What a handler answers when it succeeds (errors are common::Error).
struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
};

Reply json_reply(const nlohmann::json& body, int status = 200);
// An answer whose error code is not a common::ErrorCode ("rate_limited", "unsupported_media"),
// in the same {"error": {"code", "message", ...}} shape as http::error_json.
Reply error_reply(int status, std::string_view code, const common::Text& text, common::Lang lang);
// A printable form or label: its own <style> and inline SVG barcodes, no scripts at all.
Reply document_reply(std::string html);

// When a printable form or label cannot be made: a small page (opened in its own tab) saying why
// in `lang`, with the error's HTTP status; a fault of ours is logged as for JSON answers.
Reply document_error_reply(const common::Error& error, common::Lang lang);

// An ISO 8601 time, or null.
nlohmann::json time_or_null(const std::optional<common::Timestamp>& at);

// The request body as a JSON object; invalid_argument when it is not sent as application/json or
// is not a JSON object.
common::Result<nlohmann::json> json_body(const httpd::Request& req);
// A string field of `body` ("" when absent); invalid_argument naming it when it has another type,
// or when it is `required` and absent or empty.
common::Result<std::string> string_field(const nlohmann::json& body, const char* name,
                                         bool required = false);
// The dossier numbers of the body's "ids", 1 to 500 of them: invalid_argument `missing` when it
// is absent, not a list, empty or longer; ids_not_numbers when it holds anything but numbers.
common::Result<std::vector<db::Id>> ids_of(const nlohmann::json& body,
                                           const common::MessageDef& missing);
// "1,2,3" (an "ids" query parameter): 1 to 500 dossier numbers; invalid_argument ids_list else.
common::Result<std::vector<db::Id>> id_list(const std::string& list);
// invalid_argument: field `field` of the request is wrong, because of `problem` (a date that does
// not parse...).
common::Error field_error(const char* field, const common::Error& problem);
// What is wrong with a stored code, in `lang`: the classifier's reading of its text again (the
// database keeps the English words of the time), else the words as stored.
std::string problem_of(const std::string& text, const std::string& problem,
                       const intake::Classifier* classifier, common::Lang lang);
// The path parameter `index` (regex group) as a positive id; not_found ("no such record") else.
common::Result<db::Id> id_param(const httpd::Request& req, std::size_t index = 1);

// What every handler shares; lives as long as the server.
struct Context {
  Context(const DeskParts& parts, const ServerOptions& server_options);

  db::Store& store;
  const common::Clock& clock;
  postal_api::Carrier* carrier;
  db::ImageStore* images;
  const intake::Classifier* classifier;
  scanner::Scanner* scanner;
  tracking::ReportOptions report_options;
  ServerOptions options;
  staff::Accounts accounts;
  common::RateLimiter logins_by_address;
};

using Handler = common::Result<Reply> (*)(Context& desk, const httpd::Request& req,
                                          const staff::Principal& who);

enum class Method { get, post };

struct Route {
  Method method;
  const char* pattern;                    // an httpd::Router pattern (`<int>` captures)
  std::optional<staff::Permission> need;  // none: any logged-in caller
  Handler handler;
};

// Logging in is the one staff route without a caller yet.
common::Result<Reply> login(Context& desk, const httpd::Request& req);
nlohmann::json principal_json(const staff::Principal& who);

std::vector<Route> session_routes();
std::vector<Route> dossier_routes();
std::vector<Route> mailroom_routes();
std::vector<Route> dispatch_routes();
std::vector<Route> report_routes();
std::vector<Route> admin_routes();

}  // namespace app::staff_routes
