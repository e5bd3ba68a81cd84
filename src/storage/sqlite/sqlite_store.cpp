// SqliteStore: the Store interface on one SQLite file (see sqlite_store.h).
// Every public method locks mu_ for its whole duration; every write of more
// than one row runs in one BEGIN IMMEDIATE transaction. This file opens the
// store and holds what every role shares; each role's methods are in a file
// of their own (sqlite_links.cpp, sqlite_accounts.cpp, sqlite_assignments.cpp,
// sqlite_clicks.cpp).
#include "storage/sqlite/sqlite_store.h"

#include <chrono>
#include <string>
#include <thread>

#include "storage/sqlite/migrations.h"
#include "storage/sqlite/sqlite_store_private.h"

namespace sequencial::sqlite {
namespace {

constexpr int kBusyTimeoutMs = 5000;

// Prefixes errors met while opening with the file name, on field "db".
Error open_error(const std::string& path, Error error) {
  if (error.field.empty()) error.field = "db";
  if (error.code == ErrorCode::kInternal) error.code = ErrorCode::kUnavailable;
  error.message = "cannot use database \"" + path + "\": " + error.message;
  return error;
}

// Turns on WAL (persistent in the file). With several connections opening
// one new file together, SQLite sometimes answers "busy" here at once,
// without waiting out busy_timeout (SeveralConnectionsOpeningANewFileAtOnce:
// about one run in 40 beside another test). So busy is retried until the
// timeout; a file already in WAL mode passes at the first try.
Result<void> enable_wal(Db& db) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  for (;;) {
    auto ok = db.exec("PRAGMA journal_mode = WAL");
    if (ok || ok.error().code != ErrorCode::kUnavailable ||
        std::chrono::steady_clock::now() >= deadline) {
      return ok;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

// ---- opening ----

// 64 MB of page cache per connection (filled only as pages are read).
constexpr std::string_view kCachePragmas = "PRAGMA cache_size = -65536;";

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path) {
  if (path.empty()) return fail(Error::invalid("db", "database path is empty"));
  auto db = Db::open(path);
  if (!db) return fail(std::move(db.error()));
  if (auto ok = db->set_busy_timeout(kBusyTimeoutMs); !ok) {
    return fail(open_error(path, std::move(ok.error())));
  }
  // journal_mode first: it needs the file lock.
  if (auto ok = enable_wal(*db); !ok) return fail(open_error(path, std::move(ok.error())));
  // foreign_keys is per connection and must be set outside any transaction.
  // cache_size: the click and assignment writers touch index pages
  // all over a large file; with SQLite's 2 MB default cache they were read
  // back with pread on every batch (profile in BENCHMARKS.md).
  if (auto ok = db->exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;" +
                         std::string(kCachePragmas));
      !ok) {
    return fail(open_error(path, std::move(ok.error())));
  }
  if (auto version = migrate(*db, migrations()); !version) {
    return fail(open_error(path, std::move(version.error())));
  }
  std::optional<Db> reader;
  if (path != ":memory:" && !path.starts_with("file::memory:")) {
    auto r = Db::open(path);
    if (!r) return fail(open_error(path, std::move(r.error())));
    if (auto ok = r->set_busy_timeout(kBusyTimeoutMs); !ok) {
      return fail(open_error(path, std::move(ok.error())));
    }
    if (auto ok = r->exec("PRAGMA query_only = ON;" + std::string(kCachePragmas)); !ok) {
      return fail(open_error(path, std::move(ok.error())));
    }
    reader.emplace(std::move(*r));
  }
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(*db), std::move(reader)));
}

Result<bool> SqliteStore::exists(std::string_view sql, std::int64_t id) {
  auto q = db_.query(sql);
  if (!q) return fail(std::move(q.error()));
  q->bind_int(1, id);
  return q->step();
}

// ---- change feed ----

Result<std::unique_ptr<ChangeListener>> SqliteStore::open_change_listener() {
  return std::unique_ptr<ChangeListener>{};
}

}  // namespace sequencial::sqlite
