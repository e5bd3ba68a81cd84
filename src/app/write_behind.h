// Write-behind persistence for state the redirect path changes: visitor
// assignments (atendimento fixo) and rotation cursors. Event loops hand
// assignments over through per-loop queues and return at once; one
// background thread writes them in batches every flush interval, saves the
// cursors that moved, and purges assignments and raw clicks past their
// retention.
//
// Durability: a graceful stop() writes everything. Assignments the store
// refuses (database down) are retried at every flush, up to 262,144. After
// a crash at most the last flush interval of assignments is lost, and a
// cursor at most that stale, which costs no member more than one turn (see
// rotation.h).
//
// The queues are a core/per_loop_batches.h and the thread a
// core/flush_thread.h, the same mechanism as the click pipeline
// (clicks/click_pipeline.h).
//
// Thread-safety: record() from event loop `loop` only (one queue each);
// start/stop/flush from the controlling thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "core/clock.h"
#include "core/flush_thread.h"
#include "core/per_loop_batches.h"
#include "domain/catalog.h"
#include "routing/assignment_table.h"
#include "storage/assignment_store.h"
#include "storage/click_store.h"
#include "storage/link_store.h"

namespace sequencial::app {

struct WriteBehindOptions {
  std::chrono::milliseconds flush_interval{100};
  std::chrono::days assignment_retention{180};
  std::chrono::days click_retention{400};  // raw clicks; reports (rollups) are kept
  std::chrono::minutes purge_interval{60};
};

// The storage roles write-behind writes to (one Store is all three).
struct WriteBehindStores {
  AssignmentStore& assignments;  // saved in batches, purged past their retention
  LinkStore& cursors;            // the rotation cursors that moved
  ClickStore& clicks;            // raw clicks purged past their retention
};

class WriteBehind {
 public:
  WriteBehind(WriteBehindStores stores, domain::Catalog& catalog,
              routing::AssignmentTable& assignments, const Clock& clock, std::size_t loops,
              WriteBehindOptions options);
  ~WriteBehind();
  WriteBehind(const WriteBehind&) = delete;
  WriteBehind& operator=(const WriteBehind&) = delete;

  void record(std::size_t loop, const Assignment& assignment);
  void start();
  // Writes everything pending and joins the thread. Idempotent.
  void stop();
  // Writes everything pending now (on the calling thread).
  void flush();
  // Deletes assignments last seen before now - assignment retention, and
  // raw clicks older than now - click retention.
  void purge();

 private:
  // One step of the thread: flush, and purge when the purge interval ended.
  bool flush_and_purge();

  WriteBehindStores stores_;
  domain::Catalog& catalog_;
  routing::AssignmentTable& assignments_;
  const Clock& clock_;
  WriteBehindOptions options_;
  PerLoopBatches<Assignment> queues_;
  std::mutex flush_mutex_;  // one flush at a time
  // Guarded by flush_mutex_: assignments the store refused, retried next flush.
  static constexpr std::size_t kMaxRetry = 1 << 18;
  std::vector<Assignment> retry_;
  std::uint64_t failed_flushes_ = 0;
  std::chrono::steady_clock::time_point next_purge_{};  // the thread's own
  FlushThread thread_;                                  // last: it runs flush() until stop()
};

}  // namespace sequencial::app
