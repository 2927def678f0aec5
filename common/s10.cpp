#include "common/s10.hpp"

#include <array>

#include <fmt/format.h>

namespace common {

int s10_check_digit(std::string_view serial) {
  constexpr std::array<int, 8> k_weights = {8, 6, 4, 2, 3, 5, 9, 7};
  if (serial.size() != k_weights.size()) return -1;
  int sum = 0;
  for (std::size_t i = 0; i < k_weights.size(); ++i) {
    if (serial[i] < '0' || serial[i] > '9') return -1;
    sum += (serial[i] - '0') * k_weights[i];
  }
  const int check = 11 - sum % 11;
  if (check == 10) return 0;
  if (check == 11) return 5;
  return check;
}

std::string make_s10(std::string_view service_letters, std::uint32_t serial,
                     std::string_view country) {
  const std::string digits = fmt::format("{:08}", serial % 100'000'000U);
  return fmt::format("{}{}{}{}", service_letters, digits, s10_check_digit(digits), country);
}

}  // namespace common
