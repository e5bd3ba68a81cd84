// Exact rotation (rule 1 of PRODUCT.md) for one central: the members'
// weights are expanded into one cycle of slots interleaved by smooth weighted
// round-robin (the order nginx uses: weights 1,1,2 give C A B C ...), and the
// cursor walks that cycle, skipping slots whose member is unavailable.
//
// Serving is O(1): for each availability mask the class keeps, per slot, the
// first open slot at or after it, and the list of open slots in cycle order
// (both recomputed in O(slots) only when the mask changes). Two masks exist:
// kOpen (active and within hours) and kActive (active, hours ignored, for
// when_closed = ignore_hours).
//
// Ticket mode (several nodes): a shared counter hands out tickets 0, 1, 2...
// across every node; ticket t serves the (t mod n)-th of the n open slots, so
// the cluster as a whole walks one exact cycle.
//
// Thread-safety: none; CentralRouter serialises access.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace sequencial::routing {

class Rotation {
 public:
  enum class Mask { kOpen = 0, kActive = 1 };

  // One weight (>= 1) per member, in rotation order. Every member starts
  // available in both masks; the cursor starts at slot 0.
  explicit Rotation(std::span<const int> weights);

  [[nodiscard]] std::size_t member_count() const { return member_first_slot_.size(); }
  [[nodiscard]] std::size_t slot_count() const { return slot_member_.size(); }
  [[nodiscard]] std::size_t member_at_slot(std::size_t slot) const { return slot_member_[slot]; }

  // Which members may be served under `mask` (one flag per member).
  void set_available(Mask mask, const std::vector<bool>& available);

  // Serves the first available slot at or after the cursor and moves the
  // cursor past it. nullopt (cursor unchanged) when nobody is available.
  [[nodiscard]] std::optional<std::size_t> next(Mask mask = Mask::kOpen);
  // Serves the (ticket mod n)-th of the n available slots and moves the
  // cursor past it (so the local cursor continues from there if tickets stop
  // coming). nullopt (cursor unchanged) when nobody is available.
  [[nodiscard]] std::optional<std::size_t> at_ticket(std::uint64_t ticket, Mask mask = Mask::kOpen);
  // The available slots under `mask`, in cycle order: at_ticket(t) serves
  // member_at_slot(open_slots(mask)[t mod size]).
  [[nodiscard]] std::span<const std::uint32_t> open_slots(Mask mask) const {
    return open_slots_[static_cast<std::size_t>(mask)];
  }
  // How many slots are available under `mask`.
  [[nodiscard]] std::size_t open_slot_count(Mask mask) const {
    return open_slots_[static_cast<std::size_t>(mask)].size();
  }

  // The slot the next click starts looking at. Persisted across restarts.
  [[nodiscard]] std::uint64_t cursor() const { return cursor_; }
  void set_cursor(std::uint64_t cursor);

  // The member the cursor would serve next ignoring availability.
  [[nodiscard]] std::size_t member_at_cursor() const { return slot_member_[cursor_]; }
  [[nodiscard]] std::size_t first_slot_of(std::size_t member) const {
    return member_first_slot_[member];
  }

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  std::vector<std::uint32_t> slot_member_;        // slot -> member
  std::vector<std::uint32_t> member_first_slot_;  // member -> its first slot
  std::array<std::vector<std::uint32_t>, 2>
      next_open_;  // per mask: slot -> first open slot >= it (cyclic)
  std::array<std::vector<std::uint32_t>, 2> open_slots_;  // per mask: open slots, in order
  std::uint64_t cursor_ = 0;
};

// Where the cursor of a rebuilt rotation should start so that the members who
// stay keep their place: the first slot, in `updated`, of the first member
// at or after the old cursor (in `old_members` order) who is still a member.
// Members are identified by ids; the result is 0 when no one stays.
[[nodiscard]] std::uint64_t carry_cursor(const Rotation& old_rotation,
                                         std::span<const std::int64_t> old_members,
                                         const Rotation& updated,
                                         std::span<const std::int64_t> new_members);

}  // namespace sequencial::routing
