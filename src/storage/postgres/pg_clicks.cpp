// PgStore's ClickStore role (storage/click_store.h): click batches with
// their rollups (and their batch marker) in one transaction, reports from
// the rollups, CSV export.
#include "storage/postgres/pg_store.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "storage/contract_errors.h"
#include "storage/postgres/pg_store_private.h"
#include "storage/rollups.h"
#include "storage/stored_rows.h"
#include "storage/stored_text.h"
#include "storage/stored_values.h"

namespace sequencial::postgres {
namespace {

using namespace stored;  // values, rows and the contract's errors (stored_*.h, contract_errors.h)

}  // namespace

// ---- clicks and reports ----

namespace {

// A failure of the click batch: kUnavailable when the server cannot take
// writes for now (connection lost, shutting down, out of resources, a
// serialisation failure or deadlock): the click writer spools and retries.
// Anything else (a value or a constraint the schema refuses) comes back as
// it was: the writer splits the batch to find the row at fault.
Error click_write_error(const Connection& conn, Error error) {
  const std::string& state = conn.last_failure().sqlstate;
  if (state.starts_with("53") || state.starts_with("40") || state.starts_with("57") ||
      state.starts_with("58") || is_connection_failure(state)) {
    error.code = ErrorCode::kUnavailable;
  }
  return error;
}

}  // namespace

Result<void> PgStore::insert_clicks(std::span<const ClickRecord> batch,
                                    std::span<const RollupDelta> rollups) {
  return write_clicks(batch, rollups, std::nullopt);
}

Result<void> PgStore::insert_marked_clicks(std::span<const ClickRecord> batch,
                                           std::span<const RollupDelta> rollups,
                                           std::uint64_t marker) {
  return write_clicks(batch, rollups, marker);
}

Result<bool> PgStore::clicks_marked(std::uint64_t marker) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Connection& c = **conn;
  auto r = c.exec_prepared("clicks_marked", "SELECT 1 FROM click_batches WHERE marker = $1",
                           one(to_db(marker)));
  if (!r) return fail(click_write_error(c, std::move(r.error())));
  return r->rows() > 0;
}

