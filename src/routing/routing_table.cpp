// Slug lookup and snapshot publication for the redirect path.
#include "routing/routing_table.h"

#include <algorithm>
#include <array>
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

using Entry = RoutingTable::Entry;
constexpr int kBits = 5;
constexpr std::size_t kFanout = std::size_t{1} << kBits;
constexpr std::size_t kMaxLeaf = 48;
constexpr int kMaxDepth = 64 / kBits - 1;  // the last level's leaves take whatever collides

std::size_t child_of(std::uint64_t hash, int depth) {
  return (hash >> (64 - kBits * (depth + 1))) & (kFanout - 1);
}

}  // namespace

// A node of the trie: a leaf holds up to kMaxLeaf entries (and their
// hashes); a branch holds kFanout children, picked by the next
// kBits bits of the hash, in place (one memory access per level). Immutable
// once built; held through shared_ptr<const Node> made as a Leaf or Branch.
struct RoutingTable::Node {
  explicit Node(bool is_leaf) : leaf(is_leaf) {}
  const bool leaf;
};
struct RoutingTable::Leaf : Node {
  Leaf() : Node(true) {}
  std::vector<Entry> entries;
  std::vector<std::uint64_t> hashes;  // of each entry's slug: scanned first, and kept for splits
};
struct RoutingTable::Branch : Node {
  Branch() : Node(false) {}
  std::array<std::shared_ptr<const Node>, kFanout> children;  // null = empty
};

// A node for `entries` (hash, entry) at `depth`: a leaf when they fit, else
// a branch of smaller nodes. A later entry replaces an earlier one with the
// same slug. Adds the entries kept to `size`.
std::shared_ptr<const RoutingTable::Node> RoutingTable::make_node(
    std::vector<std::pair<std::uint64_t, Entry>> entries, int depth, std::size_t& size) {
  if (entries.size() <= kMaxLeaf || depth == kMaxDepth) {
    auto node = std::make_shared<Leaf>();
    node->entries.reserve(entries.size());
    node->hashes.reserve(entries.size());
    for (auto& [hash, entry] : entries) {
      std::size_t same = 0;  // the entry with this slug, or the end
      while (same < node->entries.size() &&
             (node->hashes[same] != hash ||
              !same_slug(node->entries[same].link->slug(), entry.link->slug()))) {
        ++same;
      }
      if (same < node->entries.size()) {
        node->entries[same] = std::move(entry);
      } else {
        node->entries.push_back(std::move(entry));
        node->hashes.push_back(hash);
      }
    }
    size += node->entries.size();
    return node;
  }
  std::vector<std::vector<std::pair<std::uint64_t, Entry>>> groups(kFanout);
  for (auto& item : entries) groups[child_of(item.first, depth)].push_back(std::move(item));
  entries = {};
  auto node = std::make_shared<Branch>();
  for (std::size_t i = 0; i < kFanout; ++i) {
    if (!groups[i].empty()) node->children[i] = make_node(std::move(groups[i]), depth + 1, size);
  }
  return node;
}

std::shared_ptr<const RoutingTable::Node> RoutingTable::with_entry(const Node* node, Entry entry,
                                                                   std::uint64_t hash, int depth,
                                                                   std::size_t& added) {
  if (node == nullptr) {
    std::size_t size = 0;
    added = 1;
    return make_node({{hash, std::move(entry)}}, depth, size);
  }
  if (node->leaf) {
    const auto& leaf = static_cast<const Leaf&>(*node);
    std::vector<std::pair<std::uint64_t, Entry>> entries;
    entries.reserve(leaf.entries.size() + 1);
    for (std::size_t i = 0; i < leaf.entries.size(); ++i) {
      entries.emplace_back(leaf.hashes[i], leaf.entries[i]);
    }
    entries.emplace_back(hash, std::move(entry));
    std::size_t size = 0;
    auto made = make_node(std::move(entries), depth, size);
    added = size - leaf.entries.size();
    return made;
  }
  auto copy = std::make_shared<Branch>(static_cast<const Branch&>(*node));
  auto& child = copy->children[child_of(hash, depth)];
  child = with_entry(child.get(), std::move(entry), hash, depth + 1, added);
  return copy;
}

std::shared_ptr<const RoutingTable::Node> RoutingTable::without_entry(const Node* node,
                                                                      std::string_view slug,
                                                                      std::uint64_t hash,
                                                                      int depth) {
  if (node->leaf) {
    const auto& leaf = static_cast<const Leaf&>(*node);
    auto copy = std::make_shared<Leaf>();
    for (std::size_t i = 0; i < leaf.entries.size(); ++i) {
      if (same_slug(leaf.entries[i].link->slug(), slug)) continue;
      copy->entries.push_back(leaf.entries[i]);
      copy->hashes.push_back(leaf.hashes[i]);
    }
    if (copy->entries.empty()) return nullptr;
    return copy;
  }
  auto copy = std::make_shared<Branch>(static_cast<const Branch&>(*node));
  auto& child = copy->children[child_of(hash, depth)];
  child = without_entry(child.get(), slug, hash, depth + 1);
  if (std::ranges::all_of(copy->children, [](const auto& c) { return c == nullptr; })) {
    return nullptr;
  }
  return copy;
}

RoutingTable RoutingTable::build(std::vector<Entry> entries) {
  std::vector<std::pair<std::uint64_t, Entry>> hashed;
  hashed.reserve(entries.size());
  for (auto& entry : entries) hashed.emplace_back(slug_hash(entry.link->slug()), std::move(entry));
  entries = {};
  RoutingTable table;
  if (!hashed.empty()) table.root_ = make_node(std::move(hashed), 0, table.size_);
  return table;
}

RoutingTable RoutingTable::with(Entry entry) const {
  const std::uint64_t hash = slug_hash(entry.link->slug());
  RoutingTable table;
  std::size_t added = 0;
  table.root_ = with_entry(root_.get(), std::move(entry), hash, 0, added);
  table.size_ = size_ + added;
  return table;
}

RoutingTable RoutingTable::without(std::string_view slug) const {
  if (find(slug) == nullptr) return *this;
  RoutingTable table;
  table.root_ = without_entry(root_.get(), slug, slug_hash(slug), 0);
  table.size_ = size_ - 1;
  return table;
}

const RoutingTable::Entry* RoutingTable::find(std::string_view slug) const {
  if (slug.empty() || slug.size() > kMaxSlugLength) return nullptr;
  const std::uint64_t hash = slug_hash(slug);
  const Node* node = root_.get();
  for (int depth = 0; node != nullptr && !node->leaf; ++depth) {
    node = static_cast<const Branch*>(node)->children[child_of(hash, depth)].get();
  }
  if (node == nullptr) return nullptr;
  const auto& leaf = static_cast<const Leaf&>(*node);
  for (std::size_t i = 0; i < leaf.entries.size(); ++i) {
    if (leaf.hashes[i] == hash && same_slug(leaf.entries[i].link->slug(), slug)) {
      return &leaf.entries[i];
    }
  }
  return nullptr;
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
