// The registry's commands: `hoso init`, `hoso intake`, `hoso manual ...`, `hoso dossier ...` and
// `hoso calendar ...`. Each parses nothing (main.cpp does) and holds no business logic: it opens
// the desk, calls intake/ and db/, and prints for people (or JSON for scripts).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "intake/registrar.hpp"
#include "scanner/scanner.hpp"
#include "tracking/documents.hpp"

namespace app {

struct InitArgs {
  std::string db;
  std::string agency;                 // the desk's agency code, e.g. 000.00.05.H12
  std::string agency_name;            // e.g. "Bộ phận Một cửa UBND quận Hải Châu"
  std::string procedures;             // CSV; default samples/procedures.csv
  std::vector<std::string> calendar;  // CSV files; default samples/calendar/*.csv
  std::string carriers;               // JSON; default samples/carriers/tracking_patterns.json
  // Settings kept when not given (db/settings.hpp): the sender of return shipments, the letterhead
  // of printed forms, and where citizens reach the lookup page.
  std::string agency_address, agency_phone, agency_province, public_url;
  // How deadlines count (docs/domain.md §5.2; kept when not given): "08:00-12:00,13:00-17:00";
  // same_day or next_working_day after 15:00; next_working_day or civil_code on a day off.
  std::string office_hours, deadline_after_cutoff, day_off_filing, supplement_wait_days,
      return_postage_payer;
  // A trial desk whose citizens are on this machine (`hoso demo`): a loopback public_url is
  // accepted (db::k_setting_public_url_local).
  bool public_url_local = false;
  // The first admin of `hoso serve` (the password is asked for; kept when the user exists).
  std::string admin, admin_name;
};
int run_init(const InitArgs& args);

struct IntakeArgs {
  std::string db;
  std::vector<std::string> paths;
  bool from_stdin = false;  // one typed code per line (keyboard-wedge hand scanners)
  std::string batch;        // handover batch name
  std::string carrier = "vnpost";
  std::string handover_time;  // "YYYY-MM-DD HH:MM" local; default now
  std::string manifest;       // the carrier's list of tracking numbers for the batch
  std::string station = "cli";
  std::string actor;  // default $USER
  bool json = false;
  scanner::ScannerOptions scanner;
};
int run_intake(const IntakeArgs& args);

// The handover record as one JSON object {"handover": {batch, carrier, handed_over_at, counts,
// manifest, missing, unexpected, items}}, as `hoso intake --batch --json` prints it.
nlohmann::json handover_json(const intake::HandoverRecord& record);

// The handover record as the printed document shows it (tracking::render_handover): the same
// envelopes, the clerk's full name, the desk's letterhead and the carrier's delivery list.
tracking::HandoverForm handover_form(const intake::HandoverRecord& record);

struct ManualArgs {
  std::string db;
  std::string action;  // list, show, resolve, dismiss
  long long id = 0;
  std::string tracking_number;  // resolve
  std::string reason;           // dismiss
  bool all = false;             // list: also closed items
  bool json = false;
  std::string actor;
};
int run_manual(const ManualArgs& args);

struct DossierArgs {
  std::string db;
  std::string action;  // list, show
  std::string key;     // show: dossier #id, tracking number or dossier code
  std::string state;
  std::string from;
  std::string to;
  std::string field;
  std::string batch;
  int limit = 1000;
  bool json = false;
};
int run_dossier(const DossierArgs& args);

struct CalendarArgs {
  std::string db;
  std::string action;  // list, add, remove, due
  std::string date;
  std::string name;
  bool working = false;  // add: a swapped working Saturday instead of a day off
  int year = 0;          // list: only this year
  int days = 0;          // due: working days
  int hours = 0;         // due: working hours
  std::string actor;
};
int run_calendar(const CalendarArgs& args);

}  // namespace app
