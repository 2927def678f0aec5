// The dossier state machine over a real SQLite file: every allowed transition and the
// refusal of every other one, dossier codes and their per-agency per-day sequence (also with two
// writers at once), due dates from the calendar with holidays and the 15:00 cut-off, the deadline
// restarting after a supplement, the one apology before the deadline, and the event log.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/exit_code.hpp"
#include "db/store.hpp"
#include "tests/support/desk.hpp"
#include "tracking/labels.hpp"
#include "tracking/lifecycle.hpp"

namespace {

using common::ErrorCode;
using common::Result;
using common::Timestamp;
using db::DossierState;
using tracking::Action;

using test_support::k_agency;

using test_support::at;
using test_support::day;
std::string local(const std::optional<Timestamp>& t) {
  return t ? common::format_local(*t) : std::string("none");
}

tracking::ActionRequest request(Action action) {
  tracking::ActionRequest r;
  r.action = action;
  r.actor = "lan.nt";
  return r;
}

struct Desk : test_support::Desk {
  tracking::Lifecycle life{*store, clock};
  db::Id five_days = add_procedure("P5", 5, "Thủ tục năm ngày");  // 5 working days

  Desk() {
    add_procedure("H8", 8, "Thủ tục năm ngày", "dat_dai", db::TimeUnit::working_hours);
    // Reunification Day and Labour Day 2026: Thursday and Friday.
    day_off("2026-04-30", "Giải phóng miền Nam");
    day_off("2026-05-01", "Quốc tế Lao động");
  }

  // Puts a dossier straight into `state`, accepted earlier with procedure P5 and a due date.
  db::Id dossier_in(DossierState state, Timestamp due) {
    const db::Id id = add_dossier(at("2026-03-02 09:00"));
    put_in_state(id, state, fmt::format("{}-260302-{:04}", k_agency, id), five_days, due);
    return id;
  }

  Result<tracking::Transition> accept(db::Id id, const char* procedure = "P5") {
    auto r = request(Action::accept);
    r.procedure_code = procedure;
    return life.apply(id, r);
  }
};

// Every allowed transition and where it leads. Written out here, not derived from
// tracking::allowed_actions, so a change to the machine fails this test.
const std::map<std::pair<DossierState, Action>, DossierState> k_allowed = {
    {{DossierState::received, Action::accept}, DossierState::accepted},
    {{DossierState::received, Action::request_supplement}, DossierState::supplement_requested},
    {{DossierState::received, Action::refuse}, DossierState::refused},
    {{DossierState::received, Action::withdraw}, DossierState::withdrawn},
    {{DossierState::accepted, Action::start_processing}, DossierState::in_process},
    {{DossierState::accepted, Action::request_supplement}, DossierState::supplement_requested},
    {{DossierState::accepted, Action::apologise}, DossierState::accepted},
    {{DossierState::accepted, Action::withdraw}, DossierState::withdrawn},
    {{DossierState::accepted, Action::stop}, DossierState::stopped},
    {{DossierState::in_process, Action::request_fees}, DossierState::awaiting_fees},
    {{DossierState::in_process, Action::mark_processed}, DossierState::processed},
    {{DossierState::in_process, Action::request_supplement}, DossierState::supplement_requested},
    {{DossierState::in_process, Action::apologise}, DossierState::in_process},
    {{DossierState::in_process, Action::withdraw}, DossierState::withdrawn},
    {{DossierState::in_process, Action::stop}, DossierState::stopped},
    // With no supplement_requested event to say where it came from, a coded dossier goes back to
    // processing.
    {{DossierState::supplement_requested, Action::supplement_received}, DossierState::in_process},
    {{DossierState::supplement_requested, Action::withdraw}, DossierState::withdrawn},
    {{DossierState::supplement_requested, Action::stop}, DossierState::stopped},
    {{DossierState::awaiting_fees, Action::fees_paid}, DossierState::in_process},
    {{DossierState::awaiting_fees, Action::apologise}, DossierState::awaiting_fees},
    {{DossierState::awaiting_fees, Action::withdraw}, DossierState::withdrawn},
    {{DossierState::awaiting_fees, Action::stop}, DossierState::stopped},
    {{DossierState::processed, Action::dispatch_return}, DossierState::return_dispatched},
    {{DossierState::return_dispatched, Action::record_delivery}, DossierState::result_returned},
    {{DossierState::return_dispatched, Action::record_return_failure}, DossierState::return_failed},
    {{DossierState::return_failed, Action::dispatch_return}, DossierState::return_dispatched},
    {{DossierState::return_failed, Action::record_delivery}, DossierState::result_returned},
};

}  // namespace

