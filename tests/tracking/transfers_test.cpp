// Handovers between units (docs/domain.md §1.4a; Decree 118/2025 Art. 20): a dossier handed to
// the unit that decides it and back to the desk, refused in states where it cannot go; the
// control sheet (form 06) lists the receipt and each handover with names, escaped; the citizen's
// lookup names the unit, never a person; a dossier of the 2018 form set prints as it did.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/desk.hpp"
#include "tracking/documents.hpp"
#include "tracking/lifecycle.hpp"
#include "tracking/lookup.hpp"
#include "tracking/transfers.hpp"

namespace {

using common::ErrorCode;
using db::DossierState;
using test_support::at;

constexpr const char* k_desk = "Trung tâm Phục vụ hành chính công phường Hải Châu";
constexpr const char* k_unit = "Sở Nông nghiệp và Môi trường thành phố Đà Nẵng";
constexpr const char* k_unit_person = "Phạm Thị Thu";
constexpr const char* k_unit_returner = "Đỗ Văn Khoa";
constexpr const char* k_lookup = "K7M2QX9P";

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A desk with its officer (full name and title) and one dossier received by post.
struct Routed : test_support::Desk {
  db::Id procedure = 0;
  db::Id id = 0;

  explicit Routed(const char* filed = "2026-11-16 09:00") : Desk(at(filed), k_desk) {
    procedure = add_procedure("1.012783", 5);
    id = add_dossier(at(filed), std::nullopt, k_lookup);
    add_applicant(id);
    add_officer();
  }

  common::Result<tracking::Transition> act(tracking::Action action) {
    tracking::ActionRequest request;
    request.action = action;
    request.actor = "lan.nt";
    request.procedure_code = "1.012783";
    return tracking::Lifecycle(*store, clock).apply(id, request);
  }

  common::Result<db::UnitHandover> transfer(const std::string& unit = k_unit,
                                            const std::string& person = k_unit_person) {
    tracking::Transfer t;
    t.to_unit = unit;
    t.to_person = person;
    t.note = "Kèm bản gốc Giấy chứng nhận";
    t.actor = "lan.nt";
    return tracking::transfer_dossier(*store, clock, id, t);
  }

  common::Result<db::UnitHandover> back() {
    return tracking::return_from_unit(*store, clock, id,
                                      tracking::UnitReturn{k_unit_returner, "", "lan.nt"});
  }

  std::string control_sheet() {
    auto sheet = store->read<tracking::ControlSheet>(
        [&](db::Transaction& tx) { return tracking::load_control_sheet(tx, id); });
    REQUIRE(sheet.has_value());
    auto html = tracking::render_control_sheet(*sheet);
    REQUIRE(html.has_value());
    return *html;
  }
};

}  // namespace

