// What only the PostgreSQL backend has (storage/postgres/): the shared
// rotation ticket sequence, claim races between nodes, the NOTIFY change
// feed and its listener, the connection pool healing after killed
// connections, migrations under concurrent starts, quick kUnavailable
// for a server that is not there, and the click writer's batch markers. Each test gets a fresh
// database on the server of SEQUENCIAL_TEST_PG_URL (pg_test_database.h).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pg_test_database.h"
#include "storage/postgres/pg_conn.h"
#include "storage/postgres/pg_migrations.h"
#include "storage/postgres/pg_pool.h"
#include "storage/rollups.h"
#include "storage/store.h"

namespace sequencial {
namespace {

using namespace std::chrono_literals;
using test_support::PgTestDatabase;

template <typename T>
std::string why(const Result<T>& result) {
  if (result) return "ok";
  const Error& e = result.error();
  return std::string(error_code_name(e.code)) + " [" + e.field + "] " + e.message;
}

Link make_link(const std::string& slug) {
  Link link;
  link.slug = slug;
  link.phone = "5511999990001";
  return link;
}

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto url = test_support::pg_server_url();
    if (!url) {
      if (test_support::running_in_ci()) FAIL() << test_support::kNoPgServer;
      GTEST_SKIP() << test_support::kNoPgServer;
    }
    db_.emplace(*url);
    ASSERT_TRUE(db_->error().empty()) << db_->error();
    store_ = open();
    ASSERT_NE(store_, nullptr);
  }

  std::unique_ptr<Store> open(const std::string& extra = {}) {
    auto store = open_store(db_->url() + extra);
    EXPECT_TRUE(store) << why(store);
    return store ? std::move(*store) : nullptr;
  }

  // A central anchored on a new link, with two new member links.
  Central make_central(const std::string& name) {
    Central central;
    central.anchor_id = link(name).id;
    for (const char* suffix : {"-a", "-b"}) {
      Member member;
      member.link_id = link(name + suffix).id;
      central.members.push_back(member);
    }
    auto stored = store_->insert_central(central);
    EXPECT_TRUE(stored) << why(stored);
    return stored ? *stored : Central{};
  }

  Link link(const std::string& slug) {
    auto stored = store_->insert_link(make_link(slug));
    EXPECT_TRUE(stored) << why(stored);
    return stored ? *stored : Link{};
  }

  // Runs SQL as superuser on the test database; returns the first cell.
  std::string admin_sql(const std::string& sql) {
    auto admin = db_->admin();
    EXPECT_TRUE(admin) << why(admin);
    if (!admin) return {};
    auto r = admin->exec(sql);
    EXPECT_TRUE(r) << sql << ": " << why(r);
    return r && r->rows() > 0 ? std::string(r->text_at(0, 0)) : std::string();
  }

  // Ends every other connection to the test database whose last statement
  // starts with `query_prefix`, and waits until they are gone.
  int terminate(const std::string& query_prefix) {
    const std::string where =
        " FROM pg_stat_activity WHERE datname = current_database()"
        " AND pid <> pg_backend_pid() AND query LIKE '" +
        query_prefix + "%'";
    const int killed = std::stoi(admin_sql("SELECT count(pg_terminate_backend(pid))" + where));
    for (int i = 0; i < 100 && admin_sql("SELECT count(*)" + where) != "0"; ++i) {
      std::this_thread::sleep_for(20ms);
    }
    return killed;
  }

  std::optional<PgTestDatabase> db_;
  std::unique_ptr<Store> store_;
};

// ---- the shared rotation counter ----

