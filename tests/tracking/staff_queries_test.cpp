// The staff's dossier list and dossier page (tracking/staff_queries) over a real SQLite file: the
// one query the CLI's `hoso dossier list` and the server's list share.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "db/store.hpp"
#include "tests/support/files.hpp"
#include "tests/support/store.hpp"
#include "tracking/staff_queries.hpp"

namespace {

using common::ErrorCode;
using common::Result;
using common::Timestamp;
using db::DossierState;

Timestamp at(const char* local) { return common::parse_local(local).value(); }

struct ListDesk {
  test_support::TempDir dir;
  std::unique_ptr<db::Store> store = test_support::open_store(dir / "hoso.db").value();
  common::ManualClock clock{at("2026-03-10 10:00")};
  db::Id agency_id = 0;

  ListDesk() {
    agency_id = store
                    ->write<db::Id>([](db::Transaction& tx) {
                      return tx.upsert_agency(db::Agency{0, "000.00.05.H12", "Một cửa"});
                    })
                    .value();
  }

  // A dossier filed at `filed`, in `state`, with an inbound envelope and (when named) an applicant.
  db::Id add(const char* filed, DossierState state, const std::string& tracking_number,
             const std::string& name = "", const std::string& id_number = "",
             const char* due = nullptr) {
    return store
        ->write<db::Id>([&](db::Transaction& tx) -> Result<db::Id> {
          db::Dossier d;
          d.agency_id = agency_id;
          d.state = state;
          d.filed_at = at(filed);
          d.created_at = d.updated_at = d.filed_at;
          d.lookup_code = "ABCD1234";
          if (due) d.due_at = at(due);
          TRY_ASSIGN(const db::Id id, tx.insert_dossier(d));
          db::Shipment s;
          s.carrier = "vnpost";
          s.tracking_number = tracking_number;
          s.year = 2026;
          s.dossier_id = id;
          s.first_seen_at = s.updated_at = d.filed_at;
          TRY(tx.insert_shipment(s));
          if (!name.empty()) {
            db::Applicant a;
            a.dossier_id = id;
            a.full_name = name;
            a.id_number = id_number;
            a.source = "typed";
            TRY(tx.insert_applicant(a));
          }
          return id;
        })
        .value();
  }

  std::vector<db::Id> ids(const tracking::DossierQuery& query) {
    auto page = tracking::search_dossiers(*store, clock, query);
    REQUIRE_MESSAGE(page.has_value(), (page ? std::string() : page.error().message));
    std::vector<db::Id> out;
    for (const auto& row : page->rows) out.push_back(row.dossier.id);
    return out;
  }
};

tracking::DossierQuery text(const std::string& q) {
  tracking::DossierQuery query;
  query.text = q;
  return query;
}

}  // namespace

TEST_CASE(
    "the dossier list finds a dossier by tracking number, ID number or a name typed without "
    "diacritics") {
  ListDesk desk;
  const db::Id lan = desk.add("2026-03-02 09:00", DossierState::received, "EB123456785VN",
                              "Nguyễn Thị Lan", "079190001234");
  const db::Id duc = desk.add("2026-03-03 09:00", DossierState::received, "EL491610889VN",
                              "Trần Văn Đức", "079190005678");
  desk.add("2026-03-04 09:00", DossierState::received, "RR473124829GB");

  CHECK(desk.ids(text("eb 123 456 785 vn")) == std::vector<db::Id>{lan});
  CHECK(desk.ids(text("079190005678")) == std::vector<db::Id>{duc});
  CHECK(desk.ids(text("tran van duc")) == std::vector<db::Id>{duc});
  CHECK(desk.ids(text("THỊ LAN")) == std::vector<db::Id>{lan});
  CHECK(desk.ids(text("#" + std::to_string(duc))) == std::vector<db::Id>{duc});
  CHECK(desk.ids(text("nobody")).empty());
}

