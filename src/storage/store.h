// Store: everything Sequencial persists, as the union of the storage roles.
// Each consumer takes only the role it uses:
//   LinkStore (link_store.h)             links, centrals, rotation cursors
//   AccountStore (account_store.h)       API tokens, admin users, sessions
//   SettingStore (setting_store.h)       settings saved from the admin UI
//   AssignmentStore (assignment_store.h) atendimento fixo, rotation tickets
//   ChangeFeed (change_feed.h)           what another node wrote
//   ClickStore (click_store.h)           clicks and reports
// Store itself is for what needs all of them: open_store(), migrate/copy/
// backup, the process wiring (app/serve.cpp) and test fakes.
// SQLite (the embedded default) implements it in storage/sqlite/; a
// PostgreSQL backend implements the same interface in storage/postgres/,
// each with one source file per role. open_store() picks the backend from
// the --db value.
//
// Thread-safety: a Store may be used from several threads; implementations
// serialise access internally. Every method may block (disk, network): none
// is ever called from an event loop. What the redirect path needs
// (answer_routing) is asked by one background thread (app/route_lookups.h)
// whose answers the loops wait for with a deadline.
#pragma once

#include <memory>
#include <string_view>

#include "core/error.h"
#include "storage/account_store.h"
#include "storage/assignment_store.h"
#include "storage/change_feed.h"
#include "storage/click_store.h"
#include "storage/link_store.h"
#include "storage/setting_store.h"

namespace sequencial {

class Store : public LinkStore,
              public AccountStore,
              public SettingStore,
              public AssignmentStore,
              public ChangeFeed,
              public ClickStore {
 public:
  ~Store() override = default;
};

// Opens (creating and migrating when needed) the store named by `url`:
// a SQLite file path, or a postgres:// / postgresql:// URL (libpq syntax).
[[nodiscard]] Result<std::unique_ptr<Store>> open_store(std::string_view url);

}  // namespace sequencial
