// Registration: one dossier per envelope however often it is scanned, the manual queue for what a
// person must look at, resolution by a typed number, handover batches and their record.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "db/image_store.hpp"
#include "db/store.hpp"
#include "intake/classify.hpp"
#include "intake/mailroom.hpp"
#include "intake/manual_reason.hpp"
#include "intake/registrar.hpp"
#include "scanner/messages.hpp"
#include "tests/scanner/test_support.hpp"
#include "tests/support/desk.hpp"

namespace {

using common::Result;
using db::ScanOutcome;
using test_support::TempDir;

// 10:00 on Monday 2 March 2026 in Vietnam.
const common::Timestamp k_monday_10 = common::local_time(
    common::Date{std::chrono::year{2026}, std::chrono::March, std::chrono::day{2}}, 10, 0);

// A desk on a fresh database with a clock standing at k_monday_10, and its registrar.
struct Desk : test_support::Desk {
  db::ImageStore images{dir / "images"};
  intake::Classifier classifier;
  std::unique_ptr<intake::Registrar> registrar = std::make_unique<intake::Registrar>(
      *store, images, classifier, clock, intake::IntakeContext{"test-station", "lan"});

  Desk() : test_support::Desk(k_monday_10, "Bộ phận Một cửa") {}

  intake::EnvelopeScan envelope(std::vector<std::string> texts, std::string image = "jpeg bytes") {
    intake::EnvelopeScan scan;
    scan.source_name = "envelope.jpg";
    scan.image.assign(image.begin(), image.end());
    scan.image_type = "jpg";
    for (const auto& text : texts) {
      scan.codes.push_back(classifier.classify(text, scanner::Format::code128));
    }
    return scan;
  }

  db::Counts counts() {
    db::Counts c;
    test_support::Desk::read([&](db::Transaction& tx) -> Result<void> {
      c = tx.counts().value();
      return {};
    });
    return c;
  }

  template <class Fn>
  void read(Fn&& fn) {
    test_support::Desk::read([&](db::Transaction& tx) -> Result<void> {
      fn(tx);
      return {};
    });
  }
};

const std::string k_id_card =
    "031054551436||Lý Thành Việt|06061954|Nam|Thôn Quỳnh Hoàng, Xã Nam Sơn, Huyện An Dương, TP. "
    "Hải Phòng|23102021";

}  // namespace

TEST_CASE("a first scan registers the dossier, its inbound shipment, the applicant and history") {
  Desk desk;
  auto r = desk.registrar->register_envelope(
      desk.envelope({"RC627973386VN", k_id_card,
                     "https://dichvucong.example.gov.vn/tra-cuu?MHS=000.00.07.H58-251202-0322"}));
  REQUIRE(r.has_value());
  CHECK(r->outcome == ScanOutcome::registered);
  CHECK(r->tracking_number == "RC627973386VN");
  CHECK(r->scan_count == 1);
  REQUIRE(r->dossier_id.has_value());
  CHECK(r->message.render(common::Lang::en).find("registered as dossier") != std::string::npos);
  CHECK(r->message.render(common::Lang::en).find("Lý") ==
        std::string::npos);  // no personal data in messages

  desk.read([&](db::Transaction& tx) {
    auto d = tx.get_dossier(*r->dossier_id).value().value();
    CHECK(d.state == db::DossierState::received);
    CHECK(db::national_status_code(d.state) == 1);
    CHECK(d.channel == 3);
    CHECK(d.filed_at == k_monday_10);  // no batch: filed when scanned
    CHECK(d.portal_code == "000.00.07.H58-251202-0322");
    CHECK(d.lookup_code.size() == 8);
    auto shipments = tx.shipments_of(d.id).value();
    REQUIRE(shipments.size() == 1);
    CHECK(shipments[0].direction == db::Direction::inbound);
    CHECK(shipments[0].carrier == "vnpost");
    CHECK(shipments[0].year == 2026);
    auto applicant = tx.applicant_of(d.id).value().value();
    CHECK(applicant.id_number == "031054551436");
    CHECK(applicant.full_name == "Lý Thành Việt");
    CHECK(applicant.address == "Thôn Quỳnh Hoàng, Xã Nam Sơn, Huyện An Dương, TP. Hải Phòng");
    auto events = tx.events_of("dossier", d.id).value();
    REQUIRE(events.size() == 2);
    CHECK(events[0].action == db::EventKind::received_by_post);
    CHECK(events[0].actor == "lan");
    CHECK(events[1].action == db::EventKind::applicant_added);
    for (const auto& e : events) CHECK(e.data.find("031054551436") == std::string::npos);
    // The action says what happened; code writes no English sentence as the reason.
    for (const auto& e : events) CHECK(e.reason.empty());
    auto scans = tx.scans_of(d.id).value();
    REQUIRE(scans.size() == 1);
    CHECK(scans[0].station == "test-station");
    CHECK(std::filesystem::exists(desk.images.path_of(scans[0].image_hash, "jpg")));
    // The identity is kept once, in the applicant record, not again with the codes read.
    for (const auto& c : scans[0].codes) CHECK(c.text.find("031054551436") == std::string::npos);
  });
}

