// Whether the database is reachable, as last seen by this node. Any store
// call that fails with kUnavailable marks it down; the change follower (which
// reconnects with backoff) marks it up again once a new connection works.
// While it is down the redirect path does not ask the database anything
// (rotation uses the node-local cursor), so an outage costs no redirect a
// connection timeout. Exported as the gauge sequencial_database_up and shown
// by /readyz.
//
// Thread-safety: safe for concurrent use (one atomic flag).
#pragma once

#include <atomic>
#include <string>

#include "core/error.h"
#include "core/prometheus_text.h"

namespace sequencial::app {

class DatabaseHealth {
 public:
  [[nodiscard]] bool up() const { return up_.load(std::memory_order_relaxed); }
  void mark_up() { up_.store(true, std::memory_order_relaxed); }
  // Marks the database down when `error` says it is unreachable.
  void report(const Error& error) {
    if (error.code == ErrorCode::kUnavailable) up_.store(false, std::memory_order_relaxed);
  }
  void append_metrics(std::string& out) const {
    append_gauge(out, "sequencial_database_up",
                 "Whether this node reaches the database (1) or not (0).", up() ? 1 : 0);
  }

 private:
  std::atomic<bool> up_{true};
};

}  // namespace sequencial::app
