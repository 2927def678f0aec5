// `hoso dispatch` (return shipments for dossiers whose result is ready) and `hoso dossier
// applicant` (the contact details a return needs). Wiring and printing only: the logic lives in
// tracking/dispatch.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace app {

struct DispatchArgs {
  std::string db;
  std::string config;
  std::vector<std::string> keys;  // #id, tracking number or dossier code
  bool all_ready = false;
  std::string service = "EMS";
  int weight_grams = 200;
  std::string actor;
  bool json = false;
  // `hoso dispatch letter KEY --form refusal` (docs/domain.md §1.5b): one letter posted back.
  bool letter = false;
  std::string letter_key;
  std::string letter_form;
  int letter_weight_grams = 0;  // 0: the letter's own default
};
// Adds the options (and subcommands) of `dispatch` to `command`.
void define_dispatch_command(CLI::App& command, DispatchArgs& args, const std::string& db_help);
int run_dispatch(const DispatchArgs& args);

struct ApplicantArgs {
  std::string db;
  std::string key;
  std::optional<std::string> name, id_number, phone, address, return_address;
  std::string actor;
};
// Adds `applicant` to the `hoso dossier` command.
CLI::App* add_applicant_command(CLI::App& dossier, ApplicantArgs& args, const std::string& db_help);
int run_applicant(const ApplicantArgs& args);

// `hoso dossier result-delivery KEY post|desk` and `hoso dossier collect KEY --name --id-number
// [--authorised]`: the citizen's choice of how the result goes back, and its handover at the desk
// (tracking/result_delivery).
struct ResultDeliveryArgs {
  std::string db;
  std::string key;
  std::string delivery;  // "post" or "desk"
  std::string actor;
};
CLI::App* add_result_delivery_command(CLI::App& dossier, ResultDeliveryArgs& args,
                                      const std::string& db_help);
int run_result_delivery(const ResultDeliveryArgs& args);

struct CollectArgs {
  std::string db;
  std::string key;
  std::string name;
  std::string id_number;
  bool authorised = false;
  std::string actor;
};
CLI::App* add_collect_command(CLI::App& dossier, CollectArgs& args, const std::string& db_help);
int run_collect(const CollectArgs& args);

// `hoso dossier transfer KEY --to UNIT` and `hoso dossier transfer-back KEY`: the dossier handed
// to the unit that decides it and back to the desk (docs/domain.md §1.4a).
struct TransferArgs {
  std::string db;
  std::string key;
  std::string to;           // transfer: the receiving unit
  std::string to_person;    // transfer: who receives there
  std::string from_person;  // who hands over at the other unit
  std::string note;
  std::string actor;
  // transfer: the receiving unit's deadline, a date (YYYY-MM-DD) or working days (Decree
  // 118/2025 Art. 20(2))
  std::string due;
  std::optional<int> days;
};
CLI::App* add_transfer_command(CLI::App& dossier, TransferArgs& args, const std::string& db_help);
CLI::App* add_transfer_back_command(CLI::App& dossier, TransferArgs& args,
                                    const std::string& db_help);
int run_transfer(const TransferArgs& args);
int run_transfer_back(const TransferArgs& args);

}  // namespace app
