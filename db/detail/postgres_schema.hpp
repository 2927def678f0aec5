// The PostgreSQL schema as forward-only migrations. A province's database starts at version 16
// in one step (the first version hoso ran on PostgreSQL); each later step takes it from
// `version - 1` to `version`, with the same number as SQLite's migration of the same change
// (schema.hpp), so one schema_version() names both. Never edit a step that has shipped.
#pragma once

#include <span>

namespace db::detail {

struct PostgresMigration {
  int version;      // the version the database has after this step
  const char* sql;  // one or more statements, run in one transaction
};

std::span<const PostgresMigration> postgres_migrations();

}  // namespace db::detail
