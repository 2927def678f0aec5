#include "postal_api/detail/vnpost_json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <unordered_set>
#include <utility>

#include "postal_api/messages.hpp"

namespace postal_api::detail::vnpost {
namespace {

using common::ErrorCode;
using common::make_error;
using nlohmann::json;

std::string shown(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// A carrier code is an integer, or a string of digits some integrations send instead.
std::optional<std::string> read_code(const json& value) {
  if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (!text.empty() &&
        std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return text;
    }
  }
  return std::nullopt;
}

// Optional text: a string, or absent/null for "".
std::optional<std::string> read_text(const json& object, const char* field) {
  const auto found = object.find(field);
  if (found == object.end() || found->is_null()) return std::string();
  if (!found->is_string()) return std::nullopt;
  return found->get<std::string>();
}

// Parses one event (a Logs entry or a webhook's Data). Returns "" on success, else the problem
// with the field named after `where` ("Logs[2].").
std::string read_event(const json& log, const StatusMap& statuses, std::string_view where,
                       TrackingEvent& event) {
  if (!log.is_object()) return fmt::format("{} should be an object, found {}", where, shown(log));
  const auto status = log.find("StatusId");
  if (status == log.end() || status->is_null()) return fmt::format("{}StatusId is missing", where);
  auto code = read_code(*status);
  if (!code) return fmt::format("{}StatusId {} is not a number", where, shown(*status));
  const auto time = log.find("CreateTime");
  if (time == log.end() || time->is_null()) return fmt::format("{}CreateTime is missing", where);
  if (!time->is_string()) return fmt::format("{}CreateTime {} is not a time", where, shown(*time));
  auto when = common::parse_local(time->get_ref<const std::string&>());
  if (!when) return fmt::format("{}CreateTime {} is not a time", where, shown(*time));

  for (const char* field : {"PostOfficeCode", "PostOfficeName", "StatusName", "Description"}) {
    const auto found = log.find(field);
    if (found != log.end() && !found->is_null() && !found->is_string()) {
      return fmt::format("{}{} {} is not a text", where, field, shown(*found));
    }
  }
  event.time = *when;
  event.status = statuses.map(*code);
  event.carrier_code = std::move(*code);
  event.location_code = *read_text(log, "PostOfficeCode");
  event.location = *read_text(log, "PostOfficeName");
  std::string name = *read_text(log, "StatusName");
  if (name.empty()) name = std::string(statuses.description(event.carrier_code));
  std::string detail = *read_text(log, "Description");
  event.description = detail.empty() ? std::move(name)
                      : name.empty() ? std::move(detail)
                                     : fmt::format("{}: {}", name, detail);
  return {};
}

// Reads one Items entry into `item`; returns "" or the problem (without the number).
std::string read_item(const json& entry, const StatusMap& statuses, TrackedItem& item) {
  std::optional<std::string> order_status;
  if (const auto found = entry.find("OrderStatusId"); found != entry.end() && !found->is_null()) {
    order_status = read_code(*found);
    if (!order_status) return fmt::format("OrderStatusId {} is not a number", shown(*found));
  }
  const auto logs = entry.find("Logs");
  if (logs != entry.end() && !logs->is_null()) {
    if (!logs->is_array()) return fmt::format("Logs should be a list, found {}", shown(*logs));
    item.events.reserve(logs->size());
    for (std::size_t i = 0; i < logs->size(); ++i) {
      const json& log = (*logs)[i];
      if (!log.is_object()) {
        return fmt::format("Logs[{}] should be an object, found {}", i, shown(log));
      }
      TrackingEvent event;
      auto problem = read_event(log, statuses, "", event);
      // The field's place is named only when something is wrong (no formatting per event).
      if (!problem.empty()) return fmt::format("Logs[{}].{}", i, problem);
      item.events.push_back(std::move(event));
    }
  }
  item.status = order_status ? statuses.map(*order_status) : ShipmentStatus::unknown;
  normalise(item);
  return {};
}

common::Result<json> parse_object(std::string_view body, std::string_view what) {
  json document = json::parse(body, nullptr, false);
  if (document.is_discarded()) {
    return make_error(
        ErrorCode::bad_input,
        fmt::format("{} is not JSON ({} bytes{})", what, body.size(),
                    body.empty() ? ""
                                 : fmt::format(", starting {}",
                                               shown(json(std::string(body.substr(0, 40)))))));
  }
  if (!document.is_object()) {
    return make_error(ErrorCode::bad_input, fmt::format("{} should be a JSON object, found {}",
                                                        what, shown(document).substr(0, 60)));
  }
  return document;
}

std::optional<bool> success_flag(const json& document) {
  const auto found = document.find("IsSuccess");
  if (found == document.end() || !found->is_boolean()) return std::nullopt;
  return found->get<bool>();
}

// The carrier's ErrorMessage, cut to 160 bytes at a character boundary: it is quoted in errors
// that reach logs, and a carrier may echo a receiver's name or address in a long one.
std::string message_of(const json& document) {
  constexpr std::size_t k_max_bytes = 160;
  const auto found = document.find("ErrorMessage");
  if (found == document.end() || !found->is_string()) return {};
  std::string message = found->get<std::string>();
  if (message.size() <= k_max_bytes) return message;
  std::size_t cut = k_max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) --cut;
  message.resize(cut);
  return message + "…";
}

common::Result<std::int64_t> read_integer(const json& document, const char* field,
                                          std::int64_t fallback) {
  const auto found = document.find(field);
  if (found == document.end() || found->is_null()) return fallback;
  if (!found->is_number_integer()) {
    return make_error(ErrorCode::bad_input,
                      fmt::format("{} {} is not an integer", field, shown(*found)));
  }
  return found->get<std::int64_t>();
}

}  // namespace

