// The periodic report a desk sends up the hierarchy, shaped like the national report
// on the handling of administrative procedures: per procedure field, dossiers received in the
// period (by channel) and carried over, resolved early / on time / late, and still open within or
// past their deadline at the end of the period (the backlog); then the post: transit times per
// route against the carrier's J+n delivery limits, and return shipments whose delivery failed.
// Everything is rebuilt from the event log, so a report for a past period says what was true then.
// Knows the database, the calendar and the event log's vocabulary (tracking/lifecycle); no
// personal data goes into a report (dossier codes and tracking numbers only).
//
// The on-time rule (docs/domain.md §4.4, national scoring: "finished on or before the appointment
// date, after subtracting the time spent waiting for the citizen's supplement; more than one
// supplement request counts as late"), as decided here:
//  - Finished = the `processed` step (result ready, national status 9), at the time it happened.
//  - The appointment = the due date set by the latest `accepted` or `supplement_received` step
//    before it: a moment (receipts say "17 giờ 00 ngày ..."), compared with the finish time.
//  - Supplement time: tracking/lifecycle already restarts the deadline from zero when the complete
//    dossier arrives (NĐ 61/2018 Art. 19), and the desk gives the citizen a new appointment then.
//    The waiting lies wholly before that restarted appointment, so it is subtracted by
//    construction; subtracting it again from the finish time would count it twice and call late
//    dossiers on time. We compare with the restarted appointment, the date the citizen holds.
//  - More than one supplement request: late, whatever the dates (the national rule).
//  - An apology (form 04) gives the citizen a new date, but is not a new appointment for scoring:
//    the apology exists because the first promise would be missed, and counting the new date
//    would let any dossier turn on time by apologising. Judged against the appointment in force
//    when the apology was made; a late dossier is counted as `late_apologised` when it had one and
//    as `late_met_new_date` when it was finished by the new date. A later supplement restart
//    supersedes an earlier apology (the restarted appointment is then the one in force).
//  - Early ("trước hạn"): finished on a local day before the appointment's day.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/calendar.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "db/records.hpp"
#include "db/store.hpp"

namespace tracking {

// The report's period: [from, to).
struct Period {
  common::Timestamp from{};
  common::Timestamp to{};
};

// The period a person asked for, as typed in the CLI or the report page. `from`: "YYYY-MM-DD" (the
// start of that local day) or "YYYY-MM-DD HH:MM"; empty: the 1st of the month of `now`. `to`:
// "YYYY-MM-DD" (that day included: the period ends at the next local midnight) or with a time (the
// end, excluded); empty: `now`. Fails with invalid_argument naming the bound ("from: ...") when one
// cannot be read, or when the period is empty.
common::Result<Period> parse_period(std::string_view from, std::string_view to,
                                    common::Timestamp now);

// A carrier's delivery-time limits ("J+n": delivered by the n-th working day after the day of
// acceptance), per route between provinces, and which province each post office belongs to (by
// the leading digits of its code). Loaded from two CSV files
// (samples/carriers/<carrier>-transit.csv and <carrier>-offices.csv); see their comments for the
// format.
class TransitTable {
 public:
  // Reads `limits` (`from,to,days`: province names, `*` for any, `=` in `to` for the same
  // province as `from`; a row applies both ways) and `offices` (`prefix,province`: the leading
  // digits of a post office code; an empty path: none). Fails with not_found for a missing file,
  // bad_input naming the file and line for a malformed row.
  static common::Result<TransitTable> load(const std::filesystem::path& limits,
                                           const std::filesystem::path& offices);

  void add_limit(std::string from, std::string to, int working_days);
  void add_office_prefix(std::string prefix, std::string province);

  // The province of a post office by the longest matching prefix; "" when none matches.
  std::string province_of(std::string_view office_code) const;
  // The limit for a route, most specific row first: the exact pair (either way), then `*,=` for
  // a route within one province, then a row with one `*`, then `*,*`; among equals, the first in
  // the file. nullopt when no row applies.
  std::optional<int> limit(std::string_view from, std::string_view to) const;

