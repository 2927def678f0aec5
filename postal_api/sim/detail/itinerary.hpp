// The simulator's model of an item's life: Vietnam Post status ids (samples/carriers/
// vnpost-status.csv), post offices, UPU S10 numbers and the seeded event sequences of each
// scenario. Pure functions of their arguments: no clock, no HTTP, no state. Internal to
// postal_api/sim.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <string_view>
#include <vector>
#include "common/s10.hpp"

#include "common/clock.hpp"
#include "common/s10.hpp"
#include "postal_api/carrier.hpp"
#include "postal_api/sim/simulator.hpp"

namespace postal_api::sim::detail {

// Carrier status ids the simulator emits; the same ids and texts as vnpost-status.csv.
inline constexpr int k_status_created = 20;
inline constexpr int k_status_cancelled = 60;
inline constexpr int k_status_collected = 70;
inline constexpr int k_status_in_transit = 80;
inline constexpr int k_status_at_delivery_office = 85;
inline constexpr int k_status_out_for_delivery = 90;
inline constexpr int k_status_delivery_failed = 91;
inline constexpr int k_status_delivered = 100;
inline constexpr int k_status_returning = 110;
inline constexpr int k_status_returned = 120;
inline constexpr int k_status_lost = 130;
inline constexpr int k_status_incident = 140;

// The normalised status of a carrier id; ShipmentStatus::unknown for an id the table lacks.
ShipmentStatus status_of(int status_id);
// The carrier's text for a status id ("Phát không thành công"); "" for an unknown id.
std::string_view status_text(int status_id);

// UPU S10 arithmetic (docs/domain.md §2): common/s10.hpp.
using common::make_s10;
using common::s10_check_digit;

// A post office as it appears in events.
struct PostOffice {
  std::string code;  // "100000"
  std::string name;  // "Bưu cục Trung tâm Hà Nội"
};

// Every post office the simulator puts in events: the provincial mail centres ("Bưu cục Trung tâm
// Huế", 530000) and their district offices (named by the district here), each with its code.
// samples/carriers/vnpost-offices.csv maps each code to a province (checked by
// tests/tracking/postal_provinces_test.cpp), so the report never names a simulated office by its
// code alone.
std::vector<PostOffice> known_offices();

// 64-bit FNV-1a of `text` mixed with `seed` (splitmix64 finaliser): the per-item RNG seed, so an
// item's life depends on (seed, tracking number) only, not on the order items were added.
std::uint64_t item_seed(unsigned seed, std::string_view tracking_number);

// One simulated event with the carrier's id kept as a number.
struct PlannedEvent {
  common::Timestamp time{};
  int status_id = 0;
  PostOffice office;
  std::string description;
};

// What an item's plan is made from.
struct PlanInput {
  std::string tracking_number;
  unsigned seed = 1;
  std::optional<Scenario> scenario;  // drawn from the mix when nullopt
  common::Timestamp accepted_at{};   // the 70 (collected) event; or the 20 event when `ordered`
  std::string from_code;             // origin post office code; "" for a seeded choice
  std::string to_code;               // destination post office code; "" for a seeded choice
  bool ordered = false;  // created by CreateOrder: a 20 at accepted_at, the 70 hours later
};

struct Plan {
  Scenario scenario = Scenario::delivered;
  std::vector<PlannedEvent> events;  // strictly increasing times
};

// The full life of an item. Deterministic: the same input gives the same plan. The scenario mix
// when none is given: 80% delivered, 10% failed_once, 6% returned, 4% lost. Working days are
// Monday to Friday.
Plan plan_item(const PlanInput& input);

}  // namespace postal_api::sim::detail
