#include "intake/envelope_reader.hpp"

#include "intake/messages.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <system_error>

namespace intake {

std::string image_type_of(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  if (!ext.empty() && ext.front() == '.') ext.erase(0, 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // Only a plain short extension becomes part of a stored file name.
  const bool plain = ext.size() <= 5 && std::all_of(ext.begin(), ext.end(), [](unsigned char c) {
                       return std::isalnum(c) != 0;
                     });
  return plain ? ext : std::string("bin");
}

namespace {

// A scanner failure as a message; a technical one (no message) keeps its English words.
common::Text error_text(const common::Error& error) {
  if (!error.text.empty()) return error.text;
  return common::Text{msg::reason_as_written, {{"detail", error.message}}};
}

std::vector<EnvelopeScan> envelopes_of(const scanner::FileResult& result, EnvelopeScan base,
                                       const common::Text& keep_error, const Classifier& classifier,
                                       const std::string& idempotency_key);

}  // namespace

std::vector<EnvelopeScan> envelopes_from(const scanner::FileResult& result,
                                         const Classifier& classifier,
                                         std::optional<db::Id> batch_id,
                                         const std::string& idempotency_key) {
  EnvelopeScan base;
  base.source_name = std::filesystem::path(result.file).filename().string();
  base.image_type = image_type_of(result.file);
  base.batch_id = batch_id;

  common::Text keep_error;
  // Opened without blocking and checked through the descriptor: a path that is (or became) a
  // pipe must not hold the caller.
  const int fd = ::open(result.file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  struct stat st {};
  if (fd < 0) {
    keep_error =
        common::Text{msg::file_not_kept,
                     {{"detail", std::error_code(errno, std::generic_category()).message()}}};
  } else if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    keep_error = common::Text{msg::file_not_kept, {{"detail", common::Text{msg::read_error}}}};
  } else if (static_cast<std::uintmax_t>(st.st_size) > k_max_kept_image_bytes) {
    const auto size = static_cast<std::uintmax_t>(st.st_size);
    keep_error =
        common::Text{msg::file_not_kept_size,
                     {{"size_mb", size >> 20}, {"limit_mb", k_max_kept_image_bytes >> 20}}};
  } else {
    base.image.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < base.image.size()) {
      const ssize_t n = ::read(fd, base.image.data() + got, base.image.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    if (got != base.image.size()) {
      base.image.clear();
      keep_error = common::Text{msg::file_not_kept, {{"detail", common::Text{msg::read_error}}}};
    }
  }
  if (fd >= 0) ::close(fd);
  return envelopes_of(result, std::move(base), keep_error, classifier, idempotency_key);
}

std::vector<EnvelopeScan> envelopes_from_bytes(const scanner::FileResult& result,
                                               std::span<const std::uint8_t> content,
                                               const std::string& image_type,
                                               const Classifier& classifier,
                                               std::optional<db::Id> batch_id,
                                               const std::string& idempotency_key) {
  EnvelopeScan base;
  base.source_name = std::filesystem::path(result.file).filename().string();
  base.image_type = image_type;
  base.batch_id = batch_id;
  common::Text keep_error;
  if (content.size() > k_max_kept_image_bytes) {
    keep_error = common::Text{
        msg::file_not_kept_size,
        {{"size_mb", content.size() >> 20}, {"limit_mb", k_max_kept_image_bytes >> 20}}};
  } else {
    base.image.assign(content.begin(), content.end());
  }
  return envelopes_of(result, std::move(base), keep_error, classifier, idempotency_key);
}

namespace {

std::vector<EnvelopeScan> envelopes_of(const scanner::FileResult& result, EnvelopeScan base,
                                       const common::Text& keep_error, const Classifier& classifier,
                                       const std::string& idempotency_key) {
  auto with_key = [&](EnvelopeScan& scan, int page) {
    if (!idempotency_key.empty())
      scan.idempotency_key = fmt::format("{}:{}", idempotency_key, page);
  };

  std::vector<EnvelopeScan> out;
  if (result.error || result.pages.empty()) {
    EnvelopeScan scan = base;
    scan.scan_error_text =
        result.error ? error_text(*result.error) : common::Text{msg::no_page_read};
    if (!keep_error.empty()) {
      scan.scan_error_text = common::Text{
          msg::problems_joined, {{"first", std::move(scan.scan_error_text)}, {"rest", keep_error}}};
    }
    scan.scan_error = scan.scan_error_text.render(common::Lang::en);
    with_key(scan, 0);
    out.push_back(std::move(scan));
    return out;
  }
  for (const scanner::PageResult& page : result.pages) {
    EnvelopeScan scan = base;
    scan.page = page.page;
    if (page.error) {
      scan.scan_error = page.error->message;
      scan.scan_error_text = error_text(*page.error);
    } else {
      scan.codes = classifier.classify(page.symbols);
    }
    with_key(scan, page.page);
    out.push_back(std::move(scan));
  }
  return out;
}

}  // namespace

}  // namespace intake
