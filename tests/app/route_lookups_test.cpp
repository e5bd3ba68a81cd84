// RouteLookups: the redirect path's database questions are batched, answered
// once each, and a frozen or down database answers within the deadline
// (without an answer) instead of holding the caller. The store is a real
// SQLite store with scripted tickets and a freeze switch (scripted_store.h).
#include "app/route_lookups.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <random>
#include <set>
#include <vector>

#include "scripted_store.h"

namespace sequencial::app {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

// Collects the answers of many questions and waits for all of them.
class Answers {
 public:
  void add(std::optional<std::uint64_t> ticket) {
    std::lock_guard lock(mutex_);
    (ticket ? tickets_ : misses_).push_back(ticket.value_or(0));
    cv_.notify_all();
  }
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return tickets_.size() + misses_.size() >= n; });
  }
  std::vector<std::uint64_t> tickets() {
    std::lock_guard lock(mutex_);
    return tickets_;
  }
  std::size_t misses() {
    std::lock_guard lock(mutex_);
    return misses_.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::uint64_t> tickets_;
  std::vector<std::uint64_t> misses_;
};

// Polls `condition` for up to 5 s.
template <class F>
bool eventually(F condition) {
  for (auto until = SteadyClock::now() + 5s; SteadyClock::now() < until;) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

class RouteLookupsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sq-lookups-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    store_ = std::make_unique<ScriptedStore>(std::move(*open_store((dir_ / "t.db").string())));
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A fixed central of two members, anchored on a third link.
  Result<Central> fixed_central() {
    std::vector<LinkId> ids;
    for (const char* slug : {"anchor", "m1", "m2"}) {
      Link link;
      link.slug = slug;
      link.phone = "5511999990001";
      const auto made = store_->insert_link(link);
      if (!made) return fail(made.error());
      ids.push_back(made->id);
    }
    Central central;
    central.anchor_id = ids[0];
    central.fixed = true;
    central.members = {{ids[1], 1, std::nullopt}, {ids[2], 1, std::nullopt}};
    return store_->insert_central(central);
  }

  std::filesystem::path dir_;
  std::unique_ptr<ScriptedStore> store_;
  DatabaseHealth health_;
};

TEST_F(RouteLookupsTest, ManyTicketsShareFewRoundTripsAndAreAllDistinct) {
  store_->set_frozen(true);  // let questions pile up behind the first batch
  RouteLookups lookups(*store_, health_, {.deadline = 5s, .shared = true});
  lookups.start();
  Answers answers;
  for (int i = 0; i < 500; ++i) lookups.ticket(1, [&](auto t) { answers.add(t); });
  store_->set_frozen(false);
  ASSERT_TRUE(answers.wait_for(500, 10s));
  const auto tickets = answers.tickets();
  EXPECT_EQ(answers.misses(), 0u);
  EXPECT_EQ(std::set<std::uint64_t>(tickets.begin(), tickets.end()).size(), 500u);
  EXPECT_LE(store_->routing_batches(), 3);  // the first alone, then the rest together
  lookups.stop();
}

// With several lookup threads, a batch stuck on its round trip does not hold
// the next one: each thread sends what was asked meanwhile.
TEST_F(RouteLookupsTest, SeveralThreadsKeepSeveralBatchesInFlight) {
  RouteLookups lookups(*store_, health_, {.deadline = 5s, .shared = true, .threads = 3});
  lookups.start();
  ASSERT_TRUE(eventually([&] { return store_->routing_batches() >= 1; }));  // the connect
  store_->set_frozen(true);
  const int before = store_->routing_batches();
  Answers answers;
  int sent = 0;
  for (int i = 1; i <= 3; ++i) {
    lookups.ticket(1, [&](auto t) { answers.add(t); });
    if (!eventually([&] { return store_->routing_batches() == before + i; })) break;
    sent = i;
  }
  store_->set_frozen(false);  // before any assertion, so a failure cannot hang the test
  EXPECT_EQ(sent, 3) << "a batch was not sent while the others waited";
  ASSERT_TRUE(answers.wait_for(3, 5s));
  EXPECT_EQ(answers.misses(), 0u);
  const auto tickets = answers.tickets();
  EXPECT_EQ(std::set<std::uint64_t>(tickets.begin(), tickets.end()).size(), 3u);
  lookups.stop();
}

