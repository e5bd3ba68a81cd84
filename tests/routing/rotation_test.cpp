// Unit tests of the rotation cycle: order, weights, availability, cursor.
#include "routing/rotation.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace sequencial::routing {
namespace {

std::vector<std::size_t> take(Rotation& r, int n, Rotation::Mask mask = Rotation::Mask::kOpen) {
  std::vector<std::size_t> out;
  for (int i = 0; i < n; ++i) {
    auto m = r.next(mask);
    EXPECT_TRUE(m.has_value());
    out.push_back(m.value_or(999));
  }
  return out;
}

TEST(RotationTest, EqualWeightsGoInOrderAndWrap) {
  const int weights[] = {1, 1, 1};
  Rotation r(weights);
  EXPECT_EQ(take(r, 7), (std::vector<std::size_t>{0, 1, 2, 0, 1, 2, 0}));
}

TEST(RotationTest, SmoothWeightedInterleaving) {
  // nginx's smooth weighted round-robin for weights 5,1,1: a a b a c a a.
  const int weights[] = {5, 1, 1};
  Rotation r(weights);
  EXPECT_EQ(take(r, 7), (std::vector<std::size_t>{0, 0, 1, 0, 2, 0, 0}));
}

TEST(RotationTest, WeightTwoGetsTwoOfEveryCycleSpreadOut) {
  const int weights[] = {1, 1, 2};
  Rotation r(weights);
  const auto seq = take(r, 400);
  std::map<std::size_t, int> counts;
  for (auto m : seq) ++counts[m];
  EXPECT_EQ(counts[0], 100);
  EXPECT_EQ(counts[1], 100);
  EXPECT_EQ(counts[2], 200);
  // Every cycle of 4 holds exactly 1, 1 and 2, and inside a cycle the
  // weight-2 member is never served twice in a row (smooth WRR: c a b c).
  for (std::size_t cycle = 0; cycle < seq.size(); cycle += 4) {
    std::map<std::size_t, int> in_cycle;
    for (std::size_t i = cycle; i < cycle + 4; ++i) ++in_cycle[seq[i]];
    EXPECT_EQ(in_cycle[2], 2);
    for (std::size_t i = cycle + 1; i < cycle + 4; ++i) EXPECT_NE(seq[i], seq[i - 1]);
  }
}

TEST(RotationTest, UnavailableMembersAreSkippedAndRejoinInPlace) {
  const int weights[] = {1, 1, 1, 1};
  Rotation r(weights);
  EXPECT_EQ(take(r, 2), (std::vector<std::size_t>{0, 1}));
  r.set_available(Rotation::Mask::kOpen, {true, true, false, true});
  EXPECT_EQ(take(r, 5), (std::vector<std::size_t>{3, 0, 1, 3, 0}));
  r.set_available(Rotation::Mask::kOpen, {true, true, true, true});
  EXPECT_EQ(take(r, 4), (std::vector<std::size_t>{1, 2, 3, 0}));
}

TEST(RotationTest, CountsDifferByAtMostOneAmongOpenMembers) {
  const int weights[] = {1, 1, 1, 1, 1};
  Rotation r(weights);
  r.set_available(Rotation::Mask::kOpen, {true, false, true, true, false});
  std::map<std::size_t, int> counts;
  for (int i = 0; i < 1000; ++i) ++counts[*r.next()];
  EXPECT_EQ(counts.count(1), 0u);
  EXPECT_EQ(counts.count(4), 0u);
  EXPECT_LE(std::abs(counts[0] - counts[2]), 1);
  EXPECT_LE(std::abs(counts[2] - counts[3]), 1);
}

TEST(RotationTest, NobodyAvailableLeavesCursorAlone) {
  const int weights[] = {1, 1};
  Rotation r(weights);
  (void)r.next();
  r.set_available(Rotation::Mask::kOpen, {false, false});
  EXPECT_FALSE(r.next().has_value());
  EXPECT_EQ(r.cursor(), 1u);
  // The other mask is independent.
  EXPECT_EQ(r.next(Rotation::Mask::kActive), 1u);
}

TEST(RotationTest, CursorRestoresTheSequenceExactly) {
  const int weights[] = {1, 2, 3};
  Rotation a(weights);
  (void)take(a, 4);
  Rotation b(weights);
  b.set_cursor(a.cursor());
  EXPECT_EQ(take(a, 12), take(b, 12));
}

TEST(RotationTest, CarryCursorKeepsTheNextMemberWhoStays) {
  const int weights[] = {1, 1, 1};
  Rotation old(weights);
  (void)take(old, 1);  // next would be member 1 (id 20)
  const std::int64_t old_ids[] = {10, 20, 30};
  // 20 removed, 40 added at the front: next should be 30.
  Rotation updated(weights);
  const std::int64_t new_ids[] = {40, 10, 30};
  updated.set_cursor(carry_cursor(old, old_ids, updated, new_ids));
  EXPECT_EQ(updated.next(), 2u);  // id 30
}

TEST(RotationTest, EmptyRotationServesNobody) {
  Rotation r(std::span<const int>{});
  EXPECT_FALSE(r.next().has_value());
}

// Ticket mode: several nodes share one counter; tickets 0..N-1 served by any
// mix of nodes must give every member exactly its share.
TEST(RotationTicketTest, TicketsGiveExactCountsOverWeights) {
  const int weights[] = {1, 2, 3, 1};
  Rotation r(weights);
  std::map<std::size_t, int> counts;
  for (std::uint64_t t = 0; t < 7000; ++t) ++counts[r.at_ticket(t).value_or(999)];
  EXPECT_EQ(counts[0], 1000);
  EXPECT_EQ(counts[1], 2000);
  EXPECT_EQ(counts[2], 3000);
  EXPECT_EQ(counts[3], 1000);
  EXPECT_EQ(counts.count(999), 0u);
}

TEST(RotationTicketTest, TicketsFollowTheCycleOrderLikeTheCursor) {
  const int weights[] = {5, 1, 1};
  Rotation by_ticket(weights);
  Rotation by_cursor(weights);
  for (std::uint64_t t = 0; t < 21; ++t) {
    EXPECT_EQ(by_ticket.at_ticket(t), by_cursor.next()) << "ticket " << t;
  }
}

TEST(RotationTicketTest, TicketsSkipClosedMembersAndStayExactAmongOpenOnes) {
  const int weights[] = {1, 1, 2, 1};
  Rotation r(weights);
  r.set_available(Rotation::Mask::kOpen, {true, false, true, true});
  EXPECT_EQ(r.open_slot_count(Rotation::Mask::kOpen), 4u);
  std::map<std::size_t, int> counts;
  for (std::uint64_t t = 1000; t < 1400; ++t) ++counts[r.at_ticket(t).value_or(999)];
  EXPECT_EQ(counts[0], 100);
  EXPECT_EQ(counts[1], 0);
  EXPECT_EQ(counts[2], 200);
  EXPECT_EQ(counts[3], 100);
}

TEST(RotationTicketTest, MaskChangesAreSeenByTheNextTicket) {
  const int weights[] = {1, 1, 1};
  Rotation r(weights);
  EXPECT_EQ(r.at_ticket(0), 0u);
  EXPECT_EQ(r.at_ticket(1), 1u);
  r.set_available(Rotation::Mask::kOpen, {false, true, true});
  // Open slots are now [1, 2]: ticket 2 -> index 0 -> member 1.
  EXPECT_EQ(r.at_ticket(2), 1u);
  EXPECT_EQ(r.at_ticket(3), 2u);
  r.set_available(Rotation::Mask::kOpen, {false, false, false});
  EXPECT_FALSE(r.at_ticket(4).has_value());
  // kActive is independent of kOpen.
  EXPECT_EQ(r.at_ticket(4, Rotation::Mask::kActive), 1u);
  r.set_available(Rotation::Mask::kOpen, {true, true, true});
  std::map<std::size_t, int> counts;
  for (std::uint64_t t = 5; t < 305; ++t) ++counts[r.at_ticket(t).value_or(999)];
  EXPECT_EQ(counts[0], 100);
  EXPECT_EQ(counts[1], 100);
  EXPECT_EQ(counts[2], 100);
}

TEST(RotationTicketTest, LocalCursorContinuesAfterTheLastTicket) {
  const int weights[] = {1, 1, 1, 1};
  Rotation r(weights);
  EXPECT_EQ(r.at_ticket(6), 2u);
  // Database gone: the node-local cursor picks up right after ticket 6's slot.
  EXPECT_EQ(r.next(), 3u);
  EXPECT_EQ(r.next(), 0u);
}

TEST(RotationTicketTest, TwoNodesInterleavingTicketsStayWithinOne) {
  // Two routers (nodes) draw alternately from one counter in an irregular pattern.
  const int weights[] = {1, 1, 1};
  Rotation a(weights), b(weights);
  std::map<std::size_t, int> counts;
  for (std::uint64_t t = 0; t < 3001; ++t) {
    Rotation& node = (t * 7919 % 5) < 2 ? a : b;
    ++counts[node.at_ticket(t).value_or(999)];
  }
  EXPECT_EQ(counts[0], 1001);
  EXPECT_EQ(counts[1], 1000);
  EXPECT_EQ(counts[2], 1000);
}

}  // namespace
}  // namespace sequencial::routing
