#include "app/lifecycle_commands.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "app/desk.hpp"
#include "app/messages.hpp"
#include "app/output.hpp"
#include "common/exit_code.hpp"
#include "tracking/dossier_key.hpp"
#include "tracking/lifecycle.hpp"
#include "tracking/messages.hpp"

namespace app {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;
using tracking::Action;

// Subcommand name -> action. "due" is the only one that is not an action.
constexpr std::pair<const char*, Action> k_commands[] = {
    {"accept", Action::accept},
    {"supplement", Action::request_supplement},
    {"supplement-received", Action::supplement_received},
    {"refuse", Action::refuse},
    {"process", Action::start_processing},
    {"fees", Action::request_fees},
    {"fees-paid", Action::fees_paid},
    {"resolve", Action::mark_processed},
    {"withdraw", Action::withdraw},
    {"stop", Action::stop},
    {"apologise", Action::apologise},
    {"delivered", Action::record_delivery},
    {"return-failed", Action::record_return_failure},
};

std::string due_text(const db::Dossier& d) {
  return d.due_at ? common::format_local(*d.due_at).substr(0, 16) : std::string("-");
}

nlohmann::json dossier_json(const db::Dossier& d) {
  nlohmann::json j = {{"id", d.id},
                      {"code", d.code ? nlohmann::json(*d.code) : nlohmann::json()},
                      {"state", db::dossier_state_name(d.state)},
                      {"national_status", db::national_status_code(d.state)},
                      {"filed_at", common::format_iso(d.filed_at)},
                      {"supplement_count", d.supplement_count},
                      {"reappointed", d.reappointed}};
  j["due_at"] = d.due_at ? nlohmann::json(common::format_iso(*d.due_at)) : nlohmann::json();
  return j;
}

void print_json(const nlohmann::json& j) {
  std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

nlohmann::json expired_json(const tracking::ExpiredSupplement& e) {
  nlohmann::json j = dossier_json(e.dossier);
  j["supplement_requested_at"] = common::format_iso(e.requested_at);
  j["closable_from"] = common::format_iso(e.closable_from);
  return j;
}

void print_expired(const std::vector<tracking::ExpiredSupplement>& expired) {
  std::printf("%s: %zu\n", say(common::Text{msg::due_supplement_expired}).c_str(), expired.size());
  for (const auto& e : expired) {
    std::printf("%s\n", say(common::Text{msg::supplement_expired_row,
                                         {{"id", e.dossier.id},
                                          {"code", shorten(e.dossier.code.value_or("-"), 40)},
                                          {"requested", common::format_local(e.requested_at)},
                                          {"from", common::format_local(e.closable_from)}}})
                            .c_str());
  }
}

// Closes the dossiers whose supplement did not come within the period (Decree 118/2025
// Art. 19(5)): each is stopped with the reason the stop notice prints.
int run_close_expired(Desk& desk, const LifecycleArgs& args) {
  tracking::Lifecycle life(*desk.store, desk.clock);
  auto closed = life.close_expired_supplements(actor_or_user(args.actor));
  if (!closed) return report_error(closed.error());
  if (args.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& t : *closed) list.push_back(dossier_json(t.after));
    print_json({{"closed", list}});
    return 0;
  }
  std::printf("%s\n", say(common::Text{msg::supplements_closed, {{"n", closed->size()}}}).c_str());
  for (const auto& t : *closed) {
    std::printf(
        "%s\n",
        say(common::Text{msg::supplement_closed_row,
                         {{"id", t.after.id}, {"code", shorten(t.after.code.value_or("-"), 40)}}})
            .c_str());
  }
  return 0;
}

int run_due(Desk& desk, const LifecycleArgs& args) {
  tracking::Lifecycle life(*desk.store, desk.clock);
  auto report = life.due();
  if (!report) return report_error(report.error());
  if (args.json) {
    nlohmann::json overdue = nlohmann::json::array();
    for (const auto& d : report->overdue) overdue.push_back(dossier_json(d));
    nlohmann::json soon = nlohmann::json::array();
    for (const auto& d : report->due_soon) soon.push_back(dossier_json(d));
    nlohmann::json back = nlohmann::json::array();
    for (const auto& d : report->back_at_desk) back.push_back(dossier_json(d));
    nlohmann::json trouble = nlohmann::json::array();
    for (const auto& d : report->return_in_trouble) trouble.push_back(dossier_json(d));
    nlohmann::json waiting = nlohmann::json::array();
    for (const auto& d : report->not_accepted) waiting.push_back(dossier_json(d));
    nlohmann::json expired = nlohmann::json::array();
    for (const auto& e : report->supplement_expired) expired.push_back(expired_json(e));
    // docs/domain.md §1.4a: handovers still with a unit after its deadline (Decree 118/2025
    // Art. 20(2)).
    nlohmann::json late_units = nlohmann::json::array();
    for (const auto& o : report->handovers_overdue) {
      nlohmann::json j = dossier_json(o.dossier);
      j["handover"] = {{"id", o.handover.id},
                       {"at", common::format_iso(o.handover.at)},
                       {"to_unit", o.handover.to_unit},
                       {"unit_due_at", common::format_iso(*o.handover.due_at)}};
      late_units.push_back(std::move(j));
    }
    print_json({{"as_of", common::format_iso(report->as_of)},
                {"overdue", overdue},
                {"due_soon", soon},
                {"back_at_desk", back},
                {"return_in_trouble", trouble},
                {"not_accepted", waiting},
                {"supplement_expired", expired},
                {"handovers_overdue", late_units}});
    return 0;
  }
  auto print = [](const char* title, const std::vector<db::Dossier>& list) {
    std::printf("%s: %zu\n", title, list.size());
    for (const auto& d : list) {
      std::printf("  #%-6lld %-32s %-22s due %s%s\n", static_cast<long long>(d.id),
                  shorten(d.code.value_or("-"), 32).c_str(),
                  std::string(db::dossier_state_name(d.state)).c_str(), due_text(d).c_str(),
                  d.reappointed ? " (re-appointed)" : "");
    }
  };
  print("overdue", report->overdue);
  print("due within one working day", report->due_soon);
  if (!report->not_accepted.empty()) {
    print(
        "received on an earlier day, not yet accepted (the clock runs since the handover: hoso "
        "dossier accept or refuse)",
        report->not_accepted);
  }
  if (!report->supplement_expired.empty()) {
    print_expired(report->supplement_expired);
  }
  if (!report->handovers_overdue.empty()) {
    std::printf(
        "handed to another unit and still there after its deadline (ask the unit; hoso dossier "
        "transfer-back when it returns): %zu\n",
        report->handovers_overdue.size());
    for (const auto& o : report->handovers_overdue) {
      std::printf("  #%-6lld %-32s at %s, unit's deadline %s\n",
                  static_cast<long long>(o.dossier.id),
                  shorten(o.dossier.code.value_or("-"), 32).c_str(),
                  shorten(o.handover.to_unit, 60).c_str(),
                  common::format_local(*o.handover.due_at).substr(0, 16).c_str());
    }
  }
  if (!report->back_at_desk.empty()) {
    print("results the carrier brought back (call the citizen, then hoso dispatch again)",
          report->back_at_desk);
  }
  if (!report->return_in_trouble.empty()) {
    print(
        "results the carrier reports lost or damaged (ask the carrier; hoso dossier "
        "return-failed to post it again)",
        report->return_in_trouble);
  }
  return 0;
}

}  // namespace

