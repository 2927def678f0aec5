// Webhook pushes signed with a key made in the test: what the carrier client accepts and what it
// refuses, and the key that names each delivery (replays are refused by the desk: see
// tests/tracking/carrier_sync_test.cpp and tests/app/serve_test.cpp).
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "postal_api/detail/webhook_signature.hpp"
#include "postal_api/vnpost.hpp"

using common::ErrorCode;
using postal_api::detail::WebhookVerifier;

namespace {

// An RSA key pair standing in for the carrier's.
class CarrierKey {
 public:
  CarrierKey() : key_(EVP_RSA_gen(2048)) { REQUIRE(key_ != nullptr); }
  ~CarrierKey() { EVP_PKEY_free(key_); }
  CarrierKey(const CarrierKey&) = delete;
  CarrierKey& operator=(const CarrierKey&) = delete;

  std::string public_pem() const {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, key_);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(size));
    BIO_free(bio);
    return pem;
  }

  // base64 of the RSA PKCS#1 v1.5 SHA-256 signature over data + send_date.
  std::string sign(const std::string& data, const std::string& send_date) const {
    const std::string message = data + send_date;
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    std::size_t size = 0;
    REQUIRE(EVP_DigestSignInit(context, nullptr, EVP_sha256(), nullptr, key_) == 1);
    REQUIRE(EVP_DigestSign(context, nullptr, &size,
                           reinterpret_cast<const unsigned char*>(message.data()),
                           message.size()) == 1);
    std::string signature(size, '\0');
    REQUIRE(EVP_DigestSign(context, reinterpret_cast<unsigned char*>(signature.data()), &size,
                           reinterpret_cast<const unsigned char*>(message.data()),
                           message.size()) == 1);
    EVP_MD_CTX_free(context);
    signature.resize(size);
    std::string encoded(4 * ((size + 2) / 3) + 1, '\0');
    const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                       reinterpret_cast<const unsigned char*>(signature.data()),
                                       static_cast<int>(size));
    encoded.resize(static_cast<std::size_t>(length));
    return encoded;
  }

 private:
  EVP_PKEY* key_;
};

const CarrierKey& carrier_key() {
  static const CarrierKey key;
  return key;
}

const std::string k_data =
    R"({"ItemCode":"EB000100128VN","OrderCode":"HS-000123-R1","StatusId":91,)"
    R"("StatusName":"Phát không thành công","CreateTime":"2026-11-21T10:30:00",)"
    R"("PostOfficeCode":"100900","PostOfficeName":"Bưu cục phát Hoàn Kiếm",)"
    R"("Description":"Người nhận vắng nhà"})";

common::Timestamp local(const char* text) { return common::parse_local(text).value(); }

std::string delivery_body(const std::string& data, const std::string& send_date,
                          const std::string& signature) {
  return nlohmann::json{{"Data", data}, {"SendDate", send_date}, {"SignData", signature}}.dump();
}

// The adapter with the test key as the carrier's webhook key.
class WebhookDesk {
 public:
  explicit WebhookDesk(const common::Clock& clock) {
    std::random_device random;
    key_file_ = std::filesystem::temp_directory_path() /
                fmt::format("hoso-webhook-test-{:08x}{:08x}.pem", random(), random());
    std::ofstream(key_file_, std::ios::binary) << carrier_key().public_pem();
    postal_api::CarrierConfig config;
    config.base_url = "http://127.0.0.1:1/api/api/";
    config.status_map =
        std::filesystem::path(HOSO_SOURCE_DIR) / "samples/carriers/vnpost-status.csv";
    config.webhook_public_key = key_file_;
    auto made = postal_api::make_vnpost_carrier(config, clock);
    REQUIRE_MESSAGE(made, (made ? std::string() : made.error().message));
    carrier_ = std::move(*made);
  }
  ~WebhookDesk() {
    std::error_code ignored;
    std::filesystem::remove(key_file_, ignored);
  }
  WebhookDesk(const WebhookDesk&) = delete;
  WebhookDesk& operator=(const WebhookDesk&) = delete;
  postal_api::Carrier& carrier() { return *carrier_; }

 private:
  std::filesystem::path key_file_;
  std::unique_ptr<postal_api::Carrier> carrier_;
};

}  // namespace

