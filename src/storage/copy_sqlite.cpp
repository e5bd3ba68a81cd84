// The SQLite end of `sequencial migrate` (see copy_endpoint.h). Column
// types come from the STRICT declarations (INTEGER or TEXT; booleans are
// INTEGER 0/1 already).
#include <charconv>
#include <optional>

#include "storage/copy_endpoint.h"
#include "storage/sqlite/sqlite_db.h"

namespace sequencial::copy {
namespace {

using sqlite::Db;
using sqlite::Transaction;

// Identifiers come from the table list and the database's own catalog,
// never from input; quoting keeps a keyword-named column ("key") valid.
std::string quoted(std::string_view name) { return "\"" + std::string(name) + "\""; }

std::string column_list(std::span<const Column> columns) {
  std::string out;
  for (const Column& c : columns) out += (out.empty() ? "" : ", ") + quoted(c.name);
  return out;
}

class SqliteEndpoint final : public Endpoint {
 public:
  explicit SqliteEndpoint(Db db) : db_(std::move(db)) {}

  Result<std::vector<std::string>> tables() override {
    auto q = db_.query(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name <> 'schema_version' ORDER BY name");
    if (!q) return fail(std::move(q.error()));
    std::vector<std::string> out;
    for (;;) {
      auto row = q->step();
      if (!row) return fail(std::move(row.error()));
      if (!*row) break;
      out.push_back(q->text_at(0));
    }
    return out;
  }

  Result<std::vector<Column>> columns(std::string_view table) override {
    auto q = db_.query("SELECT name, upper(type) FROM pragma_table_info(?1) ORDER BY cid");
    if (!q) return fail(std::move(q.error()));
    q->bind_text(1, table);
    std::vector<Column> out;
    for (;;) {
      auto row = q->step();
      if (!row) return fail(std::move(row.error()));
      if (!*row) break;
      const std::string type = q->text_at(1);
      out.push_back(
          {q->text_at(0), type == "INTEGER" ? ColumnType::kInteger : ColumnType::kText, type});
    }
    return out;
  }

  Result<std::int64_t> count(std::string_view table) override {
    auto q = db_.query("SELECT count(*) FROM " + quoted(table));
    if (!q) return fail(std::move(q.error()));
    auto row = q->step();
    if (!row) return fail(std::move(row.error()));
    return q->int_at(0);
  }

  Result<void> begin_read() override { return begin(Transaction::Kind::kRead); }

  Result<void> read(std::string_view table, std::span<const Column> columns,
                    std::string_view order_by, const RowSink& sink) override {
    auto q = db_.query("SELECT " + column_list(columns) + " FROM " + quoted(table) + " ORDER BY " +
                       std::string(order_by));
    if (!q) return fail(std::move(q.error()));
    std::vector<Row> batch;
    batch.reserve(kBatchRows);
    for (;;) {
      auto more = q->step();
      if (!more) return fail(std::move(more.error()));
      if (*more) {
        Row row(columns.size());
        for (std::size_t i = 0; i < columns.size(); ++i) {
          const int at = static_cast<int>(i);
          if (q->null_at(at)) continue;
          row[i] =
              columns[i].type == ColumnType::kText ? q->text_at(at) : std::to_string(q->int_at(at));
        }
        batch.push_back(std::move(row));
      }
      if (batch.size() == kBatchRows || (!*more && !batch.empty())) {
        if (auto ok = sink(batch); !ok) return ok;
        batch.clear();
      }
      if (!*more) return {};
    }
  }

  Result<std::map<std::int64_t, std::int64_t>> rotation_positions() override {
    auto q = db_.query("SELECT id, cursor FROM centrals");
    if (!q) return fail(std::move(q.error()));
    std::map<std::int64_t, std::int64_t> out;
    for (;;) {
      auto row = q->step();
      if (!row) return fail(std::move(row.error()));
      if (!*row) return out;
      out[q->int_at(0)] = q->int_at(1);
    }
  }

  Result<void> begin_write() override { return begin(Transaction::Kind::kWrite); }

  Result<void> write(std::string_view table, std::span<const Column> columns,
                     std::span<const Row> rows) override {
    std::string sql = "INSERT INTO " + quoted(table) + " (" + column_list(columns) + ") VALUES (";
    for (std::size_t i = 1; i <= columns.size(); ++i) {
      sql += (i > 1 ? ", ?" : "?") + std::to_string(i);
    }
    sql += ")";
    for (const Row& row : rows) {
      auto q = db_.query(sql);
      if (!q) return fail(std::move(q.error()));
      for (std::size_t i = 0; i < columns.size(); ++i) {
        const int at = static_cast<int>(i) + 1;
        if (!row[i]) {
          q->bind_null(at);
        } else if (columns[i].type == ColumnType::kText) {
          q->bind_text(at, *row[i]);
        } else {
          auto number = parse(*row[i], table, columns[i].name);
          if (!number) return fail(std::move(number.error()));
          q->bind_int(at, *number);
        }
      }
      if (auto ok = q->run(); !ok) return ok;
    }
    return {};
  }

  Result<void> finish(std::span<const std::string> /*tables*/,
                      const std::map<std::int64_t, std::int64_t>& positions) override {
    // INTEGER PRIMARY KEY ids continue after the highest stored one by
    // themselves; only the rotation cursors are set.
    for (const auto& [central, position] : positions) {
      auto q = db_.query("UPDATE centrals SET cursor = ?2 WHERE id = ?1");
      if (!q) return fail(std::move(q.error()));
      q->bind_int(1, central).bind_int(2, position);
      if (auto ok = q->run(); !ok) return ok;
    }
    return {};
  }

  Result<void> commit() override {
    if (!tx_) return fail(Error::internal("commit without a transaction"));
    auto ok = tx_->commit();
    tx_.reset();
    return ok;
  }

 private:
  Result<void> begin(Transaction::Kind kind) {
    auto tx = Transaction::begin(db_, kind);
    if (!tx) return fail(std::move(tx.error()));
    tx_.emplace(std::move(*tx));
    return {};
  }

  static Result<std::int64_t> parse(std::string_view text, std::string_view table,
                                    std::string_view column) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return fail(Error::internal("column " + std::string(table) + "." + std::string(column) +
                                  " holds \"" + std::string(text) + "\", not an integer"));
    }
    return value;
  }

  Db db_;
  std::optional<Transaction> tx_;  // declared after db_: destroyed (rolled back) first
};

}  // namespace

Result<std::unique_ptr<Endpoint>> open_sqlite_endpoint(const std::string& path) {
  auto db = Db::open(path);
  if (!db) return fail(std::move(db.error()));
  if (auto ok = db->set_busy_timeout(10'000); !ok) return fail(std::move(ok.error()));
  // The copy writes parents before children; the checks stay on.
  if (auto ok = db->exec("PRAGMA foreign_keys = ON"); !ok) return fail(std::move(ok.error()));
  return std::unique_ptr<Endpoint>(std::make_unique<SqliteEndpoint>(std::move(*db)));
}

}  // namespace sequencial::copy
