// The registry's storage: a Store runs units of work, each in one transaction, over repositories
// for the records in db/records.hpp. Two engines serve it with the same repositories: SQLite, one
// desk's embedded file (open_sqlite), and PostgreSQL, a province's shared database
// (open_postgres); open_store picks one by the --db value. The interface is what intake/ and
// tracking/ see. Knows nothing about barcodes, carriers or the legal workflow.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "db/records.hpp"

namespace db {

// The orders of the dossier list. Every order ends with the dossier's id, so that a dossier has
// one place in it and pages (offset, limit) never overlap. Dossiers without a due date or a code
// come after those with one, in both directions.
enum class DossierSort {
  filed_at,  // filing time
  due_at,    // due date
  code,      // dossier code
  state,     // state, in the order of the national status codes, then filing time
};

// Filters for listing dossiers; empty fields do not filter.
struct DossierFilter {
  std::optional<DossierState> state;
  std::optional<Timestamp> filed_from;  // inclusive
  std::optional<Timestamp> filed_to;    // exclusive
  std::string field;                    // the procedure's field ("dat_dai")
  std::optional<Id> batch_id;
  int limit = 1000;
  std::vector<DossierState> states;     // any of these (as well as `state`, when set)
  std::optional<Timestamp> due_before;  // due_at set and earlier than this (exclusive)
  DossierSort sort = DossierSort::filed_at;
  bool descending = false;             // of `sort`: for the filing time, newest first
  std::int64_t offset = 0;             // dossiers of the order skipped before the first listed
  std::optional<std::vector<Id>> ids;  // only these dossiers (an empty list: none)
  // Only dossiers whose applicant's name has these words one after the other, the last perhaps
  // unfinished, folded as common::search_words makes them ({"thi", "la"} finds "Nguyễn Thị
  // Lan"). Answered through the index of names (schema v7), never by reading every applicant: the
  // matches are counted in the index first (up to sqrt(limit * dossiers)); when they are more,
  // the dossiers are read in order and stop at `limit` matches.
  std::vector<std::string> name_words;
  std::optional<ResultDelivery> result_delivery;  // only dossiers whose result goes back so
};

// The keys a citizen's code gives (tracking::citizen_lookup), tried in this order: the tracking
// number of the dossier's inbound envelope, then of its return shipment, then the dossier code in
// standard form, then the dossier code as typed. Made by tracking/lookup from the text typed; the
// store applies no rule of its own to them. An empty tracking number or an unset code matches
// nothing.
struct PublicCodeKeys {
  std::string tracking_number;               // normalised ("EB123456785VN"), or ""
  std::optional<std::string> standard_code;  // "000.00.05.H12-260302-0001"
  std::optional<std::string> typed_code;     // the text as typed, trimmed
};

// What Transaction::match_public_code found: the dossier's id and lookup code, or id 0 (no
// dossier has it) and the stand-in the caller gave.
struct PublicCodeMatch {
  Id dossier_id = 0;
  std::string lookup_code;
};

struct Counts {
  std::int64_t dossiers = 0;
  std::int64_t scans = 0;
  std::int64_t shipments = 0;
  std::int64_t manual_open = 0;
  std::int64_t events = 0;
};

// The repositories, valid for one unit of work (one transaction). Methods fail with io_error when
// the database refuses (disk full, locked beyond the busy timeout), bad_input when a constraint is
// violated (the message names the record), internal otherwise. Not thread-safe: used by the thread
// that Store::write/read handed it to.
class Transaction {
 public:
  virtual ~Transaction() = default;

  // Settings: small key/value facts about this desk ("agency_code").
  virtual common::Result<std::optional<std::string>> setting(const std::string& key) = 0;
  virtual common::Result<void> set_setting(const std::string& key, const std::string& value) = 0;
  // The schema version the database file carries now: another process (a newer hoso) may have
  // migrated it since this one opened it.
  virtual common::Result<int> stored_schema_version() = 0;

  virtual common::Result<Id> upsert_agency(const Agency& agency) = 0;  // by code
  virtual common::Result<std::optional<Agency>> find_agency(const std::string& code) = 0;
  virtual common::Result<std::optional<Agency>> get_agency(Id id) = 0;

