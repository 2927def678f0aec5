// The repositories behind db::Transaction: the SQL and the mapping of rows to records, written
// once for every engine against detail::Connection (engine.hpp). Each record family has its own
// file (dossiers.cpp, shipments.cpp, scans.cpp, staff.cpp, settings.cpp). Knows no engine: no
// connection opening, no locking, no schema; the engine begins and ends the transaction.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "db/detail/engine.hpp"
#include "db/detail/row.hpp"
#include "db/store.hpp"

namespace db::detail {

// Runs `fn` and turns a DatabaseError into the Error a Transaction returns, saying what we were
// doing ("database: reading a dossier: dossiers row 12: unknown state 'bogus'").
template <class Fn>
auto guarded(std::string_view doing, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const DatabaseError& e) {
    if (!e.text().empty())
      return common::Error{e.code(), e.text().render(common::Lang::en), e.text()};
    return common::make_error(e.code(), fmt::format("database: {}: {}", doing, e.what()));
  }
}

// A value bound to a statement built at run time (list_dossiers).
using SqlValue = std::variant<std::int64_t, std::string>;

// An applicant's name as the staff search keeps it (schema v7): its words (common::search_words)
// joined by single spaces ("Nguyễn Thị Lan" -> "nguyen thi lan"), and its keys, the name from each
// of its words on ({"lan", "nguyen thi lan", "thi lan"}: distinct, sorted).
std::string search_name_of(std::string_view full_name);
std::vector<std::string> name_keys_of(std::string_view full_name);

class Repository final : public Transaction {
 public:
  explicit Repository(Connection& connection) : c_(connection) {}

  // settings.cpp: settings, agencies, procedures, the calendar, the event log, counts.
  common::Result<std::optional<std::string>> setting(const std::string& key) override;
  common::Result<void> set_setting(const std::string& key, const std::string& value) override;
  common::Result<int> stored_schema_version() override;
  common::Result<Id> upsert_agency(const Agency& agency) override;
  common::Result<std::optional<Agency>> find_agency(const std::string& code) override;
  common::Result<std::optional<Agency>> get_agency(Id id) override;
  common::Result<Id> upsert_procedure(const Procedure& procedure) override;
  common::Result<std::vector<Procedure>> list_procedures() override;
  common::Result<std::optional<Procedure>> get_procedure(Id id) override;
  common::Result<void> put_calendar_day(const CalendarDay& day) override;
  common::Result<bool> remove_calendar_day(Date date) override;
  common::Result<std::vector<CalendarDay>> list_calendar_days() override;
  common::Result<Id> append_event(const Event& event) override;
  common::Result<std::vector<Event>> events_of(const std::string& entity, Id entity_id) override;
  common::Result<Counts> counts() override;

  // shipments.cpp: shipments, carrier events, return orders, webhook deliveries seen.
  common::Result<std::optional<Shipment>> find_shipment(const std::string& tracking_number,
                                                        Direction direction,
                                                        Timestamp not_before) override;
  common::Result<std::optional<Shipment>> get_shipment(Id id) override;
  common::Result<std::optional<Shipment>> find_shipment_by_order(
      const std::string& carrier, const std::string& order_code) override;
  common::Result<std::vector<Shipment>> shipments_of(Id dossier_id) override;
  common::Result<Id> insert_shipment(const Shipment& shipment) override;
  common::Result<std::vector<Shipment>> shipments_to_sync(const std::string& carrier,
                                                          Timestamp not_before, int limit) override;
  common::Result<void> update_shipment_tracking(Id shipment_id, const std::string& status,
                                                std::optional<Timestamp> last_event_at,
                                                Timestamp synced_at) override;
  common::Result<bool> add_carrier_event(const CarrierEvent& event) override;
  common::Result<std::vector<CarrierEvent>> carrier_events_of(Id shipment_id) override;
  common::Result<Id> insert_return_order(const ReturnOrder& order) override;
  common::Result<std::vector<ReturnOrder>> return_orders_of(Id dossier_id) override;
  common::Result<void> close_return_order(Id id, ReturnOrderState state, Timestamp at) override;
  common::Result<bool> remember_webhook_delivery(const std::string& carrier,
                                                 const std::string& delivery_key, Timestamp sent_at,
                                                 Timestamp received_at) override;
  common::Result<int> forget_webhook_deliveries(Timestamp sent_before, int limit) override;

  // dossiers.cpp: dossiers, their code sequences, applicants.
  common::Result<Id> insert_dossier(const Dossier& dossier) override;
  common::Result<std::optional<Dossier>> get_dossier(Id id) override;
  common::Result<std::optional<Dossier>> find_dossier_by_code(const std::string& code) override;
  common::Result<PublicCodeMatch> match_public_code(const PublicCodeKeys& keys,
                                                    const std::string& stand_in) override;
  common::Result<std::vector<Dossier>> list_dossiers(const DossierFilter& filter) override;
  common::Result<std::int64_t> count_dossiers(const DossierFilter& filter) override;
  common::Result<void> update_dossier(const Dossier& dossier) override;
  common::Result<int> next_dossier_sequence(Id agency_id, Date day) override;
  common::Result<std::vector<Id>> dossiers_of_applicant(const std::string& id_number) override;
  common::Result<std::vector<Id>> dossiers_by_key_part(const std::string& part, int limit) override;
  common::Result<Id> insert_applicant(const Applicant& applicant) override;
  common::Result<void> update_applicant(const Applicant& applicant) override;
  common::Result<std::optional<Applicant>> applicant_of(Id dossier_id) override;
  common::Result<void> insert_result_collection(const ResultCollection& collection) override;
  common::Result<std::optional<ResultCollection>> result_collection_of(Id dossier_id) override;
  common::Result<Id> insert_fee_receipt(const FeeReceipt& receipt) override;
  common::Result<std::vector<FeeReceipt>> fee_receipts_of(Id dossier_id) override;
  common::Result<Id> insert_unit_handover(const UnitHandover& handover) override;
  common::Result<std::vector<UnitHandover>> unit_handovers_of(Id dossier_id) override;
  common::Result<std::vector<UnitHandover>> unit_handovers_due_before(Timestamp before) override;

