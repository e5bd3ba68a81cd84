// Several nodes on one PostgreSQL database (issue 8): two real `serve`
// processes share a fresh database; clicks spread over both keep the
// rotation exact, a kept visitor keeps the attendant whichever node answers,
// a change made on one node is live on the other within a second, and
// stopping PostgreSQL mid-load fails no redirect and loses no click. Tests
// wait for what the nodes report (clicks answered, /metrics, /readyz), with
// bounded polls, rather than for fixed sleeps; load threads are joined
// whatever assertion fails (ClientThreads), so the node logs are printed. The
// redirect never waits for the database (issue 12): the same exactness
// holds with the database a network hop away (a delay proxy adding 1 ms
// each way), and a frozen database (SIGSTOP) costs each redirect at most
// the deadline.
//
// The server comes from SEQUENCIAL_TEST_PG_URL (scripts/test.sh starts a
// private one); the outage test starts its own with scripts/pg-test-server.sh
// so that stopping it cannot disturb tests running in parallel. Without the
// variable these tests skip locally and fail under CI=true.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "../storage/pg_test_database.h"
#include "support/fixtures.h"
#include "support/private_pg_server.h"

namespace sequencial::itest {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;
using test_support::PgTestDatabase;

// Two (or more) nodes on one database, with one admin token.
class MultiNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto url = test_support::pg_server_url();
    if (!url) {
      if (test_support::running_in_ci()) FAIL() << test_support::kNoPgServer;
      GTEST_SKIP() << test_support::kNoPgServer;
    }
    server_url_ = *url;
  }
  void TearDown() override {
    if (HasFailure()) {
      for (std::size_t i = 0; i < nodes_.size(); ++i) {
        if (nodes_[i]) std::cerr << "---- node " << i << " log ----\n" << nodes_[i]->log();
      }
    }
    api_.clear();
    nodes_.clear();
  }

  // Creates the database (on `server_url`, default: the shared test server)
  // and the token, and starts `count` nodes on it.
  void boot(int count, const std::string& server_url = {}) {
    db_ = std::make_unique<PgTestDatabase>(server_url.empty() ? server_url_ : server_url);
    ASSERT_TRUE(db_->error().empty()) << db_->error();
    const CommandResult r =
        run_command({sequencial_binary(), "token", "create", "--db", db_->url(), "--name", "itest"},
                    dir_.path());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    token_ = r.out.substr(0, r.out.find('\n'));
    for (int i = 0; i < count; ++i) start_node();
  }
  void start_node() {
    std::string error;
    const std::string name = "node-" + std::to_string(nodes_.size());
    // Each node's spool in this test's directory: the default, in the
    // working directory, would hand what one test left (a node stopped
    // after its database proxy) to the next test's node, into another
    // database.
    const std::string spool = dir_.file(name + ".spool");
    std::vector<std::string> args = {"--db", db_->url(), "--threads", "2", "--click-spool", spool};
    args.insert(args.end(), node_args_.begin(), node_args_.end());
    auto node = ServerProcess::start(sequencial_binary(), args, dir_.file(name + ".log"), error);
    ASSERT_TRUE(node) << error;
    api_.push_back(std::make_unique<AdminClient>(node->port(), token_));
    nodes_.push_back(std::move(node));
  }
  std::uint16_t port(std::size_t node) const { return nodes_[node]->port(); }
  AdminClient& api(std::size_t node) { return *api_[node]; }

  // Three attendants a1..a3 and the central "central" over them, made on node 0.
  void make_central(bool fixed) {
    for (int i = 1; i <= 3; ++i) {
      api(0).create_link("a" + std::to_string(i), "551199990000" + std::to_string(i));
    }
    api(0).create_link("central", "5511999900000");
    api(0).create_central(
        {{"anchor", "central"}, {"members", {"a1", "a2", "a3"}}, {"fixed", fixed}});
  }
  // Waits until node `node` routes /central through the central (not to the
  // anchor's own number, as the plain link does before the central is seen).
  void wait_for_central(std::size_t node) {
    HttpClient http(port(node));
    const auto started = steady_clock::now();
    while (steady_clock::now() - started < milliseconds(5000)) {
      const std::string number = wa_number(http.get("/central").header_or_empty("Location"));
      if (number.starts_with("551199990000") && number != "5511999900000") return;
      std::this_thread::sleep_for(milliseconds(10));
    }
    FAIL() << "node " << node << " does not route through the central";
  }
  // A series summed over every node.
  double metric_sum(std::string_view series) {
    double sum = 0;
    for (const auto& node : nodes_) sum += metric(node->port(), series);
    return sum;
  }
  // Waits until GET /<slug> on `node` answers `status`; the time it took.
  milliseconds wait_for_status(std::size_t node, const std::string& slug, int status,
                               milliseconds limit = milliseconds(5000)) {
    HttpClient http(port(node));
    const auto started = steady_clock::now();
    while (steady_clock::now() - started < limit) {
      if (http.get("/" + slug).status == status) break;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return std::chrono::duration_cast<milliseconds>(steady_clock::now() - started);
  }

  TempDir dir_;
  std::string server_url_;
  std::vector<std::string> node_args_;  // extra serve flags for every node
  std::unique_ptr<PgTestDatabase> db_;
  std::string token_;
  std::vector<std::unique_ptr<ServerProcess>> nodes_;
  std::vector<std::unique_ptr<AdminClient>> api_;
};

