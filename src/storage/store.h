// The storage interface: everything Sequencial persists goes through Store.
// SQLite (the embedded default) implements it in storage/sqlite/; a
// PostgreSQL backend implements the same interface in storage/postgres/. open_store() picks
// the backend from the --db value.
//
// Thread-safety: a Store may be used from several threads; implementations
// serialise access internally. Every method may block (disk, network): none
// is ever called from an event loop. What the redirect path needs
// (answer_routing) is asked by one background thread (app/route_lookups.h)
// whose answers the loops wait for with a deadline.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/click.h"
#include "core/error.h"
#include "core/model.h"

namespace sequencial {

struct CursorUpdate {
  CentralId central_id = 0;
  std::uint64_t cursor = 0;
};

// Whose report a rollup row belongs to: a link (every click served by it,
// directly or through a central) or a central (clicks on its anchor).
enum class StatsScope : std::uint8_t { kLink = 0, kCentral = 1 };

// One per-hour aggregate: clicks of `scope`/`scope_id` in `dimension`
// (device, utm_source...) with value `key`, during `hour` (unix seconds / 3600).
struct RollupDelta {
  StatsScope scope = StatsScope::kLink;
  std::int64_t scope_id = 0;
  std::int64_t hour = 0;
  std::string dimension;
  std::string key;
  std::int64_t count = 0;
};

// A summed rollup: `hour` is -1 unless the sum was asked per hour.
struct RollupRow {
  std::int64_t hour = -1;
  std::string key;
  std::int64_t count = 0;
};

// Change feed for several nodes: the PostgreSQL backend's write methods
// NOTIFY channel `sequencial_changes` in the same transaction, with payload
// "links", "centrals", "tokens", "users" or "settings".
class ChangeListener {
 public:
  virtual ~ChangeListener() = default;
  // Waits up to `timeout` for notifications; returns their payloads (empty on
  // timeout). An error means the connection is lost: the caller reloads in
  // full and opens a new listener.
  [[nodiscard]] virtual Result<std::vector<std::string>> wait(
      std::chrono::milliseconds timeout) = 0;
};

// What the redirect path asks the database for a batch of clicks at once
// (answer_routing): rotation tickets per central, stored assignments of
// visitors missing from memory, first-assignment claims, and new visitors of
// a fixed central who take a ticket and are assigned by it in one statement.
struct RoutingQueries {
  struct Tickets {
    CentralId central = 0;
    std::size_t count = 0;
  };
  struct Find {
    CentralId central = 0;
    VisitorId visitor;
  };
  // New visitors of one fixed central: each takes the central's next ticket
  // t and is stored, if absent, as assigned to slots[t mod slots.size()]
  // (the link of each open rotation slot, in order: Rotation::at_ticket's
  // choice), last seen `at`. One round trip where a ticket and then a claim
  // would take two.
  struct ClaimedTickets {
    CentralId central = 0;
    std::vector<LinkId> slots;  // not empty
    std::vector<VisitorId> visitors;
    Timestamp at{};
  };
  std::vector<Tickets> tickets;
  std::vector<Find> finds;
  std::vector<Assignment> claims;
  std::vector<ClaimedTickets> claimed_tickets;
  [[nodiscard]] bool empty() const {
    return tickets.empty() && finds.empty() && claims.empty() && claimed_tickets.empty();
  }
};

// The answers, index by index; each may fail on its own.
struct RoutingAnswers {
  std::vector<Result<std::vector<std::uint64_t>>> tickets;  // `count` tickets each
  std::vector<Result<std::optional<Assignment>>> finds;
  std::vector<Result<Assignment>> claims;                           // the stored winner
  std::vector<Result<std::vector<std::uint64_t>>> claimed_tickets;  // one ticket per visitor
};

struct ApiToken {
  std::int64_t id = 0;
  std::string name;
  Timestamp created_at{};
};

// An admin UI account. `password_hash` is a libsodium crypto_pwhash_str
// string (Argon2id, salt and cost included); the password itself is never stored.
struct User {
  std::int64_t id = 0;
  std::string email;
  std::string password_hash;
  Timestamp created_at{};
};

// A login session. Only a hash of the session id (the `sqs` cookie) is
// stored; the CSRF token is stored as it is, since the UI reads it back.
struct StoredSession {
  std::string id_hash;
  std::int64_t user_id = 0;
  std::string csrf_token;
  Timestamp created_at{};
  Timestamp expires_at{};
};

// One server setting saved from the admin UI ("default_tz", "public_url").
struct Setting {
  std::string key;
  std::string value;
};

class Store {
 public:
  virtual ~Store() = default;

