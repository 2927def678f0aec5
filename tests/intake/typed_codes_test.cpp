// Typed codes read line by line: blanks trimmed, lines that cannot be codes refused with their
// line number, and a line of any length read without keeping it.
#include "intake/typed_codes.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "tests/support/files.hpp"

namespace {

using intake::k_max_typed_line;
using intake::TypedLine;
using test_support::TempDir;

// Every line the reader gives for `content`, read from a file.
std::vector<TypedLine> read_all(const std::string& content) {
  TempDir dir;
  const auto path = dir.write("input.txt", content);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  intake::TypedLineReader reader(fd);
  std::vector<TypedLine> lines;
  while (auto line = reader.next()) lines.push_back(std::move(*line));
  CHECK(reader.error().empty());
  ::close(fd);
  return lines;
}

}  // namespace

TEST_CASE("typed lines: codes come without their blanks, blank lines are skipped but counted") {
  const auto lines = read_all("  EB123456785VN\t\r\n\n   \r\nGYK3XU7P\nlast without end");
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].number == 1);
  CHECK(lines[0].text == "EB123456785VN");
  CHECK(lines[0].refusal.empty());
  CHECK(lines[1].number == 4);
  CHECK(lines[1].text == "GYK3XU7P");
  CHECK(lines[2].number == 5);
  CHECK(lines[2].text == "last without end");
  CHECK(read_all("").empty());
  // Fewer characters than any code: a stray keystroke. Six Vietnamese letters are six.
  const auto short_lines = read_all("k\n1234567\nNữ Nữ \nđđđđđđ\n");
  REQUIRE(short_lines.size() == 4);
  CHECK(short_lines[0].refusal.render(common::Lang::en) ==
        "line 1 has only 1 characters, fewer than any code has (at least 6): skipped");
  CHECK(short_lines[1].text == "1234567");
  CHECK(short_lines[2].refusal.id() == "typed_line_too_short");
  CHECK(short_lines[3].text == "đđđđđđ");
  CHECK(read_all("\n\n \n").empty());
}

TEST_CASE("typed lines: a Vietnamese ID card text is taken, binary and non-UTF-8 lines are not") {
  const std::string card =
      "079188001234||Nguyễn Thị Hồng Nhung|01011988|Nữ|Phường 1, Quận 3|01012021";
  const auto lines = read_all(card +
                              "\nEB12\x01"
                              "3456785VN\n\xC3\x28 broken\nabcd\xC2\x85"
                              "efgh\n");
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].text == card);
  CHECK(lines[0].refusal.empty());
  CHECK(lines[1].text.empty());
  CHECK(lines[1].refusal.render(common::Lang::en) ==
        "line 2 holds a control character or binary data (at byte 5), so it cannot be a code: "
        "skipped");
  CHECK(lines[2].refusal.render(common::Lang::en) ==
        "line 3 is not UTF-8 text, so it cannot be a code: skipped");
  // A C1 control (U+0085, next line) is a control character too.
  CHECK(lines[3].refusal.id() == "typed_line_control");
  CHECK(lines[1].refusal.render(common::Lang::vi).find("Dòng 2") == 0);
}

TEST_CASE("typed lines: a line longer than any code is refused and the next one still read") {
  const std::string longest(k_max_typed_line, '7');
  const std::string endless(10u << 20, 'A');
  const auto lines = read_all(longest + "\r\n" + longest + "8\n" + endless + "\nEB123456785VN\n");
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].text == longest);
  CHECK(lines[1].refusal.render(common::Lang::en) ==
        "line 2 is longer than 1024 bytes, which no code is: skipped");
  CHECK(lines[2].number == 3);
  CHECK(lines[2].refusal.id() == "typed_line_too_long");
  CHECK(lines[2].text.empty());
  // The line after the refused ones is there, whole, after 10 MB of one line.
  CHECK(lines[3].number == 4);
  CHECK(lines[3].text == "EB123456785VN");
}
