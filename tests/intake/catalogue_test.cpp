// The procedure catalogue file (samples/procedures.csv): the seven columns every catalogue has,
// the optional columns of the unit that decides (docs/domain.md §1.4a) and of the fee (§5.5), and
// a clear error naming the file, line and field for anything else.
#include <doctest/doctest.h>

#include <string>

#include "intake/catalogue.hpp"
#include "tests/support/files.hpp"

namespace {

using test_support::TempDir;
using test_support::write_file;

constexpr const char* k_columns = "code,version,name,field,time_amount,time_unit,effective_from";

TEST_CASE("a catalogue without fee columns loads as before: every procedure free, clock running") {
  TempDir dir;
  write_file(dir / "p.csv", std::string(k_columns) +
                                "\n1.012766,1,\"Xóa đăng ký thuê, cho thuê lại\",dat_dai,3,"
                                "working_days,2025-07-01\n");
  auto loaded = intake::load_procedures_csv(dir / "p.csv");
  REQUIRE(loaded.has_value());
  REQUIRE(loaded->size() == 1);
  CHECK(loaded->front().fee_vnd == 0);
  CHECK_FALSE(loaded->front().fees_pause_clock);
  CHECK(loaded->front().name == "Xóa đăng ký thuê, cho thuê lại");
}

TEST_CASE(
    "the fee columns give each procedure its fee and whether the wait for it pauses the clock") {
  TempDir dir;
  write_file(dir / "p.csv", std::string(k_columns) +
                                ",fees_pause_clock,fee_vnd\n"
                                "DD-01,1,Đăng ký biến động,dat_dai,10,working_days,2025-07-01,yes,"
                                "250000\n"
                                "HT-01,1,Đăng ký khai sinh,ho_tich,1,working_days,2025-07-01,,\n");
  auto loaded = intake::load_procedures_csv(dir / "p.csv");
  REQUIRE(loaded.has_value());
  REQUIRE(loaded->size() == 2);
  CHECK((*loaded)[0].fee_vnd == 250'000);
  CHECK((*loaded)[0].fees_pause_clock);
  CHECK((*loaded)[1].fee_vnd == 0);
  CHECK_FALSE((*loaded)[1].fees_pause_clock);
}

TEST_CASE("a wrong fee, pause value or column is refused with its file and line") {
  TempDir dir;
  const auto refused = [&](const std::string& text) {
    write_file(dir / "p.csv", text);
    auto loaded = intake::load_procedures_csv(dir / "p.csv");
    REQUIRE_FALSE(loaded.has_value());
    CHECK(loaded.error().code == common::ErrorCode::bad_input);
    return loaded.error().render(common::Lang::vi);
  };
  const std::string row = "DD-01,1,Đăng ký biến động,dat_dai,10,working_days,2025-07-01";
  std::string why = refused(std::string(k_columns) + ",fee_vnd\n" + row + ",-5\n");
  CHECK_MESSAGE(why.find("p.csv:2") != std::string::npos, why);
  CHECK_MESSAGE(why.find("fee_vnd '-5'") != std::string::npos, why);
  why = refused(std::string(k_columns) + ",fees_pause_clock\n" + row + ",maybe\n");
  CHECK_MESSAGE(why.find("fees_pause_clock 'maybe'") != std::string::npos, why);
  why = refused(std::string(k_columns) + ",price\n" + row + ",5\n");
  CHECK_MESSAGE(why.find("p.csv:1") != std::string::npos, why);
  CHECK_MESSAGE(why.find("fee_vnd,fees_pause_clock") != std::string::npos, why);
  // A column twice is refused too.
  why = refused(std::string(k_columns) + ",fee_vnd,fee_vnd\n" + row + ",5,6\n");
  CHECK_MESSAGE(why.find("p.csv:1") != std::string::npos, why);
  // A row short of the header's columns.
  why = refused(std::string(k_columns) + ",fee_vnd\n" + row + "\n");
  CHECK_MESSAGE(why.find("p.csv:2") != std::string::npos, why);
}

}  // namespace

namespace {
const std::filesystem::path k_source_dir = HOSO_SOURCE_DIR;
}  // namespace

TEST_CASE("a catalogue without the competent unit's columns loads, the desk deciding each") {
  test_support::TempDir dir;
  const auto file = dir.write("procedures.csv",
                              "code,version,name,field,time_amount,time_unit,effective_from\n"
                              "1.012783,1,Cấp đổi Giấy chứng nhận,dat_dai,5,working_days,"
                              "2025-07-01\n");
  const auto loaded = intake::load_procedures_csv(file);
  REQUIRE(loaded.has_value());
  REQUIRE(loaded->size() == 1);
  CHECK(loaded->front().competent_level.empty());
  CHECK(loaded->front().competent_unit.empty());
}

TEST_CASE("a catalogue names the unit that decides a procedure, and refuses an unknown level") {
  test_support::TempDir dir;
  const std::string header =
      "code,version,name,field,time_amount,time_unit,effective_from,competent_level,"
      "competent_unit\n";
  const auto file =
      dir.write("procedures.csv",
                header +
                    "1.012783,1,Cấp đổi Giấy chứng nhận,dat_dai,5,working_days,2025-07-01,province,"
                    "Sở Nông nghiệp và Môi trường thành phố Đà Nẵng\n"
                    "1.013227,1,Gia hạn giấy phép xây dựng,xay_dung,5,working_days,2025-07-01,,\n");
  const auto loaded = intake::load_procedures_csv(file);
  REQUIRE(loaded.has_value());
  REQUIRE(loaded->size() == 2);
  CHECK(loaded->at(0).competent_level == "province");
  CHECK(loaded->at(0).competent_unit == "Sở Nông nghiệp và Môi trường thành phố Đà Nẵng");
  CHECK(loaded->at(1).competent_unit.empty());

  const auto bad = dir.write("bad.csv", header +
                                            "1.012783,1,Cấp đổi,dat_dai,5,working_days,2025-07-01,"
                                            "district,Phòng Tài nguyên\n");
  const auto refused = intake::load_procedures_csv(bad);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().render(common::Lang::en).find(":2: competent_level 'district'") !=
        std::string::npos);
  const auto no_unit = dir.write(
      "no-unit.csv", header + "1.012783,1,Cấp đổi,dat_dai,5,working_days,2025-07-01,province,\n");
  REQUIRE_FALSE(intake::load_procedures_csv(no_unit).has_value());
}