TEST_CASE(
    "the dossier list's rows carry the envelope, the applicant and whether the deadline "
    "passed") {
  ListDesk desk;
  const db::Id late = desk.add("2026-03-02 09:00", DossierState::in_process, "EB123456785VN",
                               "Nguyễn Thị Lan", "", "2026-03-09 17:00");
  auto page = tracking::search_dossiers(*desk.store, desk.clock, tracking::DossierQuery{});
  REQUIRE(page.has_value());
  REQUIRE(page->rows.size() == 1);
  const tracking::DossierRow& row = page->rows.front();
  CHECK(row.dossier.id == late);
  CHECK(row.tracking_number == "EB123456785VN");
  CHECK(row.return_tracking_number.empty());
  CHECK(row.applicant_name == "Nguyễn Thị Lan");
  CHECK(row.overdue);
  CHECK_FALSE(page->limit_reached);
}

TEST_CASE("the dossier list filters by state, view and filing dates, newest first unless asked") {
  ListDesk desk;
  const db::Id first = desk.add("2026-03-02 09:00", DossierState::received, "EB123456785VN");
  const db::Id second = desk.add("2026-03-03 09:00", DossierState::processed, "EL491610889VN");
  const db::Id third = desk.add("2026-03-04 09:00", DossierState::refused, "RR473124829GB");

  CHECK(desk.ids({}) == std::vector<db::Id>{third, second, first});
  tracking::DossierQuery oldest_first;
  oldest_first.descending = false;
  CHECK(desk.ids(oldest_first) == std::vector<db::Id>{first, second, third});

  tracking::DossierQuery ready;
  ready.view = tracking::ListView::ready;
  CHECK(desk.ids(ready) == std::vector<db::Id>{second});
  tracking::DossierQuery open;
  open.view = tracking::ListView::open;
  CHECK(desk.ids(open) == std::vector<db::Id>{second, first});
  tracking::DossierQuery refused;
  refused.state = DossierState::refused;
  CHECK(desk.ids(refused) == std::vector<db::Id>{third});
  tracking::DossierQuery march_3;
  march_3.filed_from = at("2026-03-03 00:00");
  march_3.filed_to = at("2026-03-04 00:00");
  CHECK(desk.ids(march_3) == std::vector<db::Id>{second});

  tracking::DossierQuery two;
  two.limit = 2;
  auto page = tracking::search_dossiers(*desk.store, desk.clock, two);
  REQUIRE(page.has_value());
  CHECK(page->rows.size() == 2);
  CHECK(page->limit_reached);
}

TEST_CASE("the dossier list refuses a limit below one and names a batch that does not exist") {
  ListDesk desk;
  tracking::DossierQuery zero;
  zero.limit = 0;
  auto refused = tracking::search_dossiers(*desk.store, desk.clock, zero);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::invalid_argument);
  tracking::DossierQuery batch;
  batch.batch = "VNPost 29/11";
  auto missing = tracking::search_dossiers(*desk.store, desk.clock, batch);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == ErrorCode::not_found);
  CHECK(missing.error().message.find("VNPost 29/11") != std::string::npos);
}

TEST_CASE("list views have stable names that parse back") {
  for (const auto view :
       {tracking::ListView::all, tracking::ListView::open, tracking::ListView::due_soon,
        tracking::ListView::overdue, tracking::ListView::ready}) {
    CHECK(tracking::parse_list_view(tracking::list_view_name(view)) == view);
  }
  CHECK_FALSE(tracking::parse_list_view("closed").has_value());
}

