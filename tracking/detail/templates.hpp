// The printed forms' templates (tracking/templates/*.mustache), compiled into the library by
// scripts/embed_templates.cmake. Knows nothing of what the templates say or how they are rendered.
#pragma once

#include <optional>
#include <string_view>

namespace tracking::detail {

// The text of tracking/templates/<name>.mustache, or nullopt when there is no such file. The view
// is valid for the life of the program. Thread-safe.
std::optional<std::string_view> template_text(std::string_view name);

}  // namespace tracking::detail
