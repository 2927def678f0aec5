// The CLI speaks Vietnamese by default and English when asked (--lang, HOSO_LANG, the locale).
#include <doctest/doctest.h>

#include <string>

#include "tests/support/files.hpp"

using test_support::CommandResult;
using test_support::shell_quote;
using test_support::TempDir;

namespace {

// `hoso <arguments>` on a desk in `dir`, with the environment `env` ("" leaves HOSO_LANG and the
// locale unset: the CLI's default).
CommandResult hoso(const TempDir& dir, const std::string& env, const std::string& arguments) {
  const std::string program = shell_quote((test_support::bin_dir() / "hoso").string());
  const std::string db = shell_quote((dir.path() / "hoso.db").string());
  return test_support::run_command("env -u HOSO_LANG -u LANG -u LC_ALL -u LC_MESSAGES " + env +
                                       " HOSO_DB=" + db + " " + program + " " + arguments,
                                   dir.path());
}

}  // namespace

TEST_CASE("the CLI writes its messages in Vietnamese unless English is asked for") {
  TempDir dir;
  const auto init = hoso(dir, "",
                         "init --agency 000.00.05.H12 --agency-name 'Bộ phận Một cửa' "
                         "--procedures " +
                             shell_quote(std::string(HOSO_SOURCE_DIR) + "/samples/procedures.csv"));
  INFO(init.err);
  REQUIRE(init.exit_code == 0);

  const auto by_default = hoso(dir, "", "calendar add 2026-02-30 --name x");
  CHECK(by_default.exit_code == 3);
  CHECK(by_default.err ==
        "hoso: \"2026-02-30\" không phải ngày hợp lệ: tháng 02/2026 chỉ có 28 ngày\n");

  const auto flag = hoso(dir, "LANG=vi_VN.UTF-8", "--lang en calendar add 2026-02-30 --name x");
  CHECK(flag.err == "hoso: 2026-02-30 is not a date: 02/2026 has 28 days\n");

  CHECK(hoso(dir, "LANG=en_US.UTF-8", "calendar add 2026-02-30 --name x").err ==
        flag.err);  // the locale
  CHECK(hoso(dir, "HOSO_LANG=en LANG=vi_VN.UTF-8", "calendar add 2026-02-30 --name x").err ==
        flag.err);  // HOSO_LANG before the locale
  CHECK(hoso(dir, "LANG=C.UTF-8", "calendar add 2026-02-30 --name x").err ==
        by_default.err);  // the C locale names no language: Vietnamese

  const auto bad_lang = hoso(dir, "", "--lang fr calendar list");
  CHECK(bad_lang.exit_code == 2);
}
