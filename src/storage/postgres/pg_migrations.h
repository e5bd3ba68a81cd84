// The PostgreSQL schema history and its runner. Versions match SQLite's
// (sqlite/migrations.h) one for one and describe the same tables, columns
// and constraints in PostgreSQL's types: 1 links, centrals, members, API
// tokens, assignments; 2 clicks and their per-hour rollups.
//
// migrate() takes a transaction-scoped advisory lock first, so several nodes
// starting at once apply each migration exactly once; the others wait, then
// find the schema current.
//
// Thread-safety: migrate() uses the one connection it is given.
#pragma once

#include <span>
#include <string_view>

#include "storage/postgres/pg_conn.h"

namespace sequencial::postgres {

struct Migration {
  int version = 0;
  std::string_view sql;
};

[[nodiscard]] std::span<const Migration> migrations();

// Brings the database to the newest version; returns it. kUnavailable on
// field "db" when the database holds a newer schema than this build knows.
[[nodiscard]] Result<int> migrate(Connection& conn, std::span<const Migration> list = migrations());

// The per-central rotation ticket sequence (see Store::next_rotation_ticket).
[[nodiscard]] std::string ticket_sequence(std::int64_t central_id);

}  // namespace sequencial::postgres
