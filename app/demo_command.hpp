// `hoso demo`: the whole flow on a fresh desk in var/demo/, in simulated time. The carrier
// simulator runs in this process on a free port of 127.0.0.1; the desk's clock and the carrier's
// start five weeks ago and move forward together (a fast clock), so the run ends in the past with a
// realistic history: the carrier hands over the sample envelopes, the mailroom registers them,
// officers accept most, ask for supplements, refuse one, apologise once, process them; results go
// back by post (or, for citizens who chose so, are collected at the desk), the carrier delivers (or
// fails to, and brings one back), hoso syncs. Then the report and the printed documents. Wiring of
// intake/, tracking/ and the simulator; the legal rules live in tracking/.
#pragma once

#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "db/records.hpp"

namespace app {

struct DemoArgs {
  std::string dir = "var/demo";  // removed and rebuilt
  bool once = false;             // exit when done (else keep the carrier serving until Ctrl-C)
  unsigned seed = 7;             // the carrier's scenarios and times
  std::string envelopes;         // default samples/envelopes
  double fault_rate = 0.1;       // every carrier fault at this rate
  int port = 8080;               // the desk's server (without --once); 0: a free port
};

// The demo's staff logins, all with k_demo_password: an officer, a mailroom clerk and an admin.
inline constexpr const char* k_demo_password = "hoso-demo-2026";
inline constexpr const char* k_demo_officer = "canbo";
inline constexpr const char* k_demo_mailroom = "vanthu";
inline constexpr const char* k_demo_admin = "quantri";

// What the officers were scripted to do with one dossier (the end-to-end test compares the final
// states against it).
enum class DemoPlan {
  normal,               // accepted, processed on time, result posted
  refuse,               // refused at intake (form 03)
  supplement_pending,   // supplement requested; the citizen has not answered
  supplement_then_ok,   // supplement requested, received 3 working days later, then as normal
  supplement_posted,    // one supplement request while in process, answered by post in an
                        // envelope of its own (joined to the dossier at intake); a second
                        // request is refused (NĐ 118/2025 Art. 11(2)(c): only one)
  apology,              // apologised before the deadline, processed by the new date
  slow,                 // still in process past its due date (backlog)
  withdraw,             // withdrawn by the citizen
  collect_at_desk,      // the citizen chose to collect the result at the desk (docs/domain.md
                        // §1.5): accepted, processed, handed over at the desk the next morning,
                        // its handover record printed; never posted
  awaiting_collection,  // the citizen chose the desk and has not come yet: processed, listed as
                        // waiting for collection on the dispatch page, never posted
};
std::string_view demo_plan_name(DemoPlan plan);

struct DemoOutcome {
  std::filesystem::path database;
  std::filesystem::path documents;                      // printed forms and labels
  std::map<db::Id, DemoPlan> plans;                     // every dossier the officers handled
  std::map<std::string, std::string> return_scenarios;  // return tracking number -> scenario name
  // Supplements posted in an envelope of their own and joined to their dossier at intake:
  // dossier -> the envelope's tracking number.
  std::map<db::Id, std::string> supplements_by_post;
  // Dossiers whose second supplement request hoso refused (only one is allowed).
  std::vector<db::Id> second_requests_refused;
  // Refusals posted back with the original documents (docs/domain.md §1.5b): dossier -> the
  // letter's tracking number.
  std::map<db::Id, std::string> letters_posted;
  // Dossiers closed because their supplement did not come within 15 days (Decree 118/2025
  // Art. 19(5)) -> the tracking number of the stop notice posted back ("" until it is posted).
  std::map<db::Id, std::string> closed_expired;
  // Dossiers whose procedure another unit decides (docs/domain.md §1.4a): handed to that unit
  // after acceptance (dossier -> unit), and those back at the desk.
  std::map<db::Id, std::string> transferred;
  std::set<db::Id> back_from_unit;
  std::vector<std::string> problems;  // steps the desk refused (none in a good run)
  int manual_open = 0;                // envelopes left for a person
  std::pair<std::string, std::string> example_lookup;  // a return number and its lookup code
  common::Timestamp started_at{};
  common::Timestamp finished_at{};  // the desk's clock at the end
};

// Runs the flow, printing a narrative to `out`, then calls `at_end` (may be empty) with the
// outcome and the carrier simulator's base URL while the simulator still serves. Fails when the
// samples, the database or the carrier simulator cannot be set up; steps the desk refuses are
// listed in `problems`.
common::Result<DemoOutcome> run_demo_flow(
    const DemoArgs& args, std::FILE* out,
    const std::function<void(const DemoOutcome&, const std::string& carrier_url)>& at_end = {});

// `hoso demo [--once]`: the flow, then (without --once) the carrier keeps serving until Ctrl-C so
// the printed commands can be tried against it. Returns the exit code.
int run_demo(const DemoArgs& args);

}  // namespace app
