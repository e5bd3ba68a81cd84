// Tests of the click pipeline's guarantees against a real SQLite store:
// drain on stop, periodic flush, a full queue keeps every record and says
// so through has_room(), the spool while the database is unreachable (and
// its replay, once), a batch whose acknowledgement was lost stored once, a
// rejected row split out of its batch, and a spool the disk refuses (the
// only drop).
#include "clicks/click_pipeline.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <thread>

#include "flaky_click_store.h"

namespace sequencial::clicks {
namespace {

class ClickPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sq-pipeline-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    flaky_ = new FlakyClickStore(std::move(*open_store((dir_ / "c.db").string())));
    store_.reset(flaky_);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::int64_t stored(LinkId link) {
    auto rows = store_->load_rollups(StatsScope::kLink, link, "clicks", 0, 1'000'000'000, false);
    return rows && !rows->empty() ? (*rows)[0].count : 0;
  }
  // Raw click rows of `link` (stored() counts its rollups).
  std::size_t rows(LinkId link) {
    auto clicks =
        store_->load_clicks(link, Timestamp{}, Timestamp(std::chrono::hours(600'000)), 1'000'000);
    return clicks ? clicks->size() : 0;
  }
  static ClickRecord click(LinkId link) {
    ClickRecord c;
    c.at = Timestamp(std::chrono::hours(500'000));
    c.entry_link_id = link;
    c.link_id = link;
    c.outcome = "link";
    return c;
  }
  // No spool: what the database cannot take waits in memory.
  static ClickPipelineOptions in_memory(std::size_t capacity, std::size_t batch,
                                        std::chrono::milliseconds interval) {
    ClickPipelineOptions options;
    options.queue_capacity = capacity;
    options.flush_batch = batch;
    options.flush_interval = interval;
    return options;
  }
  // No spool, and no rest after an outage (as spooled()).
  static ClickPipelineOptions held() {
    ClickPipelineOptions options = in_memory(1000, 1000, std::chrono::hours(1));
    options.retry_delay = std::chrono::milliseconds(0);
    return options;
  }
  ClickPipelineOptions spooled(std::size_t capacity = 1000) const {
    return {.queue_capacity = capacity,
            .flush_batch = 100000,
            .flush_interval = std::chrono::hours(1),
            .spool_path = dir_ / "clicks.spool",
            .retry_delay = std::chrono::milliseconds(0)};
  }
  std::filesystem::path dir_;
  FlakyClickStore* flaky_ = nullptr;  // owned by store_
  std::unique_ptr<Store> store_;
};

TEST_F(ClickPipelineTest, StopWritesEverythingQueued) {
  ClickPipeline pipeline(*store_, 2, in_memory(100000, 100000, std::chrono::hours(1)));
  pipeline.start();
  std::thread a([&] {
    for (int i = 0; i < 3000; ++i) pipeline.push(0, click(1));
  });
  std::thread b([&] {
    for (int i = 0; i < 2000; ++i) pipeline.push(1, click(1));
  });
  a.join();
  b.join();
  pipeline.stop();
  EXPECT_EQ(stored(1), 5000);
  EXPECT_EQ(pipeline.written(), 5000u);
  EXPECT_EQ(pipeline.dropped(), 0u);
}

TEST_F(ClickPipelineTest, WriterFlushesWithinTheInterval) {
  ClickPipeline pipeline(*store_, 1, in_memory(1000, 1000, std::chrono::milliseconds(50)));
  pipeline.start();
  for (int i = 0; i < 10; ++i) pipeline.push(0, click(2));
  for (int i = 0; i < 200 && pipeline.written() < 10; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(stored(2), 10);  // written without stop()
  pipeline.stop();
}

TEST_F(ClickPipelineTest, AFullQueueKeepsEveryRecordAndAsksForBackpressure) {
  ClickPipeline pipeline(*store_, 2, in_memory(100, 1000, std::chrono::hours(1)));
  // Not started: nothing drains the queue.
  for (int i = 0; i < 99; ++i) pipeline.push(0, click(3));
  EXPECT_TRUE(pipeline.has_room(0));
  pipeline.push(0, click(3));
  EXPECT_FALSE(pipeline.has_room(0));
  EXPECT_TRUE(pipeline.has_room(1)) << "each loop has its own queue";
  // Requests already read on the loop still get their clicks in.
  for (int i = 0; i < 50; ++i) pipeline.push(0, click(3));
  EXPECT_EQ(pipeline.dropped(), 0u);
  std::string metrics;
  pipeline.append_metrics(metrics);
  EXPECT_NE(metrics.find("sequencial_clicks_dropped_total 0"), std::string::npos);
  EXPECT_NE(metrics.find("sequencial_click_queue_depth 150"), std::string::npos);
  pipeline.flush();
  EXPECT_TRUE(pipeline.has_room(0));
  EXPECT_EQ(stored(3), 150);
}

TEST_F(ClickPipelineTest, UnreachableDatabaseSpoolsThenReplaysEveryClickOnce) {
  ClickPipeline pipeline(*store_, 1, spooled(100));
  flaky_->down = true;
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 100; ++i) pipeline.push(0, click(4));
    pipeline.flush();
    EXPECT_EQ(pipeline.depth(), 0u) << "the queue drains into the spool";
  }
  EXPECT_EQ(pipeline.spooled(), 500u);
  EXPECT_GT(pipeline.spool_bytes(), 0u);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "clicks.spool"));
  EXPECT_EQ(stored(4), 0);

  flaky_->down = false;
  for (int i = 0; i < 7; ++i) pipeline.push(0, click(4));  // newer clicks go behind the spool
  pipeline.flush();
  EXPECT_EQ(stored(4), 507);
  EXPECT_EQ(pipeline.written(), 507u);
  EXPECT_EQ(pipeline.spool_bytes(), 0u);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "clicks.spool")) << "removed once replayed";
  pipeline.flush();
  EXPECT_EQ(stored(4), 507) << "nothing replayed twice";
  EXPECT_EQ(pipeline.dropped(), 0u);
  std::string metrics;
  pipeline.append_metrics(metrics);
  EXPECT_NE(metrics.find("sequencial_clicks_spooled_total 507"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("sequencial_click_spool_bytes 0"), std::string::npos);
}

TEST_F(ClickPipelineTest, StopWhileUnreachableSpoolsAndTheNextRunReplays) {
  {
    ClickPipeline pipeline(*store_, 1, spooled());
    pipeline.start();
    flaky_->down = true;
    for (int i = 0; i < 300; ++i) pipeline.push(0, click(5));
    pipeline.stop();
    EXPECT_EQ(pipeline.spooled(), 300u);
    EXPECT_EQ(pipeline.dropped(), 0u);
  }
  EXPECT_EQ(stored(5), 0);
  flaky_->down = false;
  ClickPipeline next(*store_, 1, spooled());
  EXPECT_GT(next.spool_bytes(), 0u) << "the spool of the earlier run is found";
  next.start();
  next.push(0, click(5));
  next.stop();
  EXPECT_EQ(stored(5), 301);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "clicks.spool"));
}

// PostgreSQL stopped during the COMMIT: the batch is stored but the writer
// hears kUnavailable. Once the database answers, the marker says it is
// stored: neither its rows nor its rollups are written again.
TEST_F(ClickPipelineTest, ABatchWhoseAcknowledgementWasLostIsStoredOnceWithASpool) {
  ClickPipeline pipeline(*store_, 1, spooled());
  flaky_->lose_ack = true;
  for (int i = 0; i < 100; ++i) pipeline.push(0, click(9));
  pipeline.flush();
  EXPECT_EQ(rows(9), 100u) << "committed";
  EXPECT_EQ(pipeline.spooled(), 100u) << "but set aside, in doubt";
  flaky_->lose_ack = false;
  flaky_->down = true;  // the question cannot be answered yet either
  pipeline.flush();
  EXPECT_GT(pipeline.spool_bytes(), 0u);
  flaky_->down = false;
  for (int i = 0; i < 7; ++i) pipeline.push(0, click(9));
  pipeline.flush();
  EXPECT_EQ(rows(9), 107u);
  EXPECT_EQ(stored(9), 107);
  EXPECT_EQ(pipeline.written(), 107u);
  EXPECT_EQ(pipeline.spool_bytes(), 0u);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "clicks.spool"));
  std::string metrics;
  pipeline.append_metrics(metrics);
  EXPECT_NE(metrics.find("sequencial_click_batches_in_doubt_total 1"), std::string::npos)
      << metrics;
}

