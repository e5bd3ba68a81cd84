// Unit tests of the in-memory atendimento fixo table.
#include "routing/assignment_table.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <thread>
#include <utility>
#include <vector>

namespace sequencial::routing {
namespace {

const Timestamp kT0{std::chrono::seconds(1'800'000'000)};

TEST(AssignmentTableTest, PutFindOverwriteAndExpire) {
  AssignmentTable t;
  const VisitorId v{1, 2};
  EXPECT_FALSE(t.find(1, v).has_value());
  t.put({1, v, 10, kT0});
  ASSERT_TRUE(t.find(1, v).has_value());
  EXPECT_EQ(t.find(1, v)->link, 10);
  EXPECT_FALSE(t.find(2, v).has_value());  // per central
  t.put({1, v, 11, kT0 + std::chrono::hours(1)});
  EXPECT_EQ(t.find(1, v)->link, 11);
  t.put({2, VisitorId{3, 4}, 12, kT0 - std::chrono::days(200)});
  EXPECT_EQ(t.erase_older_than(kT0 - std::chrono::days(180)), 1u);
  EXPECT_EQ(t.size(), 1u);
  t.erase_central(1);
  EXPECT_EQ(t.size(), 0u);
}

TEST(AssignmentTableTest, ConcurrentWritersAndReaders) {
  AssignmentTable t;
  std::vector<std::thread> threads;
  for (std::uint64_t w = 0; w < 4; ++w) {
    threads.emplace_back([&t, w] {
      for (std::uint64_t i = 0; i < 5000; ++i) {
        const VisitorId v{i * 7 + w, i};
        t.put({1, v, static_cast<LinkId>(w), kT0});
        EXPECT_EQ(t.find(1, v)->link, static_cast<LinkId>(w));
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(t.size(), 20000u);
}

TEST(AssignmentTableTest, EvictsTheLeastRecentlyUsedWhenFull) {
  AssignmentTable t(3);
  const VisitorId a{1, 1}, b{2, 2}, c{3, 3}, d{4, 4};
  t.put({1, a, 10, kT0});
  t.put({1, b, 11, kT0});
  t.put({1, c, 12, kT0});
  ASSERT_TRUE(t.find(1, a).has_value());  // a is used again: b is now the oldest unused
  t.put({1, d, 13, kT0});
  EXPECT_EQ(t.size(), 3u);
  EXPECT_EQ(t.evictions(), 1u);
  EXPECT_FALSE(t.find(1, b).has_value());
  EXPECT_EQ(t.find(1, a)->link, 10);
  EXPECT_EQ(t.find(1, c)->link, 12);
  EXPECT_EQ(t.find(1, d)->link, 13);
}

TEST(AssignmentTableTest, NeverHoldsMoreThanItsCapacity) {
  AssignmentTable t(2000);
  std::map<std::pair<std::uint64_t, std::uint64_t>, LinkId> truth;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 50000; ++i) {
    const VisitorId v{rng(), rng()};
    const auto link = static_cast<LinkId>(i % 97);
    t.put({1, v, link, kT0});
    truth[{v.hi, v.lo}] = link;
    ASSERT_LE(t.size(), 2000u);
  }
  EXPECT_EQ(t.size(), 2000u);
  EXPECT_EQ(t.evictions(), 48000u);
  std::size_t present = 0;
  for (const auto& [key, link] : truth) {
    const auto found = t.find(1, VisitorId{key.first, key.second});
    if (found) {
      ++present;
      EXPECT_EQ(found->link, link);
    }
  }
  EXPECT_EQ(present, 2000u);
}

TEST(AssignmentTableTest, EraseKeepsEveryOtherEntryReachable) {
  AssignmentTable t(100000);
  for (std::uint64_t i = 0; i < 30000; ++i) {
    t.put({1, VisitorId{i, i * 3}, static_cast<LinkId>(i), kT0 + std::chrono::seconds(i % 2)});
  }
  EXPECT_EQ(t.erase_older_than(kT0 + std::chrono::seconds(1)), 15000u);
  for (std::uint64_t i = 0; i < 30000; ++i) {
    const auto found = t.find(1, VisitorId{i, i * 3});
    if (i % 2 == 0) {
      EXPECT_FALSE(found.has_value()) << i;
    } else {
      ASSERT_TRUE(found.has_value()) << i;
      EXPECT_EQ(found->link, static_cast<LinkId>(i));
    }
  }
}

}  // namespace
}  // namespace sequencial::routing
