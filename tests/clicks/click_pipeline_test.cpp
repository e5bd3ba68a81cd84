// Tests of the click pipeline's guarantees against a real SQLite store:
// drain on stop, periodic flush, a full queue drops (and counts) without
// blocking.
#include "clicks/click_pipeline.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <thread>

namespace sequencial::clicks {
namespace {

class ClickPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sq-pipeline-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    store_ = std::move(*open_store((dir_ / "c.db").string()));
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::int64_t stored(LinkId link) {
    auto rows = store_->load_rollups(StatsScope::kLink, link, "clicks", 0, 1'000'000'000, false);
    return rows && !rows->empty() ? (*rows)[0].count : 0;
  }
  static ClickRecord click(LinkId link) {
    ClickRecord c;
    c.at = Timestamp(std::chrono::hours(500'000));
    c.entry_link_id = link;
    c.link_id = link;
    c.outcome = "link";
    return c;
  }
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(ClickPipelineTest, StopWritesEverythingQueued) {
  ClickPipeline pipeline(*store_, 2, {100000, 100000, std::chrono::hours(1)});
  pipeline.start();
  std::thread a([&] {
    for (int i = 0; i < 3000; ++i) EXPECT_TRUE(pipeline.push(0, click(1)));
  });
  std::thread b([&] {
    for (int i = 0; i < 2000; ++i) EXPECT_TRUE(pipeline.push(1, click(1)));
  });
  a.join();
  b.join();
  pipeline.stop();
  EXPECT_EQ(stored(1), 5000);
  EXPECT_EQ(pipeline.written(), 5000u);
  EXPECT_EQ(pipeline.dropped(), 0u);
}

TEST_F(ClickPipelineTest, WriterFlushesWithinTheInterval) {
  ClickPipeline pipeline(*store_, 1, {1000, 1000, std::chrono::milliseconds(50)});
  pipeline.start();
  for (int i = 0; i < 10; ++i) pipeline.push(0, click(2));
  for (int i = 0; i < 200 && pipeline.written() < 10; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(stored(2), 10);  // written without stop()
  pipeline.stop();
}

TEST_F(ClickPipelineTest, FullQueueDropsAndCounts) {
  ClickPipeline pipeline(*store_, 1, {100, 1000, std::chrono::hours(1)});
  // Not started: nothing drains the queue.
  int accepted = 0;
  for (int i = 0; i < 150; ++i) accepted += pipeline.push(0, click(3)) ? 1 : 0;
  EXPECT_EQ(accepted, 100);
  EXPECT_EQ(pipeline.dropped(), 50u);
  std::string metrics;
  pipeline.append_metrics(metrics);
  EXPECT_NE(metrics.find("sequencial_clicks_dropped_total 50"), std::string::npos);
  EXPECT_NE(metrics.find("sequencial_click_queue_depth 100"), std::string::npos);
  pipeline.flush();
  EXPECT_EQ(stored(3), 100);
}

}  // namespace
}  // namespace sequencial::clicks
