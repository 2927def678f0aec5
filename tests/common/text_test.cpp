#include "common/text.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

#include "common/result.hpp"

using common::Lang;

namespace {

constexpr common::MessageDef k_wrong_digit{
    "check_digit_mismatch",
    "Số hiệu {number} sai chữ số kiểm tra: phải là {expected}, trên bưu gửi là {found}",
    "{number} has a wrong check digit: expected {expected}, found {found}"};
constexpr common::MessageDef k_needs_person{"needs_person", "Cần người xử lý: {reason}",
                                            "Needs a person: {reason}"};

}  // namespace

TEST_CASE("a message renders in the language asked for, with its arguments") {
  const common::Text text{k_wrong_digit,
                          {{"number", "EB123456785VN"}, {"expected", 5}, {"found", 3}}};
  CHECK(text.render(Lang::vi) ==
        "Số hiệu EB123456785VN sai chữ số kiểm tra: phải là 5, trên bưu gửi là 3");
  CHECK(text.render(Lang::en) == "EB123456785VN has a wrong check digit: expected 5, found 3");
  CHECK(text.id() == "check_digit_mismatch");
}

TEST_CASE("a message argument may itself be a message, rendered in the same language") {
  const common::Text inner{k_wrong_digit, {{"number", "X"}, {"expected", 1}, {"found", 2}}};
  const common::Text outer{k_needs_person, {{"reason", inner}}};
  CHECK(outer.render(Lang::vi) ==
        "Cần người xử lý: Số hiệu X sai chữ số kiểm tra: phải là 1, trên bưu gửi là 2");
  CHECK(outer.render(Lang::en) == "Needs a person: X has a wrong check digit: expected 1, found 2");
}

TEST_CASE("a placeholder without an argument stays visible instead of vanishing") {
  CHECK(common::fill("a {b} c {d}", {{"b", "B"}}, Lang::en) == "a B c {d}");
  CHECK(common::fill("{", {}, Lang::en) == "{");
}

TEST_CASE("the two wordings of a message must name the same placeholders") {
  // MessageDef checks this when it is compiled; the same check, run here on bad pairs.
  CHECK(common::detail::placeholders_match("a {x} {y}", "{y} b {x}"));
  CHECK_FALSE(common::detail::placeholders_match("a {x}", "a {y}"));
  CHECK_FALSE(common::detail::placeholders_match("a {x} {y}", "a {x}"));
  CHECK_FALSE(common::detail::placeholders_match("a", "a {x}"));
}

TEST_CASE("an error carries its message as data and renders in either language") {
  const auto error = common::make_error(common::ErrorCode::bad_input, k_wrong_digit,
                                        {{"number", "EB1"}, {"expected", 5}, {"found", 3}});
  CHECK(error.message == "EB1 has a wrong check digit: expected 5, found 3");
  CHECK(error.render(Lang::vi).starts_with("Số hiệu EB1"));
  CHECK(error.text.id() == "check_digit_mismatch");

  // A technical failure keeps its English for the logs and shows a Vietnamese page no English.
  const auto technical = common::make_error(common::ErrorCode::io_error, "sqlite: disk I/O error");
  CHECK(technical.render(Lang::en) == "sqlite: disk I/O error");
  CHECK(technical.render(Lang::vi).find("sqlite") == std::string::npos);
  CHECK(technical.render(Lang::vi) ==
        common::error_code_sentence(common::ErrorCode::io_error, Lang::vi));
}

TEST_CASE("the language is read from a tag, an Accept-Language header or the environment") {
  CHECK(common::parse_lang("vi-VN") == Lang::vi);
  CHECK(common::parse_lang("en_GB.UTF-8") == Lang::en);
  CHECK(common::parse_lang("EN") == Lang::en);
  CHECK_FALSE(common::parse_lang("fr").has_value());
  CHECK_FALSE(common::parse_lang("env").has_value());
  CHECK(common::lang_from_accept_language("fr-FR, en;q=0.8, vi;q=0.5") == Lang::en);
  CHECK(common::lang_from_accept_language("") == Lang::vi);
  CHECK(common::lang_from_accept_language("de") == Lang::vi);

  ::setenv("HOSO_LANG", "en", 1);
  CHECK(common::lang_from_environment() == Lang::en);
  ::unsetenv("HOSO_LANG");
  ::setenv("LC_ALL", "C.UTF-8", 1);
  ::setenv("LANG", "vi_VN.UTF-8", 1);
  CHECK(common::lang_from_environment() == Lang::vi);
  ::setenv("LANG", "en_US.UTF-8", 1);
  CHECK(common::lang_from_environment() == Lang::en);
}

TEST_CASE("every error code has a label and a sentence in both languages") {
  for (int i = 0; i <= static_cast<int>(common::ErrorCode::permission_denied); ++i) {
    const auto code = static_cast<common::ErrorCode>(i);
    for (auto lang : {Lang::vi, Lang::en}) {
      CHECK_FALSE(common::error_code_label(code, lang).empty());
      CHECK_FALSE(common::error_code_sentence(code, lang).empty());
    }
    CHECK(common::error_code_label(code, Lang::vi) != common::error_code_label(code, Lang::en));
  }
}

TEST_CASE("html_escape keeps markup in a message as text") {
  CHECK(common::html_escape("Trần <b>\"An\"</b> & 'Bình'") ==
        "Trần &lt;b&gt;&quot;An&quot;&lt;/b&gt; &amp; &#39;Bình&#39;");
  CHECK(common::html_escape(std::string("a\x01\tb\nc", 6)) == "a\tb\nc");
}
