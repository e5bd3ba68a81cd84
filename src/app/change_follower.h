// Change propagation between nodes sharing one database: a background thread
// listens on the store's change feed (PostgreSQL LISTEN/NOTIFY) and reloads
// what another node changed: links and centrals into the Catalog (routers
// keep their cursors), anything else through `on_other` (caches of tokens,
// users, settings). A change is live here well within a second of its commit.
//
// When the feed's connection is lost, the database is marked down and the
// follower reconnects with exponential backoff; once connected again it
// reloads everything (notifications sent meanwhile are gone) and marks the
// database up. It also reconnects when some other part of the node marked
// the database down, which is how the node notices the database is back.
//
// On a single node (SQLite: no change feed) no thread is started.
//
// Thread-safety: start/stop from the controlling thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "app/database_health.h"
#include "domain/catalog.h"
#include "storage/change_feed.h"

namespace sequencial::app {

struct ChangeFollowerOptions {
  std::chrono::milliseconds poll{250};  // longest wait on the feed between checks
  std::chrono::milliseconds min_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
};

class ChangeFollower {
 public:
  ChangeFollower(ChangeFeed& store, domain::Catalog& catalog, DatabaseHealth& health,
                 std::function<void(const std::string&)> on_other, ChangeFollowerOptions options);
  ~ChangeFollower();
  ChangeFollower(const ChangeFollower&) = delete;
  ChangeFollower& operator=(const ChangeFollower&) = delete;

  // Opens the feed. False when the backend has none (a single node); an
  // error opening it counts as a shared backend that is down for now.
  [[nodiscard]] bool open();
  // Starts the thread (only after open() returned true).
  void start();
  // Joins the thread. Idempotent.
  void stop();

 private:
  void run();
  // Reconnects and reloads in full; false while the database is unreachable.
  bool reconnect();
  // True when stop() was called during the wait.
  bool sleep_for(std::chrono::milliseconds duration);

  ChangeFeed& store_;
  domain::Catalog& catalog_;
  DatabaseHealth& health_;
  std::function<void(const std::string&)> on_other_;
  ChangeFollowerOptions options_;
  std::unique_ptr<ChangeListener> listener_;  // used by the thread only, after open()
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace sequencial::app
