#include "app/fee_commands.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "app/desk.hpp"
#include "app/output.hpp"
#include "tracking/fees.hpp"
#include "tracking/messages.hpp"
#include "tracking/staff_queries.hpp"

namespace app {

CLI::App* add_fee_command(CLI::App& dossier, FeeArgs& args, const std::string& db_help) {
  auto* cmd = dossier.add_subcommand(
      "fee",
      "Record a fee receipt (amount, payer, receipt number, how paid); a dossier waiting for its "
      "fees moves on");
  cmd->add_option("key", args.key, "#id, tracking number or dossier code")->required();
  cmd->add_option("--amount", args.amount_vnd, "Amount paid, in đồng")
      ->required()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1'000'000'000'000}));
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
  fmt::print("dossier #{}: receipt {} for {} recorded{}\n", dossier->id,
             shorten(recorded->receipt.receipt_number, 40),
             tracking::format_vnd(recorded->receipt.amount_vnd),
             recorded->moved
                 ? fmt::format("; the dossier moves on ({}), due {}",
                               db::dossier_state_name(recorded->moved->after.state),
                               recorded->moved->after.due_at
                                   ? common::format_local(*recorded->moved->after.due_at)
                                   : std::string("-"))
                 : "");
  return 0;
}

}  // namespace app
