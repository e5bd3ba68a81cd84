// Saved settings: validation, persistence and live effect.
#include "app/settings.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "routing/business_hours.h"

namespace sequencial::app {

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

namespace {
// As PublicUrl keeps it: without trailing slashes.
std::string without_trailing_slashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}
}  // namespace

Settings::Settings(Store& store, DefaultZone& default_zone, PublicUrl& public_url)
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
  for (const Setting& setting : *saved) {
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
  apply_locked();
  return {};
}

Result<void> Settings::update(const std::optional<std::string>& default_tz,
                              const std::optional<std::string>& public_url) {
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
  return {};
}

Result<void> Settings::reset(std::string_view key) {
  if (key != kDefaultTzKey && key != kPublicUrlKey) {
    return fail(Error::not_found("no such setting: " + std::string(key)));
  }
  std::lock_guard write(write_mutex_);
  if (auto ok = store_.delete_setting(key); !ok) return fail(ok.error());
  std::lock_guard lock(mutex_);
  (key == kDefaultTzKey ? default_tz_entry_ : public_url_entry_).saved.reset();
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
  return out;
}

}  // namespace sequencial::app
