// `hoso scan` as a user runs it: the built program in a temporary folder, its output and exit code
// (0 every input read as an image, 2 bad arguments, 3 some input unreadable, 4 a path not found).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/scanner/test_support.hpp"

using nlohmann::json;
using test_support::CommandResult;
using test_support::shell_quote;
using test_support::TempDir;

namespace {

// Runs `hoso <arguments>` in `dir`.
CommandResult hoso(const TempDir& dir, const std::string& arguments) {
  std::string program = shell_quote((test_support::bin_dir() / "hoso").string());
  return test_support::run_command(program + " " + arguments, dir.path());
}

void copy_qr_sample(const TempDir& dir, const char* name) {
  dir.write(name, test_support::read_file(test_support::barcode_image_path("qrcode-1", "1.png")));
}

}  // namespace

TEST_CASE("hoso scan --json prints a line per image and exits 3 when one input is not an image") {
  TempDir dir;
  copy_qr_sample(dir, "good.png");
  dir.write("text-as.png", "Kính gửi: Bộ phận một cửa\n");

  auto run = hoso(dir, "scan --json good.png text-as.png");
  INFO(run.out);
  INFO(run.err);
  CHECK(run.exit_code == 3);
  auto lines = test_support::lines_of(run.out);
  REQUIRE(lines.size() == 2);
  json good = json::parse(lines[0]);
  json bad = json::parse(lines[1]);

  CHECK(good.at("file") == "good.png");
  CHECK(good.at("page") == 0);
  CHECK(good.at("error").is_null());
  REQUIRE(good.at("symbols").size() == 1);
  CHECK(good.at("symbols")[0].at("format") == "QRCode");
  CHECK(good.at("symbols")[0].at("text") == test_support::expected_text("qrcode-1", "1"));
  CHECK(good.at("symbols")[0].at("corners").size() == 4);

  CHECK(bad.at("file") == "text-as.png");
  CHECK(bad.at("symbols").empty());
  REQUIRE(bad.at("error").is_string());
  CHECK(bad.at("error").get<std::string>().find("text") != std::string::npos);
}

TEST_CASE("hoso scan with an unknown format exits 2 and names the format") {
  TempDir dir;
  auto run = hoso(dir, "scan --formats Bogus x");
  INFO(run.out);
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("Bogus") != std::string::npos);
}

TEST_CASE("hoso scan prints each code and a summary line, and exits 0 when every image is read") {
  TempDir dir;
  copy_qr_sample(dir, "good.png");
  auto run = hoso(dir, "scan good.png");
  INFO(run.out);
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("good.png") != std::string::npos);
  CHECK(run.out.find("QRCode") != std::string::npos);
  auto lines = test_support::lines_of(run.out);
  REQUIRE_FALSE(lines.empty());
  CHECK(lines.back().find("1 images") != std::string::npos);
  CHECK(lines.back().find("1 codes read") != std::string::npos);
  CHECK(lines.back().find("0 unreadable") != std::string::npos);
}

TEST_CASE("hoso scan of a path that does not exist exits 4 and names the path") {
  TempDir dir;
  auto run = hoso(dir, "scan missing.png");
  CHECK(run.exit_code == 4);
  CHECK(run.err.find("missing.png") != std::string::npos);
}
