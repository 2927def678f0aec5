// Registration when its unit of work runs twice, as the PostgreSQL store runs it again after a
// lost serialization conflict (tests/support/rerun_store.hpp): the clerk sees what one run gives
// (one dossier, one event per step, "registered" and not "already registered"), also when the
// writer that won the conflict changed what the second run finds.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "db/image_store.hpp"
#include "db/store.hpp"
#include "intake/classify.hpp"
#include "intake/registrar.hpp"
#include "tests/support/desk.hpp"
#include "tests/support/rerun_store.hpp"

namespace {

using common::Result;
using db::ScanOutcome;

const std::string k_number = "RC627973386VN";
const std::string k_other_number = "EB123456785VN";
const std::string k_id_card =
    "031054551436||Lý Thành Việt|06061954|Nam|Thôn Quỳnh Hoàng, Xã Nam Sơn, Huyện An Dương, TP. "
    "Hải Phòng|23102021";

// A desk with two registrars: `registrar` over a store that runs every write twice, `station`
// (another scanning station, the writer that wins a conflict) over the store itself.
struct Desk : test_support::Desk {
  test_support::RerunningStore rerunning{*store};
  db::ImageStore images{dir / "images"};
  intake::Classifier classifier;
  intake::Registrar registrar{rerunning, images, classifier, clock,
                              intake::IntakeContext{"mailroom-1", "lan"}};
  intake::Registrar station{*store, images, classifier, clock,
                            intake::IntakeContext{"mailroom-2", "hoa"}};

  Desk() : test_support::Desk(test_support::at("2026-03-02 10:00"), "Bộ phận Một cửa") {}

  intake::EnvelopeScan envelope(const std::vector<std::string>& texts,
                                const std::string& image = "jpeg bytes") {
    intake::EnvelopeScan scan;
    scan.source_name = "envelope.jpg";
    scan.image.assign(image.begin(), image.end());
    scan.image_type = "jpg";
    for (const auto& text : texts) {
      scan.codes.push_back(classifier.classify(text, scanner::Format::code128));
    }
    return scan;
  }

  intake::Registration registered(const Result<intake::Registration>& r) {
    REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : r.error().message));
    return *r;
  }

  db::Counts counts() {
    return store->read<db::Counts>([](db::Transaction& tx) { return tx.counts(); }).value();
  }
  db::Scan scan(db::Id id) {
    const auto found =
        store->read<std::optional<db::Scan>>([&](db::Transaction& tx) { return tx.get_scan(id); });
    REQUIRE((found && found->has_value()));
    return **found;
  }
  std::optional<db::Applicant> applicant_of(db::Id dossier_id) {
    return store
        ->read<std::optional<db::Applicant>>(
            [&](db::Transaction& tx) { return tx.applicant_of(dossier_id); })
        .value();
  }
};

std::string english(const intake::Registration& r) { return r.message.render(common::Lang::en); }

std::vector<db::EventKind> actions(const std::vector<db::Event>& events) {
  std::vector<db::EventKind> out;
  for (const db::Event& e : events) out.push_back(e.action);
  return out;
}

}  // namespace

TEST_CASE("a new envelope registered by a unit of work run twice is one dossier, registered") {
  Desk desk;
  const auto r =
      desk.registered(desk.registrar.register_envelope(desk.envelope({k_number, k_id_card})));
  CHECK(desk.rerunning.reruns == 1);

  CHECK(r.outcome == ScanOutcome::registered);
  CHECK_FALSE(r.replayed);
  CHECK(r.tracking_number == k_number);
  CHECK(r.scan_count == 1);
  CHECK_FALSE(r.manual_id.has_value());
  REQUIRE(r.dossier_id.has_value());
  CHECK(english(r) == k_number + ": registered as dossier #" + std::to_string(*r.dossier_id));

  const auto counts = desk.counts();
  CHECK(counts.dossiers == 1);
  CHECK(counts.scans == 1);
  CHECK(counts.shipments == 1);
  CHECK(counts.manual_open == 0);
  CHECK(
      actions(desk.events(*r.dossier_id)) ==
      std::vector<db::EventKind>{db::EventKind::received_by_post, db::EventKind::applicant_added});
  const auto applicant = desk.applicant_of(*r.dossier_id);
  REQUIRE(applicant.has_value());
  CHECK(applicant->full_name == "Lý Thành Việt");
  // The registered scan keeps no identity, however often its unit of work ran.
  for (const auto& c : desk.scan(r.scan_id).codes) {
    CHECK(c.text.find("031054551436") == std::string::npos);
  }
}

