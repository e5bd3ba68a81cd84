// Smooth weighted round-robin cycle and O(1) next-available lookup.
#include "routing/rotation.h"

#include <algorithm>
#include <cassert>

namespace sequencial::routing {

Rotation::Rotation(std::span<const int> weights) {
  const std::size_t n = weights.size();
  member_first_slot_.assign(n, kNone);
  long total = 0;
  for (int w : weights) total += std::max(w, 1);
  slot_member_.reserve(static_cast<std::size_t>(total));
  // Smooth WRR: each step every member gains its weight, the richest is
  // served (lowest index on ties) and pays the total.
  std::vector<long> current(n, 0);
  for (long step = 0; step < total; ++step) {
    std::size_t best = 0;
    for (std::size_t i = 0; i < n; ++i) {
      current[i] += std::max(weights[i], 1);
      if (current[i] > current[best]) best = i;
    }
    current[best] -= total;
    if (member_first_slot_[best] == kNone) {
      member_first_slot_[best] = static_cast<std::uint32_t>(slot_member_.size());
    }
    slot_member_.push_back(static_cast<std::uint32_t>(best));
  }
  const std::vector<bool> everyone(n, true);
  set_available(Mask::kOpen, everyone);
  set_available(Mask::kActive, everyone);
}

void Rotation::set_available(Mask mask, const std::vector<bool>& available) {
  assert(available.size() == member_count());
  auto& table = next_open_[static_cast<std::size_t>(mask)];
  const std::size_t slots = slot_count();
  table.assign(slots, kNone);
  auto& open = open_slots_[static_cast<std::size_t>(mask)];
  open.clear();
  for (std::size_t i = 0; i < slots; ++i) {
    if (available[slot_member_[i]]) open.push_back(static_cast<std::uint32_t>(i));
  }
  if (slots == 0) return;
  // Walk backwards twice around the cycle so every slot sees the first open
  // slot after it, wrapping past the end.
  std::uint32_t next = kNone;
  for (std::size_t pass = 0; pass < 2; ++pass) {
    for (std::size_t i = slots; i-- > 0;) {
      if (available[slot_member_[i]]) next = static_cast<std::uint32_t>(i);
      table[i] = next;
    }
  }
}

std::optional<std::size_t> Rotation::next(Mask mask) {
  const auto& table = next_open_[static_cast<std::size_t>(mask)];
  if (table.empty()) return std::nullopt;
  const std::uint32_t slot = table[cursor_];
  if (slot == kNone) return std::nullopt;
  cursor_ = (slot + 1) % slot_count();
  return slot_member_[slot];
}

std::optional<std::size_t> Rotation::at_ticket(std::uint64_t ticket, Mask mask) {
  const auto& open = open_slots_[static_cast<std::size_t>(mask)];
  if (open.empty()) return std::nullopt;
  const std::uint32_t slot = open[ticket % open.size()];
  cursor_ = (slot + 1) % slot_count();
  return slot_member_[slot];
}

void Rotation::set_cursor(std::uint64_t cursor) {
  cursor_ = slot_count() == 0 ? 0 : cursor % slot_count();
}

std::uint64_t carry_cursor(const Rotation& old_rotation, std::span<const std::int64_t> old_members,
                           const Rotation& updated, std::span<const std::int64_t> new_members) {
  const std::size_t slots = old_rotation.slot_count();
  for (std::size_t step = 0; step < slots; ++step) {
    const std::size_t slot = (old_rotation.cursor() + step) % slots;
    const std::int64_t id = old_members[old_rotation.member_at_slot(slot)];
    const auto it = std::find(new_members.begin(), new_members.end(), id);
    if (it != new_members.end()) {
      return updated.first_slot_of(static_cast<std::size_t>(it - new_members.begin()));
    }
  }
  return 0;
}

}  // namespace sequencial::routing
