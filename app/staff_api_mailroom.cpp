// Staff API: the mailroom's uploads and typed codes, the manual queue with its images, and
// handover batches (docs/api.md, "Mailroom").
#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <map>
#include <span>

#include "app/http_support.hpp"
#include "app/registry_commands.hpp"
#include "app/staff_routes.hpp"
#include "intake/catalogue.hpp"
#include "intake/envelope_reader.hpp"
#include "intake/mailroom.hpp"
#include "intake/registrar.hpp"
#include "tracking/lifecycle.hpp"

namespace app::staff_routes {
namespace {

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

// How the scan page tells a supplement joined to its dossier: null for any other envelope.
json supplement_name(intake::SupplementJoin join) {
  switch (join) {
    case intake::SupplementJoin::moved_on:
      return "moved_on";
    case intake::SupplementJoin::not_waiting:
      return "not_waiting";
    case intake::SupplementJoin::none:
      break;
  }
  return json();
}

json registration_json(const std::string& name, int page, const intake::Registration& r,
                       common::Lang lang) {
  return {{"name", name},
          {"page", page},
          {"outcome", db::scan_outcome_name(r.outcome)},
          {"scan_id", r.scan_id},
          {"scan_count", r.scan_count},
          {"message", r.message.render(lang)},
          {"tracking_number", r.tracking_number.empty() ? json() : json(r.tracking_number)},
          {"dossier_id", r.dossier_id ? json(*r.dossier_id) : json()},
          {"manual_id", r.manual_id ? json(*r.manual_id) : json()},
          {"supplement", supplement_name(r.supplement)}};
}

// A registrar that records the caller: a scanning station by its token's name, else "web".
Result<intake::Registrar> registrar_for(Context& desk, const staff::Principal& who) {
  if (desk.images == nullptr || desk.classifier == nullptr) {
    return make_error(ErrorCode::unavailable, msg::server_cannot_register);
  }
  return intake::Registrar(desk.store, *desk.images, *desk.classifier, desk.clock,
                           intake::IntakeContext{who.via_token() ? who.login : "web", who.login},
                           tracking::receive_supplement_by_post);
}

// The batch named in the request (form field or query), if any; invalid_argument for an unknown
// one, conflict for a closed one (a page left open after another tab closed it).
Result<std::optional<db::Id>> batch_of(Context& desk, const std::string& name) {
  if (name.empty()) return std::optional<db::Id>{};
  TRY_ASSIGN(const auto batch, intake::find_batch(desk.store, name));
  if (!batch) {
    return make_error(ErrorCode::invalid_argument, msg::no_such_batch,
                      {{"name", name.substr(0, 80)}});
  }
  if (batch->closed_at) {
    return make_error(ErrorCode::conflict, msg::batch_closed, {{"name", name.substr(0, 80)}});
  }
  return std::optional<db::Id>{batch->id};
}

struct Upload {
  std::string name;
  const std::string* content;
  std::string type;  // by its first bytes
};

// The files of an upload: multipart "file" parts, or the body itself; and the batch's name.
std::vector<Upload> uploads_of(const Request& req, std::string& batch_name) {
  std::vector<Upload> uploads;
  if (req.is_multipart_form_data()) {
    const auto [first, last] = req.files.equal_range("file");
    for (auto it = first; it != last; ++it) {
      uploads.push_back({label_of(it->second.filename), &it->second.content, {}});
    }
    if (req.has_file("batch")) batch_name = req.get_file_value("batch").content;
  } else {
    uploads.push_back({label_of(req.get_param_value("name")), &req.body, {}});
    batch_name = req.get_param_value("batch");
  }
  return uploads;
}

// The reply refusing `u` when it is larger than the desk takes.
std::optional<Reply> refuse_too_large(const Context& desk, const Upload& u, common::Lang lang) {
  if (u.content->size() <= desk.options.max_upload_bytes) return std::nullopt;
  return error_reply(413, "limit_exceeded",
                     common::Text{msg::upload_too_large,
                                  {{"file", u.name},
                                   {"size", u.content->size() >> 20},
                                   {"limit", desk.options.max_upload_bytes >> 20}}},
                     lang);
}

// Checks every file before any is registered, so a wrong one does not leave half a batch; the
// reply when one is refused.
std::optional<Reply> refuse_any(const Context& desk, std::vector<Upload>& uploads,
                                common::Lang lang) {
  for (Upload& u : uploads) {
    if (auto refused = refuse_too_large(desk, u, lang)) return refused;
    auto type = sniff_image_type(*u.content);
    if (!type) {
      return error_reply(415, "unsupported_media",
                         common::Text{msg::upload_not_image, {{"file", u.name}}}, lang);
    }
    u.type = *type;
  }
  return std::nullopt;
}

Result<Reply> upload(Context& desk, const Request& req, const staff::Principal& who) {
  TRY_ASSIGN(auto registrar, registrar_for(desk, who));
  if (desk.scanner == nullptr)
    return make_error(ErrorCode::unavailable, msg::server_has_no_scanner);
  std::string batch_name;
  std::vector<Upload> uploads = uploads_of(req, batch_name);
  if (uploads.empty()) {
    return make_error(ErrorCode::invalid_argument, msg::no_file);
  }
  TRY_ASSIGN(const auto batch, batch_of(desk, batch_name));
  if (auto refused = refuse_any(desk, uploads, http::request_lang(req))) return std::move(*refused);
  const common::Lang lang = http::request_lang(req);
  json results = json::array();
  for (const Upload& u : uploads) {
    const auto bytes = std::span<const std::uint8_t>(
        reinterpret_cast<const std::uint8_t*>(u.content->data()), u.content->size());
    const scanner::FileResult scanned = desk.scanner->scan_bytes(bytes, u.name);
    for (const intake::EnvelopeScan& scan :
         intake::envelopes_from_bytes(scanned, bytes, u.type, *desk.classifier, batch)) {
      auto registered = registrar.register_envelope(scan);
      results.push_back(registered ? registration_json(u.name, scan.page, *registered, lang)
                                   : json{{"name", u.name},
                                          {"page", scan.page},
                                          {"outcome", "failed"},
                                          {"message", registered.error().render(lang)}});
    }
  }
  return json_reply(json{{"results", results}});
}

Result<Reply> typed(Context& desk, const Request& req, const staff::Principal& who) {
  TRY_ASSIGN(auto registrar, registrar_for(desk, who));
  TRY_ASSIGN(const json body, json_body(req));
  TRY_ASSIGN(const std::string text, string_field(body, "code", true));
  TRY_ASSIGN(const std::string batch_name, string_field(body, "batch"));
  const intake::Code code = desk.classifier->classify(text, std::nullopt);
  const bool tracking_number = code.kind == intake::CodeKind::s10_tracking ||
                               code.kind == intake::CodeKind::carrier_tracking;
  if (!tracking_number || !code.usable()) {
    // The clerk is at the keyboard: say what is wrong now instead of queueing it.
    if (!code.usable() && !code.problem_text.empty()) {
      return common::Error{ErrorCode::bad_input, code.problem, code.problem_text};
    }
    // An ID card's QR holds a citizen's identity: said what it is, never echoed.
    if (code.kind == intake::CodeKind::citizen_id_card) {
      return make_error(ErrorCode::bad_input, msg::typed_id_card);
    }
    return make_error(ErrorCode::bad_input, msg::not_a_tracking_number,
                      {{"text", text.substr(0, 40)}});
  }
  TRY_ASSIGN(const auto batch, batch_of(desk, batch_name));
  intake::EnvelopeScan scan;
  scan.source_name = std::string(intake::Registrar::k_typed_source);
  scan.codes.push_back(code);
  scan.batch_id = batch;
  TRY_ASSIGN(const auto registered, registrar.register_envelope(scan));
  return json_reply(registration_json("typed", 0, registered, http::request_lang(req)));
}

json manual_item_json(const intake::ManualEntry& entry, const intake::Classifier* classifier,
                      common::Lang lang) {
  const db::ManualItem& item = entry.item;
  const std::optional<db::Scan>& scan = entry.scan;
  json codes = json::array();
  if (scan) {
    for (const db::ScanCode& c : scan->codes) {
      // Staff see what was read (an ID card's QR is personal data, shown to staff only).
      codes.push_back({{"kind", c.kind},
                       {"text", c.text},
                       {"problem", problem_of(c.text, c.problem, classifier, lang)}});
    }
  }
  return {{"id", item.id},
          {"created_at", common::format_iso(item.created_at)},
          {"reason_code", item.reason_code},
          {"reason", entry.reason.render(lang)},
          {"scan_id", item.scan_id},
          {"source_name", scan ? scan->source_name : std::string()},
          {"has_image", scan && !scan->image_hash.empty()},
          {"image_type", scan ? scan->image_type : std::string()},
          {"codes", codes}};
}

Result<Reply> manual_list(Context& desk, const Request& req, const staff::Principal&) {
  TRY_ASSIGN(const auto queue, intake::manual_queue(desk.store, intake::QueueItems::open));
  json items = json::array();
  for (const intake::ManualEntry& entry : queue)
    items.push_back(manual_item_json(entry, desk.classifier, http::request_lang(req)));
  return json_reply(json{{"items", items}});
}

// The kept image of a scan; the path comes from the database (hash and type), never the request.
Result<Reply> image_of_scan(Context& desk, db::Id scan_id) {
  TRY_ASSIGN(const auto scan, intake::find_scan(desk.store, scan_id));
  if (!scan || scan->image_hash.empty() || desk.images == nullptr) {
    return make_error(ErrorCode::not_found, msg::no_image_kept);
  }
  std::ifstream in(desk.images->path_of(scan->image_hash, scan->image_type), std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    return make_error(ErrorCode::not_found, msg::image_missing);
  }
  Reply reply;
  reply.body = std::move(content);
  reply.content_type = content_type_of(scan->image_type);
  // No Cache-Control here: the default no-store keeps an envelope (names, ID card QR) out of a
  // shared desk computer's browser cache after logout.
  reply.headers.emplace_back("Content-Security-Policy",
                             "default-src 'none'; style-src 'unsafe-inline'");
  return reply;
}

Result<Reply> scan_image(Context& desk, const Request& req, const staff::Principal&) {
  TRY_ASSIGN(const db::Id id, id_param(req));
  return image_of_scan(desk, id);
}

Result<Reply> manual_image(Context& desk, const Request& req, const staff::Principal&) {
  TRY_ASSIGN(const db::Id id, id_param(req));
  TRY_ASSIGN(const auto entry, intake::manual_entry(desk.store, id));
  return image_of_scan(desk, entry.item.scan_id);
}

Result<Reply> manual_resolve(Context& desk, const Request& req, const staff::Principal& who) {
  TRY_ASSIGN(const db::Id id, id_param(req));
  TRY_ASSIGN(auto registrar, registrar_for(desk, who));
  TRY_ASSIGN(const json body, json_body(req));
  TRY_ASSIGN(const std::string number, string_field(body, "tracking_number", true));
  TRY_ASSIGN(const auto resolved, registrar.resolve_manual(id, number));
  return json_reply(registration_json("manual", 0, resolved, http::request_lang(req)));
}

Result<Reply> manual_dismiss(Context& desk, const Request& req, const staff::Principal& who) {
  TRY_ASSIGN(const db::Id id, id_param(req));
  TRY_ASSIGN(auto registrar, registrar_for(desk, who));
  TRY_ASSIGN(const json body, json_body(req));
  TRY_ASSIGN(const std::string reason, string_field(body, "reason"));
  if (reason.empty()) return make_error(ErrorCode::invalid_argument, msg::reason_required);
  TRY(registrar.dismiss_manual(id, reason));
  return json_reply(json::object());
}

json batch_json(const db::Batch& batch) {
  return {{"id", batch.id},
          {"name", batch.name},
          {"carrier", batch.carrier},
          {"handed_over_at", common::format_iso(batch.handed_over_at)},
          {"received_by", batch.received_by},
          {"closed_at", time_or_null(batch.closed_at)},
          {"scans", batch.scans},
          {"manifest_items", batch.manifest.size()}};
}

// How many batches the page lists to reprint: a desk's deliveries of a few weeks.
constexpr int k_listed_batches = 30;

// The caller's open batch (a new tab or login finds it here) and the newest batches.
Result<Reply> list_batches(Context& desk, const Request&, const staff::Principal& who) {
  TRY_ASSIGN(const auto open, intake::open_batch_of(desk.store, who.login));
  TRY_ASSIGN(const auto recent, intake::recent_batches(desk.store, k_listed_batches));
  json batches = json::array();
  for (const db::Batch& b : recent) batches.push_back(batch_json(b));
  return json_reply(json{{"open", open ? batch_json(*open) : json()}, {"batches", batches}});
}

// Opens a new batch, or with "reopen": true an existing one of that name; an existing name
// without it is refused (conflict) so that a name typed again never silently continues another
// delivery. The caller's other open batch is closed: a clerk scans into one batch at a time.
Result<Reply> open_batch(Context& desk, const Request& req, const staff::Principal& who) {
  TRY_ASSIGN(auto registrar, registrar_for(desk, who));
  TRY_ASSIGN(const json body, json_body(req));
  TRY_ASSIGN(const std::string name, string_field(body, "name"));
  TRY_ASSIGN(const std::string carrier, string_field(body, "carrier"));
  TRY_ASSIGN(const std::string when, string_field(body, "handed_over_at"));
  const bool reopen = body.contains("reopen") && body["reopen"] == true;
  if (name.empty() || name.size() > 100) {
    return make_error(ErrorCode::invalid_argument, msg::batch_needs_name);
  }
  common::Timestamp at = desk.clock.now();
  if (!when.empty()) {
    auto parsed = common::parse_local(when);
    if (!parsed) {
      return field_error("handed_over_at", parsed.error());
    }
    at = *parsed;
  }
  TRY_ASSIGN(const auto existing, intake::find_batch(desk.store, name));
  // The name of the batch the clerk has open is that batch, kept as it is: nothing to ask.
  if (existing && !existing->closed_at && existing->received_by == who.login) {
    return json_reply(json{{"batch", batch_json(*existing)}, {"already_open", true}});
  }
  if (existing && !reopen) {
    return make_error(
        ErrorCode::conflict, msg::batch_exists,
        {{"name", name}, {"handed_over", common::format_local(existing->handed_over_at)}});
  }
  TRY_ASSIGN(const auto previous, intake::open_batch_of(desk.store, who.login));
  TRY_ASSIGN(auto batch, registrar.open_batch(name, carrier.empty() ? "vnpost" : carrier, at, {},
                                              !when.empty() && !existing));
  if (previous && previous->id != batch.id) {
    TRY(registrar.set_batch_state(previous->id, intake::Registrar::BatchState::closed));
  }
  if (existing) {
    TRY_ASSIGN(batch, registrar.set_batch_state(batch.id, intake::Registrar::BatchState::open));
  }
  return json_reply(json{{"batch", batch_json(batch)}});
}

Result<Reply> close_batch(Context& desk, const Request& req, const staff::Principal& who) {
  TRY_ASSIGN(const db::Id id, id_param(req));
  TRY_ASSIGN(auto registrar, registrar_for(desk, who));
  TRY_ASSIGN(const auto batch,
             registrar.set_batch_state(id, intake::Registrar::BatchState::closed));
  return json_reply(json{{"batch", batch_json(batch)}});
}

// The carrier's delivery list for a batch (a text or CSV file, one tracking number a line, as
// `hoso intake --manifest` reads it), then what the record says against it so far.
Result<Reply> batch_manifest(Context& desk, const Request& req, const staff::Principal& who) {
  TRY_ASSIGN(const db::Id id, id_param(req));
  TRY_ASSIGN(auto registrar, registrar_for(desk, who));
  std::string ignored;
  const std::vector<Upload> files = uploads_of(req, ignored);
  if (files.size() != 1) return make_error(ErrorCode::invalid_argument, msg::no_file);
  const common::Lang lang = http::request_lang(req);
  if (auto refused = refuse_too_large(desk, files.front(), lang)) return std::move(*refused);
  TRY_ASSIGN(const auto manifest,
             intake::parse_manifest(*files.front().content, files.front().name, *desk.classifier));
  if (manifest.tracking_numbers.empty()) {
    return make_error(ErrorCode::bad_input, msg::manifest_empty, {{"file", files.front().name}});
  }
  // Replacing a list the batch has is said on purpose: "replace" as a form field or in the query.
  const bool replace =
      (req.has_file("replace") && req.get_file_value("replace").content == "true") ||
      req.get_param_value("replace") == "true";
  TRY(registrar.set_manifest(id, manifest.tracking_numbers,
                             replace ? intake::Registrar::ManifestChange::replace
                                     : intake::Registrar::ManifestChange::keep));
  TRY_ASSIGN(const auto record, registrar.handover_record(id));
  json refused = json::array();
  for (const auto& line : manifest.refused) {
    // In both languages too: the page draws its summary again when the clerk switches.
    refused.push_back({{"line", line.line},
                       {"text", line.text},
                       {"reason", line.reason.render(lang)},
                       {"reason_by_lang",
                        {{"vi", line.reason.render(common::Lang::vi)},
                         {"en", line.reason.render(common::Lang::en)}}}});
  }
  const std::size_t listed = record.batch.manifest.size();
  return json_reply(json{{"file", files.front().name},
                         {"manifest_items", listed},
                         {"refused", refused},
                         {"scanned", listed - record.missing.size()},
                         {"missing", record.missing},
                         {"unexpected", record.unexpected}});
}

Result<Reply> batch_record(Context& desk, const Request& req, const staff::Principal& who) {
  TRY_ASSIGN(const db::Id id, id_param(req));
  TRY_ASSIGN(auto registrar, registrar_for(desk, who));
  TRY_ASSIGN(const auto record, registrar.handover_record(id));
  json answer = handover_json(record)["handover"];
  answer["id"] = record.batch.id;
  answer["closed_at"] = time_or_null(record.batch.closed_at);
  return json_reply(answer);
}

// The handover record as the printed document both sides sign (tracking::render_handover); a page
// saying why when there is none.
Result<Reply> batch_handover(Context& desk, const Request& req, const staff::Principal& who) {
  const common::Lang lang = http::request_lang(req);
  const auto id = id_param(req);
  if (!id) return document_error_reply(id.error(), lang);
  auto registrar = registrar_for(desk, who);
  if (!registrar) return document_error_reply(registrar.error(), lang);
  const auto record = registrar->handover_record(*id);
  if (!record) return document_error_reply(record.error(), lang);
  auto html = tracking::render_handover(handover_form(*record));
  if (!html) return document_error_reply(html.error(), lang);
  return document_reply(std::move(*html));
}

}  // namespace

std::vector<Route> mailroom_routes() {
  using P = staff::Permission;
  return {{Method::get, "/api/scans/<int>/image", P::read_dossiers, scan_image},
          {Method::post, "/api/scans", P::scan, upload},
          {Method::post, "/api/scans/typed", P::scan, typed},
          {Method::get, "/api/manual", P::scan, manual_list},
          {Method::get, "/api/manual/<int>/image", P::scan, manual_image},
          {Method::post, "/api/manual/<int>/resolve", P::scan, manual_resolve},
          {Method::post, "/api/manual/<int>/dismiss", P::scan, manual_dismiss},
          {Method::get, "/api/batches", P::scan, list_batches},
          {Method::post, "/api/batches", P::scan, open_batch},
          {Method::get, "/api/batches/<int>", P::scan, batch_record},
          {Method::get, "/api/batches/<int>/handover", P::scan, batch_handover},
          {Method::post, "/api/batches/<int>/close", P::scan, close_batch},
          {Method::post, "/api/batches/<int>/manifest", P::scan, batch_manifest}};
}

}  // namespace app::staff_routes