// Clicks from `threads` connections per node (each thread sends
// `per_thread` cookie-less clicks), over every port given, at the same time.
std::vector<std::string> clicks_on(const std::vector<std::uint16_t>& ports, const std::string& slug,
                                   int threads, int per_thread) {
  std::vector<std::vector<std::string>> got(ports.size());
  std::vector<std::thread> runners;
  for (std::size_t n = 0; n < ports.size(); ++n) {
    runners.emplace_back(
        [&, n] { got[n] = concurrent_clicks(ports[n], slug, threads, per_thread); });
  }
  for (auto& t : runners) t.join();
  std::vector<std::string> all;
  for (auto& g : got) all.insert(all.end(), g.begin(), g.end());
  return all;
}

TEST_F(MultiNodeTest, RotationStaysExactAcrossTwoNodes) {
  // A generous deadline, as in the one-hop test below: this test is about
  // exactness (a loaded test machine must not turn tickets into fallbacks),
  // the frozen-database test about the deadline.
  node_args_ = {"--db-deadline-ms", "2000"};
  boot(2);
  make_central(false);
  wait_for_central(1);
  // 3,000 clicks: 2 nodes x 3 connections x 500.
  // Clicks alternating between the nodes walk one cycle: the i-th after the
  // probes takes ticket probes + i (two node-local cursors would serve
  // a1 a1 a2 a2 ...).
  const auto probes =
      static_cast<int>(metric_sum("sequencial_redirects_total{outcome=\"rotation\"}"));
  {
    HttpClient on_node[2] = {HttpClient(port(0)), HttpClient(port(1))};
    for (int i = 0; i < 12; ++i) {
      const Response r = on_node[i % 2].get("/central");
      EXPECT_EQ(wa_number(r.header_or_empty("Location")),
                "551199990000" + std::to_string((probes + i) % 3 + 1))
          << "click " << i << " (node " << i % 2 << ") after " << probes << " probes";
    }
  }
  const double before = metric_sum("sequencial_redirects_total{outcome=\"rotation\"}");
  EXPECT_EQ(before, probes + 12);
  const auto numbers = clicks_on({port(0), port(1)}, "central", 3, 500);
  ASSERT_EQ(numbers.size(), 3000u);
  auto counts = tally(numbers);
  for (const auto& [number, count] : counts) EXPECT_FALSE(number.starts_with("error")) << number;
  // The probe clicks above took the first tickets; the 3,000 take the next
  // 3,000 of the one shared counter, whatever node asks, so wherever the
  // cycle stood each attendant gets exactly 1,000 of them.
  EXPECT_EQ(counts.size(), 3u);
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(counts["551199990000" + std::to_string(i)], 1000) << "a" << i;
  }
  EXPECT_EQ(metric_sum("sequencial_redirects_total{outcome=\"rotation\"}"), before + 3000);
  EXPECT_EQ(metric(port(0), "sequencial_rotation_fallback_total"), 0.0);
  EXPECT_EQ(metric(port(1), "sequencial_rotation_fallback_total"), 0.0);
  EXPECT_EQ(metric(port(0), "sequencial_database_up"), 1.0);
}

