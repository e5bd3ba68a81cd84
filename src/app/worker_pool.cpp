// The bounded worker pool (see worker_pool.h).
#include "app/worker_pool.h"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <exception>

namespace sequencial::app {

WorkerPool::WorkerPool(WorkerPoolOptions options) : options_(std::move(options)) {
  threads_.reserve(options_.threads);
  for (std::size_t i = 0; i < options_.threads; ++i) {
    threads_.emplace_back([this, i] { run(i); });
  }
}

WorkerPool::~WorkerPool() { stop(); }

bool WorkerPool::submit(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || tasks_.size() >= options_.queue_capacity) {
      ++rejected_;
      return false;
    }
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
  return true;
}

void WorkerPool::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

std::size_t WorkerPool::queued() const {
  std::lock_guard lock(mutex_);
  return tasks_.size();
}

std::uint64_t WorkerPool::rejected() const {
  std::lock_guard lock(mutex_);
  return rejected_;
}

void WorkerPool::run(std::size_t index) {
  char name[16];
  std::snprintf(name, sizeof name, "%.11s-%zu", options_.name.c_str(), index);
  pthread_setname_np(pthread_self(), name);
  // On Linux niceness is per thread: this lowers only the worker.
  if (options_.nice != 0)
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), options_.nice);
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping, and everything queued has run
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    try {
      task();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "worker %s: task threw: %s\n", name, e.what());
    }
  }
}

}  // namespace sequencial::app
