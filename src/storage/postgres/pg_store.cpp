// PgStore: the Store interface on PostgreSQL (see pg_store.h). Each public
// method borrows one pooled connection; writes of more than one statement
// run in one transaction. Batches (members, cursors, assignments, clicks,
// rollups) go in one statement each, as arrays expanded by unnest(). Every
// statement is prepared once per connection under the name it runs with.
#include "storage/postgres/pg_store.h"

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "storage/postgres/pg_listener.h"
#include "storage/postgres/pg_migrations.h"
#include "storage/rollups.h"
#include "storage/schedule_codec.h"
#include "storage/stored_text.h"
#include "storage/stored_values.h"

namespace sequencial::postgres {
namespace {

// SQLSTATEs the store reacts to.
constexpr std::string_view kUniqueViolation = "23505";
constexpr std::string_view kForeignKeyViolation = "23503";
constexpr std::string_view kUndefinedTable = "42P01";

using namespace stored;  // row values and the contract's errors (stored_values.h)

bool violated(const Connection& conn, std::string_view sqlstate, std::string_view constraint = {}) {
  return conn.last_failure().sqlstate == sqlstate &&
         (constraint.empty() || conn.last_failure().constraint == constraint);
}

// $1..$8: the editable fields of a link (everything but id and created_at).
Params link_fields(const Link& link) {
  Params p;
  p.add(link.slug)
      .add(link.phone)
      .add(link.message)
      .add(link.label)
      .add(link.active)
      .add(link.preview_title)
      .add(link.preview_description)
      .add(link.preview_image);
  return p;
}

Params one(std::int64_t value) { return std::move(Params().add(value)); }

std::string sequence_ddl(std::string_view verb, CentralId id) {
  return std::string(verb) + " " + ticket_sequence(id);
}

}  // namespace

// ---- opening ----

Result<std::unique_ptr<PgStore>> PgStore::open(std::string_view url) {
  auto parsed = parse_pool_url(url);
  if (!parsed) return fail(std::move(parsed.error()));
  std::unique_ptr<PgStore> store(new PgStore(std::move(*parsed)));
  auto conn = store->pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  if (auto version = migrate(**conn); !version) {
    Error error = std::move(version.error());
    error.field = "db";
    if (error.code == ErrorCode::kInternal) error.code = ErrorCode::kUnavailable;
    error.message = "cannot use the PostgreSQL database: " + error.message;
    return fail(std::move(error));
  }
  return store;
}

// ---- links ----

Result<std::vector<Link>> PgStore::load_links() {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared(
      "load_links",
      "SELECT id, slug, phone, message, label, active, preview_title, preview_description,"
      " preview_image, created_at FROM links ORDER BY id",
      Params());
  if (!r) return fail(std::move(r.error()));
  std::vector<Link> links(static_cast<std::size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) {
    Link& link = links[static_cast<std::size_t>(i)];
    link.id = r->int_at(i, 0);
    link.slug = r->text_at(i, 1);
    link.phone = r->text_at(i, 2);
    link.message = r->text_at(i, 3);
    link.label = r->text_at(i, 4);
    link.active = r->bool_at(i, 5);
    link.preview_title = r->text_at(i, 6);
    link.preview_description = r->text_at(i, 7);
    link.preview_image = r->text_at(i, 8);
    link.created_at = timestamp_from_db(r->int_at(i, 9));
  }
  return links;
}

Result<Link> PgStore::insert_link(const Link& link) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Link stored = link;
  if (stored.created_at == Timestamp{}) stored.created_at = now();
  Params params = link_fields(stored);
  params.add(to_db(stored.created_at));
  auto r = (*conn)->exec_prepared(
      "insert_link",
      "INSERT INTO links (slug, phone, message, label, active, preview_title,"
      " preview_description, preview_image, created_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
      params);
  if (!r) {
    if (violated(**conn, kUniqueViolation, "links_slug_key")) return fail(slug_in_use());
    return fail(std::move(r.error()));
  }
  stored.id = r->int_at(0, 0);
  return stored;
}

Result<void> PgStore::update_link(const Link& link) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Params params = link_fields(link);
  params.add(link.id);
  auto r = (*conn)->exec_prepared(
      "update_link",
      "UPDATE links SET slug = $1, phone = $2, message = $3, label = $4, active = $5,"
      " preview_title = $6, preview_description = $7, preview_image = $8 WHERE id = $9",
      params);
  if (!r) {
    if (violated(**conn, kUniqueViolation, "links_slug_key")) return fail(slug_in_use());
    return fail(std::move(r.error()));
  }
  if (r->affected() == 0) return fail(link_not_found(link.id));
  return {};
}

Result<void> PgStore::delete_link(LinkId id) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Connection& c = **conn;
  auto tx = Transaction::begin(c);
  if (!tx) return fail(std::move(tx.error()));
  auto anchor = c.exec_prepared(
      "anchor_of", "SELECT id FROM centrals WHERE anchor_id = $1 ORDER BY id LIMIT 1", one(id));
  if (!anchor) return fail(std::move(anchor.error()));
  const auto anchoring = [](const std::string& central) {
    return Error::conflict(
        "id", "link is the anchor of central " + central + "; delete the central first");
  };
  if (anchor->rows() > 0) return fail(anchoring(std::string(anchor->text_at(0, 0))));
  // Memberships and assignments go with the link (ON DELETE CASCADE).
  auto deleted = c.exec_prepared("delete_link", "DELETE FROM links WHERE id = $1", one(id));
  if (!deleted) {
    // A central made it its anchor since the check above.
    if (violated(c, kForeignKeyViolation)) return fail(anchoring("(new)"));
    return fail(std::move(deleted.error()));
  }
  if (deleted->affected() == 0) return fail(link_not_found(id));
  // Close the gaps the cascade left, keeping the order: positions stay 0..n-1.
  auto renumbered =
      c.exec_prepared("renumber_members",
                      "UPDATE central_members SET position = ranked.new_position"
                      " FROM (SELECT central_id, link_id,"
                      "       row_number() OVER (PARTITION BY central_id ORDER BY position) - 1"
                      "         AS new_position"
                      "       FROM central_members) AS ranked"
                      " WHERE central_members.central_id = ranked.central_id"
                      "   AND central_members.link_id = ranked.link_id"
                      "   AND central_members.position <> ranked.new_position",
                      Params());
  if (!renumbered) return fail(std::move(renumbered.error()));
  return tx->commit();
}

// ---- centrals ----