TEST_F(MultiNodeTest, KeptVisitorKeepsTheAttendantOnEveryNode) {
  boot(2);
  make_central(true);
  wait_for_central(1);
  // Several visitors, each first seen by one node and then alternating.
  const auto probes =
      static_cast<int>(metric_sum("sequencial_redirects_total{outcome=\"rotation\"}"));
  std::vector<std::string> attendants;
  for (int v = 0; v < 6; ++v) {
    HttpClient first(port(static_cast<std::size_t>(v % 2)));
    const Response r = first.get("/central");
    ASSERT_EQ(r.status, 302);
    const std::string cookie = visitor_cookie(r);
    ASSERT_FALSE(cookie.empty());
    const std::string number = wa_number(r.header_or_empty("Location"));
    attendants.push_back(number);
    HttpClient a(port(0)), b(port(1));
    for (int i = 0; i < 10; ++i) {
      const Response again = (i % 2 == 0 ? b : a).get("/central", {{"Cookie", "sqv=" + cookie}});
      ASSERT_EQ(again.status, 302);
      EXPECT_EQ(wa_number(again.header_or_empty("Location")), number) << "visitor " << v;
    }
  }
  // Six new visitors were rotated over three attendants by one shared
  // counter: visitor v took ticket probes + v, whichever node saw them
  // first, so two each.
  for (int v = 0; v < 6; ++v) {
    EXPECT_EQ(attendants[static_cast<std::size_t>(v)],
              "551199990000" + std::to_string((probes + v) % 3 + 1))
        << "visitor " << v << " after " << probes << " probes";
  }
  EXPECT_EQ(tally(attendants),
            (std::map<std::string, int>{
                {"5511999900001", 2}, {"5511999900002", 2}, {"5511999900003", 2}}));
  EXPECT_EQ(metric_sum("sequencial_redirects_total{outcome=\"fixed\"}"), 60.0);
}

TEST_F(MultiNodeTest, ChangeOnOneNodeIsLiveOnTheOtherWithinOneSecond) {
  boot(2);
  ASSERT_EQ(HttpClient(port(1)).get("/novo").status, 404);
  api(0).create_link("novo", "5511988887777");
  EXPECT_LT(wait_for_status(1, "novo", 302).count(), 1000);
  const ApiResponse paused = api(0).patch("/api/v1/links/novo", {{"active", false}});
  ASSERT_EQ(paused.status, 200) << paused.raw.body;
  EXPECT_LT(wait_for_status(1, "novo", 404).count(), 1000);
  // A central made on node 1 rotates on node 0.
  api(1).create_link("b1", "5511977776661");
  api(1).create_link("b2", "5511977776662");
  api(1).create_link("hub", "5511977776660");
  api(1).create_central({{"anchor", "hub"}, {"members", {"b1", "b2"}}});
  EXPECT_LT(wait_for_status(0, "hub", 302).count(), 1000);
  HttpClient http(port(0));
  EXPECT_EQ(wa_number(http.get("/hub").header_or_empty("Location")).substr(0, 12), "551197777666");
}

