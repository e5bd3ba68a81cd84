// Sliding-window counting of failed logins per e-mail and per address.
#include "accounts/rate_limiter.h"

#include <algorithm>

namespace sequencial::accounts {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  return out;
}

}  // namespace

std::optional<std::chrono::seconds> LoginRateLimiter::check(Failures& failures, std::size_t limit,
                                                            Timestamp now) {
  while (!failures.empty() && failures.front() + limits_.window <= now) failures.pop_front();
  if (failures.size() < limit) return std::nullopt;
  // Wait until enough failures have left the window to be under the limit.
  const Timestamp free_at = failures[failures.size() - limit] + limits_.window;
  return std::max(std::chrono::seconds(1), std::chrono::seconds(free_at - now));
}

void LoginRateLimiter::forget_stale(Timestamp now) {
  // Keeps the maps from growing with every e-mail ever tried.
  if (now - last_sweep_ < limits_.window) return;
  last_sweep_ = now;
  for (auto* map : {&by_email_, &by_address_}) {
    std::erase_if(*map, [&](const auto& entry) {
      return entry.second.empty() || entry.second.back() + limits_.window <= now;
    });
  }
}

std::optional<std::chrono::seconds> LoginRateLimiter::retry_after(std::string_view email,
                                                                  std::string_view address) {
  const Timestamp now = clock_.now();
  std::lock_guard lock(mutex_);
  forget_stale(now);
  std::optional<std::chrono::seconds> wait;
  if (auto it = by_email_.find(lower(email)); it != by_email_.end()) {
    wait = check(it->second, limits_.per_email, now);
  }
  if (auto it = by_address_.find(std::string(address)); it != by_address_.end()) {
    if (auto other = check(it->second, limits_.per_address, now)) {
      wait = wait ? std::max(*wait, *other) : *other;
    }
  }
  return wait;
}

void LoginRateLimiter::record_failure(std::string_view email, std::string_view address) {
  const Timestamp now = clock_.now();
  std::lock_guard lock(mutex_);
  by_email_[lower(email)].push_back(now);
  by_address_[std::string(address)].push_back(now);
}

void LoginRateLimiter::record_success(std::string_view email) {
  std::lock_guard lock(mutex_);
  by_email_.erase(lower(email));
}

}  // namespace sequencial::accounts
