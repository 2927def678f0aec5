// Secrets at rest: staff passwords hashed with Argon2id (libsodium's crypto_pwhash_str, its
// interactive limits), and random bearer secrets (session cookies, API tokens) of which only a
// SHA-256 is stored. Thread-safe. Knows nothing about users or storage.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace staff {

inline constexpr std::size_t k_min_password_length = 10;

// Why `password` is too weak for the staff account `login` (may be empty), or nothing: fewer than
// 10 characters; more than 1024 bytes; containing the login (case, diacritics and punctuation
// ignored); containing a word every guesser tries first ("password", "matkhau", "123456", with or
// without diacritics); based on a dictionary word or too simple a sequence or repetition, by
// libpwquality's checks with cracklib's dictionary. When that dictionary cannot be read (Debian's
// cracklib-runtime missing) every password is refused, saying so. Thread-safe.
std::optional<common::Text> password_problem(std::string_view password,
                                             std::string_view login = {});

// An Argon2id hash with a fresh salt, in the "$argon2id$v=19$m=...,t=...,p=1$..." format. Fails
// with internal when libsodium cannot allocate the memory the hash needs.
common::Result<std::string> hash_password(std::string_view password);

// True iff `password` matches `hash` (a string from hash_password). False for a malformed hash.
bool verify_password(std::string_view hash, std::string_view password);

// Spends about the time verify_password spends, so an unknown login takes as long as a wrong
// password.
void verify_password_decoy(std::string_view password);

// `bytes` random bytes from the system's CSPRNG, URL-safe base64 without padding.
std::string random_secret(std::size_t bytes = 32);

// The lower-case hex SHA-256 of `secret`: what is stored of a session cookie or an API token.
std::string secret_digest(std::string_view secret);

// Compares in time independent of where the strings differ (lengths may leak).
bool secrets_equal(std::string_view a, std::string_view b);

}  // namespace staff