// The tests/tools/delay_proxy process in front of the test server's socket:
// every chunk crosses it 1 ms late in each direction.
class DelayProxy {
 public:
  // `server_url` is a pg-test-server URL: postgres://postgres@/postgres?host=DIR&port=N.
  explicit DelayProxy(const std::string& server_url, double delay_ms = 1.0) {
    const auto param = [&](const std::string& key) {
      const std::size_t at = server_url.find(key + "=");
      if (at == std::string::npos) return std::string();
      const std::size_t start = at + key.size() + 1;
      return server_url.substr(start, server_url.find('&', start) - start);
    };
    const std::string socket = "unix:" + param("host") + "/.s.PGSQL." + param("port");
    int out[2];
    if (pipe(out) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    const std::string delay = std::to_string(delay_ms);
    std::vector<std::string> args = {DELAY_PROXY_BIN, "--to", socket, "--delay-ms", delay};
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, DELAY_PROXY_BIN, &actions, nullptr, argv.data(), environ) != 0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    std::string line;
    char c = 0;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    close(out[0]);
    if (line.starts_with("port=")) port_ = line.substr(5);
  }
  ~DelayProxy() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  DelayProxy(const DelayProxy&) = delete;
  DelayProxy& operator=(const DelayProxy&) = delete;

  // The test server's URL through the proxy (TCP to 127.0.0.1).
  [[nodiscard]] std::string url() const {
    return "postgres://postgres@127.0.0.1:" + port_ + "/postgres";
  }
  [[nodiscard]] bool ok() const { return !port_.empty(); }

 private:
  pid_t pid_ = -1;
  std::string port_;
};

// Polls `done` every 10 ms for up to `limit`; the milliseconds it took, or
// -1 when it never held (tests assert >= 0 and read the reason).
template <typename F>
long wait_until(F done, milliseconds limit = milliseconds(15000)) {
  const auto started = steady_clock::now();
  while (!done()) {
    if (steady_clock::now() - started > limit) return -1;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return static_cast<long>(
      std::chrono::duration_cast<milliseconds>(steady_clock::now() - started).count());
}

// Sends SIGSTOP or SIGCONT to a pg-test-server's postmaster and every child
// of it: the sockets stay open and nothing answers, as when a database host
// hangs.
void signal_postgres(const std::string& pg_dir, int signal) {
  std::ifstream pid_file(pg_dir + "/data/postmaster.pid");
  pid_t postmaster = 0;
  pid_file >> postmaster;
  ASSERT_GT(postmaster, 0) << "no postmaster.pid under " << pg_dir;
  ::kill(postmaster, signal);
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream status(entry.path() / "status");
    std::string key;
    while (status >> key) {
      if (key == "PPid:") {
        pid_t parent = 0;
        status >> parent;
        if (parent == postmaster) ::kill(std::stoi(entry.path().filename().string()), signal);
        break;
      }
      status.ignore(1 << 12, '\n');
    }
  }
}

// SIGCONTs a frozen test server when a test returns early, so that neither
// the load threads nor stopping the server wait on it for ever.
class ThawOnExit {
 public:
  explicit ThawOnExit(std::string pg_dir) : pg_dir_(std::move(pg_dir)) {}
  ~ThawOnExit() {
    if (!pg_dir_.empty()) signal_postgres(pg_dir_, SIGCONT);
  }
  ThawOnExit(const ThawOnExit&) = delete;
  ThawOnExit& operator=(const ThawOnExit&) = delete;
  void release() { pg_dir_.clear(); }

 private:
  std::string pg_dir_;
};

