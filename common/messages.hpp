// The messages of common/ (dates and times typed by a user), in Vietnamese and English (see
// common/text.hpp).
#pragma once

#include "common/text.hpp"

namespace common::msg {

inline constexpr MessageDef not_a_date{"not_a_date", "\"{text}\" không phải ngày hợp lệ: {problem}",
                                       "{text} is not a date: {problem}"};
inline constexpr MessageDef not_a_date_time{"not_a_date_time",
                                            "\"{text}\" không phải ngày giờ hợp lệ: {problem}",
                                            "{text} is not a date and time: {problem}"};
inline constexpr MessageDef empty_text{"empty_text", "(để trống)", "an empty text"};
inline constexpr MessageDef date_shape{"date_shape", "cần viết theo dạng YYYY-MM-DD",
                                       "expected YYYY-MM-DD"};
inline constexpr MessageDef date_time_shape{
    "date_time_shape",
    "cần viết theo dạng YYYY-MM-DD, YYYY-MM-DD HH:MM hoặc YYYY-MM-DD HH:MM:SS, có thể kèm Z "
    "hoặc +07:00",
    "expected YYYY-MM-DD, YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS, optionally followed by Z or "
    "+07:00"};
inline constexpr MessageDef no_such_month{"no_such_month", "không có tháng {month}",
                                          "month {month} does not exist"};
inline constexpr MessageDef month_length{"month_length", "tháng {month}/{year} chỉ có {days} ngày",
                                         "{month}/{year} has {days} days"};
inline constexpr MessageDef no_such_offset{"no_such_offset", "không có múi giờ {offset}",
                                           "offset {offset} does not exist"};
inline constexpr MessageDef no_such_hour{"no_such_hour", "không có giờ {hour} (00 đến 23)",
                                         "hour {hour} does not exist (00 to 23)"};
inline constexpr MessageDef no_such_minute{"no_such_minute", "không có phút {minute} (00 đến 59)",
                                           "minute {minute} does not exist (00 to 59)"};
inline constexpr MessageDef no_such_second{"no_such_second", "không có giây {second} (00 đến 59)",
                                           "second {second} does not exist (00 to 59)"};

// Files that hold personal data (common/private_files).
inline constexpr MessageDef disk_full{
    "disk_full", "Ổ đĩa chứa {path} đã đầy: hãy giải phóng dung lượng trống rồi thử lại",
    "the disk holding {path} is full: free some space and try again"};
inline constexpr MessageDef not_private_owner{
    "not_private_owner",
    "{path} đang để người dùng khác truy cập (quyền {mode}) nhưng thuộc về tài khoản khác (uid "
    "{owner}), nên không thể thu hẹp quyền: hãy chuyển quyền sở hữu cho tài khoản chạy hoso, "
    "hoặc đặt quyền {wanted}",
    "{path} is open to other users (mode {mode}) and belongs to another account (uid {owner}), so "
    "it cannot be made private: give it to the account hoso runs as, or set its mode to {wanted}"};
inline constexpr MessageDef cannot_make_private{
    "cannot_make_private", "Không thể đặt quyền riêng {wanted} cho {path}: {reason}",
    "cannot make {path} private (mode {wanted}): {reason}"};

}  // namespace common::msg
