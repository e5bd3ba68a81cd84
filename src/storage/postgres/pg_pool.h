// A small pool of PostgreSQL connections shared by the threads of one Store.
// acquire() hands out an idle connection (checking first that the server
// has not closed it meanwhile), opens a new one while fewer than `size`
// exist, or waits for one to come back. A connection returned broken is
// dropped, so the next caller gets a fresh one: after a server restart the
// pool heals by itself. Connect failures are kUnavailable.
//
// Thread-safety: acquire() and the Lease destructor may be called from any
// thread; a Lease and its Connection belong to one thread at a time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/postgres/pg_conn.h"

namespace sequencial::postgres {

// The parts of a postgres:// URL that are Sequencial's, not libpq's.
struct PoolUrl {
  std::string conninfo;  // what PQconnectdb receives
  std::size_t size = 4;  // query parameter pool=N (1..64)
};
// Removes `pool=N` from the URL's query (libpq rejects unknown parameters)
// and adds connect_timeout=5 unless the URL or PGCONNECT_TIMEOUT sets one,
// so a dead server fails in seconds rather than the OS TCP timeout, and TCP
// keepalives (10 s idle, 3 probes 5 s apart) unless the URL sets keepalives*,
// so a connection to a server that vanished (a listener waiting, a query in
// flight) fails within about 25 s instead of hours.
[[nodiscard]] Result<PoolUrl> parse_pool_url(std::string_view url);

class Pool;

// A connection on loan; goes back to the pool when destroyed.
class Lease {
 public:
  Lease(Lease&& other) noexcept = default;
  Lease& operator=(Lease&&) = delete;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ~Lease();

  Connection& operator*() { return *conn_; }
  Connection* operator->() { return conn_.get(); }

 private:
  friend class Pool;
  Lease(Pool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
  Pool* pool_;
  std::unique_ptr<Connection> conn_;
};

class Pool {
 public:
  explicit Pool(PoolUrl url) : url_(std::move(url)) {}
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;
  ~Pool() = default;

  // Waits at most kAcquireTimeout for a connection when all are on loan.
  static constexpr std::chrono::milliseconds kAcquireTimeout{3'000};
  [[nodiscard]] Result<Lease> acquire();
  [[nodiscard]] const std::string& conninfo() const { return url_.conninfo; }

 private:
  friend class Lease;
  void release(std::unique_ptr<Connection> conn);

  PoolUrl url_;
  std::mutex mu_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  std::size_t open_ = 0;                           // guarded by mu_: idle + on loan + being opened
};

}  // namespace sequencial::postgres
