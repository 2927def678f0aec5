// The report's Excel workbook, opened with a real unzip: a valid zip with the three sheets, the
// national table's merged headers in Vietnamese, each field's numbers and the totals in their
// cells, the late and overdue dossiers listed by code, the post's routes and failed deliveries.
#include <doctest/doctest.h>

#include <string>

#include "common/clock.hpp"
#include "tests/support/files.hpp"
#include "tracking/report_xlsx.hpp"

namespace {

using common::Timestamp;

Timestamp at(const char* local) { return common::parse_local(local).value(); }

// A report with distinct numbers in every cell, so a number in the wrong column shows.
tracking::DeskReport sample_report() {
  tracking::DeskReport r;
  r.agency_code = "000.00.05.H12";
  r.agency_name = "Bộ phận Một cửa phường Hải Châu";
  r.period = {at("2026-03-01"), at("2026-04-01")};
  r.generated_at = at("2026-04-01 08:30");
  r.received_by_channel = {{1, 4}, {3, 8}};
  tracking::FieldCounts land;
  land.received = 12;
  land.carried_over = 5;
  land.resolved = 9;
  land.early = 2;
  land.on_time = 6;
  land.late = 1;
  land.open_within = 7;
  land.open_overdue = 1;
  tracking::FieldCounts building;
  building.received = 3;
  building.resolved = 1;
  building.on_time = 1;
  building.open_within = 2;
  building.refused = 1;
  r.by_field = {{"dat_dai", land}, {"xay_dung", building}};
  r.total.received = 15;
  r.total.carried_over = 5;
  r.total.resolved = 10;
  r.total.early = 2;
  r.total.on_time = 7;
  r.total.late = 1;
  r.total.open_within = 9;
  r.total.open_overdue = 1;
  r.total.refused = 1;
  tracking::LateDossier late;
  late.code = "000.00.05.H12-260302-0007";
  late.field = "dat_dai";
  late.finished_at = at("2026-03-20 10:00");
  late.appointment = at("2026-03-16 17:00");
  r.late.push_back(late);
  tracking::BacklogDossier overdue;
  overdue.code = "000.00.05.H12-260303-0002";
  overdue.field = "dat_dai";
  overdue.due_at = at("2026-03-25 17:00");
  overdue.working_days_overdue = 4;
  r.backlog.push_back(overdue);
  tracking::RouteTransit route;
  route.carrier = "vnpost";
  route.direction = db::Direction::outbound;
  route.from = "Đà Nẵng";
  route.to = "Hà Nội";
  route.limit_days = 2;
  route.shipments = 6;
  route.within_limit = 5;
  route.over_limit = 1;
  route.median_hours = 30.5;
  r.transit.push_back(route);
  tracking::FailedDelivery failed;
  failed.dossier_code = late.code;
  failed.carrier = "vnpost";
  failed.tracking_number = "EL000000091VN";
  failed.failed_attempts = 2;
  failed.shipment_status = "returned";
  failed.returned_to_desk = true;
  failed.first_failure_at = at("2026-03-21 10:00");
  r.failed_deliveries.push_back(failed);
  return r;
}

// The value stored in cell `ref` ("F10") of a sheet's XML: the number, or the index of a shared
// string; "" when the cell is absent or empty.
std::string cell(const std::string& sheet_xml, const std::string& ref) {
  const std::size_t start = sheet_xml.find("<c r=\"" + ref + "\"");
  if (start == std::string::npos) return {};
  const std::size_t end = sheet_xml.find("</c>", start);
  const std::size_t value = sheet_xml.find("<v>", start);
  if (value == std::string::npos || value > end) return {};
  return sheet_xml.substr(value + 3, sheet_xml.find("</v>", value) - value - 3);
}

TEST_CASE("the report workbook is an xlsx with the national table, its totals and the late list") {
  const auto bytes = tracking::report_xlsx(sample_report());
  REQUIRE_MESSAGE(bytes.has_value(), (bytes ? std::string() : bytes.error().message));
  REQUIRE(bytes->size() > 1000);
  CHECK(bytes->rfind("PK\x03\x04", 0) == 0);

  test_support::TempDir dir;
  dir.write("report.xlsx", *bytes);
  const auto tested = test_support::run_command("unzip -tq report.xlsx", dir.path());
  CHECK_MESSAGE(tested.exit_code == 0, (tested.out + tested.err));
  const auto part = [&](const char* name) {
    const auto got = test_support::run_command(
        std::string("unzip -p report.xlsx ") + test_support::shell_quote(name), dir.path());
    REQUIRE_MESSAGE(got.exit_code == 0, (std::string(name) + ": " + got.err));
    return got.out;
  };
  const std::string book = part("xl/workbook.xml");
  CHECK(book.find("name=\"Báo cáo\"") != std::string::npos);
  CHECK(book.find("name=\"Hồ sơ quá hạn\"") != std::string::npos);
  CHECK(book.find("name=\"Bưu chính\"") != std::string::npos);

  const std::string strings = part("xl/sharedStrings.xml");
  for (const char* words :
       {"BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", "Lĩnh vực giải quyết",
        "Từ kỳ trước chuyển sang", "Trước hạn", "Tổng cộng", "Đất đai", "Xây dựng",
        "Kỳ báo cáo: từ ngày 01/03/2026 đến hết ngày 31/03/2026",
        "Đơn vị: Bộ phận Một cửa phường Hải Châu (000.00.05.H12)", "000.00.05.H12-260302-0007",
        "000.00.05.H12-260303-0002", "EL000000091VN", "J+2"}) {
    CHECK_MESSAGE(strings.find(words) != std::string::npos, words);
  }

  const std::string sheet = part("xl/worksheets/sheet1.xml");
  // The header: STT and the field over three rows, the groups merged across their columns.
  for (const char* merged : {"A5:A7", "B5:B7", "C5:E5", "F5:I5", "J5:L5", "M5:M7", "D6:E6"}) {
    CHECK_MESSAGE(sheet.find(std::string("ref=\"") + merged + "\"") != std::string::npos, merged);
  }
  CHECK(sheet.find("<col ") != std::string::npos);  // column widths
  // Row 9: Đất đai; row 10: Xây dựng; row 11: the totals. Columns (3)-(13) as on the form.
  CHECK(cell(sheet, "C9") == "17");  // 5 carried over + 12 new
  CHECK(cell(sheet, "D9") == "5");
  CHECK(cell(sheet, "E9") == "12");
  CHECK(cell(sheet, "F9") == "9");
  CHECK(cell(sheet, "G9") == "2");
  CHECK(cell(sheet, "H9") == "6");
  CHECK(cell(sheet, "I9") == "1");
  CHECK(cell(sheet, "J9") == "8");
  CHECK(cell(sheet, "K9") == "7");
  CHECK(cell(sheet, "L9") == "1");
  CHECK(cell(sheet, "M10") == "1");
  CHECK(cell(sheet, "C11") == "20");
  CHECK(cell(sheet, "F11") == "10");
  CHECK(cell(sheet, "H11") == "7");
  CHECK(cell(sheet, "J11") == "10");
  CHECK(sheet.find("ref=\"A11:B11\"") != std::string::npos);  // "Tổng cộng" over two cells

  const std::string late = part("xl/worksheets/sheet2.xml");
  CHECK(cell(late, "G7") == "4");  // the overdue dossier's working days, after the late one
  const std::string post = part("xl/worksheets/sheet3.xml");
  CHECK(cell(post, "F6") == "6");  // shipments on the route
  CHECK(cell(post, "H6") == "1");  // over the limit
}

TEST_CASE("a workbook for a period that ends now says the time it ends, not the whole day") {
  tracking::DeskReport r = sample_report();
  r.period.to = at("2026-03-20 14:30");
  const auto bytes = tracking::report_xlsx(r);
  REQUIRE(bytes.has_value());
  test_support::TempDir dir;
  dir.write("report.xlsx", *bytes);
  const auto strings =
      test_support::run_command("unzip -p report.xlsx xl/sharedStrings.xml", dir.path());
  REQUIRE(strings.exit_code == 0);
  CHECK(strings.out.find("Kỳ báo cáo: từ ngày 01/03/2026 đến 20/03/2026 14:30") !=
        std::string::npos);
}

}  // namespace
