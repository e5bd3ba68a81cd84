// Atendimento fixo in memory: (central, visitor) -> the visitor's attendant.
// A bounded cache in front of the store: at most `capacity` entries, the
// least recently used ones evicted CLOCK-style (a reference bit per entry,
// a hand sweeping the slots), O(1) per operation. The server loads the most
// recent assignments at start, writes new ones behind (app/write_behind.h)
// and, when a returning visitor misses here, asks the store asynchronously
// (app/route_lookups.h) and puts the answer back here. This class does no
// I/O.
//
// Thread-safety: safe for concurrent use; up to 64 shards, each with its own
// mutex held for a few loads, so the event loops rarely contend.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/model.h"

namespace sequencial::routing {

class AssignmentTable {
 public:
  struct Found {
    LinkId link = 0;
    Timestamp last_seen{};
  };
  static constexpr std::size_t kDefaultCapacity = 1'000'000;

  explicit AssignmentTable(std::size_t capacity = kDefaultCapacity);
  AssignmentTable(const AssignmentTable&) = delete;
  AssignmentTable& operator=(const AssignmentTable&) = delete;
  ~AssignmentTable();

  // The assignment held in memory, if any.
  [[nodiscard]] std::optional<Found> find(CentralId central, const VisitorId& visitor) const;
  void put(const Assignment& assignment);
  // Drops entries last seen before `cutoff`; returns how many.
  std::size_t erase_older_than(Timestamp cutoff);
  // Drops every entry of a central (the central was deleted).
  void erase_central(CentralId central);
  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] std::size_t capacity() const { return capacity_; }
  // Entries dropped to make room.
  [[nodiscard]] std::uint64_t evictions() const { return evictions_.load(); }

 private:
  struct Shard;
  [[nodiscard]] Shard& shard_for(std::uint64_t hash) const;
  void put_hashed(std::uint64_t hash, CentralId central, const VisitorId& visitor, LinkId link,
                  Timestamp last_seen) const;

  std::size_t capacity_;
  std::size_t shard_mask_;
  std::unique_ptr<Shard[]> shards_;
  mutable std::atomic<std::uint64_t> evictions_{0};
};

}  // namespace sequencial::routing
