// Small pieces every route of `hoso serve` shares: JSON answers and errors, request cookies.
// Internal to app/ (it names cpp-httplib's types).
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

}  // namespace app::http
