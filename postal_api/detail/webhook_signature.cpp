#include "postal_api/detail/webhook_signature.hpp"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <array>
#include <cmath>
#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>
#include <vector>

#include "postal_api/carrier.hpp"

namespace postal_api::detail {
namespace {

using common::ErrorCode;
using common::make_error;
namespace chr = std::chrono;

constexpr std::string_view k_refused = "webhook refused";

common::Error refused(std::string_view why) {
  return make_error(ErrorCode::bad_input, fmt::format("{}: {}", k_refused, why));
}

}  // namespace

struct WebhookVerifier::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

std::optional<std::string> decode_base64(std::string_view text) {
  static const auto table = [] {
    std::array<int, 256> values{};
    values.fill(-1);
    const std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t i = 0; i < alphabet.size(); ++i) {
      values[static_cast<unsigned char>(alphabet[i])] = static_cast<int>(i);
    }
    return values;
  }();
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned buffer = 0;
  int bits = 0;
  int padding = 0;
  std::size_t symbols = 0;
  for (const char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      ++padding;
      ++symbols;
      continue;
    }
    const int value = table[static_cast<unsigned char>(c)];
    if (value < 0 || padding > 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(value);
    bits += 6;
    ++symbols;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  if (symbols % 4 != 0 || padding > 2) return std::nullopt;
  return out;
}

WebhookVerifier::WebhookVerifier(std::unique_ptr<Key> key, const common::Clock& clock,
                                 chr::seconds tolerance)
    : key_(std::move(key)), clock_(clock), tolerance_(tolerance) {}

WebhookVerifier::~WebhookVerifier() = default;

common::Result<std::unique_ptr<WebhookVerifier>> WebhookVerifier::from_pem(
    std::string_view pem, const common::Clock& clock, chr::seconds tolerance) {
  if (tolerance < chr::seconds(1) || tolerance > k_max_webhook_tolerance) {
    return make_error(ErrorCode::invalid_argument,
                      fmt::format("the webhook tolerance is {} s; it should be between 1 and {} s",
                                  tolerance.count(), k_max_webhook_tolerance.count()));
  }
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return make_error(ErrorCode::internal, "BIO_new_mem_buf failed");
  auto key = std::make_unique<Key>();
  key->pkey = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key->pkey == nullptr) {
    return make_error(ErrorCode::bad_input,
                      "not a PEM public key (expected \"-----BEGIN PUBLIC KEY-----\")");
  }
  if (EVP_PKEY_base_id(key->pkey) != EVP_PKEY_RSA) {
    return make_error(ErrorCode::bad_input, "the public key is not an RSA key");
  }
  return std::unique_ptr<WebhookVerifier>(new WebhookVerifier(std::move(key), clock, tolerance));
}

common::Result<std::unique_ptr<WebhookVerifier>> WebhookVerifier::load(
    const std::filesystem::path& file, const common::Clock& clock, chr::seconds tolerance) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return make_error(
        ErrorCode::not_found,
        fmt::format("{}: cannot read the carrier's webhook public key", file.string()));
  }
  std::stringstream contents;
  contents << in.rdbuf();
  auto verifier = from_pem(contents.str(), clock, tolerance);
  if (!verifier) {
    return make_error(verifier.error().code,
                      fmt::format("{}: {}", file.string(), verifier.error().message));
  }
  return verifier;
}

bool WebhookVerifier::signature_matches(std::string_view data, std::string_view send_date,
                                        std::string_view sign_data_base64) const {
  const auto signature = decode_base64(sign_data_base64);
  if (!signature || signature->empty()) return false;
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  if (context == nullptr) return false;
  bool ok =
      EVP_DigestVerifyInit(context, nullptr, EVP_sha256(), nullptr, key_->pkey) == 1 &&
      EVP_DigestVerifyUpdate(context, data.data(), data.size()) == 1 &&
      EVP_DigestVerifyUpdate(context, send_date.data(), send_date.size()) == 1 &&
      EVP_DigestVerifyFinal(context, reinterpret_cast<const unsigned char*>(signature->data()),
                            signature->size()) == 1;
  EVP_MD_CTX_free(context);
  return ok;
}

std::string delivery_key_of(std::string_view signature) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(signature.data(), signature.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    return {};  // only when OpenSSL cannot allocate
  }
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i)
    fmt::format_to(std::back_inserter(hex), "{:02x}", digest[i]);
  return hex;
}

common::Result<VerifiedDelivery> WebhookVerifier::verify(std::string_view data,
                                                         std::string_view send_date,
                                                         std::string_view sign_data_base64) const {
  if (sign_data_base64.empty()) return refused("SignData is missing");
  const auto signature = decode_base64(sign_data_base64);
  if (!signature) return refused("SignData is not base64");
  if (!signature_matches(data, send_date, sign_data_base64)) {
    return refused("signature does not verify with the carrier's public key");
  }
  const auto sent = common::parse_local(send_date);
  if (!sent) return refused(fmt::format("SendDate \"{}\" is not a time", send_date));
  const auto now = clock_.now();
  const chr::seconds distance = *sent > now ? *sent - now : now - *sent;
  if (distance > tolerance_) {
    const auto minutes = [](chr::seconds s) {
      return static_cast<long long>(std::llround(static_cast<double>(s.count()) / 60.0));
    };
    return refused(fmt::format("SendDate {} is {} minutes from our clock (tolerance {})", send_date,
                               minutes(distance), minutes(tolerance_)));
  }
  std::string key = delivery_key_of(*signature);
  if (key.empty()) return make_error(ErrorCode::internal, "OpenSSL could not compute a SHA-256");
  return VerifiedDelivery{std::move(key), *sent};
}

}  // namespace postal_api::detail
