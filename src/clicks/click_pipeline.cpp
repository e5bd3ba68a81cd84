// Per-loop click queues, the batching writer, its spool and the splitting
// of rejected batches (see click_pipeline.h).
#include "clicks/click_pipeline.h"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/prometheus_text.h"
#include "storage/rollups.h"

namespace sequencial::clicks {
namespace {

using SteadyClock = std::chrono::steady_clock;

// How long one writer step may replay the spool before it takes the new
// queued clicks again (they go behind the spool, so nothing reorders).
constexpr auto kReplayBudget = std::chrono::milliseconds(250);

}  // namespace

ClickPipeline::ClickPipeline(ClickStore& store, std::size_t loops, ClickPipelineOptions options)
    : store_(store),
      options_(std::move(options)),
      queues_(loops, options_.queue_capacity),
      writer_(options_.flush_interval,
              {.flush = [this] { return drain(false); },
               .last =
                   [this] {
                     drain(true);
                     log_in_doubt_left();
                     spdlog::info(
                         "event=click_pipeline_stopped written={} rejected={} spooled={} "
                         "spool_bytes={} dropped={}",
                         written_.load(), rejected_.load(), spooled_.load(), spool_bytes_.load(),
                         dropped_.load());
                   },
               .due = [this] { return queue_full(); }}) {
  // Markers of every node share click_batches: seeded from more than 32
  // bits, so that two nodes do not draw the same sequence.
  std::random_device device;
  std::seed_seq seed{device(), device(), device(), device(),
                     device(), device(), device(), device()};
  markers_.seed(seed);
  if (options_.spool_path.empty()) return;
  auto spool = ClickSpool::open(options_.spool_path);
  if (!spool) {
    // Without it the clicks the database cannot take are dropped (and
    // counted): loud, but the redirects go on.
    spdlog::error("event=click_spool_unusable path=\"{}\" error=\"{}\"",
                  options_.spool_path.string(), spool.error().message);
    spool_.emplace(ClickSpool::unusable(options_.spool_path, spool.error()));
    return;
  }
  spool_.emplace(std::move(*spool));
  if (spool_->skipped_bytes() > 0) {
    spdlog::error("event=click_spool_torn_tail path=\"{}\" skipped_bytes={}",
                  options_.spool_path.string(), spool_->skipped_bytes());
  }
  if (!spool_->empty()) {
    spdlog::warn("event=click_spool_found path=\"{}\" bytes={}", options_.spool_path.string(),
                 spool_->pending_bytes());
  }
  spool_bytes_.store(spool_->pending_bytes());
}

ClickPipeline::~ClickPipeline() { stop(); }

void ClickPipeline::push(std::size_t loop, ClickRecord&& record) {
  const std::size_t size = queues_.push(loop, std::move(record));
  // Wake the writer once per batch, and when the loop is about to pause
  // (rarely: at these two sizes only).
  if (size == options_.flush_batch || size == options_.queue_capacity) writer_.poke();
}

bool ClickPipeline::queue_full() const {
  return queues_.any_at_least(std::min(options_.flush_batch, options_.queue_capacity));
}

bool ClickPipeline::has_room(std::size_t loop) const { return queues_.has_room(loop); }

void ClickPipeline::start() { writer_.start(); }

void ClickPipeline::stop() { writer_.stop(); }

std::size_t ClickPipeline::depth() const {
  return held_size_.load(std::memory_order_relaxed) + queues_.size();
}

void ClickPipeline::flush() { (void)drain(false); }

std::vector<ClickRecord> ClickPipeline::take_queued() {
  std::vector<ClickRecord> batch = std::move(held_);
  held_.clear();
  held_size_.store(0, std::memory_order_relaxed);
  queues_.drain_into(batch);
  return batch;
}

bool ClickPipeline::drain(bool final) {
  std::lock_guard flush_lock(flush_mutex_);
  std::vector<ClickRecord> batch = take_queued();
  const bool resting = !final && unreachable_ && SteadyClock::now() < retry_at_;
  if (spool_ && !spool_->empty()) {
    // Behind what waits in the spool already: replay keeps the order.
    set_aside(batch);
    const bool progressed = !resting && replay(final);
    return progressed && !spool_->empty() && !unreachable_;
  }
  if (batch.empty()) return false;
  if (resting) {
    set_aside(batch);
    return false;
  }
  std::span<const ClickRecord> to_write(batch);
  if (in_doubt_) {
    // Without a spool: the records in doubt were held first, so they lead
    // `batch` (take_queued puts held_ first).
    const auto stored = ask_in_doubt();
    if (!stored) {
      set_aside(batch);
      return false;
    }
    if (*stored) {
      const std::size_t skip = std::min(in_doubt_->count, batch.size());
      written_.fetch_add(skip, std::memory_order_relaxed);
      to_write = to_write.subspan(skip);
    }
    in_doubt_.reset();
  }
  const auto started = SteadyClock::now();
  const std::size_t done = write(to_write);
  if (done < to_write.size()) {
    if (!set_aside(to_write.subspan(done))) in_doubt_.reset();  // dropped: nothing to ask
    return false;
  }
  observe_flush(SteadyClock::now() - started);
  database_back();
  return false;
}

std::size_t ClickPipeline::write(std::span<const ClickRecord> batch, bool top) {
  if (batch.empty()) return 0;
  const std::uint64_t marker = markers_();
  const auto ok = store_.insert_marked_clicks(batch, rollups_of(batch), marker);
  if (ok) {
    written_.fetch_add(batch.size(), std::memory_order_relaxed);
    return batch.size();
  }
  if (ok.error().code == ErrorCode::kUnavailable) {
    // Maybe committed all the same (the acknowledgement lost): the caller
    // sets these records aside first, and the next write asks first.
    in_doubt_ = InDoubt{marker, batch.size()};
    in_doubt_batches_.fetch_add(1, std::memory_order_relaxed);
    database_unreachable(ok.error());
    return 0;
  }
  if (batch.size() == 1) {
    const ClickRecord& c = batch.front();
    rejected_.fetch_add(1, std::memory_order_relaxed);
    spdlog::error(
        "event=click_rejected at={} link_id={} entry_link_id={} central_id={} ref={} "
        "error=\"{}\"",
        c.at.time_since_epoch().count(), c.link_id, c.entry_link_id, c.central_id, c.ref,
        ok.error().message);
    return 1;
  }
  // Split: the good rows go in, the bad ones end up alone (logged once per
  // batch, not per half).
  failed_flushes_.fetch_add(1, std::memory_order_relaxed);
  if (top) {
    spdlog::warn("event=clicks_batch_rejected count={} action=split error=\"{}\"", batch.size(),
                 ok.error().message);
  }
  const std::size_t half = batch.size() / 2;
  const std::size_t left = write(batch.first(half), false);
  if (left < half) return left;
  return half + write(batch.subspan(half), false);
}

std::optional<bool> ClickPipeline::ask_in_doubt() {
  const auto stored = store_.clicks_marked(in_doubt_->marker);
  if (stored) {
    spdlog::info("event=clicks_in_doubt_resolved marker={} count={} stored={}", in_doubt_->marker,
                 in_doubt_->count, *stored);
    database_back();
    return *stored;
  }
  if (stored.error().code == ErrorCode::kUnavailable) {
    database_unreachable(stored.error());
    return std::nullopt;
  }
  // The question itself refused (not an outage): write the batch again, as
  // without markers; a duplicate is better than a lost click.
  spdlog::error("event=clicks_in_doubt_unresolved marker={} count={} action=rewrite error=\"{}\"",
                in_doubt_->marker, in_doubt_->count, stored.error().message);
  return false;
}

void ClickPipeline::log_in_doubt_left() {
  std::lock_guard flush_lock(flush_mutex_);
  if (!in_doubt_) return;
  spdlog::warn("event=clicks_in_doubt_left marker={} count={} spool=\"{}\"", in_doubt_->marker,
               in_doubt_->count, spool_ ? spool_->path().string() : std::string("(memory)"));
}

std::optional<std::size_t> ClickPipeline::skip_in_doubt() {
  const auto stored = ask_in_doubt();
  if (!stored) return std::nullopt;
  std::size_t skipped = 0;
  if (*stored) {
    // Already in the database: the records at the spool's head are
    // committed as replayed, without writing them.
    auto chunk = spool_->read(in_doubt_->count);
    if (!chunk) {
      spdlog::error("event=click_spool_read_failed error=\"{}\"", chunk.error().message);
      return std::nullopt;
    }
    skipped = chunk->records.size();
    if (skipped > 0) {
      written_.fetch_add(skipped, std::memory_order_relaxed);
      if (auto ok = spool_->commit(chunk->ends.back()); !ok) {
        spdlog::error("event=click_spool_offset_failed error=\"{}\"", ok.error().message);
      }
      spool_bytes_.store(spool_->pending_bytes());
    }
  }
  in_doubt_.reset();
  return skipped;
}

bool ClickPipeline::replay(bool final) {
  const auto deadline = SteadyClock::now() + kReplayBudget;
  std::size_t skipped = 0;
  if (in_doubt_) {
    const auto resolved = skip_in_doubt();
    if (!resolved) return false;
    skipped = *resolved;
  }
  std::uint64_t replayed = 0;
  while (!spool_->empty()) {
    auto chunk = spool_->read(options_.flush_batch);
    if (!chunk) {
      spdlog::error("event=click_spool_read_failed error=\"{}\"", chunk.error().message);
      break;
    }
    if (chunk->records.empty()) continue;  // a torn tail, now skipped
    const std::size_t done = write(chunk->records);
    if (done > 0) {
      replayed += done;
      if (auto ok = spool_->commit(chunk->ends[done - 1]); !ok) {
        // The offset is kept in memory all the same: only a restart could
        // replay these records again.
        spdlog::error("event=click_spool_offset_failed error=\"{}\"", ok.error().message);
      }
    }
    spool_bytes_.store(spool_->pending_bytes());
    if (done < chunk->records.size()) break;  // unreachable again
    database_back();
    if (!final && SteadyClock::now() > deadline) break;
  }
  if (replayed > 0) {
    spdlog::info("event=click_spool_replayed count={} bytes_left={}", replayed,
                 spool_->pending_bytes());
  }
  return replayed > 0 || skipped > 0;
}

bool ClickPipeline::set_aside(std::span<const ClickRecord> records) {
  if (records.empty()) return true;
  if (!spool_) {
    held_.insert(held_.end(), records.begin(), records.end());
    held_size_.store(held_.size(), std::memory_order_relaxed);
    return true;
  }
  if (auto ok = spool_->append(records); !ok) {
    dropped_.fetch_add(records.size(), std::memory_order_relaxed);
    spdlog::error("event=clicks_dropped count={} reason=spool_refused path=\"{}\" error=\"{}\"",
                  records.size(), spool_->path().string(), ok.error().message);
    return false;
  }
  spooled_.fetch_add(records.size(), std::memory_order_relaxed);
  spool_bytes_.store(spool_->pending_bytes());
  return true;
}

void ClickPipeline::database_back() {
  if (!unreachable_) return;
  unreachable_ = false;
  spdlog::info("event=clicks_database_back");
}

void ClickPipeline::database_unreachable(const Error& error) {
  failed_flushes_.fetch_add(1, std::memory_order_relaxed);
  retry_at_ = SteadyClock::now() + options_.retry_delay;
  if (!unreachable_) {
    unreachable_ = true;
    spdlog::warn("event=clicks_database_unreachable spool=\"{}\" error=\"{}\"",
                 spool_ ? spool_->path().string() : std::string("(memory)"), error.message);
  }
}

void ClickPipeline::observe_flush(std::chrono::duration<double> seconds) {
  std::size_t bucket = 0;
  while (bucket < kFlushBuckets.size() && seconds.count() > kFlushBuckets[bucket]) ++bucket;
  flush_buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  flush_count_.fetch_add(1, std::memory_order_relaxed);
  flush_micros_.fetch_add(static_cast<std::uint64_t>(seconds.count() * 1e6),
                          std::memory_order_relaxed);
}

void ClickPipeline::append_metrics(std::string& out) const {
  append_counter(out, "sequencial_clicks_written_total", "Click records written to the database.",
                 written_.load());
  append_counter(out, "sequencial_clicks_dropped_total",
                 "Click records lost: the local disk refused the spool.", dropped_.load());
  append_counter(out, "sequencial_clicks_rejected_total",
                 "Click records the database refused to store (logged one by one).",
                 rejected_.load());
  append_counter(out, "sequencial_clicks_spooled_total",
                 "Click records written to the local spool while the database was unreachable.",
                 spooled_.load());
  append_gauge(out, "sequencial_click_spool_bytes", "Bytes of the local spool not yet replayed.",
               spool_bytes_.load());
  append_counter(out, "sequencial_click_flush_failures_total",
                 "Batches the database refused (split or spooled).", failed_flushes_.load());
  append_counter(out, "sequencial_click_batches_in_doubt_total",
                 "Batches whose write failed as unreachable and may have been committed all the "
                 "same (asked by marker before writing them again).",
                 in_doubt_batches_.load());
  append_gauge(out, "sequencial_click_queue_depth",
               "Click records waiting in memory to be written.", depth());
  append_metric_header(out, "histogram", "sequencial_click_flush_seconds",
                       "Time to write one batch of clicks.");
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
