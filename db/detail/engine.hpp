// The seam between the repository code and a database engine: what the repositories' SQL and
// row mapping need from a connection (prepared statements with positional `?` parameters, rows of
// integers and text, the number of rows changed, the id of a new row), and nothing else. An engine
// (SQLite in sqlite_engine.cpp, PostgreSQL in postgres_engine.cpp) implements it and owns what
// differs by engine: opening connections, pragmas, the schema and its migrations, transactions and
// locking. Knows no records and no SQL.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace db::detail {

// What an engine throws when a statement fails, and what a row reader throws when a stored value
// makes no sense; guarded() (repository.hpp) turns it into the Error a Transaction returns. The
// engine decides the code: bad_input for a violated constraint, io_error when the database
// refuses (locked, full, unreadable), internal otherwise.
// When the failure is one a user can act on (the disk is full), `text` says so in their words.
class DatabaseError : public std::runtime_error {
 public:
  DatabaseError(common::ErrorCode code, const std::string& message, common::Text text = {})
      : std::runtime_error(message), code_(code), text_(std::move(text)) {}
  common::ErrorCode code() const noexcept { return code_; }
  const common::Text& text() const noexcept { return text_; }

 private:
  common::ErrorCode code_;
  common::Text text_;
};

// A prepared statement. Parameters are numbered from 1, columns from 0. Every method may throw
// DatabaseError. Not thread-safe.
class Statement {
 public:
  virtual ~Statement() = default;

  virtual void bind_null(int index) = 0;
  virtual void bind_int(int index, std::int64_t value) = 0;
  virtual void bind_text(int index, std::string_view value) = 0;

  // Runs the statement to its next row; false when there is none left.
  virtual bool step() = 0;
  // Runs a statement that returns no rows to its end; returns how many rows it changed.
  virtual int exec() = 0;
  // Ends the current run and forgets the bound values, so the statement can run again.
  virtual void reset() = 0;

  virtual bool is_null(int column) = 0;
  virtual std::int64_t column_int(int column) = 0;
  virtual std::string column_text(int column) = 0;  // "" for NULL
};

// A connection, seen from inside one unit of work (the engine has begun the transaction).
class Connection {
 public:
  virtual ~Connection() = default;

  // The statement for `sql`, prepared once per connection and reset for this use. `sql` must
  // outlive the connection (a literal or a static): it is the cache key.
  virtual Statement& prepare(const char* sql) = 0;
  // A statement prepared for one use, for SQL built at run time.
  virtual std::unique_ptr<Statement> prepare_once(const std::string& sql) = 0;
  // The id of the row the connection's last INSERT added (a PostgreSQL engine: lastval()).
  virtual std::int64_t last_insert_id() = 0;
  // The schema version the database carries now (SQLite: PRAGMA user_version; PostgreSQL: the
  // hoso_schema table).
  virtual int stored_schema_version() = 0;
};

}  // namespace db::detail
