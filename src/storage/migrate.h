// `sequencial migrate`: copies everything one database holds into another,
// empty one, e.g. from SQLite to PostgreSQL when a shop grows onto several
// nodes, keeping every id. Both databases are first brought to the latest
// schema by opening them as stores (open_store runs the migrations); then
// every table of the list in migrate.cpp is copied, with the columns the
// source has, in one transaction on the target; afterwards the target's id
// generators continue after the copied ids and each central's rotation
// continues where the source's stood.
//
// Thread-safety: a pure function; it opens its own connections.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace sequencial {

struct TableCopied {
  std::string table;
  std::int64_t rows = 0;
};

// Called after each batch: rows of `table` copied so far out of `total`.
using MigrateProgress =
    std::function<void(std::string_view table, std::int64_t copied, std::int64_t total)>;

// kConflict on field "to" when the target holds any row, kInvalid when
// `from` and `to` name the same database or the source has a table the
// copy does not know; the databases' own errors otherwise (nothing is
// committed on the target then).
[[nodiscard]] Result<std::vector<TableCopied>> migrate_database(std::string_view from,
                                                                std::string_view to,
                                                                const MigrateProgress& progress);

}  // namespace sequencial
