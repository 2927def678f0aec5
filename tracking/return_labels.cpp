// Return labels (tracking/documents.hpp): the checks a label needs, the pages they fill and the
// data of tracking/templates/labels.mustache; nothing of how the labels were loaded.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>

#include "tracking/detail/page.hpp"
#include "tracking/documents.hpp"

namespace tracking {

using common::ErrorCode;
using common::make_error;
using common::Result;
using detail::Data;
using detail::text_value;

Result<std::string> render_labels(std::span<const ReturnLabel> labels, LabelSize size,
                                  LabelLayout layout) {
  if (labels.empty()) {
    return make_error(ErrorCode::invalid_argument, "return labels: no label to print");
  }
  const detail::PageSize label = detail::page_size(size);
  const bool sheet = layout == LabelLayout::sheet;
  const detail::PageSize a4 = detail::page_size(PaperSize::a4);
  const int columns = sheet ? std::max(1, static_cast<int>(a4.width_mm / label.width_mm)) : 1;
  const int rows = sheet ? std::max(1, static_cast<int>(a4.height_mm / label.height_mm)) : 1;
  const std::size_t per_page = static_cast<std::size_t>(columns * rows);

  scanner::SvgOptions code_options;
  code_options.module_mm = 0.33;  // docs/domain.md §2.6: 0.25-0.51 mm
  code_options.bar_height_mm = 15;
  scanner::SvgOptions qr_options;
  qr_options.module_mm = 0.5;
  Data pages{Data::type::list};
  Data page_labels{Data::type::list};
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const ReturnLabel& l = labels[i];
    const std::string what = fmt::format("label of dossier #{}", l.dossier_id);
    TRY(detail::require(!l.tracking_number.empty(), "the return tracking number", what));
    TRY(detail::require(!l.lookup_url.empty(), "the lookup link", what));
    // Anyone handling the envelope could open the citizen view with the lookup code.
    if (l.lookup_url.find("?mk=") != std::string::npos ||
        l.lookup_url.find("&mk=") != std::string::npos) {
      return make_error(ErrorCode::invalid_argument,
                        fmt::format("{}: the lookup link carries the lookup code (mk=), which a "
                                    "label must not show: use tracking::public_lookup_page_url",
                                    what));
    }
    TRY_ASSIGN(auto code_svg, detail::barcode(scanner::BarcodeKind::code128, l.tracking_number,
                                              code_options, what + ": tracking number"));
    TRY_ASSIGN(auto qr_svg, detail::barcode(scanner::BarcodeKind::qr, l.lookup_url, qr_options,
                                            what + ": lookup"));

    std::string carrier = l.carrier;
    std::transform(carrier.begin(), carrier.end(), carrier.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    Data sender;
    sender.set("name", text_value(l.sender.name));
    sender.set("address", text_value(l.sender.address));
    sender.set("phone", text_value(l.sender.phone));
    Data receiver;
    receiver.set("name", text_value(l.receiver_name));
    receiver.set("phone", text_value(l.receiver_phone));
    receiver.set("address", text_value(l.receiver_address));
    Data one;
    one.set("carrier", carrier);
    one.set("code_svg", std::move(code_svg));
    one.set("qr_svg", std::move(qr_svg));
    one.set("tracking_number", l.tracking_number);
    one.set("sender", sender);
    one.set("receiver", receiver);
    one.set("dossier_code",
            l.dossier_code.empty() ? fmt::format("#{}", l.dossier_id) : l.dossier_code);
    page_labels.push_back(one);
    if ((i + 1) % per_page == 0 || i + 1 == labels.size()) {
      Data page;
      page.set("labels", page_labels);
      pages.push_back(page);
      page_labels = Data{Data::type::list};
    }
  }

  Data label_size;
  label_size.set("width", fmt::format("{}", label.width_mm));
  label_size.set("height", fmt::format("{}", label.height_mm));
  Data data;
  data.set("page",
           detail::page_data(labels.size() == 1
                                 ? "Nhãn gửi trả kết quả — " + labels.front().tracking_number
                                 : fmt::format("Nhãn gửi trả kết quả ({} nhãn)", labels.size()),
                             sheet ? a4 : label, "0"));
  data.set("label", label_size);
  data.set("columns", std::to_string(columns));
  data.set("sheet", sheet);
  data.set("pages", pages);
  return detail::render_page("labels", std::move(data));
}

}  // namespace tracking
