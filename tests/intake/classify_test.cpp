#include "intake/classify.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace {

using intake::Classifier;
using intake::Code;
using intake::CodeKind;
using scanner::Format;
namespace chr = std::chrono;

const std::filesystem::path k_source_dir = HOSO_SOURCE_DIR;
const std::filesystem::path k_pattern_file =
    k_source_dir / "samples/carriers/tracking_patterns.json";

chr::year_month_day ymd(int y, unsigned m, unsigned d) {
  return chr::year_month_day{chr::year{y}, chr::month{m}, chr::day{d}};
}

Classifier shipped_classifier() {
  auto loaded = Classifier::load(k_pattern_file);
  REQUIRE_MESSAGE(loaded.has_value(), (loaded ? "" : loaded.error().message));
  return std::move(loaded).value();
}

// A scratch file removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& contents) {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("hoso_classify_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) +
             ".json");
    std::ofstream(path_, std::ios::binary) << contents;
  }
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The S10 check digit computed independently of intake (docs/domain.md §2.2), as a test oracle.
int oracle_check_digit(const std::string& number) {
  const int weights[] = {8, 6, 4, 2, 3, 5, 9, 7};
  int sum = 0;
  for (int i = 0; i < 8; ++i) sum += (number[static_cast<std::size_t>(2 + i)] - '0') * weights[i];
  const int c = 11 - sum % 11;
  return c == 10 ? 0 : c == 11 ? 5 : c;
}

std::vector<std::string> split_on(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  if (!text.empty() && text.back() == separator) parts.emplace_back();
  return parts;
}

// The value of `key` in a URL's query, as written (the truth file needs no decoding).
std::string query_value(const std::string& url, const std::string& key) {
  const std::size_t start = url.find(key + "=");
  if (start == std::string::npos) return {};
  const std::size_t begin = start + key.size() + 1;
  return url.substr(begin, url.find('&', begin) - begin);
}

}  // namespace

TEST_CASE("the UPU S10 check digit follows the worked examples of docs/domain.md") {
  CHECK(intake::s10_check_digit("47312482") == 9);
  CHECK(intake::s10_check_digit("12345678") == 5);
  CHECK(intake::s10_check_digit("49161088") == 9);
  // Weighted sum 0 gives 11 - 0 = 11, written 5; a sum of 12 (2 x 6) gives 11 - 1 = 10, written 0.
  CHECK(intake::s10_check_digit("00000000") == 5);
  CHECK(intake::s10_check_digit("02000000") == 0);
  CHECK(intake::s10_check_digit("1234567") == -1);
  CHECK(intake::s10_check_digit("1234567A") == -1);
}

TEST_CASE("a valid Vietnam Post S10 number is a usable vnpost tracking number") {
  const Classifier classifier;
  for (const char* text : {"EB123456785VN", "EL491610889VN", "EE000000005VN", "EE020000000VN"}) {
    CAPTURE(text);
    const Code code = classifier.classify(text, Format::code128);
    CHECK(code.kind == CodeKind::s10_tracking);
    CHECK(code.tracking_number == text);
    CHECK(code.carrier == "vnpost");
    CHECK(code.format == Format::code128);
    CHECK(code.usable());
  }
}

TEST_CASE("a foreign post's S10 number is an S10 tracking number of carrier upu") {
  const Code code = Classifier().classify("RR473124829GB", Format::code128);
  CHECK(code.kind == CodeKind::s10_tracking);
  CHECK(code.carrier == "upu");
  CHECK(code.tracking_number == "RR473124829GB");
  CHECK(code.usable());
}

TEST_CASE("a wrong S10 check digit keeps the kind and names the expected digit") {
  const Code code = Classifier().classify("EB123456789VN", Format::code128);
  CHECK(code.kind == CodeKind::s10_tracking);
  CHECK(code.tracking_number == "EB123456789VN");
  CHECK(code.problem == "EB123456789VN: check digit should be 5, found 9 (UPU S10)");
  CHECK_FALSE(code.usable());
}

TEST_CASE("a wrong S10 check digit reads in Vietnamese with the number and both digits") {
  const Code code = Classifier().classify("EB123456789VN", Format::code128);
  CHECK(code.problem_text.id() == "check_digit_mismatch");
  CHECK(code.problem_text.render(common::Lang::vi) ==
        "EB123456789VN: sai chữ số kiểm tra, phải là 5, trên bưu gửi là 9 (UPU S10)");
  CHECK(code.problem_text.render(common::Lang::en) == code.problem);
  CHECK(Classifier().classify("EB123456785VN", Format::code128).problem_text.empty());
}