void add_lifecycle_commands(CLI::App& dossier, LifecycleArgs& args, const std::string& db_help) {
  std::vector<CLI::App*> subs;
  auto add = [&](const char* name, const char* help) {
    auto* sub = dossier.add_subcommand(name, help);
    sub->add_option("key", args.key, "#id, tracking number or dossier code")->required();
    sub->add_option("--actor", args.actor, "Staff user recorded in the history ($USER)");
    sub->add_flag("--json", args.json, "The dossier after the change, as JSON");
    subs.push_back(sub);
    return sub;
  };
  add("accept", "Accept a received dossier: dossier code, due date (form 01)")
      ->add_option("--procedure", args.procedure,
                   "Procedure code (the version in force on the filing day); needed when the "
                   "dossier has none");
  add("supplement", "Ask the citizen for every missing document at once; the clock stops (form 02)")
      ->add_option("--missing", args.missing, "The missing documents")
      ->required();
  add("supplement-received",
      "The complete dossier arrived: back where it was, the deadline restarts from zero")
      ->add_option("--at", args.at, "When it arrived, YYYY-MM-DD HH:MM (default now)");
  add("refuse", "Refuse a received dossier (form 03)")
      ->add_option("--reason", args.reason, "Why, for the citizen")
      ->required();
  add("process", "Start processing an accepted dossier");
  add("fees", "Ask the citizen to pay fees (financial obligation)");
  add("fees-paid", "The fees are paid: processing goes on");
  add("resolve", "The result is ready");
  add("withdraw", "The citizen withdrew the dossier");
  add("stop", "Stop processing")->add_option("--reason", args.reason, "Why")->required();
  auto* apologise = add("apologise",
                        "Apologise and set a new date, once, before the deadline "
                        "(form 04)");
  apologise->add_option("--new-date", args.new_date, "The new appointment date, YYYY-MM-DD")
      ->required();
  apologise->add_option("--reason", args.reason, "Why the result is late")->required();
  add("delivered",
      "The result reached the citizen (the carrier's news, or handed over at the desk)")
      ->add_option("--at", args.at, "When, YYYY-MM-DD HH:MM (default now)");
  add("return-failed",
      "The carrier brought the result back (or lost it): it waits for an officer to post it "
      "again");
  for (auto* sub : subs) {
    if (sub->get_option_no_throw("--reason") == nullptr) {
      sub->add_option("--reason", args.reason, "Why (kept in the history)");
    }
  }
  auto* due = dossier.add_subcommand("due", "Open dossiers overdue or due within one working day");
  due->add_flag("--json", args.json, "As JSON");
  subs.push_back(due);
  auto* close = dossier.add_subcommand(
      "close-expired",
      "Close (stop) every dossier whose supplement did not come within the period (15 days, "
      "Decree 118/2025 Art. 19(5))");
  close->add_option("--actor", args.actor, "Staff user recorded in the history ($USER)");
  close->add_flag("--json", args.json, "The dossiers closed, as JSON");
  subs.push_back(close);
  for (auto* sub : subs) {
    sub->add_option("--db", args.db, db_help);
    sub->callback([&args, sub] { args.action = sub->get_name(); });
  }
}

