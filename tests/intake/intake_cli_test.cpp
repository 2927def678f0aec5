// `hoso init`, `hoso intake`, `hoso manual` and `hoso dossier` as a clerk runs them: the built
// program on a fresh database in a temporary folder.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <fmt/format.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>

#include "db/store.hpp"
#include "tests/scanner/test_support.hpp"

using nlohmann::json;
using test_support::CommandResult;
using test_support::shell_quote;
using test_support::TempDir;

namespace {

const std::filesystem::path k_source = HOSO_SOURCE_DIR;

// Runs `hoso <arguments>` with $HOSO_DB in `dir`, working in `dir` where `samples` links to the
// source tree's samples/. Each call has its own stderr file, so calls may run at the same time.
CommandResult hoso(const TempDir& dir, const std::string& arguments,
                   const std::string& input = {}) {
  static std::atomic<int> calls{0};
  std::error_code ec;
  if (!std::filesystem::exists(dir.path() / "samples", ec)) {
    std::filesystem::create_directory_symlink(k_source / "samples", dir.path() / "samples", ec);
  }
  const auto err_file = dir.path() / fmt::format(".stderr-{}", calls++);
  std::string command = "cd " + shell_quote(dir.path().string()) + " && ";
  if (!input.empty()) command += "printf '%s' " + shell_quote(input) + " | ";
  command += "HOSO_DB=" + shell_quote((dir.path() / "hoso.db").string()) + " " +
             shell_quote((test_support::bin_dir() / "hoso").string()) + " " + arguments + " 2>" +
             shell_quote(err_file.string());
  CommandResult result;
  std::FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
  const int status = ::pclose(pipe);
  if (status != -1 && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.err = test_support::read_file(err_file);
  return result;
}

void init(const TempDir& dir) {
  auto run = hoso(dir, "init --agency 000.00.05.H12 --agency-name 'Bộ phận Một cửa'");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
}

}  // namespace

TEST_CASE(
    "samples/envelopes scanned three times, twice at once, gives one dossier per envelope "
    "[sqlite]") {
  TempDir dir;
  init(dir);
  auto first = hoso(dir, "intake --json samples/envelopes/");
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  // Two scanning stations at the same moment.
  auto second = std::async(std::launch::async, [&] {
    return hoso(dir, "intake --json --station a samples/envelopes/");
  });
  auto third = hoso(dir, "intake --json --station b samples/envelopes/");
  auto second_result = second.get();
  REQUIRE(second_result.exit_code == 0);
  REQUIRE(third.exit_code == 0);

  // What the first run registered, per file.
  std::map<std::string, long long> dossier_of_file;
  std::set<std::string> manual_files;
  for (const auto& line : test_support::lines_of(first.out)) {
    auto j = json::parse(line);
    if (j.contains("dossier_id")) {
      CHECK(j.at("outcome") == "registered");
      dossier_of_file[j.at("file")] = j.at("dossier_id");
    } else {
      manual_files.insert(j.at("file"));
    }
  }
  // 132 envelopes, 11 of which carry two different tracking numbers and wait for a person; at
  // most 3 more whose label the scanner misses (see samples/README.md).
  CHECK(dossier_of_file.size() + manual_files.size() == 132);
  CHECK(dossier_of_file.size() >= 118);
  // The later runs found the same dossier for every file and registered nothing new.
  for (const auto* run : {&second_result, &third}) {
    for (const auto& line : test_support::lines_of(run->out)) {
      auto j = json::parse(line);
      const std::string file = j.at("file");
      if (dossier_of_file.count(file)) {
        CHECK(j.at("outcome") == "already_registered");
        CHECK(j.at("dossier_id") == dossier_of_file[file]);
      } else {
        CHECK(j.at("outcome") == "manual");
      }
    }
  }
  SQLite::Database raw((dir.path() / "hoso.db").string(), SQLite::OPEN_READONLY);
  CHECK(raw.execAndGet("SELECT count(*) FROM dossiers").getInt64() ==
        static_cast<long long>(dossier_of_file.size()));
  CHECK(raw.execAndGet("SELECT count(*) FROM shipments").getInt64() ==
        static_cast<long long>(dossier_of_file.size()));
  // Each dossier has its three scans in its history.
  CHECK(raw.execAndGet("SELECT count(*) FROM dossiers d WHERE (SELECT count(*) FROM scans s "
                       "WHERE s.dossier_id = d.id) != 3")
            .getInt64() == 0);
  CHECK(raw.execAndGet("SELECT count(*) FROM events WHERE action = 'scanned_again'").getInt64() ==
        2 * static_cast<long long>(dossier_of_file.size()));
  // The same file waiting three times is one item for the clerk.
  CHECK(raw.execAndGet("SELECT count(*) FROM manual_queue").getInt64() ==
        static_cast<long long>(manual_files.size()));
  CHECK(db::integrity_check(dir.path() / "hoso.db").value() == "ok");
}

TEST_CASE("a handover batch with the carrier's manifest prints the record and settles two labels") {
  TempDir dir;
  init(dir);
  auto run =
      hoso(dir,
           "intake --batch 'VNPost 2026-03-02 sáng' --handover-time '2026-03-02 09:30' "
           "--manifest samples/handover/vnpost-manifest.txt samples/envelopes/two_labels-01.jpg "
           "samples/envelopes/plain-01.jpg");
  INFO(run.out);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("BIÊN BẢN GIAO NHẬN") != std::string::npos);
  CHECK(run.out.find("2026-03-02 09:30:00") != std::string::npos);
  // two_labels-01 carries RR090597774VN and EA603136318VN; the manifest lists the first.
  CHECK(run.out.find("RR090597774VN: registered") != std::string::npos);
  CHECK(run.out.find("RC627973386VN: registered") != std::string::npos);
  CHECK(run.out.find("on the manifest but not scanned: 131") != std::string::npos);
  CHECK(run.out.find("scanned but not on the manifest: 0") != std::string::npos);

