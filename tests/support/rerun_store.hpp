// A store that runs every unit of work twice, as a store with optimistic concurrency (the
// PostgreSQL store, at SERIALIZABLE) does when its transaction loses a conflict with another
// writer: the first run's transaction is rolled back, then the same `work` runs again from the
// start in a transaction that commits, and that run's result is what the caller gets. Over the
// SQLite store it makes a unit of work that is not safe to re-run (it appends to a captured
// output, moves out of a capture, acts outside the database) fail its tests on every build, not
// only under the rare conflict (db::Store::write states the contract).
#pragma once

#include <functional>
#include <utility>

#include "common/result.hpp"
#include "db/store.hpp"

namespace test_support {

class RerunningStore final : public db::Store {
 public:
  explicit RerunningStore(db::Store& inner) : inner_(inner) {}
  using db::Store::read;
  using db::Store::write;

  // The writer that won the conflict: when set, runs once, after the next first run was rolled
  // back and before `work` runs again, and may commit to the inner store what makes the second run
  // take another path (the same envelope registered by another station). Cleared when it ran.
  std::function<void()> between;
  int reruns = 0;  // units of work run twice so far

  common::Result<void> write(
      const std::function<common::Result<void>(db::Transaction&)>& work) override {
    bool ran = false;
    auto first = inner_.write([&](db::Transaction& tx) -> common::Result<void> {
      (void)work(tx);  // success or not, what it wrote is rolled back
      ran = true;
      return common::make_error(common::ErrorCode::conflict, "lost a conflict (test)");
    });
    if (!ran) return first;  // the inner store refused before `work` ran
    ++reruns;
    if (auto winner = std::exchange(between, {})) winner();
    return inner_.write(work);
  }
  common::Result<void> read(
      const std::function<common::Result<void>(db::Transaction&)>& work) override {
    return inner_.read(work);
  }
  common::Result<void> read(
      db::ReadLane lane,
      const std::function<common::Result<void>(db::Transaction&)>& work) override {
    return inner_.read(lane, work);
  }

 private:
  db::Store& inner_;
};

}  // namespace test_support
