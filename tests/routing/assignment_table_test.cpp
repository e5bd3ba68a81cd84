// Unit tests of the in-memory atendimento fixo table.
#include "routing/assignment_table.h"

#include <gtest/gtest.h>

#include <thread>
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

}  // namespace
}  // namespace sequencial::routing
