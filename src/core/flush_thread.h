// The background thread of a write-behind queue (core/per_loop_batches.h):
// it runs a flush step every interval, sooner when poked or when a
// condition it checks says the queues need it, at once again while the step
// reports more work ready, and on stop() joins and runs a last flush on the
// stopping thread. Used by the click pipeline (clicks/click_pipeline.h) and
// the write-behind of assignments (app/write_behind.h).
//
// Thread-safety: poke() from any thread (event loops included: it takes
// the wake mutex for a moment, never across a flush); start() and stop()
// from the owning thread. The step and the last flush never run at the same
// time as each other.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace sequencial {

class FlushThread {
 public:
  struct Steps {
    // One flush on the thread; true when more work is ready now (the
    // thread runs it again without waiting).
    std::function<bool()> flush;
    // The flush of stop(), on the stopping thread after the join.
    std::function<void()> last;
    // Checked under the wake mutex before waiting and on every wake-up:
    // true ends the wait early. Empty: only the interval, poke() and
    // stop() wake the thread.
    std::function<bool()> due;
  };

  FlushThread(std::chrono::milliseconds interval, Steps steps);
  ~FlushThread();
  FlushThread(const FlushThread&) = delete;
  FlushThread& operator=(const FlushThread&) = delete;

  void start();
  // Wakes the thread when `due` may have become true. Taking the wake mutex
  // first makes sure the thread is either waiting or will check `due`
  // before it waits, so the wake-up cannot be lost.
  void poke();
  // Joins the thread, then runs the last flush. Idempotent: once stopped,
  // later calls do nothing. Without start() it only runs the last flush.
  void stop();

 private:
  void run();

  std::chrono::milliseconds interval_;
  Steps steps_;
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by wake_mutex_
  std::thread thread_;
};

}  // namespace sequencial
