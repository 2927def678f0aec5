// Applicants' names for the benches: Vietnamese names drawn from weighted lists of surnames,
// middle and given names, roughly as common as in Vietnam, the same for the same k in every run.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace bench {

// A weighted list of name parts: weights in parts per thousand, roughly as common as in Vietnam
// (Nguyễn about 38 % of people, Trần 11 %, ...).
struct NamePart {
  std::string_view text;
  int weight;
};
inline constexpr NamePart k_surnames[] = {
    {"Nguyễn", 380}, {"Trần", 110}, {"Lê", 95},    {"Phạm", 70}, {"Hoàng", 50},
    {"Huỳnh", 50},   {"Phan", 45},  {"Vũ", 39},    {"Võ", 39},   {"Đặng", 21},
    {"Bùi", 20},     {"Đỗ", 14},    {"Hồ", 13},    {"Ngô", 13},  {"Dương", 10},
    {"Lý", 5},       {"Đinh", 5},   {"Trương", 5}, {"Lương", 4}, {"Mai", 4},
    {"Tạ", 2},       {"Cao", 2},    {"Lâm", 2},    {"Châu", 1},  {"Quách", 1}};
inline constexpr NamePart k_middle_names[] = {
    {"Văn", 260}, {"Thị", 260}, {"Ngọc", 80}, {"Minh", 70}, {"Thanh", 60},
    {"Đức", 50},  {"Quốc", 40}, {"Hữu", 40},  {"Thu", 35},  {"Hồng", 35},
    {"Kim", 25},  {"Xuân", 25}, {"Anh", 20}};
inline constexpr NamePart k_given_names[] = {
    {"An", 30},     {"Anh", 40},   {"Bình", 25},  {"Châu", 15},  {"Cường", 25}, {"Dũng", 30},
    {"Duy", 20},    {"Giang", 20}, {"Hà", 25},    {"Hải", 30},   {"Hân", 10},   {"Hạnh", 20},
    {"Hiếu", 20},   {"Hoa", 25},   {"Hùng", 35},  {"Huy", 30},   {"Hương", 30}, {"Khánh", 20},
    {"Lan", 25},    {"Linh", 40},  {"Long", 25},  {"Mai", 25},   {"Minh", 30},  {"My", 15},
    {"Nam", 30},    {"Nga", 20},   {"Ngọc", 20},  {"Nhung", 15}, {"Phong", 20}, {"Phúc", 20},
    {"Phương", 25}, {"Quân", 20},  {"Quang", 25}, {"Sơn", 25},   {"Tâm", 20},   {"Thảo", 25},
    {"Thắng", 20},  {"Thủy", 25},  {"Trang", 30}, {"Trung", 25}, {"Tuấn", 35},  {"Vân", 15},
    {"Việt", 20},   {"Vy", 15},    {"Yến", 15}};

inline std::uint64_t mixed(std::uint64_t x) {  // splitmix64's finaliser: k -> a well-spread number
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

template <std::size_t N>
std::string_view pick(const NamePart (&parts)[N], std::uint64_t draw) {
  int total = 0;
  for (const NamePart& p : parts) total += p.weight;
  int at = static_cast<int>(draw % static_cast<std::uint64_t>(total));
  for (const NamePart& p : parts) {
    if (at < p.weight) return p.text;
    at -= p.weight;
  }
  return parts[0].text;
}

// The k-th applicant's name: a surname, one or (one in five) two middle names and a given name.
inline std::string applicant_name(std::int64_t k) {
  const auto u = static_cast<std::uint64_t>(k);
  std::string name =
      fmt::format("{} {}", pick(k_surnames, mixed(u * 4)), pick(k_middle_names, mixed(u * 4 + 1)));
  if (mixed(u * 4 + 2) % 5 == 0) {
    name += fmt::format(" {}", pick(k_middle_names, mixed(u * 4 + 2) / 5));
  }
  name += fmt::format(" {}", pick(k_given_names, mixed(u * 4 + 3)));
  return name;
}

}  // namespace bench
