// The PostgreSQL end of `sequencial migrate` (see copy_endpoint.h). Reads
// go through a cursor in one REPEATABLE READ transaction; writes insert a
// whole batch per statement through unnest() of one array per column, cast
// to the column's own type.
#include <optional>

#include "storage/copy_endpoint.h"
#include "storage/postgres/pg_conn.h"
#include "storage/postgres/pg_migrations.h"

namespace sequencial::copy {
namespace {

using postgres::ArrayLiteral;
using postgres::Connection;
using postgres::Params;
using postgres::Transaction;

// Identifiers come from the table list and the catalog, never from input.
std::string quoted(std::string_view name) { return "\"" + std::string(name) + "\""; }

std::string column_list(std::span<const Column> columns) {
  std::string out;
  for (const Column& c : columns) out += (out.empty() ? "" : ", ") + quoted(c.name);
  return out;
}

class PgEndpoint final : public Endpoint {
 public:
  explicit PgEndpoint(Connection conn) : conn_(std::move(conn)) {}

  Result<std::vector<std::string>> tables() override {
    auto r = conn_.exec(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_type = 'BASE TABLE' AND table_name <> 'schema_version' ORDER BY table_name");
    if (!r) return fail(std::move(r.error()));
    std::vector<std::string> out;
    out.reserve(static_cast<std::size_t>(r->rows()));
    for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->text_at(i, 0));
    return out;
  }

  Result<std::vector<Column>> columns(std::string_view table) override {
    auto r = conn_.exec(
        "SELECT column_name, udt_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        Params().add(table));
    if (!r) return fail(std::move(r.error()));
    std::vector<Column> out;
    for (int i = 0; i < r->rows(); ++i) {
      const std::string type(r->text_at(i, 1));
      const ColumnType kind = type == "bool" ? ColumnType::kBoolean
                              : (type == "int2" || type == "int4" || type == "int8")
                                  ? ColumnType::kInteger
                                  : ColumnType::kText;
      out.push_back({std::string(r->text_at(i, 0)), kind, type});
    }
    return out;
  }

  Result<std::int64_t> count(std::string_view table) override {
    auto r = conn_.exec("SELECT count(*) FROM " + quoted(table));
    if (!r) return fail(std::move(r.error()));
    return r->int_at(0, 0);
  }

  Result<void> begin_read() override {
    return begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }

  Result<void> read(std::string_view table, std::span<const Column> columns,
                    std::string_view order_by, const RowSink& sink) override {
    if (auto ok = conn_.exec("DECLARE sequencial_copy NO SCROLL CURSOR FOR SELECT " +
                             column_list(columns) + " FROM " + quoted(table) + " ORDER BY " +
                             std::string(order_by));
        !ok) {
      return fail(std::move(ok.error()));
    }
    const std::string fetch = "FETCH " + std::to_string(kBatchRows) + " FROM sequencial_copy";
    for (;;) {
      auto r = conn_.exec(fetch);
      if (!r) return fail(std::move(r.error()));
      if (r->rows() == 0) break;
      std::vector<Row> batch(static_cast<std::size_t>(r->rows()));
      for (int i = 0; i < r->rows(); ++i) {
        Row& row = batch[static_cast<std::size_t>(i)];
        row.resize(columns.size());
        for (std::size_t c = 0; c < columns.size(); ++c) {
          const int col = static_cast<int>(c);
          if (r->null_at(i, col)) continue;
          if (columns[c].type == ColumnType::kBoolean) {
            row[c] = r->bool_at(i, col) ? "1" : "0";
          } else {
            row[c] = std::string(r->text_at(i, col));
          }
        }
      }
      if (auto ok = sink(batch); !ok) return ok;
    }
    if (auto ok = conn_.exec("CLOSE sequencial_copy"); !ok) return fail(std::move(ok.error()));
    return {};
  }

  Result<std::map<std::int64_t, std::int64_t>> rotation_positions() override {
    auto r = conn_.exec("SELECT id, cursor FROM centrals");
    if (!r) return fail(std::move(r.error()));
    std::map<std::int64_t, std::int64_t> out;
    for (int i = 0; i < r->rows(); ++i) {
      const std::int64_t id = r->int_at(i, 0);
      out[id] = r->int_at(i, 1);
      // The shared ticket sequence is where the nodes' rotation stands.
      const std::string seq = postgres::ticket_sequence(id);
      auto exists = conn_.exec("SELECT to_regclass($1) IS NOT NULL", Params().add(seq));
      if (!exists) return fail(std::move(exists.error()));
      if (!exists->bool_at(0, 0)) continue;
      auto state = conn_.exec("SELECT last_value, is_called FROM " + seq);
      if (!state) return fail(std::move(state.error()));
      out[id] = state->int_at(0, 0) + (state->bool_at(0, 1) ? 1 : 0);
    }
    return out;
  }

  Result<void> begin_write() override { return begin("BEGIN"); }

  Result<void> write(std::string_view table, std::span<const Column> columns,
                     std::span<const Row> rows) override {
    std::vector<ArrayLiteral> arrays(columns.size());
    for (const Row& row : rows) {
      for (std::size_t c = 0; c < columns.size(); ++c) {
        if (row[c]) {
          arrays[c].add(std::string_view(*row[c]));
        } else {
          arrays[c].add_null();
        }
      }
    }
    std::string sql =
        "INSERT INTO " + quoted(table) + " (" + column_list(columns) + ") SELECT * FROM unnest(";
    Params params;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      sql += (c > 0 ? ", $" : "$") + std::to_string(c + 1) + "::" + columns[c].native_type + "[]";
      params.add(arrays[c].str());
    }
    sql += ")";
    auto r = conn_.exec(sql, params);
    if (!r) return fail(std::move(r.error()));
    return {};
  }

