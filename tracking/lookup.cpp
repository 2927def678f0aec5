#include "tracking/lookup.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>
#include <utility>

#include "db/settings.hpp"
#include "tracking/dispatch.hpp"
#include "tracking/dossier_key.hpp"
#include "tracking/labels.hpp"
#include "tracking/lifecycle.hpp"
#include "tracking/messages.hpp"

namespace tracking {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;
using common::Timestamp;
using db::DossierState;
using nlohmann::json;

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(),
                                      [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

std::string strip_and_upper(std::string_view text) {
  std::string out;
  for (const unsigned char c : text) {
    if (std::isspace(c) || c == '-') continue;
    out.push_back(static_cast<char>(std::toupper(c)));
  }
  return out;
}

std::optional<Timestamp> iso_field(const json& data, const char* key) {
  if (!data.is_object() || !data.contains(key) || !data[key].is_string()) return std::nullopt;
  auto parsed = common::parse_local(data[key].get<std::string>());
  if (!parsed) return std::nullopt;
  return *parsed;
}

std::optional<std::string> string_field(const json& data, const char* key) {
  if (!data.is_object() || !data.contains(key) || !data[key].is_string()) return std::nullopt;
  return data[key].get<std::string>();
}

// The keys a citizen's code gives, for db::Transaction::match_public_code: the text as a tracking
// number (inbound, then return), then as a dossier code (standard form, then as typed, trimmed,
// at most 64 characters). Never a dossier number: those are sequential. A key the text does not
// give is left empty or unset, which matches nothing.
db::PublicCodeKeys public_code_keys(std::string_view code) {
  const std::string_view as_typed = trim(code);
  db::PublicCodeKeys keys;
  keys.tracking_number = normalise_tracking_number(code);
  keys.standard_code = normalise_dossier_code(code);
  if (!as_typed.empty() && as_typed.size() <= 64) keys.typed_code = std::string(as_typed);
  return keys;
}

// What stands for the lookup code when no dossier matched: as long as intake's codes (8
// characters), so the comparison takes the same time; never accepted, even if typed, because the
// decision also needs a dossier. Control characters, no lookup code has them; not NUL, which
// PostgreSQL's text cannot hold.
const std::string& no_lookup_code() {
  static const std::string k_no_lookup_code(8, '\x01');
  return k_no_lookup_code;
}

// "7:30-11:30, 13:30-17:00": the desk's opening hours, Monday to Friday by the calendar.
std::string office_hours_text(const common::OfficeHours& h) {
  const auto hm = [](int minute) { return fmt::format("{}:{:02}", minute / 60, minute % 60); };
  return fmt::format("{}-{}, {}-{}", hm(h.open_minute), hm(h.lunch_start), hm(h.lunch_end),
                     hm(h.close_minute));
}

Result<CitizenView> build_citizen_view(db::Transaction& tx, const db::Dossier& d) {
  CitizenView view;
  view.dossier_code = d.code.value_or("");
  view.filed_at = d.filed_at;
  view.state = d.state;
  view.due_at = d.due_at;
  view.reappointed = d.reappointed;
  if (d.procedure_id) {
    TRY_ASSIGN(auto procedure, tx.get_procedure(*d.procedure_id));
    if (procedure) {
      view.procedure_code = procedure->code;
      view.procedure_name = procedure->name;
    }
  }
  TRY_ASSIGN(auto events, tx.events_of("dossier", d.id));
  DossierState state = DossierState::received;
  for (const db::Event& e : events) {
    const common::MessageDef* label = citizen_step_label(e.action);
    if (!label) continue;
    // Only these facts of the event's data are read: its reason, actor and other details (a list
    // of missing documents, the staff's words) never reach the citizen.
    const json data = json::parse(e.data, nullptr, false);
    CitizenStep step;
    step.step = std::string(db::event_kind_name(e.action));
    step.label = std::string(label->wording(common::Lang::vi));
    if (e.action == db::EventKind::letter_dispatched) {
      // docs/domain.md §1.5b: which letter and its tracking number, read from the event's data.
      const auto kind = parse_letter_kind(string_field(data, "form").value_or(""));
      const auto number = string_field(data, "tracking_number");
      if (kind && number) {
        step.letter = std::string(letter_kind_name(*kind));
        step.tracking_number = normalise_tracking_number(*number);
        step.label = common::Text{msg::letter_posted_step,
                                  {{"letter", common::Text{letter_label(*kind)}},
                                   {"tracking_number", step.tracking_number}}}
                         .render(common::Lang::vi);
      }
    }
    if (e.action == db::EventKind::result_returned && string_field(data, "via") == "desk") {
      step.step = "collected_at_desk";
      step.label = std::string(collected_at_desk_step().wording(common::Lang::vi));
    }
    if (e.action == db::EventKind::transferred) {
      // docs/domain.md §1.4a: "Hồ sơ đã chuyển đến <unit>"; the event holds no person's name.
      if (auto unit = string_field(data, "to_unit"); unit && !unit->empty()) {
        step.unit = *unit;
        step.label = "Hồ sơ đã chuyển đến " + *unit;
      }
    }
    step.at = e.action == db::EventKind::received_by_post
                  ? iso_field(data, "filed_at").value_or(d.filed_at)
                  : iso_field(data, "at").value_or(e.at);
    if (auto to = string_field(data, "to")) {
      if (auto parsed = db::parse_dossier_state(*to)) state = *parsed;
    }
    step.state = state;
    step.due_at = iso_field(data, "due_at");
    view.timeline.push_back(std::move(step));
  }
  TRY_ASSIGN(auto shipments, tx.shipments_of(d.id));
  std::stable_sort(
      shipments.begin(), shipments.end(), [](const db::Shipment& a, const db::Shipment& b) {
        return a.direction == db::Direction::inbound && b.direction != db::Direction::inbound;
      });
  for (const db::Shipment& s : shipments) {
    CitizenShipment shipment;
    shipment.direction = s.direction;
    shipment.purpose = std::string(db::shipment_purpose_name(s.purpose));
    shipment.carrier = s.carrier;
    shipment.tracking_number = s.tracking_number;
    shipment.status = s.status;
    TRY_ASSIGN(auto carrier_events, tx.carrier_events_of(s.id));
    for (const db::CarrierEvent& ce : carrier_events) {
      shipment.events.push_back(CitizenCarrierEvent{ce.occurred_at, ce.status, ce.location});
    }
    view.shipments.push_back(std::move(shipment));
  }
  view.result_delivery = d.result_delivery;
  if (d.result_delivery == db::ResultDelivery::desk) {
    TRY_ASSIGN(const auto address, tx.setting(db::k_setting_agency_address));
    view.collection_address = address.value_or("");
    TRY_ASSIGN(const auto calendar, load_calendar(tx));
    view.office_hours = office_hours_text(calendar.office_hours());
  }
  view.delivery_failed = d.state == DossierState::return_failed;
  const auto newest_return =
      std::find_if(view.shipments.rbegin(), view.shipments.rend(), [](const CitizenShipment& s) {
        return s.direction == db::Direction::outbound && s.purpose == "result";
      });
  if (newest_return != view.shipments.rend() && newest_return->status != "delivered") {
    for (const CitizenCarrierEvent& e : newest_return->events) {
      if (e.status == "delivery_failed" || e.status == "return_to_sender" ||
          e.status == "returned") {
        view.delivery_failed = true;
      }
    }
  }
  return view;
}

std::string dump(const json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace); }

json optional_time(const std::optional<Timestamp>& t) {
  return t ? json(common::format_iso(*t)) : json();
}

// Text for a terminal: control characters (which could move the cursor) become spaces.
std::string safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    out += (byte < 0x20 || byte == 0x7F) ? ' ' : c;
  }
  return out;
}

