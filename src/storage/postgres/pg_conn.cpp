// The libpq RAII layer (see pg_conn.h).
#include "storage/postgres/pg_conn.h"

#include <poll.h>

#include <algorithm>
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
  // Sends never block either: what does not fit the socket stays in
  // libpq's buffer and is flushed within the statement's timeout
  // (flush_until), so a frozen server cannot hold a thread past it.
  if (PQsetnonblocking(raw, 1) != 0) {
    return fail(
        {ErrorCode::kUnavailable, "cannot use PostgreSQL: " + trimmed(PQerrorMessage(raw)), "db"});
  }
  return conn;
}

bool Connection::healthy() { return conn_ && !broken_ && PQstatus(conn_.get()) == CONNECTION_OK; }

Error Connection::timed_out() const {
  return {ErrorCode::kUnavailable,
          "PostgreSQL did not answer within " + std::to_string(timeout_.count()) + " ms",
          {}};
}

bool Connection::flush_until(std::chrono::steady_clock::time_point deadline) {
  PGconn* c = conn_.get();
  for (;;) {
    const int flushed = PQflush(c);
    if (flushed == 0) return true;
    if (flushed < 0) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd fd{PQsocket(c), POLLOUT | POLLIN, 0};
    if (left.count() <= 0 || poll(&fd, 1, static_cast<int>(left.count())) <= 0) {
      broken_ = true;
      return false;
    }
    if ((fd.revents & POLLIN) != 0 && PQconsumeInput(c) == 0) return false;
  }
}

bool Connection::wait_ready(std::chrono::steady_clock::time_point deadline) {
  PGconn* c = conn_.get();
  // Whatever is still unsent first (a large batch may not fit the socket).
  if (!flush_until(deadline)) return false;
  while (PQisBusy(c) != 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd fd{PQsocket(c), POLLIN, 0};
    if (left.count() <= 0 || poll(&fd, 1, static_cast<int>(left.count())) <= 0) {
      broken_ = true;
      return false;
    }
    if (PQconsumeInput(c) == 0) return false;
  }
  return true;
}

Result<PgResult> Connection::await(std::string_view what) {
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  PGresult* kept = nullptr;
  for (;;) {
    if (!wait_ready(deadline)) {
      PQclear(kept);
      if (broken_) return fail(timed_out());
      return check(nullptr, what);
    }
    PGresult* next = PQgetResult(conn_.get());
    if (next == nullptr) break;
    const ExecStatusType status = PQresultStatus(next);
    const bool kept_failed = kept != nullptr && PQresultStatus(kept) != PGRES_COMMAND_OK &&
                             PQresultStatus(kept) != PGRES_TUPLES_OK;
    if (kept_failed || (status == PGRES_COMMAND_OK && kept != nullptr &&
                        PQresultStatus(kept) == PGRES_TUPLES_OK)) {
      PQclear(next);  // keep the first error, or the rows over a later command tag
    } else {
      PQclear(kept);
      kept = next;
    }
  }
  return check(kept, what);
}

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
  if (!healthy()) return check(nullptr, "query failed");
  if (PQsendQuery(conn_.get(), std::string(sql).c_str()) == 0)
    return check(nullptr, "query failed");
  return await("query failed");
}

Result<PgResult> Connection::exec(std::string_view sql, const Params& params) {
  if (!healthy()) return check(nullptr, "query failed");
  const auto values = params.values();
  if (PQsendQueryParams(conn_.get(), std::string(sql).c_str(), params.size(), params.types(),
                        values.data(), params.lengths(), params.formats(), 0) == 0) {
    return check(nullptr, "query failed");
  }
  return await("query failed");
}

Result<PgResult> Connection::exec_prepared(const std::string& name, std::string_view sql,
                                           const Params& params) {
  if (!healthy()) return check(nullptr, "query failed");
  if (!prepared_.contains(name)) {
    if (PQsendPrepare(conn_.get(), name.c_str(), std::string(sql).c_str(), params.size(),
                      params.types()) == 0) {
      return check(nullptr, "prepare failed");
    }
    auto prepared = await("prepare failed");
    if (!prepared) return fail(std::move(prepared.error()));
    prepared_.insert(name);
  }
  const auto values = params.values();
  if (PQsendQueryPrepared(conn_.get(), name.c_str(), params.size(), values.data(), params.lengths(),
                          params.formats(), 0) == 0) {
    return check(nullptr, "query failed");
  }
  return await("query failed");
}

