// FlakyClickStore: a Store for click pipeline tests. Every method goes to a
// real store, except the click writes, which a test can make fail: the whole
// database unreachable (kUnavailable, clicks_marked included), any batch
// holding a record whose utm_source is "poison" refused (kInternal, like a
// value PostgreSQL cannot store), or the acknowledgement lost after the
// commit (`lose_ack`: the batch is stored, then kUnavailable, as when
// PostgreSQL stops during the COMMIT). It remembers the markers of the
// batches it stored and answers clicks_marked from them, as PostgreSQL's
// click_batches does. It counts click write calls.
//
// Thread-safety: the switches are atomics, the markers under a mutex; the
// rest is the inner store's.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>

#include "../support/forwarding_store.h"

namespace sequencial::clicks {

class FlakyClickStore final : public test_support::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;

  std::atomic<bool> down{false};
  std::atomic<bool> lose_ack{false};
  std::atomic<int> insert_calls{0};

  Result<void> insert_clicks(std::span<const ClickRecord> batch,
                             std::span<const RollupDelta> rollups) override {
    return write(batch, rollups, std::nullopt);
  }
  Result<void> insert_marked_clicks(std::span<const ClickRecord> batch,
                                    std::span<const RollupDelta> rollups,
                                    std::uint64_t marker) override {
    return write(batch, rollups, marker);
  }
  Result<bool> clicks_marked(std::uint64_t marker) override {
    if (down.load()) return fail(Error::unavailable("scripted outage"));
    std::lock_guard lock(mutex_);
    return markers_.contains(marker);
  }
  [[nodiscard]] std::size_t markers() {
    std::lock_guard lock(mutex_);
    return markers_.size();
  }

 private:
  Result<void> write(std::span<const ClickRecord> batch, std::span<const RollupDelta> rollups,
                     std::optional<std::uint64_t> marker) {
    ++insert_calls;
    if (down.load()) return fail(Error::unavailable("scripted outage"));
    for (const ClickRecord& c : batch) {
      if (c.utm_source == "poison") return fail(Error::internal("malformed array literal"));
    }
    if (auto ok = inner().insert_clicks(batch, rollups); !ok) return ok;
    if (marker) {
      std::lock_guard lock(mutex_);
      markers_.insert(*marker);
    }
    if (lose_ack.load()) return fail(Error::unavailable("server closed the connection"));
    return {};
  }

  std::mutex mutex_;
  std::set<std::uint64_t> markers_;  // guarded by mutex_
};

}  // namespace sequencial::clicks
