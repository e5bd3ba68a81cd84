// A small blocking HTTP/1.1 client over POSIX sockets, for integration tests:
// keep-alive (one connection reused until the server closes it), bodies
// framed by Content-Length (the server always sends it), pipelining (send
// several requests, then read their responses in order), and raw bytes for
// malformed input. Every socket operation has a timeout, so a test never
// hangs on a silent server.
//
// Thread-safety: one HttpClient per thread; distinct clients are independent.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sequencial::itest {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Why no (complete) response came back.
enum class Failure {
  kNone,        // a complete response was read
  kConnect,     // connect() failed (e.g. refused: nobody listens)
  kSend,        // writing the request failed (reset, broken pipe)
  kNoResponse,  // the connection closed before the first byte of a response
  kTruncated,   // the connection closed in the middle of a response
  kTimeout,     // no (complete) response within the timeout
  kMalformed,   // bytes that are not an HTTP/1.1 response
};
[[nodiscard]] const char* failure_name(Failure failure);

struct Response {
  int status = 0;  // 0 when failure != kNone
  Failure failure = Failure::kNone;
  std::string error;  // what went wrong, for test messages
  Headers headers;    // in the order received, names as sent
  std::string body;

  [[nodiscard]] bool ok() const { return failure == Failure::kNone; }
  // First value of a header (case-insensitive name); nullopt when absent.
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
  // Every value of a header (e.g. several Set-Cookie lines).
  [[nodiscard]] std::vector<std::string> header_values(std::string_view name) const;
  // Header value or "" when absent.
  [[nodiscard]] std::string header_or_empty(std::string_view name) const;
};

class HttpClient final {
 public:
  explicit HttpClient(std::uint16_t port, std::string host = "127.0.0.1",
                      std::chrono::milliseconds timeout = std::chrono::seconds(15));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  HttpClient(HttpClient&& other) noexcept;
  HttpClient& operator=(HttpClient&& other) noexcept;

  // Sends one request (connecting first if needed) and reads its response.
  // A Content-Length header is added when `body` is not empty or the method
  // is POST, PUT or PATCH. Host is added unless given.
  Response request(std::string_view method, std::string_view target, const Headers& headers = {},
                   std::string_view body = {});
  Response get(std::string_view target, const Headers& headers = {}) {
    return request("GET", target, headers);
  }

  // Pipelining: queue a request on the connection without reading; then
  // read_response() once per request sent, in order. `head` tells the
  // reader the response to a HEAD request has no body.
  [[nodiscard]] bool send_request(std::string_view method, std::string_view target,
                                  const Headers& headers = {}, std::string_view body = {});
  Response read_response(bool head = false);

  // Connects if needed and writes `bytes` as they are.
  [[nodiscard]] bool send_raw(std::string_view bytes);
  // Everything the server sends until it closes the connection or the
  // timeout passes (for malformed-input tests).
  std::string read_until_close();

  [[nodiscard]] bool connect();
  [[nodiscard]] bool connected() const { return fd_ >= 0; }
  void close();
  // Error text of the last connect/send failure.
  [[nodiscard]] const std::string& last_error() const { return last_error_; }

 private:
  std::string serialise(std::string_view method, std::string_view target, const Headers& headers,
                        std::string_view body) const;
  bool send_all(std::string_view bytes);
  // Reads more bytes into buffer_; 0 on EOF, -1 on error/timeout.
  long fill();

  std::string host_;
  std::uint16_t port_;
  std::chrono::milliseconds timeout_;
  int fd_ = -1;
  std::string buffer_;  // bytes received and not yet consumed
  std::string last_error_;
  bool last_timeout_ = false;
};

// Lower-cased copy (ASCII).
[[nodiscard]] std::string to_lower(std::string_view text);

}  // namespace sequencial::itest
