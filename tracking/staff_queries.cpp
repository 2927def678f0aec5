#include "tracking/staff_queries.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/unicode.hpp"
#include "tracking/documents.hpp"
#include "tracking/dossier_key.hpp"
#include "tracking/messages.hpp"

namespace tracking {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;
using S = db::DossierState;

struct NamedView {
  ListView view;
  std::string_view name;
};
constexpr NamedView k_views[] = {{ListView::all, ""},
                                 {ListView::open, "open"},
                                 {ListView::due_soon, "due_soon"},
                                 {ListView::overdue, "overdue"},
                                 {ListView::ready, "ready"},
                                 {ListView::collect, "collect"},
                                 {ListView::accept_late, "accept_late"},
                                 {ListView::supplement_expired, "supplement_expired"}};

struct NamedSort {
  db::DossierSort sort;
  std::string_view name;
};
constexpr NamedSort k_sorts[] = {{db::DossierSort::filed_at, "filed_at"},
                                 {db::DossierSort::due_at, "due_at"},
                                 {db::DossierSort::code, "code"},
                                 {db::DossierSort::state, "state"}};

// What the view filters in SQL; the due views also keep only the lifecycle's due list.
std::vector<S> states_of(ListView view) {
  switch (view) {
    case ListView::all:
      return {};
    case ListView::open:
      return {S::received,      S::accepted,  S::supplement_requested, S::in_process,
              S::awaiting_fees, S::processed, S::return_failed,        S::return_dispatched};
    case ListView::ready:
    case ListView::collect:
      return {S::processed, S::return_failed};
    case ListView::due_soon:
    case ListView::overdue:
      return {S::accepted, S::in_process, S::awaiting_fees};
    case ListView::accept_late:
      return {S::received};
    case ListView::supplement_expired:
      return {S::supplement_requested};
  }
  return {};
}

// How the results of a view go back: the dispatch page's two lists (docs/domain.md §1.5).
std::optional<db::ResultDelivery> delivery_of(ListView view) {
  if (view == ListView::ready) return db::ResultDelivery::post;
  if (view == ListView::collect) return db::ResultDelivery::desk;
  return std::nullopt;
}

// Reads the rest of a row; procedures are cached, since a page shows few of them many times.
Result<DossierRow> row_of(db::Transaction& tx, db::Dossier dossier, common::Timestamp now,
                          std::map<db::Id, std::optional<db::Procedure>>& procedures) {
  DossierRow row;
  row.overdue = dossier.due_at && *dossier.due_at < now && deadline_runs(dossier.state);
  if (dossier.procedure_id) {
    auto [it, fresh] = procedures.try_emplace(*dossier.procedure_id);
    if (fresh) {
      TRY_ASSIGN(it->second, tx.get_procedure(*dossier.procedure_id));
    }
    row.procedure = it->second;
  }
  TRY_ASSIGN(const auto shipments, tx.shipments_of(dossier.id));
  for (const db::Shipment& s : shipments) {
    // The dossier's own envelope, the first (later ones are supplements posted on their own); the
    // newest return shipment.
    if (db::is_result_return(s)) {
      row.return_tracking_number = s.tracking_number;
    } else if (s.direction == db::Direction::inbound && row.tracking_number.empty()) {
      row.tracking_number = s.tracking_number;
    }
  }
  TRY_ASSIGN(const auto applicant, tx.applicant_of(dossier.id));
  if (applicant) {
    row.applicant_name = applicant->full_name;
    row.applicant_phone = applicant->phone;
    row.return_address =
        applicant->return_address.empty() ? applicant->address : applicant->return_address;
  }
  row.dossier = std::move(dossier);
  return row;
}

// The text as part of a key: spaces dropped, upper case; "" unless it is at least 4 letters,
// digits, '.' or '-' with a digit among them (fewer would match too many codes).
std::string key_part_of(std::string_view text) {
  std::string part;
  bool digit = false;
  for (const char c : text) {
    if (c == ' ' || c == '\t') continue;
    const char upper = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    const bool ok = (upper >= 'A' && upper <= 'Z') || (upper >= '0' && upper <= '9') ||
                    upper == '.' || upper == '-';
    if (!ok) return "";
    digit = digit || (upper >= '0' && upper <= '9');
    part.push_back(upper);
  }
  return part.size() >= 4 && digit ? part : "";
}

bool all_digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The most dossiers a part of a key selects; a part that matches more is too short to be useful.
constexpr int k_max_list_ids = 1000;

}  // namespace

std::string_view list_view_name(ListView view) {
  for (const auto& v : k_views) {
    if (v.view == view) return v.name;
  }
  return "";
}

std::optional<ListView> parse_list_view(std::string_view name) {
  for (const auto& v : k_views) {
    if (v.name == name) return v.view;
  }
  return std::nullopt;
}

