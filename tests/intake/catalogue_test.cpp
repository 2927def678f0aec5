// The procedure catalogue file (samples/procedures.csv): the seven columns every catalogue has,
// the optional fee columns of docs/domain.md §5.5, and a clear error naming the file, line and
// field for anything else.
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
