// SettingStore: the storage role of the server settings saved from the admin
// UI (domain/settings.h). Part of Store (storage/store.h).
//
// Thread-safety: implementations may be called from several threads at once
// and serialise access internally. Every method may block (disk, network):
// none is ever called from an event loop.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace sequencial {

// One server setting saved from the admin UI ("default_tz", "public_url").
struct Setting {
  std::string key;
  std::string value;
};

class SettingStore {
 public:
  virtual ~SettingStore() = default;

  // Settings saved from the admin UI, by key. save_setting inserts or
  // replaces one key; delete_setting forgets one (no error when absent).
  [[nodiscard]] virtual Result<std::vector<Setting>> load_settings() = 0;
  [[nodiscard]] virtual Result<void> save_setting(std::string_view key, std::string_view value) = 0;
  [[nodiscard]] virtual Result<void> delete_setting(std::string_view key) = 0;
};

}  // namespace sequencial
