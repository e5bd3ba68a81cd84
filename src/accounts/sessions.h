// Login sessions of the admin UI. A session id is 32 random bytes (64 hex
// digits) handed to the browser in the `sqs` cookie; the store keeps only its
// BLAKE2b hash, so a copy of the database cannot be used to log in. Each
// session has a CSRF token (32 random bytes) the UI sends back in
// X-CSRF-Token on every state-changing request. Sessions last a fixed time
// from login (7 days by default; not sliding). Expired sessions are deleted
// when met and purged from the store at most once an hour, on login.
//
// Thread-safety: safe for concurrent use (the store serialises; the purge
// time is atomic).
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"
#include "storage/account_store.h"

namespace sequencial::accounts {

inline constexpr std::chrono::seconds kSessionLifetime = std::chrono::days(7);

// A session just created: `id` goes into the cookie and is never stored.
struct NewSession {
  std::string id;
  std::string csrf_token;
  Timestamp expires_at{};
};

// A live session and its user.
struct ActiveSession {
  User user;
  StoredSession session;
};

class SessionManager {
 public:
  SessionManager(AccountStore& store, const Clock& clock,
                 std::chrono::seconds lifetime = kSessionLifetime)
      : store_(store), clock_(clock), lifetime_(lifetime) {}

  [[nodiscard]] Result<NewSession> create(std::int64_t user_id);
  // The live session whose id is `id`: nullopt when unknown, expired (then
  // also deleted) or its user is gone.
  [[nodiscard]] Result<std::optional<ActiveSession>> find(std::string_view id);
  [[nodiscard]] Result<void> destroy(std::string_view id);
  // Deletes every session expired by now; returns the count.
  [[nodiscard]] Result<std::int64_t> purge_expired();
  [[nodiscard]] std::chrono::seconds lifetime() const { return lifetime_; }

 private:
  AccountStore& store_;
  const Clock& clock_;
  std::chrono::seconds lifetime_;
  std::atomic<std::int64_t> last_purge_{0};  // unix seconds
};

}  // namespace sequencial::accounts
