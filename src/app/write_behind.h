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
// Thread-safety: record() from event loop `loop` only (one queue each);
// start/stop/flush from the controlling thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "domain/catalog.h"
#include "routing/assignment_table.h"
#include "storage/store.h"

namespace sequencial::app {

struct WriteBehindOptions {
  std::chrono::milliseconds flush_interval{100};
  std::chrono::days assignment_retention{180};
  std::chrono::days click_retention{400};  // raw clicks; reports (rollups) are kept
  std::chrono::minutes purge_interval{60};
};

class WriteBehind {
 public:
  WriteBehind(Store& store, domain::Catalog& catalog, routing::AssignmentTable& assignments,
              const Clock& clock, std::size_t loops, WriteBehindOptions options);
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
  void run();

  Store& store_;
  domain::Catalog& catalog_;
  routing::AssignmentTable& assignments_;
  const Clock& clock_;
  WriteBehindOptions options_;
  struct alignas(64) Queue {
    std::mutex mutex;
    std::vector<Assignment> pending;  // guarded by mutex
  };
  std::vector<Queue> queues_;
  std::mutex flush_mutex_;  // one flush at a time
  // Guarded by flush_mutex_: assignments the store refused, retried next flush.
  static constexpr std::size_t kMaxRetry = 1 << 18;
  std::vector<Assignment> retry_;
  std::uint64_t failed_flushes_ = 0;
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by wake_mutex_
  std::thread thread_;
};

}  // namespace sequencial::app
