// gen_envelopes: writes deterministic synthetic photos of posted dossier envelopes for testing the
// scanner, plus images that hold no code at all.
//
//   <out>/envelopes/<category>-<NN>.jpg and <out>/envelopes/truth.tsv (every code in every image)
//   <out>/falsepositives/<kind>-<NN>.jpg (pages, tables, stripes, textures: must read as nothing)
//
// Each code comes from ZXing's encoder and is read back by ZXing right after it is printed on the
// clean envelope, so truth.tsv is exact; only then is the envelope photographed and distorted. The
// same --seed gives byte-identical files with the same OpenCV and libjpeg build.
//
// Usage: gen_envelopes --out <dir> [--seed N] [--quads <file>]
//   --quads also writes the corners of every code in image pixels (for checking legibility).

#define ZX_USE_UTF8
#include <ZXing/BarcodeFormat.h>
#include <ZXing/BitMatrix.h>
#include <ZXing/CharacterSet.h>
#include <ZXing/MultiFormatWriter.h>
#include <ZXing/ReadBarcode.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numbers>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;
using ZXing::BarcodeFormat;

constexpr double k_pi = std::numbers::pi;
constexpr int k_images_per_category = 11;
// QR error correction levels to choose from, on MultiFormatWriter's 0-8 scale: 4 is M, 6 is Q.
constexpr std::array k_qr_ecc_levels = {4, 4, 6};

// ---------------------------------------------------------------------------------------------
// Random numbers

// Draws are computed here from raw mt19937 output, so the sequence does not depend on how a
// standard library implements its distributions.
class Rng {
 public:
  Rng(std::uint32_t seed, std::uint32_t stream, std::uint32_t index) {
    std::seed_seq sequence{seed, stream, index};
    engine_.seed(sequence);
  }

  // Uniform in [lo, hi), from 53 random bits.
  double uniform(double lo, double hi) {
    const std::uint64_t high = engine_() >> 5;
    const std::uint64_t low = engine_() >> 6;
    const double unit = static_cast<double>((high << 26) | low) / 9007199254740992.0;
    return lo + (hi - lo) * unit;
  }

  // Uniform integer in [lo, hi], both ends included.
  int integer(int lo, int hi) {
    return std::min(hi, lo + static_cast<int>(uniform(0.0, hi - lo + 1.0)));
  }

  float uniformf(double lo, double hi) { return static_cast<float>(uniform(lo, hi)); }

  bool chance(double probability) { return uniform(0.0, 1.0) < probability; }

  template <typename Container>
  const auto& pick(const Container& items) {
    return items[static_cast<std::size_t>(integer(0, static_cast<int>(std::size(items)) - 1))];
  }

  template <typename T>
  void shuffle(std::vector<T>& items) {
    for (int i = static_cast<int>(items.size()) - 1; i > 0; --i) {
      std::swap(items[static_cast<std::size_t>(i)], items[static_cast<std::size_t>(integer(0, i))]);
    }
  }

  // Seed for cv::RNG, which fills noise images quickly and is deterministic across platforms.
  std::uint64_t noise_seed() {
    const std::uint64_t high = engine_();
    return (high << 32) | engine_();
  }

 private:
  std::mt19937 engine_;
};

std::string digits(Rng& rng, int count) {
  std::string text;
  for (int i = 0; i < count; ++i) text += static_cast<char>('0' + rng.integer(0, 9));
  return text;
}

std::string two_digits(int value) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%02d", value % 100);
  return buffer;
}

// ---------------------------------------------------------------------------------------------
// Domain payloads (docs/domain.md §2, §3, §6)

constexpr std::array<std::string_view, 10> k_service_codes = {"EB", "EE", "EL", "EA", "RR",
                                                              "RB", "RC", "CP", "CA", "LX"};

// UPU S10: weights 8,6,4,2,3,5,9,7 over the serial; C = 11 - (S mod 11); 10 -> 0; 11 -> 5.
int s10_check_digit(std::string_view serial) {
  constexpr std::array k_weights = {8, 6, 4, 2, 3, 5, 9, 7};
  int sum = 0;
  for (std::size_t i = 0; i < k_weights.size(); ++i) sum += (serial[i] - '0') * k_weights[i];
  const int check = 11 - sum % 11;
  return check == 10 ? 0 : check == 11 ? 5 : check;
}

std::string make_tracking_number(Rng& rng) {
  const std::string serial = digits(rng, 8);
  return std::string(rng.pick(k_service_codes)) + serial +
         static_cast<char>('0' + s10_check_digit(serial)) + "VN";
}

// "EB123456785VN" -> "EB 123 456 785 VN", as printed under the bars.
std::string spaced_tracking_number(const std::string& number) {
  return number.substr(0, 2) + " " + number.substr(2, 3) + " " + number.substr(5, 3) + " " +
         number.substr(8, 3) + " " + number.substr(11);
}

int days_in_month(int year, int month) {
  constexpr std::array k_days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : k_days[static_cast<std::size_t>(month - 1)];
}

struct Date {
  int year;
  int month;
  int day;
};

Date make_date(Rng& rng, int first_year, int last_year) {
  const int year = rng.integer(first_year, last_year);
  const int month = rng.integer(1, 12);
  return {year, month, rng.integer(1, days_in_month(year, month))};
}

constexpr std::array<std::string_view, 8> k_agency_codes = {
    "000.00.05.H12", "000.00.00.H56", "000.20.31.H29", "000.00.12.H26",
    "000.01.14.H47", "000.30.25.H33", "000.00.07.H58", "000.11.21.H40"};

// Standard form V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX with a real calendar date.
std::string make_dossier_code(Rng& rng) {
  const Date received = make_date(rng, 2023, 2026);
  char sequence[16];
  std::snprintf(sequence, sizeof sequence, "%04d", rng.integer(1, 650));
  return std::string(rng.pick(k_agency_codes)) + "-" + two_digits(received.year) +
         two_digits(received.month) + two_digits(received.day) + "-" + sequence;
}

constexpr std::array<std::string_view, 3> k_portal_lookups = {
    "https://dichvucong.example.gov.vn/tra-cuu?MHS=",
    "https://dvc.example-tinh.gov.vn/tra-cuu-ho-so?MHS=",
    "https://motcua.example.gov.vn/p/tra-cuu?MHS="};

struct Province {
  std::string_view id_prefix;
  std::string_view name;
  std::array<std::string_view, 3> streets;
};

constexpr std::array<Province, 8> k_provinces = {{
    {"079",
     "TP. Hồ Chí Minh",
     {"12 Lê Lợi, Phường Bến Nghé, Quận 1", "45/3 Nguyễn Trãi, Phường 7, Quận 5",
      "218 Điện Biên Phủ, Phường 17, Quận Bình Thạnh"}},
    {"001",
     "TP. Hà Nội",
     {"Số 8 ngõ 12 Phố Huế, Phường Ngô Thì Nhậm, Quận Hai Bà Trưng",
      "Thôn Đông, Xã Tiên Dương, Huyện Đông Anh", "27 Hàng Bạc, Phường Hàng Bạc, Quận Hoàn Kiếm"}},
    {"048",
     "TP. Đà Nẵng",
     {"Tổ 21, Phường Hòa Khánh Bắc, Quận Liên Chiểu",
      "102 Trần Phú, Phường Hải Châu 1, Quận Hải Châu",
      "K15/7 Ông Ích Khiêm, Phường Thanh Bình, Quận Hải Châu"}},
    {"092",
     "TP. Cần Thơ",
     {"Khu vực 3, Phường An Khánh, Quận Ninh Kiều",
      "88 Mậu Thân, Phường Xuân Khánh, Quận Ninh Kiều", "Ấp Thới Hòa, Xã Thới Xuân, Huyện Cờ Đỏ"}},
    {"031",
     "TP. Hải Phòng",
     {"Số 5 Lạch Tray, Phường Lạch Tray, Quận Ngô Quyền",
      "Thôn Quỳnh Hoàng, Xã Nam Sơn, Huyện An Dương",
      "14 Điện Biên Phủ, Phường Minh Khai, Quận Hồng Bàng"}},
    {"046",
     "Tỉnh Thừa Thiên Huế",
     {"Thôn Phước Linh, Xã Hương Vinh, Thị xã Hương Trà", "36 Lê Lợi, Phường Vĩnh Ninh, TP. Huế",
      "Kiệt 5 Nguyễn Huệ, Phường Phú Nhuận, TP. Huế"}},
    {"075",
     "Tỉnh Đồng Nai",
     {"Ấp 4, Xã Phước Thái, Huyện Long Thành", "Khu phố 2, Phường Tân Hiệp, TP. Biên Hòa",
      "Số 19 Đồng Khởi, Phường Tam Hòa, TP. Biên Hòa"}},
    {"038",
     "Tỉnh Thanh Hóa",
     {"Thôn Yên Trường, Xã Thọ Lập, Huyện Thọ Xuân", "25 Lê Hoàn, Phường Điện Biên, TP. Thanh Hóa",
      "Khu phố Ngọc Sơn, Phường Quảng Tiến, TP. Sầm Sơn"}},
}};

constexpr std::array<std::string_view, 16> k_family_names = {
    "Nguyễn", "Trần", "Lê",  "Phạm", "Hoàng", "Huỳnh", "Phan",  "Vũ",
    "Võ",     "Đặng", "Bùi", "Đỗ",   "Hồ",    "Ngô",   "Dương", "Lý"};
constexpr std::array<std::string_view, 7> k_male_middle_names = {"Văn", "Đức",   "Minh", "Quốc",
                                                                 "Hữu", "Thành", "Gia"};
constexpr std::array<std::string_view, 7> k_female_middle_names = {"Thị", "Ngọc", "Thu", "Thanh",
                                                                   "Mỹ",  "Hồng", "Kim"};
constexpr std::array<std::string_view, 12> k_male_given_names = {
    "An", "Bình", "Cường", "Dũng", "Hùng", "Khánh", "Long", "Phúc", "Quân", "Sơn", "Tuấn", "Việt"};
constexpr std::array<std::string_view, 13> k_female_given_names = {
    "Anh",  "Hằng",  "Hoa",    "Hương", "Lan",   "Linh", "Mai",
    "Ngân", "Nhung", "Phương", "Thảo",  "Trang", "Yến"};

std::string ddmmyyyy(const Date& date) {
  return two_digits(date.day) + two_digits(date.month) + std::to_string(date.year);
}

// The chip ID card (CCCD) QR: id|old id|name|birth ddmmyyyy|Nam or Nữ|address|issue ddmmyyyy, or
// the 6-field variant without the old id. The id encodes province, sex and century, and birth year.
std::string make_citizen_payload(Rng& rng) {
  const Province& province = rng.pick(k_provinces);
  const bool female = rng.chance(0.5);
  const Date birth = make_date(rng, 1950, 2006);
  const int century_digit = (birth.year >= 2000 ? 2 : 0) + (female ? 1 : 0);
  const std::string id = std::string(province.id_prefix) + static_cast<char>('0' + century_digit) +
                         two_digits(birth.year) + digits(rng, 6);
  std::string name(rng.pick(k_family_names));
  name += " ";
  name += female ? rng.pick(k_female_middle_names) : rng.pick(k_male_middle_names);
  if (rng.chance(0.4)) {
    name += " ";
    name += female ? rng.pick(k_female_middle_names) : rng.pick(k_male_middle_names);
  }
  name += " ";
  name += female ? rng.pick(k_female_given_names) : rng.pick(k_male_given_names);
  const std::string address =
      std::string(rng.pick(province.streets)) + ", " + std::string(province.name);
  const Date issued = make_date(rng, 2021, 2025);
  const std::string sex = female ? "Nữ" : "Nam";
  const int variant = rng.integer(0, 9);
  std::string payload = id + "|";
  if (variant < 7) {
    // The old 9-digit id is printed only for people old enough to have had one.
    payload += (variant < 5 && birth.year < 1995 ? digits(rng, 9) : std::string()) + "|";
  }
  payload += name + "|" + ddmmyyyy(birth) + "|" + sex + "|" + address + "|" + ddmmyyyy(issued);
  return payload;
}

// ---------------------------------------------------------------------------------------------
// Fake printed text (ASCII: cv::putText has no Vietnamese glyphs)

