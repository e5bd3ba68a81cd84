// The HTTP edge's view of a request and the response a handler fills in.
// Plain value types, free of Boost.Beast, so that everything above the edge
// (the redirect path, the admin API) compiles without Beast headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace sequencial::http {

struct HttpResponse;

// The answer to a request that its handler deferred (HttpRequest::defer()):
// the work goes on elsewhere (a worker pool, the database) and ends with
// finish(). The connection sends nothing meanwhile and parses no further
// request (pipelined requests keep their order).
//
// Thread-safety: finish() may be called from any thread; only the first call
// counts. Dropping the last reference without finish() answers 503, so a
// lost task can never hang a connection.
class PendingResponse {
 public:
  virtual ~PendingResponse() = default;
  // Runs `fill` on the request's event loop with the connection's response
  // (cleared), then sends it. `fill` must not block.
  virtual void finish(std::function<void(HttpResponse&)> fill) = 0;
};

// Given by the edge to each request, to defer its answer (see above).
class Deferrer {
 public:
  virtual ~Deferrer() = default;
  [[nodiscard]] virtual std::shared_ptr<PendingResponse> defer() = 0;
};

// A parsed request. Every string_view points into buffers owned by the
// connection. They are valid during RequestHandler::handle() and, when the
// handler deferred the answer, until its PendingResponse's `fill` has run
// (the connection reads nothing more meanwhile).
struct HttpRequest {
  std::string_view method;  // "GET", "HEAD", "POST", ...
  std::string_view target;  // origin-form: "/joao?utm_source=ig"
  std::string_view body;
  // Every header as received (names in the case the client sent).
  std::span<const std::pair<std::string_view, std::string_view>> headers;
  std::size_t loop_index = 0;  // which event loop (core) is serving the request
  // The peer's IP address as text ("127.0.0.1", "::1"); empty when unknown.
  // Only for per-client limits (login attempts); never logged or stored.
  std::string_view remote_address;
  // Set by the edge; null in unit tests that call a handler directly.
  Deferrer* deferrer = nullptr;

  // Defers the answer: the edge ignores `response` when handle() returns
  // and waits for the returned PendingResponse. Call at most once.
  [[nodiscard]] std::shared_ptr<PendingResponse> defer() const { return deferrer->defer(); }
  [[nodiscard]] bool can_defer() const { return deferrer != nullptr; }

  // First value of a header, matched case-insensitively; empty when absent.
  [[nodiscard]] std::string_view header(std::string_view name) const;
  [[nodiscard]] std::string_view path() const;   // target up to '?'
  [[nodiscard]] std::string_view query() const;  // after '?', empty if none
};

// A response. The edge adds the status line, Content-Length, Connection and
// Date; the handler sets status, header lines and body. The edge reuses one
// HttpResponse per connection (cleared before each call), so its strings keep
// their capacity from one request to the next.
struct HttpResponse {
  int status = 200;
  std::string headers;  // extra header lines, each "Name: value\r\n"
  std::string body;
  bool close = false;  // close the connection after this response

  void add_header(std::string_view name, std::string_view value);
  void clear();
};

// Reason phrase of a status code ("Found" for 302).
[[nodiscard]] std::string_view reason_phrase(int status);

// The request handler the edge calls for every complete request.
// Called concurrently from every event loop, on the loop's thread: it must
// never block (no database call, disk write, lock held across I/O or slow
// computation). Work that may block is deferred (HttpRequest::defer) to a
// thread that may.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual void handle(const HttpRequest& request, HttpResponse& response) = 0;
  // Backpressure: while false, loop `loop` starts no new request (it keeps
  // the connections' bytes unread and asks again about every millisecond).
  [[nodiscard]] virtual bool accepting(std::size_t /*loop*/) const { return true; }
  // The largest body this request may send, judged from its head (method,
  // target, headers; the body is empty). Larger bodies get 413 before they
  // are read. Bounded by ServerOptions::body_limit.
  [[nodiscard]] virtual std::size_t body_allowance(const HttpRequest& /*head*/) const {
    return SIZE_MAX;
  }
};

}  // namespace sequencial::http
