// A message's arguments as JSON, to carry a common::Text across a process boundary (the decode
// worker's answer) or keep it in the database (a manual-queue item's reason), and rebuild it.
//
// `{"number": "EB123456785VN", "reason": {"id": "scan_empty_file", "args": {}, "en": "..."}}`:
// a plain argument is a string; a message argument is its id, its own arguments and its English
// rendering, so that a message whose id is no longer known still shows what it said.
#pragma once

#include <string>
#include <string_view>

#include "common/text.hpp"

namespace scanner {

// Finds a message by id (nullptr when unknown).
using MessageLookup = const common::MessageDef* (*)(std::string_view id);

// The arguments as a JSON object (compact, invalid UTF-8 replaced).
std::string args_to_json(const common::Args& args);

// The arguments back from args_to_json's output; message arguments are found through `lookup`
// (an unknown one becomes msg::as_written with its English). Not JSON or not an object → empty.
common::Args args_from_json(std::string_view json, MessageLookup lookup);

// A whole message: {"id": ..., "args": {...}, "en": ...}; back through `lookup`, nullopt-like empty
// Text when the JSON is not such an object, msg::as_written with the English for an unknown id.
std::string text_to_json(const common::Text& text);
common::Text text_from_json(std::string_view json, MessageLookup lookup);

}  // namespace scanner
