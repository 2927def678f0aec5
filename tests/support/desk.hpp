// A one-stop desk for tests: a fresh SQLite file in a temporary folder, a manual clock, the agency
// 000.00.05.H12 with its code set, and builders that write records the way intake, the lifecycle
// and dispatch write them (a received dossier with its envelope, a dossier put straight into a
// state, an applicant, a shipment). Each builder REQUIREs that its write succeeded. Also a store
// that refuses on demand, for the io_error paths. Knows the store only; the lifecycle, intake and
// the carrier simulator are the tests' own business (tests/support/carrier_sim.hpp starts a
// simulator on the desk's clock).
#pragma once

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "db/settings.hpp"
#include "db/store.hpp"
#include "tests/support/files.hpp"
#include "tests/support/store.hpp"

namespace test_support {

inline constexpr const char* k_agency = "000.00.05.H12";

// A desk time ("2026-03-02 10:00", UTC+7) and a date ("2026-04-30").
inline common::Timestamp at(const char* local) { return common::parse_local(local).value(); }
inline common::Date day(const char* text) { return common::parse_date(text).value(); }

// The applicant's personal data, which tests look for where it must not be.
inline constexpr const char* k_applicant_name = "Nguyễn Văn Bình";
inline constexpr const char* k_applicant_id_number = "001099012345";
inline constexpr const char* k_applicant_address = "12 Phố Huế, Hai Bà Trưng, Hà Nội";
inline constexpr const char* k_applicant_phone = "0912345678";
inline constexpr const char* k_applicant_return_address = "45 Lê Duẩn, Hải Châu, Đà Nẵng";

// The applicant as an ID card QR gives it (source "id_card_qr").
struct Person {
  std::string full_name = k_applicant_name;
  std::string id_number = k_applicant_id_number;
  std::string address = k_applicant_address;
  std::string phone = k_applicant_phone;
  std::string return_address = k_applicant_return_address;
  std::string source = "id_card_qr";
};

// How intake registered a dossier: its envelope, when, and what it wrote besides.
struct Received {
  std::string tracking_number;
  common::Timestamp filed;  // the carrier's handover
  int channel = db::k_channel_postal;
  std::string lookup_code = "K7M2QX9P";
  std::optional<Person> applicant = Person{};  // nullopt: no ID card was read
  std::string event_data;        // the received_by_post event's data; empty: number and filing time
  bool event_at_filing = false;  // the event's time is `filed` rather than the clock's now
};

class Desk {
 public:
  explicit Desk(common::Timestamp now = at("2026-03-02 10:00"),
                const std::string& agency_name = "Một cửa Hải Châu")
      : clock(now) {
    write([&](db::Transaction& tx) -> common::Result<void> {
      agency_id = tx.upsert_agency(db::Agency{0, k_agency, agency_name}).value();
      return tx.set_setting(db::k_setting_agency_code, k_agency);
    });
  }

  TempDir dir;
  std::filesystem::path database = dir / "hoso.db";
  std::unique_ptr<db::Store> store = open_store(database).value();
  common::ManualClock clock;
  db::Id agency_id = 0;

  // ---------------------------------------------------------------------------------------------
  // Transactions that must succeed

  void write(const std::function<common::Result<void>(db::Transaction&)>& work) {
    auto done = store->write(work);
    REQUIRE_MESSAGE(done.has_value(), (done ? std::string() : done.error().message));
  }
  void read(const std::function<common::Result<void>(db::Transaction&)>& work) {
    auto done = store->read(work);
    REQUIRE_MESSAGE(done.has_value(), (done ? std::string() : done.error().message));
  }

  // ---------------------------------------------------------------------------------------------
  // Settings, catalogue and calendar

  void set(const char* setting, const std::string& value) {
    write([&](db::Transaction& tx) { return tx.set_setting(setting, value); });
  }

  // Adds (or replaces) a procedure of the catalogue; returns its id.
  db::Id add_procedure(const std::string& code, int time_amount,
                       const std::string& name = "Cấp giấy chứng nhận quyền sử dụng đất",
                       const std::string& field = "dat_dai",
                       db::TimeUnit unit = db::TimeUnit::working_days,
                       const char* effective_from = "2025-07-01") {
    db::Id id = 0;
    write([&](db::Transaction& tx) -> common::Result<void> {
      db::Procedure p;
      p.code = code;
      p.name = name;
      p.field = field;
      p.time_amount = time_amount;
      p.time_unit = unit;
      p.effective_from = day(effective_from);
      id = tx.upsert_procedure(p).value();
      return {};
    });
    return id;
  }

