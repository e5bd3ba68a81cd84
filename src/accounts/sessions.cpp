// Login sessions: creation, lookup by cookie value, logout and purge.
#include "accounts/sessions.h"

#include "accounts/secrets.h"

namespace sequencial::accounts {
namespace {

constexpr std::size_t kSecretBytes = 32;
constexpr std::int64_t kPurgeEverySeconds = 3600;

}  // namespace

Result<NewSession> SessionManager::create(std::int64_t user_id) {
  const Timestamp now = clock_.now();
  const std::int64_t now_s = now.time_since_epoch().count();
  std::int64_t last = last_purge_.load();
  if (now_s - last >= kPurgeEverySeconds && last_purge_.compare_exchange_strong(last, now_s)) {
    if (auto purged = store_.purge_sessions(now); !purged) return fail(purged.error());
  }
  NewSession created{.id = random_hex(kSecretBytes),
                     .csrf_token = random_hex(kSecretBytes),
                     .expires_at = now + lifetime_};
  const StoredSession stored{.id_hash = hash_secret(created.id),
                             .user_id = user_id,
                             .csrf_token = created.csrf_token,
                             .created_at = now,
                             .expires_at = created.expires_at};
  if (auto ok = store_.insert_session(stored); !ok) return fail(ok.error());
  return created;
}

Result<std::optional<ActiveSession>> SessionManager::find(std::string_view id) {
  // Ids are 64 hex digits; anything else cannot be one.
  if (id.size() != kSecretBytes * 2) return std::optional<ActiveSession>{};
  const std::string id_hash = hash_secret(id);
  auto session = store_.find_session(id_hash);
  if (!session) return fail(session.error());
  if (!*session) return std::optional<ActiveSession>{};
  if ((*session)->expires_at <= clock_.now()) {
    if (auto ok = store_.delete_session(id_hash); !ok) return fail(ok.error());
    return std::optional<ActiveSession>{};
  }
  auto user = store_.find_user((*session)->user_id);
  if (!user) return fail(user.error());
  if (!*user) return std::optional<ActiveSession>{};
  return ActiveSession{.user = std::move(**user), .session = std::move(**session)};
}

Result<void> SessionManager::destroy(std::string_view id) {
  return store_.delete_session(hash_secret(id));
}

Result<std::int64_t> SessionManager::purge_expired() {
  const Timestamp now = clock_.now();
  last_purge_.store(now.time_since_epoch().count());
  return store_.purge_sessions(now);
}

}  // namespace sequencial::accounts