TEST_CASE("code problems read in Vietnamese: an impossible date, an ID card, a non-dossier text") {
  const Code date = Classifier().classify("000.00.05.H12-210230-0001", Format::qr_code);
  CHECK(date.problem_text.render(common::Lang::vi) ==
        "000.00.05.H12-210230-0001: ngày 30 tháng 2 năm 2021 không tồn tại");

  const Code card = Classifier().classify(
      "001099012345||Nguy\u1EC5n V\u0103n An|01021999|Nam|H\u00E0 N\u1ED9i|15081998",
      Format::qr_code);
  CHECK(card.problem_text.render(common::Lang::vi) == "Mã QR căn cước: ngày sinh sau ngày cấp");
  CHECK(card.problem_text.render(common::Lang::vi).find("Nguy") == std::string::npos);

  const Code two = Classifier().classify(std::string("EB123456789VN\xFF"), Format::code128);
  CHECK(
      two.problem_text.render(common::Lang::vi).find("không phải UTF-8 hợp lệ (1 chuỗi byte lỗi") !=
      std::string::npos);

  const auto parsed = intake::parse_dossier_code("hello");
  REQUIRE_FALSE(parsed.has_value());
  CHECK(parsed.error().render(common::Lang::vi) ==
        "hello: không phải là mã hồ sơ (ví dụ đúng: 000.00.05.H12-210806-0001)");
}

TEST_CASE("printed spacing, surrounding blanks and lower case are normalised in S10 numbers") {
  const Classifier classifier;
  for (const char* text : {"EB 123 456 785 VN", "  EB123456785VN  ", "eb123456785vn",
                           "EB123456785VN\r\n", "EB-123456785-VN"}) {
    CAPTURE(text);
    const Code code = classifier.classify(text, std::nullopt);
    CHECK(code.kind == CodeKind::s10_tracking);
    CHECK(code.tracking_number == "EB123456785VN");
    CHECK(code.usable());
    CHECK(code.text == text);  // the payload itself is stored as read
  }
}

TEST_CASE("an S10 number with a reserved service letter is still read") {
  // Serial 12345678 -> 5 whatever the letters.
  const Code code = Classifier().classify("JX123456785VN", Format::code128);
  CHECK(code.kind == CodeKind::s10_tracking);
  CHECK(code.usable());
}

TEST_CASE("a QR code whose whole text is an S10 number is a tracking number") {
  const Code code = Classifier().classify("EL491610889VN", Format::qr_code);
  CHECK(code.kind == CodeKind::s10_tracking);
  CHECK(code.format == Format::qr_code);
  CHECK(code.usable());
}

TEST_CASE("code kind names round-trip") {
  for (CodeKind kind : {CodeKind::s10_tracking, CodeKind::carrier_tracking, CodeKind::dossier_code,
                        CodeKind::portal_url, CodeKind::citizen_id_card, CodeKind::unknown}) {
    CHECK(intake::parse_code_kind(intake::code_kind_name(kind)) == kind);
  }
  CHECK(intake::code_kind_name(CodeKind::s10_tracking) == "s10_tracking");
  CHECK_FALSE(intake::parse_code_kind("S10_tracking").has_value());
}

TEST_CASE("a standard dossier code is parsed into agency, date and sequence") {
  const Code code = Classifier().classify("000.00.05.H12-210806-0001", Format::qr_code);
  REQUIRE(code.kind == CodeKind::dossier_code);
  REQUIRE(code.dossier.has_value());
  CHECK(code.usable());
  CHECK(code.dossier->text == "000.00.05.H12-210806-0001");
  CHECK(code.dossier->agency == "000.00.05.H12");
  CHECK(code.dossier->received_on == ymd(2021, 8, 6));
  CHECK(code.dossier->sequence == 1);
  CHECK(code.dossier->standard_form);
}

TEST_CASE("lenient dossier code variants are parsed but not marked standard") {
  SUBCASE("short agency, 8-digit date and 7-digit sequence") {
    const auto parsed = intake::parse_dossier_code("G09.20-20260609-0092637");
    REQUIRE(parsed.has_value());
    CHECK(parsed->agency == "G09.20");
    CHECK(parsed->received_on == ymd(2026, 6, 9));
    CHECK(parsed->sequence == 92637);
    CHECK_FALSE(parsed->standard_form);
  }
  SUBCASE("standard agency with an 8-digit date") {
    const auto parsed = intake::parse_dossier_code("000.00.05.H12-20210806-0001");
    REQUIRE(parsed.has_value());
    CHECK(parsed->received_on == ymd(2021, 8, 6));
    CHECK_FALSE(parsed->standard_form);
  }
  SUBCASE("lower case and blanks") {
    const Code code = Classifier().classify(" 000.00.00.h56-230416-0395 ", std::nullopt);
    REQUIRE(code.dossier.has_value());
    CHECK(code.dossier->text == "000.00.00.H56-230416-0395");
    CHECK(code.dossier->standard_form);
  }
}

