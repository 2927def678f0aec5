// Names of the desk's settings (db::Transaction::setting), in one place for intake/, tracking/ and
// app/. Values are plain strings; `hoso init` writes them.
#pragma once

namespace db {

inline constexpr const char* k_setting_agency_code = "agency_code";  // "000.00.05.H12"
// The sender on return shipments and the letterhead of printed forms.
inline constexpr const char* k_setting_agency_address = "agency_address";
inline constexpr const char* k_setting_agency_phone = "agency_phone";
inline constexpr const char* k_setting_agency_province = "agency_province";  // "Hà Nội"
// Where citizens reach the lookup page (`hoso serve`), for the QR on receipts and labels: the
// desk's public address ("https://motcua.danang.gov.vn"), set by `hoso init --public-url` or an
// admin. No default: a link nobody can open must not be printed (tracking::public_url_problem).
inline constexpr const char* k_setting_public_url = "public_url";
// "1" on a trial desk whose citizens are on the same machine (`hoso demo`): a loopback public
// address is then accepted.
inline constexpr const char* k_setting_public_url_local = "public_url_local";

// How the desk counts deadlines (docs/domain.md §5.2, common::OfficeHours): its office hours
// ("08:00-12:00,13:00-17:00", the default when unset); for a dossier received after 15:00,
// "same_day" (the default: Decree 118/2025 moves only the handover to the processing unit) or
// "next_working_day"; for a dossier filed on a day off, "next_working_day" (the default: counted as
// filed at the next working day's opening) or "civil_code" (its day is simply not counted).
inline constexpr const char* k_setting_office_hours = "office_hours";
inline constexpr const char* k_setting_deadline_after_cutoff = "deadline_after_cutoff";
inline constexpr const char* k_setting_day_off_filing = "day_off_filing";
// How many days a dossier may wait for the citizen's supplement before the desk closes it
// (docs/domain.md §1.3, Decree 118/2025 Art. 19(5): "15 ngày", calendar days; 15 when unset).
inline constexpr const char* k_setting_supplement_wait_days = "supplement_wait_days";
// Who pays the postage of the result sent back (docs/domain.md §5.5): "citizen" (the default,
// Decision 45/2016/QĐ-TTg Art. 12(3)) or "agency" (a province that pays it from its budget).
// Printed on the receipt (form 01).
inline constexpr const char* k_setting_return_postage_payer = "return_postage_payer";

}  // namespace db
