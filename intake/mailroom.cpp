#include "intake/mailroom.hpp"

#include "intake/messages.hpp"

#include <fmt/format.h>

namespace intake {

using common::Result;

namespace {

Result<ManualEntry> with_scan(db::Transaction& tx, db::ManualItem item) {
  TRY_ASSIGN(auto scan, tx.get_scan(item.scan_id));
  common::Text reason = manual_reason_text(item);
  return ManualEntry{std::move(item), std::move(scan), std::move(reason)};
}

}  // namespace

Result<std::vector<ManualEntry>> manual_queue(db::Store& store, QueueItems which) {
  return store.read<std::vector<ManualEntry>>(
      [&](db::Transaction& tx) -> Result<std::vector<ManualEntry>> {
        TRY_ASSIGN(auto items,
                   tx.list_manual(which == QueueItems::open ? std::optional(db::ManualStatus::open)
                                                            : std::nullopt));
        std::vector<ManualEntry> entries;
        entries.reserve(items.size());
        for (db::ManualItem& item : items) {
          TRY_ASSIGN(auto entry, with_scan(tx, std::move(item)));
          entries.push_back(std::move(entry));
        }
        return entries;
      });
}

Result<ManualEntry> manual_entry(db::Store& store, db::Id id) {
  return store.read<ManualEntry>([&](db::Transaction& tx) -> Result<ManualEntry> {
    TRY_ASSIGN(auto item, tx.get_manual(id));
    if (!item) {
      return common::make_error(common::ErrorCode::not_found, msg::no_manual_item,
                                {{"manual", id}});
    }
    return with_scan(tx, std::move(*item));
  });
}

Result<std::optional<db::Scan>> find_scan(db::Store& store, db::Id id) {
  return store.read<std::optional<db::Scan>>([&](db::Transaction& tx) { return tx.get_scan(id); });
}

Result<std::optional<db::Batch>> find_batch(db::Store& store, const std::string& name) {
  return store.read<std::optional<db::Batch>>(
      [&](db::Transaction& tx) { return tx.find_batch(name); });
}

Result<std::optional<db::Batch>> open_batch_of(db::Store& store, const std::string& login) {
  return store.read<std::optional<db::Batch>>(
      [&](db::Transaction& tx) { return tx.open_batch_of(login); });
}

Result<std::vector<db::Batch>> recent_batches(db::Store& store, int limit) {
  return store.read<std::vector<db::Batch>>(
      [&](db::Transaction& tx) { return tx.list_batches(limit); });
}

}  // namespace intake
