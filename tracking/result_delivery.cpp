// The citizen's choice of how the result goes back, and its handover at the desk
// (tracking/result_delivery.hpp).
#include "tracking/result_delivery.hpp"
#include "tracking/detail/trim.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/text.hpp"
#include "tracking/labels.hpp"
#include "tracking/messages.hpp"

namespace tracking {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;
using db::DossierState;

using detail::trimmed;

using detail::characters;

}  // namespace

Result<db::Dossier> set_result_delivery(db::Transaction& tx, common::Timestamp now,
                                        db::Id dossier_id, db::ResultDelivery delivery,
                                        const std::string& actor) {
  TRY_ASSIGN(auto found, tx.get_dossier(dossier_id));
  if (!found) return make_error(ErrorCode::not_found, msg::no_dossier_id, {{"id", dossier_id}});
  db::Dossier dossier = std::move(*found);
  if (trimmed(actor).empty()) {
    return make_error(ErrorCode::invalid_argument, msg::missing_actor, {{"id", dossier_id}});
  }
  if (dossier.result_delivery == delivery) return dossier;
  // Once the result left with the carrier or reached the citizen, the choice is history.
  if (dossier.state == DossierState::return_dispatched ||
      dossier.state == DossierState::result_returned) {
    return make_error(ErrorCode::conflict, msg::delivery_choice_closed,
                      {{"id", dossier_id}, {"state", common::Text{state_label(dossier.state)}}});
  }
  const db::ResultDelivery before = dossier.result_delivery;
  dossier.result_delivery = delivery;
  dossier.updated_at = now;
  TRY(tx.update_dossier(dossier));
  const nlohmann::json data = {{"from", db::result_delivery_name(before)},
                               {"to", db::result_delivery_name(delivery)}};
  TRY(tx.append_event(db::Event{0, now, actor, "dossier", dossier_id,
                                db::EventKind::result_delivery_changed, "", data.dump()}));
  return dossier;
}

Result<db::Dossier> set_result_delivery(db::Store& store, const common::Clock& clock,
                                        db::Id dossier_id, db::ResultDelivery delivery,
                                        const std::string& actor) {
  return store.write<db::Dossier>([&](db::Transaction& tx) {
    return set_result_delivery(tx, clock.now(), dossier_id, delivery, actor);
  });
}

Result<Transition> record_collection(db::Transaction& tx, common::Timestamp now, db::Id dossier_id,
                                     const CollectionRequest& request) {
  TRY_ASSIGN(auto found, tx.get_dossier(dossier_id));
  if (!found) return make_error(ErrorCode::not_found, msg::no_dossier_id, {{"id", dossier_id}});
  if (found->state == DossierState::processed &&
      found->result_delivery != db::ResultDelivery::desk) {
    return make_error(ErrorCode::conflict, msg::collection_not_desk, {{"id", dossier_id}});
  }
  TRY(check_allowed(*found, Action::record_delivery));
  const std::string name = trimmed(request.recipient_name);
  if (name.empty() || characters(name) > 100 || std::any_of(name.begin(), name.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
      })) {
    return make_error(ErrorCode::invalid_argument, msg::recipient_name_invalid,
                      {{"id", dossier_id}});
  }
  std::string id_number;
  for (const char c : request.recipient_id_number) {
    if (c == ' ') continue;
    id_number += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  const bool id_ok = id_number.size() >= 6 && id_number.size() <= 20 &&
                     std::all_of(id_number.begin(), id_number.end(), [](char c) {
                       return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
                     });
  if (!id_ok) {
    return make_error(ErrorCode::invalid_argument, msg::recipient_id_invalid, {{"id", dossier_id}});
  }
  ActionRequest action;
  action.action = Action::record_delivery;
  action.actor = request.actor;
  action.handed_over_at_desk = true;
  // Who received it is a kind, never a name: the event log holds no personal data.
  action.details = {{"via", "desk"},
                    {"recipient", std::string(db::recipient_kind_name(request.recipient_kind))}};
  TRY_ASSIGN(auto transition, apply_action(tx, now, dossier_id, action));
  TRY(tx.insert_result_collection(db::ResultCollection{dossier_id, now, request.actor,
                                                       request.recipient_kind, name, id_number}));
  return transition;
}

Result<Transition> record_collection(db::Store& store, const common::Clock& clock,
                                     db::Id dossier_id, const CollectionRequest& request) {
  return store.write<Transition>(
      [&](db::Transaction& tx) { return record_collection(tx, clock.now(), dossier_id, request); });
}

db::DossierFilter ready_to_post_filter() {
  db::DossierFilter filter;
  filter.states = {DossierState::processed, DossierState::return_failed};
  filter.result_delivery = db::ResultDelivery::post;
  return filter;
}

db::DossierFilter waiting_for_collection_filter() {
  db::DossierFilter filter;
  filter.states = {DossierState::processed, DossierState::return_failed};
  filter.result_delivery = db::ResultDelivery::desk;
  return filter;
}

}  // namespace tracking
