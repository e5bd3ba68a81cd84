// Slug lookup and snapshot publication for the redirect path.
#include "routing/routing_table.h"

#include <array>

#include "core/validation.h"

namespace sequencial::routing {

void RoutingTable::add(std::shared_ptr<const LinkRoute> link,
                       std::shared_ptr<CentralRouter> central) {
  std::string key = slug_key(link->link.slug);
  entries_[std::move(key)] = Entry{std::move(link), std::move(central)};
}

const RoutingTable::Entry* RoutingTable::find(std::string_view slug) const {
  if (slug.empty() || slug.size() > kMaxSlugLength) return nullptr;
  std::array<char, kMaxSlugLength> lower;
  for (std::size_t i = 0; i < slug.size(); ++i) {
    const char c = slug[i];
    lower[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  const auto it = entries_.find(std::string_view(lower.data(), slug.size()));
  return it == entries_.end() ? nullptr : &it->second;
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