  auto shown = hoso(dir, "dossier show --json RR090597774VN");
  REQUIRE(shown.exit_code == 0);
  auto j = json::parse(shown.out);
  CHECK(j.at("filed_at") == "2026-03-02T09:30:00+07:00");  // the handover, not the scan
  CHECK(j.at("state") == "received");
  CHECK(j.at("national_status") == 1);
}

TEST_CASE("typed codes from a hand scanner register, and a wrong check digit waits for a clerk") {
  TempDir dir;
  init(dir);
  auto run = hoso(dir, "intake --stdin", "EB123456785VN\n\nEB123456789VN\nEB123456785VN\n");
  INFO(run.out);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("EB123456785VN: registered as dossier #1") != std::string::npos);
  CHECK(run.out.find("check digit should be 5, found 9 (UPU S10)") != std::string::npos);
  CHECK(run.out.find("EB123456785VN: already registered as dossier #1 (2nd scan)") !=
        std::string::npos);

  auto list = hoso(dir, "manual list");
  CHECK(list.out.find("bad_check_digit") != std::string::npos);
  CHECK(list.out.find("1 envelope waiting") != std::string::npos);

  auto wrong = hoso(dir, "manual resolve 1 EB123456780VN");
  CHECK(wrong.exit_code == 3);
  CHECK(wrong.err.find("check digit should be 5, found 0") != std::string::npos);

  auto resolved = hoso(dir, "manual resolve 1 EL491610889VN");
  INFO(resolved.err);
  CHECK(resolved.exit_code == 0);
  CHECK(resolved.out.find("EL491610889VN: registered as dossier #2") != std::string::npos);
  CHECK(hoso(dir, "manual list").out.find("0 envelopes waiting") != std::string::npos);
  auto missing = hoso(dir, "dossier show 99");
  CHECK(missing.exit_code == 4);
}

TEST_CASE("regression: a handover time without a batch is refused instead of ignored") {
  TempDir dir;
  init(dir);
  auto run = hoso(dir, "intake --stdin --handover-time '2026-11-20 09:30'", "EB123456785VN\n");
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("--handover-time belongs to a handover: add --batch NAME") !=
        std::string::npos);
  CHECK(hoso(dir, "dossier list").out.find("EB123456785VN") == std::string::npos);

  auto batch =
      hoso(dir, "intake --stdin --batch B1 --handover-time '2026-11-20 09:30'", "EB123456785VN\n");
  INFO(batch.err);
  CHECK(batch.exit_code == 0);
  CHECK(hoso(dir, "dossier show EB123456785VN").out.find("2026-11-20 09:30") != std::string::npos);
}

