// A supplement posted in an envelope of its own, carrying the dossier's code (form 02's barcode):
// intake joins it to that dossier, moving it on as supplement_received does when it waits for one,
// flagging it for an officer otherwise, and never registers it as a new dossier. The Registrar is
// wired with tracking's rule, as `hoso` wires it (app/desk.cpp).
#include <doctest/doctest.h>

#include <string>

#include "db/image_store.hpp"
#include "intake/classify.hpp"
#include "intake/registrar.hpp"
#include "tests/support/desk.hpp"
#include "tracking/lifecycle.hpp"
#include "tracking/lookup.hpp"

namespace {

using common::Result;
using db::DossierState;
using db::ScanOutcome;
using test_support::at;
using tracking::Action;

constexpr const char* k_first_envelope = "RC627973386VN";
constexpr const char* k_supplement_envelope = "EB123456785VN";

struct Desk : test_support::Desk {
  db::ImageStore images{dir / "images"};
  intake::Classifier classifier;
  intake::Registrar registrar{*store,
                              images,
                              classifier,
                              clock,
                              intake::IntakeContext{"test-station", "lan"},
                              tracking::receive_supplement_by_post};
  tracking::Lifecycle life{*store, clock};

  Desk() : test_support::Desk(at("2026-03-02 10:00")) { add_procedure("1.004227", 5); }

  intake::EnvelopeScan envelope(const std::vector<std::string>& texts,
                                std::optional<db::Id> batch = std::nullopt) {
    intake::EnvelopeScan scan;
    scan.source_name = "envelope.jpg";
    const std::string image = "jpeg bytes of " + texts.front();
    scan.image.assign(image.begin(), image.end());
    scan.image_type = "jpg";
    scan.batch_id = batch;
    for (const auto& text : texts) {
      scan.codes.push_back(classifier.classify(text, scanner::Format::code128));
    }
    return scan;
  }

  intake::Registration registered(const intake::EnvelopeScan& scan) {
    auto r = registrar.register_envelope(scan);
    INFO((r ? std::string() : r.error().message));
    REQUIRE(r.has_value());
    return *r;
  }

  void act(db::Id id, Action action, std::optional<common::Timestamp> when = std::nullopt) {
    tracking::ActionRequest r;
    r.action = action;
    r.actor = "binh.officer";
    r.procedure_code = "1.004227";
    r.missing = "Tờ khai đăng ký biến động";
    r.at = when;
    auto done = life.apply(id, r);
    INFO((done ? std::string() : done.error().message));
    REQUIRE(done.has_value());
  }

  // A dossier registered from its envelope `number` on Monday, accepted (with its code), then
  // asked for a supplement when `ask` is set.
  db::Id accepted_dossier(const std::string& number, bool ask) {
    const auto r = registered(envelope({number}));
    REQUIRE(r.dossier_id.has_value());
    act(*r.dossier_id, Action::accept);
    if (ask) act(*r.dossier_id, Action::request_supplement);
    return *r.dossier_id;
  }

  // The carrier hands over a later batch: Thursday 09:00; the mailroom scans it at 10:00.
  db::Id thursday_batch() {
    clock.set(at("2026-03-05 10:00"));
    auto batch = registrar.open_batch("thursday", "vnpost", at("2026-03-05 09:00"), {});
    REQUIRE(batch.has_value());
    return batch->id;
  }

  std::int64_t dossier_count() {
    std::int64_t n = 0;
    read([&](db::Transaction& tx) -> Result<void> {
      n = tx.counts().value().dossiers;
      return {};
    });
    return n;
  }

  int events_of_kind(db::Id id, db::EventKind kind) {
    int n = 0;
    for (const auto& e : events(id)) n += e.action == kind ? 1 : 0;
    return n;
  }
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a supplement envelope carrying the code of a dossier waiting for it is joined to it") {
  Desk desk;
  const db::Id id = desk.accepted_dossier(k_first_envelope, true);
  // A twin dossier whose supplement the officer records by hand at the same moment: the joined
  // one must end where supplement_received leaves it.
  const db::Id twin = desk.accepted_dossier("RR987654326VN", true);
  const db::Dossier asked = desk.dossier(id);
  REQUIRE(asked.state == DossierState::supplement_requested);
  REQUIRE_FALSE(asked.due_at.has_value());
  const std::string code = asked.code.value();

  const db::Id batch = desk.thursday_batch();
  const auto r = desk.registered(desk.envelope({k_supplement_envelope, code}, batch));
  desk.act(twin, Action::supplement_received, at("2026-03-05 09:00"));