namespace {

// Anchor and members must exist, and no link may be listed twice.
Result<void> check_references(Connection& c, const Central& central) {
  ArrayLiteral ids;
  ids.add(central.anchor_id);
  for (const Member& m : central.members) ids.add(m.link_id);
  auto r = c.exec_prepared("existing_links",
                           "SELECT id FROM links WHERE id = ANY ($1::bigint[]) FOR KEY SHARE",
                           Params().add(ids.str()));
  if (!r) return fail(std::move(r.error()));
  std::unordered_set<LinkId> existing;
  for (int i = 0; i < r->rows(); ++i) existing.insert(r->int_at(i, 0));
  if (!existing.contains(central.anchor_id)) {
    return fail({ErrorCode::kUnprocessable,
                 "anchor link " + std::to_string(central.anchor_id) + " does not exist", "anchor"});
  }
  std::unordered_set<LinkId> seen;
  for (const Member& member : central.members) {
    if (!seen.insert(member.link_id).second) {
      return fail(Error::invalid(
          "members", "link " + std::to_string(member.link_id) + " appears twice in the members"));
    }
    if (!existing.contains(member.link_id)) {
      return fail({ErrorCode::kUnprocessable,
                   "member link " + std::to_string(member.link_id) + " does not exist", "members"});
    }
  }
  return {};
}

Result<void> write_members(Connection& c, const Central& central) {
  if (central.members.empty()) return {};
  ArrayLiteral links;
  ArrayLiteral weights;
  ArrayLiteral hours;
  ArrayLiteral titles;
  ArrayLiteral descriptions;
  ArrayLiteral photos;
  ArrayLiteral regions;
  for (const Member& member : central.members) {
    titles.add(member.title);
    descriptions.add(member.description);
    photos.add(member.photo_url);
    regions.add(storage::encode_regions(member.regions));
    links.add(member.link_id);
    weights.add(static_cast<std::int64_t>(member.weight));
    if (member.hours) {
      auto encoded = storage::encode_schedule(*member.hours);
      if (!encoded) return fail(std::move(encoded.error()));
      hours.add(*encoded);
    } else {
      hours.add_null();
    }
  }
  Params params;
  params.add(central.id).add(links.str()).add(weights.str()).add(hours.str());
  params.add(titles.str()).add(descriptions.str()).add(photos.str()).add(regions.str());
  auto r = c.exec_prepared(
      "insert_members",
      "INSERT INTO central_members (central_id, position, link_id, weight, hours, title,"
      " description, photo_url, regions)"
      " SELECT $1, m.ord - 1, m.link_id, m.weight, m.hours, m.title, m.description, m.photo_url,"
      "        m.regions"
      " FROM unnest($2::bigint[], $3::integer[], $4::text[], $5::text[], $6::text[], $7::text[],"
      "             $8::text[]) WITH ORDINALITY"
      "   AS m(link_id, weight, hours, title, description, photo_url, regions, ord)",
      params);
  if (!r) return fail(std::move(r.error()));
  return {};
}

}  // namespace

Result<std::vector<Central>> PgStore::load_centrals() {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Connection& c = **conn;
  // One snapshot for both SELECTs, so members always match their centrals.
  auto tx = Transaction::begin(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (!tx) return fail(std::move(tx.error()));

  std::vector<Central> centrals;
  std::unordered_map<CentralId, std::size_t> index;
  auto r = c.exec_prepared(
      "load_centrals",
      "SELECT id, anchor_id, fixed, when_closed, cursor, created_at, mode, title, shuffle"
      " FROM centrals ORDER BY id",
      Params());
  if (!r) return fail(std::move(r.error()));
  for (int i = 0; i < r->rows(); ++i) {
    Central& central = centrals.emplace_back();
    central.id = r->int_at(i, 0);
    central.anchor_id = r->int_at(i, 1);
    central.fixed = r->bool_at(i, 2);
    const std::string_view when = r->text_at(i, 3);
    auto when_closed = when_closed_from_name(when);
    if (!when_closed) {
      return fail(Error::internal("central " + std::to_string(central.id) +
                                  " has an unknown when_closed \"" + std::string(when) + "\""));
    }
    central.when_closed = *when_closed;
    central.cursor = u64_from_db(r->int_at(i, 4));
    central.created_at = timestamp_from_db(r->int_at(i, 5));
    const std::string_view mode = r->text_at(i, 6);
    auto parsed_mode = central_mode_from_name(mode);
    if (!parsed_mode) {
      return fail(Error::internal("central " + std::to_string(central.id) +
                                  " has an unknown mode \"" + std::string(mode) + "\""));
    }
    central.mode = *parsed_mode;
    central.title = std::string(r->text_at(i, 7));
    central.shuffle = r->bool_at(i, 8);
    index.emplace(central.id, centrals.size() - 1);
  }
  auto m = c.exec_prepared("load_members",
                           "SELECT central_id, link_id, weight, hours, title, description,"
                           " photo_url, regions FROM central_members"
                           " ORDER BY central_id, position",
                           Params());
  if (!m) return fail(std::move(m.error()));
  for (int i = 0; i < m->rows(); ++i) {
    auto owner = index.find(m->int_at(i, 0));
    if (owner == index.end()) continue;  // impossible with foreign keys
    Member member;
    member.link_id = m->int_at(i, 1);
    member.weight = static_cast<int>(m->int_at(i, 2));
    if (!m->null_at(i, 3)) {
      auto hours = storage::decode_schedule(m->text_at(i, 3));
      if (!hours) {
        Error error = std::move(hours.error());
        error.message = "central " + std::to_string(owner->first) + ", member link " +
                        std::to_string(member.link_id) + ": " + error.message;
        return fail(std::move(error));
      }
      member.hours = std::move(*hours);
    }
    member.title = std::string(m->text_at(i, 4));
    member.description = std::string(m->text_at(i, 5));
    member.photo_url = std::string(m->text_at(i, 6));
    member.regions = storage::decode_regions(m->text_at(i, 7));
    centrals[owner->second].members.push_back(std::move(member));
  }
  if (auto done = tx->commit(); !done) return fail(std::move(done.error()));
  return centrals;
}

Result<Central> PgStore::insert_central(const Central& central) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Connection& c = **conn;
  Central stored = central;
  if (stored.created_at == Timestamp{}) stored.created_at = now();

  auto tx = Transaction::begin(c);
  if (!tx) return fail(std::move(tx.error()));
  if (auto ok = check_references(c, stored); !ok) return fail(std::move(ok.error()));
  Params params;
  params.add(stored.anchor_id)
      .add(stored.fixed)
      .add(when_closed_name(stored.when_closed))
      .add(to_db(stored.cursor))
      .add(to_db(stored.created_at))
      .add(central_mode_name(stored.mode))
      .add(std::string_view(stored.title))
      .add(stored.shuffle);
  auto r = c.exec_prepared(
      "insert_central",
      "INSERT INTO centrals (anchor_id, fixed, when_closed, cursor, created_at, mode, title,"
      " shuffle) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
      params);
  if (!r) {
    if (violated(c, kUniqueViolation, "centrals_anchor_key")) return fail(anchor_taken());
    return fail(std::move(r.error()));
  }
  stored.id = r->int_at(0, 0);
  if (auto ok = write_members(c, stored); !ok) return fail(std::move(ok.error()));
  // The shared rotation counter; MINVALUE 0 so the first ticket is 0, and
  // the default CACHE 1 so tickets are handed out in order across nodes.
  if (auto made = c.exec(sequence_ddl("CREATE SEQUENCE", stored.id) + " MINVALUE 0 START 0");
      !made) {
    return fail(std::move(made.error()));
  }
  if (auto done = tx->commit(); !done) return fail(std::move(done.error()));
  return stored;
}

