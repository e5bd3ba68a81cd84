// ClickStore: the storage role of clicks and reports: the raw click records
// and their per-hour rollups written in batches by clicks/click_pipeline.h,
// read by api/stats_api.h, purged by app/write_behind.h. Part of Store
// (storage/store.h).
//
// Thread-safety: implementations may be called from several threads at once
// and serialise access internally. Every method may block (disk, network):
// none is ever called from an event loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/click.h"
#include "core/error.h"
#include "core/model.h"

namespace sequencial {

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

class ClickStore {
 public:
  virtual ~ClickStore() = default;

  // Clicks and reports. insert_clicks stores the raw records and adds
  // `rollups` (computed from the same batch by storage/rollups.h) to the
  // per-hour aggregates, in one transaction: a report never sees half a batch.
  // Text that cannot be stored (NUL bytes, invalid UTF-8) is cleaned first
  // (storage/stored_text.h); rollup keys beyond the per-hour cap go to
  // "(other)" (storage/rollups.h). A failure is kUnavailable when the
  // database cannot take writes for now (unreachable, locked, disk full):
  // the same batch may succeed later; any other code means the batch holds
  // a row the database refuses.
  [[nodiscard]] virtual Result<void> insert_clicks(std::span<const ClickRecord> batch,
                                                   std::span<const RollupDelta> rollups) = 0;
  // Batch markers: exactly once across a lost acknowledgement. A database
  // across a network can commit a batch and then lose the connection before
  // its "committed" reaches the writer, which then sees kUnavailable and
  // would write the batch again when the database is back (every click and
  // rollup counted twice). So the writer gives each batch a random marker:
  // insert_marked_clicks is insert_clicks that also leaves `marker` in the
  // database, in the same transaction (stored with the batch or not at all),
  // and after a kUnavailable the writer asks clicks_marked(marker) before
  // writing the batch again: true means it was stored. Markers are forgotten
  // by purge_clicks: those written before `before`, and any a week old (a
  // marker gone early costs a batch written twice, never a lost one). A
  // marker already stored (a random collision) makes the batch fail like a
  // refused row (not kUnavailable). The defaults suit a backend whose
  // commit cannot lose its acknowledgement (an in-process database): no
  // marker is kept and clicks_marked says "not stored", so the batch is
  // written again.
  [[nodiscard]] virtual Result<void> insert_marked_clicks(std::span<const ClickRecord> batch,
                                                          std::span<const RollupDelta> rollups,
                                                          std::uint64_t marker) {
    (void)marker;
    return insert_clicks(batch, rollups);
  }
  // Whether a batch written with `marker` is stored; kUnavailable when the
  // database cannot answer for now.
  [[nodiscard]] virtual Result<bool> clicks_marked(std::uint64_t marker) {
    (void)marker;
    return false;
  }
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
  // Deletes raw clicks older than `before` (rollups are kept), and the batch
  // markers written before it; returns the count of clicks.
  [[nodiscard]] virtual Result<std::int64_t> purge_clicks(Timestamp before) = 0;
};

}  // namespace sequencial
