// FlakyClickStore: a Store for click pipeline tests. Every method goes to a
// real store, except insert_clicks, which a test can make fail: the whole
// database unreachable (kUnavailable), or any batch holding a record whose
// utm_source is "poison" refused (kInternal, like a value PostgreSQL cannot
// store). It counts insert_clicks calls.
//
// Thread-safety: the switches are atomics; the rest is the inner store's.
#pragma once

#include <atomic>
#include <memory>

#include "../support/forwarding_store.h"

namespace sequencial::clicks {

class FlakyClickStore final : public test_support::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;

  std::atomic<bool> down{false};
  std::atomic<int> insert_calls{0};

  Result<void> insert_clicks(std::span<const ClickRecord> batch,
                             std::span<const RollupDelta> rollups) override {
    ++insert_calls;
    if (down.load()) return fail(Error::unavailable("scripted outage"));
    for (const ClickRecord& c : batch) {
      if (c.utm_source == "poison") return fail(Error::internal("malformed array literal"));
    }
    return inner().insert_clicks(batch, rollups);
  }
};

}  // namespace sequencial::clicks
