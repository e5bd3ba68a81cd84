// The PostgreSQL backend: Store on a database shared by several nodes
// (docs/PRODUCT.md, "Several nodes"). Opening connects, creates the schema when new
// (pg_migrations.h) and keeps a small connection pool (pg_pool.h; size from
// the URL's pool= parameter, default 4). TLS, password and the other
// connection options come from the URL and the PG* environment, as libpq
// reads them.
//
// What only this backend does: next_rotation_ticket() draws from a sequence
// per central (nextval: no row lock, exact across nodes); claim_assignment()
// lets two nodes racing on one visitor agree (INSERT ... ON CONFLICT DO
// NOTHING, then read); writes notify channel sequencial_changes (triggers,
// see pg_migrations.cpp) and open_change_listener() hears them.
//
// Errors: a database that cannot be reached, or a connection lost during a
// call, is kUnavailable; the pool replaces broken connections, so the next
// call after the server returns works again.
//
// Thread-safety: safe for concurrent use; each call borrows one pooled
// connection for its duration.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "storage/postgres/pg_pool.h"
#include "storage/store.h"

namespace sequencial::postgres {

class PgStore final : public Store {
 public:
  // Connects to `url` (postgres:// or postgresql://, libpq syntax, plus
  // pool=N) and migrates. kUnavailable on field "db" when the server cannot
  // be reached or holds a newer schema.
  [[nodiscard]] static Result<std::unique_ptr<PgStore>> open(std::string_view url);

  PgStore(const PgStore&) = delete;
  PgStore& operator=(const PgStore&) = delete;
  ~PgStore() override = default;

  // ---- LinkStore (pg_links.cpp) ----
  [[nodiscard]] Result<std::vector<Link>> load_links() override;
  [[nodiscard]] Result<Link> insert_link(const Link& link) override;
  [[nodiscard]] Result<void> update_link(const Link& link) override;
  [[nodiscard]] Result<void> delete_link(LinkId id) override;

  [[nodiscard]] Result<std::vector<Central>> load_centrals() override;
  [[nodiscard]] Result<Central> insert_central(const Central& central) override;
  [[nodiscard]] Result<void> update_central(const Central& central) override;
  [[nodiscard]] Result<void> delete_central(CentralId id) override;
  [[nodiscard]] Result<void> save_cursors(std::span<const CursorUpdate> cursors) override;

  // ---- AccountStore (pg_accounts.cpp) ----
  [[nodiscard]] Result<ApiToken> insert_token(std::string_view name,
                                              std::string_view token_hash) override;
  [[nodiscard]] Result<std::optional<ApiToken>> find_token(std::string_view token_hash) override;
  [[nodiscard]] Result<std::vector<ApiToken>> load_tokens() override;
  [[nodiscard]] Result<void> delete_token(std::int64_t id) override;

  [[nodiscard]] Result<User> insert_user(std::string_view email,
                                         std::string_view password_hash) override;
  [[nodiscard]] Result<std::vector<User>> load_users() override;
  [[nodiscard]] Result<std::optional<User>> find_user_by_email(std::string_view email) override;
  [[nodiscard]] Result<std::optional<User>> find_user(std::int64_t id) override;
  [[nodiscard]] Result<void> update_user_password(std::int64_t id, std::string_view password_hash,
                                                  std::string_view keep_session) override;
  [[nodiscard]] Result<void> delete_user(std::int64_t id) override;
  [[nodiscard]] Result<void> update_user_email(std::int64_t id, std::string_view email) override;

  [[nodiscard]] Result<void> insert_session(const StoredSession& session) override;
  [[nodiscard]] Result<std::optional<StoredSession>> find_session(
      std::string_view id_hash) override;
  [[nodiscard]] Result<void> delete_session(std::string_view id_hash) override;
  [[nodiscard]] Result<std::int64_t> purge_sessions(Timestamp expired_before) override;

  // ---- SettingStore (pg_accounts.cpp) ----
  [[nodiscard]] Result<std::vector<Setting>> load_settings() override;
  [[nodiscard]] Result<void> save_setting(std::string_view key, std::string_view value) override;
  [[nodiscard]] Result<void> delete_setting(std::string_view key) override;

  // ---- AssignmentStore (pg_assignments.cpp) ----
  [[nodiscard]] Result<std::vector<Assignment>> load_assignments(Timestamp seen_since) override;
  [[nodiscard]] Result<std::vector<Assignment>> load_recent_assignments(Timestamp seen_since,
                                                                        std::size_t limit) override;
  [[nodiscard]] Result<void> save_assignments(std::span<const Assignment> batch) override;
  [[nodiscard]] Result<std::int64_t> purge_assignments(Timestamp seen_before) override;
  [[nodiscard]] Result<std::optional<Assignment>> find_assignment(
      CentralId central, const VisitorId& visitor) override;
  [[nodiscard]] Result<Assignment> claim_assignment(const Assignment& a) override;
  [[nodiscard]] Result<std::optional<std::uint64_t>> next_rotation_ticket(
      CentralId central) override;
  [[nodiscard]] std::vector<Result<void>> answer_routing(const RoutingQueries& queries,
                                                         std::chrono::milliseconds timeout,
                                                         const RoutingAnswered& answered) override;
  // ---- ChangeFeed (pg_store.cpp) ----
  [[nodiscard]] Result<std::unique_ptr<ChangeListener>> open_change_listener() override;

  // ---- ClickStore (pg_clicks.cpp) ----
  [[nodiscard]] Result<void> insert_clicks(std::span<const ClickRecord> batch,
                                           std::span<const RollupDelta> rollups) override;
  // The marker goes into click_batches in the batch's transaction.
  [[nodiscard]] Result<void> insert_marked_clicks(std::span<const ClickRecord> batch,
                                                  std::span<const RollupDelta> rollups,
                                                  std::uint64_t marker) override;
  [[nodiscard]] Result<bool> clicks_marked(std::uint64_t marker) override;
  [[nodiscard]] Result<std::vector<RollupRow>> load_rollups(StatsScope scope, std::int64_t scope_id,
                                                            std::string_view dimension,
                                                            std::int64_t from_hour,
                                                            std::int64_t to_hour,
                                                            bool per_hour) override;
  [[nodiscard]] Result<std::vector<ClickRecord>> load_clicks(LinkId link_id, Timestamp from,
                                                             Timestamp to,
                                                             std::size_t limit) override;
  [[nodiscard]] Result<void> reset_link_stats(LinkId link_id) override;
  [[nodiscard]] Result<std::int64_t> purge_clicks(Timestamp before) override;

 private:
  explicit PgStore(PoolUrl url) : pool_(std::move(url)) {}

  // insert_clicks and insert_marked_clicks: one transaction, the marker
  // row (when given) in it.
  [[nodiscard]] Result<void> write_clicks(std::span<const ClickRecord> batch,
                                          std::span<const RollupDelta> rollups,
                                          std::optional<std::uint64_t> marker);

  Pool pool_;
  // answer_routing's own connections, so that the redirect path never waits
  // behind admin calls for a pooled one, and several batches (one per
  // lookup thread) can be in flight at once. Each lane is used by one
  // thread at a time.
  static constexpr std::size_t kRoutingLanes = 4;
  struct RoutingLane {
    std::mutex mutex;
    std::unique_ptr<Connection> conn;  // guarded by mutex
  };
  std::array<RoutingLane, kRoutingLanes> routing_lanes_;
  // Tells one batch's claimed tickets from another's (kStoreClaimedSql).
  std::atomic<std::uint64_t> claimed_nonce_{0};
};

}  // namespace sequencial::postgres
