// The loaders of the printed documents (tracking/documents.hpp): what each document shows, read
// from the database in the caller's transaction, and which documents a dossier has. Knows nothing
// of HTML: forms.cpp and return_labels.cpp render what is loaded here.
#include <fmt/format.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "common/private_files.hpp"
#include "db/settings.hpp"
#include "tracking/detail/document_text.hpp"
#include "tracking/detail/trim.hpp"
#include "tracking/documents.hpp"
#include "tracking/lifecycle.hpp"
#include "tracking/messages.hpp"
#include "tracking/public_link.hpp"

namespace tracking {
namespace {

namespace chr = std::chrono;
namespace fs = std::filesystem;
using common::ErrorCode;
using common::make_error;
using common::Result;
using common::Timestamp;
using detail::short_datetime;

// ---------------------------------------------------------------------------------------------
// Who signs

// Who a form names for the event log's actor: the staff user's full name and title when `actor`
// is the login of a user with a name, else the actor as logged (a CLI user, a scanning station).
Result<Signer> signer_of(db::Transaction& tx, const std::string& actor) {
  if (actor.empty()) return Signer{};
  TRY_ASSIGN(const auto user, tx.find_user(actor));
  if (user && !user->name.empty()) return Signer{user->name, user->title};
  return Signer{actor, {}};
}

// ---------------------------------------------------------------------------------------------
// Text

using detail::trimmed;

// Officers type lists on one line ("Bản sao sổ đỏ; Tờ khai") or several: one item each.
std::vector<std::string> split_items(std::string_view text) {
  std::vector<std::string> items;
  std::string current;
  auto flush = [&] {
    std::string item = trimmed(current);
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
// History: the steps of form 06 and the outcome in form 07

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
bool measured_against_deadline(db::EventKind action) {
  return action == db::EventKind::processing_started || action == db::EventKind::transferred ||
         action == db::EventKind::returned_from_unit || action == db::EventKind::fees_requested ||
         action == db::EventKind::fees_paid || action == db::EventKind::processed ||
         action == db::EventKind::stopped || action == db::EventKind::return_dispatched;
}

History read_history(const std::vector<db::Event>& events, const common::WorkingCalendar& calendar,
                     Timestamp filed_at) {
  History h;
  Timestamp clock_start = filed_at;
  const int close = calendar.office_hours().close_minute;
  for (const db::Event& e : events) {
    // A supplement joined by post that moved the dossier on is one step, supplement_received,
    // which notes the envelope's number: form 05 keeps to one page.
    if (e.action == db::EventKind::supplement_by_post) continue;
    const auto data = nlohmann::json::parse(e.data, nullptr, false);
    ControlStep step;
    step.at = json_time(data, "at").value_or(e.at);
    step.action = std::string(db::event_kind_name(e.action));
    step.actor.name = e.actor;
    std::vector<std::string> notes;
    if (!e.reason.empty()) notes.push_back(e.reason);

    if (e.action == db::EventKind::supplement_requested) {
      // The request must go out within 3 working days of intake (docs/domain.md §1.3).
      const common::Date last_day =
          calendar.add_working_days(common::local_date(calendar.counting_start(clock_start)), 3);
      step.deadline = common::local_time(last_day, close / 60, close % 60);
      step.timeliness = compare(step.at, *step.deadline);
      if (auto missing = json_text(data, "missing"); !missing.empty()) {
        notes.push_back("Cần bổ sung: " + missing);
      }
    } else if (e.action == db::EventKind::reappointed && h.due_in_force) {
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
    if (e.action == db::EventKind::received_by_post ||
        e.action == db::EventKind::supplement_unexpected) {
      if (auto number = json_text(data, "tracking_number"); !number.empty()) {
        notes.push_back("Số hiệu bưu gửi: " + number);
      }
    }
    if (e.action == db::EventKind::accepted) {
      if (auto code = json_text(data, "code"); !code.empty()) notes.push_back("Mã hồ sơ: " + code);
      if (auto due = json_time(data, "due_at")) {
        notes.push_back("Hẹn trả: " + short_datetime(*due));
      }
    }
    if (e.action == db::EventKind::supplement_received) {
      clock_start = json_time(data, "arrived_at").value_or(step.at);
      if (auto number = json_text(data, "tracking_number"); !number.empty()) {
        notes.push_back("Nhận qua bưu điện, số hiệu bưu gửi: " + number);
      }
      if (auto due = json_time(data, "due_at")) {
        notes.push_back("Hẹn trả mới: " + short_datetime(*due));
      }
    }
    if (e.action == db::EventKind::transferred || e.action == db::EventKind::returned_from_unit) {
      // docs/domain.md §1.4a: the units, never the people (they are on the handover table).
      if (auto from = json_text(data, "from_unit"); !from.empty()) notes.push_back("Từ: " + from);
      if (auto to = json_text(data, "to_unit"); !to.empty()) notes.push_back("Đến: " + to);
    }
    if (e.action == db::EventKind::return_dispatched) {
      std::string number = json_text(data, "return_tracking_number");
      if (number.empty()) number = json_text(data, "tracking_number");
      if (!number.empty()) notes.push_back("Số hiệu bưu gửi trả: " + number);
    }
    if (e.action == db::EventKind::processed) {
      h.resolved_at = step.at;
      h.resolved = step.timeliness;
    }
    if (e.action == db::EventKind::result_returned) h.returned_at = step.at;

    // The deadline after this step: a supplement request stops the clock.
    if (auto due = json_time(data, "due_at")) {
      h.due_in_force = due;
    } else if (e.action == db::EventKind::supplement_requested) {
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
  TRY_ASSIGN(auto found, tx.get_dossier(id));
  if (!found) return make_error(ErrorCode::not_found, msg::no_dossier_id, {{"id", id}});
  return *found;
}

Result<std::string> setting_or(db::Transaction& tx, const char* key, std::string fallback) {
  TRY_ASSIGN(auto value, tx.setting(key));
  if (value && !value->empty()) return *value;
  return fallback;
}

Result<AgencyInfo> load_agency(db::Transaction& tx, std::optional<db::Id> agency_id) {
  AgencyInfo info;
  std::optional<db::Agency> agency;
  if (agency_id) {
    TRY_ASSIGN(auto a, tx.get_agency(*agency_id));
    agency = a;
  } else {
    TRY_ASSIGN(auto code, tx.setting(db::k_setting_agency_code));
    if (code) {
      TRY_ASSIGN(auto a, tx.find_agency(*code));
      agency = a;
    }
  }
  if (agency) {
    info.code = agency->code;
    info.name = agency->name;
  }
  for (auto [key, target] : {std::pair{db::k_setting_agency_address, &info.address},
                             std::pair{db::k_setting_agency_phone, &info.phone},
                             std::pair{db::k_setting_agency_province, &info.province}}) {
    TRY_ASSIGN(auto value, setting_or(tx, key, ""));
    *target = std::move(value);
  }
  return info;
}

Result<AgencyInfo> load_dossier_agency(db::Transaction& tx, db::Id dossier_id) {
  TRY_ASSIGN(auto dossier, get_dossier(tx, dossier_id));
  return load_agency(tx, dossier.agency_id);
}

Result<std::vector<db::Event>> dossier_events(db::Transaction& tx, db::Id id) {
  return tx.events_of("dossier", id);
}

// The events named `action`, oldest first.
std::vector<db::Event> events_named(const std::vector<db::Event>& events, db::EventKind action) {
  std::vector<db::Event> out;
  for (const db::Event& e : events) {
    if (e.action == action) out.push_back(e);
  }
  return out;
}

// "#12 000.00.05.H12-260310-0001": how the documents' messages name the dossier.
std::string dossier_shown(db::Id id, const std::string& code) {
  return fmt::format("#{}{}{}", id, code.empty() ? "" : " ", code);
}

common::Error not_applicable(const DossierSummary& d, const common::MessageDef& message,
                             common::Args more = {}) {
  common::Args args{{"dossier", dossier_shown(d.id, d.code)}};
  for (auto& a : more) args.push_back(std::move(a));
  return make_error(ErrorCode::invalid_argument, message, std::move(args));
}

Result<std::optional<db::Shipment>> newest_return_shipment(db::Transaction& tx, db::Id id) {
  TRY_ASSIGN(auto shipments, tx.shipments_of(id));
  std::optional<db::Shipment> newest;
  for (const db::Shipment& s : shipments) {
    if (!db::is_result_return(s)) continue;
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
// Loading

Result<DossierSummary> load_dossier_summary(db::Transaction& tx, db::Id dossier_id) {
  TRY_ASSIGN(auto dossier, get_dossier(tx, dossier_id));
  const db::Dossier& d = dossier;
  DossierSummary s;
  s.id = d.id;
  s.code = d.code.value_or("");
  s.lookup_code = d.lookup_code;
  s.filed_at = d.filed_at;
  s.due_at = d.due_at;
  s.state = d.state;
  s.supplement_count = d.supplement_count;
  if (d.procedure_id) {
    TRY_ASSIGN(auto p, tx.get_procedure(*d.procedure_id));
    if (p) {
      s.procedure_code = p->code;
      s.procedure_name = p->name;
      s.processing_time = processing_time_vn(*p);
      s.fee_vnd = p->fee_vnd;
    }
  }
  s.result_at_desk = d.result_delivery == db::ResultDelivery::desk;
  TRY_ASSIGN(const auto payer, setting_or(tx, db::k_setting_return_postage_payer, ""));
  s.postage_paid_by_agency = payer == "agency";
  TRY_ASSIGN(auto shipments, tx.shipments_of(d.id));
  for (const db::Shipment& shipment : shipments) {
    if (shipment.direction == db::Direction::inbound) {
      s.inbound_tracking_number = shipment.tracking_number;
      break;
    }
  }
  TRY_ASSIGN(auto applicant, tx.applicant_of(d.id));
  if (applicant) {
    const db::Applicant& a = *applicant;
    s.applicant = {a.full_name, a.id_number, a.phone, a.address, a.return_address};
  }
  // The links only when citizens can open them; the documents that print one ask citizen_base_url.
  if (auto base = citizen_base_url(tx)) {
    const std::string& key = s.code.empty() ? s.inbound_tracking_number : s.code;
    s.lookup_url = public_lookup_url(*base, key, s.lookup_code);
    s.lookup_page_url = public_lookup_page_url(*base, key);
  } else if (base.error().code != ErrorCode::conflict) {
    return std::move(base).error();
  }
  return s;
}

Result<std::string> citizen_base_url(db::Transaction& tx) {
  TRY_ASSIGN(auto base, setting_or(tx, db::k_setting_public_url, ""));
  TRY_ASSIGN(auto local, setting_or(tx, db::k_setting_public_url_local, ""));
  if (auto problem = public_url_problem(base, local == "1")) return *std::move(problem);
  return base;
}

Result<ReceiptForm> load_receipt(db::Transaction& tx, db::Id dossier_id) {
  ReceiptForm form;
  TRY(citizen_base_url(tx));  // the receipt's QR opens the citizen's lookup
  TRY_ASSIGN(form.dossier, load_dossier_summary(tx, dossier_id));
  TRY_ASSIGN(auto events, dossier_events(tx, dossier_id));
  const auto accepted = events_named(events, db::EventKind::accepted);
  if (accepted.empty() || form.dossier.code.empty()) {
    return not_applicable(form.dossier, msg::form_not_accepted);
  }
  form.accepted_at = accepted.back().at;
  TRY_ASSIGN(form.received_by, signer_of(tx, accepted.back().actor));
  // The appointment the citizen was given: set on acceptance, or afresh when the complete
  // dossier arrived after a supplement request. A later apology has its own form (04).
  std::optional<Timestamp> appointment;
  for (const db::Event& e : events) {
    if (e.action != db::EventKind::accepted && e.action != db::EventKind::supplement_received)
      continue;
    const auto data = nlohmann::json::parse(e.data, nullptr, false);
    if (auto due = json_time(data, "due_at")) appointment = due;
  }
  if (appointment) form.dossier.due_at = appointment;
  if (!form.dossier.due_at) {
    return not_applicable(form.dossier, msg::form_no_appointment);
  }
  TRY_ASSIGN(form.agency, load_dossier_agency(tx, dossier_id));
  return form;
}

Result<SupplementForm> load_supplement_request(db::Transaction& tx, db::Id dossier_id, int number) {
  SupplementForm form;
  TRY_ASSIGN(form.dossier, load_dossier_summary(tx, dossier_id));
  TRY_ASSIGN(auto events, dossier_events(tx, dossier_id));
  const auto requests = events_named(events, db::EventKind::supplement_requested);
  if (requests.empty()) {
    return not_applicable(form.dossier, msg::form_no_supplement);
  }
  if (number < 0 || number > static_cast<int>(requests.size())) {
    return not_applicable(form.dossier, msg::form_supplement_number,
                          {{"count", requests.size()}, {"number", number}});
  }
  form.number = number == 0 ? static_cast<int>(requests.size()) : number;
  const db::Event& e = requests[static_cast<std::size_t>(form.number - 1)];
  const auto data = nlohmann::json::parse(e.data, nullptr, false);
  form.missing = split_items(json_text(data, "missing"));
  form.reason = e.reason;
  TRY_ASSIGN(form.officer, signer_of(tx, e.actor));
  form.requested_at = e.at;
  TRY_ASSIGN(form.agency, load_dossier_agency(tx, dossier_id));
  return form;
}

Result<RefusalForm> load_refusal(db::Transaction& tx, db::Id dossier_id) {
  RefusalForm form;
  TRY_ASSIGN(form.dossier, load_dossier_summary(tx, dossier_id));
  TRY_ASSIGN(auto events, dossier_events(tx, dossier_id));
  const auto refusals = events_named(events, db::EventKind::refused);
  if (refusals.empty()) {
    return not_applicable(form.dossier, msg::form_not_refused);
  }
  form.reasons = split_items(refusals.back().reason);
  TRY_ASSIGN(form.officer, signer_of(tx, refusals.back().actor));
  form.refused_at = refusals.back().at;
  TRY_ASSIGN(form.agency, load_dossier_agency(tx, dossier_id));
  return form;
}

Result<ApologyForm> load_apology(db::Transaction& tx, db::Id dossier_id) {
  ApologyForm form;
  TRY_ASSIGN(form.dossier, load_dossier_summary(tx, dossier_id));
  TRY_ASSIGN(auto events, dossier_events(tx, dossier_id));
  const auto apologies = events_named(events, db::EventKind::reappointed);
  if (apologies.empty()) {
    return not_applicable(form.dossier, msg::form_not_reappointed);
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
  TRY_ASSIGN(form.officer, signer_of(tx, e.actor));
  form.issued_at = e.at;
  TRY_ASSIGN(form.agency, load_dossier_agency(tx, dossier_id));
  return form;
}

// The reason form 05 gives for a withdrawal recorded without one.
constexpr std::string_view k_withdrawn_reason =
    "Theo đề nghị dừng giải quyết, rút hồ sơ của Ông/Bà";

Result<StopNotice> load_stop_notice(db::Transaction& tx, db::Id dossier_id) {
  StopNotice form;
  TRY_ASSIGN(form.dossier, load_dossier_summary(tx, dossier_id));
  TRY_ASSIGN(auto events, dossier_events(tx, dossier_id));
  // Decree 118/2025 Article 21: processing stops at the citizen's request, which hoso records as a
  // stop or as a withdrawal (docs/domain.md §1.4); form 05 answers either.
  const db::Event* stop = nullptr;
  for (const db::Event& e : events) {
    if (e.action == db::EventKind::stopped || e.action == db::EventKind::withdrawn) stop = &e;
  }
  if (!stop) return not_applicable(form.dossier, msg::form_not_stopped);
  form.reason = stop->reason.empty() ? std::string(k_withdrawn_reason) : stop->reason;
  TRY_ASSIGN(form.officer, signer_of(tx, stop->actor));
  form.stopped_at = stop->at;
  TRY_ASSIGN(form.agency, load_dossier_agency(tx, dossier_id));
  return form;
}

Result<CollectionForm> load_collection(db::Transaction& tx, db::Id dossier_id) {
  CollectionForm form;
  TRY_ASSIGN(form.dossier, load_dossier_summary(tx, dossier_id));
  TRY_ASSIGN(const auto collection, tx.result_collection_of(dossier_id));
  if (!collection) return not_applicable(form.dossier, msg::form_not_collected);
  form.collected_at = collection->collected_at;
  form.recipient_kind = collection->recipient_kind;
  form.recipient_name = collection->recipient_name;
  form.recipient_id_number = collection->recipient_id_number;
  TRY_ASSIGN(form.officer, signer_of(tx, collection->officer));
  TRY_ASSIGN(form.agency, load_dossier_agency(tx, dossier_id));
  return form;
}

// Decree 118/2025 Art. 20(2), docs/domain.md §1.4a: the Phiếu chuyển xử lý of one handover to
// another unit; who hands over named as on form 06 (handover_rows).
Result<TransferSlip> load_transfer_slip(db::Transaction& tx, db::Id dossier_id, int number) {
  TransferSlip slip;
  TRY_ASSIGN(slip.dossier, load_dossier_summary(tx, dossier_id));
  slip.dossier.applicant = {};  // the slip names no citizen
  TRY_ASSIGN(const auto handovers, tx.unit_handovers_of(dossier_id));
  const db::UnitHandover* chosen = nullptr;
  bool chosen_from_desk = false;
  bool at_desk = true;
  int count = 0;
  for (const db::UnitHandover& h : handovers) {
    if (!h.back_to_desk && (number <= 0 || ++count == number)) {
      if (number <= 0) ++count;
      chosen = &h;
      chosen_from_desk = at_desk;
      if (number > 0) break;
    }
    at_desk = h.back_to_desk;
  }
  if (count == 0) return not_applicable(slip.dossier, msg::no_transfer_slip);
  if (!chosen) {
    return not_applicable(slip.dossier, msg::no_such_handover,
                          {{"handover", number}, {"count", count}});
  }
  slip.number = number > 0 ? number : count;
  slip.handed_over_at = chosen->at;
  slip.from_unit = chosen->from_unit;
  slip.to_unit = chosen->to_unit;
  slip.work = chosen->note;
  slip.unit_due_at = chosen->due_at;
  if (chosen_from_desk && chosen->from_person.empty()) {
    TRY_ASSIGN(slip.from_person, signer_of(tx, chosen->actor));
  } else {
    slip.from_person = Signer{chosen->from_person, {}};
  }
  slip.to_person = Signer{chosen->to_person, {}};
  TRY_ASSIGN(slip.agency, load_dossier_agency(tx, dossier_id));
  return slip;
}

namespace {

// The deadline in force at `at`: the latest due date an event up to then set (a supplement
// request stops the clock until the complete dossier restarts it).
std::optional<Timestamp> due_in_force_at(const std::vector<db::Event>& events, Timestamp at) {
  std::optional<Timestamp> due;
  for (const db::Event& e : events) {
    if (e.at > at) break;
    const auto data = nlohmann::json::parse(e.data, nullptr, false);
    if (auto set = json_time(data, "due_at")) {
      due = set;
    } else if (e.action == db::EventKind::supplement_requested) {
      due.reset();
    }
  }
  return due;
}

// Form 06's handover table (docs/domain.md §1.4a; Decree 118/2025 Art. 20): the receipt at the
// desk (acceptance, or the envelope's registration before it), then each handover between units.
Result<std::vector<HandoverRow>> handover_rows(db::Transaction& tx, db::Id dossier_id,
                                               const std::vector<db::Event>& events,
                                               const std::string& desk) {
  std::vector<HandoverRow> rows;
  std::map<std::string, Signer> signers;  // one read per staff user
  const auto staff = [&](const std::string& login) -> Result<Signer> {
    auto known = signers.find(login);
    if (known == signers.end()) {
      TRY_ASSIGN(auto signer, signer_of(tx, login));
      known = signers.emplace(login, std::move(signer)).first;
    }
    return known->second;
  };
  const auto measured = [&](HandoverRow& row) {
    row.deadline = due_in_force_at(events, row.at);
    if (row.deadline) row.timeliness = compare(row.at, *row.deadline);
  };
  const db::Event* receipt = nullptr;
  for (const db::Event& e : events) {
    if (e.action == db::EventKind::accepted) {
      receipt = &e;
      break;
    }
  }
  if (receipt == nullptr) {
    for (const db::Event& e : events) {
      if (e.action == db::EventKind::received_by_post) {
        receipt = &e;
        break;
      }
    }
  }
  if (receipt != nullptr) {
    HandoverRow row;
    row.at = receipt->at;
    row.from_unit = "Dịch vụ bưu chính công ích (hồ sơ gửi qua bưu điện)";
    row.to_unit = desk;
    TRY_ASSIGN(row.to_person, staff(receipt->actor));
    if (receipt->action == db::EventKind::accepted) {
      // Accepted: the appointment is what every later row is measured against.
      const auto data = nlohmann::json::parse(receipt->data, nullptr, false);
      row.deadline = json_time(data, "due_at");
      if (row.deadline) row.timeliness = compare(row.at, *row.deadline);
      row.note = "Tiếp nhận hồ sơ (Mẫu 01)";
    } else {
      row.note = "Nhận hồ sơ qua bưu điện, chờ tiếp nhận";
    }
    rows.push_back(std::move(row));
  }
  TRY_ASSIGN(const auto handovers, tx.unit_handovers_of(dossier_id));
  bool at_desk = true;
  for (const db::UnitHandover& h : handovers) {
    HandoverRow row;
    row.at = h.at;
    row.from_unit = h.from_unit;
    row.to_unit = h.to_unit;
    // Staff of the desk by full name and title; the other units' people as typed.
    if (at_desk && h.from_person.empty()) {
      TRY_ASSIGN(row.from_person, staff(h.actor));
    } else {
      row.from_person = Signer{h.from_person, {}};
    }
    if (h.back_to_desk) {
      TRY_ASSIGN(row.to_person, staff(h.actor));
    } else {
      row.to_person = Signer{h.to_person, {}};
    }
    row.note = h.note;
    measured(row);
    at_desk = h.back_to_desk;
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

Result<ControlSheet> load_control_sheet(db::Transaction& tx, db::Id dossier_id) {
  ControlSheet sheet;
  TRY_ASSIGN(sheet.dossier, load_dossier_summary(tx, dossier_id));
  TRY_ASSIGN(auto events, dossier_events(tx, dossier_id));
  TRY_ASSIGN(auto calendar, load_calendar(tx));
  sheet.steps = read_history(events, calendar, sheet.dossier.filed_at).steps;
  std::map<std::string, Signer> signers;  // one read per actor, not one per step
  for (ControlStep& step : sheet.steps) {
    auto known = signers.find(step.actor.name);
    if (known == signers.end()) {
      TRY_ASSIGN(auto signer, signer_of(tx, step.actor.name));
      known = signers.emplace(step.actor.name, std::move(signer)).first;
    }
    step.actor = known->second;
  }
  TRY_ASSIGN(sheet.agency, load_dossier_agency(tx, dossier_id));
  TRY_ASSIGN(sheet.handovers, handover_rows(tx, dossier_id, events, sheet.agency.name));
  return sheet;
}

Result<YearRegister> load_register(db::Transaction& tx, int year, Timestamp now) {
  if (year < 1970 || year > 9999) {
    return make_error(ErrorCode::invalid_argument, msg::form_bad_year, {{"year", year}});
  }
  YearRegister reg;
  reg.year = year;
  reg.printed_at = now;
  TRY_ASSIGN(reg.agency, load_agency(tx, std::nullopt));
  TRY_ASSIGN(auto calendar, load_calendar(tx));

  db::DossierFilter filter;
  const auto first_day = common::Date{chr::year{year}, chr::January, chr::day{1}};
  const auto next_first_day = common::Date{chr::year{year + 1}, chr::January, chr::day{1}};
  filter.filed_from = common::local_time(first_day, 0, 0);
  filter.filed_to = common::local_time(next_first_day, 0, 0);
  filter.limit = 10'000'000;
  TRY_ASSIGN(auto dossiers, tx.list_dossiers(filter));
  for (const db::Dossier& d : dossiers) {
    RegisterRow row;
    TRY_ASSIGN(row.dossier, load_dossier_summary(tx, d.id));
    TRY_ASSIGN(auto events, dossier_events(tx, d.id));
    const History history = read_history(events, calendar, d.filed_at);
    row.resolved_at = history.resolved_at;
    row.returned_at = history.returned_at;
    TRY_ASSIGN(auto shipment, newest_return_shipment(tx, d.id));
    if (shipment) row.return_tracking_number = shipment->tracking_number;
    std::vector<std::string> notes;
    // National scoring (docs/domain.md §4.4): more than one supplement request counts as late.
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
    for (const db::EventKind action : {db::EventKind::refused, db::EventKind::stopped}) {
      const auto found = events_named(events, action);
      // The register is a log book of one line a dossier: the reason in full is on form 03 or 05.
      if (!found.empty() && !found.back().reason.empty()) {
        notes.push_back(detail::shorten_words(found.back().reason, 60));
      }
    }
    for (const std::string& n : notes) row.note += (row.note.empty() ? "" : "\n") + n;
    reg.rows.push_back(std::move(row));
  }
  return reg;
}

Result<ReturnLabel> load_return_label(db::Transaction& tx, db::Id dossier_id) {
  TRY(citizen_base_url(tx));  // the label's QR opens the citizen's lookup
  TRY_ASSIGN(auto summary, load_dossier_summary(tx, dossier_id));
  const DossierSummary& d = summary;
  TRY_ASSIGN(auto shipment, newest_return_shipment(tx, dossier_id));
  if (!shipment) {
    return make_error(ErrorCode::not_found, msg::label_no_return_shipment,
                      {{"dossier", dossier_shown(d.id, d.code)}});
  }
  TRY_ASSIGN(auto agency, load_dossier_agency(tx, dossier_id));
  ReturnLabel label;
  label.sender = std::move(agency);
  label.receiver_name = d.applicant.full_name;
  label.receiver_phone = d.applicant.phone;
  label.receiver_address = d.applicant.delivery_address();
  label.tracking_number = shipment->tracking_number;
  label.carrier = shipment->carrier;
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
  // Forms carry the applicant's name, ID number and address: 0600 in folders created 0700.
  return common::write_private_file(path, html);
}

Result<std::vector<fs::path>> write_dossier_documents(db::Store& store, db::Id dossier_id,
                                                      const fs::path& folder,
                                                      const DocumentOptions& options) {
  std::vector<std::pair<std::string, std::string>> pages;  // file name, HTML
  TRY(store.read([&](db::Transaction& tx) -> Result<void> {
    TRY(get_dossier(tx, dossier_id));
    TRY_ASSIGN(auto events, dossier_events(tx, dossier_id));
    auto add = [&](std::string name, Result<std::string> html) -> Result<void> {
      if (!html) return html.error();
      pages.emplace_back(std::move(name), std::move(*html));
      return {};
    };
    if (!events_named(events, db::EventKind::accepted).empty()) {
      TRY_ASSIGN(auto form, load_receipt(tx, dossier_id));
      form.paper = options.paper;
      TRY(add("form-01.html", render_receipt(form)));
    }
    const auto requests = events_named(events, db::EventKind::supplement_requested);
    for (std::size_t n = 1; n <= requests.size(); ++n) {
      TRY_ASSIGN(auto form, load_supplement_request(tx, dossier_id, static_cast<int>(n)));
      const std::string name =
          requests.size() == 1 ? "form-02.html" : fmt::format("form-02-{}.html", n);
      TRY(add(name, render_supplement_request(form)));
    }
    if (!events_named(events, db::EventKind::refused).empty()) {
      TRY_ASSIGN(auto form, load_refusal(tx, dossier_id));
      TRY(add("form-03.html", render_refusal(form)));
    }
    if (!events_named(events, db::EventKind::reappointed).empty()) {
      TRY_ASSIGN(auto form, load_apology(tx, dossier_id));
      TRY(add("form-04.html", render_apology(form)));
    }
    if (!events_named(events, db::EventKind::stopped).empty() ||
        !events_named(events, db::EventKind::withdrawn).empty()) {
      TRY_ASSIGN(auto form, load_stop_notice(tx, dossier_id));
      TRY(add("form-05.html", render_stop_notice(form)));
    }
    TRY_ASSIGN(auto sheet, load_control_sheet(tx, dossier_id));
    TRY(add("form-06.html", render_control_sheet(sheet)));
    TRY_ASSIGN(auto shipment, newest_return_shipment(tx, dossier_id));
    if (shipment) {
      TRY_ASSIGN(auto label, load_return_label(tx, dossier_id));
      TRY(add("label.html",
              render_labels(std::span(&label, 1), options.label, LabelLayout::one_per_page)));
    }
    TRY_ASSIGN(const auto collection, tx.result_collection_of(dossier_id));
    if (collection) {
      TRY_ASSIGN(auto form, load_collection(tx, dossier_id));
      TRY(add("collection.html", render_collection(form)));
    }
    return {};
  }));
  std::vector<fs::path> written;
  for (const auto& [name, html] : pages) {
    const fs::path path = folder / name;
    TRY(write_document(path, html));
    written.push_back(path);
  }
  return written;
}

std::optional<FormKind> parse_form_kind(std::string_view name) {
  if (name == "receipt") return FormKind::receipt;
  if (name == "supplement") return FormKind::supplement;
  if (name == "refusal") return FormKind::refusal;
  if (name == "apology") return FormKind::apology;
  if (name == "stop") return FormKind::stop;
  if (name == "control") return FormKind::control;
  if (name == "collection") return FormKind::collection;
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
    case FormKind::stop:
      return "stop";
    case FormKind::control:
      return "control";
    case FormKind::collection:
      return "collection";
  }
  return "";
}

// The loaders' own tests, each on what it reads first: the dossier, its events, its shipments.
Result<AvailableForms> available_forms(db::Transaction& tx, db::Id dossier_id) {
  TRY_ASSIGN(auto dossier, get_dossier(tx, dossier_id));
  TRY_ASSIGN(auto events, dossier_events(tx, dossier_id));
  TRY_ASSIGN(auto shipment, newest_return_shipment(tx, dossier_id));

  bool accepted = false;
  bool appointment = dossier.due_at.has_value();
  bool supplement = false;
  bool refused = false;
  bool stopped = false;
  const db::Event* apology = nullptr;
  for (const db::Event& e : events) {
    if (e.action == db::EventKind::accepted) accepted = true;
    if (e.action == db::EventKind::supplement_requested) supplement = true;
    if (e.action == db::EventKind::refused) refused = true;
    if (e.action == db::EventKind::stopped || e.action == db::EventKind::withdrawn) stopped = true;
    if (e.action == db::EventKind::reappointed) apology = &e;
    if (e.action == db::EventKind::accepted || e.action == db::EventKind::supplement_received) {
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
  const bool has_code = dossier.code && !dossier.code->empty();
  if (accepted && has_code && appointment) out.forms.push_back(FormKind::receipt);
  if (supplement) out.forms.push_back(FormKind::supplement);
  if (refused) out.forms.push_back(FormKind::refusal);
  if (apology_dated) out.forms.push_back(FormKind::apology);
  if (stopped) out.forms.push_back(FormKind::stop);
  out.forms.push_back(FormKind::control);
  TRY_ASSIGN(const auto collection, tx.result_collection_of(dossier_id));
  if (collection) out.forms.push_back(FormKind::collection);
  out.return_label = shipment.has_value();
  return out;
}

Result<std::string> render_form(db::Transaction& tx, db::Id dossier_id, FormKind kind,
                                PaperSize receipt_paper, int supplement_number) {
  switch (kind) {
    case FormKind::receipt: {
      TRY_ASSIGN(auto form, load_receipt(tx, dossier_id));
      form.paper = receipt_paper;
      return render_receipt(form);
    }
    case FormKind::supplement: {
      TRY_ASSIGN(auto form, load_supplement_request(tx, dossier_id, supplement_number));
      return render_supplement_request(form);
    }
    case FormKind::refusal: {
      TRY_ASSIGN(auto form, load_refusal(tx, dossier_id));
      return render_refusal(form);
    }
    case FormKind::apology: {
      TRY_ASSIGN(auto form, load_apology(tx, dossier_id));
      return render_apology(form);
    }
    case FormKind::stop: {
      TRY_ASSIGN(auto form, load_stop_notice(tx, dossier_id));
      return render_stop_notice(form);
    }
    case FormKind::control: {
      TRY_ASSIGN(auto sheet, load_control_sheet(tx, dossier_id));
      return render_control_sheet(sheet);
    }
    case FormKind::collection: {
      TRY_ASSIGN(auto form, load_collection(tx, dossier_id));
      return render_collection(form);
    }
  }
  return common::make_error(common::ErrorCode::internal, "unknown form");
}

}  // namespace tracking
