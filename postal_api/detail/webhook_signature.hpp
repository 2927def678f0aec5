// WebhookVerifier: decides whether a push claiming to come from the carrier really does: an RSA
// PKCS#1 v1.5 SHA-256 signature over Data + SendDate checked with the carrier's public key, and a
// SendDate close to our clock. Says which delivery it was (its key), but does not remember it:
// refusing a replay is done by the desk, in the transaction that applies the delivery
// (tracking::apply_webhook). Knows nothing about what Data says, about HTTP or about storage.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace postal_api::detail {

// A delivery verify() accepted.
struct VerifiedDelivery {
  std::string key;              // lower-case hex SHA-256 of the decoded signature
  common::Timestamp sent_at{};  // its SendDate
};

// Thread-safe: verify() may be called from several threads at once (it keeps no state).
//
// There is no in-memory replay memory here any more, not even as a fast path: it remembered a
// signature as soon as it verified, before the delivery was stored, so a delivery whose storing
// failed (a busy or full database) was refused as a replay when the carrier sent it again, and it
// forgot everything at a restart. The desk's table of seen deliveries, written in the transaction
// that applies the delivery, is the one memory; a replay costs a signature check and a write
// transaction that is rolled back, and only a delivery signed with the carrier's key and still
// within the tolerance gets that far.
class WebhookVerifier {
 public:
  // From a PEM public key ("-----BEGIN PUBLIC KEY-----"). Fails with bad_input when it is not one,
  // invalid_argument when `tolerance` is not between 1 s and postal_api::k_max_webhook_tolerance.
  // `clock` must outlive the verifier.
  static common::Result<std::unique_ptr<WebhookVerifier>> from_pem(std::string_view pem,
                                                                   const common::Clock& clock,
                                                                   std::chrono::seconds tolerance);
  // The same from a PEM file. Fails with not_found (missing file) or bad_input naming it.
  static common::Result<std::unique_ptr<WebhookVerifier>> load(const std::filesystem::path& file,
                                                               const common::Clock& clock,
                                                               std::chrono::seconds tolerance);

  ~WebhookVerifier();
  WebhookVerifier(const WebhookVerifier&) = delete;
  WebhookVerifier& operator=(const WebhookVerifier&) = delete;

  // Accepts a delivery iff `sign_data_base64` is a valid signature of `data` followed by
  // `send_date` with the carrier's key and `send_date` ("2026-11-29T10:15:00", Vietnam local time)
  // is within the tolerance of the clock; returns its key and send time. The same delivery
  // verified twice is accepted twice, with the same key. Fails with bad_input ("webhook refused:
  // ...") saying why, internal when OpenSSL fails.
  common::Result<VerifiedDelivery> verify(std::string_view data, std::string_view send_date,
                                          std::string_view sign_data_base64) const;

  // Verifies the signature only (no clock).
  bool signature_matches(std::string_view data, std::string_view send_date,
                         std::string_view sign_data_base64) const;

 private:
  struct Key;
  WebhookVerifier(std::unique_ptr<Key> key, const common::Clock& clock,
                  std::chrono::seconds tolerance);

  std::unique_ptr<Key> key_;
  const common::Clock& clock_;
  const std::chrono::seconds tolerance_;
};

// The key of a delivery signed with `signature` (the decoded bytes of SignData): its lower-case
// hex SHA-256 ("" only when OpenSSL cannot allocate). RSA PKCS#1 v1.5 signatures are
// deterministic, so one message signed with one key always has the same key, however its base64
// was wrapped.
std::string delivery_key_of(std::string_view signature);

// Decodes standard base64 (RFC 4648 §4), ignoring whitespace; nullopt for anything else.
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace postal_api::detail
