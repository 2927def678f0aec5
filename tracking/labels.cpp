#include "tracking/labels.hpp"

#include <array>
#include <utility>

namespace tracking {
namespace {

using common::MessageDef;
using db::DossierState;

// ---- What staff (and the citizen lookup) read: web/static/i18n.js's 'state.*'
namespace staff_states {
inline constexpr MessageDef received{"state_received",
                                     "Đã nhận hồ sơ qua bưu điện, đang chờ tiếp nhận",
                                     "Received by post, waiting to be accepted"};
inline constexpr MessageDef accepted{"state_accepted", "Đã tiếp nhận hồ sơ", "Accepted"};
inline constexpr MessageDef refused{"state_refused", "Không tiếp nhận hồ sơ", "Refused"};
inline constexpr MessageDef in_process{"state_in_process", "Đang giải quyết", "In process"};
inline constexpr MessageDef supplement_requested{
    "state_supplement_requested", "Chờ công dân bổ sung hồ sơ", "Waiting for a supplement"};
inline constexpr MessageDef awaiting_fees{"state_awaiting_fees", "Chờ thực hiện nghĩa vụ tài chính",
                                          "Waiting for fees"};
inline constexpr MessageDef withdrawn{"state_withdrawn", "Công dân đã rút hồ sơ",
                                      "Withdrawn by the citizen"};
inline constexpr MessageDef stopped{"state_stopped", "Đã dừng giải quyết", "Stopped"};
inline constexpr MessageDef processed{"state_processed", "Đã có kết quả, chờ gửi trả",
                                      "Result ready, waiting to be posted"};
inline constexpr MessageDef return_dispatched{"state_return_dispatched",
                                              "Đã gửi kết quả qua bưu điện", "Result posted"};
inline constexpr MessageDef return_failed{"state_return_failed",
                                          "Chưa phát được kết quả; kết quả đang ở bộ phận một cửa",
                                          "Return failed; the result is back at the desk"};
inline constexpr MessageDef result_returned{"state_result_returned", "Đã trả kết quả",
                                            "Result returned"};
inline constexpr MessageDef unknown{"state_unknown", "Chưa rõ", "Unknown"};
}  // namespace staff_states

// ---- What the printed forms say
namespace printed_states {
inline constexpr MessageDef received{"printed_state_received",
                                     "Đã nhận qua bưu chính, chờ tiếp nhận",
                                     "Received by post, waiting to be accepted"};
inline constexpr MessageDef accepted{"printed_state_accepted", "Đã tiếp nhận", "Accepted"};
inline constexpr MessageDef refused{"printed_state_refused", "Từ chối tiếp nhận", "Refused"};
inline constexpr MessageDef in_process{"printed_state_in_process", "Đang giải quyết", "In process"};
inline constexpr MessageDef supplement_requested{"printed_state_supplement_requested",
                                                 "Chờ bổ sung hồ sơ", "Waiting for a supplement"};
inline constexpr MessageDef awaiting_fees{"printed_state_awaiting_fees",
                                          "Chờ thực hiện nghĩa vụ tài chính", "Waiting for fees"};
inline constexpr MessageDef withdrawn{"printed_state_withdrawn", "Công dân rút hồ sơ",
                                      "Withdrawn by the citizen"};
inline constexpr MessageDef stopped{"printed_state_stopped", "Dừng giải quyết", "Stopped"};
inline constexpr MessageDef processed{"printed_state_processed", "Đã có kết quả", "Result ready"};
inline constexpr MessageDef return_dispatched{"printed_state_return_dispatched",
                                              "Đã gửi trả kết quả qua bưu chính",
                                              "Result sent back by post"};
inline constexpr MessageDef return_failed{"printed_state_return_failed",
                                          "Bưu chính hoàn trả kết quả về cơ quan",
                                          "The post brought the result back to the agency"};
inline constexpr MessageDef result_returned{"printed_state_result_returned", "Đã trả kết quả",
                                            "Result returned"};
}  // namespace printed_states

// ---- Actions, as staff read them: web/static/i18n.js's 'action.*'
namespace actions {
inline constexpr MessageDef accept{"action_accept", "Tiếp nhận hồ sơ", "Accept"};
inline constexpr MessageDef request_supplement{
    "action_request_supplement", "Yêu cầu bổ sung, hoàn thiện hồ sơ", "Request a supplement"};
inline constexpr MessageDef supplement_received{"action_supplement_received",
                                                "Đã nhận hồ sơ bổ sung", "Supplement received"};
inline constexpr MessageDef refuse{"action_refuse", "Từ chối tiếp nhận", "Refuse"};
inline constexpr MessageDef start_processing{"action_start_processing", "Chuyển giải quyết",
                                             "Start processing"};
inline constexpr MessageDef request_fees{"action_request_fees", "Yêu cầu nghĩa vụ tài chính",
                                         "Request fees"};
inline constexpr MessageDef fees_paid{"action_fees_paid", "Đã thực hiện nghĩa vụ tài chính",
                                      "Fees paid"};
inline constexpr MessageDef mark_processed{"action_mark_processed", "Đã có kết quả",
                                           "Mark the result ready"};
inline constexpr MessageDef withdraw{"action_withdraw", "Công dân rút hồ sơ",
                                     "Withdrawal by the citizen"};
inline constexpr MessageDef stop{"action_stop", "Dừng giải quyết", "Stop processing"};
inline constexpr MessageDef apologise{"action_apologise", "Xin lỗi, hẹn lại ngày trả",
                                      "Apologise, new date"};
inline constexpr MessageDef dispatch_return{"action_dispatch_return",
                                            "Gửi trả kết quả qua bưu chính", "Post the result"};
inline constexpr MessageDef record_delivery{"action_record_delivery", "Đã trả kết quả",
                                            "Result handed over"};
inline constexpr MessageDef record_return_failure{
    "action_record_return_failure", "Phát kết quả không thành công", "Return delivery failed"};
inline constexpr MessageDef unknown{"action_unknown", "Thao tác chưa rõ", "Unknown action"};
}  // namespace actions

// Staff words for each event kind: web/static/i18n.js's 'event.*' (checked by tests/app).
constexpr std::array<std::pair<db::EventKind, common::MessageDef>, 51> k_event_labels{{
    {db::EventKind::received_by_post,
     {"event_received_by_post", "Nhận hồ sơ qua bưu chính (bưu điện bàn giao)",
      "Received by post (handed over by the carrier)"}},
    {db::EventKind::applicant_added,
     {"event_applicant_added", "Ghi nhận người nộp hồ sơ (từ CCCD)",
      "Applicant recorded (from the ID card)"}},
    {db::EventKind::applicant_updated,
     {"event_applicant_updated", "Cập nhật thông tin liên hệ của người nộp",
      "Applicant's contact details updated"}},
    {db::EventKind::return_order_cancelled,
     {"event_return_order_cancelled", "Hủy đơn gửi kết quả tại bưu điện (đổi địa chỉ nhận)",
      "Return order cancelled at the carrier (address changed)"}},
    {db::EventKind::scanned_again,
     {"event_scanned_again", "Quét lại phong bì", "Envelope scanned again"}},
    {db::EventKind::supplement_by_post,
     {"event_supplement_by_post", "Nhận hồ sơ bổ sung qua bưu điện (phong bì mới)",
      "Supplement received by post (a new envelope)"}},
    {db::EventKind::supplement_unexpected,
     {"event_supplement_unexpected",
      "Nhận phong bì bổ sung qua bưu điện khi hồ sơ không chờ bổ sung: cán bộ cần xem",
      "A supplement envelope arrived while the dossier was not waiting for one: an officer "
      "should look"}},
    {db::EventKind::accepted,
     {"event_accepted", "Tiếp nhận hồ sơ, hẹn ngày trả kết quả (Mẫu 01)",
      "Accepted, due date given (form 01)"}},
    {db::EventKind::supplement_requested,
     {"event_supplement_requested", "Yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)",
      "Supplement requested (form 02)"}},
    {db::EventKind::supplement_received,
     {"event_supplement_received", "Nhận hồ sơ bổ sung đầy đủ, tính lại thời hạn",
      "Supplement received, deadline restarted"}},
    {db::EventKind::refused,
     {"event_refused", "Từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03)", "Refused (form 03)"}},
    {db::EventKind::processing_started,
     {"event_processing_started", "Chuyển hồ sơ giải quyết", "Processing started"}},
    {db::EventKind::fees_requested,
     {"event_fees_requested", "Yêu cầu thực hiện nghĩa vụ tài chính", "Fees requested"}},
    {db::EventKind::fees_paid, {"event_fees_paid", "Đã thực hiện nghĩa vụ tài chính", "Fees paid"}},
    {db::EventKind::processed, {"event_processed", "Có kết quả giải quyết hồ sơ", "Result ready"}},
    {db::EventKind::withdrawn,
     {"event_withdrawn", "Công dân rút hồ sơ", "Withdrawn by the citizen"}},
    {db::EventKind::stopped, {"event_stopped", "Dừng giải quyết hồ sơ", "Stopped"}},
    {db::EventKind::reappointed,
     {"event_reappointed", "Xin lỗi và đề nghị gia hạn thời gian giải quyết (Mẫu 04)",
      "Apology and new due date (form 04)"}},
    {db::EventKind::return_dispatched,
     {"event_return_dispatched", "Gửi trả kết quả qua bưu chính", "Result posted back"}},
    {db::EventKind::result_returned,
     {"event_result_returned", "Đã trả kết quả cho công dân", "Result handed to the citizen"}},
    {db::EventKind::return_failed,
     {"event_return_failed", "Bưu chính hoàn trả kết quả về cơ quan",
      "Return failed, result back at the desk"}},
    {db::EventKind::result_delivery_changed,
     {"event_result_delivery_changed", "Đổi cách nhận kết quả (bưu điện / tại Trung tâm)",
      "Result delivery changed (post / at the desk)"}},
    {db::EventKind::fee_recorded,
     {"event_fee_recorded", "Ghi nhận biên lai phí, lệ phí", "Fee receipt recorded"}},
    {db::EventKind::letter_dispatched,
     {"event_letter_dispatched", "Gửi văn bản cho công dân qua bưu chính",
      "Letter posted to the citizen"}},
    {db::EventKind::letter_delivered,
     {"event_letter_delivered", "Bưu chính đã phát văn bản cho công dân",
      "Letter delivered to the citizen"}},
    {db::EventKind::letter_returned,
     {"event_letter_returned", "Bưu chính hoàn trả văn bản về cơ quan",
      "Letter came back undelivered"}},
    {db::EventKind::transferred,
     {"event_transferred", "Chuyển hồ sơ đến cơ quan giải quyết (liên thông)",
      "Dossier handed to the deciding unit"}},
    {db::EventKind::returned_from_unit,
     {"event_returned_from_unit", "Nhận lại hồ sơ, kết quả từ cơ quan giải quyết",
      "Dossier (and result) back from the deciding unit"}},
    {db::EventKind::registered, {"event_registered", "Đăng ký bưu gửi", "Shipment registered"}},
    {db::EventKind::carrier_status,
     {"event_carrier_status", "Bưu điện cập nhật trạng thái bưu gửi", "Carrier status changed"}},
    {db::EventKind::queued,
     {"event_queued", "Đưa phong bì vào hàng chờ xử lý thủ công",
      "Envelope put in the manual queue"}},
    {db::EventKind::resolved,
     {"event_resolved", "Xử lý phong bì trong hàng chờ (nhập số hiệu bưu gửi)",
      "Manual item resolved (tracking number typed)"}},
    {db::EventKind::dismissed,
     {"event_dismissed", "Bỏ phong bì khỏi hàng chờ", "Manual item dismissed"}},
    {db::EventKind::handed_over,
     {"event_handed_over", "Mở đợt bàn giao của bưu điện", "Carrier handover batch opened"}},
    {db::EventKind::batch_closed,
     {"event_batch_closed", "Đóng đợt bàn giao", "Handover batch closed"}},
    {db::EventKind::batch_reopened,
     {"event_batch_reopened", "Mở lại đợt bàn giao", "Handover batch reopened"}},
    {db::EventKind::manifest_added,
     {"event_manifest_added", "Nhận danh sách giao của bưu điện", "Carrier's delivery list added"}},
    {db::EventKind::initialised, {"event_initialised", "Khởi tạo bộ phận một cửa", "Desk set up"}},
    {db::EventKind::day_set,
     {"event_day_set", "Đặt ngày nghỉ hoặc ngày làm việc", "Calendar day set"}},
    {db::EventKind::day_removed,
     {"event_day_removed", "Bỏ thay đổi lịch làm việc", "Calendar change taken back"}},
    {db::EventKind::user_added, {"event_user_added", "Thêm tài khoản", "User added"}},
    {db::EventKind::name_changed,
     {"event_name_changed", "Đổi họ tên tài khoản", "User's name changed"}},
    {db::EventKind::title_changed,
     {"event_title_changed", "Đổi chức vụ tài khoản", "User's title changed"}},
    {db::EventKind::role_changed,
     {"event_role_changed", "Đổi vai trò tài khoản", "User's role changed"}},
    {db::EventKind::password_changed,
     {"event_password_changed", "Đổi mật khẩu", "Password changed"}},
    {db::EventKind::user_disabled, {"event_user_disabled", "Khóa tài khoản", "User disabled"}},
    {db::EventKind::user_enabled, {"event_user_enabled", "Mở khóa tài khoản", "User enabled"}},
    {db::EventKind::logged_in, {"event_logged_in", "Đăng nhập", "Logged in"}},
    {db::EventKind::logged_out, {"event_logged_out", "Đăng xuất", "Logged out"}},
    {db::EventKind::token_created,
     {"event_token_created", "Tạo mã truy cập API", "API token created"}},
    {db::EventKind::token_revoked,
     {"event_token_revoked", "Thu hồi mã truy cập API", "API token revoked"}},
}};

// The steps a citizen may see, in their words (i18n.js's 'step.*'). A kind not listed here (an
// applicant added, a scan repeated, anything added later) is not shown: a whitelist, so a new
// kind of event cannot leak into the public view by default.
constexpr std::array<std::pair<db::EventKind, common::MessageDef>, 20> k_citizen_steps{{
    {db::EventKind::received_by_post,
     {"step_received_by_post", "Bộ phận một cửa đã nhận hồ sơ qua bưu điện",
      "The desk received the dossier by post"}},
    {db::EventKind::accepted,
     {"step_accepted", "Hồ sơ được tiếp nhận, có giấy hẹn trả kết quả",
      "Dossier accepted, appointment given"}},
    {db::EventKind::supplement_requested,
     {"step_supplement_requested",
      "Đề nghị bổ sung, hoàn thiện hồ sơ (thời hạn giải quyết tạm dừng)",
      "Supplement requested (the deadline is paused)"}},
    {db::EventKind::supplement_by_post,
     {"step_supplement_by_post", "Đã nhận hồ sơ bổ sung qua bưu điện",
      "The desk received the supplement by post"}},
    {db::EventKind::supplement_unexpected,
     {"step_supplement_unexpected", "Đã nhận hồ sơ bổ sung qua bưu điện",
      "The desk received the supplement by post"}},
    {db::EventKind::supplement_received,
     {"step_supplement_received", "Đã nhận đủ hồ sơ bổ sung; thời hạn giải quyết tính lại từ đầu",
      "Supplement received; the deadline starts again"}},
    {db::EventKind::refused, {"step_refused", "Từ chối tiếp nhận hồ sơ", "Dossier refused"}},
    {db::EventKind::processing_started,
     {"step_processing_started", "Bắt đầu giải quyết hồ sơ", "Processing started"}},
    {db::EventKind::fees_requested,
     {"step_fees_requested", "Đề nghị thực hiện nghĩa vụ tài chính", "Fees requested"}},
    {db::EventKind::fees_paid, {"step_fees_paid", "Đã thực hiện nghĩa vụ tài chính", "Fees paid"}},
    {db::EventKind::processed, {"step_processed", "Đã có kết quả giải quyết", "Result ready"}},
    {db::EventKind::withdrawn,
     {"step_withdrawn", "Hồ sơ đã được rút theo đề nghị của công dân",
      "Withdrawn at the citizen's request"}},
    {db::EventKind::stopped, {"step_stopped", "Dừng giải quyết hồ sơ", "Processing stopped"}},
    {db::EventKind::reappointed,
     {"step_reappointed", "Xin lỗi và hẹn lại ngày trả kết quả",
      "Apology and new appointment date"}},
    {db::EventKind::return_dispatched,
     {"step_return_dispatched", "Đã gửi kết quả qua bưu điện", "Result posted"}},
    {db::EventKind::result_returned,
     {"step_result_returned", "Đã trả kết quả cho công dân", "Result handed to the citizen"}},
    {db::EventKind::return_failed,
     {"step_return_failed", "Bưu điện chưa phát được kết quả; kết quả đã về lại bộ phận một cửa",
      "The post could not deliver the result; it is back at the desk"}},
    // docs/domain.md §1.5b: the lookup words it with the letter and its tracking number
    // (msg::letter_posted_step); this is its name when they are not known.
    {db::EventKind::letter_dispatched,
     {"step_letter_dispatched", "Đã gửi văn bản qua bưu điện", "A letter was posted"}},
    // docs/domain.md §1.4a: the unit's name is added by the lookup (a public office, not a
    // person); who handed over or received is never shown.
    {db::EventKind::transferred,
     {"step_transferred", "Hồ sơ đã chuyển đến cơ quan giải quyết",
      "The dossier was sent to the deciding agency"}},
    {db::EventKind::returned_from_unit,
     {"step_returned_from_unit", "Hồ sơ đã chuyển về bộ phận một cửa",
      "The dossier came back to the desk"}},
}};

constexpr std::array<std::pair<db::ScanOutcome, common::MessageDef>, 4> k_outcome_labels{{
    {db::ScanOutcome::registered, {"outcome_registered", "Đã đăng ký hồ sơ mới", "Registered"}},
    {db::ScanOutcome::already_registered,
     {"outcome_already_registered", "Đã đăng ký trước đó", "Already registered"}},
    {db::ScanOutcome::manual, {"outcome_manual", "Cần người xử lý", "Needs a person"}},
    {db::ScanOutcome::resolved,
     {"outcome_resolved", "Đã xử lý, đã đăng ký", "Resolved and registered"}},
}};

template <class Key, std::size_t N>
const common::MessageDef* find_label(const std::array<std::pair<Key, common::MessageDef>, N>& table,
                                     Key key) {
  for (const auto& [k, label] : table) {
    if (k == key) return &label;
  }
  return nullptr;
}

}  // namespace

const MessageDef& state_label(DossierState state) {
  switch (state) {
    case DossierState::received:
      return staff_states::received;
    case DossierState::accepted:
      return staff_states::accepted;
    case DossierState::refused:
      return staff_states::refused;
    case DossierState::in_process:
      return staff_states::in_process;
    case DossierState::supplement_requested:
      return staff_states::supplement_requested;
    case DossierState::awaiting_fees:
      return staff_states::awaiting_fees;
    case DossierState::withdrawn:
      return staff_states::withdrawn;
    case DossierState::stopped:
      return staff_states::stopped;
    case DossierState::processed:
      return staff_states::processed;
    case DossierState::return_dispatched:
      return staff_states::return_dispatched;
    case DossierState::return_failed:
      return staff_states::return_failed;
    case DossierState::result_returned:
      return staff_states::result_returned;
  }
  return staff_states::unknown;
}

const MessageDef& printed_state_label(DossierState state) {
  switch (state) {
    case DossierState::received:
      return printed_states::received;
    case DossierState::accepted:
      return printed_states::accepted;
    case DossierState::refused:
      return printed_states::refused;
    case DossierState::in_process:
      return printed_states::in_process;
    case DossierState::supplement_requested:
      return printed_states::supplement_requested;
    case DossierState::awaiting_fees:
      return printed_states::awaiting_fees;
    case DossierState::withdrawn:
      return printed_states::withdrawn;
    case DossierState::stopped:
      return printed_states::stopped;
    case DossierState::processed:
      return printed_states::processed;
    case DossierState::return_dispatched:
      return printed_states::return_dispatched;
    case DossierState::return_failed:
      return printed_states::return_failed;
    case DossierState::result_returned:
      return printed_states::result_returned;
  }
  return staff_states::unknown;
}

const MessageDef& action_label(Action action) {
  switch (action) {
    case Action::accept:
      return actions::accept;
    case Action::request_supplement:
      return actions::request_supplement;
    case Action::supplement_received:
      return actions::supplement_received;
    case Action::refuse:
      return actions::refuse;
    case Action::start_processing:
      return actions::start_processing;
    case Action::request_fees:
      return actions::request_fees;
    case Action::fees_paid:
      return actions::fees_paid;
    case Action::mark_processed:
      return actions::mark_processed;
    case Action::withdraw:
      return actions::withdraw;
    case Action::stop:
      return actions::stop;
    case Action::apologise:
      return actions::apologise;
    case Action::dispatch_return:
      return actions::dispatch_return;
    case Action::record_delivery:
      return actions::record_delivery;
    case Action::record_return_failure:
      return actions::record_return_failure;
  }
  return actions::unknown;
}

const common::MessageDef& event_label(db::EventKind kind) {
  // Every kind is in the table (tests/app/vocabulary_test.cpp).
  const auto* label = find_label(k_event_labels, kind);
  return label != nullptr ? *label : k_event_labels.front().second;
}

const common::MessageDef& collected_at_desk_step() {
  static constexpr MessageDef k_step{"step_collected_at_desk",
                                     "Công dân đã nhận kết quả tại Trung tâm",
                                     "The result was collected at the desk"};
  return k_step;
}

const common::MessageDef* citizen_step_label(db::EventKind kind) {
  return find_label(k_citizen_steps, kind);
}

const common::MessageDef& outcome_label(db::ScanOutcome outcome) {
  const auto* label = find_label(k_outcome_labels, outcome);
  return label != nullptr ? *label : k_outcome_labels.front().second;
}

}  // namespace tracking
