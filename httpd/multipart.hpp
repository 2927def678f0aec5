// multipart/form-data bodies (RFC 7578): the boundary from the Content-Type, then each part's
// headers (Content-Disposition name and filename, Content-Type) and content. A parser of outside
// input: it copies nothing it has not checked and refuses, with a reason, what it cannot read.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "httpd/request.hpp"

namespace httpd {

// The boundary parameter of a multipart/form-data Content-Type, or "" when `content_type` is not
// multipart/form-data or names no valid boundary (1–70 characters).
std::string multipart_boundary(std::string_view content_type);

// The parts of `body`. Fails with bad_input when the body does not start with the boundary, a
// part's headers are malformed or unterminated, the closing boundary is missing, or there are
// more than `max_parts` parts.
common::Result<std::vector<FormPart>> parse_multipart(std::string_view body,
                                                      std::string_view boundary,
                                                      std::size_t max_parts = 256);

}  // namespace httpd