TEST_CASE("a dossier code with an impossible date is a dossier code with a clear problem") {
  const Code code = Classifier().classify("000.00.05.H12-210230-0001", Format::qr_code);
  CHECK(code.kind == CodeKind::dossier_code);
  CHECK_FALSE(code.dossier.has_value());
  CHECK(code.problem == "000.00.05.H12-210230-0001: 30 Feb 2021 is not a date");

  const auto parsed = intake::parse_dossier_code("000.00.05.H12-211306-0001");
  REQUIRE_FALSE(parsed.has_value());
  CHECK(parsed.error().code == common::ErrorCode::bad_input);
  CHECK(parsed.error().message ==
        "000.00.05.H12-211306-0001: 211306 is not a date (there is no month 13)");

  const Code leap = Classifier().classify("G09.20-20250229-0092637", std::nullopt);
  CHECK(leap.kind == CodeKind::dossier_code);
  CHECK(leap.problem == "G09.20-20250229-0092637: 29 Feb 2025 is not a date");
  CHECK(Classifier().classify("G09.20-20240229-0092637", std::nullopt).usable());
}

TEST_CASE("texts that only resemble dossier codes are not dossier codes") {
  const Classifier classifier;
  for (const char* text :
       {"000.00.05.H12-210806-12", "000.00.05.012-210806-0001", "H12-210806-0001",
        "000.00.05.H12-2108-0001", "000.00.05.H12-210806-00012345", "000.00.05.H12--0001"}) {
    CAPTURE(text);
    CHECK(classifier.classify(text, std::nullopt).kind == CodeKind::unknown);
  }
  CHECK_FALSE(intake::parse_dossier_code("hello").has_value());
}

TEST_CASE("a postal dossier label carries both a dossier code and a tracking number") {
  const Code code =
      Classifier().classify("HS|000.00.05.H12-230605-0556|RC344772390VN", Format::data_matrix);
  CHECK(code.kind == CodeKind::dossier_code);
  REQUIRE(code.dossier.has_value());
  CHECK(code.dossier->text == "000.00.05.H12-230605-0556");
  CHECK(code.tracking_number == "RC344772390VN");
  CHECK(code.carrier == "vnpost");
  CHECK(code.usable());

  const Code bad =
      Classifier().classify("HS|000.00.05.H12-230605-0556|EB123456789VN", Format::data_matrix);
  CHECK(bad.kind == CodeKind::dossier_code);
  CHECK(bad.problem == "EB123456789VN: check digit should be 5, found 9 (UPU S10)");
}

TEST_CASE("a portal URL yields its dossier code and the ID number") {
  const Code code = Classifier().classify(
      "https://dichvucong.example.gov.vn/tra-cuu?MHS=000.00.00.H56-240407-0227&SGT=001663445727",
      Format::qr_code);
  CHECK(code.kind == CodeKind::portal_url);
  REQUIRE(code.dossier.has_value());
  CHECK(code.dossier->text == "000.00.00.H56-240407-0227");
  CHECK(code.dossier->received_on == ymd(2024, 4, 7));
  CHECK(code.portal_id_number == "001663445727");
  CHECK(code.usable());
}

TEST_CASE("portal URL query keys are case-insensitive, alternatives accepted, values decoded") {
  const Classifier classifier;
  SUBCASE("percent-encoded value and lower-case keys") {
    const Code code = classifier.classify(
        "https://dvc.example.gov.vn/a?x=1&mhs=000%2E00%2E05%2Eh12%2D210806%2D0001&sgt=%30%30"
        "1099012345#top",
        Format::qr_code);
    CHECK(code.kind == CodeKind::portal_url);
    REQUIRE(code.dossier.has_value());
    CHECK(code.dossier->text == "000.00.05.H12-210806-0001");
    CHECK(code.portal_id_number == "001099012345");
    CHECK(code.usable());
  }
  SUBCASE("maHoSo and cccd") {
    const Code code = classifier.classify(
        "HTTPS://motcua.example.gov.vn/p?maHoSo=G09.20-20260609-0092637&cccd=079304012345",
        Format::qr_code);
    CHECK(code.kind == CodeKind::portal_url);
    REQUIRE(code.dossier.has_value());
    CHECK(code.dossier->agency == "G09.20");
    CHECK(code.portal_id_number == "079304012345");
  }
  SUBCASE("ma_ho_so with a form-encoded space around the value") {
    const Code code = classifier.classify(
        "http://x.example.vn/?ma_ho_so=+000.00.05.H12-210806-0001+", Format::qr_code);
    REQUIRE(code.dossier.has_value());
    CHECK(code.usable());
  }
  SUBCASE("code= counts only when it holds a dossier code") {
    const Code code =
        classifier.classify("https://x.example.vn/?code=000.00.05.H12-210806-0001", std::nullopt);
    CHECK(code.kind == CodeKind::portal_url);
    CHECK(code.usable());
    CHECK(classifier.classify("https://login.example.com/cb?code=abc123", std::nullopt).kind ==
          CodeKind::unknown);
  }
}

