// Slug lookup and snapshot publication for the redirect path.
#include "routing/routing_table.h"

#include <algorithm>
#include <bit>

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

void RoutingTable::reserve(std::size_t links) {
  entries_.reserve(links);
  if (links * 2 > cells_.size()) rehash(std::bit_ceil(std::max<std::size_t>(links * 2, 16)));
}

void RoutingTable::rehash(std::size_t cells) {
  cells_.assign(cells, Cell{});
  for (std::uint32_t i = 0; i < entries_.size(); ++i)
    place(i, slug_hash(entries_[i].link->link.slug));
}

void RoutingTable::place(std::uint32_t entry, std::uint64_t hash) {
  const std::size_t mask = cells_.size() - 1;
  std::size_t pos = hash & mask;
  while (cells_[pos].entry != 0) pos = (pos + 1) & mask;
  cells_[pos] = Cell{static_cast<std::uint32_t>(hash), entry + 1};
}

const RoutingTable::Cell* RoutingTable::locate(std::string_view slug, std::uint64_t hash) const {
  if (cells_.empty()) return nullptr;
  const std::size_t mask = cells_.size() - 1;
  const auto h32 = static_cast<std::uint32_t>(hash);
  for (std::size_t pos = hash & mask;; pos = (pos + 1) & mask) {
    const Cell& cell = cells_[pos];
    if (cell.entry == 0) return nullptr;
    if (cell.hash == h32 && same_slug(entries_[cell.entry - 1].link->link.slug, slug)) return &cell;
  }
}

void RoutingTable::add(std::shared_ptr<const LinkRoute> link,
                       std::shared_ptr<CentralRouter> central) {
  const std::uint64_t hash = slug_hash(link->link.slug);
  if (const Cell* cell = locate(link->link.slug, hash)) {
    entries_[cell->entry - 1] = Entry{std::move(link), std::move(central)};
    return;
  }
  if ((entries_.size() + 1) * 2 > cells_.size())
    rehash(std::max<std::size_t>(cells_.size() * 2, 16));
  entries_.push_back(Entry{std::move(link), std::move(central)});
  place(static_cast<std::uint32_t>(entries_.size() - 1), hash);
}

const RoutingTable::Entry* RoutingTable::find(std::string_view slug) const {
  if (slug.empty() || slug.size() > kMaxSlugLength) return nullptr;
  const Cell* cell = locate(slug, slug_hash(slug));
  return cell == nullptr ? nullptr : &entries_[cell->entry - 1];
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