TEST_F(PgStoreTest, TicketsCountFromZeroPerCentral) {
  const Central first = make_central("loja");
  const Central second = make_central("outra");
  for (std::uint64_t expected : {0u, 1u, 2u}) {
    auto ticket = store_->next_rotation_ticket(first.id);
    ASSERT_TRUE(ticket) << why(ticket);
    ASSERT_TRUE(ticket->has_value());
    EXPECT_EQ(**ticket, expected);
  }
  auto other = store_->next_rotation_ticket(second.id);
  ASSERT_TRUE(other && other->has_value()) << why(other);
  EXPECT_EQ(**other, 0u);

  // The sequence lives and dies with its central.
  ASSERT_TRUE(store_->delete_central(first.id));
  auto gone = store_->next_rotation_ticket(first.id);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(
      admin_sql("SELECT to_regclass('central_ticket_" + std::to_string(first.id) + "') IS NULL"),
      "t");
  auto unknown = store_->next_rotation_ticket(9999);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
}

// Two "nodes" (stores with their own pools), two threads each: every ticket
// is handed out exactly once.
TEST_F(PgStoreTest, TicketsAreUniqueAcrossThreadsAndNodes) {
  const Central central = make_central("loja");
  auto other_node = open();
  ASSERT_NE(other_node, nullptr);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 150;
  std::vector<std::vector<std::uint64_t>> drawn(kThreads);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    Store* node = t % 2 == 0 ? store_.get() : other_node.get();
    threads.emplace_back([&, node, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto ticket = node->next_rotation_ticket(central.id);
        if (!ticket || !ticket->has_value()) {
          ++failures;
          continue;
        }
        drawn[static_cast<std::size_t>(t)].push_back(**ticket);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  std::vector<std::uint64_t> all;
  for (const auto& some : drawn) {
    EXPECT_TRUE(std::ranges::is_sorted(some));  // each caller sees them increase
    all.insert(all.end(), some.begin(), some.end());
  }
  std::ranges::sort(all);
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerThread));
  for (std::size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i], i);
}

// ---- claim races ----

TEST_F(PgStoreTest, RacingClaimsAgreeOnOneWinner) {
  const Central central = make_central("loja");
  auto other_node = open();
  ASSERT_NE(other_node, nullptr);
  constexpr int kVisitors = 40;
  std::barrier sync(2);
  std::vector<Assignment> got_a(kVisitors);
  std::vector<Assignment> got_b(kVisitors);
  std::atomic<int> failures{0};
  auto racer = [&](Store* node, LinkId link_id, std::vector<Assignment>& got) {
    for (int v = 0; v < kVisitors; ++v) {
      const Assignment claim{.central_id = central.id,
                             .visitor = {.hi = 7, .lo = static_cast<std::uint64_t>(v)},
                             .link_id = link_id,
                             .last_seen = Timestamp{1000s}};
      sync.arrive_and_wait();
      auto won = node->claim_assignment(claim);
      if (!won) {
        ++failures;
        continue;
      }
      got[static_cast<std::size_t>(v)] = *won;
    }
  };
  std::thread a(racer, store_.get(), central.members[0].link_id, std::ref(got_a));
  std::thread b(racer, other_node.get(), central.members[1].link_id, std::ref(got_b));
  a.join();
  b.join();
  ASSERT_EQ(failures.load(), 0);
  for (int v = 0; v < kVisitors; ++v) {
    const auto i = static_cast<std::size_t>(v);
    EXPECT_EQ(got_a[i].link_id, got_b[i].link_id) << "visitor " << v;
    auto stored = store_->find_assignment(central.id, {.hi = 7, .lo = i});
    ASSERT_TRUE(stored && stored->has_value()) << why(stored);
    EXPECT_EQ((*stored)->link_id, got_a[i].link_id);
  }
}

// ---- the redirect path's batch (answer_routing: one pipeline) ----

