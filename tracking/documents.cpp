#include "tracking/documents.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <system_error>
#include <utility>

#include "db/settings.hpp"
#include "scanner/barcode_writer.hpp"
#include "tracking/lifecycle.hpp"
#include "tracking/public_link.hpp"

namespace tracking {
namespace {

namespace chr = std::chrono;
namespace fs = std::filesystem;
using common::ErrorCode;
using common::make_error;
using common::Result;
using common::Timestamp;

// ---------------------------------------------------------------------------------------------
// Text

// Every text that reaches a page goes through here: a name read from a QR code may be markup.
// Control characters (other than tab and newline) are dropped.
std::string esc(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t') out += c;
    }
  }
  return out;
}

// Escaped, with line breaks kept.
std::string esc_lines(std::string_view text) {
  std::string out;
  for (const char c : esc(text)) {
    if (c == '\n') {
      out += "<br>";
    } else {
      out += c;
    }
  }
  return out;
}

// Escaped, or a dotted line to fill in by hand when unknown.
std::string or_blank(std::string_view text) {
  return text.empty() ? std::string("<span class=\"blank\">……………………</span>") : esc(text);
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// Officers type lists on one line ("Bản sao sổ đỏ; Tờ khai") or several: one item each.
std::vector<std::string> split_items(std::string_view text) {
  std::vector<std::string> items;
  std::string current;
  auto flush = [&] {
    std::string item = trim(current);
    if (!item.empty()) items.push_back(std::move(item));
    current.clear();
  };
  for (const char c : text) {
    if (c == '\n' || c == ';') {
      flush();
    } else {
      current += c;
    }
  }
  flush();
  return items;
}

struct LocalTime {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  long hour = 0;
  long minute = 0;
};

LocalTime local_parts(Timestamp t) {
  const auto local = t + common::k_vietnam_utc_offset;
  const auto day = chr::floor<chr::days>(local);
  const common::Date date{day};
  const auto since_midnight = chr::duration_cast<chr::minutes>(local - day).count();
  return {static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
          static_cast<unsigned>(date.day()), since_midnight / 60, since_midnight % 60};
}

// "02/03/2026"
std::string date_vn(Timestamp t) {
  const LocalTime l = local_parts(t);
  return fmt::format("{:02}/{:02}/{}", l.day, l.month, l.year);
}

// "10 giờ 00 phút, ngày 02/03/2026"
std::string datetime_vn(Timestamp t) {
  const LocalTime l = local_parts(t);
  return fmt::format("{} giờ {:02} phút, ngày {:02}/{:02}/{}", l.hour, l.minute, l.day, l.month,
                     l.year);
}

// "10:00 02/03/2026", for tables.
std::string short_datetime(Timestamp t) {
  const LocalTime l = local_parts(t);
  return fmt::format("{:02}:{:02} {:02}/{:02}/{}", l.hour, l.minute, l.day, l.month, l.year);
}

std::string optional_datetime(const std::optional<Timestamp>& t) {
  return t ? short_datetime(*t) : std::string("—");
}

// "Hà Nội, ngày 02 tháng 03 năm 2026"
std::string place_and_date(const AgencyInfo& agency, Timestamp t) {
  const LocalTime l = local_parts(t);
  const std::string date = fmt::format("ngày {:02} tháng {:02} năm {}", l.day, l.month, l.year);
  return agency.province.empty() ? date : esc(agency.province) + ", " + date;
}

std::string_view timeliness_vn(Timeliness t) {
  switch (t) {
    case Timeliness::not_applicable:
      return "—";
    case Timeliness::early:
      return "Trước hạn";
    case Timeliness::on_time:
      return "Đúng hạn";
    case Timeliness::late:
      return "Quá hạn";
  }
  return "—";
}

std::string_view state_vn(db::DossierState state) {
  switch (state) {
    case db::DossierState::received:
      return "Đã nhận qua bưu chính, chờ tiếp nhận";
    case db::DossierState::accepted:
      return "Đã tiếp nhận";
    case db::DossierState::refused:
      return "Từ chối tiếp nhận";
    case db::DossierState::in_process:
      return "Đang giải quyết";
    case db::DossierState::supplement_requested:
      return "Chờ bổ sung hồ sơ";
    case db::DossierState::awaiting_fees:
      return "Chờ thực hiện nghĩa vụ tài chính";
    case db::DossierState::withdrawn:
      return "Công dân rút hồ sơ";
    case db::DossierState::stopped:
      return "Dừng giải quyết";
    case db::DossierState::processed:
      return "Đã có kết quả";
    case db::DossierState::return_dispatched:
      return "Đã gửi trả kết quả qua bưu chính";
    case db::DossierState::return_failed:
      return "Bưu chính hoàn trả kết quả về cơ quan";
    case db::DossierState::result_returned:
      return "Đã trả kết quả";
  }
  return "";
}

// The event log's action names (tracking/lifecycle.cpp, intake/registrar.cpp) in Vietnamese.
std::string step_vn(std::string_view action) {
  static constexpr std::pair<std::string_view, std::string_view> k_names[] = {
      {"received_by_post", "Nhận hồ sơ qua bưu chính (bưu điện bàn giao)"},
      {"applicant_added", "Ghi nhận người nộp hồ sơ (từ CCCD)"},
      {"applicant_updated", "Cập nhật thông tin liên hệ của người nộp (phiếu gửi hồ sơ)"},
      {"return_order_cancelled", "Hủy đơn gửi kết quả tại bưu điện (đổi địa chỉ nhận)"},
      {"scanned_again", "Quét lại phong bì"},
      {"accepted", "Tiếp nhận hồ sơ, hẹn ngày trả kết quả (Mẫu 01)"},
      {"supplement_requested", "Yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)"},
      {"supplement_received", "Nhận hồ sơ bổ sung đầy đủ, tính lại thời hạn"},
      {"refused", "Từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03)"},
      {"processing_started", "Chuyển hồ sơ giải quyết"},
      {"fees_requested", "Yêu cầu thực hiện nghĩa vụ tài chính"},
      {"fees_paid", "Đã thực hiện nghĩa vụ tài chính"},
      {"processed", "Có kết quả giải quyết hồ sơ"},
      {"withdrawn", "Công dân rút hồ sơ"},
      {"stopped", "Dừng giải quyết hồ sơ"},
      {"reappointed", "Xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)"},
      {"return_dispatched", "Gửi trả kết quả qua bưu chính"},
      {"result_returned", "Đã trả kết quả cho công dân"},
      {"return_failed", "Bưu chính hoàn trả kết quả về cơ quan"},
  };
  for (const auto& [name, vn] : k_names) {
    if (name == action) return std::string(vn);
  }
  return std::string(action);
}

std::string processing_time_vn(const db::Procedure& p) {
  switch (p.time_unit) {
    case db::TimeUnit::working_days:
      return fmt::format("{} ngày làm việc", p.time_amount);
    case db::TimeUnit::working_hours:
      return fmt::format("{} giờ làm việc", p.time_amount);
  }
  return std::to_string(p.time_amount);
}

// ---------------------------------------------------------------------------------------------
// Page frame

struct PageSize {
  double width_mm;
  double height_mm;
  const char* css;  // the @page size
};

PageSize page_size(PaperSize paper) {
  switch (paper) {
    case PaperSize::a4:
      return {210, 297, "A4"};
    case PaperSize::a5:
      return {148, 210, "A5"};
  }
  return {210, 297, "A4"};
}

PageSize page_size(LabelSize size) {
  switch (size) {
    case LabelSize::a6:
      return {105, 148, "105mm 148mm"};
    case LabelSize::mm100x150:
      return {100, 150, "100mm 150mm"};
  }
  return {105, 148, "105mm 148mm"};
}

constexpr const char* k_base_css = R"(
* { box-sizing: border-box; }
body { margin: 0; color: #000; font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif",
  serif; font-size: 12pt; line-height: 1.35; }
.page { break-after: page; page-break-after: always; }
.page:last-child { break-after: auto; page-break-after: auto; }
@media screen { body { background: #ccc; } .page { background: #fff; margin: 6mm auto;
  box-shadow: 0 0 2mm #888; } }
.letterhead { display: flex; justify-content: space-between; text-align: center; font-size: 11pt; }
.letterhead > div { width: 49%; }
.letterhead .nation { font-weight: bold; }
.letterhead .motto { font-weight: bold; text-decoration: underline; }
.letterhead .agency { font-weight: bold; text-transform: uppercase; }
h1 { font-size: 13.5pt; text-align: center; text-transform: uppercase; margin: 5mm 0 1mm; }
h2 { font-size: 12pt; text-align: center; font-weight: normal; margin: 0 0 3mm; }
p { margin: 1mm 0; }
.label-text { font-weight: bold; }
.code { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; }
.blank { color: #555; }
.place-date { text-align: right; font-style: italic; margin-top: 4mm; }
.signatures { display: flex; justify-content: space-around; margin-top: 3mm; text-align: center; }
.signatures > div { width: 45%; min-height: 28mm; }
.signatures .role { font-weight: bold; text-transform: uppercase; }
.signatures .hint { font-style: italic; font-size: 10pt; }
.signatures .name { margin-top: 16mm; font-weight: bold; }
.barcodes { display: flex; justify-content: space-between; align-items: center; margin: 2mm 0; }
.barcodes figure { margin: 0; text-align: center; }
.barcodes figcaption { font-size: 9pt; }
svg.barcode { display: block; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.3mm solid #000; padding: 1mm 1.5mm; vertical-align: top; text-align: left; }
th { text-align: center; }
ol { margin: 1mm 0 1mm 6mm; padding: 0; }
)";

std::string page_open(std::string_view title, const PageSize& size, std::string_view margin_css,
                      std::string_view extra_css) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{}</title>\n<style>\n@page {{ size: {}; margin: {}; }}{}\n"
      "@media screen {{ .page {{ width: {}mm; min-height: {}mm; padding: {}; }} }}\n{}</style>\n"
      "</head>\n<body>\n",
      esc(title), size.css, margin_css, k_base_css, size.width_mm, size.height_mm, margin_css,
      extra_css);
}

constexpr const char* k_page_close = "</body>\n</html>\n";

std::string letterhead(const AgencyInfo& agency) {
  return fmt::format(
      "<div class=\"letterhead\"><div><div>{}</div><div class=\"agency\">{}</div></div>"
      "<div><div class=\"nation\">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>"
      "<div class=\"motto\">Độc lập - Tự do - Hạnh phúc</div></div></div>\n",
      agency.code.empty() ? std::string() : "Mã cơ quan: " + esc(agency.code),
      or_blank(agency.name));
}

std::string field(std::string_view label, const std::string& value_html) {
  return fmt::format("<p><span class=\"label-text\">{}:</span> {}</p>\n", label, value_html);
}

std::string signatures(std::string_view left_role, std::string_view left_name,
                       std::string_view right_role, std::string_view right_name) {
  auto one = [](std::string_view role, std::string_view name) {
    if (role.empty()) return std::string("<div></div>");
    return fmt::format(
        "<div><div class=\"role\">{}</div><div class=\"hint\">(Ký và ghi rõ họ tên)</div>"
        "<div class=\"name\">{}</div></div>",
        role, esc(name));
  };
  return "<div class=\"signatures\">" + one(left_role, left_name) + one(right_role, right_name) +
         "</div>\n";
}

std::string procedure_html(const DossierSummary& d) {
  if (d.procedure_name.empty() && d.procedure_code.empty()) return or_blank("");
  std::string out = esc(d.procedure_name.empty() ? d.procedure_code : d.procedure_name);
  if (!d.procedure_name.empty() && !d.procedure_code.empty()) {
    out += " (mã thủ tục " + esc(d.procedure_code) + ")";
  }
  return out;
}

std::string dossier_reference(const DossierSummary& d) {
  std::string out = d.code.empty() ? fmt::format("#{}", d.id) : esc(d.code);
  if (!d.inbound_tracking_number.empty()) {
    out += " — số hiệu bưu gửi <span class=\"code\">" + esc(d.inbound_tracking_number) + "</span>";
  }
  return out;
}

// The applicant's block shared by forms 01-03.
std::string applicant_fields(const ApplicantInfo& a) {
  std::string out = field("Ông/Bà", or_blank(a.full_name));
  if (!a.id_number.empty()) out += field("Số định danh cá nhân (CCCD)", esc(a.id_number));
  out += field("Địa chỉ", or_blank(a.address));
  out += field("Số điện thoại", or_blank(a.phone));
  return out;
}

Result<std::string> barcode(scanner::BarcodeKind kind, std::string_view text,
                            const scanner::SvgOptions& options, std::string_view what) {
  auto svg = scanner::barcode_svg(kind, text, options);
  if (!svg) {
    return make_error(svg.error().code, fmt::format("{}: {}", what, svg.error().message));
  }
  return std::move(*svg);
}

Result<void> require(bool present, std::string_view what, std::string_view document) {
  if (present) return {};
  return make_error(ErrorCode::invalid_argument, fmt::format("{}: {} is required", document, what));
}

// ---------------------------------------------------------------------------------------------
// History: the steps of form 05 and the outcome in form 06

Timeliness compare(Timestamp at, Timestamp deadline) {
  if (at > deadline) return Timeliness::late;
  return common::local_date(at) < common::local_date(deadline) ? Timeliness::early
                                                               : Timeliness::on_time;
}

std::optional<Timestamp> json_time(const nlohmann::json& data, const char* key) {
  if (!data.is_object() || !data.contains(key) || !data[key].is_string()) return std::nullopt;
  auto t = common::parse_local(data[key].get<std::string>());
  if (!t) return std::nullopt;
  return *t;
}

std::string json_text(const nlohmann::json& data, const char* key) {
  if (!data.is_object() || !data.contains(key)) return {};
  const auto& v = data[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  return {};
}

struct History {
  std::vector<ControlStep> steps;
  std::optional<Timestamp> resolved_at;
  Timeliness resolved = Timeliness::not_applicable;
  std::optional<Timestamp> returned_at;
  std::optional<Timestamp> due_in_force;  // after the last step
};

// Agency steps measured against the deadline in force when they happened.
bool measured_against_deadline(std::string_view action) {
  return action == "processing_started" || action == "fees_requested" || action == "fees_paid" ||
         action == "processed" || action == "stopped" || action == "return_dispatched";
}

History read_history(const std::vector<db::Event>& events, const common::WorkingCalendar& calendar,
                     Timestamp filed_at) {
  History h;
  Timestamp clock_start = filed_at;
  const int close = calendar.office_hours().close_minute;
  for (const db::Event& e : events) {
    const auto data = nlohmann::json::parse(e.data, nullptr, false);
    ControlStep step;
    step.at = json_time(data, "at").value_or(e.at);
    step.action = e.action;
    step.actor = e.actor;
    std::vector<std::string> notes;
    if (!e.reason.empty()) notes.push_back(e.reason);

    if (e.action == "supplement_requested") {
      // The request must go out within 3 working days of intake (DOMAIN.md §1.3).
      const common::Date last_day =
          calendar.add_working_days(common::local_date(calendar.counting_start(clock_start)), 3);
      step.deadline = common::local_time(last_day, close / 60, close % 60);
      step.timeliness = compare(step.at, *step.deadline);
      if (auto missing = json_text(data, "missing"); !missing.empty()) {
        notes.push_back("Cần bổ sung: " + missing);
      }
    } else if (e.action == "reappointed" && h.due_in_force) {
      // Form 04 must reach the citizen at least 1 working day before the deadline (§1.4).
      step.deadline = h.due_in_force;
      step.timeliness = calendar.working_days_between(common::local_date(step.at),
                                                      common::local_date(*h.due_in_force)) >= 1
                            ? Timeliness::on_time
                            : Timeliness::late;
      if (auto due = json_time(data, "due_at")) {
        notes.push_back("Hẹn lại: " + short_datetime(*due));
      }
    } else if (measured_against_deadline(e.action) && h.due_in_force) {
      step.deadline = h.due_in_force;
      step.timeliness = compare(step.at, *h.due_in_force);
    }
    if (e.action == "received_by_post") {
      if (auto number = json_text(data, "tracking_number"); !number.empty()) {
        notes.push_back("Số hiệu bưu gửi: " + number);
      }
    }
    if (e.action == "accepted") {
      if (auto code = json_text(data, "code"); !code.empty()) notes.push_back("Mã hồ sơ: " + code);
      if (auto due = json_time(data, "due_at")) {
        notes.push_back("Hẹn trả: " + short_datetime(*due));
      }
    }
    if (e.action == "supplement_received") {
      clock_start = json_time(data, "arrived_at").value_or(step.at);
      if (auto due = json_time(data, "due_at")) {
        notes.push_back("Hẹn trả mới: " + short_datetime(*due));
      }
    }
    if (e.action == "return_dispatched") {
      std::string number = json_text(data, "return_tracking_number");
      if (number.empty()) number = json_text(data, "tracking_number");
      if (!number.empty()) notes.push_back("Số hiệu bưu gửi trả: " + number);
    }
    if (e.action == "processed") {
      h.resolved_at = step.at;
      h.resolved = step.timeliness;
    }
    if (e.action == "result_returned") h.returned_at = step.at;

    // The deadline after this step: a supplement request stops the clock.
    if (auto due = json_time(data, "due_at")) {
      h.due_in_force = due;
    } else if (e.action == "supplement_requested") {
      h.due_in_force.reset();
    }
    std::string note;
    for (const std::string& n : notes) note += (note.empty() ? "" : "\n") + n;
    step.note = std::move(note);
    h.steps.push_back(std::move(step));
  }
  return h;
}

// ---------------------------------------------------------------------------------------------
// Loading helpers

Result<db::Dossier> get_dossier(db::Transaction& tx, db::Id id) {
  auto found = tx.get_dossier(id);
  if (!found) return found.error();
  if (!*found) return make_error(ErrorCode::not_found, fmt::format("no dossier #{}", id));
  return **found;
}

Result<std::string> setting_or(db::Transaction& tx, const char* key, std::string fallback) {
  auto value = tx.setting(key);
  if (!value) return value.error();
  if (*value && !(*value)->empty()) return **value;
  return fallback;
}

Result<AgencyInfo> load_agency(db::Transaction& tx, std::optional<db::Id> agency_id) {
  AgencyInfo info;
  std::optional<db::Agency> agency;
  if (agency_id) {
    auto a = tx.get_agency(*agency_id);
    if (!a) return a.error();
    agency = *a;
  } else {
    auto code = tx.setting(db::k_setting_agency_code);
    if (!code) return code.error();
    if (*code) {
      auto a = tx.find_agency(**code);
      if (!a) return a.error();
      agency = *a;
    }
  }
  if (agency) {
    info.code = agency->code;
    info.name = agency->name;
  }
  for (auto [key, target] : {std::pair{db::k_setting_agency_address, &info.address},
                             std::pair{db::k_setting_agency_phone, &info.phone},
                             std::pair{db::k_setting_agency_province, &info.province}}) {
    auto value = setting_or(tx, key, "");
    if (!value) return value.error();
    *target = std::move(*value);
  }
  return info;
}

Result<AgencyInfo> load_dossier_agency(db::Transaction& tx, db::Id dossier_id) {
  auto dossier = get_dossier(tx, dossier_id);
  if (!dossier) return dossier.error();
  return load_agency(tx, dossier->agency_id);
}

Result<std::vector<db::Event>> dossier_events(db::Transaction& tx, db::Id id) {
  return tx.events_of("dossier", id);
}

// The events named `action`, oldest first.
std::vector<db::Event> events_named(const std::vector<db::Event>& events, std::string_view action) {
  std::vector<db::Event> out;
  for (const db::Event& e : events) {
    if (e.action == action) out.push_back(e);
  }
  return out;
}

common::Error not_applicable(const DossierSummary& d, std::string_view message) {
  return make_error(
      ErrorCode::invalid_argument,
      fmt::format("dossier #{}{}{}: {}", d.id, d.code.empty() ? "" : " ", d.code, message));
}

Result<std::optional<db::Shipment>> newest_return_shipment(db::Transaction& tx, db::Id id) {
  auto shipments = tx.shipments_of(id);
  if (!shipments) return shipments.error();
  std::optional<db::Shipment> newest;
  for (const db::Shipment& s : *shipments) {
    if (s.direction != db::Direction::outbound) continue;
    if (!newest || s.first_seen_at > newest->first_seen_at ||
        (s.first_seen_at == newest->first_seen_at && s.id > newest->id)) {
      newest = s;
    }
  }
  return newest;
}

std::string sanitized_name(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '-' || c == '_';
    out += keep ? c : '_';
  }
  return out;
}

}  // namespace

std::optional<PaperSize> parse_paper_size(std::string_view name) {
  if (name == "a4" || name == "A4") return PaperSize::a4;
  if (name == "a5" || name == "A5") return PaperSize::a5;
  return std::nullopt;
}

std::optional<LabelSize> parse_label_size(std::string_view name) {
  if (name == "a6" || name == "A6") return LabelSize::a6;
  if (name == "100x150" || name == "100×150") return LabelSize::mm100x150;
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Rendering

Result<std::string> render_receipt(const ReceiptForm& form) {
  const DossierSummary& d = form.dossier;
  constexpr std::string_view k_doc = "form 01 (receipt)";
  if (auto ok = require(!d.code.empty(), "the dossier code", k_doc); !ok) return ok.error();
  if (auto ok = require(d.due_at.has_value(), "the appointment (due) date", k_doc); !ok) {
    return ok.error();
  }
  if (auto ok = require(!d.lookup_url.empty(), "the lookup link", k_doc); !ok) return ok.error();
  const bool a5 = form.paper == PaperSize::a5;
  scanner::SvgOptions code_options;
  code_options.module_mm = a5 ? 0.25 : 0.3;
  code_options.bar_height_mm = 10;
  auto code_svg = barcode(scanner::BarcodeKind::code128, d.code, code_options, "dossier code");
  if (!code_svg) return code_svg.error();
  scanner::SvgOptions qr_options;
  qr_options.width_mm = a5 ? 22 : 26;
  auto qr_svg = barcode(scanner::BarcodeKind::qr, d.lookup_url, qr_options, "lookup link");
  if (!qr_svg) return qr_svg.error();

  std::string html =
      page_open("Giấy tiếp nhận hồ sơ và hẹn trả kết quả — " + d.code, page_size(form.paper),
                a5 ? "8mm 10mm" : "15mm 15mm 15mm 20mm", a5 ? "body { font-size: 10.5pt; }" : "");
  html += "<div class=\"page form-01\">\n" + letterhead(form.agency);
  html += "<h1>Giấy tiếp nhận hồ sơ và hẹn trả kết quả</h1>\n";
  html += fmt::format("<h2>Mã hồ sơ: <b class=\"code dossier-code\">{}</b></h2>\n", esc(d.code));
  html += fmt::format(
      "<div class=\"barcodes\"><figure>{}<figcaption class=\"code\">{}</figcaption></figure>"
      "<figure>{}<figcaption>Tra cứu hồ sơ</figcaption></figure></div>\n",
      *code_svg, esc(d.code), *qr_svg);
  html += fmt::format("<p>{} tiếp nhận hồ sơ của:</p>\n",
                      form.agency.name.empty() ? std::string("Bộ phận tiếp nhận và trả kết quả")
                                               : esc(form.agency.name));
  html += applicant_fields(d.applicant);
  html += field("Nội dung yêu cầu giải quyết", procedure_html(d));
  html += field("1. Hình thức nộp", "qua dịch vụ bưu chính công ích" +
                                        (d.inbound_tracking_number.empty()
                                             ? std::string()
                                             : ", số hiệu bưu gửi <span class=\"code\">" +
                                                   esc(d.inbound_tracking_number) + "</span>"));
  html += field("2. Thời gian giải quyết hồ sơ theo quy định", or_blank(d.processing_time));
  html += field("3. Thời gian nhận hồ sơ", esc(datetime_vn(d.filed_at)) + " (bưu điện bàn giao)");
  html += field("4. Thời gian trả kết quả giải quyết hồ sơ",
                "<b class=\"due-date\">" + esc(datetime_vn(*d.due_at)) + "</b>");
  html += field("5. Hình thức trả kết quả", "qua dịch vụ bưu chính công ích, gửi đến " +
                                                or_blank(d.applicant.full_name) + ", " +
                                                or_blank(d.applicant.delivery_address()));
  html += field("6. Tra cứu hồ sơ", "quét mã QR hoặc mở <span class=\"code lookup-url\">" +
                                        esc(d.lookup_url) +
                                        "</span>; mã tra cứu: <b class=\"code lookup-code\">" +
                                        esc(d.lookup_code) + "</b>");
  html += "<p class=\"place-date\">" + place_and_date(form.agency, form.accepted_at) + "</p>\n";
  html += signatures("Người nộp hồ sơ", "", "Người tiếp nhận hồ sơ", form.received_by);
  html += "</div>\n";
  html += k_page_close;
  return html;
}

Result<std::string> render_supplement_request(const SupplementForm& form) {
  const DossierSummary& d = form.dossier;
  if (auto ok = require(!form.missing.empty(), "the list of missing documents",
                        "form 02 (supplement request)");
      !ok) {
    return ok.error();
  }
  std::string html = page_open("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ — " +
                                   (d.code.empty() ? fmt::format("#{}", d.id) : d.code),
                               page_size(form.paper), "15mm 15mm 15mm 20mm", "");
  html += "<div class=\"page form-02\">\n" + letterhead(form.agency);
  html += "<h1>Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ</h1>\n";
  html += "<h2>Hồ sơ " + dossier_reference(d) + "</h2>\n";
  html += field("Hồ sơ của", or_blank(d.applicant.full_name));
  html += field("Địa chỉ", or_blank(d.applicant.address));
  html += field("Nội dung yêu cầu giải quyết", procedure_html(d));
  html += field("Ngày nhận hồ sơ", esc(datetime_vn(d.filed_at)));
  html +=
      "<p>Sau khi nghiên cứu, đối chiếu với quy định hiện hành, đề nghị Ông/Bà bổ sung, hoàn "
      "thiện hồ sơ gồm những nội dung sau:</p>\n<ol class=\"missing\">\n";
  for (const std::string& item : form.missing) html += "<li>" + esc(item) + "</li>\n";
  html += "</ol>\n";
  if (!form.reason.empty()) html += field("Lý do", esc_lines(form.reason));
  html += fmt::format(
      "<p>Hồ sơ bổ sung xin gửi qua dịch vụ bưu chính công ích về {}{}. Thời hạn giải quyết được "
      "tính lại từ đầu khi nhận đủ hồ sơ (lần yêu cầu bổ sung thứ {}).</p>\n",
      or_blank(form.agency.name),
      form.agency.address.empty() ? std::string() : ", " + esc(form.agency.address), form.number);
  html += fmt::format(
      "<p>Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ {} theo số điện "
      "thoại {} để được hướng dẫn.</p>\n<p>Xin trân trọng cảm ơn./.</p>\n",
      or_blank(form.agency.name), or_blank(form.agency.phone));
  html += "<p class=\"place-date\">" + place_and_date(form.agency, form.requested_at) + "</p>\n";
  html += signatures("", "", "Người hướng dẫn", form.officer);
  html += "</div>\n";
  html += k_page_close;
  return html;
}

Result<std::string> render_refusal(const RefusalForm& form) {
  const DossierSummary& d = form.dossier;
  if (auto ok = require(!form.reasons.empty(), "the reason", "form 03 (refusal)"); !ok) {
    return ok.error();
  }
  std::string html = page_open("Phiếu từ chối tiếp nhận giải quyết hồ sơ — " +
                                   (d.code.empty() ? fmt::format("#{}", d.id) : d.code),
                               page_size(form.paper), "15mm 15mm 15mm 20mm", "");
  html += "<div class=\"page form-03\">\n" + letterhead(form.agency);
  html += "<h1>Phiếu từ chối tiếp nhận giải quyết hồ sơ</h1>\n";
  html += "<h2>Hồ sơ " + dossier_reference(d) + "</h2>\n";
  html += fmt::format("<p>{} nhận được hồ sơ qua dịch vụ bưu chính công ích ngày {} của:</p>\n",
                      or_blank(form.agency.name), esc(date_vn(d.filed_at)));
  html += applicant_fields(d.applicant);
  html += field("Nội dung yêu cầu giải quyết", procedure_html(d));
  html += fmt::format(
      "<p>Qua xem xét, {} thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như "
      "sau:</p>\n<ol class=\"reasons\">\n",
      or_blank(form.agency.name));
  for (const std::string& reason : form.reasons) html += "<li>" + esc(reason) + "</li>\n";
  html += "</ol>\n<p>Xin thông báo cho Ông/Bà được biết và thực hiện./.</p>\n";
  html += "<p class=\"place-date\">" + place_and_date(form.agency, form.refused_at) + "</p>\n";
  html += signatures("", "", "Người tiếp nhận hồ sơ", form.officer);
  html += "</div>\n";
  html += k_page_close;
  return html;
}

Result<std::string> render_apology(const ApologyForm& form) {
  const DossierSummary& d = form.dossier;
  std::string html = page_open("Phiếu xin lỗi và hẹn lại ngày trả kết quả — " +
                                   (d.code.empty() ? fmt::format("#{}", d.id) : d.code),
                               page_size(form.paper), "15mm 15mm 15mm 20mm", "");
  const std::string agency = or_blank(form.agency.name);
  html += "<div class=\"page form-04\">\n" + letterhead(form.agency);
  html += "<h1>Phiếu xin lỗi và hẹn lại ngày trả kết quả</h1>\n";
  html += fmt::format("<p>Ngày {}, {} tiếp nhận giải quyết hồ sơ của Ông/Bà {}.</p>\n",
                      esc(date_vn(d.filed_at)), agency, or_blank(d.applicant.full_name));
  html += field("Nội dung yêu cầu giải quyết", procedure_html(d));
  html += field("Mã hồ sơ", dossier_reference(d));
  html += field("Thời hẹn trả kết quả giải quyết hồ sơ", esc(datetime_vn(form.previous_due_at)));
  html += fmt::format(
      "<p>Tuy nhiên đến nay, {} chưa trả kết quả giải quyết hồ sơ của Ông/Bà đúng hẹn ghi trên "
      "Giấy tiếp nhận hồ sơ và hẹn trả kết quả.</p>\n",
      agency);
  html += field("Lý do", or_blank(form.reason));
  html += fmt::format(
      "<p>Sự chậm trễ này đã gây phiền hà cho Ông/Bà. {} xin lỗi Ông/Bà và sẽ trả kết quả giải "
      "quyết hồ sơ cho Ông/Bà vào <b class=\"new-due-date\">{}</b>, qua dịch vụ bưu chính công "
      "ích.</p>\n<p>Xin trân trọng cảm ơn./.</p>\n",
      agency, esc(datetime_vn(form.new_due_at)));
  html += "<p class=\"place-date\">" + place_and_date(form.agency, form.issued_at) + "</p>\n";
  html += signatures("Người lập phiếu", form.officer, "Thủ trưởng cơ quan", "");
  html += "</div>\n";
  html += k_page_close;
  return html;
}

Result<std::string> render_control_sheet(const ControlSheet& sheet) {
  const DossierSummary& d = sheet.dossier;
  std::string html = page_open("Phiếu kiểm soát quá trình giải quyết hồ sơ — " +
                                   (d.code.empty() ? fmt::format("#{}", d.id) : d.code),
                               page_size(sheet.paper), "12mm 12mm 12mm 15mm",
                               "table.steps { table-layout: fixed; font-size: 9.5pt; } "
                               "table.steps td { overflow-wrap: anywhere; } "
                               "col.n { width: 7%; } col.when { width: 15%; } "
                               "col.step { width: 22%; } col.who { width: 13%; } "
                               "col.deadline { width: 15%; } col.result { width: 10%; } "
                               "col.note { width: 18%; } td.late { font-weight: bold; }");
  html += "<div class=\"page form-05\">\n" + letterhead(sheet.agency);
  html += "<h1>Phiếu kiểm soát quá trình giải quyết hồ sơ</h1>\n";
  html += "<h2>Kèm theo hồ sơ " + dossier_reference(d) + "</h2>\n";
  html += field("Hồ sơ của", or_blank(d.applicant.full_name));
  html += field("Nội dung yêu cầu giải quyết", procedure_html(d));
  html += field("Nhận hồ sơ", esc(datetime_vn(d.filed_at)));
  html += field("Hẹn trả kết quả", d.due_at ? esc(datetime_vn(*d.due_at)) : std::string("—"));
  html += field("Tình trạng", esc(state_vn(d.state)));
  html +=
      "<table class=\"steps\">\n<colgroup><col class=\"n\"><col class=\"when\">"
      "<col class=\"step\"><col class=\"who\"><col class=\"deadline\"><col class=\"result\">"
      "<col class=\"note\"></colgroup>\n<thead><tr><th>STT</th><th>Thời gian</th>"
      "<th>Bước xử lý</th><th>Người thực hiện</th><th>Hạn</th><th>Kết quả</th>"
      "<th>Ghi chú</th></tr></thead>\n<tbody>\n";
  int n = 0;
  for (const ControlStep& step : sheet.steps) {
    html += fmt::format(
        "<tr class=\"step {}\"><td>{}</td><td class=\"when\">{}</td><td>{}</td><td>{}</td>"
        "<td class=\"deadline\">{}</td><td class=\"{}\">{}</td><td>{}</td></tr>\n",
        esc(step.action), ++n, esc(short_datetime(step.at)), esc(step_vn(step.action)),
        esc(step.actor), esc(optional_datetime(step.deadline)),
        step.timeliness == Timeliness::late ? "late" : "timeliness", timeliness_vn(step.timeliness),
        esc_lines(step.note));
  }
  html += "</tbody>\n</table>\n";
  html += signatures("", "", "Người lập phiếu", "");
  html += "</div>\n";
  html += k_page_close;
  return html;
}

Result<std::string> render_register(const YearRegister& reg) {
  if (auto ok = require(reg.year > 0, "the year", "form 06 (register)"); !ok) return ok.error();
  const PageSize a4_landscape{297, 210, "A4 landscape"};
  std::string html = page_open(fmt::format("Sổ theo dõi hồ sơ năm {}", reg.year), a4_landscape,
                               "10mm", "table { font-size: 9pt; } td { word-break: break-word; }");
  html += "<div class=\"page form-06\">\n" + letterhead(reg.agency);
  html += fmt::format("<h1>Sổ theo dõi hồ sơ</h1>\n<h2>Năm {}</h2>\n", reg.year);
  html +=
      "<table class=\"register\">\n<thead><tr><th>STT</th><th>Mã hồ sơ</th>"
      "<th>Số hiệu bưu gửi đến</th><th>Tên thủ tục hành chính</th>"
      "<th>Tên cá nhân, tổ chức</th><th>Địa chỉ, số điện thoại</th><th>Nhận hồ sơ</th>"
      "<th>Hẹn trả kết quả</th><th>Có kết quả</th><th>Trả kết quả (số hiệu bưu gửi trả)</th>"
      "<th>Tình trạng</th><th>Đúng hạn</th><th>Ghi chú</th></tr></thead>\n<tbody>\n";
  int n = 0;
  int resolved = 0;
  int late = 0;
  for (const RegisterRow& row : reg.rows) {
    const DossierSummary& d = row.dossier;
    if (row.resolved_at) ++resolved;
    if (row.timeliness == Timeliness::late) ++late;
    std::string contact = esc(d.applicant.address);
    if (!d.applicant.phone.empty()) {
      contact += (contact.empty() ? "" : "<br>") + esc(d.applicant.phone);
    }
    std::string returned = optional_datetime(row.returned_at);
    if (!row.return_tracking_number.empty()) {
      returned =
          esc(returned) + "<br><span class=\"code\">" + esc(row.return_tracking_number) + "</span>";
    } else {
      returned = esc(returned);
    }
    html += fmt::format(
        "<tr><td>{}</td><td class=\"code\">{}</td><td class=\"code\">{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td></tr>\n",
        ++n, d.code.empty() ? fmt::format("#{}", d.id) : esc(d.code),
        esc(d.inbound_tracking_number), procedure_html(d), esc(d.applicant.full_name), contact,
        esc(short_datetime(d.filed_at)), esc(optional_datetime(d.due_at)),
        esc(optional_datetime(row.resolved_at)), returned, esc(state_vn(d.state)),
        timeliness_vn(row.timeliness), esc_lines(row.note));
  }
  html += "</tbody>\n</table>\n";
  html +=
      fmt::format("<p class=\"totals\">Tổng số: {} hồ sơ; đã có kết quả: {}; quá hạn: {}.</p>\n", n,
                  resolved, late);
  html += "<p class=\"place-date\">" + place_and_date(reg.agency, reg.printed_at) + "</p>\n";
  html += "</div>\n";
  html += k_page_close;
  return html;
}

Result<std::string> render_labels(std::span<const ReturnLabel> labels, LabelSize size,
                                  LabelLayout layout) {
  if (labels.empty()) {
    return make_error(ErrorCode::invalid_argument, "return labels: no label to print");
  }
  const PageSize label = page_size(size);
  const bool sheet = layout == LabelLayout::sheet;
  const PageSize a4 = page_size(PaperSize::a4);
  const int columns = sheet ? std::max(1, static_cast<int>(a4.width_mm / label.width_mm)) : 1;
  const int rows = sheet ? std::max(1, static_cast<int>(a4.height_mm / label.height_mm)) : 1;
  const int per_page = columns * rows;
  const std::string label_css = fmt::format(
      ".label {{ width: {w}mm; height: {h}mm; padding: 4mm; overflow: hidden; display: flex; "
      "flex-direction: column; gap: 2mm; font-family: \"DejaVu Sans\", \"Liberation Sans\", "
      "sans-serif; font-size: 9.5pt; line-height: 1.3; {border} }}\n"
      ".sheet {{ display: grid; grid-template-columns: repeat({cols}, {w}mm); "
      "grid-auto-rows: {h}mm; }}\n"
      ".label .service {{ display: flex; justify-content: space-between; font-weight: bold; "
      "border-bottom: 0.4mm solid #000; padding-bottom: 1mm; }}\n"
      ".label .tracking {{ text-align: center; }} .label .tracking svg {{ margin: 0 auto; }}\n"
      ".label .tracking-number {{ font-family: \"DejaVu Sans Mono\", monospace; font-size: 13pt; "
      "font-weight: bold; letter-spacing: 0.5mm; }}\n"
      ".label .party {{ border: 0.3mm solid #000; padding: 1.5mm 2mm; }}\n"
      ".label .party .title {{ font-size: 8pt; font-weight: bold; text-transform: uppercase; }}\n"
      ".label .receiver-name {{ font-size: 12pt; font-weight: bold; }}\n"
      ".label .receiver-address {{ font-size: 11pt; }}\n"
      ".label .lookup {{ display: flex; gap: 3mm; align-items: center; margin-top: auto; "
      "font-size: 8.5pt; }}\n"
      "@media screen {{ .page {{ padding: 0; min-height: 0; width: auto; }} }}\n",
      fmt::arg("w", label.width_mm), fmt::arg("h", label.height_mm), fmt::arg("cols", columns),
      fmt::arg("border", sheet ? "border: 0.2mm dashed #999;" : ""));
  std::string html =
      page_open(labels.size() == 1 ? "Nhãn gửi trả kết quả — " + labels.front().tracking_number
                                   : fmt::format("Nhãn gửi trả kết quả ({} nhãn)", labels.size()),
                sheet ? a4 : label, "0", label_css);

  scanner::SvgOptions code_options;
  code_options.module_mm = 0.33;  // DOMAIN.md §2: 0.25-0.51 mm
  code_options.bar_height_mm = 15;
  scanner::SvgOptions qr_options;
  qr_options.module_mm = 0.5;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const ReturnLabel& l = labels[i];
    const std::string what = fmt::format("label of dossier #{}", l.dossier_id);
    if (auto ok = require(!l.tracking_number.empty(), "the return tracking number", what); !ok) {
      return ok.error();
    }
    if (auto ok = require(!l.lookup_url.empty(), "the lookup link", what); !ok) return ok.error();
    // Anyone handling the envelope could open the citizen view with the lookup code.
    if (l.lookup_url.find("?mk=") != std::string::npos ||
        l.lookup_url.find("&mk=") != std::string::npos) {
      return make_error(ErrorCode::invalid_argument,
                        fmt::format("{}: the lookup link carries the lookup code (mk=), which a "
                                    "label must not show: use tracking::public_lookup_page_url",
                                    what));
    }
    auto code_svg = barcode(scanner::BarcodeKind::code128, l.tracking_number, code_options,
                            what + ": tracking number");
    if (!code_svg) return code_svg.error();
    auto qr_svg = barcode(scanner::BarcodeKind::qr, l.lookup_url, qr_options, what + ": lookup");
    if (!qr_svg) return qr_svg.error();

    if (i % per_page == 0)
      html += sheet ? "<div class=\"page sheet\">\n" : "<div class=\"page\">\n";
    html += "<div class=\"label\">\n";
    std::string carrier = l.carrier;
    std::transform(carrier.begin(), carrier.end(), carrier.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    html += fmt::format(
        "<div class=\"service\"><span>{}</span><span>Bưu chính công ích — Trả kết quả "
        "TTHC</span></div>\n",
        esc(carrier));
    html += fmt::format("<div class=\"tracking\">{}<div class=\"tracking-number\">{}</div></div>\n",
                        *code_svg, esc(l.tracking_number));
    std::string sender = "<b>" + or_blank(l.sender.name) + "</b>";
    if (!l.sender.address.empty()) sender += "<br>" + esc(l.sender.address);
    if (!l.sender.phone.empty()) sender += "<br>ĐT: " + esc(l.sender.phone);
    html +=
        "<div class=\"party sender\"><div class=\"title\">Người gửi</div>" + sender + "</div>\n";
    html += fmt::format(
        "<div class=\"party receiver\"><div class=\"title\">Người nhận</div>"
        "<div class=\"receiver-name\">{}</div><div>ĐT: {}</div>"
        "<div class=\"receiver-address\">{}</div></div>\n",
        or_blank(l.receiver_name), or_blank(l.receiver_phone), or_blank(l.receiver_address));
    html += fmt::format(
        "<div class=\"lookup\">{}<div>Tra cứu hồ sơ: quét mã QR<br>Mã hồ sơ: <span "
        "class=\"code\">{}</span></div></div>\n",
        *qr_svg, l.dossier_code.empty() ? fmt::format("#{}", l.dossier_id) : esc(l.dossier_code));
    html += "</div>\n";
    if (i % per_page == static_cast<std::size_t>(per_page - 1) || i + 1 == labels.size()) {
      html += "</div>\n";
    }
  }
  html += k_page_close;
  return html;
}

// ---------------------------------------------------------------------------------------------
// Loading

Result<DossierSummary> load_dossier_summary(db::Transaction& tx, db::Id dossier_id) {
  auto dossier = get_dossier(tx, dossier_id);
  if (!dossier) return dossier.error();
  const db::Dossier& d = *dossier;
  DossierSummary s;
  s.id = d.id;
  s.code = d.code.value_or("");
  s.lookup_code = d.lookup_code;
  s.filed_at = d.filed_at;
  s.due_at = d.due_at;
  s.state = d.state;
  s.supplement_count = d.supplement_count;
  if (d.procedure_id) {
    auto p = tx.get_procedure(*d.procedure_id);
    if (!p) return p.error();
    if (*p) {
      s.procedure_code = (*p)->code;
      s.procedure_name = (*p)->name;
      s.processing_time = processing_time_vn(**p);
    }
  }
  auto shipments = tx.shipments_of(d.id);
  if (!shipments) return shipments.error();
  for (const db::Shipment& shipment : *shipments) {
    if (shipment.direction == db::Direction::inbound) {
      s.inbound_tracking_number = shipment.tracking_number;
      break;
    }
  }
  auto applicant = tx.applicant_of(d.id);
  if (!applicant) return applicant.error();
  if (*applicant) {
    const db::Applicant& a = **applicant;
    s.applicant = {a.full_name, a.id_number, a.phone, a.address, a.return_address};
  }
  auto base = setting_or(tx, db::k_setting_public_url, db::k_default_public_url);
  if (!base) return base.error();
  const std::string& key = s.code.empty() ? s.inbound_tracking_number : s.code;
  s.lookup_url = public_lookup_url(*base, key, s.lookup_code);
  s.lookup_page_url = public_lookup_page_url(*base, key);
  return s;
}

Result<ReceiptForm> load_receipt(db::Transaction& tx, db::Id dossier_id) {
  ReceiptForm form;
  auto summary = load_dossier_summary(tx, dossier_id);
  if (!summary) return summary.error();
  form.dossier = std::move(*summary);
  auto events = dossier_events(tx, dossier_id);
  if (!events) return events.error();
  const auto accepted = events_named(*events, "accepted");
  if (accepted.empty() || form.dossier.code.empty()) {
    return not_applicable(form.dossier,
                          "not accepted, so there is no receipt (form 01): accept it first "
                          "(hoso dossier accept)");
  }
  form.accepted_at = accepted.back().at;
  form.received_by = accepted.back().actor;
  // The appointment the citizen was given: set on acceptance, or afresh when the complete
  // dossier arrived after a supplement request. A later apology has its own form (04).
  std::optional<Timestamp> appointment;
  for (const db::Event& e : *events) {
    if (e.action != "accepted" && e.action != "supplement_received") continue;
    const auto data = nlohmann::json::parse(e.data, nullptr, false);
    if (auto due = json_time(data, "due_at")) appointment = due;
  }
  if (appointment) form.dossier.due_at = appointment;
  if (!form.dossier.due_at) {
    return not_applicable(form.dossier, "has no appointment date for its receipt (form 01)");
  }
  auto agency = load_dossier_agency(tx, dossier_id);
  if (!agency) return agency.error();
  form.agency = std::move(*agency);
  return form;
}

Result<SupplementForm> load_supplement_request(db::Transaction& tx, db::Id dossier_id, int number) {
  SupplementForm form;
  auto summary = load_dossier_summary(tx, dossier_id);
  if (!summary) return summary.error();
  form.dossier = std::move(*summary);
  auto events = dossier_events(tx, dossier_id);
  if (!events) return events.error();
  const auto requests = events_named(*events, "supplement_requested");
  if (requests.empty()) {
    return not_applicable(form.dossier,
                          "no supplement was requested, so there is no form 02 (hoso dossier "
                          "supplement)");
  }
  if (number < 0 || number > static_cast<int>(requests.size())) {
    return not_applicable(
        form.dossier, fmt::format("has {} supplement request(s), not {}", requests.size(), number));
  }
  form.number = number == 0 ? static_cast<int>(requests.size()) : number;
  const db::Event& e = requests[static_cast<std::size_t>(form.number - 1)];
  const auto data = nlohmann::json::parse(e.data, nullptr, false);
  form.missing = split_items(json_text(data, "missing"));
  form.reason = e.reason;
  form.officer = e.actor;
  form.requested_at = e.at;
  auto agency = load_dossier_agency(tx, dossier_id);
  if (!agency) return agency.error();
  form.agency = std::move(*agency);
  return form;
}

Result<RefusalForm> load_refusal(db::Transaction& tx, db::Id dossier_id) {
  RefusalForm form;
  auto summary = load_dossier_summary(tx, dossier_id);
  if (!summary) return summary.error();
  form.dossier = std::move(*summary);
  auto events = dossier_events(tx, dossier_id);
  if (!events) return events.error();
  const auto refusals = events_named(*events, "refused");
  if (refusals.empty()) {
    return not_applicable(form.dossier,
                          "was not refused, so there is no refusal (form 03; hoso dossier "
                          "refuse)");
  }
  form.reasons = split_items(refusals.back().reason);
  form.officer = refusals.back().actor;
  form.refused_at = refusals.back().at;
  auto agency = load_dossier_agency(tx, dossier_id);
  if (!agency) return agency.error();
  form.agency = std::move(*agency);
  return form;
}

Result<ApologyForm> load_apology(db::Transaction& tx, db::Id dossier_id) {
  ApologyForm form;
  auto summary = load_dossier_summary(tx, dossier_id);
  if (!summary) return summary.error();
  form.dossier = std::move(*summary);
  auto events = dossier_events(tx, dossier_id);
  if (!events) return events.error();
  const auto apologies = events_named(*events, "reappointed");
  if (apologies.empty()) {
    return not_applicable(form.dossier,
                          "was not re-appointed, so there is no apology (form 04; hoso dossier "
                          "apologise)");
  }
  const db::Event& e = apologies.back();
  const auto data = nlohmann::json::parse(e.data, nullptr, false);
  const auto previous = json_time(data, "previous_due_at");
  const auto next = json_time(data, "due_at");
  if (!previous || !next) {
    return make_error(
        ErrorCode::internal,
        fmt::format("dossier #{}: the apology event #{} lacks its dates", dossier_id, e.id));
  }
  form.previous_due_at = *previous;
  form.new_due_at = *next;
  form.reason = e.reason;
  form.officer = e.actor;
  form.issued_at = e.at;
  auto agency = load_dossier_agency(tx, dossier_id);
  if (!agency) return agency.error();
  form.agency = std::move(*agency);
  return form;
}

Result<ControlSheet> load_control_sheet(db::Transaction& tx, db::Id dossier_id) {
  ControlSheet sheet;
  auto summary = load_dossier_summary(tx, dossier_id);
  if (!summary) return summary.error();
  sheet.dossier = std::move(*summary);
  auto events = dossier_events(tx, dossier_id);
  if (!events) return events.error();
  auto calendar = load_calendar(tx);
  if (!calendar) return calendar.error();
  sheet.steps = read_history(*events, *calendar, sheet.dossier.filed_at).steps;
  auto agency = load_dossier_agency(tx, dossier_id);
  if (!agency) return agency.error();
  sheet.agency = std::move(*agency);
  return sheet;
}

Result<YearRegister> load_register(db::Transaction& tx, int year, Timestamp now) {
  if (year < 1970 || year > 9999) {
    return make_error(ErrorCode::invalid_argument,
                      fmt::format("form 06: {} is not a year (YYYY)", year));
  }
  YearRegister reg;
  reg.year = year;
  reg.printed_at = now;
  auto agency = load_agency(tx, std::nullopt);
  if (!agency) return agency.error();
  reg.agency = std::move(*agency);
  auto calendar = load_calendar(tx);
  if (!calendar) return calendar.error();

  db::DossierFilter filter;
  const auto first_day = common::Date{chr::year{year}, chr::January, chr::day{1}};
  const auto next_first_day = common::Date{chr::year{year + 1}, chr::January, chr::day{1}};
  filter.filed_from = common::local_time(first_day, 0, 0);
  filter.filed_to = common::local_time(next_first_day, 0, 0);
  filter.limit = 10'000'000;
  auto dossiers = tx.list_dossiers(filter);
  if (!dossiers) return dossiers.error();
  for (const db::Dossier& d : *dossiers) {
    RegisterRow row;
    auto summary = load_dossier_summary(tx, d.id);
    if (!summary) return summary.error();
    row.dossier = std::move(*summary);
    auto events = dossier_events(tx, d.id);
    if (!events) return events.error();
    const History history = read_history(*events, *calendar, d.filed_at);
    row.resolved_at = history.resolved_at;
    row.returned_at = history.returned_at;
    auto shipment = newest_return_shipment(tx, d.id);
    if (!shipment) return shipment.error();
    if (*shipment) row.return_tracking_number = (*shipment)->tracking_number;
    std::vector<std::string> notes;
    // National scoring (DOMAIN.md §4): more than one supplement request counts as late.
    if (d.supplement_count > 1) {
      row.timeliness = Timeliness::late;
      notes.push_back(fmt::format("{} lần yêu cầu bổ sung", d.supplement_count));
    } else if (history.resolved_at) {
      row.timeliness = history.resolved;
    } else if (d.due_at && *d.due_at < now &&
               (d.state == db::DossierState::accepted || d.state == db::DossierState::in_process ||
                d.state == db::DossierState::awaiting_fees)) {
      row.timeliness = Timeliness::late;
    }
    if (d.supplement_count == 1) notes.emplace_back("Đã yêu cầu bổ sung");
    if (d.reappointed) notes.emplace_back("Đã xin lỗi, hẹn lại");
    for (const char* action : {"refused", "stopped"}) {
      const auto found = events_named(*events, action);
      if (!found.empty() && !found.back().reason.empty()) notes.push_back(found.back().reason);
    }
    for (const std::string& n : notes) row.note += (row.note.empty() ? "" : "\n") + n;
    reg.rows.push_back(std::move(row));
  }
  return reg;
}

Result<ReturnLabel> load_return_label(db::Transaction& tx, db::Id dossier_id) {
  auto summary = load_dossier_summary(tx, dossier_id);
  if (!summary) return summary.error();
  const DossierSummary& d = *summary;
  auto shipment = newest_return_shipment(tx, dossier_id);
  if (!shipment) return shipment.error();
  if (!*shipment) {
    return make_error(ErrorCode::not_found,
                      fmt::format("dossier #{}{}{} has no return shipment, so there is no label "
                                  "to print: dispatch the result first (hoso dispatch)",
                                  d.id, d.code.empty() ? "" : " ", d.code));
  }
  auto agency = load_dossier_agency(tx, dossier_id);
  if (!agency) return agency.error();
  ReturnLabel label;
  label.sender = std::move(*agency);
  label.receiver_name = d.applicant.full_name;
  label.receiver_phone = d.applicant.phone;
  label.receiver_address = d.applicant.delivery_address();
  label.tracking_number = (*shipment)->tracking_number;
  label.carrier = (*shipment)->carrier;
  label.dossier_code = d.code;
  label.dossier_id = d.id;
  label.lookup_url = d.lookup_page_url;
  return label;
}

std::string document_folder_name(const db::Dossier& dossier) {
  if (dossier.code && !dossier.code->empty()) return sanitized_name(*dossier.code);
  return fmt::format("#{}", dossier.id);
}

Result<void> write_document(const fs::path& path, std::string_view html) {
  std::error_code ec;
  if (path.has_parent_path()) {
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
      return make_error(ErrorCode::io_error,
                        fmt::format("cannot create the folder {}: {}", path.parent_path().string(),
                                    ec.message()));
    }
  }
  const fs::path temporary = path.string() + fmt::format(".tmp-{}", ::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(html.data(), static_cast<std::streamsize>(html.size()));
    out.close();
    if (!out) {
      fs::remove(temporary, ec);
      return make_error(ErrorCode::io_error, fmt::format("cannot write {}", path.string()));
    }
  }
  fs::rename(temporary, path, ec);
  if (ec) {
    fs::remove(temporary, ec);
    return make_error(ErrorCode::io_error,
                      fmt::format("cannot write {}: {}", path.string(), ec.message()));
  }
  return {};
}

Result<std::vector<fs::path>> write_dossier_documents(db::Store& store, db::Id dossier_id,
                                                      const fs::path& folder,
                                                      const DocumentOptions& options) {
  std::vector<std::pair<std::string, std::string>> pages;  // file name, HTML
  auto read = store.read([&](db::Transaction& tx) -> Result<void> {
    auto dossier = get_dossier(tx, dossier_id);
    if (!dossier) return dossier.error();
    auto events = dossier_events(tx, dossier_id);
    if (!events) return events.error();
    auto add = [&](std::string name, Result<std::string> html) -> Result<void> {
      if (!html) return html.error();
      pages.emplace_back(std::move(name), std::move(*html));
      return {};
    };
    if (!events_named(*events, "accepted").empty()) {
      auto form = load_receipt(tx, dossier_id);
      if (!form) return form.error();
      form->paper = options.paper;
      if (auto ok = add("form-01.html", render_receipt(*form)); !ok) return ok;
    }
    const auto requests = events_named(*events, "supplement_requested");
    for (std::size_t n = 1; n <= requests.size(); ++n) {
      auto form = load_supplement_request(tx, dossier_id, static_cast<int>(n));
      if (!form) return form.error();
      const std::string name =
          requests.size() == 1 ? "form-02.html" : fmt::format("form-02-{}.html", n);
      if (auto ok = add(name, render_supplement_request(*form)); !ok) return ok;
    }
    if (!events_named(*events, "refused").empty()) {
      auto form = load_refusal(tx, dossier_id);
      if (!form) return form.error();
      if (auto ok = add("form-03.html", render_refusal(*form)); !ok) return ok;
    }
    if (!events_named(*events, "reappointed").empty()) {
      auto form = load_apology(tx, dossier_id);
      if (!form) return form.error();
      if (auto ok = add("form-04.html", render_apology(*form)); !ok) return ok;
    }
    auto sheet = load_control_sheet(tx, dossier_id);
    if (!sheet) return sheet.error();
    if (auto ok = add("form-05.html", render_control_sheet(*sheet)); !ok) return ok;
    auto shipment = newest_return_shipment(tx, dossier_id);
    if (!shipment) return shipment.error();
    if (*shipment) {
      auto label = load_return_label(tx, dossier_id);
      if (!label) return label.error();
      if (auto ok = add("label.html", render_labels(std::span(&*label, 1), options.label,
                                                    LabelLayout::one_per_page));
          !ok) {
        return ok;
      }
    }
    return {};
  });
  if (!read) return read.error();
  std::vector<fs::path> written;
  for (const auto& [name, html] : pages) {
    const fs::path path = folder / name;
    if (auto ok = write_document(path, html); !ok) return ok.error();
    written.push_back(path);
  }
  return written;
}

std::optional<FormKind> parse_form_kind(std::string_view name) {
  if (name == "receipt") return FormKind::receipt;
  if (name == "supplement") return FormKind::supplement;
  if (name == "refusal") return FormKind::refusal;
  if (name == "apology") return FormKind::apology;
  if (name == "control") return FormKind::control;
  return std::nullopt;
}

std::string_view form_kind_name(FormKind kind) {
  switch (kind) {
    case FormKind::receipt:
      return "receipt";
    case FormKind::supplement:
      return "supplement";
    case FormKind::refusal:
      return "refusal";
    case FormKind::apology:
      return "apology";
    case FormKind::control:
      return "control";
  }
  return "";
}

// The loaders' own tests, each on what it reads first: the dossier, its events, its shipments.
Result<AvailableForms> available_forms(db::Transaction& tx, db::Id dossier_id) {
  auto dossier = get_dossier(tx, dossier_id);
  if (!dossier) return dossier.error();
  auto events = dossier_events(tx, dossier_id);
  if (!events) return events.error();
  auto shipment = newest_return_shipment(tx, dossier_id);
  if (!shipment) return shipment.error();

  bool accepted = false;
  bool appointment = dossier->due_at.has_value();
  bool supplement = false;
  bool refused = false;
  const db::Event* apology = nullptr;
  for (const db::Event& e : *events) {
    if (e.action == "accepted") accepted = true;
    if (e.action == "supplement_requested") supplement = true;
    if (e.action == "refused") refused = true;
    if (e.action == "reappointed") apology = &e;
    if (e.action == "accepted" || e.action == "supplement_received") {
      const auto data = nlohmann::json::parse(e.data, nullptr, false);
      if (json_time(data, "due_at")) appointment = true;
    }
  }
  // load_apology refuses an apology event without both of its dates.
  bool apology_dated = false;
  if (apology) {
    const auto data = nlohmann::json::parse(apology->data, nullptr, false);
    apology_dated = json_time(data, "previous_due_at") && json_time(data, "due_at");
  }

  AvailableForms out;
  const bool has_code = dossier->code && !dossier->code->empty();
  if (accepted && has_code && appointment) out.forms.push_back(FormKind::receipt);
  if (supplement) out.forms.push_back(FormKind::supplement);
  if (refused) out.forms.push_back(FormKind::refusal);
  if (apology_dated) out.forms.push_back(FormKind::apology);
  out.forms.push_back(FormKind::control);
  out.return_label = shipment->has_value();
  return out;
}

Result<std::string> render_form(db::Transaction& tx, db::Id dossier_id, FormKind kind,
                                PaperSize receipt_paper, int supplement_number) {
  switch (kind) {
    case FormKind::receipt: {
      auto form = load_receipt(tx, dossier_id);
      if (!form) return form.error();
      form->paper = receipt_paper;
      return render_receipt(*form);
    }
    case FormKind::supplement: {
      auto form = load_supplement_request(tx, dossier_id, supplement_number);
      if (!form) return form.error();
      return render_supplement_request(*form);
    }
    case FormKind::refusal: {
      auto form = load_refusal(tx, dossier_id);
      if (!form) return form.error();
      return render_refusal(*form);
    }
    case FormKind::apology: {
      auto form = load_apology(tx, dossier_id);
      if (!form) return form.error();
      return render_apology(*form);
    }
    case FormKind::control: {
      auto sheet = load_control_sheet(tx, dossier_id);
      if (!sheet) return sheet.error();
      return render_control_sheet(*sheet);
    }
  }
  return common::make_error(common::ErrorCode::internal, "unknown form");
}

}  // namespace tracking
