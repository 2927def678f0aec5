// The words for states and actions (tracking/labels.hpp): every value has one in both languages.
#include "tracking/labels.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "tracking/report.hpp"

using common::Lang;

namespace {

void check_label(const common::MessageDef& label) {
  CAPTURE(label.id());
  CHECK_FALSE(label.wording(Lang::vi).empty());
  CHECK_FALSE(label.wording(Lang::en).empty());
  CHECK(label.wording(Lang::vi) != label.wording(Lang::en));
}

}  // namespace

TEST_CASE(
    "every dossier state has a label for staff and for the printed forms, in both languages") {
  // db::all_dossier_states() must list every state: the last enum value is result_returned, and
  // parse/name go round for each.
  CHECK(db::all_dossier_states().size() ==
        static_cast<std::size_t>(db::DossierState::result_returned) + 1);
  std::set<std::string> staff_ids;
  for (const auto state : db::all_dossier_states()) {
    CAPTURE(db::dossier_state_name(state));
    CHECK(db::parse_dossier_state(db::dossier_state_name(state)) == state);
    check_label(tracking::state_label(state));
    check_label(tracking::printed_state_label(state));
    CHECK(tracking::state_label(state).id() != "state_unknown");
    staff_ids.insert(std::string(tracking::state_label(state).id()));
  }
  CHECK(staff_ids.size() == db::all_dossier_states().size());  // no two states share a label
  CHECK(std::string(tracking::state_label(db::DossierState::in_process).wording(Lang::vi)) ==
        "Đang giải quyết");
}

TEST_CASE("every lifecycle action has a label in both languages") {
  CHECK(tracking::k_all_actions.size() ==
        static_cast<std::size_t>(tracking::Action::record_return_failure) + 1);
  std::set<std::string> ids;
  for (const auto action : tracking::k_all_actions) {
    CAPTURE(tracking::action_name(action));
    CHECK(tracking::parse_action(tracking::action_name(action)) == action);
    check_label(tracking::action_label(action));
    CHECK(tracking::action_label(action).id() != "action_unknown");
    ids.insert(std::string(tracking::action_label(action).id()));
  }
  CHECK(ids.size() == tracking::k_all_actions.size());
}

TEST_CASE("every late reason has a stable name and words in both languages") {
  using tracking::LateReason;
  std::set<std::string> names;
  for (const auto reason :
       {LateReason::many_supplements, LateReason::no_appointment, LateReason::after_appointment}) {
    const auto text = tracking::late_reason_text(reason);
    CHECK_FALSE(text.render(Lang::vi).empty());
    CHECK(text.render(Lang::vi) != text.render(Lang::en));
    names.insert(std::string(tracking::late_reason_name(reason)));
  }
  CHECK(names.size() == 3);
  CHECK(tracking::late_reason_text(LateReason::many_supplements).render(Lang::vi) ==
        "yêu cầu bổ sung, hoàn thiện hồ sơ quá một lần");
}