TEST_CASE("a dossier's page has the staff view, the next actions and the newest procedures") {
  ListDesk desk;
  const db::Id id =
      desk.add("2026-03-02 09:00", DossierState::received, "EB123456785VN", "Nguyễn Thị Lan");
  REQUIRE(desk.store
              ->write([](db::Transaction& tx) -> Result<void> {
                db::Procedure p;
                p.code = "1.012753";
                p.name = "Đăng ký đất đai";
                p.field = "dat_dai";
                p.time_amount = 20;
                p.effective_from = common::parse_date("2025-07-01").value();
                TRY(tx.upsert_procedure(p));
                p.version = 2;
                p.time_amount = 15;
                TRY(tx.upsert_procedure(p));
                return {};
              })
              .has_value());
  auto page = tracking::dossier_page(*desk.store, desk.clock, id);
  REQUIRE_MESSAGE(page.has_value(), (page ? std::string() : page.error().message));
  CHECK(page->view.dossier.id == id);
  REQUIRE(page->view.applicant.has_value());
  CHECK(page->view.applicant->full_name == "Nguyễn Thị Lan");
  CHECK(std::find(page->actions.begin(), page->actions.end(), tracking::Action::accept) !=
        page->actions.end());
  CHECK(std::find(page->actions.begin(), page->actions.end(), tracking::Action::dispatch_return) ==
        page->actions.end());
  // Before acceptance only the process control sheet (form 05) exists: no receipt yet.
  CHECK(page->documents == std::vector<std::string>{"control"});
  REQUIRE(page->procedures.size() == 1);
  CHECK(page->procedures.front().version == 2);
  CHECK(page->deadline == tracking::DeadlineStatus::none);  // no deadline runs before acceptance

  auto missing = tracking::dossier_page(*desk.store, desk.clock, id + 100);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == ErrorCode::not_found);
}

TEST_CASE("a dossier's page names the staff who acted on it, and only them") {
  ListDesk desk;
  const db::Id id = desk.add("2026-03-02 09:00", DossierState::accepted, "EB123456785VN");
  REQUIRE(desk.store
              ->write([&](db::Transaction& tx) -> Result<void> {
                for (const auto& [login, name] :
                     {std::pair{"hoa", "Lê Thị Hoa"}, std::pair{"nam", "Trần Văn Nam"},
                      std::pair{"nameless", ""}}) {
                  db::User u;
                  u.login = login;
                  u.name = name;
                  u.role = "officer";
                  u.password_hash = "$argon2id$x";
                  TRY(tx.insert_user(u));
                }
                // hoa and nameless acted on the dossier, and so did the carrier sync (no user);
                // nam never did.
                for (const char* actor : {"sync", "hoa", "hoa", "nameless"}) {
                  db::Event e;
                  e.at = at("2026-03-02 09:30");
                  e.actor = actor;
                  e.entity = "dossier";
                  e.entity_id = id;
                  e.action = db::EventKind::accepted;
                  TRY(tx.append_event(e));
                }
                return {};
              })
              .has_value());
  const auto page = tracking::dossier_page(*desk.store, desk.clock, id).value();
  CHECK(page.actor_names == std::map<std::string, std::string>{{"hoa", "Lê Thị Hoa"}});
}

TEST_CASE(
    "regression: a key that names no dossier comes back without terminal control characters "
    "[sqlite]") {
  ListDesk desk;
  auto missing = tracking::find_dossier(*desk.store,
                                        "EB\x1b[2J\xC2\x9B"
                                        "31mX");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == ErrorCode::not_found);
  const std::string& message = missing.error().message;
  CHECK(message.find('\x1b') == std::string::npos);
  CHECK(message.find("\xC2\x9B") == std::string::npos);
  CHECK(message.find("31mX") != std::string::npos);
}

namespace {

// A desk of `count` dossiers with applicants named from common Vietnamese names, filed a minute
// apart, that records the statements its store runs while `recording` is set.
struct CrowdedDesk {
  test_support::TempDir dir;
  std::mutex mutex;
  std::vector<std::string> statements;
  bool recording = false;
  std::unique_ptr<db::Store> store;
  common::ManualClock clock{at("2026-03-10 10:00")};

  CrowdedDesk() {
    db::SqliteOptions options;
    options.on_statement = [this](std::string_view sql) {
      std::lock_guard lock(mutex);
      if (recording) statements.emplace_back(sql);
    };
    store = test_support::open_store(dir / "hoso.db", options).value();
  }

