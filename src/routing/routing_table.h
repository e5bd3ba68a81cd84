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
#include <unordered_map>
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

  void add(std::shared_ptr<const LinkRoute> link, std::shared_ptr<CentralRouter> central);
  // Case-insensitive lookup; nullptr when unknown. Does not allocate.
  [[nodiscard]] const Entry* find(std::string_view slug) const;
  [[nodiscard]] std::size_t size() const { return entries_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;  // key: lowercase slug
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
