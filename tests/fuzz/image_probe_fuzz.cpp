// The scanner's first look at a file: its type by content and its pixel size from the header,
// before anything is decoded. A hostile header must give an error, never a read past the bytes.
#include <span>

#include "scanner/detail/image_source.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)scanner::detail::probe(std::span<const std::uint8_t>(data, size));
  return 0;
}
