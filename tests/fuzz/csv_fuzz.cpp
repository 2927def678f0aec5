// The CSV reader and the files built on it: the first byte picks the reader (a line splitter, the
// calendar of days off, the procedure catalogue, the carrier status table, a handover manifest),
// the rest is the file.
#include <cstdlib>

#include "common/calendar.hpp"
#include "common/csv.hpp"
#include "intake/catalogue.hpp"
#include "postal_api/status_map.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text = fuzz::as_text(data + 1, size - 1);
  switch (data[0] % 5) {
    case 0: {
      std::size_t start = 0;
      while (start <= text.size()) {
        const std::size_t end = text.find('\n', start);
        (void)common::split_csv_line(text.substr(start, end - start));
        if (end == std::string_view::npos) break;
        start = end + 1;
      }
      break;
    }
    case 1:
      (void)common::WorkingCalendar::load_csv({fuzz::scratch_file(text, ".csv")});
      break;
    case 2:
      (void)intake::load_procedures_csv(fuzz::scratch_file(text, ".csv"));
      break;
    case 3:
      (void)postal_api::StatusMap::load(fuzz::scratch_file(text, ".csv"));
      break;
    case 4: {
      static const intake::Classifier classifier;
      (void)intake::load_manifest(fuzz::scratch_file(text, ".txt"), classifier);
      break;
    }
  }
  return 0;
}
