#include "intake/registrar.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "db/settings.hpp"
#include "intake/detail/text.hpp"
#include "intake/manual_reason.hpp"
#include "intake/messages.hpp"

namespace intake {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;
using db::ScanOutcome;

// docs/domain.md §2.5: carriers do not reuse a number within 12 months, so a number seen within the
// last year is the same envelope; an older sighting is a different item that happens to share it.
constexpr auto k_reuse_window = std::chrono::days{365};

constexpr std::string_view k_setting_agency = db::k_setting_agency_code;
constexpr const char* k_id_card_placeholder = "(citizen ID card: see the applicant)";

// The earliest first sighting that still counts as the same envelope at `seen_at`: within the last
// 12 months, and anything since 1 January of the same year (the unique key is per year, so a
// second item with the number in one year could not be stored anyway).
common::Timestamp same_envelope_since(common::Timestamp seen_at) {
  const common::Date today = common::local_date(seen_at);
  const common::Timestamp new_year = common::local_time(
      common::Date{today.year(), std::chrono::January, std::chrono::day{1}}, 0, 0);
  return std::min(seen_at - k_reuse_window, new_year);
}

struct Decision {
  std::string tracking_number;  // set when the envelope can be registered
  std::string carrier;
  std::optional<ManualReason> reason;  // set when a person must look
  common::Args reason_args;
  std::vector<const Code*> candidates;  // "ambiguous": the different numbers read
};

const common::MessageDef& describe_kind(CodeKind kind) {
  switch (kind) {
    case CodeKind::s10_tracking:
    case CodeKind::carrier_tracking:
      return msg::kind_tracking_number;
    case CodeKind::dossier_code:
      return msg::kind_dossier_code;
    case CodeKind::portal_url:
      return msg::kind_portal_url;
    case CodeKind::citizen_id_card:
      return msg::kind_citizen_id_card;
    case CodeKind::unknown:
      return msg::kind_unknown;
  }
  return msg::kind_unknown;
}

// Decides from the codes on one envelope whether it can be registered, and under which number.
// Never silently picks: a wrong check digit or two different numbers go to a person.
// `manifest` (may be empty) is the carrier's list for the envelope's handover batch: when an
// envelope carries two numbers and exactly one is on that list, the list has decided.
Decision decide(const std::vector<Code>& codes, const EnvelopeScan& input,
                const std::vector<std::string>& manifest) {
  Decision d;
  if (!input.scan_error.empty() || !input.scan_error_text.empty()) {
    d.reason = ManualReason::unreadable;
    d.reason_args = {
        {"error", input.scan_error_text.empty()
                      ? common::Text{msg::reason_as_written, {{"detail", input.scan_error}}}
                      : input.scan_error_text}};
    return d;
  }
  std::vector<common::Text> problems;
  std::vector<const Code*> numbers;
  for (const Code& code : codes) {
    const bool tracking =
        code.kind == CodeKind::s10_tracking || code.kind == CodeKind::carrier_tracking;
    if (!tracking) continue;
    if (!code.usable()) {
      problems.push_back(code.problem_text.empty()
                             ? common::Text{msg::reason_as_written, {{"detail", code.problem}}}
                             : code.problem_text);
      continue;
    }
    const bool seen = std::any_of(numbers.begin(), numbers.end(), [&](const Code* c) {
      return c->tracking_number == code.tracking_number;
    });
    if (!seen) numbers.push_back(&code);
  }
  if (!problems.empty()) {
    d.reason = ManualReason::bad_check_digit;
    d.reason_args = {{"problems", msg::join(std::move(problems))}};
    return d;
  }
  if (numbers.size() == 1) {
    d.tracking_number = numbers.front()->tracking_number;
    d.carrier = numbers.front()->carrier;
    return d;
  }
  if (numbers.size() > 1 && !manifest.empty()) {
    std::vector<const Code*> listed;
    for (const Code* c : numbers) {
      if (std::find(manifest.begin(), manifest.end(), c->tracking_number) != manifest.end()) {
        listed.push_back(c);
      }
    }
    if (listed.size() == 1) {
      d.tracking_number = listed.front()->tracking_number;
      d.carrier = listed.front()->carrier;
      return d;
    }
  }
  if (numbers.size() > 1) {
    std::vector<std::string> list;
    for (const Code* c : numbers) list.push_back(c->tracking_number);
    d.candidates = numbers;
    d.reason = ManualReason::ambiguous;
    d.reason_args = {{"count", list.size()}, {"numbers", fmt::format("{}", fmt::join(list, ", "))}};
    return d;
  }
  if (codes.empty()) {
    d.reason = ManualReason::unreadable;
    return d;
  }
  std::vector<const common::MessageDef*> kinds;
  for (const Code& code : codes) {
    const common::MessageDef* kind = &describe_kind(code.kind);
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) kinds.push_back(kind);
  }
  const bool only_unknown = kinds.size() == 1 && kinds.front() == &msg::kind_unknown;
  d.reason = only_unknown ? ManualReason::unknown_code : ManualReason::no_tracking_number;
  std::vector<common::Text> kind_texts;
  for (const common::MessageDef* kind : kinds) kind_texts.emplace_back(*kind);
  d.reason_args = {{"count", codes.size()},
                   {"codes", common::Text{codes.size() == 1 ? msg::code_word : msg::codes_word}},
                   {"kinds", msg::join(std::move(kind_texts), msg::list_joined)}};
  return d;
}