TEST_CASE("every allowed transition leads to its state and every other action is refused") {
  Desk desk;
  for (DossierState from : db::all_dossier_states()) {
    for (Action action : tracking::k_all_actions) {
      CAPTURE(db::dossier_state_name(from));
      CAPTURE(tracking::action_name(action));
      const db::Id id = desk.dossier_in(from, at("2026-03-20 17:00"));
      auto r = request(action);
      r.procedure_code = "P5";
      r.missing = "Bản sao sổ đỏ";
      r.reason = "lý do";
      r.new_date = day("2026-03-27");
      const auto events_before = desk.events(id).size();
      auto result = desk.life.apply(id, r);
      const auto expected = k_allowed.find({from, action});
      if (expected == k_allowed.end()) {
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().code == ErrorCode::conflict);
        CHECK(desk.dossier(id).state == from);
        CHECK(desk.events(id).size() == events_before);
      } else {
        REQUIRE_MESSAGE(result.has_value(), (result ? std::string() : result.error().message));
        CHECK(result->after.state == expected->second);
        const db::Dossier stored = desk.dossier(id);
        CHECK(stored.state == expected->second);
        CHECK(stored.updated_at == desk.clock.now());
        CHECK(desk.events(id).size() == events_before + 1);
      }
    }
  }
}

TEST_CASE("the state machine's allowed lists match the transitions the issue names") {
  for (DossierState from : db::all_dossier_states()) {
    CAPTURE(db::dossier_state_name(from));
    std::set<Action> expected;
    for (const auto& [key, to] : k_allowed) {
      if (key.first == from) expected.insert(key.second);
    }
    const auto allowed = tracking::allowed_actions(from);
    CHECK(std::set<Action>(allowed.begin(), allowed.end()) == expected);
  }
}

TEST_CASE("an illegal action is refused with the current state and the allowed actions") {
  struct Case {
    DossierState state;
    Action action;
    const char* message;  // with {} for the dossier id
  };
  const Case cases[] = {
      {DossierState::refused, Action::start_processing,
       "dossier #{} is \"Refused\" (national status 3): no action is allowed; cannot "
       "\"Start processing\""},
      {DossierState::received, Action::start_processing,
       "dossier #{} is \"Received by post, waiting to be accepted\" (national status 1): "
       "allowed: \"Accept\", \"Request a supplement\", \"Refuse\", \"Withdrawal by the "
       "citizen\"; cannot \"Start processing\""},
      {DossierState::processed, Action::withdraw,
       "dossier #{} is \"Result ready, waiting to be posted\" (national status 9): allowed: "
       "\"Post the result\"; cannot \"Withdrawal by the citizen\""},
      {DossierState::supplement_requested, Action::accept,
       "dossier #{} is \"Waiting for a supplement\" (national status 5): allowed: "
       "\"Supplement received\", \"Withdrawal by the citizen\", \"Stop processing\"; cannot "
       "\"Accept\""},
      {DossierState::result_returned, Action::record_return_failure,
       "dossier #{} is \"Result returned\" (national status 10): no action is allowed; cannot "
       "\"Return delivery failed\""},
      {DossierState::accepted, Action::mark_processed,
       "dossier #{} is \"Accepted\" (national status 2): allowed: \"Start processing\", "
       "\"Request a supplement\", \"Apologise, new date\", \"Withdrawal by the citizen\", "
       "\"Stop processing\"; cannot \"Mark the result ready\""},
  };
  Desk desk;
  for (const Case& c : cases) {
    const db::Id id = desk.dossier_in(c.state, at("2026-03-20 17:00"));
    auto result = desk.life.apply(id, request(c.action));
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == ErrorCode::conflict);
    CHECK(result.error().message == fmt::format(fmt::runtime(c.message), id));
    CHECK(result.error().text.id() == "action_not_allowed");
    // `hoso dossier <action>` still exits 2: the command line asked for a move that is not allowed.
    CHECK(common::exit_code_for(result.error().code) == common::ExitCode::bad_arguments);
  }
}

TEST_CASE("an unknown dossier is not found") {
  Desk desk;
  auto result = desk.life.apply(999, request(Action::accept));
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == ErrorCode::not_found);
}

TEST_CASE("accepting gives a dossier code numbered per agency and per day") {
  Desk desk;
  const db::Id first = desk.add_dossier(at("2026-03-02 08:30"));
  const db::Id second = desk.add_dossier(at("2026-03-02 08:40"));
  const db::Id next_day = desk.add_dossier(at("2026-03-02 08:50"));
  db::Id other_agency = 0;
  REQUIRE(
      desk.store
          ->write([&](db::Transaction& tx) -> Result<void> {
            other_agency = tx.upsert_agency(db::Agency{0, "000.00.00.H56", "UBND tỉnh"}).value();
            return {};
          })
          .has_value());
  const db::Id elsewhere = desk.add_dossier(at("2026-03-02 08:55"), other_agency);

  CHECK(desk.accept(first).value().after.code == "000.00.05.H12-260302-0001");
  CHECK(desk.accept(second).value().after.code == "000.00.05.H12-260302-0002");
  CHECK(desk.accept(elsewhere).value().after.code == "000.00.00.H56-260302-0001");
  // The code carries the acceptance day, in Vietnam time: 17:30 UTC is already the next day.
  desk.clock.set(at("2026-03-02T17:30:00Z"));
  CHECK(desk.accept(next_day).value().after.code == "000.00.05.H12-260303-0001");
  CHECK(desk.dossier(second).code == "000.00.05.H12-260302-0002");
}

