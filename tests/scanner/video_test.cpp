// Video scanning: each code is reported once when it comes into view, and again only after it has
// been out of view for longer than forget_after_frames.
#include <doctest/doctest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <string>
#include <vector>

#include "scanner/scanner.hpp"
#include "scanner/video.hpp"
#include "tests/scanner/test_support.hpp"

using scanner::Format;
using scanner::SightingTracker;
using scanner::Symbol;
using test_support::TempDir;

namespace {

Symbol symbol(Format format, std::string text) {
  Symbol s;
  s.format = format;
  s.text = std::move(text);
  return s;
}

const Symbol k_tracking = symbol(Format::code128, "EB123456785VN");
const Symbol k_dossier = symbol(Format::qr_code, "000.00.12.H29-240315-0042");

// Feeds `tracker` the frames [first, last] with `seen` in each; returns the frames at which a code
// was reported new, with its text.
std::vector<std::pair<int, std::string>> feed(SightingTracker& tracker, int first, int last,
                                              const std::vector<Symbol>& seen) {
  std::vector<std::pair<int, std::string>> reported;
  for (int frame = first; frame <= last; ++frame) {
    for (const auto& s : tracker.update(frame, seen)) reported.emplace_back(frame, s.text);
  }
  return reported;
}

using Reports = std::vector<std::pair<int, std::string>>;

}  // namespace

TEST_CASE("a code that stays in view is reported once, when it comes into view") {
  SightingTracker tracker(30);
  CHECK(feed(tracker, 0, 4, {}).empty());
  CHECK(feed(tracker, 5, 200, {k_tracking}) == Reports{{5, k_tracking.text}});
}

TEST_CASE("a code is reported again after being out of view longer than forget_after_frames") {
  SightingTracker tracker(30);
  CHECK(feed(tracker, 0, 9, {k_tracking}) == Reports{{0, k_tracking.text}});
  CHECK(feed(tracker, 10, 40, {}).empty());  // last seen at 9; 31 frames later it is forgotten
  CHECK(feed(tracker, 41, 50, {k_tracking}) == Reports{{41, k_tracking.text}});
}

TEST_CASE("a code out of view for no longer than forget_after_frames is not reported again") {
  SightingTracker tracker(30);
  CHECK(feed(tracker, 0, 9, {k_tracking}) == Reports{{0, k_tracking.text}});
  CHECK(feed(tracker, 10, 38, {}).empty());
  CHECK(feed(tracker, 39, 50, {k_tracking}).empty());  // 30 frames after it was last seen
}

TEST_CASE("different codes in view together are each reported, a repeated one once") {
  SightingTracker tracker(30);
  auto fresh = tracker.update(0, {k_tracking, k_dossier, k_tracking});
  REQUIRE(fresh.size() == 2);
  CHECK(fresh[0].text == k_tracking.text);
  CHECK(fresh[1].text == k_dossier.text);
  CHECK(tracker.update(1, {k_dossier, k_tracking}).empty());
}

TEST_CASE("the same text in two formats is two different codes") {
  SightingTracker tracker(30);
  CHECK(tracker.update(0, {symbol(Format::code128, "123456")}).size() == 1);
  CHECK(tracker.update(1, {symbol(Format::code39, "123456")}).size() == 1);
}

TEST_CASE("a video in which a code comes into view twice reports it exactly twice") {
  // 60 frames at 10 fps: the barcode for frames 0-9, an empty conveyor for 10-49, the barcode again
  // for 50-59. With forget_after_frames 30 the second appearance is a new sighting.
  TempDir dir;
  cv::Mat barcode = test_support::load_grey(test_support::barcode_image_path("code128-1", "1.png"));
  cv::Mat with_code;
  cv::cvtColor(test_support::on_white_canvas(barcode, cv::Size(640, 480), cv::Point(112, 75)),
               with_code, cv::COLOR_GRAY2BGR);
  cv::Mat empty(with_code.size(), with_code.type(), cv::Scalar::all(255));
  std::string path = (dir / "conveyor.avi").string();
  {
    cv::VideoWriter writer(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10, with_code.size());
    REQUIRE(writer.isOpened());
    for (int frame = 0; frame < 60; ++frame) {
      writer.write(frame < 10 || frame >= 50 ? with_code : empty);
    }
  }

  auto scanner = test_support::open_scanner();
  scanner::VideoOptions options;
  options.forget_after_frames = 30;
  std::vector<scanner::Sighting> sightings;
  auto summary = scanner::scan_video(scanner, path, options,
                                     [&](const scanner::Sighting& s) { sightings.push_back(s); });
  REQUIRE(summary.has_value());
  CHECK(summary->frames == 60);
  CHECK(summary->failed_frames == 0);
  CHECK(summary->codes == 2);
  REQUIRE(sightings.size() == 2);
  const std::string expected = test_support::expected_text("code128-1", "1");
  CHECK(sightings[0].frame == 0);
  CHECK(sightings[1].frame == 50);
  CHECK(sightings[1].seconds == doctest::Approx(5.0));
  for (const auto& s : sightings) {
    CHECK(s.symbol.format == Format::code128);
    CHECK(s.symbol.text == expected);
  }
}

TEST_CASE("a file that is not a video cannot be scanned as one") {
  TempDir dir;
  auto scanner = test_support::open_scanner();
  auto text = dir.write("recording.avi", "this is a letter, not a recording\n");
  int sightings = 0;
  auto summary = scanner::scan_video(scanner, text.string(), {},
                                     [&](const scanner::Sighting&) { ++sightings; });
  REQUIRE_FALSE(summary.has_value());
  CHECK(summary.error().code == common::ErrorCode::bad_input);
  CHECK(summary.error().message.find(text.string()) != std::string::npos);
  CHECK(sightings == 0);
}

TEST_CASE("regression: a video file that does not exist is reported as not found") {
  // It used to be bad_input, so `hoso scan --video` exited 3 instead of 4 for a mistyped path.
  TempDir dir;
  auto scanner = test_support::open_scanner();
  std::string missing = (dir / "no-such-recording.avi").string();
  auto summary = scanner::scan_video(scanner, missing, {}, [](const scanner::Sighting&) {});
  REQUIRE_FALSE(summary.has_value());
  CHECK(summary.error().code == common::ErrorCode::not_found);
  CHECK(summary.error().message.find(missing) != std::string::npos);
}
