#include "postal_api/sim/detail/itinerary.hpp"

#include <fmt/format.h>

#include <array>
#include <random>

#include "common/calendar.hpp"

namespace postal_api::sim::detail {
namespace {

namespace chr = std::chrono;
using common::Date;
using common::Timestamp;

struct StatusRow {
  int id;
  ShipmentStatus status;
  std::string_view text;
};

// Mirrors samples/carriers/vnpost-status.csv; tests/postal_api/simulator_test.cpp checks that the
// two agree, so an edit of the table that the simulator does not follow fails a test.
constexpr std::array<StatusRow, 13> k_status_rows{{
    {10, ShipmentStatus::pending, "Đơn hàng nháp"},
    {20, ShipmentStatus::info_received, "Đã tạo đơn hàng"},
    {60, ShipmentStatus::cancelled, "Đơn hàng đã hủy"},
    {70, ShipmentStatus::picked_up, "Bưu cục đã nhận hàng"},
    {80, ShipmentStatus::in_transit, "Đang vận chuyển"},
    {85, ShipmentStatus::in_transit, "Đã đến bưu cục phát"},
    {90, ShipmentStatus::out_for_delivery, "Bưu tá đang đi phát"},
    {91, ShipmentStatus::delivery_failed, "Phát không thành công"},
    {100, ShipmentStatus::delivered, "Phát thành công"},
    {110, ShipmentStatus::return_to_sender, "Đang chuyển hoàn về người gửi"},
    {120, ShipmentStatus::returned, "Đã chuyển hoàn cho người gửi"},
    {130, ShipmentStatus::exception, "Bưu gửi bị thất lạc"},
    {140, ShipmentStatus::exception, "Bưu gửi gặp sự cố"},
}};

// Provincial mail centres and some of their district post offices. The codes follow Vietnam
// Post's six-digit office codes in shape; they are plausible, not an official list.
struct District {
  std::string_view code;
  std::string_view name;  // the district, e.g. "Hoàn Kiếm"
};
struct Hub {
  std::string_view code;
  std::string_view name;
  std::array<District, 4> districts;
  int district_count;
};

constexpr std::array<Hub, 9> k_hubs{{
    {"100000",
     "Bưu cục Trung tâm Hà Nội",
     {{{"100900", "Hoàn Kiếm"},
       {"101000", "Ba Đình"},
       {"115000", "Đống Đa"},
       {"122000", "Cầu Giấy"}}},
     4},
    {"700000",
     "Bưu cục Trung tâm TP. Hồ Chí Minh",
     {{{"700900", "Quận 1"},
       {"722000", "Quận 3"},
       {"736000", "Bình Thạnh"},
       {"713000", "Thủ Đức"}}},
     4},
    {"550000", "Bưu cục Trung tâm Đà Nẵng", {{{"551000", "Hải Châu"}, {"552000", "Thanh Khê"}}}, 2},
    {"180000",
     "Bưu cục Trung tâm Hải Phòng",
     {{{"181000", "Hồng Bàng"}, {"182000", "Lê Chân"}}},
     2},
    {"900000", "Bưu cục Trung tâm Cần Thơ", {{{"901000", "Ninh Kiều"}, {"902000", "Cái Răng"}}}, 2},
    {"530000", "Bưu cục Trung tâm Huế", {{{"531000", "Thuận Hóa"}}}, 1},
    {"460000", "Bưu cục Trung tâm Nghệ An", {{{"461000", "TP. Vinh"}, {"463000", "Cửa Lò"}}}, 2},
    {"220000",
     "Bưu cục Trung tâm Bắc Ninh",
     {{{"221000", "TP. Bắc Ninh"}, {"222000", "Từ Sơn"}}},
     2},
    {"650000",
     "Bưu cục Trung tâm Khánh Hòa",
     {{{"651000", "Nha Trang"}, {"652000", "Cam Ranh"}}},
     2},
}};

constexpr std::array<std::string_view, 4> k_failure_reasons = {
    "Người nhận vắng nhà", "Người nhận vắng nhà", "Không liên lạc được với người nhận",
    "Người nhận hẹn phát lại"};

// Where an item starts and ends.
struct Route {
  PostOffice acceptance;  // where the sender handed it in (70)
  PostOffice origin_hub;  // where it leaves from (80)
  PostOffice destination_hub;
  PostOffice delivery;  // the delivery office (85, 90, 91, 100)
};

PostOffice hub_office(const Hub& hub) { return {std::string(hub.code), std::string(hub.name)}; }

class ItemRng {
 public:
  explicit ItemRng(std::uint64_t seed) : engine_(seed) {}
  // Uniform in [low, high]; the modulo bias is irrelevant here and keeps results identical on
  // every standard library (std::uniform_int_distribution is implementation-defined).
  int between(int low, int high) {
    return low + static_cast<int>(engine_() % static_cast<std::uint64_t>(high - low + 1));
  }

