#include "app/fee_commands.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "app/desk.hpp"
#include "app/messages.hpp"
#include "app/output.hpp"
#include "tracking/fees.hpp"
#include "tracking/labels.hpp"
#include "tracking/messages.hpp"
#include "tracking/staff_queries.hpp"

namespace app {

CLI::App* add_fee_command(CLI::App& dossier, FeeArgs& args, const std::string& db_help) {
  auto* cmd = dossier.add_subcommand(
      "fee",
      "Record a fee receipt (amount, payer, receipt number, how paid); a dossier waiting for its "
      "fees moves on");
  cmd->add_option("key", args.key, "#id, tracking number or dossier code")->required();
  // The bounds are checked in run_fee, so the message is the catalogue's, not CLI11's English.
  cmd->add_option("--amount", args.amount_vnd, "Amount paid, in đồng (1 to 10^12)")->required();
  cmd->add_option("--payer", args.payer, "Full name of who paid")->required();
  cmd->add_option("--receipt", args.receipt_number, "The receipt's number")->required();
  cmd->add_option("--method", args.method,
                  "desk (at the desk), post (to the postman) or online (the portal)")
      ->capture_default_str()
      ->check(CLI::IsMember({"desk", "post", "online"}));
  cmd->add_option("--paid-at", args.paid_at, "When it was paid (YYYY-MM-DD HH:MM; default now)");
  cmd->add_option("--db", args.db, db_help);
  cmd->add_option("--actor", args.actor, "Staff user recorded in the history ($USER)");
  return cmd;
}

int run_fee(const FeeArgs& args) {
  if (args.amount_vnd < 1 || args.amount_vnd > tracking::k_max_fee_vnd) {
    return report_error(common::make_error(common::ErrorCode::invalid_argument,
                                           msg::fee_amount_out_of_range,
                                           {{"amount", args.amount_vnd}}));
  }
  const auto method = db::parse_payment_method(args.method);
  if (!method) {
    return report_error(common::make_error(common::ErrorCode::invalid_argument,
                                           tracking::msg::unknown_payment_method,
                                           {{"value", args.method.substr(0, 20)}}));
  }
  tracking::FeePayment payment;
  payment.amount_vnd = args.amount_vnd;
  payment.payer = args.payer;
  payment.receipt_number = args.receipt_number;
  payment.method = *method;
  if (!args.paid_at.empty()) {
    auto when = common::parse_local(args.paid_at);
    if (!when) return report_error(when.error());
    payment.paid_at = *when;
  }
  auto store = open_store(database_path(args.db));
  if (!store) return report_error(store.error());
  auto dossier = tracking::find_dossier(**store, args.key);
  if (!dossier) return report_error(dossier.error());
  common::SystemClock clock;
  auto recorded =
      tracking::record_fee(**store, clock, dossier->id, payment, actor_or_user(args.actor));
  if (!recorded) return report_error(recorded.error());
  const std::string receipt = shorten(recorded->receipt.receipt_number, 40);
  const std::string amount = tracking::format_vnd(recorded->receipt.amount_vnd);
  if (!recorded->moved) {
    fmt::print("{}\n",
               say(common::Text{msg::fee_recorded,
                                {{"id", dossier->id}, {"receipt", receipt}, {"amount", amount}}}));
    return 0;
  }
  const db::Dossier& after = recorded->moved->after;
  fmt::print("{}\n", say(common::Text{msg::fee_recorded_moved_on,
                                      {{"id", dossier->id},
                                       {"receipt", receipt},
                                       {"amount", amount},
                                       {"state", common::Text{tracking::state_label(after.state)}},
                                       {"due", after.due_at ? common::format_local(*after.due_at)
                                                            : std::string("-")}}}));
  return 0;
}

}  // namespace app
