// A bounded pool of worker threads for everything that may block and is not
// the redirect itself: admin API calls (database reads and writes), logins
// (an Argon2id hash takes a few tenths of a second of CPU), reports, CSV
// exports and QR codes. The event loops hand work over with submit() and
// never wait for it: a full queue is refused at once (the caller answers
// 503), so a flood of slow calls costs memory bounded by the queue and
// never a loop's time.
//
// Threads may run at a lower CPU priority (`nice`), so that a burst of
// password hashes yields the cores to the event loops.
//
// Thread-safety: submit() from any thread; stop() from the controlling
// thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sequencial::app {

struct WorkerPoolOptions {
  std::string name = "sq-work";  // thread name prefix (at most 12 characters)
  std::size_t threads = 2;
  std::size_t queue_capacity = 256;  // tasks waiting, beyond those running
  int nice = 0;                      // added to the threads' CPU niceness
};

class WorkerPool {
 public:
  explicit WorkerPool(WorkerPoolOptions options);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; false when the queue is full or the pool stopped (the
  // task is not run).
  [[nodiscard]] bool submit(std::function<void()> task);
  // Runs what is queued, then joins the threads. Idempotent.
  void stop();

  [[nodiscard]] std::size_t queued() const;
  [[nodiscard]] std::uint64_t rejected() const;
  [[nodiscard]] const std::string& name() const { return options_.name; }

 private:
  void run(std::size_t index);

  const WorkerPoolOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;  // guarded by mutex_
  bool stopping_ = false;                    // guarded by mutex_
  std::uint64_t rejected_ = 0;               // guarded by mutex_
  std::vector<std::thread> threads_;
};

}  // namespace sequencial::app
