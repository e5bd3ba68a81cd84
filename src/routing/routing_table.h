// The in-memory table the redirect path reads: slug (case-insensitive) ->
// link and, when the link anchors a central, that central's router.
//
// A RoutingTable is an immutable value that shares its structure with the
// table it was derived from: slugs are spread over 4,096 shards (a two-level
// radix of 64 x 64 on the slug's hash), and changing one link copies one
// shard (links / 4,096 entries) and two small arrays of 64 pointers, never the
// whole table. So an admin write costs about the same with ten links or a
// million, and a reader keeps whatever table it holds for as long as it likes.
//
// Admin writes derive a new table and publish it through RoutingTableHolder.
// Readers on the event loops keep a per-loop copy of the current shared_ptr
// and only touch shared state when the version number changed, so a redirect
// costs one atomic load.
//
// Thread-safety: RoutingTable is immutable (its CentralRouters are
// internally synchronised). RoutingTableHolder::publish may run on any
// thread; current(loop) must only be called by the thread owning that loop.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "routing/central_router.h"
#include "routing/link_route.h"

namespace sequencial::routing {

class RoutingTable {
 public:
  struct Entry {
    LinkRouteRef link;
    std::shared_ptr<CentralRouter> central;  // null unless the link anchors a central
  };

  // A table of `entries` at once (start-up, reload): O(n). A later entry
  // replaces an earlier one with the same slug (any case).
  [[nodiscard]] static RoutingTable build(std::vector<Entry> entries);

  // This table plus `entry`, replacing the one with the same slug (any case).
  [[nodiscard]] RoutingTable with(Entry entry) const;
  // This table without the link named `slug` (any case); unchanged if absent.
  [[nodiscard]] RoutingTable without(std::string_view slug) const;

  // Case-insensitive lookup; nullptr when unknown. Does not allocate.
  [[nodiscard]] const Entry* find(std::string_view slug) const;
  [[nodiscard]] std::size_t size() const { return size_; }

 private:
  class Shard;
  static constexpr int kBits = 6;  // 64 x 64 shards
  static constexpr std::size_t kFanout = std::size_t{1} << kBits;
  using Leaves = std::array<std::shared_ptr<const Shard>, kFanout>;

  // Replaces the shard holding `hash` by `shard` (null = empty).
  [[nodiscard]] RoutingTable with_shard(std::uint64_t hash, std::shared_ptr<const Shard> shard,
                                        std::ptrdiff_t size_change) const;
  [[nodiscard]] const Shard* shard_of(std::uint64_t hash) const;

  std::array<std::shared_ptr<const Leaves>, kFanout> branches_;
  std::size_t size_ = 0;
};

class RoutingTableHolder {
 public:
  explicit RoutingTableHolder(std::size_t loops);

  void publish(std::shared_ptr<const RoutingTable> table);
  // The current table as seen by event loop `loop`.
  [[nodiscard]] const RoutingTable& current(std::size_t loop);
  // The current table for any other thread (takes the lock).
  [[nodiscard]] std::shared_ptr<const RoutingTable> snapshot() const;

 private:
  struct alignas(64) LoopSlot {
    std::uint64_t version = 0;
    std::shared_ptr<const RoutingTable> table;
  };
  mutable std::mutex mutex_;
  std::shared_ptr<const RoutingTable> table_;  // guarded by mutex_
  std::atomic<std::uint64_t> version_{0};
  std::vector<LoopSlot> slots_;
};

}  // namespace sequencial::routing
