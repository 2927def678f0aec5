// Lookups over a real SQLite file with dossiers moved by the real lifecycle: the
// citizen view by inbound number, return number or dossier code with the lookup code, and never a
// trace of the applicant's personal data, the staff's words or the carrier's free text; the same
// error for an unknown code and a wrong lookup code; the staff view with everything.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "db/settings.hpp"
#include "tests/support/store.hpp"
#include "tests/tracking/report_desk.hpp"
#include "tracking/labels.hpp"
#include "tracking/lookup.hpp"

namespace {

using report_test::at;
using report_test::Desk;
using tracking::Action;

constexpr const char* k_inbound = "EB123456785VN";
constexpr const char* k_return = "EL491610889VN";
constexpr const char* k_lookup = "K7M2QX9P";

// A dossier that went through its whole life: received, a supplement, accepted, processed,
// returned by post, delivered. Staff reasons and a carrier description name the applicant.
struct LivedDossier {
  Desk desk;
  db::Id id = 0;
  std::string code;

  LivedDossier() {
    id = desk.receive(k_inbound, at("2026-03-02 09:00"));
    const db::Id inbound = desk.shipment_id(k_inbound, db::Direction::inbound);
    desk.carrier_event(inbound, "2026-02-27 10:00", "picked_up", "100900",
                       "Bưu cục giao dịch Hoàn Kiếm");
    desk.carrier_event(inbound, "2026-03-02 08:30", "delivered", "551000", "Bưu cục phát Hải Châu",
                       "Bộ phận một cửa đã ký nhận");
    desk.act(id, Action::request_supplement, "2026-03-02 10:00",
             [](auto& r) { r.reason = std::string("Đã gọi điện cho ") + report_test::k_name; });
    desk.act(id, Action::supplement_received, "2026-03-04 09:00");
    code = *desk.act(id, Action::accept, "2026-03-04 10:00").after.code;
    desk.act(id, Action::start_processing, "2026-03-05 09:00");
    desk.act(id, Action::mark_processed, "2026-03-09 15:00");
    desk.act(id, Action::dispatch_return, "2026-03-10 09:00");
    const db::Id back = desk.add_return(id, k_return, at("2026-03-10 09:00"));
    desk.carrier_event(back, "2026-03-10 11:00", "picked_up", "551000",
                       "Bưu cục giao dịch Hải Châu");
    desk.carrier_event(back, "2026-03-11 09:00", "out_for_delivery", "100900",
                       "Bưu cục phát Hoàn Kiếm");
    desk.carrier_event(back, "2026-03-11 10:30", "delivered", "100900", "Bưu cục phát Hoàn Kiếm",
                       std::string("Người nhận ") + report_test::k_name + " đã ký nhận, SĐT " +
                           report_test::k_phone);
    desk.act(id, Action::record_delivery, "2026-03-11 12:00");
  }
};

void check_no_personal_data(const std::string& text) {
  CHECK(text.find(report_test::k_name) == std::string::npos);
  CHECK(text.find("Bình") == std::string::npos);
  CHECK(text.find(report_test::k_id_number) == std::string::npos);
  CHECK(text.find(report_test::k_address) == std::string::npos);
  CHECK(text.find("Phố Huế") == std::string::npos);
  CHECK(text.find(report_test::k_return_address) == std::string::npos);
  CHECK(text.find("Lê Duẩn") == std::string::npos);
  CHECK(text.find(report_test::k_phone) == std::string::npos);
  CHECK(text.find("lan.nt") == std::string::npos);       // actors
  CHECK(text.find("Bản sao") == std::string::npos);      // the missing documents staff typed
  CHECK(text.find("Đã gọi điện") == std::string::npos);  // a reason staff typed
  CHECK(text.find(k_lookup) == std::string::npos);       // the secret itself
}

TEST_CASE("the citizen view shows the dossier's progress and none of the applicant's data") {
  LivedDossier lived;
  auto view = tracking::citizen_lookup(*lived.desk.store, k_inbound, k_lookup);
  REQUIRE_MESSAGE(view.has_value(), (view ? std::string() : view.error().message));
  CHECK(view->dossier_code == lived.code);
  CHECK(view->procedure_name == "Cấp giấy chứng nhận quyền sử dụng đất");
  CHECK(view->state == db::DossierState::result_returned);
  CHECK(db::national_status_code(view->state) == 10);
  CHECK(common::format_local(view->filed_at) == "2026-03-02 09:00:00");
  REQUIRE(view->due_at.has_value());
  // The deadline restarted when the complete dossier arrived on Wednesday 4 March.
  CHECK(common::format_local(*view->due_at) == "2026-03-11 17:00:00");

  std::vector<std::string> steps;
  for (const auto& s : view->timeline) steps.push_back(s.step);
  CHECK(steps == std::vector<std::string>{"received_by_post", "supplement_requested",
                                          "supplement_received", "accepted", "processing_started",
                                          "processed", "return_dispatched", "result_returned"});
  CHECK(view->timeline.back().state == db::DossierState::result_returned);

  REQUIRE(view->shipments.size() == 2);
  CHECK(view->shipments[0].direction == db::Direction::inbound);
  CHECK(view->shipments[0].events.size() == 2);
  CHECK(view->shipments[1].tracking_number == k_return);
  REQUIRE(view->shipments[1].events.size() == 3);
  CHECK(view->shipments[1].events.back().status == "delivered");
  CHECK(view->shipments[1].events.back().office == "Bưu cục phát Hoàn Kiếm");

  const std::string json = tracking::citizen_json(*view);
  const std::string text = tracking::citizen_text(*view);
  CHECK(json.find("\"national_status\": 10") != std::string::npos);
  CHECK(json.find("Đã trả kết quả") != std::string::npos);
  CHECK(text.find("Bưu cục phát Hoàn Kiếm") != std::string::npos);
  check_no_personal_data(json);
  check_no_personal_data(text);

  // The same dossier's staff view does carry them: the checks above can fail.
  auto staff = tracking::staff_lookup(*lived.desk.store, k_inbound);
  REQUIRE(staff.has_value());
  const std::string staff_json = tracking::staff_json(*staff);
  CHECK(staff_json.find(report_test::k_name) != std::string::npos);
  CHECK(staff_json.find(report_test::k_phone) != std::string::npos);
  CHECK(staff_json.find(report_test::k_address) != std::string::npos);
  CHECK(staff_json.find("lan.nt") != std::string::npos);
}

TEST_CASE(
    "a failed delivery of the result is flagged for the citizen until a delivery succeeds, and "
    "the desk's contact is public") {
  Desk desk;
  desk.set(db::k_setting_agency_address, "15 Trần Phú, phường Hải Châu, TP. Đà Nẵng");
  desk.set(db::k_setting_agency_phone, "0236 3821 234");
  const db::Id id = desk.receive(k_inbound, at("2026-03-02 09:00"));
  desk.act(id, Action::accept, "2026-03-02 10:00");
  desk.act(id, Action::start_processing, "2026-03-03 09:00");
  desk.act(id, Action::mark_processed, "2026-03-06 10:00");
  desk.act(id, Action::dispatch_return, "2026-03-09 09:00");
  const db::Id back = desk.add_return(id, k_return, at("2026-03-09 09:00"));
  desk.carrier_event(back, "2026-03-09 11:00", "picked_up", "551000", "Bưu cục Hải Châu");
  const auto failed = [&] {
    auto view = tracking::citizen_lookup(*desk.store, k_inbound, k_lookup);
    REQUIRE(view.has_value());
    return view->delivery_failed;
  };
  CHECK_FALSE(failed());  // on its way

  desk.carrier_event(back, "2026-03-10 10:00", "delivery_failed", "100900", "Bưu cục Hoàn Kiếm",
                     std::string("Người nhận ") + report_test::k_name + " vắng nhà");
  CHECK(failed());  // an attempt failed: call before the next one
  auto view = tracking::citizen_lookup(*desk.store, k_inbound, k_lookup);
  REQUIRE(view.has_value());
  const std::string json = tracking::citizen_json(*view);
  CHECK(json.find("\"delivery_failed\": true") != std::string::npos);
  check_no_personal_data(json);

  // Delivered at the next attempt: nothing left for the citizen to do.
  desk.carrier_event(back, "2026-03-11 10:00", "delivered", "100900", "Bưu cục Hoàn Kiếm");
  CHECK_FALSE(failed());

  // Another dossier whose result the post brought back to the desk.
  const char* k_other = "EB000000081VN";
  const db::Id other = desk.receive(k_other, at("2026-03-11 09:00"));
  desk.act(other, Action::accept, "2026-03-11 10:00");
  desk.act(other, Action::start_processing, "2026-03-11 11:00");
  desk.act(other, Action::mark_processed, "2026-03-12 10:00");
  desk.act(other, Action::dispatch_return, "2026-03-12 11:00");
  const db::Id brought_back = desk.add_return(other, "EL000000093VN", at("2026-03-12 11:00"));
  desk.carrier_event(brought_back, "2026-03-16 10:00", "returned", "551000", "Bưu cục Hải Châu");
  desk.act(other, Action::record_return_failure, "2026-03-16 11:00");
  auto other_view = tracking::citizen_lookup(*desk.store, k_other, k_lookup);
  REQUIRE(other_view.has_value());
  CHECK(other_view->state == db::DossierState::return_failed);
  CHECK(other_view->delivery_failed);

  auto contact = tracking::desk_contact(*desk.store);
  REQUIRE(contact.has_value());
  CHECK(contact->address == "15 Trần Phú, phường Hải Châu, TP. Đà Nẵng");
  CHECK(contact->phone == "0236 3821 234");
  CHECK(contact->name == "Một cửa Hải Châu");
}

TEST_CASE("the admin sets the desk's address and hotline, and a malformed one is refused") {
  Desk desk;
  const auto set = [&](std::string_view address, std::string_view phone) {
    return desk.store->write(
        [&](db::Transaction& tx) { return tracking::set_desk_contact(tx, address, phone); });
  };
  REQUIRE(set("  1 Bạch Đằng, Đà Nẵng ", " (0236) 3.821-234 ").has_value());
  auto contact = tracking::desk_contact(*desk.store);
  REQUIRE(contact.has_value());
  CHECK(contact->address == "1 Bạch Đằng, Đà Nẵng");
  CHECK(contact->phone == "(0236) 3.821-234");

  const auto bad_phone = set("1 Bạch Đằng", "gọi 0236");
  REQUIRE_FALSE(bad_phone.has_value());
  CHECK(bad_phone.error().code == common::ErrorCode::invalid_argument);
  CHECK(bad_phone.error().render(common::Lang::vi).find("“gọi 0236”") != std::string::npos);
  CHECK_FALSE(set("", "0236 3821 234").has_value());
  CHECK_FALSE(set("1 Bạch Đằng\nĐà Nẵng", "0236 3821 234").has_value());
  CHECK_FALSE(set(std::string(201, 'a'), "0236 3821 234").has_value());
  CHECK(set(std::string(200, 'a'), "0236 3821 234").has_value());
  // Nothing of a refused change was written.
  CHECK(tracking::desk_contact(*desk.store)->address == std::string(200, 'a'));
}

TEST_CASE("a wrong lookup code and an unknown code give the same error") {
  LivedDossier lived;
  auto wrong = tracking::citizen_lookup(*lived.desk.store, k_inbound, "K7M2QX9Q");
  auto unknown = tracking::citizen_lookup(*lived.desk.store, "EB123456794VN", k_lookup);
  auto unknown_code =
      tracking::citizen_lookup(*lived.desk.store, "000.00.05.H12-260304-0002", "K7M2QX9Q");
  auto empty = tracking::citizen_lookup(*lived.desk.store, k_inbound, "");
  REQUIRE_FALSE(wrong.has_value());
  REQUIRE_FALSE(unknown.has_value());
  REQUIRE_FALSE(unknown_code.has_value());
  REQUIRE_FALSE(empty.has_value());
  CHECK(wrong.error().code == common::ErrorCode::not_found);
  for (const auto* other : {&unknown, &unknown_code, &empty}) {
    CHECK(other->error().code == wrong.error().code);
    CHECK(other->error().message == wrong.error().message);
  }
  CHECK(wrong.error().message.find(k_inbound) == std::string::npos);
}

TEST_CASE("a code that names nothing gives the same error whatever lookup code is typed") {
  // Most of these leave find_by_public_code stand-in keys, which must match nothing; eight NULs
  // equal the stand-in lookup code and must still fail.
  LivedDossier lived;
  const auto wrong = tracking::citizen_lookup(*lived.desk.store, k_inbound, "K7M2QX9Q");
  REQUIRE_FALSE(wrong.has_value());
  for (const std::string& key : {std::string(), std::string("   "), std::string("-"),
                                 std::string(100, 'A'), std::string(k_inbound) + "X"}) {
    CAPTURE(key);
    for (const std::string& lookup : {std::string(k_lookup), std::string(), std::string(8, '\0')}) {
      auto view = tracking::citizen_lookup(*lived.desk.store, key, lookup);
      REQUIRE_FALSE(view.has_value());
      CHECK(view.error().code == wrong.error().code);
      CHECK(view.error().message == wrong.error().message);
    }
  }
}

TEST_CASE("a citizen finds the dossier by inbound number, return number or dossier code") {
  LivedDossier lived;
  const std::string date_and_sequence = lived.code.substr(lived.code.find('-'));  // "-260304-0001"
  for (const std::string& key :
       {std::string(k_inbound), std::string("eb 1234 5678 5vn"), std::string(k_return),
        std::string("el491610889vn"), lived.code, std::string("000.00.05.h12") + date_and_sequence,
        std::string("000.00.05.H12-20260304-1"), std::string("  ") + lived.code + " "}) {
    CAPTURE(key);
    auto view = tracking::citizen_lookup(*lived.desk.store, key, "k7m2 qx9p");
    REQUIRE_MESSAGE(view.has_value(), (view ? std::string() : view.error().message));
    CHECK(view->dossier_code == lived.code);
  }
}

TEST_CASE("a known code with a wrong lookup code runs the same one statement as an unknown code") {
  LivedDossier lived;
  std::mutex mutex;
  std::vector<std::string> statements;
  db::SqliteOptions options;
  options.on_statement = [&](std::string_view sql) {
    std::lock_guard lock(mutex);
    statements.emplace_back(sql);
  };
  auto store = test_support::open_store(lived.desk.database, options);
  REQUIRE(store.has_value());
  auto run = [&](const std::string& code, const std::string& lookup_code) {
    {
      std::lock_guard lock(mutex);
      statements.clear();
    }
    auto view = tracking::citizen_lookup(**store, code, lookup_code);
    std::lock_guard lock(mutex);
    return std::make_pair(view.has_value(), statements);
  };
  const auto known = run(k_inbound, "K7M2QX9Q");
  CHECK_FALSE(known.first);
  int selects = 0;
  for (const std::string& sql : known.second) selects += sql.rfind("SELECT", 0) == 0 ? 1 : 0;
  CHECK(selects == 1);
  for (const auto& [code, lookup_code] :
       std::vector<std::pair<std::string, std::string>>{{"EB123456794VN", "K7M2QX9Q"},
                                                        {"EB123456794VN", k_lookup},
                                                        {lived.code, "K7M2QX9Q"},
                                                        {"000.00.05.H12-260304-0002", k_lookup},
                                                        {k_return, ""},
                                                        {"", ""}}) {
    CAPTURE(code);
    const auto other = run(code, lookup_code);
    CHECK_FALSE(other.first);
    CHECK(other.second == known.second);
  }
  // Only the right lookup code reads on (the dossier, its events, its shipments).
  const auto right = run(k_inbound, k_lookup);
  CHECK(right.first);
  CHECK(right.second.size() > known.second.size());
}

TEST_CASE("a citizen cannot look a dossier up by its internal number") {
  LivedDossier lived;
  for (const std::string& key : {fmt::format("#{}", lived.id), std::to_string(lived.id)}) {
    CAPTURE(key);
    auto view = tracking::citizen_lookup(*lived.desk.store, key, k_lookup);
    REQUIRE_FALSE(view.has_value());
    CHECK(view.error().message == tracking::citizen_lookup_error().message);
  }
  // Staff can.
  auto staff = tracking::staff_lookup(*lived.desk.store, fmt::format("#{}", lived.id));
  REQUIRE(staff.has_value());
  CHECK(staff->dossier.id == lived.id);
}

TEST_CASE("the staff view has the applicant, the actors, the reasons and the carrier's texts") {
  LivedDossier lived;
  auto view = tracking::staff_lookup(*lived.desk.store, lived.code);
  REQUIRE_MESSAGE(view.has_value(), (view ? std::string() : view.error().message));
  REQUIRE(view->applicant.has_value());
  CHECK(view->applicant->full_name == report_test::k_name);
  CHECK(view->applicant->return_address == report_test::k_return_address);
  REQUIRE(view->shipments.size() == 2);
  CHECK(view->history.size() == 8);
  CHECK(view->history[1].reason.find("Đã gọi điện") != std::string::npos);
  const std::string text = tracking::staff_text(*view);
  CHECK(text.find(report_test::k_id_number) != std::string::npos);
  CHECK(text.find("Người nhận") != std::string::npos);
  CHECK(text.find("K7M2QX9P") != std::string::npos);

  auto missing = tracking::staff_lookup(*lived.desk.store, "EB000000000VN");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == common::ErrorCode::not_found);
  CHECK(missing.error().message.find("EB000000000VN") != std::string::npos);
}

