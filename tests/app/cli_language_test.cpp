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

TEST_CASE("hoso dossier fee and a key that names no dossier speak the CLI's language") {
  TempDir dir;
  REQUIRE(hoso(dir, "", "init --agency 000.00.05.H12 --agency-name 'Bộ phận Một cửa'").exit_code ==
          0);
  const auto numbers = dir.write("numbers.txt", "EB123456785VN\n");
  const auto intake = hoso(dir, "", "intake --stdin < " + shell_quote(numbers.string()));
  INFO(intake.err);
  REQUIRE(intake.exit_code == 0);

  const std::string fee = "dossier fee EB123456785VN --payer 'Nguyễn Văn An' ";
  // An amount out of bounds: the catalogue's words, not CLI11's English range.
  const auto zero = hoso(dir, "", fee + "--receipt BL-1 --amount 0");
  CHECK(zero.exit_code == 2);
  CHECK(zero.err == "hoso: Số tiền --amount 0 không hợp lệ: từ 1 đến 1.000.000.000.000 đồng\n");
  CHECK(hoso(dir, "", "--lang en " + fee + "--receipt BL-1 --amount 0").err ==
        "hoso: --amount 0 is not valid: 1 to 1,000,000,000,000 đồng\n");

  const auto paid = hoso(dir, "", fee + "--receipt BL-1 --amount 50000");
  INFO(paid.err);
  CHECK(paid.exit_code == 0);
  CHECK(paid.out == "Hồ sơ #1: đã ghi nhận biên lai số BL-1, số tiền 50.000 đ\n");
  const auto paid_en = hoso(dir, "", "--lang en " + fee + "--receipt BL-2 --amount 20000");
  CHECK(paid_en.exit_code == 0);
  CHECK(paid_en.out == "dossier #1: receipt BL-2 for 20.000 đ recorded\n");

  // A key that names no dossier, for the commands about one dossier.
  const auto missing = hoso(dir, "",
                            "dossier collect EB000000000VN --name 'Lê Thị Hoa' "
                            "--id-number 001190000001");
  CHECK(missing.exit_code != 0);
  CHECK(missing.err ==
        "hoso: Không tìm thấy hồ sơ “EB000000000VN”: hãy nhập số hiệu hồ sơ (#id), "
        "số hiệu bưu gửi hoặc mã hồ sơ\n");
  CHECK(hoso(dir, "",
             "--lang en dossier collect EB000000000VN --name 'Lê Thị Hoa' "
             "--id-number 001190000001")
            .err ==
        "hoso: no dossier 'EB000000000VN' (give #id, a tracking number or a dossier "
        "code)\n");
}
