// The messages of postal_api/ that reach a user (see common/text.hpp): a dispatch or a sync that
// the carrier could not serve. What only an operator needs (curl's words, the request's path, a
// config file's line) stays in Error::message, in English, for the logs.
#pragma once

#include <string>

#include "common/result.hpp"
#include "common/text.hpp"

namespace postal_api::msg {

using common::MessageDef;

// The carrier's own words (a reason it gave), quoted as they came.
inline constexpr MessageDef carrier_words{"carrier_words", "“{words}”", "\"{words}\""};
inline constexpr MessageDef no_reason_given{"carrier_no_reason", "không nêu lý do",
                                            "no reason given"};
inline constexpr MessageDef carrier_unreachable{"carrier_unreachable",
                                                "Không kết nối được với đơn vị bưu chính {carrier}",
                                                "{carrier}: cannot reach the carrier"};
inline constexpr MessageDef carrier_timeout{"carrier_timeout",
                                            "Đơn vị bưu chính {carrier} không trả lời kịp thời",
                                            "{carrier}: the carrier did not answer in time"};
inline constexpr MessageDef carrier_bad_address{
    "carrier_bad_address", "Địa chỉ kết nối đơn vị bưu chính {carrier} không hợp lệ",
    "{carrier}: the carrier's address is not a valid URL"};
inline constexpr MessageDef carrier_http_error{
    "carrier_http_error",
    "Hệ thống của đơn vị bưu chính {carrier} đang gặp sự cố (mã HTTP {status})",
    "{carrier}: the carrier answered HTTP {status}"};
inline constexpr MessageDef carrier_busy{
    "carrier_busy", "Đơn vị bưu chính {carrier} đang quá tải; vui lòng thử lại sau",
    "{carrier}: the carrier answered HTTP 429 Too Many Requests"};
inline constexpr MessageDef carrier_wait_too_long{
    "carrier_wait_too_long",
    "Đơn vị bưu chính {carrier} đề nghị chờ {seconds} giây trước khi gửi lại yêu cầu; vui lòng "
    "thử lại sau",
    "{carrier}: the carrier asked to wait {seconds} s before retrying; try again later"};
inline constexpr MessageDef carrier_malformed{
    "carrier_malformed", "Đơn vị bưu chính {carrier} trả lời không đúng định dạng",
    "{carrier}: the carrier's answer could not be read"};
inline constexpr MessageDef carrier_breaker_open{
    "carrier_breaker_open",
    "Tạm ngừng kết nối đơn vị bưu chính {carrier} vì đã lỗi {failures} lần liên tiếp; hệ thống "
    "sẽ thử lại sau {next_try}",
    "{carrier}: not called: the carrier failed {failures} times in a row; next try after "
    "{next_try}"};
inline constexpr MessageDef carrier_refused_tracking{
    "carrier_refused_tracking", "Đơn vị bưu chính từ chối yêu cầu tra cứu bưu gửi: {reason}",
    "the carrier refused the tracking request: {reason}"};
inline constexpr MessageDef carrier_login_refused{
    "carrier_login_refused",
    "Đơn vị bưu chính {carrier} từ chối đăng nhập: {reason}; hãy kiểm tra tài khoản kết nối",
    "{carrier} login refused: {reason}; check the carrier account"};
inline constexpr MessageDef carrier_token_refused{
    "carrier_token_refused",
    "Đơn vị bưu chính {carrier} từ chối phiên đăng nhập vừa cấp; vui lòng thử lại sau",
    "{carrier}: the carrier refused a token it had just issued; try again later"};
inline constexpr MessageDef carrier_refused_order{
    "carrier_refused_order", "Đơn vị bưu chính {carrier} từ chối đơn gửi {order}: {reason}",
    "{carrier} refused order {order}: {reason}"};
inline constexpr MessageDef carrier_refused_cancel{
    "carrier_refused_cancel", "Đơn vị bưu chính {carrier} từ chối hủy đơn {order}: {reason}",
    "{carrier} refused to cancel order {order}: {reason}"};
inline constexpr MessageDef carrier_unknown_order{"carrier_unknown_order",
                                                  "Đơn vị bưu chính {carrier} không có đơn {order}",
                                                  "{carrier} does not know order {order}"};
inline constexpr MessageDef carrier_other_order{
    "carrier_other_order",
    "Đơn vị bưu chính {carrier} trả lời bằng đơn {their_order} cho đơn {order}",
    "{carrier}: the carrier answered order {their_order} for order {order}"};
inline constexpr MessageDef carrier_number_missing{
    "carrier_number_missing", "Câu trả lời của đơn vị bưu chính không có bưu gửi {number}",
    "{number}: the carrier's answer did not mention it"};
inline constexpr MessageDef carrier_item_unreadable{
    "carrier_item_unreadable",
    "Không đọc được thông tin bưu gửi {number} do đơn vị bưu chính trả về",
    "{number}: the carrier's data about it could not be read"};

}  // namespace postal_api::msg

namespace postal_api {

// A failure a user can meet (`def` with its arguments) whose message for the logs keeps the
// technical details in English (`log_message`: the request, curl's or the carrier's words).
inline common::Error coded_error(common::ErrorCode code, const common::MessageDef& def,
                                 common::Args args, std::string log_message) {
  common::Error error = common::make_error(code, def, std::move(args));
  error.message = std::move(log_message);
  return error;
}

// The reason the carrier gave, quoted, or "no reason given".
inline common::Text reason_of(const std::string& carrier_message) {
  if (carrier_message.empty()) return common::Text{msg::no_reason_given};
  return common::Text{msg::carrier_words, {{"words", carrier_message.substr(0, 300)}}};
}

}  // namespace postal_api