std::string local_minutes(Timestamp t) { return common::format_local(t).substr(0, 16); }

std::string direction_label(db::Direction direction, std::string_view purpose = "result") {
  if (direction == db::Direction::inbound) return "Bưu gửi hồ sơ (chiều đến)";
  if (const auto letter = parse_letter_kind(purpose)) {
    return fmt::format("Bưu gửi {} (chiều trả)", letter_label(*letter).wording(common::Lang::vi));
  }
  return "Bưu gửi kết quả (chiều trả)";
}

}  // namespace

std::string normalise_tracking_number(std::string_view text) {
  std::string out;
  for (const unsigned char c : text) {
    if (std::isspace(c) || c == '-') continue;
    out.push_back(static_cast<char>(std::toupper(c)));
  }
  return out;
}

std::optional<std::string> normalise_dossier_code(std::string_view text) {
  text = trim(text);
  if (text.size() > 64) return std::nullopt;
  const auto last = text.rfind('-');
  if (last == std::string_view::npos || last == 0) return std::nullopt;
  const auto middle = text.rfind('-', last - 1);
  if (middle == std::string_view::npos || middle == 0) return std::nullopt;
  const std::string_view agency = trim(text.substr(0, middle));
  std::string_view date = trim(text.substr(middle + 1, last - middle - 1));
  std::string_view sequence = trim(text.substr(last + 1));
  if (agency.empty() || !all_digits(date) || !all_digits(sequence)) return std::nullopt;
  if (date.size() == 8) date.remove_prefix(2);  // 20260302 -> 260302
  if (date.size() != 6) return std::nullopt;
  while (sequence.size() > 4 && sequence.front() == '0') sequence.remove_prefix(1);
  std::string agency_upper;
  for (const unsigned char c : agency) {
    if (std::isspace(c)) return std::nullopt;
    agency_upper.push_back(static_cast<char>(std::toupper(c)));
  }
  return fmt::format("{}-{}-{:0>4}", agency_upper, date, sequence);
}

