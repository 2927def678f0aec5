// The handover record (tracking/documents.hpp, render_handover): one row per envelope checked
// against the carrier's delivery list, the totals counted from those rows, and nothing of how the
// envelopes were read or registered.
#include <fmt/format.h>

#include <set>
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

// The deliverer's side as the record names it: "Bên giao: <carrier>".
std::string carrier_vn(std::string_view carrier) {
  if (carrier == "vnpost" || carrier.empty()) return "Bưu điện Việt Nam (VNPost)";
  return fmt::format("Bưu điện ({})", carrier);
}

std::string_view outcome_vn(db::ScanOutcome outcome) {
  switch (outcome) {
    case db::ScanOutcome::registered:
      return "Hồ sơ mới";
    case db::ScanOutcome::already_registered:
      return "Hồ sơ đã có";
    case db::ScanOutcome::manual:
      return "Chờ cán bộ xử lý";
    case db::ScanOutcome::resolved:
      return "Hồ sơ mới (cán bộ nhập số hiệu)";
  }
  return "—";
}

}  // namespace

Result<std::string> render_handover(const HandoverForm& form) {
  TRY(detail::require(!form.batch_name.empty(), "the batch name", "handover record"));
  const std::set<std::string> manifest(form.manifest.begin(), form.manifest.end());
  const bool checked = !manifest.empty();
  std::set<std::string> received;
  Data rows{Data::type::list};
  int n = 0;
  int registered = 0;
  int known = 0;
  int waiting = 0;
  int rescans = 0;
  int unexpected = 0;
  for (const HandoverEnvelope& e : form.envelopes) {
    Data row;
    row.set("number", std::to_string(++n));
    row.set("tracking_number", detail::text_value(e.tracking_number));
    row.set("dossier", e.dossier_id ? fmt::format("#{}", *e.dossier_id) : std::string("—"));
    row.set("outcome", std::string(outcome_vn(e.outcome)));
    row.set("waiting", e.outcome == db::ScanOutcome::manual);
    switch (e.outcome) {
      case db::ScanOutcome::registered:
      case db::ScanOutcome::resolved:
        ++registered;
        break;
      case db::ScanOutcome::already_registered:
        ++known;
        break;
      case db::ScanOutcome::manual:
        ++waiting;
        break;
    }
    std::string note = e.typed ? "Máy quét cầm tay" : "";
    if (e.scans > 1) {
      rescans += e.scans - 1;
      note += fmt::format("{}Quét {} lần, một phong bì", note.empty() ? "" : "; ", e.scans);
    }
    row.set("note", note);
    if (checked) {
      std::string check = "Chưa rõ";
      bool listed = true;
      if (!e.tracking_number.empty()) {
        received.insert(e.tracking_number);
        listed = manifest.count(e.tracking_number) > 0;
        check = listed ? "Có" : "Ngoài danh sách";
        if (!listed) ++unexpected;
      }
      row.set("check", check);
      row.set("unlisted", !listed);
    }
    rows.push_back(std::move(row));
  }
  Data missing{Data::type::list};
  int missing_count = 0;
  for (const std::string& number : manifest) {
    if (received.count(number)) continue;
    Data row;
    row.set("number", std::to_string(++missing_count));
    row.set("tracking_number", number);
    missing.push_back(std::move(row));
  }

  Data data;
  data.set("page", detail::page_data(fmt::format("Biên bản giao nhận hồ sơ — {}", form.batch_name),
                                     detail::page_size(PaperSize::a4), "15mm 15mm 15mm 20mm"));
  data.set("agency", detail::agency_data(form.agency));
  data.set("signed_on", detail::signing_date(form.handed_over_at));
  data.set("batch_name", form.batch_name);
  data.set("carrier", carrier_vn(form.carrier));
  data.set("handed_over_at", detail::datetime_vn(form.handed_over_at));
  data.set("received_by", detail::signer_data(form.received_by));
  data.set("rows", std::move(rows));
  data.set("has_rows", n > 0);
  data.set("checked", checked);
  data.set("envelopes", std::to_string(n));
  data.set("registered", std::to_string(registered));
  data.set("known", std::to_string(known));
  data.set("waiting", std::to_string(waiting));
  data.set("rescans", rescans > 0 ? Data(std::to_string(rescans)) : Data(false));
  data.set("manifest_items", std::to_string(manifest.size()));
  data.set("on_list", std::to_string(received.size() - static_cast<std::size_t>(unexpected)));
  data.set("unexpected", std::to_string(unexpected));
  data.set("missing", std::move(missing));
  data.set("missing_count", std::to_string(missing_count));
  data.set("has_missing", missing_count > 0);
  return detail::render_page("handover_record", std::move(data));
}

}  // namespace tracking
