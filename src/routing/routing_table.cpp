// Slug lookup and snapshot publication for the redirect path.
#include "routing/routing_table.h"

#include <algorithm>
#include <bit>
#include <utility>

#include "core/validation.h"

namespace sequencial::routing {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// FNV-1a over the ASCII-lowercased slug, then a final mix so that the low
// bits (the home cell) depend on every byte.
std::uint64_t slug_hash(std::string_view slug) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : slug) {
    h ^= static_cast<unsigned char>(lower(c));
    h *= 0x100000001b3ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  return h ^ (h >> 33);
}

bool same_slug(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

// One shard: open addressing (linear probing) over its entries, at most half
// full; immutable once built. The slug is not copied: it is read from the
// LinkRoute.
class RoutingTable::Shard {
 public:
  // `entries` must be non-empty; a later entry replaces an earlier one with
  // the same slug.
  explicit Shard(std::vector<Entry> entries) {
    cells_.assign(std::bit_ceil(std::max<std::size_t>(entries.size() * 2, 8)), Cell{});
    entries_.reserve(entries.size());
    for (auto& entry : entries) {
      const std::uint64_t hash = slug_hash(entry.link->slug());
      if (const Cell* cell = locate(entry.link->slug(), hash)) {
        entries_[cell->entry - 1] = std::move(entry);
      } else {
        entries_.push_back(std::move(entry));
        place(static_cast<std::uint32_t>(entries_.size()), hash);
      }
    }
  }

  [[nodiscard]] const Entry* find(std::string_view slug, std::uint64_t hash) const {
    const Cell* cell = locate(slug, hash);
    return cell == nullptr ? nullptr : &entries_[cell->entry - 1];
  }
  [[nodiscard]] const std::vector<Entry>& entries() const { return entries_; }

 private:
  struct Cell {
    std::uint32_t hash = 0;   // low bits of the slug's hash
    std::uint32_t entry = 0;  // index into entries_ + 1; 0 = empty
  };

  [[nodiscard]] const Cell* locate(std::string_view slug, std::uint64_t hash) const {
    const std::size_t mask = cells_.size() - 1;
    const auto h32 = static_cast<std::uint32_t>(hash);
    for (std::size_t pos = hash & mask;; pos = (pos + 1) & mask) {
      const Cell& cell = cells_[pos];
      if (cell.entry == 0) return nullptr;
      if (cell.hash == h32 && same_slug(entries_[cell.entry - 1].link->slug(), slug)) return &cell;
    }
  }
  void place(std::uint32_t entry, std::uint64_t hash) {
    const std::size_t mask = cells_.size() - 1;
    std::size_t pos = hash & mask;
    while (cells_[pos].entry != 0) pos = (pos + 1) & mask;
    cells_[pos] = Cell{static_cast<std::uint32_t>(hash), entry};
  }

  std::vector<Entry> entries_;
  std::vector<Cell> cells_;  // size is a power of two, at least twice the entries
};

namespace {

// The top bits of the hash pick the shard; its low bits the home cell.
std::size_t branch_of(std::uint64_t hash) { return hash >> 58; }
std::size_t leaf_of(std::uint64_t hash) { return (hash >> 52) & 63; }

}  // namespace

RoutingTable RoutingTable::build(std::vector<Entry> entries) {
  std::vector<std::vector<Entry>> groups(kFanout * kFanout);
  for (auto& entry : entries) {
    const std::uint64_t hash = slug_hash(entry.link->slug());
    groups[branch_of(hash) * kFanout + leaf_of(hash)].push_back(std::move(entry));
  }
  entries = {};
  RoutingTable table;
  for (std::size_t b = 0; b < kFanout; ++b) {
    auto leaves = std::make_shared<Leaves>();
    bool any = false;
    for (std::size_t l = 0; l < kFanout; ++l) {
      auto& group = groups[b * kFanout + l];
      if (group.empty()) continue;
      (*leaves)[l] = std::make_shared<const Shard>(std::move(group));
      table.size_ += (*leaves)[l]->entries().size();
      group = {};
      any = true;
    }
    if (any) table.branches_[b] = std::move(leaves);
  }
  return table;
}

const RoutingTable::Shard* RoutingTable::shard_of(std::uint64_t hash) const {
  const auto& leaves = branches_[branch_of(hash)];
  return leaves ? (*leaves)[leaf_of(hash)].get() : nullptr;
}

RoutingTable RoutingTable::with_shard(std::uint64_t hash, std::shared_ptr<const Shard> shard,
                                      std::ptrdiff_t size_change) const {
  RoutingTable table = *this;
  auto& branch = table.branches_[branch_of(hash)];
  auto leaves = branch ? std::make_shared<Leaves>(*branch) : std::make_shared<Leaves>();
  (*leaves)[leaf_of(hash)] = std::move(shard);
  branch = std::move(leaves);
  table.size_ = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(size_) + size_change);
  return table;
}

RoutingTable RoutingTable::with(Entry entry) const {
  const std::uint64_t hash = slug_hash(entry.link->slug());
  const Shard* old = shard_of(hash);
  const bool replaces = old != nullptr && old->find(entry.link->slug(), hash) != nullptr;
  std::vector<Entry> entries;
  if (old != nullptr) {
    entries.reserve(old->entries().size() + 1);
    entries = old->entries();
  }
  entries.push_back(std::move(entry));
  return with_shard(hash, std::make_shared<const Shard>(std::move(entries)), replaces ? 0 : 1);
}

RoutingTable RoutingTable::without(std::string_view slug) const {
  const std::uint64_t hash = slug_hash(slug);
  const Shard* old = shard_of(hash);
  if (old == nullptr || old->find(slug, hash) == nullptr) return *this;
  std::vector<Entry> entries;
  entries.reserve(old->entries().size() - 1);
  for (const auto& entry : old->entries()) {
    if (!same_slug(entry.link->slug(), slug)) entries.push_back(entry);
  }
  auto shard = entries.empty() ? nullptr : std::make_shared<const Shard>(std::move(entries));
  return with_shard(hash, std::move(shard), -1);
}

const RoutingTable::Entry* RoutingTable::find(std::string_view slug) const {
  if (slug.empty() || slug.size() > kMaxSlugLength) return nullptr;
  const std::uint64_t hash = slug_hash(slug);
  const Shard* shard = shard_of(hash);
  return shard == nullptr ? nullptr : shard->find(slug, hash);
}

RoutingTableHolder::RoutingTableHolder(std::size_t loops)
    : table_(std::make_shared<RoutingTable>()), slots_(loops) {}

void RoutingTableHolder::publish(std::shared_ptr<const RoutingTable> table) {
  std::lock_guard lock(mutex_);
  table_ = std::move(table);
  version_.fetch_add(1, std::memory_order_release);
}

const RoutingTable& RoutingTableHolder::current(std::size_t loop) {
  LoopSlot& slot = slots_[loop];
  const std::uint64_t version = version_.load(std::memory_order_acquire);
  if (slot.version != version || !slot.table) {
    std::lock_guard lock(mutex_);
    slot.table = table_;
    slot.version = version_.load(std::memory_order_relaxed);
  }
  return *slot.table;
}

std::shared_ptr<const RoutingTable> RoutingTableHolder::snapshot() const {
  std::lock_guard lock(mutex_);
  return table_;
}

}  // namespace sequencial::routing
