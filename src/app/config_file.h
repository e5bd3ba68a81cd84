// The --config file of `sequencial serve`: TOML whose keys are the long flag
// names ("listen", "public-url" or "public_url", ...). A key only fills an
// option that neither a flag nor an environment variable set, so the
// precedence is flag > environment > file > default.
#pragma once

#include <string>

#include "core/error.h"

namespace CLI {
class App;
}

namespace sequencial::app {

// Errors (unreadable file, bad TOML, unknown key, wrong value) name the
// file and the key.
[[nodiscard]] Result<void> apply_config_file(CLI::App& command, const std::string& path);

}  // namespace sequencial::app
