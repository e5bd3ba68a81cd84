// The HTTP edge's view of a request and the response a handler fills in.
// Plain value types, free of Boost.Beast, so that everything above the edge
// (the redirect path, the admin API) compiles without Beast headers.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace sequencial::http {

// A parsed request. Every string_view points into buffers owned by the
// connection and is valid only during RequestHandler::handle().
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
// Called concurrently from every event loop; must not block for long.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual void handle(const HttpRequest& request, HttpResponse& response) = 0;
};

}  // namespace sequencial::http