 private:
  std::mt19937_64 engine_;
};

// The acceptance (or delivery) office and its hub for a given code; seeded choice when empty.
std::pair<PostOffice, PostOffice> resolve(std::string_view code, ItemRng& rng, bool delivery) {
  const int hub_index = rng.between(0, static_cast<int>(k_hubs.size()) - 1);
  const int district_pick = rng.between(0, 3);
  const auto district_office = [&](const District& district) {
    return PostOffice{
        std::string(district.code),
        fmt::format("{} {}", delivery ? "Bưu cục phát" : "Bưu cục giao dịch", district.name)};
  };
  if (code.empty()) {
    const Hub& hub = k_hubs[static_cast<std::size_t>(hub_index)];
    const District& district =
        hub.districts[static_cast<std::size_t>(district_pick % hub.district_count)];
    return {district_office(district), hub_office(hub)};
  }
  for (const Hub& hub : k_hubs) {
    if (hub.code == code) {
      if (!delivery) return {hub_office(hub), hub_office(hub)};
      const District& district =
          hub.districts[static_cast<std::size_t>(district_pick % hub.district_count)];
      return {district_office(district), hub_office(hub)};
    }
    for (int i = 0; i < hub.district_count; ++i) {
      const District& district = hub.districts[static_cast<std::size_t>(i)];
      if (district.code == code) return {district_office(district), hub_office(hub)};
    }
  }
  PostOffice unknown{std::string(code), fmt::format("Bưu cục {}", code)};
  return {unknown, unknown};
}

Date next_day(Date date) { return Date{chr::sys_days{date} + chr::days{1}}; }

// `candidate`, or `previous` + `gap` when that is later: event times strictly increase.
Timestamp at_least(Timestamp previous, Timestamp candidate, chr::minutes gap) {
  return candidate >= previous + gap ? candidate : previous + gap;
}

// A postman leaves between 07:30 and 09:00 on a working day; the first such morning at least 15
// minutes after `after`.
Timestamp delivery_round(const common::WorkingCalendar& calendar, Timestamp after, ItemRng& rng) {
  Date day = common::local_date(after);
  const int offset = rng.between(0, 90);
  for (;;) {
    if (calendar.is_working_day(day)) {
      const Timestamp start = common::local_time(day, 7, 30) + chr::minutes{offset};
      if (start >= after + chr::minutes{15}) return start;
    }
    day = next_day(day);
  }
}

}  // namespace

ShipmentStatus status_of(int status_id) {
  for (const auto& row : k_status_rows) {
    if (row.id == status_id) return row.status;
  }
  return ShipmentStatus::unknown;
}

std::string_view status_text(int status_id) {
  for (const auto& row : k_status_rows) {
    if (row.id == status_id) return row.text;
  }
  return "";
}

std::vector<PostOffice> known_offices() {
  std::vector<PostOffice> offices;
  for (const Hub& hub : k_hubs) {
    offices.push_back(hub_office(hub));
    for (int i = 0; i < hub.district_count; ++i) {
      const District& district = hub.districts[static_cast<std::size_t>(i)];
      offices.push_back({std::string(district.code), std::string(district.name)});
    }
  }
  return offices;
}

std::uint64_t item_seed(unsigned seed, std::string_view tracking_number) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : tracking_number) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  std::uint64_t mixed = hash ^ (static_cast<std::uint64_t>(seed) * 0x9E3779B97F4A7C15ULL);
  mixed = (mixed ^ (mixed >> 30)) * 0xBF58476D1CE4E5B9ULL;
  mixed = (mixed ^ (mixed >> 27)) * 0x94D049BB133111EBULL;
  return mixed ^ (mixed >> 31);
}

