// The messages of db/ a user can meet (opening the desk's database, a full disk), in Vietnamese
// and English (see common/text.hpp). Other database failures are technical: their words are for
// the logs.
#pragma once

#include "common/text.hpp"

namespace db::msg {

inline constexpr common::MessageDef no_database{
    "no_database", "Không có cơ sở dữ liệu hồ sơ tại {path}", "{path}: no hoso database here"};
inline constexpr common::MessageDef empty_database_file{
    "empty_database_file", "{path} là tệp rỗng (0 byte), không phải cơ sở dữ liệu hồ sơ",
    "{path} is an empty file (0 bytes), not a hoso database"};
inline constexpr common::MessageDef database_disk_full{
    "database_disk_full",
    "Ổ đĩa chứa cơ sở dữ liệu đã đầy: hãy giải phóng dung lượng trống rồi thử lại",
    "the disk holding the database is full: free some space and try again"};

inline constexpr common::MessageDef database_unreachable{
    "database_unreachable",
    "Không kết nối được máy chủ cơ sở dữ liệu PostgreSQL {where}: hãy kiểm tra máy chủ đang chạy, "
    "địa chỉ --db và quyền của tài khoản",
    "cannot reach the PostgreSQL database {where}: check that the server runs, the --db address "
    "and the account's rights"};
inline constexpr common::MessageDef database_connection_lost{
    "database_connection_lost",
    "Mất kết nối với máy chủ cơ sở dữ liệu PostgreSQL giữa chừng: thao tác chưa được ghi nhận "
    "chắc chắn, hãy kiểm tra rồi thử lại",
    "lost the connection to the PostgreSQL database midway: the operation may not have been "
    "recorded; check, then try again"};
inline constexpr common::MessageDef no_hoso_tables{
    "no_hoso_tables", "Cơ sở dữ liệu {where} chưa có bảng của hoso (chạy hoso init --db ...)",
    "{where} has no hoso tables yet (run hoso init --db ...)"};

}  // namespace db::msg
