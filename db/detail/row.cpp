#include "db/detail/row.hpp"

#include <fmt/format.h>

namespace db::detail {

void RowReader::corrupt(std::string_view problem, std::string_view what,
                        const std::string& text) const {
  std::string row = id_            ? fmt::format("{} row {}", table_, *id_)
                    : key_.empty() ? fmt::format("a {} row", table_)
                                   : fmt::format("{} row {}", table_, key_);
  throw DatabaseError(common::ErrorCode::internal,
                      fmt::format("{}: {} {} '{}'", row, problem, what, text));
}

std::int64_t returned_int(Statement& s) {
  if (!s.step()) {
    throw DatabaseError(common::ErrorCode::internal, "the statement returned no row");
  }
  const std::int64_t value = s.column_int(0);
  // Run to the end, so the statement holds nothing of the write when it is next used.
  while (s.step()) {
  }
  return value;
}

}  // namespace db::detail
