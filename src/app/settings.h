// Settings changed from the admin UI (Configurações): the default time zone
// and the public URL. A saved value wins over the flag / environment /
// config file value and takes effect at once: it is written to the store
// and to the live DefaultZone / PublicUrl every reader uses (reports, link
// URLs, QR codes).
//
// Thread-safety: safe for concurrent use (updates are serialised).
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <string>

#include "app/default_zone.h"
#include "app/public_url.h"
#include "core/error.h"
#include "storage/store.h"

namespace sequencial::app {

inline constexpr std::string_view kDefaultTzKey = "default_tz";
inline constexpr std::string_view kPublicUrlKey = "public_url";

// kInvalid on field "public_url" unless `url` is an absolute http(s) URL
// without query or fragment.
[[nodiscard]] Result<void> validate_public_url(std::string_view url);

class Settings {
 public:
  Settings(Store& store, DefaultZone& default_zone, PublicUrl& public_url)
      : store_(store), default_zone_(default_zone), public_url_(public_url) {}

  // Applies the saved values (call once the flag values are in place).
  // A saved value that is no longer valid (a zone removed from tzdata) is
  // skipped with a warning.
  [[nodiscard]] Result<void> load();
  // Validates every given value, then saves and applies them.
  // kInvalid on "default_tz" (unknown zone) or "public_url".
  [[nodiscard]] Result<void> update(const std::optional<std::string>& default_tz,
                                    const std::optional<std::string>& public_url);

  [[nodiscard]] std::string default_tz() const { return default_zone_.get(); }
  // Whether a public URL was saved (then it wins over the bound address).
  [[nodiscard]] bool public_url_saved() const { return public_url_saved_.load(); }
  [[nodiscard]] std::string public_url() const { return public_url_.get(); }

 private:
  Store& store_;
  DefaultZone& default_zone_;
  PublicUrl& public_url_;
  std::mutex update_mutex_;
  std::atomic<bool> public_url_saved_{false};
};

}  // namespace sequencial::app
