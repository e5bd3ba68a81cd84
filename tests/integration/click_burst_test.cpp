// Every click stored under a burst (issue 13): the real server with a tiny
// click queue (--click-queue-capacity 4) takes a burst of 4,800 concurrent
// cookie-less clicks on a central of three, then the stats total equals
// sequencial_redirects_total, sequencial_clicks_dropped_total is 0 and the
// attendants' counts differ by at most one; on SQLite and on PostgreSQL
// (SEQUENCIAL_TEST_PG_URL; skipped without it locally, failed under CI).
// A click whose utm_source holds a NUL byte among good ones is stored
// cleaned and never blocks the clicks after it (issue 14 row 2).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "../storage/pg_test_database.h"
#include "support/fixtures.h"

namespace sequencial::itest {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr int kThreads = 48;
constexpr int kPerThread = 100;

class ClickBurstTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      const auto url = test_support::pg_server_url();
      if (!url) {
        if (test_support::running_in_ci()) FAIL() << test_support::kNoPgServer;
        GTEST_SKIP() << test_support::kNoPgServer;
      }
      pg_ = std::make_unique<test_support::PgTestDatabase>(*url);
      ASSERT_TRUE(pg_->error().empty()) << pg_->error();
      db_ = pg_->url();
    } else {
      db_ = dir_.file("sequencial.db");
    }
    const CommandResult r = run_command(
        {sequencial_binary(), "token", "create", "--db", db_, "--name", "itest"}, dir_.path());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    token_ = r.out.substr(0, r.out.find('\n'));
    std::string error;
    server_ = ServerProcess::start(
        sequencial_binary(),
        {"--db", db_, "--threads", "2", "--click-queue-capacity", "4", "--click-flush-interval-ms",
         "50", "--click-spool", dir_.file("clicks.spool")},
        dir_.file("server.log"), error);
    ASSERT_TRUE(server_) << error;
    api_ = std::make_unique<AdminClient>(server_->port(), token_);
  }
  void TearDown() override {
    if (HasFailure() && server_) std::cerr << "---- server log ----\n" << server_->log();
  }
  std::uint16_t port() const { return server_->port(); }

  // Links a1..a3 and the central "loja" over them; returns the central's id.
  long make_central() {
    for (int i = 1; i <= 3; ++i) {
      api_->create_link("a" + std::to_string(i), "551199990000" + std::to_string(i));
    }
    api_->create_link("loja", "5511999900000");
    return api_->create_central({{"anchor", "loja"}, {"members", {"a1", "a2", "a3"}}})["id"]
        .get<long>();
  }
  // Polls /metrics until every redirect counted is written (or 15 s pass).
  void wait_until_written(double redirects) {
    const auto deadline = steady_clock::now() + std::chrono::seconds(15);
    while (metric(port(), "sequencial_clicks_written_total") < redirects &&
           steady_clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(20));
    }
  }

  TempDir dir_;
  std::unique_ptr<test_support::PgTestDatabase> pg_;
  std::string db_;
  std::string token_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<AdminClient> api_;
};

TEST_P(ClickBurstTest, ABurstFarBeyondTheQueueLosesNoClickAndKeepsTheRotationExact) {
  const long central = make_central();
  const auto started = steady_clock::now();
  const auto numbers = concurrent_clicks(port(), "loja", kThreads, kPerThread);
  const auto took = steady_clock::now() - started;
  const auto counts = tally(numbers);
  for (const auto& [number, n] : counts) {
    ASSERT_TRUE(number.starts_with("551199990000")) << number << " x" << n;
  }
  const double redirects = redirects_total(port(), "rotation");
  ASSERT_EQ(redirects, kThreads * kPerThread);
  wait_until_written(redirects);

  const auto m = scrape_metrics(port());
  EXPECT_EQ(m.at("sequencial_clicks_dropped_total"), 0);
  EXPECT_EQ(m.at("sequencial_clicks_rejected_total"), 0);
  EXPECT_EQ(m.at("sequencial_clicks_written_total"), redirects);
  const ApiResponse stats =
      api_->get("/api/v1/centrals/" + std::to_string(central) + "/stats?by=attendant");
  ASSERT_EQ(stats.status, 200) << stats.raw.body;
  EXPECT_EQ(stats.body["total"].get<double>(), redirects);
  long low = static_cast<long>(kThreads) * kPerThread;
  long high = 0;
  long sum = 0;
  for (const auto& row : stats.body["rows"]) {
    const long n = row["clicks"].get<long>();
    low = std::min(low, n);
    high = std::max(high, n);
    sum += n;
  }
  EXPECT_EQ(stats.body["rows"].size(), 3u) << stats.raw.body;
  EXPECT_EQ(sum, kThreads * kPerThread);
  EXPECT_LE(high - low, 1) << stats.raw.body;
  std::cerr << (GetParam() ? "PostgreSQL" : "SQLite") << ": " << redirects << " clicks in "
            << std::chrono::duration_cast<milliseconds>(took).count() << " ms, all stored\n";
  EXPECT_EQ(server_->stop(), 0);
  EXPECT_NE(server_->log().find("clicks_dropped=0"), std::string::npos);
}

TEST_P(ClickBurstTest, AClickWithANulByteIsStoredCleanAndBlocksNothing) {
  api_->create_link("joao", "5511999990001");
  HttpClient http(port());
  for (int i = 0; i < 20; ++i) ASSERT_EQ(http.get("/joao?utm_source=good").status, 302);
  ASSERT_EQ(http.get("/joao?utm_source=bad%00value%FF").status, 302);
  for (int i = 0; i < 20; ++i) ASSERT_EQ(http.get("/joao?utm_source=later").status, 302);
  wait_until_written(41);
  EXPECT_EQ(metric(port(), "sequencial_clicks_written_total"), 41);
  EXPECT_EQ(metric(port(), "sequencial_clicks_dropped_total"), 0);
  const ApiResponse stats = api_->get("/api/v1/links/joao/stats?by=utm_source");
  ASSERT_EQ(stats.status, 200) << stats.raw.body;
  EXPECT_EQ(stats.body["total"], 41) << stats.raw.body;
  long later = 0;
  for (const auto& row : stats.body["rows"]) {
    if (row["key"] == "later") later = row["clicks"].get<long>();
  }
  EXPECT_EQ(later, 20) << stats.raw.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, ClickBurstTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Postgres" : "Sqlite"; });

}  // namespace
}  // namespace sequencial::itest