TEST_CASE("the dossier code has the standard form <agency>-YYMMDD-NNNN") {
  CHECK(tracking::dossier_code("000.00.05.H12", day("2021-08-06"), 1) ==
        "000.00.05.H12-210806-0001");
  CHECK(tracking::dossier_code("G09.20", day("2030-12-31"), 42) == "G09.20-301231-0042");
}

TEST_CASE("two writers accepting at once never share a dossier code") {
  Desk desk;
  constexpr int k_each = 8;
  std::vector<db::Id> ids;
  for (int i = 0; i < 2 * k_each; ++i) ids.push_back(desk.add_dossier(at("2026-03-02 08:00")));
  auto other_store = test_support::open_store(desk.dir / "hoso.db").value();
  tracking::Lifecycle other{*other_store, desk.clock};
  std::vector<std::string> failures;
  std::mutex failures_mutex;
  auto accept_range = [&](tracking::Lifecycle& life, int from) {
    for (int i = from; i < from + k_each; ++i) {
      auto r = request(Action::accept);
      r.procedure_code = "P5";
      auto result = life.apply(ids[static_cast<std::size_t>(i)], r);
      if (!result) {
        std::lock_guard lock(failures_mutex);
        failures.push_back(result.error().message);
      }
    }
  };
  std::thread a([&] { accept_range(desk.life, 0); });
  std::thread b([&] { accept_range(other, k_each); });
  a.join();
  b.join();
  CHECK(failures.empty());
  std::set<std::string> codes;
  for (db::Id id : ids) codes.insert(desk.dossier(id).code.value_or(""));
  std::set<std::string> expected;
  for (int i = 1; i <= 2 * k_each; ++i)
    expected.insert(fmt::format("{}-260302-{:04}", k_agency, i));
  CHECK(codes == expected);
}

TEST_CASE("the due date counts working days from the handover and skips holidays") {
  Desk desk;
  desk.clock.set(at("2026-04-28 16:00"));
  // Tuesday 28 April 10:00, 5 working days: 29 April, (30 April and 1 May are holidays), 4, 5, 6,
  // 7 May.
  const db::Id morning = desk.add_dossier(at("2026-04-28 10:00"));
  // Handed over at 15:30, after the 15:00 cut-off: it reaches the processing unit on Wednesday
  // morning, but its deadline still runs from Tuesday (Decree 118/2025 Art. 17(3), 18(2)).
  const db::Id afternoon = desk.add_dossier(at("2026-04-28 15:30"));
  const db::Id hours = desk.add_dossier(at("2026-04-28 14:00"));

  auto a = desk.accept(morning);
  REQUIRE(a.has_value());
  CHECK(local(a->after.due_at) == "2026-05-07 17:00:00");
  CHECK(a->after.procedure_id == desk.five_days);
  CHECK(a->after.procedure_version == 1);
  CHECK(db::national_status_code(a->after.state) == 2);
  CHECK(local(desk.accept(afternoon).value().after.due_at) == "2026-05-07 17:00:00");
  // 8 working hours from 14:00 Tuesday: 3 hours that day, then Wednesday 08:00-12:00 and
  // 13:00-14:00.
  CHECK(local(desk.accept(hours, "H8").value().after.due_at) == "2026-04-29 14:00:00");
}

TEST_CASE("a desk's own deadline rules and office hours are its settings (docs/domain.md §5.2)") {
  Desk desk;
  desk.clock.set(at("2026-04-28 16:00"));
  desk.set(db::k_setting_deadline_after_cutoff, "next_working_day");
  desk.set(db::k_setting_office_hours, "07:30-11:30,13:30-17:00");
  // After 15:00 this desk counts from Wednesday 29 April: 4, 5, 6, 7, 8 May.
  const db::Id afternoon = desk.add_dossier(at("2026-04-28 15:30"));
  CHECK(local(desk.accept(afternoon).value().after.due_at) == "2026-05-08 17:00:00");
  // 8 working hours from 14:00 Tuesday at this desk: 3 hours that day, then Wednesday
  // 07:30-11:30 and 13:30-14:30.
  const db::Id hours = desk.add_dossier(at("2026-04-28 14:00"));
  CHECK(local(desk.accept(hours, "H8").value().after.due_at) == "2026-04-29 14:30:00");
  // Saturday 2 May, by the Civil Code: Monday 4 May is day 1, due Friday 8 May.
  desk.set(db::k_setting_day_off_filing, "civil_code");
  desk.clock.set(at("2026-05-04 09:00"));
  const db::Id saturday = desk.add_dossier(at("2026-05-02 09:00"));
  CHECK(local(desk.accept(saturday).value().after.due_at) == "2026-05-08 17:00:00");

  // A setting nobody can read stops the action with its name, not a wrong date.
  desk.set(db::k_setting_office_hours, "8-17");
  const db::Id refused = desk.add_dossier(at("2026-05-04 08:30"));
  auto bad = desk.accept(refused);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == ErrorCode::bad_input);
  CHECK(bad.error().message.find("office hours") != std::string::npos);
}

