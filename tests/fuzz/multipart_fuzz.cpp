// The upload parser of `hoso serve`: the first line is the Content-Type (with its boundary), the
// rest the body; then the same bytes as a query string and a percent-encoded path.
#include "common/url.hpp"
#include "httpd/multipart.hpp"
#include "httpd/url.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = fuzz::as_text(data, size);
  const std::size_t newline = input.find('\n');
  const std::string_view content_type = input.substr(0, newline);
  const std::string_view body =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  const std::string boundary = httpd::multipart_boundary(content_type);
  if (auto parts = httpd::parse_multipart(body, boundary.empty() ? "b" : boundary, 64)) {
    for (const auto& part : *parts) {
      // What the parser returns lies inside what it was given.
      if (part.content.size() > body.size()) __builtin_trap();
    }
  }
  (void)httpd::parse_query(input);
  (void)common::percent_decode(input);
  return 0;
}