TEST_F(MultiNodeTest, PostgresStoppedMidLoadFailsNoRedirectAndLosesNoClick) {
  PrivatePgServer pg(dir_);
  const CommandResult started = pg.run("start");
  ASSERT_EQ(started.exit_code, 0) << started.out << started.err;
  const std::string url = started.out.substr(0, started.out.find('\n'));
  boot(2, url);
  make_central(false);
  wait_for_central(1);
  const double before = metric(port(0), "sequencial_redirects_total{outcome=\"rotation\"}") +
                        metric(port(1), "sequencial_redirects_total{outcome=\"rotation\"}");

  std::atomic<long> sent{0};
  std::vector<std::string> failures;
  std::mutex failures_mutex;
  ClientThreads load;
  for (std::size_t n = 0; n < 2; ++n) {
    load.spawn([&, n] {
      HttpClient http(port(n));
      while (!load.stopping()) {
        const Response r = http.get("/central");
        if (r.status == 302 && !wa_number(r.header_or_empty("Location")).empty()) {
          sent.fetch_add(1);
        } else {
          std::lock_guard lock(failures_mutex);
          failures.push_back(std::to_string(r.status) + " " + r.error);
        }
        std::this_thread::sleep_for(milliseconds(2));
      }
    });
  }
  ASSERT_GE(wait_until([&] { return sent.load() >= 50; }), 0) << "the load never got going";
  const CommandResult stopped = pg.run("stop");
  ASSERT_EQ(stopped.exit_code, 0) << stopped.out << stopped.err;
  // Both nodes see the outage, and go on redirecting through it (the
  // node-local cursor) for 100 more clicks.
  EXPECT_GE(wait_until([&] {
              return metric(port(0), "sequencial_database_up") == 0.0 &&
                     metric(port(1), "sequencial_database_up") == 0.0;
            }),
            0)
      << "the nodes did not notice the database stopped";
  const long sent_at_outage = sent.load();
  EXPECT_GE(wait_until([&] { return sent.load() >= sent_at_outage + 100; }), 0)
      << "redirects stalled during the outage";

  // Degraded, not down: redirects go on, /readyz says why, writes say 503.
  for (std::size_t n = 0; n < 2; ++n) {
    const Response ready = HttpClient(port(n)).get("/readyz");
    EXPECT_EQ(ready.status, 200);
    EXPECT_EQ(ready.body, R"({"status":"degraded","database":"unreachable"})");
    EXPECT_EQ(metric(port(n), "sequencial_database_up"), 0.0);
  }
  EXPECT_GT(metric(port(0), "sequencial_rotation_fallback_total") +
                metric(port(1), "sequencial_rotation_fallback_total"),
            0.0);
  const ApiResponse write =
      api(0).post("/api/v1/links", {{"slug", "later"}, {"phone", "5511900001111"}});
  EXPECT_EQ(write.status, 503) << write.raw.body;
  EXPECT_EQ(write.body["error"]["code"], "unavailable") << write.raw.body;

  const CommandResult restarted = pg.run("start");
  ASSERT_EQ(restarted.exit_code, 0) << restarted.out << restarted.err;
  for (std::size_t n = 0; n < 2; ++n) {
    HttpClient http(port(n));
    const auto since = steady_clock::now();
    while (http.get("/readyz").body != "ready\n" &&
           steady_clock::now() - since < std::chrono::seconds(15)) {
      std::this_thread::sleep_for(milliseconds(50));
    }
    EXPECT_EQ(http.get("/readyz").body, "ready\n") << "node " << n;
  }
  const long sent_at_return = sent.load();
  EXPECT_GE(wait_until([&] { return sent.load() >= sent_at_return + 50; }), 0)
      << "redirects stalled after the database came back";
  load.join();
  EXPECT_TRUE(failures.empty()) << failures.size()
                                << " failed, first: " << (failures.empty() ? "" : failures.front());
  ASSERT_GT(sent.load(), 100);

  // Graceful stops write what is still queued; every click is in the database.
  for (auto& node : nodes_) EXPECT_EQ(node->stop(), 0);
  auto conn = db_->admin();
  ASSERT_TRUE(conn) << conn.error().message;
  auto count = conn->exec("SELECT count(*) FROM clicks WHERE kind = 0 AND outcome = 'rotation'");
  ASSERT_TRUE(count) << count.error().message;
  EXPECT_EQ(count->int_at(0, 0), static_cast<std::int64_t>(before) + sent.load());
}

