#include "tracking/carrier_sync.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "tracking/dispatch.hpp"
#include "tracking/lifecycle.hpp"
#include "tracking/messages.hpp"

namespace tracking {
namespace {

using common::ErrorCode;
using common::Result;

db::CarrierEvent stored_event(db::Id shipment_id, const postal_api::TrackingEvent& event,
                              db::EventSource source, Timestamp now) {
  db::CarrierEvent stored;
  stored.shipment_id = shipment_id;
  stored.key = event.key();
  stored.occurred_at = event.time;
  stored.carrier_code = event.carrier_code;
  stored.status = std::string(postal_api::status_name(event.status));
  stored.location_code = event.location_code;
  stored.location = event.location;
  stored.description = event.description;
  stored.source = source;
  stored.recorded_at = now;
  return stored;
}

postal_api::TrackingEvent comparable(const db::CarrierEvent& stored) {
  postal_api::TrackingEvent event;
  event.time = stored.occurred_at;
  event.carrier_code = stored.carrier_code;
  event.status =
      postal_api::parse_status(stored.status).value_or(postal_api::ShipmentStatus::unknown);
  event.location_code = stored.location_code;
  return event;
}

}  // namespace

Result<std::optional<db::DossierState>> follow_return(db::Transaction& tx, db::Id shipment_id,
                                                      Timestamp now, const std::string& actor) {
  using Moved = std::optional<db::DossierState>;
  TRY_ASSIGN(auto found, tx.get_shipment(shipment_id));
  if (!found) return Moved{};
  const db::Shipment& shipment = *found;
  if (!db::is_result_return(shipment) || !shipment.dossier_id) return Moved{};
  using postal_api::ShipmentStatus;
  const auto status = postal_api::parse_status(shipment.status);
  const bool delivered = status == ShipmentStatus::delivered;
  // Back at the desk, or never going to leave it: either way an officer must act.
  const bool came_back = status == ShipmentStatus::returned || status == ShipmentStatus::cancelled;
  if (!delivered && !came_back) return Moved{};

  TRY_ASSIGN(auto dossier, tx.get_dossier(*shipment.dossier_id));
  if (!dossier || dossier->state != db::DossierState::return_dispatched) return Moved{};
  TRY_ASSIGN(auto shipments, tx.shipments_of(dossier->id));
  db::Id newest = 0;
  for (const db::Shipment& s : shipments) {
    if (db::is_result_return(s)) newest = std::max(newest, s.id);
  }
  if (newest != shipment.id) return Moved{};  // an earlier attempt's late news

  TRY_ASSIGN(auto events, tx.carrier_events_of(shipment.id));
  ActionRequest request;
  request.action = delivered ? Action::record_delivery : Action::record_return_failure;
  request.actor = actor;
  request.details = {{"tracking_number", shipment.tracking_number},
                     {"carrier_status", shipment.status}};
  // When it happened, by the carrier: kept within what the lifecycle accepts (after the dossier's
  // last change, not in the future), since the carrier's clock is not ours.
  const auto happened = std::find_if(events.rbegin(), events.rend(),
                                     [&](const auto& e) { return e.status == shipment.status; });
  const Timestamp floor = std::max(dossier->filed_at, dossier->updated_at);
  if (happened != events.rend() && floor <= now) {
    request.at = std::clamp(happened->occurred_at, floor, now);
  }
  if (!delivered) {
    // A fixed sentence, not the postman's note: carriers' free text can name people.
    request.reason =
        status == ShipmentStatus::cancelled
            ? "Đơn gửi kết quả đã bị hủy tại bưu điện"
            : "Bưu điện phát không thành công, đã chuyển hoàn kết quả về bộ phận một cửa";
  }
  auto moved = apply_action(tx, now, dossier->id, request);
  if (!moved) {
    // One dossier the lifecycle refuses must not hold up every other shipment's news: the
    // shipment's status is stored, the dossier waits for an officer (hoso dossier delivered |
    // return-failed).
    spdlog::warn("shipment #{}: dossier #{} not moved: {}", shipment.id, dossier->id,
                 moved.error().message);
    return Moved{};
  }
  return Moved{moved->after.state};
}

namespace {

// Stores `events` for one shipment and sets its status to that of its latest stored event (or to
// `fallback` when none is stored at all). Reads the shipment inside the transaction, so a webhook
// stored while a sync waited on the carrier is neither undone nor logged twice. Returns how many
// events were new.
Result<int> apply_to_shipment(db::Transaction& tx, db::Id shipment_id,
                              const std::vector<postal_api::TrackingEvent>& events,
                              std::optional<postal_api::ShipmentStatus> fallback,
                              db::EventSource source, Timestamp now, const std::string& actor,
                              std::vector<StatusChange>& changes) {
  TRY_ASSIGN(const std::optional<db::Shipment> current, tx.get_shipment(shipment_id));
  if (!current.has_value()) return 0;  // not ours any more; nothing to apply
  const db::Shipment& shipment = *current;

  int added = 0;
  for (const postal_api::TrackingEvent& event : events) {
    TRY_ASSIGN(const bool inserted,
               tx.add_carrier_event(stored_event(shipment.id, event, source, now)));
    if (inserted) ++added;
  }
  TRY_ASSIGN(const std::vector<db::CarrierEvent> stored, tx.carrier_events_of(shipment.id));

  std::string status = shipment.status;
  std::optional<Timestamp> last_event_at = shipment.last_event_at;
  if (!stored.empty()) {
    // The same total order the carrier client sorts by: equal times resolve by stage.
    const auto latest = std::max_element(
        stored.begin(), stored.end(), [](const db::CarrierEvent& a, const db::CarrierEvent& b) {
          return postal_api::happened_before(comparable(a), comparable(b));
        });
    status = latest->status;
    last_event_at = latest->occurred_at;
  } else if (fallback) {
    status = std::string(postal_api::status_name(*fallback));
  }
  // An inbound envelope the desk has registered is in the desk's hands, whatever the carrier's
  // scans lag behind: its events are kept, its status does not go back.
  if (shipment.direction == db::Direction::inbound && shipment.status == "delivered") {
    status = shipment.status;
  }
  TRY(tx.update_shipment_tracking(shipment.id, status, last_event_at, now));
  if (status != shipment.status) {
    nlohmann::json data{{"tracking_number", shipment.tracking_number},
                        {"from", shipment.status},
                        {"to", status},
                        {"new_events", added},
                        {"source", db::event_source_name(source)}};
    db::Event log;
    log.at = now;
    log.actor = actor;
    log.entity = "shipment";
    log.entity_id = shipment.id;
    log.action = db::EventKind::carrier_status;
    log.data = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    TRY(tx.append_event(log));
    changes.push_back(StatusChange{shipment.id, shipment.tracking_number, shipment.direction,
                                   shipment.dossier_id, shipment.status, status, std::nullopt,
                                   shipment.purpose != db::ShipmentPurpose::result});
  }
  // Level-triggered: a return shipment already final while its dossier still waits (a crash, a
  // refusal earlier) is settled now.
  if (shipment.direction == db::Direction::outbound &&
      shipment.purpose != db::ShipmentPurpose::result) {
    // A letter posted back (docs/domain.md §1.5b): its delivery or return is an event, never a
    // move of the dossier.
    TRY(follow_letter(tx, shipment.id, now, actor));
  } else if (shipment.direction == db::Direction::outbound) {
    TRY_ASSIGN(auto moved, follow_return(tx, shipment.id, now, actor));
    if (moved) {
      if (!changes.empty() && changes.back().shipment_id == shipment.id) {
        changes.back().dossier_state = moved;
      } else {
        changes.push_back(StatusChange{shipment.id, shipment.tracking_number, shipment.direction,
                                       shipment.dossier_id, status, status, moved, false});
      }
    }
  }
  return added;
}

// Records that the carrier answered about the shipment (it does not know the number) without
// touching what webhooks may have stored meanwhile.
Result<void> mark_synced(db::Transaction& tx, db::Id shipment_id, Timestamp now) {
  TRY_ASSIGN(const std::optional<db::Shipment> current, tx.get_shipment(shipment_id));
  if (!current.has_value()) return {};
  return tx.update_shipment_tracking(shipment_id, current->status, current->last_event_at, now);
}

bool stops_the_run(const common::Error& error) {
  // The carrier is down or the breaker is open: asking again now only waits for the same answer.
  return error.code == ErrorCode::unavailable;
}

}  // namespace

std::string last_sync_setting(std::string_view carrier) {
  return fmt::format("carrier_sync:{}:last_success", carrier);
}

Result<SyncReport> sync_shipments(db::Store& store, postal_api::Carrier& carrier,
                                  const common::Clock& clock, const SyncOptions& options) {
  SyncReport report;
  report.started_at = clock.now();
  const std::string carrier_name(carrier.name());

  TRY_ASSIGN(const std::vector<db::Shipment> shipments,
             store.read<std::vector<db::Shipment>>([&](db::Transaction& tx) {
               return tx.shipments_to_sync(carrier_name, report.started_at - options.retire_after,
                                           1'000'000);
             }));

  // A number can belong to more than one shipment (an inbound envelope and, rarely, a reused
  // number); each gets the carrier's answer.
  // Only the ids are kept: each chunk re-reads its shipments inside the transaction that writes.
  std::map<std::string, std::vector<db::Id>> by_number;
  for (const db::Shipment& shipment : shipments) {
    by_number[shipment.tracking_number].push_back(shipment.id);
  }
  std::vector<std::string> pending;
  pending.reserve(by_number.size());
  for (const auto& [number, unused] : by_number) pending.push_back(number);
  report.asked = static_cast<int>(pending.size());

  const int chunk = std::max(1, options.chunk);
  int done = 0;
  for (int pass = 1; pass <= std::max(1, options.passes) && !pending.empty() && !report.stopped;
       ++pass) {
    std::map<std::string, common::Error> failed;
    for (std::size_t begin = 0; begin < pending.size(); begin += chunk) {
      const std::size_t end = std::min(pending.size(), begin + static_cast<std::size_t>(chunk));
      const std::vector<std::string> numbers(pending.begin() + static_cast<std::ptrdiff_t>(begin),
                                             pending.begin() + static_cast<std::ptrdiff_t>(end));
      if (report.stopped) {  // not asked: the next run asks
        for (const std::string& number : numbers) failed.emplace(number, *report.stopped);
        continue;
      }
      Result<postal_api::TrackingReport> answer = carrier.track(numbers);
      if (!answer) {
        // Nothing could be asked (carrier down, breaker open, login refused): asking again with
        // the next chunk would only repeat it, and a refused login repeated locks accounts.
        for (const std::string& number : numbers) failed.emplace(number, answer.error());
        report.stopped = answer.error();
        continue;
      }
      // A chunk with no answer at all, for want of a carrier, ends the run; one with some
      // answers is a flaky carrier, and the failed numbers are asked again in the next pass.
      const bool nothing_answered = answer->items.empty() && answer->unknown_numbers.empty();
      for (auto& [number, error] : answer->failures) {
        if (nothing_answered && stops_the_run(error) && !report.stopped) report.stopped = error;
        failed.emplace(number, std::move(error));
      }

      const Timestamp now = clock.now();
      int new_events = 0;
      std::vector<StatusChange> changes;
      TRY(store.write([&](db::Transaction& tx) -> Result<void> {
        new_events = 0;
        changes.clear();
        for (const postal_api::TrackedItem& item : answer->items) {
          const auto found = by_number.find(item.tracking_number);
          if (found == by_number.end()) continue;  // an answer about a number we did not ask for
          for (const db::Id shipment_id : found->second) {
            TRY_ASSIGN(int added,
                       apply_to_shipment(tx, shipment_id, item.events, item.status,
                                         db::EventSource::poll, now, options.actor, changes));
            new_events += added;
          }
        }
        for (const std::string& number : answer->unknown_numbers) {
          const auto found = by_number.find(number);
          if (found == by_number.end()) continue;
          for (const db::Id shipment_id : found->second) {
            TRY(mark_synced(tx, shipment_id, now));
          }
        }
        return {};
      }));

      report.answered += static_cast<int>(answer->items.size());
      report.not_found += static_cast<int>(answer->unknown_numbers.size());
      report.new_events += new_events;
      report.changes.insert(report.changes.end(), changes.begin(), changes.end());
      done += static_cast<int>(answer->items.size() + answer->unknown_numbers.size());
      if (options.on_progress) options.on_progress(SyncProgress{done, report.asked, pass});
    }
    pending.clear();
    for (const auto& [number, error] : failed) pending.push_back(number);
    report.failures = std::move(failed);
  }

  report.carrier_stats = carrier.stats();
  report.finished_at = clock.now();
  if (report.stopped && report.answered == 0 && report.not_found == 0) return *report.stopped;
  if (report.complete()) {
    TRY(store.write([&](db::Transaction& tx) {
      return tx.set_setting(last_sync_setting(carrier_name),
                            common::format_iso(report.finished_at));
    }));
  }
  return report;
}

Result<WebhookOutcome> apply_webhook(db::Store& store, std::string_view carrier,
                                     const postal_api::WebhookDelivery& delivery,
                                     const common::Clock& clock, const std::string& actor) {
  if (delivery.delivery_key.empty()) {
    return common::make_error(
        ErrorCode::internal,
        fmt::format("a webhook delivery of {} for {} has no delivery_key: the carrier client must "
                    "set it, or replays could not be refused",
                    carrier, delivery.tracking_number));
  }
  const Timestamp now = clock.now();
  const std::string carrier_name(carrier);
  // The replay memory forgets a delivery sent before this; one that old must be refused here,
  // whatever the carrier client's tolerance, or a forgotten one could be applied again.
  const Timestamp forget_before = now - k_webhook_memory;
  if (delivery.sent_at < forget_before) {
    return common::make_error(
        ErrorCode::bad_input, msg::webhook_too_old,
        {{"carrier", carrier_name},
         {"sent_at", common::format_local(delivery.sent_at)},
         {"hours", std::chrono::duration_cast<std::chrono::hours>(k_webhook_memory).count()}});
  }
  WebhookOutcome outcome;
  const Timestamp not_before = now - SyncOptions{}.retire_after;
  TRY(store.write([&](db::Transaction& tx) -> Result<void> {
    outcome = WebhookOutcome{};
    // Remembered in the transaction that applies it: applied and remembered, or neither.
    TRY_ASSIGN(
        const bool first_time,
        tx.remember_webhook_delivery(carrier_name, delivery.delivery_key, delivery.sent_at, now));
    if (!first_time) {
      return common::make_error(
          ErrorCode::bad_input, msg::webhook_replayed,
          {{"carrier", carrier_name}, {"sent_at", common::format_local(delivery.sent_at)}});
    }
    TRY(tx.forget_webhook_deliveries(forget_before, k_webhook_forget_batch));
    for (const db::Direction direction : {db::Direction::inbound, db::Direction::outbound}) {
      TRY_ASSIGN(auto found, tx.find_shipment(delivery.tracking_number, direction, not_before));
      if (!found.has_value() || found->carrier != carrier) continue;
      ++outcome.shipments;
      TRY_ASSIGN(int added,
                 apply_to_shipment(tx, found->id, {delivery.event}, std::nullopt,
                                   db::EventSource::webhook, now, actor, outcome.changes));
      outcome.new_events += added;
    }
    return {};
  }));
  return outcome;
}

}  // namespace tracking
