// What the SqliteStore source files (sqlite_store.cpp and one file per
// storage role: sqlite_links.cpp, sqlite_accounts.cpp,
// sqlite_assignments.cpp, sqlite_clicks.cpp) share. Private to this folder.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// The current row of a Query as the row reader of storage/stored_rows.h.
class SqliteRow {
 public:
  explicit SqliteRow(const Query& q) : q_(q) {}
  [[nodiscard]] std::int64_t int_at(int column) const { return q_.int_at(column); }
  [[nodiscard]] std::string text_at(int column) const { return q_.text_at(column); }
  [[nodiscard]] bool bool_at(int column) const { return q_.int_at(column) != 0; }
  [[nodiscard]] bool null_at(int column) const { return q_.null_at(column); }

 private:
  const Query& q_;
};

// Every row `q` has left, each made a T by map(SqliteRow), appended to `out`.
template <class T, class Map>
Result<std::vector<T>> all_rows(Query& q, Map map, std::vector<T> out = {}) {
  while (true) {
    auto row = q.step();
    if (!row) return fail(std::move(row.error()));
    if (!*row) return out;
    out.push_back(map(SqliteRow(q)));
  }
}

// The next row of `q` made a T by map(SqliteRow); nullopt when there is none.
template <class T, class Map>
Result<std::optional<T>> one_row(Query& q, Map map) {
  auto row = q.step();
  if (!row) return fail(std::move(row.error()));
  if (!*row) return std::optional<T>{};
  return std::optional<T>(map(SqliteRow(q)));
}

}  // namespace sequencial::sqlite