std::string normalise_lookup_code(std::string_view text) { return strip_and_upper(text); }

bool lookup_codes_equal(std::string_view typed, std::string_view expected) {
  // Every byte of the longer string is visited whatever matches; the result is folded without
  // branches on the data.
  const std::size_t length = std::max(typed.size(), expected.size());
  unsigned difference = typed.size() == expected.size() ? 0U : 1U;
  for (std::size_t i = 0; i < length; ++i) {
    const auto a = i < typed.size() ? static_cast<unsigned char>(typed[i]) : 0U;
    const auto b = i < expected.size() ? static_cast<unsigned char>(expected[i]) : 0U;
    difference |= a ^ b;
  }
  return difference == 0 && !expected.empty();
}

// The state in the staff's and the citizen's words (tracking/labels.hpp), in Vietnamese.
std::string_view state_vi(DossierState state) {
  return tracking::state_label(state).wording(common::Lang::vi);
}

std::string_view carrier_status_label(std::string_view status) {
  constexpr std::array<std::pair<std::string_view, std::string_view>, 11> k_labels = {{
      {"pending", "Chờ gửi"},
      {"info_received", "Đã tạo đơn gửi"},
      {"picked_up", "Bưu cục đã nhận"},
      {"in_transit", "Đang vận chuyển"},
      {"out_for_delivery", "Bưu tá đang đi phát"},
      {"delivery_failed", "Phát không thành công"},
      {"delivered", "Phát thành công"},
      {"return_to_sender", "Đang chuyển hoàn"},
      {"returned", "Đã chuyển hoàn"},
      {"cancelled", "Đã hủy"},
      {"exception", "Gặp sự cố, đang xác minh"},
  }};
  for (const auto& [name, label] : k_labels) {
    if (name == status) return label;
  }
  return "Chưa rõ";
}

common::Error citizen_lookup_error() {
  return make_error(ErrorCode::not_found, msg::citizen_lookup_failed);
}

Result<CitizenView> citizen_lookup(db::Transaction& tx, std::string_view code,
                                   std::string_view lookup_code) {
  // One statement whatever the code is and whatever it matches, then one comparison, then the
  // decision: a known code with a wrong lookup code, an unknown code and an empty one do the same
  // work up to the identical error. Only then is the dossier read.
  TRY_ASSIGN(const auto match, tx.match_public_code(public_code_keys(code), no_lookup_code()));
  const bool matches = lookup_codes_equal(normalise_lookup_code(lookup_code), match.lookup_code);
  if (match.dossier_id == 0 || !matches) return citizen_lookup_error();
  TRY_ASSIGN(auto dossier, tx.get_dossier(match.dossier_id));
  if (!dossier) return citizen_lookup_error();  // cannot happen in one snapshot
  return build_citizen_view(tx, *dossier);
}

