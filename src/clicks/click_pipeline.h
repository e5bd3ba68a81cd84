// The click pipeline: the redirect path hands each ClickRecord to a
// per-event-loop queue and answers at once; one writer thread gathers the
// queues and writes them to the Store in one transaction per batch (group
// commit), with their per-hour rollups.
//
// Guarantees:
//  - no click is thrown away while the process runs. push() always keeps
//    the record. Memory stays bounded by backpressure, not by dropping: the
//    HTTP edge stops reading new requests on a loop while has_room(loop) is
//    false, so a queue holds at most its capacity plus what the requests
//    already read on that loop add (a bounded number);
//  - the database unreachable (kUnavailable: down, or locked past the busy
//    timeout): the writer appends what it cannot write to the local spool
//    file (clicks/click_spool.h), so the queues keep draining, and while the
//    spool is not empty every new batch goes behind it. When the database
//    answers again the spool is replayed in order, each record once, and
//    removed. Only a spool the local disk refuses loses clicks: they are
//    counted in clicks_dropped_total and logged at error level;
//  - each record stored once, even when the database committed a batch but
//    the acknowledgement was lost (PostgreSQL stopped during the COMMIT):
//    every insert carries a fresh random batch marker stored in its
//    transaction (storage/click_store.h). The writer remembers the marker
//    and size of the batch that failed with kUnavailable (those records are
//    the first ones set aside: the head of the spool, or of the records held
//    in memory) and, before its next write, asks the database whether that
//    marker is stored: yes, the records are skipped and counted as written;
//    no, they are written again; no answer, the writer keeps resting. Only
//    a double fault can still store a batch twice: a stop while a batch is
//    in doubt and the database still unreachable leaves its records in the
//    spool (logged as clicks_in_doubt_left), and the next run, which no
//    longer knows the marker, replays them;
//  - a batch the database rejects for another reason (a value it cannot
//    store, a constraint) is split in halves until the bad rows are alone:
//    the good rows are written, each bad one is logged with the reason and
//    counted in clicks_rejected_total, never retried;
//  - stop() writes or spools everything queued before it returns (graceful
//    shutdown loses no click that got a redirect);
//  - a batch is written at least every flush_interval (default 200 ms), or
//    sooner when a queue reaches flush_batch records or its capacity: after
//    kill -9 at most the last flush interval of clicks is missing.
//
// The queues are a core/per_loop_batches.h, the writer a core/flush_thread.h
// (the same mechanism as app/write_behind.h). The writer thread does every
// database and spool write; flush() does them on the calling thread, which
// therefore must not be an event loop. Either way under the flush mutex,
// which also guards the marker generator and the batch in doubt.
//
// Thread-safety: push(loop) and has_room(loop) from event loop `loop` only;
// the rest from any thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "clicks/click_spool.h"
#include "core/click.h"
#include "core/flush_thread.h"
#include "core/per_loop_batches.h"
#include "storage/click_store.h"

namespace sequencial::clicks {

struct ClickPipelineOptions {
  std::size_t queue_capacity = 65536;  // records per event loop before has_room() says no
  std::size_t flush_batch = 4096;      // wake the writer when a queue holds this many
  std::chrono::milliseconds flush_interval{200};
  // The spool file; empty: no spool, and what the database cannot take
  // waits in memory (for tests and tools; the server always has one).
  std::filesystem::path spool_path;
  // After the database was found unreachable, how long new batches go
  // straight to the spool before the writer tries the database again.
  std::chrono::milliseconds retry_delay{500};
};

class ClickPipeline {
 public:
  ClickPipeline(ClickStore& store, std::size_t loops, ClickPipelineOptions options);
  ~ClickPipeline();
  ClickPipeline(const ClickPipeline&) = delete;
  ClickPipeline& operator=(const ClickPipeline&) = delete;

  // Queues a record. Never refuses one: a queue at or past its capacity
  // still takes it (see has_room) and wakes the writer.
  void push(std::size_t loop, ClickRecord&& record);
  // Whether loop `loop`'s queue is below its capacity: a relaxed atomic
  // read, no lock. The edge stops reading requests on the loop while false.
  [[nodiscard]] bool has_room(std::size_t loop) const;

