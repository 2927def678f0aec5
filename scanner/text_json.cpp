#include "scanner/text_json.hpp"

#include <nlohmann/json.hpp>

#include "scanner/messages.hpp"

namespace scanner {
namespace {

using nlohmann::json;

json args_json(const common::Args& args);

json text_json(const common::Text& text) {
  return {{"id", std::string(text.id())},
          {"args", args_json(text.args)},
          {"en", text.render(common::Lang::en)}};
}

json args_json(const common::Args& args) {
  json out = json::object();
  for (const common::Arg& arg : args) {
    if (arg.text) {
      out[arg.name] = text_json(*arg.text);
    } else {
      out[arg.name] = arg.value;
    }
  }
  return out;
}

common::Args args_of(const json& j, MessageLookup lookup);

common::Text text_of(const json& j, MessageLookup lookup) {
  if (!j.is_object()) return {};
  const std::string id = j.contains("id") && j["id"].is_string() ? j["id"].get<std::string>() : "";
  const common::MessageDef* def = id.empty() ? nullptr : lookup(id);
  if (def == nullptr) def = msg::find(id);
  if (def == nullptr) {
    const std::string en =
        j.contains("en") && j["en"].is_string() ? j["en"].get<std::string>() : id;
    return common::Text{msg::as_written, {{"detail", en}}};
  }
  return common::Text{*def, j.contains("args") ? args_of(j["args"], lookup) : common::Args{}};
}

common::Args args_of(const json& j, MessageLookup lookup) {
  common::Args args;
  if (!j.is_object()) return args;
  for (const auto& [name, value] : j.items()) {
    if (value.is_object()) {
      args.emplace_back(name, text_of(value, lookup));
    } else if (value.is_string()) {
      args.emplace_back(name, value.get<std::string>());
    } else {
      args.emplace_back(name, value.dump());
    }
  }
  return args;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json parse(std::string_view text) {
  return json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

}  // namespace

std::string args_to_json(const common::Args& args) { return dump(args_json(args)); }

common::Args args_from_json(std::string_view text, MessageLookup lookup) {
  return args_of(parse(text), lookup);
}

std::string text_to_json(const common::Text& text) { return dump(text_json(text)); }

common::Text text_from_json(std::string_view text, MessageLookup lookup) {
  return text_of(parse(text), lookup);
}

}  // namespace scanner