Result<void> PgStore::write_clicks(std::span<const ClickRecord> batch,
                                   std::span<const RollupDelta> rollups,
                                   std::optional<std::uint64_t> marker) {
  if (batch.empty() && rollups.empty() && !marker) return {};
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Connection& c = **conn;
  auto tx = Transaction::begin(c);
  if (!tx) return fail(click_write_error(c, std::move(tx.error())));
  std::string scratch;
  if (!batch.empty()) {
    CopyRows rows;
    for (const ClickRecord& k : batch) {
      if (k.kind == ClickKind::kView) continue;  // a view is in the rollups only
      rows.add(to_db(k.at))
          .add(static_cast<std::int64_t>(k.kind))
          .add(k.central_id)
          .add(k.entry_link_id)
          .add(k.link_id)
          .add(to_db(k.visitor.hi))
          .add(to_db(k.visitor.lo))
          .add(k.new_visitor);
      for (const std::string* text :
           {&k.outcome, &k.device, &k.browser, &k.referrer, &k.utm_source, &k.utm_medium,
            &k.utm_campaign, &k.utm_term, &k.utm_content}) {
        rows.add(storable_text(*text, scratch));
      }
      rows.add(k.gclid).add(k.fbclid).add(static_cast<std::int64_t>(k.source));
      rows.add(storable_text(k.ref, scratch));
      rows.end_row();
    }
    // COPY, not INSERT ... unnest(arrays): PostgreSQL reads COPY's rows at
    // about half the CPU per click (bench/never_wait.sh).
    if (rows.rows() > 0) {
      auto r =
          c.copy_in("COPY clicks (" + std::string(kClickColumns) + ") FROM STDIN", rows.data());
      if (!r) return fail(click_write_error(c, std::move(r.error())));
    }
  }
  if (!rollups.empty()) {
    // Keys made storable first, so that the cap counts what is stored.
    std::vector<RollupDelta> clean(rollups.begin(), rollups.end());
    for (RollupDelta& d : clean) {
      if (!is_storable_text(d.key)) d.key = std::string(storable_text(d.key, scratch));
    }
    std::map<RollupGroup, std::set<std::string, std::less<>>> stored;
    if (const auto groups = capped_groups(clean); !groups.empty()) {
      std::array<ArrayLiteral, 4> g;
      for (const RollupGroup& group : groups) {
        g[0].add(static_cast<std::int64_t>(group.scope));
        g[1].add(group.scope_id);
        g[2].add(group.dimension);
        g[3].add(group.hour);
      }
      Params params;
      for (const ArrayLiteral& a : g) params.add(a.str());
      // Each group locked (in one order, so two nodes cannot deadlock) for
      // the rest of the transaction: two nodes cannot both take the last
      // free key of an hour.
      auto locked = c.exec_prepared(
          "lock_rollup_groups",
          "SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT DISTINCT"
          "   hashtextextended(g.scope || ':' || g.scope_id || ':' || g.dimension || ':' || g.hour,"
          "   0) AS k FROM unnest($1::smallint[], $2::bigint[], $3::text[], $4::bigint[])"
          "   AS g(scope, scope_id, dimension, hour) ORDER BY 1) AS s",
          params);
      if (!locked) return fail(click_write_error(c, std::move(locked.error())));
      auto keys = c.exec_prepared(
          "rollup_group_keys",
          "SELECT r.scope, r.scope_id, r.dimension, r.hour, r.key FROM click_rollups r"
          " JOIN unnest($1::smallint[], $2::bigint[], $3::text[], $4::bigint[])"
          "   AS g(scope, scope_id, dimension, hour)"
          " ON r.scope = g.scope AND r.scope_id = g.scope_id AND r.dimension = g.dimension"
          "   AND r.hour = g.hour",
          params);
      if (!keys) return fail(click_write_error(c, std::move(keys.error())));
      for (int i = 0; i < keys->rows(); ++i) {
        stored[{static_cast<StatsScope>(keys->int_at(i, 0)), keys->int_at(i, 1),
                std::string(keys->text_at(i, 2)), keys->int_at(i, 3)}]
            .insert(std::string(keys->text_at(i, 4)));
      }
    }
    const std::vector<RollupDelta> folded = fold_rollups(clean, stored);
    std::array<ArrayLiteral, 6> col;
    for (const RollupDelta& d : folded) {
      col[0].add(static_cast<std::int64_t>(d.scope));
      col[1].add(d.scope_id);
      col[2].add(d.dimension);
      col[3].add(d.hour);
      col[4].add(d.key);
      col[5].add(d.count);
    }
    Params params;
    for (const ArrayLiteral& a : col) params.add(a.str());
    // Summed per key first (ON CONFLICT cannot touch one row twice), in key
    // order so that two nodes adding to the same rows do not deadlock.
    auto r = c.exec_prepared(
        "add_rollups",
        "INSERT INTO click_rollups (scope, scope_id, dimension, hour, key, count)"
        " SELECT d.scope, d.scope_id, d.dimension, d.hour, d.key, sum(d.count)"
        " FROM unnest($1::smallint[], $2::bigint[], $3::text[], $4::bigint[], $5::text[],"
        "   $6::bigint[]) AS d(scope, scope_id, dimension, hour, key, count)"
        " GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5"
        " ON CONFLICT (scope, scope_id, dimension, hour, key) DO UPDATE"
        " SET count = click_rollups.count + excluded.count",
        params);
    if (!r) return fail(click_write_error(c, std::move(r.error())));
  }
  if (marker) {
    // In the batch's transaction: the marker is stored if and only if the
    // batch is (storage/click_store.h).
    Params params;
    params.add(to_db(*marker)).add(to_db(now()));
    auto r = c.exec_prepared(
        "mark_clicks", "INSERT INTO click_batches (marker, written_at) VALUES ($1, $2)", params);
    if (!r) return fail(click_write_error(c, std::move(r.error())));
  }
  if (auto done = tx->commit(); !done) return fail(click_write_error(c, std::move(done.error())));
  return {};
}

