// Small output helpers shared by the CLI commands: text made safe for a terminal, and a progress
// line on stderr for long runs. Presentation only.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>

#include "common/result.hpp"
#include "common/text.hpp"

namespace app {

// The language the CLI writes messages in: --lang, else the environment (HOSO_LANG, LC_ALL,
// LC_MESSAGES, LANG), Vietnamese by default. Set once by main() before any command runs.
common::Lang cli_lang();
void set_cli_lang(common::Lang lang);

// A message in the CLI's language.
std::string say(const common::Text& text);
// An error as the CLI shows it: its message in the CLI's language; a technical failure (no
// coded message) keeps its English details after the kind of failure, for whoever reads the log;
// in English, the message with all its details.
std::string say(const common::Error& error);

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