TEST_CASE("an accepted dossier goes to the deciding unit and back, each with one event of units") {
  Routed desk;
  REQUIRE(desk.act(tracking::Action::accept).has_value());
  desk.clock.advance(std::chrono::hours(1));
  const auto sent = desk.transfer();
  REQUIRE(sent.has_value());
  CHECK(sent->from_unit == k_desk);
  CHECK(sent->to_unit == k_unit);
  CHECK(sent->to_person == k_unit_person);
  CHECK_FALSE(sent->back_to_desk);
  auto where = desk.store->read<tracking::UnitLocation>(
      [&](db::Transaction& tx) { return tracking::unit_location(tx, desk.id); });
  REQUIRE(where.has_value());
  CHECK_FALSE(where->at_desk);
  CHECK(where->unit == k_unit);
  // The state is the lifecycle's: the unit's work does not change it.
  CHECK(desk.dossier(desk.id).state == DossierState::accepted);

  // Handing it again to where it is says so; the desk itself is not another unit.
  const auto again = desk.transfer();
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().code == ErrorCode::conflict);
  const auto to_desk = desk.transfer(k_desk);
  REQUIRE_FALSE(to_desk.has_value());
  CHECK(to_desk.error().code == ErrorCode::invalid_argument);
  CHECK(to_desk.error().render(common::Lang::en).find("transfer-back") != std::string::npos);

  desk.clock.advance(std::chrono::hours(24));
  REQUIRE(desk.act(tracking::Action::start_processing).has_value());
  const auto returned = desk.back();
  REQUIRE(returned.has_value());
  CHECK(returned->from_unit == k_unit);
  CHECK(returned->from_person == k_unit_returner);
  CHECK(returned->to_unit == k_desk);
  CHECK(returned->back_to_desk);

  const auto events = desk.events(desk.id);
  int transferred = 0;
  int back = 0;
  for (const db::Event& e : events) {
    if (e.action == db::EventKind::transferred) {
      ++transferred;
      const auto data = nlohmann::json::parse(e.data);
      CHECK(data["to_unit"] == k_unit);
      CHECK(data["from_unit"] == k_desk);
    }
    if (e.action == db::EventKind::returned_from_unit) ++back;
    // People's names stay in the handovers, out of the event log.
    CHECK(e.data.find(k_unit_person) == std::string::npos);
    CHECK(e.data.find(k_unit_returner) == std::string::npos);
  }
  CHECK(transferred == 1);
  CHECK(back == 1);
  // Back at the desk: nothing more to take back.
  const auto twice = desk.back();
  REQUIRE_FALSE(twice.has_value());
  CHECK(twice.error().code == ErrorCode::conflict);
  CHECK(twice.error().render(common::Lang::vi).find("chưa chuyển đến cơ quan nào") !=
        std::string::npos);
}

TEST_CASE(
    "a dossier not accepted, or already decided, is not handed to a unit, in both languages") {
  Routed desk;
  // Received, not yet accepted.
  auto refused = desk.transfer();
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::conflict);
  CHECK(refused.error().render(common::Lang::en).find("only an accepted or in-process dossier") !=
        std::string::npos);
  CHECK(refused.error().render(common::Lang::vi).find("chỉ chuyển hồ sơ đã tiếp nhận") !=
        std::string::npos);
  // Result ready: decided already.
  desk.put_in_state(desk.id, DossierState::processed, "000.00.05.H12-261116-0001", desk.procedure,
                    at("2026-11-23 17:00"));
  refused = desk.transfer();
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::conflict);
  // Never handed over: nothing to take back.
  const auto back = desk.back();
  REQUIRE_FALSE(back.has_value());
  CHECK(back.error().code == ErrorCode::conflict);
  // Nothing was written.
  const auto handovers = desk.store->read<std::vector<db::UnitHandover>>(
      [&](db::Transaction& tx) { return tx.unit_handovers_of(desk.id); });
  REQUIRE(handovers.has_value());
  CHECK(handovers->empty());
}

TEST_CASE("a handover needs a unit's name, fitting names and an actor") {
  Routed desk;
  REQUIRE(desk.act(tracking::Action::accept).has_value());
  auto refused = desk.transfer("   ");
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::invalid_argument);
  CHECK(refused.error().render(common::Lang::vi).find("tên cơ quan") != std::string::npos);
  refused = desk.transfer(k_unit, std::string(101, 'x'));
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::invalid_argument);
  tracking::Transfer nobody;
  nobody.to_unit = k_unit;
  refused = tracking::transfer_dossier(*desk.store, desk.clock, desk.id, nobody);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::invalid_argument);
}