TEST_F(RouteLookupsTest, AFrozenDatabaseAnswersEveryQuestionByItsDeadline) {
  RouteLookups lookups(*store_, health_, {.deadline = 50ms, .shared = true});
  lookups.start();
  store_->set_frozen(true);
  Answers answers;
  const auto started = SteadyClock::now();
  for (int i = 0; i < 20; ++i) lookups.ticket(1, [&](auto t) { answers.add(t); });
  ASSERT_TRUE(answers.wait_for(20, 5s));
  EXPECT_LT(SteadyClock::now() - started, 50ms + 200ms);
  EXPECT_EQ(answers.misses(), 20u);
  // The batch is stuck past the deadline: new questions are not even asked.
  EXPECT_TRUE(eventually([&] { return !lookups.available(); }));
  store_->set_frozen(false);
  EXPECT_TRUE(eventually([&] { return lookups.available(); }));
  Answers later;
  lookups.ticket(1, [&](auto t) { later.add(t); });
  ASSERT_TRUE(later.wait_for(1, 5s));
  EXPECT_EQ(later.tickets().size(), 1u);
  lookups.stop();
}

// One batch stuck past the deadline (its backend, or its thread, waiting for
// a CPU) does not make every click fall back while another thread is free.
TEST_F(RouteLookupsTest, OneSlowBatchLeavesTheOtherThreadsAsking) {
  RouteLookups lookups(*store_, health_, {.deadline = 50ms, .shared = true, .threads = 2});
  lookups.start();
  ASSERT_TRUE(eventually([&] { return store_->routing_batches() >= 1; }));  // the connect
  store_->hold_next_batch();
  Answers slow;
  lookups.ticket(1, [&](auto t) { slow.add(t); });
  const bool slow_answered = slow.wait_for(1, 5s);  // by its deadline, without a ticket
  std::this_thread::sleep_for(20ms);                // well past the deadline now
  const bool asked = lookups.available();
  Answers fast;
  lookups.ticket(1, [&](auto t) { fast.add(t); });
  const bool fast_answered = fast.wait_for(1, 5s);
  store_->release_held();  // before any assertion, so a failure cannot hang the test
  ASSERT_TRUE(slow_answered);
  EXPECT_EQ(slow.misses(), 1u);
  EXPECT_TRUE(asked) << "one slow batch stopped every question";
  ASSERT_TRUE(fast_answered);
  EXPECT_EQ(fast.tickets().size(), 1u);
  lookups.stop();
}

TEST_F(RouteLookupsTest, ADownDatabaseIsNotAskedAndEachAnswerComesOnce) {
  RouteLookups lookups(*store_, health_, {.deadline = 1s, .shared = true});
  lookups.start();
  store_->set_down(true);
  Answers first;
  lookups.ticket(1, [&](auto t) { first.add(t); });
  ASSERT_TRUE(first.wait_for(1, 5s));
  EXPECT_EQ(first.misses(), 1u);
  EXPECT_FALSE(health_.up());  // a shared database that failed is marked down
  EXPECT_FALSE(lookups.available());
  const int calls = store_->ticket_calls();
  std::atomic<int> answered{0};
  lookups.ticket(1, [&](auto t) {
    EXPECT_FALSE(t.has_value());
    ++answered;
  });
  EXPECT_EQ(answered.load(), 1);  // answered at once, on the caller's thread
  EXPECT_EQ(store_->ticket_calls(), calls);
  lookups.stop();
}

TEST_F(RouteLookupsTest, FindsAnswerStoredAssignmentsAndNothingForUnknownVisitors) {
  Link link;
  link.slug = "a";
  link.phone = "5511999990001";
  const auto made = store_->insert_link(link);
  ASSERT_TRUE(made);
  Central central;
  central.anchor_id = made->id;
  central.fixed = true;
  central.members.push_back({made->id, 1, std::nullopt});
  const auto c = store_->insert_central(central);
  ASSERT_TRUE(c);
  const Assignment a{c->id, VisitorId{1, 2}, made->id, Timestamp(std::chrono::seconds(1000))};
  ASSERT_TRUE(store_->save_assignments(std::span(&a, 1)));

  RouteLookups lookups(*store_, health_, {.deadline = 5s, .shared = false});
  lookups.start();
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<std::optional<std::optional<Assignment>>> got;
  auto collect = [&](std::optional<std::optional<Assignment>> answer) {
    std::lock_guard lock(mutex);
    got.push_back(answer);
    cv.notify_all();
  };
  lookups.find(c->id, VisitorId{1, 2}, collect);
  lookups.find(c->id, VisitorId{3, 4}, collect);
  std::unique_lock lock(mutex);
  ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return got.size() == 2; }));
  int stored = 0;
  int unknown = 0;
  for (const auto& answer : got) {
    ASSERT_TRUE(answer.has_value());
    if (answer->has_value()) {
      EXPECT_EQ((*answer)->link_id, made->id);
      ++stored;
    } else {
      ++unknown;
    }
  }
  EXPECT_EQ(stored, 1);
  EXPECT_EQ(unknown, 1);
  lock.unlock();
  lookups.stop();
}