  CHECK(r.outcome == ScanOutcome::registered);
  CHECK(r.supplement == intake::SupplementJoin::moved_on);
  REQUIRE(r.dossier_id.has_value());
  CHECK(*r.dossier_id == id);
  CHECK(r.tracking_number == k_supplement_envelope);
  CHECK(desk.dossier_count() == 2);  // no new dossier
  CHECK(r.message.render(common::Lang::en) ==
        fmt::format("{}: joined to dossier {} (#{}) as a supplement; the dossier moves on",
                    k_supplement_envelope, code, id));
  CHECK(contains(r.message.render(common::Lang::vi), "hồ sơ bổ sung, đã ghép vào hồ sơ " + code));

  // The dossier moved on exactly as supplement_received moves it, from the handover.
  const db::Dossier after = desk.dossier(id);
  const db::Dossier expected = desk.dossier(twin);
  CHECK(after.state == DossierState::accepted);
  CHECK(after.state == expected.state);
  CHECK(after.clock_started_at == at("2026-03-05 09:00"));
  REQUIRE(after.due_at.has_value());
  CHECK(after.due_at == expected.due_at);

  // The envelope is the dossier's second inbound shipment.
  const auto inbound = desk.shipments_of(id, db::Direction::inbound);
  REQUIRE(inbound.size() == 2);
  CHECK(inbound[1].tracking_number == k_supplement_envelope);

  // One event says the supplement came by post, with its number and no personal data; the
  // lifecycle's supplement_received follows, naming the envelope too.
  const auto events = desk.events(id);
  REQUIRE(events.size() >= 2);
  const db::Event& by_post = events[events.size() - 2];
  CHECK(by_post.action == db::EventKind::supplement_by_post);
  CHECK(contains(by_post.data, k_supplement_envelope));
  CHECK(by_post.actor == "lan");
  CHECK(events.back().action == db::EventKind::supplement_received);
  CHECK(contains(events.back().data, k_supplement_envelope));

