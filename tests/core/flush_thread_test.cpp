// FlushThread (core/flush_thread.h): the step runs every interval, at once
// when poked with work due or when it reports more, and stop() joins the
// thread and then runs the last flush once, on the stopping thread.
#include "core/flush_thread.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace sequencial {
namespace {

using namespace std::chrono_literals;

constexpr auto kLong = std::chrono::hours(1);  // an interval no test waits for

// Polls `done` until true or 10 s have passed.
template <typename F>
bool eventually(F done) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST(FlushThread, StopJoinsThenRunsTheLastFlushOnceOnTheStoppingThread) {
  std::atomic<int> steps{0};
  std::atomic<bool> step_running{false};
  int lasts = 0;
  bool step_ran_during_last = false;
  std::thread::id last_thread;
  FlushThread thread(kLong, {.flush =
                                 [&] {
                                   step_running = true;
                                   ++steps;
                                   step_running = false;
                                   return false;
                                 },
                             .last =
                                 [&] {
                                   ++lasts;
                                   step_ran_during_last = step_running.load();
                                   last_thread = std::this_thread::get_id();
                                 },
                             .due = {}});
  thread.start();
  thread.stop();
  EXPECT_EQ(lasts, 1);
  EXPECT_FALSE(step_ran_during_last);
  EXPECT_EQ(last_thread, std::this_thread::get_id());
  const int steps_at_stop = steps.load();
  thread.stop();  // idempotent
  EXPECT_EQ(lasts, 1);
  EXPECT_EQ(steps.load(), steps_at_stop);
}

TEST(FlushThread, StopWithoutStartStillRunsTheLastFlush) {
  int lasts = 0;
  FlushThread thread(kLong, {.flush = [] { return false; }, .last = [&] { ++lasts; }, .due = {}});
  thread.stop();
  thread.stop();
  EXPECT_EQ(lasts, 1);
}

TEST(FlushThread, RunsEveryInterval) {
  std::atomic<int> steps{0};
  FlushThread thread(5ms, {.flush =
                               [&] {
                                 ++steps;
                                 return false;
                               },
                           .last = {},
                           .due = {}});
  thread.start();
  EXPECT_TRUE(eventually([&] { return steps.load() >= 3; }));
  thread.stop();
}

TEST(FlushThread, PokeWithWorkDueWakesItBeforeTheInterval) {
  std::atomic<int> queued{0};
  std::atomic<int> flushed{0};
  FlushThread thread(kLong, {.flush =
                                 [&] {
                                   flushed += queued.exchange(0);
                                   return false;
                                 },
                             .last = {},
                             .due = [&] { return queued.load() > 0; }});
  thread.start();
  queued = 5;
  thread.poke();
  EXPECT_TRUE(eventually([&] { return flushed.load() == 5; }));
  thread.stop();
}

TEST(FlushThread, MoreWorkReadyRunsTheStepAgainWithoutWaiting) {
  std::atomic<int> steps{0};
  // Due only before the first step; the three after it run because each
  // step reports more, not after an interval (an hour).
  FlushThread thread(
      kLong,
      {.flush = [&] { return ++steps < 4; }, .last = {}, .due = [&] { return steps.load() == 0; }});
  thread.start();
  EXPECT_TRUE(eventually([&] { return steps.load() >= 4; }));
  thread.stop();
}

}  // namespace
}  // namespace sequencial
