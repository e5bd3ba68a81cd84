// API token generation, hashing and checking.
#include "api/tokens.h"

#include "accounts/secrets.h"
#include "core/text.h"

namespace sequencial::api {

// The same secrets as a session's: 32 random bytes in hex, stored as a
// BLAKE2b hash (accounts/secrets.h).
std::string generate_token() { return "sq_" + accounts::random_hex(32); }

std::string hash_token(std::string_view token) { return accounts::hash_secret(token); }

Result<void> TokenAuthenticator::check(std::string_view header) {
  const auto unauthorized = [](std::string message) {
    return fail(Error{ErrorCode::kUnauthorized, std::move(message), {}});
  };
  constexpr std::string_view kBearer = "Bearer ";
  if (header.empty()) return unauthorized("missing Authorization: Bearer <token> header");
  // The scheme name is case-insensitive (RFC 9110 section 11.1).
  if (header.size() <= kBearer.size() || !iequals(header.substr(0, kBearer.size()), kBearer)) {
    return unauthorized("Authorization must be \"Bearer <token>\"");
  }
  const std::string hash = hash_token(header.substr(kBearer.size()));
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    if (known_.contains(hash)) return {};
    generation = generation_;
  }
  auto found = store_.find_token(hash);
  if (!found) return fail(found.error());
  if (!*found) return unauthorized("invalid API token");
  std::lock_guard lock(mutex_);
  // A revoke() since the lookup may have deleted this very token: answer
  // this request (it raced with the revocation) but do not cache it.
  if (generation == generation_) known_.emplace(hash, (*found)->id);
  return {};
}

void TokenAuthenticator::revoke(std::int64_t token_id) {
  std::lock_guard lock(mutex_);
  ++generation_;
  std::erase_if(known_, [token_id](const auto& entry) { return entry.second == token_id; });
}

void TokenAuthenticator::forget_all() {
  std::lock_guard lock(mutex_);
  ++generation_;
  known_.clear();
}

}  // namespace sequencial::api
