// The two ends of `sequencial migrate` (storage/migrate.h): a database seen
// as plain tables of rows, whatever its backend. The engine reads columns
// and rows from the source endpoint and writes them to the target endpoint;
// only these two implementations know SQLite's or PostgreSQL's SQL.
//
// Values travel as text: an integer as its decimal digits, a boolean as
// "0"/"1", text as it is, NULL as nullopt; each endpoint converts to and
// from its own column types.
//
// Internal to src/storage/ (included by migrate.cpp and copy_*.cpp only).
// Thread-safety: an endpoint is used by one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace sequencial::copy {

enum class ColumnType : std::uint8_t { kInteger, kBoolean, kText };

struct Column {
  std::string name;
  ColumnType type = ColumnType::kText;
  std::string native_type;  // the backend's own name (PostgreSQL udt_name: int8, bool...)
};

using Value = std::optional<std::string>;
using Row = std::vector<Value>;
// Receives the rows of a table in batches, in the order asked for.
using RowSink = std::function<Result<void>(std::span<const Row>)>;

class Endpoint {
 public:
  virtual ~Endpoint() = default;

  // The user tables (schema bookkeeping such as schema_version left out).
  [[nodiscard]] virtual Result<std::vector<std::string>> tables() = 0;
  // The columns of `table` in their declared order.
  [[nodiscard]] virtual Result<std::vector<Column>> columns(std::string_view table) = 0;
  [[nodiscard]] virtual Result<std::int64_t> count(std::string_view table) = 0;

  // Source side: one snapshot for every read that follows.
  [[nodiscard]] virtual Result<void> begin_read() = 0;
  [[nodiscard]] virtual Result<void> read(std::string_view table, std::span<const Column> columns,
                                          std::string_view order_by, const RowSink& sink) = 0;
  // Where each central's rotation continues: the next ticket (SQLite: the
  // saved cursor; PostgreSQL: the central's ticket sequence).
  [[nodiscard]] virtual Result<std::map<std::int64_t, std::int64_t>> rotation_positions() = 0;

  // Target side: one transaction for every write, committed by commit().
  [[nodiscard]] virtual Result<void> begin_write() = 0;
  [[nodiscard]] virtual Result<void> write(std::string_view table, std::span<const Column> columns,
                                           std::span<const Row> rows) = 0;
  // After the copy: id generators moved past the copied ids, and each
  // central's rotation set to continue at `positions`.
  [[nodiscard]] virtual Result<void> finish(
      std::span<const std::string> tables,
      const std::map<std::int64_t, std::int64_t>& positions) = 0;
  [[nodiscard]] virtual Result<void> commit() = 0;
};

// `url` as open_store() takes it: a SQLite path (or sqlite: URL) or a
// postgres:// URL. The database must exist and be migrated already.
[[nodiscard]] Result<std::unique_ptr<Endpoint>> open_endpoint(std::string_view url);
[[nodiscard]] Result<std::unique_ptr<Endpoint>> open_sqlite_endpoint(const std::string& path);
[[nodiscard]] Result<std::unique_ptr<Endpoint>> open_pg_endpoint(const std::string& url);

// Rows per batch handed to a RowSink / written in one statement.
inline constexpr std::size_t kBatchRows = 2000;

}  // namespace sequencial::copy
