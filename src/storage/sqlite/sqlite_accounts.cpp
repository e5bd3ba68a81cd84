// SqliteStore's AccountStore and SettingStore roles
// (storage/account_store.h, storage/setting_store.h): API tokens, admin
// users, login sessions, settings.
#include "storage/sqlite/sqlite_store.h"

#include <string>

#include "storage/contract_errors.h"
#include "storage/sqlite/sqlite_store_private.h"
#include "storage/stored_rows.h"
#include "storage/stored_values.h"

namespace sequencial::sqlite {
namespace {

using namespace stored;  // values, rows and the contract's errors (stored_*.h, contract_errors.h)

}  // namespace

// ---- API tokens ----

Result<ApiToken> SqliteStore::insert_token(std::string_view name, std::string_view token_hash) {
  Lock lock(mu_);
  ApiToken token{.id = 0, .name = std::string(name), .created_at = now()};
  auto q = db_.query("INSERT INTO api_tokens (name, token_hash, created_at) VALUES (?1, ?2, ?3)");
  if (!q) return fail(std::move(q.error()));
  q->bind_text(1, name).bind_text(2, token_hash).bind_int(3, to_db(token.created_at));
  if (auto done = q->run(); !done) {
    if (q->violated_unique("api_tokens.token_hash")) {
      return fail(token_hash_taken());
    }
    return fail(std::move(done.error()));
  }
  token.id = db_.last_insert_rowid();
  return token;
}

Result<std::optional<ApiToken>> SqliteStore::find_token(std::string_view token_hash) {
  Lock lock(mu_);
  auto q = db_.query(select(kTokenColumns, "FROM api_tokens WHERE token_hash = ?1"));
  if (!q) return fail(std::move(q.error()));
  q->bind_text(1, token_hash);
  return one_row<ApiToken>(*q, token_from<SqliteRow>);
}

Result<std::vector<ApiToken>> SqliteStore::load_tokens() {
  Lock lock(mu_);
  auto q = db_.query(select(kTokenColumns, "FROM api_tokens ORDER BY id"));
  if (!q) return fail(std::move(q.error()));
  return all_rows<ApiToken>(*q, token_from<SqliteRow>);
}

Result<void> SqliteStore::delete_token(std::int64_t id) {
  Lock lock(mu_);
  if (auto done = run_with_id(db_, "DELETE FROM api_tokens WHERE id = ?1", id); !done) {
    return fail(std::move(done.error()));
  }
  if (db_.changes() == 0) return fail(token_not_found(id));
  return {};
}

// ---- users, sessions, settings (admin UI) ----

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
      return fail(email_taken());
    }
    return fail(std::move(done.error()));
  }
  user.id = db_.last_insert_rowid();
  return user;
}

Result<std::vector<User>> SqliteStore::load_users() {
  Lock lock(mu_);
  auto q = db_.query(select(kUserColumns, "FROM users ORDER BY id"));
  if (!q) return fail(std::move(q.error()));
  return all_rows<User>(*q, user_from<SqliteRow>);
}

Result<std::optional<User>> SqliteStore::find_user_by_email(std::string_view email) {
  Lock lock(mu_);
  auto q = db_.query(select(kUserColumns, "FROM users WHERE email = ?1"));  // column is NOCASE
  if (!q) return fail(std::move(q.error()));
  q->bind_text(1, email);
  return one_row<User>(*q, user_from<SqliteRow>);
}

Result<std::optional<User>> SqliteStore::find_user(std::int64_t id) {
  Lock lock(mu_);
  auto q = db_.query(select(kUserColumns, "FROM users WHERE id = ?1"));
  if (!q) return fail(std::move(q.error()));
  q->bind_int(1, id);
  return one_row<User>(*q, user_from<SqliteRow>);
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
      return fail(email_taken());
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
    return fail(session_user_not_found(session.user_id));
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
      return fail(session_id_taken());
    }
    return fail(std::move(done.error()));
  }
  return {};
}

Result<std::optional<StoredSession>> SqliteStore::find_session(std::string_view id_hash) {
  Lock lock(mu_);
  auto q = db_.query(select(kSessionColumns, "FROM sessions WHERE id_hash = ?1"));
  if (!q) return fail(std::move(q.error()));
  q->bind_text(1, id_hash);
  return one_row<StoredSession>(*q,
                                [id_hash](const SqliteRow& r) { return session_from(r, id_hash); });
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
  auto q = db_.query(select(kSettingColumns, "FROM settings ORDER BY key"));
  if (!q) return fail(std::move(q.error()));
  return all_rows<Setting>(*q, setting_from<SqliteRow>);
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

}  // namespace sequencial::sqlite
