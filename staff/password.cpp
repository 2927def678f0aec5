#include "staff/password.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <mutex>
#include <vector>

#include "staff/messages.hpp"

namespace staff {
namespace {

// sodium_init is thread-safe and idempotent; calling it once keeps its cost off the hot path.
void ensure_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();  // no usable random source: nothing here is safe
  });
}

}  // namespace

std::optional<common::Text> password_problem(std::string_view password) {
  // Characters, not bytes: count UTF-8 lead bytes so "mật khẩu…" is measured as typed.
  std::size_t characters = 0;
  for (unsigned char c : password) characters += (c & 0xC0) != 0x80;
  if (characters < k_min_password_length) {
    return common::Text{msg::password_too_short,
                        {{"min", k_min_password_length}, {"length", characters}}};
  }
  if (password.size() > 1024) return common::Text{msg::password_too_long};
  return std::nullopt;
}

common::Result<std::string> hash_password(std::string_view password) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return common::make_error(common::ErrorCode::internal,
                              "hashing the password failed: not enough memory for Argon2id");
  }
  return std::string(out);
}

bool verify_password(std::string_view hash, std::string_view password) {
  ensure_sodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  const std::string terminated(hash);  // crypto_pwhash_str_verify wants a C string
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

void verify_password_decoy(std::string_view password) {
  static const std::string decoy = [] {
    auto hash = hash_password("decoy password, never a user's");
    return hash ? *hash : std::string();
  }();
  (void)verify_password(decoy, password);
}

std::string random_secret(std::size_t bytes) {
  ensure_sodium();
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

std::string secret_digest(std::string_view secret) {
  ensure_sodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex);
}

bool secrets_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace staff
