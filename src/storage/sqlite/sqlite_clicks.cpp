// SqliteStore's ClickStore role (storage/click_store.h): click batches with
// their rollups in one transaction, reports from the rollups, CSV export.
#include "storage/sqlite/sqlite_store.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "storage/contract_errors.h"
#include "storage/rollups.h"
#include "storage/sqlite/sqlite_store_private.h"
#include "storage/stored_rows.h"
#include "storage/stored_text.h"
#include "storage/stored_values.h"

namespace sequencial::sqlite {
namespace {

using namespace stored;  // values, rows and the contract's errors (stored_*.h, contract_errors.h)

// A failure of the click batch: kUnavailable when the file refuses writes
// for now (the click writer spools and retries), else as it came (the
// writer splits the batch to find the row at fault).
Error click_write_error(const Db& db, Error error) {
  if (db.last_failure_is_transient()) error.code = ErrorCode::kUnavailable;
  return error;
}

}  // namespace

Result<void> SqliteStore::insert_clicks(std::span<const ClickRecord> batch,
                                        std::span<const RollupDelta> rollups) {
  if (batch.empty() && rollups.empty()) return {};
  Lock lock(mu_);
  auto tx = Transaction::begin(db_, Transaction::Kind::kWrite);
  if (!tx) return fail(click_write_error(db_, std::move(tx.error())));
  if (!batch.empty()) {
    auto q = db_.query(
        "INSERT INTO clicks (at, kind, central_id, entry_link_id, link_id, visitor_hi, visitor_lo,"
        " new_visitor, outcome, device, browser, referrer, utm_source, utm_medium, utm_campaign,"
        " utm_term, utm_content, gclid, fbclid, source, ref)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
        " ?19, ?20, ?21)");
    if (!q) return fail(std::move(q.error()));
    // One scratch string per text column: bound without a copy, each must
    // live until the row is inserted.
    std::array<std::string, 10> scratch;
    for (const ClickRecord& c : batch) {
      if (c.kind == ClickKind::kView) continue;  // a view is in the rollups only
      q->reset();
      q->bind_int(1, to_db(c.at))
          .bind_int(2, static_cast<std::int64_t>(c.kind))
          .bind_int(3, c.central_id)
          .bind_int(4, c.entry_link_id)
          .bind_int(5, c.link_id)
          .bind_int(6, to_db(c.visitor.hi))
          .bind_int(7, to_db(c.visitor.lo))
          .bind_int(8, c.new_visitor ? 1 : 0)
          .bind_int(18, c.gclid ? 1 : 0)
          .bind_int(19, c.fbclid ? 1 : 0)
          .bind_int(20, static_cast<std::int64_t>(c.source));
      std::size_t column = 0;
      for (const std::string* text :
           {&c.outcome, &c.device, &c.browser, &c.referrer, &c.utm_source, &c.utm_medium,
            &c.utm_campaign, &c.utm_term, &c.utm_content}) {
        q->bind_text_view(static_cast<int>(9 + column), storable_text(*text, scratch[column]));
        ++column;
      }
      q->bind_text_view(21, storable_text(c.ref, scratch[column]));
      if (auto done = q->run(); !done) return fail(click_write_error(db_, std::move(done.error())));
    }
  }
  if (!rollups.empty()) {
    auto folded = fold_stored_rollups(rollups);
    if (!folded) return fail(click_write_error(db_, std::move(folded.error())));
    auto q = db_.query(
        "INSERT INTO click_rollups (scope, scope_id, dimension, hour, key, count)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
        " ON CONFLICT (scope, scope_id, dimension, hour, key) DO UPDATE"
        " SET count = count + excluded.count");
    if (!q) return fail(std::move(q.error()));
    for (const RollupDelta& r : *folded) {
      q->reset();
      q->bind_int(1, static_cast<std::int64_t>(r.scope))
          .bind_int(2, r.scope_id)
          .bind_text(3, r.dimension)
          .bind_int(4, r.hour)
          .bind_text(5, r.key)
          .bind_int(6, r.count);
      if (auto done = q->run(); !done) return fail(click_write_error(db_, std::move(done.error())));
    }
  }
  if (auto done = tx->commit(); !done) return fail(click_write_error(db_, std::move(done.error())));
  return {};
}

Result<std::vector<RollupDelta>> SqliteStore::fold_stored_rollups(
    std::span<const RollupDelta> rollups) {
  // Keys made storable first, so that the cap counts what is stored.
  std::vector<RollupDelta> clean(rollups.begin(), rollups.end());
  std::string scratch;
  for (RollupDelta& r : clean) {
    if (!is_storable_text(r.key)) r.key = std::string(storable_text(r.key, scratch));
  }
  std::map<RollupGroup, std::set<std::string, std::less<>>> stored;
  for (const RollupGroup& g : capped_groups(clean)) {
    auto q = db_.query(
        "SELECT key FROM click_rollups"
        " WHERE scope = ?1 AND scope_id = ?2 AND dimension = ?3 AND hour = ?4");
    if (!q) return fail(std::move(q.error()));
    q->bind_int(1, static_cast<std::int64_t>(g.scope))
        .bind_int(2, g.scope_id)
        .bind_text(3, g.dimension)
        .bind_int(4, g.hour);
    auto& keys = stored[g];
    while (true) {
      auto row = q->step();
      if (!row) return fail(std::move(row.error()));
      if (!*row) break;
      keys.insert(q->text_at(0));
    }
  }
  return fold_rollups(clean, stored);
}

Result<std::vector<RollupRow>> SqliteStore::load_rollups(StatsScope scope, std::int64_t scope_id,
                                                         std::string_view dimension,
                                                         std::int64_t from_hour,
                                                         std::int64_t to_hour, bool per_hour) {
  Lock lock(mu_);
  auto q = db_.query(per_hour ? std::string_view("SELECT hour, key, sum(count) FROM click_rollups"
                                                 " WHERE scope = ?1 AND scope_id = ?2"
                                                 " AND dimension = ?3 AND hour >= ?4 AND hour < ?5"
                                                 " GROUP BY hour, key ORDER BY hour, key")
                              : std::string_view("SELECT -1, key, sum(count) FROM click_rollups"
                                                 " WHERE scope = ?1 AND scope_id = ?2"
                                                 " AND dimension = ?3 AND hour >= ?4 AND hour < ?5"
                                                 " GROUP BY key ORDER BY sum(count) DESC, key"));
  if (!q) return fail(std::move(q.error()));
  q->bind_int(1, static_cast<std::int64_t>(scope))
      .bind_int(2, scope_id)
      .bind_text(3, dimension)
      .bind_int(4, from_hour)
      .bind_int(5, to_hour);
  return all_rows<RollupRow>(*q, rollup_row_from<SqliteRow>);
}

Result<std::vector<ClickRecord>> SqliteStore::load_clicks(LinkId link_id, Timestamp from,
                                                          Timestamp to, std::size_t limit) {
  Lock lock(mu_);
  auto q = db_.query(select(kClickColumns,
                            "FROM clicks WHERE (link_id = ?1 OR (entry_link_id = ?1 AND"
                            " entry_link_id <> link_id)) AND at >= ?2 AND at < ?3"
                            " ORDER BY at, id LIMIT ?4"));
  if (!q) return fail(std::move(q.error()));
  q->bind_int(1, link_id)
      .bind_int(2, to_db(from))
      .bind_int(3, to_db(to))
      .bind_int(4, static_cast<std::int64_t>(limit));
  return all_rows<ClickRecord>(*q, click_from<SqliteRow>);
}

Result<void> SqliteStore::reset_link_stats(LinkId link_id) {
  Lock lock(mu_);
  auto tx = Transaction::begin(db_, Transaction::Kind::kWrite);
  if (!tx) return fail(std::move(tx.error()));
  auto rollups = db_.query("DELETE FROM click_rollups WHERE scope = 0 AND scope_id = ?1");
  if (!rollups) return fail(std::move(rollups.error()));
  rollups->bind_int(1, link_id);
  if (auto done = rollups->run(); !done) return fail(std::move(done.error()));
  // The clicks it served, and the previews of its own slug (kind 1).
  auto clicks = db_.query(
      "DELETE FROM clicks WHERE link_id = ?1 OR (kind = 1 AND entry_link_id = ?1 AND entry_link_id "
      "<> link_id)");
  if (!clicks) return fail(std::move(clicks.error()));
  clicks->bind_int(1, link_id);
  if (auto done = clicks->run(); !done) return fail(std::move(done.error()));
  return tx->commit();
}

Result<std::int64_t> SqliteStore::purge_clicks(Timestamp before) {
  Lock lock(mu_);
  auto q = db_.query("DELETE FROM clicks WHERE at < ?1");
  if (!q) return fail(std::move(q.error()));
  q->bind_int(1, to_db(before));
  if (auto done = q->run(); !done) return fail(std::move(done.error()));
  return db_.changes();
}

}  // namespace sequencial::sqlite
