// Sliding-window counting of failed logins per e-mail, address and device.
#include "accounts/rate_limiter.h"

#include <algorithm>

#include "accounts/secrets.h"

namespace sequencial::accounts {

std::string limiter_key(std::string_view text) {
  if (text.size() > kMaxKeyBytes) return "#" + hash_secret(text);
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  return out;
}

std::optional<std::chrono::seconds> FailureTable::wait(const std::string& key, Timestamp now,
                                                       std::chrono::seconds window) {
  const auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  auto& failures = it->second.failures;
  std::erase_if(failures, [&](Timestamp at) { return at + window <= now; });
  if (failures.size() < limit_) return std::nullopt;
  // Wait until enough failures have left the window to be under the limit.
  const Timestamp free_at = failures[failures.size() - limit_] + window;
  return std::max(std::chrono::seconds(1), std::chrono::seconds(free_at - now));
}

void FailureTable::add(const std::string& key, Timestamp now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= max_keys_ && !by_last_failure_.empty()) {
      entries_.erase(by_last_failure_.front());
      by_last_failure_.pop_front();
    }
    by_last_failure_.push_back(key);
    it = entries_.emplace(key, Entry{{}, std::prev(by_last_failure_.end())}).first;
  } else {
    by_last_failure_.splice(by_last_failure_.end(), by_last_failure_, it->second.order);
  }
  auto& failures = it->second.failures;
  failures.push_back(now);
  // Only the newest `limit_` failures decide a wait.
  if (failures.size() > limit_) failures.erase(failures.begin());
}

void FailureTable::erase(const std::string& key) {
  const auto it = entries_.find(key);
  if (it == entries_.end()) return;
  by_last_failure_.erase(it->second.order);
  entries_.erase(it);
}

void FailureTable::forget_stale(Timestamp now, std::chrono::seconds window) {
  // Ordered by last failure: the stale keys are at the front.
  while (!by_last_failure_.empty()) {
    const auto it = entries_.find(by_last_failure_.front());
    if (it != entries_.end() && !it->second.failures.empty() &&
        it->second.failures.back() + window > now) {
      break;
    }
    if (it != entries_.end()) entries_.erase(it);
    by_last_failure_.pop_front();
  }
}

namespace {

// One key for an (e-mail, address) pair; a newline is in neither.
std::string pair_key(std::string_view email, std::string_view address) {
  return limiter_key(std::string(email) + "\n" + std::string(address));
}

}  // namespace

LoginRateLimiter::LoginRateLimiter(const Clock& clock, RateLimits limits)
    : clock_(clock),
      limits_(limits),
      by_email_(limits.per_account, limits.max_keys),
      by_email_address_(limits.per_email, limits.max_keys),
      by_address_(limits.per_address, limits.max_keys),
      by_device_(limits.per_device, limits.max_keys) {}

void LoginRateLimiter::forget_stale(Timestamp now) {
  by_email_.forget_stale(now, limits_.window);
  by_email_address_.forget_stale(now, limits_.window);
  by_address_.forget_stale(now, limits_.window);
  by_device_.forget_stale(now, limits_.window);
}

std::optional<std::chrono::seconds> LoginRateLimiter::retry_after(std::string_view email,
                                                                  std::string_view address,
                                                                  std::string_view device) {
  const Timestamp now = clock_.now();
  std::lock_guard lock(mutex_);
  forget_stale(now);
  if (!device.empty()) return by_device_.wait(limiter_key(device), now, limits_.window);
  std::optional<std::chrono::seconds> wait;
  for (auto other : {by_email_.wait(limiter_key(email), now, limits_.window),
                     by_email_address_.wait(pair_key(email, address), now, limits_.window),
                     by_address_.wait(limiter_key(address), now, limits_.window)}) {
    if (other) wait = wait ? std::max(*wait, *other) : *other;
  }
  return wait;
}

void LoginRateLimiter::record_failure(std::string_view email, std::string_view address,
                                      std::string_view device) {
  const Timestamp now = clock_.now();
  std::lock_guard lock(mutex_);
  if (!device.empty()) {
    by_device_.add(limiter_key(device), now);
    return;
  }
  by_email_.add(limiter_key(email), now);
  by_email_address_.add(pair_key(email, address), now);
  by_address_.add(limiter_key(address), now);
}

void LoginRateLimiter::record_success(std::string_view email, std::string_view address) {
  std::lock_guard lock(mutex_);
  by_email_.erase(limiter_key(email));
  by_email_address_.erase(pair_key(email, address));
}

std::size_t LoginRateLimiter::tracked_keys() {
  std::lock_guard lock(mutex_);
  return by_email_.size() + by_email_address_.size() + by_address_.size() + by_device_.size();
}

}  // namespace sequencial::accounts
