// The embedded storage backend: Store on one SQLite file (docs/PRODUCT.md,
// "Embedded default"). Opening creates the file when new, switches it to WAL
// (readers never block the writer) and applies the schema migrations of
// sqlite/migrations.h. Several processes may open the same file at once (the
// CLI's `token create` while `serve` runs): writes take the lock with
// BEGIN IMMEDIATE and wait up to 5 s (busy_timeout) for another process.
//
// Thread-safety: safe for concurrent use. All calls share one connection
// and are serialised by an internal mutex; calls are short and none is made
// from an event loop. The redirect path asks it only through the route-lookup
// thread, for a returning visitor whose attendant was evicted from memory
// (answer_routing; see storage/store.h).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "storage/sqlite/sqlite_db.h"
#include "storage/store.h"

namespace sequencial::sqlite {

class SqliteStore final : public Store {
 public:
  // Opens (creating and migrating when needed) the SQLite file at `path`.
  // Fails with kUnavailable on field "db" when the file cannot be opened or
  // its schema is newer than this build knows.
  [[nodiscard]] static Result<std::unique_ptr<SqliteStore>> open(const std::string& path);

  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;
  ~SqliteStore() override = default;

  // ---- LinkStore (sqlite_links.cpp) ----
  [[nodiscard]] Result<std::vector<Link>> load_links() override;
  [[nodiscard]] Result<Link> insert_link(const Link& link) override;
  [[nodiscard]] Result<void> update_link(const Link& link) override;
  [[nodiscard]] Result<void> delete_link(LinkId id) override;

  [[nodiscard]] Result<std::vector<Central>> load_centrals() override;
  [[nodiscard]] Result<Central> insert_central(const Central& central) override;
  [[nodiscard]] Result<void> update_central(const Central& central) override;
  [[nodiscard]] Result<void> delete_central(CentralId id) override;
  // Cursors of centrals that no longer exist are skipped.
  [[nodiscard]] Result<void> save_cursors(std::span<const CursorUpdate> cursors) override;

  // ---- AccountStore (sqlite_accounts.cpp) ----
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

  // ---- SettingStore (sqlite_accounts.cpp) ----
  [[nodiscard]] Result<std::vector<Setting>> load_settings() override;
  [[nodiscard]] Result<void> save_setting(std::string_view key, std::string_view value) override;
  [[nodiscard]] Result<void> delete_setting(std::string_view key) override;

  // ---- AssignmentStore (sqlite_assignments.cpp) ----
  [[nodiscard]] Result<std::vector<Assignment>> load_assignments(Timestamp seen_since) override;
  [[nodiscard]] Result<std::vector<Assignment>> load_recent_assignments(Timestamp seen_since,
                                                                        std::size_t limit) override;
  // Assignments naming a central or link that no longer exists are skipped.
  [[nodiscard]] Result<void> save_assignments(std::span<const Assignment> batch) override;
  [[nodiscard]] Result<std::int64_t> purge_assignments(Timestamp seen_before) override;
  [[nodiscard]] Result<std::optional<Assignment>> find_assignment(
      CentralId central, const VisitorId& visitor) override;
  [[nodiscard]] Result<Assignment> claim_assignment(const Assignment& a) override;
  // Always nullopt: one node's in-memory cursor is exact.
  [[nodiscard]] Result<std::optional<std::uint64_t>> next_rotation_ticket(
      CentralId central) override;
  // ---- ChangeFeed (sqlite_store.cpp) ----
  // Always nullptr: one node, nothing to hear.
  [[nodiscard]] Result<std::unique_ptr<ChangeListener>> open_change_listener() override;

  // ---- ClickStore (sqlite_clicks.cpp) ----
  // insert_marked_clicks and clicks_marked keep ClickStore's defaults: the
  // commit is an in-process call, so its acknowledgement cannot be lost
  // after the database committed, and a batch that failed is never stored.
  [[nodiscard]] Result<void> insert_clicks(std::span<const ClickRecord> batch,
                                           std::span<const RollupDelta> rollups) override;
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
  // `rollups` with storable keys, capped (storage/rollups.h) against the keys
  // already stored; called inside insert_clicks's transaction.
  [[nodiscard]] Result<std::vector<RollupDelta>> fold_stored_rollups(
      std::span<const RollupDelta> rollups);

  SqliteStore(Db db, std::optional<Db> reader) : db_(std::move(db)), reader_(std::move(reader)) {}

  // Helpers; mu_ must be held.
  [[nodiscard]] Result<void> write_members(const Central& central);
  [[nodiscard]] Result<void> check_references(const Central& central);
  [[nodiscard]] Result<bool> exists(std::string_view sql, std::int64_t id);

  std::mutex mu_;
  Db db_;  // guarded by mu_
  // A second, read-only connection for find_assignment, which runs on the
  // event loops: in WAL mode it reads while the writers' transactions hold
  // mu_, so a cache miss never waits for a batch of clicks.
  std::mutex reader_mu_;
  std::optional<Db> reader_;  // guarded by reader_mu_
};

}  // namespace sequencial::sqlite
