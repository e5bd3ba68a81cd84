// A Store for node tests: every method goes to a real SQLite store, except
// the shared-state ones, which a test scripts: rotation tickets (a counter,
// or a failure), assignment claims, and the change feed (open failures and
// a listener fed from the test).
//
// Thread-safety: the scripted parts are guarded by one mutex; the rest is the
// SQLite store's.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

#include "storage/store.h"

namespace sequencial::app {

class ScriptedStore final : public Store {
 public:
  explicit ScriptedStore(std::unique_ptr<Store> inner) : inner_(std::move(inner)) {}

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
  int routing_batches() const {
    std::lock_guard lock(mu_);
    return routing_batches_;
  }

  // ---- scripted ----
  Result<std::optional<std::uint64_t>> next_rotation_ticket(CentralId) override {
    std::lock_guard lock(mu_);
    ++ticket_calls_;
    if (down_) return fail(Error::unavailable("scripted outage"));
    return std::optional<std::uint64_t>(next_ticket_++);
  }
  RoutingAnswers answer_routing(const RoutingQueries& queries,
                                std::chrono::milliseconds timeout) override {
    {
      std::unique_lock lock(mu_);
      ++routing_batches_;
      cv_.wait(lock, [&] { return !frozen_; });
    }
    return Store::answer_routing(queries, timeout);
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
    return inner_->claim_assignment(a);
  }

  // ---- delegated ----
  Result<std::vector<Link>> load_links() override {
    if (is_down()) return fail(Error::unavailable("scripted outage"));
    return inner_->load_links();
  }
  Result<Link> insert_link(const Link& link) override { return inner_->insert_link(link); }
  Result<void> update_link(const Link& link) override { return inner_->update_link(link); }
  Result<void> delete_link(LinkId id) override { return inner_->delete_link(id); }
  Result<std::vector<Central>> load_centrals() override { return inner_->load_centrals(); }
  Result<Central> insert_central(const Central& c) override { return inner_->insert_central(c); }
  Result<void> update_central(const Central& c) override { return inner_->update_central(c); }
  Result<void> delete_central(CentralId id) override { return inner_->delete_central(id); }
  Result<void> save_cursors(std::span<const CursorUpdate> c) override {
    return inner_->save_cursors(c);
  }
  Result<ApiToken> insert_token(std::string_view name, std::string_view hash) override {
    return inner_->insert_token(name, hash);
  }
  Result<std::optional<ApiToken>> find_token(std::string_view hash) override {
    return inner_->find_token(hash);
  }
  Result<std::vector<ApiToken>> load_tokens() override { return inner_->load_tokens(); }
  Result<void> delete_token(std::int64_t id) override { return inner_->delete_token(id); }
  Result<User> insert_user(std::string_view email, std::string_view hash) override {
    return inner_->insert_user(email, hash);
  }
  Result<std::vector<User>> load_users() override { return inner_->load_users(); }
  Result<std::optional<User>> find_user_by_email(std::string_view email) override {
    return inner_->find_user_by_email(email);
  }
  Result<std::optional<User>> find_user(std::int64_t id) override { return inner_->find_user(id); }
  Result<void> update_user_password(std::int64_t id, std::string_view hash,
                                    std::string_view keep_session) override {
    return inner_->update_user_password(id, hash, keep_session);
  }
  Result<void> delete_user(std::int64_t id) override { return inner_->delete_user(id); }
  Result<void> update_user_email(std::int64_t id, std::string_view email) override {
    return inner_->update_user_email(id, email);
  }
  Result<void> insert_session(const StoredSession& session) override {
    return inner_->insert_session(session);
  }
  Result<std::optional<StoredSession>> find_session(std::string_view id_hash) override {
    return inner_->find_session(id_hash);
  }
  Result<void> delete_session(std::string_view id_hash) override {
    return inner_->delete_session(id_hash);
  }
  Result<std::int64_t> purge_sessions(Timestamp before) override {
    return inner_->purge_sessions(before);
  }
  Result<std::vector<Setting>> load_settings() override { return inner_->load_settings(); }
  Result<void> save_setting(std::string_view key, std::string_view value) override {
    return inner_->save_setting(key, value);
  }
  Result<void> delete_setting(std::string_view key) override { return inner_->delete_setting(key); }
  Result<std::vector<Assignment>> load_assignments(Timestamp since) override {
    return inner_->load_assignments(since);
  }
  Result<void> save_assignments(std::span<const Assignment> batch) override {
    if (is_down()) return fail(Error::unavailable("scripted outage"));
    return inner_->save_assignments(batch);
  }
  Result<std::int64_t> purge_assignments(Timestamp before) override {
    return inner_->purge_assignments(before);
  }
  Result<std::optional<Assignment>> find_assignment(CentralId c, const VisitorId& v) override {
    if (is_down()) return fail(Error::unavailable("scripted outage"));
    return inner_->find_assignment(c, v);
  }
  Result<void> insert_clicks(std::span<const ClickRecord> batch,
                             std::span<const RollupDelta> rollups) override {
    return inner_->insert_clicks(batch, rollups);
  }
  Result<std::vector<RollupRow>> load_rollups(StatsScope scope, std::int64_t id,
                                              std::string_view dimension, std::int64_t from,
                                              std::int64_t to, bool per_hour) override {
    return inner_->load_rollups(scope, id, dimension, from, to, per_hour);
  }
  Result<std::vector<ClickRecord>> load_clicks(LinkId id, Timestamp from, Timestamp to,
                                               std::size_t limit) override {
    return inner_->load_clicks(id, from, to, limit);
  }
  Result<void> reset_link_stats(LinkId id) override { return inner_->reset_link_stats(id); }
  Result<std::int64_t> purge_clicks(Timestamp before) override {
    return inner_->purge_clicks(before);
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

  std::unique_ptr<Store> inner_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  // Guarded by mu_:
  bool down_ = false;
  int generation_ = 0;
  std::deque<std::string> pending_;
  std::uint64_t next_ticket_ = 0;
  int ticket_calls_ = 0;
  int listeners_opened_ = 0;
  bool frozen_ = false;
  int routing_batches_ = 0;
};

}  // namespace sequencial::app
