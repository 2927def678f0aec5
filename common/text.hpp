// Messages as data: what a user reads is a message id with its arguments, rendered in Vietnamese
// (the default) or English only at the edge (a page, the CLI, a log line).
//
// Each library keeps its messages in `<folder>/messages.hpp` as `inline constexpr MessageDef`s.
// A MessageDef holds its wording in both languages with `{name}` placeholders, and its
// constructor is consteval: a message without one of its languages, or whose two wordings do not
// name the same placeholders, does not compile.
//
//   inline constexpr common::MessageDef check_digit_mismatch{
//       "check_digit_mismatch",
//       "Số hiệu {number} sai chữ số kiểm tra: phải là {expected}, trên bưu gửi là {found}",
//       "{number} has a wrong check digit: expected {expected}, found {found}"};
//   return common::make_error(ErrorCode::bad_input, msg::check_digit_mismatch,
//                             {{"number", number}, {"expected", 5}, {"found", 3}});
//
// A message never names a CLI flag or a command: the surface that shows it adds its own hint.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace common {

enum class Lang { vi, en };

std::string_view lang_name(Lang lang);  // "vi", "en"

// Reads a language tag or a locale: "vi", "vi-VN", "en", "en_GB.UTF-8", "EN" → the language;
// anything else → nullopt.
std::optional<Lang> parse_lang(std::string_view tag);

// The language of an Accept-Language header: its first tag we speak, else Vietnamese.
Lang lang_from_accept_language(std::string_view header);

// The CLI's language when no --lang is given: HOSO_LANG, then LC_ALL, LC_MESSAGES, LANG (the
// first one set and not "C"/"POSIX"); Vietnamese when none names a language we speak.
Lang lang_from_environment();

namespace detail {

// The placeholder names of `text` ("{number}" → "number"), in order; compile-time usable.
constexpr bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// Whether `text` has the placeholder `{name}`.
constexpr bool has_placeholder(std::string_view text, std::string_view name) {
  for (std::size_t i = 0; i + name.size() + 1 < text.size(); ++i) {
    if (text[i] == '{' && text.substr(i + 1, name.size()) == name &&
        text[i + 1 + name.size()] == '}') {
      return true;
    }
  }
  return false;
}

// Whether every placeholder of `a` is also in `b`.
constexpr bool placeholders_within(std::string_view a, std::string_view b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != '{') continue;
    std::size_t j = i + 1;
    while (j < a.size() && is_name_char(a[j])) ++j;
    if (j == i + 1 || j >= a.size() || a[j] != '}') continue;
    if (!has_placeholder(b, a.substr(i + 1, j - i - 1))) return false;
    i = j;
  }
  return true;
}

constexpr bool placeholders_match(std::string_view a, std::string_view b) {
  return placeholders_within(a, b) && placeholders_within(b, a);
}

}  // namespace detail

// One message of a catalogue: a stable id (snake_case, for JSON and tests) and its wording in
// each language.
class MessageDef {
 public:
  consteval MessageDef(const char* id, const char* vi, const char* en) : id_(id), vi_(vi), en_(en) {
    if (id_.empty() || vi_.empty() || en_.empty()) {
      throw "a message needs an id and its wording in Vietnamese and English";
    }
    if (!detail::placeholders_match(vi_, en_)) {
      throw "the Vietnamese and English wordings must name the same {placeholders}";
    }
  }

  std::string_view id() const { return id_; }
  std::string_view wording(Lang lang) const { return lang == Lang::vi ? vi_ : en_; }

 private:
  std::string_view id_;
  std::string_view vi_;
  std::string_view en_;
};

struct Text;

// One argument of a message: `{"number", "EB123456785VN"}`, `{"id", 140}`, or another message
// rendered in the same language (`{"reason", Text{msg::no_barcode}}`).
struct Arg {
  std::string name;
  std::string value;
  std::shared_ptr<const Text> text;  // set for a message argument; then `value` is unused

  Arg(std::string_view n, std::string v) : name(n), value(std::move(v)) {}
  Arg(std::string_view n, std::string_view v) : name(n), value(v) {}
  Arg(std::string_view n, const char* v) : name(n), value(v) {}
  template <class T>
  requires std::is_integral_v<T> Arg(std::string_view n, T v) : name(n), value(std::to_string(v)) {}
  Arg(std::string_view n, Text t);

  std::string render(Lang lang) const;
};
using Args = std::vector<Arg>;

// A message with its arguments: a value that renders in either language.
struct Text {
  const MessageDef* def = nullptr;
  Args args;

  Text() = default;
  Text(const MessageDef& d, Args a = {}) : def(&d), args(std::move(a)) {}  // NOLINT: implicit

  bool empty() const { return def == nullptr; }
  std::string_view id() const { return def ? def->id() : std::string_view{}; }
  std::string render(Lang lang) const;
};

// Replaces each `{name}` in `wording` with its argument rendered in `lang`; a placeholder without
// an argument stays as is.
std::string fill(std::string_view wording, const Args& args, Lang lang);

// `text` safe inside HTML text and quoted attributes: & < > " ' as entities; control characters
// other than tab and newline dropped.
std::string html_escape(std::string_view text);

}  // namespace common
