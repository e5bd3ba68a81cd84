// SqliteStore's AssignmentStore role (storage/assignment_store.h):
// atendimento fixo. One node only, so no shared rotation counter; find_assignment
// reads on its own connection (reader_) so that it never waits for a writer.
#include "storage/sqlite/sqlite_store.h"

#include <algorithm>
#include <limits>
#include <unordered_set>

#include "storage/contract_errors.h"
#include "storage/sqlite/sqlite_store_private.h"
#include "storage/stored_rows.h"
#include "storage/stored_values.h"

namespace sequencial::sqlite {
namespace {

using namespace stored;  // values, rows and the contract's errors (stored_*.h, contract_errors.h)

// Binds ?1..?5 to an assignment, in kAssignmentColumns order.
void bind_assignment(Query& q, const Assignment& a) {
  q.bind_int(1, a.central_id)
      .bind_int(2, to_db(a.visitor.hi))
      .bind_int(3, to_db(a.visitor.lo))
      .bind_int(4, a.link_id)
      .bind_int(5, to_db(a.last_seen));
}

}  // namespace

// ---- assignments (atendimento fixo) ----

Result<std::vector<Assignment>> SqliteStore::load_assignments(Timestamp seen_since) {
  Lock lock(mu_);
  auto q = db_.query(
      select(kAssignmentColumns, "FROM assignments WHERE last_seen >= ?1 ORDER BY last_seen"));
  if (!q) return fail(std::move(q.error()));
  q->bind_int(1, to_db(seen_since));
  return all_rows<Assignment>(*q, assignment_from<SqliteRow>);
}

Result<std::vector<Assignment>> SqliteStore::load_recent_assignments(Timestamp seen_since,
                                                                     std::size_t limit) {
  Lock lock(mu_);
  auto q = db_.query(
      select(kAssignmentColumns,
             "FROM (SELECT * FROM assignments WHERE last_seen >= ?1 ORDER BY last_seen DESC"
             " LIMIT ?2) ORDER BY last_seen"));
  if (!q) return fail(std::move(q.error()));
  q->bind_int(1, to_db(seen_since))
      .bind_int(2, static_cast<std::int64_t>(
                       std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max())));
  std::vector<Assignment> assignments;
  assignments.reserve(std::min<std::size_t>(limit, 1U << 20));
  return all_rows<Assignment>(*q, assignment_from<SqliteRow>, std::move(assignments));
}

Result<void> SqliteStore::save_assignments(std::span<const Assignment> batch) {
  if (batch.empty()) return {};
  Lock lock(mu_);
  auto tx = Transaction::begin(db_, Transaction::Kind::kWrite);
  if (!tx) return fail(std::move(tx.error()));
  // The batch was gathered in memory: skip rows whose central or link was
  // deleted meanwhile instead of failing the whole batch on a foreign key.
  // A batch names few centrals and links: check each once (inside this
  // transaction, so none can vanish before the commit), not per row.
  std::unordered_map<std::int64_t, bool> central_alive;
  std::unordered_map<std::int64_t, bool> link_alive;
  const auto alive = [this](std::unordered_map<std::int64_t, bool>& known, std::string_view sql,
                            std::int64_t id) -> Result<bool> {
    if (const auto it = known.find(id); it != known.end()) return it->second;
    auto found = exists(sql, id);
    if (!found) return found;
    known.emplace(id, *found);
    return *found;
  };
  for (const Assignment& a : batch) {
    auto central_ok = alive(central_alive, "SELECT 1 FROM centrals WHERE id = ?1", a.central_id);
    if (!central_ok) return fail(std::move(central_ok.error()));
    auto link_ok = alive(link_alive, "SELECT 1 FROM links WHERE id = ?1", a.link_id);
    if (!link_ok) return fail(std::move(link_ok.error()));
    if (!*central_ok || !*link_ok) continue;
    // Never let an older sighting (e.g. from another node's late flush)
    // overwrite a newer one.
    auto q = db_.query(
        "INSERT INTO assignments (central_id, visitor_hi, visitor_lo, link_id, last_seen)"
        " VALUES (?1, ?2, ?3, ?4, ?5)"
        " ON CONFLICT (central_id, visitor_hi, visitor_lo) DO UPDATE"
        " SET link_id = excluded.link_id, last_seen = excluded.last_seen"
        " WHERE excluded.last_seen >= assignments.last_seen");
    if (!q) return fail(std::move(q.error()));
    bind_assignment(*q, a);
    if (auto done = q->run(); !done) return fail(std::move(done.error()));
  }
  return tx->commit();
}