// New visitors of a fixed central take tickets and are stored by them in one
// statement: visitor i gets ticket t_i and the member of slot t_i mod n.
TEST_F(PgStoreTest, ClaimedTicketsStoreTheMemberEachTicketServes) {
  const Central central = make_central("loja");
  const LinkId a = central.members[0].link_id;
  const LinkId b = central.members[1].link_id;
  RoutingQueries queries;
  queries.tickets.push_back({central.id, 2});
  RoutingQueries::ClaimedTickets group{central.id, {a, b, b}, {}, Timestamp{2000s}};
  for (std::uint64_t v = 0; v < 7; ++v) group.visitors.push_back({.hi = 3, .lo = v});
  queries.claimed_tickets.push_back(group);
  // A second group whose central is gone: its tickets fail, nothing stored.
  queries.claimed_tickets.push_back({central.id + 1000, {a}, {{.hi = 4, .lo = 1}}, Timestamp{}});
  queries.finds.push_back({central.id, {.hi = 3, .lo = 0}});

  const RoutingAnswers answers = store_->routing_answers(queries, 2s);
  ASSERT_EQ(answers.tickets.size(), 1u);
  ASSERT_TRUE(answers.tickets[0]) << why(answers.tickets[0]);
  ASSERT_EQ(answers.claimed_tickets.size(), 2u);
  ASSERT_TRUE(answers.claimed_tickets[0]) << why(answers.claimed_tickets[0]);
  EXPECT_FALSE(answers.claimed_tickets[1]);
  const auto& tickets = *answers.claimed_tickets[0];
  ASSERT_EQ(tickets.size(), 7u);
  // Every ticket of the batch is distinct and consecutive with the plain ones.
  std::vector<std::uint64_t> all(tickets.begin(), tickets.end());
  all.insert(all.end(), answers.tickets[0]->begin(), answers.tickets[0]->end());
  std::ranges::sort(all);
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], i);
  for (std::uint64_t v = 0; v < 7; ++v) {
    auto stored = store_->find_assignment(central.id, {.hi = 3, .lo = v});
    ASSERT_TRUE(stored && stored->has_value()) << why(stored);
    EXPECT_EQ((*stored)->link_id, group.slots[tickets[v] % 3]) << "visitor " << v;
    EXPECT_EQ((*stored)->last_seen, Timestamp{2000s});
  }
  // The find in the same pipeline ran before or after the insert; either
  // way it answered.
  ASSERT_EQ(answers.finds.size(), 1u);
  EXPECT_TRUE(answers.finds[0]) << why(answers.finds[0]);
  // A visitor stored already (ids are minted fresh, so only a test gets
  // here): the ticket is still taken, and the group's rows are reported
  // unstored, for the caller to write behind; the stored row is untouched.
  RoutingQueries again;
  again.claimed_tickets.push_back(
      {central.id, {a}, {{.hi = 3, .lo = 1}, {.hi = 3, .lo = 100}}, Timestamp{3000s}});
  std::optional<std::uint64_t> ticket;
  const auto stored = store_->answer_routing(again, 2s, [&](RoutingAnswers& second) {
    ASSERT_TRUE(second.claimed_tickets[0]) << why(second.claimed_tickets[0]);
    ticket = second.claimed_tickets[0]->front();
  });
  EXPECT_EQ(ticket, 9u);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_FALSE(stored[0]) << "a row stored over an existing one";
  auto kept = store_->find_assignment(central.id, {.hi = 3, .lo = 1});
  ASSERT_TRUE(kept && kept->has_value());
  EXPECT_EQ((*kept)->link_id, group.slots[tickets[1] % 3]);
  EXPECT_EQ((*kept)->last_seen, Timestamp{2000s});
}

