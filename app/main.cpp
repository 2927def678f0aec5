// hoso: the command-line entry point. Parses arguments and hands each subcommand to its runner;
// no business logic lives here.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <thread>

#include "app/scan_command.hpp"
#include "common/exit_code.hpp"
#include "common/log.hpp"

int main(int argc, char** argv) {
  CLI::App cli{"hoso: reads the barcodes and QR codes on dossier envelopes received by post"};
  cli.require_subcommand(1);
  std::string log_level = "warn";
  cli.add_option("--log-level", log_level, "quiet, warn, info or debug")->capture_default_str();

  app::ScanArgs scan;
  scan.scanner.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  double time_limit_s = scan.scanner.limits.time_limit_ms / 1000.0;
  double max_file_mb = static_cast<double>(scan.scanner.limits.max_file_bytes) / (1 << 20);
  auto* scan_cmd =
      cli.add_subcommand("scan", "Read every barcode and QR code in images, PDFs or video");
  scan_cmd->add_option("paths", scan.paths,
                       "Image or PDF files, or folders (searched recursively)");
  scan_cmd->add_option("--video", scan.video,
                       "A video file or camera (/dev/videoN) instead of files");
  scan_cmd->add_flag("--json", scan.json, "One JSON object per image page per line");
  scan_cmd->add_option("--formats", scan.formats,
                       "Formats to read, comma-separated (default all): Code128, QRCode, "
                       "DataMatrix, Code39, EAN13, UPCA, PDF417, Aztec");
  scan_cmd->add_option("--jobs,-j", scan.scanner.jobs, "Images decoded at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  scan_cmd
      ->add_option("--max-megapixels", scan.scanner.limits.max_megapixels,
                   "Largest image or rendered page accepted")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  scan_cmd
      ->add_option("--max-pages", scan.scanner.limits.max_pages, "Pages scanned per TIFF or PDF")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  scan_cmd->add_option("--max-file-mb", max_file_mb, "Largest file accepted, in MB")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  scan_cmd
      ->add_option("--pdf-dpi", scan.scanner.limits.pdf_dpi, "Resolution PDF pages are rendered at")
      ->capture_default_str()
      ->check(CLI::Range(50, 600));
  scan_cmd
      ->add_option("--time-limit", time_limit_s, "Seconds allowed per page before it is given up")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  scan_cmd
      ->add_option("--memory-mb", scan.scanner.limits.memory_limit_mb,
                   "Memory allowed to each decode worker, in MB")
      ->capture_default_str()
      ->check(CLI::Range(256, 1 << 20));

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = cli.exit(e);
    return rc == 0 ? 0 : static_cast<int>(common::ExitCode::bad_arguments);
  }
  common::setup_logging(common::parse_log_level(log_level));

  try {
    if (scan_cmd->parsed()) {
      scan.scanner.limits.time_limit_ms = static_cast<int>(time_limit_s * 1000);
      scan.scanner.limits.max_file_bytes = static_cast<std::uint64_t>(max_file_mb * (1 << 20));
      return app::run_scan(std::move(scan));
    }
  } catch (const std::exception& e) {
    spdlog::critical("internal error: {}", e.what());
    return static_cast<int>(common::ExitCode::internal);
  }
  return static_cast<int>(common::ExitCode::bad_arguments);
}