std::vector<db::ScanCode> to_scan_codes(const std::vector<Code>& codes) {
  std::vector<db::ScanCode> out;
  int seq = 0;
  for (const Code& code : codes) {
    db::ScanCode c;
    c.seq = seq++;
    c.format = code.format ? std::string(scanner::format_name(*code.format)) : "typed";
    c.kind = std::string(code_kind_name(code.kind));
    c.text = code.text;
    c.tracking_number = code.tracking_number;
    c.problem = code.problem;
    out.push_back(std::move(c));
  }
  return out;
}

const CitizenIdCard* first_id_card(const std::vector<Code>& codes) {
  for (const Code& code : codes) {
    if (code.kind == CodeKind::citizen_id_card && code.usable() && code.id_card) {
      return &*code.id_card;
    }
  }
  return nullptr;
}

std::string first_portal_code(const std::vector<Code>& codes) {
  for (const Code& code : codes) {
    if ((code.kind == CodeKind::dossier_code || code.kind == CodeKind::portal_url) &&
        code.usable() && code.dossier) {
      return code.dossier->text;
    }
  }
  return {};
}

db::Applicant applicant_from(const CitizenIdCard& card, db::Id dossier_id) {
  db::Applicant a;
  a.dossier_id = dossier_id;
  a.id_number = card.id_number;
  a.old_id_number = card.old_id_number;
  a.full_name = card.full_name;
  a.birth_date = card.birth_date;
  a.sex = card.sex;
  a.address = card.address;
  a.issue_date = card.issue_date;
  a.source = "id_card_qr";
  return a;
}

common::Text ordinal(int n) {
  if (n % 100 >= 11 && n % 100 <= 13) return common::Text{msg::ordinal_th, {{"n", n}}};
  switch (n % 10) {
    case 1:
      return common::Text{msg::ordinal_st, {{"n", n}}};
    case 2:
      return common::Text{msg::ordinal_nd, {{"n", n}}};
    case 3:
      return common::Text{msg::ordinal_rd, {{"n", n}}};
    default:
      return common::Text{msg::ordinal_th, {{"n", n}}};
  }
}

}  // namespace

std::string new_lookup_code() {
  static constexpr std::string_view k_alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
  std::string code;
  while (code.size() < 8) {
    unsigned char byte = 0;
    if (RAND_bytes(&byte, 1) != 1) throw std::runtime_error("no random source (OpenSSL RAND)");
    // Rejection sampling keeps every character equally likely.
    if (byte >= 256 - 256 % k_alphabet.size()) continue;
    code += k_alphabet[byte % k_alphabet.size()];
  }
  return code;
}

Registrar::Registrar(db::Store& store, db::ImageStore& images, const Classifier& classifier,
                     const common::Clock& clock, IntakeContext context,
                     SupplementRule supplement_rule)
    : store_(store),
      images_(images),
      classifier_(classifier),
      clock_(clock),
      context_(std::move(context)),
      supplement_rule_(std::move(supplement_rule)) {}

Result<db::Id> Registrar::agency_id(db::Transaction& tx) {
  TRY_ASSIGN(auto code, tx.setting(std::string(k_setting_agency)));
  if (!code) {
    return make_error(ErrorCode::invalid_argument, msg::no_agency);
  }
  TRY_ASSIGN(auto agency, tx.find_agency(*code));
  if (!agency) {
    return make_error(ErrorCode::internal,
                      fmt::format("agency {} is configured but not in the agencies table", *code));
  }
  return agency->id;
}

