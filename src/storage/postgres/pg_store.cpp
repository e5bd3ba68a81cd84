// PgStore: the Store interface on PostgreSQL (see pg_store.h). Each public
// method borrows one pooled connection; writes of more than one statement
// run in one transaction. Batches (members, cursors, assignments, clicks,
// rollups) go in one statement each, as arrays expanded by unnest(). Every
// statement is prepared once per connection under the name it runs with.
// This file opens the store; each role's methods are in a file of their own
// (pg_links.cpp, pg_accounts.cpp, pg_assignments.cpp, pg_clicks.cpp).
#include "storage/postgres/pg_store.h"

#include "storage/postgres/pg_listener.h"
#include "storage/postgres/pg_migrations.h"

namespace sequencial::postgres {

// ---- opening ----

Result<std::unique_ptr<PgStore>> PgStore::open(std::string_view url) {
  auto parsed = parse_pool_url(url);
  if (!parsed) return fail(std::move(parsed.error()));
  std::unique_ptr<PgStore> store(new PgStore(std::move(*parsed)));
  auto conn = store->pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  if (auto version = migrate(**conn); !version) {
    Error error = std::move(version.error());
    error.field = "db";
    if (error.code == ErrorCode::kInternal) error.code = ErrorCode::kUnavailable;
    error.message = "cannot use the PostgreSQL database: " + error.message;
    return fail(std::move(error));
  }
  return store;
}

// ---- change feed ----

Result<std::unique_ptr<ChangeListener>> PgStore::open_change_listener() {
  return open_listener(pool_.conninfo());
}

}  // namespace sequencial::postgres
