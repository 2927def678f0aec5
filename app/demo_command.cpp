#include "app/demo_command.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <thread>
#include <tuple>

#include "app/desk.hpp"
#include "app/desk_server.hpp"
#include "app/output.hpp"
#include "app/registry_commands.hpp"
#include "app/served_desk.hpp"
#include "common/calendar.hpp"
#include "common/exit_code.hpp"
#include "common/private_files.hpp"
#include "common/s10.hpp"
#include "db/settings.hpp"
#include "intake/catalogue.hpp"
#include "intake/envelope_reader.hpp"
#include "postal_api/sim/simulator.hpp"
#include "postal_api/vnpost.hpp"
#include "scanner/batch.hpp"
#include "staff/accounts.hpp"
#include "tracking/carrier_sync.hpp"
#include "tracking/dispatch.hpp"
#include "tracking/documents.hpp"
#include "tracking/dossier_key.hpp"
#include "tracking/lifecycle.hpp"
#include "tracking/lookup.hpp"
#include "tracking/report.hpp"
#include "tracking/result_delivery.hpp"
#include "tracking/staff_queries.hpp"
#include "tracking/transfers.hpp"

namespace app {
namespace {

using common::ErrorCode;
using common::Result;
using common::Timestamp;
using db::DossierState;
using tracking::Action;
namespace sim = postal_api::sim;

constexpr const char* k_agency = "000.00.05.H12";
constexpr const char* k_officer = k_demo_officer;  // a staff account: forms print its full name
constexpr int k_days = 24;                         // working days simulated after the handover

// People who typed their details on the consignment note, for envelopes without an ID card QR.
constexpr std::array<std::pair<const char*, const char*>, 8> k_typed_people = {{
    {"Nguyễn Văn An", "15 Hùng Vương, phường Hải Châu, TP. Đà Nẵng"},
    {"Trần Thị Bình", "42 Nguyễn Văn Linh, phường Thạc Gián, TP. Đà Nẵng"},
    {"Lê Hoàng Cường", "7 Tôn Đức Thắng, phường Hòa Khánh, TP. Đà Nẵng"},
    {"Phạm Thị Dung", "120 Ngô Quyền, phường An Hải, TP. Đà Nẵng"},
    {"Hoàng Minh Đức", "3 Lê Văn Hiến, phường Ngũ Hành Sơn, TP. Đà Nẵng"},
    {"Võ Thị Hạnh", "88 Trần Cao Vân, phường Thanh Khê, TP. Đà Nẵng"},
    {"Đặng Quốc Huy", "56 Âu Cơ, phường Liên Chiểu, TP. Đà Nẵng"},
    {"Bùi Thị Lan", "21 Cách Mạng Tháng Tám, phường Cẩm Lệ, TP. Đà Nẵng"},
}};

DemoPlan plan_for(std::size_t index) {
  if (index == 19) return DemoPlan::supplement_posted;
  if (index == 22) return DemoPlan::awaiting_collection;
  if (index == 7 || index % 25 == 22) return DemoPlan::collect_at_desk;
  if (index == 24) return DemoPlan::withdraw;
  if (index == 12) return DemoPlan::apology;
  switch (index % 25) {
    case 4:
      return DemoPlan::refuse;
    case 9:
      return DemoPlan::supplement_pending;
    case 14:
      return DemoPlan::supplement_then_ok;
    case 17:
      return DemoPlan::slow;
    default:
      return DemoPlan::normal;
  }
}

// The Monday five weeks before `now`, 08:00 local: the run ends before today.
Timestamp demo_start(Timestamp now) {
  const auto today = std::chrono::sys_days{common::local_date(now)};
  const std::chrono::weekday weekday{today};
  const auto monday =
      today - std::chrono::days{(weekday.c_encoding() + 6) % 7} - std::chrono::days{35};
  return common::local_time(common::Date{monday}, 8, 0);
}

// What the day's summary calls an action.
std::string_view done_words(Action action) {
  switch (action) {
    case Action::accept:
      return "accepted";
    case Action::request_supplement:
      return "supplements requested";
    case Action::supplement_received:
      return "supplements received";
    case Action::refuse:
      return "refused";
    case Action::start_processing:
      return "in process";
    case Action::request_fees:
      return "fees requested";
    case Action::fees_paid:
      return "fees paid";
    case Action::mark_processed:
      return "results ready";
    case Action::withdraw:
      return "withdrawn";
    case Action::stop:
      return "stopped";
    case Action::apologise:
      return "apologies with a new date";
    case Action::dispatch_return:
      return "results posted";
    case Action::record_delivery:
      return "results delivered";
    case Action::record_return_failure:
      return "results back at the desk";
  }
  return "?";
}

// The desk and the carrier, on one simulated clock.
struct Run {
  DemoOutcome outcome;
  std::FILE* out = nullptr;
  std::unique_ptr<Desk> desk;
  common::ManualClock clock;
  std::unique_ptr<sim::Simulator> carrier_sim;
  std::unique_ptr<postal_api::Carrier> carrier;
  common::WorkingCalendar calendar;
  Timestamp start{};
  std::map<std::string, int> tally;  // what happened today, by action

  void move_to(Timestamp t) {
    if (t <= clock.now()) return;
    carrier_sim->advance(std::chrono::duration_cast<std::chrono::seconds>(t - clock.now()));
    clock.set(t);
  }