Result<StaffView> staff_lookup(db::Transaction& tx, std::string_view key) {
  // The citizen's keys first (staff see the same dossier for the same code), then staff's own.
  TRY_ASSIGN(const auto match, tx.match_public_code(public_code_keys(key), std::string()));
  std::optional<db::Dossier> dossier;
  if (match.dossier_id != 0) {
    TRY_ASSIGN(auto found, tx.get_dossier(match.dossier_id));
    dossier = std::move(found);
  }
  if (!dossier) {
    TRY_ASSIGN(auto id, find_dossier_id(tx, key));  // "#12", a bare number
    if (id) {
      TRY_ASSIGN(auto by_id, tx.get_dossier(*id));
      dossier = std::move(by_id);
    }
  }
  if (!dossier) {
    return make_error(ErrorCode::not_found, msg::no_dossier_key,
                      {{"key", safe(key.substr(0, 64))}});
  }
  StaffView view;
  view.dossier = *dossier;
  TRY_ASSIGN(auto agency, tx.get_agency(dossier->agency_id));
  view.agency = agency;
  if (dossier->procedure_id) {
    TRY_ASSIGN(auto procedure, tx.get_procedure(*dossier->procedure_id));
    view.procedure = procedure;
  }
  TRY_ASSIGN(auto applicant, tx.applicant_of(dossier->id));
  view.applicant = applicant;
  TRY_ASSIGN(auto shipments, tx.shipments_of(dossier->id));
  for (db::Shipment& s : shipments) {
    TRY_ASSIGN(auto events, tx.carrier_events_of(s.id));
    view.shipments.push_back(StaffShipment{std::move(s), std::move(events)});
  }
  TRY_ASSIGN(auto history, tx.events_of("dossier", dossier->id));
  view.history = std::move(history);
  TRY_ASSIGN(auto scans, tx.scans_of(dossier->id));
  view.scans = std::move(scans);
  TRY_ASSIGN(auto citizen, build_citizen_view(tx, *dossier));
  view.citizen = std::move(citizen);
  TRY_ASSIGN(view.collection, tx.result_collection_of(dossier->id));
  TRY_ASSIGN(view.handovers, tx.unit_handovers_of(dossier->id));
  return view;
}

Result<CitizenView> citizen_lookup(db::Store& store, std::string_view code,
                                   std::string_view lookup_code) {
  return store.read<CitizenView>(db::ReadLane::public_lookup, [&](db::Transaction& tx) {
    return citizen_lookup(tx, code, lookup_code);
  });
}

Result<StaffView> staff_lookup(db::Store& store, std::string_view key) {
  return store.read<StaffView>([&](db::Transaction& tx) { return staff_lookup(tx, key); });
}

