// open_store(): picks the storage backend from the --db value (see store.h).
// Thread-safety: a pure factory; each call opens an independent Store.
#include <string>

#include "storage/postgres/pg_store.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/store.h"

namespace sequencial {

Result<std::unique_ptr<Store>> open_store(std::string_view url) {
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    auto store = postgres::PgStore::open(url);
    if (!store) return fail(std::move(store.error()));
    return std::unique_ptr<Store>(std::move(*store));
  }
  // Anything else is a SQLite file path, optionally written as a URL.
  std::string_view path = url;
  if (path.starts_with("sqlite://")) {
    path.remove_prefix(std::string_view("sqlite://").size());
  } else if (path.starts_with("sqlite:")) {
    path.remove_prefix(std::string_view("sqlite:").size());
  }
  auto store = sqlite::SqliteStore::open(std::string(path));
  if (!store) return fail(std::move(store.error()));
  return std::unique_ptr<Store>(std::move(*store));
}

}  // namespace sequencial
