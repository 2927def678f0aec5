#include "scanner/video.hpp"

#include "scanner/messages.hpp"

#include <fmt/format.h>

#include <spdlog/spdlog.h>
#include <algorithm>
#include <string_view>

#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

namespace scanner {

std::vector<Symbol> SightingTracker::update(int frame, const std::vector<Symbol>& seen) {
  std::vector<Symbol> fresh;
  for (const auto& s : seen) {
    auto key = std::make_pair(s.format, s.text);
    auto it = last_seen_.find(key);
    bool is_new = it == last_seen_.end() || frame - it->second > forget_after_;
    last_seen_[key] = frame;
    bool already_reported = std::any_of(fresh.begin(), fresh.end(), [&](const Symbol& f) {
      return f.format == s.format && f.text == s.text;
    });
    if (is_new && !already_reported) fresh.push_back(s);
  }
  return fresh;
}

common::Result<VideoSummary> scan_video(Scanner& scanner, const std::string& source,
                                        const VideoOptions& options,
                                        const std::function<void(const Sighting&)>& on_sighting) {
  cv::VideoCapture capture;
  // "/dev/videoN" names camera N; anything else is a file or stream URL.
  constexpr std::string_view k_camera_prefix = "/dev/video";
  std::string_view camera_number = std::string_view(source).substr(
      source.rfind(k_camera_prefix, 0) == 0 ? k_camera_prefix.size() : source.size());
  bool is_camera = !camera_number.empty() && camera_number.size() <= 3 &&
                   std::all_of(camera_number.begin(), camera_number.end(),
                               [](char c) { return c >= '0' && c <= '9'; });
  // A stream URL (rtsp://...) has no file to look for; anything else must exist.
  std::error_code ec;
  if (source.find("://") == std::string::npos && !std::filesystem::exists(source, ec)) {
    return common::make_error(common::ErrorCode::not_found, msg::no_such_video,
                              {{"source", source}});
  }
  try {
    if (is_camera) {
      capture.open(std::stoi(std::string(camera_number)));
    } else {
      // FFmpeg reads the video files and stream URLs we meet. Left to try every backend, OpenCV
      // probes USB cameras through gPhoto2 (leaking memory) and prints GStreamer warnings for a
      // file that is no video.
      capture.open(source, cv::CAP_FFMPEG);
    }
  } catch (const cv::Exception& e) {
    return common::make_error(common::ErrorCode::bad_input,
                              fmt::format("{}: cannot open video: {}", source, e.msg));
  }
  if (!capture.isOpened()) {
    return common::make_error(common::ErrorCode::bad_input, msg::video_unopenable,
                              {{"source", source}});
  }
  double fps = capture.get(cv::CAP_PROP_FPS);
  if (fps <= 0 || fps > 1000) fps = 25;
  SightingTracker tracker(options.forget_after_frames);
  VideoSummary summary;
  cv::Mat frame, grey;
  for (int index = 0;; ++index) {
    if (options.max_frames > 0 && index >= options.max_frames) break;
    bool got = false;
    try {
      got = capture.read(frame);
    } catch (const cv::Exception& e) {
      spdlog::warn("{}: frame {} unreadable: {}", source, index, e.msg);
    }
    if (!got || frame.empty()) break;
    ++summary.frames;
    if (index % std::max(1, options.frame_step) != 0) continue;
    if (frame.channels() == 1) {
      grey = frame;
    } else {
      cv::cvtColor(frame, grey, frame.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
    }
    if (!grey.isContinuous()) grey = grey.clone();
    auto symbols = scanner.scan_frame(std::span<const std::uint8_t>(grey.data, grey.total()),
                                      grey.cols, grey.rows);
    ++summary.decoded;
    if (!symbols) {
      ++summary.failed_frames;
      spdlog::warn("{}: frame {}: {}", source, index, symbols.error().message);
      continue;
    }
    for (auto& s : tracker.update(index, *symbols)) {
      ++summary.codes;
      on_sighting(Sighting{std::move(s), index, index / fps});
    }
  }
  return summary;
}

}  // namespace scanner
