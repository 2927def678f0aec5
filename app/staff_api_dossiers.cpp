// Staff API: the officers' dossier list, one dossier's page, the lifecycle actions and the
// printable forms (docs/api.md, "Dossiers").
#include <fmt/format.h>

#include <algorithm>
#include <span>

#include "app/http_support.hpp"
#include "app/staff_routes.hpp"
#include "tracking/dispatch.hpp"
#include "tracking/documents.hpp"
#include "tracking/fees.hpp"
#include "tracking/lifecycle.hpp"
#include "tracking/lookup.hpp"
#include "tracking/messages.hpp"
#include "tracking/result_delivery.hpp"
#include "tracking/staff_queries.hpp"
#include "tracking/transfers.hpp"

namespace app::staff_routes {
namespace {

// One row of the staff's dossier list, as the pages read it.
json dossier_row_json(const tracking::DossierRow& row, common::Lang lang) {
  const db::Dossier& d = row.dossier;
  const auto text_or_null = [](const std::string& text) {
    return text.empty() ? json() : json(text);
  };
  return {{"id", d.id},
          {"code", d.code ? json(*d.code) : json()},
          {"portal_code", d.portal_code},
          {"state", db::dossier_state_name(d.state)},
          {"state_label", tracking::state_label(d.state).wording(lang)},
          {"national_status", db::national_status_code(d.state)},
          {"filed_at", common::format_iso(d.filed_at)},
          {"due_at", time_or_null(d.due_at)},
          {"overdue", row.overdue},
          {"reappointed", d.reappointed},
          {"procedure_code", row.procedure ? json(row.procedure->code) : json()},
          {"procedure_name", row.procedure ? json(row.procedure->name) : json()},
          {"field", row.procedure ? json(row.procedure->field) : json()},
          {"tracking_number", text_or_null(row.tracking_number)},
          {"return_tracking_number", text_or_null(row.return_tracking_number)},
          {"applicant_name", text_or_null(row.applicant_name)},
          {"applicant_phone", text_or_null(row.applicant_phone)},
          {"return_address", text_or_null(row.return_address)},
          {"result_delivery", db::result_delivery_name(d.result_delivery)}};
}

// Procedures as the pages offer them: code, name and field.
json procedures_json(const std::vector<db::Procedure>& list) {
  json out = json::array();
  for (const db::Procedure& p : list) {
    out.push_back({{"code", p.code}, {"name", p.name}, {"field", p.field}});
  }
  return out;
}

// "YYYY-MM-DD" of a query parameter as the start of that local day (or of the next day when
// `end_of_day`); nothing when absent; invalid_argument naming the parameter for anything else.
Result<std::optional<common::Timestamp>> day_param(const Request& req, const char* name,
                                                   bool end_of_day) {
  if (!req.has_param(name) || req.get_param_value(name).empty()) {
    return std::optional<common::Timestamp>{};
  }
  auto day = common::parse_date(req.get_param_value(name));
  if (!day) {
    return field_error(name, day.error());
  }
  common::Date date = *day;
  if (end_of_day) date = common::Date{std::chrono::sys_days{date} + std::chrono::days{1}};
  return std::optional<common::Timestamp>{common::local_time(date, 0, 0)};
}

// The list's query from the request's parameters (limit, offset, sort, order, state, field, from,
// to, view, q). The order is one of tracking::parse_list_sort's names, never SQL.
Result<tracking::DossierQuery> query_of(const Request& req) {
  tracking::DossierQuery query;
  if (req.has_param("limit")) {
    try {
      query.limit = std::clamp(std::stoi(req.get_param_value("limit")), 1, k_max_list);
    } catch (const std::exception&) {
      return make_error(ErrorCode::invalid_argument, msg::limit_not_number);
    }
  }
  if (req.has_param("offset")) {
    try {
      std::size_t used = 0;
      const std::string text = req.get_param_value("offset");
      query.offset = std::stoll(text, &used);
      if (used != text.size() || query.offset < 0) throw std::invalid_argument("offset");
    } catch (const std::exception&) {
      return make_error(ErrorCode::invalid_argument, msg::offset_not_number);
    }
  }
  if (const std::string sort = req.get_param_value("sort"); !sort.empty()) {
    const auto parsed = tracking::parse_list_sort(sort);
    if (!parsed) {
      return make_error(ErrorCode::invalid_argument, msg::no_such_sort,
                        {{"sort", sort.substr(0, 40)}});
    }
    query.sort = *parsed;
  }
  if (const std::string order = req.get_param_value("order"); !order.empty()) {
    if (order != "asc" && order != "desc") {
      return make_error(ErrorCode::invalid_argument, msg::no_such_order,
                        {{"order", order.substr(0, 40)}});
    }
    query.descending = order == "desc";
  }
  if (const std::string state = req.get_param_value("state"); !state.empty()) {
    query.state = db::parse_dossier_state(state);
    if (!query.state) {
      return make_error(ErrorCode::invalid_argument, msg::no_such_state,
                        {{"state", state.substr(0, 40)}});
    }
  }
  query.field = req.get_param_value("field");
  TRY_ASSIGN(query.filed_from, day_param(req, "from", false));
  TRY_ASSIGN(query.filed_to, day_param(req, "to", true));
  const std::string view = req.get_param_value("view");
  const auto parsed_view = tracking::parse_list_view(view);
  if (!parsed_view) {
    return make_error(ErrorCode::invalid_argument, msg::no_such_view,
                      {{"view", view.substr(0, 40)}});
  }
  query.view = *parsed_view;
  query.text = req.get_param_value("q");
  return query;
}

Result<Reply> list_dossiers(Context& desk, const Request& req, const staff::Principal&) {
  TRY_ASSIGN(const auto query, query_of(req));
  TRY_ASSIGN(const auto page, tracking::search_dossiers(desk.store, desk.clock, query));
  json rows = json::array();
  for (const tracking::DossierRow& row : page.rows)
    rows.push_back(dossier_row_json(row, http::request_lang(req)));
  const auto count = rows.size();
  return json_reply(json{{"dossiers", std::move(rows)},
                         {"count", count},
                         {"total", page.total},
                         {"offset", query.offset},
                         {"limit", query.limit},
                         {"sort", tracking::list_sort_name(query.sort)},
                         {"key_match", page.key_match ? json(*page.key_match) : json()},
                         {"order", query.descending ? "desc" : "asc"}});
}

Result<Reply> show_dossier(Context& desk, const Request& req, const staff::Principal&) {
  TRY_ASSIGN(const db::Id id, id_param(req));
  TRY_ASSIGN(const auto page, tracking::dossier_page(desk.store, desk.clock, id));
  json answer = tracking::staff_object(page.view);
  const common::Lang lang = http::request_lang(req);
  for (json& scan : answer["scans"]) {
    for (json& code : scan["codes"]) {
      code["problem"] =
          problem_of(code.value("text", ""), code.value("problem", ""), desk.classifier, lang);
    }
  }
  // Who did each step, by the name the staff know each other by (the login stays, for audits).
  for (json& step : answer["history"]) {
    const auto name = page.actor_names.find(step.value("actor", ""));
    step["actor_name"] = name != page.actor_names.end() ? json(name->second) : json();
  }
  // The deadline as the lists and the header count it: overdue, or due within a working day.
  answer["deadline"] = page.deadline == tracking::DeadlineStatus::overdue    ? json("overdue")
                       : page.deadline == tracking::DeadlineStatus::due_soon ? json("due_soon")
                                                                             : json();
  // The fees: staff only (the payer is personal data).
  json receipts = json::array();
  for (const db::FeeReceipt& r : page.fees.receipts) {
    receipts.push_back({{"id", r.id},
                        {"amount_vnd", r.amount_vnd},
                        {"payer", r.payer},
                        {"receipt_number", r.receipt_number},
                        {"method", db::payment_method_name(r.method)},
                        {"paid_at", common::format_iso(r.paid_at)},
                        {"recorded_by", r.recorded_by}});
  }
  answer["fees"] = {{"due_vnd", page.fees.due_vnd},
                    {"paid_vnd", page.fees.paid_vnd},
                    {"receipts", std::move(receipts)}};
  json actions = json::array();
  for (tracking::Action a : page.actions) actions.push_back(tracking::action_name(a));
  answer["allowed_actions"] = std::move(actions);
  answer["documents"] = page.documents;
  answer["procedures"] = procedures_json(page.procedures);
  // docs/domain.md §1.4a, Decree 118/2025 Art. 20(2): a unit late while it still holds the
  // dossier after its deadline, and the transfer slip of each handover to another unit.
  const std::vector<db::UnitHandover>& handovers = page.view.handovers;
  json& handover_rows = answer["handovers"];
  int slip = 0;
  for (std::size_t i = 0; i < handovers.size() && i < handover_rows.size(); ++i) {
    handover_rows[i]["overdue"] =
        tracking::handover_overdue(handovers[i], i + 1 == handovers.size(), desk.clock.now());
    if (!handovers[i].back_to_desk) {
      handover_rows[i]["slip"] =
          fmt::format("/api/dossiers/{}/documents/transfer-slip?number={}", id, ++slip);
    }
  }
  return json_reply(answer);
}

// The action's request from the body (reason, procedure, missing, new_date).
Result<tracking::ActionRequest> action_request_of(const Request& req, tracking::Action action,
                                                  const staff::Principal& who) {
  TRY_ASSIGN(const json body, json_body(req));
  tracking::ActionRequest request;
  request.action = action;
  request.actor = who.login;
  TRY_ASSIGN(request.reason, string_field(body, "reason"));
  TRY_ASSIGN(request.procedure_code, string_field(body, "procedure"));
  TRY_ASSIGN(request.missing, string_field(body, "missing"));
  TRY_ASSIGN(const std::string new_date, string_field(body, "new_date"));
  if (!new_date.empty()) {
    auto date = common::parse_date(new_date);
    if (!date) {
      return field_error("new_date", date.error());
    }
    request.new_date = *date;
  }
  return request;
}

Result<Reply> act(Context& desk, const Request& req, const staff::Principal& who) {
  TRY_ASSIGN(const db::Id id, id_param(req));
  const auto action = tracking::parse_action(req.matches[2]);
  if (!action || *action == tracking::Action::dispatch_return) {
    return make_error(ErrorCode::not_found, msg::no_such_action,
                      {{"action", req.matches[2].substr(0, 40)}});
  }
  TRY_ASSIGN(const auto request, action_request_of(req, *action, who));
  TRY_ASSIGN(const auto moved, tracking::Lifecycle(desk.store, desk.clock).apply(id, request));
  TRY_ASSIGN(const auto row, tracking::dossier_row(desk.store, desk.clock, moved.after.id));
  const common::Lang lang = http::request_lang(req);
  json answer{
      {"dossier", dossier_row_json(row, lang)},
      {"message", common::fill("{action}: {state}",
                               {{"action", common::Text{tracking::action_label(*action)}},
                                {"state", common::Text{tracking::state_label(moved.after.state)}}},
                               lang)}};
  if (!moved.warning.empty()) answer["warning"] = moved.warning.render(lang);
  return json_reply(answer);
}

// Accepting received dossiers under one procedure (a post batch, the same kind of application):
// each in a transaction of its own, so that one another officer moved meanwhile, or that cannot
// be accepted, is reported and leaves the others accepted. Answers which were accepted, with
// their codes and due dates, and which were not, and why.
Result<Reply> accept_many(Context& desk, const Request& req, const staff::Principal& who) {
  TRY_ASSIGN(const json body, json_body(req));
  TRY_ASSIGN(const auto ids, ids_of(body, msg::accept_needs_ids));
  TRY_ASSIGN(const std::string procedure, string_field(body, "procedure", true));
  // An unknown code is one error, not one for each dossier.
  TRY_ASSIGN(const auto catalogue,
             desk.store.read<std::vector<db::Procedure>>(
                 [](db::Transaction& tx) { return tracking::latest_procedures(tx); }));
  if (std::none_of(catalogue.begin(), catalogue.end(),
                   [&](const db::Procedure& p) { return p.code == procedure; })) {
    return make_error(ErrorCode::invalid_argument, tracking::msg::unknown_procedure,
                      {{"procedure", procedure.substr(0, 60)}});
  }
  tracking::ActionRequest request;
  request.action = tracking::Action::accept;
  request.actor = who.login;
  request.procedure_code = procedure;
  const common::Lang lang = http::request_lang(req);
  tracking::Lifecycle lifecycle(desk.store, desk.clock);
  json accepted = json::array();
  json failed = json::array();
  for (const db::Id id : ids) {
    const auto moved = lifecycle.apply(id, request);
    if (!moved) {
      failed.push_back({{"id", id}, {"message", moved.error().render(lang)}});
      continue;
    }
    json one{{"id", id},
             {"code", moved->after.code ? json(*moved->after.code) : json()},
             {"due_at", time_or_null(moved->after.due_at)}};
    if (!moved->warning.empty()) one["warning"] = moved->warning.render(lang);
    accepted.push_back(std::move(one));
  }
  return json_reply(json{{"accepted", std::move(accepted)}, {"failed", std::move(failed)}});
}

// Closes (stops) every dossier whose supplement did not come within the desk's period (Decree
// 118/2025 Art. 19(5), docs/domain.md §1.3): the list view supplement_expired, in one go.
Result<Reply> close_expired(Context& desk, const Request&, const staff::Principal& who) {
  tracking::Lifecycle lifecycle(desk.store, desk.clock);
  TRY_ASSIGN(const auto closed, lifecycle.close_expired_supplements(who.login));
  json list = json::array();
  for (const tracking::Transition& t : closed) {
    list.push_back({{"id", t.after.id},
                    {"code", t.after.code ? json(*t.after.code) : json()},
                    {"state", db::dossier_state_name(t.after.state)}});
  }
  return json_reply(json{{"closed", std::move(list)}});
}

// The receipts (form 01) of several accepted dossiers as one document to print at once, on A5
// unless "paper=a4"; a page saying why when one of them has none.
Result<Reply> receipts(Context& desk, const Request& req, const staff::Principal&) {
  const common::Lang lang = http::request_lang(req);
  const auto ids = id_list(req.get_param_value("ids"));
  if (!ids) return document_error_reply(ids.error(), lang);
  const auto paper = req.has_param("paper")
                         ? tracking::parse_paper_size(req.get_param_value("paper"))
                         : std::optional{tracking::PaperSize::a5};
  if (!paper) {
    return document_error_reply(make_error(ErrorCode::invalid_argument, msg::no_such_paper), lang);
  }
  auto html = desk.store.read<std::string>([&](db::Transaction& tx) -> Result<std::string> {
    std::vector<tracking::ReceiptForm> forms;
    for (const db::Id id : *ids) {
      TRY_ASSIGN(auto form, tracking::load_receipt(tx, id));
      form.paper = *paper;
      forms.push_back(std::move(form));
    }
    return tracking::render_receipts(forms);
  });
  if (!html) return document_error_reply(html.error(), lang);
  return document_reply(std::move(*html));
}

// The procedures a dossier may be accepted under: the newest version of each, by code.
Result<Reply> procedures(Context& desk, const Request&, const staff::Principal&) {
  TRY_ASSIGN(const auto latest,
             desk.store.read<std::vector<db::Procedure>>(
                 [](db::Transaction& tx) { return tracking::latest_procedures(tx); }));
  return json_reply(json{{"procedures", procedures_json(latest)}});
}

// What waits for the caller's role, for the pages' header: the dossier counts for those who read
// dossiers, the manual queue for those who scan.
Result<Reply> workload(Context& desk, const Request&, const staff::Principal& who) {
  TRY_ASSIGN(const auto work, tracking::desk_workload(desk.store, desk.clock));
  json answer = json::object();
  if (staff::role_allows(who.role, staff::Permission::read_dossiers)) {
    answer["waiting_acceptance"] = work.waiting_acceptance;
    answer["acceptance_late"] = work.acceptance_late;
    answer["supplement_expired"] = work.supplement_expired;
    answer["due_soon"] = work.due_soon;
    answer["overdue"] = work.overdue;
    answer["ready"] = work.ready;
    answer["waiting_collection"] = work.waiting_collection;
  }
  if (staff::role_allows(who.role, staff::Permission::scan)) {
    answer["manual_queue"] = work.manual_queue;
  }
  return json_reply(answer);
}

// The applicant's details typed by an officer (from the consignment note or the application
// form): each field present in the body replaces the stored one ("" clears it), absent fields are
// kept. Answers the applicant as the dossier page shows it.
Result<Reply> edit_applicant(Context& desk, const Request& req, const staff::Principal& who) {
  TRY_ASSIGN(const db::Id id, id_param(req));
  TRY_ASSIGN(const json body, json_body(req));
  tracking::ContactUpdate update;
  for (const auto& [name, target] :
       {std::pair{"full_name", &update.full_name}, std::pair{"id_number", &update.id_number},
        std::pair{"phone", &update.phone}, std::pair{"address", &update.address},
        std::pair{"return_address", &update.return_address}}) {
    if (!body.contains(name)) continue;
    TRY_ASSIGN(*target, string_field(body, name));
  }
  TRY_ASSIGN(const db::Applicant saved,
             tracking::update_contact(desk.store, desk.clock, id, update, who.login));
  return json_reply(json{{"applicant",
                          {{"full_name", saved.full_name},
                           {"id_number", saved.id_number},
                           {"phone", saved.phone},
                           {"address", saved.address},
                           {"return_address", saved.return_address},
                           {"source", saved.source}}}});
}

// The citizen's choice of how the result goes back (docs/domain.md §1.5): {"delivery": "post" |
// "desk"}. Answers the dossier's row.
Result<Reply> set_result_delivery(Context& desk, const Request& req, const staff::Principal& who) {
  TRY_ASSIGN(const db::Id id, id_param(req));
  TRY_ASSIGN(const json body, json_body(req));
  TRY_ASSIGN(const std::string name, string_field(body, "delivery", true));
  const auto delivery = db::parse_result_delivery(name);
  if (!delivery) {
    return make_error(ErrorCode::invalid_argument, tracking::msg::unknown_result_delivery,
                      {{"value", name.substr(0, 20)}});
  }
  TRY(tracking::set_result_delivery(desk.store, desk.clock, id, *delivery, who.login));
  TRY_ASSIGN(const auto row, tracking::dossier_row(desk.store, desk.clock, id));
  return json_reply(json{{"dossier", dossier_row_json(row, http::request_lang(req))}});
}

// The result handed over at the desk: {"recipient": "citizen" | "authorised", "name": "...",
// "id_number": "..."}. Answers the dossier's row and where its handover record prints.
Result<Reply> collect_result(Context& desk, const Request& req, const staff::Principal& who) {
  TRY_ASSIGN(const db::Id id, id_param(req));
  TRY_ASSIGN(const json body, json_body(req));
  tracking::CollectionRequest request;
  request.actor = who.login;
  TRY_ASSIGN(const std::string kind, string_field(body, "recipient"));
  if (!kind.empty()) {
    const auto parsed = db::parse_recipient_kind(kind);
    if (!parsed) {
      return make_error(ErrorCode::invalid_argument, tracking::msg::unknown_recipient_kind,
                        {{"value", kind.substr(0, 20)}});
    }
    request.recipient_kind = *parsed;
  }
  TRY_ASSIGN(request.recipient_name, string_field(body, "name"));
  TRY_ASSIGN(request.recipient_id_number, string_field(body, "id_number"));
  TRY(tracking::record_collection(desk.store, desk.clock, id, request));
  TRY_ASSIGN(const auto row, tracking::dossier_row(desk.store, desk.clock, id));
  return json_reply(json{{"dossier", dossier_row_json(row, http::request_lang(req))},
                         {"document", fmt::format("/api/dossiers/{}/documents/collection", id)}});
}

// A fee receipt typed from the receipt (docs/domain.md §5.5): {"amount_vnd": 1250000, "payer":
// "...", "receipt_number": "...", "method": "desk" | "post" | "online", "paid_at": "YYYY-MM-DD
// HH:MM" (optional: now)}. A dossier waiting for its fees moves on. Answers the dossier's row and
// whether it moved.
Result<Reply> record_fee(Context& desk, const Request& req, const staff::Principal& who) {
  TRY_ASSIGN(const db::Id id, id_param(req));
  TRY_ASSIGN(const json body, json_body(req));
  tracking::FeePayment payment;
  const auto amount = body.find("amount_vnd");
  if (amount == body.end() || !amount->is_number_integer()) {
    return make_error(ErrorCode::invalid_argument, tracking::msg::fee_amount_invalid,
                      {{"id", id}, {"amount", amount == body.end() ? "" : amount->dump()}});
  }
  payment.amount_vnd = amount->get<std::int64_t>();
  TRY_ASSIGN(payment.payer, string_field(body, "payer"));
  TRY_ASSIGN(payment.receipt_number, string_field(body, "receipt_number"));
  TRY_ASSIGN(const std::string method, string_field(body, "method"));
  if (!method.empty()) {
    const auto parsed = db::parse_payment_method(method);
    if (!parsed) {
      return make_error(ErrorCode::invalid_argument, tracking::msg::unknown_payment_method,
                        {{"value", method.substr(0, 20)}});
    }
    payment.method = *parsed;
  }
  TRY_ASSIGN(const std::string paid_at, string_field(body, "paid_at"));
  if (!paid_at.empty()) {
    auto when = common::parse_local(paid_at);
    if (!when) return field_error("paid_at", when.error());
    payment.paid_at = *when;
  }
  TRY_ASSIGN(const auto recorded,
             tracking::record_fee(desk.store, desk.clock, id, payment, who.login));
  TRY_ASSIGN(const auto row, tracking::dossier_row(desk.store, desk.clock, id));
  return json_reply(json{{"dossier", dossier_row_json(row, http::request_lang(req))},
                         {"receipt_id", recorded.receipt.id},
                         {"moved", recorded.moved.has_value()}});
}

// A handover between units (docs/domain.md §1.4a): {"to_unit": "...", "to_person": "...",
// "from_person": "...", "note": "...", "due": "YYYY-MM-DD" | "days": N} hands the dossier on, with
// the receiving unit's deadline when given (Decree 118/2025 Art. 20(2)); {"back": true,
// "from_person": "...", "note": "..."} records it back at the desk. Answers the dossier's row and
// the handover, with where its transfer slip prints.
Result<Reply> transfer(Context& desk, const Request& req, const staff::Principal& who) {
  TRY_ASSIGN(const db::Id id, id_param(req));
  TRY_ASSIGN(const json body, json_body(req));
  const bool back = body.is_object() && body.contains("back") && body["back"].is_boolean() &&
                    body["back"].get<bool>();
  TRY_ASSIGN(const std::string from_person, string_field(body, "from_person"));
  TRY_ASSIGN(const std::string note, string_field(body, "note"));
  db::UnitHandover done;
  if (back) {
    TRY_ASSIGN(done,
               tracking::return_from_unit(desk.store, desk.clock, id,
                                          tracking::UnitReturn{from_person, note, who.login}));
  } else {
    tracking::Transfer request;
    TRY_ASSIGN(request.to_unit, string_field(body, "to_unit"));
    TRY_ASSIGN(request.to_person, string_field(body, "to_person"));
    request.from_person = from_person;
    request.note = note;
    request.actor = who.login;
    TRY_ASSIGN(const std::string due, string_field(body, "due"));
    if (!due.empty()) {
      auto date = common::parse_date(due);
      if (!date) return field_error("due", date.error());
      request.due_date = *date;
    }
    if (const auto days = body.find("days"); days != body.end() && !days->is_null()) {
      if (!days->is_number_integer()) {
        return make_error(ErrorCode::invalid_argument, msg::field_not_whole_number,
                          {{"field", "days"}});
      }
      // Clamped into int's range; tracking refuses anything outside 0..365.
      request.days = static_cast<int>(std::clamp<std::int64_t>(days->get<std::int64_t>(), -1, 366));
    }
    TRY_ASSIGN(done, tracking::transfer_dossier(desk.store, desk.clock, id, request));
  }
  TRY_ASSIGN(const auto row, tracking::dossier_row(desk.store, desk.clock, id));
  json handover = {{"id", done.id},
                   {"at", common::format_iso(done.at)},
                   {"from_unit", done.from_unit},
                   {"to_unit", done.to_unit},
                   {"back_to_desk", done.back_to_desk},
                   {"due_at", time_or_null(done.due_at)}};
  if (!done.back_to_desk) {
    TRY_ASSIGN(const int number, tracking::transfer_slip_number(desk.store, id, done.id));
    handover["slip"] =
        fmt::format("/api/dossiers/{}/documents/transfer-slip?number={}", id, number);
  }
  return json_reply(
      json{{"dossier", dossier_row_json(row, http::request_lang(req))}, {"handover", handover}});
}

Result<Reply> document(Context& desk, const Request& req, const staff::Principal&) {
  TRY_ASSIGN(const db::Id id, id_param(req));
  const std::string kind = req.matches[2];
  auto html = desk.store.read<std::string>([&](db::Transaction& tx) -> Result<std::string> {
    Result<std::string> rendered = common::Error{ErrorCode::not_found, ""};
    if (const auto form = tracking::parse_form_kind(kind)) {
      rendered = tracking::render_form(tx, id, *form);
    } else if (kind == "transfer-slip") {
      // Decree 118/2025 Art. 20(2): ?number=N, the N-th handover to another unit (default the
      // latest).
      int number = 0;
      if (const std::string n = req.get_param_value("number"); !n.empty()) {
        if (n.size() > 4 ||
            !std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; })) {
          return make_error(ErrorCode::not_found, msg::no_such_document);
        }
        number = std::stoi(n);
      }
      if (auto slip = tracking::load_transfer_slip(tx, id, number)) {
        rendered = tracking::render_transfer_slip(*slip);
      } else {
        rendered = std::move(slip).error();
      }
    } else if (kind == "label") {
      TRY_ASSIGN(const auto label, tracking::load_return_label(tx, id));
      rendered =
          tracking::render_labels(std::span<const tracking::ReturnLabel>(&label, 1),
                                  tracking::LabelSize::a6, tracking::LabelLayout::one_per_page);
    } else {
      return make_error(ErrorCode::not_found, msg::no_such_document);
    }
    if (!rendered) {
      // "does not apply to this dossier" is a missing document for the page.
      common::Error error = std::move(rendered).error();
      if (error.code == ErrorCode::invalid_argument) error.code = ErrorCode::not_found;
      return error;
    }
    return rendered;
  });
  if (!html) return document_error_reply(html.error(), http::request_lang(req));
  return document_reply(std::move(*html));
}

}  // namespace

std::vector<Route> dossier_routes() {
  using P = staff::Permission;
  return {{Method::get, "/api/dossiers", P::read_dossiers, list_dossiers},
          {Method::get, "/api/dossiers/<int>", P::read_dossiers, show_dossier},
          {Method::post, "/api/dossiers/<int>/actions/<name>", P::act, act},
          {Method::post, "/api/dossiers/<int>/applicant", P::act, edit_applicant},
          {Method::post, "/api/dossiers/<int>/result-delivery", P::act, set_result_delivery},
          {Method::post, "/api/dossiers/<int>/collection", P::act, collect_result},
          {Method::post, "/api/dossiers/<int>/fees", P::act, record_fee},
          {Method::post, "/api/dossiers/<int>/transfer", P::act, transfer},
          {Method::post, "/api/dossiers/accept", P::act, accept_many},
          {Method::post, "/api/dossiers/close-expired", P::act, close_expired},
          {Method::get, "/api/receipts", P::read_dossiers, receipts},
          {Method::get, "/api/procedures", P::read_dossiers, procedures},
          {Method::get, "/api/workload", std::nullopt, workload},
          {Method::get, "/api/dossiers/<int>/documents/<name>", P::read_dossiers, document}};
}

}  // namespace app::staff_routes
