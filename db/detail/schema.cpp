#include "db/detail/schema.hpp"

#include <array>

namespace db::detail {
namespace {

// Times are INTEGER seconds since 1970 UTC (shown in Vietnam time by the programs); dates are TEXT
// 'YYYY-MM-DD'. Enumerations are TEXT with CHECK constraints, so the file explains itself.
constexpr const char* k_v1 = R"sql(
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE agencies (
  id   INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL
);

CREATE TABLE procedures (
  id             INTEGER PRIMARY KEY,
  code           TEXT NOT NULL,
  version        INTEGER NOT NULL CHECK (version >= 1),
  name           TEXT NOT NULL,
  field          TEXT NOT NULL,
  time_amount    INTEGER NOT NULL CHECK (time_amount >= 0),
  time_unit      TEXT NOT NULL CHECK (time_unit IN ('working_days', 'working_hours')),
  effective_from TEXT NOT NULL,
  UNIQUE (code, version)
);

CREATE TABLE calendar_days (
  day  TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('off', 'work')),
  name TEXT NOT NULL
);

CREATE TABLE batches (
  id             INTEGER PRIMARY KEY,
  name           TEXT NOT NULL UNIQUE,
  carrier        TEXT NOT NULL,
  handed_over_at INTEGER NOT NULL,
  received_by    TEXT NOT NULL
);

CREATE TABLE batch_manifest (
  batch_id        INTEGER NOT NULL REFERENCES batches(id),
  tracking_number TEXT NOT NULL,
  PRIMARY KEY (batch_id, tracking_number)
);

CREATE TABLE dossiers (
  id                INTEGER PRIMARY KEY,
  code              TEXT UNIQUE,
  agency_id         INTEGER NOT NULL REFERENCES agencies(id),
  procedure_id      INTEGER REFERENCES procedures(id),
  procedure_version INTEGER,
  channel           INTEGER NOT NULL CHECK (channel IN (1, 2, 3)),
  state             TEXT NOT NULL,
  national_status   INTEGER NOT NULL CHECK (national_status BETWEEN 1 AND 10),
  filed_at          INTEGER NOT NULL,
  due_at            INTEGER,
  lookup_code       TEXT NOT NULL,
  supplement_count  INTEGER NOT NULL DEFAULT 0,
  reappointed       INTEGER NOT NULL DEFAULT 0 CHECK (reappointed IN (0, 1)),
  portal_code       TEXT NOT NULL DEFAULT '',
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
);
CREATE INDEX dossiers_by_state ON dossiers(state, filed_at);
CREATE INDEX dossiers_by_filed ON dossiers(filed_at);

CREATE TABLE applicants (
  id            INTEGER PRIMARY KEY,
  dossier_id    INTEGER NOT NULL UNIQUE REFERENCES dossiers(id),
  id_number     TEXT NOT NULL,
  old_id_number TEXT NOT NULL DEFAULT '',
  full_name     TEXT NOT NULL,
  birth_date    TEXT,
  sex           TEXT NOT NULL DEFAULT '',
  address       TEXT NOT NULL DEFAULT '',
  issue_date    TEXT,
  source        TEXT NOT NULL CHECK (source IN ('id_card_qr', 'typed'))
);
CREATE INDEX applicants_by_id_number ON applicants(id_number);

-- (tracking number, direction, year of first sighting) is the identity of a postal item: carriers
-- reuse numbers after 12 months. This constraint is the last line against double registration.
CREATE TABLE shipments (
  id              INTEGER PRIMARY KEY,
  carrier         TEXT NOT NULL,
  tracking_number TEXT NOT NULL,
  year            INTEGER NOT NULL,
  direction       TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  status          TEXT NOT NULL,
  dossier_id      INTEGER REFERENCES dossiers(id),
  first_seen_at   INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (tracking_number, direction, year)
);
CREATE INDEX shipments_by_dossier ON shipments(dossier_id);

CREATE TABLE scans (
  id              INTEGER PRIMARY KEY,
  scanned_at      INTEGER NOT NULL,
  station         TEXT NOT NULL,
  source_name     TEXT NOT NULL,
  image_hash      TEXT NOT NULL DEFAULT '',
  image_type      TEXT NOT NULL DEFAULT '',
  page            INTEGER NOT NULL DEFAULT 0,
  scan_error      TEXT NOT NULL DEFAULT '',
  batch_id        INTEGER REFERENCES batches(id),
  shipment_id     INTEGER REFERENCES shipments(id),
  dossier_id      INTEGER REFERENCES dossiers(id),
  outcome         TEXT NOT NULL
                  CHECK (outcome IN ('registered', 'already_registered', 'manual', 'resolved')),
  idempotency_key TEXT UNIQUE
);
CREATE INDEX scans_by_dossier ON scans(dossier_id);
CREATE INDEX scans_by_batch ON scans(batch_id);
CREATE INDEX scans_by_image ON scans(image_hash, page);

CREATE TABLE scan_codes (
  scan_id         INTEGER NOT NULL REFERENCES scans(id),
  seq             INTEGER NOT NULL,
  format          TEXT NOT NULL,
  kind            TEXT NOT NULL,
  text            TEXT NOT NULL,
  tracking_number TEXT NOT NULL DEFAULT '',
  problem         TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (scan_id, seq)
);

CREATE TABLE manual_queue (
  id          INTEGER PRIMARY KEY,
  scan_id     INTEGER NOT NULL UNIQUE REFERENCES scans(id),
  reason_code TEXT NOT NULL,
  reason      TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'dismissed')),
  created_at  INTEGER NOT NULL,
  resolved_at INTEGER,
  resolved_by TEXT NOT NULL DEFAULT '',
  dossier_id  INTEGER REFERENCES dossiers(id)
);
CREATE INDEX manual_by_status ON manual_queue(status);