TEST_F(ClickPipelineTest, ABatchWhoseAcknowledgementWasLostIsStoredOnceInMemory) {
  ClickPipeline pipeline(*store_, 1, held());
  flaky_->lose_ack = true;
  for (int i = 0; i < 100; ++i) pipeline.push(0, click(10));
  pipeline.flush();
  EXPECT_EQ(rows(10), 100u);
  EXPECT_EQ(pipeline.depth(), 100u) << "held in memory, in doubt";
  flaky_->lose_ack = false;
  for (int i = 0; i < 7; ++i) pipeline.push(0, click(10));
  pipeline.flush();
  EXPECT_EQ(pipeline.depth(), 0u);
  EXPECT_EQ(rows(10), 107u);
  EXPECT_EQ(stored(10), 107);
  EXPECT_EQ(pipeline.written(), 107u);
}

// The acknowledgement of a replayed chunk lost: that chunk, at the spool's
// head, is skipped; the rest of the spool is replayed.
TEST_F(ClickPipelineTest, AReplayedChunkWhoseAcknowledgementWasLostIsStoredOnce) {
  ClickPipelineOptions options = spooled();
  options.flush_batch = 10;  // replayed ten at a time
  ClickPipeline pipeline(*store_, 1, options);
  flaky_->down = true;
  for (int i = 0; i < 35; ++i) pipeline.push(0, click(11));
  pipeline.flush();
  EXPECT_EQ(rows(11), 0u);
  flaky_->down = false;
  flaky_->lose_ack = true;
  pipeline.flush();
  EXPECT_EQ(rows(11), 10u) << "the first chunk committed, unacknowledged";
  flaky_->lose_ack = false;
  pipeline.flush();
  EXPECT_EQ(rows(11), 35u);
  EXPECT_EQ(stored(11), 35);
  EXPECT_EQ(pipeline.written(), 35u);
  EXPECT_EQ(pipeline.spool_bytes(), 0u);
}

