// One vocabulary: every state, event kind, error code and scan outcome has a label in Vietnamese
// and English, in the C++ label tables (what the CLI, the printed forms and the server's messages
// say) and in web/static/i18n.js (what the pages say) alike.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "common/result.hpp"
#include "db/records.hpp"
#include "tracking/labels.hpp"

namespace {

struct Dictionaries {
  std::map<std::string, std::string> vi;  // key → text
  std::map<std::string, std::string> en;
};

// The keys of i18n.js's two dictionaries (`const vi = {...}` and `const en = {...}`).
Dictionaries read_i18n() {
  std::ifstream in(std::string(HOSO_SOURCE_DIR) + "/web/static/i18n.js");
  REQUIRE(in);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  const auto vi_at = text.find("const vi = {");
  const auto en_at = text.find("const en = {");
  const auto end_at = text.find("const DICTIONARIES");
  REQUIRE(vi_at != std::string::npos);
  REQUIRE(en_at != std::string::npos);
  REQUIRE(end_at != std::string::npos);
  // One entry per line: 'key': 'text', or 'key': "text" (\' inside single quotes). Read by
  // hand: GCC 12's <regex> warns under the sanitizers' optimisation.
  auto keys_of = [&](std::size_t from, std::size_t to) {
    std::map<std::string, std::string> keys;
    std::istringstream lines(text.substr(from, to - from));
    for (std::string line; std::getline(lines, line);) {
      const auto start = line.find_first_not_of(' ');
      if (start == std::string::npos || line[start] != '\'') continue;
      const auto key_end = line.find('\'', start + 1);
      if (key_end == std::string::npos || line.compare(key_end + 1, 2, ": ") != 0) continue;
      const std::string key = line.substr(start + 1, key_end - start - 1);
      if (key.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.") != std::string::npos) {
        continue;
      }
      std::size_t at = key_end + 3;
      if (at >= line.size() || (line[at] != '\'' && line[at] != '"')) continue;
      const char quote = line[at];
      std::string value;
      for (++at; at < line.size() && line[at] != quote; ++at) {
        if (line[at] == '\\' && at + 1 < line.size()) ++at;
        value += line[at];
      }
      keys[key] = value;
    }
    return keys;
  };
  return {keys_of(vi_at, en_at), keys_of(en_at, end_at)};
}

void check_label(const common::MessageDef& label, std::string_view name) {
  INFO("label of " << name);
  CHECK_FALSE(label.wording(common::Lang::vi).empty());
  CHECK_FALSE(label.wording(common::Lang::en).empty());
  CHECK(label.wording(common::Lang::vi) != label.wording(common::Lang::en));
}

void check_page_key(const Dictionaries& pages, const std::string& key) {
  INFO("i18n.js key " << key);
  CHECK(pages.vi.count(key) == 1);
  CHECK(pages.en.count(key) == 1);
}

// The page's words for `key` are the C++ label's, in both languages: one vocabulary, two copies
// that cannot drift apart.
void check_same_words(const Dictionaries& pages, const std::string& key,
                      const common::MessageDef& label) {
  check_page_key(pages, key);
  INFO("i18n.js key " << key);
  if (pages.vi.count(key) == 1) CHECK(pages.vi.at(key) == label.wording(common::Lang::vi));
  if (pages.en.count(key) == 1) CHECK(pages.en.at(key) == label.wording(common::Lang::en));
}

}  // namespace

TEST_CASE("i18n.js has the same keys in Vietnamese and English") {
  const auto pages = read_i18n();
  CHECK(pages.vi.size() > 100);
  for (const auto& [key, text] : pages.vi) {
    INFO("only in Vietnamese: " << key);
    CHECK(pages.en.count(key) == 1);
    CHECK_FALSE(text.empty());
  }
  for (const auto& [key, text] : pages.en) {
    INFO("only in English: " << key);
    CHECK(pages.vi.count(key) == 1);
  }
}

TEST_CASE("every dossier state has a label in both languages, in C++ and on the pages") {
  const auto pages = read_i18n();
  CHECK(db::all_dossier_states().size() == 12);
  for (const auto state : db::all_dossier_states()) {
    const std::string name{db::dossier_state_name(state)};
    check_label(tracking::state_label(state), name);
    check_label(tracking::printed_state_label(state), name);
    check_same_words(pages, "state." + name, tracking::state_label(state));
  }
}

TEST_CASE("every event kind has a label in both languages, in C++ and on the pages") {
  const auto pages = read_i18n();
  CHECK(db::all_event_kinds().size() >= 38);
  for (const auto kind : db::all_event_kinds()) {
    const std::string name{db::event_kind_name(kind)};
    CHECK(db::parse_event_kind(name) == kind);
    check_label(tracking::event_label(kind), name);
    check_same_words(pages, "event." + name, tracking::event_label(kind));
    if (const auto* step = tracking::citizen_step_label(kind)) {
      check_label(*step, name);
      check_same_words(pages, "step." + name, *step);
    }
  }
}

TEST_CASE("every error code has a label in both languages, in C++ and on the pages") {
  const auto pages = read_i18n();
  for (int i = 0; i <= static_cast<int>(common::ErrorCode::permission_denied); ++i) {
    const auto code = static_cast<common::ErrorCode>(i);
    const std::string name{common::error_code_name(code)};
    INFO("error code " << name);
    CHECK_FALSE(common::error_code_label(code, common::Lang::vi).empty());
    CHECK(common::error_code_label(code, common::Lang::vi) !=
          common::error_code_label(code, common::Lang::en));
    check_page_key(pages, "code." + name);
    CHECK(pages.vi.at("code." + name) == common::error_code_label(code, common::Lang::vi));
    CHECK(pages.en.at("code." + name) == common::error_code_label(code, common::Lang::en));
  }
}

TEST_CASE("every scan outcome has a label in both languages, in C++ and on the pages") {
  const auto pages = read_i18n();
  for (const auto outcome : db::all_scan_outcomes()) {
    const std::string name{db::scan_outcome_name(outcome)};
    check_label(tracking::outcome_label(outcome), name);
    check_same_words(pages, "outcome." + name, tracking::outcome_label(outcome));
  }
}
