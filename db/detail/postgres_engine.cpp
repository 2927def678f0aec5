// The PostgreSQL engine (libpq): pools of connections (writers, the staff's readers, citizens'
// readers), statements prepared once per connection, the schema and its migrations, and
// transactions. The SQL of the records is the repositories' (repository.hpp), the same as
// SQLite's: this file turns their `?` parameters into `$n`.
//
// Isolation, and why:
// - A write runs at SERIALIZABLE. The repositories read, decide and write in one unit of work
//   (is this envelope's number already registered? what is the next dossier number of the day?)
//   on the promise that no other writer slips in between (Store::write), which SQLite keeps by
//   serialising writers. SERIALIZABLE keeps the same promise without making writers wait for
//   each other: when two units of work would give a result no serial order could, PostgreSQL
//   fails one of them (SQLSTATE 40001, or 40P01 for a deadlock) and this engine rolls it back
//   and runs it again from the start, up to k_attempts times. So an envelope scanned at two desks
//   at once is one dossier, and the day's dossier numbers stay gap-free and unique.
// - A read runs at REPEATABLE READ, READ ONLY: one snapshot for all its statements, as a SQLite
//   read transaction; it never waits for writers and is never failed by them.
// libpq's errors never leave this file: a statement's become DatabaseError, the rest a Result.
#include <fmt/format.h>
#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "db/detail/engine.hpp"
#include "db/detail/postgres_schema.hpp"
#include "db/detail/repository.hpp"
#include "db/detail/row.hpp"
#include "db/messages.hpp"
#include "db/store.hpp"

namespace db {
namespace {

using common::Error;
using common::ErrorCode;
using common::make_error;
using common::Result;

// How many times a write that lost a serialization conflict is run in all.
constexpr int k_attempts = 12;

// The advisory lock (two 32-bit keys) a process holds while it creates or migrates the schema.
constexpr int k_lock_space = 0x686F736F;  // "hoso"
constexpr int k_lock_migrate = 1;

struct ResultDeleter {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

struct ConnDeleter {
  void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
using PgConn = std::unique_ptr<PGconn, ConnDeleter>;

// The repositories' SQL with its `?` parameters numbered as PostgreSQL wants them ($1, $2, ...),
// and how many there are. A `?` inside a string literal or a quoted name is left alone.
std::pair<std::string, int> numbered_parameters(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int count = 0;
  char quote = 0;
  for (const char ch : sql) {
    if (quote != 0) {
      if (ch == quote) quote = 0;
      out += ch;
    } else if (ch == '\'' || ch == '"') {
      quote = ch;
      out += ch;
    } else if (ch == '?') {
      out += '$';
      out += std::to_string(++count);
    } else {
      out += ch;
    }
  }
  return {std::move(out), count};
}

std::string sqlstate_of(const PGresult* r) {
  const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  return state != nullptr ? state : "";
}

// Whether PostgreSQL failed the transaction only because another writer got there first: running
// it again may succeed.
bool lost_a_conflict(std::string_view sqlstate) {
  return sqlstate == "40001" || sqlstate == "40P01";
}

ErrorCode error_code_of(std::string_view sqlstate) {
  if (sqlstate.starts_with("23")) return ErrorCode::bad_input;  // integrity constraint
  // connection, insufficient resources (disk full: 53100), operator intervention (shutdown),
  // a write on a hot standby (25006), a conflict that outlived every attempt
  if (sqlstate.starts_with("08") || sqlstate.starts_with("53") || sqlstate.starts_with("57") ||
      sqlstate == "25006" || lost_a_conflict(sqlstate)) {
    return ErrorCode::io_error;
  }
  return ErrorCode::internal;
}

// The message of a failed statement without its DETAIL, which may quote the values of a row
// (an applicant's ID number in a key): the primary message and the constraint's name only.
std::string failure_text(const PGresult* r, PGconn* c) {
  const char* primary = r != nullptr ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  if (primary == nullptr) {
    std::string text = PQerrorMessage(c);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text.empty() ? "no answer from the server" : text;
  }
  return primary;
}

class PgConnection;

class PgStatement final : public detail::Statement {
 public:
  // `name` empty: a statement for one use (run with PQexecParams).
  PgStatement(PgConnection& connection, const char* original, std::string sql, int parameters,
              std::string name)
      : c_(connection),
        original_(original),
        sql_(std::move(sql)),
        name_(std::move(name)),
        values_(static_cast<std::size_t>(parameters)) {}

