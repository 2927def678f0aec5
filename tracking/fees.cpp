#include "tracking/fees.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "tracking/detail/trim.hpp"
#include "tracking/messages.hpp"

namespace tracking {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;

Result<void> check_payment(const db::Dossier& d, const FeePayment& p, common::Timestamp paid_at,
                           common::Timestamp now, const std::string& actor) {
  if (actor.empty()) {
    return make_error(ErrorCode::invalid_argument, msg::missing_actor, {{"id", d.id}});
  }
  if (p.amount_vnd < 1 || p.amount_vnd > k_max_fee_vnd) {
    return make_error(ErrorCode::invalid_argument, msg::fee_amount_invalid,
                      {{"id", d.id}, {"amount", p.amount_vnd}});
  }
  if (p.payer.empty() || detail::characters(p.payer) > 100 || !detail::printable(p.payer)) {
    return make_error(ErrorCode::invalid_argument, msg::fee_payer_invalid, {{"id", d.id}});
  }
  if (p.receipt_number.empty() || detail::characters(p.receipt_number) > 40 ||
      !detail::printable(p.receipt_number)) {
    return make_error(ErrorCode::invalid_argument, msg::fee_receipt_number_invalid, {{"id", d.id}});
  }
  if (paid_at > now || paid_at < d.filed_at) {
    return make_error(ErrorCode::invalid_argument, msg::fee_paid_at_invalid,
                      {{"id", d.id},
                       {"at", common::format_local(paid_at)},
                       {"filed", common::format_local(d.filed_at)}});
  }
  return {};
}

}  // namespace

Result<FeeRecorded> record_fee(db::Store& store, const common::Clock& clock, db::Id dossier_id,
                               const FeePayment& payment, const std::string& actor) {
  const common::Timestamp now = clock.now();
  return store.write<FeeRecorded>([&](db::Transaction& tx) -> Result<FeeRecorded> {
    TRY_ASSIGN(const auto found, tx.get_dossier(dossier_id));
    if (!found) {
      return make_error(ErrorCode::not_found, msg::no_dossier_id, {{"id", dossier_id}});
    }
    const db::Dossier& d = *found;
    const common::Timestamp paid_at = payment.paid_at.value_or(now);
    FeePayment typed = payment;
    typed.payer = detail::trimmed(payment.payer);
    typed.receipt_number = detail::trimmed(payment.receipt_number);
    TRY(check_payment(d, typed, paid_at, now, actor));
    TRY_ASSIGN(const auto earlier, tx.fee_receipts_of(d.id));
    for (const db::FeeReceipt& r : earlier) {
      if (r.receipt_number == typed.receipt_number) {
        return make_error(ErrorCode::conflict, msg::fee_receipt_duplicate,
                          {{"id", d.id}, {"receipt", typed.receipt_number}});
      }
    }
    FeeRecorded out;
    out.receipt = db::FeeReceipt{
        0,       d.id, payment.amount_vnd, typed.payer, typed.receipt_number, payment.method,
        paid_at, actor};
    TRY_ASSIGN(out.receipt.id, tx.insert_fee_receipt(out.receipt));
    const nlohmann::json data = {{"amount_vnd", payment.amount_vnd},
                                 {"receipt_number", typed.receipt_number},
                                 {"method", db::payment_method_name(payment.method)},
                                 {"paid_at", common::format_iso(paid_at)}};
    TRY(tx.append_event(
        db::Event{0, now, actor, "dossier", d.id, db::EventKind::fee_recorded, "",
                  data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)}));
    if (d.state == db::DossierState::awaiting_fees) {
      ActionRequest paid;
      paid.action = Action::fees_paid;
      paid.actor = actor;
      // Recorded late, the payment still counts from when it was made, but never before the
      // dossier's last change.
      paid.at = std::max(paid_at, std::max(d.filed_at, d.updated_at));
      if (*paid.at > now) paid.at = now;
      paid.details = {{"receipt_number", typed.receipt_number}};
      TRY_ASSIGN(out.moved, apply_action(tx, now, d.id, paid));
    }
    return out;
  });
}

Result<DossierFees> fees_of(db::Transaction& tx, const db::Dossier& dossier) {
  DossierFees fees;
  if (dossier.procedure_id) {
    TRY_ASSIGN(const auto procedure, tx.get_procedure(*dossier.procedure_id));
    if (procedure) fees.due_vnd = procedure->fee_vnd;
  }
  TRY_ASSIGN(fees.receipts, tx.fee_receipts_of(dossier.id));
  for (const db::FeeReceipt& r : fees.receipts) fees.paid_vnd += r.amount_vnd;
  return fees;
}

std::string format_vnd(std::int64_t amount) {
  const std::string digits = std::to_string(amount < 0 ? -amount : amount);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back('.');
    out.push_back(digits[i]);
  }
  return fmt::format("{}{} đ", amount < 0 ? "-" : "", out);
}

}  // namespace tracking
