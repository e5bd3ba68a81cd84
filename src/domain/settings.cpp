// Saved settings: validation, persistence and live effect.
#include "domain/settings.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/validation.h"
#include "routing/business_hours.h"

namespace sequencial::domain {

Result<void> validate_public_url(std::string_view url) {
  const auto bad = [] {
    return fail(Error::invalid("public_url",
                               "public URL must be an absolute http:// or https:// URL, e.g. "
                               "https://zap.minhaloja.com.br"));
  };
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return bad();
  }
  const std::string_view host = rest.substr(0, rest.find('/'));
  if (host.empty() || host.front() == ':' || url.size() > 2048) return bad();
  const bool clean = std::ranges::all_of(url, [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte > 0x20 && byte < 0x7f && c != '?' && c != '#' && c != '"' && c != '<' && c != '>' &&
           c != '\\' && c != '`';
  });
  if (!clean) return bad();
  return {};
}

Result<void> validate_profile_value(std::string_view key, std::string_view value) {
  if (key == kShopNameKey) {
    if (auto ok = validate_text(value, kShopNameKey, kMaxShopNameChars); !ok) return ok;
    if (std::ranges::any_of(value, [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
      return fail(Error::invalid("shop_name", "shop_name must not contain control characters"));
    }
    return {};
  }
  if (key == kHomeUrlKey) {
    if (value.empty() || validate_public_url(value)) return {};
    return fail(Error::invalid("home_url",
                               "home_url must be empty or an absolute http:// or https:// URL"));
  }
  if (key == kWeekStartKey) {
    if (value == "mon" || value == "sun") return {};
    return fail(Error::invalid("week_start", "week_start must be mon or sun"));
  }
  return fail(Error::invalid(std::string(key), "unknown setting " + std::string(key)));
}

namespace {
// As PublicUrl keeps it: without trailing slashes.
std::string without_trailing_slashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}
}  // namespace

Settings::Settings(SettingStore& store, DefaultZone& default_zone, PublicUrl& public_url)
    : store_(store), default_zone_(default_zone), public_url_(public_url) {
  default_tz_entry_.server = default_zone_.get();
  public_url_entry_.server = public_url_.get();
}

void Settings::set_server_sources(SettingSource default_tz, SettingSource public_url) {
  std::lock_guard lock(mutex_);
  default_tz_entry_.source = default_tz;
  public_url_entry_.source = public_url;
}

void Settings::set_server_public_url(std::string url) {
  std::lock_guard lock(mutex_);
  public_url_entry_.server = without_trailing_slashes(std::move(url));
  apply_locked();
}

void Settings::apply_locked() {
  default_zone_.set(default_tz_entry_.saved.value_or(default_tz_entry_.server));
  public_url_.set(public_url_entry_.saved.value_or(public_url_entry_.server));
  ProfileValues values;
  values.shop_name = profile_saved(kShopNameKey).value_or("");
  values.home_url = without_trailing_slashes(profile_saved(kHomeUrlKey).value_or(""));
  values.week_starts_monday = profile_saved(kWeekStartKey).value_or("mon") != "sun";
  profile_.set(std::move(values));
}

std::optional<std::string>& Settings::profile_saved(std::string_view key) {
  for (std::size_t i = 0; i < std::size(kProfileKeys); ++i) {
    if (kProfileKeys[i].key == key) return profile_saved_[i];
  }
  return profile_saved_[0];  // not reached: callers pass a profile key
}

bool Settings::public_url_saved() const {
  std::lock_guard lock(mutex_);
  return public_url_entry_.saved.has_value();
}

Result<void> Settings::load() {
  std::lock_guard write(write_mutex_);
  auto saved = store_.load_settings();
  if (!saved) return fail(saved.error());
  std::optional<std::string> tz;
  std::optional<std::string> url;
  std::optional<std::string> profile[std::size(kProfileKeys)];
  for (const Setting& setting : *saved) {
    for (std::size_t i = 0; i < std::size(kProfileKeys); ++i) {
      if (setting.key != kProfileKeys[i].key) continue;
      if (validate_profile_value(setting.key, setting.value)) {
        profile[i] = setting.value;
      } else {
        spdlog::warn("event=setting_skipped key={}", setting.key);
      }
    }
    if (setting.key == kDefaultTzKey) {
      if (routing::is_known_time_zone(setting.value)) {
        tz = setting.value;
      } else {
        spdlog::warn("event=setting_skipped key=default_tz value=\"{}\" error=\"unknown zone\"",
                     setting.value);
      }
    } else if (setting.key == kPublicUrlKey) {
      if (validate_public_url(setting.value)) {
        url = without_trailing_slashes(setting.value);
      } else {
        spdlog::warn("event=setting_skipped key=public_url value=\"{}\"", setting.value);
      }
    }
  }
  std::lock_guard lock(mutex_);
  default_tz_entry_.saved = std::move(tz);
  public_url_entry_.saved = std::move(url);
  for (std::size_t i = 0; i < std::size(kProfileKeys); ++i)
    profile_saved_[i] = std::move(profile[i]);
  apply_locked();
  return {};
}

Result<void> Settings::update(const std::optional<std::string>& default_tz,
                              const std::optional<std::string>& public_url) {
  return update(SettingsChange{default_tz, public_url, {}, {}, {}});
}

Result<void> Settings::update(const SettingsChange& change) {
  const std::optional<std::string>& default_tz = change.default_tz;
  const std::optional<std::string>& public_url = change.public_url;
  const std::pair<std::string_view, const std::optional<std::string>*> profile[] = {
      {kShopNameKey, &change.shop_name},
      {kHomeUrlKey, &change.home_url},
      {kWeekStartKey, &change.week_start}};
  for (const auto& [key, value] : profile) {
    if (*value) {
      if (auto ok = validate_profile_value(key, **value); !ok) return fail(ok.error());
    }
  }
  if (default_tz && !routing::is_known_time_zone(*default_tz)) {
    return fail(Error::invalid("default_tz", "unknown time zone \"" + *default_tz +
                                                 "\" (use an IANA name like America/Sao_Paulo)"));
  }
  if (public_url) {
    if (auto ok = validate_public_url(*public_url); !ok) return fail(ok.error());
  }
  std::lock_guard write(write_mutex_);
  if (default_tz) {
    if (auto ok = store_.save_setting(kDefaultTzKey, *default_tz); !ok) return fail(ok.error());
    std::lock_guard lock(mutex_);
    default_tz_entry_.saved = *default_tz;
    apply_locked();
  }
  if (public_url) {
    if (auto ok = store_.save_setting(kPublicUrlKey, *public_url); !ok) return fail(ok.error());
    std::lock_guard lock(mutex_);
    public_url_entry_.saved = without_trailing_slashes(*public_url);
    apply_locked();
  }
  for (const auto& [key, value] : profile) {
    if (!*value) continue;
    if (auto ok = store_.save_setting(key, **value); !ok) return fail(ok.error());
    std::lock_guard lock(mutex_);
    profile_saved(key) = **value;
    apply_locked();
  }
  return {};
}

Result<void> Settings::reset(std::string_view key) {
  const bool profile =
      std::ranges::any_of(kProfileKeys, [&](const ProfileKey& p) { return p.key == key; });
  if (key != kDefaultTzKey && key != kPublicUrlKey && !profile) {
    return fail(Error::not_found("no such setting: " + std::string(key)));
  }
  std::lock_guard write(write_mutex_);
  if (auto ok = store_.delete_setting(key); !ok) return fail(ok.error());
  std::lock_guard lock(mutex_);
  if (profile) {
    profile_saved(key).reset();
  } else {
    (key == kDefaultTzKey ? default_tz_entry_ : public_url_entry_).saved.reset();
  }
  apply_locked();
  return {};
}

std::vector<SettingState> Settings::describe() const {
  std::lock_guard lock(mutex_);
  std::vector<SettingState> out;
  for (const auto& [key, entry] : {std::pair{kDefaultTzKey, &default_tz_entry_},
                                   std::pair{kPublicUrlKey, &public_url_entry_}}) {
    out.push_back({std::string(key), entry->saved.value_or(entry->server), entry->server,
                   entry->source, entry->saved.has_value()});
  }
  for (std::size_t i = 0; i < std::size(kProfileKeys); ++i) {
    const std::string fallback(kProfileKeys[i].fallback);
    out.push_back({std::string(kProfileKeys[i].key), profile_saved_[i].value_or(fallback), fallback,
                   SettingSource::kDefault, profile_saved_[i].has_value()});
  }
  return out;
}

}  // namespace sequencial::domain
