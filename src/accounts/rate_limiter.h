// The login rate limiter. Failed logins are counted in sliding windows per
// account (e-mail), per client address and per trusted device:
//
//  - An attempt from a trusted device (the caller checked its device
//    cookie, accounts/device_cookie.h) is limited only by that device's
//    failures (`per_device` within `window`). Bots that guess passwords for
//    the owner's e-mail therefore cannot lock the owner out of a browser
//    where they logged in before.
//  - Any other attempt is refused beyond `per_email` failures for its
//    e-mail from its client address, `per_account` failures for its e-mail
//    from all addresses, or `per_address` failures from its client address
//    within `window`. Bots guessing from a few addresses therefore lock out
//    those addresses, not the owner on another one; only a flood from many
//    addresses reaches the account's limit (the owner's trusted browser
//    still gets in then), and brute force stays bounded by it.
//
// A refused attempt is answered 429 with the wait returned here. A success
// without a trusted device clears its e-mail's failures (not the address's);
// the session API does not call record_success() for a trusted device's
// login, so the owner logging in does not reopen the door to the bots. Keys are normalised
// (ASCII lower case; longer than kMaxKeyBytes -> a hash), each counter keeps
// at most its limit of timestamps, and each table at most `max_keys` keys
// (the least recently failed is forgotten first), so memory stays bounded
// whatever is sent. In memory only: a restart forgets everything (the
// recovery path of a locked-out owner, with `sequencial user set-password`).
//
// Thread-safety: safe for concurrent use (one mutex).
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"

namespace sequencial::accounts {

struct RateLimits {
  std::size_t per_email = 5;      // one e-mail from one client address
  std::size_t per_account = 100;  // one e-mail from every address together
  std::size_t per_address = 20;
  std::size_t per_device = 10;
  std::chrono::seconds window = std::chrono::minutes(15);
  std::size_t max_keys = 50'000;  // per table (e-mails, addresses, devices)
};

// Keys longer than this are replaced by their hash.
inline constexpr std::size_t kMaxKeyBytes = 254;

// The key a limiter table uses for `text`: ASCII lower case, or "#" and a
// hex BLAKE2b hash when longer than kMaxKeyBytes.
[[nodiscard]] std::string limiter_key(std::string_view text);

// Sliding-window failure counts for many keys, bounded in keys and in
// timestamps per key. Not thread-safe (LoginRateLimiter locks).
class FailureTable {
 public:
  FailureTable(std::size_t limit, std::size_t max_keys) : limit_(limit), max_keys_(max_keys) {}
  // The wait until `key` is under the limit again; nullopt when it is.
  [[nodiscard]] std::optional<std::chrono::seconds> wait(const std::string& key, Timestamp now,
                                                         std::chrono::seconds window);
  void add(const std::string& key, Timestamp now);
  void erase(const std::string& key);
  // Forgets keys whose last failure left the window.
  void forget_stale(Timestamp now, std::chrono::seconds window);
  [[nodiscard]] std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::vector<Timestamp> failures;  // oldest first, at most limit_
    std::list<std::string>::iterator order;
  };
  std::size_t limit_;
  std::size_t max_keys_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> by_last_failure_;  // least recently failed first
};

class LoginRateLimiter {
 public:
  explicit LoginRateLimiter(const Clock& clock, RateLimits limits = {});

  // How long to wait before trying again; nullopt when an attempt may go on.
  // `device` names a trusted device (empty: none); see above.
  [[nodiscard]] std::optional<std::chrono::seconds> retry_after(std::string_view email,
                                                                std::string_view address,
                                                                std::string_view device = {});
  void record_failure(std::string_view email, std::string_view address,
                      std::string_view device = {});
  // Clears the e-mail's failures, from this address and in total.
  void record_success(std::string_view email, std::string_view address);
  // Keys held by each table (tests, memory bound).
  [[nodiscard]] std::size_t tracked_keys();

 private:
  void forget_stale(Timestamp now);

  const Clock& clock_;
  RateLimits limits_;
  std::mutex mutex_;
  FailureTable by_email_;          // guarded by mutex_: per account
  FailureTable by_email_address_;  // guarded by mutex_: per account and address
  FailureTable by_address_;        // guarded by mutex_
  FailureTable by_device_;         // guarded by mutex_
};

}  // namespace sequencial::accounts
