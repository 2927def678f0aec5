// The SQLite schema as a list of forward-only migrations. Migration i (1-based) takes a database
// from user_version i-1 to i. Never edit a migration that has shipped: add a new one.
#pragma once

#include <span>

namespace db::detail {

std::span<const char* const> migrations();

}  // namespace db::detail