constexpr std::array<std::string_view, 12> k_ascii_family_names = {
    "NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "HUYNH", "PHAN", "VU", "VO", "DANG", "BUI", "DO"};
constexpr std::array<std::string_view, 10> k_ascii_given_names = {
    "VAN AN",   "THI LAN",  "DUC MINH",  "THI HONG NHUNG", "QUOC VIET",
    "NGOC ANH", "HUU PHUC", "THU TRANG", "MINH KHANH",     "THANH SON"};
constexpr std::array<std::string_view, 8> k_ascii_streets = {
    "45 Tran Hung Dao, P. Cau Ong Lanh", "12 Le Loi, P. Ben Nghe",     "27 Hang Bac, P. Hang Bac",
    "102 Tran Phu, P. Hai Chau 1",       "88 Mau Than, P. Xuan Khanh", "Ap 4, Xa Phuoc Thai",
    "36 Le Loi, P. Vinh Ninh",           "To 21, P. Hoa Khanh Bac"};
constexpr std::array<std::string_view, 8> k_ascii_cities = {
    "Q.1, TP. Ho Chi Minh",        "Q. Hoan Kiem, TP. Ha Noi", "Q. Hai Chau, TP. Da Nang",
    "Q. Ninh Kieu, TP. Can Tho",   "H. Long Thanh, Dong Nai",  "TP. Hue, Thua Thien Hue",
    "Q. Ngo Quyen, TP. Hai Phong", "TP. Thanh Hoa, Thanh Hoa"};
constexpr std::array<std::string_view, 6> k_ascii_agencies = {"UBND QUAN 3",
                                                              "UBND HUYEN DONG ANH",
                                                              "TRUNG TAM PHUC VU HANH CHINH CONG",
                                                              "SO TAI NGUYEN VA MOI TRUONG",
                                                              "VAN PHONG DANG KY DAT DAI",
                                                              "UBND THANH PHO THU DUC"};
constexpr std::array<std::string_view, 8> k_header_lines = {
    "CONG HOA XA HOI CHU NGHIA VIET NAM", "Doc lap - Tu do - Hanh phuc", "HO SO THU TUC HANH CHINH",
    "DICH VU BUU CHINH CONG ICH",         "KHONG GAP - TAI LIEU",        "PHIEU GUI HO SO",
    "HO SO DAT DAI - XAY DUNG",           "BUU GUI HANH CHINH CONG"};
constexpr std::array<std::string_view, 40> k_words = {
    "ho",   "so",   "thu",   "tuc",  "hanh",  "chinh", "cong", "dan",  "de",   "nghi",
    "cap",  "giay", "chung", "nhan", "quyen", "su",    "dung", "dat",  "nha",  "o",
    "tai",  "san",  "gan",   "lien", "voi",   "theo",  "quy",  "dinh", "cua",  "phap",
    "luat", "ban",  "sao",   "xac",  "tiep",  "tra",   "ket",  "qua",  "ngay", "thang"};

std::string phone_number(Rng& rng) {
  return "09" + digits(rng, 2) + " " + digits(rng, 3) + " " + digits(rng, 3);
}

std::string sentence(Rng& rng, int words) {
  std::string text;
  for (int i = 0; i < words; ++i) {
    if (i > 0) text += ' ';
    text += rng.pick(k_words);
  }
  if (!text.empty()) text[0] = static_cast<char>(text[0] - 'a' + 'A');
  return text;
}

// ---------------------------------------------------------------------------------------------
// Codes

struct Symbol {
  BarcodeFormat format;
  std::string text;
  ZXing::BitMatrix modules;  // one cell per module, no quiet zone
};

std::string_view format_name(BarcodeFormat format) {
  switch (format) {
    case BarcodeFormat::Code128:
      return "Code128";
    case BarcodeFormat::QRCode:
      return "QRCode";
    case BarcodeFormat::DataMatrix:
      return "DataMatrix";
    default:
      return "other";
  }
}

Symbol encode_symbol(BarcodeFormat format, std::string text, Rng& rng) {
  if (text.find_first_of("\t\r\n") != std::string::npos) {
    throw std::runtime_error("payload contains a tab or newline: " + text);
  }
  ZXing::MultiFormatWriter writer(format);
  writer.setMargin(0);
  if (format == BarcodeFormat::QRCode) {
    writer.setEncoding(ZXing::CharacterSet::UTF8).setEccLevel(rng.pick(k_qr_ecc_levels));
  }
  ZXing::BitMatrix modules = writer.encode(text, 0, 0);
  return {format, std::move(text), std::move(modules)};
}

// Ink coverage (0 = paper, 1 = ink) of a symbol and its quiet zone at `module_px` pixels per
// module. Drawn 8x finer and area-averaged, so fractional module sizes come out as a camera sees
// them. Linear symbols are `bar_height` pixels high and have no vertical quiet zone.
cv::Mat1f render_coverage(const ZXing::BitMatrix& modules, double module_px, int quiet,
                          int bar_height) {
  constexpr int k_supersample = 8;
  const bool linear = modules.height() == 1;
  const int columns = modules.width() + 2 * quiet;
  const int rows = linear ? 1 : modules.height() + 2 * quiet;
  const int row_offset = linear ? 0 : quiet;
  cv::Mat1f fine(rows * k_supersample, columns * k_supersample, 0.0f);
  for (int y = 0; y < modules.height(); ++y) {
    for (int x = 0; x < modules.width(); ++x) {
      if (modules.get(x, y)) {
        fine(cv::Rect((x + quiet) * k_supersample, (y + row_offset) * k_supersample, k_supersample,
                      k_supersample)) = 1.0f;
      }
    }
  }
  const cv::Size size(static_cast<int>(std::lround(columns * module_px)),
                      linear ? 1 : static_cast<int>(std::lround(rows * module_px)));
  cv::Mat1f coverage;
  cv::resize(fine, coverage, size, 0, 0, cv::INTER_AREA);
  if (linear) coverage = cv::repeat(coverage, bar_height, 1);
  return coverage;
}

void print_coverage(cv::Mat3b& paper, const cv::Mat1f& coverage, cv::Point origin,
                    const cv::Scalar& ink) {
  for (int y = 0; y < coverage.rows; ++y) {
    for (int x = 0; x < coverage.cols; ++x) {
      const float amount = coverage(y, x);
      cv::Vec3b& pixel = paper(origin.y + y, origin.x + x);
      for (int c = 0; c < 3; ++c) {
        pixel[c] = cv::saturate_cast<uchar>(pixel[c] * (1.0f - amount) + ink[c] * amount);
      }
    }
  }
}

std::optional<std::string> read_symbol(const cv::Mat1b& grey, BarcodeFormat format) {
  const ZXing::ImageView view(grey.data, grey.cols, grey.rows, ZXing::ImageFormat::Lum);
  const ZXing::Result result = ZXing::ReadBarcode(view, ZXing::DecodeHints().setFormats(format));
  if (!result.isValid()) return std::nullopt;
  return result.text();
}

// Reads a symbol back right after it is printed, so truth.tsv cannot lie: a crisp rendering at
// 3 px per module must give exactly the payload, and the printed copy must too if it reads at all
// (a single ZXing pass often misses Code 128 at 2 px fractional modules even when clean).
void verify_printed(const cv::Mat3b& paper, cv::Rect region, const Symbol& symbol) {
  const bool linear = symbol.modules.height() == 1;
  const cv::Mat1f crisp = render_coverage(symbol.modules, 3.0, linear ? 10 : 4, 60);
  cv::Mat1b reference(crisp.rows + (linear ? 20 : 0), crisp.cols, uchar{255});
  cv::Mat1b(255 - crisp * 255)
      .copyTo(reference(cv::Rect(0, linear ? 10 : 0, crisp.cols, crisp.rows)));
  const std::optional<std::string> from_reference = read_symbol(reference, symbol.format);

  region &= cv::Rect(0, 0, paper.cols, paper.rows);
  cv::Mat1b printed;
  cv::cvtColor(paper(region), printed, cv::COLOR_BGR2GRAY);
  const std::optional<std::string> from_print = read_symbol(printed, symbol.format);

  if (from_reference != symbol.text || (from_print && *from_print != symbol.text)) {
    throw std::runtime_error(std::string(format_name(symbol.format)) + " '" + symbol.text +
                             "' did not read back (crisp copy: '" + from_reference.value_or("") +
                             "', printed copy: '" + from_print.value_or("") + "')");
  }
}

// ---------------------------------------------------------------------------------------------
// Scenes: what happens to one envelope

enum class Category {
  plain,
  rotation,
  tilt,
  blur,
  jpeg,
  lowcontrast,
  uneven_light,
  glare,
  small,
  curved,
  two_labels,
  mixed,
};

constexpr std::array k_categories = {
    Category::plain, Category::rotation,    Category::tilt,         Category::blur,
    Category::jpeg,  Category::lowcontrast, Category::uneven_light, Category::glare,
    Category::small, Category::curved,      Category::two_labels,   Category::mixed};

std::string_view category_name(Category category) {
  switch (category) {
    case Category::plain:
      return "plain";
    case Category::rotation:
      return "rotation";
    case Category::tilt:
      return "tilt";
    case Category::blur:
      return "blur";
    case Category::jpeg:
      return "jpeg";
    case Category::lowcontrast:
      return "lowcontrast";
    case Category::uneven_light:
      return "uneven_light";
    case Category::glare:
      return "glare";
    case Category::small:
      return "small";
    case Category::curved:
      return "curved";
    case Category::two_labels:
      return "two_labels";
    case Category::mixed:
      return "mixed";
  }
  return "unknown";
}

enum class BlurKind { none, gaussian, motion };
enum class ContrastLoss { none, fog, faded_ink };

struct Pose {
  double rotation_deg = 0;        // in the image plane
  double tilt_deg = 0;            // angle between the envelope and the sensor plane
  double tilt_direction_deg = 0;  // axis the envelope is tilted about
  double distance = 2.0;          // camera distance in envelope widths (smaller: more perspective)
  double fill = 0.9;              // share of the frame the sheet's bounding box fills (> 1: covers)
};

struct Scene {
  std::string description;  // what was done, for the --quads debugging output
  Pose pose;
  double aspect = 1.45;  // envelope width / height
  double code128_module = 2.5;
  double qr_module = 4.0;
  double datamatrix_module = 5.0;
  int label_count = 1;
  double bow = 0;    // paper curl, as a share of the envelope width
  double slant = 0;  // sideways bend, as a share of the envelope width
  bool fold = false;
  double light_gradient = 0.05;
  double lamp = 0;
  int shadow_count = 0;
  double shadow_depth = 0;
  bool glare_on_code = false;
  double glare_coverage = 0;  // share of one code's area under visible glare
  int glare_extra = 0;        // further spots away from the codes
  BlurKind blur = BlurKind::none;
  // Total sigma with the lens (gaussian) or smear length (motion), in Code 128 modules.
  double blur_modules = 0;
  double blur_angle_deg = 0;
  ContrastLoss contrast_loss = ContrastLoss::none;
  double contrast_levels = 0;  // grey levels between bars and label paper
  double optics_sigma = 0.45;
  double noise_sigma = 1.5;
  int jpeg_quality = 80;
};

// Each distortion draws its strength from t in [0, 1); `moderate` keeps to the middle of the range
// for the mixed category.
void describe(Scene& scene, const std::string& what, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s%s=%.2f", scene.description.empty() ? "" : " ",
                what.c_str(), value);
  scene.description += buffer;
}

void add_rotation(Scene& scene, double t) {
  scene.pose.rotation_deg = 360.0 * t;
  describe(scene, "rotation_deg", scene.pose.rotation_deg);
}

void add_tilt(Scene& scene, double t, bool moderate, Rng& rng) {
  scene.pose.tilt_deg = moderate ? 14.0 + 14.0 * t : 22.0 + 23.0 * t;
  scene.pose.tilt_direction_deg = rng.uniform(0.0, 360.0);
  scene.pose.distance = rng.uniform(1.0, 1.7);
  describe(scene, "tilt_deg", scene.pose.tilt_deg);
}

void add_blur(Scene& scene, double t, bool moderate, bool motion, Rng& rng) {
  scene.blur = motion ? BlurKind::motion : BlurKind::gaussian;
  // From a gaussian sigma of about one Code 128 module (or a smear of about 2.5 modules across
  // the bars) even a deconvolving reader loses the narrow bars: the codes must stay legible.
  if (motion) {
    scene.blur_modules = moderate ? 1.0 + 0.6 * t : 1.3 + 0.9 * t;
  } else {
    scene.blur_modules = moderate ? 0.3 + 0.25 * t : 0.4 + 0.45 * t;
  }
  scene.blur_angle_deg = rng.uniform(0.0, 180.0);
  describe(scene, motion ? "motion_modules" : "gauss_modules", scene.blur_modules);
}

void add_jpeg(Scene& scene, double t, bool moderate) {
  scene.jpeg_quality = static_cast<int>(std::lround(moderate ? 60.0 - 20.0 * t : 60.0 - 35.0 * t));
  describe(scene, "jpeg_quality", scene.jpeg_quality);
}