namespace {

// The envelope's inbound shipment, in the desk's hands since `seen_at`.
db::Shipment inbound_shipment(const std::string& carrier, const std::string& tracking_number,
                              db::Id dossier_id, common::Timestamp seen_at, common::Timestamp now) {
  db::Shipment shipment;
  shipment.carrier = carrier;
  shipment.tracking_number = tracking_number;
  shipment.year = static_cast<int>(common::local_date(seen_at).year());
  shipment.direction = db::Direction::inbound;
  shipment.status = "delivered";  // it is in the desk's hands
  shipment.dossier_id = dossier_id;
  shipment.first_seen_at = seen_at;
  shipment.updated_at = now;
  return shipment;
}

// The dossier of this desk whose code the envelope carries, if any: a dossier code or a portal URL
// naming one, looked up in the standard form, then as read (docs/domain.md §3.3).
Result<std::optional<db::Dossier>> supplement_target(db::Transaction& tx,
                                                     const std::vector<Code>& codes,
                                                     db::Id agency_id) {
  for (const Code& code : codes) {
    const bool names_dossier =
        code.kind == CodeKind::dossier_code || code.kind == CodeKind::portal_url;
    if (!names_dossier || !code.usable() || !code.dossier) continue;
    const DossierCode& d = *code.dossier;
    std::vector<std::string> keys;
    if (d.received_on.ok() && d.sequence > 0) {
      keys.push_back(fmt::format("{}-{:02}{:02}{:02}-{:04}", d.agency,
                                 static_cast<int>(d.received_on.year()) % 100,
                                 static_cast<unsigned>(d.received_on.month()),
                                 static_cast<unsigned>(d.received_on.day()), d.sequence));
    }
    if (keys.empty() || keys.front() != d.text) keys.push_back(d.text);
    for (const std::string& key : keys) {
      TRY_ASSIGN(auto found, tx.find_dossier_by_code(key));
      if (found && found->agency_id == agency_id) return found;
    }
  }
  return std::optional<db::Dossier>{};
}

// The part of a registration that happens inside the transaction once the tracking number is
// known: joins the envelope's dossier or creates it. `scan.id` set means the scan row exists
// already (a manual item being resolved) and is linked instead of inserted. `seen_at` is when the
// envelope was scanned (for a resolved manual item, its scan, not the typing); `now` stamps events.
Result<Registration> attach(db::Transaction& tx, db::Scan scan, const std::string& tracking_number,
                            const std::string& carrier, const std::vector<Code>& codes,
                            db::Id agency_id, common::Timestamp now, common::Timestamp seen_at,
                            common::Timestamp filed_at, const std::string& actor,
                            ScanOutcome joined_outcome, ScanOutcome created_outcome,
                            const SupplementRule& supplement_rule) {
  Registration r;
  r.tracking_number = tracking_number;
  TRY_ASSIGN(auto existing, tx.find_shipment(tracking_number, db::Direction::inbound,
                                             same_envelope_since(seen_at)));

  const CitizenIdCard* card = first_id_card(codes);
  db::Id dossier_id = 0;
  db::Id shipment_id = 0;
  std::optional<db::Dossier> supplement_of;
  if (!existing || !existing->dossier_id) {
    TRY_ASSIGN(auto target, supplement_target(tx, codes, agency_id));
    supplement_of = std::move(target);
  }
  if (existing && existing->dossier_id) {
    dossier_id = *existing->dossier_id;
    shipment_id = existing->id;
    r.outcome = joined_outcome;
  } else if (supplement_of) {
    // A supplement in an envelope of its own: its shipment is the dossier's, no new dossier.
    dossier_id = supplement_of->id;
    TRY_ASSIGN(auto sid, tx.insert_shipment(
                             inbound_shipment(carrier, tracking_number, dossier_id, seen_at, now)));
    shipment_id = sid;
    r.outcome = created_outcome;
    TRY(tx.append_event(db::Event{0, now, actor, "shipment", shipment_id, db::EventKind::registered,
                                  "",
                                  nlohmann::json{{"status", "delivered"}}.dump(
                                      -1, ' ', false, nlohmann::json::error_handler_t::replace)}));
    const bool waiting =
        supplement_rule && supplement_of->state == db::DossierState::supplement_requested;
    // The tracking number and the moment of filing only: never personal data.
    nlohmann::json data = {{"tracking_number", tracking_number},
                           {"carrier", carrier},
                           {"at", common::format_iso(filed_at)},
                           {"state", db::dossier_state_name(supplement_of->state)}};
    if (scan.batch_id) data["batch_id"] = *scan.batch_id;
    TRY(tx.append_event(db::Event{
        0, now, actor, "dossier", dossier_id,
        waiting ? db::EventKind::supplement_by_post : db::EventKind::supplement_unexpected, "",
        data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)}));
    bool moved = false;
    if (waiting) {
      TRY_ASSIGN(auto done, supplement_rule(tx, now, dossier_id, filed_at, actor, tracking_number));
      moved = done;
    }
    r.supplement = moved ? SupplementJoin::moved_on : SupplementJoin::not_waiting;
  } else {
    db::Dossier dossier;
    dossier.agency_id = agency_id;
    dossier.state = db::DossierState::received;
    dossier.filed_at = filed_at;
    dossier.lookup_code = new_lookup_code();
    dossier.portal_code = first_portal_code(codes);
    dossier.created_at = now;
    dossier.updated_at = now;
    TRY_ASSIGN(auto id, tx.insert_dossier(dossier));
    dossier_id = id;

    TRY_ASSIGN(auto sid, tx.insert_shipment(
                             inbound_shipment(carrier, tracking_number, dossier_id, seen_at, now)));
    shipment_id = sid;
    r.outcome = created_outcome;

    nlohmann::json data = {{"tracking_number", tracking_number},
                           {"carrier", carrier},
                           {"filed_at", common::format_iso(filed_at)}};
    if (scan.batch_id) data["batch_id"] = *scan.batch_id;
    if (!dossier.portal_code.empty()) data["portal_code"] = dossier.portal_code;
    TRY(tx.append_event(
        db::Event{0, now, actor, "dossier", dossier_id, db::EventKind::received_by_post, "",
                  data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)}));
    TRY(tx.append_event(db::Event{0, now, actor, "shipment", shipment_id, db::EventKind::registered,
                                  "",
                                  nlohmann::json{{"status", "delivered"}}.dump(
                                      -1, ' ', false, nlohmann::json::error_handler_t::replace)}));
  }

  scan.shipment_id = shipment_id;
  scan.dossier_id = dossier_id;
  scan.outcome = r.outcome;
  if (scan.id == 0) {
    TRY_ASSIGN(auto id, tx.insert_scan(scan));
    scan.id = id;
  } else {
    TRY(tx.update_scan_link(scan.id, shipment_id, dossier_id, r.outcome));
  }
  r.scan_id = scan.id;
  r.dossier_id = dossier_id;

  if (card) {
    TRY_ASSIGN(auto applicant, tx.applicant_of(dossier_id));
    if (!applicant) {
      TRY(tx.insert_applicant(applicant_from(*card, dossier_id)));
      TRY(tx.append_event(
          db::Event{0, now, actor, "dossier", dossier_id, db::EventKind::applicant_added, "",
                    nlohmann::json{{"scan_id", scan.id}}.dump(
                        -1, ' ', false, nlohmann::json::error_handler_t::replace)}));
    }
  }

  TRY_ASSIGN(auto scans, tx.scan_count(dossier_id));
  r.scan_count = scans;
  if (r.outcome == ScanOutcome::already_registered) {
    TRY(tx.append_event(db::Event{0, now, actor, "dossier", dossier_id,
                                  db::EventKind::scanned_again, "",
                                  nlohmann::json{{"scan_id", scan.id}}.dump(
                                      -1, ' ', false, nlohmann::json::error_handler_t::replace)}));
    r.message = common::Text{
        msg::already_registered,
        {{"number", tracking_number}, {"dossier", dossier_id}, {"scan", ordinal(r.scan_count)}}};
  } else if (supplement_of) {
    r.message = common::Text{r.supplement == SupplementJoin::moved_on ? msg::supplement_joined
                                                                      : msg::supplement_not_waiting,
                             {{"number", tracking_number},
                              {"code", supplement_of->code.value_or("")},
                              {"dossier", dossier_id}}};
  } else {
    r.message =
        common::Text{msg::registered, {{"number", tracking_number}, {"dossier", dossier_id}}};
  }
  return r;
}

}  // namespace

