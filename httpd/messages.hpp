// The messages of httpd/ (request bodies the server could not read), in Vietnamese and English
// (see common/text.hpp).
#pragma once

#include "common/text.hpp"

namespace httpd::msg {

using common::MessageDef;

inline constexpr MessageDef multipart_malformed{
    "multipart_malformed", "Không đọc được biểu mẫu tải lên (multipart/form-data): {problem}",
    "The upload form (multipart/form-data) cannot be read: {problem}"};
inline constexpr MessageDef multipart_no_boundary{
    "multipart_no_boundary", "thiếu ranh giới (boundary) trong Content-Type",
    "the Content-Type names no boundary"};
inline constexpr MessageDef multipart_boundary_missing{
    "multipart_boundary_missing", "không thấy ranh giới đầu tiên", "the first boundary is missing"};
inline constexpr MessageDef multipart_line_unended{
    "multipart_line_unended", "một dòng ranh giới không kết thúc đúng",
    "a boundary line does not end properly"};
inline constexpr MessageDef multipart_too_many_parts{
    "multipart_too_many_parts", "quá {limit} phần", "more than {limit} parts"};
inline constexpr MessageDef multipart_headers_unended{
    "multipart_headers_unended", "phần tiêu đề của một mục không kết thúc",
    "a part's headers do not end"};
inline constexpr MessageDef multipart_bad_header{
    "multipart_bad_header", "một mục có tiêu đề sai dạng", "a part has a malformed header"};
inline constexpr MessageDef multipart_no_disposition{
    "multipart_no_disposition", "một mục thiếu Content-Disposition: form-data có tên",
    "a part has no Content-Disposition: form-data with a name"};
inline constexpr MessageDef multipart_unclosed{
    "multipart_unclosed", "thiếu ranh giới đóng ở cuối", "the closing boundary is missing"};

}  // namespace httpd::msg
