#include "app/watch_command.hpp"

#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>
#include <thread>

#include "app/desk.hpp"
#include "app/output.hpp"
#include "common/exit_code.hpp"
#include "intake/hot_folder.hpp"

namespace app {

namespace {

using common::ExitCode;

constexpr std::size_t k_max_message_chars = 400;

void print_json(const nlohmann::json& j) {
  std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

// "plain-01.jpg: X" -> "X": the registrar names the file in some messages and not in others; the
// line printed names it once.
std::string_view without_name(std::string_view text, const std::string& name) {
  const std::string prefix = name + ": ";
  if (text.starts_with(prefix)) text.remove_prefix(prefix.size());
  return text;
}

std::string envelope_label(const intake::FileReport& report, int page) {
  return report.page_count > 1 ? fmt::format("{} p{}", report.name, page + 1) : report.name;
}

void print_text(const intake::FileReport& report) {
  switch (report.outcome) {
    case intake::FileOutcome::done: {
      // One registration per page, in page order.
      for (std::size_t page = 0; page < report.envelopes.size(); ++page) {
        const intake::Registration& r = report.envelopes[page];
        std::string line = fmt::format("{}: {}", envelope_label(report, static_cast<int>(page)),
                                       without_name(say(r.message), report.name));
        if (r.outcome == db::ScanOutcome::manual && r.manual_id && !r.replayed) {
          line += fmt::format(" (see hoso manual show {})", *r.manual_id);
        }
        std::printf("%s\n", shorten(line, k_max_message_chars).c_str());
      }
      const std::string kept_as = report.moved_to.filename().string();
      if (!report.moved_to.empty() && kept_as != report.name) {
        std::printf("%s: done/ already had that name; kept as %s\n", report.name.c_str(),
                    report.moved_to.string().c_str());
      }
      if (!report.note.empty()) {
        std::printf("%s: note: %s\n", report.name.c_str(),
                    shorten(say(report.note), k_max_message_chars).c_str());
      }
      break;
    }
    case intake::FileOutcome::failed:
      std::printf(
          "%s\n",
          shorten(fmt::format("{}: NOT registered, moved to {} (why: {}.reason.txt): {}",
                              report.name, report.moved_to.string(), report.moved_to.string(),
                              without_name(say(report.problem), report.name)),
                  k_max_message_chars)
              .c_str());
      break;
    case intake::FileOutcome::retry_later:
      std::fprintf(stderr, "hoso watch: %s %s\n",
                   shorten(say(report.problem), k_max_message_chars).c_str(),
                   say(report.advice).c_str());
      break;
  }
}

void print_json_report(const intake::FileReport& report) {
  switch (report.outcome) {
    case intake::FileOutcome::done: {
      int page = 0;
      for (const intake::Registration& r : report.envelopes) {
        nlohmann::json j = {{"file", report.name},
                            {"page", page++},
                            {"outcome", db::scan_outcome_name(r.outcome)},
                            {"replayed", r.replayed},
                            {"scan_id", r.scan_id},
                            {"moved_to", report.moved_to.string()},
                            {"message", say(r.message)}};
        if (!r.tracking_number.empty()) j["tracking_number"] = r.tracking_number;
        if (r.dossier_id) j["dossier_id"] = *r.dossier_id;
        if (r.manual_id) j["manual_id"] = *r.manual_id;
        if (!report.note.empty()) j["note"] = say(report.note);
        print_json(j);
      }
      break;
    }
    case intake::FileOutcome::failed:
      print_json({{"file", report.name},
                  {"outcome", "failed"},
                  {"moved_to", report.moved_to.string()},
                  {"reason_file", report.moved_to.string() + ".reason.txt"},
                  {"problem", say(report.problem)},
                  {"advice", say(report.advice)}});
      break;
    case intake::FileOutcome::retry_later:
      print_json({{"file", report.name},
                  {"outcome", "not_registered_yet"},
                  {"problem", say(report.problem)},
                  {"advice", say(report.advice)}});
      break;
  }
}

}  // namespace

int run_watch(WatchArgs args) {
  // SIGINT and SIGTERM are blocked here, before any thread or decode worker exists, so every
  // thread and worker inherits the mask. Ctrl-C in a terminal (and systemd's SIGTERM) reaches the
  // whole process group: a decode worker killed mid-image would send the envelope in hand to the
  // manual queue as unreadable. One thread below takes the signals with sigwait instead. The mask
  // is left in place on return: the process is about to exit.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  if (args.dir.empty()) {
    return report_error(common::make_error(common::ErrorCode::invalid_argument,
                                           "give the folder the scanners write into"));
  }
  auto desk = open_desk(args.db, intake::IntakeContext{args.station, "system"});
  if (!desk) return report_error(desk.error());
  sweep_image_temporaries(**desk);
  auto scanner = scanner::Scanner::open(args.scanner);
  if (!scanner) return report_error(scanner.error());

  intake::HotFolderOptions options;
  options.settle = std::chrono::milliseconds(static_cast<long long>(args.settle_s * 1000));
  options.mode = args.once ? intake::HotFolderMode::once : intake::HotFolderMode::watch;
  intake::HotFolder folder(args.dir, options, *scanner, (*desk)->classifier, *(*desk)->registrar);

  std::atomic<bool> finished{false};
  std::atomic<bool> signalled{false};
  std::thread signal_waiter([&] {
    for (int received = 0;;) {
      int signal = 0;
      if (sigwait(&stop_signals, &signal) != 0 || finished.load()) return;
      if (++received == 1) {
        signalled.store(true);
        folder.stop();
        std::fputs("hoso watch: stopping after the files in hand (again to stop at once)\n",
                   stderr);
      } else {
        // Safe at any moment: a file registered but not yet moved is moved by the next run.
        std::_Exit(128 + signal);
      }
    }
  });

  auto summary = folder.run(
      [&](const intake::FileReport& report) {
        if (args.json) {
          print_json_report(report);
        } else {
          print_text(report);
        }
        std::fflush(stdout);
      },
      [&] {
        if (!args.json) {
          std::fprintf(stderr,
                       "hoso watch: %s %s: registered files go to done/, others to failed/%s\n",
                       args.once ? "taking the files in" : "watching", args.dir.c_str(),
                       args.once ? "" : " (Ctrl-C to stop)");
        }
      });

  finished.store(true);
  pthread_kill(signal_waiter.native_handle(), SIGTERM);
  signal_waiter.join();

  if (!summary) return report_error(summary.error());
  if (!args.json) {
    std::printf(
        "%d files: %d to done/, %d to failed/%s\n", summary->done + summary->failed, summary->done,
        summary->failed,
        summary->left > 0 ? fmt::format(", {} still in the folder", summary->left).c_str() : "");
  }
  if (!args.once || signalled.load()) return static_cast<int>(ExitCode::ok);
  if (summary->left > 0) {
    std::fprintf(stderr,
                 "hoso watch: %d files could not be registered yet and stay in %s; run hoso "
                 "watch again once the database is back\n",
                 summary->left, args.dir.c_str());
    return static_cast<int>(ExitCode::unavailable);
  }
  return static_cast<int>(summary->failed > 0 ? ExitCode::bad_input : ExitCode::ok);
}

}  // namespace app
