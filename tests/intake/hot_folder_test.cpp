// The hot folder as a library: files dropped into a folder are registered once each and moved to
// done/ or failed/, a file registered before a crash is moved without a second registration, and
// a database outage leaves files in the folder instead of losing or failing them.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "db/image_store.hpp"
#include "intake/envelope_reader.hpp"
#include "intake/hot_folder.hpp"
#include "tests/intake/hot_folder_support.hpp"

namespace {

using namespace hot_folder_test;
using intake::FileOutcome;
using intake::FileReport;
using intake::HotFolderMode;
using intake::HotFolderOptions;
using std::chrono::milliseconds;

// Long enough that only a writer's close or rename can make a file ready, never the clock.
constexpr milliseconds k_settle_never{60'000};
// How long a test waits for the watcher before calling it hung. Never decides a pass.
constexpr std::chrono::seconds k_hang_guard{60};

scanner::Scanner open_scanner() {
  scanner::ScannerOptions options;
  options.jobs = 2;
  options.worker_path = (bin_dir() / "hoso-decode-worker").string();
  auto opened = scanner::Scanner::open(std::move(options));
  if (!opened) throw std::runtime_error("cannot open the scanner: " + opened.error().message);
  return std::move(*opened);
}

HotFolderOptions options(milliseconds settle, HotFolderMode mode) {
  HotFolderOptions o;
  o.settle = settle;
  o.mode = mode;
  return o;
}

// A desk with a fresh database, a scanner and a registrar, and an empty folder to watch.
struct TestDesk {
  TempDir temp;
  fs::path folder = temp / "scans";
  fs::path database = temp / "var" / "hoso.db";
  std::unique_ptr<db::Store> store = fresh_database(database);
  db::ImageStore images{temp / "var" / "images"};
  intake::Classifier classifier;
  common::SystemClock clock;
  intake::Registrar registrar{*store, images, classifier, clock, {"watch:test", "system"}};
  scanner::Scanner scanner = open_scanner();

  TestDesk() { fs::create_directories(folder); }

  db::Counts counts() {
    db::Counts result;
    auto read = store->read([&](db::Transaction& tx) -> common::Result<void> {
      auto c = tx.counts();
      if (!c) return c.error();
      result = *c;
      return {};
    });
    REQUIRE(read.has_value());
    return result;
  }

  std::vector<db::ManualItem> open_manual_items() {
    std::vector<db::ManualItem> items;
    auto read = store->read([&](db::Transaction& tx) -> common::Result<void> {
      auto list = tx.list_manual(db::ManualStatus::open);
      if (!list) return list.error();
      items = *list;
      return {};
    });
    REQUIRE(read.has_value());
    return items;
  }

  db::Scan scan(db::Id id) {
    std::optional<db::Scan> found;
    auto read = store->read([&](db::Transaction& tx) -> common::Result<void> {
      auto s = tx.get_scan(id);
      if (!s) return s.error();
      found = *s;
      return {};
    });
    REQUIRE(read.has_value());
    REQUIRE(found.has_value());
    return *found;
  }

  // Runs the hot folder in once mode and returns its summary and reports.
  std::pair<intake::HotFolderSummary, std::vector<FileReport>> run_once(
      milliseconds settle = milliseconds{0}) {
    intake::HotFolder hot_folder(folder, options(settle, HotFolderMode::once), scanner, classifier,
                                 registrar);
    std::vector<FileReport> reports;
    auto summary = hot_folder.run([&](const FileReport& r) { reports.push_back(r); });
    REQUIRE_MESSAGE(summary.has_value(), (summary ? std::string() : summary.error().message));
    return {*summary, reports};
  }
};

const FileReport* report_for(const std::vector<FileReport>& reports, const std::string& name) {
  for (const FileReport& r : reports) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

// A hot folder watching on a thread of its own, collecting its reports.
class RunningFolder {
 public:
  RunningFolder(const fs::path& folder, HotFolderOptions o, scanner::Scanner& scanner,
                const intake::Classifier& classifier, intake::Registrar& registrar,
                std::function<void(const FileReport&)> also = {})
      : hot_folder_(folder, o, scanner, classifier, registrar), also_(std::move(also)) {
    thread_ = std::thread([this] {
      auto result = hot_folder_.run(
          [this](const FileReport& report) {
            if (also_) also_(report);
            std::lock_guard lock(mutex_);
            reports_.push_back(report);
            changed_.notify_all();
          },
          [this] {
            std::lock_guard lock(mutex_);
            watching_ = true;
            changed_.notify_all();
          });
      std::lock_guard lock(mutex_);
      result_.emplace(std::move(result));
      changed_.notify_all();
    });
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return watching_ || result_.has_value(); });
  }
  RunningFolder(const RunningFolder&) = delete;
  RunningFolder& operator=(const RunningFolder&) = delete;
  ~RunningFolder() { halt(); }

  // The `count`-th report about `name` (1 = the first), once it has arrived.
  FileReport wait_for(const std::string& name, std::size_t count = 1) {
    std::unique_lock lock(mutex_);
    const bool arrived = changed_.wait_for(lock, k_hang_guard, [&] {
      return reports_about(name).size() >= count || result_.has_value();
    });
    REQUIRE_MESSAGE(arrived, "the hot folder never reported on " << name);
    auto about = reports_about(name);
    REQUIRE_MESSAGE(about.size() >= count, "the hot folder stopped before reporting on " << name);
    return about[count - 1];
  }

  std::vector<FileReport> reports_about(const std::string& name) const {
    std::vector<FileReport> about;
    for (const FileReport& r : reports_) {
      if (r.name == name) about.push_back(r);
    }
    return about;
  }

  bool reported(const std::string& name) {
    std::lock_guard lock(mutex_);
    return !reports_about(name).empty();
  }

  common::Result<intake::HotFolderSummary> stop() {
    halt();
    return *result_;
  }

 private:
  void halt() {
    hot_folder_.stop();
    if (thread_.joinable()) thread_.join();
  }

  intake::HotFolder hot_folder_;
  std::function<void(const FileReport&)> also_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool watching_ = false;
  std::vector<FileReport> reports_;
  std::optional<common::Result<intake::HotFolderSummary>> result_;
};

// A store that refuses every unit of work while `down` is set, as SQLite does when the disk is
// full or another process holds the database beyond the busy timeout.
class FlakyStore final : public db::Store {
 public:
  explicit FlakyStore(db::Store& real) : real_(real) {}
  std::atomic<bool> down{false};