TEST_CASE("the sample catalogue names the unit that decides the demo's routed procedure") {
  const auto loaded = intake::load_procedures_csv(k_source_dir / "samples" / "procedures.csv");
  REQUIRE(loaded.has_value());
  int routed = 0;
  for (const db::Procedure& p : *loaded) {
    if (p.competent_unit.empty()) continue;
    ++routed;
    CHECK(p.code == "1.012783");
    CHECK(p.competent_level == "province");
  }
  CHECK(routed == 1);
}

TEST_CASE("the optional columns come in any order, the unit's and the fee's together") {
  test_support::TempDir dir;
  const auto file = dir.write(
      "procedures.csv",
      "code,version,name,field,time_amount,time_unit,effective_from,fee_vnd,competent_unit,"
      "competent_level,fees_pause_clock\n"
      "1.012783,1,Cấp đổi Giấy chứng nhận,dat_dai,5,working_days,2025-07-01,120000,Sở Nông "
      "nghiệp và Môi trường,province,yes\n");
  const auto loaded = intake::load_procedures_csv(file);
  REQUIRE(loaded.has_value());
  REQUIRE(loaded->size() == 1);
  CHECK(loaded->front().fee_vnd == 120'000);
  CHECK(loaded->front().fees_pause_clock);
  CHECK(loaded->front().competent_level == "province");
  CHECK(loaded->front().competent_unit == "Sở Nông nghiệp và Môi trường");
}
