// Bounded, sharded in-memory cache of visitor assignments.
//
// Each shard keeps its entries in a slot array (at most its share of the
// capacity) and an open-addressing index of slot numbers (linear probing,
// backward-shift deletion, so no tombstones). CLOCK eviction: a hit sets the
// slot's reference bit; when the shard is full, the hand clears set bits
// until it finds a clear one and reuses that slot.
#include "routing/assignment_table.h"

#include <algorithm>
#include <bit>

namespace sequencial::routing {
namespace {

constexpr std::size_t kMaxShards = 64;
// Fewer shards for small capacities, so that a shard holds at least this
// many entries and the capacity is honoured closely.
constexpr std::size_t kMinPerShard = 1024;

std::uint64_t hash_of(CentralId central, const VisitorId& v) {
  std::uint64_t x =
      v.hi ^ std::rotl(v.lo, 29) ^ (static_cast<std::uint64_t>(central) * 0x9E3779B97F4A7C15ULL);
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

constexpr std::uint32_t kEmpty = 0;  // index cells hold slot + 1
constexpr std::size_t kNone = ~std::size_t{0};

}  // namespace

struct alignas(64) AssignmentTable::Shard {
  struct Slot {
    CentralId central = 0;
    VisitorId visitor;
    LinkId link = 0;
    Timestamp last_seen{};
    std::uint32_t hash = 0;  // low bits of hash_of(): the home cell in `index`
    bool used = false;
    bool referenced = false;
  };

  std::mutex mutex;
  // Everything below is guarded by mutex.
  std::size_t cap = 0;
  std::vector<Slot> slots;
  std::vector<std::uint32_t> free_slots;
  std::vector<std::uint32_t> index = std::vector<std::uint32_t>(16, kEmpty);
  std::size_t count = 0;
  std::size_t hand = 0;

  [[nodiscard]] std::size_t mask() const { return index.size() - 1; }

  std::size_t locate(std::uint32_t hash, CentralId central, const VisitorId& visitor) const {
    for (std::size_t pos = hash & mask();; pos = (pos + 1) & mask()) {
      const std::uint32_t cell = index[pos];
      if (cell == kEmpty) return kNone;
      const Slot& s = slots[cell - 1];
      if (s.hash == hash && s.central == central && s.visitor == visitor) return pos;
    }
  }

  void place(std::uint32_t slot) {
    std::size_t pos = slots[slot].hash & mask();
    while (index[pos] != kEmpty) pos = (pos + 1) & mask();
    index[pos] = slot + 1;
  }

  // Removes index cell `pos` and frees its slot.
  void erase_at(std::size_t pos) {
    const std::uint32_t slot = index[pos] - 1;
    slots[slot].used = false;
    free_slots.push_back(slot);
    --count;
    // Backward shift: pull later cells of the probe run into the hole unless
    // their home lies cyclically in (hole, cell].
    std::size_t hole = pos;
    for (std::size_t j = (pos + 1) & mask(); index[j] != kEmpty; j = (j + 1) & mask()) {
      const std::size_t home = slots[index[j] - 1].hash & mask();
      const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
      if (!stays) {
        index[hole] = index[j];
        hole = j;
      }
    }
    index[hole] = kEmpty;
  }

  void grow_index_if_needed() {
    if ((count + 1) * 2 <= index.size()) return;
    index.assign(index.size() * 2, kEmpty);
    for (std::uint32_t i = 0; i < slots.size(); ++i) {
      if (slots[i].used) place(i);
    }
  }