-- Append-only: every change to the records above writes a row here in the same transaction.
CREATE TABLE events (
  id        INTEGER PRIMARY KEY,
  at        INTEGER NOT NULL,
  actor     TEXT NOT NULL,
  entity    TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  action    TEXT NOT NULL,
  reason    TEXT NOT NULL DEFAULT '',
  data      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_by_entity ON events(entity, entity_id, id);
CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
)sql";

// v2: what the carrier says about each shipment. Events are keyed by what identifies a
// happening (time, carrier code, place), so the same event polled twice, pushed by webhook and
// polled, or repeated by the carrier is stored once.
constexpr const char* k_v2 = R"sql(
ALTER TABLE shipments ADD COLUMN synced_at INTEGER;
ALTER TABLE shipments ADD COLUMN last_event_at INTEGER;
CREATE INDEX shipments_by_status ON shipments(carrier, status);

CREATE TABLE carrier_events (
  id            INTEGER PRIMARY KEY,
  shipment_id   INTEGER NOT NULL REFERENCES shipments(id),
  event_key     TEXT NOT NULL,
  occurred_at   INTEGER NOT NULL,
  carrier_code  TEXT NOT NULL,
  status        TEXT NOT NULL,
  location_code TEXT NOT NULL DEFAULT '',
  location      TEXT NOT NULL DEFAULT '',
  description   TEXT NOT NULL DEFAULT '',
  source        TEXT NOT NULL CHECK (source IN ('poll', 'webhook', 'manual')),
  recorded_at   INTEGER NOT NULL,
  UNIQUE (shipment_id, event_key)
);
CREATE INDEX carrier_events_by_time ON carrier_events(shipment_id, occurred_at, id);
CREATE TRIGGER carrier_events_are_append_only_update BEFORE UPDATE ON carrier_events
BEGIN SELECT RAISE(ABORT, 'carrier events are append-only'); END;
CREATE TRIGGER carrier_events_are_append_only_delete BEFORE DELETE ON carrier_events
BEGIN SELECT RAISE(ABORT, 'carrier events are append-only'); END;
)sql";

// v3: the dossier lifecycle. The per-agency, per-day sequence behind dossier codes (docs/domain.md
// §3: "000.00.05.H12-260302-0001") is a row incremented in the accepting transaction, so
// two desks accepting at once never get the same number. clock_started_at is when the complete
// dossier arrived after a supplement request: the deadline counts from there (NULL: from filed_at).
constexpr const char* k_v3 = R"sql(
CREATE TABLE dossier_code_sequences (
  agency_id INTEGER NOT NULL REFERENCES agencies(id),
  day       TEXT NOT NULL,
  last      INTEGER NOT NULL CHECK (last >= 1),
  PRIMARY KEY (agency_id, day)
);

ALTER TABLE dossiers ADD COLUMN clock_started_at INTEGER;
CREATE INDEX dossiers_by_due ON dossiers(due_at) WHERE due_at IS NOT NULL;
)sql";