  // The citizen's timeline shows the step, in Vietnamese, and nothing personal.
  auto view = tracking::citizen_lookup(*desk.store, code, asked.lookup_code);
  REQUIRE(view.has_value());
  bool shown = false;
  for (const auto& step : view->timeline) {
    if (step.step == "supplement_by_post") {
      shown = true;
      CHECK(step.label == "Đã nhận hồ sơ bổ sung qua bưu điện");
      CHECK(step.at == at("2026-03-05 09:00"));
    }
  }
  CHECK(shown);
}

TEST_CASE("a supplement's code written in a lenient form or in a portal link is recognised too") {
  Desk desk;
  const db::Id id = desk.accepted_dossier(k_first_envelope, true);
  const std::string code = desk.dossier(id).code.value();  // 000.00.05.H12-260302-0001
  REQUIRE(code == "000.00.05.H12-260302-0001");
  desk.thursday_batch();
  const auto r =
      desk.registered(desk.envelope({k_supplement_envelope, "000.00.05.h12-20260302-0001"}));
  CHECK(r.supplement == intake::SupplementJoin::moved_on);
  CHECK(r.dossier_id == id);

  const db::Id other = desk.accepted_dossier("RR987654326VN", true);
  const std::string other_code = desk.dossier(other).code.value();
  const auto linked = desk.registered(desk.envelope(
      {"RR000000005VN", "https://dichvucong.example.gov.vn/tra-cuu?MHS=" + other_code}));
  CHECK(linked.supplement == intake::SupplementJoin::moved_on);
  CHECK(linked.dossier_id == other);
  CHECK(desk.dossier_count() == 2);
}

TEST_CASE("a supplement for a dossier not waiting for one is joined and flagged, state unchanged") {
  Desk desk;
  const db::Id id = desk.accepted_dossier(k_first_envelope, false);
  const db::Dossier before = desk.dossier(id);
  REQUIRE(before.state == DossierState::accepted);
  const db::Id batch = desk.thursday_batch();

  const auto r =
      desk.registered(desk.envelope({k_supplement_envelope, before.code.value()}, batch));
  CHECK(r.outcome == ScanOutcome::registered);
  CHECK(r.supplement == intake::SupplementJoin::not_waiting);
  CHECK(r.dossier_id == id);
  CHECK(desk.dossier_count() == 1);
  CHECK(contains(r.message.render(common::Lang::en),
                 "as a supplement, but the dossier was not waiting for a supplement: an officer "
                 "should look at it"));
  CHECK(contains(r.message.render(common::Lang::vi), "không ở trạng thái chờ bổ sung"));

  const db::Dossier after = desk.dossier(id);
  CHECK(after.state == before.state);
  CHECK(after.due_at == before.due_at);
  CHECK(after.clock_started_at == before.clock_started_at);
  CHECK(desk.shipments_of(id, db::Direction::inbound).size() == 2);  // nothing lost
  CHECK(desk.events_of_kind(id, db::EventKind::supplement_unexpected) == 1);
  CHECK(desk.events_of_kind(id, db::EventKind::supplement_by_post) == 0);
  CHECK(desk.events_of_kind(id, db::EventKind::supplement_received) == 0);
}

TEST_CASE("an envelope carrying an unknown dossier code is a new dossier, as before") {
  Desk desk;
  const db::Id id = desk.accepted_dossier(k_first_envelope, true);
  desk.thursday_batch();
  // Another agency's code from a portal receipt, and a code of this desk that was never given.
  for (const char* unknown : {"000.00.07.H58-251202-0322", "000.00.05.H12-260302-0099"}) {
    const std::string number =
        std::string(unknown).back() == '2' ? "RR000000005VN" : "RR000000014VN";
    const auto r = desk.registered(desk.envelope({number, unknown}));
    CHECK(r.outcome == ScanOutcome::registered);
    CHECK(r.supplement == intake::SupplementJoin::none);
    REQUIRE(r.dossier_id.has_value());
    CHECK(*r.dossier_id != id);
    CHECK(desk.dossier(*r.dossier_id).portal_code == unknown);
    CHECK(contains(r.message.render(common::Lang::en), "registered as dossier"));
  }
  CHECK(desk.dossier_count() == 3);
  CHECK(desk.dossier(id).state == DossierState::supplement_requested);
}

TEST_CASE("a supplement envelope scanned again is already registered, and moves nothing twice") {
  Desk desk;
  const db::Id id = desk.accepted_dossier(k_first_envelope, true);
  const std::string code = desk.dossier(id).code.value();
  const db::Id batch = desk.thursday_batch();
  const auto first = desk.registered(desk.envelope({k_supplement_envelope, code}, batch));
  REQUIRE(first.supplement == intake::SupplementJoin::moved_on);
  const db::Dossier moved = desk.dossier(id);

  desk.clock.set(at("2026-03-05 10:05"));
  const auto again = desk.registered(desk.envelope({k_supplement_envelope, code}, batch));
  CHECK(again.outcome == ScanOutcome::already_registered);
  CHECK(again.supplement == intake::SupplementJoin::none);
  CHECK(again.dossier_id == id);
  CHECK(contains(again.message.render(common::Lang::en), "already registered as dossier"));
  CHECK(desk.shipments_of(id, db::Direction::inbound).size() == 2);
  CHECK(desk.events_of_kind(id, db::EventKind::supplement_by_post) == 1);
  CHECK(desk.events_of_kind(id, db::EventKind::supplement_received) == 1);
  CHECK(desk.dossier(id).due_at == moved.due_at);
  CHECK(desk.dossier_count() == 1);
}

TEST_CASE("a supplement envelope resolved from the manual queue is joined to its dossier") {
  Desk desk;
  const db::Id id = desk.accepted_dossier(k_first_envelope, true);
  const std::string code = desk.dossier(id).code.value();
  const db::Id batch = desk.thursday_batch();
  // The envelope's number was read with a wrong check digit: it waits for a clerk.
  const auto waiting = desk.registered(desk.envelope({"EB123456789VN", code}, batch));
  REQUIRE(waiting.outcome == ScanOutcome::manual);
  REQUIRE(waiting.manual_id.has_value());
  CHECK(desk.dossier(id).state == DossierState::supplement_requested);

  desk.clock.set(at("2026-03-05 11:00"));
  auto resolved = desk.registrar.resolve_manual(*waiting.manual_id, k_supplement_envelope);
  REQUIRE(resolved.has_value());
  CHECK(resolved->outcome == ScanOutcome::resolved);
  CHECK(resolved->supplement == intake::SupplementJoin::moved_on);
  CHECK(resolved->dossier_id == id);
  CHECK(contains(resolved->message.render(common::Lang::en), "joined to dossier " + code));
  CHECK(desk.dossier_count() == 1);
  const db::Dossier after = desk.dossier(id);
  CHECK(after.state == DossierState::accepted);
  CHECK(after.clock_started_at == at("2026-03-05 09:00"));  // the handover, not the typing
  CHECK(desk.events_of_kind(id, db::EventKind::supplement_by_post) == 1);
}
