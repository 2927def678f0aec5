// The messages of staff/ a user can meet (see common/text.hpp): logging in, sessions and API
// tokens, and an admin managing users.
#pragma once

#include "common/text.hpp"

namespace staff::msg {

using common::MessageDef;

inline constexpr MessageDef login_failed{"login_failed", "Sai tên đăng nhập hoặc mật khẩu",
                                         "wrong login or password"};
inline constexpr MessageDef session_expired{
    "session_expired", "Chưa đăng nhập hoặc phiên làm việc đã hết hạn: vui lòng đăng nhập lại",
    "not logged in, or the session has expired: log in again"};
inline constexpr MessageDef token_refused{"token_refused",
                                          "Mã truy cập API không đúng hoặc đã bị thu hồi",
                                          "unknown or revoked API token"};
inline constexpr MessageDef current_password_wrong{
    "current_password_wrong", "Mật khẩu hiện tại không đúng: mật khẩu chưa được đổi",
    "the current password is wrong: the password was not changed"};
inline constexpr MessageDef what_login{"what_login", "Tên đăng nhập", "login"};
inline constexpr MessageDef what_token_name{"what_token_name", "Tên mã truy cập API",
                                            "token name"};
inline constexpr MessageDef bad_account_name{
    "bad_account_name",
    "{what} “{name}” phải dài từ 2 đến 32 ký tự, chỉ gồm chữ thường không dấu a-z, chữ số 0-9, "
    "dấu chấm, gạch dưới hoặc gạch ngang",
    "{what} '{name}' must be 2 to 32 characters of a-z, 0-9, '.', '_' or '-'"};
inline constexpr MessageDef bad_token_name{
    "bad_token_name",
    "Tên mã truy cập “{name}” phải dài từ 2 đến 60 ký tự và không chứa ký tự điều khiển",
    "the token name '{name}' must be 2 to 60 characters without control characters"};
inline constexpr MessageDef bad_title{
    "bad_title",
    "Chức vụ “{title}” phải dài không quá {max} ký tự và không chứa ký tự điều khiển",
    "the title '{title}' must be at most {max} characters without control characters"};
inline constexpr MessageDef user_needs_name{
    "user_needs_name", "Cần nhập họ tên người dùng (tên hiển thị trên các trang)",
    "a user needs a name (as the pages show it)"};
inline constexpr MessageDef password_too_short{
    "password_too_short", "Mật khẩu phải có ít nhất {min} ký tự (mật khẩu này có {length} ký tự)",
    "a password needs at least {min} characters (this one has {length})"};
inline constexpr MessageDef password_too_long{"password_too_long",
                                              "Mật khẩu dài tối đa 1024 byte",
                                              "a password may have at most 1024 bytes"};
inline constexpr MessageDef password_contains_login{
    "password_contains_login", "Mật khẩu không được chứa tên đăng nhập ({login})",
    "a password must not contain the login ({login})"};
inline constexpr MessageDef password_common{
    "password_common",
    "Mật khẩu này quá phổ biến (có chứa “{word}”), kẻ dò mật khẩu sẽ thử nó đầu tiên: hãy chọn "
    "một câu dài mà chỉ bạn nhớ",
    "this password is too common (it contains '{word}'), one a guesser tries first: choose a long "
    "phrase only you remember"};
inline constexpr MessageDef password_dictionary{
    "password_dictionary",
    "Mật khẩu này dựa trên một từ trong từ điển hoặc là một dãy quá đơn giản: hãy chọn một câu "
    "dài mà chỉ bạn nhớ",
    "this password is based on a dictionary word or is too simple a sequence: choose a long "
    "phrase only you remember"};
inline constexpr MessageDef password_too_simple{
    "password_too_simple",
    "Mật khẩu này quá đơn giản (lặp lại, đối xứng hoặc theo thứ tự): hãy chọn một câu dài mà chỉ "
    "bạn nhớ",
    "this password is too simple (repeated, a palindrome or a sequence): choose a long phrase "
    "only you remember"};
inline constexpr MessageDef password_unchecked{
    "password_unchecked",
    "Không kiểm tra được mật khẩu với từ điển mật khẩu ({detail}): quản trị viên cần cài gói "
    "cracklib-runtime; mật khẩu chưa được đổi",
    "the password could not be checked against the password dictionary ({detail}): an "
    "administrator needs to install the cracklib-runtime package; nothing was changed"};
inline constexpr MessageDef duplicate_login{"duplicate_login",
                                            "Đã có người dùng với tên đăng nhập “{login}”",
                                            "there is already a user '{login}'"};
inline constexpr MessageDef no_user_login{"no_user_login",
                                          "Không có người dùng với tên đăng nhập “{login}”",
                                          "no user '{login}'"};
inline constexpr MessageDef no_user_id{"no_user_id", "Không có người dùng #{id}", "no user #{id}"};
inline constexpr MessageDef last_admin{
    "last_admin",
    "“{login}” là quản trị viên cuối cùng đang hoạt động: cần chỉ định một quản trị viên khác "
    "trước",
    "'{login}' is the last active admin: make another admin first"};
inline constexpr MessageDef duplicate_token{"duplicate_token",
                                            "Đã có mã truy cập API tên “{name}”",
                                            "there is already an API token '{name}'"};
inline constexpr MessageDef unknown_role{
    "unknown_role",
    "Vai trò “{role}” không hợp lệ: chỉ có bộ phận văn thư (mailroom), cán bộ (officer) hoặc "
    "quản trị (admin)",
    "role '{role}' is unknown: it must be mailroom, officer or admin"};

}  // namespace staff::msg