TEST_CASE("dossier codes typed in variant forms read as the standard form") {
  CHECK(tracking::normalise_dossier_code("000.00.05.H12-210806-0001") ==
        "000.00.05.H12-210806-0001");
  CHECK(tracking::normalise_dossier_code(" 000.00.05.h12-20210806-1 ") ==
        "000.00.05.H12-210806-0001");
  CHECK(tracking::normalise_dossier_code("G09.20-20260609-0092637") == "G09.20-260609-92637");
  CHECK_FALSE(tracking::normalise_dossier_code("EB123456785VN").has_value());
  CHECK_FALSE(tracking::normalise_dossier_code("000.00.05.H12-2108-0001").has_value());
  CHECK_FALSE(tracking::normalise_dossier_code("-210806-0001").has_value());
  CHECK_FALSE(tracking::normalise_dossier_code("000.00.05.H12-210806-").has_value());
}

TEST_CASE("steps logged under their action names read as the lifecycle's event kinds") {
  CHECK(db::parse_event_kind("dispatch_return") == db::EventKind::return_dispatched);
  CHECK(db::parse_event_kind("record_delivery") == db::EventKind::result_returned);
  CHECK(db::parse_event_kind("record_return_failure") == db::EventKind::return_failed);
  CHECK(db::parse_event_kind("return_dispatched") == db::EventKind::return_dispatched);
  CHECK(db::parse_event_kind("applicant_added") == db::EventKind::applicant_added);
  CHECK_FALSE(db::parse_event_kind("teleported").has_value());
  for (const auto action : tracking::k_all_actions) {
    CHECK(db::parse_event_kind(tracking::action_name(action)) == tracking::event_kind(action));
  }
}

