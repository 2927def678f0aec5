// The printable documents of a dossier (docs/domain.md §0, §1), numbered as Circular
// 03/2025/TT-VPCP numbers them: form 01 receipt and appointment slip, 02 supplement request, 03
// refusal, 04 apology and request for more time, 05 notice that processing has stopped, 06 process
// control sheet, 07 yearly register; and return labels, as standalone HTML pages (UTF-8, print CSS
// with @page sizes, barcodes as inline SVG from scanner/barcode_writer). Three layers: plain data
// structs; pure render functions (no database; templates that HTML-escape every text); loaders that
// fill the structs from a db::Transaction. Knows nothing of the CLI, of HTTP or of carriers' APIs.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "db/records.hpp"
#include "db/store.hpp"

namespace tracking {

enum class PaperSize { a4, a5 };                 // forms 01-06 (form 07 is A4 landscape)
enum class LabelSize { a6, mm100x150 };          // return labels
enum class LabelLayout { one_per_page, sheet };  // sheet: as many labels as fit on A4
std::optional<PaperSize> parse_paper_size(std::string_view name);  // "a4", "a5"
std::optional<LabelSize> parse_label_size(std::string_view name);  // "a6", "100x150"

// The set of forms a printout follows (docs/domain.md §0): Circular 01/2018/TT-VPCP for a form
// issued before 15 September 2025, Circular 03/2025/TT-VPCP from that day (its Article 1 and Annex
// I). The sets differ in their numbering (the control sheet is 05 then 06, the register 06 then
// 07), in form 04's title (an apology with a new date, then an apology asking for more time) and
// in form 05 (the stop notice), which only the 2025 set has. A dossier received before the change
// reprints its old forms as they were issued.
enum class FormSet { tt01_2018, tt03_2025 };
// The set in force at `issued` (desk time).
FormSet form_set_at(common::Timestamp issued);

// The agency on letterheads and as the sender on labels.
struct AgencyInfo {
  std::string code;  // "000.00.05.H12"
  std::string name;  // "Bộ phận Một cửa UBND quận Hải Châu"
  std::string address;
  std::string phone;
  std::string province;  // the place in "Hà Nội, ngày ... tháng ... năm ..."; may be empty
};

// The applicant as printed. Personal data: these pages go to the citizen and the file only.
struct ApplicantInfo {
  std::string full_name;
  std::string id_number;
  std::string phone;
  std::string address;         // permanent address
  std::string return_address;  // where the result goes back, when not the permanent address
  // The return address if set, else the permanent address.
  const std::string& delivery_address() const {
    return return_address.empty() ? address : return_address;
  }
};

// What every form says about the dossier.
struct DossierSummary {
  db::Id id = 0;
  std::string code;         // dossier code ("mã hồ sơ"); empty before acceptance
  std::string lookup_code;  // secret: printed on the receipt (form 01) only
  // tracking::public_lookup_url of the code (or the inbound tracking number) with the lookup code:
  // for the receipt only, which the citizen keeps.
  std::string lookup_url;
  // tracking::public_lookup_page_url of the same code, without the lookup code: for what others
  // see (the return label).
  std::string lookup_page_url;
  std::string procedure_code;
  std::string procedure_name;
  std::string processing_time;  // "5 ngày làm việc"
  std::string inbound_tracking_number;
  common::Timestamp filed_at{};  // the carrier's handover: the filing moment
  std::optional<common::Timestamp> due_at;
  db::DossierState state = db::DossierState::received;
  int supplement_count = 0;
  ApplicantInfo applicant;  // empty fields when unknown
  // How the result goes back, as the citizen chose (docs/domain.md §1.5): collected at the desk.
  bool result_at_desk = false;
  std::int64_t fee_vnd =
      0;  // the procedure's fees and charges (docs/domain.md §5.5); 0: none known
  // Who pays the return postage (db::k_setting_return_postage_payer): the citizen, by default.
  bool postage_paid_by_agency = false;
};

// Who a form names as having acted: a staff user's full name and title (chức vụ, "Chuyên viên"),
// printed on its own line under the name when there is one; for an actor that is no staff user
// with a name (a CLI user, a scanning station), the actor as logged and no title.
struct Signer {
  std::string name;
  std::string title;
  bool operator==(const Signer&) const = default;
};

// Form 01: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả".
struct ReceiptForm {
  AgencyInfo agency;
  DossierSummary dossier;  // code and due_at are required
  common::Timestamp accepted_at{};
  Signer received_by;  // the officer who accepted it
  PaperSize paper = PaperSize::a5;
};

// Form 02: "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ".
struct SupplementForm {
  AgencyInfo agency;
  DossierSummary dossier;
  common::Timestamp requested_at{};
  std::vector<std::string> missing;  // every missing document, listed at once
  std::string reason;
  Signer officer;
  int number = 1;  // 1 for the first request of this dossier, 2 for the second...
  PaperSize paper = PaperSize::a4;
};

// Form 03: "Phiếu từ chối tiếp nhận giải quyết hồ sơ".
struct RefusalForm {
  AgencyInfo agency;
  DossierSummary dossier;
  common::Timestamp refused_at{};
  std::vector<std::string> reasons;
  Signer officer;
  PaperSize paper = PaperSize::a4;
};

// Form 04: "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết" (Circular 03/2025); before
// 15 September 2025 "Phiếu xin lỗi và hẹn lại ngày trả kết quả" (Circular 01/2018).
struct ApologyForm {
  AgencyInfo agency;
  DossierSummary dossier;
  common::Timestamp issued_at{};
  common::Timestamp previous_due_at{};
  common::Timestamp new_due_at{};
  std::string reason;  // why the result is late
  Signer officer;
  PaperSize paper = PaperSize::a4;
};

// Whether a step met its deadline (national scoring: before, on or after the appointment).
enum class Timeliness { not_applicable, early, on_time, late };

// Form 05 (Circular 03/2025 only): "Thông báo dừng giải quyết hồ sơ", the notice that the agency
// has stopped processing the dossier (docs/domain.md §1.4), with the reason.
struct StopNotice {
  AgencyInfo agency;
  DossierSummary dossier;
  common::Timestamp stopped_at{};
  std::string reason;  // required
  Signer officer;
  PaperSize paper = PaperSize::a4;
};

// One line of form 06: one event of the dossier's history.
struct ControlStep {
  common::Timestamp at{};
  std::string action;  // the event log's name ("accepted"); shown in Vietnamese
  Signer actor;
  std::string note;                           // reason and details, for staff
  std::optional<common::Timestamp> deadline;  // the deadline the step was measured against
  Timeliness timeliness = Timeliness::not_applicable;
};

// One row of form 06's handover table (docs/domain.md §1.4a): who handed the dossier to whom,
// when, measured against the dossier's deadline in force then. Staff of the desk are named by
// full name and title; the other units' people as typed.
struct HandoverRow {
  common::Timestamp at{};
  std::string from_unit;
  Signer from_person;
  std::string to_unit;
  Signer to_person;
  std::optional<common::Timestamp> deadline;
  Timeliness timeliness = Timeliness::not_applicable;
  std::string note;
};

// Form 06 (form 05 before 15 September 2025): "Phiếu kiểm soát quá trình giải quyết hồ sơ".
struct ControlSheet {
  AgencyInfo agency;
  DossierSummary dossier;
  std::vector<ControlStep> steps;  // oldest first
  // The receipt at the desk, then each handover between units, oldest first. Printed as form
  // 06's table for a dossier filed from 15 September 2025; a dossier of Circular 01/2018's set
  // prints its event log only, as it always did.
  std::vector<HandoverRow> handovers;
  PaperSize paper = PaperSize::a4;
};

// One row of form 07.
struct RegisterRow {
  DossierSummary dossier;
  std::optional<common::Timestamp> resolved_at;  // result ready (processed)
  std::optional<common::Timestamp> returned_at;  // result returned (delivered)
  std::string return_tracking_number;
  Timeliness timeliness = Timeliness::not_applicable;  // late also for 2+ supplement requests
  std::string note;
};

// Form 07 (form 06 before 15 September 2025): "Sổ theo dõi hồ sơ", one row per dossier filed in
// the year, by filing time.
struct YearRegister {
  AgencyInfo agency;
  int year = 0;
  std::vector<RegisterRow> rows;
  common::Timestamp printed_at{};
};

// A return label: the result's shipment back to the citizen.
struct ReturnLabel {
  AgencyInfo sender;
  std::string receiver_name;
  std::string receiver_phone;
  std::string receiver_address;
  std::string tracking_number;  // the return shipment's number (Code 128)
  std::string carrier;
  std::string dossier_code;  // may be empty
  db::Id dossier_id = 0;
  // QR: tracking::public_lookup_page_url, never the lookup code. The label is on the outside of
  // the envelope, read by everyone who handles it; the page asks for the code on the receipt.
  std::string lookup_url;
};

// Render functions: pure, thread-safe. Each returns one complete HTML page (`<!DOCTYPE html>`,
// lang="vi", UTF-8, @page size) with every text from the structs HTML-escaped. They fail with
// bad_input when a barcode cannot be encoded (e.g. a non-ASCII tracking number) and with
// invalid_argument when a required field is missing (the message names it).
common::Result<std::string> render_receipt(const ReceiptForm& form);
// The receipts of several dossiers as one document, one page each, on the first form's paper
// (a clerk accepting a post batch prints them at once). invalid_argument for no forms.
common::Result<std::string> render_receipts(std::span<const ReceiptForm> forms);
common::Result<std::string> render_supplement_request(const SupplementForm& form);
common::Result<std::string> render_refusal(const RefusalForm& form);
common::Result<std::string> render_apology(const ApologyForm& form);
common::Result<std::string> render_stop_notice(const StopNotice& form);
common::Result<std::string> render_control_sheet(const ControlSheet& sheet);
common::Result<std::string> render_register(const YearRegister& reg);
// Labels of `size`, one per page or as a sheet (A4: 4 A6 labels, 2 of 100 × 150 mm). Fails with
// invalid_argument for no labels and for a lookup link that carries a lookup code ("mk=").
common::Result<std::string> render_labels(std::span<const ReturnLabel> labels, LabelSize size,
                                          LabelLayout layout);

// Loaders: fill a struct from the database in the caller's transaction (read or write). Settings:
// db::k_setting_public_url (see citizen_base_url), agency address, phone, province. The receipt and
// the return label print the citizen's lookup link: their loaders fail with citizen_base_url's
// conflict while the desk has no public address citizens can open.
// Each fails with not_found when there is no dossier `dossier_id`, with invalid_argument when the
// document does not apply to the dossier (no receipt before acceptance, no refusal of an accepted
// dossier...; the message says why and which command makes it), and with the database's errors.
common::Result<DossierSummary> load_dossier_summary(db::Transaction& tx, db::Id dossier_id);
// The desk's public address (db::k_setting_public_url) when citizens can open it; a conflict
// (tracking::public_url_problem) when it is unset, malformed, or loopback on a desk that is not a
// trial one (db::k_setting_public_url_local).
common::Result<std::string> citizen_base_url(db::Transaction& tx);
common::Result<ReceiptForm> load_receipt(db::Transaction& tx, db::Id dossier_id);
// The dossier's `number`-th supplement request (1-based); 0: the latest.
common::Result<SupplementForm> load_supplement_request(db::Transaction& tx, db::Id dossier_id,
                                                       int number = 0);
common::Result<RefusalForm> load_refusal(db::Transaction& tx, db::Id dossier_id);
common::Result<ApologyForm> load_apology(db::Transaction& tx, db::Id dossier_id);
// The dossier's latest stop or withdrawal (the citizen asked to stop: Decree 118/2025 Article 21).
// invalid_argument when processing was neither stopped nor withdrawn.
common::Result<StopNotice> load_stop_notice(db::Transaction& tx, db::Id dossier_id);
common::Result<ControlSheet> load_control_sheet(db::Transaction& tx, db::Id dossier_id);
// Dossiers filed in `year` (local time), by filing time. `now` is the printing time.
common::Result<YearRegister> load_register(db::Transaction& tx, int year, common::Timestamp now);
// The label of the dossier's newest outbound (return) shipment. Fails with not_found when the
// dossier has no return shipment ("dispatch it first").
common::Result<ReturnLabel> load_return_label(db::Transaction& tx, db::Id dossier_id);

// One envelope of a handover record: one row however many times it was scanned.
struct HandoverEnvelope {
  std::string tracking_number;  // empty: not read yet, waiting in the manual queue
  std::optional<db::Id> dossier_id;
  db::ScanOutcome outcome = db::ScanOutcome::manual;  // of its first scan in the batch
  bool typed = false;  // the number was typed (a hand scanner), no image kept
  int scans = 1;       // 2 or more: rescanned, still one envelope and one row
};

// "Biên bản giao nhận hồ sơ": what the carrier's deliverer handed to the desk in one batch, for
// both to sign. The rows are the envelopes; the totals are counted from them.
struct HandoverForm {
  AgencyInfo agency;  // the letterhead and the place (code, name, province)
  std::string batch_name;
  std::string carrier;  // "vnpost"
  common::Timestamp handed_over_at{};
  Signer received_by;                       // the clerk: full name and title
  std::vector<HandoverEnvelope> envelopes;  // in the order first received
  // The carrier's delivery list when it gave one: each number is received or missing, and an
  // envelope whose number is not on it is marked.
  std::vector<std::string> manifest;
};

// The handover record as one A4 portrait page or more (rows never split, the table's header on
// every page), signed on the handover's day. Pure and thread-safe; fails with invalid_argument
// when the batch has no name.
common::Result<std::string> render_handover(const HandoverForm& form);

// "Phiếu giao trả kết quả": the result handed over at the desk to the citizen, or to a person
// they authorised (docs/domain.md §1.5), one A4 page the recipient signs beside the officer.
// Personal data (the recipient's name and ID number): printed for the file and the recipient.
struct CollectionForm {
  AgencyInfo agency;
  DossierSummary dossier;
  common::Timestamp collected_at{};
  // What was handed over; the loader says "Kết quả giải quyết thủ tục hành chính" (the hoso
  // records no title of the result document itself).
  std::string result = "Kết quả giải quyết thủ tục hành chính";
  Signer officer;  // who handed it over: full name and title
  db::RecipientKind recipient_kind = db::RecipientKind::citizen;
  std::string recipient_name;
  std::string recipient_id_number;
  PaperSize paper = PaperSize::a4;
};

// The handover of the result at the desk. Pure and thread-safe; fails with invalid_argument when
// the recipient's name or ID number is missing.
common::Result<std::string> render_collection(const CollectionForm& form);
// The dossier's handover of the result at the desk (tracking::record_collection). Fails with
// not_found (no such dossier), invalid_argument (msg::form_not_collected: not handed over at the
// desk), or the database's errors.
common::Result<CollectionForm> load_collection(db::Transaction& tx, db::Id dossier_id);

// "Phiếu chuyển xử lý" (Decree 118/2025 Art. 20(2); docs/domain.md §1.4a): one handover of the
// dossier to another unit, stating the work to do there and that unit's deadline beside the
// dossier's own, signed by who hands over and who receives. No personal data of the citizen: the
// dossier's code and procedure identify it (the loader leaves `dossier.applicant` empty).
struct TransferSlip {
  AgencyInfo agency;  // the receiving centre: the letterhead
  DossierSummary dossier;
  int number = 1;  // which handover of the dossier to another unit (1, 2...)
  common::Timestamp handed_over_at{};
  std::string from_unit;  // the desk, or the unit that held the dossier
  std::string to_unit;
  std::string work;                              // the handover's note: the work to do there
  std::optional<common::Timestamp> unit_due_at;  // the receiving unit's deadline, if given
  Signer from_person;  // the desk's officer by full name and title; another unit's as typed
  Signer to_person;    // as typed
  PaperSize paper = PaperSize::a4;
};

// The slip as one A4 page. Pure and thread-safe; fails with invalid_argument when the receiving
// unit is missing.
common::Result<std::string> render_transfer_slip(const TransferSlip& slip);
// The slip of the dossier's `number`-th handover to another unit (1-based; 0: the latest). Fails
// with not_found (no such dossier), invalid_argument (msg::no_transfer_slip: never handed to
// another unit; msg::no_such_handover), or the database's errors.
common::Result<TransferSlip> load_transfer_slip(db::Transaction& tx, db::Id dossier_id,
                                                int number = 0);

// The forms of one dossier, by the names the CLI and the API use.
enum class FormKind {
  receipt,     // "receipt": form 01
  supplement,  // "supplement": form 02
  refusal,     // "refusal": form 03
  apology,     // "apology": form 04
  stop,        // "stop": form 05 (stop notice)
  control,     // "control": form 06 (form 05 before 15 September 2025)
  collection,  // "collection": the handover of the result at the desk (no form number)
};
std::optional<FormKind> parse_form_kind(std::string_view name);
// The name parse_form_kind reads ("receipt", "supplement"...).
std::string_view form_kind_name(FormKind kind);

// The documents a dossier has, as the dossier page lists them.
struct AvailableForms {
  std::vector<FormKind> forms;  // in the order of FormKind
  bool return_label = false;    // the dossier has a return shipment
};

// Which forms of dossier `dossier_id` exist, from the dossier, its events and its shipments,
// without loading or rendering any form. A form is listed iff its loader succeeds, or fails only
// because the desk has no usable public address, which opening it then explains (load_receipt,
// load_supplement_request of the latest request, load_refusal, load_apology, load_stop_notice,
// load_control_sheet);
// `return_label` iff load_return_label succeeds. For a dossier moved by tracking::Lifecycle these
// are exactly the forms render_form succeeds on with its defaults; a form listed here can still
// fail to render when its barcode cannot be encoded, or when a supplement's list or a refusal's
// reason, written around the lifecycle, holds no item. Fails with not_found when there is no
// dossier `dossier_id` and with the database's errors. Reads in the caller's transaction.
common::Result<AvailableForms> available_forms(db::Transaction& tx, db::Id dossier_id);

// Loads and renders form `kind` of dossier `dossier_id` in the caller's transaction: the receipt
// on `receipt_paper`, the `supplement_number`-th supplement request (0: the latest). Fails as the
// loader and the renderer do (invalid_argument when the form does not apply to the dossier).
common::Result<std::string> render_form(db::Transaction& tx, db::Id dossier_id, FormKind kind,
                                        PaperSize receipt_paper = PaperSize::a5,
                                        int supplement_number = 0);

// The folder name of a dossier's documents: its code, or "#<id>" before acceptance (characters
// other than letters, digits, '.', '-' and '_' replaced by '_').
std::string document_folder_name(const db::Dossier& dossier);

struct DocumentOptions {
  PaperSize paper = PaperSize::a5;  // form 01
  LabelSize label = LabelSize::a6;
};

// Writes into `folder` (created if missing) every document that applies to the dossier, each
// file replaced atomically: form-01.html (accepted), form-02.html (one per supplement request:
// form-02-1.html, form-02-2.html... when there were several), form-03.html (refused), form-04.html
// (re-appointed), form-05.html (stopped or withdrawn), form-06.html (the control sheet, always),
// label.html (a return shipment exists) and collection.html (the result was handed over at the
// desk): the forms' file names follow Circular 03/2025's numbers whatever set a form was printed
// in. Returns the paths written, in that order. Reads in one read transaction of `store`. Fails
// like the loaders, or with io_error naming the file that could not be written.
common::Result<std::vector<std::filesystem::path>> write_dossier_documents(
    db::Store& store, db::Id dossier_id, const std::filesystem::path& folder,
    const DocumentOptions& options = {});

// Writes `html` to `path` atomically (a temporary file renamed over it), creating the folder. The
// file is 0600 and folders it creates 0700, whatever the umask: forms carry personal data
// (common::write_private_file). Fails with io_error naming the path (common::msg::disk_full when
// the disk is full).
common::Result<void> write_document(const std::filesystem::path& path, std::string_view html);

}  // namespace tracking
