// The result at the desk or by post, as the citizen chose (docs/domain.md §1.5; Decision
// 45/2016/QĐ-TTg, Decree 118/2025): each dossier records whether its result is posted back
// (db::ResultDelivery::post, the default for a dossier received by post) or collected at the desk
// (desk); the choice may change until the result leaves (return dispatched) or is returned. A
// result collected at the desk is handed over with its recipient recorded (the citizen or an
// authorised person: name and ID number, personal data kept like the applicant's, never logged)
// and a handover record the recipient signs (tracking/documents.hpp, render_collection). Knows the
// database and the lifecycle; not HTTP, not carriers.
#pragma once

#include <string>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "db/records.hpp"
#include "db/store.hpp"
#include "tracking/lifecycle.hpp"

namespace tracking {

// Sets how dossier `dossier_id`'s result goes back, in the caller's write transaction, with one
// event (result_delivery_changed: who, when, from -> to; no personal data). Setting the choice it
// has writes nothing. Returns the dossier as it now is. Fails, writing nothing, with not_found (no
// such dossier), invalid_argument (no actor), conflict (msg::delivery_choice_closed: the result
// is on its way or returned), or the database's errors.
common::Result<db::Dossier> set_result_delivery(db::Transaction& tx, common::Timestamp now,
                                                db::Id dossier_id, db::ResultDelivery delivery,
                                                const std::string& actor);
// The same in one write transaction of `store` at clock.now().
common::Result<db::Dossier> set_result_delivery(db::Store& store, const common::Clock& clock,
                                                db::Id dossier_id, db::ResultDelivery delivery,
                                                const std::string& actor);

// Who receives the result at the desk, as the clerk typed it from the person's ID document.
struct CollectionRequest {
  std::string actor;  // the officer handing it over (a staff login); required
  db::RecipientKind recipient_kind = db::RecipientKind::citizen;
  std::string recipient_name;       // required, at most 100 characters
  std::string recipient_id_number;  // 6 to 20 letters or digits (spaces dropped)
};

// Records the handover of the result at the desk: processed (result collected at the desk) or
// return_failed (the result came back and the citizen came for it) -> result_returned
// (Action::record_delivery, the event's data {"via": "desk", "recipient": "citizen" |
// "authorised"}), with the recipient stored (db::ResultCollection), in the caller's write
// transaction. Fails, writing nothing, with not_found (no such dossier); conflict when the state
// does not allow it, or (msg::collection_not_desk) for a processed dossier whose result goes by
// post; invalid_argument for a missing actor, a missing or too long name
// (msg::recipient_name_invalid), or a malformed ID number (msg::recipient_id_invalid); or the
// database's errors.
common::Result<Transition> record_collection(db::Transaction& tx, common::Timestamp now,
                                             db::Id dossier_id, const CollectionRequest& request);
// The same in one write transaction of `store` at clock.now().
common::Result<Transition> record_collection(db::Store& store, const common::Clock& clock,
                                             db::Id dossier_id, const CollectionRequest& request);

// The filters of the dispatch page's two lists: results ready to post back (processed, or back
// after a failed delivery, whose delivery is post) and results waiting for the citizen at the desk
// (processed or return_failed, delivery desk).
db::DossierFilter ready_to_post_filter();
db::DossierFilter waiting_for_collection_filter();

}  // namespace tracking