  Timestamp at_day(int day, int hour, int minute = 0) const {
    return common::local_time(calendar.add_working_days(common::local_date(start), day), hour,
                              minute);
  }

  bool act(db::Id id, Action action,
           const std::function<void(tracking::ActionRequest&)>& fill = {}) {
    tracking::Lifecycle life(*desk->store, clock);
    tracking::ActionRequest request;
    request.action = action;
    request.actor = k_officer;
    if (fill) fill(request);
    auto done = life.apply(id, request);
    if (!done) {
      outcome.problems.push_back(
          fmt::format("{} #{}: {}", tracking::action_name(action), id, say(done.error())));
      return false;
    }
    ++tally[std::string(done_words(action))];
    return true;
  }

  std::optional<db::Dossier> dossier(db::Id id) const {
    auto found = tracking::find_dossier(*desk->store, fmt::format("#{}", id));
    if (!found) return std::nullopt;
    return std::move(*found);
  }
};

Result<void> register_envelopes(Run& run, const DemoArgs& args) {
  const std::filesystem::path envelopes =
      args.envelopes.empty() ? samples_dir() / "envelopes" : std::filesystem::path(args.envelopes);
  intake::Registrar registrar(*run.desk->store, *run.desk->images, run.desk->classifier, run.clock,
                              intake::IntakeContext{"demo-mailroom", k_demo_mailroom},
                              tracking::receive_supplement_by_post);
  TRY_ASSIGN(auto manifest,
             intake::load_manifest(samples_dir() / "handover" / "vnpost-manifest.txt",
                                   run.desk->classifier));
  // The carrier knows the envelopes it carried: posted four to five days before the handover, so
  // each was delivered to the desk before the handover record was signed.
  for (std::size_t i = 0; i < manifest.tracking_numbers.size(); ++i) {
    run.carrier_sim->add_item(manifest.tracking_numbers[i], sim::Scenario::delivered,
                              run.start - std::chrono::hours(100 + 7 * static_cast<int>(i % 4)));
  }
  run.move_to(run.start + std::chrono::minutes(30));
  TRY_ASSIGN(auto batch, registrar.open_batch("VNPost giao hồ sơ (demo)", "vnpost", run.clock.now(),
                                              manifest.tracking_numbers, true));

  TRY_ASSIGN(auto files, scanner::collect_inputs({envelopes.string()}));
  scanner::ScannerOptions options;
  options.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto scanner = scanner::Scanner::open(options);
  if (!scanner) return scanner.error();
  int registered = 0, manual = 0;
  std::optional<common::Error> failed;
  scanner::scan_batch(*scanner, files, [&](std::size_t, const scanner::FileResult& result) {
    for (const auto& scan : intake::envelopes_from(result, run.desk->classifier, batch.id)) {
      auto registration = registrar.register_envelope(scan);
      if (!registration) {
        failed = registration.error();
        continue;
      }
      if (registration->outcome == db::ScanOutcome::registered) ++registered;
      if (registration->outcome == db::ScanOutcome::manual) ++manual;
    }
  });
  if (failed) return *failed;
  fmt::print(run.out,
             "{}  the carrier hands over {} envelopes; the mailroom scans them: {} dossiers "
             "registered, {} for a person to look at (hoso manual list)\n",
             common::format_local(run.clock.now()), files.size(), registered, manual);

  // A hand scanner types a number with a wrong check digit: it waits for a person, who types the
  // right one.
  intake::EnvelopeScan typed;
  typed.source_name = "máy đọc mã cầm tay";
  typed.codes.push_back(run.desk->classifier.classify("EB123456789VN", std::nullopt));
  typed.batch_id = batch.id;
  TRY_ASSIGN(auto waiting, registrar.register_envelope(typed));
  fmt::print(run.out, "{}  a hand scanner reads EB123456789VN: {}\n",
             common::format_local(run.clock.now()), say(waiting.message));
  if (waiting.manual_id) {
    TRY_ASSIGN(auto resolved, registrar.resolve_manual(*waiting.manual_id, "EB123456785VN"));
    fmt::print(run.out, "{}  the clerk types EB123456785VN: {}\n",
               common::format_local(run.clock.now()), say(resolved.message));
  }
  // The delivery is scanned: the clerk closes its batch (it stays listed, to reprint its record).
  TRY(registrar.set_batch_state(batch.id, intake::Registrar::BatchState::closed));
  run.outcome.manual_open = manual;
  return {};
}

// The citizen of the dossier asked for a supplement while in process posts it in an envelope of its
// own, with form 02 enclosed: the carrier hands it over on working day `day` before the officers'
// morning, and the mailroom's hand scanner reads the envelope's number and the dossier code that
// form 02 prints as a barcode. Intake joins the envelope to the dossier, which moves on as
// supplement_received does (from the handover), with no new dossier.
Result<void> supplement_by_post(Run& run, int day) {
  intake::Registrar registrar(*run.desk->store, *run.desk->images, run.desk->classifier, run.clock,
                              intake::IntakeContext{"demo-mailroom", k_demo_mailroom},
                              tracking::receive_supplement_by_post);
  for (const auto& [id, plan] : run.outcome.plans) {
    if (plan != DemoPlan::supplement_posted) continue;
    const auto current = run.dossier(id);
    if (!current || current->state != DossierState::supplement_requested || !current->code) {
      continue;
    }
    const std::string number = common::make_s10("RR", 90000000u + static_cast<std::uint32_t>(id));
    const Timestamp handed_over = run.at_day(day, 8, 15);
    run.carrier_sim->add_item(number, sim::Scenario::delivered,
                              handed_over - std::chrono::hours(60));
    run.move_to(run.at_day(day, 8, 30));
    TRY_ASSIGN(auto batch, registrar.open_batch("VNPost giao hồ sơ bổ sung (demo)", "vnpost",
                                                handed_over, {number}, true));
    intake::EnvelopeScan scan;
    scan.source_name = "máy đọc mã cầm tay";
    scan.codes.push_back(run.desk->classifier.classify(number, std::nullopt));
    scan.codes.push_back(run.desk->classifier.classify(*current->code, std::nullopt));
    scan.batch_id = batch.id;
    TRY_ASSIGN(auto joined, registrar.register_envelope(scan));
    fmt::print(run.out,
               "{}  the carrier hands over a supplement posted in its own envelope, form 02 "
               "enclosed; the hand scanner reads {} and the dossier code {}: {}\n",
               common::format_local(run.clock.now()), number, *current->code, say(joined.message));
    TRY(registrar.set_batch_state(batch.id, intake::Registrar::BatchState::closed));
    if (joined.supplement == intake::SupplementJoin::moved_on) {
      run.outcome.supplements_by_post[id] = number;
      ++run.tally["supplements received by post"];
    } else {
      run.outcome.problems.push_back(
          fmt::format("supplement by post for #{}: {}", id, say(joined.message)));
    }
  }
  return {};
}

// The officers' morning: what each dossier's plan says happens on working day `day`.
void officers_morning(Run& run, int day, const std::vector<db::Procedure>& quick) {
  run.move_to(run.at_day(day, 9, 30));
  for (const auto& [id, plan] : run.outcome.plans) {
    const auto current = run.dossier(id);
    if (!current) continue;
    const DossierState state = current->state;
    const db::Procedure& decided_by = quick[static_cast<std::size_t>(id) % quick.size()];
    const std::string procedure = decided_by.code;
    // docs/domain.md §1.4a: a procedure another unit decides goes there after acceptance and
    // comes back to the desk, with its result, before processing ends.
    const auto route = [&] {
      if (decided_by.competent_unit.empty()) return;
      const auto now = run.dossier(id);
      if (!now || now->state != DossierState::accepted) return;
      tracking::Transfer transfer;
      transfer.to_unit = decided_by.competent_unit;
      transfer.to_person = "Chuyên viên Phạm Thị Thu (demo)";
      transfer.note = "Chuyển hồ sơ giấy và hồ sơ điện tử (Nghị định 118/2025, Điều 20)";
      transfer.actor = k_officer;
      if (auto done = tracking::transfer_dossier(*run.desk->store, run.clock, id, transfer);
          !done) {
        run.outcome.problems.push_back(fmt::format("transfer #{}: {}", id, say(done.error())));
      } else {
        run.outcome.transferred[id] = decided_by.competent_unit;
        ++run.tally["handed to the deciding unit"];
      }
    };
    const auto bring_back = [&] {
      if (!run.outcome.transferred.count(id) || run.outcome.back_from_unit.count(id)) return;
      tracking::UnitReturn back;
      back.note = "Trả hồ sơ về bộ phận một cửa";
      back.actor = k_officer;
      if (auto done = tracking::return_from_unit(*run.desk->store, run.clock, id, back); !done) {
        run.outcome.problems.push_back(fmt::format("transfer back #{}: {}", id, say(done.error())));
      } else {
        run.outcome.back_from_unit.insert(id);
        ++run.tally["back from the deciding unit"];
      }
    };
    const auto accept = [&] {
      run.act(id, Action::accept, [&](auto& r) { r.procedure_code = procedure; });
    };
    const auto ask_supplement = [&] {
      run.act(id, Action::request_supplement, [](auto& r) {
        r.missing = "Bản sao Giấy chứng nhận quyền sử dụng đất; Sơ đồ thửa đất có xác nhận";
        r.reason = "Hồ sơ thiếu thành phần theo quy định";
      });
    };
    switch (plan) {
      case DemoPlan::collect_at_desk:
        // The citizen comes for the result the morning after it is ready, with the ID card.
        if (state == DossierState::processed) {
          tracking::CollectionRequest request;
          request.actor = k_officer;
          request.recipient_kind =
              id % 2 == 0 ? db::RecipientKind::citizen : db::RecipientKind::authorised;
          request.recipient_name =
              id % 2 == 0 ? "Công dân đến nhận (demo)" : "Người được ủy quyền (demo)";
          request.recipient_id_number = fmt::format("0482{:08}", (id * 104729) % 100000000);
          if (auto done = tracking::record_collection(*run.desk->store, run.clock, id, request);
              !done) {
            run.outcome.problems.push_back(fmt::format("collect #{}: {}", id, say(done.error())));
          } else {
            ++run.tally["results collected at the desk"];
          }
        }
        [[fallthrough]];
      case DemoPlan::awaiting_collection:
      case DemoPlan::normal:
      case DemoPlan::apology:
      case DemoPlan::slow:
      case DemoPlan::withdraw:
        if (day == 0 && state == DossierState::received) {
          accept();
          route();
        }
        if (day == 1 && state == DossierState::accepted) {
          run.act(id, Action::start_processing);
          bring_back();
        }
        if (plan == DemoPlan::withdraw && day == 3) {
          run.act(id, Action::withdraw, [](auto& r) { r.reason = "Công dân xin rút hồ sơ"; });
        }
        break;
      case DemoPlan::refuse:
        if (day == 0) {
          run.act(id, Action::refuse, [](auto& r) {
            r.reason = "Thủ tục không thuộc thẩm quyền giải quyết của cơ quan";
          });
        }
        break;
      case DemoPlan::supplement_pending:
        if (day == 1) ask_supplement();
        break;
      case DemoPlan::supplement_then_ok:
        if (day == 1) ask_supplement();
        if (day == 4 && state == DossierState::supplement_requested) {
          run.act(id, Action::supplement_received, [&](auto& r) { r.at = run.at_day(4, 8, 45); });
        }
        if (day == 4) accept();
        if (day == 5) run.act(id, Action::start_processing);
        break;
      case DemoPlan::supplement_posted:
        if (day == 0) accept();
        if (day == 1) run.act(id, Action::start_processing);
        if (day == 2) ask_supplement();
        if (day == 6 && state == DossierState::in_process) {
          // An officer would ask again; the decree allows one request (docs/domain.md §1.3).
          tracking::ActionRequest again;
          again.action = Action::request_supplement;
          again.actor = k_officer;
          again.missing = "Bản sao Giấy chứng nhận quyền sử dụng đất";
          const auto refused = tracking::Lifecycle(*run.desk->store, run.clock).apply(id, again);
          if (refused) {
            run.outcome.problems.push_back(
                fmt::format("#{}: a second supplement request went through", id));
          } else {
            fmt::print(run.out, "{}  a second supplement request for #{} is refused: {}\n",
                       common::format_local(run.clock.now()), id, say(refused.error()));
            run.outcome.second_requests_refused.push_back(id);
            ++run.tally["second supplement requests refused"];
          }
        }
        break;
    }
  }
}

// The afternoon: results ready, on time for most; the apology's dossier by its new date.
void officers_afternoon(Run& run, int day) {
  run.move_to(run.at_day(day, 14, 30));
  for (const auto& [id, plan] : run.outcome.plans) {
    const auto now_state = run.dossier(id);
    if (!now_state || now_state->state != DossierState::in_process || !now_state->due_at) continue;
    const common::Date due_day = common::local_date(*now_state->due_at);
    const common::Date today = common::local_date(run.clock.now());
    if (plan == DemoPlan::slow) continue;
    if (plan == DemoPlan::apology && !now_state->reappointed) {
      // docs/domain.md §1.4: at least one working day before the deadline.
      if (run.calendar.working_days_between(today, due_day) == 2) {
        run.act(id, Action::apologise, [&](auto& r) {
          r.reason = "Cần xác minh thực địa thửa đất";
          r.new_date = run.calendar.add_working_days(due_day, 3);
        });
      }
      continue;
    }
    const int days_left = run.calendar.working_days_between(today, due_day);
    if (days_left <= 2 || (plan == DemoPlan::normal && id % 3 == 0 && days_left <= 4)) {
      run.act(id, Action::mark_processed);
    }
  }
}

// docs/domain.md §1.3, Decree 118/2025 Art. 19(5): each morning the officer closes the dossiers
// whose supplement has not come within 15 days; their stop notice is posted back that afternoon.
void close_expired_supplements(Run& run) {
  auto closed =
      tracking::Lifecycle(*run.desk->store, run.clock).close_expired_supplements(k_officer);
  if (!closed) {
    run.outcome.problems.push_back(fmt::format("close-expired: {}", say(closed.error())));
    return;
  }
  for (const tracking::Transition& t : *closed) {
    run.outcome.closed_expired[t.after.id] = "";
    ++run.tally["closed, no supplement within 15 days"];
  }
}

Result<void> dispatch_and_sync(Run& run, int day) {
  run.move_to(run.at_day(day, 16, 0));
  tracking::DispatchOptions options;
  options.actor = k_officer;
  TRY_ASSIGN(auto sent,
             tracking::dispatch_ready(*run.desk->store, *run.carrier, run.clock, options));
  for (const auto& one : sent.dispatched) {
    ++run.tally[std::string(done_words(Action::dispatch_return))];
    run.outcome.return_scenarios[one.tracking_number] = "";
  }
  // docs/domain.md §1.5b: each refusal goes back by post with the original documents. A letter
  // posted before is not posted again (`already`); one the carrier could not take today is
  // posted tomorrow.
  for (const auto& [id, plan] : run.outcome.plans) {
    if (plan != DemoPlan::refuse) continue;
    const auto refused = run.dossier(id);
    if (!refused || refused->state != DossierState::refused) continue;
    tracking::LetterOptions letter;
    letter.actor = k_officer;
    auto posted = tracking::dispatch_letter(*run.desk->store, *run.carrier, run.clock, id,
                                            tracking::LetterKind::refusal, letter);
    if (posted && !posted->already) {
      ++run.tally["refusals posted back"];
      run.outcome.letters_posted[id] = posted->tracking_number;
    } else if (!posted && posted.error().code != ErrorCode::unavailable &&
               posted.error().code != ErrorCode::timeout) {
      run.outcome.problems.push_back(fmt::format("letter #{}: {}", id, say(posted.error())));
    }
  }
  for (auto& [id, number] : run.outcome.closed_expired) {
    if (!number.empty()) continue;
    tracking::LetterOptions letter;
    letter.actor = k_officer;
    auto posted = tracking::dispatch_letter(*run.desk->store, *run.carrier, run.clock, id,
                                            tracking::LetterKind::stop, letter);
    if (posted) {
      if (!posted->already) ++run.tally["stop notices posted back"];
      number = posted->tracking_number;
    } else if (posted.error().code != ErrorCode::unavailable &&
               posted.error().code != ErrorCode::timeout) {
      run.outcome.problems.push_back(fmt::format("stop notice #{}: {}", id, say(posted.error())));
    }
  }
  for (const auto& [id, error] : sent.failures) {
    run.outcome.problems.push_back(fmt::format("dispatch #{}: {}", id, say(error)));
  }

  run.move_to(run.at_day(day, 17, 30));
  TRY_ASSIGN(auto synced, tracking::sync_shipments(*run.desk->store, *run.carrier, run.clock));
  for (const auto& change : synced.changes) {
    if (change.direction != db::Direction::outbound) continue;
    if (change.letter) {
      if (change.to == "delivered") ++run.tally["letters delivered"];
      continue;
    }
    if (change.to == "delivery_failed") ++run.tally["delivery attempts failed"];
    if (change.dossier_state) {
      ++run.tally[std::string(done_words(*change.dossier_state == DossierState::result_returned
                                             ? Action::record_delivery
                                             : Action::record_return_failure))];
    }
  }
  return {};
}

void print_day(Run& run, int day) {
  if (run.tally.empty()) return;
  std::vector<std::string> parts;
  for (const auto& [what, count] : run.tally) parts.push_back(fmt::format("{} {}", count, what));
  fmt::print(run.out, "{}  {}\n", common::format_date(common::local_date(run.at_day(day, 12))),
             fmt::join(parts, ", "));
  run.tally.clear();
}

Result<void> give_contacts(Run& run) {
  // The consignment note in each envelope carries the citizen's phone and return address; the
  // mailroom types them (an ID card QR already gave the name and permanent address).
  std::size_t i = 0;
  for (const auto& [id, plan] : run.outcome.plans) {
    TRY_ASSIGN(auto view, tracking::staff_lookup(*run.desk->store, fmt::format("#{}", id)));
    const std::optional<db::Applicant>& applicant = view.applicant;
    tracking::ContactUpdate update;
    update.phone = fmt::format("09{:08}", (static_cast<long long>(id) * 7919) % 100000000);
    if (!applicant) {
      const auto& person = k_typed_people[i++ % k_typed_people.size()];
      update.full_name = person.first;
      update.return_address = person.second;
    }
    TRY(tracking::update_contact(*run.desk->store, run.clock, id, update, k_demo_mailroom));
    // The consignment note says where the citizen wants the result: here, at the desk.
    if (plan == DemoPlan::collect_at_desk || plan == DemoPlan::awaiting_collection) {
      TRY(tracking::set_result_delivery(*run.desk->store, run.clock, id, db::ResultDelivery::desk,
                                        k_demo_mailroom));
    }
  }
  return {};
}

// Every document that applies to each dossier, the year's register and one sheet of the return
// labels, under `folder`.
Result<int> print_documents(Run& run, const std::filesystem::path& folder) {
  int files = 0;
  std::vector<tracking::ReturnLabel> labels;
  for (const auto& [id, plan] : run.outcome.plans) {
    std::optional<db::Dossier> dossier = run.dossier(id);
    if (!dossier) continue;
    TRY_ASSIGN(auto written,
               tracking::write_dossier_documents(
                   *run.desk->store, id, folder / tracking::document_folder_name(*dossier)));
    files += static_cast<int>(written.size());
  }
  std::optional<tracking::YearRegister> year;
  TRY(run.desk->store->read([&](db::Transaction& tx) -> Result<void> {
    TRY_ASSIGN(auto reg,
               tracking::load_register(tx, static_cast<int>(common::local_date(run.start).year()),
                                       run.clock.now()));
    year = std::move(reg);
    for (const auto& [number, scenario] : run.outcome.return_scenarios) {
      auto posted = tracking::find_dossier(tx, number);
      if (!posted) {
        if (posted.error().code == ErrorCode::not_found) continue;
        return posted.error();
      }
      TRY_ASSIGN(auto label, tracking::load_return_label(tx, posted->id));
      // A dossier posted twice has one label per return: the newest is the one on the envelope.
      if (label.tracking_number == number) labels.push_back(std::move(label));
    }
    return {};
  }));
  TRY_ASSIGN(auto reg, tracking::render_register(*year));
  TRY(tracking::write_document(folder / "form-07-register.html", reg));
  ++files;
  if (!labels.empty()) {
    TRY_ASSIGN(auto sheet, tracking::render_labels(labels, tracking::LabelSize::a6,
                                                   tracking::LabelLayout::sheet));
    TRY(tracking::write_document(folder / "labels.html", sheet));
    ++files;
  }
  return files;
}

}  // namespace

std::string_view demo_plan_name(DemoPlan plan) {
  switch (plan) {
    case DemoPlan::normal:
      return "normal";
    case DemoPlan::refuse:
      return "refuse";
    case DemoPlan::supplement_pending:
      return "supplement_pending";
    case DemoPlan::supplement_then_ok:
      return "supplement_then_ok";
    case DemoPlan::supplement_posted:
      return "supplement_posted";
    case DemoPlan::apology:
      return "apology";
    case DemoPlan::slow:
      return "slow";
    case DemoPlan::withdraw:
      return "withdraw";
    case DemoPlan::collect_at_desk:
      return "collect_at_desk";
    case DemoPlan::awaiting_collection:
      return "awaiting_collection";
  }
  return "?";
}

Result<DemoOutcome> run_demo_flow(
    const DemoArgs& args, std::FILE* out,
    const std::function<void(const DemoOutcome&, const std::string& carrier_url)>& at_end) {
  Run run;
  run.out = out;
  const std::filesystem::path dir = args.dir;
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (ec) {
    return common::Error{ErrorCode::io_error, fmt::format("cannot remove the old demo in {}: {}",
                                                          dir.string(), ec.message())};
  }
  std::filesystem::create_directories(dir, ec);
  run.outcome.database = dir / "hoso.db";
  run.start = demo_start(common::SystemClock().now());
  run.clock.set(run.start - std::chrono::hours(72));
  run.outcome.started_at = run.start;

  fmt::print(out, "== a fresh desk in {} ==\n", run.outcome.database.string());
  InitArgs init;
  init.db = run.outcome.database.string();
  init.agency = k_agency;
  // A commune-level public administrative service centre of the two-level local government
  // (docs/domain.md §0): the ward of Hải Châu in Đà Nẵng, which receives dossiers of the whole
  // city.
  init.agency_name = "Trung tâm Phục vụ hành chính công phường Hải Châu (demo)";
  init.agency_address = "270 Trưng Nữ Vương, phường Hải Châu, thành phố Đà Nẵng";
  init.agency_phone = "0236 3821 234";
  init.agency_province = "Đà Nẵng";
  // The address the demo's server will really listen on (run_demo picked a free port when
  // 8080 was taken): the receipts' and labels' QR codes open it on this machine.
  init.public_url = fmt::format("http://127.0.0.1:{}", args.port == 0 ? 8080 : args.port);
  init.public_url_local = true;
  if (const int code = run_init(init); code != 0) {
    return common::Error{ErrorCode::internal, "hoso init failed (see above)"};
  }

  sim::Options options;
  options.seed = args.seed;
  options.start_time = run.clock.now();
  options.faults = sim::Faults::all(args.fault_rate);
  options.faults.rate_limit_per_second = 0;  // the demo's own pace is the limit
  TRY_ASSIGN(auto started, sim::Simulator::start(options));
  run.carrier_sim = std::move(started);
  postal_api::CarrierConfig config;
  config.base_url = run.carrier_sim->base_url();
  config.username = "hoso-desk";
  config.password = "hoso-sim";
  config.status_map = samples_dir() / "carriers" / "vnpost-status.csv";
  config.backoff_base = std::chrono::milliseconds(20);
  config.backoff_max = std::chrono::milliseconds(200);
  config.max_attempts = 8;
  TRY_ASSIGN(auto carrier, postal_api::make_vnpost_carrier(config, run.clock));
  run.carrier = std::move(carrier);
  fmt::print(out, "\n== the carrier (simulator, {}% of its answers fail) at {} ==\n",
             static_cast<int>(args.fault_rate * 100), run.carrier_sim->base_url());

  TRY_ASSIGN(auto desk,
             open_desk(init.db, intake::IntakeContext{"demo-mailroom", k_demo_mailroom}));
  run.desk = std::move(desk);
  {
    staff::Accounts accounts(*run.desk->store, run.clock);
    // Titles as a ward's service centre gives them, printed under the names on the forms.
    for (const auto& [login, name, role, title] :
         {std::tuple{k_demo_admin, "Quản trị (demo)", staff::Role::admin,
                     "Phó Giám đốc Trung tâm Phục vụ hành chính công"},
          std::tuple{k_demo_officer, "Cán bộ Lê Thị Hoa (demo)", staff::Role::officer,
                     "Chuyên viên"},
          std::tuple{k_demo_mailroom, "Văn thư Trần Văn Nam (demo)", staff::Role::mailroom,
                     "Công chức Văn phòng"}}) {
      TRY(accounts.add_user({login, name, role, k_demo_password, title}, "demo"));
    }
  }
  std::vector<db::Procedure> quick;
  TRY(run.desk->store->read([&](db::Transaction& tx) -> Result<void> {
    TRY_ASSIGN(auto calendar, tracking::load_calendar(tx));
    run.calendar = std::move(calendar);
    TRY_ASSIGN(auto procedures, tracking::procedure_catalogue(tx));
    for (const auto& p : procedures) {
      if (p.time_unit == db::TimeUnit::working_days && p.time_amount >= 4 && p.time_amount <= 8) {
        quick.push_back(p);
      }
    }
    return {};
  }));
  if (quick.empty()) {
    return common::Error{ErrorCode::not_found,
                         "the procedure catalogue has no procedure of 4 to 8 working days"};
  }

  fmt::print(out, "\n== {} working days at the desk, in simulated time ==\n", k_days);
  TRY(register_envelopes(run, args));
  tracking::DossierQuery everything;
  everything.limit = 100000;
  everything.descending = false;
  TRY_ASSIGN(auto registered_dossiers,
             tracking::search_dossiers(*run.desk->store, run.clock, everything));
  std::vector<db::Id> ids;
  for (const auto& row : registered_dossiers.rows) ids.push_back(row.dossier.id);
  std::sort(ids.begin(), ids.end());
  for (std::size_t i = 0; i < ids.size(); ++i) run.outcome.plans[ids[i]] = plan_for(i);
  TRY(give_contacts(run));

  for (int day = 0; day < k_days; ++day) {
    if (day == 4) TRY(supplement_by_post(run, day));
    officers_morning(run, day, quick);
    close_expired_supplements(run);
    officers_afternoon(run, day);
    TRY(dispatch_and_sync(run, day));
    print_day(run, day);
  }
  for (auto& [number, scenario] : run.outcome.return_scenarios) {
    if (auto truth = run.carrier_sim->truth(number)) scenario = sim::scenario_name(truth->scenario);
  }
  run.outcome.finished_at = run.clock.now();
  for (const std::string& problem : run.outcome.problems) {
    fmt::print(out, "  not done: {}\n", problem);
  }
  fmt::print(out, "  letters posted back: {} (refusals, with the original documents)\n",
             run.outcome.letters_posted.size());
  fmt::print(out,
             "  dossiers closed, no supplement within 15 days (Decree 118/2025 Art. 19(5)): {}, "
             "each with its stop notice (form 05) posted back\n",
             run.outcome.closed_expired.size());

  // The report the desk sends up, for the whole simulated period.
  tracking::ReportOptions report_options;
  TRY_ASSIGN(auto tables, tracking::load_transit_tables(samples_dir() / "carriers"));
  report_options.transit = std::move(tables);
  const tracking::Period period{common::local_time(common::local_date(run.start), 0, 0),
                                run.clock.now()};
  TRY_ASSIGN(auto report,
             tracking::build_report(*run.desk->store, period, report_options, run.clock.now()));
  fmt::print(out, "\n== hoso report --from {} --to {} ==\n{}",
             common::format_date(common::local_date(period.from)),
             common::format_date(common::local_date(period.to)),
             tracking::report_text(report, cli_lang()));

  // A citizen whose result came back looks the dossier up with the receipt's lookup code.
  for (const auto& [number, scenario] : run.outcome.return_scenarios) {
    if (scenario != "failed_once") continue;
    auto posted = tracking::find_dossier(*run.desk->store, number);
    const std::string lookup_code = posted ? posted->lookup_code : std::string();
    TRY_ASSIGN(auto view, tracking::citizen_lookup(*run.desk->store, number, lookup_code));
    run.outcome.example_lookup = {number, lookup_code};
    fmt::print(
        out, "\n== a citizen looks up the return shipment: hoso lookup {} --lookup-code {} ==\n{}",
        number, lookup_code, tracking::citizen_text(view));
    break;
  }

  // A citizen whose dossier was refused looks it up: the refusal's own tracking number.
  for (const auto& [id, number] : run.outcome.letters_posted) {
    const auto refused = run.dossier(id);
    if (!refused) continue;
    TRY_ASSIGN(auto view, tracking::staff_lookup(*run.desk->store, fmt::format("#{}", id)));
    const auto inbound =
        std::find_if(view.shipments.begin(), view.shipments.end(),
                     [](const auto& s) { return s.shipment.direction == db::Direction::inbound; });
    if (inbound == view.shipments.end()) continue;
    const std::string& envelope = inbound->shipment.tracking_number;
    TRY_ASSIGN(auto citizen,
               tracking::citizen_lookup(*run.desk->store, envelope, refused->lookup_code));
    fmt::print(out,
               "\n== a citizen whose dossier was refused looks it up: hoso lookup {} "
               "--lookup-code {} ==\n{}",
               envelope, refused->lookup_code, tracking::citizen_text(citizen));
    break;
  }

  // A citizen who chose the desk looks the dossier up: where to collect it, and when it was.
  for (const auto& [id, plan] : run.outcome.plans) {
    if (plan != DemoPlan::collect_at_desk) continue;
    const auto collected = run.dossier(id);
    if (!collected || !collected->code) continue;
    TRY_ASSIGN(auto view, tracking::citizen_lookup(*run.desk->store, *collected->code,
                                                   collected->lookup_code));
    fmt::print(out,
               "\n== a citizen who collected the result at the desk looks it up: hoso lookup {} "
               "--lookup-code {} ==\n{}",
               *collected->code, collected->lookup_code, tracking::citizen_text(view));
    break;
  }

  run.outcome.documents = dir / "documents";
  TRY_ASSIGN(auto printed, print_documents(run, run.outcome.documents));
  fmt::print(out,
             "\n== printed documents: {} HTML files in {}/ ==\n"
             "  one folder per dossier (form-01 receipt, form-02 supplement request, form-03 "
             "refusal,\n  form-04 apology and extension, form-05 stop notice, form-06 process "
             "control sheet,\n  label.html, collection.html: the result handed over at the desk), "
             "form-07-register.html,\n  labels.html\n",
             printed, run.outcome.documents.string());
  if (at_end) at_end(run.outcome, run.carrier_sim->base_url());
  return run.outcome;
}

namespace {
std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop = true; }
}  // namespace