  // Links. insert_link assigns id and created_at (if zero) and returns the
  // stored link. A slug equal to another one ignoring ASCII case fails with
  // kConflict on field "slug". update_link replaces every field but id and
  // created_at. delete_link also removes the link from every central it is a
  // member of; deleting a central's anchor fails with kConflict.
  [[nodiscard]] virtual Result<std::vector<Link>> load_links() = 0;
  [[nodiscard]] virtual Result<Link> insert_link(const Link& link) = 0;
  [[nodiscard]] virtual Result<void> update_link(const Link& link) = 0;
  [[nodiscard]] virtual Result<void> delete_link(LinkId id) = 0;

  // Centrals with their members (in order, with weights and hours).
  // update_central replaces options and the whole member list (cursor too).
  // An anchor or member link that does not exist fails with kUnprocessable
  // on field "anchor" / "members"; a link listed twice with kInvalid on
  // "members"; an anchor already anchoring another central with kConflict
  // on "anchor". save_cursors skips centrals that no longer exist.
  [[nodiscard]] virtual Result<std::vector<Central>> load_centrals() = 0;
  [[nodiscard]] virtual Result<Central> insert_central(const Central& central) = 0;
  [[nodiscard]] virtual Result<void> update_central(const Central& central) = 0;
  [[nodiscard]] virtual Result<void> delete_central(CentralId id) = 0;
  [[nodiscard]] virtual Result<void> save_cursors(std::span<const CursorUpdate> cursors) = 0;

  // Admin API tokens: only a hash of each token is stored.
  [[nodiscard]] virtual Result<ApiToken> insert_token(std::string_view name,
                                                      std::string_view token_hash) = 0;
  [[nodiscard]] virtual Result<std::optional<ApiToken>> find_token(std::string_view token_hash) = 0;
  // Every token, oldest first (never their hashes).
  [[nodiscard]] virtual Result<std::vector<ApiToken>> load_tokens() = 0;
  // Revokes a token; kNotFound when there is none with this id.
  [[nodiscard]] virtual Result<void> delete_token(std::int64_t id) = 0;

  // Admin UI users. E-mails are unique ignoring ASCII case: insert_user of
  // a taken e-mail fails with kConflict on field "email"; find_user_by_email
  // matches ignoring ASCII case. insert_user assigns id and created_at.
  // update_user_password and delete_user fail with kNotFound when there is
  // no such user; deleting a user deletes their sessions. A password change
  // ends, in the same transaction, every session of the user except the one
  // whose id hash is `keep_session` (empty: all of them).
  [[nodiscard]] virtual Result<User> insert_user(std::string_view email,
                                                 std::string_view password_hash) = 0;
  [[nodiscard]] virtual Result<std::vector<User>> load_users() = 0;  // by id
  [[nodiscard]] virtual Result<std::optional<User>> find_user_by_email(std::string_view email) = 0;
  [[nodiscard]] virtual Result<std::optional<User>> find_user(std::int64_t id) = 0;
  [[nodiscard]] virtual Result<void> update_user_password(std::int64_t id,
                                                          std::string_view password_hash,
                                                          std::string_view keep_session) = 0;
  [[nodiscard]] virtual Result<void> delete_user(std::int64_t id) = 0;
  // Changes a user's e-mail: kConflict on field "email" when another user
  // has it (ignoring ASCII case), kNotFound when there is no such user.
  [[nodiscard]] virtual Result<void> update_user_email(std::int64_t id, std::string_view email) = 0;

  // Login sessions, keyed by the hash of their id. insert_session of a
  // user that does not exist fails with kNotFound on field "user_id".
  // find_session returns a session even when expired (the caller checks
  // expires_at); purge_sessions deletes expires_at < expired_before and
  // returns the count. delete_session of an unknown hash is not an error.
  [[nodiscard]] virtual Result<void> insert_session(const StoredSession& session) = 0;
  [[nodiscard]] virtual Result<std::optional<StoredSession>> find_session(
      std::string_view id_hash) = 0;
  [[nodiscard]] virtual Result<void> delete_session(std::string_view id_hash) = 0;
  [[nodiscard]] virtual Result<std::int64_t> purge_sessions(Timestamp expired_before) = 0;

  // Settings saved from the admin UI, by key. save_setting inserts or
  // replaces one key; delete_setting forgets one (no error when absent).
  [[nodiscard]] virtual Result<std::vector<Setting>> load_settings() = 0;
  [[nodiscard]] virtual Result<void> save_setting(std::string_view key, std::string_view value) = 0;
  [[nodiscard]] virtual Result<void> delete_setting(std::string_view key) = 0;

