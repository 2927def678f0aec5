// Staff API: posting results back to citizens and printing their return labels (docs/api.md,
// "Dispatch").
#include <fmt/format.h>

#include "app/http_support.hpp"
#include "app/staff_routes.hpp"
#include "tracking/dispatch.hpp"
#include "tracking/documents.hpp"
#include "tracking/messages.hpp"

namespace app::staff_routes {
namespace {

// What one dispatch request did, as the page reads it.
struct Outcome {
  common::Lang lang = common::Lang::vi;  // of the messages
  json dispatched = json::array();
  json failed = json::array();
  json skipped = json::array();

  void record(db::Id id, const Result<tracking::Dispatched>& r) {
    if (r) {
      dispatched.push_back({{"id", id},
                            {"code", r->dossier_code},
                            {"tracking_number", r->tracking_number},
                            {"already", r->already}});
    } else {
      // "problem": the message's id ("applicant_missing"...), so the page can offer the fix.
      failed.push_back({{"id", id},
                        {"error", common::error_code_name(r.error().code)},
                        {"problem", std::string(r.error().text.id())},
                        {"message", r.error().render(lang)}});
    }
  }
};

// Every ready dossier; 503 with what was done when the carrier stopped answering.
Result<Reply> dispatch_all_ready(Context& desk, const tracking::DispatchOptions& options,
                                 common::Lang lang) {
  Outcome outcome{lang};
  TRY_ASSIGN(const auto report,
             tracking::dispatch_ready(
                 desk.store, *desk.carrier, desk.clock, options, k_max_list,
                 [&](db::Id id, const Result<tracking::Dispatched>& r) { outcome.record(id, r); }));
  if (report.stopped) {
    json answer = http::error_json(
        "unavailable",
        make_error(
            ErrorCode::unavailable, msg::dispatch_stopped,
            {{"problem", report.stopped->text.empty() ? common::Text{msg::carrier_unavailable}
                                                      : report.stopped->text},
             {"count", report.not_tried}}),
        lang);
    answer["dispatched"] = outcome.dispatched;
    answer["failed"] = outcome.failed;
    return json_reply(answer, 503);
  }
  return json_reply(json{{"dispatched", outcome.dispatched},
                         {"failed", outcome.failed},
                         {"skipped", outcome.skipped}});
}

// The dossiers named; another station's dispatch meanwhile is skipped, a dead carrier stops.
Result<Reply> dispatch_some(Context& desk, const std::vector<db::Id>& ids,
                            const tracking::DispatchOptions& options, common::Lang lang) {
  Outcome outcome{lang};
  for (const db::Id id : ids) {
    auto one = tracking::dispatch_return(desk.store, *desk.carrier, desk.clock, id, options);
    if (!one &&
        (one.error().code == ErrorCode::unavailable || one.error().code == ErrorCode::timeout)) {
      outcome.record(id, one);
      break;  // the carrier is down: the rest stay ready for the next try
    }
    if (!one && one.error().code == ErrorCode::conflict) {
      outcome.skipped.push_back({{"id", id}, {"message", one.error().render(lang)}});
      continue;
    }
    outcome.record(id, one);
  }
  return json_reply(json{{"dispatched", outcome.dispatched},
                         {"failed", outcome.failed},
                         {"skipped", outcome.skipped}});
}

Result<Reply> dispatch(Context& desk, const Request& req, const staff::Principal& who) {
  if (desk.carrier == nullptr) {
    return make_error(ErrorCode::unavailable, msg::no_carrier);
  }
  TRY_ASSIGN(const json body, json_body(req));
  tracking::DispatchOptions options;
  options.actor = who.login;
  const auto all_ready = body.find("all_ready");
  if (all_ready != body.end() && !all_ready->is_boolean()) {
    return make_error(ErrorCode::invalid_argument, msg::field_not_boolean,
                      {{"field", "all_ready"}});
  }
  if (all_ready != body.end() && all_ready->get<bool>())
    return dispatch_all_ready(desk, options, http::request_lang(req));
  TRY_ASSIGN(const auto ids, ids_of(body, msg::dispatch_needs_ids));
  return dispatch_some(desk, ids, options, http::request_lang(req));
}

// One of the desk's letters posted back to the citizen (docs/domain.md §1.5b): {"form": "refusal"}
// (or supplement, apology, stop, receipt). Answers the letter's shipment; "already" when it was
// posted before (the same shipment, nothing ordered). The dossier's state does not change.
Result<Reply> post_letter(Context& desk, const Request& req, const staff::Principal& who) {
  if (desk.carrier == nullptr) {
    return make_error(ErrorCode::unavailable, msg::no_carrier);
  }
  TRY_ASSIGN(const db::Id id, id_param(req));
  TRY_ASSIGN(const json body, json_body(req));
  TRY_ASSIGN(const std::string form, string_field(body, "form", true));
  const auto kind = tracking::parse_letter_kind(form);
  if (!kind) {
    return make_error(ErrorCode::invalid_argument, tracking::msg::letter_unknown_form,
                      {{"form", form.substr(0, 20)}});
  }
  tracking::LetterOptions options;
  options.actor = who.login;
  TRY_ASSIGN(const auto sent,
             tracking::dispatch_letter(desk.store, *desk.carrier, desk.clock, id, *kind, options));
  return json_reply(
      json{{"letter",
            {{"id", id},
             {"form", tracking::letter_kind_name(*kind)},
             {"label", tracking::letter_label(*kind).wording(http::request_lang(req))},
             {"tracking_number", sent.tracking_number},
             {"order_code", sent.order_code},
             {"already", sent.already}}}});
}

Result<Reply> labels(Context& desk, const Request& req, const staff::Principal&) {
  TRY_ASSIGN(const auto ids, id_list(req.get_param_value("ids")));
  const auto labels = desk.store.read<std::vector<tracking::ReturnLabel>>(
      [&](db::Transaction& tx) -> Result<std::vector<tracking::ReturnLabel>> {
        std::vector<tracking::ReturnLabel> out;
        for (db::Id id : ids) {
          TRY_ASSIGN(auto label, tracking::load_return_label(tx, id));
          out.push_back(std::move(label));
        }
        return out;
      });
  // Opened in a tab of its own: a page saying why, not JSON.
  if (!labels) return document_error_reply(labels.error(), http::request_lang(req));
  auto html =
      tracking::render_labels(*labels, tracking::LabelSize::a6, tracking::LabelLayout::sheet);
  if (!html) return document_error_reply(html.error(), http::request_lang(req));
  return document_reply(std::move(*html));
}

}  // namespace

std::vector<Route> dispatch_routes() {
  using P = staff::Permission;
  return {{Method::get, "/api/labels", P::dispatch, labels},
          {Method::post, "/api/dispatch", P::dispatch, dispatch},
          {Method::post, "/api/dossiers/<int>/letter", P::dispatch, post_letter}};
}

}  // namespace app::staff_routes