TEST_CASE(
    "the control sheet lists the receipt and each handover with names, titles and timeliness") {
  Routed desk;
  REQUIRE(desk.act(tracking::Action::accept).has_value());  // due in 5 working days
  desk.clock.advance(std::chrono::hours(1));
  const std::string hostile = "<script>alert(1)</script> Ban quản lý";
  REQUIRE(desk.transfer(hostile, "Trần <b>Bảo</b>").has_value());
  // Back long after the appointment: that row is late.
  desk.clock.advance(std::chrono::hours(24 * 14));
  REQUIRE(desk.back().has_value());

  const std::string html = desk.control_sheet();
  CHECK(count(html, "<tr class=\"handover\">") == 3);  // receipt, to the unit, back
  CHECK(html.find("Thời gian giao, nhận hồ sơ") != std::string::npos);
  CHECK(html.find("Dịch vụ bưu chính công ích") != std::string::npos);  // who brought it
  CHECK(html.find(k_desk) != std::string::npos);
  // The desk's officer by full name and title; the unit's people as typed, escaped.
  CHECK(html.find("Nguyễn Thị Lan") != std::string::npos);
  CHECK(html.find("Chuyên viên") != std::string::npos);
  CHECK(html.find(k_unit_returner) != std::string::npos);
  CHECK(html.find("<script>alert") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt; Ban quản lý") != std::string::npos);
  CHECK(html.find("<b>Bảo</b>") == std::string::npos);
  CHECK(html.find("Trần &lt;b&gt;Bảo&lt;/b&gt;") != std::string::npos);
  CHECK(html.find("Kèm bản gốc Giấy chứng nhận") != std::string::npos);
  // On time up to the appointment, late after it.
  const auto table_end = html.find("</table>");
  REQUIRE(table_end != std::string::npos);
  const std::string table = html.substr(0, table_end);
  CHECK(table.find("Quá hạn") != std::string::npos);
  CHECK((table.find("Đúng hạn") != std::string::npos ||
         table.find("Trước hạn") != std::string::npos));
  // The event log stays below it, under its own heading, naming the units.
  CHECK(html.find("Diễn biến xử lý") != std::string::npos);
  CHECK(html.find("Chuyển hồ sơ đến cơ quan giải quyết (liên thông)") != std::string::npos);
}

TEST_CASE("the citizen's lookup names the unit the dossier went to, never a person") {
  Routed desk;
  const auto accepted = desk.act(tracking::Action::accept);
  REQUIRE(accepted.has_value());
  REQUIRE(desk.transfer().has_value());
  REQUIRE(desk.back().has_value());
  const std::string code = accepted->after.code.value();
  const auto view = tracking::citizen_lookup(*desk.store, code, k_lookup);
  REQUIRE(view.has_value());
  bool named = false;
  bool back = false;
  for (const tracking::CitizenStep& step : view->timeline) {
    if (step.step == "transferred") {
      named = true;
      CHECK(step.unit == k_unit);
      CHECK(step.label == std::string("Hồ sơ đã chuyển đến ") + k_unit);
    }
    if (step.step == "returned_from_unit") back = true;
  }
  CHECK(named);
  CHECK(back);
  for (const std::string& shown : {tracking::citizen_json(*view), tracking::citizen_text(*view)}) {
    CHECK(shown.find(k_unit) != std::string::npos);
    CHECK(shown.find(k_unit_person) == std::string::npos);
    CHECK(shown.find(k_unit_returner) == std::string::npos);
    CHECK(shown.find("Nguyễn Thị Lan") == std::string::npos);
    CHECK(shown.find("lan.nt") == std::string::npos);
    CHECK(shown.find("Kèm bản gốc") == std::string::npos);  // the note is for staff
  }
  // Staff see who handed over and received.
  const auto staff = tracking::staff_lookup(*desk.store, fmt::format("#{}", desk.id));
  REQUIRE(staff.has_value());
  REQUIRE(staff->handovers.size() == 2);
  const std::string text = tracking::staff_text(*staff);
  CHECK(text.find(k_unit_person) != std::string::npos);
  CHECK(text.find(k_unit_returner) != std::string::npos);
}

TEST_CASE("a control sheet of the 2018 form set prints as it did, without the handover table") {
  Routed desk("2025-08-04 09:00");  // filed before Circular 03/2025 took effect
  REQUIRE(desk.act(tracking::Action::accept).has_value());
  auto sheet = desk.store->read<tracking::ControlSheet>(
      [&](db::Transaction& tx) { return tracking::load_control_sheet(tx, desk.id); });
  REQUIRE(sheet.has_value());
  REQUIRE_FALSE(sheet->handovers.empty());  // the receipt row is loaded...
  const auto html = tracking::render_control_sheet(*sheet);
  REQUIRE(html.has_value());
  // ...but the 2018 sheet has no such table: the same page as without any row.
  tracking::ControlSheet bare = *sheet;
  bare.handovers.clear();
  const auto before = tracking::render_control_sheet(bare);
  REQUIRE(before.has_value());
  CHECK(*html == *before);
  CHECK(html->find("Mẫu số 05") != std::string::npos);
  CHECK(html->find("Thời gian giao, nhận hồ sơ") == std::string::npos);
  CHECK(html->find("handover") == std::string::npos);
  CHECK(html->find("Diễn biến xử lý") == std::string::npos);
  CHECK(html->find("Tiếp nhận hồ sơ, hẹn ngày trả kết quả (Mẫu 01)") != std::string::npos);
}

// ---- Each unit's deadline and the Phiếu chuyển xử lý (Decree 118/2025 Art. 20(2); docs/domain.md
// §1.4a)

namespace {

tracking::Transfer to_unit(const std::string& unit = k_unit) {
  tracking::Transfer t;
  t.to_unit = unit;
  t.to_person = k_unit_person;
  t.note = "Thẩm định hồ sơ, lấy ý kiến phòng chuyên môn";
  t.actor = "lan.nt";
  return t;
}

common::Date day_of(const char* text) { return common::parse_date(text).value(); }

}  // namespace

TEST_CASE(
    "a unit's deadline in working days skips the weekend and is refused after the dossier's due "
    "date") {
  Routed desk;                                              // Monday 16 November 2026, 09:00
  REQUIRE(desk.act(tracking::Action::accept).has_value());  // 5 working days
  REQUIRE(desk.dossier(desk.id).due_at == at("2026-11-23 17:00"));
  desk.clock.set(at("2026-11-20 10:00"));  // Friday

  // Two working days from Friday is Tuesday 24, after the dossier's Monday 23: refused, naming
  // both, and nothing written.
  tracking::Transfer late = to_unit();
  late.days = 2;
  auto refused = tracking::transfer_dossier(*desk.store, desk.clock, desk.id, late);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::invalid_argument);
  const std::string vi = refused.error().render(common::Lang::vi);
  const std::string en = refused.error().render(common::Lang::en);
  CHECK(vi.find("không được sau hạn trả kết quả của hồ sơ") != std::string::npos);
  CHECK(en.find("cannot be after the dossier's due date") != std::string::npos);
  for (const std::string& said : {vi, en}) {
    CHECK(said.find("2026-11-24 17:00") != std::string::npos);
    CHECK(said.find("2026-11-23 17:00") != std::string::npos);
  }
  // A date given instead: Tuesday 24 is refused alike.
  late.days.reset();
  late.due_date = day_of("2026-11-24");
  refused = tracking::transfer_dossier(*desk.store, desk.clock, desk.id, late);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().render(common::Lang::en).find("after the dossier's due date") !=
        std::string::npos);
  const auto none = desk.store->read<std::vector<db::UnitHandover>>(
      [&](db::Transaction& tx) { return tx.unit_handovers_of(desk.id); });
  REQUIRE(none.has_value());
  CHECK(none->empty());

  // One working day from Friday: Monday 23 at closing time, Saturday and Sunday not counted.
  tracking::Transfer ok = to_unit();
  ok.days = 1;
  const auto sent = tracking::transfer_dossier(*desk.store, desk.clock, desk.id, ok);
  REQUIRE(sent.has_value());
  REQUIRE(sent->due_at.has_value());
  CHECK(*sent->due_at == at("2026-11-23 17:00"));
  const auto stored = desk.store->read<std::vector<db::UnitHandover>>(
      [&](db::Transaction& tx) { return tx.unit_handovers_of(desk.id); });
  REQUIRE(stored.has_value());
  REQUIRE(stored->size() == 1);
  CHECK(stored->front().due_at == at("2026-11-23 17:00"));
  // The handover back to the desk has no deadline.
  const auto back = desk.back();
  REQUIRE(back.has_value());
  CHECK_FALSE(back->due_at.has_value());
}

