// Option sources and their start-up log (see setting_sources.h).
#include "app/setting_sources.h"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <string_view>

#include "app/serve.h"
#include "domain/settings.h"

namespace sequencial::app {
namespace {

// The option's long name without dashes; empty for options without one.
std::string long_name(const CLI::Option& option) {
  const auto& names = option.get_lnames();
  return names.empty() ? std::string() : names.front();
}

bool named_in(std::string_view name, int argc, const char* const* argv) {
  const std::string flag = "--" + std::string(name);
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg == flag || arg.starts_with(flag + "=")) return true;
  }
  return false;
}

domain::SettingSource source_of(const ServeConfig& config, const std::string& name) {
  const auto it = config.sources.find(name);
  return it == config.sources.end() ? domain::SettingSource::kDefault : it->second;
}

}  // namespace

SettingSources command_line_sources(const CLI::App& serve, int argc, const char* const* argv) {
  SettingSources sources;
  for (const CLI::Option* option : serve.get_options()) {
    const std::string name = long_name(*option);
    if (name.empty() || name == "help") continue;
    if (option->count() == 0) {
      sources[name] = domain::SettingSource::kDefault;
    } else {
      sources[name] = named_in(name, argc, argv) ? domain::SettingSource::kFlag
                                                 : domain::SettingSource::kEnvironment;
    }
  }
  return sources;
}

void add_file_sources(SettingSources& sources, const CLI::App& serve) {
  for (const CLI::Option* option : serve.get_options()) {
    const std::string name = long_name(*option);
    const auto it = sources.find(name);
    if (it != sources.end() && it->second == domain::SettingSource::kDefault &&
        option->count() > 0) {
      it->second = domain::SettingSource::kFile;
    }
  }
}

void apply_setting_sources(const ServeConfig& config, domain::Settings& settings) {
  settings.set_server_sources(source_of(config, "default-tz"), source_of(config, "public-url"));
  for (const auto& [name, source] : config.sources) {
    if (name == "config") continue;
    spdlog::info("event=setting key={} source={}", name, domain::source_name(source));
  }
  for (const domain::SettingState& s : settings.describe()) {
    if (!s.saved) continue;
    if (s.server_source == domain::SettingSource::kDefault || s.value == s.server_value) {
      spdlog::info("event=setting key={} source=saved value=\"{}\"", s.key, s.value);
    } else {
      spdlog::warn(
          "event=setting_overridden key={} source=saved value=\"{}\" overrides=\"{}\" from={} "
          "hint=\"reset it in Configurações or with DELETE /api/v1/settings/{}\"",
          s.key, s.value, s.server_value, domain::source_name(s.server_source), s.key);
    }
  }
}

}  // namespace sequencial::app