  // Adds dossiers named by `name_of(k)` for k = 0 .. count - 1; returns their ids.
  std::vector<db::Id> fill(int count, const std::function<std::string(int)>& name_of) {
    std::vector<db::Id> ids;
    REQUIRE(store
                ->write([&](db::Transaction& tx) -> Result<void> {
                  TRY_ASSIGN(const db::Id agency,
                             tx.upsert_agency(db::Agency{0, "000.00.05.H12", "Một cửa"}));
                  for (int k = 0; k < count; ++k) {
                    db::Dossier d;
                    d.agency_id = agency;
                    d.state = DossierState::received;
                    d.filed_at = at("2026-01-05 08:00") + std::chrono::minutes{k};
                    d.created_at = d.updated_at = d.filed_at;
                    d.lookup_code = "ABCD1234";
                    TRY_ASSIGN(const db::Id id, tx.insert_dossier(d));
                    db::Applicant a;
                    a.dossier_id = id;
                    a.full_name = name_of(k);
                    a.id_number = fmt::format("0790{:08}", k);
                    a.source = "typed";
                    TRY(tx.insert_applicant(a));
                    ids.push_back(id);
                  }
                  return {};
                })
                .has_value());
    return ids;
  }

  std::vector<db::Id> search(const std::string& text, int limit = 200) {
    tracking::DossierQuery query;
    query.text = text;
    query.limit = limit;
    {
      std::lock_guard lock(mutex);
      statements.clear();
      recording = true;
    }
    auto page = tracking::search_dossiers(*store, clock, query);
    {
      std::lock_guard lock(mutex);
      recording = false;
    }
    REQUIRE_MESSAGE(page.has_value(), (page ? std::string() : page.error().message));
    std::vector<db::Id> out;
    for (const auto& row : page->rows) out.push_back(row.dossier.id);
    return out;
  }

  // The steps of the recorded statements' query plans that read a whole table or index of
  // dossiers or applicants ("SCAN d USING INDEX dossiers_by_filed"), each with its statement, one
  // a line; empty when there is none.
  std::string full_scans() {
    SQLite::Database db((dir / "hoso.db").string(), SQLite::OPEN_READONLY);
    std::string found;
    for (const std::string& sql : statements) {
      if (sql.rfind("SELECT", 0) != 0) continue;  // BEGIN, COMMIT
      SQLite::Statement plan(db, "EXPLAIN QUERY PLAN " + sql);
      while (plan.executeStep()) {
        const std::string step = plan.getColumn(3).getString();
        if (step.rfind("SCAN ", 0) != 0) continue;
        for (const char* table : {"d", "a", "dossiers", "applicants", "applicant_name_keys"}) {
          const std::string scanned = fmt::format("SCAN {}", table);
          if (step == scanned || step.rfind(scanned + " ", 0) == 0) {
            found += step + " in " + sql + "\n";
          }
        }
      }
    }
    return found;
  }
};

std::string common_name(int k) {
  static constexpr const char* k_surnames[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng",
                                               "Huỳnh",  "Phan", "Vũ", "Võ",   "Đặng"};
  static constexpr const char* k_middle[] = {"Văn", "Thị",  "Minh",  "Thu",
                                             "Đức", "Quốc", "Thanh", "Hồng"};
  static constexpr const char* k_given[] = {"An",   "Bình",  "Cường", "Dũng", "Giang", "Hà",
                                            "Hải",  "Khánh", "Linh",  "Mai",  "Nam",   "Phúc",
                                            "Quân", "Sơn",   "Tâm",   "Tuấn", "Vy",    "Yến"};
  return fmt::format("{} {} {}", k_surnames[k % 10], k_middle[(k / 10) % 8],
                     k_given[(k / 80) % 18]);
}

}  // namespace

TEST_CASE(
    "regression: a name search among thousands of dossiers runs a few indexed statements, not "
    "one per dossier [sqlite]") {
  CrowdedDesk desk;
  const auto ids = desk.fill(
      3000, [](int k) { return k == 0 ? std::string("Trần Thị Ngọc Hân") : common_name(k); });
  const db::Id han = ids.front();  // the oldest dossier: a search reads past every other

  CHECK(desk.search("zzzz").empty());
  CHECK(desk.statements.size() <= 12);
  CHECK(desk.full_scans() == "");

  CHECK(desk.search("ngoc han") == std::vector<db::Id>{han});
  CHECK(desk.statements.size() <= 20);
  CHECK(desk.full_scans() == "");
  CHECK(desk.search("Ngọc") == std::vector<db::Id>{han});
  CHECK(desk.search("thi ngoc h") == std::vector<db::Id>{han});
  CHECK(desk.search("tran ngoc zzzz").empty());
}