  // Inserts or replaces the procedure with the same (code, version).
  virtual common::Result<Id> upsert_procedure(const Procedure& procedure) = 0;
  virtual common::Result<std::vector<Procedure>> list_procedures() = 0;
  virtual common::Result<std::optional<Procedure>> get_procedure(Id id) = 0;

  virtual common::Result<void> put_calendar_day(const CalendarDay& day) = 0;  // replaces same date
  virtual common::Result<bool> remove_calendar_day(Date date) = 0;            // false: no such day
  virtual common::Result<std::vector<CalendarDay>> list_calendar_days() = 0;

  // The newest shipment with this number and direction first seen at or after `not_before`.
  virtual common::Result<std::optional<Shipment>> find_shipment(const std::string& tracking_number,
                                                                Direction direction,
                                                                Timestamp not_before) = 0;
  virtual common::Result<std::optional<Shipment>> get_shipment(Id id) = 0;
  // The shipment ordered from `carrier` with our order code `order_code`, if any.
  virtual common::Result<std::optional<Shipment>> find_shipment_by_order(
      const std::string& carrier, const std::string& order_code) = 0;
  virtual common::Result<std::vector<Shipment>> shipments_of(Id dossier_id) = 0;
  virtual common::Result<Id> insert_shipment(const Shipment& shipment) = 0;

  // Shipments of `carrier` the carrier may still move (status not delivered, returned or
  // cancelled) or never asked about, first seen at or after `not_before` (older ones are retired),
  // least recently synced first, at most `limit`.
  virtual common::Result<std::vector<Shipment>> shipments_to_sync(const std::string& carrier,
                                                                  Timestamp not_before,
                                                                  int limit) = 0;
  // Sets what the carrier last said: status, time of the latest event, when it answered.
  virtual common::Result<void> update_shipment_tracking(Id shipment_id, const std::string& status,
                                                        std::optional<Timestamp> last_event_at,
                                                        Timestamp synced_at) = 0;
  // Stores the event unless one with the same (shipment_id, key) is stored. Returns true iff new.
  virtual common::Result<bool> add_carrier_event(const CarrierEvent& event) = 0;
  // The shipment's carrier events by time of happening (then by arrival).
  virtual common::Result<std::vector<CarrierEvent>> carrier_events_of(Id shipment_id) = 0;

  // Webhook deliveries seen (schema v8): the desk's memory of the carriers' pushes it applied,
  // so that one sent again (a replay) is refused, after a restart too. A delivery is named by its
  // carrier and key (postal_api::WebhookDelivery::delivery_key).
  //
  // Remembers that `carrier` delivered `delivery_key`, sent at `sent_at` (the carrier's SendDate)
  // and received at `received_at`. Returns true iff it was not remembered yet; false, writing
  // nothing, when it was: a replay, which the caller refuses. Call it in the transaction that
  // applies the delivery, so a delivery is applied and remembered, or neither. Writers are
  // serialised, so of two identical deliveries at once exactly one gets true.
  virtual common::Result<bool> remember_webhook_delivery(const std::string& carrier,
                                                         const std::string& delivery_key,
                                                         Timestamp sent_at,
                                                         Timestamp received_at) = 0;
  // Forgets at most `limit` remembered deliveries, of any carrier, sent before `sent_before`,
  // oldest first. Returns how many. Bounded so that the caller (each webhook) does a bounded
  // amount of work however long nothing was forgotten.
  virtual common::Result<int> forget_webhook_deliveries(Timestamp sent_before, int limit) = 0;