  common::Result<void> write(
      const std::function<common::Result<void>(db::Transaction&)>& work) override {
    if (down) return common::make_error(common::ErrorCode::io_error, "database is locked");
    return real_.write(work);
  }
  common::Result<void> read(
      const std::function<common::Result<void>(db::Transaction&)>& work) override {
    if (down) return common::make_error(common::ErrorCode::io_error, "database is locked");
    return real_.read(work);
  }

 private:
  db::Store& real_;
};

}  // namespace

TEST_CASE("hot folder: names that are hidden or still being written are never taken") {
  CHECK(intake::hot_folder_ignores(".hidden.jpg"));
  CHECK(intake::hot_folder_ignores("scan.jpg.tmp"));
  CHECK(intake::hot_folder_ignores("scan.JPG.PART"));
  CHECK(intake::hot_folder_ignores("scan.pdf.crdownload"));
  CHECK(intake::hot_folder_ignores("done"));
  CHECK(intake::hot_folder_ignores("failed"));
  CHECK_FALSE(intake::hot_folder_ignores("scan.jpg"));
  CHECK_FALSE(intake::hot_folder_ignores("notes.txt"));
  CHECK_FALSE(intake::hot_folder_ignores("temporary.jpg"));

  TestDesk desk;
  const std::string image = read_file(sample_path("plain-01.jpg"));
  for (const char* name : {".hidden.jpg", "scan.jpg.tmp", "scan.JPG.PART", "x.crdownload"}) {
    write_file(desk.folder / name, image);
  }
  auto [summary, reports] = desk.run_once();
  CHECK(reports.empty());
  CHECK(summary.done == 0);
  CHECK(desk.counts().scans == 0);
  for (const char* name : {".hidden.jpg", "scan.jpg.tmp", "scan.JPG.PART", "x.crdownload"}) {
    CHECK_MESSAGE(fs::exists(desk.folder / name), name << " was touched");
  }
}