TEST_CASE("a dossier without a procedure cannot be accepted") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 09:00"));
  auto result = desk.life.apply(id, request(Action::accept));
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == ErrorCode::invalid_argument);
  CHECK(result.error().message.find("has no procedure") != std::string::npos);
  auto unknown = desk.accept(id, "9.999999");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().message.find("9.999999") != std::string::npos);
  CHECK(desk.dossier(id).state == DossierState::received);
  CHECK_FALSE(desk.dossier(id).code.has_value());
  CHECK(desk.events(id).empty());
}

TEST_CASE("the deadline restarts from zero when the complete dossier arrives") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 10:00"));
  REQUIRE(desk.accept(id).has_value());
  CHECK(local(desk.dossier(id).due_at) == "2026-03-09 17:00:00");

  desk.clock.set(at("2026-03-03 09:00"));
  auto ask = request(Action::request_supplement);
  ask.missing = "Bản sao Giấy chứng nhận quyền sử dụng đất";
  auto asked = desk.life.apply(id, ask);
  REQUIRE(asked.has_value());
  CHECK(asked->after.state == DossierState::supplement_requested);
  CHECK(db::national_status_code(asked->after.state) == 5);
  CHECK(asked->after.supplement_count == 1);
  CHECK_FALSE(asked->after.due_at.has_value());

  // Arrives Thursday 16:00 and the count starts again from it (Decree 118/2025 Art. 19(5)):
  // Fri 6 (1), Mon 9 (2) ... Thu 12 March (5), not the 9 March of the first count.
  desk.clock.set(at("2026-03-05 16:30"));
  auto arrived = request(Action::supplement_received);
  arrived.at = at("2026-03-05 16:00");
  auto back = desk.life.apply(id, arrived);
  REQUIRE(back.has_value());
  CHECK(back->after.state == DossierState::accepted);
  CHECK(local(back->after.due_at) == "2026-03-12 17:00:00");
  CHECK(desk.dossier(id).clock_started_at == at("2026-03-05 16:00"));
  CHECK(desk.dossier(id).code == "000.00.05.H12-260302-0001");
}

TEST_CASE("a supplement asked before acceptance counts the deadline from the complete dossier") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 10:00"));
  auto ask = request(Action::request_supplement);
  ask.missing = "Tờ khai";
  REQUIRE(desk.life.apply(id, ask).has_value());
  desk.clock.set(at("2026-03-04 11:00"));
  auto back = desk.life.apply(id, request(Action::supplement_received));
  REQUIRE(back.has_value());
  CHECK(back->after.state == DossierState::received);
  CHECK_FALSE(back->after.due_at.has_value());
  desk.clock.set(at("2026-03-05 08:00"));
  auto accepted = desk.accept(id);
  REQUIRE(accepted.has_value());
  // From Wednesday 4 March 11:00: 5, 6, 9, 10, 11 March.
  CHECK(local(accepted->after.due_at) == "2026-03-11 17:00:00");
  CHECK(accepted->after.code == "000.00.05.H12-260305-0001");
}

TEST_CASE("a dossier is sent back for a supplement once (Decree 118/2025 Art. 11(2)(c))") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 10:00"));
  REQUIRE(desk.accept(id).has_value());
  desk.clock.set(at("2026-03-03 09:00"));
  auto ask = request(Action::request_supplement);
  ask.missing = "Tờ khai";
  REQUIRE(desk.life.apply(id, ask).has_value());
  auto arrived = request(Action::supplement_received);
  desk.clock.set(at("2026-03-04 09:00"));
  REQUIRE(desk.life.apply(id, arrived).has_value());
  REQUIRE(desk.life.apply(id, request(Action::start_processing)).has_value());
  const db::Dossier before = desk.dossier(id);
  const auto events_before = desk.events(id).size();

  desk.clock.set(at("2026-03-05 09:00"));
  ask.missing = "Sơ đồ thửa đất";
  auto again = desk.life.apply(id, ask);
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().code == ErrorCode::conflict);
  CHECK(again.error().text.id() == "second_supplement_request");
  CHECK(again.error()
            .render(common::Lang::vi)
            .find("chỉ được yêu cầu bổ sung, hoàn thiện hồ sơ "
                  "một lần") != std::string::npos);
  // Nothing moved: the clock still runs to the same date, no event was written.
  const db::Dossier after = desk.dossier(id);
  CHECK(after.state == DossierState::in_process);
  CHECK(after.supplement_count == 1);
  CHECK(after.due_at == before.due_at);
  CHECK(desk.events(id).size() == events_before);
}

