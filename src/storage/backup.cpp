// SQLite online backup (see backup.h).
#include "storage/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <random>
#include <system_error>

namespace sequencial {
namespace {

namespace fs = std::filesystem;

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbHandle = std::unique_ptr<sqlite3, CloseDb>;

// How long the copy waits for a lock the server holds (a checkpoint, or
// the brief exclusive lock of a WAL reset) before giving up.
constexpr int kBusyTimeoutMs = 10'000;

Error sqlite_error(sqlite3* db, const std::string& what) {
  const int code = db == nullptr ? SQLITE_NOMEM : sqlite3_extended_errcode(db);
  const std::string message = what + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
  if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED) {
    return Error::unavailable(message);
  }
  return Error::internal(message);
}

Result<DbHandle> open(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  DbHandle db(raw);
  if (rc != SQLITE_OK) return fail(sqlite_error(db.get(), "cannot open \"" + path + "\""));
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  return db;
}

// Flushes a file (or directory) to disk; errors are reported, not fatal to
// the caller's logic.
bool sync_path(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

std::string sqlite_path(std::string_view db) {
  if (db.starts_with("sqlite://")) db.remove_prefix(9);
  if (db.starts_with("sqlite:")) db.remove_prefix(7);
  return std::string(db);
}

// The pages of the source copied into `temp` in one step: a single read
// transaction, so the copy is one consistent snapshot (a stepwise copy
// would restart on every write the server makes and might never finish).
Result<BackupResult> copy(const std::string& source_path, const fs::path& temp) {
  auto source = open(source_path, SQLITE_OPEN_READONLY);
  if (!source) return fail(std::move(source.error()));
  auto target = open(temp.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!target) return fail(std::move(target.error()));

  sqlite3_backup* backup = sqlite3_backup_init(target->get(), "main", source->get(), "main");
  if (backup == nullptr) return fail(sqlite_error(target->get(), "cannot start the backup"));
  // -1: every page in this one step (BUSY/LOCKED come back after the busy
  // timeout and end the copy with an error below).
  const int rc = sqlite3_backup_step(backup, -1);
  const BackupResult result{sqlite3_backup_pagecount(backup), 0};
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return fail(sqlite_error(target->get(), "backup failed"));

  // A quick structural check of the copy before it takes the final name.
  sqlite3_stmt* check = nullptr;
  if (sqlite3_prepare_v2(target->get(), "PRAGMA quick_check", -1, &check, nullptr) != SQLITE_OK) {
    return fail(sqlite_error(target->get(), "cannot check the backup"));
  }
  std::string verdict;
  if (sqlite3_step(check) == SQLITE_ROW) {
    verdict = reinterpret_cast<const char*>(sqlite3_column_text(check, 0));
  }
  sqlite3_finalize(check);
  if (verdict != "ok") return fail(Error::internal("the backup failed its check: " + verdict));
  return result;
}

}  // namespace

Result<BackupResult> backup_sqlite(const BackupOptions& options) {
  if (options.db.starts_with("postgres://") || options.db.starts_with("postgresql://")) {
    return fail(Error::invalid(
        "db",
        "sequencial backup copies SQLite databases; for PostgreSQL use pg_dump "
        "(e.g. pg_dump --format=custom --file=sequencial.dump \"$URL\", restore with pg_restore)"));
  }
  const std::string source_path = sqlite_path(options.db);
  std::error_code ec;
  if (!fs::is_regular_file(source_path, ec)) {
    return fail(Error::invalid("db", "no SQLite database at \"" + source_path + "\""));
  }
  const fs::path out(options.out);
  if (fs::exists(out, ec) && !options.force) {
    return fail(Error::conflict(
        "out",
        "\"" + options.out + "\" exists; choose another file or pass --force to replace it"));
  }
  if (fs::equivalent(source_path, out, ec)) {
    return fail(Error::invalid("out", "the backup cannot replace the database itself"));
  }

  // Written under a temporary name in the destination's folder, then renamed.
  std::random_device random;
  const fs::path temp =
      out.string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(random());
  auto copied = copy(source_path, temp);
  if (!copied) {
    fs::remove(temp, ec);
    fs::remove(temp.string() + "-journal", ec);
    return copied;
  }
  copied->bytes = static_cast<std::int64_t>(fs::file_size(temp, ec));
  // The copy holds what the database holds (password and token hashes):
  // it gets the database's own permissions, not the umask's.
  fs::permissions(temp, fs::status(source_path, ec).permissions(), ec);
  if (!sync_path(temp, false)) {
    fs::remove(temp, ec);
    return fail(Error::internal("cannot flush \"" + temp.string() + "\" to disk"));
  }
  fs::rename(temp, out, ec);
  if (ec) {
    const std::string why = ec.message();
    fs::remove(temp, ec);
    return fail(Error::internal("cannot rename the backup to \"" + options.out + "\": " + why));
  }
  const fs::path folder = out.has_parent_path() ? out.parent_path() : fs::path(".");
  (void)sync_path(folder, true);
  return copied;
}

}  // namespace sequencial
