#include "intake/detail/citizen_id_card.hpp"

#include <chrono>
#include <vector>

#include <fmt/format.h>

#include "intake/detail/text.hpp"
#include "intake/messages.hpp"

namespace intake::detail {
namespace {

constexpr std::size_t k_id_length = 12;
constexpr std::size_t k_old_id_length = 9;
constexpr std::string_view k_male = "Nam";
constexpr std::string_view k_female = "N\u1EEF";  // "Nữ", NFC

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      fields.push_back(text.substr(start));
      return fields;
    }
    fields.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

// ddmmyyyy, as printed on the card.
std::optional<std::chrono::year_month_day> parse_card_date(std::string_view text) {
  if (text.size() != 8 || !all_digits(text)) return std::nullopt;
  const auto number = [&](std::size_t pos, std::size_t len) {
    int value = 0;
    for (char c : text.substr(pos, len)) value = value * 10 + (c - '0');
    return value;
  };
  const std::chrono::year_month_day date{std::chrono::year{number(4, 4)},
                                         std::chrono::month{static_cast<unsigned>(number(2, 2))},
                                         std::chrono::day{static_cast<unsigned>(number(0, 2))}};
  if (!date.ok()) return std::nullopt;
  return date;
}

}  // namespace

IdCardReading read_citizen_id_card(std::string_view text) {
  IdCardReading reading;
  const std::vector<std::string_view> fields = split(text, '|');
  const bool first_is_id = fields.front().size() == k_id_length && all_digits(fields.front());
  if (fields.size() < 2) return reading;
  if (fields.size() != 6 && fields.size() != 7 && !first_is_id) return reading;
  // Six or seven '|'-separated fields alone do not make an ID card (a carrier's label may look
  // like that): the ID number or the birth date must be where a card has them.
  const auto looks_like_date = [&](std::size_t i) {
    return i < fields.size() && fields[i].size() == 8 && all_digits(fields[i]);
  };
  const std::size_t birth_index = fields.size() == 7 ? 3 : 2;
  if (!first_is_id && !looks_like_date(birth_index)) return reading;
  reading.is_card = true;

  std::vector<common::Text> problems;
  if (fields.size() != 6 && fields.size() != 7) {
    reading.problem = common::Text{msg::card_field_count, {{"count", fields.size()}}};
    return reading;
  }
  const bool has_old_id = fields.size() == 7;
  const std::size_t shift = has_old_id ? 1 : 0;
  const std::string_view id = fields[0];
  const std::string_view old_id = has_old_id ? fields[1] : std::string_view{};
  const std::string_view name = fields[1 + shift];
  const std::string_view birth_text = fields[2 + shift];
  const std::string sex = normalize_nfc(fields[3 + shift]);
  const std::string_view address = fields[4 + shift];
  const std::string_view issue_text = fields[5 + shift];

  const bool id_ok = id.size() == k_id_length && all_digits(id);
  if (!id_ok) problems.emplace_back(msg::card_id_not_12);
  if (!old_id.empty() && !(old_id.size() == k_old_id_length && all_digits(old_id))) {
    problems.emplace_back(msg::card_old_id);
  }
  if (trim(name).empty()) problems.emplace_back(msg::card_no_name);
  const auto birth = parse_card_date(birth_text);
  if (!birth) problems.emplace_back(msg::card_bad_birth);
  const bool is_male = sex == k_male;
  const bool is_female = sex == k_female;
  if (!is_male && !is_female) problems.emplace_back(msg::card_bad_sex);
  if (trim(address).empty()) problems.emplace_back(msg::card_no_address);
  const auto issue = parse_card_date(issue_text);
  if (!issue) problems.emplace_back(msg::card_bad_issue);
  if (birth && issue && std::chrono::sys_days{*birth} > std::chrono::sys_days{*issue}) {
    problems.emplace_back(msg::card_birth_after_issue);
  }

  // Circular 07/2016/TT-BCA Art. 7 (after Decree 137/2015): the ID's 4th digit gives the century
  // of birth and the sex (0/1: 1900s male/female, 2/3: 2000s, 4/5: 2100s, ...), the 5th and 6th
  // the last two digits of the birth year.
  if (id_ok && birth) {
    const int century_digit = id[3] - '0';
    const int century_start = 1900 + (century_digit / 2) * 100;
    const int year_digits = (id[4] - '0') * 10 + (id[5] - '0');
    const int birth_year = static_cast<int>(birth->year());
    if (birth_year < century_start || birth_year > century_start + 99 ||
        birth_year % 100 != year_digits) {
      problems.emplace_back(msg::card_year_digits);
    }
    if ((is_male && century_digit % 2 != 0) || (is_female && century_digit % 2 != 1)) {
      problems.emplace_back(msg::card_sex_digit);
    }
  }

  if (!problems.empty()) {
    reading.problem =
        common::Text{msg::card_problems, {{"problems", msg::join(std::move(problems))}}};
    return reading;
  }
  CitizenIdCard card;
  card.id_number = std::string(id);
  card.old_id_number = std::string(old_id);
  card.full_name = normalize_nfc(name);
  card.birth_date = *birth;
  card.sex = sex;
  card.address = normalize_nfc(address);
  card.issue_date = *issue;
  reading.card = std::move(card);
  return reading;
}

}  // namespace intake::detail