TEST_CASE("lookup codes match only when every character matches") {
  CHECK(tracking::lookup_codes_equal("K7M2QX9P", "K7M2QX9P"));
  CHECK_FALSE(tracking::lookup_codes_equal("K7M2QX9Q", "K7M2QX9P"));
  CHECK_FALSE(tracking::lookup_codes_equal("K7M2QX9", "K7M2QX9P"));
  CHECK_FALSE(tracking::lookup_codes_equal("K7M2QX9PP", "K7M2QX9P"));
  CHECK_FALSE(tracking::lookup_codes_equal("", ""));
  CHECK(tracking::normalise_lookup_code(" k7m2-qx9p ") == "K7M2QX9P");
}

}  // namespace

namespace {

TEST_CASE(
    "hoso lookup says which of --lookup-code and --staff it needs, and shows either view "
    "[sqlite]") {
  LivedDossier lived;
  const std::string hoso = test_support::shell_quote((test_support::bin_dir() / "hoso").string());
  const std::string db =
      " --db " + test_support::shell_quote((lived.desk.dir / "hoso.db").string());

  auto neither =
      test_support::run_command(hoso + " lookup " + k_inbound + db, lived.desk.dir.path());
  CHECK(neither.exit_code == 2);
  CHECK(neither.err.find("--lookup-code") != std::string::npos);
  CHECK(neither.err.find("--staff") != std::string::npos);
  CHECK(neither.out.empty());

  auto citizen = test_support::run_command(
      hoso + " lookup " + k_inbound + " --lookup-code " + k_lookup + " --json" + db,
      lived.desk.dir.path());
  CHECK(citizen.exit_code == 0);
  CHECK(citizen.out.find(lived.code) != std::string::npos);
  check_no_personal_data(citizen.out);

  auto wrong = test_support::run_command(hoso + " lookup " + k_inbound + " --lookup-code AAAA" + db,
                                         lived.desk.dir.path());
  CHECK(wrong.exit_code == 4);
  CHECK(wrong.out.empty());

  auto staff = test_support::run_command(hoso + " lookup " + lived.code + " --staff" + db,
                                         lived.desk.dir.path());
  CHECK(staff.exit_code == 0);
  CHECK(staff.out.find(report_test::k_name) != std::string::npos);
}

}  // namespace

