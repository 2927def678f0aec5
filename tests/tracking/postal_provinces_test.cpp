// The shipped Vietnam Post tables (samples/carriers/vnpost-offices.csv, vnpost-transit.csv) name
// only the 34 provinces in force since 1 July 2025, the offices of provinces merged into others
// count for the merged province, and every office the carrier simulator reports maps to a
// province, so `hoso report` never shows a simulated office as "(office 123456)".
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/csv.hpp"
#include "postal_api/sim/detail/itinerary.hpp"
#include "tracking/report.hpp"

namespace {

// The oracle: the 6 centrally-run cities and 28 provinces of resolution 202/2025/QH15, spelt as
// the report shows them.
constexpr std::array<std::string_view, 34> k_provinces_2025 = {
    "Hà Nội",    "Huế",       "Hải Phòng", "Đà Nẵng",     "TP. Hồ Chí Minh", "Cần Thơ",
    "Lai Châu",  "Điện Biên", "Sơn La",    "Lạng Sơn",    "Quảng Ninh",      "Thanh Hóa",
    "Nghệ An",   "Hà Tĩnh",   "Cao Bằng",  "Tuyên Quang", "Lào Cai",         "Thái Nguyên",
    "Phú Thọ",   "Bắc Ninh",  "Hưng Yên",  "Ninh Bình",   "Quảng Trị",       "Quảng Ngãi",
    "Gia Lai",   "Khánh Hòa", "Lâm Đồng",  "Đắk Lắk",     "Đồng Nai",        "Tây Ninh",
    "Vĩnh Long", "Đồng Tháp", "Cà Mau",    "An Giang"};

bool is_2025_province(std::string_view name) {
  return std::find(k_provinces_2025.begin(), k_provinces_2025.end(), name) !=
         k_provinces_2025.end();
}

std::filesystem::path carriers_dir() {
  return std::filesystem::path(HOSO_SOURCE_DIR) / "samples/carriers";
}

std::vector<common::CsvRow> rows_of(const char* file, const char* header) {
  auto rows = common::read_csv(carriers_dir() / file);
  REQUIRE_MESSAGE(rows.has_value(), (rows ? std::string() : rows.error().message));
  std::vector<common::CsvRow> data;
  for (common::CsvRow& row : *rows) {
    if (!row.fields.empty() && row.fields[0] == header) continue;
    data.push_back(std::move(row));
  }
  return data;
}

const tracking::TransitTable& shipped_vnpost_table() {
  static const auto tables = tracking::load_transit_tables(carriers_dir());
  REQUIRE_MESSAGE(tables.has_value(), (tables ? std::string() : tables.error().message));
  REQUIRE(tables->count("vnpost") == 1);
  return tables->at("vnpost");
}

}  // namespace

TEST_CASE("the Vietnam Post office and transit tables name only the 34 provinces of 2025") {
  std::set<std::string> office_provinces;
  for (const common::CsvRow& row : rows_of("vnpost-offices.csv", "prefix")) {
    REQUIRE(row.fields.size() == 2);
    CHECK_MESSAGE(is_2025_province(row.fields[1]),
                  "vnpost-offices.csv:" << row.line << ": " << row.fields[1]);
    office_provinces.insert(row.fields[1]);
  }
  CHECK(office_provinces.count("Huế") == 1);

  for (const common::CsvRow& row : rows_of("vnpost-transit.csv", "from")) {
    REQUIRE(row.fields.size() == 3);
    for (const std::string& name : {row.fields[0], row.fields[1]}) {
      if (name == "*" || name == "=") continue;
      CHECK_MESSAGE(is_2025_province(name), "vnpost-transit.csv:" << row.line << ": " << name);
      CHECK_MESSAGE(office_provinces.count(name) == 1,
                    "vnpost-transit.csv:" << row.line << ": " << name
                                          << " has no office prefix in vnpost-offices.csv");
    }
  }
}

TEST_CASE("offices of a province merged in 2025 count for the province it merged into") {
  const tracking::TransitTable& vnpost = shipped_vnpost_table();
  CHECK(vnpost.province_of("531000") == "Huế");
  CHECK(vnpost.province_of("820000") == "TP. Hồ Chí Minh");  // Thủ Dầu Một, Bình Dương
  CHECK(vnpost.province_of("790000") == "TP. Hồ Chí Minh");  // Vũng Tàu
  CHECK(vnpost.province_of("170000") == "Hải Phòng");        // Hải Dương
  CHECK(vnpost.province_of("560000") == "Đà Nẵng");          // Tam Kỳ, Quảng Nam
  CHECK(vnpost.province_of("910000") == "Cần Thơ");          // Vị Thanh, Hậu Giang
  CHECK(vnpost.province_of("950000") == "Cần Thơ");          // Sóc Trăng
  CHECK(vnpost.province_of("230000") == "Bắc Ninh");         // Bắc Giang
  CHECK(vnpost.province_of("660000") == "Khánh Hòa");        // Phan Rang - Tháp Chàm
  CHECK(vnpost.province_of("471100") == "Nghệ An");          // Quế Phong
  // A route from Vũng Tàu to Thủ Dầu Một is now within one province: J+1.
  CHECK(vnpost.limit(vnpost.province_of("790000"), vnpost.province_of("820000")) == 1);
  CHECK(vnpost.limit("Hải Phòng", "Bắc Ninh") == 1);
}

TEST_CASE("every post office of the carrier simulator belongs to a province of 2025") {
  const tracking::TransitTable& vnpost = shipped_vnpost_table();
  const std::vector<postal_api::sim::detail::PostOffice> offices =
      postal_api::sim::detail::known_offices();
  REQUIRE(offices.size() > 9);
  bool hue_hub = false;
  for (const auto& office : offices) {
    const std::string province = vnpost.province_of(office.code);
    CHECK_MESSAGE(is_2025_province(province),
                  office.code << " " << office.name << " -> \"" << province << "\"");
    CHECK(office.name.find("Thừa Thiên") == std::string::npos);
    if (office.name == "Bưu cục Trung tâm Huế") hue_hub = (office.code == "530000");
  }
  CHECK(hue_hub);
}
