// The libpq RAII layer (see pg_conn.h).
#include "storage/postgres/pg_conn.h"

#include <bit>
#include <charconv>
#include <cstring>
#include <utility>

namespace sequencial::postgres {
namespace {

// Type OIDs from the server's catalog (pg_type.dat): fixed across versions.
constexpr unsigned kBoolOid = 16;
constexpr unsigned kInt8Oid = 20;

std::string trimmed(const char* message) {
  std::string text = message == nullptr ? std::string() : std::string(message);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

// ---- parameters ----

Params& Params::add(std::int64_t value) {
  const auto big_endian = std::byteswap(std::bit_cast<std::uint64_t>(value));
  std::string bytes(sizeof big_endian, '\0');
  std::memcpy(bytes.data(), &big_endian, sizeof big_endian);
  types_.push_back(kInt8Oid);
  data_.push_back(std::move(bytes));
  null_.push_back(false);
  lengths_.push_back(sizeof big_endian);
  formats_.push_back(1);
  return *this;
}

Params& Params::add(bool value) {
  types_.push_back(kBoolOid);
  data_.emplace_back(1, value ? '\1' : '\0');
  null_.push_back(false);
  lengths_.push_back(1);
  formats_.push_back(1);
  return *this;
}

Params& Params::add(std::string_view text) {
  types_.push_back(0);  // the server infers the type from the statement
  data_.emplace_back(text);
  null_.push_back(false);
  lengths_.push_back(static_cast<int>(text.size()));
  formats_.push_back(0);
  return *this;
}

Params& Params::add_null() {
  types_.push_back(0);
  data_.emplace_back();
  null_.push_back(true);
  lengths_.push_back(0);
  formats_.push_back(0);
  return *this;
}

std::vector<const char*> Params::values() const {
  std::vector<const char*> values;
  values.reserve(data_.size());
  for (std::size_t i = 0; i < data_.size(); ++i) {
    values.push_back(null_[i] ? nullptr : data_[i].c_str());
  }
  return values;
}

// ---- results ----

std::string_view PgResult::text_at(int row, int col) const {
  return {PQgetvalue(result_.get(), row, col),
          static_cast<std::size_t>(PQgetlength(result_.get(), row, col))};
}

std::int64_t PgResult::int_at(int row, int col) const {
  const std::string_view text = text_at(row, col);
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::int64_t PgResult::affected() const {
  const char* count = PQcmdTuples(result_.get());
  std::int64_t value = 0;
  std::from_chars(count, count + std::strlen(count), value);
  return value;
}

// ---- connections ----

bool is_connection_failure(std::string_view sqlstate) {
  // Class 08 connection exception; 57P01..57P03 shutdown, crash, cannot
  // connect now; 53300 too many connections.
  return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03" || sqlstate == "53300";
}

Result<Connection> Connection::open(const std::string& conninfo) {
  PGconn* raw = PQconnectdb(conninfo.c_str());
  if (raw == nullptr) return fail(Error::unavailable("cannot allocate a PostgreSQL connection"));
  Connection conn(raw);
  // Server notices ("relation already exists, skipping", the FATAL sent to a
  // session being terminated) would go to stderr; errors that matter come
  // back as results instead.
  PQsetNoticeProcessor(
      raw, [](void* /*arg*/, const char* /*message*/) {}, nullptr);
  if (PQstatus(raw) != CONNECTION_OK) {
    return fail({ErrorCode::kUnavailable,
                 "cannot connect to PostgreSQL: " + trimmed(PQerrorMessage(raw)), "db"});
  }
  return conn;
}

bool Connection::healthy() { return conn_ && PQstatus(conn_.get()) == CONNECTION_OK; }

Result<PgResult> Connection::check(PGresult* raw, std::string_view what) {
  PgResult result(raw);
  const ExecStatusType status = raw == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(raw);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    failure_ = {};
    return result;
  }
  const char* state = raw == nullptr ? nullptr : PQresultErrorField(raw, PG_DIAG_SQLSTATE);
  const char* constraint =
      raw == nullptr ? nullptr : PQresultErrorField(raw, PG_DIAG_CONSTRAINT_NAME);
  failure_ = {.sqlstate = state == nullptr ? "" : state,
              .constraint = constraint == nullptr ? "" : constraint};
  std::string message = trimmed(raw != nullptr ? PQresultErrorMessage(raw) : nullptr);
  if (message.empty()) message = trimmed(PQerrorMessage(conn_.get()));
  const bool lost = !healthy() || is_connection_failure(failure_.sqlstate);
  return fail({lost ? ErrorCode::kUnavailable : ErrorCode::kInternal,
               "PostgreSQL " + std::string(what) + ": " + message,
               {}});
}

Result<PgResult> Connection::exec(std::string_view sql) {
  return check(PQexec(conn_.get(), std::string(sql).c_str()), "query failed");
}

Result<PgResult> Connection::exec(std::string_view sql, const Params& params) {
  const auto values = params.values();
  return check(PQexecParams(conn_.get(), std::string(sql).c_str(), params.size(), params.types(),
                            values.data(), params.lengths(), params.formats(), 0),
               "query failed");
}

Result<PgResult> Connection::exec_prepared(const std::string& name, std::string_view sql,
                                           const Params& params) {
  if (!prepared_.contains(name)) {
    auto prepared = check(PQprepare(conn_.get(), name.c_str(), std::string(sql).c_str(),
                                    params.size(), params.types()),
                          "prepare failed");
    if (!prepared) return fail(std::move(prepared.error()));
    prepared_.insert(name);
  }
  const auto values = params.values();
  return check(PQexecPrepared(conn_.get(), name.c_str(), params.size(), values.data(),
                              params.lengths(), params.formats(), 0),
               "query failed");
}

// ---- transactions ----

Result<Transaction> Transaction::begin(Connection& conn, std::string_view begin_sql) {
  if (auto begun = conn.exec(begin_sql); !begun) return fail(std::move(begun.error()));
  return Transaction(conn);
}

Transaction::~Transaction() {
  if (conn_ != nullptr && conn_->healthy()) (void)conn_->exec("ROLLBACK");
}

Result<void> Transaction::commit() {
  Connection* conn = std::exchange(conn_, nullptr);
  if (auto done = conn->exec("COMMIT"); !done) return fail(std::move(done.error()));
  return {};
}

// ---- array literals ----

void ArrayLiteral::separate() {
  if (!empty_) body_ += ',';
  empty_ = false;
}

ArrayLiteral& ArrayLiteral::add(std::int64_t value) {
  separate();
  body_ += std::to_string(value);
  return *this;
}

ArrayLiteral& ArrayLiteral::add(std::string_view text) {
  separate();
  body_ += '"';
  for (const char c : text) {
    if (c == '"' || c == '\\') body_ += '\\';
    body_ += c;
  }
  body_ += '"';
  return *this;
}

ArrayLiteral& ArrayLiteral::add_null() {
  separate();
  body_ += "NULL";
  return *this;
}

}  // namespace sequencial::postgres