void normalise(TrackedItem& item) {
  auto& events = item.events;
  if (events.empty()) return;
  // Ties in time are broken by status order (a later stage of the journey wins), so the result
  // does not depend on the order the carrier listed them in.
  std::sort(events.begin(), events.end(), happened_before);
  // Repeats share time, code and place, so after the sort they are neighbours.
  events.erase(std::unique(events.begin(), events.end(),
                           [](const TrackingEvent& a, const TrackingEvent& b) {
                             return a.time == b.time && a.carrier_code == b.carrier_code &&
                                    a.location_code == b.location_code;
                           }),
               events.end());
  item.status = events.back().status;
}

common::Result<TrackPage> parse_track_page(std::string_view body, const StatusMap& statuses) {
  try {
    TRY_ASSIGN(auto parsed, parse_object(body, "the tracking answer"));
    const json& document = parsed;
    if (success_flag(document) == false) {
      const auto message = message_of(document);
      return coded_error(ErrorCode::unavailable, msg::carrier_refused_tracking,
                         {{"reason", reason_of(message)}},
                         fmt::format("the carrier refused the tracking request: {}",
                                     message.empty() ? "no reason given" : message));
    }
    TrackPage page;
    TRY_ASSIGN(auto page_index, read_integer(document, "PageIndex", 1));
    TRY_ASSIGN(auto page_size, read_integer(document, "PageSize", 0));
    TRY_ASSIGN(auto total, read_integer(document, "TotalCount", 0));
    page.page_index = static_cast<int>(page_index);
    page.page_size = static_cast<int>(page_size);
    page.total_count = total;

    const auto items = document.find("Items");
    if (items == document.end() || !items->is_array()) {
      return make_error(ErrorCode::bad_input, "the tracking answer has no Items list");
    }
    const auto not_found = document.find("NotFound");
    if (not_found != document.end() && !not_found->is_null()) {
      if (!not_found->is_array()) {
        return make_error(ErrorCode::bad_input, "NotFound in the tracking answer is not a list");
      }
      for (const auto& number : *not_found) {
        if (number.is_string()) page.not_found.push_back(number.get<std::string>());
      }
    }

    page.items.reserve(items->size());
    for (std::size_t i = 0; i < items->size(); ++i) {
      const json& entry = (*items)[i];
      const auto code = entry.is_object() ? entry.find("ItemCode") : entry.end();
      if (!entry.is_object() || code == entry.end() || !code->is_string() ||
          code->get_ref<const std::string&>().empty()) {
        page.unattributed.push_back(
            !entry.is_object() ? fmt::format("Items[{}] is not an object", i)
            : code == entry.end() || code->is_null()
                ? fmt::format("Items[{}].ItemCode is missing", i)
                : fmt::format("Items[{}].ItemCode {} is not a text", i, shown(*code)));
        continue;
      }
      TrackedItem item;
      item.tracking_number = code->get<std::string>();
      auto problem = read_item(entry, statuses, item);
      if (!problem.empty()) {
        page.failures.insert_or_assign(
            item.tracking_number,
            coded_error(ErrorCode::bad_input, msg::carrier_item_unreadable,
                        {{"number", item.tracking_number}},
                        fmt::format("{}: {}", item.tracking_number, problem)));
        continue;
      }
      page.items.push_back(std::move(item));
    }
    return page;
  } catch (const std::exception& error) {
    return make_error(ErrorCode::bad_input,
                      fmt::format("the tracking answer could not be read: {}", error.what()));
  }
}

