// `sequencial backup`: a consistent copy of a SQLite database while a server
// keeps writing to it, through SQLite's online backup API. The copy is one
// read transaction on the source (in WAL mode writers go on meanwhile), so
// it holds exactly what was committed when the backup started: every link,
// central and click the server had written, including what still sits in
// the -wal file that a plain `cp` would miss. It is written to a temporary
// file next to the destination and renamed over it when complete, so a
// failed backup never leaves a half-written file under the given name.
//
// PostgreSQL databases are refused: pg_dump is the tool for them.
//
// Thread-safety: a pure function; it opens its own connections.
#pragma once

#include <cstdint>
#include <string>

#include "core/error.h"

namespace sequencial {

struct BackupOptions {
  std::string db;      // SQLite file path (or sqlite: URL); postgres:// is refused
  std::string out;     // the backup file to write
  bool force = false;  // replace `out` when it exists
};

struct BackupResult {
  std::int64_t pages = 0;
  std::int64_t bytes = 0;
};

// kInvalid on field "db" for a PostgreSQL URL (the message names pg_dump),
// kConflict on field "out" when `out` exists and !force, kUnavailable when
// the source stays locked, kInternal for anything else (SQLite's message).
[[nodiscard]] Result<BackupResult> backup_sqlite(const BackupOptions& options);

}  // namespace sequencial
