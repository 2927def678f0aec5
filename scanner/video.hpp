// Scanning a video file or camera (a document camera over a conveyor of envelopes): each distinct
// code is reported once when it comes into view, and again only after it has left the view.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "scanner/scanner.hpp"

namespace scanner {

// Remembers which codes are in view. A code is new when it was not seen in the last
// `forget_after_frames` frames. Not thread-safe.
class SightingTracker {
 public:
  explicit SightingTracker(int forget_after_frames) : forget_after_(forget_after_frames) {}

  // Records the symbols seen in frame number `frame` (increasing) and returns those that are new.
  std::vector<Symbol> update(int frame, const std::vector<Symbol>& seen);

 private:
  int forget_after_;
  std::map<std::pair<Format, std::string>, int> last_seen_;
};

struct VideoOptions {
  int forget_after_frames = 30;  // about one second at 30 frames per second
  int frame_step = 1;            // decode every n-th frame
  int max_frames = 0;            // stop after this many frames (0: until the end of the stream)
};

struct Sighting {
  Symbol symbol;
  int frame = 0;
  double seconds = 0;  // position in the stream
};

struct VideoSummary {
  int frames = 0;   // frames read
  int decoded = 0;  // frames decoded
  int codes = 0;    // sightings reported
  int failed_frames = 0;
};

// Reads `source` (a video file, or /dev/videoN for a camera) and calls `on_sighting` for each
// code coming into view. Fails with not_found / bad_input when the source cannot be opened.
common::Result<VideoSummary> scan_video(Scanner& scanner, const std::string& source,
                                        const VideoOptions& options,
                                        const std::function<void(const Sighting&)>& on_sighting);

}  // namespace scanner
