#include "app/staff_api.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include "app/http_support.hpp"
#include "app/registry_commands.hpp"
#include "common/rate_limiter.hpp"
#include "intake/envelope_reader.hpp"
#include "intake/registrar.hpp"
#include "staff/accounts.hpp"
#include "staff/password.hpp"
#include "tracking/dispatch.hpp"
#include "tracking/documents.hpp"
#include "tracking/dossier_key.hpp"
#include "tracking/lifecycle.hpp"
#include "tracking/lookup.hpp"

namespace app {
namespace {

using common::ErrorCode;
using common::Result;
using common::Timestamp;
using httplib::Request;
using httplib::Response;
using nlohmann::json;
using staff::Permission;

constexpr const char* k_session_cookie = "hoso_session";
constexpr std::size_t k_max_json_body = 1u << 20;
constexpr int k_max_list = 1000;

// The extension of an envelope file judged by its first bytes, not its name; nothing for anything
// that is not an image the scanner reads or a PDF.
std::optional<std::string> sniff_image_type(std::string_view content) {
  auto starts = [&](std::string_view magic) { return content.substr(0, magic.size()) == magic; };
  if (starts("\xFF\xD8\xFF")) return "jpg";
  if (starts("\x89PNG\r\n\x1A\n")) return "png";
  if (starts(std::string_view("II*\0", 4)) || starts(std::string_view("MM\0*", 4))) return "tif";
  if (starts("%PDF-")) return "pdf";
  if (starts("BM") && content.size() > 14) return "bmp";
  if (starts("RIFF") && content.size() > 12 && content.substr(8, 4) == "WEBP") return "webp";
  return std::nullopt;
}

std::string content_type_of(const std::string& extension) {
  static const std::map<std::string, std::string> types = {
      {"jpg", "image/jpeg"},  {"jpeg", "image/jpeg"},    {"png", "image/png"},
      {"tif", "image/tiff"},  {"tiff", "image/tiff"},    {"bmp", "image/bmp"},
      {"webp", "image/webp"}, {"pdf", "application/pdf"}};
  const auto it = types.find(extension);
  return it == types.end() ? "application/octet-stream" : it->second;
}

// A file name from a client, as a label only: the last path part, at most 120 bytes, no controls.
std::string label_of(const std::string& name) {
  std::string base =
      name.substr(name.find_last_of("/\\") == std::string::npos ? 0 : name.find_last_of("/\\") + 1);
  for (char& c : base) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '_';
  }
  if (base.size() > 120) base.resize(120);
  return base.empty() ? std::string("upload") : base;
}

std::optional<std::string> iso(const std::optional<Timestamp>& at) {
  if (!at) return std::nullopt;
  return common::format_iso(*at);
}

json nullable(const std::optional<std::string>& text) { return text ? json(*text) : json(); }

json user_json(const db::User& u) {
  return {
      {"id", u.id},     {"login", u.login},       {"name", u.name},
      {"role", u.role}, {"disabled", u.disabled}, {"created_at", common::format_iso(u.created_at)}};
}

json principal_json(const staff::Principal& p) {
  json permissions = json::array();
  for (Permission perm : {Permission::scan, Permission::read_dossiers, Permission::act,
                          Permission::dispatch, Permission::reports, Permission::manage}) {
    if (staff::role_allows(p.role, perm)) permissions.push_back(staff::permission_name(perm));
  }
  return {{"user",
           {{"id", p.user_id},
            {"login", p.login},
            {"name", p.name},
            {"role", staff::role_name(p.role)},
            {"permissions", permissions}}},
          {"csrf_token", p.csrf_token},
          {"expires_at", p.via_token() ? json() : json(common::format_iso(p.expires_at))}};
}

json registration_json(const std::string& name, int page, const intake::Registration& r) {
  json j = {{"name", name},
            {"page", page},
            {"outcome", db::scan_outcome_name(r.outcome)},
            {"scan_id", r.scan_id},
            {"scan_count", r.scan_count},
            {"message", r.message},
            {"tracking_number", r.tracking_number.empty() ? json() : json(r.tracking_number)},
            {"dossier_id", r.dossier_id ? json(*r.dossier_id) : json()},
            {"manual_id", r.manual_id ? json(*r.manual_id) : json()}};
  return j;
}

// "YYYY-MM-DD" of a query parameter as the start of that local day (or of the next day when
// `end_of_day`); nothing when absent; an error for anything else.
Result<std::optional<Timestamp>> day_param(const Request& req, const char* name, bool end_of_day) {
  if (!req.has_param(name) || req.get_param_value(name).empty()) {
    return std::optional<Timestamp>{};
  }
  auto day = common::parse_date(req.get_param_value(name));
  if (!day) {
    return common::make_error(ErrorCode::invalid_argument,
                              fmt::format("{}: {}", name, day.error().message));
  }
  common::Date date = *day;
  if (end_of_day) date = common::Date{std::chrono::sys_days{date} + std::chrono::days{1}};
  return std::optional<Timestamp>{common::local_time(date, 0, 0)};
}

}  // namespace

struct StaffApi::Impl {
  Impl(const DeskParts& parts, const ServerOptions& server_options)
      : store(parts.store),
        clock(parts.clock),
        carrier(parts.carrier),
        images(parts.images),
        classifier(parts.classifier),
        scanner(parts.scanner),
        report_options(parts.report),
        options(server_options),
        accounts(parts.store, parts.clock),
        logins_by_address(server_options.logins_per_minute),
        login_failures(server_options.login_failures_per_15_minutes,
                       server_options.login_failures_per_15_minutes / 15.0) {}

  db::Store& store;
  const common::Clock& clock;
  postal_api::Carrier* carrier;
  db::ImageStore* images;
  const intake::Classifier* classifier;
  scanner::Scanner* scanner;
  tracking::ReportOptions report_options;
  ServerOptions options;
  staff::Accounts accounts;
  common::RateLimiter logins_by_address;
  common::RateLimiter login_failures;

  using Handler = std::function<void(const Request&, Response&, const staff::Principal&)>;