// The tickets are handed to `answered` before the rows are written (the
// rows follow in the same round trip); a group whose tickets failed stores
// nothing, even though an earlier batch left its tickets on the same
// connection (the nonce).
TEST_F(PgStoreTest, ClaimedTicketsAreAnsweredFirstAndNeverStoredWithAnotherBatchsTickets) {
  const Central central = make_central("loja");
  const LinkId a = central.members[0].link_id;
  RoutingQueries first;
  first.claimed_tickets.push_back({central.id, {a}, {{.hi = 5, .lo = 1}}, Timestamp{2000s}});
  int told = 0;
  const auto stored = store_->answer_routing(first, 2s, [&](RoutingAnswers& answers) {
    ++told;
    ASSERT_EQ(answers.claimed_tickets.size(), 1u);
    EXPECT_TRUE(answers.claimed_tickets[0]) << why(answers.claimed_tickets[0]);
  });
  EXPECT_EQ(told, 1);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_TRUE(stored[0]) << why(stored[0]);
  auto kept = store_->find_assignment(central.id, {.hi = 5, .lo = 1});
  ASSERT_TRUE(kept && kept->has_value()) << why(kept);

  // The central's ticket sequence goes away: the next batch's tickets fail
  // on the same connection, and its rows must not take the first batch's.
  admin_sql("DROP SEQUENCE central_ticket_" + std::to_string(central.id));
  RoutingQueries second;
  second.claimed_tickets.push_back({central.id, {a}, {{.hi = 5, .lo = 2}}, Timestamp{3000s}});
  const RoutingAnswers answers = store_->routing_answers(second, 2s);
  ASSERT_EQ(answers.claimed_tickets.size(), 1u);
  EXPECT_FALSE(answers.claimed_tickets[0]);
  auto orphan = store_->find_assignment(central.id, {.hi = 5, .lo = 2});
  ASSERT_TRUE(orphan) << why(orphan);
  EXPECT_FALSE(orphan->has_value()) << "stored with another batch's ticket";
}

// A batch whose tickets went out before its rows were written holds their
// buckets until the rows are in; a find waits for them, then reads the row.
// (Here a plain connection plays that batch: it holds every bucket.)
TEST_F(PgStoreTest, AFindWaitsForRowsWhoseTicketsWentOut) {
  const Central central = make_central("loja");
  const LinkId a = central.members[0].link_id;
  auto writer = db_->admin();
  ASSERT_TRUE(writer) << why(writer);
  ASSERT_TRUE(writer->exec(
      "SELECT count(pg_advisory_lock_shared(21329, b)) FROM generate_series(0, 15) AS b"));
  std::atomic<bool> answered{false};
  RoutingAnswers answers;
  std::thread finder([&] {
    RoutingQueries queries;
    queries.finds.push_back({central.id, {.hi = 6, .lo = 1}});
    answers = store_->routing_answers(queries, 5s);
    answered = true;
  });
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(answered) << "the find did not wait for the pending row";
  ASSERT_TRUE(
      writer->exec("INSERT INTO assignments (central_id, visitor_hi, visitor_lo, link_id,"
                   " last_seen) VALUES (" +
                   std::to_string(central.id) + ", 6, 1, " + std::to_string(a) + ", 0)"));
  ASSERT_TRUE(writer->exec("SELECT pg_advisory_unlock_all()"));
  finder.join();
  ASSERT_EQ(answers.finds.size(), 1u);
  ASSERT_TRUE(answers.finds[0]) << why(answers.finds[0]);
  ASSERT_TRUE(answers.finds[0]->has_value()) << "the find read before the row was in";
  EXPECT_EQ((*answers.finds[0])->link_id, a);
}

// The routing statements are prepared on a connection's first use of them,
// in the batch's own round trip. One that cannot be prepared fails alone,
// and is prepared again on its next use (not taken as prepared).
TEST_F(PgStoreTest, ARoutingStatementThatCannotBePreparedFailsAloneAndIsPreparedAgain) {
  const Central central = make_central("loja");
  admin_sql("ALTER TABLE assignments RENAME TO assignments_away");
  RoutingQueries queries;
  queries.tickets.push_back({central.id, 2});
  queries.finds.push_back({central.id, {.hi = 7, .lo = 1}});
  const RoutingAnswers broken = store_->routing_answers(queries, 2s);
  ASSERT_EQ(broken.tickets.size(), 1u);
  EXPECT_TRUE(broken.tickets[0]) << why(broken.tickets[0]);
  ASSERT_EQ(broken.finds.size(), 1u);
  EXPECT_FALSE(broken.finds[0]) << "a find without its table answered";

  admin_sql("ALTER TABLE assignments_away RENAME TO assignments");
  const RoutingAnswers again = store_->routing_answers(queries, 2s);
  ASSERT_EQ(again.tickets.size(), 1u);
  ASSERT_TRUE(again.tickets[0]) << why(again.tickets[0]);
  EXPECT_EQ(again.tickets[0]->front(), 2u);
  ASSERT_EQ(again.finds.size(), 1u);
  ASSERT_TRUE(again.finds[0]) << why(again.finds[0]);
  EXPECT_FALSE(again.finds[0]->has_value());
}

