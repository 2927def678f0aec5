// The dossier lifecycle commands: `hoso dossier accept|supplement|supplement-received|refuse|
// process|fees|fees-paid|resolve|withdraw|stop|apologise KEY` and `hoso dossier due`. Wiring and
// printing only: the state machine, codes and deadlines live in tracking/lifecycle.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace app {

struct LifecycleArgs {
  std::string db;
  std::string action;  // the subcommand's name; empty when none of these was given
  std::string key;     // #id, tracking number or dossier code
  std::string procedure;
  std::string missing;
  std::string reason;
  std::string new_date;  // apologise: YYYY-MM-DD
  std::string at;        // when it happened, if earlier than now ("YYYY-MM-DD HH:MM")
  std::string actor;     // default $USER
  bool json = false;
};

// Adds the lifecycle subcommands to `dossier` (the `hoso dossier` command); each fills `args`.
void add_lifecycle_commands(CLI::App& dossier, LifecycleArgs& args, const std::string& db_help);

// Runs the subcommand named in args.action. Prints one line for people (or JSON with --json);
// returns common::exit_code_for of the error on failure (2 for a refused transition).
int run_lifecycle(const LifecycleArgs& args);

}  // namespace app
