#include <fmt/format.h>

#include "common/clock.hpp"

#include "db/store.hpp"

namespace db {

common::Result<void> check_health(Store& store, common::Timestamp now) {
  return store.write([&](Transaction& tx) -> common::Result<void> {
    TRY_ASSIGN(const int stored, tx.stored_schema_version());
    if (stored != schema_version()) {
      return common::make_error(
          common::ErrorCode::unavailable,
          fmt::format("the database file has schema version {}, this hoso knows version {}: "
                      "run the same hoso version everywhere",
                      stored, schema_version()));
    }
    return tx.set_setting("health_checked_at", common::format_iso(now));
  });
}

}  // namespace db
