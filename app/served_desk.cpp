#include "app/served_desk.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "app/carrier_commands.hpp"
#include "intake/hot_folder.hpp"
#include "tracking/carrier_sync.hpp"
#include "tracking/lifecycle.hpp"

namespace app {

DeskParts ServedDesk::parts() {
  DeskParts p{*desk->store,
              desk->clock,
              carrier.get(),
              desk->images.get(),
              &desk->classifier,
              scanner ? &*scanner : nullptr,
              report};
  return p;
}

common::Result<std::unique_ptr<ServedDesk>> open_served_desk(const std::filesystem::path& database,
                                                             const std::filesystem::path& config,
                                                             std::string& carrier_note) {
  auto served = std::make_unique<ServedDesk>();
  // Refuses to serve a desk whose personal data other users could read and hoso cannot close.
  TRY(make_desk_private(database, config));
  TRY_ASSIGN(auto desk,
             open_desk(database.string(), intake::IntakeContext{"hot-folder", "hoso serve"}));
  served->desk = std::move(desk);
  sweep_image_temporaries(*served->desk);
  scanner::ScannerOptions scan_options;
  scan_options.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  TRY_ASSIGN(auto scanner, scanner::Scanner::open(scan_options));
  served->scanner.emplace(std::move(scanner));
  std::error_code ec;
  if (std::filesystem::exists(config, ec)) {
    TRY_ASSIGN(auto carrier, open_carrier(config, served->desk->clock));
    served->carrier = std::move(carrier);
  } else {
    carrier_note =
        fmt::format("no carrier config ({}): no webhooks, dispatch or sync", config.string());
  }
  TRY_ASSIGN(auto tables, tracking::load_transit_tables(samples_dir() / "carriers"));
  served->report.transit = std::move(tables);
  return served;
}

struct DeskJobs::Impl {
  Impl(ServedDesk& s, const JobOptions& o) : served(s), options(o) {}

  ServedDesk& served;
  JobOptions options;
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::vector<std::thread> threads;
  std::unique_ptr<intake::HotFolder> hot_folder;

  // Runs `job` now and then every `period` until stop, in one process at a time among those
  // sharing the database (db::Store::try_lead, under the name `name`): a server that does not hold
  // the lease looks again every few seconds and takes over when its holder stops or dies.
  void every(std::string name, std::chrono::seconds period, std::function<void()> job) {
    threads.emplace_back([this, name = std::move(name), period, job = std::move(job)] {
      std::unique_ptr<db::JobLease> lease;
      bool following = false;
      std::unique_lock lock(mutex);
      while (!stopping) {
        lock.unlock();
        if (lease && !lease->held()) {
          spdlog::warn("{}: lost the lease (the database connection broke); taking it again", name);
          lease.reset();
        }
        if (!lease) {
          auto taken = served.desk->store->try_lead(name);
          if (!taken) {
            spdlog::warn("{}: cannot take the lease: {}", name, taken.error().message);
          } else if (*taken) {
            lease = std::move(*taken);
            spdlog::info("{}: this server runs it{}", name, following ? " (taking over)" : "");
            following = false;
          } else if (!following) {
            spdlog::info("{}: another server runs it; this one takes over if it stops", name);
            following = true;
          }
        }
        if (lease) job();
        lock.lock();
        const auto wait = lease ? period : std::min(period, std::chrono::seconds(5));
        wake.wait_for(lock, wait, [this] { return stopping; });
      }
    });
  }

  void sync() {
    auto report =
        tracking::sync_shipments(*served.desk->store, *served.carrier, served.desk->clock);
    if (!report) {
      spdlog::warn("scheduled sync failed: {}", report.error().message);
      return;
    }
    spdlog::info("scheduled sync: {} shipments asked, {} answered, {} new events, {} changes{}",
                 report->asked, report->answered, report->new_events, report->changes.size(),
                 report->stopped ? fmt::format("; stopped: {}", report->stopped->message) : "");
  }

