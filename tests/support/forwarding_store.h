// ForwardingStore: a Store that passes every call to another (real) store.
// Test doubles derive from it and override only what they script (an
// outage, a refused batch, a frozen database), so a new Store method needs
// one line here instead of one in every double. A double that plays an
// outage overrides refusal(): every forwarded call then fails with its error
// (as every call to an unreachable database does). A double is a whole
// Store (the union of the storage roles, storage/store.h), so it can be
// handed to any consumer, whichever role that consumer takes.
//
// Thread-safety: as the inner store's.
#pragma once

#include <memory>
#include <optional>

#include "storage/store.h"

namespace sequencial::test_support {

class ForwardingStore : public Store {
 public:
  explicit ForwardingStore(std::unique_ptr<Store> inner) : inner_(std::move(inner)) {}

  Result<std::vector<Link>> load_links() override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->load_links();
  }
  Result<Link> insert_link(const Link& link) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->insert_link(link);
  }
  Result<void> update_link(const Link& link) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->update_link(link);
  }
  Result<void> delete_link(LinkId id) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->delete_link(id);
  }
  Result<std::vector<Central>> load_centrals() override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->load_centrals();
  }
  Result<Central> insert_central(const Central& c) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->insert_central(c);
  }
  Result<void> update_central(const Central& c) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->update_central(c);
  }
  Result<void> delete_central(CentralId id) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->delete_central(id);
  }
  Result<void> save_cursors(std::span<const CursorUpdate> c) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->save_cursors(c);
  }
  Result<ApiToken> insert_token(std::string_view name, std::string_view hash) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->insert_token(name, hash);
  }
  Result<std::optional<ApiToken>> find_token(std::string_view hash) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->find_token(hash);
  }
  Result<std::vector<ApiToken>> load_tokens() override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->load_tokens();
  }
  Result<void> delete_token(std::int64_t id) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->delete_token(id);
  }
  Result<User> insert_user(std::string_view email, std::string_view hash) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->insert_user(email, hash);
  }
  Result<std::vector<User>> load_users() override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->load_users();
  }
  Result<std::optional<User>> find_user_by_email(std::string_view email) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->find_user_by_email(email);
  }
  Result<std::optional<User>> find_user(std::int64_t id) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->find_user(id);
  }
  Result<void> update_user_password(std::int64_t id, std::string_view hash,
                                    std::string_view keep_session) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->update_user_password(id, hash, keep_session);
  }
  Result<void> delete_user(std::int64_t id) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->delete_user(id);
  }
  Result<void> update_user_email(std::int64_t id, std::string_view email) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->update_user_email(id, email);
  }
  Result<void> insert_session(const StoredSession& session) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->insert_session(session);
  }
  Result<std::optional<StoredSession>> find_session(std::string_view id_hash) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->find_session(id_hash);
  }
  Result<void> delete_session(std::string_view id_hash) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->delete_session(id_hash);
  }
  Result<std::int64_t> purge_sessions(Timestamp before) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->purge_sessions(before);
  }
  Result<std::vector<Setting>> load_settings() override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->load_settings();
  }
  Result<void> save_setting(std::string_view key, std::string_view value) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->save_setting(key, value);
  }
  Result<void> delete_setting(std::string_view key) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->delete_setting(key);
  }
  Result<std::vector<Assignment>> load_assignments(Timestamp since) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->load_assignments(since);
  }
  Result<std::vector<Assignment>> load_recent_assignments(Timestamp since,
                                                          std::size_t limit) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->load_recent_assignments(since, limit);
  }
  Result<void> save_assignments(std::span<const Assignment> batch) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->save_assignments(batch);
  }
  Result<std::int64_t> purge_assignments(Timestamp before) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->purge_assignments(before);
  }
  Result<std::optional<Assignment>> find_assignment(CentralId c, const VisitorId& v) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->find_assignment(c, v);
  }
  Result<Assignment> claim_assignment(const Assignment& a) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->claim_assignment(a);
  }
  Result<std::optional<std::uint64_t>> next_rotation_ticket(CentralId c) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->next_rotation_ticket(c);
  }
  Result<std::unique_ptr<ChangeListener>> open_change_listener() override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->open_change_listener();
  }
  Result<void> insert_clicks(std::span<const ClickRecord> batch,
                             std::span<const RollupDelta> rollups) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->insert_clicks(batch, rollups);
  }
  Result<void> insert_marked_clicks(std::span<const ClickRecord> batch,
                                    std::span<const RollupDelta> rollups,
                                    std::uint64_t marker) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->insert_marked_clicks(batch, rollups, marker);
  }
  Result<bool> clicks_marked(std::uint64_t marker) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->clicks_marked(marker);
  }
  Result<std::vector<RollupRow>> load_rollups(StatsScope scope, std::int64_t id,
                                              std::string_view dimension, std::int64_t from,
                                              std::int64_t to, bool per_hour) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->load_rollups(scope, id, dimension, from, to, per_hour);
  }
  Result<std::vector<ClickRecord>> load_clicks(LinkId id, Timestamp from, Timestamp to,
                                               std::size_t limit) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->load_clicks(id, from, to, limit);
  }
  Result<void> reset_link_stats(LinkId id) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->reset_link_stats(id);
  }
  Result<std::int64_t> purge_clicks(Timestamp before) override {
    if (auto refused = refusal()) return fail(std::move(*refused));
    return inner_->purge_clicks(before);
  }

 protected:
  [[nodiscard]] Store& inner() { return *inner_; }
  // The error every forwarded call returns instead of reaching the inner
  // store; nullopt (the default): forward.
  [[nodiscard]] virtual std::optional<Error> refusal() { return std::nullopt; }

 private:
  std::unique_ptr<Store> inner_;
};

}  // namespace sequencial::test_support
