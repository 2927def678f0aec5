// A message's arguments as JSON and back: how a scanner error crosses from the decode worker and
// how intake keeps a manual-queue reason in the database.
#include "scanner/text_json.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "scanner/messages.hpp"

using common::Lang;

TEST_CASE("a message with plain and message arguments survives JSON and renders the same") {
  const common::Text inner{scanner::msg::decoder_crashed,
                           {{"signal", 11}, {"signal_name", "Segmentation fault"}}};
  const common::Text outer{scanner::msg::decoder_output,
                           {{"reason", inner}, {"output", "Qt: cannot open display"}}};
  const std::string json = scanner::text_to_json(outer);
  const common::Text back = scanner::text_from_json(json, &scanner::msg::find);
  CHECK(back.id() == "scan_decoder_output");
  CHECK(back.render(Lang::vi) == outer.render(Lang::vi));
  CHECK(back.render(Lang::en) == outer.render(Lang::en));
  CHECK(
      back.render(Lang::vi).starts_with("Bộ giải mã bị lỗi đột ngột khi đọc ảnh này (tín hiệu 11"));

  const common::Args args =
      scanner::args_from_json(scanner::args_to_json(outer.args), &scanner::msg::find);
  CHECK(common::Text{scanner::msg::decoder_output, args}.render(Lang::en) ==
        outer.render(Lang::en));
}

TEST_CASE("a message whose id is unknown shows its English, and what is not JSON gives nothing") {
  const std::string json =
      R"({"id": "from_a_later_version", "args": {}, "en": "something new happened"})";
  const common::Text back = scanner::text_from_json(json, &scanner::msg::find);
  CHECK(back.render(Lang::vi) == "something new happened");
  CHECK(scanner::text_from_json("not json", &scanner::msg::find).empty());
  CHECK(scanner::args_from_json("[1, 2]", &scanner::msg::find).empty());
}

TEST_CASE("the scanner's messages have distinct ids, every one found by id") {
  std::set<std::string_view> ids;
  for (const common::MessageDef* def : scanner::msg::k_catalogue) {
    CHECK(ids.insert(def->id()).second);
    CHECK(scanner::msg::find(def->id()) == def);
    // No message names a CLI flag.
    CHECK(def->wording(Lang::en).find("--") == std::string_view::npos);
  }
  CHECK(scanner::msg::find("no_such_id") == nullptr);
}
