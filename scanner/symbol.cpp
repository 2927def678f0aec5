#include "scanner/symbol.hpp"

#include "scanner/messages.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cctype>

namespace scanner {

std::string_view format_name(Format format) {
  switch (format) {
    case Format::code128:
      return "Code128";
    case Format::qr_code:
      return "QRCode";
    case Format::data_matrix:
      return "DataMatrix";
    case Format::code39:
      return "Code39";
    case Format::ean13:
      return "EAN13";
    case Format::upca:
      return "UPCA";
    case Format::pdf417:
      return "PDF417";
    case Format::aztec:
      return "Aztec";
  }
  return "Unknown";
}

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

common::Result<FormatSet> parse_formats(std::string_view list) {
  FormatSet set;
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view item = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (item.empty()) continue;
    auto it = std::find_if(k_all_formats.begin(), k_all_formats.end(),
                           [&](Format f) { return iequals(format_name(f), item); });
    if (it == k_all_formats.end()) {
      std::string known;
      for (Format f : k_all_formats)
        known += fmt::format("{}{}", known.empty() ? "" : ", ", format_name(f));
      return common::make_error(common::ErrorCode::invalid_argument, msg::unknown_format,
                                {{"format", item}, {"known", known}});
    }
    set = set | FormatSet{*it};
  }
  if (set.empty()) {
    return common::make_error(common::ErrorCode::invalid_argument, msg::no_formats);
  }
  return set;
}

}  // namespace scanner