  virtual common::Result<Id> insert_dossier(const Dossier& dossier) = 0;
  virtual common::Result<std::optional<Dossier>> get_dossier(Id id) = 0;
  virtual common::Result<std::optional<Dossier>> find_dossier_by_code(const std::string& code) = 0;
  // The dossier the first of `keys` that names one names (the newest shipment with the number in
  // that direction, as find_shipment with no time limit; a dossier code, as find_dossier_by_code),
  // and its lookup code; {0, stand_in} when none does. One statement that always returns one
  // narrow row: it probes every key through an index whatever an earlier one found, then reads
  // one dossier row by primary key (the match's, or a decoy's whose id and lookup code are not
  // returned), so a code that names a dossier and one that names nothing cost about the same
  // (tracking::citizen_lookup; bench/lookup_bench).
  virtual common::Result<PublicCodeMatch> match_public_code(const PublicCodeKeys& keys,
                                                            const std::string& stand_in) = 0;
  // The dossiers matching `filter`, in its order, from its offset, at most its limit.
  virtual common::Result<std::vector<Dossier>> list_dossiers(const DossierFilter& filter) = 0;
  // How many dossiers match `filter`, whatever its limit, offset and order.
  virtual common::Result<std::int64_t> count_dossiers(const DossierFilter& filter) = 0;
  // Writes every field of the dossier with this id except id, agency_id, channel, filed_at,
  // lookup_code, portal_code and created_at (result_delivery included); the national status follows
  // from the state. Fails with not_found when there is no such dossier, bad_input when the code is
  // another dossier's.
  virtual common::Result<void> update_dossier(const Dossier& dossier) = 0;
  // Returns the next number (1, 2, ...) of the dossier-code sequence of this agency on this local
  // day, and counts it as used. Each call inside one committed write transaction gets a new number.
  virtual common::Result<int> next_dossier_sequence(Id agency_id, Date day) = 0;
  // Dossiers whose applicant has this ID number (staff search).
  virtual common::Result<std::vector<Id>> dossiers_of_applicant(const std::string& id_number) = 0;
  // Dossiers named by part of a key, as staff type or read it (staff search), at most `limit`,
  // by id: a tracking number (inbound or return) that starts with `part` ("EB123456785" without
  // its "VN"), or a dossier code that ends with it ("260302-0001"). `part` is upper case letters,
  // digits, '.' and '-' only; anything else finds nothing.
  virtual common::Result<std::vector<Id>> dossiers_by_key_part(const std::string& part,
                                                               int limit) = 0;

  virtual common::Result<Id> insert_applicant(const Applicant& applicant) = 0;
  // Writes every field of the dossier's applicant except id and dossier_id; not_found when the
  // dossier has no applicant.
  virtual common::Result<void> update_applicant(const Applicant& applicant) = 0;
  virtual common::Result<std::optional<Applicant>> applicant_of(Id dossier_id) = 0;

  // Who received the dossier's result at the desk (schema v12); at most one per dossier:
  // bad_input when the dossier has one already or does not exist.
  virtual common::Result<void> insert_result_collection(const ResultCollection& collection) = 0;
  virtual common::Result<std::optional<ResultCollection>> result_collection_of(Id dossier_id) = 0;

  // The fees paid for a dossier (schema v13), oldest first; bad_input when the receipt number is
  // already recorded for the same dossier or the dossier does not exist.
  virtual common::Result<Id> insert_fee_receipt(const FeeReceipt& receipt) = 0;
  virtual common::Result<std::vector<FeeReceipt>> fee_receipts_of(Id dossier_id) = 0;
  // Handovers of a dossier between units (schema v15, docs/domain.md §1.4a), oldest first.
  virtual common::Result<Id> insert_unit_handover(const UnitHandover& handover) = 0;
  virtual common::Result<std::vector<UnitHandover>> unit_handovers_of(Id dossier_id) = 0;
  // The handovers to another unit whose unit deadline (due_at, schema v16) is before `before` and
  // that are still the latest of their dossier (the unit has neither handed it back nor on), by
  // deadline.
  virtual common::Result<std::vector<UnitHandover>> unit_handovers_due_before(Timestamp before) = 0;

  // Inserts the scan and its codes.
  virtual common::Result<Id> insert_scan(const Scan& scan) = 0;
  virtual common::Result<std::optional<Scan>> get_scan(Id id) = 0;
  virtual common::Result<std::optional<Scan>> find_scan_by_key(const std::string& key) = 0;
  virtual common::Result<std::vector<Scan>> scans_of(Id dossier_id) = 0;
  virtual common::Result<std::vector<Scan>> scans_of_batch(Id batch_id) = 0;
  virtual common::Result<int> scan_count(Id dossier_id) = 0;
  // Replaces the text of every code of this kind in the scan (drops personal data once used).
  virtual common::Result<void> replace_code_text(Id scan_id, const std::string& kind,
                                                 const std::string& text) = 0;
  // Links a scan to its shipment and dossier and sets its outcome (manual resolution).
  virtual common::Result<void> update_scan_link(Id scan_id, Id shipment_id, Id dossier_id,
                                                ScanOutcome outcome) = 0;

