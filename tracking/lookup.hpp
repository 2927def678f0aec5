// Looking up a dossier (docs/domain.md §1.6): by the tracking number of its inbound envelope or its
// return shipment, or by its dossier code. Two views. The citizen view answers only to the code
// plus the dossier's lookup code from the receipt, and is built from types that have no field for
// personal data: no name, ID number, address or phone, no text typed by staff (reasons, lists of
// missing documents), no actors, no carrier free text (a carrier's description may name the person
// who signed). The staff view has everything. Knows the database and the event log's vocabulary
// (tracking/lifecycle); it does not rate-limit (the server does) nor print documents.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "db/records.hpp"
#include "db/store.hpp"
#include "tracking/labels.hpp"

namespace tracking {

// A tracking number as typed: spaces, tabs and '-' removed, upper-cased ("eb 123 456 785 vn" ->
// "EB123456785VN").
std::string normalise_tracking_number(std::string_view text);

// The standard form ("000.00.05.H12-260302-0001") of a dossier code typed or read in a variant
// form (docs/domain.md §3): surrounding spaces ignored, letters upper-cased, an 8-digit date
// ("20260302") shortened to 6, the sequence padded to at least 4 digits ("G09.20-20260609-0092637"
// -> "G09.20-260609-92637"). Returns nullopt when the text is not shaped like a dossier code
// (<agency>-<6 or 8 digit date>-<digits>).
std::optional<std::string> normalise_dossier_code(std::string_view text);

// Lookup codes as typed: spaces and '-' removed, upper-cased.
std::string normalise_lookup_code(std::string_view text);

// True iff `typed` equals `expected`. Takes time that depends only on the lengths, not on where
// the first difference is, so the code cannot be guessed one character at a time.
bool lookup_codes_equal(std::string_view typed, std::string_view expected);

// The words for a state, for staff and citizens alike, are tracking::state_label (labels.hpp).
// For a normalised carrier status ("delivered" -> "Phát thành công"); "Chưa rõ" when unknown.
std::string_view carrier_status_label(std::string_view status);

// One step of the dossier's life, as a citizen may see it.
struct CitizenStep {
  common::Timestamp at{};  // when it happened
  std::string step;        // the event log's action: "accepted", "supplement_requested", ...
  std::string label;       // what it means, in Vietnamese
  db::DossierState state = db::DossierState::received;  // the state after it
  std::optional<common::Timestamp> due_at;              // the appointment after it, if any
  // A letter posted back (step "letter_dispatched", docs/domain.md §1.5b): which ("refusal") and
  // its tracking number, not personal data. Empty for other steps.
  std::string letter;
  std::string tracking_number;
  // The unit the dossier went to (step "transferred", docs/domain.md §1.4a): a public office's
  // name, never a person's.
  std::string unit;
};

// One carrier event: when, what (normalised), at which post office. Not the carrier's text.
struct CitizenCarrierEvent {
  common::Timestamp at{};
  std::string status;  // normalised status ("in_transit")
  std::string office;  // post office name ("Bưu cục phát Hải Châu")
};

struct CitizenShipment {
  db::Direction direction = db::Direction::inbound;  // inbound: the envelope; outbound: the result
  // What an outbound shipment carries: "result", or a letter ("refusal"...; docs/domain.md §1.5b).
  std::string purpose = "result";
  std::string carrier;
  std::string tracking_number;
  std::string status;                       // normalised
  std::vector<CitizenCarrierEvent> events;  // by time
};

// What a citizen sees. Deliberately has no field that could hold personal data.
struct CitizenView {
  std::string dossier_code;  // empty until accepted
  std::string procedure_code;
  std::string procedure_name;  // empty until the procedure is known
  common::Timestamp filed_at{};
  db::DossierState state = db::DossierState::received;
  std::optional<common::Timestamp> due_at;
  bool reappointed = false;
  std::vector<CitizenStep> timeline;
  std::vector<CitizenShipment> shipments;  // inbound first, then return shipments
  // The result could not be delivered: the dossier is back at the desk (return_failed), or the
  // newest return shipment had a failed attempt (or is going back) and was not delivered since.
  // The page then tells the citizen what to do.
  bool delivery_failed = false;
  // How the result goes back, as the citizen chose (docs/domain.md §1.5). For the desk, where
  // and when to collect it: the desk's public address and its office hours ("7:30-11:30,
  // 13:30-17:00"), public facts of the office, never personal data.
  db::ResultDelivery result_delivery = db::ResultDelivery::post;
  std::string collection_address;
  std::string office_hours;
};

// The desk as citizens may reach it: its name (the agency's), its address and its hotline. Public
// facts of an office, not personal data. Empty strings for what is not set.
struct DeskContact {
  std::string name;
  std::string address;
  std::string phone;
};

// The desk's contact from the settings (agency_code's agency, agency_address, agency_phone).
// Fails with the database's errors. Read-only.
common::Result<DeskContact> desk_contact(db::Transaction& tx);
// The same on the store's readers for citizens (db::ReadLane::public_lookup).
common::Result<DeskContact> desk_contact(db::Store& store);
// Sets the desk's address and hotline, trimmed, in the caller's write transaction. Fails with
// invalid_argument (msg::desk_address_invalid: empty or over 200 characters or with a control
// character; msg::desk_phone_invalid: not 3 to 20 of digits, spaces and + . ( ) -) before writing.
common::Result<void> set_desk_contact(db::Transaction& tx, std::string_view address,
                                      std::string_view phone);

struct StaffShipment {
  db::Shipment shipment;
  std::vector<db::CarrierEvent> events;  // with the carrier's descriptions
};

// What staff see: every record of the dossier, and the citizen view for comparison.
struct StaffView {
  db::Dossier dossier;
  std::optional<db::Agency> agency;
  std::optional<db::Procedure> procedure;
  std::optional<db::Applicant> applicant;
  std::vector<StaffShipment> shipments;
  std::vector<db::Event> history;  // actors, reasons and data
  std::vector<db::Scan> scans;
  CitizenView citizen;
  // Who received the result at the desk (tracking::record_collection); personal data, for staff.
  std::optional<db::ResultCollection> collection;
  // Handovers between units (docs/domain.md §1.4a), oldest first; names of people, for staff.
  std::vector<db::UnitHandover> handovers;
};

// The single error of a failed citizen lookup, whatever failed (no such code, or a wrong lookup
// code), so sequential tracking numbers cannot be probed: not_found, "no dossier matches this code
// and lookup code: check both on your receipt".
common::Error citizen_lookup_error();

// Finds the dossier `code` names (a tracking number, inbound then return, or a dossier code in any
// form normalise_dossier_code accepts) and returns its citizen view iff `lookup_code` matches its
// lookup code (normalise_lookup_code, compared with lookup_codes_equal). Fails with
// citizen_lookup_error() when nothing matches or the lookup code is wrong (the same error); with
// the database's errors otherwise. Read-only.
// What is uniform, so that the work done does not tell whether a code exists: whatever `code` is
// and whatever it matches, one statement runs before anything is decided
// (db::Transaction::match_public_code: every key probed through an index, one dossier row read,
// one narrow row back: the dossier's id and lookup code, or 0 and a stand-in of the same length,
// 8 characters as intake makes them), then one lookup_codes_equal. Only a code with its right
// lookup code reads more (the dossier and its view). Not uniform: a tracking number that is
// found also reads its shipment's row, so wall-clock time is close, not equal (about 1-2 µs in
// bench/lookup_bench, where the five statements before differed by 10-14 µs); the server's rate
// limit remains what stops probing.
common::Result<CitizenView> citizen_lookup(db::Transaction& tx, std::string_view code,
                                           std::string_view lookup_code);

// Finds the dossier `key` names (as citizen_lookup, with the same statement, then "#12" or a bare
// dossier number) and returns everything about it. Fails with not_found naming the key, or the
// database's errors.
common::Result<StaffView> staff_lookup(db::Transaction& tx, std::string_view key);

// The same, each in one read transaction of `store`. citizen_lookup reads on the store's readers
// for public lookups (db::ReadLane::public_lookup), so it never waits for readers that staff
// queries hold; staff_lookup reads on the staff's.
common::Result<CitizenView> citizen_lookup(db::Store& store, std::string_view code,
                                           std::string_view lookup_code);
common::Result<StaffView> staff_lookup(db::Store& store, std::string_view key);

// Renderings. JSON is one object (UTF-8; invalid bytes replaced); text is for a terminal, with
// control characters replaced. The citizen renderings read only the CitizenView.
std::string citizen_json(const CitizenView& view);
std::string desk_contact_json(const DeskContact& contact);
std::string citizen_text(const CitizenView& view);
std::string staff_json(const StaffView& view);
// The object staff_json prints, for callers that add to it (the server's dossier page).
nlohmann::json staff_object(const StaffView& view);
std::string staff_text(const StaffView& view);

}  // namespace tracking
