#include "tracking/public_link.hpp"

#include <fmt/format.h>

#include "common/url.hpp"

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

}  // namespace tracking
