#include "db/image_store.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <string_view>

#include "common/private_files.hpp"

namespace db {

std::string sha256_hex(std::span<const std::uint8_t> bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::filesystem::path ImageStore::path_of(const std::string& hash,
                                          const std::string& extension) const {
  std::string name = hash;
  if (!extension.empty()) {
    name += '.';
    name += extension;
  }
  return root_ / hash.substr(0, 2) / name;
}

common::Result<std::string> ImageStore::put(std::span<const std::uint8_t> bytes,
                                            const std::string& extension) {
  const std::string hash = sha256_hex(bytes);
  const auto target = path_of(hash, extension);
  std::error_code ec;
  if (std::filesystem::exists(target, ec)) return hash;  // same content: already kept
  // The images carry ID card QRs: 0600 files in 0700 folders, whatever the umask.
  TRY(common::write_private_file(
      target, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())));
  return hash;
}

}  // namespace db