namespace {

// "Kết quả trả tại Trung tâm: <address>, giờ làm việc <hours>" (docs/domain.md §1.5).
std::string collection_text(const CitizenView& v) {
  std::string out = "Kết quả trả tại Trung tâm";
  if (!v.collection_address.empty()) out += ": " + safe(v.collection_address);
  if (!v.office_hours.empty())
    out += fmt::format(", giờ làm việc {} (thứ Hai - thứ Sáu)", v.office_hours);
  return out;
}

json citizen_object(const CitizenView& v) {
  json timeline = json::array();
  for (const CitizenStep& s : v.timeline) {
    json step = {{"at", common::format_iso(s.at)},
                 {"step", s.step},
                 {"label", s.label},
                 {"state", db::dossier_state_name(s.state)},
                 {"national_status", db::national_status_code(s.state)},
                 {"due_at", optional_time(s.due_at)}};
    if (!s.letter.empty()) {
      step["letter"] = s.letter;
      step["tracking_number"] = s.tracking_number;
    }
    if (!s.unit.empty()) step["unit"] = s.unit;
    timeline.push_back(std::move(step));
  }
  json shipments = json::array();
  for (const CitizenShipment& s : v.shipments) {
    json events = json::array();
    for (const CitizenCarrierEvent& e : s.events) {
      events.push_back({{"at", common::format_iso(e.at)},
                        {"status", e.status},
                        {"status_label", carrier_status_label(e.status)},
                        {"office", e.office}});
    }
    shipments.push_back(
        {{"direction", s.direction == db::Direction::inbound ? "inbound" : "return"},
         {"purpose", s.purpose},
         {"carrier", s.carrier},
         {"tracking_number", s.tracking_number},
         {"status", s.status},
         {"status_label", carrier_status_label(s.status)},
         {"events", std::move(events)}});
  }
  return {{"dossier_code", v.dossier_code.empty() ? json() : json(v.dossier_code)},
          {"procedure", {{"code", v.procedure_code}, {"name", v.procedure_name}}},
          {"filed_at", common::format_iso(v.filed_at)},
          {"state", db::dossier_state_name(v.state)},
          {"national_status", db::national_status_code(v.state)},
          {"state_label", state_vi(v.state)},
          {"due_at", optional_time(v.due_at)},
          {"reappointed", v.reappointed},
          {"timeline", std::move(timeline)},
          {"shipments", std::move(shipments)},
          {"delivery_failed", v.delivery_failed},
          {"result_delivery", db::result_delivery_name(v.result_delivery)},
          {"collection", v.result_delivery == db::ResultDelivery::desk
                             ? json{{"place", v.collection_address},
                                    {"office_hours", v.office_hours},
                                    {"text", collection_text(v)}}
                             : json()}};
}

void append_citizen_text(std::string& out, const CitizenView& v) {
  out += fmt::format("Hồ sơ {}\n", v.dossier_code.empty() ? "(chưa có mã hồ sơ)" : v.dossier_code);
  if (!v.procedure_name.empty()) {
    out += fmt::format("  Thủ tục:        {} ({})\n", safe(v.procedure_name), v.procedure_code);
  }
  out += fmt::format("  Ngày nộp:       {}\n", local_minutes(v.filed_at));
  out += fmt::format("  Trạng thái:     {} (mã {})\n", state_vi(v.state),
                     db::national_status_code(v.state));
  out += fmt::format("  Hẹn trả:        {}{}\n", v.due_at ? local_minutes(*v.due_at) : "-",
                     v.reappointed ? " (đã hẹn lại)" : "");
  // By post the shipments below say it, as they always did.
  if (v.result_delivery == db::ResultDelivery::desk) {
    out += fmt::format("  Nhận kết quả:   {}\n", collection_text(v));
  }
  out += "  Quá trình xử lý:\n";
  for (const CitizenStep& s : v.timeline) {
    out += fmt::format("    {}  {}{}\n", local_minutes(s.at), s.label,
                       s.due_at && (s.step == "accepted" || s.step == "supplement_received" ||
                                    s.step == "reappointed")
                           ? fmt::format(" (hẹn trả {})", local_minutes(*s.due_at))
                           : "");
  }
  for (const CitizenShipment& s : v.shipments) {
    out += fmt::format("  {}: {} {}, {}\n", direction_label(s.direction, s.purpose), s.carrier,
                       safe(s.tracking_number), carrier_status_label(s.status));
    for (const CitizenCarrierEvent& e : s.events) {
      out += fmt::format("    {}  {:<24} {}\n", local_minutes(e.at), carrier_status_label(e.status),
                         safe(e.office));
    }
  }
}

}  // namespace

std::string citizen_json(const CitizenView& view) { return dump(citizen_object(view)); }

std::string desk_contact_json(const DeskContact& contact) {
  return dump({{"name", contact.name}, {"address", contact.address}, {"phone", contact.phone}});
}

Result<DeskContact> desk_contact(db::Transaction& tx) {
  DeskContact contact;
  TRY_ASSIGN(const auto code, tx.setting(db::k_setting_agency_code));
  if (code) {
    TRY_ASSIGN(const auto agency, tx.find_agency(*code));
    if (agency) contact.name = agency->name;
  }
  TRY_ASSIGN(const auto address, tx.setting(db::k_setting_agency_address));
  TRY_ASSIGN(const auto phone, tx.setting(db::k_setting_agency_phone));
  contact.address = address.value_or("");
  contact.phone = phone.value_or("");
  return contact;
}