// v4: return dispatch. The applicant's phone and the address the result goes back to
// (typed by staff from the consignment note; the ID card has neither). A return shipment keeps our
// order code (the carrier's idempotency key) and the carrier's order id (needed to cancel it).
constexpr const char* k_v4 = R"sql(
ALTER TABLE applicants ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE applicants ADD COLUMN return_address TEXT NOT NULL DEFAULT '';
ALTER TABLE shipments ADD COLUMN order_code TEXT NOT NULL DEFAULT '';
ALTER TABLE shipments ADD COLUMN carrier_order_id TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX shipments_by_order_code ON shipments(carrier, order_code) WHERE order_code <> '';
)sql";

// v5: return orders written before the carrier call (tracking/dispatch): the order code a retry
// reuses, and for whom it was made, so a retry after the receiver changed cancels the old order
// instead of reusing it.
constexpr const char* k_v5 = R"sql(
CREATE TABLE return_orders (
  id                   INTEGER PRIMARY KEY,
  dossier_id           INTEGER NOT NULL REFERENCES dossiers(id),
  carrier              TEXT NOT NULL,
  order_code           TEXT NOT NULL,
  receiver_fingerprint TEXT NOT NULL,
  state                TEXT NOT NULL CHECK (state IN ('open', 'stored', 'cancelled')),
  created_at           INTEGER NOT NULL,
  closed_at            INTEGER,
  UNIQUE (carrier, order_code)
);
CREATE INDEX return_orders_by_dossier ON return_orders(dossier_id);
)sql";

// v6: staff who log in: users with a role and an Argon2id password hash, their sessions
// (only a SHA-256 of the cookie is kept), and API tokens for scanning stations (hashed likewise).
constexpr const char* k_v6 = R"sql(
CREATE TABLE users (
  id                  INTEGER PRIMARY KEY,
  login               TEXT NOT NULL UNIQUE,
  name                TEXT NOT NULL,
  role                TEXT NOT NULL CHECK (role IN ('mailroom', 'officer', 'admin')),
  password_hash       TEXT NOT NULL,
  disabled            INTEGER NOT NULL DEFAULT 0,
  created_at          INTEGER NOT NULL,
  password_changed_at INTEGER NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);
CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  token_hash   TEXT NOT NULL UNIQUE,
  role         TEXT NOT NULL CHECK (role IN ('mailroom')),
  created_by   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  revoked_at   INTEGER,
  last_used_at INTEGER
);
)sql";

// v7: the staff's name search as an indexed query. Each applicant's name folded for search
// (common::search_words joined by single spaces: "Nguyễn Thị Lan" -> "nguyen thi lan"), and its
// keys: the folded name from each of its words on ("nguyen thi lan", "thi lan", "lan"), so the
// words a clerk types, in order, the last one perhaps unfinished ("thi la"), are a range of the
// primary key instead of a pass over every dossier. Each key keeps its dossier's filing time
// (which never changes), so a page of the newest matches is chosen from the index alone. The engine
// provides hoso_search_name(full_name) and hoso_name_keys(full_name) (a JSON array of the keys) to
// fill both for the rows already stored; the repository keeps them up to date as applicants are
// written.
constexpr const char* k_v7 = R"sql(
ALTER TABLE applicants ADD COLUMN search_name TEXT NOT NULL DEFAULT '';
CREATE TABLE applicant_name_keys (
  name_key   TEXT NOT NULL,
  dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
  filed_at   INTEGER NOT NULL,
  PRIMARY KEY (name_key, dossier_id)
) WITHOUT ROWID;
UPDATE applicants SET search_name = hoso_search_name(full_name);
INSERT INTO applicant_name_keys(name_key, dossier_id, filed_at)
  SELECT k.value, a.dossier_id, d.filed_at
  FROM applicants a JOIN dossiers d ON d.id = a.dossier_id, json_each(hoso_name_keys(a.full_name)) k
  WHERE TRUE
  ON CONFLICT DO NOTHING;
)sql";