TEST_CASE("a correctly signed, fresh webhook is accepted and says what happened") {
  common::ManualClock clock(local("2026-11-21T10:31:30"));
  WebhookDesk desk(clock);
  const std::string send_date = "2026-11-21T10:31:02";
  postal_api::WebhookRequest request;
  request.body = delivery_body(k_data, send_date, carrier_key().sign(k_data, send_date));
  auto delivery = desk.carrier().parse_webhook(request);
  REQUIRE_MESSAGE(delivery, (delivery ? std::string() : delivery.error().message));
  CHECK(delivery->tracking_number == "EB000100128VN");
  CHECK(delivery->event.carrier_code == "91");
  CHECK(delivery->event.status == postal_api::ShipmentStatus::delivery_failed);
  CHECK(delivery->event.time == local("2026-11-21T10:30:00"));
  CHECK(delivery->event.location_code == "100900");
  CHECK(delivery->sent_at == local(send_date.c_str()));
  // The delivery's key: the hex SHA-256 of the signature's bytes.
  const auto signature =
      postal_api::detail::decode_base64(carrier_key().sign(k_data, send_date)).value();
  CHECK(delivery->delivery_key == postal_api::detail::delivery_key_of(signature));
  CHECK(delivery->delivery_key.size() == 64);
  CHECK(delivery->delivery_key.find_first_not_of("0123456789abcdef") == std::string::npos);
}

TEST_CASE("a webhook whose Data was changed after signing is refused") {
  common::ManualClock clock(local("2026-11-21T10:31:30"));
  WebhookDesk desk(clock);
  const std::string send_date = "2026-11-21T10:31:02";
  std::string forged = k_data;
  forged.replace(forged.find("91"), 2, "100");
  postal_api::WebhookRequest request;
  request.body = delivery_body(forged, send_date, carrier_key().sign(k_data, send_date));
  auto delivery = desk.carrier().parse_webhook(request);
  REQUIRE_FALSE(delivery);
  CHECK(delivery.error().code == ErrorCode::bad_input);
  CHECK(delivery.error().message ==
        "webhook refused: signature does not verify with the carrier's public key");
}

TEST_CASE("a webhook signed with another key, or not signed, is refused") {
  common::ManualClock clock(local("2026-11-21T10:31:30"));
  const CarrierKey stranger;
  auto verifier =
      WebhookVerifier::from_pem(carrier_key().public_pem(), clock, std::chrono::minutes(10));
  REQUIRE(verifier);
  const std::string send_date = "2026-11-21T10:31:02";
  auto signed_by_stranger =
      (*verifier)->verify(k_data, send_date, stranger.sign(k_data, send_date));
  REQUIRE_FALSE(signed_by_stranger);
  CHECK(signed_by_stranger.error().message.find("does not verify") != std::string::npos);

  auto unsigned_delivery = (*verifier)->verify(k_data, send_date, "");
  REQUIRE_FALSE(unsigned_delivery);
  CHECK(unsigned_delivery.error().message == "webhook refused: SignData is missing");

  auto not_base64 = (*verifier)->verify(k_data, send_date, "***");
  REQUIRE_FALSE(not_base64);
  CHECK(not_base64.error().message == "webhook refused: SignData is not base64");
}

TEST_CASE("a webhook sent too long before or after our clock is refused as stale") {
  common::ManualClock clock(local("2026-11-29T10:15:00"));
  auto verifier =
      WebhookVerifier::from_pem(carrier_key().public_pem(), clock, std::chrono::minutes(10));
  REQUIRE(verifier);
  const std::string old_date = "2026-11-29T09:00:00";
  auto stale = (*verifier)->verify(k_data, old_date, carrier_key().sign(k_data, old_date));
  REQUIRE_FALSE(stale);
  CHECK(stale.error().code == ErrorCode::bad_input);
  CHECK(stale.error().message ==
        "webhook refused: SendDate 2026-11-29T09:00:00 is 75 minutes from our clock "
        "(tolerance 10)");

  const std::string future_date = "2026-11-29T10:40:00";
  auto early = (*verifier)->verify(k_data, future_date, carrier_key().sign(k_data, future_date));
  REQUIRE_FALSE(early);
  CHECK(early.error().message.find("is 25 minutes from our clock") != std::string::npos);

  const std::string near_date = "2026-11-29T10:06:00";
  CHECK((*verifier)->verify(k_data, near_date, carrier_key().sign(k_data, near_date)));
}

