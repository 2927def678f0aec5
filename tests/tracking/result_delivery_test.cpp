// The result at the desk or by post, as the citizen chose (docs/domain.md §1.5): the choice and
// its event, closed once the result left; the handover at the desk with its recipient; its
// record (phiếu giao trả kết quả); what the citizen's lookup says.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "db/settings.hpp"
#include "tests/support/desk.hpp"
#include "tracking/documents.hpp"
#include "tracking/lifecycle.hpp"
#include "tracking/lookup.hpp"
#include "tracking/result_delivery.hpp"

namespace {

using common::ErrorCode;
using db::DossierState;
using test_support::at;
using test_support::k_agency;

constexpr const char* k_code = "000.00.05.H12-261116-0007";
constexpr const char* k_recipient = "Lê Văn <Cường>";
constexpr const char* k_recipient_id = "048090009876";

// A desk with one dossier whose result is ready, its applicant known.
struct Ready : test_support::Desk {
  db::Id procedure = add_procedure("P5", 5, "Cấp giấy phép xây dựng & sửa chữa", "xay_dung",
                                   db::TimeUnit::working_days, "2025-01-01");
  db::Id id = 0;

  Ready() : Desk(at("2026-11-23 09:00")) {
    set(db::k_setting_agency_address, "270 Trưng Nữ Vương, Hải Châu, Đà Nẵng");
    id = add_dossier(at("2026-11-16 09:00"), std::nullopt, "K7M2Q9XP");
    put_in_state(id, DossierState::processed, k_code, procedure, at("2026-11-23 17:00"),
                 at("2026-11-20 16:00"));
    add_applicant(id);
  }

  common::Result<db::Dossier> choose(db::ResultDelivery delivery) {
    return tracking::set_result_delivery(*store, clock, id, delivery, "lan.nt");
  }

  common::Result<tracking::Transition> collect(
      db::RecipientKind kind = db::RecipientKind::authorised) {
    tracking::CollectionRequest request;
    request.actor = "lan.nt";
    request.recipient_kind = kind;
    request.recipient_name = k_recipient;
    request.recipient_id_number = k_recipient_id;
    return tracking::record_collection(*store, clock, id, request);
  }
};

}  // namespace

TEST_CASE("the citizen's choice of the desk is stored with an event that names no one") {
  Ready desk;
  CHECK(desk.dossier(desk.id).result_delivery == db::ResultDelivery::post);  // by default
  const auto chosen = desk.choose(db::ResultDelivery::desk);
  REQUIRE(chosen.has_value());
  CHECK(desk.dossier(desk.id).result_delivery == db::ResultDelivery::desk);
  const auto events = desk.events(desk.id);
  REQUIRE_FALSE(events.empty());
  const db::Event& e = events.back();
  CHECK(e.action == db::EventKind::result_delivery_changed);
  CHECK(e.actor == "lan.nt");
  const auto data = nlohmann::json::parse(e.data);
  CHECK(data["from"] == "post");
  CHECK(data["to"] == "desk");
  CHECK(e.data.find(test_support::k_applicant_name) == std::string::npos);
  // The same choice again changes nothing and writes nothing.
  REQUIRE(desk.choose(db::ResultDelivery::desk).has_value());
  CHECK(desk.events(desk.id).size() == events.size());
}

TEST_CASE("the choice cannot change once the result is on its way or returned") {
  for (const DossierState state :
       {DossierState::return_dispatched, DossierState::result_returned}) {
    Ready desk;
    desk.put_in_state(desk.id, state, k_code, desk.procedure, at("2026-11-23 17:00"));
    const auto refused = desk.choose(db::ResultDelivery::desk);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == ErrorCode::conflict);
    CHECK(refused.error().render(common::Lang::en).find("cannot change") != std::string::npos);
    CHECK(refused.error().render(common::Lang::vi).find("không thể đổi cách nhận kết quả") !=
          std::string::npos);
    CHECK(desk.dossier(desk.id).result_delivery == db::ResultDelivery::post);
  }
}

