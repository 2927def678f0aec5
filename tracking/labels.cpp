#include "tracking/labels.hpp"

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

}  // namespace tracking