void add_low_contrast(Scene& scene, double t, bool moderate, Rng& rng) {
  scene.contrast_loss = rng.chance(0.5) ? ContrastLoss::fog : ContrastLoss::faded_ink;
  scene.contrast_levels = moderate ? 70.0 - 20.0 * t : 60.0 - 25.0 * t;
  describe(scene, scene.contrast_loss == ContrastLoss::fog ? "fog_levels" : "faded_levels",
           scene.contrast_levels);
}

void add_uneven_light(Scene& scene, double t, bool moderate, Rng& rng) {
  scene.light_gradient = moderate ? 0.25 + 0.15 * t : 0.35 + 0.2 * t;
  scene.lamp = rng.uniform(0.0, 0.15);
  scene.shadow_count = moderate ? 1 : rng.integer(1, 2);
  scene.shadow_depth = moderate ? rng.uniform(0.25, 0.35) : rng.uniform(0.3, 0.5);
  describe(scene, "light_gradient", scene.light_gradient);
}

void add_glare(Scene& scene, double t, bool moderate, Rng& rng) {
  scene.glare_on_code = true;
  scene.glare_coverage = moderate ? 0.06 + 0.1 * t : 0.08 + 0.2 * t;
  scene.glare_extra = rng.integer(0, 2);
  describe(scene, "glare_share", scene.glare_coverage);
}

void add_curve(Scene& scene, double t, bool moderate, Rng& rng) {
  const double sign = rng.chance(0.5) ? 1.0 : -1.0;
  scene.bow = sign * (moderate ? 0.008 + 0.008 * t : 0.012 + 0.018 * t);
  const double slant_sign = rng.chance(0.5) ? 1.0 : -1.0;
  scene.slant = slant_sign * rng.uniform(0.003, moderate ? 0.007 : 0.012);
  scene.fold = moderate ? rng.chance(0.6) : true;
  describe(scene, "bow", scene.bow);
}

void add_small(Scene& scene, bool moderate, Rng& rng) {
  scene.code128_module = moderate ? rng.uniform(1.7, 1.9) : rng.uniform(1.35, 1.65);
  scene.qr_module = moderate ? rng.uniform(2.4, 2.8) : rng.uniform(1.8, 2.3);
  scene.datamatrix_module = moderate ? rng.uniform(2.8, 3.2) : rng.uniform(2.0, 2.6);
  scene.pose.fill = rng.uniform(0.62, 0.75);
  describe(scene, "code128_module", scene.code128_module);
}

Scene make_scene(Category category, int index, Rng& rng) {
  Scene scene;
  // The category's main parameter is stratified over the images so its range is evenly covered.
  const double t = (index + rng.uniform(0.1, 0.9)) / k_images_per_category;
  scene.aspect = rng.uniform(1.35, 1.7);
  scene.pose.rotation_deg = rng.uniform(-4.0, 4.0);
  scene.pose.tilt_deg = rng.uniform(0.0, 6.0);
  scene.pose.tilt_direction_deg = rng.uniform(0.0, 360.0);
  scene.pose.distance = rng.uniform(1.4, 2.4);
  scene.pose.fill = rng.uniform(0.84, 0.95);
  scene.code128_module = rng.uniform(2.0, 3.0);
  scene.qr_module = rng.uniform(3.0, 5.0);
  scene.datamatrix_module = rng.uniform(4.0, 6.0);
  scene.light_gradient = rng.uniform(0.02, 0.1);
  scene.optics_sigma = rng.uniform(0.35, 0.6);
  scene.noise_sigma = rng.uniform(1.0, 2.0);
  scene.jpeg_quality = rng.integer(75, 85);

  switch (category) {
    case Category::plain:
      scene.pose.rotation_deg = rng.uniform(-1.5, 1.5);
      scene.pose.tilt_deg = rng.uniform(0.0, 2.0);
      break;
    case Category::rotation:
      add_rotation(scene, t);
      scene.pose.tilt_deg = rng.uniform(0.0, 4.0);
      break;
    case Category::tilt:
      add_tilt(scene, t, false, rng);
      scene.pose.rotation_deg = rng.uniform(-10.0, 10.0);
      break;
    case Category::blur:
      add_blur(scene, t, false, index % 2 == 1, rng);
      break;
    case Category::jpeg:
      add_jpeg(scene, t, false);
      break;
    case Category::lowcontrast:
      add_low_contrast(scene, t, false, rng);
      break;
    case Category::uneven_light:
      add_uneven_light(scene, t, false, rng);
      break;
    case Category::glare:
      add_glare(scene, t, false, rng);
      break;
    case Category::small:
      add_small(scene, false, rng);
      break;
    case Category::curved:
      add_curve(scene, t, false, rng);
      scene.pose.tilt_deg = rng.uniform(0.0, 8.0);
      break;
    case Category::two_labels:
      scene.label_count = 2;
      break;
    case Category::mixed: {
      std::vector<Category> pool = {
          Category::rotation, Category::tilt,        Category::blur,
          Category::jpeg,     Category::lowcontrast, Category::uneven_light,
          Category::glare,    Category::curved,      Category::small};
      rng.shuffle(pool);
      const int count = rng.integer(2, 3);
      for (int i = 0; i < count; ++i) {
        const double strength = rng.uniform(0.0, 1.0);
        switch (pool[static_cast<std::size_t>(i)]) {
          case Category::rotation:
            add_rotation(scene, rng.uniform(0.0, 1.0));
            break;
          case Category::tilt:
            add_tilt(scene, strength, true, rng);
            break;
          case Category::blur:
            add_blur(scene, strength, true, rng.chance(0.5), rng);
            break;
          case Category::jpeg:
            add_jpeg(scene, strength, true);
            break;
          case Category::lowcontrast:
            add_low_contrast(scene, strength, true, rng);
            break;
          case Category::uneven_light:
            add_uneven_light(scene, strength, true, rng);
            break;
          case Category::glare:
            add_glare(scene, strength, true, rng);
            break;
          case Category::curved:
            add_curve(scene, strength, true, rng);
            break;
          default:
            add_small(scene, true, rng);
            break;
        }
      }
      break;
    }
  }
  return scene;
}

// ---------------------------------------------------------------------------------------------
// Geometry: camera pose, paper deformation

// Smooth in-plane deformation of the paper (curl and a fold), in paper pixels. Gradients stay
// well below 1, so the fixed-point inverse in EnvelopeWarp converges.
struct Deformation {
  double width = 1;
  double height = 1;
  double bow = 0;  // rows bend by bow * sin(pi x / width)
  double slant = 0;
  double slant_phase = 0;
  bool fold = false;
  cv::Point2d fold_normal{1, 0};
  double fold_offset = 0;       // the crease is the line fold_normal . p == fold_offset
  double fold_compression = 0;  // 1 - cos(angle the far face is bent up by)
  double fold_width = 1;        // pixels over which the crease rounds off

  bool active() const { return bow != 0 || slant != 0 || fold; }

  double fold_distance(cv::Point2d p) const { return fold_normal.dot(p) - fold_offset; }

  cv::Point2d displacement(cv::Point2d p) const {
    cv::Point2d d(slant * std::sin(k_pi * p.y / height + slant_phase),
                  bow * std::sin(k_pi * p.x / width));
    if (fold) {
      // The face beyond the crease is bent towards the camera, so it looks foreshortened across
      // the crease; the crease itself is rounded (softplus) rather than a sharp kink.
      const double t = fold_distance(p) / fold_width;
      const double beyond = t > 30 ? t : std::log1p(std::exp(t));
      d -= fold_normal * (fold_compression * fold_width * beyond);
    }
    return d;
  }
};

cv::Point2d apply_homography(const cv::Matx33d& h, cv::Point2d p) {
  const double w = h(2, 0) * p.x + h(2, 1) * p.y + h(2, 2);
  if (w <= 1e-9) return {-1e6, -1e6};
  return {(h(0, 0) * p.x + h(0, 1) * p.y + h(0, 2)) / w,
          (h(1, 0) * p.x + h(1, 1) * p.y + h(1, 2)) / w};
}

class EnvelopeWarp {
 public:
  EnvelopeWarp(const cv::Matx33d& paper_to_canvas, Deformation deformation)
      : to_canvas_(paper_to_canvas), to_paper_(paper_to_canvas.inv()), deformation_(deformation) {}

  cv::Point2d to_canvas(cv::Point2d paper) const {
    return apply_homography(to_canvas_, paper + deformation_.displacement(paper));
  }

  cv::Point2d to_paper(cv::Point2d canvas) const {
    const cv::Point2d flat = apply_homography(to_paper_, canvas);
    if (!deformation_.active() || flat.x < -1e5) return flat;
    cv::Point2d p = flat;
    for (int i = 0; i < 10; ++i) p = flat - deformation_.displacement(p);
    return p;
  }

  // Canvas pixels per paper pixel around `paper` (geometric mean of the two directions).
  double local_scale(cv::Point2d paper) const {
    const cv::Point2d o = to_canvas(paper);
    const cv::Point2d dx = to_canvas(paper + cv::Point2d(1, 0)) - o;
    const cv::Point2d dy = to_canvas(paper + cv::Point2d(0, 1)) - o;
    return std::sqrt(std::abs(dx.x * dy.y - dx.y * dy.x));
  }

  // Photographs `paper` onto a canvas of `size`: the warped paper and its coverage (anti-aliased
  // at the edges).
  void render(const cv::Mat3f& paper, cv::Size size, cv::Mat3f& warped, cv::Mat1f& alpha) const {
    cv::Mat1f map_x(size), map_y(size);
    for (int y = 0; y < size.height; ++y) {
      for (int x = 0; x < size.width; ++x) {
        const cv::Point2d p = to_paper({static_cast<double>(x), static_cast<double>(y)});
        map_x(y, x) = static_cast<float>(std::clamp(p.x, -1e5, 1e5));
        map_y(y, x) = static_cast<float>(std::clamp(p.y, -1e5, 1e5));
      }
    }
    cv::remap(paper, warped, map_x, map_y, cv::INTER_LINEAR, cv::BORDER_CONSTANT,
              cv::Scalar::all(0));
    const cv::Mat1f ones(paper.size(), 1.0f);
    cv::remap(ones, alpha, map_x, map_y, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(0));
  }

 private:
  cv::Matx33d to_canvas_;
  cv::Matx33d to_paper_;
  Deformation deformation_;
};

struct Framing {
  cv::Size paper;
  cv::Matx33d paper_to_canvas;
};

// Places a flat sheet of the given aspect in front of a pinhole camera (tilted, then turned in the
// image plane) and scales it so its bounding box fills `pose.fill` of the canvas (or covers the
// canvas `pose.fill` times over when that is above 1). The sheet's pixel size is chosen so one
// paper pixel is about one canvas pixel at its centre.
Framing frame_sheet(cv::Size canvas, double aspect, const Pose& pose, Rng& rng) {
  const double height = 1000.0;
  const double width = aspect * height;
  const double tilt = pose.tilt_deg * k_pi / 180.0;
  const double direction = pose.tilt_direction_deg * k_pi / 180.0;
  const double a = tilt * std::cos(direction);
  const double b = tilt * std::sin(direction);
  const double r = pose.rotation_deg * k_pi / 180.0;
  const cv::Matx33d rx(1, 0, 0, 0, std::cos(a), -std::sin(a), 0, std::sin(a), std::cos(a));
  const cv::Matx33d ry(std::cos(b), 0, std::sin(b), 0, 1, 0, -std::sin(b), 0, std::cos(b));
  const cv::Matx33d rz(std::cos(r), -std::sin(r), 0, std::sin(r), std::cos(r), 0, 0, 0, 1);
  const cv::Matx33d rotation = rz * rx * ry;
  const double distance = pose.distance * width;

  const std::array<cv::Point2d, 4> corners = {
      cv::Point2d(-width / 2, -height / 2), cv::Point2d(width / 2, -height / 2),
      cv::Point2d(width / 2, height / 2), cv::Point2d(-width / 2, height / 2)};
  std::array<cv::Point2d, 4> projected;
  double min_x = 1e18, min_y = 1e18, max_x = -1e18, max_y = -1e18;
  for (std::size_t i = 0; i < corners.size(); ++i) {
    const cv::Vec3d q = rotation * cv::Vec3d(corners[i].x, corners[i].y, 0);
    projected[i] = {distance * q[0] / (distance + q[2]), distance * q[1] / (distance + q[2])};
    min_x = std::min(min_x, projected[i].x);
    max_x = std::max(max_x, projected[i].x);
    min_y = std::min(min_y, projected[i].y);
    max_y = std::max(max_y, projected[i].y);
  }
  // Below 1 the sheet fits inside the frame; above 1 it covers the frame with room to spare.
  const double scale_x = canvas.width * pose.fill / (max_x - min_x);
  const double scale_y = canvas.height * pose.fill / (max_y - min_y);
  const double scale = pose.fill <= 1.0 ? std::min(scale_x, scale_y) : std::max(scale_x, scale_y);
  const double slack_x = canvas.width - (max_x - min_x) * scale;
  const double slack_y = canvas.height - (max_y - min_y) * scale;
  const double offset_x = slack_x * rng.uniform(0.2, 0.8);
  const double offset_y = slack_y * rng.uniform(0.2, 0.8);

  Framing framing;
  framing.paper = cv::Size(static_cast<int>(std::lround(width * scale)),
                           static_cast<int>(std::lround(height * scale)));
  std::array<cv::Point2f, 4> source = {cv::Point2f(0, 0),
                                       cv::Point2f(static_cast<float>(framing.paper.width), 0),
                                       cv::Point2f(static_cast<float>(framing.paper.width),
                                                   static_cast<float>(framing.paper.height)),
                                       cv::Point2f(0, static_cast<float>(framing.paper.height))};
  std::array<cv::Point2f, 4> target;
  for (std::size_t i = 0; i < 4; ++i) {
    target[i] = cv::Point2f(static_cast<float>((projected[i].x - min_x) * scale + offset_x),
                            static_cast<float>((projected[i].y - min_y) * scale + offset_y));
  }
  framing.paper_to_canvas = cv::Matx33d(cv::getPerspectiveTransform(source.data(), target.data()));
  return framing;
}

