#include "app/dispatch_commands.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/carrier_commands.hpp"
#include "app/desk.hpp"
#include "app/messages.hpp"
#include "app/output.hpp"
#include "common/exit_code.hpp"
#include "tracking/dispatch.hpp"
#include "tracking/dossier_key.hpp"
#include "tracking/messages.hpp"
#include "tracking/result_delivery.hpp"
#include "tracking/transfers.hpp"

namespace app {
namespace {

using common::ErrorCode;
using common::Result;

// Resolves each key to a dossier id; the first key that names nothing is an error.
Result<std::vector<db::Id>> resolve_keys(db::Store& store, const std::vector<std::string>& keys) {
  return store.read<std::vector<db::Id>>([&](db::Transaction& tx) -> Result<std::vector<db::Id>> {
    std::vector<db::Id> ids;
    for (const std::string& key : keys) {
      TRY_ASSIGN(auto id, tracking::find_dossier_id(tx, key));
      if (!id) {
        return common::make_error(ErrorCode::not_found, tracking::msg::no_dossier_key,
                                  {{"key", shorten(key, 40)}});
      }
      ids.push_back(*id);
    }
    return ids;
  });
}

// The store and the one dossier `key` names, for the commands about a single dossier.
struct OneDossier {
  std::unique_ptr<db::Store> store;
  db::Id id = 0;
};
Result<OneDossier> open_dossier(const std::string& db_flag, const std::string& key) {
  TRY_ASSIGN(auto store, open_store(database_path(db_flag)));
  TRY_ASSIGN(const auto ids, resolve_keys(*store, {key}));
  return OneDossier{std::move(store), ids.front()};
}

nlohmann::json dispatched_json(const tracking::Dispatched& d) {
  return {{"dossier_id", d.dossier_id}, {"dossier_code", d.dossier_code},
          {"order_code", d.order_code}, {"tracking_number", d.tracking_number},
          {"price_vnd", d.price_vnd},   {"already", d.already}};
}

void print_one(db::Id id, const Result<tracking::Dispatched>& one) {
  if (one) {
    fmt::print("  #{:<6} {:<30} {} {}{}\n", id, one->dossier_code, one->tracking_number,
               one->already ? "(dispatched before)" : fmt::format("{} VND", one->price_vnd), "");
  } else {
    fmt::print("  #{:<6} not dispatched: {}\n", id, say(one.error()));
  }
  std::fflush(stdout);
}

}  // namespace

void define_dispatch_command(CLI::App& command, DispatchArgs& args, const std::string& db_help) {
  CLI::App* cmd = &command;
  cmd->add_option("keys", args.keys, "Dossiers (#id, tracking number or dossier code)");
  cmd->add_flag("--all-ready", args.all_ready,
                "Every dossier whose result is ready (state processed)");
  cmd->add_option("--db", args.db, db_help);
  cmd->add_option("--config", args.config,
                  "The desk's config file with the carrier (default: hoso.json beside the "
                  "database, or $HOSO_CONFIG)");
  cmd->add_option("--service", args.service, "Carrier service")->capture_default_str();
  cmd->add_option("--weight-grams", args.weight_grams, "Weight of one result envelope")
      ->capture_default_str()
      ->check(CLI::Range(1, 30000));
  cmd->add_option("--actor", args.actor, "Staff user recorded in the history ($USER)");
  cmd->add_flag("--json", args.json, "One JSON object with every dossier's outcome");

  CLI::App* letter = cmd->add_subcommand(
      "letter",
      "Post one of the desk's letters back to the citizen (the refusal goes back with the "
      "original documents); prints its tracking number. The dossier's state does not change");
  letter->add_option("key", args.letter_key, "#id, tracking number or dossier code")->required();
  letter->add_option("--form", args.letter_form, "refusal, supplement, apology, stop or receipt")
      ->required()
      ->check(CLI::IsMember({"refusal", "supplement", "apology", "stop", "receipt"}));
  letter->add_option("--db", args.db, db_help);
  letter->add_option("--config", args.config, "The desk's config file with the carrier");
  letter->add_option("--service", args.service, "Carrier service")->capture_default_str();
  letter
      ->add_option("--weight-grams", args.letter_weight_grams,
                   "Weight of the envelope (default: the letter's; a refusal's is heavier)")
      ->check(CLI::Range(1, 30000));
  letter->add_option("--actor", args.actor, "Staff user recorded in the history ($USER)");
  letter->add_flag("--json", args.json, "One JSON object with the letter's shipment");
  letter->callback([&args] { args.letter = true; });
}

namespace {

// `hoso dispatch letter`: one letter of one dossier (tracking::dispatch_letter).
int run_letter(const DispatchArgs& args) {
  const auto kind = tracking::parse_letter_kind(args.letter_form);
  if (!kind) {
    return report_error(common::make_error(ErrorCode::invalid_argument,
                                           tracking::msg::letter_unknown_form,
                                           {{"form", args.letter_form}}));
  }
  const std::filesystem::path database = database_path(args.db);
  auto store = open_store(database);
  if (!store) return report_error(store.error());
  common::SystemClock clock;
  auto carrier = open_carrier(config_path(args.config, database), clock);
  if (!carrier) return report_error(carrier.error());
  auto ids = resolve_keys(**store, {args.letter_key});
  if (!ids) return report_error(ids.error());

  tracking::LetterOptions options;
  options.actor = actor_or_user(args.actor);
  options.service = args.service;
  options.weight_grams = args.letter_weight_grams;
  auto sent = tracking::dispatch_letter(**store, **carrier, clock, ids->front(), *kind, options);
  if (!sent) return report_error(sent.error());
  if (args.json) {
    nlohmann::json out = dispatched_json(*sent);
    out["form"] = args.letter_form;
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  } else {
    fmt::print("{}\n",
               say(common::Text{sent->already ? msg::letter_posted_before : msg::letter_posted,
                                {{"id", sent->dossier_id},
                                 {"letter", common::Text{tracking::letter_label(*kind)}},
                                 {"tracking_number", sent->tracking_number},
                                 {"order", sent->order_code}}}));
  }
  return 0;
}

}  // namespace

int run_dispatch(const DispatchArgs& args) {
  if (args.letter) return run_letter(args);
  if (args.keys.empty() && !args.all_ready) {
    return report_error({ErrorCode::invalid_argument,
                         "name the dossiers to dispatch (#id, tracking number or dossier code), "
                         "or give --all-ready for every dossier whose result is ready"});
  }
  const std::filesystem::path database = database_path(args.db);
  auto store = open_store(database);
  if (!store) return report_error(store.error());
  common::SystemClock clock;
  auto carrier = open_carrier(config_path(args.config, database), clock);
  if (!carrier) return report_error(carrier.error());

  tracking::DispatchOptions options;
  options.actor = actor_or_user(args.actor);
  options.service = args.service;
  options.weight_grams = args.weight_grams;

  tracking::DispatchReport report;
  const auto on_each = [&](db::Id id, const Result<tracking::Dispatched>& one) {
    if (!args.json) print_one(id, one);
  };
  if (args.all_ready) {
    auto all = tracking::dispatch_ready(**store, **carrier, clock, options, 100000, on_each);
    if (!all) return report_error(all.error());
    report = std::move(*all);
  }
  if (!args.keys.empty()) {
    auto ids = resolve_keys(**store, args.keys);
    if (!ids) return report_error(ids.error());
    for (std::size_t i = 0; i < ids->size(); ++i) {
      auto one = tracking::dispatch_return(**store, **carrier, clock, (*ids)[i], options);
      on_each((*ids)[i], one);
      if (one) {
        report.dispatched.push_back(std::move(*one));
        continue;
      }
      report.failures.emplace((*ids)[i], one.error());
      if (one.error().code == ErrorCode::unavailable || one.error().code == ErrorCode::io_error) {
        report.stopped = one.error();
        report.not_tried += static_cast<int>(ids->size() - i - 1);
        break;
      }
    }
  }

  if (args.json) {
    nlohmann::json out{{"dispatched", nlohmann::json::array()},
                       {"failures", nlohmann::json::array()},
                       {"not_tried", report.not_tried},
                       {"skipped", report.skipped}};
    for (const auto& d : report.dispatched) out["dispatched"].push_back(dispatched_json(d));
    for (const auto& [id, error] : report.failures) {
      out["failures"].push_back({{"dossier_id", id},
                                 {"code", common::error_code_name(error.code)},
                                 {"message", say(error)}});
    }
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  } else {
    fmt::print(
        "{} dispatched, {} not dispatched{}{}.\n", report.dispatched.size(), report.failures.size(),
        report.not_tried ? fmt::format(", {} not tried", report.not_tried) : "",
        report.skipped ? fmt::format(", {} posted meanwhile by another station", report.skipped)
                       : "");
    if (!report.dispatched.empty()) {
      std::string ids;
      for (std::size_t i = 0; i < report.dispatched.size() && i < 10; ++i) {
        ids += fmt::format(" #{}", report.dispatched[i].dossier_id);
      }
      fmt::print("Print the labels with: hoso print label{}{}\n", ids,
                 report.dispatched.size() > 10 ? " ..." : "");
    }
  }
  if (report.stopped) {
    return report_error({report.stopped->code,
                         fmt::format("stopped: {}. The dossiers not dispatched are unchanged; "
                                     "run `hoso dispatch` again later.",
                                     report.stopped->message)});
  }
  if (!report.failures.empty()) {
    return static_cast<int>(common::exit_code_for(report.failures.begin()->second.code));
  }
  return 0;
}

CLI::App* add_applicant_command(CLI::App& dossier, ApplicantArgs& args,
                                const std::string& db_help) {
  auto* cmd = dossier.add_subcommand(
      "applicant",
      "Type the applicant's contact details from the consignment note (the return needs a name, "
      "a phone and an address); only the fields given change");
  cmd->add_option("key", args.key, "#id, tracking number or dossier code")->required();
  cmd->add_option("--name", args.name, "Full name");
  cmd->add_option("--id-number", args.id_number, "Citizen ID number");
  cmd->add_option("--phone", args.phone, "Phone number for the postman");
  cmd->add_option("--address", args.address, "Permanent address");
  cmd->add_option("--return-address", args.return_address,
                  "Where the result goes back to, when not the permanent address");
  cmd->add_option("--db", args.db, db_help);
  cmd->add_option("--actor", args.actor, "Staff user recorded in the history ($USER)");
  return cmd;
}

int run_applicant(const ApplicantArgs& args) {
  auto one = open_dossier(args.db, args.key);
  if (!one) return report_error(one.error());
  common::SystemClock clock;
  tracking::ContactUpdate update{args.name, args.id_number, args.phone, args.address,
                                 args.return_address};
  auto saved =
      tracking::update_contact(*one->store, clock, one->id, update, actor_or_user(args.actor));
  if (!saved) return report_error(saved.error());
  // Staff at the desk typed it: echoing it back to them is fine (it never goes to a log).
  fmt::print("dossier #{}: applicant {}, phone {}, results go to {}\n", one->id,
             saved->full_name.empty() ? "-" : saved->full_name,
             saved->phone.empty() ? "-" : saved->phone,
             !saved->return_address.empty() ? saved->return_address
             : !saved->address.empty()      ? saved->address
                                            : std::string("-"));
  return 0;
}

CLI::App* add_result_delivery_command(CLI::App& dossier, ResultDeliveryArgs& args,
                                      const std::string& db_help) {
  auto* cmd = dossier.add_subcommand(
      "result-delivery",
      "How the citizen chose to get the result: post (posted back) or desk (collected at the "
      "desk); allowed until the result is sent or returned");
  cmd->add_option("key", args.key, "#id, tracking number or dossier code")->required();
  cmd->add_option("delivery", args.delivery, "post or desk")
      ->required()
      ->check(CLI::IsMember({"post", "desk"}));
  cmd->add_option("--db", args.db, db_help);
  cmd->add_option("--actor", args.actor, "Staff user recorded in the history ($USER)");
  return cmd;
}

int run_result_delivery(const ResultDeliveryArgs& args) {
  const auto delivery = db::parse_result_delivery(args.delivery);
  if (!delivery) {
    return report_error(common::make_error(ErrorCode::invalid_argument,
                                           tracking::msg::unknown_result_delivery,
                                           {{"value", args.delivery.substr(0, 20)}}));
  }
  auto one = open_dossier(args.db, args.key);
  if (!one) return report_error(one.error());
  common::SystemClock clock;
  auto saved = tracking::set_result_delivery(*one->store, clock, one->id, *delivery,
                                             actor_or_user(args.actor));
  if (!saved) return report_error(saved.error());
  fmt::print("dossier #{}: the result {}\n", one->id,
             saved->result_delivery == db::ResultDelivery::desk ? "is collected at the desk"
                                                                : "goes back by post");
  return 0;
}

CLI::App* add_collect_command(CLI::App& dossier, CollectArgs& args, const std::string& db_help) {
  auto* cmd = dossier.add_subcommand(
      "collect",
      "Hand the result over at the desk (processed -> result returned) to the citizen or an "
      "authorised person; print the record they sign with `hoso print collection KEY`");
  cmd->add_option("key", args.key, "#id, tracking number or dossier code")->required();
  cmd->add_option("--name", args.name, "Full name of the person receiving the result")->required();
  cmd->add_option("--id-number", args.id_number, "Their ID card or passport number")->required();
  cmd->add_flag("--authorised", args.authorised,
                "The person receiving it is authorised by the citizen, not the citizen");
  cmd->add_option("--db", args.db, db_help);
  cmd->add_option("--actor", args.actor, "Staff user recorded in the history ($USER)");
  return cmd;
}

int run_collect(const CollectArgs& args) {
  auto one = open_dossier(args.db, args.key);
  if (!one) return report_error(one.error());
  common::SystemClock clock;
  tracking::CollectionRequest request;
  request.actor = actor_or_user(args.actor);
  request.recipient_kind =
      args.authorised ? db::RecipientKind::authorised : db::RecipientKind::citizen;
  request.recipient_name = args.name;
  request.recipient_id_number = args.id_number;
  auto done = tracking::record_collection(*one->store, clock, one->id, request);
  if (!done) return report_error(done.error());
  fmt::print(
      "dossier #{}: result handed over at the desk. Print the record to sign with: hoso "
      "print collection #{}\n",
      one->id, one->id);
  return 0;
}

CLI::App* add_transfer_command(CLI::App& dossier, TransferArgs& args, const std::string& db_help) {
  auto* cmd = dossier.add_subcommand(
      "transfer",
      "Hand an accepted or in-process dossier to the unit that decides it (or on to another "
      "unit); form 06 lists each handover");
  cmd->add_option("key", args.key, "#id, tracking number or dossier code")->required();
  cmd->add_option("--to", args.to, "The receiving unit (\"Sở Nông nghiệp và Môi trường ...\")")
      ->required();
  cmd->add_option("--to-person", args.to_person, "Who receives it there (full name)");
  cmd->add_option("--from-person", args.from_person,
                  "Who hands it over, when it is at another unit (full name)");
  cmd->add_option("--note", args.note,
                  "The work to do there, for the control sheet and the transfer slip");
  cmd->add_option("--due", args.due,
                  "The unit's deadline: closing time of this working day (YYYY-MM-DD), not after "
                  "the dossier's due date");
  cmd->add_option("--days", args.days,
                  "The unit's deadline in working days from the handover (instead of --due)");
  cmd->add_option("--db", args.db, db_help);
  cmd->add_option("--actor", args.actor, "Staff user recorded in the history ($USER)");
  return cmd;
}

CLI::App* add_transfer_back_command(CLI::App& dossier, TransferArgs& args,
                                    const std::string& db_help) {
  auto* cmd = dossier.add_subcommand(
      "transfer-back", "Record the dossier (and its result) back at the desk from the unit");
  cmd->add_option("key", args.key, "#id, tracking number or dossier code")->required();
  cmd->add_option("--from-person", args.from_person, "Who hands it back at the unit (full name)");
  cmd->add_option("--note", args.note, "A note for the control sheet");
  cmd->add_option("--db", args.db, db_help);
  cmd->add_option("--actor", args.actor, "Staff user who receives it at the desk ($USER)");
  return cmd;
}

int run_transfer(const TransferArgs& args) {
  auto one = open_dossier(args.db, args.key);
  if (!one) return report_error(one.error());
  common::SystemClock clock;
  tracking::Transfer transfer;
  transfer.to_unit = args.to;
  transfer.to_person = args.to_person;
  transfer.from_person = args.from_person;
  transfer.note = args.note;
  transfer.actor = actor_or_user(args.actor);
  // Decree 118/2025 Art. 20(2), docs/domain.md §1.4a: the receiving unit's deadline.
  if (!args.due.empty()) {
    auto date = common::parse_date(args.due);
    if (!date) return report_error(date.error());
    transfer.due_date = *date;
  }
  transfer.days = args.days;
  auto done = tracking::transfer_dossier(*one->store, clock, one->id, transfer);
  if (!done) return report_error(done.error());
  const std::string from = shorten(done->from_unit, 200);
  const std::string to = shorten(done->to_unit, 200);
  if (done->due_at) {
    std::printf("%s\n",
                say(common::Text{msg::transfer_done_due,
                                 {{"id", one->id},
                                  {"from", from},
                                  {"to", to},
                                  {"unit_due", common::format_local(*done->due_at).substr(0, 16)}}})
                    .c_str());
  } else {
    std::printf("%s\n",
                say(common::Text{msg::transfer_done, {{"id", one->id}, {"from", from}, {"to", to}}})
                    .c_str());
  }
  return 0;
}

int run_transfer_back(const TransferArgs& args) {
  auto one = open_dossier(args.db, args.key);
  if (!one) return report_error(one.error());
  common::SystemClock clock;
  tracking::UnitReturn back;
  back.from_person = args.from_person;
  back.note = args.note;
  back.actor = actor_or_user(args.actor);
  auto done = tracking::return_from_unit(*one->store, clock, one->id, back);
  if (!done) return report_error(done.error());
  std::printf("%s\n", say(common::Text{msg::transfer_back_done,
                                       {{"id", one->id},
                                        {"from", shorten(done->from_unit, 200)},
                                        {"to", shorten(done->to_unit, 200)}}})
                          .c_str());
  return 0;
}

}  // namespace app
