// Forms 01-07 (tracking/documents.hpp): the checks a form needs, its data for its template in
// tracking/templates/, and nothing of how the data was loaded.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "tracking/detail/document_text.hpp"
#include "tracking/detail/page.hpp"
#include "tracking/documents.hpp"

namespace tracking {
namespace {

using common::Result;
using detail::Data;
using detail::text_value;

std::string_view timeliness_vn(Timeliness t) {
  switch (t) {
    case Timeliness::not_applicable:
      return "—";
    case Timeliness::early:
      return "Trước hạn";
    case Timeliness::on_time:
      return "Đúng hạn";
    case Timeliness::late:
      return "Quá hạn";
  }
  return "—";
}

// The event log's action names (tracking/lifecycle.cpp, intake/registrar.cpp) in Vietnamese.
std::string step_vn(std::string_view action) {
  static constexpr std::pair<std::string_view, std::string_view> k_names[] = {
      {"received_by_post", "Nhận hồ sơ qua bưu chính (bưu điện bàn giao)"},
      {"applicant_added", "Ghi nhận người nộp hồ sơ (từ CCCD)"},
      {"applicant_updated", "Cập nhật thông tin liên hệ của người nộp (phiếu gửi hồ sơ)"},
      {"return_order_cancelled", "Hủy đơn gửi kết quả tại bưu điện (đổi địa chỉ nhận)"},
      {"scanned_again", "Quét lại phong bì"},
      {"supplement_by_post", "Nhận hồ sơ bổ sung qua bưu điện (phong bì mới)"},
      {"supplement_unexpected",
       "Nhận phong bì bổ sung qua bưu điện khi hồ sơ không chờ bổ sung: cán bộ cần xem"},
      {"accepted", "Tiếp nhận hồ sơ, hẹn ngày trả kết quả (Mẫu 01)"},
      {"supplement_requested", "Yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)"},
      {"supplement_received", "Nhận hồ sơ bổ sung đầy đủ, tính lại thời hạn"},
      {"refused", "Từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03)"},
      {"processing_started", "Chuyển hồ sơ giải quyết"},
      {"fees_requested", "Yêu cầu thực hiện nghĩa vụ tài chính"},
      {"fees_paid", "Đã thực hiện nghĩa vụ tài chính"},
      {"processed", "Có kết quả giải quyết hồ sơ"},
      {"withdrawn", "Công dân rút hồ sơ"},
      {"stopped", "Dừng giải quyết hồ sơ (Mẫu 05)"},
      {"reappointed", "Xin lỗi và đề nghị gia hạn thời gian giải quyết (Mẫu 04)"},
      {"return_dispatched", "Gửi trả kết quả qua bưu chính"},
      {"result_returned", "Đã trả kết quả cho công dân"},
      {"return_failed", "Bưu chính hoàn trả kết quả về cơ quan"},
      {"transferred", "Chuyển hồ sơ đến cơ quan giải quyết (liên thông)"},
      {"returned_from_unit", "Nhận lại hồ sơ, kết quả từ cơ quan giải quyết"},
  };
  for (const auto& [name, vn] : k_names) {
    if (name == action) return std::string(vn);
  }
  return std::string(action);
}

// Which number a form has in each set (docs/domain.md §0): Circular 01/2018/TT-VPCP numbered
// the control sheet 05 and the register 06; Circular 03/2025/TT-VPCP adds the stop notice as 05.
enum class FormNumber { receipt, supplement, refusal, apology, stop, control, register_book };

// "Mẫu số 06" for the corner of the page, and the circular it comes from.
Data form_number(FormNumber form, common::Timestamp issued) {
  const bool old_set = form_set_at(issued) == FormSet::tt01_2018;
  int n = static_cast<int>(form) + 1;
  if (old_set && form >= FormNumber::control) --n;
  Data data;
  data.set("number", fmt::format("Mẫu số {:02}", n));
  data.set("circular", old_set ? "Thông tư 01/2018/TT-VPCP" : "Thông tư 03/2025/TT-VPCP");
  return data;
}

// "<form's title> — <dossier code, or #id before acceptance>"
std::string title(std::string_view form, const DossierSummary& d) {
  return fmt::format("{} — {}", form, d.code.empty() ? fmt::format("#{}", d.id) : d.code);
}

constexpr std::string_view k_margin = "15mm 15mm 15mm 20mm";
// The longest procedure name each printout shows in full (characters), measured in Chromium with
// DejaVu Serif, the widest of the page's fonts: three lines of the receipt on A5, six on A4, four
// on forms 02-05 (which have more to say on their page), two of the register's column before the
// code. The procedure's code, printed after the name, identifies it in full.
constexpr std::size_t k_receipt_name_a5 = 120;
constexpr std::size_t k_receipt_name_a4 = 400;
constexpr std::size_t k_form_name = 280;
constexpr std::size_t k_register_name = 60;

// What every form 02-05 shows: the page, the agency, the dossier (its procedure's name shortened
// so that the form keeps to one page) and the date it is signed.
Data form_data(std::string_view title_text, PaperSize paper, std::string_view margin,
               const AgencyInfo& agency, const DossierSummary& dossier,
               common::Timestamp signed_at) {
  DossierSummary shown = dossier;
  shown.procedure_name = detail::shorten_words(dossier.procedure_name, k_form_name);
  Data data;
  data.set("page", detail::page_data(title_text, detail::page_size(paper), margin));
  data.set("agency", detail::agency_data(agency));
  data.set("dossier", detail::dossier_data(shown));
  data.set("signed_on", detail::signing_date(signed_at));
  return data;
}

}  // namespace

FormSet form_set_at(common::Timestamp issued) {
  // Circular 03/2025/TT-VPCP, signed 15 September 2025, applies to forms issued from that day
  // (docs/domain.md §0).
  static constexpr common::Date k_circular_03_2025{std::chrono::year{2025}, std::chrono::September,
                                                   std::chrono::day{15}};
  return common::local_date(issued) < k_circular_03_2025 ? FormSet::tt01_2018 : FormSet::tt03_2025;
}

Result<std::string> render_receipt(const ReceiptForm& form) {
  return render_receipts(std::span<const ReceiptForm>(&form, 1));
}

Result<std::string> render_receipts(std::span<const ReceiptForm> forms) {
  constexpr std::string_view k_doc = "form 01 (receipt)";
  TRY(detail::require(!forms.empty(), "a dossier", k_doc));
  const PaperSize paper = forms.front().paper;
  const bool a5 = paper == PaperSize::a5;
  Data receipts{Data::type::list};
  for (const ReceiptForm& form : forms) {
    const DossierSummary& d = form.dossier;
    TRY(detail::require(!d.code.empty(), "the dossier code", k_doc));
    TRY(detail::require(d.due_at.has_value(), "the appointment (due) date", k_doc));
    TRY(detail::require(!d.lookup_url.empty(), "the lookup link", k_doc));
    scanner::SvgOptions code_options;
    code_options.module_mm = a5 ? 0.25 : 0.3;
    code_options.bar_height_mm = 10;
    TRY_ASSIGN(auto code_svg, detail::barcode(scanner::BarcodeKind::code128, d.code, code_options,
                                              "dossier code"));
    scanner::SvgOptions qr_options;
    qr_options.width_mm = a5 ? 22 : 26;
    TRY_ASSIGN(auto qr_svg,
               detail::barcode(scanner::BarcodeKind::qr, d.lookup_url, qr_options, "lookup link"));

    // One page whatever the procedure: the catalogue's names run to ~1,100 characters, and the
    // procedure's code, printed after the name, identifies it in full.
    DossierSummary shown = d;
    shown.procedure_name =
        detail::shorten_words(d.procedure_name, a5 ? k_receipt_name_a5 : k_receipt_name_a4);
    Data receipt;
    receipt.set("agency", detail::agency_data(form.agency));
    receipt.set("dossier", detail::dossier_data(shown));
    receipt.set("signed_on", detail::signing_date(form.accepted_at));
    receipt.set("code_svg", std::move(code_svg));
    receipt.set("qr_svg", std::move(qr_svg));
    receipt.set("received_by", detail::signer_data(form.received_by));
    receipt.set("form_no", form_number(FormNumber::receipt, form.accepted_at));
    receipts.push_back(std::move(receipt));
  }
  // One receipt is titled by its code (the file a browser saves); several by their number.
  const std::string page_title =
      forms.size() == 1
          ? "Giấy tiếp nhận hồ sơ và hẹn trả kết quả — " + forms.front().dossier.code
          : fmt::format("Giấy tiếp nhận hồ sơ và hẹn trả kết quả — {} hồ sơ", forms.size());
  Data data;
  data.set("page",
           detail::page_data(page_title, detail::page_size(paper), a5 ? "8mm 10mm" : k_margin));
  data.set("a5", a5);
  data.set("receipts", std::move(receipts));
  return detail::render_page("form_01_receipt", std::move(data));
}

Result<std::string> render_supplement_request(const SupplementForm& form) {
  TRY(detail::require(!form.missing.empty(), "the list of missing documents",
                      "form 02 (supplement request)"));
  Data data = form_data(title("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", form.dossier), form.paper,
                        k_margin, form.agency, form.dossier, form.requested_at);
  data.set("form_no", form_number(FormNumber::supplement, form.requested_at));
  data.set("missing", detail::text_list(form.missing));
  data.set("reason", text_value(form.reason));
  data.set("officer", detail::signer_data(form.officer));
  data.set("number", std::to_string(form.number));
  // The dossier's code as Code 128, so that the supplement's own envelope, with this form
  // enclosed or the code written on it, is joined to the dossier at intake (intake/registrar).
  // A dossier asked for more before its acceptance has no code yet (docs/domain.md §3.2).
  if (!form.dossier.code.empty()) {
    scanner::SvgOptions code_options;
    code_options.module_mm = 0.3;
    code_options.bar_height_mm = 10;
    TRY_ASSIGN(auto code_svg, detail::barcode(scanner::BarcodeKind::code128, form.dossier.code,
                                              code_options, "dossier code"));
    data.set("code_svg", std::move(code_svg));
  }
  return detail::render_page("form_02_supplement", std::move(data));
}

Result<std::string> render_refusal(const RefusalForm& form) {
  TRY(detail::require(!form.reasons.empty(), "the reason", "form 03 (refusal)"));
  Data data = form_data(title("Phiếu từ chối tiếp nhận giải quyết hồ sơ", form.dossier), form.paper,
                        k_margin, form.agency, form.dossier, form.refused_at);
  data.set("form_no", form_number(FormNumber::refusal, form.refused_at));
  data.set("reasons", detail::text_list(form.reasons));
  data.set("officer", detail::signer_data(form.officer));
  return detail::render_page("form_03_refusal", std::move(data));
}

Result<std::string> render_apology(const ApologyForm& form) {
  // Circular 03/2025 turns the 2018 apology with a new date into an apology that asks for more
  // time (docs/domain.md §1.4); a form issued before it keeps its old title.
  const bool old_set = form_set_at(form.issued_at) == FormSet::tt01_2018;
  const std::string_view heading = old_set
                                       ? "Phiếu xin lỗi và hẹn lại ngày trả kết quả"
                                       : "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết";
  Data data = form_data(title(heading, form.dossier), form.paper, k_margin, form.agency,
                        form.dossier, form.issued_at);
  data.set("form_no", form_number(FormNumber::apology, form.issued_at));
  data.set("heading", std::string(heading));
  data.set("old_set", old_set);
  data.set("previous_due_at", detail::datetime_vn(form.previous_due_at));
  data.set("new_due_at", detail::datetime_vn(form.new_due_at));
  data.set("reason", text_value(form.reason));
  data.set("officer", detail::signer_data(form.officer));
  return detail::render_page("form_04_apology", std::move(data));
}

Result<std::string> render_stop_notice(const StopNotice& form) {
  TRY(detail::require(!form.reason.empty(), "the reason", "form 05 (stop notice)"));
  Data data = form_data(title("Thông báo dừng giải quyết hồ sơ", form.dossier), form.paper,
                        k_margin, form.agency, form.dossier, form.stopped_at);
  data.set("form_no", form_number(FormNumber::stop, form.stopped_at));
  data.set("stopped_on", detail::date_vn(form.stopped_at));
  data.set("reason", form.reason);
  data.set("officer", detail::signer_data(form.officer));
  return detail::render_page("form_05_stop", std::move(data));
}

Result<std::string> render_control_sheet(const ControlSheet& sheet) {
  // The control sheet is signed without a date; it follows the set in force when the dossier was
  // filed, as its first steps were written then.
  Data data = form_data(title("Phiếu kiểm soát quá trình giải quyết hồ sơ", sheet.dossier),
                        sheet.paper, "12mm 12mm 12mm 15mm", sheet.agency, sheet.dossier, {});
  data.set("form_no", form_number(FormNumber::control, sheet.dossier.filed_at));
  Data steps{Data::type::list};
  int n = 0;
  for (const ControlStep& step : sheet.steps) {
    Data row;
    row.set("number", std::to_string(++n));
    row.set("action", step.action);
    row.set("at", detail::short_datetime(step.at));
    row.set("name", step_vn(step.action));
    row.set("actor", detail::signer_data(step.actor));
    row.set("deadline", detail::optional_datetime(step.deadline));
    row.set("late", step.timeliness == Timeliness::late);
    row.set("timeliness", std::string(timeliness_vn(step.timeliness)));
    row.set("note", step.note);
    steps.push_back(row);
  }
  data.set("steps", steps);
  // Circular 03/2025's control sheet is a table of handovers (docs/domain.md §1.4a): the
  // receipt at the desk, then each unit's handover; a sheet of the 2018 set prints as it did.
  if (form_set_at(sheet.dossier.filed_at) == FormSet::tt03_2025) {
    data.set("handover_table", true);
    Data rows{Data::type::list};
    int row_number = 0;
    for (const HandoverRow& h : sheet.handovers) {
      Data row;
      row.set("number", std::to_string(++row_number));
      row.set("at", detail::short_datetime(h.at));
      row.set("from_unit", h.from_unit);
      row.set("from_person", detail::signer_data(h.from_person));
      row.set("to_unit", h.to_unit);
      row.set("to_person", detail::signer_data(h.to_person));
      row.set("deadline", detail::optional_datetime(h.deadline));
      row.set("late", h.timeliness == Timeliness::late);
      row.set("timeliness", std::string(timeliness_vn(h.timeliness)));
      row.set("note", h.note);
      rows.push_back(row);
    }
    data.set("handovers", rows);
  }
  return detail::render_page("form_06_control", std::move(data));
}

Result<std::string> render_register(const YearRegister& reg) {
  TRY(detail::require(reg.year > 0, "the year", "form 07 (register)"));
  Data data;
  // A past year's register in the set in force at its end (or now, for this year's).
  const common::Timestamp year_end = common::local_time(
      common::Date{std::chrono::year{reg.year}, std::chrono::December, std::chrono::day{31}}, 23,
      59);
  data.set("form_no", form_number(FormNumber::register_book, std::min(reg.printed_at, year_end)));
  data.set("page", detail::page_data(fmt::format("Sổ theo dõi hồ sơ năm {}", reg.year),
                                     {297, 210, "A4 landscape"}, "10mm"));
  data.set("agency", detail::agency_data(reg.agency));
  data.set("signed_on", detail::signing_date(reg.printed_at));
  data.set("year", std::to_string(reg.year));
  Data rows{Data::type::list};
  int n = 0;
  int resolved = 0;
  int late = 0;
  for (const RegisterRow& row : reg.rows) {
    if (row.resolved_at) ++resolved;
    if (row.timeliness == Timeliness::late) ++late;
    Data out;
    out.set("number", std::to_string(++n));
    DossierSummary shown = row.dossier;
    shown.procedure_name = detail::shorten_words(shown.procedure_name, k_register_name);
    out.set("dossier", detail::dossier_data(shown));
    out.set("resolved_at", detail::optional_datetime(row.resolved_at));
    // The day is enough beside the return's tracking number: one line less a row.
    out.set("returned_on", row.returned_at ? detail::date_vn(*row.returned_at) : std::string("—"));
    out.set("return_tracking_number", text_value(row.return_tracking_number));
    out.set("timeliness", std::string(timeliness_vn(row.timeliness)));
    out.set("note", row.note);
    rows.push_back(out);
  }
  data.set("rows", rows);
  data.set("count", std::to_string(n));
  data.set("resolved", std::to_string(resolved));
  data.set("late", std::to_string(late));
  return detail::render_page("form_07_register", std::move(data));
}

Result<std::string> render_collection(const CollectionForm& form) {
  constexpr std::string_view k_doc = "handover of the result";
  TRY(detail::require(!form.recipient_name.empty(), "the recipient's name", k_doc));
  TRY(detail::require(!form.recipient_id_number.empty(), "the recipient's ID number", k_doc));
  Data data = form_data(title("Phiếu giao trả kết quả", form.dossier), form.paper, k_margin,
                        form.agency, form.dossier, form.collected_at);
  data.set("collected_at", detail::datetime_vn(form.collected_at));
  data.set("result", text_value(form.result));
  data.set("officer", detail::signer_data(form.officer));
  data.set("authorised", form.recipient_kind == db::RecipientKind::authorised);
  data.set("recipient_name", form.recipient_name);
  data.set("recipient_id_number", form.recipient_id_number);
  return detail::render_page("collection_record", std::move(data));
}

// Decree 118/2025 Art. 20(2), docs/domain.md §1.4a: the Phiếu chuyển xử lý of one handover.
Result<std::string> render_transfer_slip(const TransferSlip& slip) {
  constexpr std::string_view k_doc = "transfer slip";
  TRY(detail::require(!slip.to_unit.empty(), "the receiving unit", k_doc));
  // form_data's dossier without the applicant: the slip names no citizen.
  DossierSummary dossier = slip.dossier;
  dossier.applicant = {};
  Data data = form_data(title("Phiếu chuyển xử lý", dossier), slip.paper, k_margin, slip.agency,
                        dossier, slip.handed_over_at);
  data.set("number", std::to_string(slip.number));
  data.set("handed_over_at", detail::datetime_vn(slip.handed_over_at));
  data.set("from_unit", slip.from_unit);
  data.set("to_unit", slip.to_unit);
  data.set("work", slip.work);
  data.set("has_work", !slip.work.empty());
  data.set("unit_due",
           text_value(slip.unit_due_at ? detail::datetime_vn(*slip.unit_due_at) : std::string()));
  data.set("dossier_due",
           text_value(dossier.due_at ? detail::datetime_vn(*dossier.due_at) : std::string()));
  data.set("from_person", detail::signer_data(slip.from_person));
  data.set("to_person", detail::signer_data(slip.to_person));
  return detail::render_page("handover_slip", std::move(data));
}

}  // namespace tracking
