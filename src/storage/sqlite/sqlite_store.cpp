// SqliteStore: the Store interface on one SQLite file (see sqlite_store.h).
// Every public method locks mu_ for its whole duration; every write of more
// than one row runs in one BEGIN IMMEDIATE transaction.
#include "storage/sqlite/sqlite_store.h"

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

#include "core/validation.h"
#include "storage/rollups.h"
#include "storage/schedule_codec.h"
#include "storage/sqlite/migrations.h"
#include "storage/stored_text.h"
#include "storage/stored_values.h"

namespace sequencial::sqlite {
namespace {

constexpr int kBusyTimeoutMs = 5000;

using Lock = std::lock_guard<std::mutex>;

using namespace stored;  // row values and the contract's errors (stored_values.h)

// Binds ?1..?9 to the editable fields of a link (everything but id and created_at).
void bind_link_fields(Query& q, const Link& link) {
  q.bind_text(1, link.slug)
      .bind_text(2, slug_key(link.slug))
      .bind_text(3, link.phone)
      .bind_text(4, link.message)
      .bind_text(5, link.label)
      .bind_int(6, link.active ? 1 : 0)
      .bind_text(7, link.preview_title)
      .bind_text(8, link.preview_description)
      .bind_text(9, link.preview_image);
}

// Runs a statement whose only parameter ?1 is an id.
Result<void> run_with_id(Db& db, std::string_view sql, std::int64_t id) {
  auto q = db.query(sql);
  if (!q) return fail(std::move(q.error()));
  q->bind_int(1, id);
  return q->run();
}

// Prefixes errors met while opening with the file name, on field "db".
Error open_error(const std::string& path, Error error) {
  if (error.field.empty()) error.field = "db";
  if (error.code == ErrorCode::kInternal) error.code = ErrorCode::kUnavailable;
  error.message = "cannot use database \"" + path + "\": " + error.message;
  return error;
}

}  // namespace

// ---- opening ----

// 64 MB of page cache per connection (filled only as pages are read).
constexpr std::string_view kCachePragmas = "PRAGMA cache_size = -65536;";

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path) {
  if (path.empty()) return fail(Error::invalid("db", "database path is empty"));
  auto db = Db::open(path);
  if (!db) return fail(std::move(db.error()));
  if (auto ok = db->set_busy_timeout(kBusyTimeoutMs); !ok) {
    return fail(open_error(path, std::move(ok.error())));
  }
  // journal_mode first: it needs the file lock, which busy_timeout now waits for.
  // foreign_keys is per connection and must be set outside any transaction.
  // cache_size: the click and assignment writers touch index pages
  // all over a large file; with SQLite's 2 MB default cache they were read
  // back with pread on every batch (profile in BENCHMARKS.md).
  if (auto ok = db->exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                         "PRAGMA foreign_keys = ON;" +
                         std::string(kCachePragmas));
      !ok) {
    return fail(open_error(path, std::move(ok.error())));
  }
  if (auto version = migrate(*db, migrations()); !version) {
    return fail(open_error(path, std::move(version.error())));
  }
  std::optional<Db> reader;
  if (path != ":memory:" && !path.starts_with("file::memory:")) {
    auto r = Db::open(path);
    if (!r) return fail(open_error(path, std::move(r.error())));
    if (auto ok = r->set_busy_timeout(kBusyTimeoutMs); !ok) {
      return fail(open_error(path, std::move(ok.error())));
    }
    if (auto ok = r->exec("PRAGMA query_only = ON;" + std::string(kCachePragmas)); !ok) {
      return fail(open_error(path, std::move(ok.error())));
    }
    reader.emplace(std::move(*r));
  }
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(*db), std::move(reader)));
}

// ---- links ----

Result<std::vector<Link>> SqliteStore::load_links() {
  Lock lock(mu_);
  auto q = db_.query(
      "SELECT id, slug, phone, message, label, active, preview_title, preview_description,"
      " preview_image, created_at FROM links ORDER BY id");
  if (!q) return fail(std::move(q.error()));
  std::vector<Link> links;
  {
    // Sized up front: with a million links, growing the vector copied
    // hundreds of MB at start-up.
    auto count = db_.query("SELECT count(*) FROM links");
    if (!count) return fail(std::move(count.error()));
    auto row = count->step();
    if (!row) return fail(std::move(row.error()));
    if (*row) links.reserve(static_cast<std::size_t>(count->int_at(0)));
  }
  while (true) {
    auto row = q->step();
    if (!row) return fail(std::move(row.error()));
    if (!*row) break;
    Link& link = links.emplace_back();
    link.id = q->int_at(0);
    link.slug = q->text_at(1);
    link.phone = q->text_at(2);
    link.message = q->text_at(3);
    link.label = q->text_at(4);
    link.active = q->int_at(5) != 0;
    link.preview_title = q->text_at(6);
    link.preview_description = q->text_at(7);
    link.preview_image = q->text_at(8);
    link.created_at = timestamp_from_db(q->int_at(9));
  }
  // The scan filled the page cache with the links table, which the
  // redirect path never reads again: give that memory back.
  if (auto ok = db_.exec("PRAGMA shrink_memory"); !ok) return fail(std::move(ok.error()));
  return links;
}

