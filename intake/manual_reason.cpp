#include "intake/manual_reason.hpp"

#include <algorithm>
#include <array>

#include "intake/messages.hpp"
#include "scanner/messages.hpp"
#include "scanner/text_json.hpp"

namespace intake {
namespace {

constexpr std::array k_all = {ManualReason::unreadable, ManualReason::bad_check_digit,
                              ManualReason::ambiguous, ManualReason::no_tracking_number,
                              ManualReason::unknown_code};

bool has_arg(const common::Args& args, std::string_view arg) {
  return std::any_of(args.begin(), args.end(), [&](const common::Arg& a) { return a.name == arg; });
}

}  // namespace

std::string_view name(ManualReason reason) {
  switch (reason) {
    case ManualReason::unreadable:
      return "unreadable";
    case ManualReason::bad_check_digit:
      return "bad_check_digit";
    case ManualReason::ambiguous:
      return "ambiguous";
    case ManualReason::no_tracking_number:
      return "no_tracking_number";
    case ManualReason::unknown_code:
      return "unknown_code";
  }
  return "unreadable";
}

std::optional<ManualReason> parse_manual_reason(std::string_view text) {
  for (ManualReason reason : k_all) {
    if (name(reason) == text) return reason;
  }
  return std::nullopt;
}

common::Text manual_reason_text(ManualReason reason, common::Args args) {
  switch (reason) {
    case ManualReason::unreadable:
      return has_arg(args, "error") ? common::Text{msg::reason_unreadable, std::move(args)}
                                    : common::Text{msg::reason_no_barcode, std::move(args)};
    case ManualReason::bad_check_digit:
      return common::Text{msg::reason_bad_check_digit, std::move(args)};
    case ManualReason::ambiguous:
      return common::Text{msg::reason_ambiguous, std::move(args)};
    case ManualReason::no_tracking_number:
      return common::Text{msg::reason_no_tracking_number, std::move(args)};
    case ManualReason::unknown_code:
      return common::Text{msg::reason_unknown_code, std::move(args)};
  }
  return common::Text{msg::reason_no_barcode};
}

std::string manual_reason_json(const common::Args& args) { return scanner::args_to_json(args); }

common::Text manual_reason_text(const db::ManualItem& item) {
  const auto reason = parse_manual_reason(item.reason_code);
  // Arguments are a JSON object; a sentence stored before never starts with a brace.
  if (reason && item.reason.starts_with('{')) {
    return manual_reason_text(*reason, scanner::args_from_json(item.reason, &find_message));
  }
  return common::Text{msg::reason_as_written, {{"detail", item.reason}}};
}

const common::MessageDef* find_message(std::string_view id) {
  if (const common::MessageDef* def = msg::find(id)) return def;
  return scanner::msg::find(id);
}

}  // namespace intake
