// `hoso user` sets passwords through the same rules as the server: no common password, none that
// contains the login.
#include <doctest/doctest.h>

#include <string>

#include "tests/support/files.hpp"

namespace {

using test_support::shell_quote;
using test_support::TempDir;

// `printf 'input' | hoso <arguments>` on the desk in `dir`.
test_support::CommandResult hoso(const TempDir& dir, const std::string& input,
                                 const std::string& arguments) {
  return test_support::run_command(
      "printf '%s\\n' " + shell_quote(input) +
          " | HOSO_DB=" + shell_quote((dir.path() / "hoso.db").string()) + " " +
          shell_quote((test_support::bin_dir() / "hoso").string()) + " " + arguments,
      dir.path());
}

}  // namespace

TEST_CASE("regression: hoso user add refuses a common password and one containing the login") {
  TempDir dir;
  REQUIRE(hoso(dir, "", "init --agency 000.00.05.H12 --agency-name 'Một cửa'").exit_code == 0);

  const auto common_one = hoso(dir, "Password1234", "user add lan.nt --name 'Nguyễn Thị Lan'");
  INFO(common_one.err);
  CHECK(common_one.exit_code == 2);
  CHECK(common_one.err.find("too common (it contains 'password')") != std::string::npos);

  const auto with_login = hoso(dir, "LanNT-ban-so-bay", "user add lan.nt --name 'Nguyễn Thị Lan'");
  INFO(with_login.err);
  CHECK(with_login.exit_code == 2);
  CHECK(with_login.err.find("must not contain the login") != std::string::npos);

  const auto listed = hoso(dir, "", "user list");
  CHECK(listed.out.find("lan.nt") == std::string::npos);

  const auto good = hoso(dir, "vườn-hoa-sen-bảy", "user add lan.nt --name 'Nguyễn Thị Lan'");
  INFO(good.err);
  CHECK(good.exit_code == 0);
}

TEST_CASE("hoso user sets a title at add and changes or clears it with user set") {
  TempDir dir;
  REQUIRE(hoso(dir, "", "init --agency 000.00.05.H12 --agency-name 'Một cửa'").exit_code == 0);
  const auto added = hoso(dir, "vườn-hoa-sen-bảy",
                          "user add lan.nt --name 'Nguyễn Thị Lan' --title 'Chuyên viên'");
  INFO(added.err);
  REQUIRE(added.exit_code == 0);
  CHECK(hoso(dir, "", "user list --json").out.find("\"title\":\"Chuyên viên\"") !=
        std::string::npos);

  const auto retitled = hoso(dir, "", "user set lan.nt --title 'Phó Giám đốc Trung tâm'");
  INFO(retitled.err);
  CHECK(retitled.exit_code == 0);
  const auto listed = hoso(dir, "", "user list");
  CHECK(listed.out.find("Nguyễn Thị Lan, Phó Giám đốc Trung tâm") != std::string::npos);

  const auto renamed = hoso(dir, "", "user set lan.nt --name 'Ngô Thị Lan' --title ''");
  INFO(renamed.err);
  CHECK(renamed.exit_code == 0);
  const auto json_line = hoso(dir, "", "user list --json").out;
  CHECK(json_line.find("\"name\":\"Ngô Thị Lan\"") != std::string::npos);
  CHECK(json_line.find("\"title\":\"\"") != std::string::npos);

  const auto nothing = hoso(dir, "", "user set lan.nt");  // neither --name nor --title
  CHECK(nothing.exit_code == 2);
  CHECK(nothing.err.find("nothing to change") != std::string::npos);
  const auto unknown = hoso(dir, "", "user set nobody --title 'Chuyên viên'");
  CHECK(unknown.exit_code != 0);
  CHECK(unknown.err.find("nobody") != std::string::npos);
}