  // Links every still-unlinked manual scan of this image and page (the same file scanned again
  // while it waited) to the shipment and dossier it was resolved to. Returns how many.
  virtual common::Result<int> link_manual_rescans(const std::string& image_hash, int page,
                                                  Id shipment_id, Id dossier_id) = 0;

  virtual common::Result<Id> insert_manual(const ManualItem& item) = 0;
  virtual common::Result<std::optional<ManualItem>> get_manual(Id id) = 0;
  // The open item whose scan kept this image (same file, same page), if any.
  virtual common::Result<std::optional<ManualItem>> find_open_manual_by_image(
      const std::string& image_hash, int page) = 0;
  virtual common::Result<std::vector<ManualItem>> list_manual(
      std::optional<ManualStatus> status) = 0;
  virtual common::Result<void> close_manual(Id id, ManualStatus status, Timestamp at,
                                            const std::string& by,
                                            std::optional<Id> dossier_id) = 0;

  virtual common::Result<Id> insert_batch(const Batch& batch) = 0;
  virtual common::Result<std::optional<Batch>> find_batch(const std::string& name) = 0;
  virtual common::Result<std::optional<Batch>> get_batch(Id id) = 0;
  // The newest batch `received_by` opened and has not closed, if any.
  virtual common::Result<std::optional<Batch>> open_batch_of(const std::string& received_by) = 0;
  // The newest `limit` batches (by handover time, then id), each with its count of scans and
  // without its manifest.
  virtual common::Result<std::vector<Batch>> list_batches(int limit) = 0;
  // Sets closed_at and closed_by (nullopt and "" reopen it); not_found when there is no such id.
  virtual common::Result<void> set_batch_closed(Id id, std::optional<Timestamp> at,
                                                const std::string& by) = 0;
  // Adds tracking numbers to the batch's manifest (numbers already on it are kept once).
  virtual common::Result<void> add_to_manifest(Id id, const std::vector<std::string>& numbers) = 0;
  // Removes every tracking number from the batch's manifest (before another list replaces it).
  virtual common::Result<void> clear_manifest(Id id) = 0;
  // Makes `received_by` the batch's receiving clerk; not_found when there is no such id.
  virtual common::Result<void> set_batch_receiver(Id id, const std::string& received_by) = 0;

  virtual common::Result<Id> insert_return_order(const ReturnOrder& order) = 0;
  // The dossier's return orders, oldest first.
  virtual common::Result<std::vector<ReturnOrder>> return_orders_of(Id dossier_id) = 0;
  // Sets the state (stored or cancelled) and when; not_found when there is no such order.
  virtual common::Result<void> close_return_order(Id id, ReturnOrderState state, Timestamp at) = 0;

  // Staff users. insert_user fails with bad_input when the login is taken.
  virtual common::Result<Id> insert_user(const User& user) = 0;
  // Writes name, role, password_hash, disabled and password_changed_at; not_found when no such id.
  virtual common::Result<void> update_user(const User& user) = 0;
  virtual common::Result<std::optional<User>> find_user(const std::string& login) = 0;
  virtual common::Result<std::optional<User>> get_user(Id id) = 0;
  virtual common::Result<std::vector<User>> list_users() = 0;  // by login

  virtual common::Result<void> insert_session(const Session& session) = 0;
  virtual common::Result<std::optional<Session>> find_session(const std::string& token_hash) = 0;
  virtual common::Result<void> delete_session(const std::string& token_hash) = 0;
  // Ends every session of the user (password changed, user disabled). Returns how many.
  virtual common::Result<int> delete_sessions_of(Id user_id) = 0;
  // Forgets sessions that expired before `now`. Returns how many.
  virtual common::Result<int> delete_expired_sessions(Timestamp now) = 0;