  void day_off(const char* date, const char* name) {
    write([&](db::Transaction& tx) {
      return tx.put_calendar_day({day(date), db::DayKind::off, name});
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Records

  // A dossier just received (no envelope, no applicant, no event), in `agency` (the desk's unless
  // told); returns its id.
  db::Id add_dossier(common::Timestamp filed, std::optional<db::Id> agency = std::nullopt,
                     const std::string& lookup_code = "ABCD1234") {
    db::Dossier d;
    d.agency_id = agency.value_or(agency_id);
    d.filed_at = filed;
    d.lookup_code = lookup_code;
    d.created_at = filed;
    d.updated_at = filed;
    db::Id id = 0;
    write([&](db::Transaction& tx) -> common::Result<void> {
      id = tx.insert_dossier(d).value();
      return {};
    });
    return id;
  }

  // A dossier as intake registers it: the dossier, its inbound envelope (delivered), the applicant
  // and the "received_by_post" event. Returns its id.
  db::Id receive(const Received& how) {
    db::Id id = 0;
    const common::Timestamp now = clock.now();
    write([&](db::Transaction& tx) -> common::Result<void> {
      db::Dossier d;
      d.agency_id = agency_id;
      d.channel = how.channel;
      d.filed_at = how.filed;
      d.lookup_code = how.lookup_code;
      d.created_at = how.event_at_filing ? how.filed : now;
      d.updated_at = d.created_at;
      id = tx.insert_dossier(d).value();
      (void)tx
          .insert_shipment(
              shipment(how.tracking_number, db::Direction::inbound, "delivered", how.filed, id))
          .value();
      if (how.applicant) (void)tx.insert_applicant(applicant_row(id, *how.applicant)).value();
      const std::string data = how.event_data.empty()
                                   ? fmt::format(R"({{"tracking_number":"{}","filed_at":"{}"}})",
                                                 how.tracking_number, common::format_iso(how.filed))
                                   : how.event_data;
      (void)tx
          .append_event(db::Event{0, how.event_at_filing ? how.filed : now, "mailroom", "dossier",
                                  id, db::EventKind::received_by_post, "envelope registered", data})
          .value();
      return {};
    });
    return id;
  }

  // Puts dossier `id` straight into `state`, accepted with `procedure_id` (version 1; none when
  // nullopt) under `code`, due at `due`, without an event: what the lifecycle would have left.
  void put_in_state(db::Id id, db::DossierState state, const std::string& code,
                    std::optional<db::Id> procedure_id, std::optional<common::Timestamp> due,
                    std::optional<common::Timestamp> updated = std::nullopt) {
    write([&](db::Transaction& tx) {
      db::Dossier d = tx.get_dossier(id).value().value();
      d.state = state;
      d.code = code;
      if (procedure_id) {
        d.procedure_id = *procedure_id;
        d.procedure_version = 1;
      }
      d.due_at = due;
      if (updated) d.updated_at = *updated;
      return tx.update_dossier(d);
    });
  }

  db::Id add_applicant(db::Id dossier_id, const Person& person = {}) {
    db::Id id = 0;
    write([&](db::Transaction& tx) -> common::Result<void> {
      id = tx.insert_applicant(applicant_row(dossier_id, person)).value();
      return {};
    });
    return id;
  }

  // A staff officer the forms name by full name and title (the event log names the login).
  void add_officer(const std::string& login = "lan.nt", const std::string& name = "Nguyễn Thị Lan",
                   const std::string& title = "Chuyên viên") {
    write([&](db::Transaction& tx) -> common::Result<void> {
      db::User user;
      user.login = login;
      user.name = name;
      user.title = title;
      user.role = "officer";
      user.password_hash = "$argon2id$x";
      auto added = tx.insert_user(user);
      if (!added) return added.error();
      return {};
    });
  }

  // A shipment of the carrier "vnpost" in 2026, first seen (and updated) at `seen`.
  static db::Shipment shipment(const std::string& number, db::Direction direction,
                               const std::string& status, common::Timestamp seen,
                               std::optional<db::Id> dossier_id = std::nullopt) {
    db::Shipment s;
    s.carrier = "vnpost";
    s.tracking_number = number;
    s.year = 2026;
    s.direction = direction;
    s.status = status;
    s.dossier_id = dossier_id;
    s.first_seen_at = seen;
    s.updated_at = seen;
    return s;
  }

  db::Id add_shipment(const db::Shipment& s) {
    db::Id id = 0;
    write([&](db::Transaction& tx) -> common::Result<void> {
      id = tx.insert_shipment(s).value();
      return {};
    });
    return id;
  }

  // ---------------------------------------------------------------------------------------------
  // Reading back

  db::Dossier dossier(db::Id id) {
    std::optional<db::Dossier> out;
    read([&](db::Transaction& tx) -> common::Result<void> {
      out = tx.get_dossier(id).value();
      return {};
    });
    REQUIRE(out.has_value());
    return *out;
  }

  std::vector<db::Event> events(db::Id id, const char* entity = "dossier") {
    std::vector<db::Event> out;
    read([&](db::Transaction& tx) -> common::Result<void> {
      out = tx.events_of(entity, id).value();
      return {};
    });
    return out;
  }

  std::vector<db::Shipment> shipments_of(db::Id dossier_id, db::Direction direction) {
    std::vector<db::Shipment> out;
    read([&](db::Transaction& tx) -> common::Result<void> {
      const std::vector<db::Shipment> all = tx.shipments_of(dossier_id).value();
      for (const auto& s : all) {
        if (s.direction == direction) out.push_back(s);
      }
      return {};
    });
    return out;
  }

 private:
  static db::Applicant applicant_row(db::Id dossier_id, const Person& person) {
    db::Applicant a;
    a.dossier_id = dossier_id;
    a.id_number = person.id_number;
    a.full_name = person.full_name;
    a.address = person.address;
    a.phone = person.phone;
    a.return_address = person.return_address;
    a.source = person.source;
    return a;
  }
};

// A store that passes each unit of work to `inner` until told to refuse reads or writes; then it
// fails them with io_error, as SQLite does when the disk is full or the file is gone.
class RefusingStore final : public db::Store {
 public:
  explicit RefusingStore(db::Store& inner) : inner_(inner) {}
  using db::Store::read;
  using db::Store::write;

  bool refuse_reads = false;
  bool refuse_writes = false;

  common::Result<void> write(
      const std::function<common::Result<void>(db::Transaction&)>& work) override {
    if (refuse_writes)
      return common::make_error(common::ErrorCode::io_error, "disk I/O error (test)");
    return inner_.write(work);
  }
  common::Result<void> read(
      const std::function<common::Result<void>(db::Transaction&)>& work) override {
    if (refuse_reads)
      return common::make_error(common::ErrorCode::io_error, "disk I/O error (test)");
    return inner_.read(work);
  }

 private:
  db::Store& inner_;
};

}  // namespace test_support
