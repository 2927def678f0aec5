// Classification of what the scanner read: each decoded text becomes a Code of one kind (a UPU S10
// tracking number, another carrier's tracking number, a dossier code, a portal lookup URL, a chip
// citizen ID card, or unknown), with its fields parsed and validated. Pure functions: no database,
// no files except the carrier-pattern file read by Classifier::load. Thread-safe (const methods).
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "common/s10.hpp"
#include "scanner/symbol.hpp"

namespace intake {

enum class CodeKind {
  s10_tracking,      // UPU S10 item number, e.g. EB123456785VN (Vietnam Post and every UPU post)
  carrier_tracking,  // another carrier's number (Viettel Post, GHN, GHTK ...) by pattern file
  dossier_code,  // "mã hồ sơ" (docs/domain.md §3): 000.00.05.H12-210806-0001, lenient variants
  portal_url,    // a portal lookup URL carrying a dossier code (MHS=...) and maybe an ID number
  citizen_id_card,  // the QR of a chip citizen ID card ("CCCD"), 7 or 6 '|'-separated fields
  unknown,          // anything else: kept with the scan and shown to staff
};

// Stable snake_case name of `kind` ("s10_tracking"), for JSON, the database and logs.
std::string_view code_kind_name(CodeKind kind);
// Inverse of code_kind_name; nullopt for an unknown name.
std::optional<CodeKind> parse_code_kind(std::string_view name);

// A dossier code, parsed. `agency` is the receiving agency ("000.00.05.H12", "G09.20").
struct DossierCode {
  std::string text;  // canonical form as read (upper-case, trimmed)
  std::string agency;
  std::chrono::year_month_day received_on{};  // the date inside the code
  int sequence = 0;                           // number within that day for that agency
  bool standard_form = false;  // true for <agency>-YYMMDD-NNNN, false for a lenient variant
};

// The identity on a chip citizen ID card's QR. Personal data: never log it.
struct CitizenIdCard {
  std::string id_number;      // 12 digits
  std::string old_id_number;  // 9-digit old ID, empty when absent (always absent in 6-field form)
  std::string full_name;      // UTF-8, NFC, exactly as on the card
  std::chrono::year_month_day birth_date{};
  std::string sex;  // "Nam" or "Nữ" (NFC)
  std::string address;
  std::chrono::year_month_day issue_date{};
};

struct Code {
  CodeKind kind = CodeKind::unknown;
  // The payload as it should be stored: always valid UTF-8 (invalid bytes become U+FFFD) and at
  // most k_max_stored_text bytes (longer payloads are cut and `problem` says so). May hold control
  // characters: whoever displays it escapes them.
  std::string text;
  // The symbology; nullopt for a line typed by a hand scanner.
  std::optional<scanner::Format> format;

  // s10_tracking and carrier_tracking: the number normalised (upper-case, no spaces or dashes) and
  // the carrier's short name ("vnpost" for S10 numbers; the pattern file's name otherwise).
  std::string tracking_number;
  std::string carrier;

  // A postal dossier label ("HS|<dossier code>|<tracking number>", a DataMatrix some post offices
  // print) is a dossier_code that also fills tracking_number and carrier.
  std::optional<DossierCode> dossier;    // dossier_code; portal_url when its query names one
  std::string portal_id_number;          // portal_url: the ID number in its query (SGT=), if any
  std::optional<CitizenIdCard> id_card;  // citizen_id_card when every field is valid

  // Empty when the code can be used as is. Otherwise a sentence a clerk understands, naming the
  // input, e.g. "EB123456789VN: check digit should be 5, found 9 (UPU S10)". A code with a problem
  // keeps its kind when the kind is clear (a wrong S10 check digit is still s10_tracking, an ID
  // card QR with an impossible date is still citizen_id_card) and must never be used silently.
  std::string problem;
  // The same problem as a message (common/text.hpp), to show in the reader's language.
  common::Text problem_text;

  bool usable() const { return problem.empty(); }
};

inline constexpr std::size_t k_max_stored_text = 4096;

// One carrier's tracking-number pattern, as read from the pattern file (JSON):
// {"carriers": [{"carrier": "viettelpost", "name": "Viettel Post", "prefixes": [""],
//                "charset": "digits", "min_length": 9, "max_length": 13}, ...]}
// charset is "digits", "alnum" (A-Z and 0-9) or "alnum_dot" (A-Z, 0-9 and '.').
// A text matches when, upper-cased, it starts with one of the prefixes ("" matches all), uses only
// the charset and its length is within [min_length, max_length]. The first matching pattern wins.
// Optional keys: "min_dots" (alnum_dot only: the text must hold at least that many '.', each
// between two non-empty groups, as in GHTK's "S1.A1.2001297581"), "examples" (numbers the pattern
// must match: load() checks them) and "notes" (free text: where the pattern comes from).
// The text is matched after removing spaces and dashes, and only when it is not an S10 number, an
// ID card QR, a dossier code or a portal URL (those are tried first).
struct CarrierPattern {
  std::string carrier;  // short name stored with the shipment: "viettelpost"
  std::string name;     // for people: "Viettel Post"
  std::vector<std::string> prefixes;
  std::string charset;
  std::size_t min_length = 1;
  std::size_t max_length = 40;
  std::size_t min_dots = 0;  // alnum_dot: the least number of '.' separators
};

// The largest max_length a pattern file may set.
inline constexpr std::size_t k_max_carrier_number_length = 64;

// Parses a dossier code alone (trimmed, case-insensitive): the standard form
// <agency>-YYMMDD-NNNN and the lenient variants of docs/domain.md §3 (2-4 agency groups, YYYYMMDD,
// 4-7 digit sequence). Fails with bad_input naming the text and what is wrong (e.g.
// "000.00.05.H12-210230-0001: 30 Feb 2021 is not a date"). Thread-safe.
common::Result<DossierCode> parse_dossier_code(std::string_view text);

// Returns `utf8` in Unicode normalisation form C (precomposed: "e" + U+0302 + U+0303 becomes
// U+1EC5), as the ID card fields are stored. Requires valid UTF-8 (invalid bytes come out as
// U+FFFD). Thread-safe.
std::string normalize_nfc(std::string_view utf8);

// UPU S10 check digit for eight serial digits (common/s10.hpp).
using common::s10_check_digit;

class Classifier {
 public:
  // A classifier that knows S10 numbers only (no other carriers).
  Classifier() = default;
  explicit Classifier(std::vector<CarrierPattern> patterns);

  // Reads the carrier pattern file. Fails with bad_input (naming the file and the field) when it is
  // not valid JSON or a pattern is malformed, not_found when the file does not exist.
  static common::Result<Classifier> load(const std::filesystem::path& pattern_file);
  // The same from the file's text (as `hoso init` keeps it in the database); `source` names it in
  // error messages.
  static common::Result<Classifier> from_json(std::string_view json, std::string_view source);

  // Classifies one decoded text. Never throws, whatever the bytes (invalid UTF-8, 100 KB, control
  // characters, SQL or HTML): the worst outcome is kind unknown with a problem.
  Code classify(std::string_view text, std::optional<scanner::Format> format) const;

  // Classifies every symbol, in order, one Code per symbol.
  std::vector<Code> classify(const std::vector<scanner::Symbol>& symbols) const;

  const std::vector<CarrierPattern>& patterns() const { return patterns_; }

 private:
  std::vector<CarrierPattern> patterns_;
};

}  // namespace intake
