#include "tracking/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <utility>

#include "common/csv.hpp"
#include "db/settings.hpp"
#include "tracking/lifecycle.hpp"
#include "tracking/lookup.hpp"
#include "tracking/messages.hpp"

namespace tracking {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;
using common::Timestamp;
using db::DossierState;
using nlohmann::json;

constexpr std::array k_open_states = {DossierState::received, DossierState::accepted,
                                      DossierState::in_process, DossierState::supplement_requested,
                                      DossierState::awaiting_fees};

template <class Array>
bool contains(const Array& states, DossierState state) {
  return std::find(states.begin(), states.end(), state) != states.end();
}

// One step of a dossier's event log, at the time it happened (the request's `at` when given).
struct Step {
  Timestamp at{};
  db::EventKind action = db::EventKind::received_by_post;
  std::optional<DossierState> to;  // set by lifecycle steps
  std::optional<Timestamp> due_at;
  std::optional<Timestamp> previous_due_at;
};

std::optional<Timestamp> iso_field(const json& data, const char* key) {
  if (!data.is_object() || !data.contains(key) || !data[key].is_string()) return std::nullopt;
  auto parsed = common::parse_local(data[key].get<std::string>());
  if (!parsed) return std::nullopt;
  return *parsed;
}

std::vector<Step> steps_of(const std::vector<db::Event>& events) {
  std::vector<Step> steps;
  for (const db::Event& e : events) {
    const json data = json::parse(e.data, nullptr, false);
    Step step;
    step.action = e.action;
    step.at = iso_field(data, "at").value_or(e.at);
    if (data.is_object() && data.contains("to") && data["to"].is_string()) {
      step.to = db::parse_dossier_state(data["to"].get<std::string>());
    }
    step.due_at = iso_field(data, "due_at");
    step.previous_due_at = iso_field(data, "previous_due_at");
    steps.push_back(std::move(step));
  }
  return steps;
}

struct StateAt {
  DossierState state = DossierState::received;
  std::optional<Timestamp> due_at;
};

// The dossier's state and due date just before `when`.
StateAt state_at(const db::Dossier& d, const std::vector<Step>& steps, Timestamp when) {
  // Nothing recorded since: the record itself is the state then.
  if (d.updated_at < when) return {d.state, d.due_at};
  StateAt out;
  for (const Step& s : steps) {
    if (!s.to || s.at >= when) continue;
    out.state = *s.to;
    out.due_at = s.due_at;
  }
  return out;
}

// How a dossier's processing ended, judged by the rule in report.hpp.
struct Judgement {
  std::optional<Timestamp> finished_at;
  std::optional<Timestamp> appointment;
  int supplements = 0;
  bool apologised = false;
  std::optional<Timestamp> new_date;
  std::optional<Timestamp> closed_without_result_at;  // refused, withdrawn or stopped
};

Judgement judge(const std::vector<Step>& steps) {
  Judgement j;
  for (const Step& s : steps) {
    if (s.action == db::EventKind::accepted || s.action == db::EventKind::supplement_received) {
      // The appointment the citizen holds; a restart supersedes an earlier apology.
      j.appointment = s.due_at;
      if (s.action == db::EventKind::supplement_received) {
        j.apologised = false;
        j.new_date.reset();
      }
    } else if (s.action == db::EventKind::supplement_requested) {
      ++j.supplements;
    } else if (s.action == db::EventKind::reappointed) {
      j.apologised = true;
      j.new_date = s.due_at;
      if (s.previous_due_at) j.appointment = s.previous_due_at;
    } else if (s.action == db::EventKind::processed) {
      if (!j.finished_at) j.finished_at = s.at;
      break;
    } else if (s.action == db::EventKind::refused || s.action == db::EventKind::withdrawn ||
               s.action == db::EventKind::stopped) {
      if (!j.closed_without_result_at) j.closed_without_result_at = s.at;
    }
  }
  return j;
}

// A cell a spreadsheet would run as a formula ("=HYPERLINK(...)" typed as a reason): not a number,
// and starting with = + - @ or a control character.
bool formula_like(std::string_view text) {
  if (text.empty()) return false;
  const char first = text.front();
  if (first == '-') {
    return text.size() == 1 || !std::all_of(text.begin() + 1, text.end(), [](char c) {
             return (c >= '0' && c <= '9') || c == '.';
           });
  }
  return first == '=' || first == '+' || first == '@' || first == '\t' || first == '\r';
}

std::string csv_field(std::string_view input) {
  // A leading apostrophe makes a spreadsheet show the text instead of running it (OWASP's advice
  // for CSV injection).
  std::string guarded;
  if (formula_like(input)) guarded += '\'';
  guarded.append(input);
  const std::string_view text = guarded;
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string iso(const std::optional<Timestamp>& t) {
  return t ? common::format_iso(*t) : std::string();
}

json optional_time(const std::optional<Timestamp>& t) {
  return t ? json(common::format_iso(*t)) : json();
}

std::string field_label(const std::string& field) {
  return field.empty() ? "(chưa xác định)" : field;
}

std::string route_label(const RouteTransit& r) {
  return fmt::format("{} {} {} → {}", r.direction == db::Direction::inbound ? "inbound" : "return",
                     r.carrier, r.from, r.to);
}

std::string local_minutes(Timestamp t) { return common::format_local(t).substr(0, 16); }

// "2026-03-31" when `to` is a local midnight (the period ends with the day before), else the time.
std::string period_end_text(Timestamp to) {
  const common::Date day = common::local_date(to);
  if (common::local_time(day, 0, 0) == to) {
    return fmt::format("hết ngày {}", common::format_date(common::Date{std::chrono::sys_days{day} -
                                                                       std::chrono::days{1}}));
  }
  return local_minutes(to);
}

struct RouteKey {
  db::Direction direction;
  std::string carrier;
  std::string from;
  std::string to;
  bool operator<(const RouteKey& other) const {
    return std::tie(direction, carrier, from, to) <
           std::tie(other.direction, other.carrier, other.from, other.to);
  }
};

struct RouteSamples {
  std::optional<int> limit;
  std::vector<double> hours;
  std::vector<int> working_days;
};

}  // namespace

std::string_view late_reason_name(LateReason reason) {
  switch (reason) {
    case LateReason::many_supplements:
      return "many_supplements";
    case LateReason::no_appointment:
      return "no_appointment";
    case LateReason::after_appointment:
      return "after_appointment";
  }
  return "unknown";
}

common::Text late_reason_text(LateReason reason) {
  switch (reason) {
    case LateReason::many_supplements:
      return {msg::late_many_supplements};
    case LateReason::no_appointment:
      return {msg::late_no_appointment};
    case LateReason::after_appointment:
      break;
  }
  return {msg::late_after_appointment};
}

// ---------------------------------------------------------------------------------------------
// Building the report

Result<DeskReport> build_report(db::Transaction& tx, const Period& period,
                                const ReportOptions& options, Timestamp now) {
  if (!(period.from < period.to)) {
    return make_error(
        ErrorCode::invalid_argument, msg::period_empty,
        {{"from", common::format_local(period.from)}, {"to", common::format_local(period.to)}});
  }
  DeskReport report;
  report.period = period;
  report.generated_at = now;
  TRY_ASSIGN(auto agency_code, tx.setting(db::k_setting_agency_code));
  if (agency_code) {
    report.agency_code = *agency_code;
    TRY_ASSIGN(auto agency, tx.find_agency(*agency_code));
    if (agency) report.agency_name = agency->name;
  }
  std::string desk_province = options.desk_province;
  if (desk_province.empty()) {
    TRY_ASSIGN(auto province, tx.setting(db::k_setting_agency_province));
    desk_province = province.value_or("");
  }
  TRY_ASSIGN(auto calendar, load_calendar(tx));

  std::map<db::Id, std::string> field_of_procedure;
  TRY_ASSIGN(auto procedures, tx.list_procedures());
  for (const db::Procedure& p : procedures) field_of_procedure[p.id] = p.field;

  db::DossierFilter filter;
  filter.filed_to = period.to;
  filter.limit = 100'000'000;
  TRY_ASSIGN(auto dossiers, tx.list_dossiers(filter));

  const auto in_period = [&](Timestamp t) { return period.from <= t && t < period.to; };
  std::map<RouteKey, RouteSamples> routes;

  for (const db::Dossier& d : dossiers) {
    const std::string field = d.procedure_id && field_of_procedure.count(*d.procedure_id)
                                  ? field_of_procedure[*d.procedure_id]
                                  : std::string();
    const std::string code = d.code.value_or(fmt::format("#{}", d.id));
    FieldCounts& counts = report.by_field[field];
    TRY_ASSIGN(auto events, tx.events_of("dossier", d.id));
    const std::vector<Step> steps = steps_of(events);

    if (in_period(d.filed_at)) {
      ++counts.received;
      ++report.received_by_channel[d.channel];
    } else if (d.filed_at < period.from &&
               contains(k_open_states, state_at(d, steps, period.from).state)) {
      ++counts.carried_over;
    }

    const Judgement j = judge(steps);
    if (j.finished_at && in_period(*j.finished_at)) {
      ++counts.resolved;
      std::optional<LateReason> late_reason;
      if (j.supplements > 1) {
        late_reason = LateReason::many_supplements;
      } else if (!j.appointment) {
        late_reason = LateReason::no_appointment;
      } else if (*j.finished_at > *j.appointment) {
        late_reason = LateReason::after_appointment;
      }
      if (!late_reason) {
        if (common::local_date(*j.finished_at) < common::local_date(*j.appointment)) {
          ++counts.early;
        } else {
          ++counts.on_time;
        }
      } else {
        ++counts.late;
        LateDossier late;
        late.id = d.id;
        late.code = code;
        late.field = field;
        late.finished_at = *j.finished_at;
        late.appointment = j.appointment;
        late.supplements = j.supplements;
        late.apologised = j.apologised;
        late.new_date = j.new_date;
        late.met_new_date = j.apologised && j.new_date && *j.finished_at <= *j.new_date;
        late.reason = *late_reason;
        if (late.apologised) ++report.late_apologised;
        if (late.met_new_date) ++report.late_met_new_date;
        if (j.supplements > 1) ++report.late_many_supplements;
        if (static_cast<int>(report.late.size()) < options.late_listed) {
          report.late.push_back(std::move(late));
        }
      }
    }
    if (j.closed_without_result_at && in_period(*j.closed_without_result_at)) ++counts.refused;

    const StateAt end = state_at(d, steps, period.to);
    if (contains(k_open_states, end.state)) {
      if (deadline_runs(end.state) && end.due_at && *end.due_at < period.to) {
        ++counts.open_overdue;
        report.backlog.push_back(
            BacklogDossier{d.id, code, field, end.state, *end.due_at,
                           calendar.working_days_between(
                               common::local_date(*end.due_at),
                               common::local_date(period.to - std::chrono::seconds{1}))});
      } else {
        ++counts.open_within;
      }
    }

    // The post, both ways.
    TRY_ASSIGN(auto shipments, tx.shipments_of(d.id));
    for (const db::Shipment& s : shipments) {
      TRY_ASSIGN(auto carrier_events, tx.carrier_events_of(s.id));
      const std::vector<db::CarrierEvent>& ce = carrier_events;
      const auto delivered =
          std::find_if(ce.begin(), ce.end(), [](const auto& e) { return e.status == "delivered"; });
      const TransitTable* table = nullptr;
      if (auto found = options.transit.find(s.carrier); found != options.transit.end()) {
        table = &found->second;
      }
      const auto province = [&](const std::string& office) {
        std::string name = table ? table->province_of(office) : std::string();
        return name.empty() ? fmt::format("(office {})", office.empty() ? "?" : office) : name;
      };

      // Transit: from the carrier's first event to the delivery. An inbound envelope delivered
      // without a reported event was delivered at the handover, the dossier's filing.
      std::optional<Timestamp> end_at;
      std::string to_province;
      if (delivered != ce.end()) {
        end_at = delivered->occurred_at;
        to_province = province(delivered->location_code);
      } else if (s.direction == db::Direction::inbound) {
        end_at = d.filed_at;
        to_province = desk_province.empty() ? "(desk)" : desk_province;
      }
      if (end_at && in_period(*end_at)) {
        if (ce.empty() || ce.front().occurred_at > *end_at) {
          ++report.transit_without_events;
        } else {
          const auto origin = std::find_if(ce.begin(), ce.end(),
                                           [](const auto& e) { return !e.location_code.empty(); });
          RouteKey key{s.direction, s.carrier,
                       province(origin == ce.end() ? std::string() : origin->location_code),
                       to_province};
          RouteSamples& samples = routes[key];
          if (table) samples.limit = table->limit(key.from, key.to);
          samples.hours.push_back(
              std::chrono::duration<double, std::ratio<3600>>(*end_at - ce.front().occurred_at)
                  .count());
          samples.working_days.push_back(calendar.working_days_between(
              common::local_date(ce.front().occurred_at), common::local_date(*end_at)));
        }
      }

      // Failed deliveries of the result.
      if (!db::is_result_return(s)) continue;  // a letter's failure is not the result's
      FailedDelivery failed;
      std::optional<Timestamp> first_failure;
      bool returned = false;
      for (const db::CarrierEvent& e : ce) {
        const bool failure = e.status == "delivery_failed";
        const bool back = e.status == "return_to_sender" || e.status == "returned";
        if (failure) ++failed.failed_attempts;
        if (e.status == "returned") returned = true;
        if ((failure || back) && !first_failure) first_failure = e.occurred_at;
      }
      if (!first_failure || !in_period(*first_failure)) continue;
      failed.dossier_id = d.id;
      failed.dossier_code = code;
      failed.carrier = s.carrier;
      failed.tracking_number = s.tracking_number;
      failed.shipment_status = s.status;
      failed.returned_to_desk = returned || d.state == DossierState::return_failed;
      failed.first_failure_at = *first_failure;
      failed.dossier_state = d.state;
      report.failed_deliveries.push_back(std::move(failed));
    }
  }

  for (const auto& [field, c] : report.by_field) {
    report.total.received += c.received;
    report.total.carried_over += c.carried_over;
    report.total.resolved += c.resolved;
    report.total.early += c.early;
    report.total.on_time += c.on_time;
    report.total.late += c.late;
    report.total.open_within += c.open_within;
    report.total.open_overdue += c.open_overdue;
    report.total.refused += c.refused;
  }
  // A field with nothing to report in this period is left out.
  for (auto it = report.by_field.begin(); it != report.by_field.end();) {
    const FieldCounts& c = it->second;
    const bool empty =
        c.received + c.carried_over + c.resolved + c.open_within + c.open_overdue + c.refused == 0;
    it = empty ? report.by_field.erase(it) : std::next(it);
  }
  std::stable_sort(
      report.backlog.begin(), report.backlog.end(),
      [](const BacklogDossier& a, const BacklogDossier& b) { return a.due_at < b.due_at; });
  if (static_cast<int>(report.backlog.size()) > options.late_listed) {
    report.backlog.resize(static_cast<std::size_t>(std::max(0, options.late_listed)));
  }
  for (auto& [key, samples] : routes) {
    RouteTransit r;
    r.carrier = key.carrier;
    r.direction = key.direction;
    r.from = key.from;
    r.to = key.to;
    r.limit_days = samples.limit;
    r.shipments = static_cast<int>(samples.hours.size());
    for (const int days : samples.working_days) {
      r.max_working_days = std::max(r.max_working_days, days);
      if (!r.limit_days) continue;  // nothing to be within
      ++(days <= *r.limit_days ? r.within_limit : r.over_limit);
    }
    std::sort(samples.hours.begin(), samples.hours.end());
    const std::size_t n = samples.hours.size();
    r.median_hours =
        n % 2 == 1 ? samples.hours[n / 2] : (samples.hours[n / 2 - 1] + samples.hours[n / 2]) / 2;
    report.transit.push_back(std::move(r));
  }
  std::stable_sort(report.failed_deliveries.begin(), report.failed_deliveries.end(),
                   [](const FailedDelivery& a, const FailedDelivery& b) {
                     return a.first_failure_at < b.first_failure_at;
                   });
  return report;
}

Result<DeskReport> build_report(db::Store& store, const Period& period,
                                const ReportOptions& options, Timestamp now) {
  return store.read<DeskReport>(
      [&](db::Transaction& tx) { return build_report(tx, period, options, now); });
}

// ---------------------------------------------------------------------------------------------
// Renderings

namespace {

constexpr std::array<std::pair<const char*, int FieldCounts::*>, 9> k_metrics = {{
    {"received", &FieldCounts::received},
    {"carried_over", &FieldCounts::carried_over},
    {"resolved", &FieldCounts::resolved},
    {"early", &FieldCounts::early},
    {"on_time", &FieldCounts::on_time},
    {"late", &FieldCounts::late},
    {"open_within", &FieldCounts::open_within},
    {"open_overdue", &FieldCounts::open_overdue},
    {"closed_without_result", &FieldCounts::refused},
}};

json counts_json(const FieldCounts& c) {
  json j = json::object();
  for (const auto& [name, member] : k_metrics) j[name] = c.*member;
  return j;
}

std::string channel_name(int channel) {
  switch (channel) {
    case 1:
      return "trực tiếp (in person)";
    case 2:
      return "trực tuyến (online)";
    case 3:
      return "bưu chính (postal)";
    default:
      return fmt::format("channel {}", channel);
  }
}

}  // namespace

std::string report_text(const DeskReport& r, common::Lang lang) {
  std::string out;
  out += fmt::format("BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ — {}{}\n",
                     r.agency_code.empty() ? "(no agency)" : r.agency_code,
                     r.agency_name.empty() ? "" : " " + r.agency_name);
  out += fmt::format("Kỳ báo cáo (period): {} – {}; lập lúc {}\n\n", local_minutes(r.period.from),
                     period_end_text(r.period.to), local_minutes(r.generated_at));
  out += fmt::format("Hồ sơ nhận trong kỳ (received): {}", r.total.received);
  std::vector<std::string> channels;
  for (int channel = 1; channel <= 3; ++channel) {
    const auto found = r.received_by_channel.find(channel);
    channels.push_back(fmt::format("{} {}", channel_name(channel),
                                   found == r.received_by_channel.end() ? 0 : found->second));
  }
  out += fmt::format(" ({})\n", fmt::join(channels, ", "));
  out += fmt::format("Từ kỳ trước chuyển sang (carried over): {}\n\n", r.total.carried_over);

  out +=
      fmt::format("{:<22}{:>9}{:>9}{:>10}{:>7}{:>9}{:>6}{:>7}{:>9}{:>8}\n", "field", "received",
                  "carried", "resolved", "early", "on time", "late", "open", "overdue", "closed");
  const auto row = [&](const std::string& name, const FieldCounts& c) {
    out += fmt::format("{:<22}{:>9}{:>9}{:>10}{:>7}{:>9}{:>6}{:>7}{:>9}{:>8}\n", name, c.received,
                       c.carried_over, c.resolved, c.early, c.on_time, c.late, c.open_within,
                       c.open_overdue, c.refused);
  };
  for (const auto& [field, c] : r.by_field) row(field_label(field), c);
  row("TỔNG (total)", r.total);
  out += "  (closed: refused, withdrawn or stopped in the period; open/overdue: at the end)\n\n";

  const int judged = r.total.resolved;
  out += fmt::format(
      "Đúng hạn (on time, national rule): {} of {} resolved{}; late {}: {} with more than one "
      "supplement request, {} with an apology ({} of them met the new date)\n",
      r.total.early + r.total.on_time, judged,
      judged ? fmt::format(" ({:.1f} %)", 100.0 * (r.total.early + r.total.on_time) / judged) : "",
      r.total.late, r.late_many_supplements, r.late_apologised, r.late_met_new_date);
  for (const LateDossier& l : r.late) {
    out += fmt::format(
        "  late  {:<28} finished {}, appointment {}{}: {}\n", l.code, local_minutes(l.finished_at),
        l.appointment ? local_minutes(*l.appointment) : "-",
        l.apologised
            ? fmt::format(", apology, new date {}", l.new_date ? local_minutes(*l.new_date) : "-")
            : "",
        late_reason_text(l.reason).render(lang));
  }
  out += fmt::format("\nQuá hạn chưa giải quyết (backlog at the end): {}\n", r.total.open_overdue);
  for (const BacklogDossier& b : r.backlog) {
    out += fmt::format("  {:<28} {:<14} due {}, {} working day(s) overdue\n", b.code,
                       db::dossier_state_name(b.state), local_minutes(b.due_at),
                       b.working_days_overdue);
  }

  out += "\nThời gian vận chuyển bưu chính (postal transit, first carrier event to delivery):\n";
  if (r.transit.empty()) out += "  no shipment delivered in the period\n";
  // People read the totals and the routes that broke their limit; --csv and --json list every
  // route.
  for (const db::Direction direction : {db::Direction::inbound, db::Direction::outbound}) {
    int routes = 0, shipments = 0, within = 0, over = 0;
    for (const RouteTransit& t : r.transit) {
      if (t.direction != direction) continue;
      ++routes;
      shipments += t.shipments;
      within += t.within_limit;
      over += t.over_limit;
    }
    if (routes == 0) continue;
    out +=
        fmt::format("  {}: {} shipments on {} routes, {} within their J+n limit, {} over\n",
                    direction == db::Direction::inbound ? "inbound envelopes" : "return shipments",
                    shipments, routes, within, over);
  }
  std::size_t listed = 0, unlisted = 0;
  for (const RouteTransit& t : r.transit) {
    if (t.over_limit == 0) continue;
    if (listed++ == 15) {
      ++unlisted;
      continue;
    }
    out += fmt::format(
        "  over  {:<52} {:>3} shipments, limit {}, within {}, over {}, median {:.1f} h, "
        "max {} working day(s)\n",
        route_label(t), t.shipments, t.limit_days ? fmt::format("J+{}", *t.limit_days) : "none",
        t.within_limit, t.over_limit, t.median_hours, t.max_working_days);
  }
  if (unlisted > 0) out += fmt::format("  … and {} more routes over their limit\n", unlisted);
  if (!r.transit.empty()) out += "  (every route with --csv or --json)\n";
  if (r.transit_without_events > 0) {
    out += fmt::format(
        "  {} delivered shipment(s) without carrier events (not timed; run `hoso "
        "sync`)\n",
        r.transit_without_events);
  }
  out += fmt::format("\nPhát kết quả không thành công (failed return deliveries): {}\n",
                     r.failed_deliveries.size());
  for (const FailedDelivery& f : r.failed_deliveries) {
    out += fmt::format("  {} {:<15} {:<28} {} failed attempt(s), first {}, now {}{}\n", f.carrier,
                       f.tracking_number, f.dossier_code, f.failed_attempts,
                       local_minutes(f.first_failure_at), f.shipment_status,
                       f.returned_to_desk ? " (returned to the desk)" : "");
  }
  return out;
}

std::string report_json(const DeskReport& r, common::Lang lang) {
  json channels = json::object();
  for (int channel = 1; channel <= 3; ++channel) {
    const auto found = r.received_by_channel.find(channel);
    channels[std::to_string(channel)] = found == r.received_by_channel.end() ? 0 : found->second;
  }
  json fields = json::object();
  for (const auto& [field, c] : r.by_field) fields[field] = counts_json(c);
  json late = json::array();
  for (const LateDossier& l : r.late) {
    late.push_back({{"dossier_id", l.id},
                    {"code", l.code},
                    {"field", l.field},
                    {"finished_at", common::format_iso(l.finished_at)},
                    {"appointment", optional_time(l.appointment)},
                    {"supplements", l.supplements},
                    {"apologised", l.apologised},
                    {"new_date", optional_time(l.new_date)},
                    {"met_new_date", l.met_new_date},
                    {"reason_code", late_reason_name(l.reason)},
                    {"reason", late_reason_text(l.reason).render(lang)}});
  }
  json backlog = json::array();
  for (const BacklogDossier& b : r.backlog) {
    backlog.push_back({{"dossier_id", b.id},
                       {"code", b.code},
                       {"field", b.field},
                       {"state", db::dossier_state_name(b.state)},
                       {"due_at", common::format_iso(b.due_at)},
                       {"working_days_overdue", b.working_days_overdue}});
  }
  json transit = json::array();
  for (const RouteTransit& t : r.transit) {
    transit.push_back({{"carrier", t.carrier},
                       {"direction", t.direction == db::Direction::inbound ? "inbound" : "return"},
                       {"from", t.from},
                       {"to", t.to},
                       {"limit_days", t.limit_days ? json(*t.limit_days) : json()},
                       {"shipments", t.shipments},
                       {"within_limit", t.within_limit},
                       {"over_limit", t.over_limit},
                       {"median_hours", t.median_hours},
                       {"max_working_days", t.max_working_days}});
  }
  json failed = json::array();
  for (const FailedDelivery& f : r.failed_deliveries) {
    failed.push_back({{"dossier_id", f.dossier_id},
                      {"dossier_code", f.dossier_code},
                      {"carrier", f.carrier},
                      {"tracking_number", f.tracking_number},
                      {"failed_attempts", f.failed_attempts},
                      {"shipment_status", f.shipment_status},
                      {"returned_to_desk", f.returned_to_desk},
                      {"first_failure_at", common::format_iso(f.first_failure_at)},
                      {"dossier_state", db::dossier_state_name(f.dossier_state)}});
  }
  json j = {
      {"agency", {{"code", r.agency_code}, {"name", r.agency_name}}},
      {"period",
       {{"from", common::format_iso(r.period.from)}, {"to", common::format_iso(r.period.to)}}},
      {"generated_at", common::format_iso(r.generated_at)},
      {"received_by_channel", std::move(channels)},
      {"by_field", std::move(fields)},
      {"total", counts_json(r.total)},
      {"late_apologised", r.late_apologised},
      {"late_met_new_date", r.late_met_new_date},
      {"late_many_supplements", r.late_many_supplements},
      {"late", std::move(late)},
      {"backlog", std::move(backlog)},
      {"transit", std::move(transit)},
      {"transit_without_events", r.transit_without_events},
      {"failed_deliveries", std::move(failed)}};
  return j.dump(2, ' ', false, json::error_handler_t::replace);
}

std::string report_csv(const DeskReport& r, common::Lang lang) {
  std::string out = common::Text{msg::report_csv_header}.render(lang) + "\n";
  const auto line = [&](std::string_view section, std::string_view group, std::string_view metric,
                        const std::string& value) {
    out += fmt::format("{},{},{},{}\n", csv_field(section), csv_field(group), csv_field(metric),
                       csv_field(value));
  };
  line("period", "", "agency", r.agency_code);
  line("period", "", "from", common::format_iso(r.period.from));
  line("period", "", "to", common::format_iso(r.period.to));
  line("period", "", "generated_at", common::format_iso(r.generated_at));
  for (int channel = 1; channel <= 3; ++channel) {
    const auto found = r.received_by_channel.find(channel);
    line("received", fmt::format("channel {}", channel), "dossiers",
         std::to_string(found == r.received_by_channel.end() ? 0 : found->second));
  }
  const auto counts = [&](const std::string& group, const FieldCounts& c) {
    for (const auto& [name, member] : k_metrics)
      line("field", group, name, std::to_string(c.*member));
  };
  for (const auto& [field, c] : r.by_field) counts(field.empty() ? "(none)" : field, c);
  counts("total", r.total);
  line("on_time", "total", "late_apologised", std::to_string(r.late_apologised));
  line("on_time", "total", "late_met_new_date", std::to_string(r.late_met_new_date));
  line("on_time", "total", "late_many_supplements", std::to_string(r.late_many_supplements));
  for (const LateDossier& l : r.late) {
    line("late", l.code, "finished_at", common::format_iso(l.finished_at));
    line("late", l.code, "appointment", iso(l.appointment));
    line("late", l.code, "reason", std::string(late_reason_name(l.reason)));
  }
  for (const BacklogDossier& b : r.backlog) {
    line("backlog", b.code, "due_at", common::format_iso(b.due_at));
    line("backlog", b.code, "working_days_overdue", std::to_string(b.working_days_overdue));
  }
  for (const RouteTransit& t : r.transit) {
    const std::string group = route_label(t);
    line("transit", group, "limit_days", t.limit_days ? std::to_string(*t.limit_days) : "");
    line("transit", group, "shipments", std::to_string(t.shipments));
    line("transit", group, "within_limit", std::to_string(t.within_limit));
    line("transit", group, "over_limit", std::to_string(t.over_limit));
    line("transit", group, "median_hours", fmt::format("{:.1f}", t.median_hours));
    line("transit", group, "max_working_days", std::to_string(t.max_working_days));
  }
  line("transit", "total", "without_events", std::to_string(r.transit_without_events));
  for (const FailedDelivery& f : r.failed_deliveries) {
    line("failed_delivery", f.tracking_number, "dossier", f.dossier_code);
    line("failed_delivery", f.tracking_number, "failed_attempts",
         std::to_string(f.failed_attempts));
    line("failed_delivery", f.tracking_number, "status", f.shipment_status);
    line("failed_delivery", f.tracking_number, "returned_to_desk",
         f.returned_to_desk ? "yes" : "no");
  }
  return out;
}

common::Result<std::vector<DayCounts>> daily_counts(db::Store& store, const Period& period,
                                                    const ReportOptions& options,
                                                    common::Timestamp now) {
  const common::Date first = common::local_date(period.from);
  const common::Date last = common::local_date(std::min(period.to, now) - std::chrono::seconds(1));
  const auto days = (std::chrono::sys_days{last} - std::chrono::sys_days{first}).count() + 1;
  if (days > 92) {
    return common::make_error(common::ErrorCode::invalid_argument, msg::chart_too_many_days,
                              {{"days", days}});
  }
  ReportOptions lean = options;
  lean.late_listed = 0;  // counts only
  return store.read<std::vector<DayCounts>>(
      [&](db::Transaction& tx) -> Result<std::vector<DayCounts>> {
        std::vector<DayCounts> out;
        for (auto day = std::chrono::sys_days{first}; day <= std::chrono::sys_days{last};
             day += std::chrono::days{1}) {
          Period one{common::local_time(common::Date{day}, 0, 0),
                     common::local_time(common::Date{day + std::chrono::days{1}}, 0, 0)};
          if (one.to > now) one.to = now;
          if (!(one.from < one.to)) break;
          TRY_ASSIGN(auto report, build_report(tx, one, lean, now));
          DayCounts counts;
          counts.day = common::Date{day};
          counts.received_by_channel = report.received_by_channel;
          counts.resolved = report.total.resolved;
          counts.on_time = report.total.early + report.total.on_time;
          counts.late = report.total.late;
          counts.backlog = report.total.open_overdue;
          out.push_back(std::move(counts));
        }
        return out;
      });
}

}  // namespace tracking