TEST_CASE("scanning the same envelope again returns the existing dossier and adds to its history") {
  Desk desk;
  auto first = desk.registrar->register_envelope(desk.envelope({"RC627973386VN"}, "photo 1"));
  desk.clock.advance(std::chrono::minutes{5});
  auto second = desk.registrar->register_envelope(desk.envelope({"rc 627 973 386 vn"}, "photo 2"));
  auto third = desk.registrar->register_envelope(desk.envelope({"RC627973386VN"}, "photo 1"));
  REQUIRE(first.has_value());
  REQUIRE(second.has_value());
  REQUIRE(third.has_value());
  CHECK(second->outcome == ScanOutcome::already_registered);
  CHECK(second->dossier_id == first->dossier_id);
  CHECK(third->dossier_id == first->dossier_id);
  CHECK(third->scan_count == 3);
  CHECK(third->message.render(common::Lang::en).find("already registered") != std::string::npos);
  CHECK(third->message.render(common::Lang::en).find("3rd scan") != std::string::npos);
  const auto counts = desk.counts();
  CHECK(counts.dossiers == 1);
  CHECK(counts.shipments == 1);
  CHECK(counts.scans == 3);
}

TEST_CASE("the same number seen again more than a year later is a new envelope") {
  Desk desk;
  auto first = desk.registrar->register_envelope(desk.envelope({"EB123456785VN"}));
  desk.clock.advance(std::chrono::days{400});
  auto later = desk.registrar->register_envelope(desk.envelope({"EB123456785VN"}));
  REQUIRE(first.has_value());
  REQUIRE(later.has_value());
  CHECK(later->outcome == ScanOutcome::registered);
  CHECK(later->dossier_id != first->dossier_id);
  CHECK(desk.counts().dossiers == 2);
}

TEST_CASE("a wrong check digit goes to the manual queue with the expected digit, image kept") {
  Desk desk;
  auto r = desk.registrar->register_envelope(desk.envelope({"EB123456789VN", k_id_card}));
  REQUIRE(r.has_value());
  CHECK(r->outcome == ScanOutcome::manual);
  REQUIRE(r->manual_id.has_value());
  CHECK_FALSE(r->dossier_id.has_value());
  CHECK(r->message.render(common::Lang::en).find("check digit should be 5, found 9") !=
        std::string::npos);
  CHECK(desk.counts().dossiers == 0);
  CHECK(desk.counts().manual_open == 1);
  desk.read([&](db::Transaction& tx) {
    auto item = tx.get_manual(*r->manual_id).value().value();
    CHECK(item.reason_code == "bad_check_digit");
    auto scan = tx.get_scan(item.scan_id).value().value();
    CHECK(std::filesystem::exists(desk.images.path_of(scan.image_hash, "jpg")));
    CHECK(scan.codes.size() == 2);
  });
}

TEST_CASE("unreadable images, unknown codes and two different numbers each get a clear reason") {
  Desk desk;
  auto unreadable = desk.envelope({});
  unreadable.scan_error = "not an image: the file starts with bytes no image format uses";
  auto none = desk.envelope({}, "blank photo");
  auto unknown = desk.envelope({"hello world"}, "other photo");
  auto two = desk.envelope({"RR090597774VN", "EA603136318VN"}, "two labels");
  auto r1 = desk.registrar->register_envelope(unreadable);
  auto r2 = desk.registrar->register_envelope(none);
  auto r3 = desk.registrar->register_envelope(unknown);
  auto r4 = desk.registrar->register_envelope(two);
  for (const auto* r : {&r1, &r2, &r3, &r4}) {
    REQUIRE(r->has_value());
    CHECK((*r)->outcome == ScanOutcome::manual);
  }
  CHECK(r1->message.render(common::Lang::en).find("could not be read") != std::string::npos);
  CHECK(r1->message.render(common::Lang::en).find("not an image") != std::string::npos);
  CHECK(r2->message.render(common::Lang::en).find("no barcode or QR code found") !=
        std::string::npos);
  CHECK(r3->message.render(common::Lang::en).find("no tracking number") != std::string::npos);
  CHECK(r4->message.render(common::Lang::en).find("RR090597774VN") != std::string::npos);
  CHECK(r4->message.render(common::Lang::en).find("EA603136318VN") != std::string::npos);
  CHECK(desk.counts().manual_open == 4);
  CHECK(desk.counts().dossiers == 0);
}

