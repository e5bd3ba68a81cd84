// PgStore's AccountStore and SettingStore roles (storage/account_store.h,
// storage/setting_store.h): API tokens, admin users, login sessions,
// settings.
#include "storage/postgres/pg_store.h"

#include <string>

#include "storage/contract_errors.h"
#include "storage/postgres/pg_store_private.h"
#include "storage/stored_rows.h"
#include "storage/stored_values.h"

namespace sequencial::postgres {
namespace {

using namespace stored;  // values, rows and the contract's errors (stored_*.h, contract_errors.h)

}  // namespace

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
      return fail(token_hash_taken());
    }
    return fail(std::move(r.error()));
  }
  token.id = r->int_at(0, 0);
  return token;
}

Result<std::optional<ApiToken>> PgStore::find_token(std::string_view token_hash) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared("find_token",
                                  select(kTokenColumns, "FROM api_tokens WHERE token_hash = $1"),
                                  Params().add(token_hash));
  if (!r) return fail(std::move(r.error()));
  return first_row<ApiToken>(*r, token_from<PgRow>);
}

Result<std::vector<ApiToken>> PgStore::load_tokens() {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared("load_tokens",
                                  select(kTokenColumns, "FROM api_tokens ORDER BY id"), Params());
  if (!r) return fail(std::move(r.error()));
  return all_rows<ApiToken>(*r, token_from<PgRow>);
}

Result<void> PgStore::delete_token(std::int64_t id) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared("delete_token", "DELETE FROM api_tokens WHERE id = $1", one(id));
  if (!r) return fail(std::move(r.error()));
  if (r->affected() == 0) return fail(token_not_found(id));
  return {};
}

// ---- users, sessions, settings (admin UI) ----

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
      return fail(email_taken());
    }
    return fail(std::move(r.error()));
  }
  user.id = r->int_at(0, 0);
  return user;
}

Result<std::vector<User>> PgStore::load_users() {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared("load_users", select(kUserColumns, "FROM users ORDER BY id"),
                                  Params());
  if (!r) return fail(std::move(r.error()));
  return all_rows<User>(*r, user_from<PgRow>);
}

Result<std::optional<User>> PgStore::find_user_by_email(std::string_view email) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared("find_user_by_email",
                                  select(kUserColumns, "FROM users WHERE lower(email) = lower($1)"),
                                  Params().add(email));
  if (!r) return fail(std::move(r.error()));
  return first_row<User>(*r, user_from<PgRow>);
}

Result<std::optional<User>> PgStore::find_user(std::int64_t id) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared("find_user", select(kUserColumns, "FROM users WHERE id = $1"),
                                  one(id));
  if (!r) return fail(std::move(r.error()));
  return first_row<User>(*r, user_from<PgRow>);
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
      return fail(email_taken());
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
      return fail(session_user_not_found(session.user_id));
    }
    if (violated(**conn, kUniqueViolation)) {
      return fail(session_id_taken());
    }
    return fail(std::move(r.error()));
  }
  return {};
}

Result<std::optional<StoredSession>> PgStore::find_session(std::string_view id_hash) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared("find_session",
                                  select(kSessionColumns, "FROM sessions WHERE id_hash = $1"),
                                  Params().add(id_hash));
  if (!r) return fail(std::move(r.error()));
  return first_row<StoredSession>(
      *r, [id_hash](const PgRow& row) { return session_from(row, id_hash); });
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
  auto r = (*conn)->exec_prepared("load_settings",
                                  select(kSettingColumns, "FROM settings ORDER BY key"), Params());
  if (!r) return fail(std::move(r.error()));
  return all_rows<Setting>(*r, setting_from<PgRow>);
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

}  // namespace sequencial::postgres