TEST_CASE("a portal URL without a usable dossier code has a problem that never shows the ID") {
  const Classifier classifier;
  const Code no_code =
      classifier.classify("https://dvc.example.gov.vn/tra-cuu?SGT=001099012345", Format::qr_code);
  CHECK(no_code.kind == CodeKind::portal_url);
  CHECK_FALSE(no_code.dossier.has_value());
  CHECK(no_code.problem == "portal URL has no dossier code (no MHS= in its query)");
  CHECK(no_code.portal_id_number == "001099012345");

  const Code garbage = classifier.classify(
      "https://dvc.example.gov.vn/tra-cuu?MHS=001099012345&SGT=001099012345", Format::qr_code);
  CHECK(garbage.kind == CodeKind::portal_url);
  CHECK_FALSE(garbage.usable());
  CHECK(garbage.problem.find("001099012345") == std::string::npos);

  const Code bad_date = classifier.classify(
      "https://dvc.example.gov.vn/tra-cuu?MHS=000.00.05.H12-210230-0001&SGT=001099012345",
      Format::qr_code);
  CHECK(bad_date.kind == CodeKind::portal_url);
  CHECK(bad_date.problem == "000.00.05.H12-210230-0001: 30 Feb 2021 is not a date");
}

TEST_CASE("a URL with no query keys we know is unknown") {
  const Classifier classifier;
  CHECK(classifier.classify("https://example.com/page?q=1", Format::qr_code).kind ==
        CodeKind::unknown);
  CHECK(classifier.classify("https://dichvucong.gov.vn/", Format::qr_code).kind ==
        CodeKind::unknown);
}

TEST_CASE("a 7-field citizen ID card QR fills the identity") {
  const Code code = Classifier().classify(
      "001099012345|123456789|Nguy\u1EC5n V\u0103n An|01021999|Nam|S\u1ED1 1 Ph\u1ED1 Hu\u1EBF, "
      "H\u00E0 N\u1ED9i|15082021",
      Format::qr_code);
  CHECK(code.kind == CodeKind::citizen_id_card);
  CHECK(code.usable());
  REQUIRE(code.id_card.has_value());
  CHECK(code.id_card->id_number == "001099012345");
  CHECK(code.id_card->old_id_number == "123456789");
  CHECK(code.id_card->full_name == "Nguy\u1EC5n V\u0103n An");
  CHECK(code.id_card->birth_date == ymd(1999, 2, 1));
  CHECK(code.id_card->sex == "Nam");
  CHECK(code.id_card->address == "S\u1ED1 1 Ph\u1ED1 Hu\u1EBF, H\u00E0 N\u1ED9i");
  CHECK(code.id_card->issue_date == ymd(2021, 8, 15));
}

TEST_CASE("a 6-field citizen ID card QR has no old ID number") {
  // 4th digit 3: a woman born 2000-2099; digits 5-6: 04.
  const Code code = Classifier().classify(
      "079304012345|Tr\u1EA7n Th\u1ECB B\u00ECnh|05062004|N\u1EEF|12 L\u00EA L\u1EE3i|01022022",
      Format::qr_code);
  CHECK(code.kind == CodeKind::citizen_id_card);
  CHECK(code.usable());
  REQUIRE(code.id_card.has_value());
  CHECK(code.id_card->old_id_number.empty());
  CHECK(code.id_card->full_name == "Tr\u1EA7n Th\u1ECB B\u00ECnh");
  CHECK(code.id_card->sex == "N\u1EEF");
  CHECK(code.id_card->birth_date == ymd(2004, 6, 5));
}

TEST_CASE("decomposed Vietnamese letters on an ID card come out precomposed (NFC)") {
  // "Nguye" + combining circumflex + combining tilde; "Nu" + combining horn + combining tilde.
  const Code code = Classifier().classify(
      "001199012345||Nguye\u0302\u0303n Th\u1ECB Hoa|01021999|Nu\u031B\u0303|Ha\u0300 "
      "N\u00F4\u0323i"
      "|15082021",
      Format::qr_code);
  REQUIRE(code.id_card.has_value());
  CHECK(code.id_card->full_name == "Nguy\u1EC5n Th\u1ECB Hoa");
  CHECK(code.id_card->sex == "N\u1EEF");
  CHECK(code.id_card->address == "H\u00E0 N\u1ED9i");
  CHECK(intake::normalize_nfc("e\u0302\u0303") == "\u1EC5");
  CHECK(intake::normalize_nfc("plain ASCII") == "plain ASCII");
}