  // Who is asking, checked against `need` (none: any logged-in caller). Answers 401/403 and returns
  // nothing when refused. A cookie session must send its CSRF token on every change.
  std::optional<staff::Principal> authorize(const Request& req, Response& res,
                                            std::optional<Permission> need) {
    const std::string authorization = req.get_header_value("Authorization");
    Result<staff::Principal> who = common::Error{ErrorCode::unauthenticated, ""};
    bool via_cookie = false;
    if (authorization.rfind("Bearer ", 0) == 0) {
      who = accounts.token(std::string_view(authorization).substr(7));
    } else {
      const std::string session = http::cookie(req, k_session_cookie);
      if (session.empty()) {
        http::answer_error(res, 401, "unauthenticated", "log in first");
        return std::nullopt;
      }
      who = accounts.session(session);
      via_cookie = true;
    }
    if (!who) {
      http::answer_error(res, who.error());
      return std::nullopt;
    }
    if (via_cookie && req.method != "GET" && req.method != "HEAD" &&
        !staff::secrets_equal(req.get_header_value("X-CSRF-Token"), who->csrf_token)) {
      http::answer_error(res, 403, "csrf",
                         "the request lacks this session's X-CSRF-Token: reload the page");
      return std::nullopt;
    }
    if (need && !staff::role_allows(who->role, *need)) {
      http::answer_error(res, 403, "permission_denied",
                         fmt::format("{} ({}) may not do this ({} is needed)", who->login,
                                     staff::role_name(who->role), staff::permission_name(*need)));
      return std::nullopt;
    }
    return *who;
  }

  httplib::Server::Handler guard(std::optional<Permission> need, Handler handler) {
    return [this, need, handler](const Request& req, Response& res) {
      if (auto who = authorize(req, res, need)) handler(req, res, *who);
    };
  }

  // ---- sessions --------------------------------------------------------------------------------