Deformation make_deformation(cv::Size paper, const Scene& scene, Rng& rng) {
  Deformation deformation;
  deformation.width = paper.width;
  deformation.height = paper.height;
  deformation.bow = scene.bow * paper.width;
  deformation.slant = scene.slant * paper.width;
  deformation.slant_phase = rng.uniform(-0.5, 0.5);
  if (scene.fold) {
    deformation.fold = true;
    const double angle = rng.uniform(0.0, k_pi);
    deformation.fold_normal = {std::cos(angle), std::sin(angle)};
    const cv::Point2d through{paper.width * rng.uniform(0.2, 0.8),
                              paper.height * rng.uniform(0.2, 0.8)};
    deformation.fold_offset = deformation.fold_normal.dot(through);
    deformation.fold_width = rng.uniform(3.0, 8.0);
    deformation.fold_compression = 1.0 - std::cos(rng.uniform(8.0, 22.0) * k_pi / 180.0);
  }
  return deformation;
}

// ---------------------------------------------------------------------------------------------
// Printing the envelope

struct PrintedCode {
  BarcodeFormat format;
  std::string text;
  std::array<cv::Point2d, 4> corners;  // symbol without quiet zone, clockwise from top left
  cv::Size modules;
};

struct TextBlock {
  std::vector<std::string> lines;
  int font = cv::FONT_HERSHEY_SIMPLEX;
  double scale = 0.6;
  int thickness = 1;
  cv::Scalar colour{30, 30, 30};
  double spacing = 1.6;

  int line_height() const {
    int baseline = 0;
    return cv::getTextSize("Ag", font, scale, thickness, &baseline).height;
  }

  cv::Size size() const {
    int width = 0;
    int baseline = 0;
    for (const std::string& line : lines) {
      width = std::max(width, cv::getTextSize(line, font, scale, thickness, &baseline).width);
    }
    cv::getTextSize("Ag", font, scale, thickness, &baseline);
    const int step = static_cast<int>(std::lround(line_height() * spacing));
    return {width, line_height() + step * (static_cast<int>(lines.size()) - 1) + baseline};
  }

  void draw(cv::Mat3b& paper, cv::Point top_left) const {
    const int step = static_cast<int>(std::lround(line_height() * spacing));
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const cv::Point origin(top_left.x, top_left.y + line_height() + step * static_cast<int>(i));
      cv::putText(paper, lines[i], origin, font, scale, colour, thickness, cv::LINE_AA);
    }
  }
};

// Font scale for Hershey fonts whose capitals are `pixels` high.
double font_scale(double pixels) { return pixels / 22.0; }

// Rectangles already used on the envelope, so codes keep their quiet zones clear of everything.
class Layout {
 public:
  Layout(cv::Size paper, int margin, int gap)
      : paper_(paper),
        bounds_(margin, margin, paper.width - 2 * margin, paper.height - 2 * margin),
        gap_(gap) {}

  bool is_free(const cv::Rect& rect) const {
    if ((rect & bounds_) != rect) return false;
    for (const cv::Rect& used : occupied_) {
      const cv::Rect inflated(used.x - gap_, used.y - gap_, used.width + 2 * gap_,
                              used.height + 2 * gap_);
      if ((inflated & rect).area() > 0) return false;
    }
    return true;
  }

  void occupy(const cv::Rect& rect) { occupied_.push_back(rect); }

  // A free position for `size` inside the region given as fractions of the paper.
  std::optional<cv::Point> find_spot(cv::Size size, cv::Rect2d region, Rng& rng,
                                     int attempts = 300) const {
    const cv::Rect area = cv::Rect(static_cast<int>(region.x * paper_.width),
                                   static_cast<int>(region.y * paper_.height),
                                   static_cast<int>(region.width * paper_.width),
                                   static_cast<int>(region.height * paper_.height)) &
                          bounds_;
    if (size.width > area.width || size.height > area.height) return std::nullopt;
    for (int i = 0; i < attempts; ++i) {
      const cv::Point spot{rng.integer(area.x, area.x + area.width - size.width),
                           rng.integer(area.y, area.y + area.height - size.height)};
      if (is_free(cv::Rect(spot, size))) return spot;
    }
    return std::nullopt;
  }

  // A free position close to one of the corners.
  std::optional<cv::Point> find_corner_spot(cv::Size size, Rng& rng) const {
    const int first = rng.integer(0, 3);
    for (int i = 0; i < 4; ++i) {
      const int corner = (first + i) % 4;
      const int jitter_x = rng.integer(0, gap_ * 2);
      const int jitter_y = rng.integer(0, gap_ * 2);
      const int x = corner % 2 == 0 ? bounds_.x + jitter_x : bounds_.br().x - size.width - jitter_x;
      const int y = corner < 2 ? bounds_.y + jitter_y : bounds_.br().y - size.height - jitter_y;
      if (is_free(cv::Rect(x, y, size.width, size.height))) return cv::Point(x, y);
    }
    return std::nullopt;
  }

 private:
  cv::Size paper_;
  cv::Rect bounds_;
  int gap_;
  std::vector<cv::Rect> occupied_;
};

// A postal label: header, Code 128 of the S10 number with its quiet zones, the number in text.
struct LabelPlan {
  Symbol symbol;
  cv::Mat1f coverage;
  TextBlock header;
  TextBlock number;
  int padding = 0;
  int gap = 0;
  cv::Size size;
};

// A two-dimensional code on a white slip, with an optional caption underneath.
struct MatrixPlan {
  Symbol symbol;
  cv::Mat1f coverage;
  int quiet_px = 0;
  int padding = 0;
  std::optional<TextBlock> caption;
  cv::Size size;
};

constexpr std::array<std::string_view, 5> k_label_headers = {
    "EMS  VNPOST", "BUU GUI DAM BAO (R)", "BCCI - HO SO TTHC", "VIETNAM POST  EMS",
    "BUU CHINH CONG ICH"};

LabelPlan plan_label(Symbol symbol, double module, bool small, double unit, Rng& rng) {
  LabelPlan plan;
  const int min_height = small ? 36 : 60;
  const int bar_height =
      std::max(min_height, static_cast<int>(std::lround(module * rng.uniform(24.0, 34.0))));
  plan.coverage = render_coverage(symbol.modules, module, 10, bar_height);
  plan.header.lines = {std::string(rng.pick(k_label_headers))};
  plan.header.font = cv::FONT_HERSHEY_DUPLEX;
  plan.header.scale = font_scale(unit * rng.uniform(1.6, 2.2));
  plan.header.thickness = unit > 8 ? 2 : 1;
  plan.number.lines = {spaced_tracking_number(symbol.text)};
  plan.number.scale = font_scale(std::max(8.0, std::min(unit * 1.6, module * 7.0)));
  plan.number.thickness = 1;
  plan.padding = static_cast<int>(std::lround(unit * 1.2));
  plan.gap = std::max(3, static_cast<int>(std::lround(unit * 0.5)));
  plan.size.width = std::max(plan.coverage.cols, plan.header.size().width) + 2 * plan.padding;
  plan.size.height = plan.padding + plan.header.size().height + plan.gap + plan.coverage.rows +
                     plan.gap + plan.number.size().height + plan.padding;
  plan.symbol = std::move(symbol);
  return plan;
}

MatrixPlan plan_matrix(Symbol symbol, std::string_view caption_text, double module, double unit,
                       Rng& rng) {
  MatrixPlan plan;
  const int quiet = symbol.format == BarcodeFormat::QRCode ? 4 : 2;
  plan.coverage = render_coverage(symbol.modules, module, quiet, 0);
  plan.quiet_px = static_cast<int>(std::lround(quiet * module));
  plan.padding = static_cast<int>(std::lround(unit * rng.uniform(0.3, 1.2)));
  plan.size = {plan.coverage.cols + 2 * plan.padding, plan.coverage.rows + 2 * plan.padding};
  if (rng.chance(0.5)) {
    TextBlock caption;
    caption.lines = {std::string(caption_text)};
    caption.scale = font_scale(unit * 1.3);
    plan.size.width = std::max(plan.size.width, caption.size().width);
    plan.size.height += caption.size().height + plan.padding + 2;
    plan.caption = caption;
  }
  plan.symbol = std::move(symbol);
  return plan;
}

enum class MatrixKind { qr_dossier, qr_portal, qr_citizen, datamatrix };

std::string_view caption_for(MatrixKind kind) {
  switch (kind) {
    case MatrixKind::qr_dossier:
      return "Ma ho so";
    case MatrixKind::qr_portal:
      return "Quet ma de tra cuu ho so";
    case MatrixKind::qr_citizen:
      return "Ban sao CCCD";
    case MatrixKind::datamatrix:
      return "Ma buu gui";
  }
  return "";
}

Symbol make_matrix_symbol(MatrixKind kind, const std::string& dossier_code,
                          const std::string& tracking_number, Rng& rng) {
  switch (kind) {
    case MatrixKind::qr_dossier:
      return encode_symbol(BarcodeFormat::QRCode, dossier_code, rng);
    case MatrixKind::qr_portal: {
      std::string url = std::string(rng.pick(k_portal_lookups)) + dossier_code;
      if (rng.chance(0.4)) {
        const std::string_view prefix = rng.pick(k_provinces).id_prefix;
        url += "&SGT=" + std::string(prefix) + digits(rng, 9);
      }
      return encode_symbol(BarcodeFormat::QRCode, url, rng);
    }
    case MatrixKind::qr_citizen:
      return encode_symbol(BarcodeFormat::QRCode, make_citizen_payload(rng), rng);
    case MatrixKind::datamatrix: {
      // Short payloads make rectangular symbols (8x32, 12x26), the combined one a square.
      const int variant = rng.integer(0, 2);
      const std::string text = variant == 0   ? tracking_number
                               : variant == 1 ? dossier_code
                                              : "HS|" + dossier_code + "|" + tracking_number;
      return encode_symbol(BarcodeFormat::DataMatrix, text, rng);
    }
  }
  throw std::logic_error("unknown matrix kind");
}

struct Envelope {
  cv::Mat3b paper;
  std::vector<PrintedCode> codes;
};

cv::Scalar paper_colour(bool kraft, Rng& rng) {
  if (kraft) {
    const double shade = rng.uniform(-12.0, 12.0);
    return rng.chance(0.5) ? cv::Scalar(112 + shade, 158 + shade, 196 + shade)
                           : cv::Scalar(165 + shade, 202 + shade, 224 + shade * 0.5);
  }
  const double base = rng.uniform(228.0, 244.0);
  return {base + rng.uniform(-2.0, 4.0), base, base - rng.uniform(0.0, 4.0)};
}

