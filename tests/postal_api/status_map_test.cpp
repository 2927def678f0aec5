#include "postal_api/status_map.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

using common::ErrorCode;
using postal_api::ShipmentStatus;
using postal_api::StatusMap;

namespace {

const std::filesystem::path k_shipped_table =
    std::filesystem::path(HOSO_SOURCE_DIR) / "samples/carriers/vnpost-status.csv";

// A status table in the temporary folder, removed when the test ends.
class TempTable {
 public:
  explicit TempTable(const std::string& contents) {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            fmt::format("hoso-status-test-{:08x}{:08x}.csv", random(), random());
    std::ofstream(path_, std::ios::binary) << contents;
  }
  ~TempTable() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TempTable(const TempTable&) = delete;
  TempTable& operator=(const TempTable&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace

TEST_CASE("the shipped Vietnam Post table maps every code the contract names") {
  auto map = StatusMap::load(k_shipped_table);
  REQUIRE_MESSAGE(map, (map ? std::string() : map.error().message));
  CHECK(map->size() == 13);
  CHECK(map->map("20") == ShipmentStatus::info_received);
  CHECK(map->map("70") == ShipmentStatus::picked_up);
  CHECK(map->map("85") == ShipmentStatus::in_transit);
  CHECK(map->map("91") == ShipmentStatus::delivery_failed);
  CHECK(map->map("100") == ShipmentStatus::delivered);
  CHECK(map->map("120") == ShipmentStatus::returned);
  CHECK(map->description("91") == "Phát không thành công");
}

TEST_CASE("a code the table does not list is unknown, every time it is asked") {
  auto map = StatusMap::from({{"20", ShipmentStatus::info_received}});
  CHECK(map.map("999") == ShipmentStatus::unknown);
  CHECK(map.map("999") == ShipmentStatus::unknown);
  CHECK(map.description("999").empty());
  CHECK(map.map("20") == ShipmentStatus::info_received);
}

TEST_CASE("a header row is skipped and comments are allowed") {
  TempTable table("# a comment\ncode,status,description\n7,delivered,Phát thành công\n");
  auto map = StatusMap::load(table.path());
  REQUIRE_MESSAGE(map, (map ? std::string() : map.error().message));
  CHECK(map->size() == 1);
  CHECK(map->map("7") == ShipmentStatus::delivered);
}

TEST_CASE("a missing status table is not_found and names the file") {
  auto map = StatusMap::load("/nonexistent/hoso/vnpost-status.csv");
  REQUIRE_FALSE(map);
  CHECK(map.error().code == ErrorCode::not_found);
  CHECK(map.error().message.find("/nonexistent/hoso/vnpost-status.csv") != std::string::npos);
}

TEST_CASE("a status table with a wrong row is refused naming the file, the line and the problem") {
  SUBCASE("a status name that is not one of ours") {
    TempTable table("code,status,description\n20,info_received,x\n70,collected,Đã nhận\n");
    auto map = StatusMap::load(table.path());
    REQUIRE_FALSE(map);
    CHECK(map.error().code == ErrorCode::bad_input);
    CHECK(map.error().message.find(fmt::format("{}:3", table.path().string())) !=
          std::string::npos);
    CHECK(map.error().message.find("\"collected\" is not one of") != std::string::npos);
  }
  SUBCASE("a code listed twice") {
    TempTable table("code,status,description\n20,info_received,x\n20,picked_up,y\n");
    auto map = StatusMap::load(table.path());
    REQUIRE_FALSE(map);
    CHECK(map.error().code == ErrorCode::bad_input);
    CHECK(map.error().message.find(":3: code 20 is listed twice (first on line 2)") !=
          std::string::npos);
  }
  SUBCASE("a row with two fields") {
    TempTable table("20,info_received\n");
    auto map = StatusMap::load(table.path());
    REQUIRE_FALSE(map);
    CHECK(map.error().code == ErrorCode::bad_input);
    CHECK(map.error().message.find(":1: expected 3 fields") != std::string::npos);
  }
  SUBCASE("an empty code") {
    TempTable table(",delivered,x\n");
    auto map = StatusMap::load(table.path());
    REQUIRE_FALSE(map);
    CHECK(map.error().message.find("the code is empty") != std::string::npos);
  }
}