TEST_CASE("the same unreadable file scanned twice waits in the manual queue once") {
  Desk desk;
  auto a = desk.registrar->register_envelope(desk.envelope({}, "same bytes"));
  auto b = desk.registrar->register_envelope(desk.envelope({}, "same bytes"));
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK(b->manual_id == a->manual_id);
  CHECK(b->message.render(common::Lang::en).find("already waiting") != std::string::npos);
  CHECK(desk.counts().manual_open == 1);
  CHECK(desk.counts().scans == 2);
}

TEST_CASE("a clerk resolves a manual item by typing the number, and a wrong digit is refused") {
  Desk desk;
  auto batch = desk.registrar->open_batch("VNPost 2026-03-02 a", "vnpost",
                                          k_monday_10 - std::chrono::hours{2}, {});
  REQUIRE(batch.has_value());
  auto scan = desk.envelope({k_id_card});  // label unreadable, ID card fine
  scan.batch_id = batch->id;
  auto queued = desk.registrar->register_envelope(scan);
  REQUIRE(queued.has_value());
  REQUIRE(queued->manual_id.has_value());

  auto wrong = desk.registrar->resolve_manual(*queued->manual_id, "EB123456789VN");
  REQUIRE_FALSE(wrong.has_value());
  CHECK(wrong.error().code == common::ErrorCode::bad_input);
  CHECK(wrong.error().message.find("check digit should be 5") != std::string::npos);
  CHECK(desk.counts().manual_open == 1);

  desk.clock.advance(std::chrono::hours{3});
  auto resolved = desk.registrar->resolve_manual(*queued->manual_id, "EB123456785VN");
  REQUIRE(resolved.has_value());
  CHECK(resolved->outcome == ScanOutcome::resolved);
  CHECK(desk.counts().manual_open == 0);
  desk.read([&](db::Transaction& tx) {
    auto d = tx.get_dossier(*resolved->dossier_id).value().value();
    CHECK(d.filed_at == k_monday_10 - std::chrono::hours{2});  // the handover, not the typing
    CHECK(tx.applicant_of(d.id).value().value().id_number == "031054551436");
    CHECK(tx.get_manual(*queued->manual_id).value()->status == db::ManualStatus::resolved);
    const std::vector<db::Scan> kept_scans = tx.scans_of(d.id).value();
    for (const auto& kept : kept_scans) {
      for (const auto& c : kept.codes) CHECK(c.text.find("031054551436") == std::string::npos);
    }
  });
  auto again = desk.registrar->resolve_manual(*queued->manual_id, "EB123456785VN");
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().code == common::ErrorCode::not_found);
}

TEST_CASE("resolving with a number already registered joins that dossier") {
  Desk desk;
  auto registered = desk.registrar->register_envelope(desk.envelope({"EB123456785VN"}));
  auto queued = desk.registrar->register_envelope(desk.envelope({}, "blurry photo"));
  REQUIRE(registered.has_value());
  REQUIRE(queued.has_value());
  auto resolved = desk.registrar->resolve_manual(*queued->manual_id, "EB 123 456 785 VN");
  REQUIRE(resolved.has_value());
  CHECK(resolved->dossier_id == registered->dossier_id);
  CHECK(desk.counts().dossiers == 1);
  CHECK(resolved->scan_count == 2);
}

TEST_CASE("a registration replayed with the same idempotency key writes nothing new") {
  Desk desk;
  auto scan = desk.envelope({"EB123456785VN"});
  scan.idempotency_key = "watch:abc:0";
  auto first = desk.registrar->register_envelope(scan);
  auto replay = desk.registrar->register_envelope(scan);
  REQUIRE(first.has_value());
  REQUIRE(replay.has_value());
  CHECK(replay->replayed);
  CHECK(replay->dossier_id == first->dossier_id);
  CHECK(replay->tracking_number == "EB123456785VN");
  CHECK(desk.counts().scans == 1);
}

