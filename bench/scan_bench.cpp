// scan_bench: measures the scanner pipeline against a baseline in the same run, on folders of
// images with truth. The baseline is one plain ZXing::ReadBarcode call per enabled format on the
// whole image, nothing else. Both run in the same kind of supervised worker, one image at a time,
// each image decoded by the baseline and then by the pipeline, so they see the same machine load.
// Times are the decode step inside the worker (image loading excluded, identical for both).
//
//   scan_bench [--repeat N] FOLDER... [--negatives FOLDER]
// A FOLDER with truth.tsv is read as samples/envelopes; otherwise as ZXing's sample layout.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <map>

#include "scanner/evaluation.hpp"
#include "scanner/scanner.hpp"

namespace {

using scanner::Score;

struct Row {
  Score baseline;
  Score pipeline;
};

std::string rate(int read, int expected) {
  if (expected == 0) return "-";
  return fmt::format("{}/{}", read, expected);
}

void print_table(const std::string& title, const std::map<std::string, Row>& rows) {
  fmt::print("\n{}\n", title);
  fmt::print(
      "{:<16} {:>6} {:>6} | {:>9} {:>9} {:>5} {:>7} {:>7} | {:>9} {:>9} {:>5} {:>7} {:>7} | "
      "{:>6}\n",
      "category", "images", "codes", "base 1D", "base 2D", "wrong", "med ms", "p95 ms", "ours 1D",
      "ours 2D", "wrong", "med ms", "p95 ms", "ratio");
  Row total;
  auto line = [](const std::string& name, const Row& r) {
    double ratio = r.baseline.median_ms() > 0 ? r.pipeline.median_ms() / r.baseline.median_ms() : 0;
    fmt::print(
        "{:<16} {:>6} {:>6} | {:>9} {:>9} {:>5} {:>7.1f} {:>7.1f} | {:>9} {:>9} {:>5} {:>7.1f} "
        "{:>7.1f} | {:>5.2f}x\n",
        name, r.pipeline.images, r.pipeline.expected,
        rate(r.baseline.read_linear, r.baseline.expected_linear),
        rate(r.baseline.read_matrix, r.baseline.expected_matrix), r.baseline.wrong,
        r.baseline.median_ms(), r.baseline.percentile_ms(0.95),
        rate(r.pipeline.read_linear, r.pipeline.expected_linear),
        rate(r.pipeline.read_matrix, r.pipeline.expected_matrix), r.pipeline.wrong,
        r.pipeline.median_ms(), r.pipeline.percentile_ms(0.95), ratio);
  };
  for (const auto& [name, row] : rows) {
    line(name, row);
    total.baseline.add(row.baseline);
    total.pipeline.add(row.pipeline);
  }
  line("ALL", total);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Benchmark the scanner pipeline against one plain ZXing pass per format"};
  std::vector<std::string> folders;
  std::string negatives;
  std::string extra;
  int repeat = 1;
  bool verbose = false;
  cli.add_option("folders", folders,
                 "Folders with truth (truth.tsv, or ZXing's <stem>.txt layout)");
  cli.add_option("--negatives", negatives, "Folder of images that must yield no code");
  cli.add_option("--optional-codes", extra,
                 "TSV of codes really present in the images besides their truth (not wrong reads)");
  cli.add_option("--repeat", repeat, "Decode each image this many times")
      ->check(CLI::Range(1, 100));
  cli.add_flag("--verbose,-v", verbose, "Print each image the pipeline misread or missed");
  CLI11_PARSE(cli, argc, argv);

  scanner::ScannerOptions options;
  options.jobs = 1;
  auto pipeline = scanner::Scanner::open(options);
  options.baseline = true;
  auto baseline = scanner::Scanner::open(options);
  if (!pipeline || !baseline) {
    std::fprintf(stderr, "scan_bench: %s\n",
                 (pipeline ? baseline : pipeline).error().message.c_str());
    return 1;
  }

  auto run = [&](const std::string& title, const scanner::TruthSet& set) {
    std::map<std::string, Row> rows;
    for (const auto& image : set.images) {
      for (int r = 0; r < repeat; ++r) {
        auto measure = [&](scanner::Scanner& s) {
          scanner::FileResult result = s.scan_file(image.path);
          std::vector<scanner::Symbol> symbols;
          double ms = 0;
          for (const auto& page : result.pages) {
            symbols.insert(symbols.end(), page.symbols.begin(), page.symbols.end());
            ms += page.decode_ms;
          }
          Score score = scanner::score_image(image, symbols);
          if (verbose && !s.options().baseline &&
              (score.read < score.expected || score.wrong > 0)) {
            fmt::print("{}:{}\n", image.path, scanner::describe_mismatch(image, symbols));
          }
          if (!result.readable()) ++score.failed;
          score.ms.push_back(ms);
          return score;
        };
        Score b = measure(*baseline);
        Score p = measure(*pipeline);
        if (r > 0) {  // count codes once, keep every timing
          b = Score{.ms = b.ms};
          p = Score{.ms = p.ms};
        }
        rows[image.category].baseline.add(b);
        rows[image.category].pipeline.add(p);
      }
    }
    print_table(title, rows);
  };

  for (const auto& folder : folders) {
    bool envelope_layout = std::filesystem::exists(std::filesystem::path(folder) / "truth.tsv");
    auto set =
        envelope_layout ? scanner::load_truth_tsv(folder) : scanner::load_zxing_samples(folder);
    if (!set) {
      std::fprintf(stderr, "scan_bench: %s\n", set.error().message.c_str());
      return 1;
    }
    if (!extra.empty()) {
      if (auto added = scanner::add_optional_codes(*set, extra); !added) {
        std::fprintf(stderr, "scan_bench: %s\n", added.error().message.c_str());
        return 1;
      }
    }
    run(fmt::format(
            "{} ({} images; 1D/2D = codes read / expected; ratio = our median / baseline median)",
            folder, set->images.size()),
        *set);
  }
  if (!negatives.empty()) {
    auto set = scanner::load_negatives(negatives, "falsepositives");
    if (!set) {
      std::fprintf(stderr, "scan_bench: %s\n", set.error().message.c_str());
      return 1;
    }
    run(fmt::format("{} ({} images that must yield nothing; 'wrong' = codes reported)", negatives,
                    set->images.size()),
        *set);
  }
  return 0;
}