TEST_CASE(
    "regression: a citizen's lookup is answered while staff searches hold every staff reader") {
  LivedDossier lived;
  db::Store& store = *lived.desk.store;
  // Staff reads that do not end until told: as many as the store has staff readers (eight), so
  // any further staff read would wait for one of them.
  constexpr int k_staff_readers = 8;
  std::mutex mutex;
  std::condition_variable changed;
  int holding = 0;
  bool release = false;
  std::vector<std::thread> staff;
  for (int i = 0; i < k_staff_readers; ++i) {
    staff.emplace_back([&] {
      auto read = store.read([&](db::Transaction&) -> common::Result<void> {
        std::unique_lock lock(mutex);
        ++holding;
        changed.notify_all();
        changed.wait(lock, [&] { return release; });
        return {};
      });
      CHECK(read.has_value());
    });
  }
  {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return holding == k_staff_readers; });
  }
  auto lookup = std::async(std::launch::async,
                           [&] { return tracking::citizen_lookup(store, k_inbound, k_lookup); });
  // A watchdog, not a measure: the lookup answers at once or, waiting for a staff reader, never
  // (until the staff reads are released below).
  const bool answered = lookup.wait_for(std::chrono::seconds{60}) == std::future_status::ready;
  {
    std::lock_guard lock(mutex);
    release = true;
  }
  changed.notify_all();
  for (std::thread& t : staff) t.join();
  CHECK(answered);
  const auto view = lookup.get();
  REQUIRE_MESSAGE(view.has_value(), (view ? std::string() : view.error().message));
  CHECK(view->dossier_code == lived.code);
}
