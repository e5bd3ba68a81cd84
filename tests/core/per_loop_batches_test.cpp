// PerLoopBatches (core/per_loop_batches.h): every item pushed is drained
// exactly once, in push order per queue, while loops push from their own
// threads; the capacity drives has_room(), never a refusal.
#include "core/per_loop_batches.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace sequencial {
namespace {

struct Item {
  std::size_t producer = 0;
  std::size_t seq = 0;
};

TEST(PerLoopBatches, DrainSeesEveryItemOnceInPushOrderWhileLoopsPush) {
  constexpr std::size_t kLoops = 4;
  constexpr std::size_t kPerProducer = 20000;
  // One producer per loop, and two more sharing the spare queue (an index
  // past the loops), as threads that are not event loops do.
  constexpr std::size_t kProducers = kLoops + 2;
  PerLoopBatches<Item> batches(kLoops);

  std::atomic<bool> go{false};
  std::atomic<std::size_t> finished{0};
  std::vector<std::thread> producers;
  for (std::size_t p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      while (!go.load()) std::this_thread::yield();
      const std::size_t loop = p < kLoops ? p : kLoops + 7 * p;
      for (std::size_t i = 0; i < kPerProducer; ++i) batches.push(loop, Item{p, i});
      finished.fetch_add(1);
    });
  }

  std::vector<Item> drained;
  go.store(true);
  do {
    batches.drain_into(drained);
  } while (finished.load() < kProducers);
  for (auto& t : producers) t.join();
  batches.drain_into(drained);
  EXPECT_EQ(batches.size(), 0U);

  ASSERT_EQ(drained.size(), kProducers * kPerProducer);
  std::vector<std::size_t> next(kProducers, 0);
  for (const Item& item : drained) {
    ASSERT_LT(item.producer, kProducers);
    ASSERT_EQ(item.seq, next[item.producer]) << "producer " << item.producer;
    ++next[item.producer];
  }
  for (std::size_t p = 0; p < kProducers; ++p) EXPECT_EQ(next[p], kPerProducer);
}

TEST(PerLoopBatches, HasRoomIsFalseAtCapacityButPushNeverRefuses) {
  PerLoopBatches<int> batches(2, 3);
  EXPECT_EQ(batches.capacity(), 3U);
  EXPECT_EQ(batches.push(0, 1), 1U);
  EXPECT_EQ(batches.push(0, 2), 2U);
  EXPECT_TRUE(batches.has_room(0));
  EXPECT_FALSE(batches.any_at_least(3));
  EXPECT_EQ(batches.push(0, 3), 3U);
  EXPECT_FALSE(batches.has_room(0));
  EXPECT_TRUE(batches.has_room(1));  // the other loops are not paused
  EXPECT_TRUE(batches.any_at_least(3));
  EXPECT_EQ(batches.push(0, 4), 4U);  // past the capacity, still kept
  EXPECT_EQ(batches.size(), 4U);

  std::vector<int> out;
  batches.drain_into(out);
  EXPECT_EQ(out, (std::vector<int>{1, 2, 3, 4}));
  EXPECT_TRUE(batches.has_room(0));
  EXPECT_FALSE(batches.any_at_least(1));
  EXPECT_EQ(batches.size(), 0U);
}

TEST(PerLoopBatches, IndexesPastTheLoopsShareTheSpareQueue) {
  PerLoopBatches<int> batches(2, 2);
  EXPECT_EQ(batches.push(2, 1), 1U);
  EXPECT_EQ(batches.push(9, 2), 2U);
  EXPECT_FALSE(batches.has_room(100));
  EXPECT_TRUE(batches.has_room(1));
}

TEST(PerLoopBatches, DrainAppendsQueueAfterQueueBehindWhatOutHolds) {
  PerLoopBatches<int> batches(2);
  batches.push(1, 20);
  batches.push(0, 10);
  batches.push(2, 30);
  batches.push(1, 21);
  std::vector<int> out{1, 2};
  batches.drain_into(out);
  EXPECT_EQ(out, (std::vector<int>{1, 2, 10, 20, 21, 30}));

  std::vector<int> again;
  batches.drain_into(again);
  EXPECT_TRUE(again.empty());
}

TEST(PerLoopBatches, CopiesAndMovesItems) {
  PerLoopBatches<std::vector<int>> batches(1);
  const std::vector<int> kept{1, 2, 3};
  batches.push(0, kept);
  std::vector<int> moved{4, 5};
  batches.push(0, std::move(moved));
  std::vector<std::vector<int>> out;
  batches.drain_into(out);
  ASSERT_EQ(out.size(), 2U);
  EXPECT_EQ(out[0], kept);
  EXPECT_EQ(out[1], (std::vector<int>{4, 5}));
}

}  // namespace
}  // namespace sequencial