  void bind_null(int index) override { slot(index).reset(); }
  void bind_int(int index, std::int64_t value) override { slot(index) = std::to_string(value); }
  void bind_text(int index, std::string_view value) override {
    // libpq would cut the text at a NUL byte, and the server refuses bytes that are not UTF-8.
    if (!detail::storable_text(value)) {
      throw detail::DatabaseError(ErrorCode::bad_input,
                                  "a text that is not UTF-8 or holds a NUL byte cannot be stored");
    }
    slot(index) = std::string(value);
  }

  bool step() override {
    if (!result_) run();
    return ++row_ < PQntuples(result_.get());
  }

  int exec() override {
    run();
    const char* changed = PQcmdTuples(result_.get());
    int n = 0;
    if (changed != nullptr) std::from_chars(changed, changed + std::strlen(changed), n);
    return n;
  }

  void reset() override {
    result_.reset();
    row_ = -1;
    for (auto& v : values_) v.reset();
  }

  bool is_null(int column) override { return PQgetisnull(result_.get(), current(), column) != 0; }

  std::int64_t column_int(int column) override {
    const int row = current();
    if (PQgetisnull(result_.get(), row, column) != 0) return 0;
    const char* text = PQgetvalue(result_.get(), row, column);
    const std::size_t length = static_cast<std::size_t>(PQgetlength(result_.get(), row, column));
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text, text + length, value);
    if (ec != std::errc() || end != text + length) {
      throw detail::DatabaseError(ErrorCode::internal,
                                  fmt::format("column {} is not an integer", column));
    }
    return value;
  }

  std::string column_text(int column) override {
    const int row = current();
    return std::string(PQgetvalue(result_.get(), row, column),
                       static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
  }

 private:
  std::optional<std::string>& slot(int index) {
    if (index < 1 || static_cast<std::size_t>(index) > values_.size()) {
      throw detail::DatabaseError(ErrorCode::internal,
                                  fmt::format("no parameter {} in: {}", index, original_));
    }
    return values_[static_cast<std::size_t>(index - 1)];
  }

  int current() const {
    if (!result_ || row_ < 0 || row_ >= PQntuples(result_.get())) {
      throw detail::DatabaseError(ErrorCode::internal, "no current row");
    }
    return row_;
  }

  void run();

  PgConnection& c_;
  const char* original_;  // as the repository wrote it, for the statement hook
  std::string sql_;
  std::string name_;
  std::vector<std::optional<std::string>> values_;
  PgResult result_;
  int row_ = -1;
  bool prepared_ = false;  // on the connection (a broken connection is closed, not reused)
};

using StatementHook = std::function<void(std::string_view)>;

class PgConnection final : public detail::Connection {
 public:
  PgConnection(PgConn conn, std::shared_ptr<StatementHook> hook)
      : conn_(std::move(conn)), hook_(std::move(hook)) {}

  PGconn* raw() { return conn_.get(); }
  bool broken() { return PQstatus(conn_.get()) != CONNECTION_OK; }

  // Whether a statement of the current transaction lost a serialization conflict (the
  // transaction is then aborted, whatever the unit of work made of the error).
  bool lost_conflict() const { return lost_conflict_; }
  void clear_conflict() { lost_conflict_ = false; }

  // Runs a command of the engine's own (BEGIN, COMMIT, ...); throws DatabaseError.
  void command(const char* sql) {
    PgResult r(PQexec(conn_.get(), sql));
    check(r.get());
  }

