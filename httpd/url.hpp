// Percent-decoding and query strings (RFC 3986, and `+` as a space in queries as browsers send
// them). Pure functions over bytes: what the decoded bytes mean (UTF-8 or not) is the caller's.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace httpd {

// `a=1&b=x%20y&c` → {a: "1", b: "x y", c: ""}; empty pieces are skipped.
std::multimap<std::string, std::string, std::less<>> parse_query(std::string_view query);

}  // namespace httpd