// Low-frequency mottling of the paper, amplitude in grey levels.
void add_mottle(cv::Mat3b& paper, double amplitude, Rng& rng) {
  cv::RNG noise(rng.noise_seed());
  cv::Mat1f coarse(std::max(2, paper.rows / 24), std::max(2, paper.cols / 24));
  noise.fill(coarse, cv::RNG::NORMAL, 0.0, amplitude);
  cv::Mat1f field;
  cv::resize(coarse, field, paper.size(), 0, 0, cv::INTER_CUBIC);
  for (int y = 0; y < paper.rows; ++y) {
    for (int x = 0; x < paper.cols; ++x) {
      for (int c = 0; c < 3; ++c) {
        paper(y, x)[c] = cv::saturate_cast<uchar>(paper(y, x)[c] + field(y, x));
      }
    }
  }
}

cv::Scalar darker(const cv::Scalar& background, double levels) {
  return {background[0] - levels, background[1] - levels, background[2] - levels};
}

Envelope print_envelope(cv::Size size, const Scene& scene, const EnvelopeWarp& warp, Rng& rng) {
  const double unit = size.height / 100.0;
  const double scale = warp.local_scale({size.width / 2.0, size.height / 2.0});
  const bool small = scene.code128_module < 2.0;
  const bool faded = scene.contrast_loss == ContrastLoss::faded_ink;
  const cv::Scalar label_white{rng.uniform(246, 252), rng.uniform(246, 252), rng.uniform(244, 250)};
  // Faded print keeps `contrast_levels` between ink and label; the lighting takes a little more.
  const cv::Scalar code_ink = faded ? darker(label_white, scene.contrast_levels * 1.08)
                                    : cv::Scalar::all(rng.uniform(22, 45));

  // Payloads first: they do not depend on where things end up.
  const std::string dossier_code = make_dossier_code(rng);
  std::vector<LabelPlan> labels;
  for (int i = 0; i < scene.label_count; ++i) {
    const double module = scene.code128_module / scale;
    Symbol symbol = encode_symbol(BarcodeFormat::Code128, make_tracking_number(rng), rng);
    labels.push_back(plan_label(std::move(symbol), module, small, unit, rng));
  }
  std::vector<MatrixKind> kinds = {MatrixKind::qr_dossier, MatrixKind::qr_portal,
                                   MatrixKind::qr_citizen, MatrixKind::datamatrix};
  rng.shuffle(kinds);
  const int matrix_count = rng.chance(0.5) ? 1 : 2;
  std::vector<MatrixPlan> matrices;
  for (int i = 0; i < matrix_count; ++i) {
    const MatrixKind kind = kinds[static_cast<std::size_t>(i)];
    const double module =
        (kind == MatrixKind::datamatrix ? scene.datamatrix_module : scene.qr_module) / scale;
    matrices.push_back(
        plan_matrix(make_matrix_symbol(kind, dossier_code, labels.front().symbol.text, rng),
                    caption_for(kind), module, unit, rng));
  }

  for (int attempt = 0; attempt < 60; ++attempt) {
    const bool kraft = rng.chance(0.35);
    const cv::Scalar background = paper_colour(kraft, rng);
    const cv::Scalar text_ink = faded ? darker(background, scene.contrast_levels * 1.1)
                                      : cv::Scalar::all(rng.uniform(25, 60));
    Layout layout(size, static_cast<int>(std::lround(unit * 3)),
                  static_cast<int>(std::lround(unit * 1.5)));

    std::vector<cv::Point> label_spots;
    bool placed = true;
    for (const LabelPlan& label : labels) {
      const auto spot = layout.find_spot(label.size, {0, 0, 1, 1}, rng);
      if (!spot) {
        placed = false;
        break;
      }
      layout.occupy(cv::Rect(*spot, label.size));
      label_spots.push_back(*spot);
    }
    std::vector<cv::Point> matrix_spots;
    for (std::size_t i = 0; placed && i < matrices.size(); ++i) {
      const auto spot = rng.chance(0.35) ? layout.find_corner_spot(matrices[i].size, rng)
                                         : layout.find_spot(matrices[i].size, {0, 0, 1, 1}, rng);
      if (!spot) {
        placed = false;
        break;
      }
      layout.occupy(cv::Rect(*spot, matrices[i].size));
      matrix_spots.push_back(*spot);
    }
    if (!placed) continue;

    Envelope envelope;
    envelope.paper = cv::Mat3b(
        size, cv::Vec3b(static_cast<uchar>(background[0]), static_cast<uchar>(background[1]),
                        static_cast<uchar>(background[2])));
    add_mottle(envelope.paper, kraft ? rng.uniform(2.0, 3.5) : rng.uniform(1.0, 2.0), rng);

    // Printed text where there is room; blocks that do not fit are left out.
    std::vector<std::pair<TextBlock, cv::Rect2d>> blocks;
    TextBlock header;
    header.lines = {std::string(rng.pick(k_header_lines))};
    if (rng.chance(0.5)) header.lines.push_back(std::string(rng.pick(k_header_lines)));
    header.font = cv::FONT_HERSHEY_DUPLEX;
    header.scale = font_scale(unit * rng.uniform(1.8, 2.6));
    header.thickness = 2;
    header.colour = rng.chance(0.3) && !faded ? cv::Scalar(40, 40, 175) : text_ink;
    blocks.emplace_back(header, cv::Rect2d(0, 0, 1, 0.35));
    TextBlock sender;
    const std::string family_name(rng.pick(k_ascii_family_names));
    sender.lines = {"Nguoi gui: " + family_name + " " + std::string(rng.pick(k_ascii_given_names)),
                    "Dia chi: " + std::string(rng.pick(k_ascii_streets)),
                    std::string(rng.pick(k_ascii_cities)), "DT: " + phone_number(rng)};
    sender.scale = font_scale(unit * rng.uniform(1.3, 1.8));
    sender.font = rng.chance(0.5) ? cv::FONT_HERSHEY_SIMPLEX : cv::FONT_HERSHEY_COMPLEX_SMALL;
    sender.colour = text_ink;
    blocks.emplace_back(sender, cv::Rect2d(0, 0, 0.65, 0.6));
    TextBlock recipient;
    recipient.lines = {"Kinh gui: BO PHAN MOT CUA", std::string(rng.pick(k_ascii_agencies)),
                       std::string(rng.pick(k_ascii_streets)),
                       std::string(rng.pick(k_ascii_cities))};
    recipient.scale = font_scale(unit * rng.uniform(2.0, 2.6));
    recipient.thickness = 2;
    recipient.colour = text_ink;
    blocks.emplace_back(recipient, cv::Rect2d(0.25, 0.3, 0.75, 0.7));
    for (int i = rng.integer(1, 3); i > 0; --i) {
      TextBlock note;
      note.lines = {sentence(rng, rng.integer(3, 6))};
      if (rng.chance(0.5)) note.lines.push_back("So to: " + std::to_string(rng.integer(3, 40)));
      if (rng.chance(0.5)) {
        const std::string day = two_digits(rng.integer(1, 28));
        note.lines.push_back("Ngay gui: " + day + "/" + two_digits(rng.integer(1, 12)) + "/2026");
      }
      note.scale = font_scale(unit * rng.uniform(1.2, 1.6));
      note.colour = text_ink;
      blocks.emplace_back(note, cv::Rect2d(0, 0, 1, 1));
    }
    for (auto& [block, region] : blocks) {
      for (int shrink = 0; shrink < 3; ++shrink) {
        const auto spot = layout.find_spot(block.size(), region, rng, 150);
        if (spot) {
          layout.occupy(cv::Rect(*spot, block.size()));
          block.draw(envelope.paper, *spot);
          break;
        }
        block.scale *= 0.85;
      }
    }

    // Stamp box ("postage paid").
    const cv::Size stamp_size(static_cast<int>(unit * 16), static_cast<int>(unit * 11));
    if (const auto spot = layout.find_spot(stamp_size, {0.55, 0, 0.45, 0.4}, rng, 100)) {
      layout.occupy(cv::Rect(*spot, stamp_size));
      const cv::Scalar red = faded ? text_ink : cv::Scalar(50, 50, 170);
      cv::rectangle(envelope.paper, cv::Rect(*spot, stamp_size), red, 2, cv::LINE_AA);
      TextBlock stamp;
      stamp.lines = {"BUU CHINH", "CONG ICH", "DA TT CUOC"};
      stamp.scale = font_scale(unit * 1.6);
      stamp.colour = red;
      stamp.spacing = 1.9;
      if (stamp.size().width < stamp_size.width) {
        stamp.draw(envelope.paper,
                   *spot + cv::Point(static_cast<int>(unit), static_cast<int>(unit)));
      }
    }

    // Codes last, each read back as soon as it is printed.
    for (std::size_t i = 0; i < labels.size(); ++i) {
      LabelPlan& label = labels[i];
      label.header.colour = code_ink;
      label.number.colour = code_ink;
      const cv::Rect box(label_spots[i], label.size);
      envelope.paper(box).setTo(label_white);
      cv::rectangle(envelope.paper, box, cv::Scalar::all(110), 1);
      label.header.draw(envelope.paper, box.tl() + cv::Point(label.padding, label.padding));
      const cv::Point code_origin(box.x + (box.width - label.coverage.cols) / 2,
                                  box.y + label.padding + label.header.size().height + label.gap);
      print_coverage(envelope.paper, label.coverage, code_origin, code_ink);
      const cv::Size number_size = label.number.size();
      label.number.draw(envelope.paper, {box.x + (box.width - number_size.width) / 2,
                                         code_origin.y + label.coverage.rows + label.gap});
      verify_printed(envelope.paper, box, label.symbol);
      // The coverage was resampled to a whole number of pixels: measure the module from it.
      const double module = label.coverage.cols / (label.symbol.modules.width() + 20.0);
      const double left = code_origin.x + 10.0 * module;
      const double right = left + label.symbol.modules.width() * module;
      const double top = code_origin.y;
      const double bottom = code_origin.y + label.coverage.rows;
      envelope.codes.push_back({label.symbol.format,
                                label.symbol.text,
                                {cv::Point2d(left, top), cv::Point2d(right, top),
                                 cv::Point2d(right, bottom), cv::Point2d(left, bottom)},
                                {label.symbol.modules.width(), label.symbol.modules.height()}});
    }
    for (std::size_t i = 0; i < matrices.size(); ++i) {
      MatrixPlan& matrix = matrices[i];
      if (matrix.caption) matrix.caption->colour = text_ink;
      const cv::Rect slip(matrix_spots[i], cv::Size(matrix.coverage.cols + 2 * matrix.padding,
                                                    matrix.coverage.rows + 2 * matrix.padding));
      // A white slip (sticker or receipt in the window); on white envelopes it hardly shows.
      envelope.paper(slip).setTo(label_white);
      if (rng.chance(0.4)) cv::rectangle(envelope.paper, slip, cv::Scalar::all(150), 1);
      const cv::Point origin = slip.tl() + cv::Point(matrix.padding, matrix.padding);
      print_coverage(envelope.paper, matrix.coverage, origin, code_ink);
      if (matrix.caption) {
        matrix.caption->draw(envelope.paper, {slip.x, slip.br().y + matrix.padding});
      }
      verify_printed(envelope.paper, slip, matrix.symbol);
      const double left = origin.x + matrix.quiet_px;
      const double top = origin.y + matrix.quiet_px;
      const double right = origin.x + matrix.coverage.cols - matrix.quiet_px;
      const double bottom = origin.y + matrix.coverage.rows - matrix.quiet_px;
      envelope.codes.push_back({matrix.symbol.format,
                                matrix.symbol.text,
                                {cv::Point2d(left, top), cv::Point2d(right, top),
                                 cv::Point2d(right, bottom), cv::Point2d(left, bottom)},
                                {matrix.symbol.modules.width(), matrix.symbol.modules.height()}});
    }
    return envelope;
  }
  throw std::runtime_error("could not lay out the envelope's codes without overlap");
}

