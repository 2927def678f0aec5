// WebhookVerifier: decides whether a push claiming to come from the carrier really does: an RSA
// PKCS#1 v1.5 SHA-256 signature over Data + SendDate checked with the carrier's public key, a
// SendDate close to our clock, and no signature accepted twice (replay). Knows nothing about what
// Data says or about HTTP.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace postal_api::detail {

// Thread-safe: verify() may be called from several threads at once.
class WebhookVerifier {
 public:
  // From a PEM public key ("-----BEGIN PUBLIC KEY-----"). Fails with bad_input when it is not one.
  // `clock` must outlive the verifier. At most `max_remembered` accepted signatures are kept for
  // replay detection (each only as long as its SendDate is within `tolerance` of the clock).
  static common::Result<std::unique_ptr<WebhookVerifier>> from_pem(
      std::string_view pem, const common::Clock& clock, std::chrono::seconds tolerance,
      std::size_t max_remembered = 100000);
  // The same from a PEM file. Fails with not_found (missing file) or bad_input naming it.
  static common::Result<std::unique_ptr<WebhookVerifier>> load(const std::filesystem::path& file,
                                                               const common::Clock& clock,
                                                               std::chrono::seconds tolerance,
                                                               std::size_t max_remembered = 100000);

  ~WebhookVerifier();
  WebhookVerifier(const WebhookVerifier&) = delete;
  WebhookVerifier& operator=(const WebhookVerifier&) = delete;

  // Accepts a delivery iff `sign_data_base64` is a valid signature of `data` followed by
  // `send_date` with the carrier's key, `send_date` ("2026-11-29T10:15:00", Vietnam local time) is
  // within the tolerance of the clock, and the signature was not accepted before; an accepted
  // signature is remembered. Fails with bad_input ("webhook refused: ...") saying which.
  common::Result<void> verify(std::string_view data, std::string_view send_date,
                              std::string_view sign_data_base64);

  // How many accepted signatures are remembered now (for tests of the memory's bounds).
  std::size_t remembered() const;

  // Verifies the signature only (no clock, no replay memory).
  bool signature_matches(std::string_view data, std::string_view send_date,
                         std::string_view sign_data_base64) const;

 private:
  struct Key;
  WebhookVerifier(std::unique_ptr<Key> key, const common::Clock& clock,
                  std::chrono::seconds tolerance, std::size_t max_remembered);

  std::unique_ptr<Key> key_;
  const common::Clock& clock_;
  const std::chrono::seconds tolerance_;
  const std::size_t max_remembered_;
  mutable std::mutex mutex_;
  std::set<std::string> accepted_;                         // decoded signatures
  std::multimap<common::Timestamp, std::string> by_time_;  // the same by SendDate, for pruning
};

// Decodes standard base64 (RFC 4648 §4), ignoring whitespace; nullopt for anything else.
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace postal_api::detail
