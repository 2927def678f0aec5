#include "tracking/dispatch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <utility>

#include "db/settings.hpp"
#include "tracking/carrier_sync.hpp"
#include "tracking/detail/trim.hpp"
#include "tracking/lifecycle.hpp"
#include "tracking/messages.hpp"

namespace tracking {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;

// What the read phase learnt: the order to send, and what the write phase re-checks.
struct Plan {
  db::Dossier dossier;
  // How order codes and messages name the dossier: its code, or "<agency>-N<id>" before it has
  // one (a dossier refused at reception).
  std::string reference;
  db::ShipmentPurpose purpose = db::ShipmentPurpose::result;
  std::optional<LetterKind> letter;   // set iff purpose is a letter's
  std::optional<Dispatched> already;  // a letter posted before: nothing to send
  std::string order_code;
  postal_api::ShipmentOrder order;
  db::Id return_order_id = 0;              // the open order this dispatch sends
  std::vector<db::ReturnOrder> to_cancel;  // open orders made for an earlier receiver
};

// FNV-1a over the receiver's name, phone and address: whether a retry is for the same receiver.
std::string receiver_fingerprint(const postal_api::Party& receiver) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const std::string* field : {&receiver.name, &receiver.phone, &receiver.address}) {
    for (const char c : *field) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 0x100000001b3ULL;
    }
    hash ^= 0x1f;
    hash *= 0x100000001b3ULL;
  }
  return fmt::format("{:016x}", hash);
}

using detail::trimmed;

// "0912 345 678", "+84-912.345.678" -> "0912345678", "+84912345678"; nullopt unless 8 to 15 digits.
std::optional<std::string> normalised_phone(std::string_view text) {
  std::string out;
  for (const char c : trimmed(text)) {
    if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      out += c;
    } else if (c == '+' && out.empty()) {
      out += c;
    } else if (c != ' ' && c != '.' && c != '-' && c != '(' && c != ')') {
      return std::nullopt;
    }
  }
  const auto digits = std::count_if(out.begin(), out.end(), [](char c) { return c != '+'; });
  if (digits < 8 || digits > 15) return std::nullopt;
  return out;
}

// The receiver (the applicant's return address) and the sender (the desk) of the plan's order.
Result<void> plan_receiver(db::Transaction& tx, Plan& plan, const std::string& service,
                           int weight_grams, std::string_view content) {
  const db::Dossier& dossier = plan.dossier;
  TRY_ASSIGN(auto applicant, tx.applicant_of(dossier.id));
  std::vector<const common::MessageDef*> missing;  // what is missing, in words
  const auto need = [&](bool absent, const common::MessageDef& what) {
    if (absent) missing.push_back(&what);
  };
  const db::Applicant none;
  const db::Applicant& known = applicant ? *applicant : none;
  need(trimmed(known.full_name).empty(), msg::applicant_name);
  need(trimmed(known.phone).empty(), msg::applicant_phone);
  need(trimmed(known.return_address).empty() && trimmed(known.address).empty(),
       msg::applicant_address);
  if (!missing.empty()) {
    common::Text list{*missing.back()};
    for (auto it = std::next(missing.rbegin()); it != missing.rend(); ++it) {
      list =
          common::Text{msg::list_more, {{"first", common::Text{**it}}, {"rest", std::move(list)}}};
    }
    if (plan.letter) {
      return make_error(ErrorCode::invalid_argument, msg::letter_applicant_missing,
                        {{"id", dossier.id},
                         {"code", plan.reference},
                         {"letter", common::Text{letter_label(*plan.letter)}},
                         {"missing", std::move(list)}});
    }
    return make_error(ErrorCode::invalid_argument, msg::applicant_missing,
                      {{"id", dossier.id}, {"code", plan.reference}, {"missing", std::move(list)}});
  }
  const db::Applicant& person = *applicant;

  TRY_ASSIGN(auto agency, tx.get_agency(dossier.agency_id));
  TRY_ASSIGN(auto agency_address, tx.setting(db::k_setting_agency_address));
  TRY_ASSIGN(auto agency_phone, tx.setting(db::k_setting_agency_phone));
  if (!agency_address || trimmed(*agency_address).empty()) {
    return make_error(ErrorCode::invalid_argument, msg::desk_address_missing);
  }

  postal_api::ShipmentOrder& order = plan.order;
  order.service = service;
  order.sender.name = agency ? agency->name : std::string("Bộ phận Một cửa");
  order.sender.address = trimmed(*agency_address);
  order.sender.phone = agency_phone.value_or("");
  order.receiver.name = trimmed(person.full_name);
  order.receiver.phone = normalised_phone(person.phone).value_or(trimmed(person.phone));
  order.receiver.address = trimmed(person.return_address).empty() ? trimmed(person.address)
                                                                  : trimmed(person.return_address);
  order.content = std::string(content);
  order.weight_grams = weight_grams;
  return {};
}

