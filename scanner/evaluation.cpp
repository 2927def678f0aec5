#include "scanner/evaluation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "scanner/batch.hpp"

namespace scanner {

namespace fs = std::filesystem;
using common::ErrorCode;
using common::make_error;

namespace {

common::Result<std::string> slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::not_found, fmt::format("cannot read {}", path.string()));
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

bool matches(const ExpectedCode& e, const Symbol& s) {
  if (e.format != s.format) return false;
  if (!e.bytes.empty()) return std::string(s.bytes.begin(), s.bytes.end()) == e.bytes;
  return s.text == e.text;
}

// Which truth code each symbol is, greedily; -1 for symbols not in the truth.
std::vector<int> assign(const TruthImage& truth, const std::vector<Symbol>& symbols) {
  std::vector<int> owner(symbols.size(), -1);
  std::vector<bool> used(truth.codes.size(), false);
  for (std::size_t s = 0; s < symbols.size(); ++s) {
    for (std::size_t e = 0; e < truth.codes.size(); ++e) {
      if (!used[e] && matches(truth.codes[e], symbols[s])) {
        used[e] = true;
        owner[s] = static_cast<int>(e);
        break;
      }
    }
  }
  return owner;
}

// The one format a truth line names (parse_formats has already refused an empty list).
Format first_format(FormatSet formats) {
  for (Format f : k_all_formats) {
    if (formats.contains(f)) return f;
  }
  return Format::code128;
}

}  // namespace

common::Result<TruthSet> load_truth_tsv(const std::string& folder) {
  TRY_ASSIGN(auto content, slurp(fs::path(folder) / "truth.tsv"));
  TruthSet set;
  std::map<std::string, std::size_t> index;
  // Every image in the folder is part of the set, even one without codes in the truth file.
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (!entry.is_regular_file() || !has_scannable_extension(entry.path().string())) continue;
    TruthImage image;
    image.path = entry.path().string();
    std::string name = entry.path().filename().string();
    image.category = name.substr(0, name.rfind('-'));
    set.images.push_back(image);
  }
  std::sort(set.images.begin(), set.images.end(),
            [](const TruthImage& a, const TruthImage& b) { return a.path < b.path; });
  for (std::size_t i = 0; i < set.images.size(); ++i) {
    index[fs::path(set.images[i].path).filename().string()] = i;
  }
  std::istringstream lines(content);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (number == 1 || line.empty()) continue;  // header
    auto tab1 = line.find('\t');
    auto tab2 = line.find('\t', tab1 == std::string::npos ? tab1 : tab1 + 1);
    if (tab1 == std::string::npos || tab2 == std::string::npos) {
      return make_error(ErrorCode::bad_input,
                        fmt::format("truth.tsv line {}: expected 3 tab-separated fields", number));
    }
    std::string file = line.substr(0, tab1);
    auto formats = parse_formats(line.substr(tab1 + 1, tab2 - tab1 - 1));
    if (!formats)
      return make_error(ErrorCode::bad_input,
                        fmt::format("truth.tsv line {}: {}", number, formats.error().message));
    auto it = index.find(file);
    if (it == index.end()) {
      return make_error(ErrorCode::bad_input,
                        fmt::format("truth.tsv line {}: no image {}", number, file));
    }
    Format format = first_format(*formats);
    set.images[it->second].codes.push_back(ExpectedCode{format, line.substr(tab2 + 1), {}});
  }
  return set;
}

common::Result<TruthSet> load_zxing_samples(const std::string& folder) {
  TruthSet set;
  std::vector<fs::path> images;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(folder, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::string ext = it->path().extension().string();
    if (it->is_regular_file() && (ext == ".png" || ext == ".jpg" || ext == ".jpeg"))
      images.push_back(it->path());
  }
  if (ec)
    return make_error(ErrorCode::not_found,
                      fmt::format("cannot read {}: {}", folder, ec.message()));
  std::sort(images.begin(), images.end());
  for (const auto& path : images) {
    TruthImage image;
    image.path = path.string();
    image.category = path.parent_path().filename().string();
    std::string family = image.category.substr(0, image.category.find('-'));
    Format format;
    if (family == "code128") {
      format = Format::code128;
    } else if (family == "code39") {
      format = Format::code39;
    } else if (family == "datamatrix") {
      format = Format::data_matrix;
    } else if (family == "qrcode") {
      format = Format::qr_code;
    } else {
      continue;
    }
    fs::path stem = path.parent_path() / path.stem();
    if (auto text = slurp(fs::path(stem.string() + ".txt"))) {
      image.codes.push_back(ExpectedCode{format, *text, {}});
    } else if (auto bytes = slurp(fs::path(stem.string() + ".bin"))) {
      image.codes.push_back(ExpectedCode{format, {}, *bytes});
    } else {
      continue;  // no truth for this image
    }
    set.images.push_back(std::move(image));
  }
  return set;
}