// Paper-space shading of a curled, folded sheet: the curl turns part of the sheet away from the
// light, the two faces of a fold catch different light, and the crease is a dark line with a
// highlight beside it.
void shade_paper(cv::Mat3f& paper, const Deformation& deformation, Rng& rng) {
  const double curl_shade = deformation.bow != 0 ? rng.uniform(0.04, 0.1) : 0.0;
  const double curl_phase = rng.uniform(0.0, 2.0 * k_pi);
  const double face_sign = rng.chance(0.5) ? 1.0 : -1.0;
  const double face_step = face_sign * rng.uniform(0.03, 0.1);
  const double crease_depth = rng.uniform(0.08, 0.18);
  for (int y = 0; y < paper.rows; ++y) {
    for (int x = 0; x < paper.cols; ++x) {
      double factor =
          1.0 - curl_shade * (0.5 + 0.5 * std::sin(k_pi * x / paper.cols * 1.5 + curl_phase));
      if (deformation.fold) {
        const double t =
            deformation.fold_distance({static_cast<double>(x), static_cast<double>(y)});
        factor *= 1.0 - face_step * 0.5 * (1.0 + std::tanh(t / 3.0));
        factor *= 1.0 - crease_depth * std::exp(-t * t / (2.0 * 1.3 * 1.3));
        factor *= 1.0 + 0.06 * std::exp(-(t - 3.0) * (t - 3.0) / (2.0 * 1.6 * 1.6));
      }
      paper(y, x) *= static_cast<float>(factor);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The photograph: surface, lighting, glare, optics, sensor

// Smooth random field of unit deviation, one random sample per `cell_x` by `cell_y` pixels.
cv::Mat1f smooth_field(cv::Size size, int cell_x, int cell_y, Rng& rng) {
  cv::RNG noise(rng.noise_seed());
  cv::Mat1f coarse(std::max(2, size.height / cell_y + 2), std::max(2, size.width / cell_x + 2));
  noise.fill(coarse, cv::RNG::NORMAL, 0.0, 1.0);
  cv::Mat1f field;
  cv::resize(coarse, field, size, 0, 0, cv::INTER_CUBIC);
  return field;
}

cv::Mat1f smooth_field(cv::Size size, int cell, Rng& rng) {
  return smooth_field(size, cell, cell, rng);
}

// Surface the envelope lies on: wood, grey laminate, dark cloth or a pale desk.
cv::Mat3f make_table(cv::Size size, Rng& rng) {
  const int kind = rng.integer(0, 3);
  const cv::Mat1f mottle = smooth_field(size, 60, rng);
  cv::Vec3f base;
  double grain = 0;
  switch (kind) {
    case 0:
      base = {rng.uniformf(50, 80), rng.uniformf(90, 120), rng.uniformf(140, 170)};
      grain = rng.uniform(8, 14);
      break;
    case 1:
      base = cv::Vec3f::all(static_cast<float>(rng.uniform(120, 160)));
      break;
    case 2:
      base = {rng.uniformf(60, 90), rng.uniformf(40, 60), rng.uniformf(30, 45)};
      break;
    default:
      base = {rng.uniformf(195, 215), rng.uniformf(200, 220), rng.uniformf(200, 222)};
      break;
  }
  const double period = rng.uniform(30, 70);
  const double across = rng.chance(0.5) ? k_pi / 2 : 0.0;
  const double angle = across + rng.uniform(-0.3, 0.3);
  const cv::Mat1f warp = smooth_field(size, 120, rng);
  cv::Mat3f table(size);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      const double along = x * std::cos(angle) + y * std::sin(angle);
      double value = 4.0 * mottle(y, x);
      if (grain > 0) value += grain * std::sin(2 * k_pi * (along + 25.0 * warp(y, x)) / period);
      table(y, x) = base + cv::Vec3f::all(static_cast<float>(value));
    }
  }
  return table;
}

// Multiplicative light: a gradient from one side, vignetting, optionally a lamp hotspot and soft
// shadows (a hand or a phone between the lamp and the envelope).
cv::Mat1f make_lighting(cv::Size size, const Scene& scene, Rng& rng) {
  const double direction = rng.uniform(0.0, 2.0 * k_pi);
  const double vignette = rng.uniform(0.03, 0.1);
  const double exposure = rng.uniform(0.96, 1.04);
  const cv::Point2d lamp{rng.uniform(0, size.width), rng.uniform(0, size.height)};
  const double lamp_radius = rng.uniform(0.25, 0.5) * size.width;
  const cv::Point2d centre(size.width / 2.0, size.height / 2.0);
  const double half_diagonal = std::hypot(centre.x, centre.y);
  cv::Mat1f light(size);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      const cv::Point2d d = cv::Point2d(x, y) - centre;
      const double along = (d.x * std::cos(direction) + d.y * std::sin(direction)) / half_diagonal;
      const double r2 = d.dot(d) / (half_diagonal * half_diagonal);
      const cv::Point2d l = cv::Point2d(x, y) - lamp;
      double value =
          exposure * (1.0 - scene.light_gradient * (0.5 + 0.5 * along)) * (1.0 - vignette * r2);
      value += scene.lamp * std::exp(-l.dot(l) / (2.0 * lamp_radius * lamp_radius));
      light(y, x) = static_cast<float>(value);
    }
  }
  for (int i = 0; i < scene.shadow_count; ++i) {
    cv::Mat1f mask(size, 0.0f);
    const cv::Point2f middle{rng.uniformf(0.2, 0.8) * size.width,
                             rng.uniformf(0.2, 0.8) * size.height};
    if (rng.chance(0.5)) {
      // Soft blob entering from outside the frame (head or hand).
      const double angle = rng.uniform(0.0, 2.0 * k_pi);
      const cv::Point2f outside(static_cast<float>(middle.x + std::cos(angle) * size.width * 0.6),
                                static_cast<float>(middle.y + std::sin(angle) * size.height * 0.6));
      const cv::Size2f extent{rng.uniformf(0.5, 0.9) * size.width,
                              rng.uniformf(0.3, 0.6) * size.height};
      cv::ellipse(mask,
                  cv::RotatedRect((middle + outside) * 0.5f, extent,
                                  static_cast<float>(angle * 180 / k_pi)),
                  cv::Scalar(1.0), cv::FILLED);
    } else {
      // Straight-edged shadow (phone, ruler, box edge) across part of the frame.
      const float thickness = rng.uniformf(0.15, 0.4) * size.height;
      const float angle = rng.uniformf(0, 180);
      const cv::RotatedRect bar(middle, cv::Size2f(size.width * 1.6f, thickness), angle);
      cv::Point2f corners[4];
      bar.points(corners);
      std::vector<cv::Point> polygon;
      for (const cv::Point2f& corner : corners) polygon.emplace_back(corner);
      cv::fillConvexPoly(mask, polygon, cv::Scalar(1.0));
    }
    cv::GaussianBlur(mask, mask, cv::Size(0, 0), rng.uniform(8.0, 35.0));
    light = light.mul(1.0 - scene.shadow_depth * mask);
  }
  cv::max(light, 0.3, light);
  return light;
}

struct GlareSpot {
  cv::Point2d centre;
  double sigma_x = 1;
  double sigma_y = 1;
  double angle = 0;
  double peak = 1.2;  // above 1 the core saturates

  float value(double x, double y) const {
    const double dx = x - centre.x;
    const double dy = y - centre.y;
    const double u = (dx * std::cos(angle) + dy * std::sin(angle)) / sigma_x;
    const double v = (-dx * std::sin(angle) + dy * std::cos(angle)) / sigma_y;
    return static_cast<float>(std::min(1.0, peak * std::exp(-0.5 * (u * u + v * v))));
  }
};

using Quad = std::array<cv::Point2d, 4>;

// Glare at a point from all spots together (0 = none, 1 = white).
double glare_at(const std::vector<GlareSpot>& spots, cv::Point2d p) {
  double keep = 1.0;
  for (const GlareSpot& spot : spots) keep *= 1.0 - spot.value(p.x, p.y);
  return 1.0 - keep;
}

// Point at (u, v) in [0, 1]^2 of a code's quad.
cv::Point2d quad_point(const Quad& quad, double u, double v) {
  const cv::Point2d top = quad[0] + (quad[1] - quad[0]) * u;
  const cv::Point2d bottom = quad[3] + (quad[2] - quad[3]) * u;
  return top + (bottom - top) * v;
}

constexpr int k_glare_samples = 48;

// Share of a code's area where the glare is at least `level`: 0.25 is visible glare, 0.7 leaves
// less than a third of the print contrast.
double glare_share(const std::vector<GlareSpot>& spots, const Quad& quad, double level) {
  int hits = 0;
  for (int i = 0; i < k_glare_samples; ++i) {
    for (int j = 0; j < k_glare_samples; ++j) {
      const cv::Point2d p =
          quad_point(quad, (i + 0.5) / k_glare_samples, (j + 0.5) / k_glare_samples);
      if (glare_at(spots, p) >= level) ++hits;
    }
  }
  return static_cast<double>(hits) / (k_glare_samples * k_glare_samples);
}

// Share of a linear code's scan lines (along the bars' direction of reading) with no glare to
// speak of over the whole symbol.
double clean_scan_lines(const std::vector<GlareSpot>& spots, const Quad& quad) {
  int clean = 0;
  for (int j = 0; j < k_glare_samples; ++j) {
    bool line_clean = true;
    for (int i = 0; i < k_glare_samples * 4 && line_clean; ++i) {
      const cv::Point2d p =
          quad_point(quad, (i + 0.5) / (k_glare_samples * 4), (j + 0.5) / k_glare_samples);
      line_clean = glare_at(spots, p) < 0.35;
    }
    if (line_clean) ++clean;
  }
  return static_cast<double>(clean) / k_glare_samples;
}

// Whether the glare washes out any part of the outer ring of a 2D symbol, where the finder and
// timing patterns sit that no error correction protects.
bool glare_hits_border(const std::vector<GlareSpot>& spots, const Quad& quad) {
  constexpr double k_ring = 0.12;
  for (int i = 0; i <= k_glare_samples; ++i) {
    for (int j = 0; j <= k_glare_samples; ++j) {
      const double u = static_cast<double>(i) / k_glare_samples;
      const double v = static_cast<double>(j) / k_glare_samples;
      const bool in_ring = u < k_ring || u > 1 - k_ring || v < k_ring || v > 1 - k_ring;
      if (in_ring && glare_at(spots, quad_point(quad, u, v)) >= 0.7) return true;
    }
  }
  return false;
}

// A glare spot may hide part of a code but must leave it legible: a 2D code loses only a few
// data modules, which error correction repairs, a linear code keeps a band of clean scan lines.
bool glare_leaves_legible(const std::vector<GlareSpot>& spots, const Quad& quad, bool linear) {
  if (glare_share(spots, quad, 0.25) >= 0.3) return false;
  if (linear) return clean_scan_lines(spots, quad) >= 0.25;
  return glare_share(spots, quad, 0.7) <= 0.05 && !glare_hits_border(spots, quad);
}

