// What the SqliteStore source files (sqlite_store.cpp and one file per
// storage role: sqlite_links.cpp, sqlite_accounts.cpp,
// sqlite_assignments.cpp, sqlite_clicks.cpp) share. Private to this folder.
#pragma once

#include <cstdint>
#include <mutex>
#include <string_view>

#include "core/error.h"
#include "storage/sqlite/sqlite_db.h"

namespace sequencial::sqlite {

using Lock = std::lock_guard<std::mutex>;

// Runs a statement whose only parameter ?1 is an id.
inline Result<void> run_with_id(Db& db, std::string_view sql, std::int64_t id) {
  auto q = db.query(sql);
  if (!q) return fail(std::move(q.error()));
  q->bind_int(1, id);
  return q->run();
}

}  // namespace sequencial::sqlite
