// Scans of envelopes and the codes read from each, the manual queue of envelopes a person must
// look at, and the carriers' handover batches with their manifests.
#include "db/detail/repository.hpp"

namespace db::detail {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;

constexpr char k_scan_columns[] =
    "id, scanned_at, station, source_name, image_hash, image_type, page, scan_error, batch_id, "
    "shipment_id, dossier_id, outcome, idempotency_key";

Scan read_scan(RowReader& r) {
  Scan scan;
  scan.id = r.id();
  scan.scanned_at = r.next<Timestamp>();
  scan.station = r.next<std::string>();
  scan.source_name = r.next<std::string>();
  scan.image_hash = r.next<std::string>();
  scan.image_type = r.next<std::string>();
  scan.page = r.next<int>();
  scan.scan_error = r.next<std::string>();
  scan.batch_id = r.next<std::optional<Id>>();
  scan.shipment_id = r.next<std::optional<Id>>();
  scan.dossier_id = r.next<std::optional<Id>>();
  scan.outcome = r.next<ScanOutcome>();
  scan.idempotency_key = r.next<std::optional<std::string>>().value_or("");
  return scan;
}

constexpr char k_scan_code_columns[] = "seq, format, kind, text, tracking_number, problem";

ScanCode read_scan_code(RowReader& r) {
  ScanCode c;
  c.seq = r.next<int>();
  c.format = r.next<std::string>();
  c.kind = r.next<std::string>();
  c.text = r.next<std::string>();
  c.tracking_number = r.next<std::string>();
  c.problem = r.next<std::string>();
  return c;
}

// Qualified: find_open_manual_by_image joins scans, whose columns share some of these names.
constexpr char k_manual_columns[] =
    "m.id, m.scan_id, m.reason_code, m.reason, m.status, m.created_at, m.resolved_at, "
    "m.resolved_by, m.dossier_id";

ManualItem read_manual(RowReader& r) {
  ManualItem m;
  m.id = r.id();
  m.scan_id = r.next<Id>();
  m.reason_code = r.next<std::string>();
  m.reason = r.next<std::string>();
  m.status = r.next<ManualStatus>();
  m.created_at = r.next<Timestamp>();
  m.resolved_at = r.next<std::optional<Timestamp>>();
  m.resolved_by = r.next<std::string>();
  m.dossier_id = r.next<std::optional<Id>>();
  return m;
}

constexpr char k_batch_columns[] =
    "id, name, carrier, handed_over_at, received_by, closed_at, closed_by";

Batch read_batch_row(RowReader& r) {
  Batch b;
  b.id = r.id();
  b.name = r.next<std::string>();
  b.carrier = r.next<std::string>();
  b.handed_over_at = r.next<Timestamp>();
  b.received_by = r.next<std::string>();
  b.closed_at = r.next<std::optional<Timestamp>>();
  b.closed_by = r.next<std::string>();
  return b;
}

}  // namespace

Result<Id> Repository::insert_scan(const Scan& scan) {
  return guarded("saving the scan", [&]() -> Result<Id> {
    const Id id = insert(
        "INSERT INTO scans(scanned_at, station, source_name, image_hash, image_type, page, "
        "scan_error, batch_id, shipment_id, dossier_id, outcome, idempotency_key) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        scan.scanned_at, scan.station, scan.source_name, scan.image_hash, scan.image_type,
        scan.page, scan.scan_error, scan.batch_id, scan.shipment_id, scan.dossier_id, scan.outcome,
        null_if_empty(scan.idempotency_key));
    auto& code = c_.prepare(
        "INSERT INTO scan_codes(scan_id, seq, format, kind, text, tracking_number, problem) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    for (const ScanCode& c : scan.codes) {
      code.reset();
      bind_all(code, id, c.seq, c.format, c.kind, c.text, c.tracking_number, c.problem);
      code.exec();
    }
    return id;
  });
}

std::vector<ScanCode> Repository::codes_of(Id scan_id) {
  static constexpr auto k_sql =
      sql("SELECT ", k_scan_code_columns, " FROM scan_codes WHERE scan_id = ? ORDER BY seq");
  return read_all(query(k_sql.data(), scan_id), "scan_codes", read_scan_code);
}

std::vector<Scan> Repository::read_scans(Statement& s) {
  // Every scan first, then their codes: the codes' statement must not run inside the scans'.
  std::vector<Scan> out = read_all(s, "scans", read_scan);
  for (Scan& scan : out) scan.codes = codes_of(scan.id);
  return out;
}

Result<std::optional<Scan>> Repository::get_scan(Id id) {
  return guarded("reading a scan", [&]() -> Result<std::optional<Scan>> {
    static constexpr auto k_sql = sql("SELECT ", k_scan_columns, " FROM scans WHERE id = ?");
    auto scans = read_scans(query(k_sql.data(), id));
    if (scans.empty()) return std::optional<Scan>{};
    return std::optional<Scan>{std::move(scans.front())};
  });
}