namespace {

// A dossier of the paging tests: what each order sorts by.
struct Listed {
  db::Id id = 0;
  Timestamp filed;
  std::optional<Timestamp> due;
  std::optional<std::string> code;
  DossierState state = DossierState::received;
};

// 23 dossiers: some filed at the same minute (the id decides), some without a code or due date,
// states of every national status, codes not in filing order.
std::vector<Listed> add_paging_desk(ListDesk& desk) {
  constexpr DossierState k_states[] = {DossierState::received,          DossierState::accepted,
                                       DossierState::in_process,        DossierState::processed,
                                       DossierState::return_dispatched, DossierState::refused,
                                       DossierState::result_returned};
  std::vector<Listed> all;
  REQUIRE(desk.store
              ->write([&](db::Transaction& tx) -> Result<void> {
                for (int k = 0; k < 23; ++k) {
                  Listed l;
                  l.filed = at("2026-03-02 08:00") + std::chrono::hours{(k * 7) % 11};
                  l.state = k_states[k % 7];
                  if (l.state != DossierState::received) {
                    l.code = fmt::format("000.00.05.H12-2603{:02}-{:04}", 2 + (k * 5) % 9, k);
                    if (k % 4 != 0)
                      l.due = at("2026-03-20 17:00") - std::chrono::hours{(k * 13) % 17};
                  }
                  db::Dossier d;
                  d.agency_id = desk.agency_id;
                  d.state = l.state;
                  d.code = l.code;
                  d.due_at = l.due;
                  d.filed_at = l.filed;
                  d.created_at = d.updated_at = d.filed_at;
                  d.lookup_code = "ABCD1234";
                  TRY_ASSIGN(l.id, tx.insert_dossier(d));
                  all.push_back(l);
                }
                return {};
              })
              .has_value());
  return all;
}

// The order the list must have, worked out here without SQL: the sort key, "none" last, the id.
std::vector<db::Id> expected_order(std::vector<Listed> all, db::DossierSort sort, bool descending) {
  const auto key_less = [&](const Listed& a, const Listed& b) -> int {  // -1, 0, 1
    const auto cmp = [](const auto& x, const auto& y) { return x < y ? -1 : (y < x ? 1 : 0); };
    switch (sort) {
      case db::DossierSort::filed_at:
        return cmp(a.filed, b.filed);
      case db::DossierSort::due_at:
        return cmp(a.due, b.due);
      case db::DossierSort::code:
        return cmp(a.code, b.code);
      case db::DossierSort::state: {
        const int by_status =
            cmp(db::national_status_code(a.state), db::national_status_code(b.state));
        if (by_status != 0) return by_status;
        const int by_name = cmp(db::dossier_state_name(a.state), db::dossier_state_name(b.state));
        return by_name != 0 ? by_name : cmp(a.filed, b.filed);
      }
    }
    return 0;
  };
  const auto missing = [&](const Listed& l) {
    return (sort == db::DossierSort::due_at && !l.due) ||
           (sort == db::DossierSort::code && !l.code);
  };
  std::sort(all.begin(), all.end(), [&](const Listed& a, const Listed& b) {
    if (missing(a) != missing(b)) return missing(b);  // without one: last, either way
    int c = key_less(a, b);
    if (c == 0) c = a.id < b.id ? -1 : (a.id > b.id ? 1 : 0);
    return descending ? c > 0 : c < 0;
  });
  std::vector<db::Id> ids;
  for (const Listed& l : all) ids.push_back(l.id);
  return ids;
}

}  // namespace