// A batch that really failed (never reached the database) is written again,
// once, with or without a spool.
TEST_F(ClickPipelineTest, ABatchThatReallyFailedIsWrittenAgainOnce) {
  for (const bool with_spool : {true, false}) {
    const LinkId link = with_spool ? 12 : 13;
    ClickPipeline pipeline(*store_, 1, with_spool ? spooled() : held());
    flaky_->down = true;
    for (int i = 0; i < 50; ++i) pipeline.push(0, click(link));
    pipeline.flush();
    EXPECT_EQ(rows(link), 0u);
    flaky_->down = false;
    pipeline.flush();
    EXPECT_EQ(rows(link), 50u) << "spool: " << with_spool;
    EXPECT_EQ(stored(link), 50) << "spool: " << with_spool;
    EXPECT_EQ(pipeline.written(), 50u);
    EXPECT_EQ(pipeline.depth(), 0u);
  }
}

TEST_F(ClickPipelineTest, ARejectedRowIsSplitOutAndNeverBlocksTheRest) {
  ClickPipeline pipeline(*store_, 1, spooled());
  for (int i = 0; i < 1000; ++i) {
    ClickRecord c = click(6);
    if (i == 617) c.utm_source = "poison";
    pipeline.push(0, std::move(c));
  }
  pipeline.flush();
  EXPECT_EQ(stored(6), 999);
  EXPECT_EQ(pipeline.rejected(), 1u);
  EXPECT_EQ(pipeline.spooled(), 0u);
  for (int i = 0; i < 10; ++i) pipeline.push(0, click(6));
  const int calls = flaky_->insert_calls.load();
  pipeline.flush();
  EXPECT_EQ(flaky_->insert_calls.load(), calls + 1) << "the bad row is not retried";
  EXPECT_EQ(stored(6), 1009);
  std::string metrics;
  pipeline.append_metrics(metrics);
  EXPECT_NE(metrics.find("sequencial_clicks_rejected_total 1"), std::string::npos);
  EXPECT_NE(metrics.find("sequencial_clicks_dropped_total 0"), std::string::npos);
}

TEST_F(ClickPipelineTest, ARejectedRowInTheSpoolIsSplitOutOnReplay) {
  ClickPipeline pipeline(*store_, 1, spooled());
  flaky_->down = true;
  for (int i = 0; i < 64; ++i) {
    ClickRecord c = click(7);
    if (i == 3) c.utm_source = "poison";
    pipeline.push(0, std::move(c));
  }
  pipeline.flush();
  flaky_->down = false;
  pipeline.flush();
  EXPECT_EQ(stored(7), 63);
  EXPECT_EQ(pipeline.rejected(), 1u);
  EXPECT_EQ(pipeline.spool_bytes(), 0u);
}

TEST_F(ClickPipelineTest, OnlyASpoolTheDiskRefusesDropsClicks) {
  ClickPipelineOptions options = spooled();
  options.spool_path = dir_ / "no-such-dir" / "clicks.spool";
  ClickPipeline pipeline(*store_, 1, options);
  flaky_->down = true;
  for (int i = 0; i < 20; ++i) pipeline.push(0, click(8));
  pipeline.flush();
  EXPECT_EQ(pipeline.dropped(), 20u);
  EXPECT_EQ(pipeline.depth(), 0u);
  flaky_->down = false;
  for (int i = 0; i < 5; ++i) pipeline.push(0, click(8));
  pipeline.flush();
  EXPECT_EQ(stored(8), 5);
  EXPECT_EQ(pipeline.dropped(), 20u);
}

}  // namespace
}  // namespace sequencial::clicks
