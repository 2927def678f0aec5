#include "app/output.hpp"

namespace app {

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
