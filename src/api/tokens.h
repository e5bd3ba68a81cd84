// Admin API tokens: generation (shown once), hashing (only the hash is
// stored) and the bearer check of every /api/v1 request.
//
// Tokens carry 256 random bits, so a fast keyed-less hash (BLAKE2b) is the
// right tool: a slow password KDF adds nothing against guessing 2^256.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/error.h"
#include "storage/account_store.h"

namespace sequencial::api {

// "sq_" followed by 64 hex digits.
[[nodiscard]] std::string generate_token();
// Hex BLAKE2b-256 of the token.
[[nodiscard]] std::string hash_token(std::string_view token);

// Checks "Authorization: Bearer <token>" values. Known hashes are cached;
// unknown ones are looked up in the store (tokens may be created by the CLI
// while the server runs). Thread-safety: safe for concurrent use.
class TokenAuthenticator {
 public:
  explicit TokenAuthenticator(AccountStore& store) : store_(store) {}
  [[nodiscard]] Result<void> check(std::string_view authorization_header);
  // Forgets a revoked token at once (call after Store::delete_token).
  void revoke(std::int64_t token_id);
  // Empties the cache (tokens changed on another node): the next check of
  // each token asks the store again.
  void forget_all();

 private:
  AccountStore& store_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::int64_t> known_;  // hash -> token id; guarded by mutex_
  // Bumped by revoke() and forget_all(), so a store lookup racing with them
  // cannot cache a token that was just revoked. (An earlier set of revoked
  // ids refused a new token given a reused id until restart.)
  std::uint64_t generation_ = 0;  // guarded by mutex_
};

}  // namespace sequencial::api
