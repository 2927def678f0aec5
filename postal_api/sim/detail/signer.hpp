// The simulator's webhook signing key: an RSA 2048 key made at start, its public half as PEM, and
// base64(RSA PKCS#1 v1.5 SHA-256) signatures (samples/carriers/vnpost/README.md, "Webhook").
// Keeps OpenSSL out of the simulator's other files. Internal to postal_api/sim.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace postal_api::sim::detail {

class Signer {
 public:
  // Generates a fresh RSA 2048 key. Fails with internal when OpenSSL refuses.
  static common::Result<Signer> generate();

  Signer(Signer&&) noexcept;
  Signer& operator=(Signer&&) noexcept;
  ~Signer();

  // The public key, "-----BEGIN PUBLIC KEY-----..." (SubjectPublicKeyInfo PEM).
  const std::string& public_key_pem() const { return public_pem_; }

  // base64 of the RSA PKCS#1 v1.5 SHA-256 signature of `message`. Fails with internal when
  // OpenSSL refuses. Thread-safe.
  common::Result<std::string> sign(std::string_view message) const;

 private:
  struct Key;
  explicit Signer(std::unique_ptr<Key> key, std::string public_pem);
  std::unique_ptr<Key> key_;
  std::string public_pem_;
};

}  // namespace postal_api::sim::detail