Result<void> PgStore::update_central(const Central& central) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Connection& c = **conn;
  auto tx = Transaction::begin(c);
  if (!tx) return fail(std::move(tx.error()));
  auto found = c.exec_prepared("lock_central", "SELECT 1 FROM centrals WHERE id = $1 FOR UPDATE",
                               one(central.id));
  if (!found) return fail(std::move(found.error()));
  if (found->rows() == 0) return fail(central_not_found(central.id));
  if (auto ok = check_references(c, central); !ok) return fail(std::move(ok.error()));
  Params params;
  params.add(central.anchor_id)
      .add(central.fixed)
      .add(when_closed_name(central.when_closed))
      .add(to_db(central.cursor))
      .add(central.id)
      .add(central_mode_name(central.mode))
      .add(std::string_view(central.title))
      .add(central.shuffle);
  auto r = c.exec_prepared(
      "update_central",
      "UPDATE centrals SET anchor_id = $1, fixed = $2, when_closed = $3, cursor = $4,"
      " mode = $6, title = $7, shuffle = $8 WHERE id = $5",
      params);
  if (!r) {
    if (violated(c, kUniqueViolation, "centrals_anchor_key")) return fail(anchor_taken());
    return fail(std::move(r.error()));
  }
  auto cleared = c.exec_prepared(
      "delete_members", "DELETE FROM central_members WHERE central_id = $1", one(central.id));
  if (!cleared) return fail(std::move(cleared.error()));
  if (auto ok = write_members(c, central); !ok) return fail(std::move(ok.error()));
  return tx->commit();
}

Result<void> PgStore::delete_central(CentralId id) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Connection& c = **conn;
  auto tx = Transaction::begin(c);
  if (!tx) return fail(std::move(tx.error()));
  // Members and assignments cascade; the ticket sequence goes too.
  auto r = c.exec_prepared("delete_central", "DELETE FROM centrals WHERE id = $1", one(id));
  if (!r) return fail(std::move(r.error()));
  if (r->affected() == 0) return fail(central_not_found(id));
  if (auto dropped = c.exec(sequence_ddl("DROP SEQUENCE IF EXISTS", id)); !dropped) {
    return fail(std::move(dropped.error()));
  }
  return tx->commit();
}

Result<void> PgStore::save_cursors(std::span<const CursorUpdate> cursors) {
  if (cursors.empty()) return {};
  // The last update of a central wins, as if applied in order.
  std::map<CentralId, std::uint64_t> latest;
  for (const CursorUpdate& u : cursors) latest[u.central_id] = u.cursor;
  ArrayLiteral ids;
  ArrayLiteral values;
  for (const auto& [id, cursor] : latest) {
    ids.add(id);
    values.add(to_db(cursor));
  }
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Params params;
  params.add(ids.str()).add(values.str());
  auto r = (*conn)->exec_prepared(
      "save_cursors",
      "UPDATE centrals SET cursor = u.cursor"
      " FROM unnest($1::bigint[], $2::bigint[]) AS u(id, cursor) WHERE centrals.id = u.id",
      params);
  if (!r) return fail(std::move(r.error()));
  return {};
}

Result<std::optional<std::uint64_t>> PgStore::next_rotation_ticket(CentralId central) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared("next_ticket", "SELECT nextval($1::regclass)",
                                  Params().add(ticket_sequence(central)));
  if (!r) {
    if (violated(**conn, kUndefinedTable)) return fail(central_not_found(central));
    return fail(std::move(r.error()));
  }
  return std::optional<std::uint64_t>(static_cast<std::uint64_t>(r->int_at(0, 0)));
}

// ---- API tokens ----

Result<ApiToken> PgStore::insert_token(std::string_view name, std::string_view token_hash) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  ApiToken token{.id = 0, .name = std::string(name), .created_at = now()};
  Params params;
  params.add(name).add(token_hash).add(to_db(token.created_at));
  auto r = (*conn)->exec_prepared(
      "insert_token",
      "INSERT INTO api_tokens (name, token_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
      params);
  if (!r) {
    if (violated(**conn, kUniqueViolation, "api_tokens_hash_key")) {
      return fail(Error::conflict("token", "a token with this hash already exists"));
    }
    return fail(std::move(r.error()));
  }
  token.id = r->int_at(0, 0);
  return token;
}

Result<std::optional<ApiToken>> PgStore::find_token(std::string_view token_hash) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared(
      "find_token", "SELECT id, name, created_at FROM api_tokens WHERE token_hash = $1",
      Params().add(token_hash));
  if (!r) return fail(std::move(r.error()));
  if (r->rows() == 0) return std::optional<ApiToken>{};
  return ApiToken{.id = r->int_at(0, 0),
                  .name = std::string(r->text_at(0, 1)),
                  .created_at = timestamp_from_db(r->int_at(0, 2))};
}

Result<std::vector<ApiToken>> PgStore::load_tokens() {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared(
      "load_tokens", "SELECT id, name, created_at FROM api_tokens ORDER BY id", Params());
  if (!r) return fail(std::move(r.error()));
  std::vector<ApiToken> tokens;
  tokens.reserve(static_cast<std::size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) {
    tokens.push_back(ApiToken{.id = r->int_at(i, 0),
                              .name = std::string(r->text_at(i, 1)),
                              .created_at = timestamp_from_db(r->int_at(i, 2))});
  }
  return tokens;
}

Result<void> PgStore::delete_token(std::int64_t id) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared("delete_token", "DELETE FROM api_tokens WHERE id = $1", one(id));
  if (!r) return fail(std::move(r.error()));
  if (r->affected() == 0) {
    return fail(Error::not_found("token " + std::to_string(id) + " not found"));
  }
  return {};
}

// ---- users, sessions, settings (admin UI) ----

namespace {

constexpr std::string_view kUserColumns = "SELECT id, email, password_hash, created_at FROM users";

User user_at(const PgResult& r, int row) {
  return User{.id = r.int_at(row, 0),
              .email = std::string(r.text_at(row, 1)),
              .password_hash = std::string(r.text_at(row, 2)),
              .created_at = timestamp_from_db(r.int_at(row, 3))};
}

std::optional<User> first_user(const PgResult& r) {
  if (r.rows() == 0) return std::nullopt;
  return user_at(r, 0);
}

}  // namespace

Result<User> PgStore::insert_user(std::string_view email, std::string_view password_hash) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  User user{.id = 0,
            .email = std::string(email),
            .password_hash = std::string(password_hash),
            .created_at = now()};
  Params params;
  params.add(email).add(password_hash).add(to_db(user.created_at));
  auto r = (*conn)->exec_prepared(
      "insert_user",
      "INSERT INTO users (email, password_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
      params);
  if (!r) {
    if (violated(**conn, kUniqueViolation, "users_email_key")) {
      return fail(Error::conflict("email", "a user with this e-mail already exists"));
    }
    return fail(std::move(r.error()));
  }
  user.id = r->int_at(0, 0);
  return user;
}