Result<Plan> plan_dispatch(db::Transaction& tx, db::Id dossier_id, const DispatchOptions& options) {
  TRY_ASSIGN(auto found, tx.get_dossier(dossier_id));
  if (!found) return make_error(ErrorCode::not_found, msg::no_dossier_id, {{"id", dossier_id}});
  Plan plan;
  plan.dossier = *found;
  const db::Dossier& dossier = plan.dossier;
  TRY(check_allowed(dossier, Action::dispatch_return));
  if (!dossier.code) {  // accepted dossiers always have one; a hand-edited database may not
    return make_error(ErrorCode::invalid_argument, msg::no_dossier_code, {{"id", dossier.id}});
  }
  plan.reference = *dossier.code;
  TRY(plan_receiver(tx, plan, options.service, options.weight_grams, options.content));
  return plan;
}

// The events a letter answers, one letter each (docs/domain.md §1.5b): a supplement letter for each
// supplement request, the stop notice for a stop or a withdrawal (as form 05 does).
bool is_occasion(LetterKind kind, db::EventKind action) {
  switch (kind) {
    case LetterKind::receipt:
      return action == db::EventKind::accepted;
    case LetterKind::supplement:
      return action == db::EventKind::supplement_requested;
    case LetterKind::refusal:
      return action == db::EventKind::refused;
    case LetterKind::apology:
      return action == db::EventKind::reappointed;
    case LetterKind::stop:
      return action == db::EventKind::stopped || action == db::EventKind::withdrawn;
  }
  return false;
}

// The documents' message for a letter whose form the dossier does not have.
const common::MessageDef& not_applicable_message(LetterKind kind) {
  switch (kind) {
    case LetterKind::receipt:
      return msg::form_not_accepted;
    case LetterKind::supplement:
      return msg::form_no_supplement;
    case LetterKind::refusal:
      return msg::form_not_refused;
    case LetterKind::apology:
      return msg::form_not_reappointed;
    case LetterKind::stop:
      return msg::form_not_stopped;
  }
  return msg::form_not_refused;
}

bool came_back(const db::Shipment& s) { return s.status == "returned" || s.status == "cancelled"; }

