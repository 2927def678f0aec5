#include "httpd/url.hpp"

#include "common/url.hpp"

namespace httpd {

using common::percent_decode;

std::multimap<std::string, std::string, std::less<>> parse_query(std::string_view query) {
  std::multimap<std::string, std::string, std::less<>> params;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) continue;
    const std::size_t eq = piece.find('=');
    std::string name = percent_decode(piece.substr(0, eq), true);
    std::string value =
        eq == std::string_view::npos ? std::string() : percent_decode(piece.substr(eq + 1), true);
    if (!name.empty()) params.emplace(std::move(name), std::move(value));
  }
  return params;
}

}  // namespace httpd
