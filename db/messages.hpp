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

}  // namespace db::msg