TEST_CASE("accepting a dossier days after the handover keeps its date and warns the officer") {
  Desk desk;
  // Handed over Monday 2 March 09:00; procedure P5: due Monday 9 March 17:00 whenever it is
  // accepted (the clock runs from the handover, Decree 118/2025 Art. 17(3), docs/domain.md §5.2).
  const db::Id same_day = desk.add_dossier(at("2026-03-02 09:00"));
  const db::Id friday = desk.add_dossier(at("2026-03-02 09:00"));
  const db::Id late = desk.add_dossier(at("2026-03-02 09:00"));
  desk.clock.set(at("2026-03-02 16:00"));
  auto a = desk.accept(same_day);
  REQUIRE(a.has_value());
  CHECK(local(a->after.due_at) == "2026-03-09 17:00:00");
  CHECK(a->warning.empty());

  // Friday: due Monday, the next working day: less than a working day left.
  desk.clock.set(at("2026-03-06 10:00"));
  auto b = desk.accept(friday);
  REQUIRE(b.has_value());
  CHECK(local(b->after.due_at) == "2026-03-09 17:00:00");
  CHECK(b->warning.id() == "accepted_late");
  const std::string vi = b->warning.render(common::Lang::vi);
  CHECK(vi.find("2026-03-02 09:00") != std::string::npos);
  CHECK(vi.find("2026-03-09 17:00") != std::string::npos);

  // Tuesday 10 March: already past.
  desk.clock.set(at("2026-03-10 08:30"));
  auto c = desk.accept(late);
  REQUIRE(c.has_value());
  CHECK(c->after.state == DossierState::accepted);
  CHECK(local(c->after.due_at) == "2026-03-09 17:00:00");
  CHECK(c->warning.id() == "accepted_overdue");
  CHECK(c->warning.render(common::Lang::en).find("overdue") != std::string::npos);
}

TEST_CASE("dossiers received on an earlier day and not accepted are on the due list") {
  Desk desk;
  const db::Id old = desk.add_dossier(at("2026-03-02 16:30"));
  const db::Id older = desk.add_dossier(at("2026-03-02 08:10"));
  const db::Id accepted = desk.add_dossier(at("2026-03-02 09:00"));
  desk.clock.set(at("2026-03-02 17:00"));
  REQUIRE(desk.accept(accepted).has_value());
  desk.clock.set(at("2026-03-03 08:05"));
  const db::Id today = desk.add_dossier(at("2026-03-03 08:00"));
  auto report = desk.life.due();
  REQUIRE(report.has_value());
  REQUIRE(report->not_accepted.size() == 2);
  CHECK(report->not_accepted[0].id == older);  // oldest first
  CHECK(report->not_accepted[1].id == old);
  for (const auto& d : report->not_accepted) CHECK(d.id != today);
  // Refused, it leaves the list.
  auto refuse = request(Action::refuse);
  refuse.reason = "Không thuộc thẩm quyền";
  REQUIRE(desk.life.apply(older, refuse).has_value());
  report = desk.life.due();
  REQUIRE(report.has_value());
  REQUIRE(report->not_accepted.size() == 1);
  CHECK(report->not_accepted[0].id == old);
}

TEST_CASE("the apology moves the due date once and a second one is refused") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 10:00"));
  REQUIRE(desk.accept(id).has_value());  // due Monday 9 March 17:00
  desk.clock.set(at("2026-03-05 10:00"));
  auto apology = request(Action::apologise);
  apology.new_date = day("2026-03-16");
  apology.reason = "Chờ ý kiến cơ quan thuế";
  auto moved = desk.life.apply(id, apology);
  REQUIRE(moved.has_value());
  CHECK(moved->after.reappointed);
  CHECK(moved->after.state == DossierState::accepted);
  CHECK(local(desk.dossier(id).due_at) == "2026-03-16 17:00:00");

  apology.new_date = day("2026-03-20");
  auto again = desk.life.apply(id, apology);
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().code == ErrorCode::invalid_argument);
  CHECK(again.error().message.find("dossier #" + std::to_string(id) +
                                   " was already re-appointed once") == 0);
  CHECK(local(desk.dossier(id).due_at) == "2026-03-16 17:00:00");
}

TEST_CASE("the apology is refused on the due day, once overdue and for an earlier date") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 10:00"));
  REQUIRE(desk.accept(id).has_value());  // due Monday 9 March 17:00
  auto apology = request(Action::apologise);
  apology.new_date = day("2026-03-16");
  apology.reason = "Chậm";

  SUBCASE("on the due day itself: less than 1 working day before the deadline") {
    desk.clock.set(at("2026-03-09 08:00"));
  }
  SUBCASE("after the deadline") { desk.clock.set(at("2026-03-10 08:00")); }
  SUBCASE("with a new date not later than the old one") {
    desk.clock.set(at("2026-03-04 08:00"));
    apology.new_date = day("2026-03-09");
  }
  SUBCASE("with a new date that is not a working day") {
    desk.clock.set(at("2026-03-04 08:00"));
    apology.new_date = day("2026-03-14");  // a Saturday
  }
  auto result = desk.life.apply(id, apology);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == ErrorCode::invalid_argument);
  CHECK_FALSE(desk.dossier(id).reappointed);
  CHECK(local(desk.dossier(id).due_at) == "2026-03-09 17:00:00");
}