  void start();
  // Writes (or spools) everything queued and joins the writer. Idempotent.
  void stop();
  // Writes everything queued now, on the calling thread (never an event loop).
  void flush();

  [[nodiscard]] std::uint64_t dropped() const { return dropped_.load(); }
  [[nodiscard]] std::uint64_t written() const { return written_.load(); }
  [[nodiscard]] std::uint64_t rejected() const { return rejected_.load(); }
  [[nodiscard]] std::uint64_t spooled() const { return spooled_.load(); }
  [[nodiscard]] std::uint64_t spool_bytes() const { return spool_bytes_.load(); }
  [[nodiscard]] std::size_t depth() const;
  // Prometheus text of the pipeline's counters, gauges and flush histogram.
  void append_metrics(std::string& out) const;

 private:
  // Some queue reached the batch size or its capacity (the writer must not
  // sleep through it: its loop may be paused).
  [[nodiscard]] bool queue_full() const;
  // One writer step; `final` (stop) ignores the retry delay and the replay
  // budget. Returns true when spooled work is left that the database could
  // take now.
  bool drain(bool final);
  std::vector<ClickRecord> take_queued();
  // Writes `batch` in order, splitting rejected batches; returns how many
  // records from the front were written or rejected (fewer than all when
  // the database became unreachable). `top`: a whole batch, not a half.
  std::size_t write(std::span<const ClickRecord> batch, bool top = true);
  // Asks the database about the batch in doubt. nullopt: no answer (the
  // writer rests); otherwise whether it is stored. Leaves in_doubt_ set.
  std::optional<bool> ask_in_doubt();
  // Resolves the batch in doubt at the spool's head before a replay: skips
  // its records when stored. Returns how many were skipped; nullopt when
  // the database (or the spool) did not answer, and the batch stays in doubt.
  std::optional<std::size_t> skip_in_doubt();
  void log_in_doubt_left();
  // Resolves the batch in doubt, then replays the spool until it is empty,
  // the database fails or the budget ends; true when some records were
  // replayed or skipped.
  bool replay(bool final);
  // Keeps records the database cannot take now: in the spool, or in memory
  // without one. False when the spool refused them (dropped, counted).
  bool set_aside(std::span<const ClickRecord> records);
  void database_unreachable(const Error& error);
  // The database answered again (a write, or the question about a batch in
  // doubt): logged once per outage.
  void database_back();
  void observe_flush(std::chrono::duration<double> seconds);

  ClickStore& store_;
  ClickPipelineOptions options_;
  PerLoopBatches<ClickRecord> queues_;

  std::mutex flush_mutex_;  // one drain at a time; guards the members below
  std::optional<ClickSpool> spool_;
  std::vector<ClickRecord> held_;  // without a spool: what the database could not take
  std::chrono::steady_clock::time_point retry_at_{};
  bool unreachable_ = false;
  std::mt19937_64 markers_;  // seeded from std::random_device (256 bits)
  // The last batch that failed with kUnavailable: it may have been committed
  // all the same. Its records are the first `count` set aside.
  struct InDoubt {
    std::uint64_t marker = 0;
    std::size_t count = 0;
  };
  std::optional<InDoubt> in_doubt_;

  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> written_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<std::uint64_t> spooled_{0};
  std::atomic<std::uint64_t> spool_bytes_{0};
  std::atomic<std::size_t> held_size_{0};
  std::atomic<std::uint64_t> failed_flushes_{0};
  std::atomic<std::uint64_t> in_doubt_batches_{0};
  static constexpr std::array<double, 9> kFlushBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025,
                                                          0.05,  0.1,    0.25,  1.0};
  std::array<std::atomic<std::uint64_t>, kFlushBuckets.size() + 1> flush_buckets_{};
  std::atomic<std::uint64_t> flush_count_{0};
  std::atomic<std::uint64_t> flush_micros_{0};

  FlushThread writer_;  // last: it runs drain() until stop()
};

}  // namespace sequencial::clicks
