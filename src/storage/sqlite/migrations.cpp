// The SQLite schema history and its runner (see migrations.h).
//
// Conventions for the SQL below: STRICT tables (a wrong type is an error,
// not a silent conversion); times are INTEGER unix seconds (UTC); booleans
// are INTEGER 0/1; 64-bit unsigned values (cursor, visitor ids) are stored
// bit-cast to INTEGER. A migration that must rebuild a table follows
// SQLite's "12-step" recipe and sets `rebuilds_tables`: the runner then
// switches foreign_keys off around its transaction (DROP TABLE with foreign
// keys on would run the children's ON DELETE CASCADE) and runs
// foreign_key_check before committing.
#include "storage/sqlite/migrations.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>

namespace sequencial::sqlite {
namespace {

constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE links (
  id                  INTEGER PRIMARY KEY,
  slug                TEXT    NOT NULL,
  slug_key            TEXT    NOT NULL UNIQUE,  -- slug in ASCII lower case
  phone               TEXT    NOT NULL,
  message             TEXT    NOT NULL DEFAULT '',
  label               TEXT    NOT NULL DEFAULT '',
  active              INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  preview_title       TEXT    NOT NULL DEFAULT '',
  preview_description TEXT    NOT NULL DEFAULT '',
  preview_image       TEXT    NOT NULL DEFAULT '',
  created_at          INTEGER NOT NULL
) STRICT;

CREATE TABLE centrals (
  id          INTEGER PRIMARY KEY,
  anchor_id   INTEGER NOT NULL UNIQUE REFERENCES links (id) ON DELETE RESTRICT,
  fixed       INTEGER NOT NULL DEFAULT 0 CHECK (fixed IN (0, 1)),
  when_closed TEXT    NOT NULL DEFAULT 'anchor'
              CHECK (when_closed IN ('anchor', 'page', 'ignore_hours')),
  cursor      INTEGER NOT NULL DEFAULT 0,  -- rotation position, uint64 bit-cast
  created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE central_members (
  central_id INTEGER NOT NULL REFERENCES centrals (id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,  -- rotation order, 0-based
  link_id    INTEGER NOT NULL REFERENCES links (id) ON DELETE CASCADE,
  weight     INTEGER NOT NULL DEFAULT 1,
  hours      TEXT,              -- Schedule as JSON (storage/schedule_codec.h); NULL = always
  PRIMARY KEY (central_id, link_id)
) STRICT;
CREATE INDEX central_members_by_link ON central_members (link_id);

CREATE TABLE api_tokens (
  id         INTEGER PRIMARY KEY,
  name       TEXT    NOT NULL,
  token_hash TEXT    NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE assignments (
  central_id INTEGER NOT NULL REFERENCES centrals (id) ON DELETE CASCADE,
  visitor_hi INTEGER NOT NULL,  -- uint64 bit-cast
  visitor_lo INTEGER NOT NULL,  -- uint64 bit-cast
  link_id    INTEGER NOT NULL REFERENCES links (id) ON DELETE CASCADE,
  last_seen  INTEGER NOT NULL,
  PRIMARY KEY (central_id, visitor_hi, visitor_lo)
) STRICT, WITHOUT ROWID;
CREATE INDEX assignments_by_last_seen ON assignments (last_seen);
CREATE INDEX assignments_by_link ON assignments (link_id);
)sql";

// Version 2: the click log and its per-hour rollups (reports). Raw clicks
// have no foreign keys: a report of last year outlives a deleted link.
constexpr std::string_view kVersion2 = R"sql(
CREATE TABLE clicks (
  id            INTEGER PRIMARY KEY,
  at            INTEGER NOT NULL,
  kind          INTEGER NOT NULL CHECK (kind IN (0, 1)),  -- 0 click, 1 preview
  central_id    INTEGER NOT NULL DEFAULT 0,
  entry_link_id INTEGER NOT NULL,
  link_id       INTEGER NOT NULL DEFAULT 0,
  visitor_hi    INTEGER NOT NULL,
  visitor_lo    INTEGER NOT NULL,
  new_visitor   INTEGER NOT NULL CHECK (new_visitor IN (0, 1)),
  outcome       TEXT    NOT NULL DEFAULT '',
  device        TEXT    NOT NULL DEFAULT '',
  browser       TEXT    NOT NULL DEFAULT '',
  referrer      TEXT    NOT NULL DEFAULT '',
  utm_source    TEXT    NOT NULL DEFAULT '',
  utm_medium    TEXT    NOT NULL DEFAULT '',
  utm_campaign  TEXT    NOT NULL DEFAULT '',
  utm_term      TEXT    NOT NULL DEFAULT '',
  utm_content   TEXT    NOT NULL DEFAULT '',
  gclid         INTEGER NOT NULL DEFAULT 0,
  fbclid        INTEGER NOT NULL DEFAULT 0,
  source        INTEGER NOT NULL DEFAULT 0,  -- 0 link, 1 qr
  ref           TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX clicks_by_at ON clicks (at);
CREATE INDEX clicks_by_link ON clicks (link_id, at);
CREATE INDEX clicks_by_entry ON clicks (entry_link_id, at);

CREATE TABLE click_rollups (
  scope     INTEGER NOT NULL,  -- 0 link, 1 central
  scope_id  INTEGER NOT NULL,
  dimension TEXT    NOT NULL,
  hour      INTEGER NOT NULL,  -- unix seconds / 3600
  key       TEXT    NOT NULL,
  count     INTEGER NOT NULL,
  PRIMARY KEY (scope, scope_id, dimension, hour, key)
) STRICT, WITHOUT ROWID;
)sql";

// Version 3: admin UI accounts, login sessions and settings saved from the
// UI. E-mails are unique ignoring ASCII case (COLLATE NOCASE); a session
// row holds only a hash of its id and goes with its user.
constexpr std::string_view kVersion3 = R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  email         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT    NOT NULL,
  created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
  id_hash    TEXT    PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT, WITHOUT ROWID;
)sql";

// Version 4: ids are never reused. Without AUTOINCREMENT SQLite hands out
// max(id) + 1, so deleting the newest link gave its id, and with it its
// clicks and rollups, to the next link (and a revoked token's id to the next
// token). Each table with a surrogate id referred to from elsewhere is
// rebuilt with AUTOINCREMENT, rows kept as they are. The sequences start
// above every id still named anywhere (clicks and rollups outlive a deleted
// link or central). The clicks table keeps plain rowids: nothing refers to
// a click's id, and rebuilding the largest table would make the upgrade slow.
constexpr std::string_view kVersion4 = R"sql(
CREATE TABLE links_v4 (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  slug                TEXT    NOT NULL,
  slug_key            TEXT    NOT NULL UNIQUE,  -- slug in ASCII lower case
  phone               TEXT    NOT NULL,
  message             TEXT    NOT NULL DEFAULT '',
  label               TEXT    NOT NULL DEFAULT '',
  active              INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  preview_title       TEXT    NOT NULL DEFAULT '',
  preview_description TEXT    NOT NULL DEFAULT '',
  preview_image       TEXT    NOT NULL DEFAULT '',
  created_at          INTEGER NOT NULL
) STRICT;
INSERT INTO links_v4 (id, slug, slug_key, phone, message, label, active, preview_title,
                      preview_description, preview_image, created_at)
  SELECT id, slug, slug_key, phone, message, label, active, preview_title,
         preview_description, preview_image, created_at FROM links;
DROP TABLE links;
ALTER TABLE links_v4 RENAME TO links;

CREATE TABLE centrals_v4 (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  anchor_id   INTEGER NOT NULL UNIQUE REFERENCES links (id) ON DELETE RESTRICT,
  fixed       INTEGER NOT NULL DEFAULT 0 CHECK (fixed IN (0, 1)),
  when_closed TEXT    NOT NULL DEFAULT 'anchor'
              CHECK (when_closed IN ('anchor', 'page', 'ignore_hours')),
  cursor      INTEGER NOT NULL DEFAULT 0,  -- rotation position, uint64 bit-cast
  created_at  INTEGER NOT NULL
) STRICT;
INSERT INTO centrals_v4 (id, anchor_id, fixed, when_closed, cursor, created_at)
  SELECT id, anchor_id, fixed, when_closed, cursor, created_at FROM centrals;
DROP TABLE centrals;
ALTER TABLE centrals_v4 RENAME TO centrals;

CREATE TABLE api_tokens_v4 (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT    NOT NULL,
  token_hash TEXT    NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
) STRICT;
INSERT INTO api_tokens_v4 (id, name, token_hash, created_at)
  SELECT id, name, token_hash, created_at FROM api_tokens;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_v4 RENAME TO api_tokens;

CREATE TABLE users_v4 (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  email         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT    NOT NULL,
  created_at    INTEGER NOT NULL
) STRICT;
INSERT INTO users_v4 (id, email, password_hash, created_at)
  SELECT id, email, password_hash, created_at FROM users;
DROP TABLE users;
ALTER TABLE users_v4 RENAME TO users;

DELETE FROM sqlite_sequence WHERE name IN ('links', 'centrals', 'api_tokens', 'users');
INSERT INTO sqlite_sequence (name, seq) SELECT 'links', max(
  (SELECT coalesce(max(id), 0) FROM links),
  (SELECT coalesce(max(link_id), 0) FROM clicks),
  (SELECT coalesce(max(entry_link_id), 0) FROM clicks),
  (SELECT coalesce(max(scope_id), 0) FROM click_rollups WHERE scope = 0),
  (SELECT coalesce(max(CAST(key AS INTEGER)), 0) FROM click_rollups
     WHERE dimension = 'attendant'));
INSERT INTO sqlite_sequence (name, seq) SELECT 'centrals', max(
  (SELECT coalesce(max(id), 0) FROM centrals),
  (SELECT coalesce(max(central_id), 0) FROM clicks),
  (SELECT coalesce(max(scope_id), 0) FROM click_rollups WHERE scope = 1));
INSERT INTO sqlite_sequence (name, seq) SELECT 'api_tokens', coalesce(max(id), 0) FROM api_tokens;
INSERT INTO sqlite_sequence (name, seq) SELECT 'users', coalesce(max(id), 0) FROM users;
)sql";

// Version 5: the modes of a central (Seletivo, Geolocalizado). Members gain
// their chooser entry's texts and their regions (one per line, normalised
// by core/validation.h). Added columns with defaults: existing centrals stay
// Sequencial, nothing is rebuilt.
constexpr std::string_view kVersion5 = R"sql(
ALTER TABLE centrals ADD COLUMN mode TEXT NOT NULL DEFAULT 'sequencial'
  CHECK (mode IN ('sequencial', 'seletivo', 'geo'));
ALTER TABLE centrals ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE centrals ADD COLUMN shuffle INTEGER NOT NULL DEFAULT 0 CHECK (shuffle IN (0, 1));
ALTER TABLE central_members ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE central_members ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE central_members ADD COLUMN photo_url TEXT NOT NULL DEFAULT '';
ALTER TABLE central_members ADD COLUMN regions TEXT NOT NULL DEFAULT '';
)sql";

// Version 6: a plain link's click has entry_link_id = link_id, which
// clicks_by_link already finds; only clicks that entered through another
// link (a central's anchor, a preview) need clicks_by_entry. Partial, it
// costs a plain link's click one index insert less (bench/README.md, "Click
// writer"). The export and reset queries spell the same condition.
constexpr std::string_view kVersion6 = R"sql(
DROP INDEX clicks_by_entry;
CREATE INDEX clicks_by_entry ON clicks (entry_link_id, at) WHERE entry_link_id <> link_id;
)sql";

