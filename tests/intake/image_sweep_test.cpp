// The temporary images a killed process leaves in the image store are swept, and nothing else.
#include "intake/image_sweep.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <chrono>
#include <string>

#include "db/image_store.hpp"
#include "tests/support/files.hpp"

namespace {

namespace fs = std::filesystem;
using test_support::TempDir;

const std::string k_hash = fmt::format("ab{}", std::string(62, 'c'));

// A file whose modification time is `age` ago.
fs::path old_file(const fs::path& path, std::chrono::seconds age, std::string_view content = "x") {
  test_support::write_file(path, content);
  fs::last_write_time(path, fs::file_time_type::clock::now() - age);
  return path;
}

}  // namespace

TEST_CASE("image temporaries are named like the image store names them, and only those") {
  CHECK(intake::is_image_temporary_name(fmt::format(".{}.4242.0.tmp", k_hash)));
  CHECK(intake::is_image_temporary_name(fmt::format(".{}.1.17.tmp", k_hash)));
  CHECK_FALSE(intake::is_image_temporary_name(fmt::format("{}.4242.0.tmp", k_hash)));  // not hidden
  CHECK_FALSE(intake::is_image_temporary_name(fmt::format(".{}.jpg", k_hash)));
  CHECK_FALSE(intake::is_image_temporary_name(fmt::format(".{}.4242.tmp", k_hash)));
  CHECK_FALSE(intake::is_image_temporary_name(fmt::format(".{}.4242.0.tmp", k_hash.substr(1))));
  CHECK_FALSE(intake::is_image_temporary_name(fmt::format(".AB{}.4242.0.tmp", k_hash.substr(2))));
  CHECK_FALSE(intake::is_image_temporary_name(fmt::format(".{}.42x.0.tmp", k_hash)));
  CHECK_FALSE(intake::is_image_temporary_name(".notes.tmp"));
  CHECK_FALSE(intake::is_image_temporary_name(""));
}

TEST_CASE("a sweep removes old image temporaries and keeps fresh ones, images and other files") {
  TempDir dir;
  const fs::path root = dir / "images";
  db::ImageStore store(root);
  const std::string image = "\xFF\xD8\xFF kept image";
  const auto hash =
      store.put({reinterpret_cast<const std::uint8_t*>(image.data()), image.size()}, "jpg");
  REQUIRE(hash.has_value());
  const fs::path kept = store.path_of(*hash, "jpg");
  fs::last_write_time(kept, fs::file_time_type::clock::now() - std::chrono::hours(48));
  const fs::path folder = root / "ab";
  const auto stale = old_file(folder / fmt::format(".{}.4242.0.tmp", k_hash), std::chrono::hours(2),
                              std::string(1000, 'x'));
  const auto fresh =
      old_file(folder / fmt::format(".{}.4243.0.tmp", k_hash), std::chrono::minutes(5));
  const auto other = old_file(folder / ".notes.tmp", std::chrono::hours(2));
  const auto outside = old_file(dir / fmt::format(".{}.4242.0.tmp", k_hash), std::chrono::hours(2));

  const auto report = intake::sweep_stale_image_temporaries(root, fs::file_time_type::clock::now());
  CHECK(report.removed == 1);
  CHECK(report.bytes == 1000);
  CHECK(report.failed == 0);
  CHECK_FALSE(fs::exists(stale));
  CHECK(fs::exists(fresh));
  CHECK(fs::exists(other));
  CHECK(fs::exists(outside));
  CHECK(fs::exists(kept));
  CHECK(intake::sweep_stale_image_temporaries(dir / "none", fs::file_time_type::clock::now())
            .removed == 0);
}
