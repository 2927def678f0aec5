// Names of the desk's settings (db::Transaction::setting), in one place for intake/, tracking/ and
// app/. Values are plain strings; `hoso init` writes them.
#pragma once

namespace db {

inline constexpr const char* k_setting_agency_code = "agency_code";  // "000.00.05.H12"
// The sender on return shipments and the letterhead of printed forms.
inline constexpr const char* k_setting_agency_address = "agency_address";
inline constexpr const char* k_setting_agency_phone = "agency_phone";
inline constexpr const char* k_setting_agency_province = "agency_province";  // "Hà Nội"
// Where citizens reach the lookup page (`hoso serve`), for the QR on receipts and labels.
inline constexpr const char* k_setting_public_url = "public_url";
inline constexpr const char* k_default_public_url = "http://127.0.0.1:8080";

}  // namespace db
