// The carrier's answers and webhook bodies: whatever the carrier (or someone posing as it) sends,
// each parser returns a value or an error.
#include <cstdlib>

#include "postal_api/detail/vnpost_json.hpp"
#include "postal_api/status_map.hpp"
#include "tests/fuzz/fuzz_input.hpp"

namespace {

const postal_api::StatusMap& statuses() {
  static const postal_api::StatusMap instance = [] {
    auto loaded =
        postal_api::StatusMap::load(HOSO_SOURCE_DIR "/samples/carriers/vnpost-status.csv");
    if (!loaded) std::abort();
    return std::move(*loaded);
  }();
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace vnpost = postal_api::detail::vnpost;
  const std::string_view body = fuzz::as_text(data, size);
  if (auto page = vnpost::parse_track_page(body, statuses())) {
    for (auto& item : page->items) vnpost::normalise(item);
  }
  (void)vnpost::parse_login(body);
  (void)vnpost::parse_created(body, statuses());
  if (auto envelope = vnpost::parse_webhook_envelope(body)) {
    (void)vnpost::parse_webhook_data(envelope->data, statuses());
  }
  (void)vnpost::parse_webhook_data(body, statuses());
  (void)vnpost::carrier_message(body);
  (void)vnpost::is_success(body);
  return 0;
}