TEST_CASE("a rescan registered by a unit of work run twice joins its dossier once") {
  Desk desk;
  const auto first = desk.registered(desk.station.register_envelope(desk.envelope({k_number})));
  desk.clock.advance(std::chrono::minutes{5});
  const auto again =
      desk.registered(desk.registrar.register_envelope(desk.envelope({k_number}, "photo 2")));
  CHECK(desk.rerunning.reruns == 1);

  CHECK(again.outcome == ScanOutcome::already_registered);
  CHECK(again.dossier_id == first.dossier_id);
  CHECK(again.scan_count == 2);
  CHECK(english(again) == k_number + ": already registered as dossier #" +
                              std::to_string(*first.dossier_id) + " (2nd scan)");
  CHECK(desk.counts().dossiers == 1);
  CHECK(desk.counts().scans == 2);
  CHECK(actions(desk.events(*first.dossier_id)) ==
        std::vector<db::EventKind>{db::EventKind::received_by_post, db::EventKind::scanned_again});
}

TEST_CASE("an unreadable envelope registered by a unit of work run twice is one manual item") {
  Desk desk;
  const auto r = desk.registered(desk.registrar.register_envelope(desk.envelope({})));
  CHECK(desk.rerunning.reruns == 1);
  CHECK(r.outcome == ScanOutcome::manual);
  REQUIRE(r.manual_id.has_value());
  CHECK_FALSE(r.dossier_id.has_value());
  CHECK(r.tracking_number.empty());
  CHECK(english(r).find("needs a person (manual queue #" + std::to_string(*r.manual_id) + ")") !=
        std::string::npos);
  CHECK(desk.counts().manual_open == 1);
  CHECK(desk.counts().dossiers == 0);
  CHECK(actions(desk.events(*r.manual_id, "manual")) ==
        std::vector<db::EventKind>{db::EventKind::queued});

  // The same file again, also run twice: it joins the item waiting.
  const auto again = desk.registered(desk.registrar.register_envelope(desk.envelope({})));
  CHECK(again.manual_id == r.manual_id);
  CHECK(english(again).find("already waiting in the manual queue") != std::string::npos);
  CHECK(desk.counts().manual_open == 1);
}

TEST_CASE(
    "an envelope whose other number another station registered while the first run went on waits "
    "for a person with its ID card kept, and names no dossier") {
  // Two numbers on one envelope, the desk knowing only the first: the first run joins that
  // dossier (and drops the ID card's text from the scan, as registered scans do). Another station
  // registers the second number meanwhile, so the second run finds both known and must put the
  // envelope in the manual queue, as if the first run had never been.
  Desk desk;
  const auto known = desk.registered(desk.station.register_envelope(desk.envelope({k_number})));
  desk.rerunning.between = [&] {
    (void)desk.registered(
        desk.station.register_envelope(desk.envelope({k_other_number}, "other envelope")));
  };
  const auto r = desk.registered(desk.registrar.register_envelope(
      desk.envelope({k_number, k_other_number, k_id_card}, "both numbers")));
  CHECK(desk.rerunning.reruns == 1);

  CHECK(r.outcome == ScanOutcome::manual);
  REQUIRE(r.manual_id.has_value());
  CHECK_FALSE(r.dossier_id.has_value());
  CHECK(r.tracking_number.empty());
  CHECK(r.scan_count == 0);
  CHECK(english(r).find("needs a person") != std::string::npos);
  CHECK(english(r).find("already registered") == std::string::npos);
  CHECK(desk.counts().dossiers == 2);
  CHECK_FALSE(desk.applicant_of(*known.dossier_id).has_value());

  // The waiting scan keeps the ID card, so resolving it gives the dossier its applicant.
  bool card_kept = false;
  for (const auto& c : desk.scan(r.scan_id).codes) {
    if (c.text.find("031054551436") != std::string::npos) card_kept = true;
  }
  CHECK(card_kept);
  const auto resolved = desk.registered(desk.station.resolve_manual(*r.manual_id, k_other_number));
  REQUIRE(resolved.dossier_id.has_value());
  const auto applicant = desk.applicant_of(*resolved.dossier_id);
  REQUIRE(applicant.has_value());
  CHECK(applicant->full_name == "Lý Thành Việt");
}

TEST_CASE("an upload another request took while the first run went on answers as its replay does") {
  Desk desk;
  auto upload = desk.envelope({k_number});
  upload.idempotency_key = "watch:envelope-1";
  desk.rerunning.between = [&] { (void)desk.registered(desk.station.register_envelope(upload)); };
  const auto r = desk.registered(desk.registrar.register_envelope(upload));
  CHECK(desk.rerunning.reruns == 1);
  // What the same upload gets when nothing runs twice.
  const auto replay = desk.registered(desk.station.register_envelope(upload));

  CHECK(r.replayed);
  CHECK(r.outcome == replay.outcome);
  CHECK(r.scan_id == replay.scan_id);
  CHECK(r.dossier_id == replay.dossier_id);
  CHECK(r.manual_id == replay.manual_id);
  CHECK(r.tracking_number == replay.tracking_number);
  CHECK(r.scan_count == replay.scan_count);
  CHECK(r.supplement == replay.supplement);
  CHECK(english(r) == english(replay));
  CHECK(english(r).find("taken before") != std::string::npos);
  CHECK(desk.counts().dossiers == 1);
  CHECK(desk.counts().scans == 1);
}
