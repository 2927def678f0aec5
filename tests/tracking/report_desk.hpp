// A desk for the lookup and report tests: a real SQLite file, a manual clock, the lifecycle, two
// procedures, and helpers that register a dossier as intake does (dossier, inbound envelope,
// applicant, the "received_by_post" event), store carrier events and add a return shipment.
#pragma once

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/settings.hpp"
#include "db/store.hpp"
#include "tests/support/files.hpp"
#include "tracking/lifecycle.hpp"

namespace report_test {

using common::Result;
using common::Timestamp;
using tracking::Action;

inline constexpr const char* k_agency = "000.00.05.H12";

inline Timestamp at(const char* local) { return common::parse_local(local).value(); }
inline common::Date day(const char* text) { return common::parse_date(text).value(); }

// The applicant's personal data that must never reach a citizen view.
inline constexpr const char* k_name = "Nguyễn Văn Bình";
inline constexpr const char* k_id_number = "001099012345";
inline constexpr const char* k_address = "12 Phố Huế, Hai Bà Trưng, Hà Nội";
inline constexpr const char* k_phone = "0912345678";
inline constexpr const char* k_return_address = "45 Lê Duẩn, Hải Châu, Đà Nẵng";

struct Desk {
  test_support::TempDir dir;
  std::unique_ptr<db::Store> store = db::open_sqlite(dir / "hoso.db").value();
  common::ManualClock clock{at("2026-03-02 08:00")};
  tracking::Lifecycle life{*store, clock};
  db::Id agency_id = 0;

  Desk() {
    REQUIRE(write([&](db::Transaction& tx) -> Result<void> {
      agency_id = tx.upsert_agency(db::Agency{0, k_agency, "Một cửa Hải Châu"}).value();
      (void)tx.set_setting(db::k_setting_agency_code, k_agency).value();
      (void)tx.set_setting(db::k_setting_agency_province, "Đà Nẵng").value();
      db::Procedure p;
      p.code = "P5";
      p.name = "Cấp giấy chứng nhận quyền sử dụng đất";
      p.field = "dat_dai";
      p.time_amount = 5;
      p.effective_from = day("2025-07-01");
      (void)tx.upsert_procedure(p).value();
      p.code = "X3";
      p.name = "Cấp giấy phép xây dựng nhà ở riêng lẻ";
      p.field = "xay_dung";
      p.time_amount = 3;
      (void)tx.upsert_procedure(p).value();
      return {};
    }));
  }

  bool write(const std::function<Result<void>(db::Transaction&)>& work) {
    return store->write(work).has_value();
  }

  // Registers a dossier filed (handed over) at `filed` with its inbound envelope `number`, as
  // intake does. Returns its id.
  db::Id receive(const std::string& number, Timestamp filed, int channel = db::k_channel_postal,
                 const std::string& lookup_code = "K7M2QX9P") {
    db::Id id = 0;
    REQUIRE(write([&](db::Transaction& tx) -> Result<void> {
      db::Dossier d;
      d.agency_id = agency_id;
      d.channel = channel;
      d.filed_at = filed;
      d.lookup_code = lookup_code;
      d.created_at = clock.now();
      d.updated_at = clock.now();
      id = tx.insert_dossier(d).value();
      db::Shipment s;
      s.carrier = "vnpost";
      s.tracking_number = number;
      s.year = 2026;
      s.direction = db::Direction::inbound;
      s.status = "delivered";
      s.dossier_id = id;
      s.first_seen_at = filed;
      s.updated_at = filed;
      (void)tx.insert_shipment(s).value();
      db::Applicant a;
      a.dossier_id = id;
      a.id_number = k_id_number;
      a.full_name = k_name;
      a.address = k_address;
      a.phone = k_phone;
      a.return_address = k_return_address;
      a.source = "id_card_qr";
      (void)tx.insert_applicant(a).value();
      (void)tx
          .append_event(db::Event{0, clock.now(), "mailroom", "dossier", id, "received_by_post",
                                  "envelope registered",
                                  fmt::format(R"({{"tracking_number":"{}","filed_at":"{}"}})",
                                              number, common::format_iso(filed))})
          .value();
      return {};
    }));
    return id;
  }

  // Applies `action` at `when` (the clock moves there first).
  tracking::Transition act(db::Id id, Action action, const char* when,
                           const std::function<void(tracking::ActionRequest&)>& fill = {}) {
    clock.set(at(when));
    tracking::ActionRequest r;
    r.action = action;
    r.actor = "lan.nt";
    static const std::string k_default_procedure = "P5";
    if (action == Action::accept) r.procedure_code = k_default_procedure;
    if (action == Action::request_supplement) {
      r.missing = fmt::format("Bản sao giấy tờ của ông {}", k_name);
    }
    if (fill) fill(r);
    auto t = life.apply(id, r);
    REQUIRE_MESSAGE(t.has_value(), (t ? std::string() : t.error().message));
    return *t;
  }

  db::Id shipment_id(const std::string& number, db::Direction direction) {
    db::Id id = 0;
    REQUIRE(write([&](db::Transaction& tx) -> Result<void> {
      id = tx.find_shipment(number, direction, Timestamp{}).value().value().id;
      return {};
    }));
    return id;
  }

  // Stores a carrier event of the shipment as sync does.
  void carrier_event(db::Id shipment, const char* when, const char* status, const char* office,
                     const char* office_name, const std::string& description = "") {
    REQUIRE(write([&](db::Transaction& tx) -> Result<void> {
      db::CarrierEvent e;
      e.shipment_id = shipment;
      e.key = fmt::format("{}|{}|{}", when, status, office);
      e.occurred_at = at(when);
      e.carrier_code = status;
      e.status = status;
      e.location_code = office;
      e.location = office_name;
      e.description = description;
      e.recorded_at = clock.now();
      (void)tx.add_carrier_event(e).value();
      return tx.update_shipment_tracking(shipment, status, at(when), clock.now());
    }));
  }

  // Adds the return shipment `number` of dossier `id` (as the return dispatch stores it).
  db::Id add_return(db::Id id, const std::string& number, Timestamp when) {
    db::Id sid = 0;
    REQUIRE(write([&](db::Transaction& tx) -> Result<void> {
      db::Shipment s;
      s.carrier = "vnpost";
      s.tracking_number = number;
      s.year = 2026;
      s.direction = db::Direction::outbound;
      s.status = "info_received";
      s.dossier_id = id;
      s.first_seen_at = when;
      s.updated_at = when;
      s.order_code = fmt::format("R-{}", id);
      sid = tx.insert_shipment(s).value();
      return {};
    }));
    return sid;
  }
};

}  // namespace report_test
