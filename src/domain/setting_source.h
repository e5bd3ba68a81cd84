// Where the server's own value of a `serve` option came from: a flag, the
// environment, the --config file, or the built-in default (precedence in
// that order). A value saved from the admin UI (app/settings.h) is a fifth
// source that wins over all of these for the keys it covers.
#pragma once

#include <cstdint>
#include <string_view>

namespace sequencial::domain {

enum class SettingSource : std::uint8_t { kDefault, kFlag, kEnvironment, kFile };

[[nodiscard]] constexpr std::string_view source_name(SettingSource source) {
  switch (source) {
    case SettingSource::kFlag:
      return "flag";
    case SettingSource::kEnvironment:
      return "environment";
    case SettingSource::kFile:
      return "file";
    case SettingSource::kDefault:
      break;
  }
  return "default";
}

}  // namespace sequencial::domain