Result<DeskContact> desk_contact(db::Store& store) {
  return store.read<DeskContact>(db::ReadLane::public_lookup,
                                 [&](db::Transaction& tx) { return desk_contact(tx); });
}

Result<void> set_desk_contact(db::Transaction& tx, std::string_view address,
                              std::string_view phone) {
  const auto trimmed = [](std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return std::string(text);
  };
  const std::string place = trimmed(address);
  const std::string hotline = trimmed(phone);
  const bool control = std::any_of(place.begin(), place.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  const auto characters = std::count_if(place.begin(), place.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // not a UTF-8 continuation byte
  });
  if (place.empty() || characters > 200 || control) {
    return make_error(ErrorCode::invalid_argument, msg::desk_address_invalid);
  }
  const bool phone_chars = std::all_of(hotline.begin(), hotline.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == ' ' || c == '+' || c == '.' || c == '(' || c == ')' ||
           c == '-';
  });
  const auto digits =
      std::count_if(hotline.begin(), hotline.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!phone_chars || digits < 3 || hotline.size() > 20) {
    return make_error(ErrorCode::invalid_argument, msg::desk_phone_invalid,
                      {{"phone", hotline.substr(0, 40)}});
  }
  TRY(tx.set_setting(db::k_setting_agency_address, place));
  return tx.set_setting(db::k_setting_agency_phone, hotline);
}

std::string citizen_text(const CitizenView& view) {
  std::string out;
  append_citizen_text(out, view);
  return out;
}