TEST_CASE(
    "hot folder: files renamed in or written in place are each registered once and moved "
    "to done/, and a half-written file is not taken before it is complete") {
  TestDesk desk;
  const auto truth = sample_tracking_numbers();
  RunningFolder running(desk.folder, options(k_settle_never, HotFolderMode::watch), desk.scanner,
                        desk.classifier, desk.registrar);

  drop_by_rename(desk.folder, ".plain-01.jpg.tmp", "plain-01.jpg",
                 read_file(sample_path("plain-01.jpg")));
  drop_by_rename(desk.folder, "plain-02.jpg.part", "plain-02.jpg",
                 read_file(sample_path("plain-02.jpg")));

  // plain-03.jpg is written in place in three chunks, by a writer that keeps it open. Before each
  // next chunk another file is dropped and its report awaited: the watcher has seen everything
  // about the half-written file by then, and must not have taken it.
  const std::string slow = read_file(sample_path("plain-03.jpg"));
  const fs::path slow_path = desk.folder / "plain-03.jpg";
  const int fd = ::open(slow_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  const std::size_t third = slow.size() / 3;
  const std::vector<std::string> markers = {"plain-04.jpg", "plain-05.jpg"};
  for (int chunk = 0; chunk < 3; ++chunk) {
    const std::size_t begin = chunk * third;
    const std::size_t end = chunk == 2 ? slow.size() : begin + third;
    REQUIRE(::write(fd, slow.data() + begin, end - begin) == static_cast<ssize_t>(end - begin));
    if (chunk == 2) break;
    const std::string& marker = markers[static_cast<std::size_t>(chunk)];
    drop_by_rename(desk.folder, "." + marker + ".tmp", marker, read_file(sample_path(marker)));
    running.wait_for(marker);
    CHECK_FALSE(running.reported("plain-03.jpg"));
    CHECK(fs::exists(slow_path));
  }
  REQUIRE(::close(fd) == 0);

  for (const std::string name :
       {"plain-01.jpg", "plain-02.jpg", "plain-03.jpg", "plain-04.jpg", "plain-05.jpg"}) {
    CAPTURE(name);
    const FileReport report = running.wait_for(name);
    CHECK(report.outcome == FileOutcome::done);
    CHECK(report.moved_to == fs::path("done") / name);
    REQUIRE(report.envelopes.size() == 1);
    const intake::Registration& r = report.envelopes.front();
    CHECK(r.outcome == db::ScanOutcome::registered);
    CHECK_FALSE(r.replayed);
    CHECK(r.tracking_number == truth.at(name));
    CHECK(r.message.render(common::Lang::en).find("registered as dossier #") != std::string::npos);
    CHECK(running.reports_about(name).size() == 1);
  }
  auto summary = running.stop();
  REQUIRE(summary.has_value());
  CHECK(summary->done == 5);
  CHECK(summary->left == 0);

  CHECK(files_in(desk.folder).empty());
  CHECK(files_in(desk.folder / "failed").empty());
  CHECK(files_in(desk.folder / "done") == std::vector<std::string>{"plain-01.jpg", "plain-02.jpg",
                                                                   "plain-03.jpg", "plain-04.jpg",
                                                                   "plain-05.jpg"});
  // The slow file was taken whole: done/ holds every byte, and one scan of it exists.
  CHECK(read_file(desk.folder / "done" / "plain-03.jpg") == slow);
  const db::Counts counts = desk.counts();
  CHECK(counts.scans == 5);
  CHECK(counts.dossiers == 5);
  CHECK(counts.manual_open == 0);
}

TEST_CASE("hot folder: a file whose writer never closes it is taken once it has settled") {
  TestDesk desk;
  RunningFolder running(desk.folder, options(milliseconds{200}, HotFolderMode::watch), desk.scanner,
                        desk.classifier, desk.registrar);
  const std::string image = read_file(sample_path("jpeg-01.jpg"));
  const fs::path path = desk.folder / "jpeg-01.jpg";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, image.data(), image.size()) == static_cast<ssize_t>(image.size()));

  const FileReport report = running.wait_for("jpeg-01.jpg");
  ::close(fd);
  CHECK(report.outcome == FileOutcome::done);
  REQUIRE(report.envelopes.size() == 1);
  CHECK(report.envelopes.front().tracking_number == sample_tracking_numbers().at("jpeg-01.jpg"));
  CHECK(read_file(desk.folder / "done" / "jpeg-01.jpg") == image);
}