Result<Link> SqliteStore::insert_link(const Link& link) {
  Lock lock(mu_);
  Link stored = link;
  if (stored.created_at == Timestamp{}) stored.created_at = now();
  auto q = db_.query(
      "INSERT INTO links (slug, slug_key, phone, message, label, active, preview_title,"
      " preview_description, preview_image, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!q) return fail(std::move(q.error()));
  bind_link_fields(*q, stored);
  q->bind_int(10, to_db(stored.created_at));
  if (auto done = q->run(); !done) {
    if (q->violated_unique("links.slug_key")) return fail(slug_in_use());
    return fail(std::move(done.error()));
  }
  stored.id = db_.last_insert_rowid();
  return stored;
}

Result<void> SqliteStore::update_link(const Link& link) {
  Lock lock(mu_);
  auto q = db_.query(
      "UPDATE links SET slug = ?1, slug_key = ?2, phone = ?3, message = ?4, label = ?5,"
      " active = ?6, preview_title = ?7, preview_description = ?8, preview_image = ?9"
      " WHERE id = ?10");
  if (!q) return fail(std::move(q.error()));
  bind_link_fields(*q, link);
  q->bind_int(10, link.id);
  if (auto done = q->run(); !done) {
    if (q->violated_unique("links.slug_key")) return fail(slug_in_use());
    return fail(std::move(done.error()));
  }
  if (db_.changes() == 0) return fail(link_not_found(link.id));
  return {};
}

Result<void> SqliteStore::delete_link(LinkId id) {
  Lock lock(mu_);
  auto tx = Transaction::begin(db_, Transaction::Kind::kWrite);
  if (!tx) return fail(std::move(tx.error()));
  {
    auto anchor = db_.query("SELECT id FROM centrals WHERE anchor_id = ?1 ORDER BY id LIMIT 1");
    if (!anchor) return fail(std::move(anchor.error()));
    anchor->bind_int(1, id);
    auto row = anchor->step();
    if (!row) return fail(std::move(row.error()));
    if (*row) {
      return fail(Error::conflict("id", "link is the anchor of central " +
                                            std::to_string(anchor->int_at(0)) +
                                            "; delete the central first"));
    }
  }
  // Memberships and assignments go with the link (ON DELETE CASCADE).
  if (auto done = run_with_id(db_, "DELETE FROM links WHERE id = ?1", id); !done) {
    return fail(std::move(done.error()));
  }
  if (db_.changes() == 0) return fail(link_not_found(id));
  // Close the gaps the cascade left, keeping the order: positions stay 0..n-1.
  auto renumber = db_.query(
      "UPDATE central_members SET position = ranked.new_position"
      " FROM (SELECT central_id, link_id,"
      "       row_number() OVER (PARTITION BY central_id ORDER BY position) - 1"
      "         AS new_position"
      "       FROM central_members) AS ranked"
      " WHERE central_members.central_id = ranked.central_id"
      "   AND central_members.link_id = ranked.link_id"
      "   AND central_members.position <> ranked.new_position");
  if (!renumber) return fail(std::move(renumber.error()));
  if (auto done = renumber->run(); !done) return fail(std::move(done.error()));
  return tx->commit();
}

// ---- centrals ----

Result<std::vector<Central>> SqliteStore::load_centrals() {
  Lock lock(mu_);
  // One snapshot for both SELECTs, so members always match their centrals.
  auto tx = Transaction::begin(db_, Transaction::Kind::kRead);
  if (!tx) return fail(std::move(tx.error()));

  std::vector<Central> centrals;
  std::unordered_map<CentralId, std::size_t> index;
  {
    auto q = db_.query(
        "SELECT id, anchor_id, fixed, when_closed, cursor, created_at, mode, title, shuffle"
        " FROM centrals ORDER BY id");
    if (!q) return fail(std::move(q.error()));
    while (true) {
      auto row = q->step();
      if (!row) return fail(std::move(row.error()));
      if (!*row) break;
      Central& central = centrals.emplace_back();
      central.id = q->int_at(0);
      central.anchor_id = q->int_at(1);
      central.fixed = q->int_at(2) != 0;
      const std::string when = q->text_at(3);
      auto when_closed = when_closed_from_name(when);
      if (!when_closed) {
        return fail(Error::internal("central " + std::to_string(central.id) +
                                    " has an unknown when_closed \"" + when + "\""));
      }
      central.when_closed = *when_closed;
      central.cursor = u64_from_db(q->int_at(4));
      central.created_at = timestamp_from_db(q->int_at(5));
      const std::string mode = q->text_at(6);
      auto parsed_mode = central_mode_from_name(mode);
      if (!parsed_mode) {
        return fail(Error::internal("central " + std::to_string(central.id) +
                                    " has an unknown mode \"" + mode + "\""));
      }
      central.mode = *parsed_mode;
      central.title = q->text_at(7);
      central.shuffle = q->int_at(8) != 0;
      index.emplace(central.id, centrals.size() - 1);
    }
  }
  {
    auto q = db_.query(
        "SELECT central_id, link_id, weight, hours, title, description, photo_url, regions"
        " FROM central_members ORDER BY central_id, position");
    if (!q) return fail(std::move(q.error()));
    while (true) {
      auto row = q->step();
      if (!row) return fail(std::move(row.error()));
      if (!*row) break;
      auto owner = index.find(q->int_at(0));
      if (owner == index.end()) continue;  // impossible with foreign keys on
      Member member;
      member.link_id = q->int_at(1);
      member.weight = static_cast<int>(q->int_at(2));
      if (!q->null_at(3)) {
        auto hours = storage::decode_schedule(q->text_at(3));
        if (!hours) {
          Error error = std::move(hours.error());
          error.message = "central " + std::to_string(owner->first) + ", member link " +
                          std::to_string(member.link_id) + ": " + error.message;
          return fail(std::move(error));
        }
        member.hours = std::move(*hours);
      }
      member.title = q->text_at(4);
      member.description = q->text_at(5);
      member.photo_url = q->text_at(6);
      member.regions = storage::decode_regions(q->text_at(7));
      centrals[owner->second].members.push_back(std::move(member));
    }
  }
  if (auto done = tx->commit(); !done) return fail(std::move(done.error()));
  return centrals;
}

Result<bool> SqliteStore::exists(std::string_view sql, std::int64_t id) {
  auto q = db_.query(sql);
  if (!q) return fail(std::move(q.error()));
  q->bind_int(1, id);
  return q->step();
}

Result<void> SqliteStore::check_references(const Central& central) {
  auto anchor = exists("SELECT 1 FROM links WHERE id = ?1", central.anchor_id);
  if (!anchor) return fail(std::move(anchor.error()));
  if (!*anchor) {
    return fail({ErrorCode::kUnprocessable,
                 "anchor link " + std::to_string(central.anchor_id) + " does not exist", "anchor"});
  }
  std::unordered_set<LinkId> seen;
  for (const Member& member : central.members) {
    if (!seen.insert(member.link_id).second) {
      return fail(Error::invalid(
          "members", "link " + std::to_string(member.link_id) + " appears twice in the members"));
    }
    auto found = exists("SELECT 1 FROM links WHERE id = ?1", member.link_id);
    if (!found) return fail(std::move(found.error()));
    if (!*found) {
      return fail({ErrorCode::kUnprocessable,
                   "member link " + std::to_string(member.link_id) + " does not exist", "members"});
    }
  }
  return {};
}

Result<void> SqliteStore::write_members(const Central& central) {
  std::int64_t position = 0;
  for (const Member& member : central.members) {
    std::optional<std::string> hours;
    if (member.hours) {
      auto encoded = storage::encode_schedule(*member.hours);
      if (!encoded) return fail(std::move(encoded.error()));
      hours = std::move(*encoded);
    }
    auto q = db_.query(
        "INSERT INTO central_members (central_id, position, link_id, weight, hours, title,"
        " description, photo_url, regions) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!q) return fail(std::move(q.error()));
    q->bind_int(1, central.id).bind_int(2, position++).bind_int(3, member.link_id);
    q->bind_int(4, member.weight);
    if (hours) {
      q->bind_text(5, *hours);
    } else {
      q->bind_null(5);
    }
    const std::string regions = storage::encode_regions(member.regions);
    q->bind_text(6, member.title)
        .bind_text(7, member.description)
        .bind_text(8, member.photo_url)
        .bind_text(9, regions);
    if (auto done = q->run(); !done) return fail(std::move(done.error()));
  }
  return {};
}

Result<Central> SqliteStore::insert_central(const Central& central) {
  Lock lock(mu_);
  Central stored = central;
  if (stored.created_at == Timestamp{}) stored.created_at = now();

  auto tx = Transaction::begin(db_, Transaction::Kind::kWrite);
  if (!tx) return fail(std::move(tx.error()));
  if (auto ok = check_references(stored); !ok) return fail(std::move(ok.error()));
  {
    auto q = db_.query(
        "INSERT INTO centrals (anchor_id, fixed, when_closed, cursor, created_at, mode, title,"
        " shuffle) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!q) return fail(std::move(q.error()));
    q->bind_int(1, stored.anchor_id)
        .bind_int(2, stored.fixed ? 1 : 0)
        .bind_text(3, when_closed_name(stored.when_closed))
        .bind_int(4, to_db(stored.cursor))
        .bind_int(5, to_db(stored.created_at))
        .bind_text(6, central_mode_name(stored.mode))
        .bind_text(7, stored.title)
        .bind_int(8, stored.shuffle ? 1 : 0);
    if (auto done = q->run(); !done) {
      if (q->violated_unique("centrals.anchor_id")) return fail(anchor_taken());
      return fail(std::move(done.error()));
    }
  }
  stored.id = db_.last_insert_rowid();
  if (auto ok = write_members(stored); !ok) return fail(std::move(ok.error()));
  if (auto done = tx->commit(); !done) return fail(std::move(done.error()));
  return stored;
}

Result<void> SqliteStore::update_central(const Central& central) {
  Lock lock(mu_);
  auto tx = Transaction::begin(db_, Transaction::Kind::kWrite);
  if (!tx) return fail(std::move(tx.error()));
  auto found = exists("SELECT 1 FROM centrals WHERE id = ?1", central.id);
  if (!found) return fail(std::move(found.error()));
  if (!*found) return fail(central_not_found(central.id));
  if (auto ok = check_references(central); !ok) return fail(std::move(ok.error()));
  {
    auto q = db_.query(
        "UPDATE centrals SET anchor_id = ?1, fixed = ?2, when_closed = ?3, cursor = ?4,"
        " mode = ?6, title = ?7, shuffle = ?8 WHERE id = ?5");
    if (!q) return fail(std::move(q.error()));
    q->bind_int(1, central.anchor_id)
        .bind_int(2, central.fixed ? 1 : 0)
        .bind_text(3, when_closed_name(central.when_closed))
        .bind_int(4, to_db(central.cursor))
        .bind_int(5, central.id)
        .bind_text(6, central_mode_name(central.mode))
        .bind_text(7, central.title)
        .bind_int(8, central.shuffle ? 1 : 0);
    if (auto done = q->run(); !done) {
      if (q->violated_unique("centrals.anchor_id")) return fail(anchor_taken());
      return fail(std::move(done.error()));
    }
  }
  if (auto done = run_with_id(db_, "DELETE FROM central_members WHERE central_id = ?1", central.id);
      !done) {
    return fail(std::move(done.error()));
  }
  if (auto ok = write_members(central); !ok) return fail(std::move(ok.error()));
  return tx->commit();
}

Result<void> SqliteStore::delete_central(CentralId id) {
  Lock lock(mu_);
  // One statement: members and assignments cascade within it, atomically.
  if (auto done = run_with_id(db_, "DELETE FROM centrals WHERE id = ?1", id); !done) {
    return fail(std::move(done.error()));
  }
  if (db_.changes() == 0) return fail(central_not_found(id));
  return {};
}

Result<void> SqliteStore::save_cursors(std::span<const CursorUpdate> cursors) {
  if (cursors.empty()) return {};
  Lock lock(mu_);
  auto tx = Transaction::begin(db_, Transaction::Kind::kWrite);
  if (!tx) return fail(std::move(tx.error()));
  for (const CursorUpdate& update : cursors) {
    auto q = db_.query("UPDATE centrals SET cursor = ?1 WHERE id = ?2");
    if (!q) return fail(std::move(q.error()));
    q->bind_int(1, to_db(update.cursor)).bind_int(2, update.central_id);
    if (auto done = q->run(); !done) return fail(std::move(done.error()));
  }
  return tx->commit();
}

// ---- API tokens ----

Result<ApiToken> SqliteStore::insert_token(std::string_view name, std::string_view token_hash) {
  Lock lock(mu_);
  ApiToken token{.id = 0, .name = std::string(name), .created_at = now()};
  auto q = db_.query("INSERT INTO api_tokens (name, token_hash, created_at) VALUES (?1, ?2, ?3)");
  if (!q) return fail(std::move(q.error()));
  q->bind_text(1, name).bind_text(2, token_hash).bind_int(3, to_db(token.created_at));
  if (auto done = q->run(); !done) {
    if (q->violated_unique("api_tokens.token_hash")) {
      return fail(Error::conflict("token", "a token with this hash already exists"));
    }
    return fail(std::move(done.error()));
  }
  token.id = db_.last_insert_rowid();
  return token;
}

Result<std::optional<ApiToken>> SqliteStore::find_token(std::string_view token_hash) {
  Lock lock(mu_);
  auto q = db_.query("SELECT id, name, created_at FROM api_tokens WHERE token_hash = ?1");
  if (!q) return fail(std::move(q.error()));
  q->bind_text(1, token_hash);
  auto row = q->step();
  if (!row) return fail(std::move(row.error()));
  if (!*row) return std::optional<ApiToken>{};
  return ApiToken{
      .id = q->int_at(0), .name = q->text_at(1), .created_at = timestamp_from_db(q->int_at(2))};
}

Result<std::vector<ApiToken>> SqliteStore::load_tokens() {
  Lock lock(mu_);
  auto q = db_.query("SELECT id, name, created_at FROM api_tokens ORDER BY id");
  if (!q) return fail(std::move(q.error()));
  std::vector<ApiToken> tokens;
  while (true) {
    auto row = q->step();
    if (!row) return fail(std::move(row.error()));
    if (!*row) break;
    tokens.push_back(ApiToken{
        .id = q->int_at(0), .name = q->text_at(1), .created_at = timestamp_from_db(q->int_at(2))});
  }
  return tokens;
}

Result<void> SqliteStore::delete_token(std::int64_t id) {
  Lock lock(mu_);
  if (auto done = run_with_id(db_, "DELETE FROM api_tokens WHERE id = ?1", id); !done) {
    return fail(std::move(done.error()));
  }
  if (db_.changes() == 0)
    return fail(Error::not_found("token " + std::to_string(id) + " not found"));
  return {};
}

// ---- users, sessions, settings (admin UI) ----

namespace {

constexpr std::string_view kUserColumns = "SELECT id, email, password_hash, created_at FROM users";

User user_from_row(const Query& q) {
  return User{.id = q.int_at(0),
              .email = q.text_at(1),
              .password_hash = q.text_at(2),
              .created_at = timestamp_from_db(q.int_at(3))};
}

Result<std::optional<User>> one_user(Query& q) {
  auto row = q.step();
  if (!row) return fail(std::move(row.error()));
  if (!*row) return std::optional<User>{};
  return user_from_row(q);
}

}  // namespace

Result<User> SqliteStore::insert_user(std::string_view email, std::string_view password_hash) {
  Lock lock(mu_);
  User user{.id = 0,
            .email = std::string(email),
            .password_hash = std::string(password_hash),
            .created_at = now()};
  auto q = db_.query("INSERT INTO users (email, password_hash, created_at) VALUES (?1, ?2, ?3)");
  if (!q) return fail(std::move(q.error()));
  q->bind_text(1, email).bind_text(2, password_hash).bind_int(3, to_db(user.created_at));
  if (auto done = q->run(); !done) {
    if (q->violated_unique("users.email")) {
      return fail(Error::conflict("email", "a user with this e-mail already exists"));
    }
    return fail(std::move(done.error()));
  }
  user.id = db_.last_insert_rowid();
  return user;
}

Result<std::vector<User>> SqliteStore::load_users() {
  Lock lock(mu_);
  auto q = db_.query(std::string(kUserColumns) + " ORDER BY id");
  if (!q) return fail(std::move(q.error()));
  std::vector<User> users;
  while (true) {
    auto row = q->step();
    if (!row) return fail(std::move(row.error()));
    if (!*row) break;
    users.push_back(user_from_row(*q));
  }
  return users;
}

Result<std::optional<User>> SqliteStore::find_user_by_email(std::string_view email) {
  Lock lock(mu_);
  auto q = db_.query(std::string(kUserColumns) + " WHERE email = ?1");  // column is NOCASE
  if (!q) return fail(std::move(q.error()));
  q->bind_text(1, email);
  return one_user(*q);
}

Result<std::optional<User>> SqliteStore::find_user(std::int64_t id) {
  Lock lock(mu_);
  auto q = db_.query(std::string(kUserColumns) + " WHERE id = ?1");
  if (!q) return fail(std::move(q.error()));
  q->bind_int(1, id);
  return one_user(*q);
}

Result<void> SqliteStore::update_user_password(std::int64_t id, std::string_view password_hash,
                                               std::string_view keep_session) {
  Lock lock(mu_);
  auto tx = Transaction::begin(db_, Transaction::Kind::kWrite);
  if (!tx) return fail(std::move(tx.error()));
  {
    auto q = db_.query("UPDATE users SET password_hash = ?2 WHERE id = ?1");
    if (!q) return fail(std::move(q.error()));
    q->bind_int(1, id).bind_text(2, password_hash);
    if (auto done = q->run(); !done) return fail(std::move(done.error()));
    if (db_.changes() == 0) return fail(user_not_found(id));
  }
  {
    auto q = db_.query("DELETE FROM sessions WHERE user_id = ?1 AND id_hash <> ?2");
    if (!q) return fail(std::move(q.error()));
    q->bind_int(1, id).bind_text(2, keep_session);
    if (auto done = q->run(); !done) return fail(std::move(done.error()));
  }
  if (auto done = tx->commit(); !done) return fail(std::move(done.error()));
  return {};
}

Result<void> SqliteStore::update_user_email(std::int64_t id, std::string_view email) {
  Lock lock(mu_);
  auto q = db_.query("UPDATE users SET email = ?2 WHERE id = ?1");
  if (!q) return fail(std::move(q.error()));
  q->bind_int(1, id).bind_text(2, email);
  if (auto done = q->run(); !done) {
    if (q->violated_unique("users.email")) {
      return fail(Error::conflict("email", "a user with this e-mail already exists"));
    }
    return fail(std::move(done.error()));
  }
  if (db_.changes() == 0) return fail(user_not_found(id));
  return {};
}

Result<void> SqliteStore::delete_user(std::int64_t id) {
  Lock lock(mu_);
  // Sessions cascade within the statement.
  if (auto done = run_with_id(db_, "DELETE FROM users WHERE id = ?1", id); !done) {
    return fail(std::move(done.error()));
  }
  if (db_.changes() == 0) return fail(user_not_found(id));
  return {};
}

Result<void> SqliteStore::insert_session(const StoredSession& session) {
  Lock lock(mu_);
  auto user = exists("SELECT 1 FROM users WHERE id = ?1", session.user_id);
  if (!user) return fail(std::move(user.error()));
  if (!*user) {
    Error error = user_not_found(session.user_id);
    error.field = "user_id";
    return fail(std::move(error));
  }
  auto q = db_.query(
      "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!q) return fail(std::move(q.error()));
  q->bind_text(1, session.id_hash)
      .bind_int(2, session.user_id)
      .bind_text(3, session.csrf_token)
      .bind_int(4, to_db(session.created_at))
      .bind_int(5, to_db(session.expires_at));
  if (auto done = q->run(); !done) {
    if (q->violated_unique("sessions.id_hash")) {
      return fail(Error::conflict("id_hash", "a session with this id already exists"));
    }
    return fail(std::move(done.error()));
  }
  return {};
}

Result<std::optional<StoredSession>> SqliteStore::find_session(std::string_view id_hash) {
  Lock lock(mu_);
  auto q = db_.query(
      "SELECT user_id, csrf_token, created_at, expires_at FROM sessions WHERE id_hash = ?1");
  if (!q) return fail(std::move(q.error()));
  q->bind_text(1, id_hash);
  auto row = q->step();
  if (!row) return fail(std::move(row.error()));
  if (!*row) return std::optional<StoredSession>{};
  return StoredSession{.id_hash = std::string(id_hash),
                       .user_id = q->int_at(0),
                       .csrf_token = q->text_at(1),
                       .created_at = timestamp_from_db(q->int_at(2)),
                       .expires_at = timestamp_from_db(q->int_at(3))};
}

Result<void> SqliteStore::delete_session(std::string_view id_hash) {
  Lock lock(mu_);
  auto q = db_.query("DELETE FROM sessions WHERE id_hash = ?1");
  if (!q) return fail(std::move(q.error()));
  q->bind_text(1, id_hash);
  return q->run();
}

Result<std::int64_t> SqliteStore::purge_sessions(Timestamp expired_before) {
  Lock lock(mu_);
  auto q = db_.query("DELETE FROM sessions WHERE expires_at < ?1");
  if (!q) return fail(std::move(q.error()));
  q->bind_int(1, to_db(expired_before));
  if (auto done = q->run(); !done) return fail(std::move(done.error()));
  return db_.changes();
}

Result<std::vector<Setting>> SqliteStore::load_settings() {
  Lock lock(mu_);
  auto q = db_.query("SELECT key, value FROM settings ORDER BY key");
  if (!q) return fail(std::move(q.error()));
  std::vector<Setting> settings;
  while (true) {
    auto row = q->step();
    if (!row) return fail(std::move(row.error()));
    if (!*row) break;
    settings.push_back(Setting{.key = q->text_at(0), .value = q->text_at(1)});
  }
  return settings;
}

Result<void> SqliteStore::save_setting(std::string_view key, std::string_view value) {
  Lock lock(mu_);
  auto q = db_.query(
      "INSERT INTO settings (key, value) VALUES (?1, ?2)"
      " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  if (!q) return fail(std::move(q.error()));
  q->bind_text(1, key).bind_text(2, value);
  return q->run();
}

Result<void> SqliteStore::delete_setting(std::string_view key) {
  Lock lock(mu_);
  auto q = db_.query("DELETE FROM settings WHERE key = ?1");
  if (!q) return fail(std::move(q.error()));
  q->bind_text(1, key);
  return q->run();
}

// ---- assignments (atendimento fixo) ----

Result<std::vector<Assignment>> SqliteStore::load_assignments(Timestamp seen_since) {
  Lock lock(mu_);
  auto q = db_.query(
      "SELECT central_id, visitor_hi, visitor_lo, link_id, last_seen FROM assignments"
      " WHERE last_seen >= ?1 ORDER BY last_seen");
  if (!q) return fail(std::move(q.error()));
  q->bind_int(1, to_db(seen_since));
  std::vector<Assignment> assignments;
  while (true) {
    auto row = q->step();
    if (!row) return fail(std::move(row.error()));
    if (!*row) break;
    assignments.push_back(
        {.central_id = q->int_at(0),
         .visitor = {.hi = u64_from_db(q->int_at(1)), .lo = u64_from_db(q->int_at(2))},
         .link_id = q->int_at(3),
         .last_seen = timestamp_from_db(q->int_at(4))});
  }
  return assignments;
}

Result<std::vector<Assignment>> SqliteStore::load_recent_assignments(Timestamp seen_since,
                                                                     std::size_t limit) {
  Lock lock(mu_);
  auto q = db_.query(
      "SELECT central_id, visitor_hi, visitor_lo, link_id, last_seen FROM"
      " (SELECT * FROM assignments WHERE last_seen >= ?1 ORDER BY last_seen DESC LIMIT ?2)"
      " ORDER BY last_seen");
  if (!q) return fail(std::move(q.error()));
  q->bind_int(1, to_db(seen_since))
      .bind_int(2, static_cast<std::int64_t>(
                       std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max())));
  std::vector<Assignment> assignments;
  assignments.reserve(std::min<std::size_t>(limit, 1U << 20));
  while (true) {
    auto row = q->step();
    if (!row) return fail(std::move(row.error()));
    if (!*row) break;
    assignments.push_back(
        {.central_id = q->int_at(0),
         .visitor = {.hi = u64_from_db(q->int_at(1)), .lo = u64_from_db(q->int_at(2))},
         .link_id = q->int_at(3),
         .last_seen = timestamp_from_db(q->int_at(4))});
  }
  return assignments;
}

Result<void> SqliteStore::save_assignments(std::span<const Assignment> batch) {
  if (batch.empty()) return {};
  Lock lock(mu_);
  auto tx = Transaction::begin(db_, Transaction::Kind::kWrite);
  if (!tx) return fail(std::move(tx.error()));
  // The batch was gathered in memory: skip rows whose central or link was
  // deleted meanwhile instead of failing the whole batch on a foreign key.
  // A batch names few centrals and links: check each once (inside this
  // transaction, so none can vanish before the commit), not per row.
  std::unordered_map<std::int64_t, bool> central_alive;
  std::unordered_map<std::int64_t, bool> link_alive;
  const auto alive = [this](std::unordered_map<std::int64_t, bool>& known, std::string_view sql,
                            std::int64_t id) -> Result<bool> {
    if (const auto it = known.find(id); it != known.end()) return it->second;
    auto found = exists(sql, id);
    if (!found) return found;
    known.emplace(id, *found);
    return *found;
  };
  for (const Assignment& a : batch) {
    auto central_ok = alive(central_alive, "SELECT 1 FROM centrals WHERE id = ?1", a.central_id);
    if (!central_ok) return fail(std::move(central_ok.error()));
    auto link_ok = alive(link_alive, "SELECT 1 FROM links WHERE id = ?1", a.link_id);
    if (!link_ok) return fail(std::move(link_ok.error()));
    if (!*central_ok || !*link_ok) continue;
    // Never let an older sighting (e.g. from another node's late flush)
    // overwrite a newer one.
    auto q = db_.query(
        "INSERT INTO assignments (central_id, visitor_hi, visitor_lo, link_id, last_seen)"
        " VALUES (?1, ?2, ?3, ?4, ?5)"
        " ON CONFLICT (central_id, visitor_hi, visitor_lo) DO UPDATE"
        " SET link_id = excluded.link_id, last_seen = excluded.last_seen"
        " WHERE excluded.last_seen >= assignments.last_seen");
    if (!q) return fail(std::move(q.error()));
    q->bind_int(1, a.central_id)
        .bind_int(2, to_db(a.visitor.hi))
        .bind_int(3, to_db(a.visitor.lo))
        .bind_int(4, a.link_id)
        .bind_int(5, to_db(a.last_seen));
    if (auto done = q->run(); !done) return fail(std::move(done.error()));
  }
  return tx->commit();
}

Result<std::int64_t> SqliteStore::purge_assignments(Timestamp seen_before) {
  Lock lock(mu_);
  auto q = db_.query("DELETE FROM assignments WHERE last_seen < ?1");
  if (!q) return fail(std::move(q.error()));
  q->bind_int(1, to_db(seen_before));
  if (auto done = q->run(); !done) return fail(std::move(done.error()));
  return db_.changes();
}

Result<std::optional<Assignment>> SqliteStore::find_assignment(CentralId central,
                                                               const VisitorId& visitor) {
  std::unique_lock lock(reader_mu_, std::defer_lock);
  std::unique_lock write_lock(mu_, std::defer_lock);
  if (reader_) {
    lock.lock();
  } else {
    write_lock.lock();
  }
  Db& db = reader_ ? *reader_ : db_;
  auto q = db.query(
      "SELECT link_id, last_seen FROM assignments"
      " WHERE central_id = ?1 AND visitor_hi = ?2 AND visitor_lo = ?3");
  if (!q) return fail(std::move(q.error()));
  q->bind_int(1, central).bind_int(2, to_db(visitor.hi)).bind_int(3, to_db(visitor.lo));
  auto row = q->step();
  if (!row) return fail(std::move(row.error()));
  if (!*row) return std::optional<Assignment>{};
  return Assignment{.central_id = central,
                    .visitor = visitor,
                    .link_id = q->int_at(0),
                    .last_seen = timestamp_from_db(q->int_at(1))};
}

Result<Assignment> SqliteStore::claim_assignment(const Assignment& a) {
  Lock lock(mu_);
  auto tx = Transaction::begin(db_, Transaction::Kind::kWrite);
  if (!tx) return fail(std::move(tx.error()));
  {
    auto q = db_.query(
        "INSERT INTO assignments (central_id, visitor_hi, visitor_lo, link_id, last_seen)"
        " SELECT ?1, ?2, ?3, ?4, ?5"
        " WHERE EXISTS (SELECT 1 FROM centrals WHERE id = ?1)"
        "   AND EXISTS (SELECT 1 FROM links WHERE id = ?4)"
        " ON CONFLICT (central_id, visitor_hi, visitor_lo) DO NOTHING");
    if (!q) return fail(std::move(q.error()));
    q->bind_int(1, a.central_id)
        .bind_int(2, to_db(a.visitor.hi))
        .bind_int(3, to_db(a.visitor.lo))
        .bind_int(4, a.link_id)
        .bind_int(5, to_db(a.last_seen));
    if (auto done = q->run(); !done) return fail(std::move(done.error()));
  }
  Assignment stored = a;
  {
    auto q = db_.query(
        "SELECT link_id, last_seen FROM assignments"
        " WHERE central_id = ?1 AND visitor_hi = ?2 AND visitor_lo = ?3");
    if (!q) return fail(std::move(q.error()));
    q->bind_int(1, a.central_id).bind_int(2, to_db(a.visitor.hi)).bind_int(3, to_db(a.visitor.lo));
    auto row = q->step();
    if (!row) return fail(std::move(row.error()));
    if (!*row) {
      return fail(Error::not_found("central " + std::to_string(a.central_id) + " or link " +
                                   std::to_string(a.link_id) + " not found"));
    }
    stored.link_id = q->int_at(0);
    stored.last_seen = timestamp_from_db(q->int_at(1));
  }
  if (auto done = tx->commit(); !done) return fail(std::move(done.error()));
  return stored;
}

Result<std::optional<std::uint64_t>> SqliteStore::next_rotation_ticket(CentralId /*central*/) {
  return std::optional<std::uint64_t>{};
}

Result<std::unique_ptr<ChangeListener>> SqliteStore::open_change_listener() {
  return std::unique_ptr<ChangeListener>{};
}

namespace {

// A failure of the click batch: kUnavailable when the file refuses writes
// for now (the click writer spools and retries), else as it came (the
// writer splits the batch to find the row at fault).
Error click_write_error(const Db& db, Error error) {
  if (db.last_failure_is_transient()) error.code = ErrorCode::kUnavailable;
  return error;
}

}  // namespace

Result<void> SqliteStore::insert_clicks(std::span<const ClickRecord> batch,
                                        std::span<const RollupDelta> rollups) {
  if (batch.empty() && rollups.empty()) return {};
  Lock lock(mu_);
  auto tx = Transaction::begin(db_, Transaction::Kind::kWrite);
  if (!tx) return fail(click_write_error(db_, std::move(tx.error())));
  if (!batch.empty()) {
    auto q = db_.query(
        "INSERT INTO clicks (at, kind, central_id, entry_link_id, link_id, visitor_hi, visitor_lo,"
        " new_visitor, outcome, device, browser, referrer, utm_source, utm_medium, utm_campaign,"
        " utm_term, utm_content, gclid, fbclid, source, ref)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
        " ?19, ?20, ?21)");
    if (!q) return fail(std::move(q.error()));
    // One scratch string per text column: bound without a copy, each must
    // live until the row is inserted.
    std::array<std::string, 10> scratch;
    for (const ClickRecord& c : batch) {
      if (c.kind == ClickKind::kView) continue;  // a view is in the rollups only
      q->reset();
      q->bind_int(1, to_db(c.at))
          .bind_int(2, static_cast<std::int64_t>(c.kind))
          .bind_int(3, c.central_id)
          .bind_int(4, c.entry_link_id)
          .bind_int(5, c.link_id)
          .bind_int(6, to_db(c.visitor.hi))
          .bind_int(7, to_db(c.visitor.lo))
          .bind_int(8, c.new_visitor ? 1 : 0)
          .bind_int(18, c.gclid ? 1 : 0)
          .bind_int(19, c.fbclid ? 1 : 0)
          .bind_int(20, static_cast<std::int64_t>(c.source));
      std::size_t column = 0;
      for (const std::string* text :
           {&c.outcome, &c.device, &c.browser, &c.referrer, &c.utm_source, &c.utm_medium,
            &c.utm_campaign, &c.utm_term, &c.utm_content}) {
        q->bind_text_view(static_cast<int>(9 + column), storable_text(*text, scratch[column]));
        ++column;
      }
      q->bind_text_view(21, storable_text(c.ref, scratch[column]));
      if (auto done = q->run(); !done) return fail(click_write_error(db_, std::move(done.error())));
    }
  }
  if (!rollups.empty()) {
    auto folded = fold_stored_rollups(rollups);
    if (!folded) return fail(click_write_error(db_, std::move(folded.error())));
    auto q = db_.query(
        "INSERT INTO click_rollups (scope, scope_id, dimension, hour, key, count)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
        " ON CONFLICT (scope, scope_id, dimension, hour, key) DO UPDATE"
        " SET count = count + excluded.count");
    if (!q) return fail(std::move(q.error()));
    for (const RollupDelta& r : *folded) {
      q->reset();
      q->bind_int(1, static_cast<std::int64_t>(r.scope))
          .bind_int(2, r.scope_id)
          .bind_text(3, r.dimension)
          .bind_int(4, r.hour)
          .bind_text(5, r.key)
          .bind_int(6, r.count);
      if (auto done = q->run(); !done) return fail(click_write_error(db_, std::move(done.error())));
    }
  }
  if (auto done = tx->commit(); !done) return fail(click_write_error(db_, std::move(done.error())));
  return {};
}

Result<std::vector<RollupDelta>> SqliteStore::fold_stored_rollups(
    std::span<const RollupDelta> rollups) {
  // Keys made storable first, so that the cap counts what is stored.
  std::vector<RollupDelta> clean(rollups.begin(), rollups.end());
  std::string scratch;
  for (RollupDelta& r : clean) {
    if (!is_storable_text(r.key)) r.key = std::string(storable_text(r.key, scratch));
  }
  std::map<RollupGroup, std::set<std::string, std::less<>>> stored;
  for (const RollupGroup& g : capped_groups(clean)) {
    auto q = db_.query(
        "SELECT key FROM click_rollups"
        " WHERE scope = ?1 AND scope_id = ?2 AND dimension = ?3 AND hour = ?4");
    if (!q) return fail(std::move(q.error()));
    q->bind_int(1, static_cast<std::int64_t>(g.scope))
        .bind_int(2, g.scope_id)
        .bind_text(3, g.dimension)
        .bind_int(4, g.hour);
    auto& keys = stored[g];
    while (true) {
      auto row = q->step();
      if (!row) return fail(std::move(row.error()));
      if (!*row) break;
      keys.insert(q->text_at(0));
    }
  }
  return fold_rollups(clean, stored);
}

Result<std::vector<RollupRow>> SqliteStore::load_rollups(StatsScope scope, std::int64_t scope_id,
                                                         std::string_view dimension,
                                                         std::int64_t from_hour,
                                                         std::int64_t to_hour, bool per_hour) {
  Lock lock(mu_);
  auto q = db_.query(per_hour ? std::string_view("SELECT hour, key, sum(count) FROM click_rollups"
                                                 " WHERE scope = ?1 AND scope_id = ?2"
                                                 " AND dimension = ?3 AND hour >= ?4 AND hour < ?5"
                                                 " GROUP BY hour, key ORDER BY hour, key")
                              : std::string_view("SELECT -1, key, sum(count) FROM click_rollups"
                                                 " WHERE scope = ?1 AND scope_id = ?2"
                                                 " AND dimension = ?3 AND hour >= ?4 AND hour < ?5"
                                                 " GROUP BY key ORDER BY sum(count) DESC, key"));
  if (!q) return fail(std::move(q.error()));
  q->bind_int(1, static_cast<std::int64_t>(scope))
      .bind_int(2, scope_id)
      .bind_text(3, dimension)
      .bind_int(4, from_hour)
      .bind_int(5, to_hour);
  std::vector<RollupRow> rows;
  while (true) {
    auto row = q->step();
    if (!row) return fail(std::move(row.error()));
    if (!*row) break;
    rows.push_back({q->int_at(0), q->text_at(1), q->int_at(2)});
  }
  return rows;
}

Result<std::vector<ClickRecord>> SqliteStore::load_clicks(LinkId link_id, Timestamp from,
                                                          Timestamp to, std::size_t limit) {
  Lock lock(mu_);
  auto q = db_.query(
      "SELECT at, kind, central_id, entry_link_id, link_id, visitor_hi, visitor_lo, new_visitor,"
      " outcome, device, browser, referrer, utm_source, utm_medium, utm_campaign, utm_term,"
      " utm_content, gclid, fbclid, source, ref FROM clicks"
      " WHERE (link_id = ?1 OR (entry_link_id = ?1 AND entry_link_id <> link_id)) AND at >= ?2 AND "
      "at < ?3"
      " ORDER BY at, id LIMIT ?4");
  if (!q) return fail(std::move(q.error()));
  q->bind_int(1, link_id)
      .bind_int(2, to_db(from))
      .bind_int(3, to_db(to))
      .bind_int(4, static_cast<std::int64_t>(limit));
  std::vector<ClickRecord> out;
  while (true) {
    auto row = q->step();
    if (!row) return fail(std::move(row.error()));
    if (!*row) break;
    ClickRecord c;
    c.at = timestamp_from_db(q->int_at(0));
    c.kind = q->int_at(1) == 1 ? ClickKind::kPreview : ClickKind::kClick;
    c.central_id = q->int_at(2);
    c.entry_link_id = q->int_at(3);
    c.link_id = q->int_at(4);
    c.visitor = {u64_from_db(q->int_at(5)), u64_from_db(q->int_at(6))};
    c.new_visitor = q->int_at(7) != 0;
    c.outcome = q->text_at(8);
    c.device = q->text_at(9);
    c.browser = q->text_at(10);
    c.referrer = q->text_at(11);
    c.utm_source = q->text_at(12);
    c.utm_medium = q->text_at(13);
    c.utm_campaign = q->text_at(14);
    c.utm_term = q->text_at(15);
    c.utm_content = q->text_at(16);
    c.gclid = q->int_at(17) != 0;
    c.fbclid = q->int_at(18) != 0;
    c.source = q->int_at(19) == 1 ? ClickSource::kQr : ClickSource::kLink;
    c.ref = q->text_at(20);
    out.push_back(std::move(c));
  }
  return out;
}

Result<void> SqliteStore::reset_link_stats(LinkId link_id) {
  Lock lock(mu_);
  auto tx = Transaction::begin(db_, Transaction::Kind::kWrite);
  if (!tx) return fail(std::move(tx.error()));
  auto rollups = db_.query("DELETE FROM click_rollups WHERE scope = 0 AND scope_id = ?1");
  if (!rollups) return fail(std::move(rollups.error()));
  rollups->bind_int(1, link_id);
  if (auto done = rollups->run(); !done) return fail(std::move(done.error()));
  // The clicks it served, and the previews of its own slug (kind 1).
  auto clicks = db_.query(
      "DELETE FROM clicks WHERE link_id = ?1 OR (kind = 1 AND entry_link_id = ?1 AND entry_link_id "
      "<> link_id)");
  if (!clicks) return fail(std::move(clicks.error()));
  clicks->bind_int(1, link_id);
  if (auto done = clicks->run(); !done) return fail(std::move(done.error()));
  return tx->commit();
}

Result<std::int64_t> SqliteStore::purge_clicks(Timestamp before) {
  Lock lock(mu_);
  auto q = db_.query("DELETE FROM clicks WHERE at < ?1");
  if (!q) return fail(std::move(q.error()));
  q->bind_int(1, to_db(before));
  if (auto done = q->run(); !done) return fail(std::move(done.error()));
  return db_.changes();
}

}  // namespace sequencial::sqlite