  // Throws the DatabaseError of a failed result; notes a lost conflict.
  void check(const PGresult* r) {
    const auto status = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
    const std::string state = sqlstate_of(r);
    if (lost_a_conflict(state)) lost_conflict_ = true;
    if (broken()) {
      throw detail::DatabaseError(ErrorCode::io_error, failure_text(r, conn_.get()),
                                  msg::database_connection_lost);
    }
    throw detail::DatabaseError(error_code_of(state),
                                state.empty()
                                    ? failure_text(r, conn_.get())
                                    : fmt::format("{} [{}]", failure_text(r, conn_.get()), state));
  }

  void on_statement(const char* sql) {
    if (!hook_) return;
    try {
      (*hook_)(sql);
    } catch (...) {  // a hook's failure is not the statement's
    }
  }

  std::string next_name() { return fmt::format("h{}", ++named_); }

  detail::Statement& prepare(const char* sql) override {
    auto& slot = statements_[sql];
    if (!slot) {
      auto [text, parameters] = numbered_parameters(sql);
      slot = std::make_unique<PgStatement>(*this, sql, std::move(text), parameters, next_name());
    } else {
      slot->reset();
    }
    return *slot;
  }

  std::unique_ptr<detail::Statement> prepare_once(const std::string& sql) override {
    auto [text, parameters] = numbered_parameters(sql);
    // Keeps the text alive for the hook as long as the statement.
    once_.push_back(sql);
    return std::make_unique<PgStatement>(*this, once_.back().c_str(), std::move(text), parameters,
                                         std::string());
  }

  std::int64_t last_insert_id() override {
    auto& s = prepare("SELECT lastval()");
    s.step();
    return s.column_int(0);
  }

  int stored_schema_version() override {
    auto& s = prepare("SELECT version FROM hoso_schema");
    return s.step() ? static_cast<int>(s.column_int(0)) : 0;
  }

  // Ends every statement's run (the end of a unit of work): results are freed.
  void reset_all() noexcept {
    for (auto& [sql, statement] : statements_) statement->reset();
    once_.clear();
  }

 private:
  PgConn conn_;
  std::shared_ptr<StatementHook> hook_;
  std::unordered_map<const char*, std::unique_ptr<PgStatement>> statements_;
  std::vector<std::string> once_;
  bool lost_conflict_ = false;
  std::uint64_t named_ = 0;
};

void PgStatement::run() {
  c_.on_statement(original_);
  std::vector<const char*> values(values_.size());
  for (std::size_t i = 0; i < values_.size(); ++i) {
    values[i] = values_[i] ? values_[i]->c_str() : nullptr;
  }
  const int n = static_cast<int>(values.size());
  if (name_.empty()) {
    result_.reset(
        PQexecParams(c_.raw(), sql_.c_str(), n, nullptr, values.data(), nullptr, nullptr, 0));
  } else {
    if (!prepared_) {
      PgResult prepared(PQprepare(c_.raw(), name_.c_str(), sql_.c_str(), n, nullptr));
      c_.check(prepared.get());
      prepared_ = true;
    }
    result_.reset(PQexecPrepared(c_.raw(), name_.c_str(), n, values.data(), nullptr, nullptr, 0));
  }
  row_ = -1;
  try {
    c_.check(result_.get());
  } catch (...) {
    result_.reset();
    throw;
  }
}

// A new connection to `uri`, UTF-8, or the Error saying why not.
Result<PgConn> connect(const std::string& uri) {
  const char* keys[] = {"dbname", "fallback_application_name", "client_encoding", "connect_timeout",
                        nullptr};
  const char* values[] = {uri.c_str(), "hoso", "UTF8", "10", nullptr};
  PgConn conn(PQconnectdbParams(keys, values, 1));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    std::string why = conn ? PQerrorMessage(conn.get()) : "out of memory";
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    spdlog::warn("postgresql: cannot connect to {}: {}", redacted_location(uri), why);
    return Error{
        ErrorCode::io_error,
        fmt::format("cannot reach the PostgreSQL database {}: {}", redacted_location(uri), why),
        common::Text(msg::database_unreachable, {{"where", redacted_location(uri)}})};
  }
  PQsetNoticeProcessor(
      conn.get(), [](void*, const char* text) { spdlog::debug("postgresql: {}", text); }, nullptr);
  return conn;
}

Error error_of(const detail::DatabaseError& e, std::string_view doing) {
  if (!e.text().empty()) return Error{e.code(), e.text().render(common::Lang::en), e.text()};
  return make_error(e.code(), fmt::format("database: {}: {}", doing, e.what()));
}

// A job's lease on a shared database: a session advisory lock held by a connection of its own,
// which the server frees when the connection ends (the process died, the network broke).
class AdvisoryLease final : public JobLease {
 public:
  explicit AdvisoryLease(PgConn conn) : conn_(std::move(conn)) {}
  bool held() override {
    // The lock lives as long as the session: ask the server that the session is still there.
    PgResult r(PQexec(conn_.get(), "SELECT 1"));
    return PQresultStatus(r.get()) == PGRES_TUPLES_OK && PQstatus(conn_.get()) == CONNECTION_OK;
  }