TEST_F(MultiNodeTest, RotationStaysExactWithTheDatabaseOneHopAway) {
  DelayProxy proxy(server_url_);
  ASSERT_TRUE(proxy.ok());
  // A generous deadline: this test is about exactness through the hop (a
  // loaded test machine must not turn into fallbacks), the frozen test below
  // about the deadline.
  node_args_ = {"--db-deadline-ms", "2000"};
  boot(2, proxy.url());
  make_central(false);
  wait_for_central(1);
  const double before = metric(port(0), "sequencial_redirects_total{outcome=\"rotation\"}") +
                        metric(port(1), "sequencial_redirects_total{outcome=\"rotation\"}");
  const auto numbers = clicks_on({port(0), port(1)}, "central", 3, 500);
  ASSERT_EQ(numbers.size(), 3000u);
  const auto counts = tally(numbers);
  ASSERT_EQ(counts.size(), 3u);
  EXPECT_EQ(metric(port(0), "sequencial_rotation_fallback_total"), 0.0);
  EXPECT_EQ(metric(port(1), "sequencial_rotation_fallback_total"), 0.0);
  // Every click took the next shared ticket: 3,000 consecutive tickets
  // give each attendant exactly 1,000, wherever the probes left the cycle.
  for (const auto& [number, count] : counts) EXPECT_EQ(count, 1000) << number;
  EXPECT_EQ(metric_sum("sequencial_redirects_total{outcome=\"rotation\"}"), before + 3000);
  // Concurrent clicks shared round trips: far fewer batches than clicks.
  const double batches = metric(port(0), "sequencial_route_lookup_batches_total") +
                         metric(port(1), "sequencial_route_lookup_batches_total");
  EXPECT_GT(batches, 0.0);
  EXPECT_LT(batches, 3000.0);
}

TEST_F(MultiNodeTest, KeptVisitorKeepsTheAttendantWithTheDatabaseOneHopAway) {
  DelayProxy proxy(server_url_);
  ASSERT_TRUE(proxy.ok());
  node_args_ = {"--db-deadline-ms", "2000"};
  boot(2, proxy.url());
  make_central(true);
  wait_for_central(1);
  for (int v = 0; v < 4; ++v) {
    HttpClient first(port(static_cast<std::size_t>(v % 2)));
    const Response r = first.get("/central");
    ASSERT_EQ(r.status, 302);
    const std::string cookie = r.header_or_empty("Set-Cookie");
    const std::string visitor = cookie.substr(0, cookie.find(';'));
    const std::string attendant = wa_number(r.header_or_empty("Location"));
    // A fresh visitor's assignment is written behind (no claim: nobody else
    // can know a visitor id this node just minted); once it is stored, the
    // other node, which has never seen this visitor, asks and agrees.
    auto conn = db_->admin();
    ASSERT_TRUE(conn) << conn.error().message;
    const auto until = steady_clock::now() + std::chrono::seconds(5);
    while (steady_clock::now() < until) {
      auto stored = conn->exec("SELECT count(*) FROM assignments");
      if (stored && stored->int_at(0, 0) > v) break;
      std::this_thread::sleep_for(milliseconds(20));
    }
    HttpClient other_node(port(static_cast<std::size_t>((v + 1) % 2)));
    const std::string other = wa_number(
        other_node.request("GET", "/central", {{"Cookie", visitor}}).header_or_empty("Location"));
    EXPECT_EQ(other, attendant) << "visitor " << v;
  }
}