// Specular spots from a glossy sleeve or a lamp: one partly over a chosen code, visibly covering
// the requested share of it, and others that stay clear of all codes.
std::vector<GlareSpot> make_glare(cv::Size size, const Scene& scene, const std::vector<Quad>& codes,
                                  const std::vector<bool>& linear, Rng& rng) {
  std::vector<GlareSpot> spots;
  auto all_legible = [&](const std::vector<GlareSpot>& trial) {
    for (std::size_t i = 0; i < codes.size(); ++i) {
      if (!glare_leaves_legible(trial, codes[i], linear[i])) return false;
    }
    return true;
  };
  if (scene.glare_on_code) {
    const std::size_t target =
        static_cast<std::size_t>(rng.integer(0, static_cast<int>(codes.size()) - 1));
    const Quad& quad = codes[target];
    const cv::Point2d across = quad[1] - quad[0];  // reading direction
    const cv::Point2d down = quad[3] - quad[0];
    const double extent = std::sqrt(cv::norm(across) * cv::norm(down));
    const double wanted = scene.glare_coverage;
    // A spot sized for the wanted coverage, shrunk until the code stays legible; where that never
    // happens (a core on a 2D finder) or leaves too little glare, the spot moves elsewhere.
    std::optional<GlareSpot> best;
    double best_share = 0;
    for (int attempt = 0; attempt < 30 && best_share < 0.6 * wanted; ++attempt) {
      GlareSpot spot;
      // Over a linear code the spot sits towards the top or bottom of the bars; over a 2D code,
      // towards any side.
      const double u = linear[target] ? rng.uniform(0.15, 0.85) : rng.uniform(-0.1, 1.1);
      const double v = linear[target]
                           ? (rng.chance(0.5) ? rng.uniform(-0.5, 0.0) : rng.uniform(1.0, 1.5))
                           : rng.uniform(-0.1, 1.1);
      spot.centre = quad_point(quad, u, v);
      spot.angle = rng.uniform(0.0, k_pi);
      spot.peak = rng.uniform(0.95, 1.4);
      const double aspect = rng.uniform(0.4, 1.0);
      auto set_size = [&](double factor) {
        spot.sigma_x = extent * factor;
        spot.sigma_y = extent * factor * aspect;
      };
      double lo = 0.01;
      double hi = 2.0;
      for (int i = 0; i < 24; ++i) {
        const double mid = 0.5 * (lo + hi);
        set_size(mid);
        if (glare_share({spot}, quad, 0.25) < wanted) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      set_size(lo);
      while (lo > 0.01 && !all_legible({spot})) {
        lo *= 0.92;
        set_size(lo);
      }
      if (!all_legible({spot})) continue;
      const double share = glare_share({spot}, quad, 0.25);
      if (share > best_share) {
        best = spot;
        best_share = share;
      }
    }
    if (best) spots.push_back(*best);
  }
  for (int i = 0; i < scene.glare_extra; ++i) {
    for (int attempt = 0; attempt < 40; ++attempt) {
      GlareSpot spot;
      spot.centre = {rng.uniform(0, size.width), rng.uniform(0, size.height)};
      spot.sigma_x = rng.uniform(0.02, 0.06) * size.width;
      spot.sigma_y = spot.sigma_x * rng.uniform(0.3, 1.0);
      spot.angle = rng.uniform(0.0, k_pi);
      spot.peak = rng.uniform(0.9, 1.6);
      // Extra spots stay off the codes, and together with the others leave every code legible.
      bool clear = true;
      for (const Quad& code : codes) clear = clear && glare_share({spot}, code, 0.1) == 0.0;
      spots.push_back(spot);
      if (clear && all_legible(spots)) break;
      spots.pop_back();
    }
  }
  if (!all_legible(spots)) throw std::logic_error("glare made a code illegible");
  return spots;
}

void apply_glare(cv::Mat3f& image, const std::vector<GlareSpot>& spots) {
  for (const GlareSpot& spot : spots) {
    const double reach = 3.5 * std::max(spot.sigma_x, spot.sigma_y);
    const cv::Rect box = cv::Rect(cvFloor(spot.centre.x - reach), cvFloor(spot.centre.y - reach),
                                  cvCeil(2 * reach), cvCeil(2 * reach)) &
                         cv::Rect(0, 0, image.cols, image.rows);
    for (int y = box.y; y < box.br().y; ++y) {
      for (int x = box.x; x < box.br().x; ++x) {
        const float g = spot.value(x, y);
        image(y, x) = image(y, x) * (1.0f - g) + cv::Vec3f(252, 254, 255) * g;
      }
    }
  }
}

cv::Mat1f motion_kernel(double length, double angle_deg) {
  const int half = static_cast<int>(std::ceil(length / 2.0)) + 1;
  cv::Mat1f kernel(2 * half + 1, 2 * half + 1, 0.0f);
  const double angle = angle_deg * k_pi / 180.0;
  constexpr int k_samples = 200;
  for (int i = 0; i < k_samples; ++i) {
    const double t = (i + 0.5) / k_samples - 0.5;
    const double x = half + t * length * std::cos(angle);
    const double y = half + t * length * std::sin(angle);
    const int x0 = static_cast<int>(std::floor(x));
    const int y0 = static_cast<int>(std::floor(y));
    const float fx = static_cast<float>(x - x0);
    const float fy = static_cast<float>(y - y0);
    kernel(y0, x0) += (1 - fx) * (1 - fy);
    kernel(y0, x0 + 1) += fx * (1 - fy);
    kernel(y0 + 1, x0) += (1 - fx) * fy;
    kernel(y0 + 1, x0 + 1) += fx * fy;
  }
  return kernel / cv::sum(kernel)[0];
}

void add_sensor_noise(cv::Mat3f& image, double sigma, Rng& rng) {
  cv::RNG noise(rng.noise_seed());
  cv::Mat1f grain(image.size());
  noise.fill(grain, cv::RNG::NORMAL, 0.0, sigma);
  for (int y = 0; y < image.rows; ++y) {
    for (int x = 0; x < image.cols; ++x) image(y, x) += cv::Vec3f::all(grain(y, x));
  }
}

std::vector<uchar> encode_jpeg(const cv::Mat3f& image, int quality) {
  cv::Mat3b pixels;
  image.convertTo(pixels, CV_8UC3);
  std::vector<uchar> bytes;
  cv::imencode(".jpg", pixels, bytes,
               {cv::IMWRITE_JPEG_QUALITY, quality, cv::IMWRITE_JPEG_OPTIMIZE, 1});
  return bytes;
}

void write_file(const fs::path& path, const std::vector<uchar>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

cv::Size random_canvas(Rng& rng) {
  const int width = rng.integer(150, 200) * 8;
  const int height =
      std::clamp(static_cast<int>(std::lround(width * rng.uniform(0.68, 0.74))), 850, 1100);
  return {width, height};
}

// Light, optics, sensor and JPEG: the parts of taking a photo that every image goes through.
void expose(cv::Mat3f& image, const Scene& scene, const std::vector<Quad>& codes,
            const std::vector<bool>& linear, Rng& rng) {
  const cv::Mat1f light = make_lighting(image.size(), scene, rng);
  const cv::Vec3f white_balance{rng.uniformf(0.96, 1.04), 1.0f, rng.uniformf(0.96, 1.04)};
  for (int y = 0; y < image.rows; ++y) {
    for (int x = 0; x < image.cols; ++x) {
      image(y, x) = image(y, x).mul(white_balance) * light(y, x);
    }
  }
  apply_glare(image, make_glare(image.size(), scene, codes, linear, rng));
  cv::GaussianBlur(image, image, cv::Size(0, 0), scene.optics_sigma);
  if (scene.blur == BlurKind::gaussian) {
    const double total = scene.blur_modules * scene.code128_module;
    const double extra =
        std::sqrt(std::max(0.0, total * total - scene.optics_sigma * scene.optics_sigma));
    if (extra > 0.1) cv::GaussianBlur(image, image, cv::Size(0, 0), extra);
  } else if (scene.blur == BlurKind::motion) {
    cv::filter2D(image, image, -1,
                 motion_kernel(scene.blur_modules * scene.code128_module, scene.blur_angle_deg));
  }
  if (scene.contrast_loss == ContrastLoss::fog) {
    // Haze or a washed-out exposure: bars (~30) and label (~235) end up contrast_levels apart.
    const double gain = scene.contrast_levels / 205.0;
    const double paper_level = rng.uniform(130.0, 215.0);
    image = (image - cv::Scalar::all(235.0)) * gain + cv::Scalar::all(paper_level);
  }
  add_sensor_noise(image, scene.noise_sigma, rng);
}

// ---------------------------------------------------------------------------------------------
// Envelopes

struct TruthRow {
  std::string file;
  BarcodeFormat format;
  std::string text;
  Quad corners;
  cv::Size modules;
  std::string scene;
};

std::vector<TruthRow> generate_envelope(const fs::path& folder, Category category, int index,
                                        std::uint32_t seed) {
  Rng rng(seed, 1, static_cast<std::uint32_t>(static_cast<int>(category) * 1000 + index));
  const Scene scene = make_scene(category, index, rng);
  const cv::Size canvas = random_canvas(rng);
  const Framing framing = frame_sheet(canvas, scene.aspect, scene.pose, rng);
  const Deformation deformation = make_deformation(framing.paper, scene, rng);
  const EnvelopeWarp warp(framing.paper_to_canvas, deformation);

  Envelope envelope = print_envelope(framing.paper, scene, warp, rng);
  std::vector<Quad> quads;
  for (const PrintedCode& code : envelope.codes) {
    Quad quad;
    for (std::size_t i = 0; i < 4; ++i) quad[i] = warp.to_canvas(code.corners[i]);
    for (const cv::Point2d& p : quad) {
      if (p.x < 2 || p.y < 2 || p.x > canvas.width - 3 || p.y > canvas.height - 3) {
        throw std::logic_error("a code left the frame");
      }
    }
    quads.push_back(quad);
  }

  cv::Mat3f paper;
  envelope.paper.convertTo(paper, CV_32FC3);
  if (deformation.active()) shade_paper(paper, deformation, rng);
  cv::Mat3f image = make_table(canvas, rng);
  cv::Mat3f warped;
  cv::Mat1f alpha;
  warp.render(paper, canvas, warped, alpha);
  // Soft contact shadow of the envelope on the table.
  cv::Mat1f shadow;
  const double shadow_dx = rng.uniform(3, 9);
  const cv::Matx23d offset(1, 0, shadow_dx, 0, 1, rng.uniform(3, 9));
  cv::warpAffine(alpha, shadow, offset, canvas);
  cv::GaussianBlur(shadow, shadow, cv::Size(0, 0), 6.0);
  for (int y = 0; y < canvas.height; ++y) {
    for (int x = 0; x < canvas.width; ++x) {
      const float a = alpha(y, x);
      image(y, x) = image(y, x) * (1.0f - 0.35f * shadow(y, x)) * (1.0f - a) + warped(y, x) * a;
    }
  }
  std::vector<bool> linear;
  for (const PrintedCode& code : envelope.codes)
    linear.push_back(code.format == BarcodeFormat::Code128);
  expose(image, scene, quads, linear, rng);

  char name[64];
  std::snprintf(name, sizeof name, "%s-%02d.jpg", std::string(category_name(category)).c_str(),
                index + 1);
  write_file(folder / name, encode_jpeg(image, scene.jpeg_quality));
  std::vector<TruthRow> rows;
  for (std::size_t i = 0; i < envelope.codes.size(); ++i) {
    rows.push_back({name, envelope.codes[i].format, envelope.codes[i].text, quads[i],
                    envelope.codes[i].modules, scene.description});
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// False positives: printed pages and textures with no code at all

cv::Mat3b text_page(cv::Size size, bool table, Rng& rng) {
  const double paper = rng.uniform(232, 248);
  cv::Mat3b page(size, cv::Vec3b(static_cast<uchar>(paper), static_cast<uchar>(paper),
                                 static_cast<uchar>(paper - 3)));
  add_mottle(page, 2.0, rng);
  const double unit = size.width / 100.0;
  const int margin = static_cast<int>(unit * rng.uniform(6, 10));
  const cv::Scalar ink = cv::Scalar::all(rng.uniform(20, 50));
  TextBlock title;
  title.lines = {std::string(rng.pick(k_header_lines))};
  title.font = cv::FONT_HERSHEY_DUPLEX;
  title.scale = font_scale(unit * 2.2);
  title.thickness = 2;
  title.colour = ink;
  title.draw(page, {margin, margin});
  int y = margin + title.size().height + static_cast<int>(unit * 3);
  if (!table) {
    const double height = unit * rng.uniform(1.2, 2.0);
    const int font = rng.pick(std::array{cv::FONT_HERSHEY_SIMPLEX, cv::FONT_HERSHEY_COMPLEX,
                                         cv::FONT_HERSHEY_COMPLEX_SMALL, cv::FONT_HERSHEY_TRIPLEX});
    while (y < size.height - margin - height * 2) {
      TextBlock line;
      line.font = font;
      line.scale = font_scale(height);
      line.colour = ink;
      std::string text = sentence(rng, rng.integer(6, 14));
      line.lines = {text};
      while (line.size().width > size.width - 2 * margin && text.size() > 10) {
        text = text.substr(0, text.rfind(' '));
        line.lines = {text};
      }
      line.draw(page, {margin, y});
      y += static_cast<int>(height * (rng.chance(0.12) ? 3.2 : 1.8));
    }
    return page;
  }
  // Spreadsheet printout: ruled grid, a shaded header row, numbers in the cells.
  const int columns = rng.integer(4, 9);
  const int row_height = static_cast<int>(unit * rng.uniform(2.6, 4.5));
  const int width = size.width - 2 * margin;
  const int rows = (size.height - y - margin) / row_height;
  const cv::Scalar line_colour = cv::Scalar::all(rng.uniform(60, 150));
  page(cv::Rect(margin, y, width, row_height)).setTo(cv::Scalar::all(205));
  for (int r = 0; r <= rows; ++r) {
    cv::line(page, {margin, y + r * row_height}, {margin + width, y + r * row_height}, line_colour,
             r == 1 ? 2 : 1);
  }
  for (int c = 0; c <= columns; ++c) {
    const int x = margin + c * width / columns;
    cv::line(page, {x, y}, {x, y + rows * row_height}, line_colour, 1);
  }
  TextBlock cell;
  cell.scale = font_scale(row_height * 0.42);
  cell.colour = ink;
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < columns; ++c) {
      if (r == 0) {
        cell.lines = {sentence(rng, 1)};
      } else if (c == 0) {
        cell.lines = {std::to_string(r)};
      } else if (rng.chance(0.85)) {
        if (rng.chance(0.5)) {
          cell.lines = {std::to_string(rng.integer(0, 99999))};
        } else {
          const std::string day = two_digits(rng.integer(1, 28));
          cell.lines = {day + "/" + two_digits(rng.integer(1, 12)) + "/2025"};
        }
      } else {
        continue;
      }
      if (cell.size().width < width / columns - 8) {
        cell.draw(page, {margin + c * width / columns + 5,
                         y + r * row_height + (row_height - cell.size().height) / 2});
      }
    }
  }
  return page;
}

cv::Mat3b stripes(cv::Size size, double period, double angle_deg, Rng& rng) {
  const cv::Vec3f dark{rng.uniformf(20, 120), rng.uniformf(20, 120), rng.uniformf(20, 120)};
  const cv::Vec3f light = cv::Vec3f::all(static_cast<float>(rng.uniform(200, 245)));
  const double duty = rng.uniform(0.35, 0.65);
  const double angle = angle_deg * k_pi / 180.0;
  cv::Mat3f image(size);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      const double phase =
          std::fmod((x * std::cos(angle) + y * std::sin(angle)) / period + 1000.0, 1.0);
      image(y, x) = phase < duty ? dark : light;
    }
  }
  cv::GaussianBlur(image, image, cv::Size(0, 0), 0.7);
  cv::Mat3b out;
  image.convertTo(out, CV_8UC3);
  return out;
}

