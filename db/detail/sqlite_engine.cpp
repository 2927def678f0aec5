// The SQLite engine: connections (one writing connection per Store, guarded by a mutex, and
// reading connections in a pool per ReadLane, eight for the staff and two for citizens' lookups:
// in WAL mode readers see the last commit and never wait for the writer), pragmas, migrations,
// and transactions. Writers take the database lock up front (BEGIN
// IMMEDIATE) so a unit of work's reads and writes are not interleaved with another process's.
// The SQL of the records is not here but in the repository files (repository.hpp), which see
// this engine only through detail::Connection. SQLite::Exception never leaves this file: a
// statement's becomes a DatabaseError, the rest a Result.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "common/messages.hpp"
#include "common/private_files.hpp"
#include "db/detail/engine.hpp"
#include "db/detail/repository.hpp"
#include "db/detail/schema.hpp"
#include "db/messages.hpp"
#include "db/store.hpp"

namespace db {
namespace {

using common::Error;
using common::ErrorCode;
using common::make_error;
using common::Result;

ErrorCode error_code_of(const SQLite::Exception& e) {
  const int primary = e.getErrorCode() & 0xFF;
  if (primary == SQLITE_CONSTRAINT) return ErrorCode::bad_input;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_IOERR ||
      primary == SQLITE_FULL || primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY ||
      primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT || primary == SQLITE_PERM) {
    return ErrorCode::io_error;
  }
  return ErrorCode::internal;
}

// Whether SQLite failed for want of disk space: SQLITE_FULL (a write into the database or its WAL),
// or an I/O error (growing the -shm file at start fails with SQLITE_IOERR, "disk I/O error") when
// the operating system said ENOSPC or the filesystem of `folder` has almost no room left.
bool disk_full(int sqlite_code, int system_errno, const std::filesystem::path& folder) {
  const int primary = sqlite_code & 0xFF;
  if (primary == SQLITE_FULL) return true;
  if (primary != SQLITE_IOERR && primary != SQLITE_CANTOPEN) return false;
  if (system_errno == ENOSPC || system_errno == EDQUOT) return true;
  struct statvfs space {};
  if (::statvfs(folder.empty() ? "." : folder.c_str(), &space) != 0) return false;
  // root may write into the blocks kept back for it; others may not.
  const auto blocks = ::geteuid() == 0 ? space.f_bfree : space.f_bavail;
  return static_cast<std::uint64_t>(blocks) * space.f_frsize < 64 * 1024;
}

// Converts an exception from SQLite into an Error that says what we were doing; a full disk says
// so in the user's words.
common::Error sqlite_error(const SQLite::Exception& e, std::string_view doing,
                           const std::filesystem::path& path) {
  if (disk_full(e.getExtendedErrorCode(), 0, path.parent_path())) {
    return make_error(ErrorCode::io_error, msg::database_disk_full);
  }
  return make_error(error_code_of(e), fmt::format("database: {}: {}", doing, e.what()));
}

[[noreturn]] void rethrow(const SQLite::Exception& e) {
  if ((e.getErrorCode() & 0xFF) == SQLITE_FULL) {
    throw detail::DatabaseError(ErrorCode::io_error, e.what(), msg::database_disk_full);
  }
  throw detail::DatabaseError(error_code_of(e), e.what());
}

// Runs `fn`, turning a SQLite exception into a DatabaseError for the repository code.
template <class Fn>
auto translated(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const SQLite::Exception& e) {
    rethrow(e);
  }
}

class SqliteStatement final : public detail::Statement {
 public:
  SqliteStatement(SQLite::Database& db, const std::string& sql) : s_(db, sql) {}

  void bind_null(int index) override {
    translated([&] { s_.bind(index); });
  }
  void bind_int(int index, std::int64_t value) override {
    translated([&] { s_.bind(index, value); });
  }
  void bind_text(int index, std::string_view value) override {
    translated([&] { s_.bind(index, std::string(value)); });
  }
  bool step() override {
    return translated([&] { return s_.executeStep(); });
  }
  int exec() override {
    return translated([&] { return s_.exec(); });
  }
  void reset() override {
    // tryReset: after a failed step, reset() would throw that old error again.
    s_.tryReset();
    translated([&] { s_.clearBindings(); });
  }
  bool is_null(int column) override {
    return translated([&] { return s_.isColumnNull(column); });
  }
  std::int64_t column_int(int column) override {
    return translated([&] { return s_.getColumn(column).getInt64(); });
  }
  std::string column_text(int column) override {
    return translated([&] { return s_.getColumn(column).getString(); });
  }

  // Ends the current run without throwing (the end of a unit of work).
  void end() noexcept { s_.tryReset(); }

 private:
  SQLite::Statement s_;
};

