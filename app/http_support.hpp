// Small pieces every route of `hoso serve` shares: JSON answers and errors, request cookies.
// Internal to app/.
#pragma once

#include "httpd/request.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace app::http {

void answer_json(httpd::Response& res, int status, const nlohmann::json& body);
void answer_json(httpd::Response& res, int status, const std::string& body);

// The language the request asks for: its Accept-Language (the pages send the user's choice),
// Vietnamese when it names none we speak.
common::Lang request_lang(const httpd::Request& req);

// {"error": {"code", "message", "message_id", "args"}}: the message rendered in `lang`, and, for a
// message a user can meet, its id and its arguments rendered in `lang` (absent for a technical
// failure, whose details go only to the log). A 5xx answer says only where in the log to look.
nlohmann::json error_json(std::string_view code, const common::Error& error, common::Lang lang);
// The same with the HTTP status of the code.
void answer_error(httpd::Response& res, const common::Error& error, common::Lang lang);
// What a client is told of `error`: the error itself, or for a fault of ours (HTTP 500) "logged
// as error N", its details written to the log under that number (one count for the server).
common::Error for_client(const common::Error& error);
// The same with a code that is not an ErrorCode ("csrf", "rate_limited", "unsupported_media").
void answer_error(httpd::Response& res, int status, std::string_view code, const common::Text& text,
                  common::Lang lang);

// The value of cookie `name` in the request's Cookie header, or "".
std::string cookie(const httpd::Request& req, std::string_view name);

}  // namespace app::http
