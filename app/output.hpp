// Small output helpers shared by the CLI commands: text made safe for a terminal, and a progress
// line on stderr for long runs. Presentation only.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>

namespace app {

// Shortens `text` to `max_chars` characters (UTF-8 aware, "…" when cut) and replaces control
// characters with spaces, so a hostile code cannot move the cursor or clear the screen.
std::string shorten(const std::string& text, std::size_t max_chars);

// A "verb 12/132…" line on stderr, redrawn in place; does nothing when stderr is not a terminal or
// there is a single item.
class Progress {
 public:
  Progress(std::size_t total, bool enabled, const char* verb = "scanning")
      : total_(total), enabled_(enabled && total > 1), verb_(verb) {}
  void clear();
  void show(std::size_t done);

 private:
  std::size_t total_;
  bool enabled_;
  const char* verb_;
  bool shown_ = false;
};

}  // namespace app