Result<Registration> Registrar::register_envelope(const EnvelopeScan& input) {
  db::Scan as_read;
  as_read.station = context_.station;
  // A file name need not be UTF-8 (a Linux name is any bytes); the record's is, as every engine
  // can hold it (the file itself keeps its name).
  as_read.source_name = detail::repair_utf8(input.source_name).text;
  as_read.image_type = input.image_type;
  as_read.page = input.page;
  as_read.scan_error = input.scan_error;
  as_read.batch_id = input.batch_id;
  as_read.idempotency_key = input.idempotency_key;
  as_read.codes = to_scan_codes(input.codes);
  if (!input.image.empty()) {
    TRY_ASSIGN(auto hash, images_.put(input.image, input.image_type));
    as_read.image_hash = hash;
  }
  Registration result;
  TRY(store_.write([&](db::Transaction& tx) -> Result<void> {
    // The unit of work may run again (db::Store::write): each run starts from the scan as read
    // (a registered scan's ID card text is replaced below, a manual one must keep it) and sets the
    // whole result.
    db::Scan scan = as_read;
    result = Registration{};
    const common::Timestamp now = clock_.now();
    scan.scanned_at = now;
    if (!input.idempotency_key.empty()) {
      TRY_ASSIGN(auto earlier, tx.find_scan_by_key(input.idempotency_key));
      if (earlier) {
        const db::Scan& e = *earlier;
        result.replayed = true;
        result.outcome = e.outcome;
        result.scan_id = e.id;
        result.dossier_id = e.dossier_id;
        for (const db::ScanCode& c : e.codes) {
          if (!c.tracking_number.empty() && c.problem.empty())
            result.tracking_number = c.tracking_number;
        }
        result.message =
            e.dossier_id ? common::Text{msg::taken_before_dossier,
                                        {{"source", input.source_name}, {"dossier", *e.dossier_id}}}
                         : common::Text{msg::taken_before_manual, {{"source", input.source_name}}};
        return {};
      }
    }
    TRY_ASSIGN(auto agency, agency_id(tx));
    std::optional<db::Batch> batch;
    if (input.batch_id) {
      TRY_ASSIGN(auto found, tx.get_batch(*input.batch_id));
      if (!found) {
        return make_error(ErrorCode::not_found, msg::no_batch, {{"batch", *input.batch_id}});
      }
      batch = std::move(found);
    }
    Decision decision =
        decide(input.codes, input, batch ? batch->manifest : std::vector<std::string>{});
    if (decision.reason == ManualReason::ambiguous) {
      // Two numbers, one of them an envelope the desk already has: this is that envelope again.
      std::vector<const Code*> known;
      for (const Code* c : decision.candidates) {
        TRY_ASSIGN(auto shipment, tx.find_shipment(c->tracking_number, db::Direction::inbound,
                                                   same_envelope_since(now)));
        if (shipment) known.push_back(c);
      }
      if (known.size() == 1) {
        decision.tracking_number = known.front()->tracking_number;
        decision.carrier = known.front()->carrier;
      }
    }

    if (decision.tracking_number.empty()) {
      scan.outcome = ScanOutcome::manual;
      TRY_ASSIGN(auto scan_id, tx.insert_scan(scan));
      result.outcome = ScanOutcome::manual;
      result.scan_id = scan_id;
      // The same file scanned again while its first scan still waits: one item for the clerk.
      if (!scan.image_hash.empty()) {
        TRY_ASSIGN(auto waiting, tx.find_open_manual_by_image(scan.image_hash, scan.page));
        if (waiting) {
          result.manual_id = waiting->id;
          result.message = common::Text{msg::already_waiting,
                                        {{"source", input.source_name},
                                         {"manual", waiting->id},
                                         {"reason", manual_reason_text(*waiting)}}};
          return {};
        }
      }
      db::ManualItem item;
      item.scan_id = scan_id;
      const ManualReason reason = decision.reason.value_or(ManualReason::unreadable);
      item.reason_code = std::string(name(reason));
      item.reason = manual_reason_json(decision.reason_args);
      item.created_at = now;
      TRY_ASSIGN(auto manual_id, tx.insert_manual(item));
      TRY(tx.append_event(
          db::Event{0, now, context_.actor, "manual", manual_id, db::EventKind::queued, "",
                    nlohmann::json{{"scan_id", scan_id}, {"reason_code", item.reason_code}}.dump(
                        -1, ' ', false, nlohmann::json::error_handler_t::replace)}));
      result.manual_id = manual_id;
      result.message =
          common::Text{msg::needs_person,
                       {{"source", input.source_name},
                        {"manual", manual_id},
                        {"reason", manual_reason_text(reason, std::move(decision.reason_args))}}};
      return {};
    }

    // docs/domain.md §1.2: the dossier counts as filed when the carrier hands it over.
    const common::Timestamp filed_at = batch ? batch->handed_over_at : now;
    // Personal data is kept once, in the applicant record: a registered scan keeps only what kind
    // of ID card it read. (A manual scan keeps the text until a clerk resolves it.)
    for (db::ScanCode& code : scan.codes) {
      if (code.kind == code_kind_name(CodeKind::citizen_id_card)) {
        code.text = k_id_card_placeholder;
      }
    }
    TRY_ASSIGN(auto attached,
               attach(tx, scan, decision.tracking_number, decision.carrier, input.codes, agency,
                      now, now, filed_at, context_.actor, ScanOutcome::already_registered,
                      ScanOutcome::registered, supplement_rule_));
    result = std::move(attached);
    return {};
  }));
  return result;
}