TEST_CASE(
    "the dossier list pages through every order in disjoint consecutive pages, each with the "
    "total") {
  ListDesk desk;
  const std::vector<Listed> all = add_paging_desk(desk);
  for (const auto sort : {db::DossierSort::filed_at, db::DossierSort::due_at, db::DossierSort::code,
                          db::DossierSort::state}) {
    for (const bool descending : {false, true}) {
      CAPTURE(tracking::list_sort_name(sort));
      CAPTURE(descending);
      tracking::DossierQuery query;
      query.sort = sort;
      query.descending = descending;
      query.limit = 5;
      std::vector<db::Id> paged;
      for (query.offset = 0; query.offset < 30; query.offset += 5) {
        auto page = tracking::search_dossiers(*desk.store, desk.clock, query);
        REQUIRE(page.has_value());
        CHECK(page->total == 23);
        CHECK(page->rows.size() == static_cast<std::size_t>(std::clamp(
                                       23 - query.offset, std::int64_t{0}, std::int64_t{5})));
        for (const auto& row : page->rows) paged.push_back(row.dossier.id);
      }
      // Consecutive pages are the whole order, cut in pieces: nothing twice, nothing left out.
      CHECK(paged == expected_order(all, sort, descending));
      std::vector<db::Id> unique = paged;
      std::sort(unique.begin(), unique.end());
      CHECK(std::adjacent_find(unique.begin(), unique.end()) == unique.end());
    }
  }
}

TEST_CASE("the dossier list's total counts what the filters match, not what one page holds") {
  ListDesk desk;
  const std::vector<Listed> all = add_paging_desk(desk);
  tracking::DossierQuery accepted;
  accepted.state = DossierState::accepted;
  accepted.limit = 1;
  auto page = tracking::search_dossiers(*desk.store, desk.clock, accepted);
  REQUIRE(page.has_value());
  CHECK(page->rows.size() == 1);
  CHECK(page->total == std::count_if(all.begin(), all.end(), [](const Listed& l) {
          return l.state == DossierState::accepted;
        }));
  tracking::DossierQuery nobody;
  nobody.text = "nobody of that name";
  page = tracking::search_dossiers(*desk.store, desk.clock, nobody);
  REQUIRE(page.has_value());
  CHECK(page->rows.empty());
  CHECK(page->total == 0);
}

TEST_CASE("regression: the list's count says 213 when 213 dossiers match, not the 200 shown") {
  ListDesk desk;
  REQUIRE(desk.store
              ->write([&](db::Transaction& tx) -> Result<void> {
                for (int k = 0; k < 213; ++k) {
                  db::Dossier d;
                  d.agency_id = desk.agency_id;
                  d.state = DossierState::received;
                  d.filed_at = at("2026-03-02 08:00") + std::chrono::minutes{k};
                  d.created_at = d.updated_at = d.filed_at;
                  d.lookup_code = "ABCD1234";
                  TRY(tx.insert_dossier(d));
                }
                return {};
              })
              .has_value());
  auto page = tracking::search_dossiers(*desk.store, desk.clock, tracking::DossierQuery{});
  REQUIRE(page.has_value());
  CHECK(page->rows.size() == 200);
  CHECK(page->total == 213);
  tracking::DossierQuery rest;
  rest.offset = 200;
  page = tracking::search_dossiers(*desk.store, desk.clock, rest);
  REQUIRE(page.has_value());
  CHECK(page->rows.size() == 13);
  CHECK(page->total == 213);
}

TEST_CASE("the list's orders are named by a whitelist, never by a column of the request") {
  for (const auto sort : {db::DossierSort::filed_at, db::DossierSort::due_at, db::DossierSort::code,
                          db::DossierSort::state}) {
    CHECK(tracking::parse_list_sort(tracking::list_sort_name(sort)) == sort);
  }
  CHECK_FALSE(tracking::parse_list_sort("d.id; DROP TABLE dossiers").has_value());
  CHECK_FALSE(tracking::parse_list_sort("lookup_code").has_value());
  CHECK_FALSE(tracking::parse_list_sort("").has_value());
}
