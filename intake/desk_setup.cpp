#include "intake/desk_setup.hpp"

#include "intake/messages.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "db/settings.hpp"

namespace intake {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;

constexpr const char* k_calendar_entity = "calendar";
constexpr db::EventKind k_day_set = db::EventKind::day_set;
constexpr db::EventKind k_day_removed = db::EventKind::day_removed;

// Dates an admin removed from the calendar and did not set again since, from the event log.
Result<std::set<std::string>> removed_dates(db::Transaction& tx) {
  TRY_ASSIGN(const auto history, tx.events_of(k_calendar_entity, 0));
  std::set<std::string> removed;
  for (const auto& event : history) {
    const auto data = nlohmann::json::parse(event.data, nullptr, false);
    if (!data.is_object() || !data.contains("date") || !data["date"].is_string()) continue;
    const std::string date = data["date"].get<std::string>();
    if (event.action == k_day_removed) removed.insert(date);
    if (event.action == k_day_set) removed.erase(date);
  }
  return removed;
}

// A version's processing time is what its dossiers were received under (docs/domain.md §5.1): it
// may not change in place; a new time is a new version.
Result<void> check_versions(const std::vector<db::Procedure>& known, const DeskSetup& setup) {
  for (const db::Procedure& p : setup.procedures) {
    for (const db::Procedure& k : known) {
      if (k.code == p.code && k.version == p.version &&
          (k.time_amount != p.time_amount || k.time_unit != p.time_unit)) {
        return make_error(ErrorCode::bad_input, msg::procedure_version_changed,
                          {{"file", setup.procedures_source},
                           {"procedure", p.code},
                           {"version", p.version},
                           {"old_amount", k.time_amount},
                           {"old_unit", db::time_unit_name(k.time_unit)},
                           {"new_amount", p.time_amount},
                           {"new_unit", db::time_unit_name(p.time_unit)},
                           {"next_version", p.version + 1}});
      }
    }
  }
  return {};
}

}  // namespace

bool plausible_agency_code(std::string_view code) {
  return !code.empty() && code.size() <= 32 &&
         std::all_of(code.begin(), code.end(), [](unsigned char c) {
           return std::isupper(c) || std::isdigit(c) || c == '.';
         });
}

Result<SetupReport> set_up_desk(db::Store& store, const DeskSetup& setup, common::Timestamp now,
                                const std::string& actor) {
  if (!setup.agency_code.empty() && !plausible_agency_code(setup.agency_code)) {
    return make_error(ErrorCode::invalid_argument, msg::bad_agency_code,
                      {{"code", setup.agency_code}});
  }
  return store.write<SetupReport>([&](db::Transaction& tx) -> Result<SetupReport> {
    SetupReport report;
    if (!setup.agency_code.empty()) {
      TRY(tx.upsert_agency(
          db::Agency{0, setup.agency_code,
                     setup.agency_name.empty() ? setup.agency_code : setup.agency_name}));
      TRY(tx.set_setting(db::k_setting_agency_code, setup.agency_code));
    }
    for (const auto& [key, value] : setup.settings) {
      if (!value.empty()) TRY(tx.set_setting(key, value));
    }
    TRY_ASSIGN(const auto code, tx.setting(db::k_setting_agency_code));
    if (!code) {
      return make_error(ErrorCode::invalid_argument, msg::first_setup_needs_agency);
    }
    TRY_ASSIGN(const auto agency, tx.find_agency(*code));
    report.agency_code = *code;
    report.agency_name = agency ? agency->name : std::string("?");

    TRY_ASSIGN(const auto known, tx.list_procedures());
    TRY(check_versions(known, setup));
    for (const db::Procedure& p : setup.procedures) TRY(tx.upsert_procedure(p));

    // The database is the admin's calendar: the shipped files add the dates it does not have,
    // never overwrite a date it has, and never bring back a date the admin removed.
    TRY_ASSIGN(const auto existing, tx.list_calendar_days());
    std::set<std::string> present;
    for (const auto& day : existing) present.insert(common::format_date(day.date));
    TRY_ASSIGN(const auto removed, removed_dates(tx));
    for (const auto& day : setup.calendar_days) {
      const std::string date = common::format_date(day.date);
      if (present.count(date)) continue;
      if (removed.count(date)) {
        ++report.calendar_days_kept_removed;
        continue;
      }
      TRY(tx.put_calendar_day(day));
      ++report.calendar_days_loaded;
    }
    TRY(tx.set_setting(k_setting_carrier_patterns, setup.carrier_patterns));
    const nlohmann::json data = {{"procedures", setup.procedures.size()},
                                 {"calendar_days_loaded", report.calendar_days_loaded},
                                 {"carrier_patterns", setup.carrier_pattern_count},
                                 {"schema_version", db::schema_version()}};
    TRY(tx.append_event(
        db::Event{0, now, actor, "desk", 0, db::EventKind::initialised, "", data.dump()}));
    return report;
  });
}

Result<std::optional<std::string>> stored_carrier_patterns(db::Store& store) {
  return store.read<std::optional<std::string>>(
      [](db::Transaction& tx) { return tx.setting(k_setting_carrier_patterns); });
}

Result<std::vector<db::CalendarDay>> calendar_days(db::Store& store) {
  return store.read<std::vector<db::CalendarDay>>(
      [](db::Transaction& tx) { return tx.list_calendar_days(); });
}

Result<void> set_calendar_day(db::Store& store, const db::CalendarDay& day, common::Timestamp now,
                              const std::string& actor) {
  if (day.name.empty()) {
    return make_error(ErrorCode::invalid_argument, msg::calendar_day_needs_name,
                      {{"date", common::format_date(day.date)}});
  }
  return store.write([&](db::Transaction& tx) -> Result<void> {
    TRY(tx.put_calendar_day(day));
    const nlohmann::json data = {{"date", common::format_date(day.date)},
                                 {"kind", day.kind == db::DayKind::work ? "work" : "off"},
                                 {"name", day.name}};
    TRY(tx.append_event(
        db::Event{0, now, actor, k_calendar_entity, 0, k_day_set, day.name, data.dump()}));
    return {};
  });
}

Result<void> remove_calendar_day(db::Store& store, common::Date date, common::Timestamp now,
                                 const std::string& actor) {
  return store.write([&](db::Transaction& tx) -> Result<void> {
    TRY_ASSIGN(const bool removed, tx.remove_calendar_day(date));
    if (!removed) {
      return make_error(ErrorCode::not_found, msg::calendar_day_missing,
                        {{"date", common::format_date(date)}});
    }
    const nlohmann::json data = {{"date", common::format_date(date)}};
    TRY(tx.append_event(
        db::Event{0, now, actor, k_calendar_entity, 0, k_day_removed, "", data.dump()}));
    return {};
  });
}

}  // namespace intake
