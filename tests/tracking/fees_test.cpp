// Fees (docs/domain.md §5.5) over a real SQLite file: the receipts of what a citizen paid, the
// dossier waiting for its fees moving on when they are recorded, and the worked example of a
// procedure whose rules leave that wait out of its time (resumed, not restarted), next to one
// whose clock runs on (Decree 118/2025 sets no pause of its own).
#include <doctest/doctest.h>

#include <string>

#include "db/store.hpp"
#include "tests/support/desk.hpp"
#include "tracking/fees.hpp"
#include "tracking/lifecycle.hpp"

namespace {

using common::ErrorCode;
using common::Timestamp;
using db::DossierState;
using test_support::at;
using tracking::Action;

std::string local(const std::optional<Timestamp>& t) {
  return t ? common::format_local(*t) : std::string("none");
}

struct Desk : test_support::Desk {
  tracking::Lifecycle life{*store, clock};

  // A procedure of 10 working days with a fee; `pauses`: its rules leave the wait for the
  // citizen's financial obligations out of its time.
  db::Id land_procedure(const std::string& code, bool pauses) {
    const db::Id id = add_procedure(code, 10, "Đăng ký biến động đất đai");
    write([&](db::Transaction& tx) -> common::Result<void> {
      db::Procedure p = tx.get_procedure(id).value().value();
      p.fee_vnd = 250'000;
      p.fees_pause_clock = pauses;
      tx.upsert_procedure(p).value();
      return {};
    });
    return id;
  }

  tracking::ActionRequest request(Action action) {
    tracking::ActionRequest r;
    r.action = action;
    r.actor = "lan.nt";
    return r;
  }

  // Filed Monday 2 March 2026 10:00, accepted and in process under `procedure`; fees asked
  // Wednesday 4 March 10:00.
  db::Id awaiting_fees(const char* procedure) {
    clock.set(at("2026-03-02 10:00"));
    const db::Id id = add_dossier(at("2026-03-02 10:00"));
    auto accept = request(Action::accept);
    accept.procedure_code = procedure;
    REQUIRE(life.apply(id, accept).has_value());
    REQUIRE(life.apply(id, request(Action::start_processing)).has_value());
    clock.set(at("2026-03-04 10:00"));
    REQUIRE(life.apply(id, request(Action::request_fees)).has_value());
    return id;
  }