 private:
  PgConn conn_;
};

// The second key of a job's advisory lock: a stable hash of its name (FNV-1a), kept apart from
// the schema's lock (k_lock_migrate).
int job_lock_key(std::string_view job) {
  std::uint32_t h = 2166136261u;
  for (const char ch : job) h = (h ^ static_cast<unsigned char>(ch)) * 16777619u;
  return static_cast<int>(h | 0x100u);
}

class PgStore final : public Store {
 public:
  PgStore(std::string uri, const PostgresOptions& options, std::shared_ptr<StatementHook> hook)
      : uri_(std::move(uri)),
        hook_(std::move(hook)),
        writers_{static_cast<std::size_t>(std::max(1, options.writers)), {}, {}, 0},
        staff_readers_{static_cast<std::size_t>(std::max(1, options.staff_readers)), {}, {}, 0},
        public_readers_{static_cast<std::size_t>(std::max(1, options.public_readers)), {}, {}, 0} {}

  Result<void> write(const std::function<Result<void>(Transaction&)>& work) override {
    std::minstd_rand jitter(std::random_device{}());
    for (int attempt = 1;; ++attempt) {
      bool lost = false;
      auto done = with_connection(writers_, [&](PgConnection& c) {
        return run(c, work, "BEGIN ISOLATION LEVEL SERIALIZABLE", "writing", lost);
      });
      if (!lost || attempt == k_attempts) {
        if (lost) spdlog::warn("postgresql: a write lost {} conflicts in a row", attempt);
        return done;
      }
      // Another writer won: wait a little (up to 1, 2, 4 ... 64 ms, at random) and run it again.
      const int cap = 1 << std::min(attempt, 6);
      std::this_thread::sleep_for(
          std::chrono::microseconds(std::uniform_int_distribution<int>(0, cap * 1000)(jitter)));
    }
  }

  Result<void> read(const std::function<Result<void>(Transaction&)>& work) override {
    return read(ReadLane::staff, work);
  }

  Result<std::unique_ptr<JobLease>> try_lead(std::string_view job) override {
    TRY_ASSIGN(auto conn, connect(uri_));
    PgResult r(PQexec(conn.get(), fmt::format("SELECT pg_try_advisory_lock({}, {})", k_lock_space,
                                              job_lock_key(job))
                                      .c_str()));
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
      return make_error(ErrorCode::io_error, fmt::format("database: taking the lease of {}: {}",
                                                         job, failure_text(r.get(), conn.get())));
    }
    if (std::string_view(PQgetvalue(r.get(), 0, 0)) != "t") return std::unique_ptr<JobLease>();
    return std::unique_ptr<JobLease>(std::make_unique<AdvisoryLease>(std::move(conn)));
  }

  Result<void> read(ReadLane lane, const std::function<Result<void>(Transaction&)>& work) override {
    Pool& pool = lane == ReadLane::public_lookup ? public_readers_ : staff_readers_;
    bool lost = false;
    return with_connection(pool, [&](PgConnection& c) {
      return run(c, work, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "reading", lost);
    });
  }