TEST_CASE("hot folder: once mode takes the files already in the folder and then returns") {
  TestDesk desk;
  const auto truth = sample_tracking_numbers();
  for (const char* name : {"jpeg-02.jpg", "jpeg-03.jpg", "jpeg-04.jpg"}) {
    write_file(desk.folder / name, read_file(sample_path(name)));
  }
  auto [summary, reports] = desk.run_once(milliseconds{100});
  CHECK(summary.done == 3);
  CHECK(summary.failed == 0);
  CHECK(summary.envelopes == 3);
  CHECK(summary.left == 0);
  REQUIRE(reports.size() == 3);
  for (const FileReport& report : reports) {
    CAPTURE(report.name);
    REQUIRE(report.envelopes.size() == 1);
    CHECK(report.envelopes.front().tracking_number == truth.at(report.name));
  }
  CHECK(files_in(desk.folder).empty());
  CHECK(files_in(desk.folder / "done").size() == 3);
}

TEST_CASE(
    "hot folder: an unreadable image waits in the manual queue and goes to done/, while a "
    "text file goes to failed/ with a reason file") {
  TestDesk desk;
  std::mt19937 random(20240611);
  std::string garbage(20'000, '\0');
  for (char& c : garbage) c = static_cast<char>(random() & 0xFF);
  write_file(desk.folder / "corrupt.jpg", garbage);
  write_file(desk.folder / "two_labels-01.jpg", read_file(sample_path("two_labels-01.jpg")));
  write_file(desk.folder / "notes.txt", "call the citizen back\n");

  auto [summary, reports] = desk.run_once();
  CHECK(summary.done == 2);
  CHECK(summary.failed == 1);

  SUBCASE("the corrupt image is kept for a person, not lost") {
    const FileReport* report = report_for(reports, "corrupt.jpg");
    REQUIRE(report != nullptr);
    CHECK(report->outcome == FileOutcome::done);
    CHECK(report->moved_to == fs::path("done/corrupt.jpg"));
    REQUIRE(report->envelopes.size() == 1);
    const intake::Registration& r = report->envelopes.front();
    CHECK(r.outcome == db::ScanOutcome::manual);
    REQUIRE(r.manual_id.has_value());
    CHECK(r.message.render(common::Lang::en).find("manual queue") != std::string::npos);
    CHECK(r.message.render(common::Lang::en).find("could not be read") != std::string::npos);
    const db::Scan scan = desk.scan(r.scan_id);
    CHECK_FALSE(scan.scan_error.empty());
    REQUIRE_FALSE(scan.image_hash.empty());
    CHECK(read_file(desk.images.path_of(scan.image_hash, scan.image_type)) == garbage);
    CHECK(read_file(desk.folder / "done" / "corrupt.jpg") == garbage);
  }
  SUBCASE("an envelope with two tracking numbers waits in the manual queue too") {
    const FileReport* report = report_for(reports, "two_labels-01.jpg");
    REQUIRE(report != nullptr);
    CHECK(report->outcome == FileOutcome::done);
    REQUIRE(report->envelopes.size() == 1);
    CHECK(report->envelopes.front().outcome == db::ScanOutcome::manual);
    CHECK(fs::exists(desk.folder / "done" / "two_labels-01.jpg"));
  }
  SUBCASE("the text file is in failed/ with a reason a clerk can act on") {
    const FileReport* report = report_for(reports, "notes.txt");
    REQUIRE(report != nullptr);
    CHECK(report->outcome == FileOutcome::failed);
    CHECK(report->envelopes.empty());
    CHECK(report->moved_to == fs::path("failed/notes.txt"));
    CHECK(read_file(desk.folder / "failed" / "notes.txt") == "call the citizen back\n");
    const std::string reason = read_file(desk.folder / "failed" / "notes.txt.reason.txt");
    CHECK(reason.find("notes.txt: not an image or a PDF (.txt)") == 0);
    CHECK(std::count(reason.begin(), reason.end(), '\n') == 2);
    CHECK(reason.find("Scan the envelope again") != std::string::npos);
    CHECK(report->problem.id() == "hf_not_scannable");
    CHECK(report->problem.render(common::Lang::vi) ==
          "notes.txt: không phải là ảnh hay tệp PDF (.txt), nên không đọc được mã vạch nào từ tệp "
          "này.");
    CHECK(report->advice.render(common::Lang::vi).find("Hãy quét lại phong bì") == 0);
  }

  const auto manual = desk.open_manual_items();
  REQUIRE(manual.size() == 2);
  std::vector<std::string> reasons = {manual[0].reason_code, manual[1].reason_code};
  std::sort(reasons.begin(), reasons.end());
  CHECK(reasons == std::vector<std::string>{"ambiguous", "unreadable"});
  CHECK(files_in(desk.folder).empty());
  CHECK(desk.counts().dossiers == 0);
}

TEST_CASE(
    "hot folder: a file registered before a crash but not yet moved is moved to done/ "
    "without a second scan") {
  TestDesk desk;
  const std::string image = read_file(sample_path("plain-06.jpg"));
  const fs::path path = desk.folder / "plain-06.jpg";
  write_file(path, image);
  // What a run killed between the commit and the rename leaves behind: the registration, made
  // with the hot folder's key, and the file still in the folder.
  const std::vector<std::uint8_t> bytes(image.begin(), image.end());
  const std::string key = std::string(intake::k_hot_folder_key_prefix) + db::sha256_hex(bytes);
  const auto scans =
      intake::envelopes_from(desk.scanner.scan_file(path.string()), desk.classifier, {}, key);
  REQUIRE(scans.size() == 1);
  auto first = desk.registrar.register_envelope(scans.front());
  REQUIRE(first.has_value());
  REQUIRE(first->outcome == db::ScanOutcome::registered);

  auto [summary, reports] = desk.run_once();
  REQUIRE(reports.size() == 1);
  const FileReport& report = reports.front();
  CHECK(report.outcome == FileOutcome::done);
  CHECK(report.moved_to == fs::path("done/plain-06.jpg"));
  REQUIRE(report.envelopes.size() == 1);
  CHECK(report.envelopes.front().replayed);
  CHECK(report.envelopes.front().dossier_id == first->dossier_id);
  CHECK(report.envelopes.front().scan_id == first->scan_id);
  CHECK(files_in(desk.folder).empty());
  const db::Counts counts = desk.counts();
  CHECK(counts.scans == 1);
  CHECK(counts.dossiers == 1);
}

TEST_CASE(
    "hot folder: a name already in done/ or failed/ gets a suffix instead of being "
    "overwritten") {
  TestDesk desk;
  fs::create_directories(desk.folder / "done");
  fs::create_directories(desk.folder / "failed");
  write_file(desk.folder / "done" / "plain-07.jpg", "yesterday's envelope");
  write_file(desk.folder / "failed" / "list.csv", "yesterday's list");
  write_file(desk.folder / "plain-07.jpg", read_file(sample_path("plain-07.jpg")));
  write_file(desk.folder / "list.csv", "today's list");

  auto [summary, reports] = desk.run_once();
  CHECK(summary.done == 1);
  CHECK(summary.failed == 1);
  const FileReport* done = report_for(reports, "plain-07.jpg");
  REQUIRE(done != nullptr);
  CHECK(done->moved_to == fs::path("done/plain-07-2.jpg"));
  CHECK(read_file(desk.folder / "done" / "plain-07.jpg") == "yesterday's envelope");
  CHECK(read_file(desk.folder / "done" / "plain-07-2.jpg") ==
        read_file(sample_path("plain-07.jpg")));
  const FileReport* failed = report_for(reports, "list.csv");
  REQUIRE(failed != nullptr);
  CHECK(failed->moved_to == fs::path("failed/list-2.csv"));
  CHECK(read_file(desk.folder / "failed" / "list.csv") == "yesterday's list");
  CHECK(read_file(desk.folder / "failed" / "list-2.csv") == "today's list");
  CHECK(fs::exists(desk.folder / "failed" / "list-2.csv.reason.txt"));
}

TEST_CASE(
    "hot folder: while the database refuses, a file stays in the folder and is registered "
    "once the database is back") {
  TestDesk desk;
  FlakyStore flaky(*desk.store);
  intake::Registrar registrar(flaky, desk.images, desk.classifier, desk.clock,
                              {"watch:test", "system"});
  flaky.down = true;

  SUBCASE("watching: retried until it is registered") {
    HotFolderOptions o = options(k_settle_never, HotFolderMode::watch);
    o.retry_after = milliseconds{50};
    std::atomic<bool> still_in_folder_while_down{false};
    // The outage ends when the watcher has said so: the file must still be in the folder then.
    RunningFolder running(
        desk.folder, o, desk.scanner, desk.classifier, registrar, [&](const FileReport& report) {
          if (report.outcome != FileOutcome::retry_later) return;
          still_in_folder_while_down =
              fs::exists(desk.folder / "plain-08.jpg") && files_in(desk.folder / "failed").empty();
          flaky.down = false;
        });
    drop_by_rename(desk.folder, ".plain-08.tmp", "plain-08.jpg",
                   read_file(sample_path("plain-08.jpg")));
    const FileReport refused = running.wait_for("plain-08.jpg", 1);
    CHECK(refused.outcome == FileOutcome::retry_later);
    CHECK(refused.problem.render(common::Lang::en).find("database is locked") != std::string::npos);
    CHECK(refused.advice.render(common::Lang::en).find("tried again") != std::string::npos);
    CHECK(still_in_folder_while_down);
    const FileReport taken = running.wait_for("plain-08.jpg", 2);
    CHECK(taken.outcome == FileOutcome::done);
    REQUIRE(taken.envelopes.size() == 1);
    CHECK(taken.envelopes.front().outcome == db::ScanOutcome::registered);
    CHECK(running.stop().has_value());
    CHECK(files_in(desk.folder).empty());
    CHECK(desk.counts().scans == 1);
  }
  SUBCASE("once: left in the folder for the next run, not failed") {
    write_file(desk.folder / "plain-08.jpg", read_file(sample_path("plain-08.jpg")));
    intake::HotFolder hot_folder(desk.folder, options(milliseconds{0}, HotFolderMode::once),
                                 desk.scanner, desk.classifier, registrar);
    std::vector<FileReport> reports;
    auto summary = hot_folder.run([&](const FileReport& r) { reports.push_back(r); });
    REQUIRE(summary.has_value());
    CHECK(summary->left == 1);
    CHECK(summary->failed == 0);
    REQUIRE(reports.size() == 1);
    CHECK(reports.front().outcome == FileOutcome::retry_later);
    CHECK(fs::exists(desk.folder / "plain-08.jpg"));
    CHECK(files_in(desk.folder / "failed").empty());
    CHECK(desk.counts().scans == 0);
  }
}

TEST_CASE("hot folder: a second watcher on the same folder is refused while the first runs") {
  TestDesk desk;
  RunningFolder first(desk.folder, options(k_settle_never, HotFolderMode::watch), desk.scanner,
                      desk.classifier, desk.registrar);
  intake::HotFolder second(desk.folder, options(milliseconds{0}, HotFolderMode::once), desk.scanner,
                           desk.classifier, desk.registrar);
  auto refused = second.run([](const FileReport&) {});
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == common::ErrorCode::invalid_argument);
  CHECK(refused.error().message.find("already taking files from") != std::string::npos);
  CHECK(first.stop().has_value());

  // Once the first has stopped, the folder is free again.
  intake::HotFolder third(desk.folder, options(milliseconds{0}, HotFolderMode::once), desk.scanner,
                          desk.classifier, desk.registrar);
  CHECK(third.run([](const FileReport&) {}).has_value());
}

