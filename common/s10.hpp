// UPU S10 item identifiers (docs/domain.md §2): two service letters, eight serial digits, a check
// digit and the country code, e.g. "EB123456785VN". The arithmetic only; what a number means to a
// desk (which carrier, which shipment) is decided elsewhere.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace common {

// The check digit of eight serial digits (weights 8,6,4,2,3,5,9,7; 11 - sum mod 11, where 10 gives
// 0 and 11 gives 5). Returns -1 unless `serial` is exactly 8 ASCII digits.
int s10_check_digit(std::string_view serial);

// `service_letters` + serial (zero-padded to 8 digits, taken mod 10^8) + check digit + `country`:
// make_s10("EB", 12345678) is "EB123456785VN".
std::string make_s10(std::string_view service_letters, std::uint32_t serial,
                     std::string_view country = "VN");

}  // namespace common