// A connection with its prepared statements, reused across calls (reset before each use).
class SqliteConnection final : public detail::Connection {
 public:
  SqliteConnection(const std::filesystem::path& path, int flags, int busy_timeout_ms)
      : db_(path.string(), flags, busy_timeout_ms) {}

  SQLite::Database& db() { return db_; }

  // Ends every cached statement's run. A statement left on an unfinished row keeps the
  // connection's read snapshot alive; the connection's next write would then fail at once with
  // SQLITE_BUSY_SNAPSHOT ("database is locked") instead of waiting for other writers.
  void reset_all() noexcept {
    for (auto& [sql, statement] : statements_) statement->end();
  }

  detail::Statement& prepare(const char* sql) override {
    auto& slot = statements_[sql];
    if (!slot) {
      try {
        slot = std::make_unique<SqliteStatement>(db_, sql);
      } catch (const SQLite::Exception& e) {
        statements_.erase(sql);  // reset_all() must not meet an empty slot
        rethrow(e);
      }
    } else {
      slot->reset();
    }
    return *slot;
  }

  std::int64_t last_insert_id() override { return db_.getLastInsertRowid(); }

  int stored_schema_version() override {
    return translated([&] { return db_.execAndGet("PRAGMA user_version").getInt(); });
  }

  std::unique_ptr<detail::Statement> prepare_once(const std::string& sql) override {
    return translated([&] { return std::make_unique<SqliteStatement>(db_, sql); });
  }

 private:
  SQLite::Database db_;
  std::unordered_map<const char*, std::unique_ptr<SqliteStatement>> statements_;
};

// What SqliteOptions::on_statement is handed: the statement's text as it starts to run.
using StatementHook = std::function<void(std::string_view)>;

int trace_statement(unsigned type, void* context, void*, void* sql) {
  if (type != SQLITE_TRACE_STMT || sql == nullptr) return 0;
  try {
    (*static_cast<const StatementHook*>(context))(static_cast<const char*>(sql));
  } catch (...) {  // a hook's failure is not the statement's
  }
  return 0;
}

void watch_statements(SqliteConnection& connection, const std::shared_ptr<StatementHook>& hook) {
  if (!hook) return;
  sqlite3_trace_v2(connection.db().getHandle(), SQLITE_TRACE_STMT, &trace_statement, hook.get());
}

// A job's lease on one desk: an exclusive flock on `<database>.<job>.lock`, which the kernel
// frees when the process dies.
class FileLease final : public JobLease {
 public:
  explicit FileLease(int fd) : fd_(fd) {}
  ~FileLease() override { ::close(fd_); }
  FileLease(const FileLease&) = delete;
  FileLease& operator=(const FileLease&) = delete;
  bool held() override { return true; }

 private:
  int fd_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(std::unique_ptr<SqliteConnection> connection, std::filesystem::path path,
              int busy_timeout_ms, std::shared_ptr<StatementHook> hook)
      : connection_(std::move(connection)),
        path_(std::move(path)),
        busy_timeout_ms_(busy_timeout_ms),
        hook_(std::move(hook)) {
    watch_statements(*connection_, hook_);
  }

  Result<void> write(const std::function<Result<void>(Transaction&)>& work) override {
    std::lock_guard lock(mutex_);
    return run(*connection_, work, SQLite::TransactionBehavior::IMMEDIATE, "writing", path_);
  }

  Result<void> read(const std::function<Result<void>(Transaction&)>& work) override {
    return read(ReadLane::staff, work);
  }

