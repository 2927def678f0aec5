#include "db/records.hpp"

#include <array>
#include <utility>

namespace db {
namespace {

template <class Enum, std::size_t N>
std::optional<Enum> find_by_name(const std::array<std::pair<Enum, std::string_view>, N>& table,
                                 std::string_view name) {
  for (const auto& [value, value_name] : table) {
    if (value_name == name) return value;
  }
  return std::nullopt;
}

template <class Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& table,
                         Enum value) {
  for (const auto& [candidate, name] : table) {
    if (candidate == value) return name;
  }
  return "unknown";
}

constexpr std::array<std::pair<TimeUnit, std::string_view>, 2> k_time_units{{
    {TimeUnit::working_days, "working_days"},
    {TimeUnit::working_hours, "working_hours"},
}};

constexpr std::array<std::pair<DossierState, std::string_view>, 12> k_states{{
    {DossierState::received, "received"},
    {DossierState::accepted, "accepted"},
    {DossierState::refused, "refused"},
    {DossierState::in_process, "in_process"},
    {DossierState::supplement_requested, "supplement_requested"},
    {DossierState::awaiting_fees, "awaiting_fees"},
    {DossierState::withdrawn, "withdrawn"},
    {DossierState::stopped, "stopped"},
    {DossierState::processed, "processed"},
    {DossierState::return_dispatched, "return_dispatched"},
    {DossierState::return_failed, "return_failed"},
    {DossierState::result_returned, "result_returned"},
}};

constexpr std::array<std::pair<ScanOutcome, std::string_view>, 4> k_outcomes{{
    {ScanOutcome::registered, "registered"},
    {ScanOutcome::already_registered, "already_registered"},
    {ScanOutcome::manual, "manual"},
    {ScanOutcome::resolved, "resolved"},
}};

constexpr std::array<std::pair<ManualStatus, std::string_view>, 3> k_manual_statuses{{
    {ManualStatus::open, "open"},
    {ManualStatus::resolved, "resolved"},
    {ManualStatus::dismissed, "dismissed"},
}};

constexpr std::array<std::pair<ReturnOrderState, std::string_view>, 3> k_return_order_states{{
    {ReturnOrderState::open, "open"},
    {ReturnOrderState::stored, "stored"},
    {ReturnOrderState::cancelled, "cancelled"},
}};

constexpr std::array<std::pair<ResultDelivery, std::string_view>, 2> k_result_deliveries{{
    {ResultDelivery::post, "post"},
    {ResultDelivery::desk, "desk"},
}};

constexpr std::array<std::pair<PaymentMethod, std::string_view>, 3> k_payment_methods{{
    {PaymentMethod::desk, "desk"},
    {PaymentMethod::post, "post"},
    {PaymentMethod::online, "online"},
}};

constexpr std::array<std::pair<RecipientKind, std::string_view>, 2> k_recipient_kinds{{
    {RecipientKind::citizen, "citizen"},
    {RecipientKind::authorised, "authorised"},
}};

constexpr std::array<std::pair<EventKind, std::string_view>, 51> k_event_kinds{{
    {EventKind::received_by_post, "received_by_post"},
    {EventKind::applicant_added, "applicant_added"},
    {EventKind::applicant_updated, "applicant_updated"},
    {EventKind::return_order_cancelled, "return_order_cancelled"},
    {EventKind::scanned_again, "scanned_again"},
    {EventKind::supplement_by_post, "supplement_by_post"},
    {EventKind::supplement_unexpected, "supplement_unexpected"},
    {EventKind::accepted, "accepted"},
    {EventKind::supplement_requested, "supplement_requested"},
    {EventKind::supplement_received, "supplement_received"},
    {EventKind::refused, "refused"},
    {EventKind::processing_started, "processing_started"},
    {EventKind::fees_requested, "fees_requested"},
    {EventKind::fees_paid, "fees_paid"},
    {EventKind::processed, "processed"},
    {EventKind::withdrawn, "withdrawn"},
    {EventKind::stopped, "stopped"},
    {EventKind::reappointed, "reappointed"},
    {EventKind::return_dispatched, "return_dispatched"},
    {EventKind::result_returned, "result_returned"},
    {EventKind::return_failed, "return_failed"},
    {EventKind::result_delivery_changed, "result_delivery_changed"},
    {EventKind::fee_recorded, "fee_recorded"},
    {EventKind::letter_dispatched, "letter_dispatched"},
    {EventKind::letter_delivered, "letter_delivered"},
    {EventKind::letter_returned, "letter_returned"},
    {EventKind::transferred, "transferred"},
    {EventKind::returned_from_unit, "returned_from_unit"},
    {EventKind::registered, "registered"},
    {EventKind::carrier_status, "carrier_status"},
    {EventKind::queued, "queued"},
    {EventKind::resolved, "resolved"},
    {EventKind::dismissed, "dismissed"},
    {EventKind::handed_over, "handed_over"},
    {EventKind::batch_closed, "batch_closed"},
    {EventKind::batch_reopened, "batch_reopened"},
    {EventKind::manifest_added, "manifest_added"},
    {EventKind::initialised, "initialised"},
    {EventKind::day_set, "day_set"},
    {EventKind::day_removed, "day_removed"},
    {EventKind::user_added, "user_added"},
    {EventKind::name_changed, "name_changed"},
    {EventKind::title_changed, "title_changed"},
    {EventKind::role_changed, "role_changed"},
    {EventKind::password_changed, "password_changed"},
    {EventKind::user_disabled, "user_disabled"},
    {EventKind::user_enabled, "user_enabled"},
    {EventKind::logged_in, "logged_in"},
    {EventKind::logged_out, "logged_out"},
    {EventKind::token_created, "token_created"},
    {EventKind::token_revoked, "token_revoked"},
}};

constexpr std::array<std::pair<ShipmentPurpose, std::string_view>, 6> k_shipment_purposes{{
    {ShipmentPurpose::result, "result"},
    {ShipmentPurpose::receipt, "receipt"},
    {ShipmentPurpose::supplement, "supplement"},
    {ShipmentPurpose::refusal, "refusal"},
    {ShipmentPurpose::apology, "apology"},
    {ShipmentPurpose::stop, "stop"},
}};

constexpr std::array<std::pair<EventKind, std::string_view>, 14> k_action_aliases{{
    {EventKind::accepted, "accept"},
    {EventKind::supplement_requested, "request_supplement"},
    {EventKind::refused, "refuse"},
    {EventKind::processing_started, "start_processing"},
    {EventKind::fees_requested, "request_fees"},
    {EventKind::processed, "mark_processed"},
    {EventKind::withdrawn, "withdraw"},
    {EventKind::stopped, "stop"},
    {EventKind::reappointed, "apologise"},
    {EventKind::return_dispatched, "dispatch_return"},
    {EventKind::result_returned, "record_delivery"},
    {EventKind::return_failed, "record_return_failure"},
    {EventKind::supplement_received, "supplement_received"},
    {EventKind::fees_paid, "fees_paid"},
}};

template <class Enum, std::size_t N>
constexpr std::array<Enum, N> values_of(
    const std::array<std::pair<Enum, std::string_view>, N>& table) {
  std::array<Enum, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = table[i].first;
  return out;
}

constexpr auto k_all_event_kinds = values_of(k_event_kinds);
constexpr auto k_all_states = values_of(k_states);
constexpr auto k_all_outcomes = values_of(k_outcomes);

}  // namespace

