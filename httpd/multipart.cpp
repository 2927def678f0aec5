#include "httpd/multipart.hpp"

#include <algorithm>
#include <cctype>

#include "httpd/messages.hpp"

namespace httpd {
namespace {

using common::ErrorCode;
using common::make_error;

constexpr std::size_t k_max_part_header_bytes = 8 * 1024;

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The parameters of a header value after its first `;`: name=token or name="quoted\"string".
// Returns the value of `wanted`, or nothing.
std::optional<std::string> header_parameter(std::string_view value, std::string_view wanted) {
  std::size_t i = value.find(';');
  while (i != std::string_view::npos && i < value.size()) {
    ++i;  // past ';'
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
    const std::size_t eq = value.find('=', i);
    if (eq == std::string_view::npos) return std::nullopt;
    const std::string_view name = trim(value.substr(i, eq - i));
    std::string parsed;
    std::size_t j = eq + 1;
    while (j < value.size() && (value[j] == ' ' || value[j] == '\t')) ++j;
    if (j < value.size() && value[j] == '"') {
      ++j;
      while (j < value.size() && value[j] != '"') {
        if (value[j] == '\\' && j + 1 < value.size()) ++j;
        parsed.push_back(value[j]);
        ++j;
      }
      if (j >= value.size()) return std::nullopt;  // unterminated quote
      ++j;
      i = value.find(';', j);
    } else {
      const std::size_t end = value.find(';', j);
      parsed = std::string(trim(value.substr(j, end == std::string_view::npos ? end : end - j)));
      i = end;
    }
    if (iequals(name, wanted)) return parsed;
  }
  return std::nullopt;
}

common::Error malformed(const common::Text& problem) {
  return make_error(ErrorCode::bad_input, msg::multipart_malformed, {{"problem", problem}});
}

}  // namespace

std::string multipart_boundary(std::string_view content_type) {
  const std::size_t semicolon = content_type.find(';');
  if (!iequals(trim(content_type.substr(0, semicolon)), "multipart/form-data")) return {};
  auto boundary = header_parameter(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 70) return {};
  return *boundary;
}

common::Result<std::vector<FormPart>> parse_multipart(std::string_view body,
                                                      std::string_view boundary,
                                                      std::size_t max_parts) {
  if (boundary.empty()) return malformed(msg::multipart_no_boundary);
  const std::string delimiter = "--" + std::string(boundary);
  const std::string next_delimiter = "\r\n" + delimiter;
  std::size_t pos = 0;
  if (body.substr(0, delimiter.size()) != delimiter) {
    // A preamble before the first boundary is allowed (RFC 2046 §5.1.1) and ignored.
    const std::size_t first = body.find(next_delimiter);
    if (first == std::string_view::npos) return malformed(msg::multipart_boundary_missing);
    pos = first + 2;
  }
  pos += delimiter.size();
  std::vector<FormPart> parts;
  while (true) {
    if (body.substr(pos, 2) == "--") return parts;  // the closing delimiter
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) != "\r\n") return malformed(msg::multipart_line_unended);
    pos += 2;
    if (parts.size() == max_parts) return malformed(common::Text{msg::multipart_too_many_parts, {{"limit", max_parts}}});

    const std::size_t headers_end = body.find("\r\n\r\n", pos);
    if (body.substr(pos, 2) == "\r\n") return malformed(msg::multipart_no_disposition);
    if (headers_end == std::string_view::npos || headers_end - pos > k_max_part_header_bytes) {
      return malformed(msg::multipart_headers_unended);
    }
    FormPart part;
    bool disposition = false;
    std::size_t line_start = pos;
    const std::size_t block_end = headers_end;
    while (line_start < block_end) {
      std::size_t line_end = body.find("\r\n", line_start);
      if (line_end == std::string_view::npos || line_end > block_end) line_end = block_end;
      const std::string_view line = body.substr(line_start, line_end - line_start);
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) return malformed(msg::multipart_bad_header);
      const std::string_view name = trim(line.substr(0, colon));
      const std::string_view value = trim(line.substr(colon + 1));
      if (iequals(name, "Content-Disposition")) {
        const std::size_t semicolon = value.find(';');
        if (!iequals(trim(value.substr(0, semicolon)), "form-data")) {
          return malformed(msg::multipart_no_disposition);
        }
        auto field = header_parameter(value, "name");
        if (!field) return malformed(msg::multipart_no_disposition);
        part.name = std::move(*field);
        part.filename = header_parameter(value, "filename").value_or("");
        disposition = true;
      } else if (iequals(name, "Content-Type")) {
        part.content_type = std::string(value);
      }
      line_start = line_end + 2;
    }
    if (!disposition) return malformed(msg::multipart_no_disposition);
    const std::size_t content_start = headers_end + 4;
    const std::size_t content_end = body.find(next_delimiter, content_start);
    if (content_end == std::string_view::npos) return malformed(msg::multipart_unclosed);
    part.content = std::string(body.substr(content_start, content_end - content_start));
    parts.push_back(std::move(part));
    pos = content_end + next_delimiter.size();
  }
}

}  // namespace httpd
