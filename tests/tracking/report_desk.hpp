// The desk of the lookup and report tests (tests/support/desk.hpp) with the lifecycle, two
// procedures, and helpers that register a dossier as intake does (dossier, inbound envelope,
// applicant, the "received_by_post" event), apply actions, store carrier events and add a return
// shipment.
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
#include "tests/support/desk.hpp"
#include "tracking/lifecycle.hpp"

namespace report_test {

using common::Result;
using common::Timestamp;
using tracking::Action;

using test_support::at;
using test_support::day;
using test_support::k_agency;

// The applicant's personal data that must never reach a citizen view.
inline constexpr const char* k_name = test_support::k_applicant_name;
inline constexpr const char* k_id_number = test_support::k_applicant_id_number;
inline constexpr const char* k_address = test_support::k_applicant_address;
inline constexpr const char* k_phone = test_support::k_applicant_phone;
inline constexpr const char* k_return_address = test_support::k_applicant_return_address;

struct Desk : test_support::Desk {
  tracking::Lifecycle life{*store, clock};

  Desk() : test_support::Desk(at("2026-03-02 08:00")) {
    set(db::k_setting_agency_province, "Đà Nẵng");
    add_procedure("P5", 5);
    add_procedure("X3", 3, "Cấp giấy phép xây dựng nhà ở riêng lẻ", "xay_dung");
  }

  // Registers a dossier filed (handed over) at `filed` with its inbound envelope `number`, as
  // intake does. Returns its id.
  db::Id receive(const std::string& number, Timestamp filed, int channel = db::k_channel_postal,
                 const std::string& lookup_code = "K7M2QX9P") {
    test_support::Received how;
    how.tracking_number = number;
    how.filed = filed;
    how.channel = channel;
    how.lookup_code = lookup_code;
    return test_support::Desk::receive(how);
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
    write([&](db::Transaction& tx) -> Result<void> {
      id = tx.find_shipment(number, direction, Timestamp{}).value().value().id;
      return {};
    });
    return id;
  }

  // Stores a carrier event of the shipment as sync does.
  void carrier_event(db::Id shipment, const char* when, const char* status, const char* office,
                     const char* office_name, const std::string& description = "") {
    write([&](db::Transaction& tx) -> Result<void> {
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
    });
  }

  // Adds the return shipment `number` of dossier `id` (as the return dispatch stores it).
  db::Id add_return(db::Id id, const std::string& number, Timestamp when) {
    db::Shipment s =
        test_support::Desk::shipment(number, db::Direction::outbound, "info_received", when, id);
    s.order_code = fmt::format("R-{}", id);
    return add_shipment(s);
  }
};

}  // namespace report_test