 private:
  struct Pool {
    const std::size_t max;
    std::condition_variable free;
    std::vector<std::unique_ptr<PgConnection>> idle;
    std::size_t opened = 0;  // idle or in use
  };

  // Runs `work` in a transaction begun with `begin`. `lost`: whether it lost a serialization
  // conflict (and was rolled back), so that running it again may succeed.
  static Result<void> run(PgConnection& c, const std::function<Result<void>(Transaction&)>& work,
                          const char* begin, std::string_view doing, bool& lost) {
    struct ResetOnExit {
      PgConnection& c;
      ~ResetOnExit() { c.reset_all(); }
    } reset_on_exit{c};
    c.clear_conflict();
    bool open = false;
    try {
      c.command(begin);
      open = true;
      detail::Repository tx(c);
      Result<void> result = work(tx);
      c.reset_all();
      if (!result || c.lost_conflict()) {
        lost = c.lost_conflict();
        rollback(c);
        return result ? Result<void>(make_error(ErrorCode::io_error, "database: conflict"))
                      : result;
      }
      open = false;
      c.command("COMMIT");
      return {};
    } catch (const detail::DatabaseError& e) {
      c.reset_all();
      lost = c.lost_conflict();
      if (open) rollback(c);
      return error_of(e, doing);
    }
  }

  static void rollback(PgConnection& c) noexcept {
    if (c.broken()) return;
    PgResult r(PQexec(c.raw(), "ROLLBACK"));
  }

  template <class Fn>
  Result<void> with_connection(Pool& pool, Fn&& fn) {
    auto taken = take(pool);
    if (!taken) return taken.error();
    std::unique_ptr<PgConnection> connection = std::move(*taken);
    struct GiveBack {
      PgStore& store;
      Pool& pool;
      std::unique_ptr<PgConnection>& connection;
      ~GiveBack() { store.give_back(pool, std::move(connection)); }
    } give_back_on_exit{*this, pool, connection};
    return fn(*connection);
  }

  Result<std::unique_ptr<PgConnection>> take(Pool& pool) {
    std::unique_lock lock(mutex_);
    pool.free.wait(lock, [&pool] { return !pool.idle.empty() || pool.opened < pool.max; });
    if (!pool.idle.empty()) {
      auto connection = std::move(pool.idle.back());
      pool.idle.pop_back();
      return connection;
    }
    ++pool.opened;
    lock.unlock();
    auto conn = connect(uri_);
    if (!conn) {
      lock.lock();
      --pool.opened;
      pool.free.notify_one();
      return conn.error();
    }
    return std::make_unique<PgConnection>(std::move(*conn), hook_);
  }

  // A connection the server dropped (a restart, a network cut) is closed, not kept: the next
  // unit of work opens a new one.
  void give_back(Pool& pool, std::unique_ptr<PgConnection> connection) {
    {
      std::lock_guard lock(mutex_);
      if (connection->broken()) {
        --pool.opened;
        connection.reset();
      } else {
        pool.idle.push_back(std::move(connection));
      }
    }
    pool.free.notify_one();
  }