common::Result<std::string> parse_login(std::string_view body) {
  TRY_ASSIGN(auto parsed, parse_object(body, "the login answer"));
  const json& document = parsed;
  const auto success = success_flag(document);
  if (!success) return make_error(ErrorCode::bad_input, "the login answer has no IsSuccess flag");
  if (!*success) {
    const auto message = message_of(document);
    return coded_error(
        ErrorCode::invalid_argument, msg::carrier_login_refused,
        {{"carrier", "vnpost"}, {"reason", reason_of(message)}},
        fmt::format("vnpost login refused: {}", message.empty() ? "no reason given" : message));
  }
  const auto token = document.find("Token");
  if (token == document.end() || !token->is_string() ||
      token->get_ref<const std::string&>().empty()) {
    return make_error(ErrorCode::bad_input, "the login answer has IsSuccess but no Token");
  }
  // The token goes into a header line: a control character in it would split the request.
  const auto& text = token->get_ref<const std::string&>();
  if (std::any_of(text.begin(), text.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; })) {
    return make_error(ErrorCode::bad_input, "the login answer's Token holds control characters");
  }
  return token->get<std::string>();
}

common::Result<CreatedShipment> parse_created(std::string_view body, const StatusMap& statuses) {
  try {
    TRY_ASSIGN(auto parsed, parse_object(body, "the CreateOrder answer"));
    const json& document = parsed;
    auto fail = [](std::string why) {
      return make_error(ErrorCode::bad_input, fmt::format("the CreateOrder answer: {}", why));
    };
    CreatedShipment created;
    const auto id = document.find("Id");
    if (id == document.end() || id->is_null()) return fail("Id is missing");
    if (id->is_number_integer()) {
      created.carrier_order_id = std::to_string(id->get<std::int64_t>());
    } else if (id->is_string() && !id->get_ref<const std::string&>().empty()) {
      created.carrier_order_id = id->get<std::string>();
    } else {
      return fail(fmt::format("Id {} is not an id", shown(*id)));
    }
    const auto item_code = document.find("ItemCode");
    if (item_code == document.end() || !item_code->is_string() ||
        item_code->get_ref<const std::string&>().empty()) {
      return fail("ItemCode is missing or not a text");
    }
    created.tracking_number = item_code->get<std::string>();
    if (auto order_code = read_text(document, "OrderCode")) {
      created.order_code = std::move(*order_code);
    } else {
      return fail("OrderCode is not a text");
    }
    if (const auto status = document.find("OrderStatusId");
        status != document.end() && !status->is_null()) {
      auto code = read_code(*status);
      if (!code) return fail(fmt::format("OrderStatusId {} is not a number", shown(*status)));
      created.status = statuses.map(*code);
    }
    if (const auto freight = document.find("TotalFreight");
        freight != document.end() && !freight->is_null()) {
      if (freight->is_number_integer()) {
        created.price_vnd = freight->get<std::int64_t>();
      } else if (freight->is_number()) {
        const double value = freight->get<double>();
        // Converting a double outside int64's range is undefined behaviour.
        if (!(value >= 0 && value < 1e15)) {
          return fail(fmt::format("TotalFreight {} is not a price", shown(*freight)));
        }
        created.price_vnd = static_cast<std::int64_t>(value);
      } else {
        return fail(fmt::format("TotalFreight {} is not a number", shown(*freight)));
      }
    }
    for (const auto& [key, value] : document.items()) {
      if (key == "Id" || key == "ItemCode" || key == "OrderCode" || key == "OrderStatusId" ||
          key == "TotalFreight" || key == "IsSuccess" || key == "ErrorMessage") {
        continue;
      }
      if (value.is_string()) {
        created.label[key] = value.get<std::string>();
      } else if (value.is_number() || value.is_boolean()) {
        created.label[key] = shown(value);
      }
    }
    return created;
  } catch (const std::exception& error) {
    return make_error(ErrorCode::bad_input,
                      fmt::format("the CreateOrder answer could not be read: {}", error.what()));
  }
}

