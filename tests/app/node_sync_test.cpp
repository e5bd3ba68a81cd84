// Several nodes on one database, node side: Catalog::reload keeps the live
// routers, the change follower reloads on notifications and reconnects (then
// reloads in full) after losing the feed, and assignments made during an
// outage are written when the database returns (route_lookups_test.cpp
// covers the redirect path's questions). Two
// "nodes" here are two catalogs over one SQLite file; the shared-state
// methods are scripted (scripted_store.h).
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <thread>

#include "app/change_follower.h"
#include "app/database_health.h"
#include "app/write_behind.h"
#include "domain/catalog.h"
#include "scripted_store.h"

namespace sequencial::app {
namespace {

using std::chrono::milliseconds;

class FixedClock final : public Clock {
 public:
  Timestamp now() const override { return Timestamp(std::chrono::seconds(1'795'000'000)); }
};

// One node: a catalog with its tables and assignments over `store`.
struct Node {
  explicit Node(Store& store) : catalog(store, tables, assignments, clock) {}
  bool has(const std::string& slug) { return tables.current(0).find(slug) != nullptr; }
  FixedClock clock;
  routing::RoutingTableHolder tables{1};
  routing::AssignmentTable assignments;
  domain::Catalog catalog;
};

class NodeSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sq-nodes-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    const std::string db = (dir_ / "t.db").string();
    store_a_ = std::move(*open_store(db));
    store_b_ = std::make_unique<ScriptedStore>(std::move(*open_store(db)));
    a_ = std::make_unique<Node>(*store_a_);
    b_ = std::make_unique<Node>(*store_b_);
    ASSERT_TRUE(a_->catalog.load());
    ASSERT_TRUE(b_->catalog.load());
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
    store_a_.reset();
    store_b_.reset();
    std::filesystem::remove_all(dir_);
  }
  void make_link(const std::string& slug) {
    domain::LinkInput in;
    in.slug = slug;
    in.phone = "5511999990001";
    ASSERT_TRUE(a_->catalog.create_link(in));
  }
  CentralId make_central() {
    for (const char* slug : {"m1", "m2", "m3", "hub"}) make_link(slug);
    domain::CentralInput in;
    in.anchor = "hub";
    in.members = std::vector<domain::MemberInput>{{"m1", 1}, {"m2", 1}, {"m3", 1}};
    in.fixed = true;
    auto central = a_->catalog.create_central(in);
    EXPECT_TRUE(central);
    return central ? central->id : 0;
  }
  // Polls `done` for up to 3 s.
  static bool eventually(const std::function<bool()>& done) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (std::chrono::steady_clock::now() < until) {
      if (done()) return true;
      std::this_thread::sleep_for(milliseconds(5));
    }
    return done();
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_a_;
  std::unique_ptr<ScriptedStore> store_b_;
  std::unique_ptr<Node> a_, b_;
};

TEST_F(NodeSyncTest, ReloadSeesOtherNodesChangesAndKeepsTheRotationPlace) {
  const CentralId id = make_central();
  EXPECT_FALSE(b_->has("hub"));
  ASSERT_TRUE(b_->catalog.reload());
  ASSERT_TRUE(b_->has("hub"));
  auto router = b_->catalog.router(id);
  ASSERT_NE(router, nullptr);
  const Timestamp now = b_->clock.now();
  EXPECT_EQ(router->route(now, std::nullopt).link->slug(), "m1");

  domain::LinkInput rename;
  rename.label = "Maria";
  ASSERT_TRUE(a_->catalog.update_link(*a_->catalog.find_link("m2"), rename));
  ASSERT_TRUE(b_->catalog.reload());
  EXPECT_EQ(b_->catalog.router(id), router);                       // the same live router...
  EXPECT_EQ(router->route(now, std::nullopt).link->slug(), "m2");  // ...at the same place
  EXPECT_EQ(b_->catalog.link(*b_->catalog.find_link("m2"))->label, "Maria");

  b_->assignments.put({id, VisitorId{1, 2}, *b_->catalog.find_link("m1"), now});
  ASSERT_TRUE(a_->catalog.delete_central(id));
  ASSERT_TRUE(b_->catalog.reload());
  EXPECT_EQ(b_->catalog.router(id), nullptr);
  EXPECT_EQ(b_->assignments.size(), 0u);
  EXPECT_EQ(b_->catalog.central_count(), 0u);
}

TEST_F(NodeSyncTest, FollowerReloadsWhenNotifiedAndPassesOtherPayloadsOn) {
  DatabaseHealth health;
  std::atomic<int> tokens{0};
  ChangeFollower follower(*store_b_, b_->catalog, health,
                          [&](const std::string& what) {
                            if (what == "tokens") ++tokens;
                          },
                          {milliseconds(50), milliseconds(10), milliseconds(50)});
  ASSERT_TRUE(follower.open());
  follower.start();
  make_link("novo");
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_FALSE(b_->has("novo"));  // nothing told node B yet
  store_b_->notify("links");
  EXPECT_TRUE(eventually([&] { return b_->has("novo"); }));
  store_b_->notify("tokens");
  EXPECT_TRUE(eventually([&] { return tokens.load() == 1; }));
  EXPECT_TRUE(health.up());
  follower.stop();
}

TEST_F(NodeSyncTest, FollowerReconnectsAfterAnOutageAndReloadsInFull) {
  DatabaseHealth health;
  ChangeFollower follower(*store_b_, b_->catalog, health, nullptr,
                          {milliseconds(50), milliseconds(10), milliseconds(50)});
  ASSERT_TRUE(follower.open());
  follower.start();
  store_b_->set_down(true);
  EXPECT_TRUE(eventually([&] { return !health.up(); }));
  make_link("durante");  // committed by another node; its notification is lost
  EXPECT_FALSE(b_->has("durante"));
  store_b_->set_down(false);
  EXPECT_TRUE(eventually([&] { return health.up() && b_->has("durante"); }));
  EXPECT_GE(store_b_->listeners_opened(), 2);
  follower.stop();
}

TEST_F(NodeSyncTest, AssignmentsMadeDuringAnOutageAreWrittenWhenTheDatabaseReturns) {
  const CentralId id = make_central();
  ASSERT_TRUE(b_->catalog.reload());
  WriteBehind write_behind({*store_b_, *store_b_, *store_b_}, b_->catalog, b_->assignments,
                           b_->clock, 1, WriteBehindOptions{});
  const LinkId m2 = *b_->catalog.find_link("m2");
  const Assignment a{id, VisitorId{7, 8}, m2, b_->clock.now()};
  store_b_->set_down(true);
  write_behind.record(0, a);
  write_behind.flush();
  write_behind.flush();
  EXPECT_FALSE(store_a_->find_assignment(id, a.visitor).value_or(std::nullopt).has_value());
  store_b_->set_down(false);
  write_behind.flush();
  const auto stored = store_a_->find_assignment(id, a.visitor).value_or(std::nullopt);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->link_id, m2);
}

TEST_F(NodeSyncTest, SingleNodeHasNoChangeFeed) {
  DatabaseHealth health;
  ChangeFollower follower(*store_a_, a_->catalog, health, nullptr, {});
  EXPECT_FALSE(follower.open());  // SQLite: no change feed, no thread
}

}  // namespace
}  // namespace sequencial::app
