// The in-memory table the redirect path reads: slug (case-insensitive) ->
// link and, when the link anchors a central, that central's router.
//
// A RoutingTable is immutable once built; admin writes build a new one and
// publish it through RoutingTableHolder. Readers on the event loops keep a
// per-loop copy of the current shared_ptr and only touch shared state when
// the version number changed, so a redirect costs one atomic load.
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
#include <string>
#include <string_view>
#include <vector>

#include "routing/central_router.h"
#include "routing/link_route.h"

namespace sequencial::routing {

class RoutingTable {
 public:
  struct Entry {
    std::shared_ptr<const LinkRoute> link;
    std::shared_ptr<CentralRouter> central;  // null unless the link anchors a central
  };

  // Adds a link, or replaces the one with the same slug (any case).
  void add(std::shared_ptr<const LinkRoute> link, std::shared_ptr<CentralRouter> central);
  void reserve(std::size_t links);
  // Case-insensitive lookup; nullptr when unknown. Does not allocate.
  [[nodiscard]] const Entry* find(std::string_view slug) const;
  [[nodiscard]] std::size_t size() const { return entries_.size(); }

 private:
  // Open addressing (linear probing) over `entries_`: no allocation per
  // link, and the slug is not copied (it is read from the LinkRoute).
  struct Cell {
    std::uint32_t hash = 0;   // low bits of the slug's hash
    std::uint32_t entry = 0;  // index into entries_ + 1; 0 = empty
  };
  [[nodiscard]] const Cell* locate(std::string_view slug, std::uint64_t hash) const;
  void rehash(std::size_t cells);
  void place(std::uint32_t entry, std::uint64_t hash);

  std::vector<Entry> entries_;
  std::vector<Cell> cells_;  // size is a power of two, at most half full
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
