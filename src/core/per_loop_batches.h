// Per-event-loop batching queues: each event loop appends to its own queue
// (its own mutex and vector on their own cache line, so loops never contend
// with each other), and one background thread takes every queue at once to
// write the items in one batch. Used by the click pipeline
// (clicks/click_pipeline.h) and the write-behind of assignments
// (app/write_behind.h); core/flush_thread.h is the thread that drains them.
//
// push() costs one uncontended lock and one vector append (no allocation
// once the vector has grown: drain_into() leaves each queue a reserve the
// size of what it took, up to the capacity). The capacity does not bound a
// queue: push() never refuses an item; has_room() tells the producer to
// stop producing (backpressure) instead.
//
// Thread-safety: every method from any thread. A queue keeps the order of
// its pushes; loop indexes at or past `loops` share one spare queue, for
// callers that are not event loops.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <iterator>
#include <limits>
#include <mutex>
#include <utility>
#include <vector>

namespace sequencial {

template <typename T>
class PerLoopBatches {
 public:
  static constexpr std::size_t kUnbounded = std::numeric_limits<std::size_t>::max();

  // `loops` queues plus the spare one; has_room() is false from `capacity`
  // items on.
  explicit PerLoopBatches(std::size_t loops, std::size_t capacity = kUnbounded)
      : capacity_(capacity), queues_(loops + 1) {}

  // Appends `item` to loop `loop`'s queue; returns that queue's size after.
  std::size_t push(std::size_t loop, T&& item) { return append(loop, std::move(item)); }
  std::size_t push(std::size_t loop, const T& item) { return append(loop, item); }

  // Whether loop `loop`'s queue is below the capacity: a relaxed atomic
  // read, no lock.
  [[nodiscard]] bool has_room(std::size_t loop) const {
    return queue(loop).size.load(std::memory_order_relaxed) < capacity_;
  }
  // Whether some queue holds at least `count` items (relaxed reads).
  [[nodiscard]] bool any_at_least(std::size_t count) const {
    return std::ranges::any_of(
        queues_, [&](const Queue& q) { return q.size.load(std::memory_order_relaxed) >= count; });
  }
  // Items queued in all queues (relaxed reads: a snapshot for metrics).
  [[nodiscard]] std::size_t size() const {
    std::size_t n = 0;
    for (const auto& q : queues_) n += q.size.load(std::memory_order_relaxed);
    return n;
  }
  [[nodiscard]] std::size_t capacity() const { return capacity_; }

  // Moves every queued item to the end of `out`, queue after queue, each
  // in the order it was pushed, and empties the queues. When `out` is empty
  // the first queue's vector is taken whole (no copy).
  void drain_into(std::vector<T>& out) {
    for (auto& q : queues_) {
      std::vector<T> taken;
      {
        std::lock_guard lock(q.mutex);
        taken.swap(q.items);
        q.items.reserve(std::min(taken.size(), capacity_));
        q.size.store(0, std::memory_order_relaxed);
      }
      if (out.empty()) {
        out = std::move(taken);
      } else {
        std::move(taken.begin(), taken.end(), std::back_inserter(out));
      }
    }
  }

 private:
  struct alignas(64) Queue {
    std::mutex mutex;
    std::vector<T> items;              // guarded by mutex
    std::atomic<std::size_t> size{0};  // items.size(), read without the lock
  };

  template <typename U>
  std::size_t append(std::size_t loop, U&& item) {
    Queue& q = queue(loop);
    std::lock_guard lock(q.mutex);
    q.items.push_back(std::forward<U>(item));
    const std::size_t size = q.items.size();
    q.size.store(size, std::memory_order_relaxed);
    return size;
  }
  Queue& queue(std::size_t loop) {
    return queues_[loop < queues_.size() ? loop : queues_.size() - 1];
  }
  [[nodiscard]] const Queue& queue(std::size_t loop) const {
    return queues_[loop < queues_.size() ? loop : queues_.size() - 1];
  }

  std::size_t capacity_;
  std::vector<Queue> queues_;
};

}  // namespace sequencial