  // A slot for a new entry: a free one, a new one, or the CLOCK victim.
  // Returns whether an entry was evicted.
  bool take_slot(std::uint32_t& out) {
    if (!free_slots.empty()) {
      out = free_slots.back();
      free_slots.pop_back();
      return false;
    }
    if (slots.size() < cap) {
      out = static_cast<std::uint32_t>(slots.size());
      slots.emplace_back();
      return false;
    }
    while (true) {  // every slot is used: terminates within two sweeps
      if (hand >= slots.size()) hand = 0;
      Slot& s = slots[hand];
      if (s.referenced) {
        s.referenced = false;
        ++hand;
        continue;
      }
      erase_at(locate(s.hash, s.central, s.visitor));
      free_slots.pop_back();  // erase_at freed exactly this slot
      out = static_cast<std::uint32_t>(hand++);
      return true;
    }
  }
};

AssignmentTable::AssignmentTable(std::size_t capacity)
    : capacity_(std::max<std::size_t>(capacity, 1)) {
  const std::size_t wanted = std::clamp<std::size_t>(capacity_ / kMinPerShard, 1, kMaxShards);
  const std::size_t shards = std::bit_floor(wanted);
  shard_mask_ = shards - 1;
  shards_ = std::make_unique<Shard[]>(shards);
  for (std::size_t i = 0; i < shards; ++i) {
    // Spread the capacity; the first shards take the remainder.
    shards_[i].cap = capacity_ / shards + (i < capacity_ % shards ? 1 : 0);
  }
}

AssignmentTable::~AssignmentTable() = default;

AssignmentTable::Shard& AssignmentTable::shard_for(std::uint64_t hash) const {
  return shards_[(hash >> 58) & shard_mask_];
}

std::optional<AssignmentTable::Found> AssignmentTable::find(CentralId central,
                                                            const VisitorId& visitor) const {
  const std::uint64_t hash = hash_of(central, visitor);
  Shard& shard = shard_for(hash);
  std::lock_guard lock(shard.mutex);
  const std::size_t pos = shard.locate(static_cast<std::uint32_t>(hash), central, visitor);
  if (pos == kNone) return std::nullopt;
  Shard::Slot& s = shard.slots[shard.index[pos] - 1];
  s.referenced = true;
  return Found{s.link, s.last_seen};
}

void AssignmentTable::put(const Assignment& a) {
  put_hashed(hash_of(a.central_id, a.visitor), a.central_id, a.visitor, a.link_id, a.last_seen);
}

void AssignmentTable::put_hashed(std::uint64_t hash, CentralId central, const VisitorId& visitor,
                                 LinkId link, Timestamp last_seen) const {
  Shard& shard = shard_for(hash);
  const auto h32 = static_cast<std::uint32_t>(hash);
  std::lock_guard lock(shard.mutex);
  if (const std::size_t pos = shard.locate(h32, central, visitor); pos != kNone) {
    Shard::Slot& s = shard.slots[shard.index[pos] - 1];
    s.link = link;
    s.last_seen = std::max(s.last_seen, last_seen);
    s.referenced = true;
    return;
  }
  std::uint32_t slot = 0;
  if (shard.take_slot(slot)) evictions_.fetch_add(1, std::memory_order_relaxed);
  shard.grow_index_if_needed();  // before the slot is marked used: it is placed once, below
  shard.slots[slot] = {central, visitor, link, last_seen, h32, true, false};
  shard.place(slot);
  ++shard.count;
}

std::size_t AssignmentTable::erase_older_than(Timestamp cutoff) {
  std::size_t erased = 0;
  for (std::size_t i = 0; i <= shard_mask_; ++i) {
    Shard& shard = shards_[i];
    std::lock_guard lock(shard.mutex);
    for (const Shard::Slot& s : shard.slots) {
      if (!s.used || s.last_seen >= cutoff) continue;
      shard.erase_at(shard.locate(s.hash, s.central, s.visitor));
      ++erased;
    }
  }
  return erased;
}

void AssignmentTable::erase_central(CentralId central) {
  for (std::size_t i = 0; i <= shard_mask_; ++i) {
    Shard& shard = shards_[i];
    std::lock_guard lock(shard.mutex);
    for (const Shard::Slot& s : shard.slots) {
      if (s.used && s.central == central)
        shard.erase_at(shard.locate(s.hash, s.central, s.visitor));
    }
  }
}

std::size_t AssignmentTable::size() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i <= shard_mask_; ++i) {
    std::lock_guard lock(shards_[i].mutex);
    n += shards_[i].count;
  }
  return n;
}

}  // namespace sequencial::routing
