// The HTTP edge (http/server.h): the input is the bytes a client sends on one
// connection (request heads, bodies, pipelined requests, garbage). The real
// server runs in-process on 127.0.0.1 with one event loop and a trivial
// handler; each input goes through a loopback socket, which is then
// half-closed, and the answer is read until the server closes.
//
// Checked: no sanitizer report in the server; every request the handler sees
// respects the limits and holds no CR or LF; the server answers with HTTP/1.1
// responses only and always closes after the client's EOF (read timeout 1 s;
// the client gives up after 5 s, which counts as a hang).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "core/text.h"
#include "fuzz_support.h"
#include "http/server.h"

namespace {

using namespace sequencial;

constexpr std::size_t kHeaderLimit = 2048;
constexpr std::size_t kBodyLimit = 4096;

bool clean(std::string_view text) { return text.find_first_of("\r\n") == std::string_view::npos; }

class CheckingHandler final : public http::RequestHandler {
 public:
  void handle(const http::HttpRequest& request, http::HttpResponse& response) override {
    FUZZ_CHECK(!request.method.empty() && clean(request.method));
    FUZZ_CHECK(clean(request.target));
    FUZZ_CHECK(request.body.size() <= kBodyLimit);
    std::size_t head = request.method.size() + request.target.size();
    for (const auto& [name, value] : request.headers) {
      FUZZ_CHECK(!name.empty() && clean(name) && clean(value));
      head += name.size() + value.size();
    }
    FUZZ_CHECK(head <= kHeaderLimit);
    FUZZ_CHECK(request.path().size() + request.query().size() <= request.target.size());
    // What a real handler reads of every request.
    (void)query_param(request.query(), "utm_source");
    (void)request.header("cookie");
    (void)request.header("user-agent");
    response.status = request.body.empty() ? 200 : 201;
    response.add_header("Content-Type", "text/plain");
    response.body = std::to_string(request.body.size());
    if (request.header("x-close") == "1") response.close = true;
  }
};

struct Server {
  CheckingHandler handler;
  std::unique_ptr<http::HttpServer> server;
  sockaddr_in address{};

  Server() {
    http::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 1;
    options.header_limit = kHeaderLimit;
    options.body_limit = kBodyLimit;
    options.read_timeout = std::chrono::milliseconds(1000);
    options.idle_timeout = std::chrono::milliseconds(1000);
    options.shutdown_grace = std::chrono::milliseconds(100);
    auto started = http::start_server(options, handler);
    FUZZ_CHECK(started.has_value());
    server = std::move(*started);
    address.sin_family = AF_INET;
    address.sin_port = htons(server->port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  }
};

// A connected socket to the server. The client closes first (its
// half-close), so each input leaves a TIME_WAIT entry for 60 s: with one
// source address the ~28,000 ephemeral ports run out after a minute or two.
// Each connection therefore comes from the next of 65,024 loopback source
// addresses (127.1.0.1 - 127.1.254.254), each with its own ports.
int connect_to(const sockaddr_in& server) {
  static std::uint32_t next = 0;
  for (int attempt = 0; attempt < 64; ++attempt) {
    const std::uint32_t n = next++ % (254U * 254U);
    sockaddr_in source{};
    source.sin_family = AF_INET;
    source.sin_addr.s_addr =
        htonl((127U << 24) | (1U << 16) | ((n / 254 + 1) << 8) | (n % 254 + 1));
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    FUZZ_CHECK(fd >= 0);
    const timeval timeout{.tv_sec = 5, .tv_usec = 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (bind(fd, reinterpret_cast<const sockaddr*>(&source), sizeof source) == 0 &&
        connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof server) == 0) {
      return fd;
    }
    std::fprintf(stderr, "http_request_fuzzer: connect: %s\n", std::strerror(errno));
    close(fd);
  }
  sequencial::fuzz::check_failed("no connection to the server in 64 attempts", __FILE__, __LINE__);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Server s;  // never stopped: its threads outlive the last input
  const int fd = connect_to(s.address);
  // The server may answer and close before reading everything (400, 413,
  // 431): a failed send is then expected.
  std::size_t sent = 0;
  while (sent < size) {
    const ssize_t n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  shutdown(fd, SHUT_WR);

  std::string answer;
  char buffer[16384];
  for (;;) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n > 0) {
      answer.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    // 0: closed; ECONNRESET: closed with unread input. A timeout is a hang.
    FUZZ_CHECK(n == 0 || errno == ECONNRESET);
    break;
  }
  close(fd);
  FUZZ_CHECK(answer.empty() || answer.starts_with("HTTP/1.1 "));
  return 0;
}
