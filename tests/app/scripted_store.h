// A Store for node tests: every method goes to a real SQLite store, except
// the shared-state ones, which a test scripts: rotation tickets (a counter
// per central, starting at 0, as PostgreSQL's sequence per central),
// assignment claims, and the change feed (open failures and a listener fed
// from the test). While down (set_down) every method fails with
// kUnavailable, as every call to an unreachable PostgreSQL does.
//
// Thread-safety: the scripted parts are guarded by one mutex; the rest is the
// SQLite store's.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>

#include "../support/forwarding_store.h"

namespace sequencial::app {

class ScriptedStore final : public test_support::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;

  // ---- the script ----
  void set_down(bool down) {
    std::lock_guard lock(mu_);
    down_ = down;
    if (down) ++generation_;  // the open listener loses its connection
    cv_.notify_all();
  }
  void notify(std::string payload) {
    std::lock_guard lock(mu_);
    pending_.push_back(std::move(payload));
    cv_.notify_all();
  }
  int ticket_calls() const {
    std::lock_guard lock(mu_);
    return ticket_calls_;
  }
  int listeners_opened() const {
    std::lock_guard lock(mu_);
    return listeners_opened_;
  }
  // While frozen, answer_routing waits (as a SIGSTOPped server would).
  void set_frozen(bool frozen) {
    std::lock_guard lock(mu_);
    frozen_ = frozen;
    cv_.notify_all();
  }
  // The next answer_routing waits until release_held() (one slow batch).
  void hold_next_batch() {
    std::lock_guard lock(mu_);
    hold_next_ = true;
  }
  void release_held() {
    std::lock_guard lock(mu_);
    hold_next_ = false;
    holding_ = false;
    cv_.notify_all();
  }
  // While set, the rows of claimed tickets are reported as not stored.
  void set_claimed_rows_fail(bool fail) {
    std::lock_guard lock(mu_);
    claimed_rows_fail_ = fail;
  }
  int routing_batches() const {
    std::lock_guard lock(mu_);
    return routing_batches_;
  }

  // ---- scripted ----
  Result<std::optional<std::uint64_t>> next_rotation_ticket(CentralId central) override {
    std::lock_guard lock(mu_);
    ++ticket_calls_;
    if (down_) return fail(Error::unavailable("scripted outage"));
    return std::optional<std::uint64_t>(next_ticket_[central]++);
  }
  std::vector<Result<void>> answer_routing(const RoutingQueries& queries,
                                           std::chrono::milliseconds timeout,
                                           const RoutingAnswered& answered) override {
    {
      std::unique_lock lock(mu_);
      ++routing_batches_;
      if (hold_next_) {
        hold_next_ = false;
        holding_ = true;
        cv_.wait(lock, [&] { return !holding_; });
      }
      cv_.wait(lock, [&] { return !frozen_; });
    }
    auto stored = AssignmentStore::answer_routing(queries, timeout, answered);
    std::lock_guard lock(mu_);
    if (claimed_rows_fail_) {
      for (auto& one : stored) one = fail(Error::unavailable("scripted: rows not stored"));
    }
    return stored;
  }
  Result<std::unique_ptr<ChangeListener>> open_change_listener() override {
    std::lock_guard lock(mu_);
    if (down_) return fail(Error::unavailable("scripted outage"));
    ++listeners_opened_;
    return std::unique_ptr<ChangeListener>(new Listener(*this, generation_));
  }
  Result<Assignment> claim_assignment(const Assignment& a) override {
    {
      std::lock_guard lock(mu_);
      if (down_) return fail(Error::unavailable("scripted outage"));
    }
    return inner().claim_assignment(a);
  }

 protected:
  // Every forwarded method fails while down.
  std::optional<Error> refusal() override {
    if (is_down()) return Error::unavailable("scripted outage");
    return std::nullopt;
  }

 private:
  class Listener final : public ChangeListener {
   public:
    Listener(ScriptedStore& store, int generation) : store_(store), generation_(generation) {}
    Result<std::vector<std::string>> wait(std::chrono::milliseconds timeout) override {
      std::unique_lock lock(store_.mu_);
      store_.cv_.wait_for(lock, timeout, [&] {
        return store_.generation_ != generation_ || !store_.pending_.empty();
      });
      if (store_.generation_ != generation_) {
        return fail(Error::unavailable("scripted: listener connection lost"));
      }
      std::vector<std::string> out(store_.pending_.begin(), store_.pending_.end());
      store_.pending_.clear();
      return out;
    }

   private:
    ScriptedStore& store_;
    int generation_;
  };

  bool is_down() const {
    std::lock_guard lock(mu_);
    return down_;
  }

  mutable std::mutex mu_;
  std::condition_variable cv_;
  // Guarded by mu_:
  bool down_ = false;
  int generation_ = 0;
  std::deque<std::string> pending_;
  std::map<CentralId, std::uint64_t> next_ticket_;
  int ticket_calls_ = 0;
  int listeners_opened_ = 0;
  bool frozen_ = false;
  int routing_batches_ = 0;
  bool claimed_rows_fail_ = false;
  bool hold_next_ = false;
  bool holding_ = false;
};

}  // namespace sequencial::app