Result<Registration> Registrar::resolve_manual(db::Id manual_id, std::string_view typed) {
  const Code code = classifier_.classify(typed, std::nullopt);
  const bool tracking =
      code.kind == CodeKind::s10_tracking || code.kind == CodeKind::carrier_tracking;
  if (!tracking) {
    return make_error(ErrorCode::bad_input, msg::not_tracking_number,
                      {{"length", code.text.size()}});
  }
  if (!code.usable()) {
    if (code.problem_text.empty()) return make_error(ErrorCode::bad_input, code.problem);
    return make_error(ErrorCode::bad_input, *code.problem_text.def, code.problem_text.args);
  }

  Registration result;
  TRY(store_.write([&](db::Transaction& tx) -> Result<void> {
    const common::Timestamp now = clock_.now();
    TRY_ASSIGN(auto item, tx.get_manual(manual_id));
    if (!item || item->status != db::ManualStatus::open) {
      return make_error(ErrorCode::not_found, msg::manual_not_open, {{"manual", manual_id}});
    }
    TRY_ASSIGN(auto scan, tx.get_scan(item->scan_id));
    if (!scan) {
      return make_error(ErrorCode::internal,
                        fmt::format("manual-queue item #{} has no scan", manual_id));
    }
    TRY_ASSIGN(auto agency, agency_id(tx));
    // The kept codes are read again: the ID card and dossier code enclosed still count.
    std::vector<Code> codes;
    for (const db::ScanCode& kept : scan->codes) {
      Code reread = classifier_.classify(kept.text, std::nullopt);
      // The stored text was repaired (U+FFFD) or cut when first read: what was wrong then still is.
      if (reread.problem.empty()) reread.problem = kept.problem;
      codes.push_back(std::move(reread));
    }
    common::Timestamp filed_at = scan->scanned_at;
    if (scan->batch_id) {
      TRY_ASSIGN(auto batch, tx.get_batch(*scan->batch_id));
      if (batch) filed_at = batch->handed_over_at;
    }
    const common::Timestamp seen_at = scan->scanned_at;
    TRY_ASSIGN(auto attached, attach(tx, *scan, code.tracking_number, code.carrier, codes, agency,
                                     now, seen_at, filed_at, context_.actor, ScanOutcome::resolved,
                                     ScanOutcome::resolved, supplement_rule_));
    if (!scan->image_hash.empty()) {
      TRY_ASSIGN(auto shipment, tx.find_shipment(code.tracking_number, db::Direction::inbound,
                                                 same_envelope_since(seen_at)));
      if (shipment) {
        TRY(tx.link_manual_rescans(scan->image_hash, scan->page, shipment->id,
                                   *attached.dossier_id));
      }
    }
    auto redacted = tx.replace_code_text(
        scan->id, std::string(code_kind_name(CodeKind::citizen_id_card)), k_id_card_placeholder);
    if (!redacted) return redacted;
    TRY(tx.close_manual(manual_id, db::ManualStatus::resolved, now, context_.actor,
                        attached.dossier_id));
    TRY(tx.append_event(
        db::Event{0, now, context_.actor, "manual", manual_id, db::EventKind::resolved, "",
                  nlohmann::json{{"tracking_number", code.tracking_number},
                                 {"dossier_id", *attached.dossier_id}}
                      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)}));
    result = std::move(attached);
    result.message = common::Text{msg::manual_resolved,
                                  {{"manual", manual_id}, {"result", std::move(result.message)}}};
    return {};
  }));
  return result;
}

