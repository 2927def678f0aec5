#include "intake/classify.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <nlohmann/json.hpp>

#include "common/url.hpp"
#include "intake/detail/citizen_id_card.hpp"
#include "intake/detail/text.hpp"
#include "intake/messages.hpp"

namespace intake {
namespace {

using detail::all_digits;
using detail::iequals_ascii;
using detail::is_ascii_alnum;
using detail::is_ascii_digit;
using detail::is_ascii_upper;
using detail::to_ascii_upper;

constexpr std::array<CodeKind, 6> k_all_kinds = {
    CodeKind::s10_tracking, CodeKind::carrier_tracking, CodeKind::dossier_code,
    CodeKind::portal_url,   CodeKind::citizen_id_card,  CodeKind::unknown};

constexpr std::string_view k_dossier_example = "000.00.05.H12-210806-0001";

// Removes the spaces and dashes printed inside numbers ("EB 123 456 785 VN") and upper-cases.
std::string compact_number(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c != ' ' && c != '-') out.push_back(to_ascii_upper(c));
  }
  return out;
}

// --- UPU S10 (docs/domain.md §2) --------------------------------------------------------------

struct S10Reading {
  bool is_s10 = false;
  std::string number;  // normalised
  std::string carrier;
  common::Text problem;
};

S10Reading read_s10(std::string_view text) {
  S10Reading reading;
  const std::string number = compact_number(text);
  if (number.size() != 13) return reading;
  for (std::size_t i = 0; i < number.size(); ++i) {
    const bool letter_place = i < 2 || i >= 11;
    if (letter_place ? !is_ascii_upper(number[i]) : !is_ascii_digit(number[i])) return reading;
  }
  reading.is_s10 = true;
  reading.number = number;
  // Every UPU post uses S10; the country code says whose number it is.
  reading.carrier = number.substr(11) == "VN" ? "vnpost" : "upu";
  const int expected = s10_check_digit(std::string_view(number).substr(2, 8));
  const int found = number[10] - '0';
  if (expected != found) {
    reading.problem = common::Text{msg::check_digit_mismatch,
                                   {{"number", number}, {"expected", expected}, {"found", found}}};
  }
  return reading;
}

// --- Dossier codes (docs/domain.md §3) --------------------------------------------------------

struct DossierReading {
  bool is_dossier = false;          // shaped like a dossier code
  std::optional<DossierCode> code;  // set iff is_dossier and its date is real
  common::Text problem;             // set iff is_dossier and its date is not real
};

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

bool is_level_group(std::string_view group) {  // "H12", "G09": a letter and two digits
  return group.size() == 3 && is_ascii_upper(group[0]) && all_digits(group.substr(1));
}