Result<std::int64_t> SqliteStore::purge_assignments(Timestamp seen_before) {
  Lock lock(mu_);
  auto q = db_.query("DELETE FROM assignments WHERE last_seen < ?1");
  if (!q) return fail(std::move(q.error()));
  q->bind_int(1, to_db(seen_before));
  if (auto done = q->run(); !done) return fail(std::move(done.error()));
  return db_.changes();
}

Result<std::optional<Assignment>> SqliteStore::find_assignment(CentralId central,
                                                               const VisitorId& visitor) {
  std::unique_lock lock(reader_mu_, std::defer_lock);
  std::unique_lock write_lock(mu_, std::defer_lock);
  if (reader_) {
    lock.lock();
  } else {
    write_lock.lock();
  }
  Db& db = reader_ ? *reader_ : db_;
  auto q = db.query(
      "SELECT link_id, last_seen FROM assignments"
      " WHERE central_id = ?1 AND visitor_hi = ?2 AND visitor_lo = ?3");
  if (!q) return fail(std::move(q.error()));
  q->bind_int(1, central).bind_int(2, to_db(visitor.hi)).bind_int(3, to_db(visitor.lo));
  auto row = q->step();
  if (!row) return fail(std::move(row.error()));
  if (!*row) return std::optional<Assignment>{};
  return Assignment{.central_id = central,
                    .visitor = visitor,
                    .link_id = q->int_at(0),
                    .last_seen = timestamp_from_db(q->int_at(1))};
}

Result<Assignment> SqliteStore::claim_assignment(const Assignment& a) {
  Lock lock(mu_);
  auto tx = Transaction::begin(db_, Transaction::Kind::kWrite);
  if (!tx) return fail(std::move(tx.error()));
  {
    auto q = db_.query(
        "INSERT INTO assignments (central_id, visitor_hi, visitor_lo, link_id, last_seen)"
        " SELECT ?1, ?2, ?3, ?4, ?5"
        " WHERE EXISTS (SELECT 1 FROM centrals WHERE id = ?1)"
        "   AND EXISTS (SELECT 1 FROM links WHERE id = ?4)"
        " ON CONFLICT (central_id, visitor_hi, visitor_lo) DO NOTHING");
    if (!q) return fail(std::move(q.error()));
    bind_assignment(*q, a);
    if (auto done = q->run(); !done) return fail(std::move(done.error()));
  }
  Assignment stored = a;
  {
    auto q = db_.query(
        "SELECT link_id, last_seen FROM assignments"
        " WHERE central_id = ?1 AND visitor_hi = ?2 AND visitor_lo = ?3");
    if (!q) return fail(std::move(q.error()));
    q->bind_int(1, a.central_id).bind_int(2, to_db(a.visitor.hi)).bind_int(3, to_db(a.visitor.lo));
    auto row = q->step();
    if (!row) return fail(std::move(row.error()));
    if (!*row) {
      return fail(assignment_target_not_found(a.central_id, a.link_id));
    }
    stored.link_id = q->int_at(0);
    stored.last_seen = timestamp_from_db(q->int_at(1));
  }
  if (auto done = tx->commit(); !done) return fail(std::move(done.error()));
  return stored;
}

Result<std::optional<std::uint64_t>> SqliteStore::next_rotation_ticket(CentralId /*central*/) {
  return std::optional<std::uint64_t>{};
}

}  // namespace sequencial::sqlite
