// The messages of tracking/ a user can meet (see common/text.hpp): an officer moving a dossier,
// dispatching a result, printing a form, looking a dossier up; a citizen on the lookup page.
// States and actions are nested Texts from tracking/labels.hpp, never their enum names.
#pragma once

#include "common/result.hpp"
#include "common/text.hpp"

namespace tracking::msg {

using common::MessageDef;

// ---- Finding a dossier
inline constexpr MessageDef no_dossier_id{"no_dossier_id", "Không tìm thấy hồ sơ #{id}",
                                          "no dossier #{id}"};
inline constexpr MessageDef no_dossier_key{
    "no_dossier_key",
    "Không tìm thấy hồ sơ “{key}”: hãy nhập số hiệu hồ sơ (#id), số hiệu bưu gửi hoặc mã hồ sơ",
    "no dossier '{key}' (give #id, a tracking number or a dossier code)"};
inline constexpr MessageDef citizen_lookup_failed{
    "citizen_lookup_failed",
    "Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này: vui lòng kiểm tra lại cả hai mã trên "
    "giấy tiếp nhận",
    "no dossier matches this code and lookup code: check both on your receipt"};
inline constexpr MessageDef no_batch_named{
    "no_batch_named", "Không tìm thấy đợt bàn giao “{batch}”", "no handover batch '{batch}'"};
inline constexpr MessageDef list_limit_too_small{
    "list_limit_too_small", "Số hồ sơ hiển thị phải từ 1 trở lên (đã nhập {limit})",
    "the list limit must be at least 1, not {limit}"};

// ---- Lists of actions (a list is nested: "{first}, {rest}")
inline constexpr MessageDef list_more{"list_more", "{first}, {rest}", "{first}, {rest}"};
inline constexpr MessageDef quoted{"quoted", "“{label}”", "\"{label}\""};
inline constexpr MessageDef allowed_actions_are{
    "allowed_actions_are", "các thao tác được phép: {actions}", "allowed: {actions}"};
inline constexpr MessageDef no_action_allowed{
    "no_action_allowed", "không còn thao tác nào được phép", "no action is allowed"};

// ---- Lifecycle
inline constexpr MessageDef action_not_allowed{
    "action_not_allowed",
    "Hồ sơ #{id} đang ở trạng thái “{state}” (mã trạng thái {status}): {allowed}; không thể "
    "thực hiện “{action}”",
    "dossier #{id} is \"{state}\" (national status {status}): {allowed}; cannot \"{action}\""};
inline constexpr MessageDef procedure_not_in_force{
    "procedure_not_in_force",
    "Thủ tục {procedure} có hiệu lực từ ngày {effective}, sau ngày nộp hồ sơ {filed}",
    "procedure {procedure} takes effect on {effective}, after the filing day {filed}"};
inline constexpr MessageDef unknown_procedure{
    "unknown_procedure", "Không có thủ tục mã “{procedure}” trong danh mục thủ tục hành chính",
    "no procedure with code '{procedure}' in the catalogue"};
inline constexpr MessageDef missing_procedure{
    "missing_procedure",
    "Hồ sơ #{id} chưa có thủ tục hành chính: cần chọn thủ tục để tiếp nhận hồ sơ",
    "dossier #{id} has no procedure: give its code to accept it"};
inline constexpr MessageDef already_reappointed{
    "already_reappointed",
    "Hồ sơ #{id} đã được hẹn lại một lần (ngày hẹn mới {due}): mỗi hồ sơ chỉ được xin lỗi, hẹn "
    "lại ngày trả kết quả một lần",
    "dossier #{id} was already re-appointed once (new due date {due}): a dossier can be "
    "re-appointed only once"};
inline constexpr MessageDef missing_new_date{"missing_new_date",
                                             "Hồ sơ #{id}: cần nhập ngày hẹn trả kết quả mới",
                                             "dossier #{id}: give the new appointment date"};
inline constexpr MessageDef no_due_date{"no_due_date",
                                        "Hồ sơ #{id} chưa có ngày hẹn trả kết quả để hẹn lại",
                                        "dossier #{id} has no due date to move"};
inline constexpr MessageDef apology_overdue{
    "apology_overdue",
    "Hồ sơ #{id} đã quá hạn (hẹn trả {due}): văn bản xin lỗi và hẹn lại ngày trả kết quả phải "
    "gửi trước thời hạn ít nhất 1 ngày làm việc",
    "dossier #{id} is overdue (due {due}): the apology must be sent at least 1 working day "
    "before the deadline"};
inline constexpr MessageDef apology_too_late{
    "apology_too_late",
    "Hồ sơ #{id} hẹn trả {due}: đã quá muộn để xin lỗi, hẹn lại, vì văn bản phải gửi trước "
    "thời hạn ít nhất 1 ngày làm việc",
    "dossier #{id} is due {due}: too late for an apology, which must be sent at least 1 working "
    "day before the deadline"};
inline constexpr MessageDef new_date_not_later{
    "new_date_not_later", "Hồ sơ #{id}: ngày hẹn mới {new_date} phải sau ngày hẹn cũ {due}",
    "dossier #{id}: the new date {new_date} must be later than the due date {due}"};
inline constexpr MessageDef new_date_not_working_day{
    "new_date_not_working_day", "Hồ sơ #{id}: ngày hẹn mới {new_date} không phải ngày làm việc",
    "dossier #{id}: the new date {new_date} is not a working day"};
inline constexpr MessageDef missing_late_reason{"missing_late_reason",
                                                "Hồ sơ #{id}: cần nêu lý do chậm trả kết quả",
                                                "dossier #{id}: say why the result is late"};
inline constexpr MessageDef missing_actor{"missing_actor",
                                          "Hồ sơ #{id}: chưa rõ người thực hiện thao tác",
                                          "dossier #{id}: who does this? (actor is required)"};
inline constexpr MessageDef missing_documents{
    "missing_documents",
    "Hồ sơ #{id}: cần liệt kê đầy đủ các giấy tờ phải bổ sung, hoàn thiện trong một lần",
    "dossier #{id}: list every missing document at once"};
inline constexpr MessageDef missing_reason{
    "missing_reason", "Hồ sơ #{id}: cần nêu lý do để thông báo cho người nộp hồ sơ",
    "dossier #{id}: give the reason for the citizen"};
inline constexpr MessageDef time_in_future{"time_in_future",
                                           "Hồ sơ #{id}: thời điểm {at} ở trong tương lai",
                                           "dossier #{id}: {at} is in the future"};
inline constexpr MessageDef time_before_last_change{
    "time_before_last_change", "Hồ sơ #{id}: thời điểm {at} trước lần thay đổi gần nhất ({last})",
    "dossier #{id}: {at} is before its last change ({last})"};

// ---- The desk's public address, printed for citizens (QR codes and links)
inline constexpr MessageDef public_url_unset{
    "public_url_unset",
    "Chưa khai báo địa chỉ công khai của trang tra cứu hồ sơ nên chưa in được mã QR cho công dân: "
    "quản trị viên nhập địa chỉ (ví dụ https://motcua.danang.gov.vn) ở trang Quản trị, hoặc chạy "
    "hoso init --public-url",
    "the desk's public address is not set, so no QR code can be printed for citizens: an admin "
    "enters it (e.g. https://motcua.danang.gov.vn) on the admin page, or runs hoso init "
    "--public-url"};
inline constexpr MessageDef public_url_loopback{
    "public_url_loopback",
    "Địa chỉ công khai {url} chỉ mở được trên chính máy chủ, điện thoại của công dân không mở "
    "được: quản trị viên cần nhập địa chỉ mà công dân truy cập được ở trang Quản trị",
    "the public address {url} only opens on the server itself, never on a citizen's phone: an "
    "admin enters the address citizens reach on the admin page"};
inline constexpr MessageDef public_url_malformed{
    "public_url_malformed",
    "Địa chỉ công khai “{url}” không hợp lệ: cần dạng https://tên-miền (hoặc http://)",
    "the public address '{url}' is not valid: it should look like https://host (or http://)"};

// ---- Dispatch of the result by post
inline constexpr MessageDef no_dossier_code{"no_dossier_code", "Hồ sơ #{id} chưa có mã hồ sơ",
                                            "dossier #{id} has no dossier code"};
inline constexpr MessageDef applicant_name{"applicant_name", "họ tên", "name"};
inline constexpr MessageDef applicant_phone{"applicant_phone", "số điện thoại", "phone"};
inline constexpr MessageDef applicant_address{"applicant_address", "địa chỉ nhận", "address"};
inline constexpr MessageDef applicant_missing{
    "applicant_missing",
    "Hồ sơ #{id} ({code}): chưa thể gửi trả kết quả qua bưu chính vì thiếu {missing} của người "
    "nộp hồ sơ; hãy nhập theo phiếu gửi",
    "dossier #{id} ({code}): the result cannot be posted without the applicant's {missing}; type "
    "it from the consignment note"};
inline constexpr MessageDef desk_address_missing{
    "desk_address_missing",
    "Chưa khai báo địa chỉ của bộ phận một cửa (nơi gửi kết quả qua bưu chính)",
    "the desk's own address (the sender of return shipments) is not set"};
inline constexpr MessageDef dispatch_needs_actor{"dispatch_needs_actor",
                                                 "Chưa rõ cán bộ thực hiện gửi trả kết quả",
                                                 "a dispatch needs the staff user's name"};
inline constexpr MessageDef carrier_not_cancelled{
    "carrier_not_cancelled",
    "Hồ sơ #{id}: thông tin người nhận đã thay đổi sau khi gửi đơn {order} ({tracking_number}), "
    "nhưng đơn vị bưu chính không hủy được đơn đó ({cause}); chưa có gì thay đổi. Hãy hủy đơn "
    "tại đơn vị bưu chính (mã đơn {carrier_order}) hoặc gửi lại sau",
    "dossier #{id}: the receiver changed since order {order} ({tracking_number}) was sent, and "
    "the carrier did not cancel it: {cause}; nothing was changed. Cancel it at the carrier (order "
    "id {carrier_order}), or dispatch again later"};
inline constexpr MessageDef carrier_create_failed{
    "carrier_create_failed",
    "Hồ sơ #{id} ({code}): {cause}; hồ sơ chưa thay đổi. Đơn vị bưu chính có thể đã nhận đơn "
    "{order}: hãy gửi lại sau, hệ thống sẽ gửi đúng đơn đó, không tạo đơn thứ hai",
    "dossier #{id} ({code}): {cause}; the dossier was not changed. The carrier may already hold "
    "order {order}: dispatch again later, which sends the same order, never a second one"};
inline constexpr MessageDef carrier_wrong_order{
    "carrier_wrong_order",
    "Hồ sơ #{id} ({code}): đơn vị bưu chính trả lời bằng đơn {their_order} (số hiệu "
    "{tracking_number}) cho đơn {order} của chúng ta; chưa lưu gì. Hãy kiểm tra cả hai đơn tại "
    "đơn vị bưu chính và hủy đơn sai",
    "dossier #{id} ({code}): the carrier answered with order {their_order} (tracking number "
    "{tracking_number}) for our order {order}; nothing was stored. Check both orders at the "
    "carrier and cancel the wrong one"};
inline constexpr MessageDef dispatch_not_stored{
    "dispatch_not_stored",
    "Hồ sơ #{id} ({code}): đơn vị bưu chính đã tạo bưu gửi {tracking_number} (đơn {order}) "
    "nhưng chưa lưu được vào hệ thống. Hãy gửi lại khi cơ sở dữ liệu hoạt động trở lại: hệ thống "
    "lưu đúng bưu gửi đó, không tạo bưu gửi thứ hai",
    "dossier #{id} ({code}): the carrier created shipment {tracking_number} (order {order}), but "
    "it could not be stored. Dispatch again once the database is back: the same shipment is "
    "stored, not a second one"};
inline constexpr MessageDef dispatch_overtaken_cancelled{
    "dispatch_overtaken_cancelled",
    "{cause}; bưu gửi {tracking_number} (đơn {order}) đã được hủy tại đơn vị bưu chính",
    "{cause}; the carrier's shipment {tracking_number} (order {order}) was cancelled"};
inline constexpr MessageDef dispatch_overtaken_not_cancelled{
    "dispatch_overtaken_not_cancelled",
    "{cause}; không hủy được bưu gửi {tracking_number} (đơn {order}) ({cancel_cause}): hãy hủy "
    "tại đơn vị bưu chính",
    "{cause}; the carrier's shipment {tracking_number} (order {order}) could not be cancelled "
    "({cancel_cause}): cancel it at the carrier"};
inline constexpr MessageDef technical_failure{"technical_failure",
                                              "lỗi kỹ thuật (chi tiết trong nhật ký hệ thống)",
                                              "a technical failure (details in the log)"};

// ---- Letters back by post (docs/domain.md §1.5b)
// The letters' names, as the timeline and the messages below name them.
inline constexpr MessageDef letter_receipt{"letter_receipt", "Giấy tiếp nhận hồ sơ",
                                           "receipt (form 01)"};
inline constexpr MessageDef letter_supplement{"letter_supplement", "Phiếu yêu cầu bổ sung hồ sơ",
                                              "supplement request (form 02)"};
inline constexpr MessageDef letter_refusal{"letter_refusal", "Phiếu từ chối", "refusal (form 03)"};
inline constexpr MessageDef letter_apology{"letter_apology", "Văn bản xin lỗi",
                                           "apology (form 04)"};
inline constexpr MessageDef letter_stop{"letter_stop", "Thông báo dừng giải quyết",
                                        "stop notice (form 05)"};
inline constexpr MessageDef letter_unknown_form{
    "letter_unknown_form",
    "Không có loại văn bản “{form}” để gửi: chọn receipt, supplement, refusal, apology hoặc stop",
    "no letter '{form}' to post: give receipt, supplement, refusal, apology or stop"};
inline constexpr MessageDef letter_applicant_missing{
    "letter_applicant_missing",
    "Hồ sơ #{id} ({code}): chưa thể gửi {letter} qua bưu chính vì thiếu {missing} của người nộp "
    "hồ sơ; hãy nhập theo phiếu gửi",
    "dossier #{id} ({code}): the {letter} cannot be posted without the applicant's {missing}; "
    "type it from the consignment note"};
inline constexpr MessageDef letter_posted_step{
    "letter_posted_step", "Đã gửi {letter} qua bưu điện, số hiệu {tracking_number}",
    "Posted the {letter}, tracking number {tracking_number}"};
inline constexpr MessageDef letter_no_code{"letter_no_code", "chưa có mã hồ sơ", "no dossier code"};

// ---- The carrier's webhooks (answered to the carrier, whose clients read the English)
inline constexpr MessageDef webhook_replayed{
    "webhook_replayed",
    "Từ chối thông báo của đơn vị bưu chính {carrier}: thông báo gửi lúc {sent_at} này đã được "
    "nhận trước đó (gửi lại)",
    "webhook refused: this delivery of {carrier} sent {sent_at} was already accepted (replay)"};
inline constexpr MessageDef webhook_too_old{
    "webhook_too_old",
    "Từ chối thông báo của đơn vị bưu chính {carrier}: thông báo gửi lúc {sent_at}, quá {hours} "
    "giờ trước",
    "webhook refused: this delivery of {carrier} was sent {sent_at}, more than {hours} h ago"};

// ---- The applicant's contact details
inline constexpr MessageDef field_full_name{"field_full_name", "họ tên", "name"};
inline constexpr MessageDef field_id_number{"field_id_number", "số giấy tờ tùy thân", "ID number"};
inline constexpr MessageDef field_address{"field_address", "địa chỉ", "address"};
inline constexpr MessageDef field_return_address{"field_return_address", "địa chỉ nhận kết quả",
                                                 "return address"};
inline constexpr MessageDef field_phone{"field_phone", "số điện thoại", "phone"};
inline constexpr MessageDef field_too_long{"field_too_long",
                                           "Thông tin {field} dài quá {max} ký tự",
                                           "the {field} is longer than {max} characters"};
inline constexpr MessageDef bad_phone{
    "bad_phone",
    "Số điện thoại phải có từ 8 đến 15 chữ số (có thể có dấu cách, dấu chấm, dấu gạch ngang)",
    "the phone number should have 8 to 15 digits (spaces, dots and dashes are allowed)"};
inline constexpr MessageDef contact_locked_in_transit{
    "contact_locked_in_transit",
    "Hồ sơ #{id}: kết quả đang được chuyển phát với thông tin đã gửi; hãy liên hệ đơn vị bưu "
    "chính để chuyển hướng, hoặc sửa khi kết quả đã về lại bộ phận một cửa",
    "dossier #{id}: the result is already on its way with the details it was posted with; call "
    "the carrier to redirect it, or change them once it is back at the desk"};
inline constexpr MessageDef applicant_needs_name{
    "applicant_needs_name", "Hồ sơ #{id} chưa có thông tin người nộp hồ sơ: cần nhập cả họ tên",
    "dossier #{id} has no applicant yet: give the name too"};

// ---- Documents (printed forms and return labels)
inline constexpr MessageDef form_not_accepted{
    "form_not_accepted",
    "Hồ sơ {dossier} chưa được tiếp nhận nên chưa có giấy tiếp nhận hồ sơ và hẹn trả kết quả "
    "(mẫu 01)",
    "dossier {dossier}: not accepted, so there is no receipt (form 01): accept it first"};
inline constexpr MessageDef form_no_appointment{
    "form_no_appointment",
    "Hồ sơ {dossier} chưa có ngày hẹn trả kết quả cho giấy tiếp nhận (mẫu 01)",
    "dossier {dossier}: has no appointment date for its receipt (form 01)"};
inline constexpr MessageDef form_no_supplement{
    "form_no_supplement",
    "Hồ sơ {dossier} chưa có yêu cầu bổ sung, hoàn thiện hồ sơ nên chưa có phiếu mẫu 02",
    "dossier {dossier}: no supplement was requested, so there is no form 02"};
inline constexpr MessageDef form_supplement_number{
    "form_supplement_number",
    "Hồ sơ {dossier} có {count} lần yêu cầu bổ sung, không có lần thứ {number}",
    "dossier {dossier}: has {count} supplement request(s), not {number}"};
inline constexpr MessageDef form_not_refused{
    "form_not_refused",
    "Hồ sơ {dossier} không bị từ chối tiếp nhận nên chưa có phiếu từ chối (mẫu 03)",
    "dossier {dossier}: was not refused, so there is no refusal (form 03)"};
inline constexpr MessageDef form_not_reappointed{
    "form_not_reappointed",
    "Hồ sơ {dossier} chưa được hẹn lại nên chưa có văn bản xin lỗi và đề nghị gia hạn thời gian "
    "giải quyết (mẫu 04)",
    "dossier {dossier}: was not re-appointed, so there is no apology (form 04)"};
inline constexpr MessageDef form_not_stopped{
    "form_not_stopped",
    "Hồ sơ {dossier} không bị dừng giải quyết nên chưa có thông báo dừng giải quyết hồ sơ (mẫu 05)",
    "dossier {dossier}: processing was not stopped, so there is no stop notice (form 05)"};
inline constexpr MessageDef form_bad_year{"form_bad_year",
                                          "Mẫu 07: “{year}” không phải là một năm (YYYY)",
                                          "form 07: {year} is not a year (YYYY)"};
inline constexpr MessageDef label_no_return_shipment{
    "label_no_return_shipment",
    "Hồ sơ {dossier} chưa gửi trả kết quả qua bưu chính nên chưa có nhãn để in: hãy gửi kết quả "
    "trước",
    "dossier {dossier} has no return shipment, so there is no label to print: dispatch the "
    "result first"};

// ---- Report periods
inline constexpr MessageDef period_bad_from{"period_bad_from",
                                            "Thời điểm bắt đầu “{value}” không hợp lệ",
                                            "from: {value} is not a date or time"};
inline constexpr MessageDef period_bad_to{"period_bad_to",
                                          "Thời điểm kết thúc “{value}” không hợp lệ",
                                          "to: {value} is not a date or time"};
inline constexpr MessageDef period_empty{"period_empty",
                                         "Kỳ báo cáo trống: bắt đầu {from}, kết thúc {to}",
                                         "the period is empty: it starts {from} and ends {to}"};
inline constexpr MessageDef chart_too_many_days{
    "chart_too_many_days", "Đã chọn {days} ngày; biểu đồ chỉ hiển thị tối đa 92 ngày",
    "{days} days asked for; charts take at most 92"};

// ---- Late dossiers in the report
inline constexpr MessageDef late_many_supplements{"late_many_supplements",
                                                  "yêu cầu bổ sung, hoàn thiện hồ sơ quá một lần",
                                                  "more than one supplement request"};
inline constexpr MessageDef late_no_appointment{
    "late_no_appointment", "không ghi nhận ngày hẹn trả kết quả", "no appointment date recorded"};
inline constexpr MessageDef late_after_appointment{"late_after_appointment",
                                                   "giải quyết xong sau ngày hẹn trả kết quả",
                                                   "finished after the appointment"};

// ---- The desk's contact, as the admin sets it
inline constexpr MessageDef desk_address_invalid{
    "desk_address_invalid",
    "Địa chỉ của bộ phận một cửa phải có từ 1 đến 200 ký tự, không có ký tự điều khiển",
    "the desk's address must have 1 to 200 characters and no control character"};
inline constexpr MessageDef desk_phone_invalid{
    "desk_phone_invalid",
    "Số đường dây nóng “{phone}” không hợp lệ: chỉ gồm 3 đến 20 chữ số, dấu cách và + . ( ) -",
    "the hotline \"{phone}\" is not valid: 3 to 20 digits, spaces and + . ( ) - only"};

// ---- The report as CSV: its header row (one fact per row)
inline constexpr MessageDef report_csv_header{"report_csv_header", "phần,nhóm,chỉ tiêu,giá trị",
                                              "section,group,metric,value"};

// ---- The result at the desk or by post, as the citizen chose (docs/domain.md §1.5)
inline constexpr MessageDef dispatch_desk_collection{
    "dispatch_desk_collection",
    "Hồ sơ #{id}: công dân chọn nhận kết quả tại Trung tâm, không gửi qua bưu điện; nếu công "
    "dân đổi ý, hãy chuyển “Nhận kết quả” sang “qua bưu điện” trước",
    "dossier #{id}: the citizen chose to collect the result at the desk, so it is not posted; if "
    "the citizen changes their mind, set the result's delivery to post first"};
inline constexpr MessageDef delivery_choice_closed{
    "delivery_choice_closed",
    "Hồ sơ #{id} đang ở trạng thái “{state}”: không thể đổi cách nhận kết quả sau khi kết quả đã "
    "gửi đi hoặc đã trả",
    "dossier #{id} is \"{state}\": the result's delivery cannot change once the result is sent "
    "or returned"};
inline constexpr MessageDef unknown_result_delivery{
    "unknown_result_delivery",
    "Cách nhận kết quả “{value}” không hợp lệ: chọn post (qua bưu điện) hoặc desk (tại Trung tâm)",
    "unknown result delivery '{value}': give post or desk"};
inline constexpr MessageDef collection_not_desk{
    "collection_not_desk",
    "Hồ sơ #{id}: công dân chọn nhận kết quả qua bưu điện; chuyển “Nhận kết quả” sang “tại "
    "Trung tâm” trước khi giao kết quả tại quầy",
    "dossier #{id}: the result goes back by post; set its delivery to the desk before handing it "
    "over at the desk"};
inline constexpr MessageDef collection_needs_recipient{
    "collection_needs_recipient",
    "Hồ sơ #{id}: kết quả trả tại Trung tâm cần ghi người nhận (họ tên và số giấy tờ tùy thân) "
    "bằng thao tác giao kết quả tại quầy",
    "dossier #{id}: a result collected at the desk needs its recipient (name and ID number): use "
    "the handover at the desk"};
inline constexpr MessageDef recipient_name_invalid{
    "recipient_name_invalid", "Hồ sơ #{id}: cần nhập họ tên người nhận kết quả (tối đa 100 ký tự)",
    "dossier #{id}: give the recipient's full name (at most 100 characters)"};
inline constexpr MessageDef recipient_id_invalid{
    "recipient_id_invalid",
    "Hồ sơ #{id}: số giấy tờ tùy thân của người nhận phải gồm 6 đến 20 chữ cái hoặc chữ số",
    "dossier #{id}: the recipient's ID number must be 6 to 20 letters or digits"};
inline constexpr MessageDef unknown_recipient_kind{
    "unknown_recipient_kind",
    "Người nhận “{value}” không hợp lệ: chọn citizen (công dân) hoặc authorised (người được ủy "
    "quyền)",
    "unknown recipient '{value}': give citizen or authorised"};
inline constexpr MessageDef form_not_collected{
    "form_not_collected",
    "Hồ sơ {dossier} chưa giao kết quả tại Trung tâm nên chưa có phiếu giao trả kết quả",
    "dossier {dossier}: no result was handed over at the desk, so there is no handover of the "
    "result"};

// Deadlines and supplements under Decree 118/2025 (docs/domain.md §1.3, §5.2).
inline constexpr MessageDef second_supplement_request{
    "second_supplement_request",
    "Hồ sơ #{id} đã được yêu cầu bổ sung một lần: theo Điều 11 khoản 2 điểm c Nghị định "
    "118/2025/NĐ-CP chỉ được yêu cầu bổ sung, hoàn thiện hồ sơ một lần; hãy giải quyết, từ chối "
    "hoặc trả lời công dân bằng văn bản",
    "dossier #{id} has already had its one supplement request: Decree 118/2025 Art. 11(2)(c) "
    "allows only one; decide it, refuse it or answer the citizen in writing"};
inline constexpr MessageDef accepted_overdue{
    "accepted_overdue",
    "Hồ sơ {code} đã quá hạn ngay khi tiếp nhận: thời hạn tính từ lúc bưu điện giao hồ sơ "
    "({filed}), hạn trả kết quả là {due}. Hãy báo lãnh đạo và liên hệ công dân",
    "dossier {code} is overdue as it is accepted: its time runs from the post's handover "
    "({filed}) and the result was due {due}. Tell the head of the desk and contact the citizen"};
inline constexpr MessageDef accepted_late{
    "accepted_late",
    "Hồ sơ {code} được tiếp nhận muộn: thời hạn tính từ lúc bưu điện giao hồ sơ ({filed}), hạn "
    "trả kết quả là {due}, còn chưa đến một ngày làm việc",
    "dossier {code} is accepted late: its time runs from the post's handover ({filed}) and the "
    "result is due {due}, less than one working day away"};

// The supplement period (docs/domain.md §1.3, Decree 118/2025 Art. 19(5)).
inline constexpr MessageDef supplement_wait_days_invalid{
    "supplement_wait_days_invalid",
    "Thời hạn chờ bổ sung hồ sơ \"{text}\" không hợp lệ: cần số ngày từ 1 đến 365",
    "the supplement period \"{text}\" is not valid: give a number of days from 1 to 365"};
inline constexpr MessageDef supplement_expired_reason{
    "supplement_expired_reason",
    "Quá {days} ngày kể từ ngày yêu cầu bổ sung, hoàn thiện hồ sơ ({requested}) mà không nhận được "
    "hồ sơ bổ sung (Nghị định số 118/2025/NĐ-CP, Điều 19 khoản 5)",
    "more than {days} days since the supplement request ({requested}) without the supplement "
    "(Decree 118/2025, Art. 19(5))"};

// Fees (docs/domain.md §5.5).
inline constexpr MessageDef fee_amount_invalid{
    "fee_amount_invalid", "Hồ sơ #{id}: số tiền {amount} không hợp lệ (từ 1 đồng trở lên)",
    "dossier #{id}: the amount {amount} is not valid (1 đồng or more)"};
inline constexpr MessageDef fee_payer_invalid{
    "fee_payer_invalid", "Hồ sơ #{id}: cần nhập họ tên người nộp (tối đa 100 ký tự)",
    "dossier #{id}: give the payer's full name (at most 100 characters)"};
inline constexpr MessageDef fee_receipt_number_invalid{
    "fee_receipt_number_invalid", "Hồ sơ #{id}: cần nhập số biên lai (tối đa 40 ký tự)",
    "dossier #{id}: give the receipt's number (at most 40 characters)"};
inline constexpr MessageDef fee_paid_at_invalid{
    "fee_paid_at_invalid",
    "Hồ sơ #{id}: thời điểm nộp {at} không hợp lệ: không được ở tương lai hay trước khi nhận hồ "
    "sơ ({filed})",
    "dossier #{id}: the payment time {at} is not valid: not in the future nor before the dossier "
    "was received ({filed})"};
inline constexpr MessageDef fee_receipt_duplicate{
    "fee_receipt_duplicate", "Hồ sơ #{id}: biên lai số {receipt} đã được ghi nhận",
    "dossier #{id}: receipt {receipt} is already recorded"};
inline constexpr MessageDef unknown_payment_method{
    "unknown_payment_method",
    "Cách nộp “{value}” không hợp lệ: chọn desk (tại Trung tâm), post (qua bưu điện) hoặc online "
    "(trực tuyến)",
    "unknown payment method '{value}': give desk, post or online"};
// ---- Handovers between units (docs/domain.md §1.4a; tracking/transfers.hpp)
inline constexpr MessageDef transfer_state{
    "transfer_state",
    "Hồ sơ #{id} đang ở trạng thái “{state}”: chỉ chuyển hồ sơ đã tiếp nhận hoặc đang giải quyết "
    "đến cơ quan khác",
    "dossier #{id} is \"{state}\": only an accepted or in-process dossier can be handed to "
    "another unit"};
inline constexpr MessageDef transfer_unit_invalid{
    "transfer_unit_invalid",
    "Hồ sơ #{id}: cần nhập tên cơ quan, đơn vị nhận hồ sơ (tối đa 200 ký tự, không có ký tự điều "
    "khiển)",
    "dossier #{id}: give the receiving unit's name (at most 200 characters, no control "
    "characters)"};
inline constexpr MessageDef transfer_person_invalid{
    "transfer_person_invalid",
    "Hồ sơ #{id}: họ tên người giao, người nhận tối đa 100 ký tự, ghi chú tối đa 500 ký tự, không "
    "có ký tự điều khiển",
    "dossier #{id}: the names of who hands over and who receives take at most 100 characters, "
    "the note at most 500, with no control characters"};
inline constexpr MessageDef transfer_to_desk{
    "transfer_to_desk",
    "Hồ sơ #{id}: “{unit}” là bộ phận một cửa; để nhận lại hồ sơ từ cơ quan giải quyết, dùng "
    "thao tác nhận lại hồ sơ (transfer-back)",
    "dossier #{id}: \"{unit}\" is the desk itself; to take the dossier back from the unit, "
    "record its return (transfer-back)"};
inline constexpr MessageDef transfer_same_unit{"transfer_same_unit",
                                               "Hồ sơ #{id} đang ở “{unit}” rồi",
                                               "dossier #{id} is at \"{unit}\" already"};
inline constexpr MessageDef not_at_other_unit{
    "not_at_other_unit",
    "Hồ sơ #{id} đang ở bộ phận một cửa, chưa chuyển đến cơ quan nào nên không có gì để nhận lại",
    "dossier #{id} is at the desk: it was not handed to another unit, so there is nothing to take "
    "back"};
// The receiving unit's deadline (Decree 118/2025 Art. 20(2), docs/domain.md §1.4a).
inline constexpr MessageDef transfer_due_twice{
    "transfer_due_twice",
    "Hồ sơ #{id}: chỉ nhập một trong hai: hạn giải quyết của đơn vị nhận (ngày) hoặc số ngày làm "
    "việc",
    "dossier #{id}: give the receiving unit's deadline either as a date or as a number of working "
    "days, not both"};
inline constexpr MessageDef transfer_days_invalid{
    "transfer_days_invalid",
    "Hồ sơ #{id}: số ngày làm việc của đơn vị nhận phải từ 0 đến 365 (đã nhập {days})",
    "dossier #{id}: the receiving unit's working days must be from 0 to 365 (given {days})"};
inline constexpr MessageDef transfer_due_not_working_day{
    "transfer_due_not_working_day",
    "Hồ sơ #{id}: hạn giải quyết của đơn vị nhận {unit_due} không phải ngày làm việc",
    "dossier #{id}: the receiving unit's deadline {unit_due} is not a working day"};
inline constexpr MessageDef transfer_due_after_dossier{
    "transfer_due_after_dossier",
    "Hồ sơ #{id}: hạn giải quyết của đơn vị nhận ({unit_due}) không được sau hạn trả kết quả của "
    "hồ sơ ({due})",
    "dossier #{id}: the receiving unit's deadline ({unit_due}) cannot be after the dossier's due "
    "date ({due})"};
inline constexpr MessageDef transfer_due_past{
    "transfer_due_past",
    "Hồ sơ #{id}: hạn giải quyết của đơn vị nhận ({unit_due}) không được trước thời điểm chuyển "
    "({at})",
    "dossier #{id}: the receiving unit's deadline ({unit_due}) cannot be before the handover "
    "({at})"};
// The Phiếu chuyển xử lý (tracking::load_transfer_slip).
inline constexpr MessageDef no_transfer_slip{
    "no_transfer_slip",
    "Hồ sơ {dossier} chưa được chuyển đến cơ quan, đơn vị nào nên không có phiếu chuyển xử lý",
    "dossier {dossier} was not handed to another unit, so it has no transfer slip"};
inline constexpr MessageDef no_such_handover{
    "no_such_handover",
    "Hồ sơ {dossier} không có lần chuyển thứ {handover} đến cơ quan, đơn vị khác (có {count} lần)",
    "dossier {dossier} has no handover {handover} to another unit (it has {count})"};

}  // namespace tracking::msg

namespace tracking {

// What a failure passed on says to a user: its own text, or for a technical failure (whose English
// stays in the logs) "a technical failure".
inline common::Text cause_text(const common::Error& error) {
  return error.text.empty() ? common::Text{msg::technical_failure} : error.text;
}

}  // namespace tracking
