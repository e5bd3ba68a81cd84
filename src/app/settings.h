// Settings changed from the admin UI (Configurações): the default time zone
// and the public URL. Each has the server's own value (flag, environment,
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

#include "app/default_zone.h"
#include "app/public_url.h"
#include "app/setting_source.h"
#include "core/error.h"
#include "storage/store.h"

namespace sequencial::app {

inline constexpr std::string_view kDefaultTzKey = "default_tz";
inline constexpr std::string_view kPublicUrlKey = "public_url";

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
  Settings(Store& store, DefaultZone& default_zone, PublicUrl& public_url);

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
  // Forgets the saved value of `key`: the server's own takes effect again.
  // kNotFound for a key that is not a setting.
  [[nodiscard]] Result<void> reset(std::string_view key);

  [[nodiscard]] std::vector<SettingState> describe() const;
  [[nodiscard]] std::string default_tz() const { return default_zone_.get(); }
  [[nodiscard]] std::string public_url() const { return public_url_.get(); }
  // Whether a public URL was saved (then it wins over the bound address).
  [[nodiscard]] bool public_url_saved() const;

 private:
  // The server's own value and source, and the saved value in effect, of one key.
  struct Entry {
    std::string server;
    SettingSource source = SettingSource::kDefault;
    std::optional<std::string> saved;
  };
  void apply_locked();

  Store& store_;
  DefaultZone& default_zone_;
  PublicUrl& public_url_;
  std::mutex write_mutex_;    // serialises load/update/reset (held across store writes)
  mutable std::mutex mutex_;  // guards the entries
  Entry default_tz_entry_;    // guarded by mutex_
  Entry public_url_entry_;    // guarded by mutex_
};

}  // namespace sequencial::app