std::string_view event_kind_name(EventKind kind) { return name_of(k_event_kinds, kind); }
std::optional<EventKind> parse_event_kind(std::string_view name) {
  if (auto kind = find_by_name(k_event_kinds, name)) return kind;
  // Early logs named a lifecycle step by the action that made it.
  return find_by_name(k_action_aliases, name);
}
std::span<const EventKind> all_event_kinds() { return k_all_event_kinds; }
std::span<const DossierState> all_dossier_states() { return k_all_states; }
std::span<const ScanOutcome> all_scan_outcomes() { return k_all_outcomes; }

std::string_view time_unit_name(TimeUnit unit) { return name_of(k_time_units, unit); }
std::optional<TimeUnit> parse_time_unit(std::string_view name) {
  return find_by_name(k_time_units, name);
}

std::string_view direction_name(Direction direction) {
  switch (direction) {
    case Direction::inbound:
      return "inbound";
    case Direction::outbound:
      return "outbound";
  }
  return "inbound";
}

std::string_view shipment_purpose_name(ShipmentPurpose purpose) {
  return name_of(k_shipment_purposes, purpose);
}
std::optional<ShipmentPurpose> parse_shipment_purpose(std::string_view name) {
  return find_by_name(k_shipment_purposes, name);
}

std::string_view event_source_name(EventSource source) {
  switch (source) {
    case EventSource::poll:
      return "poll";
    case EventSource::webhook:
      return "webhook";
    case EventSource::manual:
      return "manual";
  }
  return "poll";
}

std::optional<EventSource> parse_event_source(std::string_view name) {
  for (EventSource source : {EventSource::poll, EventSource::webhook, EventSource::manual}) {
    if (event_source_name(source) == name) return source;
  }
  return std::nullopt;
}

std::string_view dossier_state_name(DossierState state) { return name_of(k_states, state); }
std::optional<DossierState> parse_dossier_state(std::string_view name) {
  return find_by_name(k_states, name);
}

int national_status_code(DossierState state) {
  switch (state) {
    case DossierState::received:
      return 1;
    case DossierState::accepted:
      return 2;
    case DossierState::refused:
      return 3;
    case DossierState::in_process:
      return 4;
    case DossierState::supplement_requested:
      return 5;
    case DossierState::awaiting_fees:
      return 6;
    case DossierState::withdrawn:
      return 7;
    case DossierState::stopped:
      return 8;
    case DossierState::processed:
    case DossierState::return_dispatched:
    case DossierState::return_failed:
      return 9;
    case DossierState::result_returned:
      return 10;
  }
  return 1;
}

std::string_view scan_outcome_name(ScanOutcome outcome) { return name_of(k_outcomes, outcome); }
std::optional<ScanOutcome> parse_scan_outcome(std::string_view name) {
  return find_by_name(k_outcomes, name);
}

std::string_view manual_status_name(ManualStatus status) {
  return name_of(k_manual_statuses, status);
}
std::optional<ManualStatus> parse_manual_status(std::string_view name) {
  return find_by_name(k_manual_statuses, name);
}

std::string_view return_order_state_name(ReturnOrderState state) {
  return name_of(k_return_order_states, state);
}
std::optional<ReturnOrderState> parse_return_order_state(std::string_view name) {
  return find_by_name(k_return_order_states, name);
}

std::string_view result_delivery_name(ResultDelivery delivery) {
  return name_of(k_result_deliveries, delivery);
}
std::optional<ResultDelivery> parse_result_delivery(std::string_view name) {
  return find_by_name(k_result_deliveries, name);
}

std::string_view payment_method_name(PaymentMethod method) {
  return name_of(k_payment_methods, method);
}
std::optional<PaymentMethod> parse_payment_method(std::string_view name) {
  return find_by_name(k_payment_methods, name);
}

std::string_view recipient_kind_name(RecipientKind kind) {
  return name_of(k_recipient_kinds, kind);
}
std::optional<RecipientKind> parse_recipient_kind(std::string_view name) {
  return find_by_name(k_recipient_kinds, name);
}

}  // namespace db
