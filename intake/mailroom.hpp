// What the mailroom reads back: the manual queue (envelopes that wait for a person) with each
// item's scan, scans and their kept images' keys, and handover batches by name. Read-only; the
// changes (registering, resolving, dismissing, opening batches) are the Registrar's.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "db/records.hpp"
#include "db/store.hpp"
#include "intake/manual_reason.hpp"

namespace intake {

// One manual-queue item and the scan that put it there (nullopt only if the scan row is gone).
struct ManualEntry {
  db::ManualItem item;
  std::optional<db::Scan> scan;
  common::Text reason;  // why it waits: manual_reason_text(item), to show in the reader's language
};

enum class QueueItems {
  open,  // only the items still waiting
  all,   // also the resolved and dismissed ones
};

// The manual queue, oldest first, each item with its scan; one read transaction. Fails with the
// database's errors only.
common::Result<std::vector<ManualEntry>> manual_queue(db::Store& store, QueueItems which);

// Item `id` with its scan. Fails with not_found ("no manual-queue item #4") when there is none,
// or the database's errors.
common::Result<ManualEntry> manual_entry(db::Store& store, db::Id id);

// Scan `id`; nullopt when there is none. Fails with the database's errors only.
common::Result<std::optional<db::Scan>> find_scan(db::Store& store, db::Id id);

// The handover batch named `name`; nullopt when there is none. Fails with the database's errors.
common::Result<std::optional<db::Batch>> find_batch(db::Store& store, const std::string& name);

// The handover batch `login` opened and has not closed yet (the newest if several); nullopt when
// there is none. Fails with the database's errors only.
common::Result<std::optional<db::Batch>> open_batch_of(db::Store& store, const std::string& login);

// The newest `limit` handover batches, open and closed, each with its count of scans (without
// its manifest). Fails with the database's errors only.
common::Result<std::vector<db::Batch>> recent_batches(db::Store& store, int limit);

}  // namespace intake