Result<std::optional<Scan>> Repository::find_scan_by_key(const std::string& key) {
  return guarded("reading a scan", [&]() -> Result<std::optional<Scan>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_scan_columns, " FROM scans WHERE idempotency_key = ?");
    auto scans = read_scans(query(k_sql.data(), key));
    if (scans.empty()) return std::optional<Scan>{};
    return std::optional<Scan>{std::move(scans.front())};
  });
}

Result<std::vector<Scan>> Repository::scans_of(Id dossier_id) {
  return guarded("reading scans", [&]() -> Result<std::vector<Scan>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_scan_columns, " FROM scans WHERE dossier_id = ? ORDER BY id");
    return read_scans(query(k_sql.data(), dossier_id));
  });
}

Result<std::vector<Scan>> Repository::scans_of_batch(Id batch_id) {
  return guarded("reading scans", [&]() -> Result<std::vector<Scan>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_scan_columns, " FROM scans WHERE batch_id = ? ORDER BY id");
    return read_scans(query(k_sql.data(), batch_id));
  });
}

Result<void> Repository::replace_code_text(Id scan_id, const std::string& kind,
                                           const std::string& text) {
  return guarded("updating scan codes", [&]() -> Result<void> {
    query("UPDATE scan_codes SET text = ? WHERE scan_id = ? AND kind = ?", text, scan_id, kind)
        .exec();
    return {};
  });
}

Result<int> Repository::scan_count(Id dossier_id) {
  return guarded("counting scans", [&]() -> Result<int> {
    return static_cast<int>(
        returned_int(query("SELECT count(*) FROM scans WHERE dossier_id = ?", dossier_id)));
  });
}

Result<void> Repository::update_scan_link(Id scan_id, Id shipment_id, Id dossier_id,
                                          ScanOutcome outcome) {
  return guarded("updating a scan", [&]() -> Result<void> {
    auto& s = query("UPDATE scans SET shipment_id = ?, dossier_id = ?, outcome = ? WHERE id = ?",
                    shipment_id, dossier_id, outcome, scan_id);
    if (s.exec() != 1) return make_error(ErrorCode::not_found, fmt::format("no scan {}", scan_id));
    return {};
  });
}

Result<int> Repository::link_manual_rescans(const std::string& image_hash, int page, Id shipment_id,
                                            Id dossier_id) {
  return guarded("updating scans", [&]() -> Result<int> {
    return query(
               "UPDATE scans SET shipment_id = ?, dossier_id = ?, outcome = 'resolved' "
               "WHERE image_hash = ? AND page = ? AND outcome = 'manual' AND dossier_id IS NULL",
               shipment_id, dossier_id, image_hash, page)
        .exec();
  });
}

Result<Id> Repository::insert_manual(const ManualItem& m) {
  return guarded("adding to the manual queue", [&]() -> Result<Id> {
    return insert(
        "INSERT INTO manual_queue(scan_id, reason_code, reason, status, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        m.scan_id, m.reason_code, m.reason, m.status, m.created_at);
  });
}

Result<std::optional<ManualItem>> Repository::get_manual(Id id) {
  return guarded("reading the manual queue", [&]() -> Result<std::optional<ManualItem>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_manual_columns, " FROM manual_queue m WHERE m.id = ?");
    return read_one(query(k_sql.data(), id), "manual_queue", read_manual);
  });
}

Result<std::optional<ManualItem>> Repository::find_open_manual_by_image(
    const std::string& image_hash, int page) {
  return guarded("reading the manual queue", [&]() -> Result<std::optional<ManualItem>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_manual_columns,
            " FROM manual_queue m JOIN scans s ON s.id = m.scan_id "
            "WHERE m.status = 'open' AND s.image_hash = ? AND s.page = ? ORDER BY m.id LIMIT 1");
    return read_one(query(k_sql.data(), image_hash, page), "manual_queue", read_manual);
  });
}

Result<std::vector<ManualItem>> Repository::list_manual(std::optional<ManualStatus> status) {
  return guarded("reading the manual queue", [&]() -> Result<std::vector<ManualItem>> {
    static constexpr auto k_all =
        sql("SELECT ", k_manual_columns, " FROM manual_queue m ORDER BY m.id");
    static constexpr auto k_by_status =
        sql("SELECT ", k_manual_columns, " FROM manual_queue m WHERE m.status = ? ORDER BY m.id");
    auto& s = status ? query(k_by_status.data(), *status) : query(k_all.data());
    return read_all(s, "manual_queue", read_manual);
  });
}

