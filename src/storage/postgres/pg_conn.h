// A small RAII layer over libpq for the PostgreSQL backend: a connection,
// a query result, parameters (64-bit integers and booleans sent in binary,
// text as text), statements prepared once per connection by name, and a
// transaction that rolls back unless committed. Failures come back as
// Error values: a lost or refused connection is kUnavailable, anything else
// kInternal with the server's message; the SQLSTATE and constraint name of
// the last failed statement stay readable through last_failure().
//
// Every statement waits for its answer at most the connection's timeout
// (libpq's asynchronous API and poll()): a server that stops answering
// (frozen, or a network that drops packets while the socket stays open)
// fails the call with kUnavailable within that time instead of hanging the
// thread, and the connection is then discarded. TCP keepalives cannot tell
// a stopped server from a slow one, since its kernel still acknowledges.
//
// Only src/storage/postgres/*.cpp include this header (libpq stays private
// to the backend).
//
// Thread-safety: a Connection is used by one thread at a time (the pool
// hands each one to a single caller).
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/error.h"

namespace sequencial::postgres {

// Parameters of one statement, in $1, $2, ... order.
class Params {
 public:
  Params& add(std::int64_t value);
  Params& add(bool value);
  Params& add(std::string_view text);
  // Without this a literal would pick add(bool).
  Params& add(const char* text) { return add(std::string_view(text)); }
  Params& add_null();

  [[nodiscard]] int size() const { return static_cast<int>(types_.size()); }
  [[nodiscard]] const unsigned* types() const { return types_.data(); }
  // Valid until the next add().
  [[nodiscard]] std::vector<const char*> values() const;
  [[nodiscard]] const int* lengths() const { return lengths_.data(); }
  [[nodiscard]] const int* formats() const { return formats_.data(); }

 private:
  std::vector<unsigned> types_;
  std::vector<std::string> data_;
  std::vector<bool> null_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

// A successful result (tuples in text format).
class PgResult {
 public:
  explicit PgResult(PGresult* result) : result_(result) {}

  [[nodiscard]] int rows() const { return PQntuples(result_.get()); }
  [[nodiscard]] bool null_at(int row, int col) const {
    return PQgetisnull(result_.get(), row, col) != 0;
  }
  [[nodiscard]] std::string_view text_at(int row, int col) const;
  [[nodiscard]] std::int64_t int_at(int row, int col) const;
  [[nodiscard]] bool bool_at(int row, int col) const { return text_at(row, col) == "t"; }
  // Rows touched by an INSERT/UPDATE/DELETE.
  [[nodiscard]] std::int64_t affected() const;

 private:
  struct Clear {
    void operator()(PGresult* r) const { PQclear(r); }
  };
  std::unique_ptr<PGresult, Clear> result_;
};

// What the server said about the last failed statement of a Connection.
struct PgFailure {
  std::string sqlstate;    // "23505" unique_violation, ...
  std::string constraint;  // the violated constraint, when any
};

// One statement of a pipeline. A named one is prepared under `name` on
// the connection's first use of it (in the same round trip), then only
// bound and run: the hot path's statements skip the server's parse and
// plan, a quarter of its time per batch. The same name must always carry
// the same SQL and parameter types.
struct PipelinedQuery {
  std::string_view sql;
  const Params* params = nullptr;
  std::string_view name = {};  // empty: unprepared
};

class Connection {
 public:
  static constexpr std::chrono::milliseconds kDefaultTimeout{5'000};

  // Connects with a libpq connection string or URL. kUnavailable on failure.
  [[nodiscard]] static Result<Connection> open(const std::string& conninfo);

  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;

  // Runs SQL without parameters (may hold several statements).
  [[nodiscard]] Result<PgResult> exec(std::string_view sql);
  // Runs one statement with parameters, unprepared.
  [[nodiscard]] Result<PgResult> exec(std::string_view sql, const Params& params);
  // Runs the statement `name`, preparing `sql` under that name on first use
  // on this connection. The same name must always carry the same SQL and
  // parameter types.
  [[nodiscard]] Result<PgResult> exec_prepared(const std::string& name, std::string_view sql,
                                               const Params& params);

  // Sends every query at once (libpq pipeline mode, each query its own
  // sync point so that one failure does not abort the others; a named
  // query not yet prepared on this connection is prepared first, at its
  // own sync point, and a failed prepare fails that query) and reads
  // the answers: one round trip. The outer error is the connection's (lost,
  // timed out); the inner ones are each query's. When `first` is given,
  // `on_first` gets the first `first` answers as soon as they are in (the
  // server flushes at every sync point), while the rest still run; it may
  // move from them.
  using FirstAnswers = std::function<void(std::span<Result<PgResult>>)>;
  [[nodiscard]] Result<std::vector<Result<PgResult>>> pipeline(
      std::span<const PipelinedQuery> queries, std::size_t first = 0,
      const FirstAnswers& on_first = nullptr);

  // Runs `sql`, a COPY ... FROM STDIN, with `rows` as its input (one round
  // trip, within the timeout like any statement).
  [[nodiscard]] Result<PgResult> copy_in(std::string_view sql, std::string_view rows);

  // How long a statement may wait for the server (kDefaultTimeout).
  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }

  // False once the connection is lost; such a connection is discarded.
  [[nodiscard]] bool healthy();
  // The failure details of the last statement that failed.
  [[nodiscard]] const PgFailure& last_failure() const { return failure_; }
  [[nodiscard]] PGconn* raw() { return conn_.get(); }

 private:
  struct Finish {
    void operator()(PGconn* c) const { PQfinish(c); }
  };
  explicit Connection(PGconn* conn) : conn_(conn) {}
  [[nodiscard]] Result<PgResult> check(PGresult* result, std::string_view what);
  // After a PQsend* call succeeded: waits for the statement's results
  // (keeping the first error, else the last result) within the timeout.
  [[nodiscard]] Result<PgResult> await(std::string_view what);
  // Sends what libpq still holds (the connection is non-blocking) until
  // `deadline`; false (connection marked broken) on timeout or failure.
  [[nodiscard]] bool flush_until(std::chrono::steady_clock::time_point deadline);
  // Waits until libpq has a whole result to give, reading the socket, until
  // `deadline`; false (connection marked broken) on timeout or failure.
  [[nodiscard]] bool wait_ready(std::chrono::steady_clock::time_point deadline);
  [[nodiscard]] Error timed_out() const;

  std::unique_ptr<PGconn, Finish> conn_;
  std::chrono::milliseconds timeout_ = kDefaultTimeout;
  bool broken_ = false;  // timed out mid-statement: its state is unknown
  std::unordered_set<std::string> prepared_;
  PgFailure failure_;
};

// BEGIN on creation; ROLLBACK when destroyed without commit().
class Transaction {
 public:
  // `begin_sql` may ask for another isolation level, e.g. "BEGIN ISOLATION
  // LEVEL REPEATABLE READ READ ONLY" for a consistent multi-query read.
  [[nodiscard]] static Result<Transaction> begin(Connection& conn,
                                                 std::string_view begin_sql = "BEGIN");
  Transaction(Transaction&& other) noexcept : conn_(other.conn_) { other.conn_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  [[nodiscard]] Result<void> commit();

 private:
  explicit Transaction(Connection& conn) : conn_(&conn) {}
  Connection* conn_;  // null once committed or rolled back
};

// A PostgreSQL array literal ("{1,2,NULL}", "{\"a\",\"b\"}") built element by
// element, so one statement handles a whole batch through unnest($n::type[]).
class ArrayLiteral {
 public:
  ArrayLiteral& add(std::int64_t value);
  ArrayLiteral& add(std::string_view text);  // quoted and escaped
  ArrayLiteral& add_null();
  [[nodiscard]] std::string str() const { return body_ + "}"; }

 private:
  void separate();
  std::string body_ = "{";
  bool empty_ = true;
};

// Rows in COPY's text format, built field by field: the cheapest way to
// hand PostgreSQL many rows (no array literal to parse, no unnest).
class CopyRows {
 public:
  CopyRows& add(std::int64_t value);
  CopyRows& add(bool value);
  CopyRows& add(std::string_view text);  // escaped
  // Ends the current row.
  void end_row();
  [[nodiscard]] std::string_view data() const { return body_; }
  [[nodiscard]] std::size_t rows() const { return rows_; }

 private:
  void separate();
  std::string body_;
  std::size_t rows_ = 0;
  bool row_open_ = false;
};

// True when `sqlstate` says the server or the connection went away.
[[nodiscard]] bool is_connection_failure(std::string_view sqlstate);

}  // namespace sequencial::postgres