  void login(const Request& req, Response& res) {
    int retry_after = 0;
    if (!logins_by_address.allow(req.remote_addr, retry_after)) {
      res.set_header("Retry-After", std::to_string(retry_after));
      http::answer_error(res, 429, "rate_limited",
                         fmt::format("too many login attempts from this address: try again in {} "
                                     "s",
                                     retry_after));
      return;
    }
    auto body = http::json_body(req, res);
    if (!body) return;
    auto login_name = http::string_field(*body, "login", res, true);
    if (!login_name) return;
    auto password = http::string_field(*body, "password", res, true);
    if (!password) return;
    // Keyed by the stored form of the login (at most 32 bytes); a login that cannot exist needs no
    // bucket. The failure is counted before the slow password check, and given back on success,
    // so parallel guesses cannot all pass the check first.
    const auto normal = staff::normalise_login(*login_name);
    const std::string key = normal ? *normal : std::string();
    if (!key.empty() && !login_failures.allow(key, retry_after)) {
      res.set_header("Retry-After", std::to_string(retry_after));
      http::answer_error(res, 429, "rate_limited",
                         fmt::format("too many failed logins for this user: try again in {} min",
                                     (retry_after + 59) / 60));
      return;
    }
    auto opened = accounts.log_in(*login_name, *password);
    if (!opened) {
      if (opened.error().code == ErrorCode::unauthenticated) {
        spdlog::warn("failed login from {}", req.remote_addr);
      } else if (!key.empty()) {
        login_failures.refund(key);  // the database failed, not the caller
      }
      http::answer_error(res, opened.error());
      return;
    }
    if (!key.empty()) login_failures.refund(key);
    res.set_header(
        "Set-Cookie",
        fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}", k_session_cookie,
                    opened->cookie, std::chrono::seconds(staff::k_session_lifetime).count(),
                    options.secure_cookies ? "; Secure" : ""));
    http::answer_json(res, 200, principal_json(opened->principal));
  }

  void logout(const Request& req, Response& res, const staff::Principal&) {
    if (auto out = accounts.log_out(http::cookie(req, k_session_cookie)); !out) {
      http::answer_error(res, out.error());
      return;
    }
    res.set_header("Set-Cookie", fmt::format("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
                                             k_session_cookie));
    http::answer_json(res, 200, json::object());
  }

  // ---- dossiers --------------------------------------------------------------------------------

  struct RowContext {
    std::map<db::Id, std::optional<db::Procedure>> procedures;
    Timestamp now{};
  };

  Result<json> dossier_row(db::Transaction& tx, const db::Dossier& d, RowContext& ctx) {
    json row = {{"id", d.id},
                {"code", d.code ? json(*d.code) : json()},
                {"portal_code", d.portal_code},
                {"state", db::dossier_state_name(d.state)},
                {"state_label", tracking::state_label(d.state)},
                {"national_status", db::national_status_code(d.state)},
                {"filed_at", common::format_iso(d.filed_at)},
                {"due_at", nullable(iso(d.due_at))},
                {"overdue", d.due_at && *d.due_at < ctx.now && tracking::deadline_runs(d.state)},
                {"reappointed", d.reappointed}};
    std::optional<db::Procedure> procedure;
    if (d.procedure_id) {
      auto [it, fresh] = ctx.procedures.try_emplace(*d.procedure_id);
      if (fresh) {
        auto p = tx.get_procedure(*d.procedure_id);
        if (!p) return p.error();
        it->second = std::move(*p);
      }
      procedure = it->second;
    }
    row["procedure_code"] = procedure ? json(procedure->code) : json();
    row["procedure_name"] = procedure ? json(procedure->name) : json();
    row["field"] = procedure ? json(procedure->field) : json();
    auto shipments = tx.shipments_of(d.id);
    if (!shipments) return shipments.error();
    row["tracking_number"] = json();
    row["return_tracking_number"] = json();
    for (const db::Shipment& s : *shipments) {
      const char* key =
          s.direction == db::Direction::inbound ? "tracking_number" : "return_tracking_number";
      row[key] = s.tracking_number;  // the newest return shipment wins
    }
    auto applicant = tx.applicant_of(d.id);
    if (!applicant) return applicant.error();
    row["applicant_name"] = *applicant ? json((*applicant)->full_name) : json();
    return row;
  }

  void list_dossiers(const Request& req, Response& res, const staff::Principal&) {
    db::DossierFilter filter;
    filter.newest_first = true;
    filter.limit = 200;
    if (req.has_param("limit")) {
      try {
        filter.limit = std::clamp(std::stoi(req.get_param_value("limit")), 1, k_max_list);
      } catch (const std::exception&) {
        http::answer_error(res, 400, "invalid_argument", "limit must be a number");
        return;
      }
    }
    const std::string state = req.get_param_value("state");
    if (!state.empty()) {
      filter.state = db::parse_dossier_state(state);
      if (!filter.state) {
        http::answer_error(res, 400, "invalid_argument", fmt::format("no state '{}'", state));
        return;
      }
    }
    filter.field = req.get_param_value("field");
    auto from = day_param(req, "from", false);
    auto to = day_param(req, "to", true);
    if (!from || !to) {
      http::answer_error(res, (!from ? from : to).error());
      return;
    }
    filter.filed_from = *from;
    filter.filed_to = *to;
    const std::string view = req.get_param_value("view");
    const Timestamp now = clock.now();
    using S = db::DossierState;
    std::optional<std::set<db::Id>> only;  // due_soon and overdue come from the lifecycle
    if (view == "open") {
      filter.states = {S::received,      S::accepted,         S::supplement_requested,
                       S::in_process,    S::awaiting_fees,    S::processed,
                       S::return_failed, S::return_dispatched};
    } else if (view == "ready") {
      filter.states = {S::processed, S::return_failed};
    } else if (view == "due_soon" || view == "overdue") {
      auto due = tracking::Lifecycle(store, clock).due();
      if (!due) {
        http::answer_error(res, due.error());
        return;
      }
      only.emplace();
      for (const db::Dossier& d : view == "overdue" ? due->overdue : due->due_soon) {
        only->insert(d.id);
      }
      filter.states = {S::accepted, S::in_process, S::awaiting_fees};
    } else if (!view.empty()) {
      http::answer_error(res, 400, "invalid_argument",
                         fmt::format("no view '{}' (open, due_soon, overdue, ready)", view));
      return;
    }
    const std::string query = req.get_param_value("q");
    json rows = json::array();
    auto read = store.read([&](db::Transaction& tx) -> Result<void> {
      std::optional<std::set<db::Id>> matches;
      std::string folded;
      if (!query.empty()) {
        // A tracking number, dossier code or #id names one dossier; an ID number its applicant's;
        // anything else is searched in the applicants' names.
        matches.emplace();
        auto id = tracking::find_dossier_id(tx, query);
        if (!id) return id.error();
        if (*id) matches->insert(**id);
        auto by_card = tx.dossiers_of_applicant(query);
        if (!by_card) return by_card.error();
        matches->insert(by_card->begin(), by_card->end());
        if (matches->empty()) folded = intake::search_fold(query);
      }
      db::DossierFilter wide = filter;
      if (only) wide.ids = std::vector<db::Id>(only->begin(), only->end());
      if (matches && folded.empty()) {
        std::vector<db::Id> ids;
        for (db::Id id : *matches) {
          if (!only || only->count(id)) ids.push_back(id);
        }
        wide.ids = std::move(ids);
      }
      // A name is searched through the newest dossiers' applicants (a scan; bounded).
      if (!folded.empty()) wide.limit = 100'000;
      auto dossiers = tx.list_dossiers(wide);
      if (!dossiers) return dossiers.error();
      RowContext ctx;
      ctx.now = now;
      for (const db::Dossier& d : *dossiers) {
        if (static_cast<int>(rows.size()) >= filter.limit) break;
        if (only && !only->count(d.id)) continue;
        if (matches && folded.empty() && !matches->count(d.id)) continue;
        if (!folded.empty()) {
          auto applicant = tx.applicant_of(d.id);
          if (!applicant) return applicant.error();
          if (!*applicant ||
              intake::search_fold((*applicant)->full_name).find(folded) == std::string::npos) {
            continue;
          }
        }
        auto row = dossier_row(tx, d, ctx);
        if (!row) return row.error();
        rows.push_back(std::move(*row));
      }
      return {};
    });
    if (!read) {
      http::answer_error(res, read.error());
      return;
    }
    const auto count = rows.size();
    http::answer_json(res, 200, json{{"dossiers", std::move(rows)}, {"count", count}});
  }

  void show_dossier(const Request& req, Response& res, const staff::Principal&) {
    auto id = http::id_param(req, res);
    if (!id) return;
    json answer;
    auto read = store.read([&](db::Transaction& tx) -> Result<void> {
      auto view = tracking::staff_lookup(tx, fmt::format("#{}", *id));
      if (!view) return view.error();
      answer = json::parse(tracking::staff_json(*view));
      json actions = json::array();
      for (tracking::Action a : tracking::allowed_actions(view->dossier.state)) {
        if (a == tracking::Action::dispatch_return) continue;  // the dispatch page posts results
        if (a == tracking::Action::apologise && view->dossier.reappointed) continue;
        actions.push_back(tracking::action_name(a));
      }
      answer["allowed_actions"] = actions;
      json documents = json::array();
      if (tracking::load_receipt(tx, *id)) documents.push_back("receipt");
      if (tracking::load_supplement_request(tx, *id)) documents.push_back("supplement");
      if (tracking::load_refusal(tx, *id)) documents.push_back("refusal");
      if (tracking::load_apology(tx, *id)) documents.push_back("apology");
      if (tracking::load_control_sheet(tx, *id)) documents.push_back("control");
      if (tracking::load_return_label(tx, *id)) documents.push_back("label");
      answer["documents"] = documents;
      auto procedures = tx.list_procedures();
      if (!procedures) return procedures.error();
      std::map<std::string, const db::Procedure*> latest;
      for (const db::Procedure& p : *procedures) {
        auto& slot = latest[p.code];
        if (!slot || p.version > slot->version) slot = &p;
      }
      json list = json::array();
      for (const auto& [code, p] : latest) {
        list.push_back({{"code", code}, {"name", p->name}, {"field", p->field}});
      }
      answer["procedures"] = list;
      return {};
    });
    if (!read) {
      http::answer_error(res, read.error());
      return;
    }
    http::answer_json(res, 200, answer);
  }

  void act(const Request& req, Response& res, const staff::Principal& who) {
    auto id = http::id_param(req, res);
    if (!id) return;
    const auto action = tracking::parse_action(req.matches[2].str());
    if (!action || *action == tracking::Action::dispatch_return) {
      http::answer_error(res, 404, "not_found",
                         fmt::format("no action '{}' here (dispatch posts results: POST "
                                     "/api/dispatch)",
                                     req.matches[2].str().substr(0, 40)));
      return;
    }
    auto body = http::json_body(req, res);
    if (!body) return;
    tracking::ActionRequest request;
    request.action = *action;
    request.actor = who.login;
    auto reason = http::string_field(*body, "reason", res);
    auto procedure = http::string_field(*body, "procedure", res);
    auto missing = http::string_field(*body, "missing", res);
    auto new_date = http::string_field(*body, "new_date", res);
    if (!reason || !procedure || !missing || !new_date) return;
    request.reason = *reason;
    request.procedure_code = *procedure;
    request.missing = *missing;
    if (!new_date->empty()) {
      auto date = common::parse_date(*new_date);
      if (!date) {
        http::answer_error(res, 400, "invalid_argument",
                           fmt::format("new_date: {}", date.error().message));
        return;
      }
      request.new_date = *date;
    }
    auto moved = tracking::Lifecycle(store, clock).apply(*id, request);
    if (!moved) {
      http::answer_error(res, moved.error());
      return;
    }
    json row;
    auto read = store.read([&](db::Transaction& tx) -> Result<void> {
      RowContext ctx;
      ctx.now = clock.now();
      auto r = dossier_row(tx, moved->after, ctx);
      if (!r) return r.error();
      row = std::move(*r);
      return {};
    });
    if (!read) {
      http::answer_error(res, read.error());
      return;
    }
    http::answer_json(res, 200,
                      json{{"dossier", row},
                           {"message", fmt::format("{}: {}", tracking::action_name(*action),
                                                   tracking::state_label(moved->after.state))}});
  }

  void document(const Request& req, Response& res, const staff::Principal&) {
    auto id = http::id_param(req, res);
    if (!id) return;
    const std::string kind = req.matches[2].str();
    std::string html;
    auto read = store.read([&](db::Transaction& tx) -> Result<void> {
      Result<std::string> rendered = common::Error{ErrorCode::not_found, ""};
      if (const auto form = tracking::parse_form_kind(kind)) {
        rendered = tracking::render_form(tx, *id, *form);
      } else if (kind == "label") {
        auto label = tracking::load_return_label(tx, *id);
        if (!label) return label.error();
        rendered =
            tracking::render_labels(std::span<const tracking::ReturnLabel>(&*label, 1),
                                    tracking::LabelSize::a6, tracking::LabelLayout::one_per_page);
      } else {
        return common::make_error(ErrorCode::not_found,
                                  "no such document (receipt, supplement, refusal, apology, "
                                  "control, label)");
      }
      if (!rendered) {
        // "does not apply to this dossier" is a missing document for the page.
        return common::Error{rendered.error().code == ErrorCode::invalid_argument
                                 ? ErrorCode::not_found
                                 : rendered.error().code,
                             rendered.error().message};
      }
      html = std::move(*rendered);
      return {};
    });
    if (!read) {
      http::answer_error(res, read.error());
      return;
    }
    answer_document(res, std::move(html));
  }

  static void answer_document(Response& res, std::string html) {
    // Printable forms carry their own <style> and inline SVG barcodes; no scripts at all.
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                   "frame-ancestors 'none'");
    res.status = 200;
    res.set_content(std::move(html), "text/html; charset=utf-8");
  }

  void labels(const Request& req, Response& res, const staff::Principal&) {
    std::vector<db::Id> ids;
    const std::string list = req.get_param_value("ids");
    for (std::size_t start = 0; start < list.size();) {
      const auto end = std::min(list.find(',', start), list.size());
      try {
        ids.push_back(std::stoll(list.substr(start, end - start)));
      } catch (const std::exception&) {
        http::answer_error(res, 400, "invalid_argument", "ids: dossier numbers, comma-separated");
        return;
      }
      start = end + 1;
    }
    if (ids.empty() || ids.size() > 500) {
      http::answer_error(res, 400, "invalid_argument", "ids: 1 to 500 dossier numbers");
      return;
    }
    std::vector<tracking::ReturnLabel> labels;
    auto read = store.read([&](db::Transaction& tx) -> Result<void> {
      for (db::Id id : ids) {
        auto label = tracking::load_return_label(tx, id);
        if (!label) return label.error();
        labels.push_back(std::move(*label));
      }
      return {};
    });
    if (!read) {
      http::answer_error(res, read.error());
      return;
    }
    auto html =
        tracking::render_labels(labels, tracking::LabelSize::a6, tracking::LabelLayout::sheet);
    if (!html) {
      http::answer_error(res, html.error());
      return;
    }
    answer_document(res, std::move(*html));
  }

  void dispatch(const Request& req, Response& res, const staff::Principal& who) {
    if (carrier == nullptr) {
      http::answer_error(res, 503, "unavailable",
                         "no carrier is configured (hoso.json): results cannot be posted");
      return;
    }
    auto body = http::json_body(req, res);
    if (!body) return;
    tracking::DispatchOptions dispatch_options;
    dispatch_options.actor = who.login;
    json dispatched = json::array();
    json failed = json::array();
    json skipped = json::array();
    auto record = [&](db::Id id, const Result<tracking::Dispatched>& r) {
      if (r) {
        dispatched.push_back({{"id", id},
                              {"code", r->dossier_code},
                              {"tracking_number", r->tracking_number},
                              {"already", r->already}});
      } else {
        failed.push_back({{"id", id},
                          {"error", common::error_code_name(r.error().code)},
                          {"message", r.error().message}});
      }
    };
    const auto all_ready = body->find("all_ready");
    if (all_ready != body->end() && !all_ready->is_boolean()) {
      http::answer_error(res, 400, "invalid_argument", "\"all_ready\" must be true or false");
      return;
    }
    if (all_ready != body->end() && all_ready->get<bool>()) {
      auto report =
          tracking::dispatch_ready(store, *carrier, clock, dispatch_options, k_max_list, record);
      if (!report) {
        http::answer_error(res, report.error());
        return;
      }
      if (report->stopped) {
        http::answer_json(
            res, 503,
            json{{"error",
                  {{"code", "unavailable"},
                   {"message", fmt::format("{}; {} dossiers not tried", report->stopped->message,
                                           report->not_tried)}}},
                 {"dispatched", dispatched},
                 {"failed", failed}});
        return;
      }
    } else {
      const auto ids = body->find("ids");
      if (ids == body->end() || !ids->is_array() || ids->empty() || ids->size() > 500) {
        http::answer_error(res, 400, "invalid_argument",
                           "give \"ids\": [dossier numbers] (1 to 500) or \"all_ready\": true");
        return;
      }
      for (const json& id : *ids) {
        if (!id.is_number_integer()) {
          http::answer_error(res, 400, "invalid_argument", "\"ids\" must hold dossier numbers");
          return;
        }
      }
      for (const json& id : *ids) {
        auto one =
            tracking::dispatch_return(store, *carrier, clock, id.get<db::Id>(), dispatch_options);
        if (!one && (one.error().code == ErrorCode::unavailable ||
                     one.error().code == ErrorCode::timeout)) {
          record(id.get<db::Id>(), one);
          break;  // the carrier is down: the rest stay ready for the next try
        }
        if (!one && one.error().code == ErrorCode::conflict) {
          skipped.push_back({{"id", id}, {"message", one.error().message}});
          continue;
        }
        record(id.get<db::Id>(), one);
      }
    }
    http::answer_json(res, 200,
                      json{{"dispatched", dispatched}, {"failed", failed}, {"skipped", skipped}});
  }

  // ---- reports ---------------------------------------------------------------------------------

  Result<tracking::Period> period_of(const Request& req) {
    tracking::Period period;
    const Timestamp now = clock.now();
    auto from = day_param(req, "from", false);
    if (!from) return from.error();
    auto to = day_param(req, "to", true);
    if (!to) return to.error();
    const common::Date today = common::local_date(now);
    period.from = from->value_or(
        common::local_time(common::Date{today.year(), today.month(), std::chrono::day{1}}, 0, 0));
    period.to = to->value_or(now);
    if (!(period.from < period.to)) {
      return common::make_error(ErrorCode::invalid_argument,
                                "the period is empty: from is after to");
    }
    return period;
  }

  void report(const Request& req, Response& res, const staff::Principal&, bool csv) {
    auto period = period_of(req);
    if (!period) {
      http::answer_error(res, period.error());
      return;
    }
    auto report = tracking::build_report(store, *period, report_options, clock.now());
    if (!report) {
      http::answer_error(res, report.error());
      return;
    }
    if (csv) {
      res.set_header("Content-Disposition",
                     fmt::format("attachment; filename=\"hoso-report-{}-{}.csv\"",
                                 common::format_date(common::local_date(period->from)),
                                 common::format_date(common::local_date(period->to))));
      res.set_content(tracking::report_csv(*report), "text/csv; charset=utf-8");
      return;
    }
    http::answer_json(res, 200, tracking::report_json(*report));
  }

  void daily(const Request& req, Response& res, const staff::Principal&) {
    auto period = period_of(req);
    if (!period) {
      http::answer_error(res, period.error());
      return;
    }
    auto days = tracking::daily_counts(store, *period, report_options, clock.now());
    if (!days) {
      http::answer_error(res, days.error());
      return;
    }
    json out = json::array();
    for (const tracking::DayCounts& d : *days) {
      json received = json::object();
      for (const auto& [channel, n] : d.received_by_channel) received[std::to_string(channel)] = n;
      out.push_back({{"date", common::format_date(d.day)},
                     {"received", received},
                     {"resolved", d.resolved},
                     {"on_time", d.on_time},
                     {"late", d.late},
                     {"backlog", d.backlog}});
    }
    http::answer_json(res, 200, json{{"days", out}});
  }

  // ---- mailroom --------------------------------------------------------------------------------

  std::optional<intake::Registrar> registrar_for(const staff::Principal& who, Response& res) {
    if (images == nullptr || classifier == nullptr) {
      http::answer_error(res, 503, "unavailable", "this server does not register envelopes");
      return std::nullopt;
    }
    return std::optional<intake::Registrar>(
        std::in_place, store, *images, *classifier, clock,
        intake::IntakeContext{who.via_token() ? who.login : "web", who.login});
  }

  // The batch named in the request (form field or query), if any; answers 400 for an unknown one.
  std::optional<std::optional<db::Id>> batch_of(const std::string& name, Response& res) {
    if (name.empty()) return std::optional<db::Id>{};
    std::optional<db::Batch> batch;
    auto read = store.read([&](db::Transaction& tx) -> Result<void> {
      auto b = tx.find_batch(name);
      if (!b) return b.error();
      batch = std::move(*b);
      return {};
    });
    if (!read) {
      http::answer_error(res, read.error());
      return std::nullopt;
    }
    if (!batch) {
      http::answer_error(res, 400, "invalid_argument",
                         fmt::format("no handover batch '{}': open it first", name.substr(0, 80)));
      return std::nullopt;
    }
    return std::optional<db::Id>{batch->id};
  }

  void upload(const Request& req, Response& res, const staff::Principal& who) {
    auto registrar = registrar_for(who, res);
    if (!registrar) return;
    if (scanner == nullptr) {
      http::answer_error(res, 503, "unavailable", "this server has no scanner");
      return;
    }
    struct Upload {
      std::string name;
      const std::string* content;
    };
    std::vector<Upload> uploads;
    std::string batch_name;
    if (req.is_multipart_form_data()) {
      const auto [first, last] = req.files.equal_range("file");
      for (auto it = first; it != last; ++it) {
        uploads.push_back({label_of(it->second.filename), &it->second.content});
      }
      if (req.has_file("batch")) batch_name = req.get_file_value("batch").content;
    } else {
      uploads.push_back({label_of(req.get_param_value("name")), &req.body});
      batch_name = req.get_param_value("batch");
    }
    if (uploads.empty()) {
      http::answer_error(res, 400, "invalid_argument",
                         "no file: send multipart/form-data with \"file\" parts, or the image as "
                         "the body");
      return;
    }
    auto batch = batch_of(batch_name, res);
    if (!batch) return;
    // Check every file before registering any, so a wrong one does not leave half a batch.
    std::vector<std::string> types;
    for (const Upload& u : uploads) {
      if (u.content->size() > options.max_upload_bytes) {
        http::answer_error(res, 413, "limit_exceeded",
                           fmt::format("{}: {} MB is over the {} MB limit for one file", u.name,
                                       u.content->size() >> 20, options.max_upload_bytes >> 20));
        return;
      }
      auto type = sniff_image_type(*u.content);
      if (!type) {
        http::answer_error(
            res, 415, "unsupported_media",
            fmt::format("{}: not an image (JPEG, PNG, TIFF, BMP, WebP) or a PDF", u.name));
        return;
      }
      types.push_back(*type);
    }
    json results = json::array();
    for (std::size_t i = 0; i < uploads.size(); ++i) {
      const Upload& u = uploads[i];
      const auto bytes = std::span<const std::uint8_t>(
          reinterpret_cast<const std::uint8_t*>(u.content->data()), u.content->size());
      const scanner::FileResult scanned = scanner->scan_bytes(bytes, u.name);
      for (const intake::EnvelopeScan& scan :
           intake::envelopes_from_bytes(scanned, bytes, types[i], *classifier, *batch)) {
        auto registered = registrar->register_envelope(scan);
        if (!registered) {
          results.push_back({{"name", u.name},
                             {"page", scan.page},
                             {"outcome", "failed"},
                             {"message", registered.error().message}});
          continue;
        }
        results.push_back(registration_json(u.name, scan.page, *registered));
      }
    }
    http::answer_json(res, 200, json{{"results", results}});
  }

  void typed(const Request& req, Response& res, const staff::Principal& who) {
    auto registrar = registrar_for(who, res);
    if (!registrar) return;
    auto body = http::json_body(req, res);
    if (!body) return;
    auto text = http::string_field(*body, "code", res, true);
    auto batch_name = http::string_field(*body, "batch", res);
    if (!text || !batch_name) return;
    const intake::Code code = classifier->classify(*text, std::nullopt);
    const bool tracking_number = code.kind == intake::CodeKind::s10_tracking ||
                                 code.kind == intake::CodeKind::carrier_tracking;
    if (!tracking_number || !code.usable()) {
      // The clerk is at the keyboard: say what is wrong now instead of queueing it.
      http::answer_error(res, 400, "bad_input",
                         !code.usable()
                             ? code.problem
                             : fmt::format("'{}' is not a tracking number", text->substr(0, 40)));
      return;
    }
    auto batch = batch_of(*batch_name, res);
    if (!batch) return;
    intake::EnvelopeScan scan;
    scan.source_name = "typed";
    scan.codes.push_back(code);
    scan.batch_id = *batch;
    auto registered = registrar->register_envelope(scan);
    if (!registered) {
      http::answer_error(res, registered.error());
      return;
    }
    http::answer_json(res, 200, registration_json("typed", 0, *registered));
  }

  void manual_list(const Request&, Response& res, const staff::Principal&) {
    json items = json::array();
    auto read = store.read([&](db::Transaction& tx) -> Result<void> {
      auto open = tx.list_manual(db::ManualStatus::open);
      if (!open) return open.error();
      for (const db::ManualItem& item : *open) {
        auto scan = tx.get_scan(item.scan_id);
        if (!scan) return scan.error();
        json codes = json::array();
        if (*scan) {
          for (const db::ScanCode& c : (*scan)->codes) {
            // Staff see what was read (an ID card's QR is personal data, shown to staff only).
            codes.push_back({{"kind", c.kind}, {"text", c.text}, {"problem", c.problem}});
          }
        }
        items.push_back({{"id", item.id},
                         {"created_at", common::format_iso(item.created_at)},
                         {"reason_code", item.reason_code},
                         {"reason", item.reason},
                         {"scan_id", item.scan_id},
                         {"source_name", *scan ? (*scan)->source_name : std::string()},
                         {"has_image", *scan && !(*scan)->image_hash.empty()},
                         {"image_type", *scan ? (*scan)->image_type : std::string()},
                         {"codes", codes}});
      }
      return {};
    });
    if (!read) {
      http::answer_error(res, read.error());
      return;
    }
    http::answer_json(res, 200, json{{"items", items}});
  }

  // The kept image of a scan; the path comes from the database (hash and type), never the request.
  void scan_image(Response& res, db::Id scan_id) {
    std::optional<db::Scan> scan;
    auto read = store.read([&](db::Transaction& tx) -> Result<void> {
      auto s = tx.get_scan(scan_id);
      if (!s) return s.error();
      scan = std::move(*s);
      return {};
    });
    if (!read) {
      http::answer_error(res, read.error());
      return;
    }
    if (!scan || scan->image_hash.empty() || images == nullptr) {
      http::answer_error(res, 404, "not_found", "no image was kept for this scan");
      return;
    }
    std::ifstream in(images->path_of(scan->image_hash, scan->image_type), std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      http::answer_error(res, 404, "not_found", "the kept image is missing from the image store");
      return;
    }
    // No Cache-Control here: the default no-store keeps an envelope (names, ID card QR) out of a
    // shared desk computer's browser cache after logout.
    res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    res.set_content(std::move(content), content_type_of(scan->image_type));
  }

  void manual_image(const Request& req, Response& res, const staff::Principal&) {
    auto id = http::id_param(req, res);
    if (!id) return;
    std::optional<db::ManualItem> item;
    auto read = store.read([&](db::Transaction& tx) -> Result<void> {
      auto m = tx.get_manual(*id);
      if (!m) return m.error();
      item = std::move(*m);
      return {};
    });
    if (!read) {
      http::answer_error(res, read.error());
      return;
    }
    if (!item) {
      http::answer_error(res, 404, "not_found", fmt::format("no manual item #{}", *id));
      return;
    }
    scan_image(res, item->scan_id);
  }

  void manual_resolve(const Request& req, Response& res, const staff::Principal& who) {
    auto id = http::id_param(req, res);
    if (!id) return;
    auto registrar = registrar_for(who, res);
    if (!registrar) return;
    auto body = http::json_body(req, res);
    if (!body) return;
    auto number = http::string_field(*body, "tracking_number", res, true);
    if (!number) return;
    auto resolved = registrar->resolve_manual(*id, *number);
    if (!resolved) {
      http::answer_error(res, resolved.error());
      return;
    }
    http::answer_json(res, 200, registration_json("manual", 0, *resolved));
  }

  void manual_dismiss(const Request& req, Response& res, const staff::Principal& who) {
    auto id = http::id_param(req, res);
    if (!id) return;
    auto registrar = registrar_for(who, res);
    if (!registrar) return;
    auto body = http::json_body(req, res);
    if (!body) return;
    auto reason = http::string_field(*body, "reason", res);
    if (!reason) return;
    if (reason->empty()) {
      http::answer_error(res, 400, "invalid_argument", "say why (\"reason\")");
      return;
    }
    if (auto dismissed = registrar->dismiss_manual(*id, *reason); !dismissed) {
      http::answer_error(res, dismissed.error());
      return;
    }
    http::answer_json(res, 200, json::object());
  }

  void open_batch(const Request& req, Response& res, const staff::Principal& who) {
    auto registrar = registrar_for(who, res);
    if (!registrar) return;
    auto body = http::json_body(req, res);
    if (!body) return;
    auto name = http::string_field(*body, "name", res);
    auto carrier_name = http::string_field(*body, "carrier", res);
    auto when = http::string_field(*body, "handed_over_at", res);
    if (!name || !carrier_name || !when) return;
    if (name->empty() || name->size() > 100) {
      http::answer_error(res, 400, "invalid_argument", "a batch needs a name (at most 100 bytes)");
      return;
    }
    Timestamp at = clock.now();
    if (!when->empty()) {
      auto parsed = common::parse_local(*when);
      if (!parsed) {
        http::answer_error(res, 400, "invalid_argument",
                           fmt::format("handed_over_at: {}", parsed.error().message));
        return;
      }
      at = *parsed;
    }
    auto batch = registrar->open_batch(*name, carrier_name->empty() ? "vnpost" : *carrier_name, at,
                                       {}, !when->empty());
    if (!batch) {
      http::answer_error(res, batch.error());
      return;
    }
    http::answer_json(res, 200,
                      json{{"batch",
                            {{"id", batch->id},
                             {"name", batch->name},
                             {"carrier", batch->carrier},
                             {"handed_over_at", common::format_iso(batch->handed_over_at)}}}});
  }

  void batch_record(const Request& req, Response& res, const staff::Principal& who) {
    auto id = http::id_param(req, res);
    if (!id) return;
    auto registrar = registrar_for(who, res);
    if (!registrar) return;
    auto record = registrar->handover_record(*id);
    if (!record) {
      http::answer_error(res, record.error());
      return;
    }
    json answer = handover_json(*record)["handover"];
    answer["id"] = record->batch.id;
    http::answer_json(res, 200, answer);
  }

  // ---- admin -----------------------------------------------------------------------------------

  void list_users(const Request&, Response& res, const staff::Principal&) {
    auto users = accounts.users();
    if (!users) {
      http::answer_error(res, users.error());
      return;
    }
    json list = json::array();
    for (const db::User& u : *users) list.push_back(user_json(u));
    http::answer_json(res, 200, json{{"users", list}});
  }

  std::optional<staff::Role> role_field(const json& body, Response& res) {
    auto text = http::string_field(body, "role", res);
    if (!text) return std::nullopt;
    auto role = staff::parse_role(*text);
    if (!role) {
      http::answer_error(res, 400, "invalid_argument", "role must be mailroom, officer or admin");
    }
    return role;
  }

  void add_user(const Request& req, Response& res, const staff::Principal& who) {
    auto body = http::json_body(req, res);
    if (!body) return;
    auto login_name = http::string_field(*body, "login", res);
    auto name = http::string_field(*body, "name", res);
    auto password = http::string_field(*body, "password", res);
    if (!login_name || !name || !password) return;
    auto role = role_field(*body, res);
    if (!role) return;
    auto added = accounts.add_user({*login_name, *name, *role, *password}, who.login);
    if (!added) {
      http::answer_error(res, added.error());
      return;
    }
    http::answer_json(res, 200, json{{"user", user_json(*added)}});
  }

  void change_user(const Request& req, Response& res, const staff::Principal& who) {
    auto id = http::id_param(req, res);
    if (!id) return;
    auto body = http::json_body(req, res);
    if (!body) return;
    staff::UserChange change;
    if (body->contains("name")) {
      auto name = http::string_field(*body, "name", res);
      if (!name) return;
      change.name = *name;
    }
    if (body->contains("role")) {
      auto role = role_field(*body, res);
      if (!role) return;
      change.role = *role;
    }
    if (body->contains("password")) {
      auto password = http::string_field(*body, "password", res);
      if (!password) return;
      change.password = *password;
    }
    if (body->contains("disabled")) {
      if (!(*body)["disabled"].is_boolean()) {
        http::answer_error(res, 400, "invalid_argument", "\"disabled\" must be true or false");
        return;
      }
      change.disabled = (*body)["disabled"].get<bool>();
    }
    auto changed = accounts.change_user(*id, change, who.login);
    if (!changed) {
      http::answer_error(res, changed.error());
      return;
    }
    http::answer_json(res, 200, json{{"user", user_json(*changed)}});
  }

  void list_tokens(const Request&, Response& res, const staff::Principal&) {
    auto tokens = accounts.tokens();
    if (!tokens) {
      http::answer_error(res, tokens.error());
      return;
    }
    json list = json::array();
    for (const db::ApiToken& t : *tokens) {
      list.push_back({{"id", t.id},
                      {"name", t.name},
                      {"role", t.role},
                      {"created_by", t.created_by},
                      {"created_at", common::format_iso(t.created_at)},
                      {"revoked_at", nullable(iso(t.revoked_at))},
                      {"last_used_at", nullable(iso(t.last_used_at))}});
    }
    http::answer_json(res, 200, json{{"tokens", list}});
  }

  void add_token(const Request& req, Response& res, const staff::Principal& who) {
    auto body = http::json_body(req, res);
    if (!body) return;
    auto name = http::string_field(*body, "name", res);
    if (!name) return;
    auto made = accounts.create_token(*name, who.login);
    if (!made) {
      http::answer_error(res, made.error());
      return;
    }
    http::answer_json(
        res, 200,
        json{{"id", made->token.id}, {"name", made->token.name}, {"token", made->secret}});
  }

  void revoke_token(const Request& req, Response& res, const staff::Principal& who) {
    auto id = http::id_param(req, res);
    if (!id) return;
    if (auto revoked = accounts.revoke_token(*id, who.login); !revoked) {
      http::answer_error(res, revoked.error());
      return;
    }
    http::answer_json(res, 200, json::object());
  }
};

