// How staff name a dossier on the command line and in the web UI: "#12" (its number), a tracking
// number of its inbound envelope or of its return shipment, a bare number, or its dossier code.
// Staff only: a citizen's lookup must not accept dossier numbers (see tracking/lookup).
#pragma once

#include <optional>
#include <string_view>

#include "common/result.hpp"
#include "db/records.hpp"
#include "db/store.hpp"

namespace tracking {

// Returns the id of the dossier `key` names, or nullopt when none does. "#12" is always dossier 12
// (whether or not it exists: callers read it and report not_found); otherwise a tracking number
// (spaces ignored, upper-cased; inbound first, then a return shipment) is tried first, since
// Viettel Post's numbers are all digits, then a bare dossier number, then a dossier code. Fails
// only when the database refuses.
common::Result<std::optional<db::Id>> find_dossier_id(db::Transaction& tx, std::string_view key);

// The dossier `key` names (as find_dossier_id). Fails with not_found naming the key ("no dossier
// 'EB1234' (give #id, a tracking number or a dossier code)") when none does, or the database's
// errors.
common::Result<db::Dossier> find_dossier(db::Transaction& tx, std::string_view key);

}  // namespace tracking
