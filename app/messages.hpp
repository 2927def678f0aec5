// The messages of hoso's own surfaces (the HTTP server and its staff API), in Vietnamese and
// English (see common/text.hpp). The libraries' messages live in their own messages.hpp.
#pragma once

#include "common/text.hpp"

namespace app::msg {

// The CLI's wording around the libraries' messages.
inline constexpr common::MessageDef run_init_first{
    "run_init_first", "{problem}: hãy chạy `hoso init` trước (hoặc chỉ đúng tệp bằng --db)",
    "{problem}: run `hoso init` first (or give the right file with --db)"};

// HTTP requests.
inline constexpr common::MessageDef document_not_printed{
    "document_not_printed", "Không in được văn bản", "The document cannot be printed"};
inline constexpr common::MessageDef document_back{
    "document_back", "Đóng thẻ này để quay lại trang trước.", "Close this tab to go back."};
inline constexpr common::MessageDef internal_logged{
    "internal_logged", "Lỗi hệ thống; chi tiết đã ghi vào nhật ký máy chủ (mã {id}).",
    "internal error (logged as {id})"};
inline constexpr common::MessageDef log_in_first{"log_in_first", "Hãy đăng nhập trước.",
                                                 "log in first"};
inline constexpr common::MessageDef password_needs_session{
    "password_needs_session",
    "Mã truy cập API của trạm quét không có mật khẩu: hãy đăng nhập bằng tài khoản người dùng để "
    "đổi mật khẩu.",
    "an API token has no password: log in as a user to change a password"};
inline constexpr common::MessageDef csrf_missing{
    "csrf_missing", "Phiên làm việc không khớp với trang này: hãy tải lại trang.",
    "the request lacks this session's X-CSRF-Token: reload the page"};
inline constexpr common::MessageDef role_may_not{
    "role_may_not", "Vai trò của tài khoản {login} không được phép làm việc này.",
    "{login} may not do this: the role does not allow it"};
inline constexpr common::MessageDef length_required{
    "length_required", "Yêu cầu phải có độ dài nội dung (Content-Length).",
    "send the body with a Content-Length (no chunked bodies)"};
inline constexpr common::MessageDef bad_content_length{
    "bad_content_length", "Độ dài nội dung (Content-Length) không hợp lệ.", "a bad Content-Length"};
inline constexpr common::MessageDef body_too_large{
    "body_too_large", "Nội dung gửi lên dài {size} KB; tối đa {limit} KB.",
    "the request body is {size} KB; at most {limit} KB here"};
inline constexpr common::MessageDef body_not_json{
    "body_not_json", "Nội dung gửi lên phải là JSON (Content-Type: application/json).",
    "send the body as JSON (Content-Type: application/json)"};
inline constexpr common::MessageDef body_not_object{
    "body_not_object", "Nội dung gửi lên không phải một đối tượng JSON.",
    "the body is not a JSON object"};
inline constexpr common::MessageDef field_required{"field_required", "Thiếu trường \"{field}\".",
                                                   "\"{field}\" is required"};
inline constexpr common::MessageDef field_not_text{
    "field_not_text", "Trường \"{field}\" phải là chuỗi ký tự.", "\"{field}\" must be a string"};
inline constexpr common::MessageDef field_not_boolean{"field_not_boolean",
                                                      "Trường \"{field}\" phải là true hoặc false.",
                                                      "\"{field}\" must be true or false"};
inline constexpr common::MessageDef field_invalid{"field_invalid", "Trường \"{field}\": {problem}",
                                                  "{field}: {problem}"};
inline constexpr common::MessageDef no_such_record{"no_such_record", "Không có bản ghi này.",
                                                   "no such record"};
inline constexpr common::MessageDef no_such_page{"no_such_page", "Không có trang này.",
                                                 "no such page"};
inline constexpr common::MessageDef no_such_route{
    "no_such_route", "Máy chủ không có địa chỉ {method} {path}.", "no {method} {path} here"};
inline constexpr common::MessageDef method_not_allowed{
    "method_not_allowed", "Địa chỉ {path} không nhận phương thức {method}.",
    "{path} does not take {method}"};
inline constexpr common::MessageDef request_malformed{"request_malformed",
                                                      "Máy chủ không đọc được yêu cầu HTTP này.",
                                                      "the server cannot read this HTTP request"};
inline constexpr common::MessageDef uri_too_long{"uri_too_long",
                                                 "Địa chỉ yêu cầu dài quá {limit} KB.",
                                                 "the request's address is longer than {limit} KB"};
inline constexpr common::MessageDef headers_too_large{
    "headers_too_large", "Phần tiêu đề của yêu cầu dài quá {limit} KB.",
    "the request's header is longer than {limit} KB"};
inline constexpr common::MessageDef body_over_limit{"body_over_limit",
                                                    "Nội dung gửi lên dài quá {limit} KB.",
                                                    "the request body is longer than {limit} KB"};
inline constexpr common::MessageDef server_busy{"server_busy",
                                                "Máy chủ đang bận; xin thử lại sau giây lát.",
                                                "the server is busy; try again in a moment"};
inline constexpr common::MessageDef database_silent{
    "database_silent", "Cơ sở dữ liệu không phản hồi.", "the database does not answer"};
inline constexpr common::MessageDef rate_limited{
    "rate_limited", "Quá nhiều yêu cầu; hãy thử lại sau {seconds} giây.",
    "too many requests; try again in {seconds} s"};
inline constexpr common::MessageDef logins_from_address{
    "logins_from_address",
    "Quá nhiều lần đăng nhập từ địa chỉ này: hãy thử lại sau {seconds} giây.",
    "too many login attempts from this address: try again in {seconds} s"};
// The login throttle (staff/login_throttle): guesses slowed down, never a login closed for long.
inline constexpr common::MessageDef logins_failed_from_address{
    "logins_failed_from_address",
    "Có quá nhiều lần đăng nhập sai từ địa chỉ này: hãy thử lại sau {seconds} giây.",
    "too many failed logins from this address: try again in {seconds} s"};
inline constexpr common::MessageDef logins_failed_for_user{
    "logins_failed_for_user",
    "Tài khoản này vừa bị đăng nhập sai nhiều lần nên việc đăng nhập được làm chậm lại: hãy thử "
    "lại sau {seconds} giây.",
    "many failed logins for this user, so logging in is slowed down: try again in {seconds} s"};

// The citizen's lookup and the carrier's webhooks.
inline constexpr common::MessageDef lookup_needs_codes{
    "lookup_needs_codes",
    "Hãy nhập số hiệu bưu gửi hoặc mã hồ sơ, và mã tra cứu in trên giấy tiếp nhận.",
    "give the tracking number or dossier code (code) and the lookup code from the receipt "
    "(lookup_code)"};
inline constexpr common::MessageDef lookups_from_address{
    "lookups_from_address", "Tra cứu quá nhiều lần từ địa chỉ này: hãy thử lại sau {seconds} giây.",
    "too many lookups from this address: try again in {seconds} s"};
inline constexpr common::MessageDef no_such_carrier{"no_such_carrier",
                                                    "Không có đơn vị bưu chính này trong cấu hình.",
                                                    "no such carrier is configured"};

// Staff requests.
inline constexpr common::MessageDef bad_role{
    "bad_role", "Vai trò phải là mailroom (văn thư), officer (cán bộ) hoặc admin (quản trị).",
    "role must be mailroom, officer or admin"};
inline constexpr common::MessageDef dispatch_needs_ids{
    "dispatch_needs_ids", "Hãy chọn từ 1 đến 500 hồ sơ, hoặc gửi tất cả hồ sơ đã có kết quả.",
    "give \"ids\": [dossier numbers] (1 to 500) or \"all_ready\": true"};
inline constexpr common::MessageDef ids_not_numbers{"ids_not_numbers",
                                                    "Danh sách hồ sơ phải là các số hồ sơ.",
                                                    "\"ids\" must hold dossier numbers"};
inline constexpr common::MessageDef ids_list{
    "ids_list", "Danh sách hồ sơ: từ 1 đến 500 số hồ sơ, cách nhau bằng dấu phẩy.",
    "ids: 1 to 500 dossier numbers, comma-separated"};
inline constexpr common::MessageDef dispatch_stopped{
    "dispatch_stopped", "{problem}; {count} hồ sơ chưa được gửi, hãy thử lại sau.",
    "{problem}; {count} dossiers not tried"};
inline constexpr common::MessageDef carrier_unavailable{
    "carrier_unavailable", "Đơn vị bưu chính không phản hồi", "the carrier does not answer"};
inline constexpr common::MessageDef no_carrier{
    "no_carrier", "Chưa cấu hình đơn vị bưu chính: chưa gửi trả kết quả được.",
    "no carrier is configured: results cannot be posted"};
inline constexpr common::MessageDef limit_not_number{
    "limit_not_number", "Số dòng hiển thị phải là một số.", "limit must be a number"};
inline constexpr common::MessageDef no_such_state{
    "no_such_state", "Không có trạng thái \"{state}\".", "no state '{state}'"};
inline constexpr common::MessageDef no_such_view{
    "no_such_view", "Không có chế độ xem \"{view}\".",
    "no view '{view}' (open, due_soon, overdue, ready)"};
inline constexpr common::MessageDef no_such_sort{
    "no_such_sort",
    "Không sắp xếp được theo \"{sort}\": chọn ngày nhận (filed_at), hạn trả (due_at), mã hồ sơ "
    "(code) hoặc trạng thái (state).",
    "cannot sort by '{sort}' (filed_at, due_at, code, state)"};
inline constexpr common::MessageDef no_such_order{
    "no_such_order",
    "Thứ tự sắp xếp \"{order}\" không hợp lệ: dùng asc (tăng dần) hoặc desc (giảm dần).",
    "order must be asc or desc, not '{order}'"};
inline constexpr common::MessageDef offset_not_number{
    "offset_not_number", "Vị trí bắt đầu (offset) phải là một số không âm.",
    "offset must be a number of 0 or more"};
inline constexpr common::MessageDef no_such_action{
    "no_such_action", "Không có thao tác \"{action}\" cho hồ sơ.",
    "no action '{action}' here (dispatch posts results: POST /api/dispatch)"};
inline constexpr common::MessageDef accept_needs_ids{
    "accept_needs_ids", "Hãy chọn từ 1 đến 500 hồ sơ để tiếp nhận.",
    "give \"ids\": [dossier numbers] (1 to 500) to accept"};
inline constexpr common::MessageDef no_such_paper{"no_such_paper", "Khổ giấy phải là A4 hoặc A5.",
                                                  "paper must be a4 or a5"};
inline constexpr common::MessageDef no_such_document{
    "no_such_document", "Không có mẫu giấy tờ này cho hồ sơ.",
    "no such document (receipt, supplement, refusal, apology, control, label)"};
inline constexpr common::MessageDef server_cannot_register{
    "server_cannot_register", "Máy chủ này không đăng ký phong bì.",
    "this server does not register envelopes"};
inline constexpr common::MessageDef server_has_no_scanner{
    "server_has_no_scanner", "Máy chủ này không có bộ đọc mã.", "this server has no scanner"};
inline constexpr common::MessageDef no_such_batch{
    "no_such_batch", "Chưa có đợt bàn giao \"{name}\": hãy mở đợt trước.",
    "no handover batch '{name}': open it first"};
inline constexpr common::MessageDef upload_too_large{
    "upload_too_large", "{file}: tệp {size} MB vượt giới hạn {limit} MB cho một tệp.",
    "{file}: {size} MB is over the {limit} MB limit for one file"};
inline constexpr common::MessageDef upload_not_image{
    "upload_not_image", "{file}: không phải ảnh (JPEG, PNG, TIFF, BMP, WebP) hoặc PDF.",
    "{file}: not an image (JPEG, PNG, TIFF, BMP, WebP) or a PDF"};
inline constexpr common::MessageDef no_file{
    "no_file", "Chưa có tệp nào được gửi lên.",
    "no file: send multipart/form-data with \"file\" parts, or the image as the body"};
inline constexpr common::MessageDef not_a_tracking_number{"not_a_tracking_number",
                                                          "\"{text}\" không phải số hiệu bưu gửi.",
                                                          "'{text}' is not a tracking number"};
inline constexpr common::MessageDef typed_id_card{
    "typed_id_card", "Đây là mã QR trên căn cước công dân, không phải số hiệu bưu gửi.",
    "this is the QR code of a citizen ID card, not a tracking number"};
inline constexpr common::MessageDef no_image_kept{"no_image_kept", "Lần quét này không lưu ảnh.",
                                                  "no image was kept for this scan"};
inline constexpr common::MessageDef image_missing{"image_missing",
                                                  "Ảnh đã lưu không còn trong kho ảnh.",
                                                  "the kept image is missing from the image store"};
inline constexpr common::MessageDef reason_required{"reason_required", "Hãy ghi lý do.",
                                                    "say why (\"reason\")"};
inline constexpr common::MessageDef batch_needs_name{"batch_needs_name",
                                                     "Đợt bàn giao cần có tên (tối đa 100 byte).",
                                                     "a batch needs a name (at most 100 bytes)"};
inline constexpr common::MessageDef batch_exists{
    "batch_exists",
    "Đã có đợt bàn giao \"{name}\" (bàn giao lúc {handed_over}). Mở lại đợt này, hoặc đặt tên "
    "khác cho lần giao mới.",
    "handover batch '{name}' exists (handed over at {handed_over}): reopen it (\"reopen\": true), "
    "or name the new delivery differently"};
inline constexpr common::MessageDef batch_closed{
    "batch_closed", "Đợt bàn giao \"{name}\" đã đóng: hãy mở lại đợt đó hoặc mở đợt mới.",
    "handover batch '{name}' is closed: reopen it or open a new one"};
inline constexpr common::MessageDef manifest_empty{
    "manifest_empty", "{file}: không có số hiệu bưu gửi nào đọc được trong danh sách.",
    "{file}: no readable tracking number in the list"};

// Dossiers closed when the supplement did not come in time (docs/domain.md §1.3).
inline constexpr common::MessageDef due_supplement_expired{
    "due_supplement_expired",
    "Quá thời hạn bổ sung hồ sơ, cần đóng hồ sơ (hoso dossier close-expired; Nghị định "
    "118/2025/NĐ-CP, Điều 19 khoản 5)",
    "supplement not received within the period, to be closed (hoso dossier close-expired; Decree "
    "118/2025, Art. 19(5))"};
inline constexpr common::MessageDef supplement_expired_row{
    "supplement_expired_row", "  #{id} {code}: yêu cầu bổ sung ngày {requested}, quá hạn từ {from}",
    "  #{id} {code}: supplement requested {requested}, past the period since {from}"};
inline constexpr common::MessageDef supplements_closed{
    "supplements_closed",
    "Đã đóng {n} hồ sơ quá thời hạn bổ sung (dừng giải quyết, mã trạng thái 8); in Thông báo dừng "
    "giải quyết hồ sơ (mẫu 05) cho từng hồ sơ",
    "{n} dossiers past the supplement period closed (processing stopped, national status 8); print "
    "the stop notice (form 05) for each"};
inline constexpr common::MessageDef supplement_closed_row{
    "supplement_closed_row", "  #{id} {code}: đã đóng", "  #{id} {code}: closed"};

// Letters back by post (docs/domain.md §1.5b).
inline constexpr common::MessageDef letter_posted{
    "letter_posted",
    "Hồ sơ #{id}: đã gửi {letter} qua bưu điện, số hiệu {tracking_number} (đơn {order})",
    "dossier #{id}: {letter} posted, tracking number {tracking_number} (order {order})"};
inline constexpr common::MessageDef letter_posted_before{
    "letter_posted_before",
    "Hồ sơ #{id}: {letter} đã được gửi trước đó, số hiệu {tracking_number} (đơn {order})",
    "dossier #{id}: the {letter} was posted before, tracking number {tracking_number} (order "
    "{order})"};

// The CLI's lines for fees and for dossier keys (wip-postal).
inline constexpr common::MessageDef fee_recorded{
    "fee_recorded", "Hồ sơ #{id}: đã ghi nhận biên lai số {receipt}, số tiền {amount}",
    "dossier #{id}: receipt {receipt} for {amount} recorded"};
inline constexpr common::MessageDef fee_recorded_moved_on{
    "fee_recorded_moved_on",
    "Hồ sơ #{id}: đã ghi nhận biên lai số {receipt}, số tiền {amount}; hồ sơ được giải quyết tiếp "
    "({state}), hạn trả kết quả {due}",
    "dossier #{id}: receipt {receipt} for {amount} recorded; the dossier moves on ({state}), due "
    "{due}"};
inline constexpr common::MessageDef fee_amount_out_of_range{
    "fee_amount_out_of_range",
    "Số tiền --amount {amount} không hợp lệ: từ 1 đến 1.000.000.000.000 đồng",
    "--amount {amount} is not valid: 1 to 1,000,000,000,000 đồng"};
// Handovers between units (docs/domain.md §1.4a): the CLI's lines after `hoso dossier transfer`
// and `transfer-back`.
inline constexpr common::MessageDef transfer_done{"transfer_done",
                                                  "Hồ sơ #{id}: đã chuyển từ {from} đến {to}",
                                                  "dossier #{id}: handed from {from} to {to}"};
inline constexpr common::MessageDef transfer_done_due{
    "transfer_done_due",
    "Hồ sơ #{id}: đã chuyển từ {from} đến {to}, hạn giải quyết của đơn vị nhận {unit_due}; in "
    "phiếu chuyển xử lý: hoso print transfer-slip #{id}",
    "dossier #{id}: handed from {from} to {to}, the unit's deadline {unit_due}; print the transfer "
    "slip with: hoso print transfer-slip #{id}"};
inline constexpr common::MessageDef field_not_whole_number{
    "field_not_whole_number", "Trường \"{field}\" phải là một số nguyên.",
    "\"{field}\" must be a whole number"};
inline constexpr common::MessageDef transfer_back_done{
    "transfer_back_done", "Hồ sơ #{id}: đã nhận lại tại {to} từ {from}",
    "dossier #{id}: back at {to} from {from}"};

}  // namespace app::msg