 private:
  struct Row {
    std::string from;
    std::string to;
    int days = 0;
  };
  std::vector<Row> limits_;
  std::vector<std::pair<std::string, std::string>> prefixes_;
};

// Loads every `<carrier>-transit.csv` in `dir` with its `<carrier>-offices.csv` (samples/carriers/
// holds vnpost's), keyed by carrier name. A carrier without an offices file gets limits only.
// Fails with TransitTable::load's errors.
common::Result<std::map<std::string, TransitTable>> load_transit_tables(
    const std::filesystem::path& dir);

struct ReportOptions {
  std::map<std::string, TransitTable> transit;  // by carrier name ("vnpost")
  // Where the desk is, for an inbound envelope whose delivery to the desk the carrier did not
  // report (its delivery is then the handover, the dossier's filing). Default: the setting
  // agency_province.
  std::string desk_province;
  int late_listed = 200;  // at most this many late and backlog dossiers listed by code
};

// Counts per procedure field (or for the whole desk).
struct FieldCounts {
  int received = 0;      // filed in the period
  int carried_over = 0;  // open at the start of the period, filed before it
  int resolved = 0;      // finished (processed) in the period
  int early = 0;         // of resolved: finished on a day before the appointment's
  int on_time = 0;       // of resolved: on or before the appointment, not early
  int late = 0;          // of resolved
  int open_within = 0;   // open at the end, deadline not passed (or clock stopped / not accepted)
  int open_overdue = 0;  // open at the end with a running deadline already past: the backlog
  int refused = 0;       // refused, withdrawn or stopped in the period: closed without a result
};

// A resolved dossier judged late, with why.
// Why a resolved dossier counts as late under the national rule.
enum class LateReason {
  many_supplements,   // more than one supplement request
  no_appointment,     // no appointment date recorded
  after_appointment,  // finished after the appointment
};
// The stable snake_case name ("many_supplements"), for JSON and CSV.
std::string_view late_reason_name(LateReason reason);
// The reason in words, in either language.
common::Text late_reason_text(LateReason reason);

struct LateDossier {
  db::Id id = 0;
  std::string code;
  std::string field;
  common::Timestamp finished_at{};
  std::optional<common::Timestamp> appointment;
  int supplements = 0;
  bool apologised = false;
  std::optional<common::Timestamp> new_date;  // the apology's
  bool met_new_date = false;
  LateReason reason = LateReason::after_appointment;
};

struct BacklogDossier {
  db::Id id = 0;
  std::string code;
  std::string field;
  db::DossierState state = db::DossierState::accepted;
  common::Timestamp due_at{};
  int working_days_overdue = 0;  // working days after the due day, up to the end of the period
};

// Transit times of one route (carrier, direction, origin and destination province).
struct RouteTransit {
  std::string carrier;
  db::Direction direction = db::Direction::inbound;
  std::string from;  // province, or "(office 123456)" when the office is not in the table
  std::string to;
  std::optional<int> limit_days;  // J+n; nullopt when the table has none
  int shipments = 0;
  int within_limit = 0;
  int over_limit = 0;  // only counted when there is a limit
  double median_hours = 0;
  int max_working_days = 0;
};

// A return shipment with a failed delivery attempt, or sent back to the desk.
struct FailedDelivery {
  db::Id dossier_id = 0;
  std::string dossier_code;
  std::string carrier;
  std::string tracking_number;
  int failed_attempts = 0;
  std::string shipment_status;  // delivered (after failed attempts), return_to_sender, returned
  bool returned_to_desk = false;
  common::Timestamp first_failure_at{};
  db::DossierState dossier_state = db::DossierState::return_dispatched;
};

struct DeskReport {
  std::string agency_code;
  std::string agency_name;
  Period period;
  common::Timestamp generated_at{};
  std::map<int, int> received_by_channel;       // 1 in person, 2 online, 3 postal
  std::map<std::string, FieldCounts> by_field;  // "" for dossiers with no procedure yet
  FieldCounts total;
  int late_apologised = 0;              // of total.late: with an apology
  int late_met_new_date = 0;            // of those: finished by the apology's new date
  int late_many_supplements = 0;        // of total.late: more than one supplement request
  std::vector<LateDossier> late;        // at most options.late_listed
  std::vector<BacklogDossier> backlog;  // at most options.late_listed, most overdue first
  std::vector<RouteTransit> transit;    // inbound first, then by route
  int transit_without_events = 0;  // shipments ended in the period with no carrier event to time
  std::vector<FailedDelivery> failed_deliveries;  // first failure in the period
};

// Builds the report for `period` from the database (every dossier filed before period.to, its
// event log, shipments and carrier events), with the calendar stored in the database. Requires
// period.from < period.to (invalid_argument otherwise). Fails with the database's errors.
// Read-only.
common::Result<DeskReport> build_report(db::Transaction& tx, const Period& period,
                                        const ReportOptions& options, common::Timestamp now);
// The same in one read transaction.
common::Result<DeskReport> build_report(db::Store& store, const Period& period,
                                        const ReportOptions& options, common::Timestamp now);

// One local day of the desk's work, for charts.
struct DayCounts {
  common::Date day{};
  std::map<int, int> received_by_channel;  // filed that day, by channel (1, 2, 3)
  int resolved = 0;                        // finished that day
  int on_time = 0;                         // of resolved: early or on time
  int late = 0;                            // of resolved
  int backlog = 0;                         // open at the day's end with a running deadline past
};

// The report's counts day by day over `period` (at most 92 days: invalid_argument beyond), each
// day judged as build_report judges a one-day period, in one read transaction. Days after `now`
// are left out.
common::Result<std::vector<DayCounts>> daily_counts(db::Store& store, const Period& period,
                                                    const ReportOptions& options,
                                                    common::Timestamp now);

// Renderings. Text for people (Vietnamese headings with English in brackets where useful); JSON
// one object; CSV in long form, one fact per row, header `section,group,metric,value` in `lang`
// ("phần,nhóm,chỉ tiêu,giá trị" in Vietnamese), e.g. `received,channel 3,dossiers,12` or
// `transit,inbound vnpost Hà Nội → Đà Nẵng,within_limit,4`, so a spreadsheet pivots it and a new
// metric adds rows, not columns. The rows' words stay the same in both languages (scripts read
// them). No byte order mark: a download prepends k_utf8_bom.
std::string report_text(const DeskReport& report, common::Lang lang);
std::string report_json(const DeskReport& report, common::Lang lang);
std::string report_csv(const DeskReport& report, common::Lang lang);

// The UTF-8 byte order mark: put before a CSV meant for Excel, which otherwise reads it in the
// machine's legacy code page and shows "Há»“ sÆ¡" for "Hồ sơ".
inline constexpr std::string_view k_utf8_bom = "\xEF\xBB\xBF";

}  // namespace tracking
