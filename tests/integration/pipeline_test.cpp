// Integration tests of the click pipeline's guarantees (issue 5, "Pipeline
// off the hot path") on the real server over HTTP:
//  - graceful drain: 2000 clicks from 20 connections queued behind a 60 s
//    flush interval (nothing written yet), then SIGTERM: after the restart the
//    link's stats count exactly 2000; and SIGTERM in the middle of a burst:
//    the stats count exactly the clicks that were answered;
//  - kill -9 bound (--click-flush-interval-ms 100): clicks the server
//    reports written survive a SIGKILL (it is polled, not slept on), and
//    after a SIGKILL in the middle of a stream every click answered more
//    than 300 ms before the kill is there (and nothing that was never
//    answered);
//  - full queue: with a queue of 5 and no timed flush, 50 clicks are all
//    answered 302, none is dropped, and all 50 are in the stats after the stop.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "support/fixtures.h"

namespace sequencial::itest {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kPhone = "5511999990001";
constexpr const char* kLocation = "https://wa.me/5511999990001?text=Oi";

class PipelineTest : public ServerTest {
 protected:
  // The "total" of the link's stats over all time (-1 when the report fails).
  long total_clicks(const std::string& slug) {
    const ApiResponse r = api().get("/api/v1/links/" + slug + "/stats");
    EXPECT_EQ(r.status, 200) << r.raw.body;
    if (r.status != 200 || !r.body.contains("total")) return -1;
    return r.body["total"].get<long>();
  }
  // Graceful stop (exit 0 checked) and start again on the same database;
  // returns the stopped run's whole log (with its event=stopped line).
  std::string stop_and_start() {
    client_.reset();
    api_.reset();
    const int exit_code = server_->stop();
    std::string log = server_->log();
    logs_ += log;
    EXPECT_EQ(exit_code, 0) << log;
    start();
    return log;
  }
};

TEST_F(PipelineTest, GracefulStopWritesEveryQueuedClick) {
  // Nothing is written before the stop: a flush interval far beyond the test
  // and a batch larger than the clicks sent.
  boot({"--click-flush-interval-ms", "60000", "--click-flush-batch", "100000"});
  api().create_link("joao", kPhone, "Oi");

  constexpr int kConnections = 20;
  constexpr int kPerConnection = 100;
  constexpr int kClicks = kConnections * kPerConnection;
  const auto numbers = concurrent_clicks(port(), "joao", kConnections, kPerConnection);
  ASSERT_EQ(numbers.size(), static_cast<std::size_t>(kClicks));
  EXPECT_EQ(tally(numbers), (std::map<std::string, int>{{kPhone, kClicks}}));
  // Proof that the clicks still sit in memory: none written, all queued.
  EXPECT_EQ(metric(port(), "sequencial_clicks_written_total"), 0);
  EXPECT_EQ(metric(port(), "sequencial_click_queue_depth"), kClicks);

  const std::string log = stop_and_start();  // SIGTERM right away
  EXPECT_NE(log.find("clicks_written=" + std::to_string(kClicks)), std::string::npos) << log;
  EXPECT_EQ(total_clicks("joao"), kClicks);
  const ApiResponse by_source = api().get("/api/v1/links/joao/stats?by=source");
  ASSERT_EQ(by_source.status, 200) << by_source.raw.body;
  EXPECT_EQ(by_source.body["new_visitors"], kClicks);
  EXPECT_EQ(by_source.body["rows"], json::parse(R"([{"key":"link","clicks":2000}])"));
}

TEST_F(PipelineTest, SigtermDuringABurstKeepsExactlyTheAnsweredClicks) {
  boot({"--click-flush-interval-ms", "60000", "--click-flush-batch", "100000"});
  api().create_link("joao", kPhone, "Oi");

  std::atomic<int> answered{0};
  std::atomic<int> broken{0};
  std::vector<std::thread> threads;
  threads.reserve(12);
  for (int t = 0; t < 12; ++t) {
    threads.emplace_back([&] {
      HttpClient http(port());
      for (int i = 0; i < 200000; ++i) {
        if (!http.connected() && !http.connect()) return;  // refused: the server is gone
        const Response r = http.get("/joao");
        if (r.ok() && r.status == 302 && r.header_or_empty("Location") == kLocation) {
          ++answered;
        } else if (r.failure != Failure::kNoResponse && r.failure != Failure::kSend) {
          ++broken;
        }
      }
    });
  }
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (answered.load() < 1500 && Clock::now() < deadline) std::this_thread::yield();
  server_->signal_term();
  const int exit_code = server_->wait();
  for (auto& t : threads) t.join();
  ASSERT_EQ(exit_code, 0) << server_->log();
  EXPECT_EQ(broken.load(), 0);
  ASSERT_GE(answered.load(), 1500) << "the burst never got going";

  logs_ += server_->log();
  start();
  EXPECT_EQ(total_clicks("joao"), answered.load())
      << "every click answered before the stop, and no other, must be recorded";
}

TEST_F(PipelineTest, KillNineLosesAtMostTheLastFlushWindow) {
  boot({"--click-flush-interval-ms", "100"});
  api().create_link("joao", kPhone, "Oi");

  // 1. Clicks older than the flush window survive a SIGKILL.
  constexpr int kFirst = 300;
  const auto first = concurrent_clicks(port(), "joao", 4, kFirst / 4);
  ASSERT_EQ(tally(first), (std::map<std::string, int>{{kPhone, kFirst}}));
  // Written within a few flush windows (the server says when), and then
  // out of a SIGKILL's reach.
  ASSERT_EQ(wait_for_metric(port(), "sequencial_clicks_written_total", kFirst), kFirst);
  crash_and_restart();
  ASSERT_EQ(total_clicks("joao"), kFirst);

  // 2. A SIGKILL in the middle of a stream of clicks: each sender notes when
  // every answer arrived (the click was queued before that instant).
  std::mutex mutex;
  std::vector<Clock::time_point> answered_at;  // guarded by mutex
  const auto answered = [&] {
    std::lock_guard lock(mutex);
    return answered_at.size();
  };
  ClientThreads senders;
  for (int t = 0; t < 2; ++t) {
    senders.spawn([&] {
      HttpClient http(port());
      while (!senders.stopping()) {
        const Response r = http.get("/joao");
        if (!r.ok()) return;  // killed
        if (r.status == 302) {
          const auto now = Clock::now();
          std::lock_guard lock(mutex);
          answered_at.push_back(now);
        }
        std::this_thread::sleep_for(std::chrono::microseconds(500));
      }
    });
  }
  // A stream long enough that many clicks are older than the margin below:
  // 400 answered, and at least 800 ms of it.
  const auto streaming_since = Clock::now();
  const auto deadline = streaming_since + std::chrono::seconds(20);
  while ((answered() < 400 || Clock::now() - streaming_since < std::chrono::milliseconds(800)) &&
         Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // What the server reports written just before the kill is in the
  // database, whatever the timing.
  const double written = metric(port(), "sequencial_clicks_written_total");  // this run's
  const auto killed_at = Clock::now();
  logs_ += server_->log();
  server_->kill9();
  senders.join();

  constexpr auto kMargin = std::chrono::milliseconds(300);  // 3 flush windows
  long old_enough = 0;
  for (const auto at : answered_at) old_enough += at < killed_at - kMargin ? 1 : 0;
  const long sent = static_cast<long>(answered_at.size());
  ASSERT_GT(old_enough, 100) << "too few clicks before the kill to tell anything";

  start();
  const long kept = total_clicks("joao") - kFirst;
  std::cerr << "answered " << sent << " clicks before kill -9, " << old_enough
            << " of them more than 300 ms before it; " << kept << " recorded, " << sent - kept
            << " lost\n";
  EXPECT_GE(kept, old_enough) << "clicks answered more than 3 flush windows before the kill";
  EXPECT_GE(kept, static_cast<long>(written)) << "clicks the server reported written";
  EXPECT_LE(kept, sent) << "more clicks recorded than were answered";
}

TEST_F(PipelineTest, AFullQueueNeverDropsNorFailsARedirect) {
  // One event loop, a queue of 5 and no timed flush before the stop: the
  // queue fills after 5 clicks; every later click is still recorded (the
  // writer is woken at capacity, and the loop pauses reading while full).
  boot({"--click-queue-capacity", "5", "--click-flush-interval-ms", "60000", "--click-flush-batch",
        "1000000", "--threads", "1"});
  api().create_link("joao", kPhone, "Oi");

  constexpr int kClicks = 50;
  for (int i = 0; i < kClicks; ++i) {
    const Response r = click("joao");
    ASSERT_EQ(r.status, 302) << "click " << i << ": " << r.error;
    ASSERT_EQ(r.header_or_empty("Location"), kLocation) << "click " << i;
  }
  std::map<std::string, double> metrics;
  const auto value = [&](const std::string& series) {
    const auto it = metrics.find(series);
    return it == metrics.end() ? -1.0 : it->second;
  };
  // Queued or written (a batch being written is briefly neither).
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  do {
    metrics = scrape_metrics(port());
  } while (value("sequencial_click_queue_depth") + value("sequencial_clicks_written_total") !=
               kClicks &&
           Clock::now() < deadline);
  EXPECT_EQ(value("sequencial_clicks_dropped_total"), 0);
  EXPECT_EQ(value("sequencial_click_queue_depth") + value("sequencial_clicks_written_total"),
            kClicks);
  EXPECT_EQ(value("sequencial_redirects_total{outcome=\"link\"}"), kClicks);

  const std::string log = stop_and_start();
  EXPECT_NE(log.find("clicks_written=50 clicks_dropped=0"), std::string::npos) << log;
  EXPECT_EQ(total_clicks("joao"), kClicks);
}

}  // namespace
}  // namespace sequencial::itest
