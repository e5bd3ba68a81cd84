// Atendimento fixo in memory: (central, visitor) -> the visitor's attendant.
// The table is loaded from the store at start and written behind by the
// server (see app/write_behind.h); lookups never touch the database.
//
// Thread-safety: safe for concurrent use; 64 shards, each with its own
// mutex, so the event loops rarely contend.
#pragma once

#include <array>
#include <cstddef>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/model.h"

namespace sequencial::routing {

class AssignmentTable {
 public:
  struct Found {
    LinkId link = 0;
    Timestamp last_seen{};
  };
  [[nodiscard]] std::optional<Found> find(CentralId central, const VisitorId& visitor) const;
  void put(const Assignment& assignment);
  // Drops entries last seen before `cutoff`; returns how many.
  std::size_t erase_older_than(Timestamp cutoff);
  // Drops every entry of a central (the central was deleted).
  void erase_central(CentralId central);
  [[nodiscard]] std::size_t size() const;

 private:
  struct Key {
    CentralId central;
    VisitorId visitor;
    friend bool operator==(const Key&, const Key&) = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept {
      // Visitor ids are uniformly random: mixing in the central is enough.
      return static_cast<std::size_t>(
          k.visitor.lo ^ (k.visitor.hi * 31) ^
          (static_cast<std::uint64_t>(k.central) * 0x9E3779B97F4A7C15ULL));
    }
  };
  struct Value {
    LinkId link;
    Timestamp last_seen;
  };
  struct alignas(64) Shard {
    mutable std::mutex mutex;
    std::unordered_map<Key, Value, KeyHash> map;  // guarded by mutex
  };
  static constexpr std::size_t kShards = 64;
  [[nodiscard]] Shard& shard_for(const VisitorId& visitor) const {
    return shards_[visitor.hi % kShards];
  }
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace sequencial::routing
