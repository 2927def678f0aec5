#include "staff/password.hpp"

#include <fmt/format.h>
#include <pwquality.h>
#include <sodium.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/unicode.hpp"

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

namespace {

// Words in the passwords every guesser tries first, folded as folded_alnum folds a password. The
// dictionary check (cracklib's English words) misses the Vietnamese ones and most of these with
// digits around them.
constexpr std::string_view k_common_words[] = {
    "password", "passw0rd", "matkhau", "anhyeuem", "emyeuanh", "iloveyou", "qwerty", "asdfgh",
    "abc123",   "123456",   "654321",  "111111",   "123123",   "000000",   "987654"};

// `text` folded for comparison: lower case, without diacritics, letters and digits only
// ("Mật-Khẩu 2026" -> "matkhau2026").
std::string folded_alnum(std::string_view text) {
  std::string out;
  for (char c : common::search_fold(text)) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
  }
  return out;
}

// libpwquality's own checks: a dictionary word (cracklib), a palindrome, a sequence, the login in
// some form. cracklib is not thread-safe.
std::optional<common::Text> pwquality_problem(const std::string& password,
                                              const std::string& login) {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  std::unique_ptr<pwquality_settings_t, decltype(&pwquality_free_settings)> settings(
      pwquality_default_settings(), &pwquality_free_settings);
  if (!settings) return common::Text{msg::password_unchecked, {{"detail", "out of memory"}}};
  // Our own length rule stands; the system's /etc/security/pwquality.conf is not read, so every
  // desk checks alike.
  pwquality_set_int_value(settings.get(), PWQ_SETTING_MIN_LENGTH, 6);
  pwquality_set_int_value(settings.get(), PWQ_SETTING_DICT_CHECK, 1);
  pwquality_set_int_value(settings.get(), PWQ_SETTING_USER_CHECK, 1);
  void* detail = nullptr;
  const int score = pwquality_check(settings.get(), password.c_str(), nullptr,
                                    login.empty() ? nullptr : login.c_str(), &detail);
  if (score >= 0) return std::nullopt;
  switch (score) {
    case PWQ_ERROR_CRACKLIB_CHECK: {
      const std::string_view why = detail ? static_cast<const char*>(detail) : "";
      if (why.starts_with("error loading dictionary")) {
        return common::Text{msg::password_unchecked, {{"detail", std::string(why)}}};
      }
      return common::Text{msg::password_dictionary};
    }
    case PWQ_ERROR_USER_CHECK:
      return common::Text{msg::password_contains_login, {{"login", login}}};
    case PWQ_ERROR_MEM_ALLOC:
    case PWQ_ERROR_FATAL_FAILURE:
      return common::Text{msg::password_unchecked, {{"detail", "libpwquality failed"}}};
    default:  // a palindrome, a repetition, a sequence, only case changes
      return common::Text{msg::password_too_simple};
  }
}

}  // namespace

std::optional<common::Text> password_problem(std::string_view password, std::string_view login) {
  // Characters, not bytes: count UTF-8 lead bytes so "mật khẩu…" is measured as typed.
  std::size_t characters = 0;
  for (unsigned char c : password) characters += (c & 0xC0) != 0x80;
  if (characters < k_min_password_length) {
    return common::Text{msg::password_too_short,
                        {{"min", k_min_password_length}, {"length", characters}}};
  }
  if (password.size() > 1024) return common::Text{msg::password_too_long};
  const std::string folded = folded_alnum(password);
  // Logins are [a-z0-9._-]: "lan.nt" is in "LanNT-2026" once both are folded. A login of two
  // letters is in too many words to refuse them all.
  const std::string login_folded = folded_alnum(login);
  if (login_folded.size() >= 3 && folded.find(login_folded) != std::string::npos) {
    return common::Text{msg::password_contains_login, {{"login", std::string(login)}}};
  }
  for (std::string_view word : k_common_words) {
    if (folded.find(word) != std::string::npos) {
      return common::Text{msg::password_common, {{"word", std::string(word)}}};
    }
  }
  return pwquality_problem(std::string(password), std::string(login));
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
