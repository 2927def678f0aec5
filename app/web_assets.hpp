// The files of web/ compiled into the program (scripts/embed_web.cmake): pages, scripts, styles.
#pragma once

#include <span>
#include <string_view>

namespace app {

struct WebAsset {
  std::string_view path;  // relative to web/: "index.html", "static/app.js"
  std::string_view content_type;
  std::string_view content;
  std::string_view etag;  // quoted, as sent in the ETag header
};

std::span<const WebAsset> web_assets();

}  // namespace app
