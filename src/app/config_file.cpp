// Reading the TOML config file into the command line's options.
#include "app/config_file.h"

#include <toml++/toml.h>
#include <CLI/CLI.hpp>

namespace sequencial::app {

Result<void> apply_config_file(CLI::App& command, const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return fail(Error::invalid(
        "config", "cannot read config file " + path + ": " + std::string(e.description())));
  }
  for (const auto& [raw_key, node] : table) {
    std::string key(raw_key.str());
    for (char& c : key) {
      if (c == '_') c = '-';
    }
    if (key == "config") continue;
    CLI::Option* option = nullptr;
    try {
      option = command.get_option("--" + key);
    } catch (const CLI::OptionNotFound&) {
      return fail(Error::invalid("config",
                                 "unknown key \"" + std::string(raw_key.str()) + "\" in " + path));
    }
    if (option->count() > 0) continue;  // a flag or the environment said it already
    std::string value;
    if (const auto* s = node.as_string()) {
      value = s->get();
    } else if (const auto* i = node.as_integer()) {
      value = std::to_string(i->get());
    } else if (const auto* b = node.as_boolean()) {
      value = b->get() ? "true" : "false";
    } else {
      return fail(Error::invalid("config", "key \"" + std::string(raw_key.str()) + "\" in " + path +
                                               " must be a string, integer or boolean"));
    }
    try {
      option->add_result(value);
      option->run_callback();
    } catch (const CLI::Error& e) {
      return fail(Error::invalid(
          "config", "key \"" + std::string(raw_key.str()) + "\" in " + path + ": " + e.what()));
    }
  }
  return {};
}

}  // namespace sequencial::app
