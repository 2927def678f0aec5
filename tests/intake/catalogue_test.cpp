// The procedure catalogue's optional competent unit (docs/domain.md §1.4a): a catalogue of seven
// columns still loads (the desk decides every procedure), nine columns name the unit that decides
// one, and a level that is not province, commune or central is refused with its line.
#include <doctest/doctest.h>

#include <string>

#include "intake/catalogue.hpp"
#include "tests/support/files.hpp"

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
