// The store a test opens, on the engine the suite runs on. ctest runs the db/, intake/, tracking/
// and staff/ suites twice: on SQLite files, and as the "pg:" tests on the throwaway PostgreSQL
// cluster that `scripts/test-postgres` starts for the run (HOSO_TEST_POSTGRES_URI_FILE names the
// file holding its URI). On PostgreSQL a test's database path becomes a schema of its own in that
// cluster, the same schema each time the test opens the same path, so a test that closes and
// reopens its desk finds it again. Test cases that are about SQLite files themselves carry
// "[sqlite]" in their names and are not run on PostgreSQL.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "db/store.hpp"

namespace test_support {

// The throwaway cluster's URI when this run is on PostgreSQL; "" on SQLite.
inline const std::string& postgres_uri() {
  static const std::string uri = [] {
    const char* file = std::getenv("HOSO_TEST_POSTGRES_URI_FILE");
    if (file == nullptr || *file == '\0') return std::string();
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    if (line.empty()) FAIL("HOSO_TEST_POSTGRES_URI_FILE=" << file << " holds no URI");
    return line;
  }();
  return uri;
}

inline bool on_postgres() { return !postgres_uri().empty(); }

// Runs one statement on the test cluster (as the cluster's owner); REQUIREs that it succeeds.
inline void postgres_command(const std::string& sql) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> c(PQconnectdb(postgres_uri().c_str()), &PQfinish);
  REQUIRE_MESSAGE(PQstatus(c.get()) == CONNECTION_OK, PQerrorMessage(c.get()));
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(c.get(), sql.c_str()), &PQclear);
  REQUIRE_MESSAGE(PQresultStatus(r.get()) == PGRES_COMMAND_OK, PQerrorMessage(c.get()));
}

// A URI of the test cluster whose tables live in `schema`.
inline std::string postgres_uri_in(const std::string& schema) {
  const std::string& uri = postgres_uri();
  return fmt::format("{}{}options=-csearch_path%3D{}", uri,
                     uri.find('?') == std::string::npos ? '?' : '&', schema);
}

// Where the store of the database file `path` lives on this run's engine: the path itself on
// SQLite; on PostgreSQL a URI of the schema kept for that path (created empty on first use).
inline std::string location_of(const std::filesystem::path& path) {
  if (!on_postgres()) return path.string();
  static std::mutex mutex;
  static std::map<std::string, std::string> schemas;
  static int made = 0;
  std::lock_guard lock(mutex);
  auto& schema = schemas[std::filesystem::absolute(path).lexically_normal().string()];
  if (schema.empty()) {
    schema = fmt::format("t{}_{}", ::getpid(), ++made);
    postgres_command("CREATE SCHEMA " + schema);
  }
  return postgres_uri_in(schema);
}

// db::open_store on this run's engine for the database file `path`.
inline common::Result<std::unique_ptr<db::Store>> open_store(
    const std::filesystem::path& path, const db::SqliteOptions& options = {}) {
  return db::open_store(location_of(path), options);
}

// Every value of every row `sql` selects, as text, read from the database of the file `path`
// with the engine's own client (SQLite, or libpq in the path's schema), not through hoso: what
// is really stored.
inline std::vector<std::vector<std::string>> stored_rows(const std::filesystem::path& path,
                                                         const std::string& sql) {
  std::vector<std::vector<std::string>> out;
  if (!on_postgres()) {
    SQLite::Database raw(path.string(), SQLite::OPEN_READONLY);
    SQLite::Statement query(raw, sql);
    while (query.executeStep()) {
      std::vector<std::string> row;
      for (int i = 0; i < query.getColumnCount(); ++i)
        row.push_back(query.getColumn(i).getString());
      out.push_back(std::move(row));
    }
    return out;
  }
  std::unique_ptr<PGconn, decltype(&PQfinish)> c(PQconnectdb(location_of(path).c_str()), &PQfinish);
  REQUIRE_MESSAGE(PQstatus(c.get()) == CONNECTION_OK, PQerrorMessage(c.get()));
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(c.get(), sql.c_str()), &PQclear);
  REQUIRE_MESSAGE(PQresultStatus(r.get()) == PGRES_TUPLES_OK, PQerrorMessage(c.get()));
  for (int row = 0; row < PQntuples(r.get()); ++row) {
    std::vector<std::string> values;
    for (int i = 0; i < PQnfields(r.get()); ++i) values.emplace_back(PQgetvalue(r.get(), row, i));
    out.push_back(std::move(values));
  }
  return out;
}

// Runs `sql` on the database of the file `path` with the engine's own client, as a person with a
// SQL console would; returns the engine's error message, or "" when it succeeded.
inline std::string stored_exec(const std::filesystem::path& path, const std::string& sql) {
  if (!on_postgres()) {
    try {
      SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
      raw.exec(sql);
      return "";
    } catch (const std::exception& e) {
      return e.what();
    }
  }
  std::unique_ptr<PGconn, decltype(&PQfinish)> c(PQconnectdb(location_of(path).c_str()), &PQfinish);
  REQUIRE_MESSAGE(PQstatus(c.get()) == CONNECTION_OK, PQerrorMessage(c.get()));
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(c.get(), sql.c_str()), &PQclear);
  const auto status = PQresultStatus(r.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return "";
  return PQerrorMessage(c.get());
}

}  // namespace test_support
