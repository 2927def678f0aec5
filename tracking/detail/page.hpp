// Renders the printed documents' templates (tracking/templates/*.mustache) with mustache, escaping
// every value for HTML unless a template asks for it raw with {{{ }}}, which only the barcode SVGs
// drawn by scanner::barcode_svg use. Fills what every page shares (the frame, the agency, the
// dossier); knows no form's own fields and nothing of the database. Internal to tracking: this
// header brings in kainjow/mustache.hpp, which stays out of tracking's public headers.
#pragma once

#include <kainjow/mustache.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "scanner/barcode_writer.hpp"
#include "tracking/documents.hpp"

namespace tracking::detail {

using Data = kainjow::mustache::data;

// A text value, or false when it is empty, so that a template can test it with {{#name}}.
Data text_value(std::string_view value);
// A list of text values, for {{#name}}...{{.}}...{{/name}}.
Data text_list(const std::vector<std::string>& values);

struct PageSize {
  double width_mm;
  double height_mm;
  const char* css;  // the @page size
};
PageSize page_size(PaperSize paper);
PageSize page_size(LabelSize size);

// What page_head.mustache reads: the title and the page's size and margins.
Data page_data(std::string_view title, const PageSize& size, std::string_view margin);
// `agency` for the letterhead and place_date partials.
Data agency_data(const AgencyInfo& agency);
// `dossier` for the applicant, procedure and dossier_reference partials, with its state in
// Vietnamese and its dates written out in each form the documents use (filed_at, filed_at_short,
// filed_on, due_at, due_at_short).
Data dossier_data(const DossierSummary& dossier);
// A signature block's person for the signer partial: name, and title (false when empty).
Data signer_data(const Signer& signer);

// Renders template `name` over `data`. Besides the data, a template sees the partials (page_head,
// letterhead, applicant, procedure, dossier_reference, place_date, signer) and two sections that
// change the already-escaped text they enclose: {{#or_blank}} (a dotted line to fill in by hand
// when the text is empty) and {{#lines}} (line breaks kept as <br>). Fails with internal when the
// template is missing or malformed. Thread-safe.
common::Result<std::string> render_page(std::string_view name, Data data);

// scanner::barcode_svg, with `what` in the error message.
common::Result<std::string> barcode(scanner::BarcodeKind kind, std::string_view text,
                                    const scanner::SvgOptions& options, std::string_view what);
// Fails with invalid_argument "<document>: <what> is required" unless `present`.
common::Result<void> require(bool present, std::string_view what, std::string_view document);

}  // namespace tracking::detail