Result<Plan> plan_letter(db::Transaction& tx, db::Id dossier_id, LetterKind kind,
                         const LetterOptions& options) {
  TRY_ASSIGN(auto found, tx.get_dossier(dossier_id));
  if (!found) return make_error(ErrorCode::not_found, msg::no_dossier_id, {{"id", dossier_id}});
  Plan plan;
  plan.dossier = *found;
  plan.letter = kind;
  plan.purpose = letter_purpose(kind);
  const db::Dossier& dossier = plan.dossier;

  TRY_ASSIGN(auto events, tx.events_of("dossier", dossier.id));
  const auto occasions = std::count_if(events.begin(), events.end(), [&](const db::Event& e) {
    return is_occasion(kind, e.action);
  });
  if (occasions == 0 || (kind == LetterKind::receipt && !dossier.code)) {
    return make_error(ErrorCode::invalid_argument, not_applicable_message(kind),
                      {{"dossier", fmt::format("#{}{}{}", dossier.id, dossier.code ? " " : "",
                                               dossier.code.value_or(""))}});
  }
  if (dossier.code) {
    plan.reference = *dossier.code;
  } else {
    TRY_ASSIGN(auto agency, tx.get_agency(dossier.agency_id));
    plan.reference = fmt::format("{}-N{}", agency ? agency->code : std::string("HS"), dossier.id);
  }

  // Posted already: one letter on its way or delivered for each occasion. A letter the carrier
  // brought back (or cancelled) may be posted again.
  TRY_ASSIGN(auto shipments, tx.shipments_of(dossier.id));
  std::vector<const db::Shipment*> live;
  for (const db::Shipment& s : shipments) {
    if (s.direction == db::Direction::outbound && s.purpose == plan.purpose && !came_back(s)) {
      live.push_back(&s);
    }
  }
  if (static_cast<std::int64_t>(live.size()) >= occasions) {
    const db::Shipment& newest = *live.back();
    Dispatched out;
    out.dossier_id = dossier.id;
    out.dossier_code = dossier.code.value_or("");
    out.order_code = newest.order_code;
    out.tracking_number = newest.tracking_number;
    out.shipment_id = newest.id;
    out.already = true;
    plan.already = std::move(out);
    return plan;
  }
  const int weight = options.weight_grams > 0 ? options.weight_grams : letter_weight_grams(kind);
  const std::string_view content =
      options.content.empty() ? letter_content(kind) : std::string_view(options.content);
  TRY(plan_receiver(tx, plan, options.service, weight, content));
  return plan;
}

// Picks the order code this dispatch sends, writing the open return order first when there is
// none for this receiver: the open order for the same receiver is reused (a retry), open orders
// for another receiver are to be cancelled, and a new code counts every earlier order and return
// shipment of the dossier.
Result<void> open_order(db::Transaction& tx, Plan& plan, std::string_view carrier_name,
                        common::Timestamp now) {
  const std::string fingerprint = receiver_fingerprint(plan.order.receiver);
  TRY_ASSIGN(auto orders, tx.return_orders_of(plan.dossier.id));
  TRY_ASSIGN(auto shipments, tx.shipments_of(plan.dossier.id));
  const auto returns =
      std::count_if(shipments.begin(), shipments.end(), [&](const db::Shipment& s) {
        return s.direction == db::Direction::outbound && s.purpose == plan.purpose;
      });
  const auto same_purpose = std::count_if(orders.begin(), orders.end(),
                                          [&](const auto& o) { return o.purpose == plan.purpose; });
  for (const db::ReturnOrder& o : orders) {
    if (o.purpose != plan.purpose) continue;  // the result's and each letter's orders apart
    if (o.state != db::ReturnOrderState::open || o.carrier != carrier_name) continue;
    if (o.receiver_fingerprint == fingerprint && plan.return_order_id == 0) {
      plan.return_order_id = o.id;
      plan.order_code = o.order_code;
    } else {
      plan.to_cancel.push_back(o);
    }
  }
  if (plan.return_order_id == 0) {
    const auto attempt = std::max<std::int64_t>(same_purpose, returns);
    db::ReturnOrder order;
    order.dossier_id = plan.dossier.id;
    order.carrier = std::string(carrier_name);
    order.purpose = plan.purpose;
    order.order_code =
        plan.letter ? letter_order_code(plan.reference, *plan.letter, static_cast<int>(attempt) + 1)
                    : return_order_code(plan.reference, static_cast<int>(attempt) + 1);
    order.receiver_fingerprint = fingerprint;
    order.created_at = now;
    TRY_ASSIGN(auto id, tx.insert_return_order(order));
    plan.return_order_id = id;
    plan.order_code = order.order_code;
  }
  plan.order.order_code = plan.order_code;
  return {};
}

db::Event dossier_event(db::Id dossier_id, common::Timestamp now, const std::string& actor,
                        db::EventKind action, const nlohmann::json& data) {
  db::Event event;
  event.at = now;
  event.actor = actor;
  event.entity = "dossier";
  event.entity_id = dossier_id;
  event.action = action;
  event.data = data.dump();
  return event;
}

