// Sharded in-memory map of visitor assignments.
#include "routing/assignment_table.h"

namespace sequencial::routing {

std::optional<AssignmentTable::Found> AssignmentTable::find(CentralId central,
                                                            const VisitorId& visitor) const {
  Shard& shard = shard_for(visitor);
  std::lock_guard lock(shard.mutex);
  const auto it = shard.map.find(Key{central, visitor});
  if (it == shard.map.end()) return std::nullopt;
  return Found{it->second.link, it->second.last_seen};
}

void AssignmentTable::put(const Assignment& a) {
  Shard& shard = shard_for(a.visitor);
  std::lock_guard lock(shard.mutex);
  shard.map.insert_or_assign(Key{a.central_id, a.visitor}, Value{a.link_id, a.last_seen});
}

std::size_t AssignmentTable::erase_older_than(Timestamp cutoff) {
  std::size_t erased = 0;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    erased +=
        std::erase_if(shard.map, [&](const auto& kv) { return kv.second.last_seen < cutoff; });
  }
  return erased;
}

void AssignmentTable::erase_central(CentralId central) {
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    std::erase_if(shard.map, [&](const auto& kv) { return kv.first.central == central; });
  }
}

std::size_t AssignmentTable::size() const {
  std::size_t n = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    n += shard.map.size();
  }
  return n;
}

}  // namespace sequencial::routing