TEST_CASE("a corrupt image is kept in the manual queue with a reason, not lost") {
  TempDir dir;
  init(dir);
  dir.write("scan-0001.jpg", std::string("\xFF\xD8\xFF\xE0 truncated jpeg", 20));
  auto run = hoso(dir, "intake " + shell_quote((dir.path() / "scan-0001.jpg").string()));
  INFO(run.out);
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("needs a person") != std::string::npos);
  auto shown = hoso(dir, "manual show --json 1");
  REQUIRE(shown.exit_code == 0);
  auto j = json::parse(shown.out);
  CHECK(j.at("reason_code") == "unreadable");
  CHECK(j.at("file") == "scan-0001.jpg");
  const std::filesystem::path image = j.at("image").get<std::string>();
  CHECK(test_support::read_file(image) == std::string("\xFF\xD8\xFF\xE0 truncated jpeg", 20));
}

TEST_CASE("hoso without a database, or with one from a newer hoso, says what to do [sqlite]") {
  TempDir dir;
  auto run = hoso(dir, "dossier list");
  CHECK(run.exit_code == 4);
  CHECK(run.err.find("hoso init") != std::string::npos);
  init(dir);
  {
    SQLite::Database raw((dir.path() / "hoso.db").string(), SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA user_version = 42");
  }
  auto newer = hoso(dir, "dossier list");
  CHECK(newer.exit_code == 2);
  CHECK(newer.err.find("newer") != std::string::npos);
}

TEST_CASE("the calendar admin commands change due dates") {
  TempDir dir;
  init(dir);
  // Filed Thu 27 Aug 2026 10:00, 5 working days: 28 Aug, (29-30 weekend, 31 Aug and 1-2 Sep off
  // for National Day), 3, 4, 7, 8 Sep -> Tue 8 Sep 17:00.
  auto due = hoso(dir, "calendar due --filed '2026-08-27 10:00' --days 5");
  INFO(due.err);
  CHECK(due.out.find("due 2026-09-08 17:00:00") != std::string::npos);
  REQUIRE(hoso(dir, "calendar add 2026-09-03 --name 'Nghỉ thêm'").exit_code == 0);
  due = hoso(dir, "calendar due --filed '2026-08-27 10:00' --days 5");
  CHECK(due.out.find("due 2026-09-09 17:00:00") != std::string::npos);
  REQUIRE(hoso(dir, "calendar remove 2026-09-03").exit_code == 0);
  CHECK(hoso(dir, "calendar remove 2026-09-03").exit_code == 4);
  auto bad = hoso(dir, "calendar add 2026-02-30 --name x");
  CHECK(bad.exit_code == 3);
  CHECK(bad.err.find("2026-02-30") != std::string::npos);
}

TEST_CASE("regression: a manifest whose first line has a wrong check digit says so") {
  TempDir dir;
  init(dir);
  dir.write("manifest.txt", "EB123456789VN\nEL491610889VN\n");
  auto run = hoso(dir,
                  "intake --batch B --manifest " +
                      shell_quote((dir.path() / "manifest.txt").string()) + " --stdin",
                  "EL491610889VN\n");
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK(run.err.find("manifest.txt:1: EB123456789VN: check digit should be 5") !=
        std::string::npos);
}

TEST_CASE("regression: dossier show finds an all-digit tracking number and refuses an empty key") {
  TempDir dir;
  init(dir);
  // Viettel Post numbers are all digits (samples/carriers/tracking_patterns.json).
  REQUIRE(hoso(dir, "intake --stdin", "EB123456785VN\nEL491610889VN\n10345381626\n").exit_code ==
          0);
  auto by_number = hoso(dir, "dossier show --json 10345381626");
  INFO(by_number.err);
  REQUIRE(by_number.exit_code == 0);
  CHECK(json::parse(by_number.out).at("id") == 3);
  CHECK(json::parse(hoso(dir, "dossier show --json '#2'").out).at("id") == 2);
  CHECK(hoso(dir, "dossier show ''").exit_code == 4);
}

TEST_CASE(
    "regression: hoso init adds shipped days around the admin's, and keeps removed days out") {
  TempDir dir;
  init(dir);
  // The admin adds one 2027 day and removes Tết's first 2027 day off (4 Feb, an estimate).
  REQUIRE(hoso(dir, "calendar add 2027-11-24 --name 'Ngày Văn hóa Việt Nam'").exit_code == 0);
  REQUIRE(hoso(dir, "calendar remove 2027-02-04").exit_code == 0);
  auto again = hoso(dir, "init");
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(again.out.find("1 removed by `hoso calendar remove` left out") != std::string::npos);
  const auto list = hoso(dir, "calendar list --year 2027").out;
  CHECK(list.find("2027-11-24") != std::string::npos);
  CHECK(list.find("2027-02-04") == std::string::npos);
  CHECK(list.find("2027-02-05") != std::string::npos);  // the rest of Tết is still there
}

TEST_CASE("regression: hoso scan and hoso intake read a file whose name is not UTF-8") {
  TempDir dir;
  init(dir);
  // "latén.jpg" named in Latin-1, as a scanner on an old share writes it.
  const std::string name = "lat\xE9n.jpg";
  dir.write(name, test_support::read_file(k_source / "samples" / "envelopes" / "plain-01.jpg"));
  const std::string expected = "RC627973386VN";  // samples/envelopes/truth.tsv

  auto scanned = hoso(dir, "scan --json " + shell_quote(name));
  INFO(scanned.out);
  INFO(scanned.err);
  CHECK(scanned.exit_code == 0);
  CHECK(scanned.out.find(expected) != std::string::npos);

  auto run = hoso(dir, "intake --json " + shell_quote(name));
  INFO(run.out);
  INFO(run.err);
  CHECK(run.exit_code == 0);
  const auto lines = test_support::lines_of(run.out);
  REQUIRE(lines.size() == 1);
  const json j = json::parse(lines.front());
  CHECK(j.at("outcome") == "registered");
  CHECK(j.at("tracking_number") == expected);
}

namespace {

struct Measured {
  int exit_code = -1;
  long peak_kb = 0;  // the largest resident set of any process the command ran
  std::string out;
  std::string err;
};

// Runs `command` with /bin/sh in `dir` ($HOSO_DB set as hoso() does) and measures its memory.
Measured run_measured(const TempDir& dir, const std::string& command) {
  const auto out_file = dir.path() / ".stdout-measured";
  const auto err_file = dir.path() / ".stderr-measured";
  const std::string full = "cd " + shell_quote(dir.path().string()) +
                           " && export HOSO_DB=" + shell_quote((dir.path() / "hoso.db").string()) +
                           " && { " + command + "; } >" + shell_quote(out_file.string()) + " 2>" +
                           shell_quote(err_file.string());
  const char* argv[] = {"sh", "-c", full.c_str(), nullptr};
  pid_t pid = 0;
  REQUIRE(::posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) == 0);
  int status = 0;
  rusage usage{};
  REQUIRE(::wait4(pid, &status, 0, &usage) == pid);
  Measured result;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.peak_kb = usage.ru_maxrss;
  result.out = test_support::read_file(out_file);
  result.err = test_support::read_file(err_file);
  return result;
}

}  // namespace