StaffApi::StaffApi(const DeskParts& parts, const ServerOptions& options)
    : impl_(std::make_unique<Impl>(parts, options)) {}

StaffApi::~StaffApi() = default;

httplib::Server::HandlerResponse StaffApi::before_body(const Request& req, Response& res) {
  using HR = httplib::Server::HandlerResponse;
  const bool upload = req.method == "POST" && req.path == "/api/scans";
  // cpp-httplib 0.11 reads a chunked body, or one without a Content-Length (until the client
  // closes), with no limit at all: every request with a body must say its length up front.
  const bool has_body = req.method == "POST" || req.method == "PUT" || req.method == "PATCH" ||
                        req.method == "DELETE";
  if (req.has_header("Transfer-Encoding") || (has_body && !req.has_header("Content-Length"))) {
    http::answer_error(res, 411, "length_required",
                       "send the body with a Content-Length (no chunked bodies)");
    return HR::Handled;
  }
  std::size_t length = 0;
  try {
    length = req.has_header("Content-Length")
                 ? static_cast<std::size_t>(std::stoull(req.get_header_value("Content-Length")))
                 : 0;
  } catch (const std::exception&) {
    http::answer_error(res, 400, "invalid_argument", "a bad Content-Length");
    return HR::Handled;
  }
  const std::size_t limit = upload ? impl_->options.max_request_bytes : k_max_json_body;
  if (length > limit) {
    http::answer_error(
        res, 413, "limit_exceeded",
        fmt::format("the request body is {} KB; at most {} KB here", length >> 10, limit >> 10));
    return HR::Handled;
  }
  // Only a caller allowed to upload makes the server read 64 MB.
  if (upload && !impl_->authorize(req, res, Permission::scan)) return HR::Handled;
  return HR::Unhandled;
}