TEST_CASE("a desk without an agency code is told to set it up, naming no command") {
  TempDir dir;
  auto store = test_support::open_store(dir.path() / "hoso.db").value();
  db::ImageStore images(dir.path() / "images");
  intake::Classifier classifier;
  common::ManualClock clock(k_monday_10);
  intake::Registrar registrar(*store, images, classifier, clock, {});
  intake::EnvelopeScan scan;
  scan.codes.push_back(classifier.classify("EB123456785VN", std::nullopt));
  auto r = registrar.register_envelope(scan);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == common::ErrorCode::invalid_argument);
  CHECK(r.error().text.id() == "no_agency");
  CHECK(r.error().message.find("hoso") == std::string::npos);
  CHECK(r.error().render(common::Lang::vi).find("chưa có mã cơ quan") != std::string::npos);
}

TEST_CASE("two connections registering the same envelope at the same moment make one dossier") {
  Desk desk;
  const auto path = desk.dir.path() / "hoso.db";
  constexpr int k_threads = 4;
  constexpr int k_envelopes = 40;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&] {
      // Each thread its own connection, as separate processes would have.
      auto store = test_support::open_store(path).value();
      intake::Registrar registrar(*store, desk.images, desk.classifier, desk.clock, {});
      for (int i = 0; i < k_envelopes; ++i) {
        intake::EnvelopeScan scan;
        scan.source_name = "e.jpg";
        const std::string serial = fmt::format("{:08d}", 10'000'000 + i);
        const std::string number = fmt::format("EB{}{}VN", serial, intake::s10_check_digit(serial));
        scan.codes.push_back(desk.classifier.classify(number, scanner::Format::code128));
        auto r = registrar.register_envelope(scan);
        if (!r) {
          ++failures;
          MESSAGE(r.error().message);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  const auto counts = desk.counts();
  CHECK(counts.dossiers == k_envelopes);
  CHECK(counts.shipments == k_envelopes);
  CHECK(counts.scans == k_threads * k_envelopes);
}

TEST_CASE("the handover record lists each envelope and compares the scans with the manifest") {
  Desk desk;
  auto batch = desk.registrar->open_batch("VNPost 2026-03-02", "vnpost", k_monday_10,
                                          {"EB123456785VN", "RR473124829GB", "EL491610889VN"});
  REQUIRE(batch.has_value());
  for (const auto& texts : std::vector<std::vector<std::string>>{
           {"EB123456785VN"}, {"EL491610889VN"}, {"RC627973386VN"}, {"EL491610889VN"}, {}}) {
    auto scan = desk.envelope(texts, fmt::format("photo {}", texts.empty() ? "" : texts[0]));
    scan.batch_id = batch->id;
    REQUIRE(desk.registrar->register_envelope(scan).has_value());
  }
  auto record = desk.registrar->handover_record(batch->id);
  REQUIRE(record.has_value());
  CHECK(record->registered == 3);
  // EL491610889VN scanned twice in this batch is one envelope, not one "already registered".
  CHECK(record->already_registered == 0);
  CHECK(record->rescans == 1);
  CHECK(record->manual == 1);
  CHECK(record->envelopes == 4);
  CHECK(record->items.size() == 4);
  CHECK(record->missing == std::vector<std::string>{"RR473124829GB"});
  CHECK(record->unexpected == std::vector<std::string>{"RC627973386VN"});

  auto reopened = desk.registrar->open_batch("VNPost 2026-03-02", "vnpost", k_monday_10, {});
  REQUIRE(reopened.has_value());
  CHECK(reopened->id == batch->id);
  auto conflicting =
      desk.registrar->open_batch("VNPost 2026-03-02", "vnpost", k_monday_10, {"EB123456785VN"});
  CHECK_FALSE(conflicting.has_value());
}

TEST_CASE("regression: a waiting file scanned again in a batch is one envelope in the record") {
  Desk desk;
  auto batch = desk.registrar->open_batch("B", "vnpost", k_monday_10, {});
  REQUIRE(batch.has_value());
  for (int i = 0; i < 2; ++i) {
    auto scan = desk.envelope({}, "the same unreadable photo");
    scan.batch_id = batch->id;
    REQUIRE(desk.registrar->register_envelope(scan).has_value());
  }
  auto record = desk.registrar->handover_record(batch->id);
  REQUIRE(record.has_value());
  CHECK(record->manual == 1);
  CHECK(record->envelopes == 1);
  auto items = desk.registrar->handover_record(batch->id).value().items;
  CHECK(items.size() == 1);
  REQUIRE(desk.registrar->dismiss_manual(1, "advertising, not a dossier").has_value());
  CHECK(desk.registrar->handover_record(batch->id).value().manual == 0);
}

TEST_CASE("regression: an envelope seen on 1 January and again on 31 December is one dossier") {
  Desk desk;
  desk.clock.set(common::local_time(
      common::Date{std::chrono::year{2028}, std::chrono::January, std::chrono::day{1}}, 8, 0));
  auto first = desk.registrar->register_envelope(desk.envelope({"EB123456785VN"}));
  // 2028 is a leap year: 31 December is 365 days and 2 hours later.
  desk.clock.set(common::local_time(
      common::Date{std::chrono::year{2028}, std::chrono::December, std::chrono::day{31}}, 10, 0));
  auto again = desk.registrar->register_envelope(desk.envelope({"EB123456785VN"}));
  REQUIRE(first.has_value());
  REQUIRE(again.has_value());
  CHECK(again->outcome == ScanOutcome::already_registered);
  CHECK(again->dossier_id == first->dossier_id);
}

TEST_CASE("regression: an ID card QR with damaged bytes does not become the applicant on resolve") {
  Desk desk;
  intake::EnvelopeScan scan = desk.envelope({});
  scan.codes.push_back(desk.classifier.classify(
      "031054551436||L\xff Th\xc3\xa0nh Vi\xe1\xbb\x87t|06061954|Nam|Th\xc3\xb4n A|23102021",
      scanner::Format::qr_code));
  auto queued = desk.registrar->register_envelope(scan);
  REQUIRE(queued.has_value());
  REQUIRE(queued->manual_id.has_value());
  auto resolved = desk.registrar->resolve_manual(*queued->manual_id, "EB123456785VN");
  REQUIRE(resolved.has_value());
  desk.read([&](db::Transaction& tx) {
    CHECK_FALSE(tx.applicant_of(*resolved->dossier_id).value().has_value());
  });
}

TEST_CASE("regression: a manual item resolved in a new year keeps the year it was scanned in") {
  Desk desk;
  desk.clock.set(common::local_time(
      common::Date{std::chrono::year{2026}, std::chrono::December, std::chrono::day{31}}, 16, 0));
  auto queued = desk.registrar->register_envelope(desk.envelope({}));
  REQUIRE(queued.has_value());
  desk.clock.advance(std::chrono::days{2});
  auto resolved = desk.registrar->resolve_manual(*queued->manual_id, "EB123456785VN");
  REQUIRE(resolved.has_value());
  desk.read([&](db::Transaction& tx) {
    auto shipments = tx.shipments_of(*resolved->dossier_id).value();
    REQUIRE(shipments.size() == 1);
    CHECK(shipments[0].year == 2026);
  });
}

TEST_CASE("the Registrar's functions fail with the error codes their contracts name") {
  using common::ErrorCode;
  Desk desk;
  const auto code_of = [](const auto& result) {
    REQUIRE_FALSE(result.has_value());
    return result.error().code;
  };

  // register_envelope
  {
    TempDir bare;
    auto store = test_support::open_store(bare / "hoso.db").value();
    intake::Registrar no_agency(*store, desk.images, desk.classifier, desk.clock, {});
    CHECK(code_of(no_agency.register_envelope(desk.envelope({"EB123456785VN"}))) ==
          ErrorCode::invalid_argument);
  }
  auto in_unknown_batch = desk.envelope({"EB123456785VN"});
  in_unknown_batch.batch_id = 99;
  CHECK(code_of(desk.registrar->register_envelope(in_unknown_batch)) == ErrorCode::not_found);
  {
    db::ImageStore blocked(desk.dir.write("images-here", "a file where the folder should be"));
    intake::Registrar registrar(*desk.store, blocked, desk.classifier, desk.clock, {});
    CHECK(code_of(registrar.register_envelope(desk.envelope({"EB123456785VN"}))) ==
          ErrorCode::io_error);
  }
  test_support::RefusingStore refusing(*desk.store);
  refusing.refuse_writes = true;
  intake::Registrar refused(refusing, desk.images, desk.classifier, desk.clock, {});
  CHECK(code_of(refused.register_envelope(desk.envelope({"EB123456785VN"}))) ==
        ErrorCode::io_error);
  CHECK(desk.counts().scans == 0);

  // resolve_manual and dismiss_manual
  auto queued = desk.registrar->register_envelope(desk.envelope({}, "blurry photo"));
  REQUIRE(queued.has_value());
  REQUIRE(queued->manual_id.has_value());
  const db::Id item = *queued->manual_id;
  CHECK(code_of(desk.registrar->resolve_manual(item, "hello")) == ErrorCode::bad_input);
  CHECK(code_of(desk.registrar->resolve_manual(item, "EB123456789VN")) == ErrorCode::bad_input);
  CHECK(code_of(desk.registrar->resolve_manual(item + 100, "EB123456785VN")) ==
        ErrorCode::not_found);
  CHECK(code_of(desk.registrar->dismiss_manual(item + 100, "not a dossier")) ==
        ErrorCode::not_found);
  REQUIRE(desk.registrar->dismiss_manual(item, "not a dossier").has_value());
  CHECK(code_of(desk.registrar->dismiss_manual(item, "again")) == ErrorCode::not_found);
  CHECK(code_of(desk.registrar->resolve_manual(item, "EB123456785VN")) == ErrorCode::not_found);

  // open_batch and handover_record
  const common::Timestamp handed_over = k_monday_10 - std::chrono::hours{2};
  auto batch = desk.registrar->open_batch("HC-0302", "vnpost", handed_over, {"EB123456785VN"});
  REQUIRE(batch.has_value());
  CHECK(code_of(desk.registrar->open_batch("HC-0302", "vnpost", handed_over, {"RC627973386VN"})) ==
        ErrorCode::invalid_argument);
  CHECK(code_of(desk.registrar->open_batch("HC-0302", "vnpost", k_monday_10, {}, true)) ==
        ErrorCode::invalid_argument);
  CHECK(desk.registrar->open_batch("HC-0302", "vnpost", k_monday_10, {}).has_value());
  CHECK(code_of(desk.registrar->handover_record(batch->id + 100)) == ErrorCode::not_found);

  CHECK(desk.counts().dossiers == 0);
  CHECK(desk.counts().manual_open == 0);
}

// --- Messages as data: what the clerk reads, in Vietnamese (the default) and English -------------

TEST_CASE("a registration result reads in Vietnamese with its tracking number, dossier and scan") {
  Desk desk;
  auto first = desk.registrar->register_envelope(desk.envelope({"EB123456785VN"}));
  REQUIRE(first.has_value());
  const auto id = *first->dossier_id;
  CHECK(first->message.id() == "registered");
  CHECK(first->message.render(common::Lang::en) ==
        fmt::format("EB123456785VN: registered as dossier #{}", id));
  CHECK(first->message.render(common::Lang::vi) ==
        fmt::format("EB123456785VN: đã tiếp nhận, hồ sơ #{}", id));

  auto again = desk.registrar->register_envelope(desk.envelope({"EB123456785VN"}, "other photo"));
  REQUIRE(again.has_value());
  CHECK(again->message.render(common::Lang::en) ==
        fmt::format("EB123456785VN: already registered as dossier #{} (2nd scan)", id));
  CHECK(again->message.render(common::Lang::vi) ==
        fmt::format("EB123456785VN: đã tiếp nhận trước đó, hồ sơ #{} (lần quét thứ 2)", id));
}

TEST_CASE("a wrong check digit waits with its reason kept as data and rebuilt in either language") {
  Desk desk;
  auto r = desk.registrar->register_envelope(desk.envelope({"EB123456789VN"}));
  REQUIRE(r.has_value());
  REQUIRE(r->manual_id.has_value());
  const std::string vi = r->message.render(common::Lang::vi);
  CHECK(vi.find(fmt::format("envelope.jpg: cần người xử lý (hàng chờ xử lý thủ công #{})",
                            *r->manual_id)) == 0);
  CHECK(vi.find("EB123456789VN: sai chữ số kiểm tra, phải là 5, trên bưu gửi là 9") !=
        std::string::npos);
  CHECK(r->message.render(common::Lang::en) ==
        fmt::format("envelope.jpg: needs a person (manual queue #{}): EB123456789VN: check digit "
                    "should be 5, found 9 (UPU S10); check the label and type the tracking number",
                    *r->manual_id));

  // The database keeps the reason's name and arguments, not an English sentence.
  auto entry = intake::manual_entry(*desk.store, *r->manual_id);
  REQUIRE(entry.has_value());
  CHECK(entry->item.reason_code == "bad_check_digit");
  CHECK(entry->item.reason.starts_with("{"));
  CHECK(entry->item.reason.find("check the label") == std::string::npos);
  const common::Text reason = intake::manual_reason_text(entry->item);
  CHECK(reason.id() == "reason_bad_check_digit");
  CHECK(reason.render(common::Lang::vi) ==
        "EB123456789VN: sai chữ số kiểm tra, phải là 5, trên bưu gửi là 9 (UPU S10); hãy kiểm tra "
        "nhãn và nhập số hiệu bưu gửi");
  CHECK(reason.render(common::Lang::en) ==
        "EB123456789VN: check digit should be 5, found 9 (UPU S10); check the label and type the "
        "tracking number");
  CHECK(entry->reason.render(common::Lang::vi) == reason.render(common::Lang::vi));

  desk.read([&](db::Transaction& tx) {
    auto events = tx.events_of("manual", *r->manual_id).value();
    REQUIRE(events.size() == 1);
    CHECK(events[0].action == db::EventKind::queued);
    CHECK(events[0].reason.empty());
  });
}

TEST_CASE("a scanner failure is kept as the scanner's message inside the manual reason") {
  Desk desk;
  auto scan = desk.envelope({});
  scan.scan_error_text = common::Text{scanner::msg::not_image_text};
  scan.scan_error = scan.scan_error_text.render(common::Lang::en);
  auto r = desk.registrar->register_envelope(scan);
  REQUIRE(r.has_value());
  REQUIRE(r->manual_id.has_value());
  auto entry = intake::manual_entry(*desk.store, *r->manual_id);
  REQUIRE(entry.has_value());
  CHECK(entry->item.reason_code == "unreadable");
  const std::string vi = intake::manual_reason_text(entry->item).render(common::Lang::vi);
  CHECK(vi.find("Không đọc được ảnh (Tệp không phải là ảnh hay PDF: tệp chứa văn bản") == 0);
  CHECK(vi.find("hãy nhập số hiệu bưu gửi trên nhãn của phong bì") != std::string::npos);
  CHECK(intake::manual_reason_text(entry->item).render(common::Lang::en) ==
        "the image could not be read (not an image or PDF: the file holds text, not an image "
        "(expected JPEG, PNG, TIFF, BMP, WebP or PDF)); type the tracking number from the "
        "envelope's label");
}

TEST_CASE("each manual reason has a stable name, and reasons without a number read in Vietnamese") {
  for (auto reason : {intake::ManualReason::unreadable, intake::ManualReason::bad_check_digit,
                      intake::ManualReason::ambiguous, intake::ManualReason::no_tracking_number,
                      intake::ManualReason::unknown_code}) {
    CHECK(intake::parse_manual_reason(intake::name(reason)) == reason);
  }
  CHECK_FALSE(intake::parse_manual_reason("sentence").has_value());

  Desk desk;
  auto none = desk.registrar->register_envelope(desk.envelope({}, "blank"));
  auto two = desk.registrar->register_envelope(
      desk.envelope({"RR090597774VN", "EA603136318VN"}, "two labels"));
  auto other = desk.registrar->register_envelope(
      desk.envelope({"000.00.05.H12-210806-0001", "hello world"}, "other codes"));
  REQUIRE(none.has_value());
  REQUIRE(two.has_value());
  REQUIRE(other.has_value());
  auto reason_of = [&](const Result<intake::Registration>& r) {
    auto entry = intake::manual_entry(*desk.store, *r->manual_id);
    REQUIRE(entry.has_value());
    return entry->reason;
  };
  CHECK(reason_of(none).render(common::Lang::vi) ==
        "Không tìm thấy mã vạch hay mã QR nào trên phong bì; hãy nhập số hiệu bưu gửi trên nhãn");
  CHECK(reason_of(two).render(common::Lang::vi) ==
        "Có 2 số hiệu bưu gửi khác nhau trên một phong bì (RR090597774VN, EA603136318VN); hãy "
        "nhập số hiệu mà phong bì này được phát theo");
  CHECK(reason_of(other).render(common::Lang::vi) ==
        "Không có số hiệu bưu gửi trong 2 mã đọc được (mã hồ sơ, mã không nhận dạng được); hãy "
        "nhập số hiệu bưu gửi trên nhãn của phong bì");
  CHECK(reason_of(other).render(common::Lang::en) ==
        "no tracking number among the 2 codes read (dossier code, unrecognised code); type the "
        "tracking number from the envelope's label");
}

TEST_CASE("a reason stored as an English sentence before reasons were data is shown as written") {
  db::ManualItem old;
  old.reason_code = "unreadable";
  old.reason =
      "no barcode or QR code found on the envelope; type the tracking number from its label";
  const common::Text text = intake::manual_reason_text(old);
  CHECK(text.id() == "reason_as_written");
  CHECK(text.render(common::Lang::vi) == old.reason);
  CHECK(text.render(common::Lang::en) == old.reason);

  old.reason_code = "a_reason_of_a_later_version";
  old.reason = R"({"count":"2"})";
  CHECK(intake::manual_reason_text(old).render(common::Lang::en) == old.reason);
}

TEST_CASE("resolving or dismissing a manual item fails with messages in Vietnamese") {
  Desk desk;
  auto queued = desk.registrar->register_envelope(desk.envelope({}));
  REQUIRE(queued.has_value());
  REQUIRE(queued->manual_id.has_value());

  auto wrong = desk.registrar->resolve_manual(*queued->manual_id, "EB123456789VN");
  REQUIRE_FALSE(wrong.has_value());
  CHECK(wrong.error().text.id() == "check_digit_mismatch");
  CHECK(wrong.error().render(common::Lang::vi) ==
        "EB123456789VN: sai chữ số kiểm tra, phải là 5, trên bưu gửi là 9 (UPU S10)");

  auto not_a_number = desk.registrar->resolve_manual(*queued->manual_id, "hello");
  REQUIRE_FALSE(not_a_number.has_value());
  CHECK(not_a_number.error().render(common::Lang::vi).find("không phải là số hiệu bưu gửi") !=
        std::string::npos);

  auto missing = desk.registrar->resolve_manual(*queued->manual_id + 100, "EB123456785VN");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == common::ErrorCode::not_found);
  CHECK(missing.error().message.find("hoso") == std::string::npos);  // no command in a message
  CHECK(missing.error().render(common::Lang::vi) ==
        fmt::format("Mục #{} của hàng chờ xử lý thủ công đã được xử lý (hoặc không tồn tại)",
                    *queued->manual_id + 100));

  auto resolved = desk.registrar->resolve_manual(*queued->manual_id, "EB123456785VN");
  REQUIRE(resolved.has_value());
  CHECK(resolved->message.render(common::Lang::vi) ==
        fmt::format("Đã xử lý mục #{}: EB123456785VN: đã tiếp nhận, hồ sơ #{}", *queued->manual_id,
                    *resolved->dossier_id));
  auto dismissed = desk.registrar->dismiss_manual(*queued->manual_id, "not a dossier");
  REQUIRE_FALSE(dismissed.has_value());
  CHECK(dismissed.error().text.id() == "manual_not_open");
}

TEST_CASE("handover batch refusals read in Vietnamese and the batch event has no English reason") {
  Desk desk;
  auto batch = desk.registrar->open_batch("VNPost a", "vnpost", k_monday_10, {"EB123456785VN"});
  REQUIRE(batch.has_value());
  auto other = desk.registrar->open_batch("VNPost a", "vnpost", k_monday_10, {"RR090597774VN"});
  REQUIRE_FALSE(other.has_value());
  CHECK(other.error().render(common::Lang::vi) ==
        "Đợt bàn giao 'VNPost a' đã có với một danh sách khác (1 bưu gửi); hãy đặt tên đợt mới");
  auto missing = desk.registrar->handover_record(batch->id + 7);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().render(common::Lang::vi) ==
        fmt::format("Không có đợt bàn giao #{}", batch->id + 7));
  desk.read([&](db::Transaction& tx) {
    auto events = tx.events_of("batch", batch->id).value();
    REQUIRE(events.size() == 1);
    CHECK(events[0].action == db::EventKind::handed_over);
    CHECK(events[0].reason.empty());
  });
}