TEST_CASE(
    "regression: random bytes on standard input are refused, not queued for a clerk [sqlite]") {
  TempDir dir;
  init(dir);
  std::mt19937 random(20261206);
  std::string noise(2u << 20, '\0');
  for (char& c : noise) c = static_cast<char>(random() & 0xFF);
  dir.write("noise.bin", noise);
  const auto lines = std::count(noise.begin(), noise.end(), '\n') + 1;

  auto run = hoso(dir, "intake --stdin < noise.bin");
  INFO(run.err.substr(0, 2000));
  CHECK(run.exit_code == 3);  // bad input
  // Ten refusals are shown one by one, then how many there were.
  CHECK(run.err.find("hoso: line 1 ") == 0);
  const auto counted =
      run.err.find(" lines could not be codes and were skipped (the first: stdin:");
  REQUIRE(counted != std::string::npos);
  const auto start = run.err.rfind("hoso: ", counted) + 6;
  const long refused = std::stol(run.err.substr(start, counted - start));
  CHECK(refused > lines * 99 / 100);
  CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 11);

  // Random bytes are no codes: the clerk finds next to nothing to look at (it was 7,819 items).
  // A run of six printable characters reads like typed text, and this noise holds one.
  SQLite::Database raw((dir.path() / "hoso.db").string(), SQLite::OPEN_READONLY);
  CAPTURE(lines);
  CAPTURE(refused);
  CHECK(raw.execAndGet("SELECT count(*) FROM manual_queue").getInt64() <= 1);
}

