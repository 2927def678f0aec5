// Reading the QR of a chip citizen ID card ("CCCD", docs/domain.md §6.2): splitting the '|' fields
// and validating each. Internal to intake. Problems never quote a field: the card is personal data.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include "common/text.hpp"

#include "intake/classify.hpp"

namespace intake::detail {

struct IdCardReading {
  bool is_card = false;               // shaped like an ID card QR: the code is citizen_id_card
  std::optional<CitizenIdCard> card;  // set iff is_card and every field is valid
  common::Text problem;               // set iff is_card and a field is not valid
};

// Reads `text` (valid UTF-8 without control characters). It is an ID card QR when it has 7 or 6
// '|'-separated fields, or when its first field is 12 digits.
IdCardReading read_citizen_id_card(std::string_view text);

}  // namespace intake::detail