Result<std::vector<User>> PgStore::load_users() {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r =
      (*conn)->exec_prepared("load_users", std::string(kUserColumns) + " ORDER BY id", Params());
  if (!r) return fail(std::move(r.error()));
  std::vector<User> users;
  users.reserve(static_cast<std::size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) users.push_back(user_at(*r, i));
  return users;
}

Result<std::optional<User>> PgStore::find_user_by_email(std::string_view email) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared("find_user_by_email",
                                  std::string(kUserColumns) + " WHERE lower(email) = lower($1)",
                                  Params().add(email));
  if (!r) return fail(std::move(r.error()));
  return first_user(*r);
}

Result<std::optional<User>> PgStore::find_user(std::int64_t id) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r =
      (*conn)->exec_prepared("find_user", std::string(kUserColumns) + " WHERE id = $1", one(id));
  if (!r) return fail(std::move(r.error()));
  return first_user(*r);
}

Result<void> PgStore::update_user_password(std::int64_t id, std::string_view password_hash,
                                           std::string_view keep_session) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Params params;
  params.add(id).add(password_hash).add(keep_session);
  // One statement: the other sessions end with the old password.
  auto r = (*conn)->exec_prepared(
      "update_user_password",
      "WITH changed AS (UPDATE users SET password_hash = $2 WHERE id = $1 RETURNING id),"
      " ended AS (DELETE FROM sessions WHERE user_id IN (SELECT id FROM changed)"
      " AND id_hash <> $3)"
      " SELECT count(*) FROM changed",
      params);
  if (!r) return fail(std::move(r.error()));
  if (r->int_at(0, 0) == 0) return fail(user_not_found(id));
  return {};
}

Result<void> PgStore::update_user_email(std::int64_t id, std::string_view email) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Params params;
  params.add(id).add(email);
  auto r = (*conn)->exec_prepared("update_user_email", "UPDATE users SET email = $2 WHERE id = $1",
                                  params);
  if (!r) {
    if (violated(**conn, kUniqueViolation, "users_email_key")) {
      return fail(Error::conflict("email", "a user with this e-mail already exists"));
    }
    return fail(std::move(r.error()));
  }
  if (r->affected() == 0) return fail(user_not_found(id));
  return {};
}

Result<void> PgStore::delete_user(std::int64_t id) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  // Sessions cascade within the statement.
  auto r = (*conn)->exec_prepared("delete_user", "DELETE FROM users WHERE id = $1", one(id));
  if (!r) return fail(std::move(r.error()));
  if (r->affected() == 0) return fail(user_not_found(id));
  return {};
}

Result<void> PgStore::insert_session(const StoredSession& session) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Params params;
  params.add(session.id_hash)
      .add(session.user_id)
      .add(session.csrf_token)
      .add(to_db(session.created_at))
      .add(to_db(session.expires_at));
  auto r = (*conn)->exec_prepared(
      "insert_session",
      "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at)"
      " VALUES ($1, $2, $3, $4, $5)",
      params);
  if (!r) {
    if (violated(**conn, kForeignKeyViolation)) {
      Error error = user_not_found(session.user_id);
      error.field = "user_id";
      return fail(std::move(error));
    }
    if (violated(**conn, kUniqueViolation)) {
      return fail(Error::conflict("id_hash", "a session with this id already exists"));
    }
    return fail(std::move(r.error()));
  }
  return {};
}

Result<std::optional<StoredSession>> PgStore::find_session(std::string_view id_hash) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared(
      "find_session",
      "SELECT user_id, csrf_token, created_at, expires_at FROM sessions WHERE id_hash = $1",
      Params().add(id_hash));
  if (!r) return fail(std::move(r.error()));
  if (r->rows() == 0) return std::optional<StoredSession>{};
  return StoredSession{.id_hash = std::string(id_hash),
                       .user_id = r->int_at(0, 0),
                       .csrf_token = std::string(r->text_at(0, 1)),
                       .created_at = timestamp_from_db(r->int_at(0, 2)),
                       .expires_at = timestamp_from_db(r->int_at(0, 3))};
}

Result<void> PgStore::delete_session(std::string_view id_hash) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared("delete_session", "DELETE FROM sessions WHERE id_hash = $1",
                                  Params().add(id_hash));
  if (!r) return fail(std::move(r.error()));
  return {};
}

Result<std::int64_t> PgStore::purge_sessions(Timestamp expired_before) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared("purge_sessions", "DELETE FROM sessions WHERE expires_at < $1",
                                  one(to_db(expired_before)));
  if (!r) return fail(std::move(r.error()));
  return r->affected();
}

Result<std::vector<Setting>> PgStore::load_settings() {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared("load_settings", "SELECT key, value FROM settings ORDER BY key",
                                  Params());
  if (!r) return fail(std::move(r.error()));
  std::vector<Setting> settings;
  settings.reserve(static_cast<std::size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) {
    settings.push_back(
        Setting{.key = std::string(r->text_at(i, 0)), .value = std::string(r->text_at(i, 1))});
  }
  return settings;
}

Result<void> PgStore::save_setting(std::string_view key, std::string_view value) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Params params;
  params.add(key).add(value);
  auto r = (*conn)->exec_prepared("save_setting",
                                  "INSERT INTO settings (key, value) VALUES ($1, $2)"
                                  " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                  params);
  if (!r) return fail(std::move(r.error()));
  return {};
}

Result<void> PgStore::delete_setting(std::string_view key) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared("delete_setting", "DELETE FROM settings WHERE key = $1",
                                  Params().add(key));
  if (!r) return fail(std::move(r.error()));
  return {};
}

// ---- assignments (atendimento fixo) ----

namespace {

std::vector<Assignment> assignments_from(const PgResult& r) {
  std::vector<Assignment> assignments;
  assignments.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    assignments.push_back(
        {.central_id = r.int_at(i, 0),
         .visitor = {.hi = u64_from_db(r.int_at(i, 1)), .lo = u64_from_db(r.int_at(i, 2))},
         .link_id = r.int_at(i, 3),
         .last_seen = timestamp_from_db(r.int_at(i, 4))});
  }
  return assignments;
}

}  // namespace

Result<std::vector<Assignment>> PgStore::load_assignments(Timestamp seen_since) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared(
      "load_assignments",
      "SELECT central_id, visitor_hi, visitor_lo, link_id, last_seen FROM assignments"
      " WHERE last_seen >= $1 ORDER BY last_seen",
      one(to_db(seen_since)));
  if (!r) return fail(std::move(r.error()));
  return assignments_from(*r);
}

Result<std::vector<Assignment>> PgStore::load_recent_assignments(Timestamp seen_since,
                                                                 std::size_t limit) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Params params;
  params.add(to_db(seen_since))
      .add(static_cast<std::int64_t>(
          std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max())));
  auto r = (*conn)->exec_prepared(
      "load_recent_assignments",
      "SELECT central_id, visitor_hi, visitor_lo, link_id, last_seen FROM"
      " (SELECT * FROM assignments WHERE last_seen >= $1 ORDER BY last_seen DESC LIMIT $2) AS r"
      " ORDER BY last_seen",
      params);
  if (!r) return fail(std::move(r.error()));
  return assignments_from(*r);
}

