// The node tests' ScriptedStore (scripted_store.h) plays PostgreSQL as the
// tests assume it: during an outage every method fails with kUnavailable
// (not only the few the tests happen to call), and rotation tickets are
// counted per central from 0, like one sequence per central.
#include "scripted_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace sequencial::app {
namespace {

class ScriptedStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sq-scripted-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    auto opened = open_store((dir_ / "t.db").string());
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::make_unique<ScriptedStore>(std::move(*opened));
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::unique_ptr<ScriptedStore> store_;
};

// The error code of a result (kInternal standing for "it succeeded").
template <typename T>
ErrorCode code_of(const Result<T>& r) {
  return r ? ErrorCode::kInternal : r.error().code;
}

TEST_F(ScriptedStoreTest, AnOutageFailsEveryMethod) {
  Store& s = *store_;
  Link link;
  link.id = 1;
  link.slug = "a";
  link.phone = "5511900000001";
  Central central;
  central.id = 1;
  central.anchor_id = 1;
  const CursorUpdate cursor{.central_id = 1, .cursor = 1};
  const Assignment assignment{};
  const StoredSession session{};
  const ClickRecord click{};
  const RollupDelta rollup{};
  const Timestamp t{};
  const std::vector<std::pair<std::string, std::function<ErrorCode()>>> calls = {
      {"load_links", [&] { return code_of(s.load_links()); }},
      {"insert_link", [&] { return code_of(s.insert_link(link)); }},
      {"update_link", [&] { return code_of(s.update_link(link)); }},
      {"delete_link", [&] { return code_of(s.delete_link(1)); }},
      {"load_centrals", [&] { return code_of(s.load_centrals()); }},
      {"insert_central", [&] { return code_of(s.insert_central(central)); }},
      {"update_central", [&] { return code_of(s.update_central(central)); }},
      {"delete_central", [&] { return code_of(s.delete_central(1)); }},
      {"save_cursors",
       [&] {
         return code_of(s.save_cursors({&cursor, 1}));
       }},
      {"insert_token", [&] { return code_of(s.insert_token("n", "h")); }},
      {"find_token", [&] { return code_of(s.find_token("h")); }},
      {"load_tokens", [&] { return code_of(s.load_tokens()); }},
      {"delete_token", [&] { return code_of(s.delete_token(1)); }},
      {"insert_user", [&] { return code_of(s.insert_user("a@b.c", "h")); }},
      {"load_users", [&] { return code_of(s.load_users()); }},
      {"find_user_by_email", [&] { return code_of(s.find_user_by_email("a@b.c")); }},
      {"find_user", [&] { return code_of(s.find_user(1)); }},
      {"update_user_password", [&] { return code_of(s.update_user_password(1, "h", "")); }},
      {"delete_user", [&] { return code_of(s.delete_user(1)); }},
      {"update_user_email", [&] { return code_of(s.update_user_email(1, "d@e.f")); }},
      {"insert_session", [&] { return code_of(s.insert_session(session)); }},
      {"find_session", [&] { return code_of(s.find_session("h")); }},
      {"delete_session", [&] { return code_of(s.delete_session("h")); }},
      {"purge_sessions", [&] { return code_of(s.purge_sessions(t)); }},
      {"load_settings", [&] { return code_of(s.load_settings()); }},
      {"save_setting", [&] { return code_of(s.save_setting("k", "v")); }},
      {"delete_setting", [&] { return code_of(s.delete_setting("k")); }},
      {"load_assignments", [&] { return code_of(s.load_assignments(t)); }},
      {"load_recent_assignments", [&] { return code_of(s.load_recent_assignments(t, 10)); }},
      {"save_assignments",
       [&] {
         return code_of(s.save_assignments({&assignment, 1}));
       }},
      {"purge_assignments", [&] { return code_of(s.purge_assignments(t)); }},
      {"find_assignment", [&] { return code_of(s.find_assignment(1, VisitorId{})); }},
      {"claim_assignment", [&] { return code_of(s.claim_assignment(assignment)); }},
      {"next_rotation_ticket", [&] { return code_of(s.next_rotation_ticket(1)); }},
      {"open_change_listener", [&] { return code_of(s.open_change_listener()); }},
      {"insert_clicks",
       [&] {
         return code_of(s.insert_clicks({&click, 1}, {&rollup, 1}));
       }},
      {"insert_marked_clicks",
       [&] {
         return code_of(s.insert_marked_clicks({&click, 1}, {&rollup, 1}, 7));
       }},
      {"clicks_marked", [&] { return code_of(s.clicks_marked(7)); }},
      {"load_rollups",
       [&] { return code_of(s.load_rollups(StatsScope::kLink, 1, "source", 0, 1, false)); }},
      {"load_clicks", [&] { return code_of(s.load_clicks(1, t, t, 10)); }},
      {"reset_link_stats", [&] { return code_of(s.reset_link_stats(1)); }},
      {"purge_clicks", [&] { return code_of(s.purge_clicks(t)); }},
  };
  store_->set_down(true);
  for (const auto& [name, call] : calls) {
    EXPECT_EQ(call(), ErrorCode::kUnavailable) << name << " must fail during the outage";
  }
  // The batched routing questions fail as a whole too: no ticket, no answer.
  RoutingQueries queries;
  queries.tickets.push_back({.central = 1, .count = 2});
  const RoutingAnswers answers = s.routing_answers(queries, std::chrono::seconds(1));
  ASSERT_EQ(answers.tickets.size(), 1u);
  EXPECT_FALSE(answers.tickets[0].has_value());

  // Back up: the real store answers again.
  store_->set_down(false);
  EXPECT_TRUE(s.load_links());
  EXPECT_TRUE(s.load_settings());
}

TEST_F(ScriptedStoreTest, TicketsAreCountedPerCentralFromZero) {
  Store& s = *store_;
  std::vector<std::uint64_t> one;
  std::vector<std::uint64_t> two;
  for (int i = 0; i < 3; ++i) {
    one.push_back(s.next_rotation_ticket(1).value().value());
    two.push_back(s.next_rotation_ticket(2).value().value());
  }
  EXPECT_EQ(one, (std::vector<std::uint64_t>{0, 1, 2}));
  EXPECT_EQ(two, (std::vector<std::uint64_t>{0, 1, 2}));
  EXPECT_EQ(s.next_rotation_ticket(1).value().value(), 3u);
}

}  // namespace
}  // namespace sequencial::app