TEST_CASE("a result collected at the desk cannot be dispatched, and says why in both languages") {
  Ready desk;
  REQUIRE(desk.choose(db::ResultDelivery::desk).has_value());
  const auto refused =
      tracking::check_allowed(desk.dossier(desk.id), tracking::Action::dispatch_return);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::conflict);
  CHECK(refused.error().render(common::Lang::en).find("collect the result at the desk") !=
        std::string::npos);
  CHECK(refused.error().render(common::Lang::vi).find("nhận kết quả tại Trung tâm") !=
        std::string::npos);
  const auto actions = tracking::allowed_actions(desk.dossier(desk.id));
  CHECK(std::find(actions.begin(), actions.end(), tracking::Action::dispatch_return) ==
        actions.end());
  // The dispatch page's lists: ready to post, and waiting for the citizen.
  std::int64_t to_post = -1;
  std::int64_t waiting = -1;
  desk.read([&](db::Transaction& tx) -> common::Result<void> {
    to_post = tx.count_dossiers(tracking::ready_to_post_filter()).value();
    waiting = tx.count_dossiers(tracking::waiting_for_collection_filter()).value();
    return {};
  });
  CHECK(to_post == 0);
  CHECK(waiting == 1);
}

TEST_CASE("handing the result over at the desk returns it and records who received it") {
  Ready desk;
  REQUIRE(desk.choose(db::ResultDelivery::desk).has_value());
  desk.clock.set(at("2026-11-24 10:15"));
  const auto done = desk.collect();
  REQUIRE_MESSAGE(done.has_value(), (done ? std::string() : done.error().message));
  CHECK(done->after.state == DossierState::result_returned);
  CHECK(desk.dossier(desk.id).state == DossierState::result_returned);
  desk.read([&](db::Transaction& tx) -> common::Result<void> {
    const auto c = tx.result_collection_of(desk.id).value();
    REQUIRE(c.has_value());
    CHECK(c->recipient_name == k_recipient);
    CHECK(c->recipient_id_number == k_recipient_id);
    CHECK(c->recipient_kind == db::RecipientKind::authorised);
    CHECK(c->collected_at == at("2026-11-24 10:15"));
    return {};
  });
  // The history says it went over the desk, to whom by kind only: never the name or the number.
  const auto events = desk.events(desk.id);
  REQUIRE_FALSE(events.empty());
  const db::Event& e = events.back();
  CHECK(e.action == db::EventKind::result_returned);
  const auto data = nlohmann::json::parse(e.data);
  CHECK(data["via"] == "desk");
  CHECK(data["recipient"] == "authorised");
  CHECK(e.data.find("Cường") == std::string::npos);
  CHECK(e.data.find(k_recipient_id) == std::string::npos);
}

TEST_CASE("a result going by post is not handed over at the desk, nor without its recipient") {
  Ready desk;
  const auto by_post = desk.collect();
  REQUIRE_FALSE(by_post.has_value());
  CHECK(by_post.error().code == ErrorCode::conflict);
  CHECK(by_post.error().text.id() == "collection_not_desk");
  // The lifecycle's own action, without a recipient, is refused too.
  REQUIRE(desk.choose(db::ResultDelivery::desk).has_value());
  tracking::ActionRequest bare;
  bare.action = tracking::Action::record_delivery;
  bare.actor = "lan.nt";
  const auto no_recipient = tracking::Lifecycle(*desk.store, desk.clock).apply(desk.id, bare);
  REQUIRE_FALSE(no_recipient.has_value());
  CHECK(no_recipient.error().text.id() == "collection_needs_recipient");
  // A name and an ID number are required.
  tracking::CollectionRequest nameless;
  nameless.actor = "lan.nt";
  nameless.recipient_id_number = k_recipient_id;
  CHECK(tracking::record_collection(*desk.store, desk.clock, desk.id, nameless).error().text.id() ==
        "recipient_name_invalid");
  tracking::CollectionRequest bad_id;
  bad_id.actor = "lan.nt";
  bad_id.recipient_name = "Lê Văn Cường";
  bad_id.recipient_id_number = "12-3";
  CHECK(tracking::record_collection(*desk.store, desk.clock, desk.id, bad_id).error().text.id() ==
        "recipient_id_invalid");
  CHECK(desk.dossier(desk.id).state == DossierState::processed);
}