Result<void> Registrar::dismiss_manual(db::Id manual_id, const std::string& reason) {
  return store_.write([&](db::Transaction& tx) -> Result<void> {
    const common::Timestamp now = clock_.now();
    TRY_ASSIGN(auto item, tx.get_manual(manual_id));
    if (!item || item->status != db::ManualStatus::open) {
      return make_error(ErrorCode::not_found, msg::manual_not_open, {{"manual", manual_id}});
    }
    auto closed =
        tx.close_manual(manual_id, db::ManualStatus::dismissed, now, context_.actor, std::nullopt);
    if (!closed) return closed;
    TRY(tx.append_event(db::Event{0, now, context_.actor, "manual", manual_id,
                                  db::EventKind::dismissed, reason, "{}"}));
    return {};
  });
}

Result<db::Batch> Registrar::open_batch(const std::string& name, const std::string& carrier,
                                        common::Timestamp handed_over_at,
                                        const std::vector<std::string>& manifest,
                                        bool explicit_time) {
  return store_.write<db::Batch>([&](db::Transaction& tx) -> Result<db::Batch> {
    TRY_ASSIGN(auto existing, tx.find_batch(name));
    std::set<std::string> wanted(manifest.begin(), manifest.end());
    if (existing) {
      std::set<std::string> had(existing->manifest.begin(), existing->manifest.end());
      if (!wanted.empty() && wanted != had) {
        return make_error(ErrorCode::invalid_argument, msg::batch_other_manifest,
                          {{"name", name}, {"count", had.size()}});
      }
      if (existing->handed_over_at != handed_over_at && explicit_time) {
        return make_error(ErrorCode::invalid_argument, msg::batch_other_time,
                          {{"name", name},
                           {"handed_over", common::format_local(existing->handed_over_at)},
                           {"given", common::format_local(handed_over_at)}});
      }
      return *existing;
    }
    db::Batch batch;
    batch.name = name;
    batch.carrier = carrier;
    batch.handed_over_at = handed_over_at;
    batch.received_by = context_.actor;
    batch.manifest.assign(wanted.begin(), wanted.end());
    TRY_ASSIGN(auto id, tx.insert_batch(batch));
    batch.id = id;
    const common::Timestamp now = clock_.now();
    TRY(tx.append_event(
        db::Event{0, now, context_.actor, "batch", id, db::EventKind::handed_over, "",
                  nlohmann::json{{"name", name},
                                 {"carrier", carrier},
                                 {"handed_over_at", common::format_iso(handed_over_at)},
                                 {"manifest_items", batch.manifest.size()}}
                      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)}));
    return batch;
  });
}

