// What the PgStore source files (pg_store.cpp and one file per storage
// role: pg_links.cpp, pg_accounts.cpp, pg_assignments.cpp, pg_clicks.cpp)
// share. Private to this folder.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "core/model.h"
#include "storage/postgres/pg_conn.h"
#include "storage/postgres/pg_migrations.h"

namespace sequencial::postgres {

// SQLSTATEs the store reacts to.
constexpr std::string_view kUniqueViolation = "23505";
constexpr std::string_view kForeignKeyViolation = "23503";
constexpr std::string_view kUndefinedTable = "42P01";

inline bool violated(const Connection& conn, std::string_view sqlstate,
                     std::string_view constraint = {}) {
  return conn.last_failure().sqlstate == sqlstate &&
         (constraint.empty() || conn.last_failure().constraint == constraint);
}

inline Params one(std::int64_t value) { return std::move(Params().add(value)); }

inline std::string sequence_ddl(std::string_view verb, CentralId id) {
  return std::string(verb) + " " + ticket_sequence(id);
}

}  // namespace sequencial::postgres
