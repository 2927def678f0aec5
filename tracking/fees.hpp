// Fees and charges (docs/domain.md §5.5): the receipts of what the citizen paid for a dossier
// ("phí, lệ phí": the amount, who paid, the receipt's number, and how: at the desk, to the postman
// who collects it for the desk under Decision 45/2016 Art. 6(6), or online under Decree 118/2025
// Art. 24). Recording the receipt of a dossier that waits for its financial obligations
// (awaiting_fees) moves it on (fees_paid) in the same transaction; where the procedure's rules
// leave that wait out of its time (db::Procedure::fees_pause_clock), the due date moves by the
// working days waited (tracking::apply_action). The payer's name is personal data: stored and
// shown to staff, never written to the event log. Knows the database and the lifecycle; not HTTP.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "db/records.hpp"
#include "db/store.hpp"
#include "tracking/lifecycle.hpp"

namespace tracking {

// A fee receipt as staff type it from the receipt.
struct FeePayment {
  std::int64_t amount_vnd = 0;  // 1 to 10^12 đồng
  std::string payer;            // required, at most 100 characters
  std::string receipt_number;   // required, at most 40 characters, once per dossier
  db::PaymentMethod method = db::PaymentMethod::desk;
  std::optional<common::Timestamp> paid_at;  // when paid; now when unset; not in the future
};

struct FeeRecorded {
  db::FeeReceipt receipt;
  // Set when the dossier was waiting for its fees and moved on (fees_paid).
  std::optional<Transition> moved;
};

// Records the receipt for dossier `dossier_id` with one event (fee_recorded: amount, receipt
// number, how paid; never the payer), and applies fees_paid as of the payment when the dossier is
// awaiting fees, all in one write transaction at clock.now(). Fails, writing nothing, with
// not_found (no such dossier), invalid_argument (no actor; an amount, payer or receipt number out
// of bounds; a payment in the future or before the dossier was filed), conflict (the receipt
// number is already recorded for this dossier), or the database's errors.
common::Result<FeeRecorded> record_fee(db::Store& store, const common::Clock& clock,
                                       db::Id dossier_id, const FeePayment& payment,
                                       const std::string& actor);

// The fees of one dossier: what its procedure asks (0 when free or unknown), the receipts, and
// their total.
struct DossierFees {
  std::int64_t due_vnd = 0;
  std::vector<db::FeeReceipt> receipts;
  std::int64_t paid_vnd = 0;
};
common::Result<DossierFees> fees_of(db::Transaction& tx, const db::Dossier& dossier);

// The largest fee receipt record_fee accepts, in đồng (the smallest is 1).
inline constexpr std::int64_t k_max_fee_vnd = 1'000'000'000'000;

// "1.250.000 đ": an amount in đồng with Vietnamese thousands dots, for pages and forms.
std::string format_vnd(std::int64_t amount);

}  // namespace tracking