int to_int(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

// `text` trimmed, any case.
DossierReading read_dossier(std::string_view text) {
  DossierReading reading;
  const std::string upper = to_ascii_upper(text);
  const std::vector<std::string_view> parts = split(upper, '-');
  if (parts.size() != 3) return reading;
  const std::string_view agency = parts[0];
  const std::string_view date = parts[1];
  const std::string_view sequence = parts[2];

  // Agency: V1V2V3.Z1Z2.Y1Y2.MX1X2 in the standard form; 2 to 4 groups in the variants seen in
  // the wild ("G09.20"), always with one letter-and-two-digits level group.
  const std::vector<std::string_view> groups = split(agency, '.');
  if (groups.size() < 2 || groups.size() > 4) return reading;
  bool has_level_group = false;
  for (std::string_view group : groups) {
    if (group.empty() || group.size() > 4) return reading;
    if (!std::all_of(group.begin(), group.end(), [](char c) { return is_ascii_alnum(c); })) {
      return reading;
    }
    has_level_group = has_level_group || is_level_group(group);
  }
  if (!has_level_group) return reading;
  if ((date.size() != 6 && date.size() != 8) || !all_digits(date)) return reading;
  if (sequence.size() < 4 || sequence.size() > 7 || !all_digits(sequence)) return reading;
  reading.is_dossier = true;

  const bool standard_agency = groups.size() == 4 && groups[0].size() == 3 &&
                               all_digits(groups[0]) && groups[1].size() == 2 &&
                               all_digits(groups[1]) && groups[2].size() == 2 &&
                               all_digits(groups[2]) && is_level_group(groups[3]);
  const bool short_date = date.size() == 6;
  const int year = short_date ? 2000 + to_int(date.substr(0, 2)) : to_int(date.substr(0, 4));
  const int month = to_int(date.substr(short_date ? 2 : 4, 2));
  const int day = to_int(date.substr(short_date ? 4 : 6, 2));
  const std::chrono::year_month_day received{std::chrono::year{year},
                                             std::chrono::month{static_cast<unsigned>(month)},
                                             std::chrono::day{static_cast<unsigned>(day)}};
  if (!received.ok()) {
    if (month < 1 || month > 12) {
      reading.problem = common::Text{
          msg::dossier_no_month,
          {{"code", upper}, {"date", std::string(date)}, {"month", fmt::format("{:02}", month)}}};
    } else {
      reading.problem = common::Text{
          msg::dossier_bad_date,
          {{"code", upper},
           {"day", day},
           {"month", common::Text{*msg::k_months[static_cast<std::size_t>(month - 1)]}},
           {"year", year}}};
    }
    return reading;
  }
  DossierCode code;
  code.text = upper;
  code.agency = std::string(agency);
  code.received_on = received;
  code.sequence = to_int(sequence);
  code.standard_form = standard_agency && short_date && sequence.size() == 4;
  reading.code = std::move(code);
  return reading;
}

// --- Portal lookup URLs (docs/domain.md §6.1) -------------------------------------------------

// Query keys that name the dossier code or the applicant's ID number, compared case-insensitively.
constexpr std::array<std::string_view, 4> k_dossier_keys = {"mhs", "mahoso", "ma_ho_so",
                                                            "dossier_code"};
// "code" is too common (OAuth, promotions) to make a URL a portal URL by itself: it counts only
// when its value is shaped like a dossier code.
constexpr std::string_view k_weak_dossier_key = "code";
constexpr std::array<std::string_view, 4> k_id_keys = {"sgt", "cccd", "sogiayto", "so_giay_to"};

bool is_one_of(std::string_view key, const auto& names) {
  return std::any_of(std::begin(names), std::end(names),
                     [&](std::string_view name) { return iequals_ascii(key, name); });
}

struct PortalReading {
  bool is_portal = false;
  std::optional<DossierCode> dossier;
  std::string id_number;
  common::Text problem;  // never quotes the ID number
};

PortalReading read_portal_url(std::string_view text) {
  PortalReading reading;
  if (!detail::istarts_with_ascii(text, "http://") &&
      !detail::istarts_with_ascii(text, "https://")) {
    return reading;
  }
  const std::size_t question = text.find('?');
  if (question == std::string_view::npos) return reading;
  std::string_view query = text.substr(question + 1);
  query = query.substr(0, query.find('#'));

  std::optional<std::pair<std::string, std::string>> dossier_entry;  // key as written, value
  std::optional<std::string> weak_value;
  std::optional<std::string> id_value;
  for (std::string_view pair : split(query, '&')) {
    const std::size_t equals = pair.find('=');
    const std::string key = common::percent_decode(pair.substr(0, equals), true);
    const std::string value = equals == std::string_view::npos
                                  ? std::string()
                                  : common::percent_decode(pair.substr(equals + 1), true);
    if (is_one_of(key, k_dossier_keys)) {
      if (!dossier_entry) dossier_entry.emplace(key, value);
    } else if (iequals_ascii(key, k_weak_dossier_key)) {
      if (!weak_value) weak_value = value;
    } else if (is_one_of(key, k_id_keys)) {
      if (!id_value) id_value = value;
    }
  }
  if (!dossier_entry && weak_value && read_dossier(detail::trim(*weak_value)).is_dossier) {
    dossier_entry.emplace(std::string(k_weak_dossier_key), *weak_value);
  }
  if (!dossier_entry && !id_value) return reading;
  reading.is_portal = true;

  if (id_value) {
    // CCCD numbers are 12 digits, but "số giấy tờ" may be another document's number (old ID,
    // passport): keep any short alphanumeric value, ignore anything else rather than block the
    // dossier code over an optional field.
    const std::string_view id = detail::trim(*id_value);
    if (id.size() >= 6 && id.size() <= 20 &&
        std::all_of(id.begin(), id.end(), [](char c) { return is_ascii_alnum(c); })) {
      reading.id_number = to_ascii_upper(id);
    }
  }
  if (!dossier_entry) {
    reading.problem = common::Text{msg::portal_no_dossier};
    return reading;
  }
  DossierReading dossier = read_dossier(detail::trim(dossier_entry->second));
  if (!dossier.is_dossier) {
    reading.problem =
        common::Text{msg::portal_bad_dossier,
                     {{"key", std::string(dossier_entry->first)}, {"example", k_dossier_example}}};
    return reading;
  }
  reading.dossier = std::move(dossier.code);
  reading.problem = std::move(dossier.problem);
  return reading;
}

// --- Other carriers' numbers ------------------------------------------------------------------

enum class Charset { digits, alnum, alnum_dot, invalid };

Charset parse_charset(std::string_view name) {
  if (name == "digits") return Charset::digits;
  if (name == "alnum") return Charset::alnum;
  if (name == "alnum_dot") return Charset::alnum_dot;
  return Charset::invalid;
}

bool in_charset(char c, Charset charset) {
  switch (charset) {
    case Charset::digits:
      return is_ascii_digit(c);
    case Charset::alnum:
      return is_ascii_digit(c) || is_ascii_upper(c);
    case Charset::alnum_dot:
      return is_ascii_digit(c) || is_ascii_upper(c) || c == '.';
    case Charset::invalid:
      return false;
  }
  return false;
}

// `number` is compacted (upper-case, no spaces or dashes).
bool matches(const CarrierPattern& pattern, std::string_view number) {
  const Charset charset = parse_charset(pattern.charset);
  if (number.empty() || number.size() < pattern.min_length || number.size() > pattern.max_length) {
    return false;
  }
  if (!std::all_of(number.begin(), number.end(), [&](char c) { return in_charset(c, charset); })) {
    return false;
  }
  if (charset == Charset::alnum_dot) {
    if (number.front() == '.' || number.back() == '.' ||
        number.find("..") != std::string_view::npos) {
      return false;
    }
    const auto dots = static_cast<std::size_t>(std::count(number.begin(), number.end(), '.'));
    if (dots < pattern.min_dots) return false;
  }
  return std::any_of(pattern.prefixes.begin(), pattern.prefixes.end(),
                     [&](const std::string& prefix) { return number.starts_with(prefix); });
}

// --- Pattern file -----------------------------------------------------------------------------

using Json = nlohmann::json;

constexpr std::array<std::string_view, 9> k_pattern_keys = {"carrier",  "name",       "prefixes",
                                                            "charset",  "min_length", "max_length",
                                                            "min_dots", "examples",   "notes"};

struct PatternFileError {
  std::string message;
};

std::size_t read_length(const Json& entry, const std::string& where, std::string_view key,
                        std::size_t fallback) {
  if (!entry.contains(key)) return fallback;
  const Json& value = entry.at(std::string(key));
  if (!value.is_number_unsigned()) {
    throw PatternFileError{fmt::format("{}.{} must be a whole number", where, key)};
  }
  return value.get<std::size_t>();
}

CarrierPattern read_pattern(const Json& entry, const std::string& where,
                            std::vector<std::string>& examples) {
  if (!entry.is_object()) throw PatternFileError{where + " must be an object"};
  for (const auto& item : entry.items()) {
    if (std::find(k_pattern_keys.begin(), k_pattern_keys.end(), item.key()) ==
        k_pattern_keys.end()) {
      throw PatternFileError{fmt::format(
          "{} has an unknown key \"{}\" (known: carrier, name, prefixes, charset, min_length, "
          "max_length, min_dots, examples, notes)",
          where, item.key())};
    }
  }
  CarrierPattern pattern;
  const auto read_string = [&](std::string_view key) {
    if (!entry.contains(key) || !entry.at(std::string(key)).is_string() ||
        entry.at(std::string(key)).get<std::string>().empty()) {
      throw PatternFileError{fmt::format("{}.{} must be a non-empty string", where, key)};
    }
    return entry.at(std::string(key)).get<std::string>();
  };
  pattern.carrier = read_string("carrier");
  if (!std::all_of(pattern.carrier.begin(), pattern.carrier.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || is_ascii_digit(c) || c == '_';
      })) {
    throw PatternFileError{
        fmt::format("{}.carrier \"{}\" must use only a-z, 0-9 and '_'", where, pattern.carrier)};
  }
  pattern.name = read_string("name");
  pattern.charset = read_string("charset");
  const Charset charset = parse_charset(pattern.charset);
  if (charset == Charset::invalid) {
    throw PatternFileError{
        fmt::format("{}.charset is \"{}\"; expected \"digits\", \"alnum\" or \"alnum_dot\"", where,
                    pattern.charset)};
  }
  pattern.min_length = read_length(entry, where, "min_length", pattern.min_length);
  pattern.max_length = read_length(entry, where, "max_length", pattern.max_length);
  pattern.min_dots = read_length(entry, where, "min_dots", 0);
  if (pattern.min_length < 1) throw PatternFileError{where + ".min_length must be at least 1"};
  if (pattern.max_length < pattern.min_length || pattern.max_length > k_max_carrier_number_length) {
    throw PatternFileError{fmt::format("{}.max_length must be from min_length ({}) to {}", where,
                                       pattern.min_length, k_max_carrier_number_length)};
  }
  if (pattern.min_dots > 0 && charset != Charset::alnum_dot) {
    throw PatternFileError{where + ".min_dots needs charset \"alnum_dot\""};
  }

  if (!entry.contains("prefixes")) {
    pattern.prefixes = {""};
  } else {
    const Json& prefixes = entry.at("prefixes");
    if (!prefixes.is_array() || prefixes.empty()) {
      throw PatternFileError{where +
                             ".prefixes must be a non-empty array of strings ([\"\"] matches all)"};
    }
    for (std::size_t i = 0; i < prefixes.size(); ++i) {
      const std::string field = fmt::format("{}.prefixes[{}]", where, i);
      if (!prefixes[i].is_string()) throw PatternFileError{field + " must be a string"};
      std::string prefix = to_ascii_upper(prefixes[i].get<std::string>());
      if (!std::all_of(prefix.begin(), prefix.end(),
                       [&](char c) { return in_charset(c, charset); })) {
        throw PatternFileError{fmt::format("{} \"{}\" uses characters outside charset \"{}\"",
                                           field, prefix, pattern.charset)};
      }
      if (prefix.size() > pattern.max_length) {
        throw PatternFileError{field + " is longer than max_length"};
      }
      pattern.prefixes.push_back(std::move(prefix));
    }
  }

  if (entry.contains("notes")) {
    const Json& notes = entry.at("notes");
    const bool ok = notes.is_string() ||
                    (notes.is_array() && std::all_of(notes.begin(), notes.end(),
                                                     [](const Json& n) { return n.is_string(); }));
    if (!ok) throw PatternFileError{where + ".notes must be a string or an array of strings"};
  }
  if (entry.contains("examples")) {
    const Json& list = entry.at("examples");
    if (!list.is_array()) throw PatternFileError{where + ".examples must be an array of strings"};
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string()) {
        throw PatternFileError{fmt::format("{}.examples[{}] must be a string", where, i)};
      }
      examples.push_back(list[i].get<std::string>());
    }
  }
  return pattern;
}

}  // namespace

