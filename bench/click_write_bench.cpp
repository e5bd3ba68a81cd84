// The click writer's cost per stored click on SQLite: ClickPipeline::flush
// of batches of 4,096 realistic clicks (a central of three, new and
// returning visitors, a few devices and browsers, utm values from a small
// set, a referrer on half of them) into a fresh database file in /tmp.
// Fixed iterations, so that callgrind's instruction count divided by the
// clicks stored is the cost per click (bench/README.md, "Click writer").
//
//   click_write_bench                 Google Benchmark timings
//   valgrind --tool=callgrind --toggle-collect='*ClickPipeline::flush*'
//       click_write_bench --benchmark_filter=Callgrind   (one command line)
#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>

#include "clicks/click_pipeline.h"

namespace sequencial::clicks {
namespace {

constexpr int kBatch = 4096;

ClickRecord realistic(std::mt19937& random, std::int64_t at) {
  static constexpr const char* kDevices[] = {"android", "ios", "windows", "macos"};
  static constexpr const char* kBrowsers[] = {"chrome", "safari", "instagram", "facebook"};
  static constexpr const char* kSources[] = {"", "instagram", "facebook", "google", "tiktok"};
  static constexpr const char* kReferrers[] = {"instagram.com", "facebook.com", "google.com"};
  ClickRecord c;
  c.at = Timestamp(std::chrono::seconds(at));
  c.central_id = 1;
  c.entry_link_id = 4;
  c.link_id = 1 + static_cast<LinkId>(random() % 3);
  c.visitor = {random(), random()};
  c.new_visitor = random() % 3 != 0;
  c.outcome = "rotation";
  c.device = kDevices[random() % 4];
  c.browser = kBrowsers[random() % 4];
  if (random() % 2 == 0) c.referrer = kReferrers[random() % 3];
  c.utm_source = kSources[random() % 5];
  if (!c.utm_source.empty()) {
    c.utm_medium = "cpc";
    c.utm_campaign = "black-friday";
  }
  c.ref = "AB12CD";
  return c;
}

void flush_batches(benchmark::State& state) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("sq-click-bench-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  {
    auto store = open_store((dir / "bench.db").string());
    if (!store) {
      state.SkipWithError(store.error().message.c_str());
      return;
    }
    ClickPipelineOptions options;
    options.queue_capacity = kBatch;
    options.flush_batch = kBatch * 2;
    options.flush_interval = std::chrono::hours(1);
    ClickPipeline pipeline(**store, 1, options);
    std::mt19937 random(42);
    std::int64_t at = 1'764'000'000;
    for (auto _ : state) {
      state.PauseTiming();
      for (int i = 0; i < kBatch; ++i) pipeline.push(0, realistic(random, at++));
      state.ResumeTiming();
      pipeline.flush();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(pipeline.written()));
  }
  std::filesystem::remove_all(dir);
}

// Timings.
BENCHMARK(flush_batches)->Name("FlushSqlite")->Unit(benchmark::kMillisecond)->MinTime(2.0);
// 50 batches = 204,800 clicks: callgrind total / 204,800 = instructions per click.
BENCHMARK(flush_batches)->Name("Callgrind")->Iterations(50)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sequencial::clicks

BENCHMARK_MAIN();