common::Result<WebhookEnvelope> parse_webhook_envelope(std::string_view body) {
  TRY_ASSIGN(auto parsed, parse_object(body, "webhook refused: the body"));
  const json& document = parsed;
  WebhookEnvelope envelope;
  for (auto [field, out] : {std::pair<const char*, std::string*>{"Data", &envelope.data},
                            {"SendDate", &envelope.send_date},
                            {"SignData", &envelope.sign_data}}) {
    const auto found = document.find(field);
    if (found == document.end() || found->is_null()) {
      return make_error(ErrorCode::bad_input, fmt::format("webhook refused: {} is missing", field));
    }
    if (!found->is_string()) {
      return make_error(ErrorCode::bad_input,
                        fmt::format("webhook refused: {} should be a text", field));
    }
    *out = found->get<std::string>();
  }
  return envelope;
}

common::Result<std::pair<std::string, TrackingEvent>> parse_webhook_data(
    std::string_view data, const StatusMap& statuses) {
  try {
    TRY_ASSIGN(auto parsed, parse_object(data, "the webhook's Data"));
    const json& document = parsed;
    const auto code = document.find("ItemCode");
    if (code == document.end() || !code->is_string() ||
        code->get_ref<const std::string&>().empty()) {
      return make_error(ErrorCode::bad_input, "the webhook's Data has no ItemCode");
    }
    std::string number = code->get<std::string>();
    TrackingEvent event;
    auto problem = read_event(document, statuses, "", event);
    if (!problem.empty()) {
      return make_error(ErrorCode::bad_input,
                        fmt::format("{}: the webhook's Data: {}", number, problem));
    }
    return std::pair{std::move(number), std::move(event)};
  } catch (const std::exception& error) {
    return make_error(ErrorCode::bad_input,
                      fmt::format("the webhook's Data could not be read: {}", error.what()));
  }
}

std::string carrier_message(std::string_view body) {
  json document = json::parse(body, nullptr, false);
  if (document.is_discarded() || !document.is_object()) return {};
  return message_of(document);
}

bool is_success(std::string_view body) {
  json document = json::parse(body, nullptr, false);
  return !document.is_discarded() && document.is_object() && success_flag(document) == true;
}

std::string login_body(std::string_view username, std::string_view password) {
  return json{{"TenDangNhap", std::string(username)}, {"MatKhau", std::string(password)}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

std::string track_body(int page_index, int page_size, std::span<const std::string> numbers) {
  json list = json::array();
  for (const auto& number : numbers) list.push_back(number);
  // A number is ours and ASCII, but a stray byte must not throw out of track().
  return json{{"PageIndex", page_index}, {"PageSize", page_size}, {"ListItemCode", std::move(list)}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string create_order_body(const ShipmentOrder& order) {
  return json{{"OrderCode", order.order_code},
              {"ServiceName", order.service},
              {"SenderFullname", order.sender.name},
              {"SenderTel", order.sender.phone},
              {"SenderAddress", order.sender.address},
              {"SenderProvinceId", order.sender.province_id},
              {"SenderDistrictId", order.sender.district_id},
              {"SenderWardId", order.sender.ward_id},
              {"ReceiverFullname", order.receiver.name},
              {"ReceiverTel", order.receiver.phone},
              {"ReceiverAddress", order.receiver.address},
              {"ReceiverProvinceId", order.receiver.province_id},
              {"ReceiverDistrictId", order.receiver.district_id},
              {"ReceiverWardId", order.receiver.ward_id},
              {"PackageContent", order.content},
              {"WeightEvaluation", order.weight_grams},
              {"Length", order.length_cm},
              {"Width", order.width_cm},
              {"Height", order.height_cm}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string cancel_body(std::string_view carrier_order_id) {
  std::int64_t number = 0;
  const auto* end = carrier_order_id.data() + carrier_order_id.size();
  const auto [stop, error] = std::from_chars(carrier_order_id.data(), end, number);
  if (!carrier_order_id.empty() && error == std::errc() && stop == end) {
    return json{{"OrderId", number}}.dump();
  }
  return json{{"OrderId", std::string(carrier_order_id)}}.dump(-1, ' ', false,
                                                               json::error_handler_t::replace);
}

}  // namespace postal_api::detail::vnpost
