// The staff's queries about dossiers. The list: one query for the CLI (`hoso dossier list`) and
// the server's dossier list, with filters by state, working view, field, filing dates and handover
// batch, a free-text search (a tracking number, dossier code or #id, an applicant's ID number, or
// words of a name typed with or without diacritics), a limit and an order. Staff only: rows carry
// the applicant's name. Knows the database and the lifecycle's due list; nothing about HTTP or
// terminals.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "db/records.hpp"
#include "db/store.hpp"
#include "tracking/fees.hpp"
#include "tracking/lifecycle.hpp"
#include "tracking/lookup.hpp"

namespace tracking {

// The working views of the dossier list.
enum class ListView {
  all,       // no view filter
  open,      // not yet finished: received to return dispatched (not refused, withdrawn,
             // stopped or returned)
  due_soon,  // deadline running, due today or on the next working day (Lifecycle::due)
  overdue,   // deadline running and past
  ready,     // result ready to post back (processed, or back at the desk after a failed delivery),
             // whose citizen chose the post (db::ResultDelivery::post)
  collect,  // result waiting for the citizen at the desk ("Chờ công dân đến nhận"): the same
            // states, whose citizen chose to collect it (db::ResultDelivery::desk)
  accept_late,         // received on an earlier day and not yet accepted or refused: the clock runs
                       // since the handover (Lifecycle::due's not_accepted)
  supplement_expired,  // waiting for a supplement past the period: to be closed (Decree 118/2025
                       // Art. 19(5), Lifecycle::due's supplement_expired)
};

// "open", "due_soon", ...; parse_list_view("") is ListView::all, an unknown name nullopt.
std::string_view list_view_name(ListView view);
std::optional<ListView> parse_list_view(std::string_view name);

// The list's orders by name: "filed_at", "due_at", "code", "state"; an unknown name is nullopt
// (a request names one of these, never a column).
std::string_view list_sort_name(db::DossierSort sort);
std::optional<db::DossierSort> parse_list_sort(std::string_view name);

struct DossierQuery {
  std::optional<db::DossierState> state;
  ListView view = ListView::all;
  std::string field;                            // the procedure's field ("dat_dai"); empty: any
  std::optional<common::Timestamp> filed_from;  // inclusive
  std::optional<common::Timestamp> filed_to;    // exclusive
  std::string batch;                            // handover batch name; empty: any
  std::string text;                             // free-text search; empty: none
  int limit = 200;
  std::int64_t offset = 0;  // dossiers of the order before the first row
  db::DossierSort sort = db::DossierSort::filed_at;
  bool descending = true;  // the filing time: newest first
};

// One row of the list.
struct DossierRow {
  db::Dossier dossier;
  std::optional<db::Procedure> procedure;  // when known
  std::string tracking_number;             // of the inbound envelope; empty when none
  std::string return_tracking_number;      // of the newest return shipment; empty when none
  std::string applicant_name;              // empty when there is no applicant
  std::string applicant_phone;             // empty when unknown
  // Where the result is posted back: the applicant's return address, else the permanent one.
  std::string return_address;
  bool overdue = false;  // the deadline runs and has passed at `now`
};

struct DossierPage {
  std::vector<DossierRow> rows;
  bool limit_reached = false;  // rows.size() == limit: there may be more
  std::int64_t total = 0;      // dossiers matching the filters, on every page
  // The one dossier found, when the text names it as a whole key (a scanned tracking number or
  // dossier code, "#12"): a page may open it at once.
  std::optional<db::Id> key_match;
};

// The dossiers matching every filter of `query` at clock.now(), at most query.limit from
// query.offset, in query.sort's order (by default filing time, newest first), and how many match
// in all. A text that names one dossier (find_dossier_id) or an applicant's ID number selects
// those dossiers, and so does part of a key (db::Transaction::dossiers_by_key_part: at least 4
// characters with a digit, a tracking number's start, a dossier code's end; with digits alone,
// along with the dossier of that number); any other text is searched in the applicants' names: its
// words (common::search_words: folded, without diacritics) must be words of the name one after the
// other, the last perhaps unfinished ("thi lan", "van d", "Ngọc"), as db::DossierFilter::name_words
// says, through the database's index of names. Fails with invalid_argument when the limit is below
// 1, not_found when the batch does not exist, or the database's errors. Reads in one transaction
// (two for the due views).
common::Result<DossierPage> search_dossiers(db::Store& store, const common::Clock& clock,
                                            const DossierQuery& query);

// What is waiting for the desk's staff, as the pages' header counts it.
struct Workload {
  std::int64_t waiting_acceptance = 0;  // received, neither accepted nor refused yet
  std::int64_t acceptance_late = 0;     // of those, handed over on an earlier day (accept_late)
  std::int64_t due_soon = 0;            // ListView::due_soon
  std::int64_t overdue = 0;             // ListView::overdue
  std::int64_t ready = 0;               // ListView::ready: results to post back
  std::int64_t waiting_collection = 0;  // ListView::collect: results the citizen collects
  std::int64_t manual_queue = 0;        // scans waiting for a person to read their code
  std::int64_t supplement_expired = 0;  // ListView::supplement_expired: to be closed
};

// The workload at clock.now(); each count is what the list's view or state filter shows. Fails
// with the database's errors. One read transaction, counting (never listing) the dossiers.
common::Result<Workload> desk_workload(db::Store& store, const common::Clock& clock);

// The list row of dossier `id` at clock.now(). Fails with not_found when there is no such
// dossier, or the database's errors.
common::Result<DossierRow> dossier_row(db::Store& store, const common::Clock& clock, db::Id id);

// The procedure catalogue, every version, by field, code and version.
common::Result<std::vector<db::Procedure>> procedure_catalogue(db::Transaction& tx);
// The newest version of each procedure in the catalogue, by code.
common::Result<std::vector<db::Procedure>> latest_procedures(db::Transaction& tx);

// The dossier `key` names (tracking::find_dossier), in one read transaction.
common::Result<db::Dossier> find_dossier(db::Store& store, std::string_view key);

// Counts of the desk's records, for health checks.
common::Result<db::Counts> desk_counts(db::Store& store);

// One dossier's page for staff.
struct DossierPageData {
  StaffView view;
  // What an officer may do next on the dossier page: the lifecycle's allowed actions, without
  // posting the result (the dispatch page does that) and without a second apology.
  std::vector<Action> actions;
  std::vector<std::string> documents;     // printable now: "receipt", ..., "label"
  std::vector<db::Procedure> procedures;  // for accepting: the newest version of each
  // The full names of the history's actors who are staff users with one, by login (a CLI user or a
  // scanning station has none). Only those actors are read, not every user.
  std::map<std::string, std::string> actor_names;
  // Overdue or due within a working day at the page's moment, as the lists and the header count it.
  DeadlineStatus deadline = DeadlineStatus::none;
  // What the procedure asks and the receipts of what was paid (tracking/fees.hpp).
  DossierFees fees;
};

// The page of dossier `id` at clock.now(), in one read transaction. Fails with not_found when
// there is no such dossier, or the database's errors.
common::Result<DossierPageData> dossier_page(db::Store& store, const common::Clock& clock,
                                             db::Id id);

}  // namespace tracking
