#include "app/scan_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/output.hpp"
#include "common/exit_code.hpp"
#include "scanner/batch.hpp"
#include "scanner/video.hpp"

namespace app {

namespace {

// The scanner's messages name no flag: the CLI adds the one that raises the limit met.
std::string with_flag_hint(const common::Error& error) {
  const std::string_view id = error.text.id();
  const char* flag = id == "scan_too_many_pixels"  ? "--max-megapixels"
                     : id == "scan_file_too_large" ? "--max-file-mb"
                     : id == "scan_decode_timeout" ? "--time-limit"
                     : (id == "scan_out_of_memory" || id == "scan_kind_out_of_memory")
                         ? "--memory-mb"
                         : nullptr;
  return flag ? fmt::format("{} ({})", say(error), flag) : say(error);
}

using common::ExitCode;

std::string describe_symbols(const std::vector<scanner::Symbol>& symbols) {
  if (symbols.empty()) return "no codes";
  std::string out;
  for (const auto& s : symbols) {
    if (!out.empty()) out += "  ·  ";
    out += fmt::format("{} {}", scanner::format_name(s.format), shorten(s.text, 40));
  }
  return out;
}

int run_video(const ScanArgs& args, scanner::Scanner& scanner) {
  scanner::VideoOptions options;
  auto summary = scanner::scan_video(scanner, args.video, options, [&](const scanner::Sighting& s) {
    if (args.json) {
      nlohmann::json j = {{"source", args.video},
                          {"frame", s.frame},
                          {"seconds", std::round(s.seconds * 100) / 100},
                          {"format", scanner::format_name(s.symbol.format)},
                          {"text", s.symbol.text}};
      std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    } else {
      std::printf("%8.2f s  frame %-6d %-10s %s\n", s.seconds, s.frame,
                  std::string(scanner::format_name(s.symbol.format)).c_str(),
                  shorten(s.symbol.text, 60).c_str());
    }
    std::fflush(stdout);
  });
  if (!summary) {
    std::fprintf(stderr, "hoso scan: %s\n", say(summary.error()).c_str());
    return static_cast<int>(common::exit_code_for(summary.error().code));
  }
  if (!args.json) {
    std::printf("%d frames, %d decoded, %d codes came into view, %d frames failed\n",
                summary->frames, summary->decoded, summary->codes, summary->failed_frames);
  }
  return static_cast<int>(summary->failed_frames > 0 ? ExitCode::bad_input : ExitCode::ok);
}

}  // namespace

int run_scan(ScanArgs args) {
  if (!args.formats.empty()) {
    auto formats = scanner::parse_formats(args.formats);
    if (!formats) {
      std::fprintf(stderr, "hoso scan: %s\n", say(formats.error()).c_str());
      return static_cast<int>(ExitCode::bad_arguments);
    }
    args.scanner.formats = *formats;
  }
  if (args.video.empty() && args.paths.empty()) {
    std::fprintf(stderr, "hoso scan: give at least one file or folder, or --video SOURCE\n");
    return static_cast<int>(ExitCode::bad_arguments);
  }
  auto opened = scanner::Scanner::open(args.scanner);
  if (!opened) {
    std::fprintf(stderr, "hoso scan: %s\n", say(opened.error()).c_str());
    return static_cast<int>(common::exit_code_for(opened.error().code));
  }
  scanner::Scanner& scanner = *opened;
  if (!args.video.empty()) return run_video(args, scanner);

  std::vector<scanner::SkippedInput> skipped;
  auto files = scanner::collect_inputs(args.paths, skipped);
  if (!files) {
    std::fprintf(stderr, "hoso scan: %s\n", say(files.error()).c_str());
    return static_cast<int>(common::exit_code_for(files.error().code));
  }
  // Named and left out, the rest of the batch goes on; the exit code says something was not read.
  for (const scanner::SkippedInput& input : skipped) {
    if (args.json) {
      nlohmann::json j = {{"file", input.path},
                          {"page", 0},
                          {"symbols", nlohmann::json::array()},
                          {"error", input.reason.render(common::Lang::en)},
                          {"error_code", common::error_code_name(common::ErrorCode::bad_input)},
                          {"skipped", true}};
      std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    } else {
      std::fprintf(stderr, "hoso scan: %s\n", shorten(say(input.reason), 400).c_str());
    }
  }
  if (files->empty() && !skipped.empty()) return static_cast<int>(ExitCode::bad_input);
  if (files->empty()) {
    std::fprintf(stderr, "hoso scan: no image or PDF files found in %s\n",
                 fmt::format("{}", fmt::join(args.paths, ", ")).c_str());
    return static_cast<int>(ExitCode::bad_input);
  }

  auto start = std::chrono::steady_clock::now();
  std::size_t pages = 0, codes = 0, unreadable = 0, with_codes = 0;
  std::size_t width = 0;
  for (const auto& f : *files) width = std::max(width, f.size());
  width = std::min<std::size_t>(width, 60);
  Progress progress(files->size(), ::isatty(STDERR_FILENO) != 0);
  progress.show(0);
  scanner::scan_batch(scanner, *files, [&](std::size_t index, const scanner::FileResult& r) {
    progress.clear();
    pages += r.pages.size();
    codes += r.symbol_count();
    if (!r.readable()) ++unreadable;
    if (r.symbol_count() > 0) ++with_codes;
    if (args.json) {
      std::fputs(scanner::to_json_lines(r).c_str(), stdout);
    } else if (r.error) {
      std::printf("%-*s  UNREADABLE: %s\n", static_cast<int>(width), r.file.c_str(),
                  with_flag_hint(*r.error).c_str());
    } else {
      for (const auto& page : r.pages) {
        std::string name = r.page_count > 1 ? fmt::format("{} p{}", r.file, page.page + 1) : r.file;
        if (page.error) {
          std::printf("%-*s  UNREADABLE: %s\n", static_cast<int>(width), name.c_str(),
                      with_flag_hint(*page.error).c_str());
        } else {
          std::printf("%-*s %6.0f ms  %s\n", static_cast<int>(width), name.c_str(), page.ms,
                      describe_symbols(page.symbols).c_str());
        }
      }
      if (!r.warning.empty())
        std::printf("%-*s  note: %s (--max-pages)\n", static_cast<int>(width), r.file.c_str(),
                    say(r.warning).c_str());
    }
    std::fflush(stdout);
    progress.show(index + 1);
  });
  progress.clear();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!args.json) {
    std::printf(
        "\n%zu images (%zu pages): %zu codes read, %zu images with codes, %zu unreadable, %s"
        "%.1f s (%.0f ms per image, %d workers)\n",
        files->size(), pages, codes, with_codes, unreadable,
        skipped.empty() ? "" : fmt::format("{} skipped (not files), ", skipped.size()).c_str(),
        seconds, 1000 * seconds / static_cast<double>(files->size()), scanner.options().jobs);
  }
  return static_cast<int>(unreadable > 0 || !skipped.empty() ? ExitCode::bad_input : ExitCode::ok);
}

}  // namespace app