TEST_CASE("a unit's deadline is a working day, not before the handover, given one way only") {
  Routed desk;
  REQUIRE(desk.act(tracking::Action::accept).has_value());
  desk.clock.set(at("2026-11-18 10:00"));  // Wednesday
  auto try_with = [&](std::optional<const char*> date, std::optional<int> days) {
    tracking::Transfer t = to_unit();
    if (date) t.due_date = day_of(*date);
    t.days = days;
    return tracking::transfer_dossier(*desk.store, desk.clock, desk.id, t);
  };
  auto refused = try_with("2026-11-21", std::nullopt);  // a Saturday
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().render(common::Lang::vi).find("không phải ngày làm việc") !=
        std::string::npos);
  refused = try_with("2026-11-17", std::nullopt);  // Tuesday: before the handover
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().render(common::Lang::en).find("cannot be before the handover") !=
        std::string::npos);
  refused = try_with("2026-11-19", 1);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().render(common::Lang::en).find("not both") != std::string::npos);
  refused = try_with(std::nullopt, -1);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::invalid_argument);
  // A day off of the calendar is no working day either; the day itself (closing time) is fine.
  desk.day_off("2026-11-20", "Nghỉ bù");
  CHECK_FALSE(try_with("2026-11-20", std::nullopt).has_value());
  const auto sent = try_with("2026-11-18", std::nullopt);
  REQUIRE(sent.has_value());
  CHECK(sent->due_at == at("2026-11-18 17:00"));
}

