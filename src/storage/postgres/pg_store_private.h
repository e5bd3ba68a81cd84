// What the PgStore source files (pg_store.cpp and one file per storage
// role: pg_links.cpp, pg_accounts.cpp, pg_assignments.cpp, pg_clicks.cpp)
// share. Private to this folder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// Row `row` of a PgResult as the row reader of storage/stored_rows.h.
class PgRow {
 public:
  PgRow(const PgResult& r, int row) : r_(r), row_(row) {}
  [[nodiscard]] std::int64_t int_at(int column) const { return r_.int_at(row_, column); }
  [[nodiscard]] std::string_view text_at(int column) const { return r_.text_at(row_, column); }
  [[nodiscard]] bool bool_at(int column) const { return r_.bool_at(row_, column); }
  [[nodiscard]] bool null_at(int column) const { return r_.null_at(row_, column); }

 private:
  const PgResult& r_;
  int row_;
};

// Every row of `r`, each made a T by map(PgRow).
template <class T, class Map>
std::vector<T> all_rows(const PgResult& r, Map map) {
  std::vector<T> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(map(PgRow(r, i)));
  return out;
}

// The first row of `r` made a T by map(PgRow); nullopt when there is none.
template <class T, class Map>
std::optional<T> first_row(const PgResult& r, Map map) {
  if (r.rows() == 0) return std::nullopt;
  return map(PgRow(r, 0));
}

}  // namespace sequencial::postgres