Result<void> PgStore::save_assignments(std::span<const Assignment> batch) {
  if (batch.empty()) return {};
  ArrayLiteral centrals;
  ArrayLiteral his;
  ArrayLiteral los;
  ArrayLiteral links;
  ArrayLiteral seen;
  for (const Assignment& a : batch) {
    centrals.add(a.central_id);
    his.add(to_db(a.visitor.hi));
    los.add(to_db(a.visitor.lo));
    links.add(a.link_id);
    seen.add(to_db(a.last_seen));
  }
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Params params;
  params.add(centrals.str()).add(his.str()).add(los.str()).add(links.str()).add(seen.str());
  // Skips rows whose central or link was deleted meanwhile; one row per
  // visitor (the newest sighting, the later one on a tie), and an older
  // sighting (another node's late flush) never overwrites a newer one.
  auto r = (*conn)->exec_prepared(
      "save_assignments",
      "INSERT INTO assignments (central_id, visitor_hi, visitor_lo, link_id, last_seen)"
      " SELECT DISTINCT ON (b.central_id, b.visitor_hi, b.visitor_lo)"
      "   b.central_id, b.visitor_hi, b.visitor_lo, b.link_id, b.last_seen"
      " FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[])"
      "   WITH ORDINALITY AS b(central_id, visitor_hi, visitor_lo, link_id, last_seen, ord)"
      " WHERE EXISTS (SELECT 1 FROM centrals WHERE id = b.central_id)"
      "   AND EXISTS (SELECT 1 FROM links WHERE id = b.link_id)"
      " ORDER BY b.central_id, b.visitor_hi, b.visitor_lo, b.last_seen DESC, b.ord DESC"
      " ON CONFLICT (central_id, visitor_hi, visitor_lo) DO UPDATE"
      " SET link_id = excluded.link_id, last_seen = excluded.last_seen"
      " WHERE excluded.last_seen >= assignments.last_seen",
      params);
  if (!r) return fail(std::move(r.error()));
  return {};
}

Result<std::int64_t> PgStore::purge_assignments(Timestamp seen_before) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared(
      "purge_assignments", "DELETE FROM assignments WHERE last_seen < $1", one(to_db(seen_before)));
  if (!r) return fail(std::move(r.error()));
  return r->affected();
}

namespace {

Params visitor_key(CentralId central, const VisitorId& visitor) {
  Params p;
  p.add(central).add(to_db(visitor.hi)).add(to_db(visitor.lo));
  return p;
}

constexpr std::string_view kFindAssignment =
    "SELECT link_id, last_seen FROM assignments"
    " WHERE central_id = $1 AND visitor_hi = $2 AND visitor_lo = $3";

}  // namespace

Result<std::optional<Assignment>> PgStore::find_assignment(CentralId central,
                                                           const VisitorId& visitor) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r =
      (*conn)->exec_prepared("find_assignment", kFindAssignment, visitor_key(central, visitor));
  if (!r) return fail(std::move(r.error()));
  if (r->rows() == 0) return std::optional<Assignment>{};
  return Assignment{.central_id = central,
                    .visitor = visitor,
                    .link_id = r->int_at(0, 0),
                    .last_seen = timestamp_from_db(r->int_at(0, 1))};
}

Result<Assignment> PgStore::claim_assignment(const Assignment& a) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Connection& c = **conn;
  Params params = visitor_key(a.central_id, a.visitor);
  params.add(a.link_id).add(to_db(a.last_seen));
  // The usual case is one round trip: the row is new and RETURNING gives it.
  // On a conflict the winner's row is read by a second statement, whose
  // fresh snapshot (READ COMMITTED) sees it even if it committed after the
  // INSERT began. A purge may delete it in between: then claim again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto inserted = c.exec_prepared(
        "claim_assignment",
        "INSERT INTO assignments (central_id, visitor_hi, visitor_lo, link_id, last_seen)"
        " SELECT $1, $2, $3, $4, $5"
        " WHERE EXISTS (SELECT 1 FROM centrals WHERE id = $1)"
        "   AND EXISTS (SELECT 1 FROM links WHERE id = $4)"
        " ON CONFLICT (central_id, visitor_hi, visitor_lo) DO NOTHING RETURNING link_id",
        params);
    if (!inserted) {
      if (violated(c, kForeignKeyViolation)) break;  // deleted meanwhile
      return fail(std::move(inserted.error()));
    }
    if (inserted->rows() == 1) return a;
    auto stored =
        c.exec_prepared("find_assignment", kFindAssignment, visitor_key(a.central_id, a.visitor));
    if (!stored) return fail(std::move(stored.error()));
    if (stored->rows() == 1) {
      return Assignment{.central_id = a.central_id,
                        .visitor = a.visitor,
                        .link_id = stored->int_at(0, 0),
                        .last_seen = timestamp_from_db(stored->int_at(0, 1))};
    }
    // Neither inserted nor found: the central or link is gone, or a purge
    // raced us; the EXISTS checks on the next attempt tell which.
    auto alive = c.exec_prepared("claim_refs_exist",
                                 "SELECT EXISTS (SELECT 1 FROM centrals WHERE id = $1)"
                                 " AND EXISTS (SELECT 1 FROM links WHERE id = $2)",
                                 Params().add(a.central_id).add(a.link_id));
    if (!alive) return fail(std::move(alive.error()));
    if (!alive->bool_at(0, 0)) break;
  }
  return fail(Error::not_found("central " + std::to_string(a.central_id) + " or link " +
                               std::to_string(a.link_id) + " not found"));
}