// Cancels at the carrier an open order made for an earlier receiver (its address or phone was
// corrected after a dispatch whose outcome was unknown). The carrier is asked for the order by its
// code first (the same code is the same order), which gives its id.
Result<void> cancel_superseded(db::Store& store, postal_api::Carrier& carrier,
                               const common::Clock& clock, const Plan& plan,
                               const db::ReturnOrder& old, const std::string& actor) {
  postal_api::ShipmentOrder again = plan.order;
  again.order_code = old.order_code;
  TRY_ASSIGN(auto held, carrier.create_shipment(again));
  if (auto cancelled = carrier.cancel(held.carrier_order_id); !cancelled) {
    auto error = make_error(cancelled.error().code, msg::carrier_not_cancelled,
                            {{"id", plan.dossier.id},
                             {"order", old.order_code},
                             {"tracking_number", held.tracking_number},
                             {"carrier_order", held.carrier_order_id},
                             {"cause", cause_text(cancelled.error())}});
    if (cancelled.error().text.empty()) error.message += " (" + cancelled.error().message + ")";
    return error;
  }
  return store.write([&](db::Transaction& tx) -> Result<void> {
    const auto now = clock.now();
    TRY(tx.close_return_order(old.id, db::ReturnOrderState::cancelled, now));
    TRY(tx.append_event(dossier_event(plan.dossier.id, now, actor,
                                      db::EventKind::return_order_cancelled,
                                      {{"order_code", old.order_code},
                                       {"tracking_number", held.tracking_number},
                                       {"why", "receiver changed"}})));
    return {};
  });
}

Result<Dispatched> store_dispatch(db::Transaction& tx, const Plan& plan,
                                  const postal_api::CreatedShipment& created,
                                  std::string_view carrier_name, common::Timestamp now,
                                  const std::string& actor) {
  Dispatched out;
  out.dossier_id = plan.dossier.id;
  out.dossier_code = plan.dossier.code.value_or("");
  out.order_code = plan.order_code;
  out.tracking_number = created.tracking_number;
  out.price_vnd = created.price_vnd;

  // Another station (or an earlier run that crashed after its write) stored this order already.
  TRY_ASSIGN(auto known, tx.find_shipment_by_order(std::string(carrier_name), plan.order_code));
  if (known) {
    out.shipment_id = known->id;
    out.tracking_number = known->tracking_number;
    out.already = true;
    return out;
  }
  // The dossier may have moved while the carrier answered (a second dispatch with another order
  // code cannot happen: the code counts return shipments, which only this write adds).
  TRY_ASSIGN(auto current, tx.get_dossier(plan.dossier.id));
  if (!current) {
    return make_error(ErrorCode::not_found, msg::no_dossier_id, {{"id", plan.dossier.id}});
  }
  // A letter never moves the dossier, so whatever its state now, the letter is stored.
  if (!plan.letter) TRY(check_allowed(*current, Action::dispatch_return));

  db::Shipment shipment;
  shipment.carrier = std::string(carrier_name);
  shipment.tracking_number = created.tracking_number;
  shipment.year = static_cast<int>(common::local_date(now).year());
  shipment.direction = db::Direction::outbound;
  shipment.status = std::string(postal_api::status_name(created.status));
  shipment.dossier_id = plan.dossier.id;
  shipment.first_seen_at = now;
  shipment.updated_at = now;
  shipment.order_code = plan.order_code;
  shipment.carrier_order_id = created.carrier_order_id;
  shipment.purpose = plan.purpose;
  TRY_ASSIGN(auto shipment_id, tx.insert_shipment(shipment));
  out.shipment_id = shipment_id;

  if (plan.letter) {
    // docs/domain.md §1.5b: the letter's event; the form and the number only, no personal data.
    TRY(tx.append_event(dossier_event(plan.dossier.id, now, actor, db::EventKind::letter_dispatched,
                                      {{"form", letter_kind_name(*plan.letter)},
                                       {"form_number", letter_form_number(*plan.letter)},
                                       {"tracking_number", created.tracking_number},
                                       {"order_code", plan.order_code},
                                       {"carrier", std::string(carrier_name)},
                                       {"service", plan.order.service},
                                       {"price_vnd", std::to_string(created.price_vnd)}})));
    return out;
  }

  ActionRequest request;
  request.action = Action::dispatch_return;
  request.actor = actor;
  request.details = {{"tracking_number", created.tracking_number},
                     {"order_code", plan.order_code},
                     {"carrier", std::string(carrier_name)},
                     {"service", plan.order.service},
                     {"price_vnd", std::to_string(created.price_vnd)}};
  TRY(apply_action(tx, now, plan.dossier.id, request));
  return out;
}

}  // namespace

