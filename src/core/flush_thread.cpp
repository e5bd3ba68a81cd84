// The write-behind flush thread (see flush_thread.h).
#include "core/flush_thread.h"

#include <utility>

namespace sequencial {

FlushThread::FlushThread(std::chrono::milliseconds interval, Steps steps)
    : interval_(interval), steps_(std::move(steps)) {}

FlushThread::~FlushThread() {
  // The owner's destructor normally stopped it already (its last flush
  // needs the owner's members); this only joins a thread left running.
  {
    std::lock_guard lock(wake_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void FlushThread::start() {
  thread_ = std::thread([this] { run(); });
}

void FlushThread::poke() {
  { std::lock_guard lock(wake_mutex_); }
  wake_.notify_one();
}

void FlushThread::stop() {
  {
    std::lock_guard lock(wake_mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (steps_.last) steps_.last();
}

void FlushThread::run() {
  std::unique_lock lock(wake_mutex_);
  bool more = false;
  while (!stopping_) {
    if (!more) {
      wake_.wait_for(lock, interval_, [&] { return stopping_ || (steps_.due && steps_.due()); });
    }
    lock.unlock();
    more = steps_.flush();
    lock.lock();
  }
}

}  // namespace sequencial
