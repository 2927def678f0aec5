// Intake's message catalogue: ids are distinct and found, and no message names a CLI flag or
// command (the CLI adds its own hints).
#include "intake/messages.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "intake/manual_reason.hpp"
#include "scanner/messages.hpp"

using common::Lang;

TEST_CASE("intake's messages have distinct ids, found by id, and name no CLI flag or command") {
  std::set<std::string_view> ids;
  for (const common::MessageDef* def : intake::msg::k_catalogue) {
    CHECK(ids.insert(def->id()).second);
    CHECK(intake::find_message(def->id()) == def);
    for (auto lang : {Lang::vi, Lang::en}) {
      const std::string_view wording = def->wording(lang);
      CHECK(wording.find("--") == std::string_view::npos);
      CHECK(wording.find("hoso init") == std::string_view::npos);
      CHECK(wording.find("hoso manual") == std::string_view::npos);
      CHECK(wording.find("hoso watch") == std::string_view::npos);
    }
  }
  // Intake and the scanner share one lookup for reasons that carry a scanner error.
  for (const common::MessageDef* def : scanner::msg::k_catalogue) {
    CHECK_FALSE(ids.contains(def->id()));
  }
  CHECK(intake::find_message("scan_empty_file") == &scanner::msg::empty_file);
  CHECK(intake::find_message("nothing") == nullptr);
}

TEST_CASE("parts join into one text in the reader's language") {
  const common::Text joined = intake::msg::join({common::Text{intake::msg::card_no_name},
                                                 common::Text{intake::msg::card_no_address},
                                                 common::Text{intake::msg::card_bad_sex}});
  CHECK(joined.render(Lang::en) ==
        "the name is empty; the address is empty; the sex is neither \"Nam\" nor \"Nữ\"");
  CHECK(joined.render(Lang::vi) ==
        "họ tên để trống; nơi thường trú để trống; giới tính không phải là \"Nam\" hay \"Nữ\"");
  CHECK(intake::msg::join({}).empty());
}
