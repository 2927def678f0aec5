#include "tracking/public_link.hpp"

#include <fmt/format.h>

#include "common/text.hpp"
#include "common/url.hpp"
#include "tracking/messages.hpp"

namespace tracking {

using common::percent_encode;

std::string public_lookup_page_url(std::string_view public_url, std::string_view code) {
  while (!public_url.empty() && public_url.back() == '/') public_url.remove_suffix(1);
  return fmt::format("{}/tra-cuu?ma={}", public_url, percent_encode(code));
}

std::string public_lookup_url(std::string_view public_url, std::string_view code,
                              std::string_view lookup_code) {
  return fmt::format("{}&mk={}", public_lookup_page_url(public_url, code),
                     percent_encode(lookup_code));
}

namespace {

// The host of "scheme://[user@]host[:port][/...]", lower-cased, brackets of an IPv6 literal
// removed; "" when there is none.
std::string host_of(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "";
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  std::string_view host;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return "";
    host = rest.substr(1, close - 1);
  } else {
    host = rest.substr(0, rest.find(':'));
  }
  std::string lower(host);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!lower.empty() && lower.back() == '.') lower.pop_back();
  return lower;
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

bool public_url_is_loopback(std::string_view url) {
  const std::string host = host_of(url);
  if (host == "localhost" || host.ends_with(".localhost") || host == "::1" || host == "::" ||
      host == "0.0.0.0" || host == "0" || host == "ip6-localhost" || host == "ip6-loopback") {
    return true;
  }
  return host.starts_with("127.") || host.starts_with("::ffff:127.");
}

std::optional<common::Error> public_url_problem(std::string_view url, bool local_ok) {
  using common::ErrorCode;
  if (url.empty()) {
    return common::make_error(ErrorCode::conflict, msg::public_url_unset);
  }
  const std::string shown(url.substr(0, 200));
  if ((!starts_with_ci(url, "https://") && !starts_with_ci(url, "http://")) ||
      host_of(url).empty()) {
    return common::make_error(ErrorCode::conflict, msg::public_url_malformed, {{"url", shown}});
  }
  if (!local_ok && public_url_is_loopback(url)) {
    return common::make_error(ErrorCode::conflict, msg::public_url_loopback, {{"url", shown}});
  }
  return std::nullopt;
}

}  // namespace tracking