json staff_object(const StaffView& v) {
  const db::Dossier& d = v.dossier;
  json shipments = json::array();
  for (const StaffShipment& s : v.shipments) {
    json events = json::array();
    for (const db::CarrierEvent& e : s.events) {
      events.push_back({{"at", common::format_iso(e.occurred_at)},
                        {"status", e.status},
                        {"carrier_code", e.carrier_code},
                        {"location_code", e.location_code},
                        {"location", e.location},
                        {"description", e.description},
                        {"source", db::event_source_name(e.source)}});
    }
    shipments.push_back({{"carrier", s.shipment.carrier},
                         {"tracking_number", s.shipment.tracking_number},
                         {"direction", db::direction_name(s.shipment.direction)},
                         {"status", s.shipment.status},
                         {"order_code", s.shipment.order_code},
                         {"purpose", db::shipment_purpose_name(s.shipment.purpose)},
                         {"first_seen_at", common::format_iso(s.shipment.first_seen_at)},
                         {"synced_at", optional_time(s.shipment.synced_at)},
                         {"carrier_events", std::move(events)}});
  }
  // docs/domain.md §1.5b: the letters posted back, for the dossier page.
  json letters = json::array();
  std::vector<db::Shipment> all;
  for (const StaffShipment& s : v.shipments) all.push_back(s.shipment);
  for (const PostedLetter& l : posted_letters(all)) {
    letters.push_back({{"form", letter_kind_name(l.kind)},
                       {"form_number", letter_form_number(l.kind)},
                       {"label", letter_label(l.kind).wording(common::Lang::vi)},
                       {"tracking_number", l.tracking_number},
                       {"status", l.status},
                       {"status_label", carrier_status_label(l.status)},
                       {"posted_at", common::format_iso(l.posted_at)}});
  }
  json history = json::array();
  for (const db::Event& e : v.history) {
    json data = json::parse(e.data, nullptr, false);
    if (data.is_discarded()) data = e.data;
    history.push_back({{"at", common::format_iso(e.at)},
                       {"actor", e.actor},
                       {"action", db::event_kind_name(e.action)},
                       {"reason", e.reason},
                       {"data", std::move(data)}});
  }
  json scans = json::array();
  for (const db::Scan& s : v.scans) {
    json codes = json::array();
    for (const db::ScanCode& c : s.codes) {
      codes.push_back({{"format", c.format},
                       {"kind", c.kind},
                       {"text", c.text},
                       {"tracking_number", c.tracking_number},
                       {"problem", c.problem}});
    }
    scans.push_back({{"id", s.id},
                     {"scanned_at", common::format_iso(s.scanned_at)},
                     {"station", s.station},
                     {"file", s.source_name},
                     {"image_hash", s.image_hash},
                     {"outcome", db::scan_outcome_name(s.outcome)},
                     {"codes", std::move(codes)}});
  }
  json applicant;
  if (v.applicant) {
    const db::Applicant& a = *v.applicant;
    applicant = {{"full_name", a.full_name},
                 {"id_number", a.id_number},
                 {"old_id_number", a.old_id_number},
                 {"birth_date", a.birth_date ? json(common::format_date(*a.birth_date)) : json()},
                 {"sex", a.sex},
                 {"address", a.address},
                 {"return_address", a.return_address},
                 {"phone", a.phone},
                 {"source", a.source}};
  }
  json procedure;
  if (v.procedure) {
    procedure = {{"code", v.procedure->code},
                 {"version", v.procedure->version},
                 {"name", v.procedure->name},
                 {"field", v.procedure->field},
                 {"time", fmt::format("{} {}", v.procedure->time_amount,
                                      db::time_unit_name(v.procedure->time_unit))},
                 {"competent_level", v.procedure->competent_level},
                 {"competent_unit", v.procedure->competent_unit}};
  }
  json handovers = json::array();
  for (const db::UnitHandover& h : v.handovers) {
    handovers.push_back({{"id", h.id},
                         {"at", common::format_iso(h.at)},
                         {"from_unit", h.from_unit},
                         {"from_person", h.from_person},
                         {"to_unit", h.to_unit},
                         {"to_person", h.to_person},
                         {"note", h.note},
                         {"actor", h.actor},
                         {"back_to_desk", h.back_to_desk},
                         {"due_at", optional_time(h.due_at)}});
  }
  json j = {
      {"id", d.id},
      {"code", d.code ? json(*d.code) : json()},
      {"agency", v.agency ? json(v.agency->code) : json()},
      {"state", db::dossier_state_name(d.state)},
      {"national_status", db::national_status_code(d.state)},
      {"state_label", state_vi(d.state)},
      {"channel", d.channel},
      {"filed_at", common::format_iso(d.filed_at)},
      {"clock_started_at", optional_time(d.clock_started_at)},
      {"due_at", optional_time(d.due_at)},
      {"supplement_count", d.supplement_count},
      {"reappointed", d.reappointed},
      {"lookup_code", d.lookup_code},
      {"portal_code", d.portal_code},
      {"procedure", std::move(procedure)},
      {"applicant", std::move(applicant)},
      {"result_delivery", db::result_delivery_name(d.result_delivery)},
      {"collection",
       v.collection ? json{{"at", common::format_iso(v.collection->collected_at)},
                           {"officer", v.collection->officer},
                           {"recipient", db::recipient_kind_name(v.collection->recipient_kind)},
                           {"name", v.collection->recipient_name},
                           {"id_number", v.collection->recipient_id_number}}
                    : json()},
      {"handovers", std::move(handovers)},
      {"shipments", std::move(shipments)},
      {"letters", std::move(letters)},
      {"history", std::move(history)},
      {"scans", std::move(scans)},
      {"citizen_view", citizen_object(v.citizen)}};
  return j;
}

std::string staff_json(const StaffView& view) { return dump(staff_object(view)); }