// v8: the webhook deliveries seen, the durable replay memory of the carriers' pushes
// (tracking::apply_webhook): a delivery is remembered by its carrier and key (the hex SHA-256 of
// its signature) in the transaction that applies it, and refused when it comes again. sent_at is
// the carrier's SendDate: a delivery is forgotten once it is so old that the carrier client would
// refuse it as stale anyway, a bounded number per webhook, oldest first (hence the index).
constexpr const char* k_v8 = R"sql(
CREATE TABLE webhook_deliveries (
  carrier      TEXT NOT NULL,
  delivery_key TEXT NOT NULL,
  sent_at      INTEGER NOT NULL,
  received_at  INTEGER NOT NULL,
  PRIMARY KEY (carrier, delivery_key)
) WITHOUT ROWID;
CREATE INDEX webhook_deliveries_by_sent ON webhook_deliveries(sent_at);
)sql";

// v9: the orders of the staff's dossier list (db::DossierSort), each an index read in order, so
// a page of any order, deep or not, reads its rows and the rows it skips, not the whole table
// (bench/list_bench: 20-130 ms a sorted page at 10^5 dossiers without them). A dossier without a
// due date or code comes last in both directions: (x IS NULL, x) read forwards, (x IS NOT NULL,
// x) backwards. The state order is the national status code's, then the state, then filing.
// IF NOT EXISTS: indexes only, so running it over a file that has them changes nothing.
constexpr const char* k_v9 = R"sql(
CREATE INDEX IF NOT EXISTS dossiers_by_due_ascending ON dossiers(due_at IS NULL, due_at);
CREATE INDEX IF NOT EXISTS dossiers_by_due_descending ON dossiers(due_at IS NOT NULL, due_at);
CREATE INDEX IF NOT EXISTS dossiers_by_code_ascending ON dossiers(code IS NULL, code);
CREATE INDEX IF NOT EXISTS dossiers_by_code_descending ON dossiers(code IS NOT NULL, code);
CREATE INDEX IF NOT EXISTS dossiers_by_national_status
  ON dossiers(national_status, state, filed_at);
)sql";

// v10: a handover batch is open until the clerk closes it (closed_at NULL): the page of any tab
// or login finds the clerk's open batch on the server, and closed batches are listed to reprint.
// Batches of earlier versions count as closed (set to when they were handed over).
constexpr const char* k_v10 = R"sql(
ALTER TABLE batches ADD COLUMN closed_at INTEGER;
ALTER TABLE batches ADD COLUMN closed_by TEXT NOT NULL DEFAULT '';
UPDATE batches SET closed_at = handed_over_at;
CREATE INDEX batches_open_by_clerk ON batches(received_by, closed_at);
)sql";

// v11: a staff user's title (chức vụ: "Chuyên viên", "Phó Giám đốc Trung tâm"), printed under the
// full name in the forms' signature blocks; users of earlier versions have none ('').
constexpr const char* k_v11 = R"sql(
ALTER TABLE users ADD COLUMN title TEXT NOT NULL DEFAULT '';
)sql";

// v12: how each dossier's result goes back, as the citizen chose (docs/domain.md §1.5): posted
// back ('post', the default for a dossier received by post, so every dossier of earlier versions)
// or collected at the desk ('desk'); and, for a result collected at the desk, who received it.
// The recipient's name and ID number are personal data, kept like the applicant's. Plain
// ALTER TABLE ... ADD COLUMN with a CHECK and a CREATE TABLE: PostgreSQL accepts both as written
// (BIGINT in place of INTEGER for the times there).
constexpr const char* k_v12 = R"sql(
ALTER TABLE dossiers ADD COLUMN result_delivery TEXT NOT NULL DEFAULT 'post'
  CHECK (result_delivery IN ('post', 'desk'));
CREATE TABLE result_collections (
  dossier_id          INTEGER PRIMARY KEY REFERENCES dossiers(id),
  collected_at        INTEGER NOT NULL,
  officer             TEXT NOT NULL,
  recipient_kind      TEXT NOT NULL CHECK (recipient_kind IN ('citizen', 'authorised')),
  recipient_name      TEXT NOT NULL,
  recipient_id_number TEXT NOT NULL
);
)sql";

// v13: fees (docs/domain.md §5.5): each procedure's fees and charges and whether its rules leave
// the wait for the citizen's financial obligations out of the processing time (every procedure of
// earlier versions: free, and the clock runs); and the receipts of the fees paid for a dossier.
// The payer's name is personal data, kept like the applicant's.
constexpr const char* k_v13 = R"sql(
ALTER TABLE procedures ADD COLUMN fee_vnd INTEGER NOT NULL DEFAULT 0 CHECK (fee_vnd >= 0);
ALTER TABLE procedures ADD COLUMN fees_pause_clock INTEGER NOT NULL DEFAULT 0
  CHECK (fees_pause_clock IN (0, 1));