int run_lifecycle(const LifecycleArgs& args) {
  auto desk = open_desk(args.db, intake::IntakeContext{});
  if (!desk) return report_error(desk.error());
  if (args.action == "due") return run_due(**desk, args);
  if (args.action == "close-expired") return run_close_expired(**desk, args);

  const auto command = std::find_if(std::begin(k_commands), std::end(k_commands),
                                    [&](const auto& c) { return args.action == c.first; });
  if (command == std::end(k_commands)) {
    return report_error(make_error(ErrorCode::invalid_argument,
                                   fmt::format("unknown dossier action '{}'", args.action)));
  }
  tracking::ActionRequest request;
  request.action = command->second;
  request.actor = actor_or_user(args.actor);
  request.reason = args.reason;
  request.procedure_code = args.procedure;
  request.missing = args.missing;
  if (!args.new_date.empty()) {
    auto date = common::parse_date(args.new_date);
    if (!date) return report_error(date.error());
    request.new_date = *date;
  }
  if (!args.at.empty()) {
    auto when = common::parse_local(args.at);
    if (!when) return report_error(when.error());
    request.at = *when;
  }

  auto& store = *(*desk)->store;
  auto done =
      store.write<tracking::Transition>([&](db::Transaction& tx) -> Result<tracking::Transition> {
        TRY_ASSIGN(auto id, tracking::find_dossier_id(tx, args.key));
        if (!id) {
          return make_error(ErrorCode::not_found, tracking::msg::no_dossier_key,
                            {{"key", shorten(args.key, 40)}});
        }
        return tracking::apply_action(tx, (*desk)->clock.now(), *id, request);
      });
  if (!done) {
    // The library names what is missing in words; the command line adds the flag that gives it.
    static const std::map<std::string_view, std::string_view> k_flags = {
        {"missing_reason", "--reason"},
        {"missing_late_reason", "--reason"},
        {"missing_new_date", "--new-date YYYY-MM-DD"},
        {"missing_documents", "--missing"},
        {"missing_procedure", "--procedure CODE"}};
    const auto flag = k_flags.find(done.error().text.id());
    return report_error(done.error(), flag != k_flags.end() ? flag->second : "");
  }

  const db::Dossier& d = done->after;
  // A late acceptance goes through; the officer reads why it is late on stderr at once.
  if (!done->warning.empty()) std::fprintf(stderr, "%s\n", say(done->warning).c_str());
  if (args.json) {
    nlohmann::json j = dossier_json(d);
    if (!done->warning.empty()) j["warning"] = done->warning.render(cli_lang());
    print_json(j);
    return 0;
  }
  std::printf("dossier #%lld%s%s: %s (national status %d), due %s%s\n",
              static_cast<long long>(d.id), d.code ? " " : "",
              d.code ? shorten(*d.code, 40).c_str() : "",
              std::string(db::dossier_state_name(d.state)).c_str(),
              db::national_status_code(d.state), due_text(d).c_str(),
              d.state == db::DossierState::supplement_requested ? " (clock stopped)" : "");
  return 0;
}

}  // namespace app
