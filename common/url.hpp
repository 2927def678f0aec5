// Percent-encoding (RFC 3986 §2.1) for URLs, query strings and form bodies. Pure functions over
// bytes: what the decoded bytes mean (UTF-8 or not) is the caller's.
#pragma once

#include <string>
#include <string_view>

namespace common {

// `text` with every byte but the unreserved ones (A-Z a-z 0-9 - . _ ~) written as %XX: safe in
// any part of a URL.
std::string percent_encode(std::string_view text);

// `text` with every valid %XX replaced by its byte; a `%` not followed by two hex digits is kept
// as it is. With `plus_is_space`, `+` becomes ' ' (query strings, form bodies).
std::string percent_decode(std::string_view text, bool plus_is_space = false);

}  // namespace common
