// The desk's carrier config file (hoso.json): any content is a config or an error naming the file.
#include "postal_api/vnpost.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)postal_api::load_carrier_config(fuzz::scratch_file(fuzz::as_text(data, size), ".json"));
  return 0;
}