TEST_CASE("an ID card QR with an impossible date is an ID card with a problem and no identity") {
  const Code code = Classifier().classify(
      "001099012345|123456789|Nguy\u1EC5n V\u0103n An|30021999|Nam|H\u00E0 N\u1ED9i|15082021",
      Format::qr_code);
  CHECK(code.kind == CodeKind::citizen_id_card);
  CHECK_FALSE(code.id_card.has_value());
  CHECK(code.problem == "citizen ID card QR: the birth date is not a real date (ddmmyyyy)");
}

TEST_CASE("an ID card issued before its holder's birth is refused") {
  const Code code = Classifier().classify(
      "001099012345||Nguy\u1EC5n V\u0103n An|01021999|Nam|H\u00E0 N\u1ED9i|15081998",
      Format::qr_code);
  CHECK(code.kind == CodeKind::citizen_id_card);
  CHECK(code.problem == "citizen ID card QR: the birth date is after the issue date");
}

TEST_CASE("an ID number whose century, sex and year digits disagree with the card is refused") {
  const Classifier classifier;
  SUBCASE("year digits") {
    // Digits 5-6 say 99, the birth date says 1998.
    const Code code = classifier.classify(
        "001099012345||Nguy\u1EC5n V\u0103n An|01021998|Nam|H\u00E0 N\u1ED9i|15082021",
        Format::qr_code);
    CHECK(code.kind == CodeKind::citizen_id_card);
    CHECK_FALSE(code.id_card.has_value());
    CHECK(code.problem ==
          "citizen ID card QR: the ID number's year digits do not match the birth date");
    // Personal data never appears in a problem.
    CHECK(code.problem.find("001099012345") == std::string::npos);
    CHECK(code.problem.find("Nguy") == std::string::npos);
  }
  SUBCASE("century digit") {
    // 4th digit 2 means born 2000-2099, the birth date says 1999.
    const Code code = classifier.classify(
        "001299012345||Nguy\u1EC5n V\u0103n An|01021999|Nam|H\u00E0 N\u1ED9i|15082021",
        Format::qr_code);
    CHECK(code.problem ==
          "citizen ID card QR: the ID number's year digits do not match the birth date");
  }
  SUBCASE("sex digit") {
    // 4th digit 0 means a man, the card says Nữ.
    const Code code = classifier.classify(
        "001099012345||Nguy\u1EC5n Th\u1ECB Hoa|01021999|N\u1EEF|H\u00E0 N\u1ED9i|15082021",
        Format::qr_code);
    CHECK(code.problem ==
          "citizen ID card QR: the ID number's sex digit does not match the sex field");
  }
}

TEST_CASE("malformed ID card fields are each named in the problem") {
  const Classifier classifier;
  const Code code = classifier.classify(
      "00109901234|12345678|Nguy\u1EC5n V\u0103n An|01021999|Nu|H\u00E0 N\u1ED9i|15132021",
      Format::qr_code);
  CHECK(code.kind == CodeKind::citizen_id_card);
  CHECK(code.problem ==
        "citizen ID card QR: the ID number is not 12 digits; the old ID number is neither empty "
        "nor 9 digits; the sex is neither \"Nam\" nor \"N\u1EEF\"; the issue date is not a real "
        "date (ddmmyyyy)");

  const Code short_card = classifier.classify("001099012345|Nguy\u1EC5n|01021999", Format::qr_code);
  CHECK(short_card.kind == CodeKind::citizen_id_card);
  CHECK(short_card.problem.find("has 3 fields") != std::string::npos);
}

TEST_CASE("carrier patterns load from the shipped file and every example reads as its carrier") {
  const Classifier classifier = shipped_classifier();
  REQUIRE_FALSE(classifier.patterns().empty());

  std::ifstream in(k_pattern_file);
  const nlohmann::json file = nlohmann::json::parse(in);
  for (const auto& entry : file.at("carriers")) {
    for (const auto& example : entry.value("examples", nlohmann::json::array())) {
      const std::string text = example.get<std::string>();
      CAPTURE(text);
      const Code code = classifier.classify(text, Format::code128);
      CHECK(code.kind == CodeKind::carrier_tracking);
      CHECK(code.carrier == entry.at("carrier").get<std::string>());
      CHECK(code.usable());
    }
  }
}

