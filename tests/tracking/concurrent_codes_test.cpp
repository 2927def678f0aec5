// Officers at several servers accepting dossiers at the same moment, each server with a store of
// its own: the day's dossier numbers stay unique and gap-free (0001, 0002, ... in some order), as
// Decree 118/2025's receipt numbering needs (docs/domain.md §1.3). On PostgreSQL the acceptances
// run at once and a lost conflict is run again; on SQLite they queue for the file's lock.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "db/store.hpp"
#include "tests/support/desk.hpp"
#include "tracking/lifecycle.hpp"

namespace {

constexpr int k_servers = 4;
constexpr int k_dossiers = 40;

}  // namespace

TEST_CASE("dossiers accepted at four servers at once get the day's numbers once each, no gap") {
  using test_support::at;
  test_support::Desk desk(at("2026-11-23 09:00"));
  desk.add_procedure("P5", 5);
  std::vector<db::Id> ids;
  for (int i = 0; i < k_dossiers; ++i) {
    ids.push_back(
        desk.add_dossier(at("2026-11-23 08:00"), std::nullopt, fmt::format("K7M2{:04}", i)));
  }
  std::vector<std::unique_ptr<db::Store>> stores;
  for (int s = 0; s < k_servers; ++s) {
    auto opened = test_support::open_store(desk.database);
    REQUIRE_MESSAGE(opened.has_value(), (opened ? std::string() : opened.error().message));
    stores.push_back(std::move(*opened));
  }

  std::vector<std::vector<std::string>> codes(k_servers);
  std::vector<std::vector<std::string>> errors(k_servers);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int s = 0; s < k_servers; ++s) {
    threads.emplace_back([&, s] {
      tracking::Lifecycle life{*stores[static_cast<std::size_t>(s)], desk.clock};
      ++ready;
      while (ready.load() < k_servers) std::this_thread::yield();
      for (std::size_t i = static_cast<std::size_t>(s); i < ids.size(); i += k_servers) {
        tracking::ActionRequest accept;
        accept.action = tracking::Action::accept;
        accept.actor = fmt::format("officer-{}", s + 1);
        accept.procedure_code = "P5";
        auto done = life.apply(ids[i], accept);
        if (done && done->after.code) {
          codes[static_cast<std::size_t>(s)].push_back(*done->after.code);
        } else {
          errors[static_cast<std::size_t>(s)].push_back(done ? "no code" : done.error().message);
        }
      }
    });
  }
  for (auto& t : threads) t.join();

  std::set<std::string> all;
  std::size_t given = 0;
  for (int s = 0; s < k_servers; ++s) {
    const auto& failed = errors[static_cast<std::size_t>(s)];
    CHECK_MESSAGE(failed.empty(), (failed.empty() ? std::string() : failed.front()));
    given += codes[static_cast<std::size_t>(s)].size();
    all.insert(codes[static_cast<std::size_t>(s)].begin(),
               codes[static_cast<std::size_t>(s)].end());
  }
  CHECK(given == ids.size());
  std::set<std::string> expected;
  for (int n = 1; n <= k_dossiers; ++n) {
    expected.insert(fmt::format("{}-261123-{:04}", test_support::k_agency, n));
  }
  CHECK(all == expected);
  // Each dossier has one accepted event: no acceptance was applied twice.
  for (const db::Id id : ids) CHECK(desk.events(id).size() == 1);
}