// New visitors' claimed tickets: grouped by central and slot list into one
// query, every visitor stored with the member their ticket serves.
TEST_F(RouteLookupsTest, ClaimedTicketsStoreEachNewVisitorByTheirTicket) {
  const auto c = fixed_central();
  ASSERT_TRUE(c);

  store_->set_frozen(true);  // let the questions gather into one batch
  RouteLookups lookups(*store_, health_, {.deadline = 5s, .shared = true});
  lookups.start();
  const auto slots = std::make_shared<const std::vector<LinkId>>(
      std::vector{c->members[0].link_id, c->members[1].link_id});
  Answers answers;
  lookups.ticket(c->id, [&](auto t) { answers.add(t); });  // the batch that waits
  std::vector<std::uint64_t> tickets(40);
  std::mutex mutex;
  for (std::uint64_t v = 0; v < 40; ++v) {
    lookups.claimed_ticket(
        c->id, VisitorId{9, v}, slots, Timestamp(std::chrono::seconds(5000)),
        [&, v](std::optional<std::uint64_t> t) {
          {
            std::lock_guard lock(mutex);
            tickets[v] = t.value_or(UINT64_MAX);
          }
          answers.add(t);
        },
        [] { ADD_FAILURE() << "stored, yet told it was not"; });
  }
  store_->set_frozen(false);
  ASSERT_TRUE(answers.wait_for(41, 10s));
  EXPECT_EQ(answers.misses(), 0u);
  EXPECT_LE(store_->routing_batches(), 3);
  std::set<std::uint64_t> distinct;
  for (std::uint64_t v = 0; v < 40; ++v) {
    std::lock_guard lock(mutex);
    distinct.insert(tickets[v]);
    auto stored = store_->find_assignment(c->id, VisitorId{9, v});
    ASSERT_TRUE(stored && stored->has_value()) << "visitor " << v;
    EXPECT_EQ((*stored)->link_id, (*slots)[tickets[v] % 2]) << "visitor " << v;
  }
  EXPECT_EQ(distinct.size(), 40u);
  lookups.stop();
}

// When the row of a claimed ticket may not have been written, its asker is
// told after their ticket, so that they write it behind.
TEST_F(RouteLookupsTest, AClaimedTicketWhoseRowWasNotStoredIsToldAfterItsTicket) {
  const auto c = fixed_central();
  ASSERT_TRUE(c);
  store_->set_claimed_rows_fail(true);
  RouteLookups lookups(*store_, health_, {.deadline = 5s, .shared = true});
  lookups.start();
  const auto slots = std::make_shared<const std::vector<LinkId>>(
      std::vector{c->members[0].link_id, c->members[1].link_id});
  std::mutex mutex;
  std::vector<std::string> events;
  Answers told;
  for (std::uint64_t v = 0; v < 3; ++v) {
    lookups.claimed_ticket(
        c->id, VisitorId{7, v}, slots, Timestamp(std::chrono::seconds(5000)),
        [&, v](std::optional<std::uint64_t> t) {
          std::lock_guard lock(mutex);
          events.push_back((t ? "ticket " : "none ") + std::to_string(v));
        },
        [&, v] {
          {
            std::lock_guard lock(mutex);
            events.push_back("unstored " + std::to_string(v));
          }
          told.add(std::uint64_t{v});
        });
  }
  ASSERT_TRUE(told.wait_for(3, 10s));
  lookups.stop();
  std::lock_guard lock(mutex);
  ASSERT_EQ(events.size(), 6u);
  for (std::uint64_t v = 0; v < 3; ++v) {
    const auto ticket = std::ranges::find(events, "ticket " + std::to_string(v));
    const auto unstored = std::ranges::find(events, "unstored " + std::to_string(v));
    ASSERT_NE(ticket, events.end()) << "visitor " << v;
    ASSERT_NE(unstored, events.end()) << "visitor " << v;
    EXPECT_LT(ticket, unstored) << "visitor " << v;
  }
}

}  // namespace
}  // namespace sequencial::app
