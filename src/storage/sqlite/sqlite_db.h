// A small RAII layer over the SQLite C API, used only by the SQLite backend.
//   Db           owns one connection and a cache of its prepared statements;
//   Query        is one use of a cached statement: bind, step, read columns;
//                it resets the statement when it goes out of scope, so no
//                statement keeps a read snapshot open by accident;
//   Transaction  is BEGIN ... COMMIT, rolled back on every early return.
// Failures come back as sequencial::Error values: SQLITE_BUSY/SQLITE_LOCKED
// (another process held the lock past the busy timeout) as kUnavailable,
// everything else as kInternal carrying SQLite's own message. sqlite3.h is
// included only by the .cpp files of this folder.
//
// Thread-safety: none. A Db and the Queries and Transactions made from it
// belong to one thread at a time (the connection is opened with
// SQLITE_OPEN_NOMUTEX); SqliteStore serialises every use with its mutex.
// A Query or Transaction must not outlive the Db it came from, and the Db
// must not be moved while one is alive.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace sequencial::sqlite {

class Db;

// One execution of a cached prepared statement. Parameters are numbered from
// 1 (as in SQL "?1"), result columns from 0, as in the SQLite API.
class Query final {
 public:
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  Query(Query&& other) noexcept;
  Query& operator=(Query&& other) noexcept;
  ~Query();

  // A failing bind (index out of range, value too big) is remembered and
  // reported by the next step().
  Query& bind_int(int index, std::int64_t value);
  Query& bind_text(int index, std::string_view value);
  // Binds without a copy: `value` must stay alive and unchanged until the
  // next step(), reset() or the end of the Query (batch inserts).
  Query& bind_text_view(int index, std::string_view value);
  Query& bind_null(int index);

  // Advances to the next row: true when a row is ready to read, false when
  // the statement is done.
  [[nodiscard]] Result<bool> step();
  // Steps until done, ignoring rows (INSERT, UPDATE, DELETE).
  [[nodiscard]] Result<void> run();
  // Makes the statement ready to run again (bindings kept; rebind them all),
  // so a loop of inserts uses one Query.
  void reset() noexcept;

  [[nodiscard]] std::int64_t int_at(int column) const;
  [[nodiscard]] std::string text_at(int column) const;  // "" for NULL
  [[nodiscard]] bool null_at(int column) const;

  // After step()/run() failed: whether the failure was a UNIQUE or PRIMARY
  // KEY violation naming `target` the way SQLite does ("links.slug_key").
  [[nodiscard]] bool violated_unique(std::string_view target) const;

 private:
  friend class Db;
  Query(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  void release() noexcept;

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  int bind_error_ = 0;   // first failing bind's result code, 0 if none
  int failed_code_ = 0;  // extended result code of the last failed step
  std::string failed_message_;
};

class Db final {
 public:
  // Opens (creating when missing) the SQLite file at `path` for reading and
  // writing, with extended result codes. Connection PRAGMAs are the caller's.
  [[nodiscard]] static Result<Db> open(const std::string& path);

  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  Db(Db&& other) noexcept;
  Db& operator=(Db&& other) noexcept;
  ~Db();  // finalizes every cached statement, then closes

  // Runs one or more ';'-separated statements without parameters.
  [[nodiscard]] Result<void> exec(const std::string& sql);
  // The cached prepared statement for `sql` (prepared on first use).
  [[nodiscard]] Result<Query> query(std::string_view sql);
  // Waits up to `milliseconds` for a lock another connection holds.
  [[nodiscard]] Result<void> set_busy_timeout(int milliseconds);

  // Rows changed by the last INSERT/UPDATE/DELETE, and the last inserted rowid.
  [[nodiscard]] std::int64_t changes() const;
  [[nodiscard]] std::int64_t last_insert_rowid() const;
  // Whether the last failure on this connection was the disk or the file
  // refusing writes for now (full, I/O error, read-only, out of memory,
  // locked): a retry later may succeed, unlike a value the schema refuses.
  [[nodiscard]] bool last_failure_is_transient() const;

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  void close() noexcept;

  struct StatementDeleter {
    void operator()(sqlite3_stmt* stmt) const noexcept;
  };
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<sqlite3_stmt, StatementDeleter>, StringHash,
                     std::equal_to<>>
      statements_;
};

// BEGIN ... COMMIT. Destroying a Transaction that was not committed rolls it
// back, so every early `return fail(...)` undoes the partial work.
class Transaction final {
 public:
  enum class Kind {
    kRead,   // BEGIN DEFERRED: one consistent snapshot for several SELECTs
    kWrite,  // BEGIN IMMEDIATE: takes the write lock now (waiting up to the
             // busy timeout), so a later write cannot fail with SQLITE_BUSY
  };

  [[nodiscard]] static Result<Transaction> begin(Db& db, Kind kind);

  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  [[nodiscard]] Result<void> commit();

 private:
  explicit Transaction(Db& db) : db_(&db) {}
  Db* db_;  // null once committed or moved from
};

}  // namespace sequencial::sqlite
