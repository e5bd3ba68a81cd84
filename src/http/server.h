// The HTTP/1.1 server: one event loop per core, each with its own
// SO_REUSEPORT acceptor on the same address; keep-alive; pipelining; header,
// body, read and idle limits; graceful stop. Boost.Beast stays inside
// server.cpp (and its private files); this header is all callers see.
//
// Thread-safety: start() and stop() are called from one controlling thread;
// the handler is called from every loop thread at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/error.h"
#include "http/message.h"

namespace sequencial::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 = pick a free port (read it back with port())
  std::size_t threads = 0;    // event loops; 0 = one per core
  std::size_t header_limit = std::size_t{16} * 1024;  // bytes of request line + headers (431 above)
  std::size_t body_limit = std::size_t{1024} * 1024;  // bytes of body (413 above)
  std::chrono::milliseconds read_timeout{10'000};     // to receive one whole request once started
  std::chrono::milliseconds idle_timeout{60'000};     // keep-alive wait for the next request
  std::chrono::milliseconds shutdown_grace{10'000};   // stop(): how long in-flight work may take
  // Open connections over all loops; beyond it a new connection closes the
  // oldest idle one of its loop, or is refused. 0 = the fd limit less a
  // reserve for the database, files and the listeners (see raise_fd_limit).
  std::size_t max_connections = 0;
  // Idle keep-alive connections are closed after this instead of
  // idle_timeout once the server holds 80% of max_connections.
  std::chrono::milliseconds crowded_idle_timeout{2'000};
  // Request bodies being received, summed over every connection: beyond it
  // a request is answered 503 instead of buffering more.
  std::size_t body_budget = std::size_t{64} * 1024 * 1024;
  // Serialised responses a connection may hold unsent before it stops
  // answering its pipelined requests (until the client reads).
  std::size_t output_high_water = std::size_t{256} * 1024;
  // Called about once a second on each loop thread (loop index given): a hook
  // for per-core housekeeping such as flushing per-core queues.
  std::function<void(std::size_t)> on_tick;
};

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  // The bound port (useful with port 0).
  [[nodiscard]] virtual std::uint16_t port() const = 0;
  [[nodiscard]] virtual std::size_t loop_count() const = 0;
  // Open client connections over all loops (a gauge for /metrics).
  [[nodiscard]] virtual std::size_t active_connections() const = 0;
  // Graceful stop: close the acceptors, let requests in flight finish and be
  // answered (with Connection: close), close idle connections, join the loop
  // threads. Connections still busy after shutdown_grace are cut. Idempotent.
  virtual void stop() = 0;
};

// The process's open-file limit: the soft limit raised to the hard one.
struct FdLimit {
  std::uint64_t soft_before = 0;
  std::uint64_t soft = 0;
  std::uint64_t hard = 0;
};
// Raises the soft RLIMIT_NOFILE to the hard limit (idempotent).
FdLimit raise_fd_limit();
// max_connections when ServerOptions leaves it 0: the soft fd limit less a
// reserve, at least 16.
[[nodiscard]] std::size_t default_max_connections(const FdLimit& limit);

// Binds, listens and starts the loop threads. `handler` must outlive the server.
[[nodiscard]] Result<std::unique_ptr<HttpServer>> start_server(const ServerOptions& options,
                                                               RequestHandler& handler);

}  // namespace sequencial::http