// ---- change feed ----

// Collects payloads until every one of `wanted` arrived or 3 s passed.
std::set<std::string> hear(ChangeListener& listener, const std::set<std::string>& wanted) {
  std::set<std::string> heard;
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  while (!std::ranges::includes(heard, wanted) && std::chrono::steady_clock::now() < deadline) {
    auto got = listener.wait(200ms);
    EXPECT_TRUE(got) << why(got);
    if (!got) break;
    heard.insert(got->begin(), got->end());
  }
  return heard;
}

// Schema version 8 finds a deleted link's assignments through its
// memberships, in a trigger that runs before the delete: a delete the
// database then refuses (the link anchors a central) keeps them.
TEST_F(PgStoreTest, ARefusedLinkDeleteKeepsItsAssignments) {
  const Central central = make_central("loja");
  const LinkId member = central.members[0].link_id;
  Central other;
  other.anchor_id = member;  // the member also anchors a central
  Member served;
  served.link_id = central.members[1].link_id;
  other.members.push_back(served);
  ASSERT_TRUE(store_->insert_central(other));
  const Assignment kept{
      .central_id = central.id, .visitor = {7, 7}, .link_id = member, .last_seen = Timestamp{5s}};
  ASSERT_TRUE(store_->save_assignments(std::span(&kept, 1)));

  auto admin = db_->admin();
  ASSERT_TRUE(admin) << why(admin);
  EXPECT_FALSE(admin->exec("DELETE FROM links WHERE id = " + std::to_string(member)));
  auto found = store_->find_assignment(central.id, kept.visitor);
  ASSERT_TRUE(found && found->has_value()) << why(found);
  EXPECT_EQ((*found)->link_id, member);
}

TEST_F(PgStoreTest, WritesNotifyListeners) {
  auto opened = store_->open_change_listener();
  ASSERT_TRUE(opened) << why(opened);
  ASSERT_NE(*opened, nullptr);
  ChangeListener& listener = **opened;
  auto quiet = listener.wait(50ms);
  ASSERT_TRUE(quiet) << why(quiet);
  EXPECT_TRUE(quiet->empty());

  const Link joao = link("joao");
  EXPECT_EQ(hear(listener, {"links"}), std::set<std::string>{"links"});
  const Central central = make_central("loja");
  EXPECT_TRUE(hear(listener, {"links", "centrals"}).contains("centrals"));
  ASSERT_TRUE(store_->insert_token("ci", "hash"));
  EXPECT_EQ(hear(listener, {"tokens"}), std::set<std::string>{"tokens"});

  // Cursor saves and click writes are node-local churn: nobody is told.
  const std::vector<CursorUpdate> cursors = {{.central_id = central.id, .cursor = 9}};
  ASSERT_TRUE(store_->save_cursors(cursors));
  const Assignment claim{.central_id = central.id,
                         .visitor = {1, 1},
                         .link_id = central.members[0].link_id,
                         .last_seen = Timestamp{5s}};
  ASSERT_TRUE(store_->claim_assignment(claim));
  // A failed write (slug taken) is rolled back: nothing to hear either.
  ASSERT_FALSE(store_->insert_link(make_link("JOAO")));
  auto none = listener.wait(300ms);
  ASSERT_TRUE(none) << why(none);
  EXPECT_TRUE(none->empty()) << none->front();

  // Deleting a member link changes the link list and a central.
  ASSERT_TRUE(store_->delete_link(central.members[1].link_id));
  EXPECT_EQ(hear(listener, {"links", "centrals"}), (std::set<std::string>{"links", "centrals"}));
  (void)joao;
}

