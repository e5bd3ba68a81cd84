// The click writer's cost per stored click on SQLite: ClickPipeline::flush
// of batches of 4,096 realistic clicks (a central of three, new and
// returning visitors, a few devices and browsers, utm values from a small
// set, a referrer on half of them) into a fresh database file in /tmp.
// Fixed iterations, so that callgrind's instruction count divided by the
// clicks stored is the cost per click (bench/README.md, "Click writer").
//
//   click_write_bench                 Google Benchmark timings
//   valgrind --tool=callgrind --toggle-collect='*ClickPipeline::flush*'
//       click_write_bench --benchmark_filter='^Callgrind/'   (one command line)
// SEQUENCIAL_BENCH_DROP_INDEXES=clicks_by_at,clicks_by_link drops those
// indexes of the fresh database first: what each index costs the writer.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <sstream>

#include "clicks/click_pipeline.h"
#include "storage/store.h"

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

// Drops the indexes named (comma-separated) in SEQUENCIAL_BENCH_DROP_INDEXES.
bool drop_indexes(const std::filesystem::path& db_path) {
  const char* names = std::getenv("SEQUENCIAL_BENCH_DROP_INDEXES");
  if (names == nullptr || *names == '\0') return true;
  sqlite3* db = nullptr;
  bool ok = sqlite3_open(db_path.c_str(), &db) == SQLITE_OK;
  std::stringstream list(names);
  std::string name;
  while (ok && std::getline(list, name, ',')) {
    ok = sqlite3_exec(db, ("DROP INDEX " + name).c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  sqlite3_close(db);
  return ok;
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
    if (!drop_indexes(dir / "bench.db")) {
      state.SkipWithError("cannot drop the indexes of SEQUENCIAL_BENCH_DROP_INDEXES");
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
// 10 batches = 40,960 clicks: the quicker A/B of the indexes.
BENCHMARK(flush_batches)->Name("CallgrindSmall")->Iterations(10)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sequencial::clicks

BENCHMARK_MAIN();