Result<std::vector<RollupRow>> PgStore::load_rollups(StatsScope scope, std::int64_t scope_id,
                                                     std::string_view dimension,
                                                     std::int64_t from_hour, std::int64_t to_hour,
                                                     bool per_hour) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Params params;
  params.add(static_cast<std::int64_t>(scope))
      .add(scope_id)
      .add(dimension)
      .add(from_hour)
      .add(to_hour);
  auto r = per_hour
               ? (*conn)->exec_prepared(
                     "rollups_per_hour",
                     "SELECT hour, key, sum(count) FROM click_rollups"
                     " WHERE scope = $1 AND scope_id = $2 AND dimension = $3"
                     " AND hour >= $4 AND hour < $5 GROUP BY hour, key ORDER BY hour, key",
                     params)
               : (*conn)->exec_prepared("rollups_total",
                                        "SELECT -1, key, sum(count) FROM click_rollups"
                                        " WHERE scope = $1 AND scope_id = $2 AND dimension = $3"
                                        " AND hour >= $4 AND hour < $5"
                                        " GROUP BY key ORDER BY sum(count) DESC, key",
                                        params);
  if (!r) return fail(std::move(r.error()));
  return all_rows<RollupRow>(*r, rollup_row_from<PgRow>);
}

Result<std::vector<ClickRecord>> PgStore::load_clicks(LinkId link_id, Timestamp from, Timestamp to,
                                                      std::size_t limit) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Params params;
  params.add(link_id).add(to_db(from)).add(to_db(to)).add(static_cast<std::int64_t>(limit));
  auto r = (*conn)->exec_prepared(
      "load_clicks",
      select(kClickColumns,
             "FROM clicks WHERE (link_id = $1 OR (entry_link_id = $1 AND"
             " entry_link_id <> link_id)) AND at >= $2 AND at < $3 ORDER BY at, id LIMIT $4"),
      params);
  if (!r) return fail(std::move(r.error()));
  return all_rows<ClickRecord>(*r, click_from<PgRow>);
}

Result<void> PgStore::reset_link_stats(LinkId link_id) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Connection& c = **conn;
  auto tx = Transaction::begin(c);
  if (!tx) return fail(std::move(tx.error()));
  auto rollups = c.exec_prepared(
      "reset_rollups", "DELETE FROM click_rollups WHERE scope = 0 AND scope_id = $1", one(link_id));
  if (!rollups) return fail(std::move(rollups.error()));
  // The clicks it served, and the previews of its own slug (kind 1).
  auto clicks = c.exec_prepared("reset_clicks",
                                "DELETE FROM clicks WHERE link_id = $1 OR (kind = 1 AND "
                                "entry_link_id = $1 AND entry_link_id <> link_id)",
                                one(link_id));
  if (!clicks) return fail(std::move(clicks.error()));
  return tx->commit();
}

Result<std::int64_t> PgStore::purge_clicks(Timestamp before) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  // Batch markers go in the same statement, once a week old or written
  // before `before`: a writer only ever asks about its last batch, as soon
  // as the database answers it again, so a week covers any outage it rides
  // out (a marker gone too early costs a batch written twice, never a lost
  // one). Kept as long as clicks, they were most of the table's rows.
  constexpr auto kMarkerLife = std::chrono::days(7);
  Params params;
  params.add(to_db(before)).add(to_db(std::max(before, now() - kMarkerLife)));
  auto r =
      (*conn)->exec_prepared("purge_clicks",
                             "WITH markers AS (DELETE FROM click_batches WHERE written_at < $2)"
                             " DELETE FROM clicks WHERE at < $1",
                             params);
  if (!r) return fail(std::move(r.error()));
  return r->affected();
}

}  // namespace sequencial::postgres
