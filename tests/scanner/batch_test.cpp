// Batch scanning: which files a list of paths expands to, results delivered in input order while
// several workers decode, and the JSON lines `hoso scan --json` prints.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scanner/batch.hpp"
#include "scanner/scanner.hpp"
#include "tests/scanner/test_support.hpp"

using common::ErrorCode;
using nlohmann::json;
using test_support::describe;
using test_support::TempDir;

namespace {

std::vector<json> parse_lines(const std::string& text) {
  std::vector<json> objects;
  for (const auto& line : test_support::lines_of(text)) objects.push_back(json::parse(line));
  return objects;
}

}  // namespace

TEST_CASE("a folder is searched recursively for scannable files, sorted by path") {
  TempDir dir;
  dir.write("inbox/b.png", "x");
  dir.write("inbox/a.JPG", "x");
  dir.write("inbox/2024/03/scan.pdf", "x");
  dir.write("inbox/2024/03/scan.TIFF", "x");
  dir.write("inbox/2024/photo.webp", "x");
  dir.write("inbox/2024/old.bmp", "x");
  dir.write("inbox/notes.txt", "x");
  dir.write("inbox/2024/Thumbs.db", "x");
  dir.write("inbox/README", "x");

  auto files = scanner::collect_inputs({(dir / "inbox").string()});
  REQUIRE(files.has_value());
  auto in_inbox = [&](const char* name) { return (dir / "inbox" / name).string(); };
  CHECK(*files == std::vector<std::string>{in_inbox("2024/03/scan.TIFF"),
                                           in_inbox("2024/03/scan.pdf"), in_inbox("2024/old.bmp"),
                                           in_inbox("2024/photo.webp"), in_inbox("a.JPG"),
                                           in_inbox("b.png")});
}

TEST_CASE("a file named explicitly is taken whatever its name, in the order given") {
  TempDir dir;
  auto upload = dir.write("upload.bin", "x");
  dir.write("folder/z.png", "x");
  auto letter = dir.write("letter.txt", "x");

  auto files =
      scanner::collect_inputs({upload.string(), (dir / "folder").string(), letter.string()});
  REQUIRE(files.has_value());
  CHECK(*files == std::vector<std::string>{upload.string(), (dir / "folder/z.png").string(),
                                           letter.string()});
}

TEST_CASE("collecting inputs fails with not_found naming the path that does not exist") {
  TempDir dir;
  auto good = dir.write("good.png", "x");
  std::string missing = (dir / "missing-envelope.jpg").string();
  auto files = scanner::collect_inputs({good.string(), missing});
  REQUIRE_FALSE(files.has_value());
  CHECK(files.error().code == ErrorCode::not_found);
  CHECK(files.error().message.find(missing) != std::string::npos);
}

TEST_CASE("a batch scanned by two workers delivers each file's result in input order") {
  // Images of very different sizes, so that the workers finish out of order.
  TempDir dir;
  std::vector<std::string> files;
  std::vector<std::string> expected;
  for (const char* stem : {"3", "6", "5", "1", "2"}) {
    files.push_back(
        test_support::barcode_image_path("code128-1", std::string(stem) + ".png").string());
    expected.push_back(test_support::expected_text("code128-1", stem));
  }
  files.push_back(dir.write("not-an-image.png", "hello").string());
  expected.push_back("");
  files.push_back(test_support::barcode_image_path("qrcode-1", "16.png").string());
  expected.push_back(test_support::expected_text("qrcode-1", "16"));

  auto options = test_support::scanner_options();
  options.jobs = 2;
  auto scanner = test_support::open_scanner(options);
  std::vector<std::size_t> indices;
  std::vector<scanner::FileResult> results;
  scanner::scan_batch(scanner, files, [&](std::size_t index, const scanner::FileResult& r) {
    indices.push_back(index);
    results.push_back(r);
  });

  REQUIRE(results.size() == files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    INFO(describe(results[i]));
    CHECK(indices[i] == i);
    CHECK(results[i].file == files[i]);
    auto texts = test_support::texts(results[i]);
    CHECK(texts == (expected[i].empty() ? std::vector<std::string>{}
                                        : std::vector<std::string>{expected[i]}));
  }
}

TEST_CASE("an empty batch delivers nothing") {
  auto scanner = test_support::open_scanner();
  int calls = 0;
  scanner::scan_batch(scanner, {}, [&](std::size_t, const scanner::FileResult&) { ++calls; });
  CHECK(calls == 0);
}

