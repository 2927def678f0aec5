#include "common/text.hpp"

#include <algorithm>
#include <cstdlib>

namespace common {

std::string_view lang_name(Lang lang) { return lang == Lang::vi ? "vi" : "en"; }

std::optional<Lang> parse_lang(std::string_view tag) {
  if (tag.size() < 2) return std::nullopt;
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  const std::string two{lower(tag[0]), lower(tag[1])};
  if (tag.size() > 2 && tag[2] != '-' && tag[2] != '_' && tag[2] != '.' && tag[2] != ';' &&
      tag[2] != ',') {
    return std::nullopt;
  }
  if (two == "vi") return Lang::vi;
  if (two == "en") return Lang::en;
  return std::nullopt;
}

Lang lang_from_accept_language(std::string_view header) {
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (auto lang = parse_lang(item)) return *lang;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return Lang::vi;
}

Lang lang_from_environment() {
  for (const char* name : {"HOSO_LANG", "LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') continue;
    const std::string_view v{value};
    if (v == "C" || v == "POSIX" || v.starts_with("C.")) continue;
    return parse_lang(v).value_or(Lang::vi);
  }
  return Lang::vi;
}

Arg::Arg(std::string_view n, Text t) : name(n), text(std::make_shared<const Text>(std::move(t))) {}

std::string Arg::render(Lang lang) const { return text ? text->render(lang) : value; }

std::string fill(std::string_view wording, const Args& args, Lang lang) {
  std::string out;
  out.reserve(wording.size() + 32);
  std::size_t i = 0;
  while (i < wording.size()) {
    if (wording[i] == '{') {
      const auto close = wording.find('}', i + 1);
      if (close != std::string_view::npos) {
        const auto name = wording.substr(i + 1, close - i - 1);
        const bool is_name =
            !name.empty() && std::all_of(name.begin(), name.end(), detail::is_name_char);
        const Arg* found = nullptr;
        for (const auto& arg : args) {
          if (arg.name == name) found = &arg;
        }
        if (is_name && found != nullptr) {
          out += found->render(lang);
          i = close + 1;
          continue;
        }
      }
    }
    out += wording[i++];
  }
  return out;
}

std::string Text::render(Lang lang) const {
  return def ? fill(def->wording(lang), args, lang) : std::string{};
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t') out += c;
    }
  }
  return out;
}

}  // namespace common
