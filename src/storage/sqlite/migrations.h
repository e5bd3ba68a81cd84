// The SQLite schema as an ordered list of migrations, and the runner that
// brings a database file up to date when it is opened.
//
// Versioning: the table schema_version holds one row per applied migration
// (version, applied_at). A database whose highest version is above the last
// migration this build knows was written by a newer Sequencial and is
// refused, never touched.
//
// Thread-safety: migrate() uses the Db it is handed (one thread at a time).
// Several processes may open the same file at once: the runner takes the
// write lock (BEGIN IMMEDIATE) and re-reads the version under it, so only one
// of them applies a migration and the others find it done.
#pragma once

#include <span>
#include <string_view>

#include "core/error.h"
#include "storage/sqlite/sqlite_db.h"

namespace sequencial::sqlite {

struct Migration {
  int version = 0;       // 1, 2, 3, ... with no gap
  std::string_view sql;  // one or more statements, run inside the transaction
  // Drops and recreates tables that others refer to: run with foreign_keys
  // off (else DROP TABLE cascades into the children), checked before commit.
  bool rebuilds_tables = false;
};

// Every migration of this build, in order. Append only: a released
// migration is never edited, a change is a new version.
[[nodiscard]] std::span<const Migration> migrations();

// Applies, in one transaction, every migration of `list` above the file's
// current version and returns the version the file is at afterwards.
// Fails (touching nothing) when the file's version is newer than the last of
// `list`, or when `list` is not numbered 1, 2, 3, ...
[[nodiscard]] Result<int> migrate(Db& db, std::span<const Migration> list);

}  // namespace sequencial::sqlite