TEST_CASE("each action records its actor, reason and details in the event log") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 10:00"));
  auto accept = request(Action::accept);
  accept.procedure_code = "P5";
  accept.actor = "hoa.lt";
  accept.reason = "Hồ sơ đầy đủ";
  REQUIRE(desk.life.apply(id, accept).has_value());
  desk.clock.set(at("2026-03-03 08:00"));
  auto start = request(Action::start_processing);
  start.actor = "minh.pv";
  REQUIRE(desk.life.apply(id, start).has_value());

  const auto events = desk.events(id);
  REQUIRE(events.size() == 2);
  CHECK(events[0].action == db::EventKind::accepted);
  CHECK(events[0].actor == "hoa.lt");
  CHECK(events[0].reason == "Hồ sơ đầy đủ");
  CHECK(events[0].at == at("2026-03-02 10:00"));
  CHECK(events[0].data.find(R"("code":"000.00.05.H12-260302-0001")") != std::string::npos);
  CHECK(events[0].data.find(R"("due_at":"2026-03-09T17:00:00+07:00")") != std::string::npos);
  CHECK(events[0].data.find(R"("procedure":"P5")") != std::string::npos);
  CHECK(events[1].action == db::EventKind::processing_started);
  CHECK(events[1].actor == "minh.pv");
  CHECK(events[1].data.find(R"("national_status":4)") != std::string::npos);
}

TEST_CASE("refusing needs a reason and an actor") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 10:00"));
  auto no_reason = desk.life.apply(id, request(Action::refuse));
  REQUIRE_FALSE(no_reason.has_value());
  CHECK(no_reason.error().text.id() == "missing_reason");
  CHECK(no_reason.error().message.find("give the reason for the citizen") != std::string::npos);
  auto anonymous = request(Action::refuse);
  anonymous.reason = "Không thuộc thẩm quyền";
  anonymous.actor.clear();
  CHECK_FALSE(desk.life.apply(id, anonymous).has_value());
  CHECK(desk.dossier(id).state == DossierState::received);
}

TEST_CASE("dossiers due within one working day and overdue ones are listed apart") {
  Desk desk;
  desk.clock.set(at("2026-03-05 10:00"));  // Thursday
  const db::Id overdue = desk.dossier_in(DossierState::in_process, at("2026-03-04 17:00"));
  const db::Id today = desk.dossier_in(DossierState::accepted, at("2026-03-05 17:00"));
  const db::Id tomorrow = desk.dossier_in(DossierState::awaiting_fees, at("2026-03-06 17:00"));
  const db::Id monday = desk.dossier_in(DossierState::in_process, at("2026-03-09 17:00"));
  const db::Id done = desk.dossier_in(DossierState::processed, at("2026-03-04 17:00"));
  const db::Id waiting =
      desk.dossier_in(DossierState::supplement_requested, at("2026-03-04 17:00"));
  auto report = desk.life.due();
  REQUIRE(report.has_value());
  REQUIRE(report->overdue.size() == 1);
  CHECK(report->overdue[0].id == overdue);
  REQUIRE(report->due_soon.size() == 2);
  CHECK(report->due_soon[0].id == today);
  CHECK(report->due_soon[1].id == tomorrow);

  // One dossier judged alone (its page, the header's counts) as the lists judge it.
  const auto judged = [&](db::Id id) {
    const db::Dossier dossier = desk.dossier(id);
    return desk.store
        ->read<tracking::DueHorizon>(
            [&](db::Transaction& tx) { return tracking::due_horizon(tx, desk.clock.now()); })
        .value()
        .of(dossier);
  };
  using tracking::DeadlineStatus;
  CHECK(judged(overdue) == DeadlineStatus::overdue);
  CHECK(judged(today) == DeadlineStatus::due_soon);
  CHECK(judged(tomorrow) == DeadlineStatus::due_soon);
  CHECK(judged(monday) == DeadlineStatus::none);
  CHECK(judged(done) == DeadlineStatus::none);  // the clock stopped: neither due nor late
  CHECK(judged(waiting) == DeadlineStatus::none);

  // On Friday, the next working day is Monday.
  desk.clock.set(at("2026-03-06 09:00"));
  report = desk.life.due();
  REQUIRE(report.has_value());
  CHECK(report->overdue.size() == 2);
  REQUIRE(report->due_soon.size() == 2);
  CHECK(report->due_soon[1].id == monday);
  CHECK(judged(today) == DeadlineStatus::overdue);
  CHECK(judged(monday) == DeadlineStatus::due_soon);
}

TEST_CASE("a supplement cannot arrive before it was asked for nor in the future") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 10:00"));
  desk.clock.set(at("2026-03-03 09:00"));
  auto ask = request(Action::request_supplement);
  ask.missing = "Tờ khai";
  REQUIRE(desk.life.apply(id, ask).has_value());
  desk.clock.set(at("2026-03-05 09:00"));
  auto arrived = request(Action::supplement_received);
  arrived.at = at("2026-03-03 08:00");
  auto early = desk.life.apply(id, arrived);
  REQUIRE_FALSE(early.has_value());
  CHECK(early.error().code == ErrorCode::invalid_argument);
  arrived.at = at("2026-03-06 08:00");
  CHECK_FALSE(desk.life.apply(id, arrived).has_value());
  CHECK(desk.dossier(id).state == DossierState::supplement_requested);
}