namespace {

Result<db::Batch> existing_batch(db::Transaction& tx, db::Id batch_id) {
  TRY_ASSIGN(auto batch, tx.get_batch(batch_id));
  if (!batch) return make_error(ErrorCode::not_found, msg::no_batch, {{"batch", batch_id}});
  return std::move(*batch);
}

}  // namespace

Result<db::Batch> Registrar::set_batch_state(db::Id batch_id, BatchState state) {
  return store_.write<db::Batch>([&](db::Transaction& tx) -> Result<db::Batch> {
    TRY_ASSIGN(auto batch, existing_batch(tx, batch_id));
    const bool closed = state == BatchState::closed;
    // The clerk who reopens a batch receives what comes next: it becomes that clerk's open batch.
    const bool taken_over = !closed && batch.received_by != context_.actor;
    if (batch.closed_at.has_value() == closed && !taken_over) return batch;
    const common::Timestamp now = clock_.now();
    nlohmann::json data = nlohmann::json::object();
    if (taken_over) {
      data["received_by_before"] = batch.received_by;
      batch.received_by = context_.actor;
      TRY(tx.set_batch_receiver(batch_id, batch.received_by));
    }
    batch.closed_at = closed ? std::optional(now) : std::nullopt;
    batch.closed_by = closed ? context_.actor : std::string();
    TRY(tx.set_batch_closed(batch_id, batch.closed_at, batch.closed_by));
    TRY(tx.append_event(
        db::Event{0, now, context_.actor, "batch", batch_id,
                  closed ? db::EventKind::batch_closed : db::EventKind::batch_reopened, "",
                  data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)}));
    return batch;
  });
}