  const std::string uri_;
  const std::shared_ptr<StatementHook> hook_;
  std::mutex mutex_;
  Pool writers_;
  Pool staff_readers_;
  Pool public_readers_;
};

// Creates or migrates the schema on `c`, under an advisory lock so that two processes starting on
// a new database do not both create it.
Result<void> migrate(PgConnection& c, const std::string& uri, bool create) {
  const int target = schema_version();
  const auto where = redacted_location(uri);
  try {
    c.command(fmt::format("SELECT pg_advisory_lock({}, {})", k_lock_space, k_lock_migrate).c_str());
    struct Unlock {
      PgConnection& c;
      ~Unlock() {
        if (c.broken()) return;
        PgResult r(PQexec(
            c.raw(), fmt::format("SELECT pg_advisory_unlock({}, {})", k_lock_space, k_lock_migrate)
                         .c_str()));
      }
    } unlock{c};

    PgResult encoding(PQexec(c.raw(), "SHOW server_encoding"));
    c.check(encoding.get());
    if (std::string_view(PQgetvalue(encoding.get(), 0, 0)) != "UTF8") {
      return make_error(ErrorCode::invalid_argument,
                        fmt::format("{}: the database's encoding is {}, hoso needs UTF8 "
                                    "(CREATE DATABASE ... ENCODING 'UTF8')",
                                    where, PQgetvalue(encoding.get(), 0, 0)));
    }
    PgResult exists(PQexec(c.raw(), "SELECT to_regclass('hoso_schema') IS NOT NULL"));
    c.check(exists.get());
    int version = 0;
    if (std::string_view(PQgetvalue(exists.get(), 0, 0)) == "t") {
      version = c.stored_schema_version();
      c.reset_all();
    } else if (!create) {
      return make_error(ErrorCode::not_found, msg::no_hoso_tables, {{"where", where}});
    }
    if (version > target) {
      return make_error(ErrorCode::invalid_argument,
                        fmt::format("{}: database schema version {} is newer than this hoso "
                                    "understands ({}); use a newer hoso",
                                    where, version, target));
    }
    for (const auto& step : detail::postgres_migrations()) {
      if (step.version <= version) continue;
      if (version == 0) {
        spdlog::info("{}: creating schema version {}", where, step.version);
      } else {
        spdlog::info("{}: migrating schema {} -> {}", where, version, step.version);
      }
      c.command("BEGIN");
      try {
        c.command(step.sql);
        c.command(
            version == 0
                ? fmt::format("INSERT INTO hoso_schema(version) VALUES ({})", step.version).c_str()
                : fmt::format("UPDATE hoso_schema SET version = {}", step.version).c_str());
        c.command("COMMIT");
      } catch (...) {
        if (!c.broken()) PgResult(PQexec(c.raw(), "ROLLBACK"));
        throw;
      }
      version = step.version;
    }
    if (version != target) {
      return make_error(ErrorCode::internal,
                        fmt::format("{}: schema version {} after the PostgreSQL migrations, "
                                    "SQLite's is {}",
                                    where, version, target));
    }
    return {};
  } catch (const detail::DatabaseError& e) {
    return error_of(e, fmt::format("preparing {}", where));
  }
}

}  // namespace

bool is_postgres_uri(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::string redacted_location(std::string_view location) {
  if (!is_postgres_uri(location)) return std::string(location);
  std::string out(location);
  // user:password@host
  const auto scheme_end = out.find("://") + 3;
  const auto at = out.find('@', scheme_end);
  const auto slash = out.find('/', scheme_end);
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
    const auto colon = out.find(':', scheme_end);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  // ?password=...&
  for (std::size_t p = out.find("password="); p != std::string::npos;
       p = out.find("password=", p + 1)) {
    if (p > 0 && out[p - 1] != '?' && out[p - 1] != '&') continue;
    const auto value = p + 9;
    const auto end = out.find('&', value);
    out.replace(value, (end == std::string::npos ? out.size() : end) - value, "***");
  }
  return out;
}

Result<std::unique_ptr<Store>> open_postgres(const std::string& uri,
                                             const PostgresOptions& options) {
  TRY_ASSIGN(auto conn, connect(uri));
  auto hook = options.on_statement ? std::make_shared<StatementHook>(options.on_statement)
                                   : std::shared_ptr<StatementHook>();
  {
    PgConnection first(std::move(conn), nullptr);
    TRY(migrate(first, uri, options.create));
  }
  return std::unique_ptr<Store>(std::make_unique<PgStore>(uri, options, std::move(hook)));
}

Result<std::unique_ptr<Store>> open_store(const std::string& location,
                                          const SqliteOptions& sqlite) {
  if (is_postgres_uri(location)) {
    PostgresOptions options;
    options.create = sqlite.create;
    options.on_statement = sqlite.on_statement;
    return open_postgres(location, options);
  }
  return open_sqlite(location, sqlite);
}

}  // namespace db