std::string_view code_kind_name(CodeKind kind) {
  switch (kind) {
    case CodeKind::s10_tracking:
      return "s10_tracking";
    case CodeKind::carrier_tracking:
      return "carrier_tracking";
    case CodeKind::dossier_code:
      return "dossier_code";
    case CodeKind::portal_url:
      return "portal_url";
    case CodeKind::citizen_id_card:
      return "citizen_id_card";
    case CodeKind::unknown:
      return "unknown";
  }
  return "unknown";
}

std::optional<CodeKind> parse_code_kind(std::string_view name) {
  for (CodeKind kind : k_all_kinds) {
    if (code_kind_name(kind) == name) return kind;
  }
  return std::nullopt;
}

common::Result<DossierCode> parse_dossier_code(std::string_view text) {
  const std::string_view trimmed = detail::trim(text);
  DossierReading reading = read_dossier(trimmed);
  if (reading.code) return std::move(*reading.code);
  if (reading.is_dossier) {
    return common::make_error(common::ErrorCode::bad_input, *reading.problem.def,
                              std::move(reading.problem.args));
  }
  const bool quotable =
      trimmed.size() <= 64 &&
      std::all_of(trimmed.begin(), trimmed.end(), [](char c) { return c >= 0x20 && c < 0x7F; });
  return common::make_error(common::ErrorCode::bad_input, msg::not_a_dossier_code,
                            {quotable ? common::Arg{"text", std::string(trimmed)}
                                      : common::Arg{"text", common::Text{msg::the_text}},
                             {"example", k_dossier_example}});
}