TEST_CASE(
    "the same delivery twice is verified twice with the same key: the desk, not the carrier "
    "client, refuses the replay") {
  common::ManualClock clock(local("2026-11-21T10:31:30"));
  WebhookDesk desk(clock);
  const std::string send_date = "2026-11-21T10:31:02";
  const std::string signature = carrier_key().sign(k_data, send_date);
  postal_api::WebhookRequest request;
  request.body = delivery_body(k_data, send_date, signature);
  auto first = desk.carrier().parse_webhook(request);
  REQUIRE(first);
  // The same bytes sent again, and the same signature wrapped over lines, are the same delivery.
  auto again = desk.carrier().parse_webhook(request);
  REQUIRE(again);
  CHECK(again->delivery_key == first->delivery_key);
  request.body =
      delivery_body(k_data, send_date, signature.substr(0, 40) + "\n" + signature.substr(40));
  auto wrapped = desk.carrier().parse_webhook(request);
  REQUIRE_MESSAGE(wrapped, (wrapped ? std::string() : wrapped.error().message));
  CHECK(wrapped->delivery_key == first->delivery_key);
}

TEST_CASE("the carrier's retry of an event is a new delivery: accepted, with the same event key") {
  common::ManualClock clock(local("2026-11-21T10:31:30"));
  WebhookDesk desk(clock);
  postal_api::WebhookRequest first;
  first.body = delivery_body(k_data, "2026-11-21T10:31:02",
                             carrier_key().sign(k_data, "2026-11-21T10:31:02"));
  auto delivered = desk.carrier().parse_webhook(first);
  REQUIRE(delivered);

  clock.advance(std::chrono::minutes(5));
  postal_api::WebhookRequest retry;
  retry.body = delivery_body(k_data, "2026-11-21T10:36:10",
                             carrier_key().sign(k_data, "2026-11-21T10:36:10"));
  auto redelivered = desk.carrier().parse_webhook(retry);
  REQUIRE_MESSAGE(redelivered, (redelivered ? std::string() : redelivered.error().message));
  CHECK(redelivered->event.key() == delivered->event.key());
  CHECK(redelivered->sent_at > delivered->sent_at);
  CHECK(redelivered->delivery_key != delivered->delivery_key);
}

TEST_CASE("a webhook tolerance beyond the most any carrier client accepts is refused") {
  common::ManualClock clock(local("2026-11-21T10:31:30"));
  auto too_lax =
      WebhookVerifier::from_pem(carrier_key().public_pem(), clock,
                                postal_api::k_max_webhook_tolerance + std::chrono::seconds(1));
  REQUIRE_FALSE(too_lax);
  CHECK(too_lax.error().code == ErrorCode::invalid_argument);
  auto none = WebhookVerifier::from_pem(carrier_key().public_pem(), clock, std::chrono::seconds(0));
  REQUIRE_FALSE(none);
  CHECK(none.error().code == ErrorCode::invalid_argument);
  CHECK(WebhookVerifier::from_pem(carrier_key().public_pem(), clock,
                                  postal_api::k_max_webhook_tolerance));
}

TEST_CASE("without a configured public key every webhook is refused") {
  common::ManualClock clock(local("2026-11-21T10:31:30"));
  postal_api::CarrierConfig config;
  config.base_url = "http://127.0.0.1:1/api/api/";
  config.status_map = std::filesystem::path(HOSO_SOURCE_DIR) / "samples/carriers/vnpost-status.csv";
  auto carrier = postal_api::make_vnpost_carrier(config, clock);
  REQUIRE(carrier);
  postal_api::WebhookRequest request;
  request.body = delivery_body(k_data, "2026-11-21T10:31:02",
                               carrier_key().sign(k_data, "2026-11-21T10:31:02"));
  auto delivery = (*carrier)->parse_webhook(request);
  REQUIRE_FALSE(delivery);
  CHECK(delivery.error().message.find("no carrier public key is configured") != std::string::npos);
}

TEST_CASE("a PEM that is not a public key is refused when loading") {
  common::ManualClock clock;
  auto verifier =
      WebhookVerifier::from_pem("-----BEGIN NONSENSE-----\n", clock, std::chrono::minutes(10));
  REQUIRE_FALSE(verifier);
  CHECK(verifier.error().code == ErrorCode::bad_input);
}

TEST_CASE("base64 decoding accepts line breaks and refuses stray characters") {
  using postal_api::detail::decode_base64;
  CHECK(decode_base64("aGVs\nbG8=") == std::optional<std::string>("hello"));
  CHECK(decode_base64("aGVsbA==") == std::optional<std::string>("hell"));
  CHECK_FALSE(decode_base64("aGVsbA="));
  CHECK_FALSE(decode_base64("aGV$bA=="));
  CHECK_FALSE(decode_base64("aG=sbA=="));
}
