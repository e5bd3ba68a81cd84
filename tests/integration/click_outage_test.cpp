// PostgreSQL stopped for longer than the click queues hold (issue 13): the
// test starts its own PostgreSQL (scripts/pg-test-server.sh), clicks flow on
// a server with a tiny queue (--click-queue-capacity 16), the database is
// stopped until thousands of clicks have gone to the local spool, the
// redirects go on, the database comes back, and then every click is stored
// exactly once (count in the database == sequencial_redirects_total), the
// spool is gone and nothing was dropped; the server's RSS stays bounded
// meanwhile. Skipped without SEQUENCIAL_TEST_PG_URL locally (the private
// server needs the same PostgreSQL install), failed under CI.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "../storage/pg_test_database.h"
#include "support/fixtures.h"
#include "support/private_pg_server.h"

namespace sequencial::itest {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// VmRSS of `pid` in kB (0 when unreadable).
long rss_kb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return 0;
}

// Polls `done` every 20 ms for up to `limit`; its last answer.
template <typename F>
bool poll(F done, milliseconds limit) {
  const auto deadline = steady_clock::now() + limit;
  while (!done()) {
    if (steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return true;
}

TEST(ClickOutageTest, EveryClickIsStoredOnceAfterAnOutageLongerThanTheQueues) {
  if (!test_support::pg_server_url()) {
    if (test_support::running_in_ci()) FAIL() << test_support::kNoPgServer;
    GTEST_SKIP() << test_support::kNoPgServer;
  }
  TempDir dir;
  PrivatePgServer pg(dir);
  const CommandResult started = pg.run("start");
  ASSERT_EQ(started.exit_code, 0) << started.out << started.err;
  const std::string url = started.out.substr(0, started.out.find('\n'));
  const CommandResult token =
      run_command({sequencial_binary(), "token", "create", "--db", url}, dir.path());
  ASSERT_EQ(token.exit_code, 0) << token.out << token.err;
  const std::string spool = dir.file("clicks.spool");
  std::string error;
  auto server = ServerProcess::start(sequencial_binary(),
                                     {"--db", url, "--threads", "2", "--click-queue-capacity", "16",
                                      "--click-flush-interval-ms", "50", "--click-spool", spool},
                                     dir.file("server.log"), error);
  ASSERT_TRUE(server) << error;
  const std::uint16_t port = server->port();
  AdminClient api(port, token.out.substr(0, token.out.find('\n')));
  for (int i = 1; i <= 3; ++i) {
    api.create_link("a" + std::to_string(i), "551199990000" + std::to_string(i));
  }
  api.create_link("loja", "5511999900000");
  api.create_central({{"anchor", "loja"}, {"members", {"a1", "a2", "a3"}}});

  std::atomic<bool> stop_load{false};
  std::atomic<long> answered{0};
  std::atomic<long> failed{0};
  std::vector<std::thread> load;
  load.reserve(4);
  for (int t = 0; t < 4; ++t) {
    load.emplace_back([&] {
      HttpClient http(port);
      // Bounded: the load stops at the flag or after 100,000 clicks a thread.
      for (int i = 0; i < 100000 && !stop_load.load(); ++i) {
        const Response r = http.get("/loja?utm_source=outage");
        (r.status == 302 ? answered : failed).fetch_add(1);
        // Paced (a few thousand clicks a second in all): the load generator,
        // the server and PostgreSQL share the test machine.
        std::this_thread::sleep_for(std::chrono::microseconds(500));
      }
    });
  }
  const auto metric_of = [&](const char* name) { return metric(port, name); };
  ASSERT_TRUE(poll([&] { return metric_of("sequencial_clicks_written_total") >= 500; },
                   milliseconds(10000)))
      << "clicks do not flow";
  const long rss_before = rss_kb(server->pid());

  const CommandResult stopped = pg.run("stop");
  ASSERT_EQ(stopped.exit_code, 0) << stopped.out << stopped.err;
  long rss_peak = rss_before;
  // Far more than the queues hold (2 loops x 16): they went to the spool.
  const bool spooled = poll(
      [&] {
        rss_peak = std::max(rss_peak, rss_kb(server->pid()));
        return metric_of("sequencial_clicks_spooled_total") >= 3000;
      },
      milliseconds(15000));
  EXPECT_TRUE(spooled) << metric_of("sequencial_clicks_spooled_total") << " spooled";
  EXPECT_GT(metric_of("sequencial_click_spool_bytes"), 0);
  EXPECT_TRUE(std::filesystem::exists(spool));
  EXPECT_LE(metric_of("sequencial_click_queue_depth"), 3000);

  const CommandResult restarted = pg.run("start");
  ASSERT_EQ(restarted.exit_code, 0) << restarted.out << restarted.err;
  EXPECT_TRUE(
      poll([&] { return metric_of("sequencial_click_spool_bytes") == 0; }, milliseconds(15000)))
      << "the spool is not replayed: " << server->log();
  stop_load.store(true);
  for (auto& t : load) t.join();
  const double redirects = redirects_total(port, "rotation");
  const double spooled_total = metric_of("sequencial_clicks_spooled_total");
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(redirects, static_cast<double>(answered.load()));
  ASSERT_EQ(server->stop(), 0);
  const std::string log = server->log();
  EXPECT_NE(log.find("clicks_dropped=0"), std::string::npos) << log;
  EXPECT_FALSE(std::filesystem::exists(spool)) << "removed once replayed";

  auto conn = postgres::Connection::open(url);
  ASSERT_TRUE(conn) << conn.error().message;
  auto count = conn->exec("SELECT count(*) FROM clicks WHERE outcome = 'rotation'");
  ASSERT_TRUE(count) << count.error().message;
  EXPECT_EQ(count->int_at(0, 0), static_cast<std::int64_t>(redirects))
      << "every click stored exactly once";
  auto rolled =
      conn->exec("SELECT sum(count) FROM click_rollups WHERE scope = 1 AND dimension = 'clicks'");
  ASSERT_TRUE(rolled) << rolled.error().message;
  EXPECT_EQ(rolled->int_at(0, 0), static_cast<std::int64_t>(redirects));
  std::cerr << answered.load() << " clicks, " << spooled_total << " spooled; RSS "
            << rss_before / 1024 << " MB before the outage, peak " << rss_peak / 1024
            << " MB during it\n";
  EXPECT_LT(rss_peak - rss_before, 64 * 1024) << "RSS grew during the outage";
}

}  // namespace
}  // namespace sequencial::itest