  // API tokens. insert_api_token fails with bad_input when the name is taken.
  virtual common::Result<Id> insert_api_token(const ApiToken& token) = 0;
  virtual common::Result<std::optional<ApiToken>> find_api_token(const std::string& token_hash) = 0;
  virtual common::Result<std::vector<ApiToken>> list_api_tokens() = 0;  // by id
  // Sets revoked_at (once: a revoked token stays revoked at its first time); not_found when none.
  virtual common::Result<void> revoke_api_token(Id id, Timestamp at) = 0;
  virtual common::Result<void> touch_api_token(Id id, Timestamp at) = 0;  // sets last_used_at

  virtual common::Result<Id> append_event(const Event& event) = 0;
  virtual common::Result<std::vector<Event>> events_of(const std::string& entity, Id entity_id) = 0;

  virtual common::Result<Counts> counts() = 0;
};

// Whose read it is. The SQLite store gives each lane readers of its own, so a lane's reads never
// wait for connections another lane holds: a citizen's lookup does not queue behind staff
// searches and reports, however many run at once.
enum class ReadLane {
  staff,          // staff pages, lists, searches and reports, the CLI, background jobs
  public_lookup,  // a citizen's lookup (tracking::citizen_lookup); a few cheap key lookups each
};

// The right to run a job that must run in one process at a time among all that share a database
// (Store::try_lead). Kept until destroyed, or until its process dies.
class JobLease {
 public:
  virtual ~JobLease() = default;
  // False once the lease was lost (the connection holding it broke): take it again.
  virtual bool held() = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Runs `work` in one write transaction and commits iff it returns success; on an error (or an
  // exception) nothing it wrote remains. No other writer slips in between what a unit of work
  // reads, decides and writes, across processes too. Thread-safe.
  //
  // `work` may run more than once. SQLite serialises writers and runs it once; an engine with
  // optimistic concurrency (the PostgreSQL store, at SERIALIZABLE) rolls back a unit of work that
  // lost a conflict with another writer and runs it again from the start, against what that
  // writer committed. So `work` must have no effect outside the transaction besides setting its
  // outputs, and it must assign them, not append to them: no push_back or += onto a captured
  // result (clear it first), no moving out of a captured variable, no flag that a first run
  // changes, no file, HTTP call, carrier order or user-visible message inside it (do those once
  // write returns). Each run must leave the outputs as if it had been the only one.
  // tests/support/rerun_store.hpp runs every unit of work twice, to test exactly that.
  virtual common::Result<void> write(
      const std::function<common::Result<void>(Transaction&)>& work) = 0;

  // Runs `work` in a read transaction: a consistent snapshot, on the staff's readers
  // (ReadLane::staff). Thread-safe.
  virtual common::Result<void> read(
      const std::function<common::Result<void>(Transaction&)>& work) = 0;

  // The same on the readers of `lane`. A store without lanes (a test's wrapper) reads as above.
  virtual common::Result<void> read(ReadLane lane,
                                    const std::function<common::Result<void>(Transaction&)>& work) {
    (void)lane;
    return read(work);
  }

  // The lease of `job` (a short name: "carrier_sync"), or nullptr when another process holds it:
  // for the background jobs that must run once across the servers of a province (the scheduled
  // carrier sync, the deadline warnings), another server taking over when the holder dies. On
  // PostgreSQL a session advisory lock on a connection of its own (freed when the connection
  // closes); on SQLite an flock on a file beside the database. A store that shares nothing (a
  // test's wrapper) always leads. Thread-safe.
  virtual common::Result<std::unique_ptr<JobLease>> try_lead(std::string_view job);

  // The same for a unit of work that returns a value: `store.read<StaffView>([&](Transaction& tx)
  // { return staff_lookup(tx, key); })` returns what `work` returned, or its error, or the
  // store's (io_error when the database refuses). write<T> commits iff `work` succeeds, and may
  // run `work` more than once, as write does.
  template <class T, class Work>
  common::Result<T> read(Work&& work) {
    return run_returning<T>(false, ReadLane::staff, std::forward<Work>(work));
  }
  template <class T, class Work>
  common::Result<T> read(ReadLane lane, Work&& work) {
    return run_returning<T>(false, lane, std::forward<Work>(work));
  }
  template <class T, class Work>
  common::Result<T> write(Work&& work) {
    return run_returning<T>(true, ReadLane::staff, std::forward<Work>(work));
  }

 private:
  template <class T, class Work>
  common::Result<T> run_returning(bool writing, ReadLane lane, Work&& work) {
    std::optional<T> out;
    auto unit = [&](Transaction& tx) -> common::Result<void> {
      common::Result<T> value = work(tx);
      if (!value) return std::move(value).error();
      out.emplace(std::move(*value));
      return {};
    };
    auto done = writing ? write(unit) : read(lane, unit);
    if (!done) return std::move(done).error();
    return std::move(*out);
  }
};

// How a SQLite store is opened.
struct SqliteOptions {
  int busy_timeout_ms = 30'000;  // how long a writer waits for another process's transaction
  bool durable = true;           // fsync every commit (synchronous=FULL); false: synchronous=NORMAL
  bool create = true;            // create the file when missing (false: not_found)
  // Called with the text of each statement as it starts to run, on the thread running it, on
  // every connection of the store: for tests and diagnostics (which statements a call runs).
  std::function<void(std::string_view sql)> on_statement;
};

// The schema version this program writes; `PRAGMA user_version` of an up-to-date database.
int schema_version();

// What `/api/health` asks of the database, in one write transaction: that the file's schema
// version is this hoso's (unavailable naming both otherwise), that it can be read, and that a
// write reaches the disk (a setting `health_checked_at` is committed: a read-only file or a full
// disk fails here with the store's error). Thread-safe as the store is.
common::Result<void> check_health(Store& store, common::Timestamp now);

// Opens (creating if allowed) the SQLite database at `path` in WAL mode with foreign keys on,
// applies any pending migrations in one transaction each, and returns the store. Fails with
// not_found when the file is missing and create is false, invalid_argument when the database was
// written by a newer hoso (its schema version is higher than schema_version()), io_error when the
// file cannot be opened or is not a database.
common::Result<std::unique_ptr<Store>> open_sqlite(const std::filesystem::path& path,
                                                   const SqliteOptions& options = {});

// `PRAGMA integrity_check` of the database at `path`: "ok" when sound.
common::Result<std::string> integrity_check(const std::filesystem::path& path);

// How a PostgreSQL store is opened.
struct PostgresOptions {
  bool create = true;  // create hoso's tables in an empty database (false: not_found)
  // Connections per process, opened when first needed: writers, the staff's readers, citizens'.
  int writers = 8;
  int staff_readers = 8;
  int public_readers = 2;
  // Called with the text of each statement (as the repositories wrote it, with `?`) as it starts
  // to run, as SqliteOptions::on_statement.
  std::function<void(std::string_view sql)> on_statement;
};

// Whether `location` (a --db value) names a PostgreSQL database: a libpq connection URI,
// "postgresql://..." or "postgres://...". Anything else is a SQLite file path.
bool is_postgres_uri(std::string_view location);

// `location` fit for messages and logs: a URI's password (user:PASSWORD@, password=...) replaced
// by "***"; a path unchanged.
std::string redacted_location(std::string_view location);

// Opens the PostgreSQL database at `uri` (a libpq connection URI: "postgresql://user@host/db",
// "postgresql:///db?host=/run/postgresql" for a unix socket), creating hoso's tables in an empty
// database when allowed and applying pending migrations (one process at a time, under an
// advisory lock), and returns the store. Fails with io_error when the server cannot be reached
// (the message names the redacted URI), not_found when the database has no hoso tables and create
// is false, invalid_argument when a newer hoso wrote it.
common::Result<std::unique_ptr<Store>> open_postgres(const std::string& uri,
                                                     const PostgresOptions& options = {});

// Opens a --db value: open_postgres for a URI (with `sqlite`'s create and on_statement),
// open_sqlite for a path.
common::Result<std::unique_ptr<Store>> open_store(const std::string& location,
                                                  const SqliteOptions& sqlite = {});

}  // namespace db