  Result<std::unique_ptr<JobLease>> try_lead(std::string_view job) override {
    const std::string lock_path = fmt::format("{}.{}.lock", path_.string(), job);
    const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      return make_error(ErrorCode::io_error,
                        fmt::format("{}: cannot open: {}", lock_path, std::strerror(errno)));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int why = errno;
      ::close(fd);
      if (why == EWOULDBLOCK) return std::unique_ptr<JobLease>();
      return make_error(ErrorCode::io_error,
                        fmt::format("{}: cannot lock: {}", lock_path, std::strerror(why)));
    }
    return std::unique_ptr<JobLease>(std::make_unique<FileLease>(fd));
  }

  // Reads run on connections of their own (WAL lets readers and the writer work at once), so a
  // server's lookups do not queue behind each other or behind a write; and each lane has its own
  // pool, so the staff's searches cannot take the readers citizens' lookups need.
  Result<void> read(ReadLane lane, const std::function<Result<void>(Transaction&)>& work) override {
    Pool& pool = lane == ReadLane::public_lookup ? public_readers_ : staff_readers_;
    auto reader = take_reader(pool);
    if (!reader) return reader.error();
    // Given back however `work` ends, an exception included: a lost reader would shrink the pool
    // until every read waited for ever.
    struct GiveBack {
      SqliteStore& store;
      Pool& pool;
      std::unique_ptr<SqliteConnection>& connection;
      ~GiveBack() { store.give_back(pool, std::move(connection)); }
    } give_back_on_exit{*this, pool, *reader};
    return run(**reader, work, SQLite::TransactionBehavior::DEFERRED, "reading", path_);
  }

 private:
  // The readers of one lane: at most `max` connections, opened when first needed and kept.
  struct Pool {
    const std::size_t max;
    std::condition_variable free;
    std::vector<std::unique_ptr<SqliteConnection>> idle;
    std::size_t opened = 0;  // idle or in use
  };

  static Result<void> run(SqliteConnection& connection,
                          const std::function<Result<void>(Transaction&)>& work,
                          SQLite::TransactionBehavior behavior, std::string_view doing,
                          const std::filesystem::path& path) {
    struct ResetOnExit {
      SqliteConnection& c;
      ~ResetOnExit() { c.reset_all(); }
    } reset_on_exit{connection};
    try {
      SQLite::Transaction transaction(connection.db(), behavior);
      detail::Repository tx(connection);
      Result<void> result = work(tx);
      connection.reset_all();
      if (!result) return result;  // the transaction's destructor rolls back
      transaction.commit();
      return {};
    } catch (const SQLite::Exception& e) {
      connection.reset_all();
      return sqlite_error(e, doing, path);
    } catch (const detail::DatabaseError& e) {
      connection.reset_all();
      if (!e.text().empty()) return Error{e.code(), e.text().render(common::Lang::en), e.text()};
      return make_error(e.code(), fmt::format("database: {}: {}", doing, e.what()));
    }
  }

  Result<std::unique_ptr<SqliteConnection>> take_reader(Pool& pool) {
    std::unique_lock lock(readers_mutex_);
    pool.free.wait(lock, [&pool] { return !pool.idle.empty() || pool.opened < pool.max; });
    if (!pool.idle.empty()) {
      auto reader = std::move(pool.idle.back());
      pool.idle.pop_back();
      return reader;
    }
    ++pool.opened;
    lock.unlock();
    try {
      auto reader =
          std::make_unique<SqliteConnection>(path_, SQLite::OPEN_READWRITE, busy_timeout_ms_);
      reader->db().exec("PRAGMA foreign_keys = ON");
      reader->db().exec("PRAGMA cache_size = -16384");
      watch_statements(*reader, hook_);
      return reader;
    } catch (const SQLite::Exception& e) {
      lock.lock();
      --pool.opened;
      pool.free.notify_one();
      return sqlite_error(e, fmt::format("opening {} for reading", path_.string()), path_);
    }
  }

  void give_back(Pool& pool, std::unique_ptr<SqliteConnection> reader) {
    {
      std::lock_guard lock(readers_mutex_);
      pool.idle.push_back(std::move(reader));
    }
    pool.free.notify_one();
  }

  std::mutex mutex_;
  std::unique_ptr<SqliteConnection> connection_;
  const std::filesystem::path path_;
  const int busy_timeout_ms_;
  const std::shared_ptr<StatementHook> hook_;
  std::mutex readers_mutex_;
  // Eight for the staff (searches, reports, the CLI's reads); two for citizens' lookups, which
  // are a few primary-key reads each and are rate-limited per address by the server.
  Pool staff_readers_{8, {}, {}, 0};
  Pool public_readers_{2, {}, {}, 0};
};