  Result<void> finish(std::span<const std::string> tables,
                      const std::map<std::int64_t, std::int64_t>& positions) override {
    // Identity columns continue after the highest copied id.
    for (const std::string& table : tables) {
      auto identity = conn_.exec(
          "SELECT column_name FROM information_schema.columns WHERE table_schema = "
          "current_schema() AND table_name = $1 AND is_identity = 'YES'",
          Params().add(table));
      if (!identity) return fail(std::move(identity.error()));
      for (int i = 0; i < identity->rows(); ++i) {
        const std::string column(identity->text_at(i, 0));
        auto moved = conn_.exec("SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(" +
                                    quoted(column) + "), 0) + 1, false) FROM " + quoted(table),
                                Params().add(quoted(table)).add(column));
        if (!moved) return fail(std::move(moved.error()));
      }
    }
    // Each central's ticket sequence, as PgStore::insert_central makes it,
    // set so the next ticket continues the copied rotation.
    for (const auto& [central, position] : positions) {
      const std::string seq = postgres::ticket_sequence(central);
      if (auto made = conn_.exec("CREATE SEQUENCE IF NOT EXISTS " + seq + " MINVALUE 0 START 0");
          !made) {
        return fail(std::move(made.error()));
      }
      if (auto set = conn_.exec("SELECT setval($1::regclass, $2, false)",
                                Params().add(seq).add(std::max<std::int64_t>(position, 0)));
          !set) {
        return fail(std::move(set.error()));
      }
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
  Result<void> begin(std::string_view sql) {
    auto tx = Transaction::begin(conn_, sql);
    if (!tx) return fail(std::move(tx.error()));
    tx_.emplace(std::move(*tx));
    return {};
  }

  Connection conn_;
  std::optional<Transaction> tx_;  // declared after conn_: destroyed (rolled back) first
};

}  // namespace

Result<std::unique_ptr<Endpoint>> open_pg_endpoint(const std::string& url) {
  auto conn = Connection::open(url);
  if (!conn) return fail(std::move(conn.error()));
  return std::unique_ptr<Endpoint>(std::make_unique<PgEndpoint>(std::move(*conn)));
}

}  // namespace sequencial::copy