  tracking::FeePayment payment(const char* receipt) {
    tracking::FeePayment p;
    p.amount_vnd = 250'000;
    p.payer = "Nguyễn Văn An";
    p.receipt_number = receipt;
    p.method = db::PaymentMethod::post;
    return p;
  }
};

TEST_CASE(
    "worked example: the wait for land fees is left out of the time where the procedure "
    "says so") {
  Desk desk;
  desk.land_procedure("DD-PAUSE", true);
  desk.land_procedure("DD-RUNS", false);
  // Both filed Monday 2 March 10:00, 10 working days: due Monday 16 March 17:00.
  const db::Id paused = desk.awaiting_fees("DD-PAUSE");
  const db::Id runs = desk.awaiting_fees("DD-RUNS");
  CHECK(desk.dossier(paused).state == DossierState::awaiting_fees);
  // The paused clock has no due date while the citizen pays: neither due soon nor overdue.
  CHECK_FALSE(desk.dossier(paused).due_at.has_value());
  CHECK(local(desk.dossier(runs).due_at) == "2026-03-16 17:00:00");

  // The citizen pays at the post office on Monday 9 March 15:00; the desk records it on Tuesday.
  desk.clock.set(at("2026-03-10 09:00"));
  auto pay = desk.payment("BL-0001234");
  pay.paid_at = at("2026-03-09 15:00");
  auto recorded = tracking::record_fee(*desk.store, desk.clock, paused, pay, "lan.nt");
  REQUIRE(recorded.has_value());
  REQUIRE(recorded->moved.has_value());
  // Waited Thursday 5, Friday 6 and Monday 9 March: 3 working days; 16 March + 3 = 19 March.
  CHECK(recorded->moved->after.state == DossierState::in_process);
  CHECK(local(recorded->moved->after.due_at) == "2026-03-19 17:00:00");
  CHECK(local(desk.dossier(paused).due_at) == "2026-03-19 17:00:00");

  pay.receipt_number = "BL-0001235";
  auto other = tracking::record_fee(*desk.store, desk.clock, runs, pay, "lan.nt");
  REQUIRE(other.has_value());
  REQUIRE(other->moved.has_value());
  CHECK(local(other->moved->after.due_at) == "2026-03-16 17:00:00");  // the clock ran on
}

TEST_CASE("a fee paid on the day it was asked costs no time") {
  Desk desk;
  desk.land_procedure("DD-PAUSE", true);
  const db::Id id = desk.awaiting_fees("DD-PAUSE");
  desk.clock.set(at("2026-03-04 16:00"));
  auto recorded = tracking::record_fee(*desk.store, desk.clock, id, desk.payment("BL-7"), "lan.nt");
  REQUIRE(recorded.has_value());
  CHECK(local(desk.dossier(id).due_at) == "2026-03-16 17:00:00");
}

TEST_CASE("a fee receipt is kept with its amount and method, and its event never names the payer") {
  Desk desk;
  desk.land_procedure("DD-RUNS", false);
  const db::Id id = desk.awaiting_fees("DD-RUNS");
  desk.clock.set(at("2026-03-05 09:00"));
  REQUIRE(tracking::record_fee(*desk.store, desk.clock, id, desk.payment("  BL-1  "), "lan.nt")
              .has_value());
  // A second receipt (a charge paid later) for a dossier no longer waiting: kept, no move.
  desk.clock.set(at("2026-03-06 09:00"));
  auto second = desk.payment("BL-2");
  second.amount_vnd = 30'000;
  second.method = db::PaymentMethod::desk;
  auto later = tracking::record_fee(*desk.store, desk.clock, id, second, "lan.nt");
  REQUIRE(later.has_value());
  CHECK_FALSE(later->moved.has_value());

  desk.read([&](db::Transaction& tx) -> common::Result<void> {
    const db::Dossier d = tx.get_dossier(id).value().value();
    const auto fees = tracking::fees_of(tx, d).value();
    CHECK(fees.due_vnd == 250'000);
    CHECK(fees.paid_vnd == 280'000);
    REQUIRE(fees.receipts.size() == 2);
    CHECK(fees.receipts[0].receipt_number == "BL-1");  // as typed, without the blanks
    CHECK(fees.receipts[0].method == db::PaymentMethod::post);
    CHECK(fees.receipts[0].payer == "Nguyễn Văn An");
    CHECK(fees.receipts[1].method == db::PaymentMethod::desk);
    return {};
  });
  int recorded_events = 0;
  for (const db::Event& e : desk.events(id)) {
    CHECK(e.data.find("Nguyễn") == std::string::npos);
    if (e.action == db::EventKind::fee_recorded) {
      ++recorded_events;
      CHECK(e.data.find("BL-") != std::string::npos);
    }
  }
  CHECK(recorded_events == 2);
  CHECK(tracking::format_vnd(1'250'000) == "1.250.000 đ");
  CHECK(tracking::format_vnd(500) == "500 đ");
}

TEST_CASE("a wrong fee receipt is refused with the reason and nothing is written") {
  Desk desk;
  desk.land_procedure("DD-PAUSE", true);
  const db::Id id = desk.awaiting_fees("DD-PAUSE");
  desk.clock.set(at("2026-03-05 09:00"));
  REQUIRE(tracking::record_fee(*desk.store, desk.clock, id, desk.payment("BL-1"), "lan.nt")
              .has_value());
  const auto events = desk.events(id).size();
  const auto refused = [&](tracking::FeePayment p, const char* message) {
    auto r = tracking::record_fee(*desk.store, desk.clock, id, p, "lan.nt");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().text.id() == message);
    CHECK(desk.events(id).size() == events);
    return r.error();
  };
  auto p = desk.payment("BL-1");
  CHECK(refused(p, "fee_receipt_duplicate").code == ErrorCode::conflict);
  p = desk.payment("BL-3");
  p.amount_vnd = 0;
  CHECK(refused(p, "fee_amount_invalid").code == ErrorCode::invalid_argument);
  p = desk.payment("BL-3");
  p.payer = std::string(2, ' ');  // blanks only
  refused(p, "fee_payer_invalid");
  p = desk.payment("");
  refused(p, "fee_receipt_number_invalid");
  p = desk.payment("BL-3");
  p.paid_at = at("2026-03-06 09:00");  // tomorrow
  const auto future = refused(p, "fee_paid_at_invalid");
  CHECK(future.render(common::Lang::vi).find("2026-03-06 09:00") != std::string::npos);
  auto none = tracking::record_fee(*desk.store, desk.clock, 9999, desk.payment("BL-9"), "lan.nt");
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().code == ErrorCode::not_found);
}

}  // namespace
