// Small pieces every route of `hoso serve` shares: JSON answers and errors, request cookies and
// JSON bodies. Internal to app/ (it names cpp-httplib's types).
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace app::http {

void answer_json(httplib::Response& res, int status, const nlohmann::json& body);
void answer_json(httplib::Response& res, int status, const std::string& body);

// {"error": {"code", "message"}} with the HTTP status of the code.
void answer_error(httplib::Response& res, const common::Error& error);
// The same with a code that is not an ErrorCode ("csrf", "rate_limited", "unsupported_media").
void answer_error(httplib::Response& res, int status, std::string_view code,
                  const std::string& message);

// The value of cookie `name` in the request's Cookie header, or "".
std::string cookie(const httplib::Request& req, std::string_view name);

// The request body as a JSON object. On failure answers 400 (not JSON, not an object, or not
// sent as application/json) and returns nothing.
std::optional<nlohmann::json> json_body(const httplib::Request& req, httplib::Response& res);

// A string field of `body` ("" when absent); a field of another type, or a `required` one that is
// absent or empty, answers 400 naming it and returns nothing.
std::optional<std::string> string_field(const nlohmann::json& body, const char* name,
                                        httplib::Response& res, bool required = false);

// The path parameter `index` (regex group) as a positive id, or nothing after answering 404.
std::optional<long long> id_param(const httplib::Request& req, httplib::Response& res,
                                  std::size_t index = 1);

}  // namespace app::http
