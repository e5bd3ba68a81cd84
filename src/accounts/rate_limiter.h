// The login rate limiter: more than `per_email` failed logins for one
// e-mail, or `per_address` from one client address, within `window` and the
// next attempt is refused (429) until the oldest failure leaves the window.
// A successful login clears its e-mail's failures (not the address's).
// In memory only: a restart forgets, which is fine for a brute-force brake.
//
// Thread-safety: safe for concurrent use (one mutex).
#pragma once

#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"

namespace sequencial::accounts {

struct RateLimits {
  std::size_t per_email = 5;
  std::size_t per_address = 20;
  std::chrono::seconds window = std::chrono::minutes(15);
};

class LoginRateLimiter {
 public:
  explicit LoginRateLimiter(const Clock& clock, RateLimits limits = {})
      : clock_(clock), limits_(limits) {}

  // How long to wait before trying again; nullopt when an attempt may go on.
  // E-mails are compared ignoring ASCII case.
  [[nodiscard]] std::optional<std::chrono::seconds> retry_after(std::string_view email,
                                                                std::string_view address);
  void record_failure(std::string_view email, std::string_view address);
  void record_success(std::string_view email);

 private:
  using Failures = std::deque<Timestamp>;
  // Drops failures out of the window; returns the wait when `failures` is full.
  std::optional<std::chrono::seconds> check(Failures& failures, std::size_t limit, Timestamp now);
  void forget_stale(Timestamp now);

  const Clock& clock_;
  RateLimits limits_;
  std::mutex mutex_;
  std::unordered_map<std::string, Failures> by_email_;    // guarded by mutex_
  std::unordered_map<std::string, Failures> by_address_;  // guarded by mutex_
  Timestamp last_sweep_{};                                // guarded by mutex_
};

}  // namespace sequencial::accounts
