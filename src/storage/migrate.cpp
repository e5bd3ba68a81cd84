// The copy engine of `sequencial migrate` (see migrate.h).
#include "storage/migrate.h"

#include <algorithm>
#include <set>

#include "storage/copy_endpoint.h"
#include "storage/store.h"

namespace sequencial {
namespace {

using copy::Column;
using copy::Endpoint;
using copy::Row;

// Every table Sequencial stores, parents before children (foreign keys),
// each with the key it is read in order of. A new table needs one line
// here (migrate refuses a source table missing from this list); a new
// column needs none: the columns are read from the databases.
struct TableSpec {
  std::string_view name;
  std::string_view order_by;
};
constexpr TableSpec kTables[] = {
    {"links", "id"},
    {"centrals", "id"},
    {"central_members", "central_id, position"},
    {"assignments", "central_id, visitor_hi, visitor_lo"},
    {"api_tokens", "id"},
    {"users", "id"},
    {"sessions", "id_hash"},
    {"settings", "key"},
    {"clicks", "at, id"},  // PostgreSQL keeps no index on id alone
    {"click_rollups", "scope, scope_id, dimension, hour, key"},
};

// Columns one backend has and the other computes: filled from another
// column when the target has them, dropped when only the source has them.
struct DerivedColumn {
  std::string_view table;
  std::string_view column;
  std::string_view from;
  std::string (*derive)(std::string_view);
};
std::string ascii_lower(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}
constexpr DerivedColumn kDerived[] = {
    {"links", "slug_key", "slug", ascii_lower},  // SQLite's case-insensitive slug key
};

const DerivedColumn* derived(std::string_view table, std::string_view column) {
  for (const DerivedColumn& d : kDerived) {
    if (d.table == table && d.column == column) return &d;
  }
  return nullptr;
}

const Column* find(const std::vector<Column>& columns, std::string_view name) {
  const auto it = std::ranges::find(columns, name, &Column::name);
  return it == columns.end() ? nullptr : &*it;
}

// How one table travels: which source columns are read, and for each
// target column where its value comes from.
struct Plan {
  std::vector<Column> read;                  // source columns, in source order
  std::vector<Column> write;                 // target columns
  std::vector<int> from_read;                // per target column: index into `read`
  std::vector<const DerivedColumn*> derive;  // per target column, or null
};

Result<Plan> plan_table(std::string_view table, const std::vector<Column>& source,
                        const std::vector<Column>& target) {
  Plan plan;
  for (const Column& c : source) {
    if (find(target, c.name) == nullptr && derived(table, c.name) == nullptr) {
      return fail(Error::invalid(
          "to", "column " + std::string(table) + "." + c.name +
                    " of the source has no place in the target (are both on the same version "
                    "of sequencial?)"));
    }
    plan.read.push_back(c);
  }
  for (const Column& c : target) {
    const auto in_source = std::ranges::find(plan.read, c.name, &Column::name);
    if (in_source != plan.read.end()) {
      plan.write.push_back(c);
      plan.from_read.push_back(static_cast<int>(in_source - plan.read.begin()));
      plan.derive.push_back(nullptr);
    } else if (const DerivedColumn* d = derived(table, c.name)) {
      const auto base = std::ranges::find(plan.read, d->from, &Column::name);
      if (base == plan.read.end()) {
        return fail(Error::internal("derived column " + c.name + " lacks its source column"));
      }
      plan.write.push_back(c);
      plan.from_read.push_back(static_cast<int>(base - plan.read.begin()));
      plan.derive.push_back(d);
    }
    // Any other target-only column takes its default.
  }
  return plan;
}

std::string order_clause(std::string_view order_by) {
  std::string out;
  std::size_t start = 0;
  while (start < order_by.size()) {
    std::size_t end = order_by.find(',', start);
    if (end == std::string_view::npos) end = order_by.size();
    std::string_view name = order_by.substr(start, end - start);
    while (name.starts_with(' ')) name.remove_prefix(1);
    out += (out.empty() ? "\"" : ", \"") + std::string(name) + "\"";
    start = end + 1;
  }
  return out;
}

Result<std::unique_ptr<Endpoint>> open_migrated(std::string_view url, std::string_view field) {
  // open_store() creates or migrates the schema to the latest version.
  if (auto store = open_store(url); !store) {
    Error error = std::move(store.error());
    error.field = std::string(field);
    return fail(std::move(error));
  }
  return copy::open_endpoint(url);
}

bool is_postgres(std::string_view url) {
  return url.starts_with("postgres://") || url.starts_with("postgresql://");
}

std::string sqlite_path(std::string_view url) {
  if (url.starts_with("sqlite://")) url.remove_prefix(9);
  if (url.starts_with("sqlite:")) url.remove_prefix(7);
  return std::string(url);
}

}  // namespace

namespace copy {
Result<std::unique_ptr<Endpoint>> open_endpoint(std::string_view url) {
  if (is_postgres(url)) return open_pg_endpoint(std::string(url));
  return open_sqlite_endpoint(sqlite_path(url));
}
}  // namespace copy

Result<std::vector<TableCopied>> migrate_database(std::string_view from, std::string_view to,
                                                  const MigrateProgress& progress) {
  if (from == to) return fail(Error::invalid("to", "--from and --to name the same database"));
  auto source = open_migrated(from, "from");
  if (!source) return fail(std::move(source.error()));
  auto target = open_migrated(to, "to");
  if (!target) return fail(std::move(target.error()));
  Endpoint& src = **source;
  Endpoint& dst = **target;

  // Nothing may be left behind: every source table must be in the list.
  auto source_tables = src.tables();
  if (!source_tables) return fail(std::move(source_tables.error()));
  for (const std::string& table : *source_tables) {
    if (std::ranges::find(kTables, table, &TableSpec::name) == std::end(kTables)) {
      return fail(Error::invalid("from", "table " + table +
                                             " is not in the migrate table list "
                                             "(src/storage/migrate.cpp)"));
    }
  }
  std::vector<std::string> tables;
  for (const TableSpec& spec : kTables) {
    if (std::ranges::find(*source_tables, spec.name) != source_tables->end()) {
      tables.emplace_back(spec.name);
    }
  }
  for (const std::string& table : tables) {
    auto rows = dst.count(table);
    if (!rows) return fail(std::move(rows.error()));
    if (*rows > 0) {
      return fail(Error::conflict("to", "the target database is not empty (table " + table +
                                            " has " + std::to_string(*rows) +
                                            " rows); migrate copies into an empty database only"));
    }
  }

  if (auto ok = src.begin_read(); !ok) return fail(std::move(ok.error()));
  if (auto ok = dst.begin_write(); !ok) return fail(std::move(ok.error()));
  std::vector<TableCopied> copied;
  for (const TableSpec& spec : kTables) {
    const std::string table(spec.name);
    if (std::ranges::find(tables, table) == tables.end()) continue;
    auto source_columns = src.columns(table);
    if (!source_columns) return fail(std::move(source_columns.error()));
    auto target_columns = dst.columns(table);
    if (!target_columns) return fail(std::move(target_columns.error()));
    if (target_columns->empty()) {
      return fail(Error::invalid("to", "the target has no table " + table));
    }
    auto plan = plan_table(table, *source_columns, *target_columns);
    if (!plan) return fail(std::move(plan.error()));
    auto total = src.count(table);
    if (!total) return fail(std::move(total.error()));

    std::int64_t done = 0;
    std::vector<Row> out;
    auto read =
        src.read(table, plan->read, order_clause(spec.order_by),
                 [&](std::span<const Row> batch) -> Result<void> {
                   out.clear();
                   out.reserve(batch.size());
                   for (const Row& in : batch) {
                     Row row(plan->write.size());
                     for (std::size_t c = 0; c < row.size(); ++c) {
                       const auto& value = in[static_cast<std::size_t>(plan->from_read[c])];
                       row[c] = plan->derive[c] && value ? plan->derive[c]->derive(*value) : value;
                     }
                     out.push_back(std::move(row));
                   }
                   if (auto ok = dst.write(table, plan->write, out); !ok) return ok;
                   done += static_cast<std::int64_t>(batch.size());
                   if (progress) progress(table, done, *total);
                   return {};
                 });
    if (!read) {
      Error error = std::move(read.error());
      error.message = "copying " + table + ": " + error.message;
      return fail(std::move(error));
    }
    if (progress && done == 0) progress(table, 0, 0);
    copied.push_back({table, done});
  }

  auto positions = src.rotation_positions();
  if (!positions) return fail(std::move(positions.error()));
  if (auto ok = dst.finish(tables, *positions); !ok) return fail(std::move(ok.error()));
  if (auto ok = dst.commit(); !ok) return fail(std::move(ok.error()));
  return copied;
}

}  // namespace sequencial