void StaffApi::add_routes(httplib::Server& http) {
  Impl& api = *impl_;
  using P = Permission;
  auto bind = [&api](void (Impl::*method)(const Request&, Response&, const staff::Principal&)) {
    return [&api, method](const Request& req, Response& res, const staff::Principal& who) {
      (api.*method)(req, res, who);
    };
  };
  http.Post("/api/login", [&api](const Request& req, Response& res) { api.login(req, res); });
  http.Post("/api/logout", api.guard(std::nullopt, bind(&Impl::logout)));
  http.Get("/api/session",
           api.guard(std::nullopt, [](const Request&, Response& res, const staff::Principal& who) {
             http::answer_json(res, 200, principal_json(who));
           }));

  http.Get("/api/dossiers", api.guard(P::read_dossiers, bind(&Impl::list_dossiers)));
  http.Get(R"(/api/dossiers/(\d+))", api.guard(P::read_dossiers, bind(&Impl::show_dossier)));
  http.Post(R"(/api/dossiers/(\d+)/actions/([a-z_]+))", api.guard(P::act, bind(&Impl::act)));
  http.Get(R"(/api/dossiers/(\d+)/documents/([a-z]+))",
           api.guard(P::read_dossiers, bind(&Impl::document)));
  http.Get(R"(/api/scans/(\d+)/image)",
           api.guard(P::read_dossiers,
                     [&api](const Request& req, Response& res, const staff::Principal&) {
                       if (auto id = http::id_param(req, res)) api.scan_image(res, *id);
                     }));
  http.Get("/api/labels", api.guard(P::dispatch, bind(&Impl::labels)));
  http.Post("/api/dispatch", api.guard(P::dispatch, bind(&Impl::dispatch)));
  http.Get("/api/report", api.guard(P::reports, [&api](const Request& req, Response& res,
                                                       const staff::Principal& who) {
    api.report(req, res, who, false);
  }));
  http.Get("/api/report.csv", api.guard(P::reports, [&api](const Request& req, Response& res,
                                                           const staff::Principal& who) {
    api.report(req, res, who, true);
  }));
  http.Get("/api/report/daily", api.guard(P::reports, bind(&Impl::daily)));

  http.Post("/api/scans", api.guard(P::scan, bind(&Impl::upload)));
  http.Post("/api/scans/typed", api.guard(P::scan, bind(&Impl::typed)));
  http.Get("/api/manual", api.guard(P::scan, bind(&Impl::manual_list)));
  http.Get(R"(/api/manual/(\d+)/image)", api.guard(P::scan, bind(&Impl::manual_image)));
  http.Post(R"(/api/manual/(\d+)/resolve)", api.guard(P::scan, bind(&Impl::manual_resolve)));
  http.Post(R"(/api/manual/(\d+)/dismiss)", api.guard(P::scan, bind(&Impl::manual_dismiss)));
  http.Post("/api/batches", api.guard(P::scan, bind(&Impl::open_batch)));
  http.Get(R"(/api/batches/(\d+))", api.guard(P::scan, bind(&Impl::batch_record)));

  http.Get("/api/users", api.guard(P::manage, bind(&Impl::list_users)));
  http.Post("/api/users", api.guard(P::manage, bind(&Impl::add_user)));
  http.Post(R"(/api/users/(\d+))", api.guard(P::manage, bind(&Impl::change_user)));
  http.Get("/api/tokens", api.guard(P::manage, bind(&Impl::list_tokens)));
  http.Post("/api/tokens", api.guard(P::manage, bind(&Impl::add_token)));
  http.Post(R"(/api/tokens/(\d+)/revoke)", api.guard(P::manage, bind(&Impl::revoke_token)));
}

}  // namespace app