  // Atendimento fixo. save_assignments upserts on (central, visitor); a row
  // older (last_seen) than the stored one does not overwrite it, and rows
  // naming a deleted central or link are skipped. Assignments go with their
  // central or link. load_assignments keeps last_seen >= seen_since;
  // purge_assignments deletes last_seen < seen_before and returns the count.
  [[nodiscard]] virtual Result<std::vector<Assignment>> load_assignments(Timestamp seen_since) = 0;
  // The `limit` most recently seen of those, oldest first: what a bounded
  // in-memory cache loads at start. Backends should override this with a
  // query that reads only `limit` rows.
  [[nodiscard]] virtual Result<std::vector<Assignment>> load_recent_assignments(
      Timestamp seen_since, std::size_t limit) {
    auto all = load_assignments(seen_since);
    if (!all) return all;
    std::ranges::sort(*all, {}, &Assignment::last_seen);
    if (all->size() > limit) all->erase(all->begin(), all->end() - static_cast<long>(limit));
    return all;
  }
  [[nodiscard]] virtual Result<void> save_assignments(std::span<const Assignment> batch) = 0;
  [[nodiscard]] virtual Result<std::int64_t> purge_assignments(Timestamp seen_before) = 0;
  // The stored assignment of one visitor, for a visitor missing from the
  // in-memory cache (evicted, or assigned by another node).
  [[nodiscard]] virtual Result<std::optional<Assignment>> find_assignment(
      CentralId central, const VisitorId& visitor) = 0;
  // Insert-if-absent: stores `a` unless (central, visitor) already has an
  // assignment, and returns the stored one, so two nodes racing on one
  // visitor agree on the winner. kNotFound when the central or link no
  // longer exists.
  [[nodiscard]] virtual Result<Assignment> claim_assignment(const Assignment& a) = 0;

  // Several nodes share one rotation counter per central. The next ticket of
  // `central`: 0, 1, 2, ... across every node and process; nullopt when the
  // backend has no shared counter (SQLite: one node, whose in-memory cursor
  // is exact). PostgreSQL: a sequence per central, nextval (no row lock, no
  // serialisation of transactions). kNotFound for an unknown central.
  [[nodiscard]] virtual Result<std::optional<std::uint64_t>> next_rotation_ticket(
      CentralId central) = 0;

  // Everything in `queries` at once. The default asks the methods above
  // one by one; PostgreSQL sends them in one pipeline (one round trip) on
  // a connection of its own that waits at most `timeout` (asked nothing,
  // it only opens that connection).
  [[nodiscard]] virtual RoutingAnswers answer_routing(const RoutingQueries& queries,
                                                      std::chrono::milliseconds timeout);

  // A dedicated listening connection for the change feed (see
  // ChangeListener); nullptr when the backend has no other node to hear
  // (SQLite).
  [[nodiscard]] virtual Result<std::unique_ptr<ChangeListener>> open_change_listener() = 0;

  // Clicks and reports. insert_clicks stores the raw records and adds
  // `rollups` (computed from the same batch by storage/rollups.h) to the
  // per-hour aggregates, in one transaction: a report never sees half a batch.
  // Text that cannot be stored (NUL bytes, invalid UTF-8) is cleaned first
  // (storage/stored_text.h); rollup keys beyond the per-hour cap go to
  // "(other)" (storage/rollups.h). A failure is kUnavailable when the
  // database cannot take writes for now (unreachable, locked, disk full):
  // the same batch may succeed later; any other code means the batch holds
  // a row the database refuses.
  [[nodiscard]] virtual Result<void> insert_clicks(std::span<const ClickRecord> batch,
                                                   std::span<const RollupDelta> rollups) = 0;
  // Sums of one dimension over hours [from_hour, to_hour): one row per key,
  // or per (hour, key) when `per_hour`. Reads aggregates only, never raw
  // clicks, so its cost does not grow with the number of clicks stored.
  [[nodiscard]] virtual Result<std::vector<RollupRow>> load_rollups(
      StatsScope scope, std::int64_t scope_id, std::string_view dimension, std::int64_t from_hour,
      std::int64_t to_hour, bool per_hour) = 0;
  // Raw clicks served by (or entering through) a link, oldest first, for
  // CSV export; at most `limit` rows.
  [[nodiscard]] virtual Result<std::vector<ClickRecord>> load_clicks(LinkId link_id, Timestamp from,
                                                                     Timestamp to,
                                                                     std::size_t limit) = 0;
  // Forgets a link's statistics: its rollups and the raw clicks it served.
  [[nodiscard]] virtual Result<void> reset_link_stats(LinkId link_id) = 0;
  // Deletes raw clicks older than `before` (rollups are kept); returns the count.
  [[nodiscard]] virtual Result<std::int64_t> purge_clicks(Timestamp before) = 0;
};

// Opens (creating and migrating when needed) the store named by `url`:
// a SQLite file path, or a postgres:// / postgresql:// URL (libpq syntax).
[[nodiscard]] Result<std::unique_ptr<Store>> open_store(std::string_view url);

}  // namespace sequencial