CREATE TABLE fee_receipts (
  id             INTEGER PRIMARY KEY,
  dossier_id     INTEGER NOT NULL REFERENCES dossiers(id),
  amount_vnd     INTEGER NOT NULL CHECK (amount_vnd > 0),
  payer          TEXT NOT NULL,
  receipt_number TEXT NOT NULL,
  method         TEXT NOT NULL CHECK (method IN ('desk', 'post', 'online')),
  paid_at        INTEGER NOT NULL,
  recorded_by    TEXT NOT NULL,
  UNIQUE (dossier_id, receipt_number)
);
)sql";

// v14: letters back by post (docs/domain.md §1.5b): what each outbound shipment, and each return
// order written before it, carries to the citizen: the result ('result', so every row of earlier
// versions) or one of the desk's letters (the receipt, the supplement request, the refusal with
// the original documents, the apology, the stop notice: forms 01-05). A letter's shipment never
// moves the dossier. Plain ALTER TABLE ... ADD COLUMN with a CHECK, as v12.
constexpr const char* k_v14 = R"sql(
ALTER TABLE shipments ADD COLUMN purpose TEXT NOT NULL DEFAULT 'result'
  CHECK (purpose IN ('result', 'receipt', 'supplement', 'refusal', 'apology', 'stop'));
ALTER TABLE return_orders ADD COLUMN purpose TEXT NOT NULL DEFAULT 'result'
  CHECK (purpose IN ('result', 'receipt', 'supplement', 'refusal', 'apology', 'stop'));
)sql";

// v15: handovers between units (docs/domain.md §1.4a; Decree 118/2025 Art. 20): the unit that
// decides a procedure when it is not the desk (procedures.competent_level and competent_unit, ''
// for the desk itself, so every procedure of earlier versions), and one row per handover of a
// dossier between the desk and another unit, the return to the desk included (back_to_desk = 1).
// People: a staff user who hands over or receives at the desk is the row's actor (a login,
// named by users.full_name and title on the control sheet); the other unit's people are typed
// (from_person, to_person). Those names are personal data: staff pages and form 06 only, never
// the event log or the citizen's lookup. Self-contained: nothing else in this version.
constexpr const char* k_v15 = R"sql(
ALTER TABLE procedures ADD COLUMN competent_level TEXT NOT NULL DEFAULT '';
ALTER TABLE procedures ADD COLUMN competent_unit TEXT NOT NULL DEFAULT '';
CREATE TABLE unit_handovers (
  id           INTEGER PRIMARY KEY,
  dossier_id   INTEGER NOT NULL REFERENCES dossiers(id),
  at           INTEGER NOT NULL,
  from_unit    TEXT NOT NULL,
  from_person  TEXT NOT NULL DEFAULT '',
  to_unit      TEXT NOT NULL,
  to_person    TEXT NOT NULL DEFAULT '',
  note         TEXT NOT NULL DEFAULT '',
  actor        TEXT NOT NULL,
  back_to_desk INTEGER NOT NULL DEFAULT 0 CHECK (back_to_desk IN (0, 1))
);
CREATE INDEX unit_handovers_by_dossier ON unit_handovers(dossier_id, at, id);
)sql";

// v16: each unit's deadline on a handover (docs/domain.md §1.4a; Decree 118/2025 Art. 20(2): the
// "Phiếu chuyển xử lý" states each agency's deadline): NULL for a handover back to the desk, for
// one given no deadline, and for every row of earlier versions. The partial index serves the list
// of handovers past their unit's deadline (tracking::DueReport::handovers_overdue).
// Self-contained: nothing else in this version.
constexpr const char* k_v16 = R"sql(
ALTER TABLE unit_handovers ADD COLUMN due_at INTEGER;
CREATE INDEX unit_handovers_by_due ON unit_handovers(due_at) WHERE due_at IS NOT NULL;
)sql";

constexpr std::array<const char*, 16> k_migrations = {k_v1,  k_v2,  k_v3,  k_v4,  k_v5,  k_v6,
                                                      k_v7,  k_v8,  k_v9,  k_v10, k_v11, k_v12,
                                                      k_v13, k_v14, k_v15, k_v16};

}  // namespace

std::span<const char* const> migrations() { return k_migrations; }

}  // namespace db::detail