TEST_CASE("apply_action and check_allowed fail with the error codes their contracts name") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 10:00"));
  const auto code_of = [&](const tracking::ActionRequest& r) {
    auto result = desk.life.apply(id, r);
    REQUIRE_FALSE(result.has_value());
    return result.error().code;
  };

  CHECK(desk.life.apply(id + 100, request(Action::accept)).error().code == ErrorCode::not_found);
  // Not allowed from the state: conflict, from both functions.
  CHECK(code_of(request(Action::start_processing)) == ErrorCode::conflict);
  CHECK(tracking::check_allowed(desk.dossier(id), Action::mark_processed).error().code ==
        ErrorCode::conflict);
  CHECK(tracking::check_allowed(desk.dossier(id), Action::accept).has_value());
  // The request itself is wrong: invalid_argument.
  CHECK(code_of(request(Action::request_supplement)) == ErrorCode::invalid_argument);
  CHECK(code_of(request(Action::refuse)) == ErrorCode::invalid_argument);
  auto anonymous = request(Action::withdraw);
  anonymous.actor.clear();
  CHECK(code_of(anonymous) == ErrorCode::invalid_argument);
  auto future = request(Action::withdraw);
  future.at = at("2026-03-03 10:00");
  CHECK(code_of(future) == ErrorCode::invalid_argument);
  auto early = request(Action::withdraw);
  early.at = at("2026-03-01 10:00");
  CHECK(code_of(early) == ErrorCode::invalid_argument);
  auto unknown = request(Action::accept);
  unknown.procedure_code = "9.999999";
  CHECK(code_of(unknown) == ErrorCode::invalid_argument);
  CHECK(desk.dossier(id).state == DossierState::received);
  CHECK(desk.events(id).empty());
}

TEST_CASE("a refused move reads in Vietnamese with the state and the actions in words") {
  Desk desk;
  const db::Id refused = desk.dossier_in(DossierState::refused, at("2026-03-20 17:00"));
  auto none = desk.life.apply(refused, request(Action::start_processing));
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().code == ErrorCode::conflict);
  CHECK(none.error().render(common::Lang::vi) ==
        fmt::format("Hồ sơ #{} đang ở trạng thái “Không tiếp nhận hồ sơ” (mã trạng thái 3): "
                    "không còn thao tác nào được phép; không thể thực hiện “Chuyển giải quyết”",
                    refused));

  const db::Id received = desk.add_dossier(at("2026-03-02 09:00"));
  auto early = desk.life.apply(received, request(Action::mark_processed));
  REQUIRE_FALSE(early.has_value());
  const std::string vi = early.error().render(common::Lang::vi);
  CHECK(vi.find("“Đã nhận hồ sơ qua bưu điện, đang chờ tiếp nhận”") != std::string::npos);
  CHECK(vi.find("các thao tác được phép: “Tiếp nhận hồ sơ”, “Yêu cầu bổ sung, hoàn thiện hồ sơ”, "
                "“Từ chối tiếp nhận”, “Công dân rút hồ sơ”") != std::string::npos);
  CHECK(vi.find("không thể thực hiện “Đã có kết quả”") != std::string::npos);
  // No enum name leaks into either language.
  for (const auto lang : {common::Lang::vi, common::Lang::en}) {
    const std::string text = early.error().render(lang);
    CHECK(text.find("received") == std::string::npos);
    CHECK(text.find("mark_processed") == std::string::npos);
    CHECK(text.find("request_supplement") == std::string::npos);
  }
}

TEST_CASE("what a move lacks is named in Vietnamese words, never as a command-line flag") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 10:00"));
  const auto vi_of = [&](const tracking::ActionRequest& r) {
    auto result = desk.life.apply(id, r);
    REQUIRE_FALSE(result.has_value());
    const std::string text = result.error().render(common::Lang::vi);
    CHECK(text.find("--") == std::string::npos);
    CHECK(result.error().render(common::Lang::en).find("--") == std::string::npos);
    return text;
  };
  CHECK(vi_of(request(Action::refuse)) ==
        fmt::format("Hồ sơ #{}: cần nêu lý do để thông báo cho người nộp hồ sơ", id));
  CHECK(vi_of(request(Action::request_supplement)) ==
        fmt::format("Hồ sơ #{}: cần liệt kê đầy đủ các giấy tờ phải bổ sung, hoàn thiện trong một "
                    "lần",
                    id));
  CHECK(vi_of(request(Action::accept)).find("chưa có thủ tục hành chính") != std::string::npos);
  auto unknown = request(Action::accept);
  unknown.procedure_code = "9.999999";
  CHECK(vi_of(unknown) == "Không có thủ tục mã “9.999999” trong danh mục thủ tục hành chính");

  REQUIRE(desk.accept(id).has_value());  // due Monday 9 March 17:00
  desk.clock.set(at("2026-03-05 10:00"));
  auto apology = request(Action::apologise);
  CHECK(vi_of(apology) == fmt::format("Hồ sơ #{}: cần nhập ngày hẹn trả kết quả mới", id));
  apology.new_date = day("2026-03-13");
  CHECK(vi_of(apology) == fmt::format("Hồ sơ #{}: cần nêu lý do chậm trả kết quả", id));
  apology.new_date = day("2026-03-14");  // a Saturday
  apology.reason = "Cần xác minh thêm";
  CHECK(vi_of(apology) ==
        fmt::format("Hồ sơ #{}: ngày hẹn mới 2026-03-14 không phải ngày làm việc", id));
  apology.new_date = day("2026-03-13");
  REQUIRE(desk.life.apply(id, apology).has_value());
  apology.new_date = day("2026-03-20");
  CHECK(vi_of(apology).starts_with(
      fmt::format("Hồ sơ #{} đã được hẹn lại một lần (ngày hẹn mới 2026-03-13 17:00)", id)));
}