cv::Mat3b fabric(cv::Size size, Rng& rng) {
  const double period = rng.uniform(5.0, 12.0);
  const int twill = rng.chance(0.5) ? 2 : 1;  // 1: plain weave, 2: 2/2 twill
  // Warp and weft thread colours (BGR): denim, khaki drill, grey suiting, red check shirting.
  static const std::array<std::pair<cv::Vec3f, cv::Vec3f>, 4> k_threads = {{
      {{120, 70, 35}, {215, 215, 210}},
      {{110, 160, 190}, {95, 140, 170}},
      {{125, 125, 130}, {80, 80, 85}},
      {{45, 40, 160}, {230, 230, 230}},
  }};
  const auto& [warp_colour, weft_colour] = rng.pick(k_threads);
  const cv::Mat1f slub = smooth_field(size, 30, rng);
  cv::Mat3f image(size);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      const double u = x / period;
      const double v = y / period;
      const int i = static_cast<int>(std::floor(u));
      const int j = static_cast<int>(std::floor(v));
      const bool warp_over = ((i + j) / twill + (twill == 2 ? j : 0)) % 2 == 0;
      const double across = warp_over ? u - i : v - j;
      const double shade = 0.55 + 0.45 * std::sin(k_pi * across);
      image(y, x) = (warp_over ? warp_colour : weft_colour) * static_cast<float>(shade) +
                    cv::Vec3f::all(static_cast<float>(8.0 * slub(y, x)));
    }
  }
  cv::GaussianBlur(image, image, cv::Size(0, 0), 0.8);
  cv::Mat3b out;
  image.convertTo(out, CV_8UC3);
  return out;
}

// Planed wood: long, nearly parallel growth lines that wander slowly, and fine fibres.
cv::Mat3b wood(cv::Size size, Rng& rng) {
  const double period = rng.uniform(14.0, 40.0);
  const cv::Mat1f wander = smooth_field(size, 70, 400, rng);
  const cv::Mat1f fibres = smooth_field(size, 2, 60, rng);
  const cv::Mat1f tone = smooth_field(size, 200, rng);
  const cv::Vec3f base{rng.uniformf(50, 90), rng.uniformf(100, 130), rng.uniformf(150, 190)};
  cv::Mat3f image(size);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      const double ring = std::sin(2 * k_pi * (x + 18.0 * wander(y, x)) / period);
      const double value =
          0.92 - 0.16 * std::pow(0.5 + 0.5 * ring, 4.0) + 0.025 * fibres(y, x) + 0.04 * tone(y, x);
      image(y, x) = base * static_cast<float>(value);
    }
  }
  // Boards are photographed at any angle.
  const double angle = rng.uniform(-30.0, 30.0);
  const cv::Mat turn =
      cv::getRotationMatrix2D(cv::Point2f(size.width / 2.0f, size.height / 2.0f), angle, 1.0);
  cv::warpAffine(image, image, turn, size, cv::INTER_LINEAR, cv::BORDER_REFLECT);
  cv::Mat3b out;
  image.convertTo(out, CV_8UC3);
  return out;
}

cv::Mat3b cardboard(cv::Size size, Rng& rng) {
  const double period = rng.uniform(18.0, 30.0);
  cv::Mat3b board(size, cv::Vec3b(110, 155, 192));
  add_mottle(board, 5.0, rng);
  cv::Mat3f image;
  board.convertTo(image, CV_32FC3);
  for (int y = 0; y < size.height; ++y) {
    const float shade = static_cast<float>(1.0 - 0.06 * std::sin(2 * k_pi * y / period));
    for (int x = 0; x < size.width; ++x) image(y, x) *= shade;
  }
  image.convertTo(board, CV_8UC3);
  TextBlock print;
  print.lines = {"HANG DE VO", "FRAGILE - THIS SIDE UP", "KHOI LUONG: 12 KG"};
  print.font = cv::FONT_HERSHEY_DUPLEX;
  print.scale = font_scale(size.height * 0.05);
  print.thickness = 3;
  print.colour = {40, 60, 90};
  print.draw(board, {size.width / 8, size.height / 5});
  return board;
}

cv::Mat3b halftone(cv::Size size, Rng& rng) {
  const double period = rng.uniform(7.0, 10.0);
  const cv::Mat1f picture = smooth_field(size, 150, rng);
  const double angle = k_pi / 4;
  cv::Mat3f image(size);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      const double u = (x * std::cos(angle) + y * std::sin(angle)) / period;
      const double v = (-x * std::sin(angle) + y * std::cos(angle)) / period;
      const double du = u - std::round(u);
      const double dv = v - std::round(v);
      const double darkness = std::clamp(0.5 + 0.35 * picture(y, x), 0.05, 0.95);
      const double radius = std::sqrt(darkness / k_pi);
      const double edge = std::clamp((radius - std::hypot(du, dv)) * period * 0.6 + 0.5, 0.0, 1.0);
      image(y, x) = cv::Vec3f::all(static_cast<float>(240.0 - 205.0 * edge));
    }
  }
  cv::Mat3b out;
  image.convertTo(out, CV_8UC3);
  return out;
}

void generate_false_positive(const fs::path& folder, const std::string& kind, int stream_index,
                             int number, std::uint32_t seed) {
  Rng rng(seed, 2, static_cast<std::uint32_t>(stream_index * 100 + number));
  const cv::Size canvas = random_canvas(rng);
  Scene scene;
  scene.light_gradient = rng.uniform(0.05, 0.2);
  scene.optics_sigma = rng.uniform(0.5, 0.8);
  scene.noise_sigma = rng.uniform(0.8, 1.4);
  scene.jpeg_quality = rng.integer(72, 80);
  const bool sheet = kind == "text_page" || kind == "spreadsheet";
  // Sheets lie on a table (the third of each is a close-up); textures fill the whole frame.
  const bool fill_frame = !sheet || number == 3;
  scene.pose.rotation_deg = fill_frame ? rng.uniform(-5.0, 5.0) : rng.uniform(-8.0, 8.0);
  scene.pose.tilt_deg = fill_frame ? rng.uniform(0.0, 10.0) : rng.uniform(0.0, 18.0);
  scene.pose.tilt_direction_deg = rng.uniform(0.0, 360.0);
  scene.pose.distance = rng.uniform(1.5, 2.2);
  scene.pose.fill = fill_frame ? 1.75 : rng.uniform(0.8, 0.95);
  const double aspect = sheet ? (rng.chance(0.5) ? 0.707 : 1.414) : 1.4;
  const Framing framing = frame_sheet(canvas, aspect, scene.pose, rng);
  cv::Mat3b subject;
  if (kind == "text_page") {
    subject = text_page(framing.paper, false, rng);
  } else if (kind == "spreadsheet") {
    subject = text_page(framing.paper, true, rng);
  } else if (kind == "stripes") {
    constexpr std::array k_periods = {5.0, 9.0, 16.0, 28.0};
    constexpr std::array k_angles = {0.0, 90.0, 23.0, 61.0};
    subject = stripes(framing.paper, k_periods[static_cast<std::size_t>(number - 1)],
                      k_angles[static_cast<std::size_t>(number - 1)], rng);
  } else if (kind == "fabric") {
    subject = fabric(framing.paper, rng);
  } else if (kind == "wood") {
    subject = wood(framing.paper, rng);
  } else if (kind == "cardboard") {
    subject = cardboard(framing.paper, rng);
  } else {
    subject = halftone(framing.paper, rng);
  }
  const EnvelopeWarp warp(framing.paper_to_canvas, Deformation{});
  cv::Mat3f flat;
  subject.convertTo(flat, CV_32FC3);
  cv::Mat3f image = make_table(canvas, rng);
  cv::Mat3f warped;
  cv::Mat1f alpha;
  warp.render(flat, canvas, warped, alpha);
  double least_cover = 0;
  cv::minMaxLoc(alpha, &least_cover);
  if (fill_frame && least_cover < 0.99) throw std::logic_error(kind + " does not fill the frame");
  for (int y = 0; y < canvas.height; ++y) {
    for (int x = 0; x < canvas.width; ++x) {
      image(y, x) = image(y, x) * (1.0f - alpha(y, x)) + warped(y, x) * alpha(y, x);
    }
  }
  expose(image, scene, {}, {}, rng);
  char name[64];
  std::snprintf(name, sizeof name, "%s-%02d.jpg", kind.c_str(), number);
  write_file(folder / name, encode_jpeg(image, scene.jpeg_quality));
}

// ---------------------------------------------------------------------------------------------

// Removes what an earlier run generated, nothing else.
void clear_generated(const fs::path& folder) {
  fs::create_directories(folder);
  for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
    const fs::path& path = entry.path();
    if (entry.is_regular_file() && (path.extension() == ".jpg" || path.extension() == ".png" ||
                                    path.filename() == "truth.tsv")) {
      fs::remove(path);
    }
  }
}

int run(int argc, char** argv) {
  fs::path out;
  fs::path quads_path;
  std::uint32_t seed = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--out" && i + 1 < argc) {
      out = argv[++i];
    } else if (arg == "--seed" && i + 1 < argc) {
      seed = static_cast<std::uint32_t>(std::stoul(argv[++i]));
    } else if (arg == "--quads" && i + 1 < argc) {
      quads_path = argv[++i];
    } else {
      std::cerr << "usage: gen_envelopes --out <dir> [--seed N] [--quads <file>]\n";
      return 2;
    }
  }
  if (out.empty()) {
    std::cerr << "usage: gen_envelopes --out <dir> [--seed N] [--quads <file>]\n";
    return 2;
  }

  const fs::path envelopes = out / "envelopes";
  const fs::path false_positives = out / "falsepositives";
  clear_generated(envelopes);
  clear_generated(false_positives);

  std::ofstream truth(envelopes / "truth.tsv", std::ios::binary);
  truth << "file\tformat\ttext\n";
  std::ofstream quads;
  if (!quads_path.empty()) quads.open(quads_path, std::ios::binary);
  int code_count = 0;
  for (const Category category : k_categories) {
    for (int index = 0; index < k_images_per_category; ++index) {
      for (const TruthRow& row : generate_envelope(envelopes, category, index, seed)) {
        truth << row.file << '\t' << format_name(row.format) << '\t' << row.text << '\n';
        if (quads) {
          quads << row.file << '\t' << format_name(row.format) << '\t' << row.modules.width << 'x'
                << row.modules.height;
          for (const cv::Point2d& p : row.corners) quads << '\t' << p.x << ',' << p.y;
          quads << '\t' << row.scene;
          quads << '\n';
        }
        ++code_count;
      }
    }
    std::cerr << "envelopes: " << category_name(category) << " done\n";
  }
  if (!truth) throw std::runtime_error("cannot write truth.tsv");

  const std::array<std::pair<std::string, int>, 7> kinds = {{{"text_page", 3},
                                                             {"spreadsheet", 3},
                                                             {"stripes", 4},
                                                             {"fabric", 2},
                                                             {"wood", 2},
                                                             {"cardboard", 1},
                                                             {"halftone", 1}}};
  int false_positive_count = 0;
  for (std::size_t k = 0; k < kinds.size(); ++k) {
    for (int number = 1; number <= kinds[k].second; ++number) {
      generate_false_positive(false_positives, kinds[k].first, static_cast<int>(k), number, seed);
      ++false_positive_count;
    }
  }
  std::cerr << "wrote " << k_categories.size() * k_images_per_category << " envelopes with "
            << code_count << " codes and " << false_positive_count << " false-positive images to "
            << out.string() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << "gen_envelopes: " << error.what() << "\n";
    return 1;
  }
}