TEST_CASE("JSON lines carry the file, page, time, symbols with corners, and a null error") {
  auto path = test_support::barcode_image_path("qrcode-1", "1.png").string();
  auto scanner = test_support::open_scanner();
  auto result = scanner.scan_file(path);
  INFO(describe(result));

  auto lines = parse_lines(scanner::to_json_lines(result));
  REQUIRE(lines.size() == 1);
  const json& line = lines[0];
  CHECK(line.at("file") == path);
  CHECK(line.at("page") == 0);
  CHECK(line.at("ms").is_number());
  CHECK(line.at("error").is_null());
  REQUIRE(line.at("symbols").size() == 1);
  const json& symbol = line.at("symbols")[0];
  CHECK(symbol.at("format") == "QRCode");
  CHECK(symbol.at("text") == test_support::expected_text("qrcode-1", "1"));
  REQUIRE(symbol.at("corners").size() == 4);
  for (const auto& corner : symbol.at("corners")) {
    REQUIRE(corner.size() == 2);
    CHECK(corner[0].is_number_integer());
    CHECK(corner[1].is_number_integer());
  }
  CHECK(symbol.at("corners")[0][0] == result.pages[0].symbols[0].corners[0].x);
}

TEST_CASE("JSON lines carry an unreadable file's error as a string with its code") {
  TempDir dir;
  auto text = dir.write("letter.png", "Kính gửi UBND xã\n");
  auto scanner = test_support::open_scanner();
  auto lines = parse_lines(scanner::to_json_lines(scanner.scan_file(text.string())));
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].at("file") == text.string());
  CHECK(lines[0].at("symbols").empty());
  REQUIRE(lines[0].at("error").is_string());
  CHECK(lines[0].at("error").get<std::string>().find("text") != std::string::npos);
  CHECK(lines[0].at("error_code") == "bad_input");
}

TEST_CASE("JSON lines give one line per scanned page, the first with the page count and warning") {
  TempDir dir;
  cv::Mat grey = test_support::load_grey(test_support::barcode_image_path("qrcode-1", "1.png"));
  auto pdf = dir.write("dossier.pdf", test_support::make_pdf({grey, cv::Mat(), grey}, 595, 842));
  auto options = test_support::scanner_options();
  options.limits.max_pages = 2;
  auto scanner = test_support::open_scanner(options);
  auto result = scanner.scan_file(pdf.string());
  INFO(describe(result));

  auto lines = parse_lines(scanner::to_json_lines(result));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].at("page") == 0);
  CHECK(lines[0].at("pages") == 3);
  CHECK(lines[0].at("warning").get<std::string>().find("3 pages") != std::string::npos);
  CHECK(lines[0].at("symbols").size() == 1);
  CHECK(lines[1].at("page") == 1);
  CHECK(lines[1].at("symbols").empty());
  CHECK(lines[1].at("error").is_null());
}

TEST_CASE("regression: a FIFO and a symlink loop among the inputs are named and skipped") {
  TempDir dir;
  const auto good = dir.write("good.png", "x");
  const auto fifo = dir / "pipe.jpg";
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  std::filesystem::create_symlink("loop-b.jpg", dir / "loop-a.jpg");
  std::filesystem::create_symlink("loop-a.jpg", dir / "loop-b.jpg");
  dir.write("folder/z.png", "x");
  REQUIRE(::mkfifo((dir / "folder" / "fifo.png").c_str(), 0644) == 0);
  std::filesystem::create_symlink("self.jpg", dir / "folder" / "self.jpg");
  std::filesystem::create_symlink("other.txt", dir / "folder" / "other.txt");  // not an image

  std::vector<scanner::SkippedInput> skipped;
  auto files = scanner::collect_inputs(
      {fifo.string(), (dir / "loop-a.jpg").string(), good.string(), (dir / "folder").string()},
      skipped);
  REQUIRE(files.has_value());
  CHECK(*files == std::vector<std::string>{good.string(), (dir / "folder/z.png").string()});
  REQUIRE(skipped.size() == 4);
  CHECK(skipped[0].path == fifo.string());
  CHECK(skipped[0].reason.render(common::Lang::en) ==
        fmt::format("{} is not a regular file (a pipe, a socket or a device): skipped",
                    fifo.string()));
  CHECK(skipped[1].path == (dir / "loop-a.jpg").string());
  CHECK(skipped[1].reason.id() == "scan_input_link_loop");
  CHECK(skipped[2].path == (dir / "folder/fifo.png").string());
  CHECK(skipped[2].reason.id() == "scan_input_not_regular");
  CHECK(skipped[3].path == (dir / "folder/self.jpg").string());
  CHECK(skipped[3].reason.id() == "scan_input_link_loop");
}
