// RAII wrapper over the SQLite C API (see sqlite_db.h). Not thread-safe: the
// owner serialises access.
#include "storage/sqlite/sqlite_db.h"

#include <sqlite3.h>

#include <climits>
#include <utility>

namespace sequencial::sqlite {
namespace {

Error error_from(int code, std::string_view message) {
  const int primary = code & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return {ErrorCode::kUnavailable, "database is busy: " + std::string(message), {}};
  }
  return Error::internal("sqlite: " + std::string(message));
}

Error error_from(sqlite3* db, int code) {
  const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  return error_from(code, message != nullptr ? message : sqlite3_errstr(code));
}

}  // namespace

// ---- Query ----

Query::Query(Query&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      stmt_(std::exchange(other.stmt_, nullptr)),
      bind_error_(other.bind_error_),
      failed_code_(other.failed_code_),
      failed_message_(std::move(other.failed_message_)) {}

Query& Query::operator=(Query&& other) noexcept {
  if (this != &other) {
    release();
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_error_ = other.bind_error_;
    failed_code_ = other.failed_code_;
    failed_message_ = std::move(other.failed_message_);
  }
  return *this;
}

Query::~Query() { release(); }

void Query::release() noexcept {
  if (stmt_ != nullptr) {
    // The statement stays cached in its Db; make it ready for the next use.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    stmt_ = nullptr;
  }
}

void Query::reset() noexcept {
  if (stmt_ != nullptr) sqlite3_reset(stmt_);
  bind_error_ = 0;
}

Query& Query::bind_int(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Query& Query::bind_text(int index, std::string_view value) {
  int rc = SQLITE_TOOBIG;
  if (value.size() <= static_cast<std::size_t>(INT_MAX)) {
    rc = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                           SQLITE_TRANSIENT);
  }
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Query& Query::bind_text_view(int index, std::string_view value) {
  int rc = SQLITE_TOOBIG;
  if (value.size() <= static_cast<std::size_t>(INT_MAX)) {
    rc = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                           SQLITE_STATIC);
  }
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Query& Query::bind_null(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Result<bool> Query::step() {
  if (bind_error_ != 0) {
    failed_code_ = bind_error_;
    failed_message_ = sqlite3_errstr(bind_error_);
    return fail(error_from(bind_error_, failed_message_));
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  failed_code_ = rc;
  failed_message_ = sqlite3_errmsg(db_);
  return fail(error_from(rc, failed_message_));
}

Result<void> Query::run() {
  while (true) {
    auto row = step();
    if (!row) return fail(std::move(row.error()));
    if (!*row) return {};
  }
}

std::int64_t Query::int_at(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Query::text_at(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  const int size = sqlite3_column_bytes(stmt_, column);
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

bool Query::null_at(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

bool Query::violated_unique(std::string_view target) const {
  if (failed_code_ != SQLITE_CONSTRAINT_UNIQUE && failed_code_ != SQLITE_CONSTRAINT_PRIMARYKEY) {
    return false;
  }
  return failed_message_.find(target) != std::string::npos;
}

// ---- Db ----

Result<Db> Db::open(const std::string& path) {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);  // sqlite3_open_v2 may hand back a handle even on failure; close it
  if (rc != SQLITE_OK) {
    const char* message = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    return fail({ErrorCode::kUnavailable,
                 "cannot open SQLite database \"" + path + "\": " + message, "db"});
  }
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

Db::Db(Db&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), statements_(std::move(other.statements_)) {}

Db& Db::operator=(Db&& other) noexcept {
  if (this != &other) {
    close();
    db_ = std::exchange(other.db_, nullptr);
    statements_ = std::move(other.statements_);
  }
  return *this;
}

Db::~Db() { close(); }

void Db::close() noexcept {
  statements_.clear();  // finalize before closing, or sqlite3_close refuses
  if (db_ != nullptr) {
    sqlite3_close(db_);
    db_ = nullptr;
  }
}

void Db::StatementDeleter::operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }

Result<void> Db::exec(const std::string& sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  std::string text = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return fail(error_from(rc, text));
}

Result<Query> Db::query(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    if (sql.size() > static_cast<std::size_t>(INT_MAX))
      return fail(Error::internal("SQL too long"));
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(raw);
      return fail(error_from(db_, rc));
    }
    if (raw == nullptr) return fail(Error::internal("sqlite: empty statement"));
    it = statements_.emplace(std::string(sql), std::unique_ptr<sqlite3_stmt, StatementDeleter>(raw))
             .first;
  }
  return Query(db_, it->second.get());
}

Result<void> Db::set_busy_timeout(int milliseconds) {
  const int rc = sqlite3_busy_timeout(db_, milliseconds);
  if (rc != SQLITE_OK) return fail(error_from(db_, rc));
  return {};
}

std::int64_t Db::changes() const { return sqlite3_changes64(db_); }

std::int64_t Db::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

bool Db::last_failure_is_transient() const {
  switch (sqlite3_extended_errcode(db_) & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_NOMEM:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return true;
    default:
      return false;
  }
}

// ---- Transaction ----

Result<Transaction> Transaction::begin(Db& db, Kind kind) {
  auto query = db.query(kind == Kind::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
  if (!query) return fail(std::move(query.error()));
  if (auto done = query->run(); !done) return fail(std::move(done.error()));
  return Transaction(db);
}

Transaction::~Transaction() {
  if (db_ == nullptr) return;
  // Best effort: SQLite may already have rolled back after some errors, in
  // which case ROLLBACK fails harmlessly.
  if (auto query = db_->query("ROLLBACK")) {
    (void)query->run();
  }
}

Result<void> Transaction::commit() {
  if (db_ == nullptr) return fail(Error::internal("commit of a finished transaction"));
  auto query = db_->query("COMMIT");
  if (!query) return fail(std::move(query.error()));
  if (auto done = query->run(); !done) return fail(std::move(done.error()));
  db_ = nullptr;
  return {};
}

}  // namespace sequencial::sqlite
