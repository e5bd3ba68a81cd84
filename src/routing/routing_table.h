// The in-memory table the redirect path reads: slug (case-insensitive) ->
// link and, when the link anchors a central, that central's router.
//
// A RoutingTable is an immutable value that shares its structure with the
// table it was derived from: a hash trie (32 children per branch, leaves of
// at most 48 links that split as they grow). Changing one link copies one
// leaf and the branches above it (about log32(links / 48) of them), never the
// whole table, so an admin write costs about the same with ten links or a
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

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <utility>
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
  struct Node;
  struct Leaf;
  struct Branch;
  [[nodiscard]] static std::shared_ptr<const Node> make_node(
      std::vector<std::pair<std::uint64_t, Entry>> entries, int depth, std::size_t& size);
  // `node` (may be null) with `entry` added or replaced; `added` is 1 when
  // the slug was new.
  [[nodiscard]] static std::shared_ptr<const Node> with_entry(const Node* node, Entry entry,
                                                              std::uint64_t hash, int depth,
                                                              std::size_t& added);
  // `node` without `slug`, which it holds; null when nothing is left.
  [[nodiscard]] static std::shared_ptr<const Node> without_entry(const Node* node,
                                                                 std::string_view slug,
                                                                 std::uint64_t hash, int depth);

  std::shared_ptr<const Node> root_;
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
