// AccountStore: the storage role of who may use the admin side: API tokens
// (api/tokens.h, api/tokens_api.h), admin UI users (accounts/first_admin.h,
// api/users_api.h) and their login sessions (accounts/sessions.h). Part of
// Store (storage/store.h).
//
// Thread-safety: implementations may be called from several threads at once
// and serialise access internally. Every method may block (disk, network):
// none is ever called from an event loop.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/model.h"

namespace sequencial {

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

class AccountStore {
 public:
  virtual ~AccountStore() = default;

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
};

}  // namespace sequencial
