// What intake tells a mailroom clerk, an officer or an admin, as messages (common/text.hpp): each
// with a stable id and its wording in Vietnamese and English, arguments in `{braces}`. A message
// never names a CLI flag or command (the surface that shows it adds its own hint) and no argument
// carries personal data (names, ID numbers, phones, addresses).
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "common/text.hpp"

namespace intake::msg {

using common::MessageDef;

// --- Reading the codes (classify) ----------------------------------------------------------------
inline constexpr MessageDef check_digit_mismatch{
    "check_digit_mismatch",
    "{number}: sai chữ số kiểm tra, phải là {expected}, trên bưu gửi là {found} (UPU S10)",
    "{number}: check digit should be {expected}, found {found} (UPU S10)"};
inline constexpr MessageDef invalid_utf8{
    "code_invalid_utf8",
    "Dữ liệu của mã không phải UTF-8 hợp lệ ({count} {sequences} đã được thay bằng U+FFFD); hãy "
    "quét lại mã hoặc nhập tay",
    "the code's bytes were not valid UTF-8 ({count} {sequences} replaced with U+FFFD); rescan the "
    "code or type it in"};
inline constexpr MessageDef sequence_word{"sequence_word", "chuỗi byte lỗi", "invalid sequence"};
inline constexpr MessageDef sequences_word{"sequences_word", "chuỗi byte lỗi", "invalid sequences"};
inline constexpr MessageDef code_too_long{"code_too_long",
                                          "Nội dung mã dài {size} byte; chỉ giữ {kept} byte đầu",
                                          "code text is {size} bytes; kept the first {kept}"};
inline constexpr MessageDef code_empty{"code_empty", "Mã không có nội dung", "the code is empty"};
inline constexpr MessageDef code_control_character{
    "code_control_character",
    "Nội dung mã có ký tự điều khiển ({character} tại byte {offset}), điều không có trong số hiệu "
    "bưu gửi, mã hồ sơ, đường dẫn cổng dịch vụ công hay căn cước",
    "code text contains a control character ({character} at byte {offset}), which no tracking "
    "number, dossier code, portal URL or ID card holds"};
inline constexpr MessageDef label_bad_dossier_field{
    "label_bad_dossier_field",
    "Nhãn hồ sơ bưu chính: trường thứ hai không phải là mã hồ sơ (ví dụ đúng: {example})",
    "postal dossier label: its second field is not a dossier code (expected e.g. {example})"};
inline constexpr MessageDef label_bad_tracking_field{
    "label_bad_tracking_field",
    "Nhãn hồ sơ bưu chính: trường thứ ba không phải là số hiệu bưu gửi UPU S10",
    "postal dossier label: its third field is not a UPU S10 tracking number"};
inline constexpr MessageDef dossier_no_month{
    "dossier_no_month", "{code}: {date} không phải là ngày hợp lệ (không có tháng {month})",
    "{code}: {date} is not a date (there is no month {month})"};
inline constexpr MessageDef dossier_bad_date{"dossier_bad_date",
                                             "{code}: ngày {day} {month} năm {year} không tồn tại",
                                             "{code}: {day} {month} {year} is not a date"};
inline constexpr MessageDef month_1{"month_1", "tháng 1", "Jan"};
inline constexpr MessageDef month_2{"month_2", "tháng 2", "Feb"};
inline constexpr MessageDef month_3{"month_3", "tháng 3", "Mar"};
inline constexpr MessageDef month_4{"month_4", "tháng 4", "Apr"};
inline constexpr MessageDef month_5{"month_5", "tháng 5", "May"};
inline constexpr MessageDef month_6{"month_6", "tháng 6", "Jun"};
inline constexpr MessageDef month_7{"month_7", "tháng 7", "Jul"};
inline constexpr MessageDef month_8{"month_8", "tháng 8", "Aug"};
inline constexpr MessageDef month_9{"month_9", "tháng 9", "Sep"};
inline constexpr MessageDef month_10{"month_10", "tháng 10", "Oct"};
inline constexpr MessageDef month_11{"month_11", "tháng 11", "Nov"};
inline constexpr MessageDef month_12{"month_12", "tháng 12", "Dec"};
inline constexpr const MessageDef* k_months[] = {&month_1, &month_2,  &month_3,  &month_4,
                                                 &month_5, &month_6,  &month_7,  &month_8,
                                                 &month_9, &month_10, &month_11, &month_12};
inline constexpr MessageDef portal_no_dossier{
    "portal_no_dossier",
    "Đường dẫn cổng dịch vụ công không có mã hồ sơ (thiếu MHS= trong truy vấn)",
    "portal URL has no dossier code (no MHS= in its query)"};
inline constexpr MessageDef portal_bad_dossier{
    "portal_bad_dossier",
    "Đường dẫn cổng dịch vụ công: giá trị {key}= không phải là mã hồ sơ (ví dụ đúng: {example})",
    "portal URL: its {key}= value is not a dossier code (expected e.g. {example})"};
inline constexpr MessageDef not_a_dossier_code{
    "not_a_dossier_code", "{text}: không phải là mã hồ sơ (ví dụ đúng: {example})",
    "{text}: not a dossier code (expected e.g. {example})"};
inline constexpr MessageDef the_text{"the_text", "Nội dung đã nhập", "the text"};
// Two or more problems of one code, or of the codes of one envelope.
inline constexpr MessageDef problems_joined{"problems_joined", "{first}; {rest}",
                                            "{first}; {rest}"};

// The citizen ID card QR: `{problems}` is one or more of the card_* messages below.
inline constexpr MessageDef card_problems{"card_problems", "Mã QR căn cước: {problems}",
                                          "citizen ID card QR: {problems}"};
inline constexpr MessageDef card_field_count{
    "card_field_count",
    "Mã QR căn cước: có {count} trường; cần 7 (số định danh|số CMND cũ|họ tên|ngày sinh|giới "
    "tính|nơi thường trú|ngày cấp), hoặc 6 khi không có số CMND cũ",
    "citizen ID card QR: has {count} fields; expected 7 (ID|old ID|name|birth date|sex|address|"
    "issue date), or 6 without the old ID"};
inline constexpr MessageDef card_id_not_12{"card_id_not_12", "số định danh không đủ 12 chữ số",
                                           "the ID number is not 12 digits"};
inline constexpr MessageDef card_old_id{"card_old_id",
                                        "số CMND cũ không để trống mà cũng không đủ 9 chữ số",
                                        "the old ID number is neither empty nor 9 digits"};
inline constexpr MessageDef card_no_name{"card_no_name", "họ tên để trống", "the name is empty"};
inline constexpr MessageDef card_bad_birth{"card_bad_birth",
                                           "ngày sinh không phải là ngày hợp lệ (ddmmyyyy)",
                                           "the birth date is not a real date (ddmmyyyy)"};
inline constexpr MessageDef card_bad_sex{"card_bad_sex",
                                         "giới tính không phải là \"Nam\" hay \"Nữ\"",
                                         "the sex is neither \"Nam\" nor \"Nữ\""};
inline constexpr MessageDef card_no_address{"card_no_address", "nơi thường trú để trống",
                                            "the address is empty"};
inline constexpr MessageDef card_bad_issue{"card_bad_issue",
                                           "ngày cấp không phải là ngày hợp lệ (ddmmyyyy)",
                                           "the issue date is not a real date (ddmmyyyy)"};
inline constexpr MessageDef card_birth_after_issue{
    "card_birth_after_issue", "ngày sinh sau ngày cấp", "the birth date is after the issue date"};
inline constexpr MessageDef card_year_digits{
    "card_year_digits", "các chữ số năm sinh trong số định danh không khớp với ngày sinh",
    "the ID number's year digits do not match the birth date"};
inline constexpr MessageDef card_sex_digit{
    "card_sex_digit", "chữ số giới tính trong số định danh không khớp với trường giới tính",
    "the ID number's sex digit does not match the sex field"};

// --- The carrier pattern file (admin) ------------------------------------------------------------
inline constexpr MessageDef patterns_not_found{"patterns_not_found",
                                               "{file}: không tìm thấy tệp mẫu số hiệu bưu gửi",
                                               "{file}: carrier pattern file not found"};
inline constexpr MessageDef patterns_not_json{"patterns_not_json",
                                              "{file}: không phải JSON hợp lệ ({detail})",
                                              "{file}: not valid JSON ({detail})"};
inline constexpr MessageDef patterns_invalid{"patterns_invalid", "{file}: {detail}",
                                             "{file}: {detail}"};
inline constexpr MessageDef patterns_shadowed{
    "patterns_shadowed",
    "{file}: ví dụ carriers[{index}].examples[{example_index}] \"{example}\" được đọc là {kind} "
    "thay vì số hiệu của {carrier}; hãy sửa mẫu hoặc vị trí của nó trong danh sách",
    "{file}: carriers[{index}].examples[{example_index}] \"{example}\" is read as {kind} instead "
    "of a {carrier} number; fix the pattern or its place in the list"};

// --- Scanning an envelope (envelope reader) ------------------------------------------------------
inline constexpr MessageDef no_page_read{"no_page_read", "Không đọc được trang nào",
                                         "no page could be read"};
inline constexpr MessageDef file_not_kept{"file_not_kept", "Không lưu được tệp: {detail}",
                                          "the file could not be kept: {detail}"};
inline constexpr MessageDef file_not_kept_size{
    "file_not_kept_size", "Tệp không được lưu: {size_mb} MB vượt giới hạn {limit_mb} MB",
    "the file was not kept: {size_mb} MB is over the {limit_mb} MB limit"};
inline constexpr MessageDef read_error{"read_error", "lỗi đọc", "read error"};

// --- Registration results ------------------------------------------------------------------------
inline constexpr MessageDef registered{"registered", "{number}: đã tiếp nhận, hồ sơ #{dossier}",
                                       "{number}: registered as dossier #{dossier}"};
inline constexpr MessageDef already_registered{
    "already_registered", "{number}: đã tiếp nhận trước đó, hồ sơ #{dossier} (lần quét thứ {scan})",
    "{number}: already registered as dossier #{dossier} ({scan} scan)"};
// A supplement posted in an envelope of its own, carrying the dossier's code (form 02's barcode).
inline constexpr MessageDef supplement_joined{
    "supplement_joined",
    "{number}: hồ sơ bổ sung, đã ghép vào hồ sơ {code} (#{dossier}); hồ sơ được giải quyết tiếp",
    "{number}: joined to dossier {code} (#{dossier}) as a supplement; the dossier moves on"};
inline constexpr MessageDef supplement_not_waiting{
    "supplement_not_waiting",
    "{number}: hồ sơ bổ sung, đã ghép vào hồ sơ {code} (#{dossier}), nhưng hồ sơ không ở trạng "
    "thái chờ bổ sung: cán bộ cần xem",
    "{number}: joined to dossier {code} (#{dossier}) as a supplement, but the dossier was not "
    "waiting for a supplement: an officer should look at it"};
// The scan's ordinal: "2" in Vietnamese ("lần quét thứ 2"), "2nd" in English.
inline constexpr MessageDef ordinal_st{"ordinal_st", "{n}", "{n}st"};
inline constexpr MessageDef ordinal_nd{"ordinal_nd", "{n}", "{n}nd"};
inline constexpr MessageDef ordinal_rd{"ordinal_rd", "{n}", "{n}rd"};
inline constexpr MessageDef ordinal_th{"ordinal_th", "{n}", "{n}th"};
inline constexpr MessageDef taken_before_dossier{"taken_before_dossier",
                                                 "{source}: đã nhận trước đó, hồ sơ #{dossier}",
                                                 "{source}: taken before, dossier #{dossier}"};
inline constexpr MessageDef taken_before_manual{
    "taken_before_manual", "{source}: đã nhận trước đó, đang chờ trong hàng chờ xử lý thủ công",
    "{source}: taken before, waiting in the manual queue"};
inline constexpr MessageDef already_waiting{
    "already_waiting", "{source}: đã có trong hàng chờ xử lý thủ công (#{manual}): {reason}",
    "{source}: already waiting in the manual queue (#{manual}): {reason}"};
inline constexpr MessageDef needs_person{
    "needs_person", "{source}: cần người xử lý (hàng chờ xử lý thủ công #{manual}): {reason}",
    "{source}: needs a person (manual queue #{manual}): {reason}"};
inline constexpr MessageDef manual_resolved{"manual_resolved", "Đã xử lý mục #{manual}: {result}",
                                            "manual #{manual} resolved: {result}"};

// --- Why an envelope waits for a person (the manual queue's reasons) -----------------------------
inline constexpr MessageDef reason_unreadable{
    "reason_unreadable",
    "Không đọc được ảnh ({error}); hãy nhập số hiệu bưu gửi trên nhãn của phong bì",
    "the image could not be read ({error}); type the tracking number from the envelope's label"};
inline constexpr MessageDef reason_no_barcode{
    "reason_no_barcode",
    "Không tìm thấy mã vạch hay mã QR nào trên phong bì; hãy nhập số hiệu bưu gửi trên nhãn",
    "no barcode or QR code found on the envelope; type the tracking number from its label"};
inline constexpr MessageDef reason_bad_check_digit{
    "reason_bad_check_digit", "{problems}; hãy kiểm tra nhãn và nhập số hiệu bưu gửi",
    "{problems}; check the label and type the tracking number"};
inline constexpr MessageDef reason_ambiguous{
    "reason_ambiguous",
    "Có {count} số hiệu bưu gửi khác nhau trên một phong bì ({numbers}); hãy nhập số hiệu mà "
    "phong bì này được phát theo",
    "{count} different tracking numbers on one envelope ({numbers}); type the one this envelope "
    "was delivered under"};
inline constexpr MessageDef reason_no_tracking_number{
    "reason_no_tracking_number",
    "Không có số hiệu bưu gửi trong {count} {codes} đọc được ({kinds}); hãy nhập số hiệu bưu gửi "
    "trên nhãn của phong bì",
    "no tracking number among the {count} {codes} read ({kinds}); type the tracking number from "
    "the envelope's label"};
inline constexpr MessageDef reason_unknown_code{
    "reason_unknown_code",
    "Không có số hiệu bưu gửi trong {count} {codes} đọc được ({kinds}); hãy nhập số hiệu bưu gửi "
    "trên nhãn của phong bì",
    "no tracking number among the {count} {codes} read ({kinds}); type the tracking number from "
    "the envelope's label"};
// A reason stored before reasons were kept as data: its sentence, as written then.
inline constexpr MessageDef reason_as_written{"reason_as_written", "{detail}", "{detail}"};
inline constexpr MessageDef code_word{"code_word", "mã", "code"};
inline constexpr MessageDef codes_word{"codes_word", "mã", "codes"};

// Kinds of code, as listed in a reason.
inline constexpr MessageDef kind_tracking_number{"kind_tracking_number", "số hiệu bưu gửi",
                                                 "tracking number"};
inline constexpr MessageDef kind_dossier_code{"kind_dossier_code", "mã hồ sơ", "dossier code"};
inline constexpr MessageDef kind_portal_url{
    "kind_portal_url", "đường dẫn tra cứu trên cổng dịch vụ công", "portal lookup link"};
inline constexpr MessageDef kind_citizen_id_card{"kind_citizen_id_card", "căn cước",
                                                 "citizen ID card"};
inline constexpr MessageDef kind_unknown{"kind_unknown", "mã không nhận dạng được",
                                         "unrecognised code"};
inline constexpr MessageDef list_joined{"list_joined", "{first}, {rest}", "{first}, {rest}"};

// --- The hot folder ----------------------------------------------------------------------------
// What went wrong with a file (problem) and what to do about it (advice), one sentence each.
inline constexpr MessageDef hf_not_scannable{
    "hf_not_scannable",
    "{name}: không phải là ảnh hay tệp PDF{ext}, nên không đọc được mã vạch nào từ tệp này.",
    "{name}: not an image or a PDF{ext}, so no barcode can be read from it."};
inline constexpr MessageDef hf_advice_rescan{
    "hf_advice_rescan",
    "Hãy quét lại phong bì dưới dạng JPEG, PNG, TIFF hoặc PDF rồi đặt tệp đó vào thư mục; xoá tệp "
    "này nếu nó không phải là phong bì.",
    "Scan the envelope again as JPEG, PNG, TIFF or PDF and drop that file into the folder; delete "
    "this file if it is not an envelope."};
inline constexpr MessageDef hf_symlink{
    "hf_symlink", "{name}: là một liên kết tượng trưng, không phải tệp ảnh quét.",
    "{name}: a symbolic link, not the scanned file itself."};
inline constexpr MessageDef hf_advice_real_file{"hf_advice_real_file",
                                                "Hãy đặt chính tệp ảnh vào thư mục.",
                                                "Put the image file itself into the folder."};
inline constexpr MessageDef hf_not_regular{
    "hf_not_regular", "{name}: không phải là tệp thông thường (là pipe, socket hay thiết bị).",
    "{name}: not a regular file (a pipe, socket or device)."};
inline constexpr MessageDef hf_advice_ordinary_file{
    "hf_advice_ordinary_file", "Hãy lưu ảnh quét thành một tệp thông thường trong thư mục.",
    "Save the scan as an ordinary file in the folder."};
inline constexpr MessageDef hf_unreadable{"hf_unreadable", "{name}: không đọc được ({detail}).",
                                          "{name}: cannot be read ({detail})."};
inline constexpr MessageDef hf_advice_make_readable{
    "hf_advice_make_readable", "Hãy cấp quyền đọc tệp cho hoso, rồi chuyển tệp trở lại thư mục.",
    "Make the file readable for hoso, then move it back into the folder."};
inline constexpr MessageDef hf_not_registered{"hf_not_registered",
                                              "{name}: không tiếp nhận được: {error}{where}",
                                              "{name}: could not be registered: {error}{where}"};
inline constexpr MessageDef hf_full_stop{"hf_full_stop", ".", "."};
inline constexpr MessageDef hf_at_page{
    "hf_at_page", " (trang {page}/{pages}; các trang trước đã được tiếp nhận).",
    " (page {page} of {pages}; the pages before it are registered)."};
inline constexpr MessageDef hf_advice_fix_and_return{
    "hf_advice_fix_and_return",
    "Hãy khắc phục nguyên nhân, rồi chuyển tệp trở lại thư mục: phần đã tiếp nhận sẽ không bị "
    "tiếp nhận hai lần.",
    "Fix the cause, then move the file back into the folder: what was registered already is not "
    "registered twice."};
inline constexpr MessageDef hf_registered_not_moved{
    "hf_registered_not_moved", "đã tiếp nhận nhưng không chuyển được vào {folder}/: {detail}",
    "registered, but could not be moved to {folder}/: {detail}"};
inline constexpr MessageDef hf_not_moved{"hf_not_moved",
                                         "không chuyển được vào {folder}/: {detail}",
                                         "could not be moved to {folder}/: {detail}"};
inline constexpr MessageDef hf_too_many_named{"hf_too_many_named",
                                              "{folder} có quá nhiều tệp cùng tên với {name}",
                                              "{folder} holds too many files named like {name}"};
inline constexpr MessageDef hf_removed{
    "hf_removed", "tệp đã bị xoá khỏi thư mục trong khi đang được tiếp nhận",
    "the file was removed from the folder while it was being registered"};
inline constexpr MessageDef hf_not_yet{"hf_not_yet", "{name}: chưa được tiếp nhận: {problem}",
                                       "{name}: not registered yet: {problem}"};
inline constexpr MessageDef hf_advice_stays{
    "hf_advice_stays",
    "Tệp vẫn nằm trong thư mục; hãy cho nhận lại từ thư mục sau khi đã khắc phục nguyên nhân.",
    "The file stays in the folder; take the folder again once the cause is fixed."};
inline constexpr MessageDef hf_advice_retry_in{
    "hf_advice_retry_in", "Tệp vẫn nằm trong thư mục và sẽ được thử lại sau {seconds} giây.",
    "The file stays in the folder and is tried again in {seconds} s."};
inline constexpr MessageDef hf_no_folder{
    "hf_no_folder",
    "Không có thư mục {folder} (hãy tạo thư mục, hoặc chỉ định thư mục mà máy quét ghi vào)",
    "no such folder: {folder} (create it, or give the folder the scanners write into)"};
inline constexpr MessageDef hf_sub_not_folder{
    "hf_sub_not_folder",
    "{path} đã tồn tại nhưng không phải là thư mục; hãy chuyển nó đi để có chỗ cho các tệp đã xử "
    "lý",
    "{path} exists but is not a folder; move it away so processed files can go there"};
inline constexpr MessageDef hf_locked{
    "hf_locked",
    "Một tiến trình hoso khác{holder} đang nhận tệp từ {folder}; hãy dừng tiến trình đó trước, "
    "hoặc theo dõi một thư mục khác",
    "another hoso process{holder} is already taking files from {folder}; stop it first, or watch "
    "another folder"};
inline constexpr MessageDef hf_folder_gone{
    "hf_folder_gone", "Thư mục {folder} đã bị xoá hoặc bị chuyển đi; không thể nhận thêm tệp từ đó",
    "the folder {folder} was removed or moved away; nothing more can be taken from it"};

// --- Typed codes (one per line) -----------------------------------------------------------------
inline constexpr MessageDef typed_line_too_long{
    "typed_line_too_long", "Dòng {line} dài hơn {max} byte, không mã nào dài như vậy: đã bỏ qua",
    "line {line} is longer than {max} bytes, which no code is: skipped"};
inline constexpr MessageDef typed_line_control{
    "typed_line_control",
    "Dòng {line} có ký tự điều khiển hoặc dữ liệu nhị phân (tại byte {offset}), không thể là một "
    "mã: đã bỏ qua",
    "line {line} holds a control character or binary data (at byte {offset}), so it cannot be a "
    "code: skipped"};
inline constexpr MessageDef typed_line_not_utf8{
    "typed_line_not_utf8",
    "Dòng {line} không phải là văn bản UTF-8, không thể là một mã: đã bỏ qua",
    "line {line} is not UTF-8 text, so it cannot be a code: skipped"};
inline constexpr MessageDef typed_line_too_short{
    "typed_line_too_short",
    "Dòng {line} chỉ có {length} ký tự, ít hơn mọi mã (ít nhất {min}): đã bỏ qua",
    "line {line} has only {length} characters, fewer than any code has (at least {min}): skipped"};
inline constexpr MessageDef typed_lines_refused{
    "typed_lines_refused", "{count} dòng không thể là mã nên đã bị bỏ qua (dòng đầu tiên: {first})",
    "{count} lines could not be codes and were skipped (the first: {first})"};

// --- The manual queue ----------------------------------------------------------------------------
inline constexpr MessageDef not_tracking_number{
    "not_tracking_number",
    "Nội dung đã nhập ({length} ký tự) không phải là số hiệu bưu gửi: hãy nhập số hiệu UPU S10 "
    "như EB123456785VN, hoặc số hiệu của một hãng vận chuyển đã cấu hình",
    "the typed text ({length} characters) is not a tracking number: give a UPU S10 number like "
    "EB123456785VN, or a number of a configured carrier"};
inline constexpr MessageDef manual_not_open{
    "manual_not_open",
    "Mục #{manual} của hàng chờ xử lý thủ công đã được xử lý (hoặc không tồn tại)",
    "manual-queue item #{manual} is not open (or does not exist)"};
inline constexpr MessageDef no_manual_item{"no_manual_item",
                                           "Không có mục #{manual} trong hàng chờ xử lý thủ công",
                                           "no manual-queue item #{manual}"};

// --- Desk set-up, agency, handover batches -------------------------------------------------------
inline constexpr MessageDef no_agency{
    "no_agency", "Bộ phận một cửa này chưa có mã cơ quan; hãy khởi tạo với mã cơ quan trước",
    "this desk has no agency code yet; set it up with the agency's code first"};
inline constexpr MessageDef no_batch{"no_batch", "Không có đợt bàn giao #{batch}",
                                     "no handover batch #{batch}"};
inline constexpr MessageDef batch_other_manifest{
    "batch_other_manifest",
    "Đợt bàn giao '{name}' đã có với một danh sách khác ({count} bưu gửi); hãy đặt tên đợt mới",
    "handover batch '{name}' exists with a different manifest ({count} items); use a new batch "
    "name"};
inline constexpr MessageDef batch_has_manifest{
    "batch_has_manifest",
    "Đợt bàn giao '{name}' đã có danh sách giao của bưu điện ({count} bưu gửi). Chỉ thay bằng "
    "danh sách mới khi xác nhận thay thế",
    "handover batch '{name}' already has the carrier's delivery list ({count} items); send the "
    "new list with \"replace\" to replace it"};
inline constexpr MessageDef batch_other_time{
    "batch_other_time",
    "Đợt bàn giao '{name}' được bàn giao lúc {handed_over}, không phải {given}; hồ sơ của đợt "
    "được tính là nộp vào lúc đó. Hãy đặt tên đợt mới cho lần giao khác",
    "handover batch '{name}' was handed over at {handed_over}, not {given}; its dossiers count as "
    "filed then. Use a new batch name for another delivery"};
inline constexpr MessageDef procedure_version_changed{
    "procedure_version_changed",
    "{file}: thủ tục {procedure} phiên bản {version} trong cơ sở dữ liệu có thời hạn {old_amount} "
    "{old_unit}, tệp ghi {new_amount} {new_unit}; hãy thêm dòng phiên bản {next_version} thay vì "
    "sửa",
    "{file}: procedure {procedure} version {version} is in the database with {old_amount} "
    "{old_unit}, the file says {new_amount} {new_unit}; add a line with version {next_version} "
    "instead of changing it"};
inline constexpr MessageDef bad_agency_code{
    "bad_agency_code",
    "'{code}' không phải là mã cơ quan dạng 000.00.05.H12 (chữ in hoa, chữ số và dấu chấm)",
    "'{code}' is not an agency code like 000.00.05.H12 (upper-case letters, digits and dots)"};
inline constexpr MessageDef first_setup_needs_agency{
    "first_setup_needs_agency",
    "Bộ phận một cửa chưa có cơ quan: lần khởi tạo đầu tiên cần mã cơ quan (ví dụ 000.00.05.H12) "
    "và tên cơ quan",
    "the desk has no agency yet: its first set-up needs the agency's code (e.g. 000.00.05.H12) "
    "and name"};
inline constexpr MessageDef calendar_day_needs_name{
    "calendar_day_needs_name", "{date}: ngày trong lịch cần có tên (ví dụ \"Nghỉ bù Quốc khánh\")",
    "{date}: a calendar day needs a name (e.g. \"Nghỉ bù Quốc khánh\")"};
inline constexpr MessageDef calendar_day_missing{
    "calendar_day_missing", "Ngày {date} không có trong lịch", "{date} is not in the calendar"};

// --- The procedure catalogue (CSV) ---------------------------------------------------------------
inline constexpr MessageDef catalogue_line{"catalogue_line", "{file}:{line}: {problem}",
                                           "{file}:{line}: {problem}"};
inline constexpr MessageDef catalogue_header{
    "catalogue_header",
    "dòng tiêu đề phải là '{header}', có thể thêm các cột {optional} (mỗi cột một lần)",
    "the header should be '{header}', perhaps followed by the columns {optional} (each once)"};
inline constexpr MessageDef catalogue_field_count{"catalogue_field_count",
                                                  "có {count} trường, cần {expected}",
                                                  "{count} fields, expected {expected}"};
inline constexpr MessageDef catalogue_empty_fields{"catalogue_empty_fields",
                                                   "mã, tên và lĩnh vực không được để trống",
                                                   "code, name and field must not be empty"};
inline constexpr MessageDef catalogue_bad_version{"catalogue_bad_version",
                                                  "phiên bản '{version}' không phải là 1 trở lên",
                                                  "version '{version}' is not 1 or more"};
inline constexpr MessageDef catalogue_bad_amount{
    "catalogue_bad_amount", "time_amount '{amount}' không phải là số nguyên từ 0 đến 3650",
    "time_amount '{amount}' is not a whole number from 0 to 3650"};
inline constexpr MessageDef catalogue_bad_unit{
    "catalogue_bad_unit", "time_unit '{unit}' không phải là working_days hay working_hours",
    "time_unit '{unit}' is not working_days or working_hours"};
inline constexpr MessageDef catalogue_bad_fee{
    "catalogue_bad_fee", "fee_vnd '{fee}' không phải là số đồng (số nguyên, 0 nếu miễn phí)",
    "fee_vnd '{fee}' is not an amount in đồng (a whole number, 0 when free)"};
inline constexpr MessageDef catalogue_bad_pause{"catalogue_bad_pause",
                                                "fees_pause_clock '{value}' phải là yes hoặc no",
                                                "fees_pause_clock '{value}' must be yes or no"};
inline constexpr MessageDef catalogue_no_procedures{
    "catalogue_no_procedures", "{file}: tệp không có thủ tục nào", "{file}: no procedures in it"};
// The catalogue's optional competent unit (docs/domain.md §1.4a).
inline constexpr MessageDef catalogue_bad_level{
    "catalogue_bad_level", "competent_level '{level}' không phải là province, commune hay central",
    "competent_level '{level}' is not province, commune or central"};
inline constexpr MessageDef catalogue_level_without_unit{
    "catalogue_level_without_unit", "có competent_level mà không có competent_unit (tên cơ quan)",
    "competent_level given without competent_unit (the unit's name)"};

// Every message above, for rebuilding a Text from its id (a manual-queue reason kept as data).
inline constexpr const MessageDef* k_catalogue[] = {
    // catalogue-begin
    &typed_line_too_long,
    &typed_line_control,
    &typed_line_not_utf8,
    &typed_line_too_short,
    &typed_lines_refused,
    &check_digit_mismatch,
    &invalid_utf8,
    &sequence_word,
    &sequences_word,
    &code_too_long,
    &code_empty,
    &code_control_character,
    &label_bad_dossier_field,
    &label_bad_tracking_field,
    &dossier_no_month,
    &dossier_bad_date,
    &month_1,
    &month_2,
    &month_3,
    &month_4,
    &month_5,
    &month_6,
    &month_7,
    &month_8,
    &month_9,
    &month_10,
    &month_11,
    &month_12,
    &portal_no_dossier,
    &portal_bad_dossier,
    &not_a_dossier_code,
    &the_text,
    &problems_joined,
    &card_problems,
    &card_field_count,
    &card_id_not_12,
    &card_old_id,
    &card_no_name,
    &card_bad_birth,
    &card_bad_sex,
    &card_no_address,
    &card_bad_issue,
    &card_birth_after_issue,
    &card_year_digits,
    &card_sex_digit,
    &patterns_not_found,
    &patterns_not_json,
    &patterns_invalid,
    &patterns_shadowed,
    &no_page_read,
    &file_not_kept,
    &file_not_kept_size,
    &read_error,
    &registered,
    &already_registered,
    &supplement_joined,
    &supplement_not_waiting,
    &ordinal_st,
    &ordinal_nd,
    &ordinal_rd,
    &ordinal_th,
    &taken_before_dossier,
    &taken_before_manual,
    &already_waiting,
    &needs_person,
    &manual_resolved,
    &reason_unreadable,
    &reason_no_barcode,
    &reason_bad_check_digit,
    &reason_ambiguous,
    &reason_no_tracking_number,
    &reason_unknown_code,
    &reason_as_written,
    &code_word,
    &codes_word,
    &kind_tracking_number,
    &kind_dossier_code,
    &kind_portal_url,
    &kind_citizen_id_card,
    &kind_unknown,
    &list_joined,
    &hf_not_scannable,
    &hf_advice_rescan,
    &hf_symlink,
    &hf_advice_real_file,
    &hf_not_regular,
    &hf_advice_ordinary_file,
    &hf_unreadable,
    &hf_advice_make_readable,
    &hf_not_registered,
    &hf_full_stop,
    &hf_at_page,
    &hf_advice_fix_and_return,
    &hf_registered_not_moved,
    &hf_not_moved,
    &hf_too_many_named,
    &hf_removed,
    &hf_not_yet,
    &hf_advice_stays,
    &hf_advice_retry_in,
    &hf_no_folder,
    &hf_sub_not_folder,
    &hf_locked,
    &hf_folder_gone,
    &not_tracking_number,
    &manual_not_open,
    &no_manual_item,
    &no_agency,
    &no_batch,
    &batch_other_manifest,
    &batch_has_manifest,
    &batch_other_time,
    &procedure_version_changed,
    &bad_agency_code,
    &first_setup_needs_agency,
    &calendar_day_needs_name,
    &calendar_day_missing,
    &catalogue_line,
    &catalogue_header,
    &catalogue_field_count,
    &catalogue_empty_fields,
    &catalogue_bad_version,
    &catalogue_bad_amount,
    &catalogue_bad_unit,
    &catalogue_bad_fee,
    &catalogue_bad_pause,
    &catalogue_no_procedures,
    &catalogue_bad_level,
    &catalogue_level_without_unit,
    // catalogue-end
};

// The message with `id`, or nullptr.
inline const MessageDef* find(std::string_view id) {
  for (const MessageDef* def : k_catalogue) {
    if (def->id() == id) return def;
  }
  return nullptr;
}

// The parts as one text: "a; b; c" through `joiner` ({first} and {rest}); empty for no parts.
inline common::Text join(std::vector<common::Text> parts,
                         const MessageDef& joiner = problems_joined) {
  if (parts.empty()) return {};
  common::Text out = std::move(parts.back());
  for (std::size_t i = parts.size() - 1; i-- > 0;) {
    out = common::Text{joiner, {{"first", std::move(parts[i])}, {"rest", std::move(out)}}};
  }
  return out;
}

}  // namespace intake::msg
