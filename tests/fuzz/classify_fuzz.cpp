// The code classifier: any decoded text (a QR can hold any bytes) becomes a Code without crashing,
// whatever the format it came from.
#include <cstdlib>

#include "intake/classify.hpp"
#include "tests/fuzz/fuzz_input.hpp"

namespace {

const intake::Classifier& classifier() {
  static const intake::Classifier instance = [] {
    auto loaded =
        intake::Classifier::load(HOSO_SOURCE_DIR "/samples/carriers/tracking_patterns.json");
    if (!loaded) std::abort();
    return std::move(*loaded);
  }();
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  (void)classifier().classify(text, std::nullopt);
  for (const auto format : {scanner::Format::code128, scanner::Format::qr_code}) {
    (void)classifier().classify(text, format);
  }
  return 0;
}
