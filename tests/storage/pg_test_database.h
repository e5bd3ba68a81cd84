// PgTestDatabase: a fresh, empty PostgreSQL database for one test, created
// on the server named by SEQUENCIAL_TEST_PG_URL (scripts/test.sh starts a
// private one; scripts/pg-test-server.sh does it by hand) and dropped when
// the test ends. Names are unique per process and per call, so test
// binaries may run in parallel.
//
// Without the variable the PostgreSQL tests are skipped locally, but fail
// under CI=true: CI never skips them silently (see pg_skip_reason()).
//
// Thread-safety: construct and destroy on one thread.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <optional>
#include <string>

#include "storage/postgres/pg_conn.h"
#include "storage/store.h"

namespace sequencial::test_support {

// The server URL, or nullopt when the tests have no PostgreSQL server.
inline std::optional<std::string> pg_server_url() {
  const char* url = std::getenv("SEQUENCIAL_TEST_PG_URL");
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

inline bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

inline constexpr const char* kNoPgServer =
    "SEQUENCIAL_TEST_PG_URL is not set: start a server with scripts/pg-test-server.sh start DIR "
    "and export the URL it prints (scripts/test.sh does this)";

// `url` with its database name replaced: postgres://user@host/<db>?params.
inline std::string with_database(const std::string& url, const std::string& db) {
  const std::size_t scheme = url.find("://");
  const std::size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  const std::size_t query = url.find('?', start);
  const std::size_t slash = url.find('/', start);
  const std::size_t path_end = query == std::string::npos ? url.size() : query;
  const std::size_t path_start = slash != std::string::npos && slash < path_end ? slash : path_end;
  return url.substr(0, path_start) + "/" + db + url.substr(path_end);
}

class PgTestDatabase {
 public:
  // Fails the calling test (through the returned error) when the server is unreachable.
  explicit PgTestDatabase(std::string server_url) : server_url_(std::move(server_url)) {
    static std::atomic<int> counter{0};
    name_ = "sq_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter.fetch_add(1));
    auto admin = postgres::Connection::open(server_url_);
    if (!admin) {
      error_ = admin.error().message;
      return;
    }
    if (auto made = admin->exec("CREATE DATABASE " + name_); !made) {
      error_ = made.error().message;
      return;
    }
    created_ = true;
  }
  PgTestDatabase(const PgTestDatabase&) = delete;
  PgTestDatabase& operator=(const PgTestDatabase&) = delete;
  ~PgTestDatabase() {
    if (!created_) return;
    auto admin = postgres::Connection::open(server_url_);
    if (admin) (void)admin->exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }

  // Empty when the database was created.
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] std::string url() const { return with_database(server_url_, name_); }
  // A superuser connection to this database, for what the Store does not
  // expose (killing connections, reading the catalog).
  [[nodiscard]] Result<postgres::Connection> admin() const {
    return postgres::Connection::open(url());
  }

 private:
  std::string server_url_;
  std::string name_;
  std::string error_;
  bool created_ = false;
};

}  // namespace sequencial::test_support