namespace {

constexpr std::string_view kTicketsSql = "SELECT nextval($1::regclass) FROM generate_series(1, $2)";
// Every claim of the batch in one statement; the rows it returns are the
// claims that won (their 1-based position in the batch).
constexpr std::string_view kClaimManySql =
    "INSERT INTO assignments (central_id, visitor_hi, visitor_lo, link_id, last_seen)"
    " SELECT f.c, f.hi, f.lo, f.l, f.s"
    " FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[])"
    "   WITH ORDINALITY AS f(c, hi, lo, l, s, i)"
    " WHERE EXISTS (SELECT 1 FROM centrals WHERE id = f.c)"
    "   AND EXISTS (SELECT 1 FROM links WHERE id = f.l)"
    " ORDER BY f.i"
    " ON CONFLICT (central_id, visitor_hi, visitor_lo) DO NOTHING"
    " RETURNING central_id, visitor_hi, visitor_lo";
// New visitors of one fixed central: each takes a ticket and is stored (if
// absent) as assigned to the slot that ticket serves (RoutingQueries::
// ClaimedTickets). `t` is materialised (nextval is volatile), so the ticket
// inserted is the ticket returned.
constexpr std::string_view kClaimedTicketsSql =
    "WITH t AS MATERIALIZED ("
    "  SELECT f.i, f.hi, f.lo, nextval($1::regclass) AS ticket"
    "  FROM unnest($2::bigint[], $3::bigint[]) WITH ORDINALITY AS f(hi, lo, i)),"
    " chosen AS MATERIALIZED ("
    "  SELECT t.hi, t.lo, ($4::bigint[])[(t.ticket % cardinality($4::bigint[]))::int + 1] AS link"
    "  FROM t),"
    " ins AS ("
    "  INSERT INTO assignments (central_id, visitor_hi, visitor_lo, link_id, last_seen)"
    "  SELECT $5, c.hi, c.lo, c.link, $6 FROM chosen c"
    "  WHERE EXISTS (SELECT 1 FROM centrals WHERE id = $5)"
    "    AND EXISTS (SELECT 1 FROM links WHERE id = c.link)"
    "  ON CONFLICT (central_id, visitor_hi, visitor_lo) DO NOTHING)"
    " SELECT t.ticket FROM t ORDER BY t.i";
// Stored assignments of several visitors; `i` is the 1-based position asked.
constexpr std::string_view kFindManySql =
    "SELECT f.i, a.link_id, a.last_seen"
    " FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS f(c, hi, lo, i)"
    " JOIN assignments a ON a.central_id = f.c AND a.visitor_hi = f.hi AND a.visitor_lo = f.lo";

// kFindManySql's parameters for (central, visitor) pairs.
template <class Keys, class CentralOf, class VisitorOf>
Params find_many_params(const Keys& keys, CentralOf central_of, VisitorOf visitor_of) {
  ArrayLiteral centrals;
  ArrayLiteral his;
  ArrayLiteral los;
  for (const auto& key : keys) {
    centrals.add(central_of(key));
    his.add(to_db(visitor_of(key).hi));
    los.add(to_db(visitor_of(key).lo));
  }
  Params params;
  params.add(centrals.str()).add(his.str()).add(los.str());
  return params;
}

// kFindManySql's rows by position asked (0-based).
std::vector<std::optional<std::pair<LinkId, Timestamp>>> found_by_position(const PgResult& rows,
                                                                           std::size_t asked) {
  std::vector<std::optional<std::pair<LinkId, Timestamp>>> out(asked);
  for (int row = 0; row < rows.rows(); ++row) {
    const auto i = static_cast<std::size_t>(rows.int_at(row, 0) - 1);
    if (i < asked) out[i] = std::pair(rows.int_at(row, 1), timestamp_from_db(rows.int_at(row, 2)));
  }
  return out;
}

}  // namespace

// Every query of the batch in one pipeline: a ticket query per central, one
// query for all the visitors looked up, one insert-if-absent for all the
// claims, and one read of the claimed visitors' stored rows (which, run
// after the insert on the same connection, sees each winner).
RoutingAnswers PgStore::answer_routing(const RoutingQueries& queries,
                                       std::chrono::milliseconds timeout) {
  RoutingAnswers answers;
  std::lock_guard lock(routing_mutex_);
  auto fail_all = [&](const Error& error) {
    answers.tickets.assign(queries.tickets.size(), fail(error));
    answers.finds.assign(queries.finds.size(), fail(error));
    answers.claims.assign(queries.claims.size(), fail(error));
    answers.claimed_tickets.assign(queries.claimed_tickets.size(), fail(error));
    return answers;
  };
  if (!routing_conn_ || !routing_conn_->healthy()) {
    routing_conn_.reset();
    auto opened = Connection::open(pool_.conninfo());
    if (!opened) return fail_all(opened.error());
    routing_conn_ = std::make_unique<Connection>(std::move(*opened));
  }
  routing_conn_->set_timeout(timeout);
  if (queries.empty()) return answers;  // connected: nothing else asked

  std::vector<Params> params;  // stable addresses: reserve before taking any
  params.reserve(queries.tickets.size() + queries.claims.size() + queries.claimed_tickets.size() +
                 2);
  std::vector<PipelinedQuery> sent;
  for (const auto& wanted : queries.tickets) {
    params.push_back(
        Params().add(ticket_sequence(wanted.central)).add(static_cast<std::int64_t>(wanted.count)));
    sent.push_back({kTicketsSql, &params.back()});
  }
  if (!queries.finds.empty()) {
    params.push_back(find_many_params(
        queries.finds, [](const RoutingQueries::Find& f) { return f.central; },
        [](const RoutingQueries::Find& f) -> const VisitorId& { return f.visitor; }));
    sent.push_back({kFindManySql, &params.back()});
  }
  if (!queries.claims.empty()) {
    ArrayLiteral centrals;
    ArrayLiteral his;
    ArrayLiteral los;
    ArrayLiteral links;
    ArrayLiteral seen;
    for (const Assignment& a : queries.claims) {
      centrals.add(a.central_id);
      his.add(to_db(a.visitor.hi));
      los.add(to_db(a.visitor.lo));
      links.add(a.link_id);
      seen.add(to_db(a.last_seen));
    }
    params.push_back(Params()
                         .add(centrals.str())
                         .add(his.str())
                         .add(los.str())
                         .add(links.str())
                         .add(seen.str()));
    sent.push_back({kClaimManySql, &params.back()});
    params.push_back(find_many_params(
        queries.claims, [](const Assignment& a) { return a.central_id; },
        [](const Assignment& a) -> const VisitorId& { return a.visitor; }));
    sent.push_back({kFindManySql, &params.back()});
  }
  for (const auto& group : queries.claimed_tickets) {
    ArrayLiteral his;
    ArrayLiteral los;
    ArrayLiteral slots;
    for (const VisitorId& v : group.visitors) {
      his.add(to_db(v.hi));
      los.add(to_db(v.lo));
    }
    for (const LinkId link : group.slots) slots.add(link);
    params.push_back(Params()
                         .add(ticket_sequence(group.central))
                         .add(his.str())
                         .add(los.str())
                         .add(slots.str())
                         .add(group.central)
                         .add(to_db(group.at)));
    sent.push_back({kClaimedTicketsSql, &params.back()});
  }

  auto results = routing_conn_->pipeline(sent);
  if (!results) {
    routing_conn_.reset();
    return fail_all(results.error());
  }
  std::size_t next = 0;
  for (const auto& wanted : queries.tickets) {
    auto& r = (*results)[next++];
    if (!r) {
      answers.tickets.push_back(fail(std::move(r.error())));
      continue;
    }
    std::vector<std::uint64_t> tickets;
    tickets.reserve(wanted.count);
    for (int row = 0; row < r->rows(); ++row) {
      tickets.push_back(static_cast<std::uint64_t>(r->int_at(row, 0)));
    }
    answers.tickets.push_back(std::move(tickets));
  }
  if (!queries.finds.empty()) {
    auto& r = (*results)[next++];
    if (!r) {
      answers.finds.assign(queries.finds.size(), fail(r.error()));
    } else {
      const auto found = found_by_position(*r, queries.finds.size());
      for (std::size_t i = 0; i < queries.finds.size(); ++i) {
        if (!found[i]) {
          answers.finds.push_back(std::optional<Assignment>());
          continue;
        }
        answers.finds.push_back(
            std::optional<Assignment>(Assignment{.central_id = queries.finds[i].central,
                                                 .visitor = queries.finds[i].visitor,
                                                 .link_id = found[i]->first,
                                                 .last_seen = found[i]->second}));
      }
    }
  }
  if (!queries.claims.empty()) {
    auto& inserted = (*results)[next];
    auto& winners_result = (*results)[next + 1];
    std::vector<std::optional<std::pair<LinkId, Timestamp>>> winners;
    if (winners_result) winners = found_by_position(*winners_result, queries.claims.size());
    // The claims that inserted their row, by key (a visitor claimed twice in
    // one batch inserts once: the first wins, the second reads it back).
    std::set<std::tuple<std::int64_t, std::int64_t, std::int64_t>> won;
    if (inserted) {
      for (int row = 0; row < inserted->rows(); ++row) {
        won.emplace(inserted->int_at(row, 0), inserted->int_at(row, 1), inserted->int_at(row, 2));
      }
    }
    for (std::size_t i = 0; i < queries.claims.size(); ++i) {
      const Assignment& a = queries.claims[i];
      const auto key = std::tuple(a.central_id, to_db(a.visitor.hi), to_db(a.visitor.lo));
      if (!inserted) {
        answers.claims.push_back(fail(inserted.error()));
      } else if (won.erase(key) == 1) {
        answers.claims.push_back(a);
      } else if (winners_result && winners[i]) {
        answers.claims.push_back(Assignment{.central_id = a.central_id,
                                            .visitor = a.visitor,
                                            .link_id = winners[i]->first,
                                            .last_seen = winners[i]->second});
      } else if (!winners_result) {
        answers.claims.push_back(fail(winners_result.error()));
      } else {
        answers.claims.push_back(
            fail(Error::not_found("central " + std::to_string(a.central_id) + " or link " +
                                  std::to_string(a.link_id) + " not found")));
      }
    }
    next += 2;
  }
  for (std::size_t g = 0; g < queries.claimed_tickets.size(); ++g) {
    auto& r = (*results)[next++];
    if (!r) {
      answers.claimed_tickets.push_back(fail(std::move(r.error())));
      continue;
    }
    std::vector<std::uint64_t> tickets;
    tickets.reserve(static_cast<std::size_t>(r->rows()));
    for (int row = 0; row < r->rows(); ++row) {
      tickets.push_back(static_cast<std::uint64_t>(r->int_at(row, 0)));
    }
    answers.claimed_tickets.push_back(std::move(tickets));
  }
  return answers;
}

