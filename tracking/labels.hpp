// The words for dossier states, lifecycle actions, event kinds and scan outcomes, one table per
// audience: what staff read (the
// desk's pages, the CLI, messages that name a state or an action, the citizen lookup) and what the
// printed forms say. Messages take these as nested Texts (`{"state", Text{state_label(s)}}`), never
// the enum's name.
#pragma once

#include <array>

#include "common/text.hpp"
#include "db/records.hpp"
#include "tracking/lifecycle.hpp"

namespace tracking {

// Every action, in declaration order (for tables and tests); every state is
// db::all_dossier_states().
inline constexpr std::array k_all_actions = {Action::accept,
                                             Action::request_supplement,
                                             Action::supplement_received,
                                             Action::refuse,
                                             Action::start_processing,
                                             Action::request_fees,
                                             Action::fees_paid,
                                             Action::mark_processed,
                                             Action::withdraw,
                                             Action::stop,
                                             Action::apologise,
                                             Action::dispatch_return,
                                             Action::record_delivery,
                                             Action::record_return_failure};

// The state as staff and citizens read it ("Đang giải quyết" / "In process"); the Vietnamese is
// web/static/i18n.js's 'state.*'.
const common::MessageDef& state_label(db::DossierState state);

// The state as the printed forms word it ("Đã gửi trả kết quả qua bưu chính").
const common::MessageDef& printed_state_label(db::DossierState state);

// The action as staff read it ("Tiếp nhận hồ sơ" / "Accept").
const common::MessageDef& action_label(Action action);

// An event of the log as staff read it in the history ("Tiếp nhận hồ sơ, hẹn ngày trả kết quả
// (Mẫu 01)"); i18n.js's 'event.*'.
const common::MessageDef& event_label(db::EventKind kind);

// A step of the dossier's life as the citizen's lookup words it (i18n.js's 'step.*'), or nullptr
// for an event the citizen does not see: a whitelist, so a new kind of event stays private.
const common::MessageDef* citizen_step_label(db::EventKind kind);
// The step "result_returned" when the result was handed over at the desk (the event's data says
// "via": "desk"), step "collected_at_desk" (i18n.js's 'step.collected_at_desk').
const common::MessageDef& collected_at_desk_step();

// What became of an envelope's scan ("Đã đăng ký hồ sơ mới"); i18n.js's 'outcome.*'.
const common::MessageDef& outcome_label(db::ScanOutcome outcome);

}  // namespace tracking