// `port` when nothing listens on 127.0.0.1:`port`, else (and for 0) a port the system has free
// now: the demo prints its public address on receipts before its server starts.
int free_port_for_demo(int port) {
  const auto try_bind = [](int wanted) -> int {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(wanted));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int got = -1;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
      socklen_t length = sizeof address;
      if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
        got = ntohs(address.sin_port);
      }
    }
    ::close(fd);
    return got;
  };
  if (port != 0) {
    if (const int got = try_bind(port); got > 0) return got;
  }
  const int any = try_bind(0);
  return any > 0 ? any : port;
}

int run_demo(const DemoArgs& given) {
  DemoArgs args = given;
  if (!args.once) args.port = free_port_for_demo(args.port);
  auto outcome =
      run_demo_flow(args, stdout, [&](const DemoOutcome& done, const std::string& carrier_url) {
        const std::string db = done.database.string();
        std::error_code ec;
        const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
        const std::string hoso =
            ec ? std::string("hoso")
               : std::filesystem::proximate(self, std::filesystem::current_path(ec)).string();
        fmt::print("\n== try it ==\n");
        fmt::print("  {} dossier list --db {} --limit 20\n", hoso, db);
        fmt::print("  {} dossier due --db {}\n", hoso, db);
        fmt::print("  {} report --db {}\n", hoso, db);
        if (args.once) return;
        // The desk's config points at the simulator while it serves, so `hoso sync` and
        // `hoso dispatch` work against it.
        // It holds the carrier's password: 0600, whatever the umask.
        const auto config = done.database.parent_path() / "hoso.json";
        if (auto written = common::write_private_file(
                config, fmt::format("{{\"carrier\": {{\"name\": \"vnpost\", \"base_url\": "
                                    "\"{}\", \"username\": \"hoso-desk\", \"password\": "
                                    "\"hoso-sim\", \"backoff_base_ms\": 50}}}}\n",
                                    carrier_url));
            !written) {
          fmt::print(stderr, "hoso demo: {}\n", say(written.error()));
        }
        fmt::print("  {} sync --db {}   (the carrier simulator serves at {})\n", hoso, db,
                   carrier_url);

        // The desk's server on the demo database: 127.0.0.1:8080 (or --port), a free port when
        // 8080 is taken.
        std::string carrier_note;
        std::unique_ptr<ServedDesk> served;
        std::unique_ptr<DeskServer> server;
        if (auto opened = open_served_desk(done.database, config, carrier_note)) {
          served = std::move(*opened);
          ServerOptions options;
          options.port = args.port;
          if (const char* web = std::getenv("HOSO_WEB_DIR"); web != nullptr) options.web_dir = web;
          auto started = DeskServer::start(served->parts(), options);
          if (!started) {  // taken since run_demo looked: another free port
            options.port = 0;
            started = DeskServer::start(served->parts(), options);
          }
          if (started) {
            server = std::move(*started);
            // What the pages print from now on opens this server.
            const std::string public_url = fmt::format("http://127.0.0.1:{}", server->port());
            if (auto set = served->parts().store.write([&](db::Transaction& tx) {
                  return tx.set_setting(db::k_setting_public_url, public_url);
                });
                !set) {
              fmt::print(stderr, "hoso demo: {}\n", say(set.error()));
            }
          } else {
            fmt::print(stderr, "hoso demo: the desk's server did not start: {}\n",
                       say(started.error()));
          }
        } else {
          fmt::print(stderr, "hoso demo: the desk's server did not start: {}\n",
                     say(opened.error()));
        }
        if (server) {
          const std::string url = fmt::format("http://127.0.0.1:{}/", server->port());
          fmt::print("\n== the desk in your browser (hoso serve on the demo database) ==\n");
          fmt::print("  {}\n", url);
          fmt::print("  officer:  {} / {}\n", k_demo_officer, k_demo_password);
          fmt::print("  mailroom: {} / {}\n", k_demo_mailroom, k_demo_password);
          fmt::print("  admin:    {} / {}\n", k_demo_admin, k_demo_password);
          if (!done.example_lookup.first.empty()) {
            fmt::print("  a citizen's lookup: {}tra-cuu?ma={}&mk={}\n", url,
                       done.example_lookup.first, done.example_lookup.second);
          }
        }
        fmt::print(
            "\nThe carrier simulator and the server keep serving until Ctrl-C (`make demo "
            "ARGS=--once` exits at once).\n");
        std::fflush(stdout);
        std::signal(SIGINT, on_stop_signal);
        std::signal(SIGTERM, on_stop_signal);
        while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(200));
        if (server) server->stop();
        fmt::print("\nstopped.\n");
      });
  if (!outcome) return report_error(outcome.error());
  return outcome->problems.empty() ? 0 : static_cast<int>(common::ExitCode::internal);
}

}  // namespace app