Result<void> Repository::close_manual(Id id, ManualStatus status, Timestamp at,
                                      const std::string& by, std::optional<Id> dossier_id) {
  return guarded("closing a manual-queue item", [&]() -> Result<void> {
    auto& s = query(
        "UPDATE manual_queue SET status = ?, resolved_at = ?, resolved_by = ?, dossier_id = ? "
        "WHERE id = ? AND status = 'open'",
        status, at, by, dossier_id, id);
    if (s.exec() != 1) {
      return make_error(ErrorCode::not_found,
                        fmt::format("manual-queue item {} is not open (or does not exist)", id));
    }
    return {};
  });
}

Result<Id> Repository::insert_batch(const Batch& b) {
  return guarded(fmt::format("saving handover batch '{}'", b.name), [&]() -> Result<Id> {
    const Id id = insert(
        "INSERT INTO batches(name, carrier, handed_over_at, received_by) VALUES (?, ?, ?, ?)",
        b.name, b.carrier, b.handed_over_at, b.received_by);
    TRY(add_to_manifest(id, b.manifest));
    return id;
  });
}

Result<void> Repository::add_to_manifest(Id id, const std::vector<std::string>& numbers) {
  return guarded("saving a handover manifest", [&]() -> Result<void> {
    auto& item = c_.prepare(
        "INSERT INTO batch_manifest(batch_id, tracking_number) VALUES (?, ?) "
        "ON CONFLICT(batch_id, tracking_number) DO NOTHING");
    for (const std::string& number : numbers) {
      item.reset();
      bind_all(item, id, number);
      item.exec();
    }
    return {};
  });
}

Result<void> Repository::clear_manifest(Id id) {
  return guarded("replacing a handover manifest", [&]() -> Result<void> {
    query("DELETE FROM batch_manifest WHERE batch_id = ?", id).exec();
    return {};
  });
}

Result<void> Repository::set_batch_receiver(Id id, const std::string& received_by) {
  return guarded("handing a handover batch to another clerk", [&]() -> Result<void> {
    auto& s = query("UPDATE batches SET received_by = ? WHERE id = ?", received_by, id);
    if (s.exec() != 1) {
      return make_error(ErrorCode::not_found, fmt::format("no handover batch #{}", id));
    }
    return {};
  });
}

Result<std::optional<Batch>> Repository::open_batch_of(const std::string& received_by) {
  return guarded("reading the open handover batch", [&]() -> Result<std::optional<Batch>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_batch_columns,
            " FROM batches WHERE received_by = ? AND closed_at IS NULL ORDER BY id DESC LIMIT 1");
    return read_batch(query(k_sql.data(), received_by));
  });
}

Result<std::vector<Batch>> Repository::list_batches(int limit) {
  return guarded("listing handover batches", [&]() -> Result<std::vector<Batch>> {
    static constexpr auto k_sql =
        sql("SELECT ", k_batch_columns,
            ", (SELECT count(*) FROM scans WHERE scans.batch_id = batches.id)"
            " FROM batches ORDER BY handed_over_at DESC, id DESC LIMIT ?");
    return read_all(query(k_sql.data(), limit), "batches", [](RowReader& r) {
      Batch b = read_batch_row(r);
      b.scans = static_cast<int>(r.next<std::int64_t>());
      return b;
    });
  });
}

Result<void> Repository::set_batch_closed(Id id, std::optional<Timestamp> at,
                                          const std::string& by) {
  return guarded("closing a handover batch", [&]() -> Result<void> {
    auto& s = query("UPDATE batches SET closed_at = ?, closed_by = ? WHERE id = ?", at, by, id);
    if (s.exec() != 1) {
      return make_error(ErrorCode::not_found, fmt::format("no handover batch #{}", id));
    }
    return {};
  });
}

std::optional<Batch> Repository::read_batch(Statement& s) {
  auto batch = read_one(s, "batches", read_batch_row);
  if (!batch) return batch;
  auto& m = query(
      "SELECT tracking_number FROM batch_manifest WHERE batch_id = ? ORDER BY tracking_number",
      batch->id);
  batch->manifest =
      read_all(m, "batch_manifest", [](RowReader& r) { return r.next<std::string>(); });
  return batch;
}

Result<std::optional<Batch>> Repository::find_batch(const std::string& name) {
  return guarded("reading a handover batch", [&]() -> Result<std::optional<Batch>> {
    static constexpr auto k_sql = sql("SELECT ", k_batch_columns, " FROM batches WHERE name = ?");
    return read_batch(query(k_sql.data(), name));
  });
}

Result<std::optional<Batch>> Repository::get_batch(Id id) {
  return guarded("reading a handover batch", [&]() -> Result<std::optional<Batch>> {
    static constexpr auto k_sql = sql("SELECT ", k_batch_columns, " FROM batches WHERE id = ?");
    return read_batch(query(k_sql.data(), id));
  });
}

}  // namespace db::detail
