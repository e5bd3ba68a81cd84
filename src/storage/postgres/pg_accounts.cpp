// PgStore's AccountStore and SettingStore roles (storage/account_store.h,
// storage/setting_store.h): API tokens, admin users, login sessions,
// settings.
#include "storage/postgres/pg_store.h"

#include <string>

#include "storage/postgres/pg_store_private.h"
#include "storage/stored_values.h"

namespace sequencial::postgres {
namespace {

using namespace stored;  // row values and the contract's errors (stored_values.h)

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

}  // namespace sequencial::postgres
