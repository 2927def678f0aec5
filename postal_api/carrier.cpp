#include "postal_api/carrier.hpp"

#include <array>
#include <utility>

#include <fmt/format.h>

namespace postal_api {
namespace {

constexpr std::array<std::pair<ShipmentStatus, std::string_view>, 12> k_status_names{{
    {ShipmentStatus::pending, "pending"},
    {ShipmentStatus::info_received, "info_received"},
    {ShipmentStatus::picked_up, "picked_up"},
    {ShipmentStatus::in_transit, "in_transit"},
    {ShipmentStatus::out_for_delivery, "out_for_delivery"},
    {ShipmentStatus::delivery_failed, "delivery_failed"},
    {ShipmentStatus::delivered, "delivered"},
    {ShipmentStatus::return_to_sender, "return_to_sender"},
    {ShipmentStatus::returned, "returned"},
    {ShipmentStatus::cancelled, "cancelled"},
    {ShipmentStatus::exception, "exception"},
    {ShipmentStatus::unknown, "unknown"},
}};

}  // namespace

std::string_view status_name(ShipmentStatus status) {
  for (const auto& [value, name] : k_status_names) {
    if (value == status) return name;
  }
  return "unknown";
}

std::optional<ShipmentStatus> parse_status(std::string_view name) {
  for (const auto& [value, known] : k_status_names) {
    if (known == name) return value;
  }
  return std::nullopt;
}

bool is_final(ShipmentStatus status) {
  return status == ShipmentStatus::delivered || status == ShipmentStatus::returned ||
         status == ShipmentStatus::cancelled;
}

bool happened_before(const TrackingEvent& a, const TrackingEvent& b) {
  if (a.time != b.time) return a.time < b.time;
  if (a.status != b.status) return a.status < b.status;
  if (a.carrier_code != b.carrier_code) return a.carrier_code < b.carrier_code;
  return a.location_code < b.location_code;
}

std::string TrackingEvent::key() const {
  // Time, carrier code and place identify a happening; descriptions are free text a carrier may
  // reword between a push and a poll, so they are left out.
  return fmt::format("{}|{}|{}", time.time_since_epoch().count(), carrier_code, location_code);
}

}  // namespace postal_api