TEST_F(MultiNodeTest, AFrozenDatabaseCostsEachRedirectAtMostTheDeadline) {
  PrivatePgServer pg(dir_);
  const CommandResult started = pg.run("start");
  ASSERT_EQ(started.exit_code, 0) << started.out << started.err;
  const std::string url = started.out.substr(0, started.out.find('\n'));
  node_args_ = {"--db-deadline-ms", "50"};
  boot(1, url);
  make_central(false);
  wait_for_central(0);

  std::atomic<bool> frozen{false};
  std::atomic<long> answered{0};
  std::atomic<long> failed{0};
  std::mutex mutex;
  std::vector<double> frozen_ms;  // guarded by mutex
  const auto frozen_count = [&] {
    std::lock_guard lock(mutex);
    return frozen_ms.size();
  };
  // Whatever happens below, PostgreSQL is thawed before the load stops and
  // before the private server is stopped (declared after `pg`, so first).
  ThawOnExit thaw(dir_.file("pg"));
  ClientThreads load;
  for (int t = 0; t < 4; ++t) {
    load.spawn([&] {
      HttpClient http(port(0));
      while (!load.stopping()) {
        const auto sent_at = steady_clock::now();
        const bool during = frozen.load();
        const Response r = http.get("/central");
        const double ms =
            std::chrono::duration<double, std::milli>(steady_clock::now() - sent_at).count();
        if (r.status == 302) {
          answered.fetch_add(1);
        } else {
          failed.fetch_add(1);
        }
        if (during && frozen.load()) {
          std::lock_guard lock(mutex);
          frozen_ms.push_back(ms);
        }
        std::this_thread::sleep_for(milliseconds(5));
      }
    });
  }
  ASSERT_GE(wait_until([&] { return answered.load() >= 20; }), 0) << "the load never got going";
  signal_postgres(dir_.file("pg"), SIGSTOP);
  frozen.store(true);
  // An admin call that needs the database answers 503 within seconds.
  const auto admin_started = steady_clock::now();
  const ApiResponse write =
      api(0).post("/api/v1/links", {{"slug", "later"}, {"phone", "5511900001111"}});
  const auto admin_took = steady_clock::now() - admin_started;
  // Redirects go on while it is frozen (each within the deadline, below).
  EXPECT_GE(wait_until([&] { return frozen_count() >= 40; }), 0) << "redirects stalled";
  frozen.store(false);
  signal_postgres(dir_.file("pg"), SIGCONT);
  const long answered_at_thaw = answered.load();
  EXPECT_GE(wait_until([&] { return answered.load() >= answered_at_thaw + 20; }), 0)
      << "redirects stalled after the thaw";
  load.join();
  thaw.release();

  EXPECT_EQ(write.status, 503) << write.raw.body;
  EXPECT_LT(admin_took, std::chrono::seconds(8));
  EXPECT_EQ(failed.load(), 0);
  ASSERT_GT(frozen_ms.size(), 20u);
  std::sort(frozen_ms.begin(), frozen_ms.end());
  const double p99 = frozen_ms[frozen_ms.size() * 99 / 100];
  const double worst = frozen_ms.back();
  std::cout << "frozen database: " << frozen_ms.size() << " redirects, p99 " << p99 << " ms, worst "
            << worst << " ms (deadline 50 ms)\n";
  // The deadline plus scheduling on a shared 2-core machine; before the
  // redirect became asynchronous every one of these took 15 s or more.
  EXPECT_LT(worst, 1000.0);
  EXPECT_GT(metric(port(0), "sequencial_rotation_fallback_total"), 0.0);

  // Every click answered is stored once the database is back.
  EXPECT_EQ(nodes_[0]->stop(), 0);
  auto conn = db_->admin();
  ASSERT_TRUE(conn) << conn.error().message;
  auto count = conn->exec("SELECT count(*) FROM clicks WHERE kind = 0");
  ASSERT_TRUE(count) << count.error().message;
  EXPECT_GE(count->int_at(0, 0), answered.load());
}

}  // namespace
}  // namespace sequencial::itest