TEST_CASE("the shipped patterns recognise each carrier's numbers") {
  const Classifier classifier = shipped_classifier();
  const auto carrier_of = [&](const std::string& text) {
    const Code code = classifier.classify(text, Format::code128);
    return code.kind == CodeKind::carrier_tracking ? code.carrier : std::string("-");
  };
  CHECK(carrier_of("10345678901") == "viettelpost");
  CHECK(carrier_of("1034 5678 90") == "viettelpost");
  CHECK(carrier_of("861234567890") == "jtexpress");
  CHECK(carrier_of("gab12cde") == "ghn");
  CHECK(carrier_of("S1.A1.2001297581") == "ghtk");
  CHECK(carrier_of("SPXVN012345678901") == "spx");
  const Code code = classifier.classify(" 1034-5678-901 ", Format::code128);
  CHECK(code.tracking_number == "10345678901");
}

TEST_CASE("the shipped patterns swallow no ID number, phone number, S10 number or dossier code") {
  const Classifier classifier = shipped_classifier();
  CHECK(classifier.classify("001099012345", std::nullopt).kind == CodeKind::unknown);  // CCCD
  CHECK(classifier.classify("123456789", std::nullopt).kind == CodeKind::unknown);     // old ID
  CHECK(classifier.classify("0901234567", std::nullopt).kind == CodeKind::unknown);    // phone
  CHECK(classifier.classify("S1A1.2001297581", std::nullopt).kind == CodeKind::unknown);
  CHECK(classifier.classify("S1..A1.2001297581", std::nullopt).kind == CodeKind::unknown);
  CHECK(classifier.classify("SA123456785VN", std::nullopt).kind == CodeKind::s10_tracking);
  CHECK(classifier.classify("EB123456789VN", std::nullopt).kind == CodeKind::s10_tracking);
  CHECK(classifier.classify("000.00.05.H12-210806-0001", std::nullopt).kind ==
        CodeKind::dossier_code);
  CHECK(classifier.classify("G09.20-20260609-0092637", std::nullopt).kind ==
        CodeKind::dossier_code);
}

TEST_CASE("a classifier without patterns knows no carrier numbers") {
  CHECK(Classifier().classify("10345678901", Format::code128).kind == CodeKind::unknown);
}

TEST_CASE("a malformed pattern file is refused with the file and the field named") {
  SUBCASE("not JSON") {
    const TempFile file("{\"carriers\": [");
    const auto loaded = Classifier::load(file.path());
    REQUIRE_FALSE(loaded.has_value());
    CHECK(loaded.error().code == common::ErrorCode::bad_input);
    CHECK(loaded.error().message.find(file.path().string()) == 0);
    CHECK(loaded.error().message.find("not valid JSON") != std::string::npos);
  }
  SUBCASE("unknown charset") {
    const TempFile file(
        R"({"carriers": [{"carrier": "x", "name": "X", "charset": "hex", "min_length": 4}]})");
    const auto loaded = Classifier::load(file.path());
    REQUIRE_FALSE(loaded.has_value());
    CHECK(loaded.error().message ==
          file.path().string() +
              ": carriers[0].charset is \"hex\"; expected \"digits\", \"alnum\" or \"alnum_dot\"");
  }
  SUBCASE("lengths the wrong way round") {
    const TempFile file(R"({"carriers": [{"carrier": "x", "name": "X", "charset": "digits",
                            "min_length": 9, "max_length": 4}]})");
    const auto loaded = Classifier::load(file.path());
    REQUIRE_FALSE(loaded.has_value());
    CHECK(loaded.error().message.find("carriers[0].max_length") != std::string::npos);
  }
  SUBCASE("a misspelt key") {
    const TempFile file(R"({"carriers": [{"carrier": "x", "name": "X", "charset": "digits",
                            "min_lenght": 9}]})");
    const auto loaded = Classifier::load(file.path());
    REQUIRE_FALSE(loaded.has_value());
    CHECK(loaded.error().message.find("\"min_lenght\"") != std::string::npos);
  }
  SUBCASE("an example its own pattern does not read") {
    const TempFile file(R"({"carriers": [{"carrier": "x", "name": "X", "charset": "digits",
                            "min_length": 10, "max_length": 10, "examples": ["123"]}]})");
    const auto loaded = Classifier::load(file.path());
    REQUIRE_FALSE(loaded.has_value());
    CHECK(loaded.error().message.find("carriers[0].examples[0] \"123\"") != std::string::npos);
  }
  SUBCASE("a missing file") {
    const auto loaded = Classifier::load(k_source_dir / "samples/carriers/no-such-file.json");
    REQUIRE_FALSE(loaded.has_value());
    CHECK(loaded.error().code == common::ErrorCode::not_found);
    CHECK(loaded.error().message.find("no-such-file.json") != std::string::npos);
  }
}

