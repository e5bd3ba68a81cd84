// Which source (flag, environment, config file, default) gave each option
// of `sequencial serve` its value, and the start-up log that says so: one
// line per option, and a warning for each value saved from the admin UI
// that overrides a value the operator gave (flag, environment or file).
//
// Thread-safety: command-line and start-up code, single-threaded.
#pragma once

#include <map>
#include <string>

#include "domain/setting_source.h"

namespace CLI {
class App;
}

namespace sequencial::domain {
class Settings;
}

namespace sequencial::app {

struct ServeConfig;

// Option long name ("public-url") -> source.
using SettingSources = std::map<std::string, domain::SettingSource>;

// Call after parsing and before the config file is applied: an option set
// now came from a flag (when named in argv) or the environment.
[[nodiscard]] SettingSources command_line_sources(const CLI::App& serve, int argc,
                                                  const char* const* argv);
// Call after the config file was applied: options set since came from it.
void add_file_sources(SettingSources& sources, const CLI::App& serve);

// Tells `settings` where its keys' server values came from and logs every
// option's source (event=setting), the saved values in effect, and a
// warning (event=setting_overridden) when a saved value overrides a value
// from a flag, the environment or the file.
void apply_setting_sources(const ServeConfig& config, domain::Settings& settings);

}  // namespace sequencial::app
