#include "tracking/public_link.hpp"

#include <fmt/format.h>

namespace tracking {
namespace {

std::string percent_encode(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                            (byte >= '0' && byte <= '9') || c == '-' || c == '.' || c == '_' ||
                            c == '~';
    if (unreserved) {
      out += c;
    } else {
      out += fmt::format("%{:02X}", byte);
    }
  }
  return out;
}

}  // namespace

std::string public_lookup_page_url(std::string_view public_url, std::string_view code) {
  while (!public_url.empty() && public_url.back() == '/') public_url.remove_suffix(1);
  return fmt::format("{}/tra-cuu?ma={}", public_url, percent_encode(code));
}

std::string public_lookup_url(std::string_view public_url, std::string_view code,
                              std::string_view lookup_code) {
  return fmt::format("{}&mk={}", public_lookup_page_url(public_url, code),
                     percent_encode(lookup_code));
}

}  // namespace tracking