TEST_CASE("patterns can be read from JSON text, with the given source named in errors") {
  const auto loaded = Classifier::from_json(
      R"({"carriers": [{"carrier": "viettelpost", "name": "Viettel Post", "prefixes": ["1"],
                        "charset": "digits", "min_length": 10, "max_length": 11}]})",
      "carrier patterns in the database");
  REQUIRE(loaded.has_value());
  REQUIRE(loaded->patterns().size() == 1);
  CHECK(loaded->patterns()[0].prefixes == std::vector<std::string>{"1"});
  CHECK(loaded->classify("10345678901", std::nullopt).carrier == "viettelpost");

  const auto empty = Classifier::from_json("{}", "carrier patterns in the database");
  REQUIRE_FALSE(empty.has_value());
  CHECK(empty.error().message ==
        "carrier patterns in the database: expected an object with a \"carriers\" array");
}

TEST_CASE("every code in the envelope truth file classifies as a usable code of its kind") {
  std::ifstream in(k_source_dir / "samples/envelopes/truth.tsv");
  REQUIRE(in);
  const Classifier classifier = shipped_classifier();
  std::string line;
  std::getline(in, line);  // header
  int lines = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::vector<std::string> columns = split_on(line, '\t');
    REQUIRE(columns.size() == 3);
    const std::string& format_name = columns[1];
    const std::string& text = columns[2];
    const Format format = format_name == "Code128"  ? Format::code128
                          : format_name == "QRCode" ? Format::qr_code
                                                    : Format::data_matrix;
    CAPTURE(line);
    const Code code = classifier.classify(text, format);
    ++lines;
    CHECK(code.usable());
    CHECK(code.kind != CodeKind::unknown);
    CHECK(code.format == format);

    const bool looks_s10 = text.size() == 13 && text.substr(11) == "VN";
    if (format == Format::code128 || looks_s10) {
      CHECK(code.kind == CodeKind::s10_tracking);
      CHECK(code.tracking_number == text);
      CHECK(code.carrier == "vnpost");
      CHECK(text[10] - '0' == oracle_check_digit(text));
    } else if (text.rfind("https://", 0) == 0) {
      CHECK(code.kind == CodeKind::portal_url);
      REQUIRE(code.dossier.has_value());
      CHECK(code.dossier->text == query_value(text, "MHS"));
      CHECK(code.portal_id_number == query_value(text, "SGT"));
    } else if (text.rfind("HS|", 0) == 0) {
      const std::vector<std::string> fields = split_on(text, '|');
      CHECK(code.kind == CodeKind::dossier_code);
      REQUIRE(code.dossier.has_value());
      CHECK(code.dossier->text == fields[1]);
      CHECK(code.tracking_number == fields[2]);
    } else if (text.find('|') != std::string::npos) {
      const std::vector<std::string> fields = split_on(text, '|');
      CHECK(code.kind == CodeKind::citizen_id_card);
      REQUIRE(code.id_card.has_value());
      CHECK(code.id_card->id_number == fields[0]);
      CHECK(code.id_card->full_name == fields[fields.size() == 7 ? 2 : 1]);
      CHECK(code.id_card->address == fields[fields.size() - 2]);
    } else {
      CHECK(code.kind == CodeKind::dossier_code);
      REQUIRE(code.dossier.has_value());
      CHECK(code.dossier->text == text);
      CHECK(code.dossier->standard_form);
    }
  }
  CHECK(lines > 300);
}

TEST_CASE("classifying symbols gives one code per symbol, in order, with the symbology") {
  std::vector<scanner::Symbol> symbols(3);
  symbols[0].format = Format::code128;
  symbols[0].text = "EB123456785VN";
  symbols[1].format = Format::qr_code;
  symbols[1].text = "000.00.05.H12-210806-0001";
  symbols[2].format = Format::data_matrix;
  symbols[2].text = "hello";
  const std::vector<Code> codes = Classifier().classify(symbols);
  REQUIRE(codes.size() == 3);
  CHECK(codes[0].kind == CodeKind::s10_tracking);
  CHECK(codes[0].format == Format::code128);
  CHECK(codes[1].kind == CodeKind::dossier_code);
  CHECK(codes[1].format == Format::qr_code);
  CHECK(codes[2].kind == CodeKind::unknown);
  CHECK(codes[2].format == Format::data_matrix);
  CHECK(Classifier().classify(std::vector<scanner::Symbol>{}).empty());
}