std::string return_order_code(std::string_view dossier_code, int attempt) {
  return fmt::format("{}-R{}", dossier_code, attempt);
}

namespace {

struct LetterFacts {
  LetterKind kind;
  std::string_view name;
  std::string_view form_number;
  db::ShipmentPurpose purpose;
  const common::MessageDef* label;
  int weight_grams;
  std::string_view content;
};

// docs/domain.md §1.5b. A refusal goes back with the citizen's original documents: a heavier
// envelope than a one-page letter.
constexpr std::array<LetterFacts, 5> k_letters{{
    {LetterKind::receipt, "receipt", "01", db::ShipmentPurpose::receipt, &msg::letter_receipt, 50,
     "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"},
    {LetterKind::supplement, "supplement", "02", db::ShipmentPurpose::supplement,
     &msg::letter_supplement, 50, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"},
    {LetterKind::refusal, "refusal", "03", db::ShipmentPurpose::refusal, &msg::letter_refusal, 500,
     "Phiếu từ chối tiếp nhận giải quyết hồ sơ và hồ sơ gốc của công dân"},
    {LetterKind::apology, "apology", "04", db::ShipmentPurpose::apology, &msg::letter_apology, 50,
     "Văn bản xin lỗi và hẹn lại ngày trả kết quả"},
    {LetterKind::stop, "stop", "05", db::ShipmentPurpose::stop, &msg::letter_stop, 50,
     "Thông báo dừng giải quyết hồ sơ"},
}};

const LetterFacts& facts(LetterKind kind) {
  for (const LetterFacts& f : k_letters) {
    if (f.kind == kind) return f;
  }
  return k_letters[2];
}

}  // namespace

std::optional<LetterKind> parse_letter_kind(std::string_view name) {
  for (const LetterFacts& f : k_letters) {
    if (f.name == name) return f.kind;
  }
  return std::nullopt;
}
std::string_view letter_kind_name(LetterKind kind) { return facts(kind).name; }
std::string_view letter_form_number(LetterKind kind) { return facts(kind).form_number; }
db::ShipmentPurpose letter_purpose(LetterKind kind) { return facts(kind).purpose; }
std::optional<LetterKind> letter_of(db::ShipmentPurpose purpose) {
  for (const LetterFacts& f : k_letters) {
    if (f.purpose == purpose) return f.kind;
  }
  return std::nullopt;
}
const common::MessageDef& letter_label(LetterKind kind) { return *facts(kind).label; }
int letter_weight_grams(LetterKind kind) { return facts(kind).weight_grams; }
std::string_view letter_content(LetterKind kind) { return facts(kind).content; }

std::string letter_order_code(std::string_view reference, LetterKind kind, int number) {
  return fmt::format("{}-L{}-{}", reference, letter_form_number(kind), number);
}

std::vector<PostedLetter> posted_letters(const std::vector<db::Shipment>& shipments) {
  std::vector<PostedLetter> out;
  for (const db::Shipment& s : shipments) {
    if (s.direction != db::Direction::outbound) continue;
    const auto kind = letter_of(s.purpose);
    if (!kind) continue;
    out.push_back(PostedLetter{*kind, s.tracking_number, s.status, s.first_seen_at});
  }
  return out;
}

Result<bool> follow_letter(db::Transaction& tx, db::Id shipment_id, common::Timestamp now,
                           const std::string& actor) {
  TRY_ASSIGN(auto found, tx.get_shipment(shipment_id));
  if (!found || found->direction != db::Direction::outbound || !found->dossier_id) return false;
  const db::Shipment& shipment = *found;
  const auto kind = letter_of(shipment.purpose);
  if (!kind) return false;
  db::EventKind action = db::EventKind::letter_delivered;
  if (shipment.status == "delivered") {
    action = db::EventKind::letter_delivered;
  } else if (came_back(shipment)) {
    action = db::EventKind::letter_returned;
  } else {
    return false;
  }
  // Level-triggered: once per shipment, however often the carrier repeats it.
  TRY_ASSIGN(auto events, tx.events_of("dossier", *shipment.dossier_id));
  for (const db::Event& e : events) {
    if (e.action != db::EventKind::letter_delivered && e.action != db::EventKind::letter_returned) {
      continue;
    }
    const auto data = nlohmann::json::parse(e.data, nullptr, false);
    if (data.is_object() &&
        data.value("tracking_number", std::string()) == shipment.tracking_number) {
      return false;
    }
  }
  // docs/domain.md §1.5b: the letter's fate is history; the dossier stays where it is.
  TRY(tx.append_event(dossier_event(*shipment.dossier_id, now, actor, action,
                                    {{"form", letter_kind_name(*kind)},
                                     {"form_number", letter_form_number(*kind)},
                                     {"tracking_number", shipment.tracking_number},
                                     {"carrier_status", shipment.status}})));
  return true;
}

namespace {

// The crash-safe order of a return shipment, the result's or a letter's (see dispatch.hpp).
Result<Dispatched> send_order(db::Store& store, postal_api::Carrier& carrier,
                              const common::Clock& clock,
                              const std::function<Result<Plan>(db::Transaction&)>& make_plan,
                              const std::string& actor) {
  const std::string carrier_name(carrier.name());
  // 1. Check, and write the open return order before the carrier hears of it.
  std::optional<Plan> plan;
  TRY(store.write([&](db::Transaction& tx) -> Result<void> {
    TRY_ASSIGN(auto planned, make_plan(tx));
    if (!planned.already) TRY(open_order(tx, planned, carrier_name, clock.now()));
    plan = std::move(planned);
    return {};
  }));
  if (plan->already) return *plan->already;
  const auto dossier_args = [&](common::Args more) {
    common::Args args{{"id", plan->dossier.id}, {"code", plan->reference}};
    for (auto& a : more) args.push_back(std::move(a));
    return args;
  };

  // 2. Orders sent for an earlier receiver are cancelled before a new one goes out.
  for (const db::ReturnOrder& old : plan->to_cancel) {
    TRY(cancel_superseded(store, carrier, clock, *plan, old, actor));
  }

  // 3. Outside any transaction: the carrier may take seconds; the order code makes a retry safe.
  auto created = carrier.create_shipment(plan->order);
  if (!created) {
    auto error = make_error(
        created.error().code, msg::carrier_create_failed,
        dossier_args({{"cause", cause_text(created.error())}, {"order", plan->order_code}}));
    if (created.error().text.empty()) error.message += " (" + created.error().message + ")";
    return error;
  }
  if (created->order_code != plan->order_code && !created->order_code.empty()) {
    auto error = make_error(ErrorCode::internal, msg::carrier_wrong_order,
                            dossier_args({{"their_order", created->order_code},
                                          {"tracking_number", created->tracking_number},
                                          {"order", plan->order_code}}));
    error.message += fmt::format(" (carrier id {})", created->carrier_order_id);
    return error;
  }

  // 4. Store the shipment and move the dossier, in one transaction.
  std::optional<Dispatched> out;
  auto written = store.write([&](db::Transaction& tx) -> Result<void> {
    const auto now = clock.now();
    TRY_ASSIGN(auto stored, store_dispatch(tx, *plan, *created, carrier_name, now, actor));
    TRY(tx.close_return_order(plan->return_order_id, db::ReturnOrderState::stored, now));
    // A retry may learn that the shipment is already delivered, back, or cancelled.
    if (!stored.already) {
      if (plan->letter) {
        TRY(follow_letter(tx, stored.shipment_id, now, actor));
      } else {
        TRY(follow_return(tx, stored.shipment_id, now, actor));
      }
    }
    out = std::move(stored);
    return {};
  });
  if (written) return std::move(*out);
  if (written.error().code == ErrorCode::io_error) {
    auto error = make_error(
        ErrorCode::io_error, msg::dispatch_not_stored,
        dossier_args({{"tracking_number", created->tracking_number}, {"order", plan->order_code}}));
    error.message += " (" + written.error().message + ")";
    return error;
  }
  // The dossier moved while the carrier answered (delivered at the desk, withdrawn): the order is
  // not needed any more.
  auto cancelled = carrier.cancel(created->carrier_order_id);
  if (cancelled) {
    (void)store.write([&](db::Transaction& tx) -> Result<void> {
      return tx.close_return_order(plan->return_order_id, db::ReturnOrderState::cancelled,
                                   clock.now());
    });
  }
  common::Args args{{"cause", cause_text(written.error())},
                    {"tracking_number", created->tracking_number},
                    {"order", plan->order_code}};
  if (!cancelled) args.emplace_back("cancel_cause", cause_text(cancelled.error()));
  auto error = make_error(
      written.error().code,
      cancelled ? msg::dispatch_overtaken_cancelled : msg::dispatch_overtaken_not_cancelled,
      std::move(args));
  if (written.error().text.empty()) error.message += " (" + written.error().message + ")";
  if (!cancelled && cancelled.error().text.empty()) {
    error.message += " (cancel: " + cancelled.error().message + ")";
  }
  return error;
}

}  // namespace

Result<Dispatched> dispatch_return(db::Store& store, postal_api::Carrier& carrier,
                                   const common::Clock& clock, db::Id dossier_id,
                                   const DispatchOptions& options) {
  if (trimmed(options.actor).empty()) {
    return make_error(ErrorCode::invalid_argument, msg::dispatch_needs_actor);
  }
  return send_order(
      store, carrier, clock,
      [&](db::Transaction& tx) { return plan_dispatch(tx, dossier_id, options); }, options.actor);
}

Result<Dispatched> dispatch_letter(db::Store& store, postal_api::Carrier& carrier,
                                   const common::Clock& clock, db::Id dossier_id, LetterKind kind,
                                   const LetterOptions& options) {
  if (trimmed(options.actor).empty()) {
    return make_error(ErrorCode::invalid_argument, msg::dispatch_needs_actor);
  }
  return send_order(
      store, carrier, clock,
      [&](db::Transaction& tx) { return plan_letter(tx, dossier_id, kind, options); },
      options.actor);
}

Result<DispatchReport> dispatch_ready(
    db::Store& store, postal_api::Carrier& carrier, const common::Clock& clock,
    const DispatchOptions& options, int limit,
    const std::function<void(db::Id, const Result<Dispatched>&)>& on_each) {
  std::vector<db::Id> ready;
  TRY(store.read([&](db::Transaction& tx) -> Result<void> {
    db::DossierFilter filter;
    filter.state = db::DossierState::processed;
    // docs/domain.md §1.5: results the citizen collects at the desk are never posted.
    filter.result_delivery = db::ResultDelivery::post;
    filter.limit = std::max(1, limit);
    TRY_ASSIGN(auto found, tx.list_dossiers(filter));
    for (const db::Dossier& d : found) ready.push_back(d.id);
    return {};
  }));
  std::sort(ready.begin(), ready.end());

  DispatchReport report;
  for (std::size_t i = 0; i < ready.size(); ++i) {
    // Another station may have posted it since the list was read: not this run's failure.
    bool still_ready = true;
    if (auto read = store.read([&](db::Transaction& tx) -> Result<void> {
          TRY_ASSIGN(auto d, tx.get_dossier(ready[i]));
          still_ready = d && d->state == db::DossierState::processed &&
                        d->result_delivery == db::ResultDelivery::post;
          return {};
        });
        !read) {
      report.stopped = read.error();
      report.not_tried = static_cast<int>(ready.size() - i);
      break;
    }
    if (!still_ready) {
      ++report.skipped;
      continue;
    }
    Result<Dispatched> one = dispatch_return(store, carrier, clock, ready[i], options);
    if (on_each) on_each(ready[i], one);
    if (one) {
      report.dispatched.push_back(std::move(*one));
      continue;
    }
    report.failures.emplace(ready[i], one.error());
    // The carrier is down or the database refuses: the next dossiers would fail the same way.
    if (one.error().code == ErrorCode::unavailable || one.error().code == ErrorCode::io_error) {
      report.stopped = one.error();
      report.not_tried = static_cast<int>(ready.size() - i - 1);
      break;
    }
  }
  return report;
}

Result<db::Applicant> update_contact(db::Store& store, const common::Clock& clock,
                                     db::Id dossier_id, const ContactUpdate& update,
                                     const std::string& actor) {
  constexpr std::size_t k_max_text = 300;
  std::vector<std::string> changed;
  const auto check_text = [&](const std::optional<std::string>& field,
                              const common::MessageDef* name) -> Result<void> {
    if (field && field->size() > k_max_text) {
      return make_error(ErrorCode::invalid_argument, msg::field_too_long,
                        {{"field", common::Text{*name}}, {"max", k_max_text}});
    }
    return {};
  };
  for (const auto& [field, name] : {std::pair{&update.full_name, &msg::field_full_name},
                                    std::pair{&update.id_number, &msg::field_id_number},
                                    std::pair{&update.address, &msg::field_address},
                                    std::pair{&update.return_address, &msg::field_return_address},
                                    std::pair{&update.phone, &msg::field_phone}}) {
    TRY(check_text(*field, name));
  }
  std::optional<std::string> phone;
  if (update.phone && !trimmed(*update.phone).empty()) {
    phone = normalised_phone(*update.phone);
    if (!phone) {
      return make_error(ErrorCode::invalid_argument, msg::bad_phone);
    }
  }

  db::Applicant result;
  TRY(store.write([&](db::Transaction& tx) -> Result<void> {
    changed.clear();
    TRY_ASSIGN(auto dossier, tx.get_dossier(dossier_id));
    if (!dossier) {
      return make_error(ErrorCode::not_found, msg::no_dossier_id, {{"id", dossier_id}});
    }
    if (dossier->state == db::DossierState::return_dispatched &&
        (update.phone || update.address || update.return_address || update.full_name)) {
      // The label and the carrier's order already carry the old details.
      return make_error(ErrorCode::invalid_argument, msg::contact_locked_in_transit,
                        {{"id", dossier_id}});
    }
    TRY_ASSIGN(auto existing, tx.applicant_of(dossier_id));
    db::Applicant applicant = existing.value_or(db::Applicant{});
    applicant.dossier_id = dossier_id;
    const auto set = [&](std::string& target, const std::optional<std::string>& value,
                         const char* name) {
      if (!value) return;
      const std::string clean = trimmed(*value);
      if (clean != target) {
        target = clean;
        changed.emplace_back(name);
      }
    };
    set(applicant.full_name, update.full_name, "full_name");
    set(applicant.id_number, update.id_number, "id_number");
    set(applicant.address, update.address, "address");
    set(applicant.return_address, update.return_address, "return_address");
    if (update.phone) set(applicant.phone, phone.value_or(""), "phone");
    if (existing) {
      if (changed.empty()) {
        result = applicant;
        return {};
      }
      TRY(tx.update_applicant(applicant));
    } else {
      if (applicant.full_name.empty()) {
        return make_error(ErrorCode::invalid_argument, msg::applicant_needs_name,
                          {{"id", dossier_id}});
      }
      applicant.source = "typed";
      TRY_ASSIGN(auto id, tx.insert_applicant(applicant));
      applicant.id = id;
    }
    db::Event event;
    event.at = clock.now();
    event.actor = actor;
    event.entity = "dossier";
    event.entity_id = dossier_id;
    event.action = db::EventKind::applicant_updated;
    event.data = nlohmann::json{{"fields", changed}}.dump();
    TRY(tx.append_event(event));
    result = applicant;
    return {};
  }));
  return result;
}

}  // namespace tracking