TEST_CASE("regression: a 300 MB line on standard input is skipped in bounded memory") {
  TempDir dir;
  init(dir);
  const std::string hoso_path = shell_quote((test_support::bin_dir() / "hoso").string());
  auto baseline = run_measured(dir, "printf 'EB123456785VN\\n' | " + hoso_path + " intake --stdin");
  REQUIRE(baseline.exit_code == 0);

  auto run = run_measured(dir,
                          "{ head -c 300000000 /dev/zero | tr '\\0' A; printf "
                          "'\\nRB924926062VN\\n'; } | " +
                              hoso_path + " intake --stdin");
  INFO(run.err);
  INFO(run.out);
  CHECK(run.exit_code == 3);
  CHECK(run.err.find("line 1 is longer than 1024 bytes, which no code is: skipped") !=
        std::string::npos);
  // The code after it is registered.
  CHECK(run.out.find("RB924926062VN") != std::string::npos);
  CHECK(run.out.find("1 new dossier") != std::string::npos);
  // The line was never held: the run took no more memory than one with a single short line
  // (it took 685 MB when the line was read whole).
  CAPTURE(baseline.peak_kb);
  CAPTURE(run.peak_kb);
  CHECK(run.peak_kb < baseline.peak_kb + 32 * 1024);
}

TEST_CASE(
    "regression: a temporary image left by a killed process is swept when hoso watch starts") {
  TempDir dir;
  init(dir);
  // What db::ImageStore::put leaves when its process is killed between write and rename.
  const auto folder = dir.path() / "images" / "3f";
  const std::string name = fmt::format(".3f{}.31337.0.tmp", std::string(62, '0'));
  dir.write(fmt::format("images/3f/{}", name), std::string(4096, 'x'));
  std::filesystem::last_write_time(
      folder / name, std::filesystem::file_time_type::clock::now() - std::chrono::hours(3));
  // A write in progress in another process, and a file that is not ours, stay.
  const std::string fresh = fmt::format(".3f{}.31338.0.tmp", std::string(62, '1'));
  dir.write(fmt::format("images/3f/{}", fresh), "x");
  dir.write("images/3f/.other.tmp", "x");
  std::filesystem::last_write_time(
      folder / ".other.tmp", std::filesystem::file_time_type::clock::now() - std::chrono::hours(3));
  std::filesystem::create_directories(dir.path() / "scans");

  auto run = hoso(dir, "watch --once scans");
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(folder / name));
  CHECK(std::filesystem::exists(folder / fresh));
  CHECK(std::filesystem::exists(folder / ".other.tmp"));
}

TEST_CASE(
    "regression: hoso scan and hoso intake name and skip a FIFO and a symlink loop [sqlite]") {
  TempDir dir;
  init(dir);
  dir.write("ok.jpg", test_support::read_file(k_source / "samples" / "envelopes" / "plain-01.jpg"));
  REQUIRE(::mkfifo((dir.path() / "pipe.jpg").c_str(), 0644) == 0);
  std::filesystem::create_symlink("loop2.jpg", dir.path() / "loop1.jpg");
  std::filesystem::create_symlink("loop1.jpg", dir.path() / "loop2.jpg");
  auto scanned = hoso(dir, "scan pipe.jpg loop1.jpg ok.jpg");
  INFO(scanned.out);
  INFO(scanned.err);
  CHECK(scanned.exit_code == 3);  // some input could not be read
  CHECK(scanned.out.find("RC627973386VN") != std::string::npos);
  CHECK(
      scanned.err.find("pipe.jpg is not a regular file (a pipe, a socket or a device): skipped") !=
      std::string::npos);
  CHECK(scanned.err.find("loop1.jpg is a symbolic link that loops: skipped") != std::string::npos);

  auto run = hoso(dir, "intake --json pipe.jpg loop1.jpg ok.jpg");
  INFO(run.out);
  INFO(run.err);
  CHECK(run.exit_code == 3);
  const auto lines = test_support::lines_of(run.out);
  REQUIRE(lines.size() == 3);
  CHECK(json::parse(lines[0]).at("file") == "pipe.jpg");
  CHECK(json::parse(lines[0]).at("error").at("code") == "bad_input");
  CHECK(json::parse(lines[1]).at("file") == "loop1.jpg");
  CHECK(json::parse(lines[2]).at("outcome") == "registered");
  // Nothing waits in the manual queue for the pipe.
  SQLite::Database raw((dir.path() / "hoso.db").string(), SQLite::OPEN_READONLY);
  CHECK(raw.execAndGet("SELECT count(*) FROM manual_queue").getInt64() == 0);
}