Result<std::unique_ptr<ChangeListener>> PgStore::open_change_listener() {
  return open_listener(pool_.conninfo());
}

// ---- clicks and reports ----

namespace {

// A failure of the click batch: kUnavailable when the server cannot take
// writes for now (connection lost, shutting down, out of resources, a
// serialisation failure or deadlock): the click writer spools and retries.
// Anything else (a value or a constraint the schema refuses) comes back as
// it was: the writer splits the batch to find the row at fault.
Error click_write_error(const Connection& conn, Error error) {
  const std::string& state = conn.last_failure().sqlstate;
  if (state.starts_with("53") || state.starts_with("40") || state.starts_with("57") ||
      state.starts_with("58") || is_connection_failure(state)) {
    error.code = ErrorCode::kUnavailable;
  }
  return error;
}

}  // namespace

Result<void> PgStore::insert_clicks(std::span<const ClickRecord> batch,
                                    std::span<const RollupDelta> rollups) {
  if (batch.empty() && rollups.empty()) return {};
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Connection& c = **conn;
  auto tx = Transaction::begin(c);
  if (!tx) return fail(click_write_error(c, std::move(tx.error())));
  std::string scratch;
  if (!batch.empty()) {
    CopyRows rows;
    for (const ClickRecord& k : batch) {
      if (k.kind == ClickKind::kView) continue;  // a view is in the rollups only
      rows.add(to_db(k.at))
          .add(static_cast<std::int64_t>(k.kind))
          .add(k.central_id)
          .add(k.entry_link_id)
          .add(k.link_id)
          .add(to_db(k.visitor.hi))
          .add(to_db(k.visitor.lo))
          .add(k.new_visitor);
      for (const std::string* text :
           {&k.outcome, &k.device, &k.browser, &k.referrer, &k.utm_source, &k.utm_medium,
            &k.utm_campaign, &k.utm_term, &k.utm_content}) {
        rows.add(storable_text(*text, scratch));
      }
      rows.add(k.gclid).add(k.fbclid).add(static_cast<std::int64_t>(k.source));
      rows.add(storable_text(k.ref, scratch));
      rows.end_row();
    }
    // COPY, not INSERT ... unnest(arrays): PostgreSQL reads COPY's rows at
    // about half the CPU per click (bench/never_wait.sh).
    if (rows.rows() > 0) {
      auto r = c.copy_in(
          "COPY clicks (at, kind, central_id, entry_link_id, link_id, visitor_hi, visitor_lo,"
          " new_visitor, outcome, device, browser, referrer, utm_source, utm_medium,"
          " utm_campaign, utm_term, utm_content, gclid, fbclid, source, ref) FROM STDIN",
          rows.data());
      if (!r) return fail(click_write_error(c, std::move(r.error())));
    }
  }
  if (!rollups.empty()) {
    // Keys made storable first, so that the cap counts what is stored.
    std::vector<RollupDelta> clean(rollups.begin(), rollups.end());
    for (RollupDelta& d : clean) {
      if (!is_storable_text(d.key)) d.key = std::string(storable_text(d.key, scratch));
    }
    std::map<RollupGroup, std::set<std::string, std::less<>>> stored;
    if (const auto groups = capped_groups(clean); !groups.empty()) {
      std::array<ArrayLiteral, 4> g;
      for (const RollupGroup& group : groups) {
        g[0].add(static_cast<std::int64_t>(group.scope));
        g[1].add(group.scope_id);
        g[2].add(group.dimension);
        g[3].add(group.hour);
      }
      Params params;
      for (const ArrayLiteral& a : g) params.add(a.str());
      // Each group locked (in one order, so two nodes cannot deadlock) for
      // the rest of the transaction: two nodes cannot both take the last
      // free key of an hour.
      auto locked = c.exec_prepared(
          "lock_rollup_groups",
          "SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT DISTINCT"
          "   hashtextextended(g.scope || ':' || g.scope_id || ':' || g.dimension || ':' || g.hour,"
          "   0) AS k FROM unnest($1::smallint[], $2::bigint[], $3::text[], $4::bigint[])"
          "   AS g(scope, scope_id, dimension, hour) ORDER BY 1) AS s",
          params);
      if (!locked) return fail(click_write_error(c, std::move(locked.error())));
      auto keys = c.exec_prepared(
          "rollup_group_keys",
          "SELECT r.scope, r.scope_id, r.dimension, r.hour, r.key FROM click_rollups r"
          " JOIN unnest($1::smallint[], $2::bigint[], $3::text[], $4::bigint[])"
          "   AS g(scope, scope_id, dimension, hour)"
          " ON r.scope = g.scope AND r.scope_id = g.scope_id AND r.dimension = g.dimension"
          "   AND r.hour = g.hour",
          params);
      if (!keys) return fail(click_write_error(c, std::move(keys.error())));
      for (int i = 0; i < keys->rows(); ++i) {
        stored[{static_cast<StatsScope>(keys->int_at(i, 0)), keys->int_at(i, 1),
                std::string(keys->text_at(i, 2)), keys->int_at(i, 3)}]
            .insert(std::string(keys->text_at(i, 4)));
      }
    }
    const std::vector<RollupDelta> folded = fold_rollups(clean, stored);
    std::array<ArrayLiteral, 6> col;
    for (const RollupDelta& d : folded) {
      col[0].add(static_cast<std::int64_t>(d.scope));
      col[1].add(d.scope_id);
      col[2].add(d.dimension);
      col[3].add(d.hour);
      col[4].add(d.key);
      col[5].add(d.count);
    }
    Params params;
    for (const ArrayLiteral& a : col) params.add(a.str());
    // Summed per key first (ON CONFLICT cannot touch one row twice), in key
    // order so that two nodes adding to the same rows do not deadlock.
    auto r = c.exec_prepared(
        "add_rollups",
        "INSERT INTO click_rollups (scope, scope_id, dimension, hour, key, count)"
        " SELECT d.scope, d.scope_id, d.dimension, d.hour, d.key, sum(d.count)"
        " FROM unnest($1::smallint[], $2::bigint[], $3::text[], $4::bigint[], $5::text[],"
        "   $6::bigint[]) AS d(scope, scope_id, dimension, hour, key, count)"
        " GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5"
        " ON CONFLICT (scope, scope_id, dimension, hour, key) DO UPDATE"
        " SET count = click_rollups.count + excluded.count",
        params);
    if (!r) return fail(click_write_error(c, std::move(r.error())));
  }
  if (auto done = tx->commit(); !done) return fail(click_write_error(c, std::move(done.error())));
  return {};
}