std::string_view list_sort_name(db::DossierSort sort) {
  for (const auto& s : k_sorts) {
    if (s.sort == sort) return s.name;
  }
  return "";
}

std::optional<db::DossierSort> parse_list_sort(std::string_view name) {
  for (const auto& s : k_sorts) {
    if (s.name == name) return s.sort;
  }
  return std::nullopt;
}

Result<DossierPage> search_dossiers(db::Store& store, const common::Clock& clock,
                                    const DossierQuery& query) {
  if (query.limit < 1) {
    return make_error(ErrorCode::invalid_argument, msg::list_limit_too_small,
                      {{"limit", query.limit}});
  }
  db::DossierFilter filter;
  filter.state = query.state;
  filter.states = states_of(query.view);
  filter.result_delivery = delivery_of(query.view);
  filter.field = query.field;
  filter.filed_from = query.filed_from;
  filter.filed_to = query.filed_to;
  const common::Timestamp now = clock.now();
  if (query.view == ListView::accept_late) {
    const common::Timestamp before = acceptance_late_before(now);
    filter.filed_to = query.filed_to ? std::min(*query.filed_to, before) : before;
  }
  filter.limit = query.limit;
  filter.offset = std::max<std::int64_t>(query.offset, 0);
  filter.sort = query.sort;
  filter.descending = query.descending;

  std::optional<std::set<db::Id>> only;  // the due views come from the lifecycle's due list
  if (query.view == ListView::due_soon || query.view == ListView::overdue) {
    TRY_ASSIGN(const auto due, Lifecycle(store, clock).due());
    only.emplace();
    for (const db::Dossier& d : query.view == ListView::overdue ? due.overdue : due.due_soon) {
      only->insert(d.id);
    }
  } else if (query.view == ListView::supplement_expired) {
    TRY_ASSIGN(const auto expired,
               store.read<std::vector<ExpiredSupplement>>(
                   [&](db::Transaction& tx) { return expired_supplements(tx, now); }));
    only.emplace();
    for (const ExpiredSupplement& e : expired) only->insert(e.dossier.id);
  }

  DossierPage page;
  std::optional<db::Id> key_id;  // the dossier the text names as a whole key
  TRY(store.read([&](db::Transaction& tx) -> Result<void> {
    if (!query.batch.empty()) {
      TRY_ASSIGN(const auto batch, tx.find_batch(query.batch));
      if (!batch) {
        return make_error(ErrorCode::not_found, msg::no_batch_named,
                          {{"batch", query.batch.substr(0, 40)}});
      }
      filter.batch_id = batch->id;
    }
    std::optional<std::set<db::Id>> named;  // the dossiers a key or an ID number names
    if (!query.text.empty()) {
      // A tracking number, dossier code or #id names one dossier; an ID number its applicant's;
      // anything else is searched in the applicants' names: the words typed, one after the
      // other from the start of a word ("ngoc ha" finds "Trần Thị Ngọc Hân").
      named.emplace();
      TRY_ASSIGN(const auto id, find_dossier_id(tx, query.text));
      if (id) {
        named->insert(*id);
        key_id = *id;
      }
      TRY_ASSIGN(const auto by_card, tx.dossiers_of_applicant(query.text));
      named->insert(by_card.begin(), by_card.end());
      if (const std::string part = key_part_of(query.text);
          !part.empty() && (named->empty() || all_digits(part))) {
        // Part of a number read off an envelope or a receipt: a tracking number without its "VN",
        // a dossier code's tail. Digits alone may also be a dossier's number, found above.
        TRY_ASSIGN(const auto by_part, tx.dossiers_by_key_part(part, k_max_list_ids));
        named->insert(by_part.begin(), by_part.end());
      }
      if (named->empty()) {
        filter.name_words = common::search_words(query.text);
        if (filter.name_words.empty()) return {};  // nothing to search by ("-", "...")
        named.reset();
      }
    }
    if (only || named) {
      std::vector<db::Id> ids;
      for (const db::Id id : only ? *only : *named) {
        if (!named || named->count(id)) ids.push_back(id);
      }
      filter.ids = std::move(ids);
    }
    TRY_ASSIGN(auto dossiers, tx.list_dossiers(filter));
    // The count in the same transaction, so that it agrees with the page.
    TRY_ASSIGN(page.total, tx.count_dossiers(filter));
    if (key_id && page.total == 1 && dossiers.size() == 1 && dossiers.front().id == *key_id) {
      page.key_match = key_id;
    }
    std::map<db::Id, std::optional<db::Procedure>> procedures;
    for (db::Dossier& d : dossiers) {
      TRY_ASSIGN(auto row, row_of(tx, std::move(d), now, procedures));
      page.rows.push_back(std::move(row));
    }
    return {};
  }));
  page.limit_reached = static_cast<int>(page.rows.size()) == query.limit;
  return page;
}