  // scans.cpp: scans and their codes, the manual queue, handover batches.
  common::Result<Id> insert_scan(const Scan& scan) override;
  common::Result<std::optional<Scan>> get_scan(Id id) override;
  common::Result<std::optional<Scan>> find_scan_by_key(const std::string& key) override;
  common::Result<std::vector<Scan>> scans_of(Id dossier_id) override;
  common::Result<std::vector<Scan>> scans_of_batch(Id batch_id) override;
  common::Result<int> scan_count(Id dossier_id) override;
  common::Result<void> replace_code_text(Id scan_id, const std::string& kind,
                                         const std::string& text) override;
  common::Result<void> update_scan_link(Id scan_id, Id shipment_id, Id dossier_id,
                                        ScanOutcome outcome) override;
  common::Result<int> link_manual_rescans(const std::string& image_hash, int page, Id shipment_id,
                                          Id dossier_id) override;
  common::Result<Id> insert_manual(const ManualItem& item) override;
  common::Result<std::optional<ManualItem>> get_manual(Id id) override;
  common::Result<std::optional<ManualItem>> find_open_manual_by_image(const std::string& image_hash,
                                                                      int page) override;
  common::Result<std::vector<ManualItem>> list_manual(std::optional<ManualStatus> status) override;
  common::Result<void> close_manual(Id id, ManualStatus status, Timestamp at, const std::string& by,
                                    std::optional<Id> dossier_id) override;
  common::Result<Id> insert_batch(const Batch& batch) override;
  common::Result<std::optional<Batch>> find_batch(const std::string& name) override;
  common::Result<std::optional<Batch>> get_batch(Id id) override;
  common::Result<std::optional<Batch>> open_batch_of(const std::string& received_by) override;
  common::Result<std::vector<Batch>> list_batches(int limit) override;
  common::Result<void> set_batch_closed(Id id, std::optional<Timestamp> at,
                                        const std::string& by) override;
  common::Result<void> add_to_manifest(Id id, const std::vector<std::string>& numbers) override;
  common::Result<void> clear_manifest(Id id) override;
  common::Result<void> set_batch_receiver(Id id, const std::string& received_by) override;

  // staff.cpp: users, sessions, API tokens.
  common::Result<Id> insert_user(const User& user) override;
  common::Result<void> update_user(const User& user) override;
  common::Result<std::optional<User>> find_user(const std::string& login) override;
  common::Result<std::optional<User>> get_user(Id id) override;
  common::Result<std::vector<User>> list_users() override;
  common::Result<void> insert_session(const Session& session) override;
  common::Result<std::optional<Session>> find_session(const std::string& token_hash) override;
  common::Result<void> delete_session(const std::string& token_hash) override;
  common::Result<int> delete_sessions_of(Id user_id) override;
  common::Result<int> delete_expired_sessions(Timestamp now) override;
  common::Result<Id> insert_api_token(const ApiToken& token) override;
  common::Result<std::optional<ApiToken>> find_api_token(const std::string& token_hash) override;
  common::Result<std::vector<ApiToken>> list_api_tokens() override;
  common::Result<void> revoke_api_token(Id id, Timestamp at) override;
  common::Result<void> touch_api_token(Id id, Timestamp at) override;

 private:
  // The cached statement for `sql` with `values` bound to its parameters in order.
  template <class... Values>
  Statement& query(const char* sql, const Values&... values) {
    Statement& s = c_.prepare(sql);
    bind_all(s, values...);
    return s;
  }

  // Runs an INSERT with `values` bound and returns the new row's id. Not RETURNING id: in SQLite
  // that cost 10-25 % of a batched intake's registrations per second (bench/intake_bench).
  template <class... Values>
  Id insert(const char* sql, const Values&... values) {
    query(sql, values...).exec();
    return c_.last_insert_id();
  }

  std::vector<ScanCode> codes_of(Id scan_id);
  void index_name_keys(Id dossier_id, std::string_view full_name);
  // For list_dossiers: the condition on `d` that selects the dossiers whose name has the filter's
  // name_words, its values appended to `values`; nullopt when no name has them. `whole_set`: every
  // such dossier (for counting), not only those up to the filter's page.
  std::optional<std::string> name_condition(const DossierFilter& f, std::vector<SqlValue>& values,
                                            bool whole_set);
  // For list_dossiers and count_dossiers: "FROM dossiers d ... WHERE ..." of the filter, its
  // values appended to `values`; nullopt when nothing can match.
  std::optional<std::string> dossiers_matching(const DossierFilter& f,
                                               std::vector<SqlValue>& values, bool whole_set);
  std::vector<Scan> read_scans(Statement& s);
  std::optional<Batch> read_batch(Statement& s);

  Connection& c_;
};

}  // namespace db::detail
