// The click pipeline: the redirect path hands each ClickRecord to a bounded
// per-event-loop queue and answers at once; one writer thread gathers the
// queues and writes them to the Store in one transaction per batch (group
// commit), with their per-hour rollups.
//
// Guarantees:
//  - a full queue never blocks nor fails a redirect: the record is dropped
//    and counted (clicks_dropped_total);
//  - stop() writes everything queued before it returns (graceful shutdown
//    loses no click that got a redirect);
//  - a batch is written at least every flush_interval (default 200 ms), or
//    sooner when a queue reaches flush_batch records: after kill -9 at most
//    the last flush interval of clicks is missing.
//  - a failed write (database locked or down) keeps the batch for the next
//    attempt, up to the queue capacity; beyond it the oldest are dropped.
//
// Thread-safety: push(loop) from event loop `loop` only; the rest from any
// thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/click.h"
#include "storage/store.h"

namespace sequencial::clicks {

struct ClickPipelineOptions {
  std::size_t queue_capacity = 65536;  // records per event loop
  std::size_t flush_batch = 4096;      // wake the writer when a queue holds this many
  std::chrono::milliseconds flush_interval{200};
};

class ClickPipeline {
 public:
  ClickPipeline(Store& store, std::size_t loops, ClickPipelineOptions options);
  ~ClickPipeline();
  ClickPipeline(const ClickPipeline&) = delete;
  ClickPipeline& operator=(const ClickPipeline&) = delete;

  // Queues a record; false when the queue was full (the record is dropped).
  bool push(std::size_t loop, ClickRecord&& record);
  // Whether loop `loop`'s queue is below its capacity (the HTTP edge stops
  // starting requests on that loop while it is not).
  [[nodiscard]] bool has_room(std::size_t loop) const;

  void start();
  // Writes everything queued and joins the writer. Idempotent.
  void stop();
  // Writes everything queued now, on the calling thread.
  void flush();

  [[nodiscard]] std::uint64_t dropped() const { return dropped_.load(); }
  [[nodiscard]] std::uint64_t written() const { return written_.load(); }
  [[nodiscard]] std::size_t depth() const;
  // Prometheus text of the pipeline's counters, gauge and flush histogram.
  void append_metrics(std::string& out) const;

 private:
  void run();
  void observe_flush(std::chrono::duration<double> seconds);

  Store& store_;
  ClickPipelineOptions options_;
  struct alignas(64) Queue {
    mutable std::mutex mutex;
    std::vector<ClickRecord> records;  // guarded by mutex
  };
  std::vector<Queue> queues_;
  std::mutex flush_mutex_;          // one flush at a time
  std::vector<ClickRecord> retry_;  // guarded by flush_mutex_: a batch that failed to write
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by wake_mutex_
  std::thread writer_;

  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> written_{0};
  std::atomic<std::uint64_t> failed_flushes_{0};
  static constexpr std::array<double, 9> kFlushBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025,
                                                          0.05,  0.1,    0.25,  1.0};
  std::array<std::atomic<std::uint64_t>, kFlushBuckets.size() + 1> flush_buckets_{};
  std::atomic<std::uint64_t> flush_count_{0};
  std::atomic<std::uint64_t> flush_micros_{0};
};

}  // namespace sequencial::clicks