constexpr Migration kMigrations[] = {
    {1, kVersion1},       {2, kVersion2}, {3, kVersion3},
    {4, kVersion4, true}, {5, kVersion5}, {6, kVersion6},
};

// The highest applied version; 0 for a new file.
Result<int> current_version(Db& db) {
  auto exists = db.query(
      "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'");
  if (!exists) return fail(std::move(exists.error()));
  auto row = exists->step();
  if (!row) return fail(std::move(row.error()));
  if (!*row || exists->int_at(0) == 0) return 0;

  auto version = db.query("SELECT coalesce(max(version), 0) FROM schema_version");
  if (!version) return fail(std::move(version.error()));
  row = version->step();
  if (!row) return fail(std::move(row.error()));
  return *row ? static_cast<int>(version->int_at(0)) : 0;
}

// Switches foreign_keys off for its lifetime when asked and they were on.
class ForeignKeysOff {
 public:
  static Result<ForeignKeysOff> begin(Db& db, bool wanted) {
    if (!wanted) return ForeignKeysOff(nullptr);
    bool on = false;
    {
      auto state = db.query("PRAGMA foreign_keys");
      if (!state) return fail(std::move(state.error()));
      auto row = state->step();
      if (!row) return fail(std::move(row.error()));
      on = *row && state->int_at(0) != 0;
    }
    if (!on) return ForeignKeysOff(nullptr);
    if (auto ok = db.exec("PRAGMA foreign_keys = OFF"); !ok) return fail(std::move(ok.error()));
    return ForeignKeysOff(&db);
  }
  ForeignKeysOff(ForeignKeysOff&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  ForeignKeysOff(const ForeignKeysOff&) = delete;
  ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;
  ForeignKeysOff& operator=(ForeignKeysOff&&) = delete;
  ~ForeignKeysOff() {
    if (db_ != nullptr) (void)db_->exec("PRAGMA foreign_keys = ON");
  }

 private:
  explicit ForeignKeysOff(Db* db) : db_(db) {}
  Db* db_;
};

Error newer_schema(int found, int known) {
  return {ErrorCode::kUnavailable,
          "database schema version " + std::to_string(found) +
              " is newer than this build of sequencial supports (" + std::to_string(known) +
              "); upgrade sequencial or open another database",
          "db"};
}

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

Result<int> migrate(Db& db, std::span<const Migration> list) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].version != static_cast<int>(i) + 1) {
      return fail(Error::internal("migration list out of order at version " +
                                  std::to_string(list[i].version)));
    }
  }
  const int latest = static_cast<int>(list.size());

  // Fast path without the write lock: the usual open finds nothing to do.
  auto found = current_version(db);
  if (!found) return fail(std::move(found.error()));
  if (*found > latest) return fail(newer_schema(*found, latest));
  if (*found == latest) return latest;

  // A table rebuild needs foreign_keys off, which only works outside a
  // transaction; the guard turns it back on whatever happens.
  const bool rebuild = std::ranges::any_of(list.subspan(static_cast<std::size_t>(*found)),
                                           [](const Migration& m) { return m.rebuilds_tables; });
  auto foreign_keys = ForeignKeysOff::begin(db, rebuild);
  if (!foreign_keys) return fail(std::move(foreign_keys.error()));
  auto tx = Transaction::begin(db, Transaction::Kind::kWrite);
  if (!tx) return fail(std::move(tx.error()));
  if (auto made = db.exec("CREATE TABLE IF NOT EXISTS schema_version ("
                          " version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT");
      !made) {
    return fail(std::move(made.error()));
  }
  // Another process may have migrated while we waited for the lock.
  found = current_version(db);
  if (!found) return fail(std::move(found.error()));
  if (*found > latest) return fail(newer_schema(*found, latest));

  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  for (const Migration& migration : list.subspan(static_cast<std::size_t>(*found))) {
    if (auto applied = db.exec(std::string(migration.sql)); !applied) {
      Error error = std::move(applied.error());
      error.message = "migration to schema version " + std::to_string(migration.version) +
                      " failed: " + error.message;
      return fail(std::move(error));
    }
    auto record = db.query("INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)");
    if (!record) return fail(std::move(record.error()));
    record->bind_int(1, migration.version).bind_int(2, now.time_since_epoch().count());
    if (auto done = record->run(); !done) return fail(std::move(done.error()));
  }
  if (rebuild) {
    auto violations = db.query("PRAGMA foreign_key_check");
    if (!violations) return fail(std::move(violations.error()));
    auto row = violations->step();
    if (!row) return fail(std::move(row.error()));
    if (*row) {
      return fail(
          Error::internal("migration left a row whose foreign key names nothing, in table " +
                          violations->text_at(0)));
    }
  }
  if (auto committed = tx->commit(); !committed) return fail(std::move(committed.error()));
  return latest;
}

}  // namespace sequencial::sqlite