TEST_F(PgStoreTest, ListenerFailsWhenItsConnectionIsKilled) {
  auto opened = store_->open_change_listener();
  ASSERT_TRUE(opened) << why(opened);
  ASSERT_EQ(terminate("LISTEN"), 1);
  const auto start = std::chrono::steady_clock::now();
  auto got = (*opened)->wait(5s);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  // A new listener works again.
  auto again = store_->open_change_listener();
  ASSERT_TRUE(again) << why(again);
  link("joao");
  EXPECT_TRUE(hear(**again, {"links"}).contains("links"));
}

// ---- pool ----

TEST_F(PgStoreTest, PoolReplacesKilledConnections) {
  link("joao");
  ASSERT_TRUE(store_->load_links());
  ASSERT_GE(terminate(""), 1);
  auto links = store_->load_links();
  ASSERT_TRUE(links) << why(links);
  EXPECT_EQ(links->size(), 1u);
}

TEST_F(PgStoreTest, PoolSizeComesFromTheUrl) {
  auto small = open("&pool=2");
  ASSERT_NE(small, nullptr);
  std::vector<std::thread> threads;
  threads.reserve(4);
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        if (!small->load_links()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  // store_ (1 connection used so far), small (at most 2), and this admin query.
  EXPECT_LE(std::stoi(admin_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")),
            4);
  for (const char* bad : {"&pool=0", "&pool=x", "&pool=65"}) {
    auto store = open_store(db_->url() + bad);
    ASSERT_FALSE(store) << bad;
    EXPECT_EQ(store.error().code, ErrorCode::kInvalid) << bad;
    EXPECT_EQ(store.error().field, "db") << bad;
  }
}

// ---- migrations and outages ----

// The database refuses new connections and the store's are killed: every
// call is kUnavailable (never a hang, never kInternal) until it is back.
TEST_F(PgStoreTest, OutageIsUnavailableUntilTheDatabaseReturns) {
  link("joao");
  const std::string db = db_->name();
  auto server = postgres::Connection::open(*test_support::pg_server_url());
  ASSERT_TRUE(server) << why(server);
  ASSERT_TRUE(server->exec("ALTER DATABASE " + db + " ALLOW_CONNECTIONS false"));
  auto killed = server->exec(
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '" + db + "'");
  ASSERT_TRUE(killed) << why(killed);
  for (int i = 0; i < 100; ++i) {
    auto left = server->exec("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db + "'");
    if (left && left->text_at(0, 0) == "0") break;
    std::this_thread::sleep_for(20ms);
  }

  auto links = store_->load_links();
  ASSERT_FALSE(links);
  EXPECT_EQ(links.error().code, ErrorCode::kUnavailable) << links.error().message;
  const ClickRecord click{};
  auto clicks = store_->insert_clicks(std::span(&click, 1), {});
  ASSERT_FALSE(clicks);
  EXPECT_EQ(clicks.error().code, ErrorCode::kUnavailable);
  auto marked = store_->clicks_marked(1);
  ASSERT_FALSE(marked);
  EXPECT_EQ(marked.error().code, ErrorCode::kUnavailable) << marked.error().message;
  auto ticket = store_->next_rotation_ticket(1);
  ASSERT_FALSE(ticket);
  EXPECT_EQ(ticket.error().code, ErrorCode::kUnavailable);
  auto listener = store_->open_change_listener();
  ASSERT_FALSE(listener);
  EXPECT_EQ(listener.error().code, ErrorCode::kUnavailable);

  ASSERT_TRUE(server->exec("ALTER DATABASE " + db + " ALLOW_CONNECTIONS true"));
  links = store_->load_links();
  ASSERT_TRUE(links) << why(links);
  EXPECT_EQ(links->size(), 1u);
  EXPECT_TRUE(store_->insert_clicks(std::span(&click, 1), {}));
}

ClickRecord click_at(std::int64_t at, LinkId link) {
  ClickRecord c;
  c.at = Timestamp{std::chrono::seconds{at}};
  c.entry_link_id = link;
  c.link_id = link;
  c.outcome = "link";
  return c;
}

// The marker a batch leaves in its transaction is what the click writer
// asks about after a lost acknowledgement (storage/click_store.h).
TEST_F(PgStoreTest, AMarkedBatchLeavesItsMarkerAndARefusedOneDoesNot) {
  const std::vector<ClickRecord> batch = {click_at(7200, 5), click_at(7201, 5)};
  const std::uint64_t marker = 0xF00D'0000'0000'0001ull;  // above INT64_MAX: bit-cast
  ASSERT_TRUE(store_->insert_marked_clicks(batch, rollups_of(batch), marker));
  auto found = store_->clicks_marked(marker);
  ASSERT_TRUE(found) << why(found);
  EXPECT_TRUE(*found);
  auto unknown = store_->clicks_marked(42);
  ASSERT_TRUE(unknown) << why(unknown);
  EXPECT_FALSE(*unknown);

  ClickRecord bad = click_at(7200, 6);
  bad.kind = static_cast<ClickKind>(7);  // CHECK (kind IN (0, 1))
  const std::vector<ClickRecord> refused_batch = {click_at(7200, 6), bad};
  const auto refused = store_->insert_marked_clicks(refused_batch, rollups_of(refused_batch), 43);
  ASSERT_FALSE(refused);
  auto left = store_->clicks_marked(43);
  ASSERT_TRUE(left) << why(left);
  EXPECT_FALSE(*left) << "rolled back with its batch";

  // The same marker twice: refused like a bad row, not as an outage (the
  // writer splits and draws new markers).
  const auto again = store_->insert_marked_clicks(batch, rollups_of(batch), marker);
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().code, ErrorCode::kUnavailable) << again.error().message;
  auto loaded = store_->load_clicks(5, Timestamp{0s}, Timestamp{100000s}, 100);
  ASSERT_TRUE(loaded) << why(loaded);
  EXPECT_EQ(loaded->size(), 2u);
}

TEST_F(PgStoreTest, PurgeClicksForgetsTheMarkersWrittenBeforeIt) {
  const Timestamp now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const std::vector<ClickRecord> batch = {click_at(now.time_since_epoch().count(), 5)};
  ASSERT_TRUE(store_->insert_marked_clicks(batch, rollups_of(batch), 1));
  ASSERT_TRUE(store_->purge_clicks(now - 1h));
  auto kept = store_->clicks_marked(1);
  ASSERT_TRUE(kept) << why(kept);
  EXPECT_TRUE(*kept) << "written after the purge's bound";
  auto purged = store_->purge_clicks(now + 1h);
  ASSERT_TRUE(purged) << why(purged);
  EXPECT_EQ(*purged, 1) << "the count is of clicks";
  auto gone = store_->clicks_marked(1);
  ASSERT_TRUE(gone) << why(gone);
  EXPECT_FALSE(*gone);
}

TEST_F(PgStoreTest, PurgeClicksForgetsMarkersAWeekOldWhateverTheRetention) {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const auto unix_seconds = [](auto t) { return std::to_string(t.time_since_epoch().count()); };
  admin_sql("INSERT INTO click_batches (marker, written_at) VALUES (1, " +
            unix_seconds(now - std::chrono::days(8)) + "), (2, " +
            unix_seconds(now - std::chrono::days(6)) + ")");
  ASSERT_TRUE(store_->purge_clicks(now - std::chrono::days(180)));
  auto old = store_->clicks_marked(1);
  ASSERT_TRUE(old) << why(old);
  EXPECT_FALSE(*old) << "older than a week";
  auto recent = store_->clicks_marked(2);
  ASSERT_TRUE(recent) << why(recent);
  EXPECT_TRUE(*recent) << "younger than a week";
}

TEST_F(PgStoreTest, MigrationsRunOnceEvenWhenNodesStartTogether) {
  PgTestDatabase fresh(*test_support::pg_server_url());
  ASSERT_TRUE(fresh.error().empty()) << fresh.error();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      auto store = open_store(fresh.url());
      if (!store) {
        ADD_FAILURE() << why(store);
        ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto reopened = open_store(fresh.url());
  ASSERT_TRUE(reopened) << why(reopened);
  auto admin = fresh.admin();
  ASSERT_TRUE(admin) << why(admin);
  auto versions = admin->exec(
      "SELECT string_agg(version::text, ',' ORDER BY version)"
      " FROM schema_version");
  ASSERT_TRUE(versions) << why(versions);
  std::string every_version;
  for (const auto& migration : postgres::migrations()) {
    every_version += (every_version.empty() ? "" : ",") + std::to_string(migration.version);
  }
  EXPECT_EQ(versions->text_at(0, 0), every_version);
}

// A frozen server (its backend stopped: the socket stays open, nothing is
// read) cannot hold a thread past the statement's timeout, however much the
// statement has to send: the connection never blocks on a full socket.
TEST_F(PgStoreTest, AFrozenServerCannotHoldALargeSendPastTheTimeout) {
  auto conn = db_->admin();
  ASSERT_TRUE(conn) << why(conn);
  auto pid = conn->exec("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid) << why(pid);
  const auto backend = static_cast<pid_t>(pid->int_at(0, 0));
  if (kill(backend, SIGSTOP) != 0) {
    const std::string reason = std::string("cannot stop the backend: ") + std::strerror(errno);
    if (test_support::running_in_ci()) FAIL() << reason;
    GTEST_SKIP() << reason;
  }
  conn->set_timeout(1s);
  const std::string big(32 << 20, 'x');  // far more than a socket buffers
  auto sent = std::async(std::launch::async, [&] {
    const auto started = std::chrono::steady_clock::now();
    auto r = conn->exec("SELECT length($1)", postgres::Params().add(big));
    return std::pair(std::move(r), std::chrono::steady_clock::now() - started);
  });
  const bool returned = sent.wait_for(10s) == std::future_status::ready;
  kill(backend, SIGCONT);  // before any assertion: a failure must not leave it stopped
  ASSERT_TRUE(returned) << "the send blocked on the frozen server";
  auto [result, took] = sent.get();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable) << why(result);
  EXPECT_LT(took, 3s);
  EXPECT_FALSE(conn->healthy());
}

TEST_F(PgStoreTest, NewerSchemaIsRefused) {
  admin_sql("INSERT INTO schema_version (version, applied_at) VALUES (99, 0)");
  auto store = open_store(db_->url());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(store.error().field, "db");
  EXPECT_NE(store.error().message.find("99"), std::string::npos) << store.error().message;
}

TEST_F(PgStoreTest, MissingServerIsUnavailableQuickly) {
  const auto start = std::chrono::steady_clock::now();
  auto store = open_store("postgres://postgres@/x?host=/nonexistent-sequencial-dir&port=5432");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(store.error().field, "db");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

// ---- the URL (no server needed) ----

TEST(PgPoolUrlTest, PoolIsOursAndTheRestGoesToLibpq) {
  ::unsetenv("PGCONNECT_TIMEOUT");  // it would replace the default timeout
  auto plain = postgres::parse_pool_url("postgres://u:p%40ss@db.example:6432/shop");
  ASSERT_TRUE(plain) << why(plain);
  EXPECT_EQ(plain->size, 4u);
  EXPECT_EQ(plain->conninfo,
            "postgres://u:p%40ss@db.example:6432/shop?connect_timeout=5&keepalives_idle=10"
            "&keepalives_interval=5&keepalives_count=3");

  auto tuned = postgres::parse_pool_url(
      "postgresql://db/shop?sslmode=verify-full&pool=8&connect_timeout=1&keepalives=0");
  ASSERT_TRUE(tuned) << why(tuned);
  EXPECT_EQ(tuned->size, 8u);
  EXPECT_EQ(tuned->conninfo,
            "postgresql://db/shop?sslmode=verify-full&connect_timeout=1&keepalives=0");
}

}  // namespace
}  // namespace sequencial