std::string staff_text(const StaffView& v) {
  const db::Dossier& d = v.dossier;
  std::string out = fmt::format("dossier #{}  {}\n", d.id, d.code.value_or("(no code yet)"));
  out +=
      fmt::format("  state:       {} (national status {}): {}\n", db::dossier_state_name(d.state),
                  db::national_status_code(d.state), state_vi(d.state));
  out += fmt::format("  filed at:    {} (channel {})\n", local_minutes(d.filed_at), d.channel);
  out += fmt::format("  result:      {}\n", d.result_delivery == db::ResultDelivery::desk
                                                ? "collected at the desk"
                                                : "posted back");
  out += fmt::format(
      "  due:         {}{}{}\n", d.due_at ? local_minutes(*d.due_at) : "-",
      d.reappointed ? " (re-appointed)" : "",
      d.supplement_count ? fmt::format(", {} supplement request(s)", d.supplement_count) : "");
  if (v.procedure) {
    out += fmt::format("  procedure:   {} v{} {} [{}]\n", v.procedure->code, v.procedure->version,
                       safe(v.procedure->name), v.procedure->field);
  }
  out += fmt::format("  lookup code: {}\n", d.lookup_code);
  if (!d.portal_code.empty()) out += fmt::format("  portal code: {}\n", safe(d.portal_code));
  if (v.applicant) {
    const db::Applicant& a = *v.applicant;
    std::string who = safe(a.full_name);
    if (!a.id_number.empty()) who += fmt::format(", ID {}", safe(a.id_number));
    if (a.birth_date) who += fmt::format(", born {}", common::format_date(*a.birth_date));
    if (!a.sex.empty()) who += fmt::format(", {}", safe(a.sex));
    out += fmt::format("  applicant:   {} (from the {})\n", who,
                       a.source == "id_card_qr" ? "citizen ID card QR" : "staff");
    out += fmt::format("               phone {}\n", a.phone.empty() ? "-" : safe(a.phone));
    if (!a.address.empty()) out += fmt::format("               {}\n", safe(a.address));
    if (!a.return_address.empty()) {
      out += fmt::format("               return to: {}\n", safe(a.return_address));
    }
  } else {
    out += "  applicant:   (not recorded)\n";
  }
  for (const StaffShipment& s : v.shipments) {
    out += fmt::format(
        "  shipment:    {} {} ({}), {}{}\n", s.shipment.carrier, safe(s.shipment.tracking_number),
        s.shipment.direction == db::Direction::inbound ? std::string("inbound")
        : s.shipment.purpose == db::ShipmentPurpose::result
            ? std::string("return")
            : fmt::format("letter {}", db::shipment_purpose_name(s.shipment.purpose)),
        s.shipment.status,
        s.shipment.synced_at
            ? fmt::format(", carrier asked {}", local_minutes(*s.shipment.synced_at))
            : std::string(", not yet asked at the carrier"));
    for (const db::CarrierEvent& e : s.events) {
      out += fmt::format("    {}  {:<16} {} {}{}{}\n", local_minutes(e.occurred_at), e.status,
                         safe(e.location_code), safe(e.location), e.description.empty() ? "" : ": ",
                         safe(e.description));
    }
  }
  // docs/domain.md §1.4a: each handover between units, with who handed over and received.
  for (const db::UnitHandover& h : v.handovers) {
    const std::string from =
        h.from_person.empty() && !h.back_to_desk ? safe(h.actor) : safe(h.from_person);
    const std::string to = h.back_to_desk ? safe(h.actor) : safe(h.to_person);
    out +=
        fmt::format("  handover:    {}  {}{} -> {}{}{}\n", local_minutes(h.at), safe(h.from_unit),
                    from.empty() ? "" : " (" + from + ")", safe(h.to_unit),
                    to.empty() ? "" : " (" + to + ")", h.note.empty() ? "" : ": " + safe(h.note));
    // Decree 118/2025 Art. 20(2): the receiving unit's deadline.
    if (h.due_at)
      out += fmt::format("               unit's deadline {}\n", local_minutes(*h.due_at));
  }
  out += "  history:\n";
  for (const db::Event& e : v.history) {
    out += fmt::format("    {}  {:<10} {:<22} {}\n", local_minutes(e.at), safe(e.actor),
                       db::event_kind_name(e.action), safe(e.reason));
  }
  out += fmt::format("  scans: {}\n", v.scans.size());
  for (const db::Scan& s : v.scans) {
    out += fmt::format("    {}  {:<12} {:<20} {}\n", local_minutes(s.scanned_at), safe(s.station),
                       db::scan_outcome_name(s.outcome), safe(s.source_name));
    if (s.codes.empty()) out += "      (no codes read)\n";
    for (const db::ScanCode& c : s.codes) {
      out += fmt::format("      {:<10} {:<16} {}{}\n", c.format, c.kind, safe(c.text),
                         c.problem.empty() ? "" : fmt::format("  [{}]", safe(c.problem)));
    }
  }
  return out;
}

}  // namespace tracking