  void due() {
    auto due = tracking::Lifecycle(*served.desk->store, served.desk->clock).due();
    if (!due) {
      spdlog::warn("deadline check failed: {}", due.error().message);
      return;
    }
    // Counts and dossier numbers only: no names in the log.
    if (!due->overdue.empty() || !due->due_soon.empty() || !due->back_at_desk.empty() ||
        !due->not_accepted.empty() || !due->handovers_overdue.empty()) {
      spdlog::warn(
          "deadlines: {} dossiers overdue, {} due today or the next working day, {} "
          "results back at the desk, {} received on an earlier day and not yet accepted, {} with "
          "another unit past its deadline (hoso dossier due)",
          due->overdue.size(), due->due_soon.size(), due->back_at_desk.size(),
          due->not_accepted.size(), due->handovers_overdue.size());
    }
  }
};

namespace {

std::string envelope_label(const intake::FileReport& report, std::size_t page) {
  return report.page_count > 1 ? fmt::format("{} p{}", report.name, page + 1) : report.name;
}

// One line per envelope, or per file that was not registered, saying what became of it: a file
// whose envelope waits for a clerk is not "registered". English, as the rest of the log.
void log_file(const intake::FileReport& file) {
  switch (file.outcome) {
    case intake::FileOutcome::done:
      for (std::size_t page = 0; page < file.envelopes.size(); ++page) {
        const intake::Registration& r = file.envelopes[page];
        const auto level =
            r.outcome == db::ScanOutcome::manual ? spdlog::level::warn : spdlog::level::info;
        spdlog::log(level, "hot folder: {}: {} ({}), moved to {}", envelope_label(file, page),
                    db::scan_outcome_name(r.outcome), r.message.render(common::Lang::en),
                    file.moved_to.string());
      }
      if (!file.note.empty()) {
        spdlog::warn("hot folder: {}: {}", file.name, file.note.render(common::Lang::en));
      }
      break;
    case intake::FileOutcome::failed:
      spdlog::warn("hot folder: {}: failed, moved to {}: {} {}", file.name, file.moved_to.string(),
                   file.problem.render(common::Lang::en), file.advice.render(common::Lang::en));
      break;
    case intake::FileOutcome::retry_later:
      spdlog::warn("hot folder: {}: not registered yet: {} {}", file.name,
                   file.problem.render(common::Lang::en), file.advice.render(common::Lang::en));
      break;
  }
}

}  // namespace

DeskJobs::DeskJobs(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

common::Result<std::unique_ptr<DeskJobs>> DeskJobs::start(ServedDesk& served,
                                                          const JobOptions& options) {
  std::unique_ptr<DeskJobs> started(new DeskJobs(std::make_unique<Impl>(served, options)));
  Impl& jobs = *started->impl_;
  if (served.carrier && options.sync_every.count() > 0) {
    jobs.every("carrier_sync", options.sync_every, [&jobs] { jobs.sync(); });
  }
  if (options.due_every.count() > 0) {
    jobs.every("deadline_warnings", options.due_every, [&jobs] { jobs.due(); });
  }
  if (!options.hot_folder.empty() && served.scanner) {
    intake::HotFolderOptions folder_options;
    jobs.hot_folder =
        std::make_unique<intake::HotFolder>(options.hot_folder, folder_options, *served.scanner,
                                            served.desk->classifier, *served.desk->registrar);
    // The server must not start without the folder it was asked to take files from: wait until
    // the job watches it, or has failed to.
    auto watching = std::make_shared<std::promise<common::Result<void>>>();
    auto answer = watching->get_future();
    jobs.threads.emplace_back([&jobs, watching] {
      bool answered = false;
      auto summary = jobs.hot_folder->run(log_file, [&] {
        answered = true;
        watching->set_value({});
      });
      if (!summary) {
        if (answered) {
          spdlog::error("hot folder stopped: {}", summary.error().message);
        } else {
          watching->set_value(summary.error());
        }
      } else if (!answered) {
        watching->set_value({});  // stopped before it watched
      }
    });
    TRY(answer.get());  // on failure, `started` stops the other jobs as it goes
  }
  return started;
}

DeskJobs::~DeskJobs() { stop(); }

void DeskJobs::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopping && impl_->threads.empty()) return;
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  if (impl_->hot_folder) impl_->hot_folder->stop();
  for (std::thread& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  impl_->threads.clear();
}

}  // namespace app
