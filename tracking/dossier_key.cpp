#include "tracking/dossier_key.hpp"
#include "tracking/messages.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include <fmt/format.h>

namespace tracking {
namespace {

bool all_digits(std::string_view text) {
  return !text.empty() && text.size() < 12 &&
         std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isdigit(c) != 0; });
}

}  // namespace

common::Result<std::optional<db::Id>> find_dossier_id(db::Transaction& tx, std::string_view key) {
  if (key.empty()) return std::optional<db::Id>{};
  if (key.front() == '#') {
    const std::string digits(key.substr(1));
    if (!all_digits(digits)) return std::optional<db::Id>{};
    return std::optional<db::Id>{std::stoll(digits)};
  }
  std::string number;
  for (const unsigned char c : key) {
    if (!std::isspace(c)) number.push_back(static_cast<char>(std::toupper(c)));
  }
  for (const auto direction : {db::Direction::inbound, db::Direction::outbound}) {
    TRY_ASSIGN(auto shipment, tx.find_shipment(number, direction, common::Timestamp{}));
    if (shipment && shipment->dossier_id) return shipment->dossier_id;
  }
  if (all_digits(key)) return std::optional<db::Id>{std::stoll(std::string(key))};
  TRY_ASSIGN(auto by_code, tx.find_dossier_by_code(std::string(key)));
  if (by_code) return std::optional<db::Id>{by_code->id};
  return std::optional<db::Id>{};
}

common::Result<db::Dossier> find_dossier(db::Transaction& tx, std::string_view key) {
  TRY_ASSIGN(const auto id, find_dossier_id(tx, key));
  if (id) {
    TRY_ASSIGN(auto dossier, tx.get_dossier(*id));
    if (dossier) return std::move(*dossier);
  }
  // Keys come from people: at most 40 bytes, cut between UTF-8 characters, with C0 and C1 control
  // characters blanked, go back into the message.
  std::size_t length = std::min<std::size_t>(key.size(), 40);
  while (length < key.size() && length > 0 &&
         (static_cast<unsigned char>(key[length]) & 0xC0) == 0x80) {
    --length;
  }
  std::string shown;
  const std::string_view kept = key.substr(0, length);
  for (std::size_t i = 0; i < kept.size(); ++i) {
    const auto c = static_cast<unsigned char>(kept[i]);
    // C1 controls (U+0080-U+009F, "\xC2\x80".."\xC2\x9F") move a terminal's cursor as C0 ones do.
    if (c == 0xC2 && i + 1 < kept.size() &&
        (static_cast<unsigned char>(kept[i + 1]) & 0xE0) == 0x80) {
      shown += ' ';
      ++i;
      continue;
    }
    shown += (c < 0x20 || c == 0x7F) ? ' ' : static_cast<char>(c);
  }
  return common::make_error(common::ErrorCode::not_found, msg::no_dossier_key, {{"key", shown}});
}

}  // namespace tracking