TEST_CASE(
    "regression: the handover record lists a rescanned envelope once, so count and rows agree") {
  Desk desk;
  desk.write([&](db::Transaction& tx) -> Result<void> {
    db::User clerk;
    clerk.login = "lan";
    clerk.name = "Ngô Thị Lan";
    clerk.role = "mailroom";
    clerk.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$x$y";
    clerk.created_at = k_monday_10;
    clerk.password_changed_at = k_monday_10;
    auto id = tx.insert_user(clerk);
    if (!id) return id.error();
    return {};
  });
  auto batch = desk.registrar->open_batch("VNPost sáng 02/03", "vnpost", k_monday_10, {});
  REQUIRE(batch.has_value());
  for (const char* number : {"EB123456785VN", "EL491610889VN", "EB123456785VN", "EB123456785VN"}) {
    auto scan = desk.envelope({number});
    scan.batch_id = batch->id;
    REQUIRE(desk.registrar->register_envelope(scan).has_value());
  }
  auto typed = desk.envelope({"RC627973386VN"});
  typed.source_name = std::string(intake::Registrar::k_typed_source);
  typed.batch_id = batch->id;
  REQUIRE(desk.registrar->register_envelope(typed).has_value());

  const auto record = desk.registrar->handover_record(batch->id).value();
  CHECK(record.envelopes == 3);
  REQUIRE(record.items.size() == 3);
  CHECK(record.registered + record.already_registered + record.manual + record.resolved ==
        record.envelopes);
  CHECK(record.items[0].tracking_number == "EB123456785VN");
  CHECK(record.items[0].scans == 3);
  CHECK(record.rescans == 2);
  CHECK_FALSE(record.items[0].typed);
  CHECK(record.items[2].typed);
  CHECK(record.received_by_name == "Ngô Thị Lan");
  CHECK(record.agency_code == test_support::k_agency);
  CHECK(record.agency_name == "Bộ phận Một cửa");
}