common::Result<void> add_optional_codes(TruthSet& set, const std::string& tsv) {
  TRY_ASSIGN(auto content, slurp(tsv));
  std::istringstream lines(content);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    auto tab1 = line.find('\t');
    auto tab2 = tab1 == std::string::npos ? tab1 : line.find('\t', tab1 + 1);
    if (tab2 == std::string::npos) {
      return make_error(ErrorCode::bad_input,
                        fmt::format("{} line {}: expected 3 tab-separated fields", tsv, number));
    }
    TRY_ASSIGN(auto formats, parse_formats(line.substr(tab1 + 1, tab2 - tab1 - 1)));
    std::string text;
    for (std::size_t i = tab2 + 1; i < line.size(); ++i) {
      if (line[i] == '\\' && i + 1 < line.size()) {
        ++i;
        text += line[i] == 'n' ? '\n' : line[i];
      } else {
        text += line[i];
      }
    }
    std::string suffix = line.substr(0, tab1);
    suffix.insert(suffix.begin(), '/');
    Format format = first_format(formats);
    for (auto& image : set.images) {
      if (image.path.size() >= suffix.size() &&
          image.path.compare(image.path.size() - suffix.size(), suffix.size(), suffix) == 0) {
        image.codes.push_back(ExpectedCode{format, text, {}, true});
      }
    }
  }
  return {};
}

common::Result<TruthSet> load_negatives(const std::string& folder, const std::string& category) {
  TRY_ASSIGN(auto files, collect_inputs({folder}));
  TruthSet set;
  for (const auto& f : files) set.images.push_back(TruthImage{f, category, {}});
  return set;
}

void Score::add(const Score& o) {
  images += o.images;
  expected += o.expected;
  read += o.read;
  expected_linear += o.expected_linear;
  read_linear += o.read_linear;
  expected_matrix += o.expected_matrix;
  read_matrix += o.read_matrix;
  wrong += o.wrong;
  failed += o.failed;
  ms.insert(ms.end(), o.ms.begin(), o.ms.end());
}

double Score::percentile_ms(double p) const {
  if (ms.empty()) return 0;
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  auto at = static_cast<std::size_t>(
      std::clamp(p, 0.0, 1.0) * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[at];
}

double Score::median_ms() const { return percentile_ms(0.5); }

Score score_image(const TruthImage& truth, const std::vector<Symbol>& symbols) {
  Score score;
  score.images = 1;
  auto owner = assign(truth, symbols);
  std::vector<bool> found(truth.codes.size(), false);
  for (std::size_t s = 0; s < symbols.size(); ++s) {
    if (owner[s] >= 0) {
      found[static_cast<std::size_t>(owner[s])] = true;
    } else {
      // A second read of a code already matched (the same label twice) is not wrong.
      bool repeat = std::any_of(truth.codes.begin(), truth.codes.end(),
                                [&](const ExpectedCode& e) { return matches(e, symbols[s]); });
      if (!repeat) ++score.wrong;
    }
  }
  for (std::size_t e = 0; e < truth.codes.size(); ++e) {
    if (truth.codes[e].optional) continue;
    bool linear = is_linear(truth.codes[e].format);
    ++score.expected;
    ++(linear ? score.expected_linear : score.expected_matrix);
    if (found[e]) {
      ++score.read;
      ++(linear ? score.read_linear : score.read_matrix);
    }
  }
  return score;
}

std::string describe_mismatch(const TruthImage& truth, const std::vector<Symbol>& symbols) {
  std::string out;
  auto owner = assign(truth, symbols);
  std::vector<bool> found(truth.codes.size(), false);
  for (int o : owner) {
    if (o >= 0) found[static_cast<std::size_t>(o)] = true;
  }
  for (std::size_t e = 0; e < truth.codes.size(); ++e) {
    if (!found[e])
      out +=
          fmt::format(" missed {} '{}';", format_name(truth.codes[e].format), truth.codes[e].text);
  }
  for (std::size_t s = 0; s < symbols.size(); ++s) {
    if (owner[s] < 0)
      out += fmt::format(" unexpected {} '{}';", format_name(symbols[s].format), symbols[s].text);
  }
  return out;
}

}  // namespace scanner