Result<db::Batch> Registrar::set_manifest(db::Id batch_id, const std::vector<std::string>& manifest,
                                          ManifestChange change) {
  return store_.write<db::Batch>([&](db::Transaction& tx) -> Result<db::Batch> {
    TRY_ASSIGN(auto batch, existing_batch(tx, batch_id));
    const std::set<std::string> wanted(manifest.begin(), manifest.end());
    const std::set<std::string> had(batch.manifest.begin(), batch.manifest.end());
    if (wanted == had) return batch;
    if (!had.empty() && change == ManifestChange::keep) {
      return make_error(ErrorCode::conflict, msg::batch_has_manifest,
                        {{"name", batch.name}, {"count", had.size()}});
    }
    nlohmann::json data = {{"manifest_items", wanted.size()}};
    if (!had.empty()) {
      data["replaced_items"] = had.size();
      TRY(tx.clear_manifest(batch_id));
    }
    batch.manifest.assign(wanted.begin(), wanted.end());
    TRY(tx.add_to_manifest(batch_id, batch.manifest));
    TRY(tx.append_event(db::Event{0, clock_.now(), context_.actor, "batch", batch_id,
                                  db::EventKind::manifest_added, "", data.dump()}));
    return batch;
  });
}

Result<HandoverRecord> Registrar::handover_record(db::Id batch_id) {
  return store_.read<HandoverRecord>([&](db::Transaction& tx) -> Result<HandoverRecord> {
    HandoverRecord record;
    TRY_ASSIGN(auto batch, tx.get_batch(batch_id));
    if (!batch) {
      return make_error(ErrorCode::not_found, msg::no_batch, {{"batch", batch_id}});
    }
    record.batch = *batch;
    record.received_by_name = batch->received_by;
    if (!batch->received_by.empty()) {
      TRY_ASSIGN(const auto clerk, tx.find_user(batch->received_by));
      if (clerk && !clerk->name.empty()) record.received_by_name = clerk->name;
      if (clerk) record.received_by_title = clerk->title;
    }
    TRY_ASSIGN(const auto agency_code, tx.setting(std::string(k_setting_agency)));
    if (agency_code) {
      record.agency_code = *agency_code;
      TRY_ASSIGN(const auto agency, tx.find_agency(*agency_code));
      if (agency) record.agency_name = agency->name;
    }
    TRY_ASSIGN(const auto province, tx.setting(db::k_setting_agency_province));
    if (province) record.agency_province = *province;
    TRY_ASSIGN(auto scans, tx.scans_of_batch(batch_id));
    // Only open items count as waiting: a rescan of a waiting file joins its item, and a dismissed
    // item is no dossier envelope.
    TRY_ASSIGN(auto open_items, tx.list_manual(db::ManualStatus::open));
    std::set<db::Id> waiting_scans;
    for (const auto& item : open_items) waiting_scans.insert(item.scan_id);
    std::set<std::string> scanned;
    std::map<std::string, std::size_t> listed;  // tracking number -> its item
    for (const db::Scan& scan : scans) {
      if (scan.outcome == ScanOutcome::manual && !waiting_scans.count(scan.id)) continue;
      HandoverRecord::Item item;
      item.source_name = scan.source_name;
      item.typed = scan.source_name == Registrar::k_typed_source;
      item.outcome = scan.outcome;
      item.dossier_id = scan.dossier_id;
      if (scan.shipment_id) {
        TRY_ASSIGN(auto shipment, tx.get_shipment(*scan.shipment_id));
        if (shipment) item.tracking_number = shipment->tracking_number;
      }
      if (!item.tracking_number.empty()) {
        scanned.insert(item.tracking_number);
        // A rescan is the same envelope: one row, one count, with its scans beside it.
        const auto [at, first] = listed.emplace(item.tracking_number, record.items.size());
        if (!first) {
          ++record.items[at->second].scans;
          ++record.rescans;
          continue;
        }
      }
      switch (scan.outcome) {
        case ScanOutcome::registered:
          ++record.registered;
          break;
        case ScanOutcome::already_registered:
          ++record.already_registered;
          break;
        case ScanOutcome::manual:
          ++record.manual;
          break;
        case ScanOutcome::resolved:
          ++record.resolved;
          break;
      }
      record.items.push_back(std::move(item));
    }
    record.envelopes = static_cast<int>(record.items.size());
    std::set<std::string> manifest(record.batch.manifest.begin(), record.batch.manifest.end());
    if (!manifest.empty()) {
      std::set_difference(manifest.begin(), manifest.end(), scanned.begin(), scanned.end(),
                          std::back_inserter(record.missing));
      std::set_difference(scanned.begin(), scanned.end(), manifest.begin(), manifest.end(),
                          std::back_inserter(record.unexpected));
    }
    return record;
  });
}

}  // namespace intake