Result<std::vector<Result<PgResult>>> Connection::pipeline(std::span<const PipelinedQuery> queries,
                                                           std::size_t first,
                                                           const FirstAnswers& on_first) {
  PGconn* c = conn_.get();
  if (!healthy()) return fail(check(nullptr, "pipeline failed").error());
  if (PQenterPipelineMode(c) == 0) return fail(check(nullptr, "pipeline failed").error());
  // What each sync point answers, in the order sent: the prepare of a name,
  // or (empty) the next query.
  std::vector<std::string> segments;
  segments.reserve(queries.size());
  for (const PipelinedQuery& q : queries) {
    const std::string name(q.name);
    const bool prepare = !name.empty() && !prepared_.contains(name) &&
                         std::ranges::find(segments, name) == segments.end();
    const auto values = q.params->values();
    auto send = [&] {
      if (prepare && (PQsendPrepare(c, name.c_str(), std::string(q.sql).c_str(), q.params->size(),
                                    q.params->types()) == 0 ||
                      PQpipelineSync(c) == 0)) {
        return false;
      }
      const int queued = name.empty()
                             ? PQsendQueryParams(c, std::string(q.sql).c_str(), q.params->size(),
                                                 q.params->types(), values.data(),
                                                 q.params->lengths(), q.params->formats(), 0)
                             : PQsendQueryPrepared(c, name.c_str(), q.params->size(), values.data(),
                                                   q.params->lengths(), q.params->formats(), 0);
      return queued != 0 && PQpipelineSync(c) != 0;
    };
    if (!send()) {
      broken_ = true;  // half a pipeline sent: the connection's state is unknown
      return fail(check(nullptr, "pipeline failed").error());
    }
    if (prepare) segments.push_back(name);
    segments.emplace_back();
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  std::vector<Result<PgResult>> answers;
  answers.reserve(queries.size());
  std::size_t segment = 0;
  PGresult* current = nullptr;  // the first result of the segment being read
  while (segment < segments.size()) {
    if (!wait_ready(deadline)) {
      PQclear(current);
      broken_ = true;
      return fail(timed_out());
    }
    PGresult* r = PQgetResult(c);
    if (r == nullptr) {
      if (PQstatus(c) != CONNECTION_OK) {
        PQclear(current);
        return fail(check(nullptr, "pipeline failed").error());
      }
      continue;  // the end of one segment's results; its sync point follows
    }
    if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
      PQclear(r);
      if (const std::string& prepared = segments[segment++]; !prepared.empty()) {
        // A failed prepare fails its query (the statement does not exist).
        if (check(current, "prepare failed")) prepared_.insert(prepared);
      } else {
        answers.push_back(check(current, "query failed"));
        if (answers.size() == first && on_first) on_first(std::span(answers));
      }
      current = nullptr;
    } else if (current == nullptr) {
      current = r;
    } else {
      PQclear(r);
    }
  }
  (void)PQexitPipelineMode(c);
  return answers;
}

Result<PgResult> Connection::copy_in(std::string_view sql, std::string_view rows) {
  PGconn* c = conn_.get();
  if (!healthy()) return check(nullptr, "copy failed");
  if (PQsendQuery(c, std::string(sql).c_str()) == 0) return check(nullptr, "copy failed");
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  if (!wait_ready(deadline)) {
    if (broken_) return fail(timed_out());
    return check(nullptr, "copy failed");
  }
  PGresult* started = PQgetResult(c);
  if (PQresultStatus(started) != PGRES_COPY_IN) {
    // Refused before any row (a bad column list): read up to the end.
    while (wait_ready(deadline)) {
      PGresult* rest = PQgetResult(c);
      if (rest == nullptr) break;
      PQclear(rest);
    }
    return check(started, "copy failed");
  }
  PQclear(started);
  // Rows half sent: the connection's state is unknown, and it is dropped.
  auto abandon = [&]() -> Result<PgResult> {
    const bool late = broken_;  // flush_until marks a timeout
    broken_ = true;
    return late ? fail(timed_out()) : check(nullptr, "copy failed");
  };
  // PQputCopyData takes an int length; a chunk at a time. A full buffer
  // (0: the connection is non-blocking) is flushed, then the chunk retried.
  constexpr std::size_t kChunk = 1 << 20;
  for (std::size_t at = 0; at < rows.size(); at += kChunk) {
    const std::string_view chunk = rows.substr(at, kChunk);
    int queued = 0;
    while ((queued = PQputCopyData(c, chunk.data(), static_cast<int>(chunk.size()))) == 0) {
      if (!flush_until(deadline)) break;
    }
    if (queued != 1) return abandon();
  }
  int ended = 0;
  while ((ended = PQputCopyEnd(c, nullptr)) == 0) {
    if (!flush_until(deadline)) break;
  }
  if (ended != 1) return abandon();
  return await("copy failed");
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

// ---- COPY rows ----

void CopyRows::separate() {
  if (row_open_) body_ += '\t';
  row_open_ = true;
}

CopyRows& CopyRows::add(std::int64_t value) {
  separate();
  char digits[24];
  const auto [end, ec] = std::to_chars(std::begin(digits), std::end(digits), value);
  body_.append(digits, end);
  return *this;
}

CopyRows& CopyRows::add(bool value) {
  separate();
  body_ += value ? 't' : 'f';
  return *this;
}

CopyRows& CopyRows::add(std::string_view text) {
  separate();
  for (const char c : text) {
    switch (c) {
      case '\\':
        body_ += "\\\\";
        break;
      case '\t':
        body_ += "\\t";
        break;
      case '\n':
        body_ += "\\n";
        break;
      case '\r':
        body_ += "\\r";
        break;
      default:
        body_ += c;
    }
  }
  return *this;
}

void CopyRows::end_row() {
  body_ += '\n';
  row_open_ = false;
  ++rows_;
}

}  // namespace sequencial::postgres