TEST_CASE("a handover past its unit's deadline is listed as due until the unit hands it on") {
  Routed desk;
  REQUIRE(desk.act(tracking::Action::accept).has_value());
  desk.clock.advance(std::chrono::hours(1));
  tracking::Transfer t = to_unit();
  t.due_date = day_of("2026-11-17");  // Tuesday, closing time
  REQUIRE(tracking::transfer_dossier(*desk.store, desk.clock, desk.id, t).has_value());
  auto due = [&] {
    auto report = tracking::Lifecycle(*desk.store, desk.clock).due();
    REQUIRE(report.has_value());
    return report->handovers_overdue;
  };
  desk.clock.set(at("2026-11-17 16:59"));
  CHECK(due().empty());
  desk.clock.set(at("2026-11-18 08:00"));
  auto late = due();
  REQUIRE(late.size() == 1);
  CHECK(late.front().dossier.id == desk.id);
  CHECK(late.front().handover.to_unit == k_unit);
  CHECK(late.front().handover.due_at == at("2026-11-17 17:00"));
  CHECK(tracking::handover_overdue(late.front().handover, true, desk.clock.now()));
  // Handed on to another unit with no deadline: the first unit is no longer holding it.
  REQUIRE(
      tracking::transfer_dossier(*desk.store, desk.clock, desk.id, to_unit("UBND phường Hải Châu"))
          .has_value());
  CHECK(due().empty());
  // Once more to a unit with a deadline, then back at the desk: not listed.
  desk.clock.set(at("2026-11-18 09:00"));
  tracking::Transfer again = to_unit();
  again.days = 0;  // closing time today
  REQUIRE(tracking::transfer_dossier(*desk.store, desk.clock, desk.id, again).has_value());
  desk.clock.set(at("2026-11-19 08:00"));
  CHECK(due().size() == 1);
  REQUIRE(desk.back().has_value());
  CHECK(due().empty());
}

