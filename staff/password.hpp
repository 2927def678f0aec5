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

// Why `password` is too weak for a staff account ("at least 10 characters"), or nothing.
std::optional<common::Text> password_problem(std::string_view password);

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