// hoso_search_name(full_name) and hoso_name_keys(full_name), which migration 7 fills the name
// search's columns with for the applicants already stored: the repository's own functions, so old
// and new rows are folded alike.
void sql_search_name(sqlite3_context* context, int, sqlite3_value** argv) {
  try {
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    const std::string out = detail::search_name_of(
        text ? std::string_view(text, static_cast<std::size_t>(sqlite3_value_bytes(argv[0])))
             : std::string_view());
    sqlite3_result_text(context, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
  } catch (const std::exception& e) {
    sqlite3_result_error(context, e.what(), -1);
  }
}

void sql_name_keys(sqlite3_context* context, int, sqlite3_value** argv) {
  try {
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    // Keys are words of letters and digits (common::search_words) and spaces: nothing to escape.
    std::string out = "[";
    for (const std::string& key : detail::name_keys_of(
             text ? std::string_view(text, static_cast<std::size_t>(sqlite3_value_bytes(argv[0])))
                  : std::string_view())) {
      if (out.size() > 1) out += ',';
      out += '"';
      out += key;
      out += '"';
    }
    out += ']';
    sqlite3_result_text(context, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
  } catch (const std::exception& e) {
    sqlite3_result_error(context, e.what(), -1);
  }
}

void add_migration_functions(SQLite::Database& db) {
  constexpr int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  for (const auto& [name, fn] : {std::pair{"hoso_search_name", &sql_search_name},
                                 std::pair{"hoso_name_keys", &sql_name_keys}}) {
    const int rc = sqlite3_create_function_v2(db.getHandle(), name, 1, flags, nullptr, fn, nullptr,
                                              nullptr, nullptr);
    if (rc != SQLITE_OK) throw SQLite::Exception(db.getHandle(), rc);
  }
}

Result<void> migrate(SQLite::Database& db, const std::filesystem::path& path) {
  const auto steps = detail::migrations();
  const int target = static_cast<int>(steps.size());
  // Take the write lock before reading the version, so two processes opening a fresh file do not
  // both run migration 1.
  SQLite::Transaction check(db, SQLite::TransactionBehavior::IMMEDIATE);
  int version = db.execAndGet("PRAGMA user_version").getInt();
  if (version > target) {
    return make_error(ErrorCode::invalid_argument,
                      fmt::format("{}: database schema version {} is newer than this hoso "
                                  "understands ({}); use a newer hoso",
                                  path.string(), version, target));
  }
  for (; version < target; ++version) {
    if (version == 0) {
      spdlog::debug("{}: creating schema version {}", path.string(), target);
    } else {
      spdlog::info("{}: migrating schema {} -> {}", path.string(), version, version + 1);
    }
    db.exec(steps[static_cast<std::size_t>(version)]);
    db.exec(fmt::format("PRAGMA user_version = {}", version + 1));
  }
  check.commit();
  return {};
}

}  // namespace

int schema_version() { return static_cast<int>(detail::migrations().size()); }

Result<std::unique_ptr<Store>> open_sqlite(const std::filesystem::path& path,
                                           const SqliteOptions& options) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (!options.create) {
      return make_error(ErrorCode::not_found, msg::no_database, {{"path", path.string()}});
    }
    // Created here, 0600 in folders created 0700, before SQLite opens it: SQLite gives the -wal
    // and -shm files it makes the database file's mode, so they are private too.
    TRY(common::create_private_file(path));
  } else if (st.st_size == 0 && !options.create && S_ISREG(st.st_mode)) {
    // SQLite would take an empty file for a new database: a wrong --db, or a file truncated.
    return make_error(ErrorCode::not_found, msg::empty_database_file, {{"path", path.string()}});
  }
  // The applicants' names, ID numbers and addresses are the desk's alone.
  for (const char* suffix : {"", "-wal", "-shm"}) {
    TRY_ASSIGN(const auto tightened, common::make_private(path.string() + suffix));
    if (tightened) spdlog::warn("{} (it was open to other users)", *tightened);
  }
  std::unique_ptr<SqliteConnection> connection;
  try {
    int flags = SQLite::OPEN_READWRITE | (options.create ? SQLite::OPEN_CREATE : 0);
    connection = std::make_unique<SqliteConnection>(path, flags, options.busy_timeout_ms);
    auto& db = connection->db();
    // journal_mode=WAL needs the lock briefly; the busy timeout covers a concurrent opener.
    db.exec("PRAGMA journal_mode = WAL");
    db.exec(options.durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA foreign_keys = ON");
    // 32 MB of page cache (the default is 2 MB): the tracking-number and image-hash indexes are
    // written at random places, which at 10^6 dossiers no longer fit the default (bench/).
    db.exec("PRAGMA cache_size = -32768");
    add_migration_functions(db);
    if (auto migrated = migrate(db, path); !migrated) return migrated.error();
    auto hook = options.on_statement ? std::make_shared<StatementHook>(options.on_statement)
                                     : std::shared_ptr<StatementHook>();
    return std::unique_ptr<Store>(std::make_unique<SqliteStore>(
        std::move(connection), path, options.busy_timeout_ms, std::move(hook)));
  } catch (const SQLite::Exception& e) {
    const int primary = e.getErrorCode() & 0xFF;
    if (primary == SQLITE_NOTADB) {
      return make_error(ErrorCode::io_error,
                        fmt::format("{}: not a hoso database (not an SQLite file)", path.string()));
    }
    // A full disk at start shows as "disk I/O error" (the -shm file cannot grow): say it is full.
    const int system_errno = connection ? sqlite3_system_errno(connection->db().getHandle()) : 0;
    if (disk_full(e.getExtendedErrorCode(), system_errno, path.parent_path())) {
      return make_error(
          ErrorCode::io_error, common::msg::disk_full,
          {{"path", path.parent_path().empty() ? std::string(".") : path.parent_path().string()}});
    }
    return sqlite_error(e, fmt::format("opening {}", path.string()), path);
  }
}

Result<std::string> integrity_check(const std::filesystem::path& path) {
  try {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY, 30'000);
    SQLite::Statement s(db, "PRAGMA integrity_check");
    std::string out;
    while (s.executeStep()) {
      if (!out.empty()) out += '\n';
      out += s.getColumn(0).getString();
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return sqlite_error(e, fmt::format("checking {}", path.string()), path);
  }
}

}  // namespace db
