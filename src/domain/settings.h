// Settings changed from the admin UI (Configurações): the default time zone
// and the public URL, and the shop's public profile (app/public_profile.h:
// shop_name, home_url, week_start; these have no flag, their server value is
// the default). Each has the server's own value (flag, environment,
// config file or default; app/setting_source.h) and may have a value saved
// from the UI, which wins and takes effect at once: it is written to the
// store and to the live DefaultZone / PublicUrl every reader uses (reports,
// link URLs, QR codes). reset() forgets a saved value and puts the server's
// own back, so a saved value never overrides a flag for good without a way
// back; describe() says, per key, which value is in effect and why.
//
// Thread-safety: safe for concurrent use (writes are serialised).
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "domain/default_zone.h"
#include "domain/public_profile.h"
#include "domain/public_url.h"
#include "domain/setting_source.h"
#include "storage/setting_store.h"

namespace sequencial::domain {

inline constexpr std::string_view kDefaultTzKey = "default_tz";
inline constexpr std::string_view kPublicUrlKey = "public_url";
inline constexpr std::string_view kShopNameKey = "shop_name";
inline constexpr std::string_view kHomeUrlKey = "home_url";
inline constexpr std::string_view kWeekStartKey = "week_start";
inline constexpr std::size_t kMaxShopNameChars = 100;

// The profile keys with their defaults, in the order the API lists them.
struct ProfileKey {
  std::string_view key;
  std::string_view fallback;
};
inline constexpr ProfileKey kProfileKeys[] = {
    {kShopNameKey, ""}, {kHomeUrlKey, ""}, {kWeekStartKey, "mon"}};

// kInvalid on `key` unless `value` is allowed there: shop_name at most 100
// characters of UTF-8 without control characters, home_url empty or an
// absolute http(s) URL, week_start "mon" or "sun".
[[nodiscard]] Result<void> validate_profile_value(std::string_view key, std::string_view value);

// A change from PATCH /settings: the keys present are set.
struct SettingsChange {
  std::optional<std::string> default_tz;
  std::optional<std::string> public_url;
  std::optional<std::string> shop_name;
  std::optional<std::string> home_url;
  std::optional<std::string> week_start;
};

// kInvalid on field "public_url" unless `url` is an absolute http(s) URL
// without query or fragment.
[[nodiscard]] Result<void> validate_public_url(std::string_view url);

// One setting as the admin API shows it.
struct SettingState {
  std::string key;
  std::string value;         // in effect
  std::string server_value;  // the server's own
  SettingSource server_source = SettingSource::kDefault;
  bool saved = false;  // a saved value is in effect (and wins over the server's own)
};

class Settings {
 public:
  // The live values at construction are the server's own.
  Settings(SettingStore& store, DefaultZone& default_zone, PublicUrl& public_url);

  void set_server_sources(SettingSource default_tz, SettingSource public_url);
  // The server's own public URL once known (the bound address when none was
  // configured); it takes effect unless a saved value is in effect.
  void set_server_public_url(std::string url);

  // Applies the saved values and puts the server's own back for keys with
  // none (a reset on another node). A saved value that is no longer valid
  // (a zone removed from tzdata) is skipped with a warning.
  [[nodiscard]] Result<void> load();
  // Validates every given value, then saves and applies them.
  // kInvalid on "default_tz" (unknown zone) or "public_url".
  [[nodiscard]] Result<void> update(const std::optional<std::string>& default_tz,
                                    const std::optional<std::string>& public_url);
  // Every value checked first (kInvalid on the first bad one), then saved.
  [[nodiscard]] Result<void> update(const SettingsChange& change);
  // Forgets the saved value of `key`: the server's own takes effect again.
  // kNotFound for a key that is not a setting.
  [[nodiscard]] Result<void> reset(std::string_view key);

  [[nodiscard]] std::vector<SettingState> describe() const;
  [[nodiscard]] std::string default_tz() const { return default_zone_.get(); }
  [[nodiscard]] std::string public_url() const { return public_url_.get(); }
  // Whether a public URL was saved (then it wins over the bound address).
  [[nodiscard]] bool public_url_saved() const;
  // The live profile (shop name, home URL, week start) the pages read.
  [[nodiscard]] const PublicProfile& profile() const { return profile_; }

 private:
  // The server's own value and source, and the saved value in effect, of one key.
  struct Entry {
    std::string server;
    SettingSource source = SettingSource::kDefault;
    std::optional<std::string> saved;
  };
  void apply_locked();
  [[nodiscard]] std::optional<std::string>& profile_saved(std::string_view key);

  SettingStore& store_;
  DefaultZone& default_zone_;
  PublicUrl& public_url_;
  std::mutex write_mutex_;    // serialises load/update/reset (held across store writes)
  mutable std::mutex mutex_;  // guards the entries
  Entry default_tz_entry_;    // guarded by mutex_
  Entry public_url_entry_;    // guarded by mutex_
  // Saved profile values, by kProfileKeys index; guarded by mutex_.
  std::optional<std::string> profile_saved_[std::size(kProfileKeys)];
  PublicProfile profile_;
};

}  // namespace sequencial::domain