TEST_CASE("invalid UTF-8 is stored with replacement characters and a problem") {
  const Classifier classifier = shipped_classifier();
  const Code code = classifier.classify("EB123456785VN\xFF", Format::qr_code);
  CHECK(code.kind == CodeKind::unknown);
  CHECK(code.text == "EB123456785VN\uFFFD");
  CHECK(code.problem.find("not valid UTF-8") != std::string::npos);

  // A truncated 3-byte sequence, an overlong '/', a surrogate: one U+FFFD per ill-formed part.
  const Code mixed = classifier.classify(
      "a\xE1\xBB"
      "b\xC0\xAF"
      "c\xED\xA0\x80",
      std::nullopt);
  CHECK(mixed.text ==
        "a\uFFFD"
        "b\uFFFD\uFFFD"
        "c\uFFFD\uFFFD\uFFFD");
  CHECK(mixed.problem.find("6 invalid sequences") != std::string::npos);

  // An ID card QR with a broken byte in the name is still an ID card, but never a valid one.
  const Code card = classifier.classify(
      "001099012345||Nguy\xE1n V\u0103n An|01021999|Nam|H\u00E0 N\u1ED9i|15082021",
      Format::qr_code);
  CHECK(card.kind == CodeKind::citizen_id_card);
  CHECK_FALSE(card.id_card.has_value());
  CHECK_FALSE(card.usable());
}

TEST_CASE("a 100 KB payload is cut to the stored limit at a character boundary") {
  const Classifier classifier = shipped_classifier();
  const Code code = classifier.classify(std::string(102400, 'A'), Format::qr_code);
  CHECK(code.kind == CodeKind::unknown);
  CHECK(code.text.size() == 4096);
  CHECK(code.problem == "code text is 102400 bytes; kept the first 4096");

  // 3-byte characters: 4096 = 3 x 1365 + 1, so the last whole character ends at byte 4095.
  std::string wide;
  for (int i = 0; i < 2000; ++i) wide += "\u1EEF";
  const Code cut = classifier.classify(wide, Format::qr_code);
  CHECK(cut.text.size() == 4095);
  CHECK(cut.problem == "code text is 6000 bytes; kept the first 4095");
}

TEST_CASE("control characters are kept in the text but never make a tracking number or code") {
  const Classifier classifier = shipped_classifier();
  const Code bell = classifier.classify("EB123456785VN\a", Format::code128);
  CHECK(bell.kind == CodeKind::unknown);
  CHECK(bell.text == "EB123456785VN\a");
  CHECK(bell.problem.find("U+0007 at byte 13") != std::string::npos);

  const Code escape = classifier.classify("000.00.05.H12-\x1b[31m210806-0001", Format::qr_code);
  CHECK(escape.kind == CodeKind::unknown);
  CHECK_FALSE(escape.usable());

  const Code c1 = classifier.classify("10345678901\xC2\x85", Format::code128);
  CHECK(c1.kind == CodeKind::unknown);
  CHECK(c1.problem.find("U+0085") != std::string::npos);
}

TEST_CASE("an embedded NUL truncates nothing and makes the code unknown") {
  const Classifier classifier = shipped_classifier();
  const std::string text("EB123456785VN\0DROP", 18);
  const Code code = classifier.classify(text, Format::qr_code);
  CHECK(code.kind == CodeKind::unknown);
  CHECK(code.text.size() == 18);
  CHECK(code.text == text);
  CHECK(code.problem.find("U+0000 at byte 13") != std::string::npos);
}

TEST_CASE("SQL and HTML fragments are plain unknown text") {
  const Classifier classifier = shipped_classifier();
  for (const char* text : {"'; DROP TABLE dossiers; --", "<script>alert(1)</script>",
                           "Robert'); DROP TABLE Students;--", "%00%27"}) {
    CAPTURE(text);
    const Code code = classifier.classify(text, Format::qr_code);
    CHECK(code.kind == CodeKind::unknown);
    CHECK(code.text == text);
    CHECK(code.problem.empty());
  }
}

TEST_CASE("an empty or blank code is unknown with a problem") {
  const Classifier classifier;
  for (const char* text : {"", "   ", "\r\n"}) {
    const Code code = classifier.classify(text, std::nullopt);
    CHECK(code.kind == CodeKind::unknown);
    CHECK(code.problem == "the code is empty");
  }
}

TEST_CASE("regression: a six-field '|' label that has no ID number or birth date is no ID card") {
  const intake::Classifier classifier;
  const auto code = classifier.classify("KHO|A1|KE 3|TANG 2|HOP 15|2026", scanner::Format::qr_code);
  CHECK(code.kind == intake::CodeKind::unknown);
  const auto card = classifier.classify("03105455143|Lý Thành Việt|06061954|Nam|Hải Phòng|23102021",
                                        std::nullopt);
  CHECK(card.kind == intake::CodeKind::citizen_id_card);  // an 11-digit ID: still a card, flagged
  CHECK_FALSE(card.usable());
}
