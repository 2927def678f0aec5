// Why an envelope waits in the manual queue, as data: a stable name kept in
// `manual_queue.reason_code` and the reason's arguments kept as a JSON object in
// `manual_queue.reason`, rebuilt into a message (common/text.hpp) when the item is shown.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/text.hpp"
#include "db/records.hpp"

namespace intake {

enum class ManualReason {
  unreadable,          // the scanner could not read the image, or found no code at all
  bad_check_digit,     // a tracking number was read with a problem (a wrong check digit, ...)
  ambiguous,           // two different tracking numbers on one envelope
  no_tracking_number,  // codes were read, none of them a tracking number
  unknown_code,        // only codes of no kind we know were read
};

// The stable name stored in reason_code: "unreadable", "bad_check_digit", ...
std::string_view name(ManualReason reason);
std::optional<ManualReason> parse_manual_reason(std::string_view name);

// The reason's message with its arguments: unreadable with an "error" argument (a message) is
// the scanner's failure, without it no code was found; bad_check_digit takes "problems" (a
// message), ambiguous "count" and "numbers", no_tracking_number and unknown_code "count", "codes"
// and "kinds".
common::Text manual_reason_text(ManualReason reason, common::Args args);

// The arguments as stored in manual_queue.reason (a JSON object; message arguments keep their id).
std::string manual_reason_json(const common::Args& args);

// The reason of a stored item, rebuilt from reason_code and the stored arguments. An item written
// before reasons were kept as data holds an English sentence: it is shown as written.
common::Text manual_reason_text(const db::ManualItem& item);

// The message with `id` among intake's and the scanner's messages (nullptr when unknown).
const common::MessageDef* find_message(std::string_view id);

}  // namespace intake