Result<Workload> desk_workload(db::Store& store, const common::Clock& clock) {
  Workload work;
  const common::Timestamp now = clock.now();
  TRY(store.read([&](db::Transaction& tx) -> Result<void> {
    // Counted, not listed: the header asks every minute from every open page.
    TRY_ASSIGN(const auto horizon, due_horizon(tx, now));
    TRY_ASSIGN(work.overdue, tx.count_dossiers(horizon.running_due_before(horizon.as_of)));
    TRY_ASSIGN(const auto due_by_end,
               tx.count_dossiers(horizon.running_due_before(horizon.due_soon_end)));
    work.due_soon = due_by_end - work.overdue;
    db::DossierFilter received;
    received.state = S::received;
    TRY_ASSIGN(work.waiting_acceptance, tx.count_dossiers(received));
    received.filed_to = acceptance_late_before(now);
    TRY_ASSIGN(work.acceptance_late, tx.count_dossiers(received));
    db::DossierFilter ready;
    ready.states = states_of(ListView::ready);
    ready.result_delivery = delivery_of(ListView::ready);
    TRY_ASSIGN(work.ready, tx.count_dossiers(ready));
    db::DossierFilter collect;
    collect.states = states_of(ListView::collect);
    collect.result_delivery = delivery_of(ListView::collect);
    TRY_ASSIGN(work.waiting_collection, tx.count_dossiers(collect));
    TRY_ASSIGN(const db::Counts counts, tx.counts());
    work.manual_queue = counts.manual_open;
    // Listed, not counted: few dossiers wait for a supplement, each read with its events.
    TRY_ASSIGN(const auto expired, expired_supplements(tx, now));
    work.supplement_expired = static_cast<std::int64_t>(expired.size());
    return {};
  }));
  return work;
}

Result<DossierRow> dossier_row(db::Store& store, const common::Clock& clock, db::Id id) {
  const common::Timestamp now = clock.now();
  return store.read<DossierRow>([&](db::Transaction& tx) -> Result<DossierRow> {
    TRY_ASSIGN(auto dossier, tx.get_dossier(id));
    if (!dossier) return make_error(ErrorCode::not_found, msg::no_dossier_id, {{"id", id}});
    std::map<db::Id, std::optional<db::Procedure>> procedures;
    return row_of(tx, std::move(*dossier), now, procedures);
  });
}

Result<std::vector<db::Procedure>> procedure_catalogue(db::Transaction& tx) {
  return tx.list_procedures();
}

Result<db::Dossier> find_dossier(db::Store& store, std::string_view key) {
  return store.read<db::Dossier>([&](db::Transaction& tx) { return find_dossier(tx, key); });
}

Result<db::Counts> desk_counts(db::Store& store) {
  return store.read<db::Counts>([](db::Transaction& tx) { return tx.counts(); });
}

Result<std::vector<db::Procedure>> latest_procedures(db::Transaction& tx) {
  TRY_ASSIGN(auto all, tx.list_procedures());
  std::map<std::string, db::Procedure> latest;
  for (db::Procedure& p : all) {
    auto [it, fresh] = latest.try_emplace(p.code, p);
    if (!fresh && p.version > it->second.version) it->second = std::move(p);
  }
  std::vector<db::Procedure> out;
  out.reserve(latest.size());
  for (auto& [code, p] : latest) out.push_back(std::move(p));
  return out;
}

Result<DossierPageData> dossier_page(db::Store& store, const common::Clock& clock, db::Id id) {
  const common::Timestamp now = clock.now();
  return store.read<DossierPageData>([&](db::Transaction& tx) -> Result<DossierPageData> {
    DossierPageData page;
    TRY_ASSIGN(page.view, staff_lookup(tx, fmt::format("#{}", id)));
    const db::Dossier& d = page.view.dossier;
    for (Action a : allowed_actions(d)) {
      if (a == Action::dispatch_return) continue;
      // A result collected at the desk is handed over with its recipient: the page's own form.
      if (a == Action::record_delivery && d.state == S::processed) continue;
      if (a == Action::apologise && d.reappointed) continue;
      page.actions.push_back(a);
    }
    TRY_ASSIGN(const AvailableForms forms, available_forms(tx, id));
    for (const FormKind kind : forms.forms) page.documents.emplace_back(form_kind_name(kind));
    if (forms.return_label) page.documents.emplace_back("label");
    TRY_ASSIGN(page.procedures, latest_procedures(tx));
    std::set<std::string> actors;
    for (const db::Event& e : page.view.history) actors.insert(e.actor);
    for (const std::string& actor : actors) {
      TRY_ASSIGN(const auto user, tx.find_user(actor));
      if (user && !user->name.empty()) page.actor_names.emplace(actor, user->name);
    }
    TRY_ASSIGN(const auto horizon, due_horizon(tx, now));
    page.deadline = horizon.of(d);
    TRY_ASSIGN(page.fees, fees_of(tx, d));
    return page;
  });
}

}  // namespace tracking
