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

Result<void> Settings::load() {
  auto saved = store_.load_settings();
  if (!saved) return fail(saved.error());
  for (const Setting& setting : *saved) {
    if (setting.key == kDefaultTzKey) {
      if (routing::is_known_time_zone(setting.value)) {
        default_zone_.set(setting.value);
      } else {
        spdlog::warn("event=setting_skipped key=default_tz value=\"{}\" error=\"unknown zone\"",
                     setting.value);
      }
    } else if (setting.key == kPublicUrlKey) {
      if (validate_public_url(setting.value)) {
        public_url_.set(setting.value);
        public_url_saved_.store(true);
      } else {
        spdlog::warn("event=setting_skipped key=public_url value=\"{}\"", setting.value);
      }
    }
  }
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
  std::lock_guard lock(update_mutex_);
  if (default_tz) {
    if (auto ok = store_.save_setting(kDefaultTzKey, *default_tz); !ok) return fail(ok.error());
    default_zone_.set(*default_tz);
  }
  if (public_url) {
    if (auto ok = store_.save_setting(kPublicUrlKey, *public_url); !ok) return fail(ok.error());
    public_url_.set(*public_url);
    public_url_saved_.store(true);
  }
  return {};
}

}  // namespace sequencial::app
