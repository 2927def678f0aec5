// UPU S10 arithmetic shared by intake (checking numbers) and the carrier simulator (issuing them).
#include "common/s10.hpp"

#include <doctest/doctest.h>

TEST_CASE("an S10 number is made with the check digit the UPU weights give") {
  CHECK(common::make_s10("EB", 12345678) == "EB123456785VN");  // docs/domain.md §2.3
  CHECK(common::make_s10("RR", 0) == "RR000000005VN");         // 11 - 0 % 11 = 11 gives 5
  CHECK(common::make_s10("CP", 100128, "CN") == "CP001001285CN");
  CHECK(common::s10_check_digit("12345678") == 5);
  CHECK(common::s10_check_digit("1234567") == -1);
  CHECK(common::s10_check_digit("1234567x") == -1);
}