TEST_CASE(
    "the transfer slip prints the units, the work, both deadlines and who hands over, escaped, "
    "and no citizen") {
  Routed desk;
  // No handover yet: no slip, and the message says why.
  auto missing = desk.store->read<tracking::TransferSlip>(
      [&](db::Transaction& tx) { return tracking::load_transfer_slip(tx, desk.id); });
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == ErrorCode::invalid_argument);
  CHECK(missing.error().render(common::Lang::vi).find("phiếu chuyển xử lý") != std::string::npos);

  REQUIRE(desk.act(tracking::Action::accept).has_value());
  desk.clock.set(at("2026-11-16 10:30"));
  tracking::Transfer t = to_unit("<script>alert(1)</script> Sở Xây dựng");
  t.to_person = "Trần <b>Bảo</b>";
  t.note = "Thẩm định <i>bản vẽ</i> & ký xác nhận";
  t.due_date = day_of("2026-11-19");
  REQUIRE(tracking::transfer_dossier(*desk.store, desk.clock, desk.id, t).has_value());

  auto slip = desk.store->read<tracking::TransferSlip>(
      [&](db::Transaction& tx) { return tracking::load_transfer_slip(tx, desk.id); });
  REQUIRE(slip.has_value());
  CHECK(slip->number == 1);
  CHECK(slip->from_unit == k_desk);
  CHECK(slip->from_person.name == "Nguyễn Thị Lan");
  CHECK(slip->to_person.name == "Trần <b>Bảo</b>");
  CHECK(slip->unit_due_at == at("2026-11-19 17:00"));
  CHECK(slip->dossier.applicant.full_name.empty());
  const auto html = tracking::render_transfer_slip(*slip);
  REQUIRE(html.has_value());
  CHECK(html->find("Phiếu chuyển xử lý") != std::string::npos);
  CHECK(html->find(k_desk) != std::string::npos);
  CHECK(html->find("&lt;script&gt;alert(1)&lt;/script&gt; Sở Xây dựng") != std::string::npos);
  CHECK(html->find("<script>alert") == std::string::npos);
  CHECK(html->find("Trần &lt;b&gt;Bảo&lt;/b&gt;") != std::string::npos);
  CHECK(html->find("Thẩm định &lt;i&gt;bản vẽ&lt;/i&gt; &amp; ký xác nhận") != std::string::npos);
  CHECK(html->find(desk.dossier(desk.id).code.value()) != std::string::npos);
  CHECK(html->find("Cấp giấy chứng nhận quyền sử dụng đất") != std::string::npos);
  CHECK(html->find("17 giờ 00 phút, ngày 19/11/2026") != std::string::npos);  // the unit's
  CHECK(html->find("17 giờ 00 phút, ngày 23/11/2026") != std::string::npos);  // the dossier's
  CHECK(html->find("10 giờ 30 phút, ngày 16/11/2026") != std::string::npos);  // the handover
  CHECK(html->find("Nguyễn Thị Lan") != std::string::npos);
  CHECK(html->find("Chuyên viên") != std::string::npos);
  // The citizen is not on it.
  CHECK(html->find(test_support::k_applicant_name) == std::string::npos);
  CHECK(html->find(test_support::k_applicant_id_number) == std::string::npos);
  CHECK(html->find(test_support::k_applicant_address) == std::string::npos);

  // Back and out again: the second slip, from the desk again; a third does not exist.
  REQUIRE(desk.back().has_value());
  REQUIRE(desk.transfer().has_value());
  auto second = desk.store->read<tracking::TransferSlip>(
      [&](db::Transaction& tx) { return tracking::load_transfer_slip(tx, desk.id, 2); });
  REQUIRE(second.has_value());
  CHECK(second->number == 2);
  CHECK(second->to_unit == k_unit);
  CHECK_FALSE(second->unit_due_at.has_value());
  const auto plain = tracking::render_transfer_slip(*second);
  REQUIRE(plain.has_value());
  CHECK(plain->find("Không ấn định riêng") != std::string::npos);
  auto latest = desk.store->read<tracking::TransferSlip>(
      [&](db::Transaction& tx) { return tracking::load_transfer_slip(tx, desk.id); });
  REQUIRE(latest.has_value());
  CHECK(latest->number == 2);
  auto third = desk.store->read<tracking::TransferSlip>(
      [&](db::Transaction& tx) { return tracking::load_transfer_slip(tx, desk.id, 3); });
  REQUIRE_FALSE(third.has_value());
  CHECK(third.error().render(common::Lang::en).find("no handover 3") != std::string::npos);
}
