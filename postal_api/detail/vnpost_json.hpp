// The MyVNPost wire shape (samples/carriers/vnpost/README.md) as plain functions: request bodies
// built, answers parsed leniently but safely into postal_api's carrier-neutral types. No HTTP, no
// state: vnpost_carrier.cpp sends what these build, and tests feed them recorded answers.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "postal_api/carrier.hpp"
#include "postal_api/status_map.hpp"

namespace postal_api::detail::vnpost {

inline constexpr std::string_view k_login_path = "MobileAuthentication/GetAccessToken";
inline constexpr std::string_view k_create_path = "CustomerConnect/CreateOrder";
inline constexpr std::string_view k_cancel_path = "CustomerConnect/CancelOrder";
inline constexpr std::string_view k_track_path = "Order/GetListOrderByManagerWithCustomCode";

// One answer page of a tracking request.
struct TrackPage {
  int page_index = 1;
  int page_size = 0;
  std::int64_t total_count = 0;                   // known items asked for, over all pages
  std::vector<TrackedItem> items;                 // well-formed items, events normalised
  std::vector<std::string> not_found;             // numbers the carrier does not know
  std::map<std::string, common::Error> failures;  // number → why its item is unusable
  std::vector<std::string> unattributed;          // problems of items without a readable ItemCode
};

// Parses an answer to Order/GetListOrderByManagerWithCustomCode. Fails with bad_input naming what
// is wrong when the body as a whole is unusable (not JSON, no Items array, a PageIndex that is not
// a number: worth retrying), or with unavailable quoting the carrier's ErrorMessage when it
// answered IsSuccess false (not worth retrying). A malformed item does not fail the page: it lands
// in `failures` ("EB000100123VN: Logs[2].CreateTime \"not a date\" is not a time").
common::Result<TrackPage> parse_track_page(std::string_view body, const StatusMap& statuses);

// Sorts events by time, drops repeats (TrackingEvent::key) and sets the status to the latest
// event's (unchanged when there are no events).
void normalise(TrackedItem& item);

// Parses a login answer: the token. Fails with invalid_argument ("vnpost login refused: <the
// carrier's message>") for IsSuccess false, bad_input for a malformed answer.
common::Result<std::string> parse_login(std::string_view body);

// Parses a CreateOrder answer (HTTP 200). Fails with bad_input naming the field.
common::Result<CreatedShipment> parse_created(std::string_view body, const StatusMap& statuses);

// The three fields of a webhook delivery, as sent.
struct WebhookEnvelope {
  std::string data;  // a JSON text
  std::string send_date;
  std::string sign_data;  // base64
};
// Fails with bad_input naming the missing or mistyped field.
common::Result<WebhookEnvelope> parse_webhook_envelope(std::string_view body);

// Parses the JSON text inside a webhook's Data: the item's number and the event. Fails with
// bad_input naming the field.
common::Result<std::pair<std::string, TrackingEvent>> parse_webhook_data(std::string_view data,
                                                                         const StatusMap& statuses);

// The ErrorMessage of an answer, when it has one ("" otherwise). Never fails.
std::string carrier_message(std::string_view body);
// True iff the body is a JSON object whose IsSuccess is true.
bool is_success(std::string_view body);

std::string login_body(std::string_view username, std::string_view password);
std::string track_body(int page_index, int page_size, std::span<const std::string> numbers);
std::string create_order_body(const ShipmentOrder& order);
std::string cancel_body(std::string_view carrier_order_id);

}  // namespace postal_api::detail::vnpost
