// Per-loop click queues and the batching writer.
#include "clicks/click_pipeline.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "storage/rollups.h"

namespace sequencial::clicks {

ClickPipeline::ClickPipeline(Store& store, std::size_t loops, ClickPipelineOptions options)
    : store_(store), options_(options), queues_(loops + 1) {}

ClickPipeline::~ClickPipeline() { stop(); }

bool ClickPipeline::push(std::size_t loop, ClickRecord&& record) {
  Queue& q = queues_[loop < queues_.size() ? loop : queues_.size() - 1];
  std::size_t size = 0;
  {
    std::lock_guard lock(q.mutex);
    if (q.records.size() >= options_.queue_capacity) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    q.records.push_back(std::move(record));
    size = q.records.size();
  }
  // Wake the writer once per batch, not once per click, and at once when
  // the queue is full (its loop waits for room).
  if (size == options_.flush_batch || size == options_.queue_capacity) wake_.notify_one();
  return true;
}

bool ClickPipeline::has_room(std::size_t loop) const {
  const Queue& q = queues_[loop < queues_.size() ? loop : queues_.size() - 1];
  std::lock_guard lock(q.mutex);
  return q.records.size() < options_.queue_capacity;
}

void ClickPipeline::start() {
  writer_ = std::thread([this] { run(); });
}

void ClickPipeline::stop() {
  {
    std::lock_guard lock(wake_mutex_);
    if (stopping_ && !writer_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
  flush();
}

std::size_t ClickPipeline::depth() const {
  std::size_t n = 0;
  for (const auto& q : queues_) {
    std::lock_guard lock(q.mutex);
    n += q.records.size();
  }
  return n;
}

void ClickPipeline::flush() {
  std::lock_guard flush_lock(flush_mutex_);
  std::vector<ClickRecord> batch = std::move(retry_);
  retry_.clear();
  for (auto& q : queues_) {
    std::vector<ClickRecord> taken;
    {
      std::lock_guard lock(q.mutex);
      taken.swap(q.records);
      q.records.reserve(taken.size());
    }
    if (batch.empty()) {
      batch = std::move(taken);
    } else {
      std::move(taken.begin(), taken.end(), std::back_inserter(batch));
    }
  }
  if (batch.empty()) return;
  const auto started = std::chrono::steady_clock::now();
  const auto rollups = rollups_of(batch);
  if (auto ok = store_.insert_clicks(batch, rollups); !ok) {
    failed_flushes_.fetch_add(1, std::memory_order_relaxed);
    spdlog::error("event=clicks_write_failed count={} error=\"{}\"", batch.size(),
                  ok.error().message);
    const std::size_t keep = options_.queue_capacity * queues_.size();
    if (batch.size() > keep) {
      dropped_.fetch_add(batch.size() - keep, std::memory_order_relaxed);
      batch.erase(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(batch.size() - keep));
    }
    retry_ = std::move(batch);
    return;
  }
  written_.fetch_add(batch.size(), std::memory_order_relaxed);
  observe_flush(std::chrono::steady_clock::now() - started);
}

void ClickPipeline::observe_flush(std::chrono::duration<double> seconds) {
  std::size_t bucket = 0;
  while (bucket < kFlushBuckets.size() && seconds.count() > kFlushBuckets[bucket]) ++bucket;
  flush_buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  flush_count_.fetch_add(1, std::memory_order_relaxed);
  flush_micros_.fetch_add(static_cast<std::uint64_t>(seconds.count() * 1e6),
                          std::memory_order_relaxed);
}

void ClickPipeline::run() {
  std::unique_lock lock(wake_mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, options_.flush_interval);
    lock.unlock();
    flush();
    lock.lock();
  }
}

void ClickPipeline::append_metrics(std::string& out) const {
  out += fmt::format(
      "# HELP sequencial_clicks_written_total Click records written to the database.\n"
      "# TYPE sequencial_clicks_written_total counter\nsequencial_clicks_written_total {}\n"
      "# HELP sequencial_clicks_dropped_total Click records lost because the queue was full.\n"
      "# TYPE sequencial_clicks_dropped_total counter\nsequencial_clicks_dropped_total {}\n"
      "# HELP sequencial_click_flush_failures_total Batches the database refused (retried).\n"
      "# TYPE sequencial_click_flush_failures_total counter\n"
      "sequencial_click_flush_failures_total {}\n"
      "# HELP sequencial_click_queue_depth Click records waiting to be written.\n"
      "# TYPE sequencial_click_queue_depth gauge\nsequencial_click_queue_depth {}\n",
      written_.load(), dropped_.load(), failed_flushes_.load(), depth());
  out +=
      "# HELP sequencial_click_flush_seconds Time to write one batch of clicks.\n"
      "# TYPE sequencial_click_flush_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kFlushBuckets.size(); ++i) {
    cumulative += flush_buckets_[i].load();
    out += fmt::format("sequencial_click_flush_seconds_bucket{{le=\"{}\"}} {}\n", kFlushBuckets[i],
                       cumulative);
  }
  cumulative += flush_buckets_[kFlushBuckets.size()].load();
  out += fmt::format(
      "sequencial_click_flush_seconds_bucket{{le=\"+Inf\"}} {}\n"
      "sequencial_click_flush_seconds_sum {}\nsequencial_click_flush_seconds_count {}\n",
      cumulative, static_cast<double>(flush_micros_.load()) / 1e6, flush_count_.load());
}

}  // namespace sequencial::clicks