TEST_CASE("the handover record names the desk, the dossier, the result and both signers") {
  Ready desk;
  desk.add_officer();
  REQUIRE(desk.choose(db::ResultDelivery::desk).has_value());
  desk.clock.set(at("2026-11-24 10:15"));
  REQUIRE(desk.collect().has_value());
  std::string html;
  tracking::AvailableForms forms;
  desk.read([&](db::Transaction& tx) -> common::Result<void> {
    forms = tracking::available_forms(tx, desk.id).value();
    const auto form = tracking::load_collection(tx, desk.id).value();
    CHECK(form.officer == tracking::Signer{"Nguyễn Thị Lan", "Chuyên viên"});
    CHECK(form.recipient_name == k_recipient);
    CHECK(form.dossier.code == k_code);
    html = tracking::render_form(tx, desk.id, tracking::FormKind::collection).value();
    return {};
  });
  CHECK(std::find(forms.forms.begin(), forms.forms.end(), tracking::FormKind::collection) !=
        forms.forms.end());
  CHECK(html.find("Phiếu giao trả kết quả") != std::string::npos);
  CHECK(html.find(k_code) != std::string::npos);
  CHECK(html.find("Cấp giấy phép xây dựng &amp; sửa chữa") != std::string::npos);
  CHECK(html.find("Kết quả giải quyết thủ tục hành chính") != std::string::npos);
  CHECK(html.find("10 giờ 15 phút, ngày 24/11/2026") != std::string::npos);
  CHECK(html.find("24/11/2026") != std::string::npos);
  CHECK(html.find("270 Trưng Nữ Vương") != std::string::npos);
  // The recipient's name escaped, never as markup; the ID number; the authorised person's role.
  CHECK(html.find("Lê Văn &lt;Cường&gt;") != std::string::npos);
  CHECK(html.find("<Cường>") == std::string::npos);
  CHECK(html.find(k_recipient_id) != std::string::npos);
  CHECK(html.find("người được công dân ủy quyền") != std::string::npos);
  CHECK(html.find("Nguyễn Thị Lan") != std::string::npos);
  CHECK(html.find("Chuyên viên") != std::string::npos);
  CHECK(html.find("Người nhận kết quả") != std::string::npos);
  CHECK(html.find("Người giao kết quả") != std::string::npos);
}

TEST_CASE("a dossier not handed over at the desk has no handover record") {
  Ready desk;
  desk.read([&](db::Transaction& tx) -> common::Result<void> {
    const auto none = tracking::load_collection(tx, desk.id);
    REQUIRE_FALSE(none.has_value());
    CHECK(none.error().code == ErrorCode::invalid_argument);
    const auto forms = tracking::available_forms(tx, desk.id).value();
    CHECK(std::find(forms.forms.begin(), forms.forms.end(), tracking::FormKind::collection) ==
          forms.forms.end());
    return {};
  });
}

TEST_CASE("the citizen's lookup says where to collect the result, and shows the collection") {
  Ready desk;
  REQUIRE(desk.choose(db::ResultDelivery::desk).has_value());
  auto view = tracking::citizen_lookup(*desk.store, k_code, "K7M2Q9XP").value();
  CHECK(view.result_delivery == db::ResultDelivery::desk);
  const std::string text = tracking::citizen_text(view);
  CHECK(text.find("Kết quả trả tại Trung tâm: 270 Trưng Nữ Vương, Hải Châu, Đà Nẵng, giờ làm "
                  "việc") != std::string::npos);
  const auto json = nlohmann::json::parse(tracking::citizen_json(view));
  CHECK(json["result_delivery"] == "desk");
  CHECK(json["collection"]["place"] == "270 Trưng Nữ Vương, Hải Châu, Đà Nẵng");
  CHECK_FALSE(json["collection"]["office_hours"].get<std::string>().empty());

  desk.clock.set(at("2026-11-24 10:15"));
  REQUIRE(desk.collect(db::RecipientKind::citizen).has_value());
  view = tracking::citizen_lookup(*desk.store, k_code, "K7M2Q9XP").value();
  REQUIRE_FALSE(view.timeline.empty());
  CHECK(view.timeline.back().step == "collected_at_desk");
  CHECK(view.timeline.back().label == "Công dân đã nhận kết quả tại Trung tâm");
  const std::string after = tracking::citizen_json(view);
  CHECK(after.find("Cường") == std::string::npos);  // the recipient stays with the staff
  CHECK(after.find(k_recipient_id) == std::string::npos);
  CHECK(after.find(test_support::k_applicant_name) == std::string::npos);
}

TEST_CASE("a result posted back reads as before in the citizen's lookup") {
  Ready desk;
  const auto view = tracking::citizen_lookup(*desk.store, k_code, "K7M2Q9XP").value();
  CHECK(tracking::citizen_text(view).find("Trung tâm") == std::string::npos);
  CHECK(nlohmann::json::parse(tracking::citizen_json(view))["collection"].is_null());
}
