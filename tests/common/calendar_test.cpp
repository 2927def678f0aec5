#include "common/calendar.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.hpp"

using common::Date;
using common::DayKind;
using common::ErrorCode;
using common::Timestamp;
using common::WorkingCalendar;

namespace {

namespace chr = std::chrono;

Date ymd(int year, unsigned month, unsigned day) {
  return Date{chr::year{year}, chr::month{month}, chr::day{day}};
}

// The moment a dossier is handed over, in Vietnam local time.
Timestamp at(int year, unsigned month, unsigned day, int hour, int minute, int second = 0) {
  return common::local_time(ymd(year, month, day), hour, minute, second);
}

WorkingCalendar shipped_calendar(common::OfficeHours hours = {}) {
  const std::filesystem::path dir = std::filesystem::path(HOSO_SOURCE_DIR) / "samples/calendar";
  auto loaded =
      WorkingCalendar::load_csv({dir / "2025.csv", dir / "2026.csv", dir / "2027.csv"}, hours);
  if (!loaded) FAIL(loaded.error().message);
  return std::move(loaded).value();
}

// A calendar file in the temporary folder, removed when the test ends.
class TempCsv {
 public:
  explicit TempCsv(const std::string& contents) {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            fmt::format("hoso-calendar-test-{:08x}{:08x}.csv", random(), random());
    std::ofstream(path_, std::ios::binary) << contents;
  }
  ~TempCsv() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TempCsv(const TempCsv&) = delete;
  TempCsv& operator=(const TempCsv&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string name() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace

TEST_CASE("the shipped calendars for 2025, 2026 and 2027 load and mark the official days") {
  const auto calendar = shipped_calendar();

  // Tết Bính Ngọ: Monday 16 to Friday 20 February 2026 off; the Monday after is a working day.
  for (unsigned day = 16; day <= 20; ++day) CHECK_FALSE(calendar.is_working_day(ymd(2026, 2, day)));
  CHECK(calendar.is_working_day(ymd(2026, 2, 13)));
  CHECK(calendar.is_working_day(ymd(2026, 2, 23)));
  const auto tet = calendar.find(ymd(2026, 2, 17));
  REQUIRE(tet.has_value());
  CHECK(tet->kind == DayKind::off);
  CHECK(tet->name.find("Tết Nguyên đán") != std::string::npos);

  // Swapped Saturdays are working days: 26/4/2025, 10/1/2026, 22/8/2026.
  CHECK(calendar.is_working_day(ymd(2025, 4, 26)));
  CHECK(calendar.is_working_day(ymd(2026, 1, 10)));
  CHECK(calendar.is_working_day(ymd(2026, 8, 22)));
  // An ordinary Saturday is not.
  CHECK_FALSE(calendar.is_working_day(ymd(2026, 8, 29)));

  // Hùng Kings' day: Monday 7/4/2025; compensatory Monday 27/4/2026; Friday 16/4/2027.
  CHECK_FALSE(calendar.is_working_day(ymd(2025, 4, 7)));
  CHECK_FALSE(calendar.is_working_day(ymd(2026, 4, 27)));
  CHECK_FALSE(calendar.is_working_day(ymd(2027, 4, 16)));

  const auto listed = calendar.days();
  CHECK(std::is_sorted(listed.begin(), listed.end(),
                       [](const auto& a, const auto& b) { return a.date < b.date; }));
}

TEST_CASE(
    "a dossier filed Monday 2 March 2026 at 10:00 with 5 working days is due Monday 9 March") {
  const auto calendar = shipped_calendar();
  // The receipt day is not counted: Tue 3, Wed 4, Thu 5, Fri 6, Mon 9 -> due Mon 9 Mar 17:00.
  CHECK(common::format_local(calendar.due_after_working_days(at(2026, 3, 2, 10, 0), 5)) ==
        "2026-03-09 17:00:00");
}

TEST_CASE("a dossier filed Friday 13 February 2026 with 5 working days is due after Tết") {
  const auto calendar = shipped_calendar();
  // Filed Fri 13 Feb 10:00, before the cut-off, so the clock starts on Fri 13 Feb. Counting the
  // days after it: Sat 14 and Sun 15 weekend; Mon 16 to Fri 20 Tết; Sat 21, Sun 22 weekend;
  // Mon 23 (1), Tue 24 (2), Wed 25 (3), Thu 26 (4), Fri 27 (5) -> due Fri 27 Feb 17:00.
  CHECK(common::format_local(calendar.due_after_working_days(at(2026, 2, 13, 10, 0), 5)) ==
        "2026-02-27 17:00:00");
}

// Worked examples of docs/domain.md §5.2, a procedure of 5 working days. Decree 118/2025 Article
// 17(3): the time runs from the receipt; Article 18(2): a paper dossier received after 15:00 goes
// to the processing unit the next morning, which moves that handover and not the deadline.
TEST_CASE(
    "after 15:00 the deadline still counts from the day of receipt (Decree 118/2025 17(3), "
    "18(2))") {
  const auto calendar = shipped_calendar();

  SUBCASE("Monday 2 March 2026 at 16:00 is due Monday 9 March, as at 10:00") {
    const auto filed = at(2026, 3, 2, 16, 0);
    CHECK(calendar.counting_start(filed) == filed);
    // Tue 3 (1), Wed 4 (2), Thu 5 (3), Fri 6 (4), Mon 9 (5).
    CHECK(common::format_local(calendar.due_after_working_days(filed, 5)) == "2026-03-09 17:00:00");
    CHECK(calendar.due_after_working_days(filed, 5) ==
          calendar.due_after_working_days(at(2026, 3, 2, 10, 0), 5));
  }
  SUBCASE("Thursday 12 February 2026 at 16:00, before Tết, is due Thursday 26 February") {
    // Fri 13 (1); Tết Mon 16 to Fri 20 and two weekends off; Mon 23 (2) ... Thu 26 (5).
    CHECK(common::format_local(calendar.due_after_working_days(at(2026, 2, 12, 16, 0), 5)) ==
          "2026-02-26 17:00:00");
  }
  SUBCASE("a deadline in working hours runs from 16:00 too: 8 hours end at 15:00 the next day") {
    // Mon 16:00-17:00 (1 h), Tue 08:00-12:00 (4 h), 13:00-16:00 (3 h) -> Tue 3 March 16:00.
    CHECK(common::format_local(calendar.due_after_working_hours(at(2026, 3, 2, 16, 0), 8)) ==
          "2026-03-03 16:00:00");
  }
  SUBCASE("before opening time the clock starts at opening time the same day") {
    CHECK(common::format_local(calendar.counting_start(at(2026, 3, 4, 7, 30))) ==
          "2026-03-04 08:00:00");
  }
}

TEST_CASE("a desk that counts from the next working day after 15:00 gets one day more") {
  common::OfficeHours hours;
  hours.cutoff_moves_deadline = true;
  const auto calendar = shipped_calendar(hours);

  SUBCASE("Monday 2 March 2026 at 16:00 counts from Tuesday 08:00 and is due Tuesday 10 March") {
    const auto filed = at(2026, 3, 2, 16, 0);
    CHECK(common::format_local(calendar.counting_start(filed)) == "2026-03-03 08:00:00");
    CHECK(common::format_local(calendar.due_after_working_days(filed, 5)) == "2026-03-10 17:00:00");
  }
  SUBCASE("exactly 15:00:00 is already after the cut-off, 14:59 is not") {
    CHECK(common::format_local(calendar.counting_start(at(2026, 2, 12, 15, 0, 0))) ==
          "2026-02-13 08:00:00");
    const auto filed = at(2026, 2, 12, 14, 59);
    CHECK(calendar.counting_start(filed) == filed);
  }
  SUBCASE("handed over on Friday 21 August 2026 after the cut-off, the swapped Saturday is day 0") {
    CHECK(common::format_local(calendar.counting_start(at(2026, 8, 21, 16, 0))) ==
          "2026-08-22 08:00:00");
  }
}

TEST_CASE("a dossier filed on a day off: counted from the next working day, or by the Civil Code") {
  SUBCASE("by default Saturday 7 March 2026 counts as Monday 9 March 08:00: due Monday 16 March") {
    const auto calendar = shipped_calendar();
    const auto filed = at(2026, 3, 7, 9, 0);
    CHECK(common::format_local(calendar.counting_start(filed)) == "2026-03-09 08:00:00");
    CHECK(common::format_local(calendar.due_after_working_days(filed, 5)) == "2026-03-16 17:00:00");
  }
  SUBCASE("by the Civil Code (Articles 147-148) Saturday is not counted: Mon 9 (1) to Fri 13 (5)") {
    common::OfficeHours hours;
    hours.day_off_from_next_working_day = false;
    const auto calendar = shipped_calendar(hours);
    CHECK(common::format_local(calendar.due_after_working_days(at(2026, 3, 7, 9, 0), 5)) ==
          "2026-03-13 17:00:00");
    // Handed over on the Tết Saturday 14 February: Mon 23 (1) ... Fri 27 (5).
    CHECK(common::format_local(calendar.due_after_working_days(at(2026, 2, 14, 10, 0), 5)) ==
          "2026-02-27 17:00:00");
  }
  SUBCASE("a dossier handed over on a Tết Saturday counts from Monday 23 February by default") {
    const auto calendar = shipped_calendar();
    CHECK(common::format_local(calendar.counting_start(at(2026, 2, 14, 10, 0))) ==
          "2026-02-23 08:00:00");
    // Mon 23 is day 0: Tue 24 (1) ... Mon 2 March (5).
    CHECK(common::format_local(calendar.due_after_working_days(at(2026, 2, 14, 10, 0), 5)) ==
          "2026-03-02 17:00:00");
  }
}

TEST_CASE("a desk's office hours are read from text and refused with a reason when wrong") {
  auto hours = common::parse_office_hours("07:30-11:30,13:30-17:00");
  REQUIRE(hours.has_value());
  CHECK(hours->open_minute == 7 * 60 + 30);
  CHECK(hours->lunch_start == 11 * 60 + 30);
  CHECK(hours->lunch_end == 13 * 60 + 30);
  CHECK(hours->close_minute == 17 * 60);
  CHECK(common::format_office_hours(*hours) == "07:30-11:30,13:30-17:00");
  // A deadline of 5 working days ends at this desk's closing time.
  const auto calendar = shipped_calendar(*hours);
  CHECK(common::format_local(calendar.due_after_working_days(at(2026, 3, 2, 10, 0), 5)) ==
        "2026-03-09 17:00:00");
  CHECK(common::format_local(calendar.counting_start(at(2026, 3, 4, 7, 0))) ==
        "2026-03-04 07:30:00");

  auto reversed = common::parse_office_hours("08:00-12:00,13:00-12:30");
  REQUIRE_FALSE(reversed.has_value());
  CHECK(reversed.error().code == ErrorCode::bad_input);
  CHECK(
      reversed.error().message ==
      "office hours \"08:00-12:00,13:00-12:30\": 13:00-12:30: the afternoon ends before it starts");
  CHECK_FALSE(common::parse_office_hours("8-12,13-17").has_value());
  CHECK_FALSE(common::parse_office_hours("08:00-12:00").has_value());
  CHECK_FALSE(common::parse_office_hours("08:00-12:00,11:00-17:00").has_value());
  CHECK_FALSE(common::parse_office_hours("08:00-24:00,13:00-17:00").has_value());
}

TEST_CASE("a deadline across National Day 2026 skips Monday 31 August to Wednesday 2 September") {
  const auto calendar = shipped_calendar();
  // 2026 decision: off Mon 31 Aug (swapped with Sat 22 Aug), Tue 1 Sep, Wed 2 Sep.
  // Filed Thu 27 Aug 09:00: Fri 28 (1); Sat 29, Sun 30 weekend; Mon 31, Tue 1, Wed 2 off;
  // Thu 3 (2), Fri 4 (3), Mon 7 (4), Tue 8 (5) -> due Tue 8 Sep 17:00.
  CHECK(common::format_local(calendar.due_after_working_days(at(2026, 8, 27, 9, 0), 5)) ==
        "2026-09-08 17:00:00");
}

TEST_CASE("a deadline across Hùng Kings' day and 30 April–1 May 2026 skips all three days off") {
  const auto calendar = shipped_calendar();
  // Hùng Kings' day is Sun 26 Apr, so Mon 27 Apr is off; Thu 30 Apr and Fri 1 May are off.
  // Filed Thu 23 Apr 10:00: Fri 24 (1); Sat 25, Sun 26; Mon 27 off; Tue 28 (2), Wed 29 (3);
  // Thu 30, Fri 1 off; Sat 2, Sun 3; Mon 4 May (4), Tue 5 May (5) -> due Tue 5 May 17:00.
  CHECK(common::format_local(calendar.due_after_working_days(at(2026, 4, 23, 10, 0), 5)) ==
        "2026-05-05 17:00:00");
}

TEST_CASE("a Saturday swapped to be a working day counts toward the deadline") {
  const auto calendar = shipped_calendar();

  SUBCASE("Saturday 22 August 2026") {
    // Filed Fri 21 Aug 09:00: Sat 22 (1), Mon 24 (2), Tue 25 (3), Wed 26 (4), Thu 27 (5).
    CHECK(common::format_local(calendar.due_after_working_days(at(2026, 8, 21, 9, 0), 5)) ==
          "2026-08-27 17:00:00");
  }
  SUBCASE("Saturday 10 January 2026") {
    // Filed Fri 9 Jan 10:00: Sat 10 (1), Mon 12 (2), Tue 13 (3) -> due Tue 13 Jan 17:00.
    CHECK(common::format_local(calendar.due_after_working_days(at(2026, 1, 9, 10, 0), 3)) ==
          "2026-01-13 17:00:00");
  }
  SUBCASE("Saturday 26 April 2025, before the 30/4–2/5 break") {
    // Filed Fri 25 Apr 2025 10:00: Sat 26 (1), Mon 28 (2), Tue 29 (3); Wed 30 to Fri 2 off;
    // Mon 5 May (4) -> due Mon 5 May 2025 17:00.
    CHECK(common::format_local(calendar.due_after_working_days(at(2025, 4, 25, 10, 0), 4)) ==
          "2025-05-05 17:00:00");
  }
}

TEST_CASE("a deadline in working hours counts office hours only") {
  const auto calendar = shipped_calendar();

  SUBCASE("across the lunch break") {
    // Wed 4 Mar 2026 11:00 + 2 h: 11:00-12:00 (1 h), lunch, 13:00-14:00 (1 h) -> 14:00.
    CHECK(common::format_local(calendar.due_after_working_hours(at(2026, 3, 4, 11, 0), 2)) ==
          "2026-03-04 14:00:00");
  }
  SUBCASE("across a weekend") {
    // Fri 6 Mar 2026 10:00 + 8 h: 10-12 (2 h), 13-17 (4 h); Mon 9 Mar 8-10 (2 h) -> Mon 10:00.
    CHECK(common::format_local(calendar.due_after_working_hours(at(2026, 3, 6, 10, 0), 8)) ==
          "2026-03-09 10:00:00");
  }
  SUBCASE("across Tết") {
    // Fri 13 Feb 2026 14:00 + 4 h: 14-17 (3 h); next working day Mon 23 Feb 8-9 (1 h).
    CHECK(common::format_local(calendar.due_after_working_hours(at(2026, 2, 13, 14, 0), 4)) ==
          "2026-02-23 09:00:00");
  }
  SUBCASE("a deadline ending exactly at noon is noon, not after lunch") {
    // Wed 4 Mar 2026 08:00 + 4 h = 12:00.
    CHECK(common::format_local(calendar.due_after_working_hours(at(2026, 3, 4, 8, 0), 4)) ==
          "2026-03-04 12:00:00");
  }
}

TEST_CASE("working days between two dates leave out weekends, Tết and the start date") {
  const auto calendar = shipped_calendar();
  // (13 Feb, 27 Feb 2026]: Mon 23, Tue 24, Wed 25, Thu 26, Fri 27.
  CHECK(calendar.working_days_between(ymd(2026, 2, 13), ymd(2026, 2, 27)) == 5);
  // (Fri 21 Aug, Mon 24 Aug 2026]: swapped Sat 22 and Mon 24.
  CHECK(calendar.working_days_between(ymd(2026, 8, 21), ymd(2026, 8, 24)) == 2);
  CHECK(calendar.working_days_between(ymd(2026, 2, 27), ymd(2026, 2, 13)) == 0);
  CHECK(calendar.working_days_between(ymd(2026, 2, 27), ymd(2026, 2, 27)) == 0);
  // The next working day after the last day before Tết is the Monday after it.
  CHECK(calendar.next_working_day(ymd(2026, 2, 13)) == ymd(2026, 2, 23));
  CHECK(calendar.add_working_days(ymd(2026, 2, 14), 0) == ymd(2026, 2, 14));
}

TEST_CASE("a calendar file with a wrong line is refused with the file name and line number") {
  WorkingCalendar calendar;

  SUBCASE("a date that does not exist") {
    const TempCsv file(
        "# test\ndate,kind,name\n2026-02-16,off,Tết Nguyên đán\n2026-02-30,off,Không có\n");
    const auto added = calendar.add_csv(file.path());
    REQUIRE_FALSE(added.has_value());
    CHECK(added.error().code == ErrorCode::bad_input);
    CHECK(added.error().message ==
          file.name() + ":4: 2026-02-30 is not a date: 02/2026 has 28 days");
    // Nothing from the refused file is kept: Monday 16 February is still a working day.
    CHECK(calendar.is_working_day(ymd(2026, 2, 16)));
  }
  SUBCASE("an unknown kind") {
    const TempCsv file("date,kind,name\n2026-02-16,holiday,Tết Nguyên đán\n");
    const auto added = calendar.add_csv(file.path());
    REQUIRE_FALSE(added.has_value());
    CHECK(added.error().message == file.name() + ":2: kind must be off or work, found \"holiday\"");
  }
  SUBCASE("a name with a comma that is not quoted") {
    const TempCsv file("date,kind,name\n\n2026-09-02,off,Quốc khánh, 2/9\n");
    const auto added = calendar.add_csv(file.path());
    REQUIRE_FALSE(added.has_value());
    CHECK(added.error().message.rfind(file.name() + ":3: 4 fields, expected 3", 0) == 0);
  }
  SUBCASE("a file without the header line") {
    const TempCsv file("2026-09-02,off,Quốc khánh\n");
    const auto added = calendar.add_csv(file.path());
    REQUIRE_FALSE(added.has_value());
    CHECK(added.error().message.rfind(file.name() + ":1: expected the header line", 0) == 0);
  }
  SUBCASE("a file that does not exist") {
    const auto missing = std::filesystem::temp_directory_path() / "hoso-no-such-calendar.csv";
    const auto loaded = WorkingCalendar::load_csv({missing});
    REQUIRE_FALSE(loaded.has_value());
    CHECK(loaded.error().code == ErrorCode::not_found);
    CHECK(loaded.error().message.find(missing.string()) != std::string::npos);
  }
}

TEST_CASE("a quoted name may contain a comma and a later entry for a date replaces the earlier") {
  const TempCsv file(
      "\xEF\xBB\xBF"
      "date,kind,name\r\n2026-09-02,off,\"Quốc khánh, 2/9\"\r\n2026-09-05,work,\"Làm bù "
      "\"\"thử\"\"\"\r\n");
  WorkingCalendar calendar;
  REQUIRE(calendar.add_csv(file.path()).has_value());
  const auto national_day = calendar.find(ymd(2026, 9, 2));
  REQUIRE(national_day.has_value());
  CHECK(national_day->name == "Quốc khánh, 2/9");
  CHECK(calendar.find(ymd(2026, 9, 5))->name == "Làm bù \"thử\"");
  CHECK(calendar.is_working_day(ymd(2026, 9, 5)));  // a Saturday listed as work

  // The admin corrects a day: the later entry wins, and removing it restores the weekday rule.
  calendar.add_day(ymd(2026, 9, 2), DayKind::work, "Đổi lịch");
  CHECK(calendar.is_working_day(ymd(2026, 9, 2)));
  CHECK(calendar.days().size() == 2);
  CHECK(calendar.remove_day(ymd(2026, 9, 5)));
  CHECK_FALSE(calendar.remove_day(ymd(2026, 9, 5)));
  CHECK_FALSE(calendar.is_working_day(ymd(2026, 9, 5)));
}

TEST_CASE("local times parse and format with the +07:00 offset") {
  // 2026-02-13 14:30:05 in Vietnam is 07:30:05 UTC = 1770967805 s after the Unix epoch.
  const auto instant = common::parse_local("2026-02-13T14:30:05+07:00");
  REQUIRE(instant.has_value());
  CHECK(instant->time_since_epoch().count() == 1770967805);
  CHECK(common::format_iso(*instant) == "2026-02-13T14:30:05+07:00");
  CHECK(common::format_local(*instant) == "2026-02-13 14:30:05");
  CHECK(common::local_time(ymd(2026, 2, 13), 14, 30, 5) == *instant);

  CHECK(*common::parse_local("2026-02-13T07:30:05Z") == *instant);
  CHECK(*common::parse_local("2026-02-13 14:30:05") == *instant);
  CHECK(*common::parse_local("  2026-02-13 14:30:05  ") == *instant);
  CHECK(common::format_local(*common::parse_local("2026-02-13 14:30")) == "2026-02-13 14:30:00");
  CHECK(common::format_local(*common::parse_local("2026-02-13T14:30")) == "2026-02-13 14:30:00");
  CHECK(common::format_local(*common::parse_local("2026-02-13")) == "2026-02-13 00:00:00");
  // 10:00 in New York (UTC-5) is 15:00 UTC, 22:00 in Vietnam.
  CHECK(common::format_local(*common::parse_local("2026-02-13T10:00:00-05:00")) ==
        "2026-02-13 22:00:00");

  // 00:30 local on 13 February is still 12 February in UTC (1770917400 = 2026-02-12T17:30:00Z).
  const auto after_midnight = *common::parse_local("2026-02-13 00:30");
  CHECK(after_midnight.time_since_epoch().count() == 1770917400);
  CHECK(common::local_date(after_midnight) == ymd(2026, 2, 13));
  CHECK(common::format_date(common::local_date(after_midnight)) == "2026-02-13");

  CHECK(*common::parse_local(common::format_iso(after_midnight)) == after_midnight);
}

TEST_CASE("dates and times that do not exist are refused with a message naming the input") {
  const auto bad_day = common::parse_date("2026-02-30");
  REQUIRE_FALSE(bad_day.has_value());
  CHECK(bad_day.error().code == ErrorCode::bad_input);
  CHECK(bad_day.error().message == "2026-02-30 is not a date: 02/2026 has 28 days");
  CHECK(bad_day.error().render(common::Lang::vi) ==
        "\"2026-02-30\" không phải ngày hợp lệ: tháng 02/2026 chỉ có 28 ngày");
  CHECK(common::parse_date("").error().render(common::Lang::vi) ==
        "\"(để trống)\" không phải ngày hợp lệ: cần viết theo dạng YYYY-MM-DD");
  CHECK(common::parse_date("2028-02-29").has_value());  // a leap year
  CHECK(common::parse_date("2026-13-01").error().message ==
        "2026-13-01 is not a date: month 13 does not exist");
  CHECK(common::parse_date("13/02/2026").error().message ==
        "13/02/2026 is not a date: expected YYYY-MM-DD");
  CHECK(common::parse_date("2026-2-3").error().message ==
        "2026-2-3 is not a date: expected YYYY-MM-DD");

  CHECK(common::parse_local("2026-02-13 24:00").error().message ==
        "2026-02-13 24:00 is not a date and time: hour 24 does not exist (00 to 23)");
  CHECK(common::parse_local("2026-02-30 10:00").error().message ==
        "2026-02-30 10:00 is not a date and time: 02/2026 has 28 days");
  CHECK_FALSE(common::parse_local("2026-02-13 14:30+7").has_value());
  CHECK_FALSE(common::parse_local("2026-02-13 14").has_value());
  CHECK_FALSE(common::parse_local("").has_value());
}

TEST_CASE("a manual clock moves only when set or advanced, also from several threads") {
  common::ManualClock clock(at(2026, 2, 13, 14, 30));
  CHECK(common::format_local(clock.now()) == "2026-02-13 14:30:00");
  clock.advance(chr::seconds{90});
  CHECK(common::format_local(clock.now()) == "2026-02-13 14:31:30");
  clock.set(at(2026, 2, 23, 8, 0));
  CHECK(common::format_local(clock.now()) == "2026-02-23 08:00:00");

  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&clock] {
      for (int i = 0; i < 900; ++i) clock.advance(chr::seconds{1});
    });
  }
  for (auto& thread : threads) thread.join();
  // 4 threads x 900 s = 1 hour.
  CHECK(common::format_local(clock.now()) == "2026-02-23 09:00:00");

  const common::SystemClock system;
  CHECK(system.now() > at(2025, 1, 1, 0, 0));
}