Result<std::vector<RollupRow>> PgStore::load_rollups(StatsScope scope, std::int64_t scope_id,
                                                     std::string_view dimension,
                                                     std::int64_t from_hour, std::int64_t to_hour,
                                                     bool per_hour) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Params params;
  params.add(static_cast<std::int64_t>(scope))
      .add(scope_id)
      .add(dimension)
      .add(from_hour)
      .add(to_hour);
  auto r = per_hour
               ? (*conn)->exec_prepared(
                     "rollups_per_hour",
                     "SELECT hour, key, sum(count) FROM click_rollups"
                     " WHERE scope = $1 AND scope_id = $2 AND dimension = $3"
                     " AND hour >= $4 AND hour < $5 GROUP BY hour, key ORDER BY hour, key",
                     params)
               : (*conn)->exec_prepared("rollups_total",
                                        "SELECT -1, key, sum(count) FROM click_rollups"
                                        " WHERE scope = $1 AND scope_id = $2 AND dimension = $3"
                                        " AND hour >= $4 AND hour < $5"
                                        " GROUP BY key ORDER BY sum(count) DESC, key",
                                        params);
  if (!r) return fail(std::move(r.error()));
  std::vector<RollupRow> rows;
  rows.reserve(static_cast<std::size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) {
    rows.push_back({r->int_at(i, 0), std::string(r->text_at(i, 1)), r->int_at(i, 2)});
  }
  return rows;
}

Result<std::vector<ClickRecord>> PgStore::load_clicks(LinkId link_id, Timestamp from, Timestamp to,
                                                      std::size_t limit) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Params params;
  params.add(link_id).add(to_db(from)).add(to_db(to)).add(static_cast<std::int64_t>(limit));
  auto r = (*conn)->exec_prepared(
      "load_clicks",
      "SELECT at, kind, central_id, entry_link_id, link_id, visitor_hi, visitor_lo, new_visitor,"
      " outcome, device, browser, referrer, utm_source, utm_medium, utm_campaign, utm_term,"
      " utm_content, gclid, fbclid, source, ref FROM clicks"
      " WHERE (link_id = $1 OR (entry_link_id = $1 AND entry_link_id <> link_id)) AND at >= $2 AND "
      "at < $3"
      " ORDER BY at, id LIMIT $4",
      params);
  if (!r) return fail(std::move(r.error()));
  std::vector<ClickRecord> out;
  out.reserve(static_cast<std::size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) {
    ClickRecord k;
    k.at = timestamp_from_db(r->int_at(i, 0));
    k.kind = r->int_at(i, 1) == 1 ? ClickKind::kPreview : ClickKind::kClick;
    k.central_id = r->int_at(i, 2);
    k.entry_link_id = r->int_at(i, 3);
    k.link_id = r->int_at(i, 4);
    k.visitor = {u64_from_db(r->int_at(i, 5)), u64_from_db(r->int_at(i, 6))};
    k.new_visitor = r->bool_at(i, 7);
    k.outcome = r->text_at(i, 8);
    k.device = r->text_at(i, 9);
    k.browser = r->text_at(i, 10);
    k.referrer = r->text_at(i, 11);
    k.utm_source = r->text_at(i, 12);
    k.utm_medium = r->text_at(i, 13);
    k.utm_campaign = r->text_at(i, 14);
    k.utm_term = r->text_at(i, 15);
    k.utm_content = r->text_at(i, 16);
    k.gclid = r->bool_at(i, 17);
    k.fbclid = r->bool_at(i, 18);
    k.source = r->int_at(i, 19) == 1 ? ClickSource::kQr : ClickSource::kLink;
    k.ref = r->text_at(i, 20);
    out.push_back(std::move(k));
  }
  return out;
}

Result<void> PgStore::reset_link_stats(LinkId link_id) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Connection& c = **conn;
  auto tx = Transaction::begin(c);
  if (!tx) return fail(std::move(tx.error()));
  auto rollups = c.exec_prepared(
      "reset_rollups", "DELETE FROM click_rollups WHERE scope = 0 AND scope_id = $1", one(link_id));
  if (!rollups) return fail(std::move(rollups.error()));
  // The clicks it served, and the previews of its own slug (kind 1).
  auto clicks = c.exec_prepared("reset_clicks",
                                "DELETE FROM clicks WHERE link_id = $1 OR (kind = 1 AND "
                                "entry_link_id = $1 AND entry_link_id <> link_id)",
                                one(link_id));
  if (!clicks) return fail(std::move(clicks.error()));
  return tx->commit();
}

Result<std::int64_t> PgStore::purge_clicks(Timestamp before) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared("purge_clicks", "DELETE FROM clicks WHERE at < $1",
                                  one(to_db(before)));
  if (!r) return fail(std::move(r.error()));
  return r->affected();
}

}  // namespace sequencial::postgres
