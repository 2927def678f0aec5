#include "tracking/detail/page.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>

#include "common/text.hpp"
#include "tracking/detail/document_text.hpp"
#include "tracking/detail/templates.hpp"
#include "tracking/fees.hpp"
#include "tracking/labels.hpp"

namespace tracking::detail {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;

namespace mustache = kainjow::mustache;

// The only escaping of the printed documents: mustache calls it for every {{value}}. A name read
// from a QR code may be markup. Control characters (other than tab and newline) are dropped.
std::string esc(const std::string& text) { return common::html_escape(text); }

constexpr std::string_view k_blank_line =
    "<span class=\"blank\">………………………………………………………………………………………</span>";

constexpr std::array k_partials = {"page_head",         "letterhead", "applicant", "procedure",
                                   "dossier_reference", "place_date", "signer"};

// A partial's file ends with a newline like any text file; the template that includes it decides
// where lines end, so that {{>name}} can stand on a line of its own.
std::string partial_text(std::string_view name) {
  std::string_view text = template_text(name).value_or("");
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  return std::string(text);
}

}  // namespace

Data text_value(std::string_view value) {
  if (value.empty()) return Data(false);
  return Data(std::string(value));
}

Data text_list(const std::vector<std::string>& values) {
  Data list{Data::type::list};
  for (const std::string& v : values) list.push_back(Data(v));
  return list;
}

PageSize page_size(PaperSize paper) {
  switch (paper) {
    case PaperSize::a4:
      return {210, 297, "A4"};
    case PaperSize::a5:
      return {148, 210, "A5"};
  }
  return {210, 297, "A4"};
}

PageSize page_size(LabelSize size) {
  switch (size) {
    case LabelSize::a6:
      return {105, 148, "105mm 148mm"};
    case LabelSize::mm100x150:
      return {100, 150, "100mm 150mm"};
  }
  return {105, 148, "105mm 148mm"};
}

Data page_data(std::string_view title, const PageSize& size, std::string_view margin) {
  Data page;
  page.set("title", std::string(title));
  page.set("size", std::string(size.css));
  page.set("margin", std::string(margin));
  page.set("width", fmt::format("{}", size.width_mm));
  page.set("height", fmt::format("{}", size.height_mm));
  return page;
}

Data agency_data(const AgencyInfo& agency) {
  Data out;
  out.set("code", text_value(agency.code));
  out.set("name", text_value(agency.name));
  out.set("address", text_value(agency.address));
  out.set("phone", text_value(agency.phone));
  out.set("province", text_value(agency.province));
  return out;
}

Data signer_data(const Signer& signer) {
  Data out;
  out.set("name", signer.name);
  out.set("title", text_value(signer.title));
  return out;
}

Data dossier_data(const DossierSummary& d) {
  Data applicant;
  applicant.set("full_name", text_value(d.applicant.full_name));
  applicant.set("id_number", text_value(d.applicant.id_number));
  applicant.set("phone", text_value(d.applicant.phone));
  applicant.set("address", text_value(d.applicant.address));
  applicant.set("delivery_address", text_value(d.applicant.delivery_address()));
  Data out;
  out.set("code", text_value(d.code));
  out.set("reference", d.code.empty() ? fmt::format("#{}", d.id) : d.code);
  out.set("lookup_code", text_value(d.lookup_code));
  out.set("lookup_url", text_value(d.lookup_url));
  out.set("procedure_code", text_value(d.procedure_code));
  out.set("procedure_name", text_value(d.procedure_name));
  out.set("processing_time", text_value(d.processing_time));
  out.set("inbound_tracking_number", text_value(d.inbound_tracking_number));
  out.set("filed_at", datetime_vn(d.filed_at));
  out.set("filed_at_short", short_datetime(d.filed_at));
  out.set("filed_on", date_vn(d.filed_at));
  out.set("due_at", d.due_at ? datetime_vn(*d.due_at) : std::string("—"));
  out.set("due_at_short", optional_datetime(d.due_at));
  out.set("state", std::string(printed_state_label(d.state).wording(common::Lang::vi)));
  out.set("applicant", applicant);
  out.set("result_at_desk", d.result_at_desk);
  out.set("fee", d.fee_vnd > 0 ? format_vnd(d.fee_vnd) : std::string());
  out.set("postage_payer",
          std::string(d.postage_paid_by_agency ? "cơ quan giải quyết" : "người nộp hồ sơ"));
  return out;
}

Result<std::string> render_page(std::string_view name, Data data) {
  const auto source = template_text(name);
  if (!source) {
    return make_error(ErrorCode::internal, fmt::format("no template {}.mustache", name));
  }
  for (const char* partial : k_partials) {
    data.set(partial, mustache::partial{[partial] { return partial_text(partial); }});
  }
  // Both change text their section has already rendered, and so escaped.
  data.set("or_blank",
           mustache::lambda2{[](const std::string& section, const mustache::renderer& render) {
             std::string out = render(section);
             // As on a paper form: a dotted line about 5 cm long to write on by hand.
             return out.empty() ? std::string(k_blank_line) : out;
           }});
  data.set("lines",
           mustache::lambda2{[](const std::string& section, const mustache::renderer& render) {
             std::string out;
             for (const char c : render(section)) {
               if (c == '\n') {
                 out += "<br>";
               } else {
                 out += c;
               }
             }
             return out;
           }});
  mustache::mustache page{std::string(*source)};
  page.set_custom_escape(esc);
  if (!page.is_valid()) {
    return make_error(ErrorCode::internal,
                      fmt::format("template {}.mustache: {}", name, page.error_message()));
  }
  std::string html = page.render(data);
  if (!page.is_valid()) {
    return make_error(ErrorCode::internal,
                      fmt::format("template {}.mustache: {}", name, page.error_message()));
  }
  return html;
}

Result<std::string> barcode(scanner::BarcodeKind kind, std::string_view text,
                            const scanner::SvgOptions& options, std::string_view what) {
  auto svg = scanner::barcode_svg(kind, text, options);
  if (!svg) {
    return make_error(svg.error().code, fmt::format("{}: {}", what, svg.error().message));
  }
  return std::move(*svg);
}

Result<void> require(bool present, std::string_view what, std::string_view document) {
  if (present) return {};
  return make_error(ErrorCode::invalid_argument, fmt::format("{}: {} is required", document, what));
}

}  // namespace tracking::detail
