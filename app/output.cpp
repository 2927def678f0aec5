#include "app/output.hpp"

#include <atomic>

namespace app {

namespace {
std::atomic<common::Lang> g_lang{common::Lang::vi};
}  // namespace

common::Lang cli_lang() { return g_lang.load(); }
void set_cli_lang(common::Lang lang) { g_lang.store(lang); }

std::string say(const common::Text& text) { return text.render(cli_lang()); }

std::string say(const common::Error& error) {
  // In English the message itself: a coded error's English words, with the technical details
  // some add for the log (the carrier's own answer).
  if (cli_lang() == common::Lang::en && !error.message.empty()) return error.message;
  if (!error.text.empty()) return error.render(cli_lang());
  return std::string(common::error_code_label(error.code, cli_lang())) + ": " + error.message;
}

std::string shorten(const std::string& text, std::size_t max_chars) {
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80) {
      if (chars == max_chars) return out + "…";
      ++chars;
    }
    // C0 controls, DEL, and C1 controls (U+0080-U+009F, encoded C2 80-C2 9F: U+009B is a CSI).
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      out += ' ';
      ++i;
      continue;
    }
    out += (c < 0x20 || c == 0x7F) ? ' ' : text[i];
  }
  return out;
}

void Progress::clear() {
  if (enabled_ && shown_) std::fputs("\r\033[K", stderr);
  shown_ = false;
}

void Progress::show(std::size_t done) {
  if (!enabled_) return;
  std::fprintf(stderr, "\r\033[K%s %zu/%zu…", verb_, done, total_);
  std::fflush(stderr);
  shown_ = true;
}

}  // namespace app
