// The connection pool (see pg_pool.h).
#include "storage/postgres/pg_pool.h"

#include <poll.h>

#include <charconv>
#include <cstdlib>
#include <memory>

namespace sequencial::postgres {

Result<PoolUrl> parse_pool_url(std::string_view url) {
  PoolUrl parsed;
  const std::size_t question = url.find('?');
  std::string base(url.substr(0, question));
  std::string query;
  bool has_timeout = std::getenv("PGCONNECT_TIMEOUT") != nullptr;
  bool has_keepalives = false;
  if (question != std::string_view::npos) {
    std::string_view rest = url.substr(question + 1);
    while (!rest.empty()) {
      const std::size_t amp = rest.find('&');
      const std::string_view item = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
      if (item.starts_with("pool=")) {
        const std::string_view value = item.substr(5);
        std::size_t size = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), size);
        if (ec != std::errc() || end != value.data() + value.size() || size < 1 || size > 64) {
          return fail(Error::invalid("db", "pool= in the database URL must be 1..64"));
        }
        parsed.size = size;
        continue;
      }
      if (item.starts_with("connect_timeout=")) has_timeout = true;
      if (item.starts_with("keepalives")) has_keepalives = true;
      if (!query.empty()) query += '&';
      query += item;
    }
  }
  const auto append = [&query](std::string_view option) {
    if (!query.empty()) query += '&';
    query += option;
  };
  if (!has_timeout) append("connect_timeout=5");
  if (!has_keepalives) append("keepalives_idle=10&keepalives_interval=5&keepalives_count=3");
  parsed.conninfo = base + "?" + query;
  return parsed;
}

namespace {

// An idle session hears nothing from the server unless the server is
// ending it (restart, pg_terminate_backend: an error, then EOF). Anything
// readable on an idle connection therefore means it is going away.
bool still_open(Connection& conn) {
  if (!conn.healthy()) return false;
  pollfd fd{.fd = PQsocket(conn.raw()), .events = POLLIN, .revents = 0};
  return fd.fd >= 0 && ::poll(&fd, 1, 0) == 0;
}

}  // namespace

// ---- leases ----

Lease::~Lease() {
  if (conn_ != nullptr) pool_->release(std::move(conn_));
}

// ---- pool ----

Result<Lease> Pool::acquire() {
  std::unique_lock lock(mu_);
  while (true) {
    while (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      if (still_open(*conn)) return Lease(this, std::move(conn));
      --open_;
    }
    if (open_ < url_.size) break;
    // Every connection is on loan (slow or frozen statements): fail soon
    // rather than queue callers behind them.
    if (returned_.wait_for(lock, kAcquireTimeout) == std::cv_status::timeout && idle_.empty() &&
        open_ >= url_.size) {
      return fail(Error::unavailable("no PostgreSQL connection became free within " +
                                     std::to_string(kAcquireTimeout.count()) + " ms"));
    }
  }
  ++open_;
  lock.unlock();
  auto opened = Connection::open(url_.conninfo);
  if (!opened) {
    lock.lock();
    --open_;
    returned_.notify_one();
    return fail(std::move(opened.error()));
  }
  return Lease(this, std::make_unique<Connection>(std::move(*opened)));
}

void Pool::release(std::unique_ptr<Connection> conn) {
  std::lock_guard lock(mu_);
  if (conn->healthy() && PQtransactionStatus(conn->raw()) == PQTRANS_IDLE) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
  returned_.notify_one();
}

}  // namespace sequencial::postgres