TEST_CASE("hot folder: a folder that does not exist is reported, not created") {
  TestDesk desk;
  intake::HotFolder hot_folder(desk.temp / "no-such-folder",
                               options(milliseconds{0}, HotFolderMode::once), desk.scanner,
                               desk.classifier, desk.registrar);
  auto result = hot_folder.run([](const FileReport&) {});
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == common::ErrorCode::not_found);
  CHECK(result.error().message.find("no-such-folder") != std::string::npos);
  CHECK_FALSE(fs::exists(desk.temp / "no-such-folder"));
}

TEST_CASE("regression: done/ and failed/ keep the envelopes private whatever the umask") {
  // They hold envelopes with an ID card's QR; they used to be created 0755 (with umask 022).
  TestDesk desk;
  struct UmaskFor {
    mode_t old;
    ~UmaskFor() { ::umask(old); }
  } umask_022{::umask(022)};
  // A done/ left open by an older hoso is tightened; failed/ is created private.
  fs::create_directory(desk.folder / "done");
  fs::permissions(desk.folder / "done", fs::perms(0755));
  write_file(desk.folder / "plain-01.jpg", read_file(sample_path("plain-01.jpg")));
  write_file(desk.folder / "notes.txt", "call the citizen back\n");
  auto [summary, reports] = desk.run_once();
  CHECK(summary.done == 1);
  CHECK(summary.failed == 1);
  for (const char* sub : {"done", "failed"}) {
    CAPTURE(sub);
    CHECK((fs::status(desk.folder / sub).permissions() & fs::perms::all) == fs::perms(0700));
  }
  // The reason written beside a failed file is no one else's either.
  CHECK((fs::status(desk.folder / "failed" / "notes.txt.reason.txt").permissions() &
         fs::perms::all) == fs::perms(0600));
}

TEST_CASE("regression: a file whose name is not UTF-8 is registered like any other") {
  // A scanner on a Latin-1 share names its files in Latin-1: "latén.jpg" as bytes 6C 61 74 E9 6E.
  // The name used to be mangled on its way to the decode worker, which then found no such file.
  TestDesk desk;
  const std::string name = "lat\xE9n.jpg";
  write_file(desk.folder / name, read_file(sample_path("plain-01.jpg")));
  auto [summary, reports] = desk.run_once();
  CHECK(summary.done == 1);
  CHECK(summary.failed == 0);
  REQUIRE(reports.size() == 1);
  const FileReport& report = reports.front();
  CHECK(report.name == name);
  CHECK(report.outcome == FileOutcome::done);
  CHECK(report.moved_to == fs::path("done") / name);
  REQUIRE(report.envelopes.size() == 1);
  CHECK(report.envelopes.front().outcome == db::ScanOutcome::registered);
  CHECK(report.envelopes.front().tracking_number == sample_tracking_numbers().at("plain-01.jpg"));
  CHECK(desk.counts().dossiers == 1);
  CHECK(desk.counts().manual_open == 0);
}
