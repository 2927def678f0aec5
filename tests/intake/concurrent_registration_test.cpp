// Several scanning stations on one database at the same moment, each with a store of its own (its
// own connections, as separate processes or servers have): the same envelopes scanned at every
// station are one dossier each, registered once and joined by the other scans. On SQLite the
// writers queue for the file's lock; on PostgreSQL they run at once and the loser of a conflict is
// run again (db/detail/postgres_engine.cpp), which is what this test puts under load.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/s10.hpp"
#include "db/image_store.hpp"
#include "db/store.hpp"
#include "intake/classify.hpp"
#include "intake/registrar.hpp"
#include "tests/support/desk.hpp"

namespace {

constexpr int k_stations = 4;
constexpr int k_envelopes = 25;

struct Station {
  std::unique_ptr<db::Store> store;
  std::unique_ptr<db::ImageStore> images;
  intake::Classifier classifier;
  std::unique_ptr<intake::Registrar> registrar;
  std::vector<intake::Registration> results;
  std::vector<std::string> errors;
};

}  // namespace

TEST_CASE("envelopes scanned at four stations at once are one dossier each, registered once") {
  test_support::Desk desk;
  std::vector<std::string> numbers;
  for (int i = 0; i < k_envelopes; ++i) {
    numbers.push_back(common::make_s10("RC", static_cast<std::uint32_t>(627'973'00 + i)));
  }
  std::vector<Station> stations(k_stations);
  for (int s = 0; s < k_stations; ++s) {
    Station& st = stations[static_cast<std::size_t>(s)];
    auto opened = test_support::open_store(desk.database);
    REQUIRE_MESSAGE(opened.has_value(), (opened ? std::string() : opened.error().message));
    st.store = std::move(*opened);
    st.images = std::make_unique<db::ImageStore>(desk.dir / "images");
    st.registrar = std::make_unique<intake::Registrar>(
        *st.store, *st.images, st.classifier, desk.clock,
        intake::IntakeContext{fmt::format("mailroom-{}", s + 1), "lan"});
  }

  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int s = 0; s < k_stations; ++s) {
    threads.emplace_back([&, s] {
      Station& st = stations[static_cast<std::size_t>(s)];
      // Each station scans every envelope, in an order of its own.
      std::vector<std::string> order = numbers;
      std::shuffle(order.begin(), order.end(), std::mt19937(static_cast<unsigned>(s) + 7));
      ++ready;
      while (ready.load() < k_stations) std::this_thread::yield();
      for (const std::string& number : order) {
        intake::EnvelopeScan scan;
        scan.source_name = fmt::format("station-{}-{}.jpg", s + 1, number);
        const std::string image = "photo of " + number + " at station " + std::to_string(s);
        scan.image.assign(image.begin(), image.end());
        scan.image_type = "jpg";
        scan.codes.push_back(st.classifier.classify(number, scanner::Format::code128));
        auto done = st.registrar->register_envelope(scan);
        if (done) {
          st.results.push_back(*done);
        } else {
          st.errors.push_back(done.error().message);
        }
      }
    });
  }
  for (auto& t : threads) t.join();

  std::map<db::Id, int> registered;  // dossier -> how many stations were told "registered"
  std::map<db::Id, int> scanned;     // dossier -> scans joined to it
  for (const Station& st : stations) {
    CHECK_MESSAGE(st.errors.empty(), (st.errors.empty() ? std::string() : st.errors.front()));
    for (const intake::Registration& r : st.results) {
      REQUIRE(r.dossier_id.has_value());
      ++scanned[*r.dossier_id];
      if (r.outcome == db::ScanOutcome::registered) ++registered[*r.dossier_id];
      CHECK((r.outcome == db::ScanOutcome::registered ||
             r.outcome == db::ScanOutcome::already_registered));
    }
  }
  CHECK(registered.size() == numbers.size());
  CHECK(scanned.size() == numbers.size());
  for (const auto& [dossier, times] : registered) CHECK(times == 1);
  for (const auto& [dossier, times] : scanned) CHECK(times == k_stations);

  const auto counts =
      desk.store->read<db::Counts>([](db::Transaction& tx) { return tx.counts(); }).value();
  CHECK(counts.dossiers == k_envelopes);
  CHECK(counts.scans == k_envelopes * k_stations);
  CHECK(counts.shipments == k_envelopes);
  CHECK(counts.manual_open == 0);
}