Plan plan_item(const PlanInput& input) {
  static const common::WorkingCalendar k_weekdays;  // Monday to Friday, no holidays
  ItemRng rng(item_seed(input.seed, input.tracking_number));

  // Every draw happens in the same order whatever the input, so giving a scenario explicitly
  // changes nothing else about the item.
  const int mix = rng.between(0, 99);
  Plan plan;
  plan.scenario = input.scenario.value_or(mix < 80   ? Scenario::delivered
                                          : mix < 90 ? Scenario::failed_once
                                          : mix < 96 ? Scenario::returned
                                                     : Scenario::lost);
  Route route;
  std::tie(route.acceptance, route.origin_hub) = resolve(input.from_code, rng, false);
  std::tie(route.delivery, route.destination_hub) = resolve(input.to_code, rng, true);

  auto& events = plan.events;
  const auto add = [&](Timestamp time, int status_id, const PostOffice& office,
                       std::string description) {
    events.push_back(PlannedEvent{time, status_id, office, std::move(description)});
  };

  Timestamp collected = input.accepted_at;
  if (input.ordered) {
    add(input.accepted_at, k_status_created, route.acceptance, "Khách hàng tạo đơn trực tuyến");
    collected = input.accepted_at + chr::minutes{rng.between(120, 360)};
  }
  add(collected, k_status_collected, route.acceptance, "");
  const Timestamp in_transit = collected + chr::minutes{rng.between(90, 300)};
  add(in_transit, k_status_in_transit, route.origin_hub,
      fmt::format("Chuyển đến {} {}", route.destination_hub.code, route.destination_hub.name));

  if (plan.scenario == Scenario::lost) {
    const Timestamp noticed =
        in_transit + chr::days{rng.between(2, 6)} + chr::minutes{rng.between(0, 480)};
    if (rng.between(0, 1) == 0) {
      add(noticed, k_status_lost, route.origin_hub,
          "Bưu gửi thất lạc trong quá trình vận chuyển, đang xác minh");
    } else {
      add(noticed, k_status_incident, route.origin_hub, "Bưu gửi bị hư hỏng, lập biên bản xử lý");
    }
    return plan;
  }

  const Timestamp arrived = at_least(in_transit,
                                     common::local_time(next_day(common::local_date(in_transit)),
                                                        rng.between(4, 8), rng.between(0, 59)),
                                     chr::minutes{60});
  add(arrived, k_status_at_delivery_office, route.delivery, "");
  const Timestamp first_round = delivery_round(k_weekdays, arrived, rng);
  add(first_round, k_status_out_for_delivery, route.delivery, "");

  const auto failure_reason = [&] {
    return std::string(
        k_failure_reasons[static_cast<std::size_t>(rng.between(0, k_failure_reasons.size() - 1))]);
  };
  switch (plan.scenario) {
    case Scenario::delivered:
      add(first_round + chr::minutes{rng.between(60, 300)}, k_status_delivered, route.delivery,
          "Người nhận đã ký nhận");
      break;
    case Scenario::failed_once: {
      const Timestamp failed = first_round + chr::minutes{rng.between(60, 240)};
      add(failed, k_status_delivery_failed, route.delivery, failure_reason());
      const Date retry_day = k_weekdays.next_working_day(common::local_date(failed));
      const Timestamp second_round =
          common::local_time(retry_day, 7, 30) + chr::minutes{rng.between(0, 90)};
      add(second_round, k_status_out_for_delivery, route.delivery, "Phát lại lần 2");
      add(second_round + chr::minutes{rng.between(60, 300)}, k_status_delivered, route.delivery,
          "Người nhận đã ký nhận");
      break;
    }
    case Scenario::returned: {
      // docs/domain.md §1.5: the postman invites the recipient twice or more, 2 working days apart.
      const Timestamp failed = first_round + chr::minutes{rng.between(60, 240)};
      add(failed, k_status_delivery_failed, route.delivery, failure_reason());
      const Date retry_day = k_weekdays.add_working_days(common::local_date(failed), 2);
      const Timestamp second_round =
          common::local_time(retry_day, 7, 30) + chr::minutes{rng.between(0, 90)};
      add(second_round, k_status_out_for_delivery, route.delivery, "Phát lại lần 2");
      const Timestamp failed_again = second_round + chr::minutes{rng.between(60, 240)};
      add(failed_again, k_status_delivery_failed, route.delivery, failure_reason());
      const Timestamp returning = failed_again + chr::minutes{rng.between(60, 180)};
      add(returning, k_status_returning, route.delivery,
          "Chuyển hoàn: phát không thành công sau 2 lần");
      const Timestamp back_in_transit = returning + chr::minutes{rng.between(240, 600)};
      add(back_in_transit, k_status_in_transit, route.destination_hub,
          fmt::format("Chuyển hoàn đến {} {}", route.origin_hub.code, route.origin_hub.name));
      const Date back_day =
          k_weekdays.next_working_day(next_day(common::local_date(back_in_transit)));
      add(common::local_time(back_day, rng.between(9, 15), rng.between(0, 59)), k_status_returned,
          route.acceptance, "Đã phát hoàn cho người gửi");
      break;
    }
    case Scenario::lost:
      break;  // handled above
  }
  return plan;
}

}  // namespace postal_api::sim::detail
