// The storage interface: everything Sequencial persists goes through Store.
// SQLite (the embedded default) implements it in storage/sqlite/; a
// PostgreSQL backend will implement the same interface. open_store() picks
// the backend from the --db value.
//
// Thread-safety: a Store may be used from several threads; implementations
// serialise access internally. Nothing here is on the redirect hot path:
// redirects are answered from memory, and the server writes cursors,
// assignments and clicks from background threads.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/click.h"
#include "core/error.h"
#include "core/model.h"

namespace sequencial {

struct CursorUpdate {
  CentralId central_id = 0;
  std::uint64_t cursor = 0;
};

// Whose report a rollup row belongs to: a link (every click served by it,
// directly or through a central) or a central (clicks on its anchor).
enum class StatsScope : std::uint8_t { kLink = 0, kCentral = 1 };

// One per-hour aggregate: clicks of `scope`/`scope_id` in `dimension`
// (device, utm_source...) with value `key`, during `hour` (unix seconds / 3600).
struct RollupDelta {
  StatsScope scope = StatsScope::kLink;
  std::int64_t scope_id = 0;
  std::int64_t hour = 0;
  std::string dimension;
  std::string key;
  std::int64_t count = 0;
};

// A summed rollup: `hour` is -1 unless the sum was asked per hour.
struct RollupRow {
  std::int64_t hour = -1;
  std::string key;
  std::int64_t count = 0;
};

struct ApiToken {
  std::int64_t id = 0;
  std::string name;
  Timestamp created_at{};
};

class Store {
 public:
  virtual ~Store() = default;

  // Links. insert_link assigns id and created_at (if zero) and returns the
  // stored link. A slug equal to another one ignoring ASCII case fails with
  // kConflict on field "slug". update_link replaces every field but id and
  // created_at. delete_link also removes the link from every central it is a
  // member of; deleting a central's anchor fails with kConflict.
  [[nodiscard]] virtual Result<std::vector<Link>> load_links() = 0;
  [[nodiscard]] virtual Result<Link> insert_link(const Link& link) = 0;
  [[nodiscard]] virtual Result<void> update_link(const Link& link) = 0;
  [[nodiscard]] virtual Result<void> delete_link(LinkId id) = 0;

  // Centrals with their members (in order, with weights and hours).
  // update_central replaces options and the whole member list (cursor too).
  // An anchor or member link that does not exist fails with kUnprocessable
  // on field "anchor" / "members"; a link listed twice with kInvalid on
  // "members"; an anchor already anchoring another central with kConflict
  // on "anchor". save_cursors skips centrals that no longer exist.
  [[nodiscard]] virtual Result<std::vector<Central>> load_centrals() = 0;
  [[nodiscard]] virtual Result<Central> insert_central(const Central& central) = 0;
  [[nodiscard]] virtual Result<void> update_central(const Central& central) = 0;
  [[nodiscard]] virtual Result<void> delete_central(CentralId id) = 0;
  [[nodiscard]] virtual Result<void> save_cursors(std::span<const CursorUpdate> cursors) = 0;

  // Admin API tokens: only a hash of each token is stored.
  [[nodiscard]] virtual Result<ApiToken> insert_token(std::string_view name,
                                                      std::string_view token_hash) = 0;
  [[nodiscard]] virtual Result<std::optional<ApiToken>> find_token(std::string_view token_hash) = 0;

  // Atendimento fixo. save_assignments upserts on (central, visitor); a row
  // older (last_seen) than the stored one does not overwrite it, and rows
  // naming a deleted central or link are skipped. Assignments go with their
  // central or link. load_assignments keeps last_seen >= seen_since;
  // purge_assignments deletes last_seen < seen_before and returns the count.
  [[nodiscard]] virtual Result<std::vector<Assignment>> load_assignments(Timestamp seen_since) = 0;
  // The `limit` most recently seen of those, oldest first: what a bounded
  // in-memory cache loads at start. Backends should override this with a
  // query that reads only `limit` rows.
  [[nodiscard]] virtual Result<std::vector<Assignment>> load_recent_assignments(
      Timestamp seen_since, std::size_t limit) {
    auto all = load_assignments(seen_since);
    if (!all) return all;
    std::ranges::sort(*all, {}, &Assignment::last_seen);
    if (all->size() > limit) all->erase(all->begin(), all->end() - static_cast<long>(limit));
    return all;
  }
  [[nodiscard]] virtual Result<void> save_assignments(std::span<const Assignment> batch) = 0;
  [[nodiscard]] virtual Result<std::int64_t> purge_assignments(Timestamp seen_before) = 0;
  // The stored assignment of one visitor, for a visitor missing from the
  // in-memory cache (evicted, or assigned by another node).
  [[nodiscard]] virtual Result<std::optional<Assignment>> find_assignment(
      CentralId central, const VisitorId& visitor) = 0;

  // Clicks and reports. insert_clicks stores the raw records and adds
  // `rollups` (computed from the same batch by storage/rollups.h) to the
  // per-hour aggregates, in one transaction: a report never sees half a batch.
  [[nodiscard]] virtual Result<void> insert_clicks(std::span<const ClickRecord> batch,
                                                   std::span<const RollupDelta> rollups) = 0;
  // Sums of one dimension over hours [from_hour, to_hour): one row per key,
  // or per (hour, key) when `per_hour`. Reads aggregates only, never raw
  // clicks, so its cost does not grow with the number of clicks stored.
  [[nodiscard]] virtual Result<std::vector<RollupRow>> load_rollups(
      StatsScope scope, std::int64_t scope_id, std::string_view dimension, std::int64_t from_hour,
      std::int64_t to_hour, bool per_hour) = 0;
  // Raw clicks served by (or entering through) a link, oldest first, for
  // CSV export; at most `limit` rows.
  [[nodiscard]] virtual Result<std::vector<ClickRecord>> load_clicks(LinkId link_id, Timestamp from,
                                                                     Timestamp to,
                                                                     std::size_t limit) = 0;
  // Forgets a link's statistics: its rollups and the raw clicks it served.
  [[nodiscard]] virtual Result<void> reset_link_stats(LinkId link_id) = 0;
  // Deletes raw clicks older than `before` (rollups are kept); returns the count.
  [[nodiscard]] virtual Result<std::int64_t> purge_clicks(Timestamp before) = 0;
};

// Opens (creating and migrating when needed) the store named by `url`:
// a SQLite file path, or a postgres:// URL once that backend exists.
[[nodiscard]] Result<std::unique_ptr<Store>> open_store(std::string_view url);

}  // namespace sequencial
