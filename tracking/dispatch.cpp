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
    return make_error(ErrorCode::invalid_argument, msg::applicant_missing,
                      {{"id", dossier.id}, {"code", *dossier.code}, {"missing", std::move(list)}});
  }
  const db::Applicant& person = *applicant;

  TRY_ASSIGN(auto agency, tx.get_agency(dossier.agency_id));
  TRY_ASSIGN(auto agency_address, tx.setting(db::k_setting_agency_address));
  TRY_ASSIGN(auto agency_phone, tx.setting(db::k_setting_agency_phone));
  if (!agency_address || trimmed(*agency_address).empty()) {
    return make_error(ErrorCode::invalid_argument, msg::desk_address_missing);
  }

  postal_api::ShipmentOrder& order = plan.order;
  order.service = options.service;
  order.sender.name = agency ? agency->name : std::string("Bộ phận Một cửa");
  order.sender.address = trimmed(*agency_address);
  order.sender.phone = agency_phone.value_or("");
  order.receiver.name = trimmed(person.full_name);
  order.receiver.phone = normalised_phone(person.phone).value_or(trimmed(person.phone));
  order.receiver.address = trimmed(person.return_address).empty() ? trimmed(person.address)
                                                                  : trimmed(person.return_address);
  order.content = options.content;
  order.weight_grams = options.weight_grams;
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
  const auto returns = std::count_if(shipments.begin(), shipments.end(), [](const db::Shipment& s) {
    return s.direction == db::Direction::outbound;
  });
  for (const db::ReturnOrder& o : orders) {
    if (o.state != db::ReturnOrderState::open || o.carrier != carrier_name) continue;
    if (o.receiver_fingerprint == fingerprint && plan.return_order_id == 0) {
      plan.return_order_id = o.id;
      plan.order_code = o.order_code;
    } else {
      plan.to_cancel.push_back(o);
    }
  }
  if (plan.return_order_id == 0) {
    const auto attempt = std::max<std::int64_t>(static_cast<std::int64_t>(orders.size()), returns);
    db::ReturnOrder order;
    order.dossier_id = plan.dossier.id;
    order.carrier = std::string(carrier_name);
    order.order_code = return_order_code(*plan.dossier.code, static_cast<int>(attempt) + 1);
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
                               const db::ReturnOrder& old, const DispatchOptions& options) {
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
    TRY(tx.append_event(dossier_event(plan.dossier.id, now, options.actor,
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
                                  const DispatchOptions& options) {
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
  TRY(check_allowed(*current, Action::dispatch_return));

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
  TRY_ASSIGN(auto shipment_id, tx.insert_shipment(shipment));
  out.shipment_id = shipment_id;

  ActionRequest request;
  request.action = Action::dispatch_return;
  request.actor = options.actor;
  request.details = {{"tracking_number", created.tracking_number},
                     {"order_code", plan.order_code},
                     {"carrier", std::string(carrier_name)},
                     {"service", options.service},
                     {"price_vnd", std::to_string(created.price_vnd)}};
  TRY(apply_action(tx, now, plan.dossier.id, request));
  return out;
}

}  // namespace

std::string return_order_code(std::string_view dossier_code, int attempt) {
  return fmt::format("{}-R{}", dossier_code, attempt);
}

Result<Dispatched> dispatch_return(db::Store& store, postal_api::Carrier& carrier,
                                   const common::Clock& clock, db::Id dossier_id,
                                   const DispatchOptions& options) {
  if (trimmed(options.actor).empty()) {
    return make_error(ErrorCode::invalid_argument, msg::dispatch_needs_actor);
  }
  const std::string carrier_name(carrier.name());
  // 1. Check, and write the open return order before the carrier hears of it.
  std::optional<Plan> plan;
  TRY(store.write([&](db::Transaction& tx) -> Result<void> {
    TRY_ASSIGN(auto planned, plan_dispatch(tx, dossier_id, options));
    TRY(open_order(tx, planned, carrier_name, clock.now()));
    plan = std::move(planned);
    return {};
  }));
  const auto dossier_args = [&](common::Args more) {
    common::Args args{{"id", plan->dossier.id}, {"code", *plan->dossier.code}};
    for (auto& a : more) args.push_back(std::move(a));
    return args;
  };

  // 2. Orders sent for an earlier receiver are cancelled before a new one goes out.
  for (const db::ReturnOrder& old : plan->to_cancel) {
    TRY(cancel_superseded(store, carrier, clock, *plan, old, options));
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
    TRY_ASSIGN(auto stored, store_dispatch(tx, *plan, *created, carrier_name, now, options));
    TRY(tx.close_return_order(plan->return_order_id, db::ReturnOrderState::stored, now));
    // A retry may learn that the shipment is already delivered, back, or cancelled.
    if (!stored.already) {
      TRY(follow_return(tx, stored.shipment_id, now, options.actor));
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