std::string normalize_nfc(std::string_view utf8) {
  if (std::all_of(utf8.begin(), utf8.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    return std::string(utf8);  // ASCII is always NFC
  }
  if (utf8.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    return std::string(utf8);
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status) || nfc == nullptr) return std::string(utf8);  // ICU data missing
  const icu::UnicodeString source = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  const icu::UnicodeString normalized = nfc->normalize(source, status);
  if (U_FAILURE(status)) return std::string(utf8);
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

Classifier::Classifier(std::vector<CarrierPattern> patterns) : patterns_(std::move(patterns)) {
  for (CarrierPattern& pattern : patterns_) {
    for (std::string& prefix : pattern.prefixes) prefix = to_ascii_upper(prefix);
  }
}

common::Result<Classifier> Classifier::load(const std::filesystem::path& pattern_file) {
  const std::string file = pattern_file.string();
  std::error_code error;
  if (!std::filesystem::exists(pattern_file, error)) {
    return common::make_error(common::ErrorCode::not_found, msg::patterns_not_found,
                              {{"file", file}});
  }
  std::ifstream in(pattern_file, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  if (!in) {
    return common::make_error(common::ErrorCode::io_error,
                              fmt::format("{}: cannot read the carrier pattern file", file));
  }
  return from_json(contents.str(), file);
}

common::Result<Classifier> Classifier::from_json(std::string_view json_text,
                                                 std::string_view source) {
  const std::string file(source);
  Json json;
  try {
    json = Json::parse(json_text);
  } catch (const Json::exception& e) {
    return common::make_error(common::ErrorCode::bad_input, msg::patterns_not_json,
                              {{"file", file}, {"detail", e.what()}});
  }

  std::vector<CarrierPattern> patterns;
  std::vector<std::vector<std::string>> examples;
  try {
    if (!json.is_object() || !json.contains("carriers") || !json.at("carriers").is_array()) {
      throw PatternFileError{"expected an object with a \"carriers\" array"};
    }
    const Json& carriers = json.at("carriers");
    for (std::size_t i = 0; i < carriers.size(); ++i) {
      examples.emplace_back();
      patterns.push_back(
          read_pattern(carriers[i], fmt::format("carriers[{}]", i), examples.back()));
    }
  } catch (const PatternFileError& e) {
    return common::make_error(common::ErrorCode::bad_input, msg::patterns_invalid,
                              {{"file", file}, {"detail", e.message}});
  } catch (const Json::exception& e) {
    return common::make_error(common::ErrorCode::bad_input, msg::patterns_invalid,
                              {{"file", file}, {"detail", e.what()}});
  }

  // Each example must come out as its own carrier's number from the whole classifier: this catches
  // a pattern that an earlier one (or an S10 number, an ID card, a dossier code) shadows.
  Classifier classifier(std::move(patterns));
  for (std::size_t i = 0; i < examples.size(); ++i) {
    for (std::size_t j = 0; j < examples[i].size(); ++j) {
      const Code code = classifier.classify(examples[i][j], std::nullopt);
      const std::string& carrier = classifier.patterns_[i].carrier;
      if (code.kind != CodeKind::carrier_tracking || code.carrier != carrier) {
        return common::make_error(
            common::ErrorCode::bad_input, msg::patterns_shadowed,
            {{"file", file},
             {"index", i},
             {"example_index", j},
             {"example", examples[i][j]},
             {"kind", fmt::format("{}{}", code_kind_name(code.kind),
                                  code.carrier.empty() ? "" : " (" + code.carrier + ")")},
             {"carrier", carrier}});
      }
    }
  }
  return classifier;
}

Code Classifier::classify(std::string_view text, std::optional<scanner::Format> format) const {
  Code code;
  code.format = format;
  std::vector<common::Text> problems;
  const auto set_problem = [&]() {
    code.problem_text = msg::join(std::move(problems));
    code.problem =
        code.problem_text.empty() ? std::string() : code.problem_text.render(common::Lang::en);
  };

  detail::RepairedText repaired = detail::repair_utf8(text);
  const bool had_invalid_utf8 = repaired.invalid_count > 0;
  if (had_invalid_utf8) {
    problems.emplace_back(msg::invalid_utf8,
                          common::Args{{"count", repaired.invalid_count},
                                       {"sequences", common::Text{repaired.invalid_count == 1
                                                                      ? msg::sequence_word
                                                                      : msg::sequences_word}}});
  }
  code.text = std::move(repaired.text);
  if (code.text.size() > k_max_stored_text) {
    const std::size_t full_size = code.text.size();
    code.text.resize(detail::utf8_prefix_length(code.text, k_max_stored_text));
    // No code we know is anywhere near this long: keep the start for staff to look at.
    problems.emplace_back(msg::code_too_long,
                          common::Args{{"size", full_size}, {"kept", code.text.size()}});
    set_problem();
    return code;
  }

  const std::string_view trimmed = detail::trim(code.text);
  if (trimmed.empty()) {
    problems.emplace_back(msg::code_empty);
    set_problem();
    return code;
  }
  if (const auto control = detail::find_control_character(trimmed)) {
    const auto offset = static_cast<std::size_t>(trimmed.data() - code.text.data());
    problems.emplace_back(
        msg::code_control_character,
        common::Args{
            {"character", fmt::format("U+{:04X}", static_cast<std::uint32_t>(control->code_point))},
            {"offset", offset + control->byte_offset}});
    set_problem();
    return code;
  }

  const auto finish = [&]() {
    // A card read through U+FFFD replacements has a damaged field: never hand it out as valid.
    if (had_invalid_utf8) code.id_card.reset();
    set_problem();
    return code;
  };

  if (S10Reading s10 = read_s10(trimmed); s10.is_s10) {
    code.kind = CodeKind::s10_tracking;
    code.tracking_number = std::move(s10.number);
    code.carrier = std::move(s10.carrier);
    if (!s10.problem.empty()) problems.push_back(std::move(s10.problem));
    return finish();
  }

  if (detail::IdCardReading card = detail::read_citizen_id_card(trimmed); card.is_card) {
    code.kind = CodeKind::citizen_id_card;
    code.id_card = std::move(card.card);
    if (!card.problem.empty()) problems.push_back(std::move(card.problem));
    return finish();
  }

  // Postal dossier label: HS|<dossier code>|<tracking number>.
  if (const std::vector<std::string_view> fields = split(trimmed, '|');
      fields.size() == 3 && iequals_ascii(fields[0], "HS")) {
    code.kind = CodeKind::dossier_code;
    DossierReading dossier = read_dossier(detail::trim(fields[1]));
    if (!dossier.is_dossier) {
      problems.emplace_back(msg::label_bad_dossier_field,
                            common::Args{{"example", k_dossier_example}});
    } else {
      code.dossier = std::move(dossier.code);
      if (!dossier.problem.empty()) problems.push_back(std::move(dossier.problem));
    }
    S10Reading s10 = read_s10(detail::trim(fields[2]));
    if (!s10.is_s10) {
      problems.emplace_back(msg::label_bad_tracking_field);
    } else {
      code.tracking_number = std::move(s10.number);
      code.carrier = std::move(s10.carrier);
      if (!s10.problem.empty()) problems.push_back(std::move(s10.problem));
    }
    return finish();
  }

  if (DossierReading dossier = read_dossier(trimmed); dossier.is_dossier) {
    code.kind = CodeKind::dossier_code;
    code.dossier = std::move(dossier.code);
    if (!dossier.problem.empty()) problems.push_back(std::move(dossier.problem));
    return finish();
  }

  if (PortalReading portal = read_portal_url(trimmed); portal.is_portal) {
    code.kind = CodeKind::portal_url;
    code.dossier = std::move(portal.dossier);
    code.portal_id_number = std::move(portal.id_number);
    if (!portal.problem.empty()) problems.push_back(std::move(portal.problem));
    return finish();
  }

  const std::string number = compact_number(trimmed);
  for (const CarrierPattern& pattern : patterns_) {
    if (matches(pattern, number)) {
      code.kind = CodeKind::carrier_tracking;
      code.tracking_number = number;
      code.carrier = pattern.carrier;
      return finish();
    }
  }
  return finish();
}

std::vector<Code> Classifier::classify(const std::vector<scanner::Symbol>& symbols) const {
  std::vector<Code> codes;
  codes.reserve(symbols.size());
  for (const scanner::Symbol& symbol : symbols)
    codes.push_back(classify(symbol.text, symbol.format));
  return codes;
}

}  // namespace intake