// Decree 118/2025 Art. 19(5): a dossier not completed within 15 days of the supplement request is
// closed by the desk (docs/domain.md §1.3). Counted in calendar days from the day after the
// request: asked on Tuesday 3 March, the 15th day is Wednesday 18 March; closable from 19 March.
TEST_CASE("a dossier whose supplement did not come within 15 days is listed and closed") {
  Desk desk;
  const db::Id waiting = desk.add_dossier(at("2026-03-02 10:00"));
  const db::Id completed = desk.add_dossier(at("2026-03-02 10:30"));
  REQUIRE(desk.accept(waiting).has_value());
  REQUIRE(desk.accept(completed).has_value());
  desk.clock.set(at("2026-03-03 09:00"));
  auto ask = request(Action::request_supplement);
  ask.missing = "Bản sao Giấy chứng nhận quyền sử dụng đất";
  REQUIRE(desk.life.apply(waiting, ask).has_value());
  REQUIRE(desk.life.apply(completed, ask).has_value());
  desk.clock.set(at("2026-03-10 10:00"));
  auto arrived = request(Action::supplement_received);
  REQUIRE(desk.life.apply(completed, arrived).has_value());

  // The last day of the period: not yet.
  desk.clock.set(at("2026-03-18 23:59"));
  auto report = desk.life.due();
  REQUIRE(report.has_value());
  CHECK(report->supplement_expired.empty());
  auto none = desk.life.close_expired_supplements("lan.nt");
  REQUIRE(none.has_value());
  CHECK(none->empty());
  CHECK(desk.dossier(waiting).state == DossierState::supplement_requested);

  desk.clock.set(at("2026-03-19 00:00"));
  report = desk.life.due();
  REQUIRE(report.has_value());
  REQUIRE(report->supplement_expired.size() == 1);
  CHECK(report->supplement_expired[0].dossier.id == waiting);
  CHECK(local(report->supplement_expired[0].requested_at) == "2026-03-03 09:00:00");
  CHECK(local(report->supplement_expired[0].closable_from) == "2026-03-19 00:00:00");

  auto closed = desk.life.close_expired_supplements("lan.nt");
  REQUIRE(closed.has_value());
  REQUIRE(closed->size() == 1);
  CHECK(closed->front().after.id == waiting);
  CHECK(closed->front().after.state == DossierState::stopped);
  CHECK(db::national_status_code(closed->front().after.state) == 8);
  CHECK(desk.dossier(completed).state == DossierState::accepted);
  // The reason the stop notice (form 05) prints names the request's date and the article.
  const auto events = desk.events(waiting);
  REQUIRE_FALSE(events.empty());
  CHECK(events.back().reason.find("Quá 15 ngày") != std::string::npos);
  CHECK(events.back().reason.find("03/03/2026") != std::string::npos);
  CHECK(events.back().reason.find("Điều 19 khoản 5") != std::string::npos);

  // Closed, it leaves the list, and a second run closes nothing.
  report = desk.life.due();
  REQUIRE(report.has_value());
  CHECK(report->supplement_expired.empty());
  auto again = desk.life.close_expired_supplements("lan.nt");
  REQUIRE(again.has_value());
  CHECK(again->empty());
}

TEST_CASE("the desk sets its own supplement period, and a wrong one is refused") {
  Desk desk;
  desk.set(db::k_setting_supplement_wait_days, "30");
  const db::Id id = desk.add_dossier(at("2026-03-02 10:00"));
  desk.clock.set(at("2026-03-02 11:00"));
  auto ask = request(Action::request_supplement);
  ask.missing = "Tờ khai có chữ ký";
  REQUIRE(desk.life.apply(id, ask).has_value());
  desk.clock.set(at("2026-03-20 08:00"));  // past 15 days, within 30
  auto report = desk.life.due();
  REQUIRE(report.has_value());
  CHECK(report->supplement_expired.empty());
  desk.clock.set(at("2026-04-02 00:00"));  // 2 March + 30 days = 1 April, the last day
  report = desk.life.due();
  REQUIRE(report.has_value());
  CHECK(report->supplement_expired.size() == 1);

  for (const char* wrong : {"0", "mười lăm", "15.5", "366", ""}) {
    CAPTURE(wrong);
    auto parsed = tracking::parse_supplement_wait_days(wrong);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().text.id() == "supplement_wait_days_invalid");
  }
  CHECK(tracking::parse_supplement_wait_days("15").value() == 15);
  desk.set(db::k_setting_supplement_wait_days, "abc");
  auto broken = desk.life.due();
  REQUIRE_FALSE(broken.has_value());
  CHECK(broken.error().render(common::Lang::vi).find("abc") != std::string::npos);
}
