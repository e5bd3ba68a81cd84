// Tests for http/server.h: the real server on 127.0.0.1 port 0 with a small
// handler, driven over plain POSIX sockets. Covers keep-alive, pipelining,
// HEAD, the limits (413, 431, 400), timeouts, graceful stop and concurrency.
#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace sequencial::http {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// GET /echo... answers "<method> <target>|<body>"; /header?name answers that
// header's value; /inspect answers "<X-After>|<X-Big>|<body>"; /slow sleeps 300 ms; /throw throws;
// /close asks to close; anything else is a 302.
class TestHandler final : public RequestHandler {
 public:
  void handle(const HttpRequest& request, HttpResponse& response) override {
    ++calls;
    const std::string_view path = request.path();
    if (path == "/echo") {
      response.add_header("Content-Type", "text/plain");
      response.body.append(request.method).append(" ").append(request.target);
      response.body.append("|").append(request.body);
    } else if (path == "/inspect") {
      response.body.append(request.header("x-after")).append("|");
      response.body.append(request.header("x-big")).append("|").append(request.body);
    } else if (path == "/header") {
      response.body = request.header(request.query());
    } else if (path == "/slow") {
      {
        std::lock_guard lock(mutex);
        slow_started = true;
      }
      started_cv.notify_all();
      std::this_thread::sleep_for(300ms);
      response.body = "slow done";
    } else if (path == "/throw") {
      throw std::runtime_error("boom");
    } else if (path == "/close") {
      response.close = true;
      response.body = "bye";
    } else if (path == "/nocontent") {
      response.status = 204;
      response.body = "ignored";
    } else if (path == "/loop") {
      response.body = std::to_string(request.loop_index);
    } else if (path == "/defer") {
      // Answered by another thread, 20 ms later, with the request's query
      // (its views stay valid until then).
      auto pending = request.defer();
      std::thread([pending, &request] {
        std::this_thread::sleep_for(20ms);
        const std::string query(request.query());
        pending->finish([query](HttpResponse& out) { out.body = "deferred " + query; });
      }).detach();
    } else if (path == "/hold") {
      std::lock_guard lock(mutex);
      held.push_back(request.defer());
    } else if (path == "/drop") {
      (void)request.defer();  // the PendingResponse is dropped unfinished
    } else {
      response.status = 302;
      response.add_header("Location", "https://wa.me/5511999999999");
    }
  }

  void wait_slow_started() {
    std::unique_lock lock(mutex);
    started_cv.wait(lock, [&] { return slow_started; });
  }

  bool accepting(std::size_t /*loop*/) const override { return accept.load(); }
  std::size_t body_allowance(const HttpRequest& head) const override {
    return head.path() == "/nobody" ? 0 : SIZE_MAX;
  }
  // Finishes the oldest held request with `body`.
  void release_one(const std::string& body) {
    std::shared_ptr<PendingResponse> pending;
    {
      std::lock_guard lock(mutex);
      ASSERT_FALSE(held.empty());
      pending = held.front();
      held.erase(held.begin());
    }
    pending->finish([body](HttpResponse& out) { out.body = body; });
  }
  std::size_t held_count() {
    std::lock_guard lock(mutex);
    return held.size();
  }

  std::atomic<bool> accept{true};
  std::vector<std::shared_ptr<PendingResponse>> held;  // guarded by mutex
  std::atomic<int> calls{0};
  std::mutex mutex;
  std::condition_variable started_cv;
  bool slow_started = false;
};

struct Response {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;

  // Value of a header (case-sensitive name as the server writes it).
  [[nodiscard]] std::string header(std::string_view name) const {
    const std::string key = "\r\n" + std::string(name) + ": ";
    const auto at = head.find(key);
    if (at == std::string::npos) return "<absent>";
    const auto begin = at + key.size();
    return head.substr(begin, head.find("\r\n", begin) - begin);
  }
};

// A blocking client connection with a receive timeout, so that a failing
// test fails instead of hanging.
class Client {
 public:
  explicit Client(std::uint16_t port, std::chrono::milliseconds timeout = 5000ms) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{};
    tv.tv_sec = timeout.count() / 1000;
    tv.tv_usec = (timeout.count() % 1000) * 1000;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() {
    if (fd_ >= 0) ::close(fd_);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  [[nodiscard]] bool connected() const { return connected_; }

  bool send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads one response; nullopt on EOF, error or timeout before it is whole.
  std::optional<Response> read_response(bool head_request = false) {
    std::size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return std::nullopt;
    }
    Response response;
    response.head = buffer_.substr(0, header_end + 2);
    buffer_.erase(0, header_end + 4);
    if (response.head.size() < 12) return std::nullopt;
    response.status = std::stoi(response.head.substr(9, 3));
    std::size_t length = 0;
    const std::string value = response.header("Content-Length");
    if (value != "<absent>") std::from_chars(value.data(), value.data() + value.size(), length);
    if (head_request || response.status == 100) length = 0;
    while (buffer_.size() < length) {
      if (!fill()) return std::nullopt;
    }
    response.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return response;
  }

  // True when the server closes the connection (EOF or reset) with no more
  // data before the receive timeout.
  bool closed_by_peer() {
    if (!buffer_.empty()) return false;
    char c;
    const ssize_t n = ::recv(fd_, &c, 1, 0);
    if (n == 0) return true;
    return n < 0 && errno != EAGAIN && errno != EWOULDBLOCK;
  }

  [[nodiscard]] const std::string& buffered() const { return buffer_; }

 private:
  bool fill() {
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

std::string get(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) +
         "\r\n";
}

class ServerTest : public ::testing::Test {
 protected:
  void start(ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    if (options.threads == 0) options.threads = 2;
    auto started = start_server(options, handler_);
    ASSERT_TRUE(started.has_value()) << started.error().message;
    server_ = std::move(*started);
  }

  TestHandler handler_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(ServerTest, PortZeroGivesARealPort) {
  ServerOptions options;
  options.threads = 3;
  start(options);
  EXPECT_NE(server_->port(), 0);
  EXPECT_EQ(server_->loop_count(), 3u);
  Client client(server_->port());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.send(get("/")));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 302);
  EXPECT_EQ(response->header("Location"), "https://wa.me/5511999999999");
  EXPECT_EQ(response->header("Content-Length"), "0");
  EXPECT_EQ(response->header("Date").size(), 29u);
  EXPECT_TRUE(response->head.starts_with("HTTP/1.1 302 Found\r\n"));
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start();
  Client client(server_->port());
  for (int i = 0; i < 5; ++i) {
    const std::string target = "/echo?i=" + std::to_string(i);
    ASSERT_TRUE(client.send(get(target)));
    auto response = client.read_response();
    ASSERT_TRUE(response) << "request " << i;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "GET " + target + "|");
    EXPECT_EQ(response->header("Connection"), "<absent>");
    EXPECT_EQ(response->header("Content-Type"), "text/plain");
  }
  EXPECT_EQ(handler_.calls.load(), 5);
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  start();
  Client client(server_->port());
  std::string batch;
  for (int i = 0; i < 10; ++i) batch += get("/echo?n=" + std::to_string(i));
  batch += "POST /echo?n=post HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
  batch += get("/");
  ASSERT_TRUE(client.send(batch));
  for (int i = 0; i < 10; ++i) {
    auto response = client.read_response();
    ASSERT_TRUE(response) << i;
    EXPECT_EQ(response->body, "GET /echo?n=" + std::to_string(i) + "|");
  }
  auto post = client.read_response();
  ASSERT_TRUE(post);
  EXPECT_EQ(post->body, "POST /echo?n=post|hello");
  auto last = client.read_response();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->status, 302);
}

TEST_F(ServerTest, RequestsSplitAcrossManySendsAreReassembled) {
  ServerOptions options;
  options.header_limit = std::size_t{32} * 1024;
  start(options);
  Client client(server_->port());
  // A header larger than the initial buffer and a body spread over sends, so
  // that the buffer is compacted and grown while views point into it.
  const std::string big(10000, 'v');
  std::string body;
  for (int i = 0; i < 20000; ++i) body.push_back(static_cast<char>('a' + i % 26));
  const std::string request =
      "POST /inspect HTTP/1.1\r\nX-Big: " + big +
      "\r\nX-After: after\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body +
      get("/header?x-big", "X-Big: small\r\n") + get("/echo");
  for (std::size_t at = 0; at < request.size(); at += 997) {
    ASSERT_TRUE(client.send(std::string_view(request).substr(at, 997)));
    if (at % 5 == 0) std::this_thread::sleep_for(1ms);
  }
  auto inspect = client.read_response();
  ASSERT_TRUE(inspect);
  EXPECT_EQ(inspect->body, "after|" + big + "|" + body);
  auto small_value = client.read_response();
  ASSERT_TRUE(small_value);
  EXPECT_EQ(small_value->body, "small");
  auto echo = client.read_response();
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->body, "GET /echo|");

  // Byte by byte.
  const std::string small = get("/header?host");
  for (char c : small) ASSERT_TRUE(client.send(std::string_view(&c, 1)));
  auto host = client.read_response();
  ASSERT_TRUE(host);
  EXPECT_EQ(host->body, "test");
}

TEST_F(ServerTest, ChunkedBodyAndExpectContinue) {
  start();
  Client client(server_->port());
  ASSERT_TRUE(
      client.send("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  auto chunked = client.read_response();
  ASSERT_TRUE(chunked);
  EXPECT_EQ(chunked->body, "POST /echo|hello world");

  ASSERT_TRUE(
      client.send("PUT /echo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
  auto interim = client.read_response();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(client.send("data"));
  auto final_response = client.read_response();
  ASSERT_TRUE(final_response);
  EXPECT_EQ(final_response->status, 200);
  EXPECT_EQ(final_response->body, "PUT /echo|data");
}

TEST_F(ServerTest, HeadSendsContentLengthButNoBody) {
  start();
  Client client(server_->port());
  ASSERT_TRUE(client.send("HEAD /echo HTTP/1.1\r\nHost: test\r\n\r\n"));
  auto head = client.read_response(/*head_request=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("Content-Length"), std::to_string(std::string("HEAD /echo|").size()));
  // Were a body sent, it would be read as the start of the next response.
  ASSERT_TRUE(client.send(get("/echo")));
  auto next = client.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, "GET /echo|");
}

TEST_F(ServerTest, NoContentHasNeitherLengthNorBody) {
  start();
  Client client(server_->port());
  ASSERT_TRUE(client.send(get("/nocontent") + get("/echo")));
  auto none = client.read_response();
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 204);
  EXPECT_EQ(none->header("Content-Length"), "<absent>");
  auto next = client.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "GET /echo|");
}

TEST_F(ServerTest, OversizedBodyGets413AndCloses) {
  ServerOptions options;
  options.body_limit = 1024;
  start(options);
  Client client(server_->port());
  ASSERT_TRUE(
      client.send("POST /echo HTTP/1.1\r\nContent-Length: 2048\r\n\r\n" + std::string(2048, 'x')));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->header("Content-Type"), "application/json");
  EXPECT_EQ(response->header("Connection"), "close");
  EXPECT_EQ(response->body,
            R"({"error":{"code":"too_large","message":"request body exceeds 1024 bytes"}})");
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_EQ(handler_.calls.load(), 0);
}

TEST_F(ServerTest, OversizedChunkedBodyGets413) {
  ServerOptions options;
  options.body_limit = 1024;
  start(options);
  Client client(server_->port());
  std::string request = "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) request += "200\r\n" + std::string(512, 'y') + "\r\n";
  ASSERT_TRUE(client.send(request + "0\r\n\r\n"));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_TRUE(client.closed_by_peer());
}

TEST_F(ServerTest, DefaultBodyLimitMessage) {
  start();
  Client client(server_->port());
  ASSERT_TRUE(client.send("POST /echo HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n"));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->body,
            R"({"error":{"code":"too_large","message":"request body exceeds 1048576 bytes"}})");
}

TEST_F(ServerTest, OversizedHeaderGets431AndCloses) {
  ServerOptions options;
  options.header_limit = 1024;
  start(options);
  {
    Client client(server_->port());
    ASSERT_TRUE(client.send(get("/", "X-Big: " + std::string(2000, 'h') + "\r\n")));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 431);
    EXPECT_EQ(response->header("Content-Type"), "application/json");
    EXPECT_EQ(response->header("Connection"), "close");
    EXPECT_NE(response->body.find(R"("code":"too_large")"), std::string::npos);
    EXPECT_TRUE(client.closed_by_peer());
  }
  {
    // Incomplete header that is already over the limit: answered without
    // waiting for the rest.
    Client client(server_->port());
    ASSERT_TRUE(client.send("GET /" + std::string(1500, 'p')));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 431);
  }
  {
    // Many small fields, the start line and fields together over the limit.
    Client client(server_->port());
    std::string fields;
    for (int i = 0; i < 40; ++i) fields += "X-F" + std::to_string(i) + ": 0123456789\r\n";
    ASSERT_TRUE(client.send(get("/" + std::string(600, 'q'), fields)));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 431);
  }
  EXPECT_EQ(handler_.calls.load(), 0);
}

TEST_F(ServerTest, GarbageGets400AndCloses) {
  start();
  for (std::string_view garbage :
       {std::string_view("\x01\x02\x03 nonsense\r\n\r\n"),
        std::string_view("GET / HTTP/9.9\r\n\r\n"),
        std::string_view("GET / HTTP/1.1\r\nBad Header\r\n\r\n"),
        std::string_view("POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n")}) {
    Client client(server_->port());
    ASSERT_TRUE(client.send(garbage));
    auto response = client.read_response();
    ASSERT_TRUE(response) << garbage;
    EXPECT_EQ(response->status, 400) << garbage;
    EXPECT_EQ(response->header("Content-Type"), "application/json");
    EXPECT_NE(response->body.find(R"({"error":{"code":"bad_request","message":")"),
              std::string::npos);
    EXPECT_TRUE(client.closed_by_peer());
  }
  // A good request before the garbage is still answered, in order.
  Client client(server_->port());
  ASSERT_TRUE(client.send(get("/echo") + "garbage garbage\r\n\r\n"));
  auto good = client.read_response();
  ASSERT_TRUE(good);
  EXPECT_EQ(good->status, 200);
  auto bad = client.read_response();
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(handler_.calls.load(), 1);
}

TEST_F(ServerTest, HandlerExceptionGives500) {
  start();
  Client client(server_->port());
  ASSERT_TRUE(client.send(get("/throw") + get("/")));
  auto failed = client.read_response();
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 500);
  EXPECT_NE(failed->body.find("\"internal\""), std::string::npos);
  auto next = client.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 302);
}

TEST_F(ServerTest, HeadersAreVisibleCaseInsensitively) {
  start();
  Client client(server_->port());
  const std::string headers =
      "X-Custom-Header: Hello World\r\nuser-agent: tester/1.0\r\n"
      "X-Folded: one\r\n two\r\nx-custom-header: second\r\n";
  const std::pair<const char*, const char*> cases[] = {{"x-custom-header", "Hello World"},
                                                       {"X-CUSTOM-HEADER", "Hello World"},
                                                       {"User-Agent", "tester/1.0"},
                                                       {"Missing", ""},
                                                       {"x-folded", "one two"}};
  for (const auto& [name, expected] : cases) {
    ASSERT_TRUE(client.send(get(std::string("/header?") + name, headers)));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body, expected) << name;
  }
}

TEST_F(ServerTest, Http10ClosesUnlessKeepAliveAsked) {
  start();
  {
    Client client(server_->port());
    ASSERT_TRUE(client.send("GET /echo HTTP/1.0\r\n\r\n"));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->header("Connection"), "close");
    EXPECT_TRUE(client.closed_by_peer());
  }
  {
    Client client(server_->port());
    ASSERT_TRUE(client.send("GET /echo HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->header("Connection"), "keep-alive");
    ASSERT_TRUE(client.send("GET /echo HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    EXPECT_TRUE(client.read_response());
  }
  {
    Client client(server_->port());
    ASSERT_TRUE(client.send(get("/echo", "Connection: close\r\n")));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->header("Connection"), "close");
    EXPECT_TRUE(client.closed_by_peer());
  }
  {
    Client client(server_->port());
    ASSERT_TRUE(client.send(get("/close")));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body, "bye");
    EXPECT_EQ(response->header("Connection"), "close");
    EXPECT_TRUE(client.closed_by_peer());
  }
}

TEST_F(ServerTest, IdleTimeoutClosesAKeepAliveConnection) {
  ServerOptions options;
  options.idle_timeout = 200ms;
  start(options);
  Client client(server_->port());
  ASSERT_TRUE(client.send(get("/")));
  ASSERT_TRUE(client.read_response());
  const auto idle_since = Clock::now();
  EXPECT_TRUE(client.closed_by_peer());
  const auto waited = Clock::now() - idle_since;
  EXPECT_GE(waited, 100ms);
  EXPECT_LT(waited, 2000ms);
}

TEST_F(ServerTest, ReadTimeoutClosesAStalledRequest) {
  ServerOptions options;
  options.read_timeout = 200ms;
  start(options);
  Client client(server_->port());
  const auto since = Clock::now();
  ASSERT_TRUE(client.send("GET / HTTP/1.1\r\nHost: slowloris\r\n"));
  EXPECT_TRUE(client.closed_by_peer());
  const auto waited = Clock::now() - since;
  EXPECT_GE(waited, 100ms);
  EXPECT_LT(waited, 2000ms);
  EXPECT_EQ(handler_.calls.load(), 0);
}

TEST_F(ServerTest, GracefulStopFinishesTheRequestInFlight) {
  ServerOptions options;
  options.shutdown_grace = 5000ms;
  start(options);
  const std::uint16_t port = server_->port();
  Client idle(port);
  ASSERT_TRUE(idle.send(get("/")));
  ASSERT_TRUE(idle.read_response());

  Client busy(port);
  ASSERT_TRUE(busy.send(get("/slow")));
  handler_.wait_slow_started();

  const auto since = Clock::now();
  std::thread stopper([&] { server_->stop(); });
  auto response = busy.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "slow done");
  EXPECT_EQ(response->header("Connection"), "close");
  EXPECT_TRUE(busy.closed_by_peer());
  EXPECT_TRUE(idle.closed_by_peer());
  stopper.join();
  EXPECT_LT(Clock::now() - since, 3000ms);

  Client refused(port);
  EXPECT_FALSE(refused.connected());
  server_->stop();  // idempotent
}

TEST_F(ServerTest, StopCutsConnectionsAfterTheGrace) {
  ServerOptions options;
  options.shutdown_grace = 100ms;
  start(options);
  Client stalled(server_->port());
  ASSERT_TRUE(stalled.send("GET / HTTP/1.1\r\n"));  // never completed
  std::this_thread::sleep_for(50ms);
  const auto since = Clock::now();
  server_->stop();
  EXPECT_LT(Clock::now() - since, 2000ms);
  EXPECT_TRUE(stalled.closed_by_peer());
}

TEST_F(ServerTest, ManyConcurrentConnections) {
  start();
  constexpr int kConnections = 200;
  constexpr int kRequests = 20;
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  threads.reserve(kConnections);
  for (int c = 0; c < kConnections; ++c) {
    threads.emplace_back([&, c] {
      Client client(server_->port());
      if (!client.connected()) return;
      for (int r = 0; r < kRequests; ++r) {
        const std::string target = "/echo?c=" + std::to_string(c) + "&r=" + std::to_string(r);
        if (!client.send(get(target))) return;
        auto response = client.read_response();
        if (!response || response->status != 200 || response->body != "GET " + target + "|") {
          return;
        }
        ++good;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(good.load(), kConnections * kRequests);
  EXPECT_EQ(handler_.calls.load(), kConnections * kRequests);
}

TEST_F(ServerTest, RandomInputNeverBringsTheServerDown) {
  ServerOptions options;
  options.header_limit = 512;
  options.body_limit = 512;
  options.read_timeout = 300ms;
  options.idle_timeout = 300ms;
  start(options);
  std::mt19937 random(12345);  // fixed seed: the same bytes every run
  const std::string valid =
      "POST /echo?x=1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
      "4\r\nabcd\r\n0\r\n\r\n"
      "GET / HTTP/1.1\r\nX: a\r\n b\r\nContent-Length: 3\r\n\r\nxyz";
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 60; ++i) {
    auto client = std::make_unique<Client>(server_->port(), 500ms);
    std::string data = valid;
    // Mutate: flip, drop and insert bytes, then maybe truncate.
    const int edits = static_cast<int>(random() % 8);
    for (int e = 0; e < edits && !data.empty(); ++e) {
      const std::size_t at = random() % data.size();
      switch (random() % 3) {
        case 0:
          data[at] = static_cast<char>(random() % 256);
          break;
        case 1:
          data.erase(at, 1 + random() % 8);
          break;
        default:
          data.insert(at, std::string(1 + random() % 300, static_cast<char>(random() % 256)));
      }
    }
    if (random() % 3 == 0) data.resize(random() % (data.size() + 1));
    client->send(data);
    if (random() % 4 == 0) client.reset();  // hang up at once
    if (client) clients.push_back(std::move(client));
  }
  // Drain what the server answers, until it closes or goes quiet.
  for (auto& client : clients) {
    while (client->read_response()) {
    }
  }
  Client check(server_->port());
  ASSERT_TRUE(check.send(get("/echo?alive")));
  auto response = check.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "GET /echo?alive|");
}

TEST_F(ServerTest, OnTickRunsOnEveryLoop) {
  std::mutex mutex;
  std::set<std::size_t> ticked;
  std::condition_variable cv;
  ServerOptions options;
  options.threads = 2;
  options.on_tick = [&](std::size_t loop) {
    std::lock_guard lock(mutex);
    ticked.insert(loop);
    cv.notify_all();
  };
  start(options);
  std::unique_lock lock(mutex);
  EXPECT_TRUE(cv.wait_for(lock, 3s, [&] { return ticked.size() == 2; }));
  EXPECT_EQ(ticked, (std::set<std::size_t>{0, 1}));
}

TEST_F(ServerTest, ListenErrorIsReported) {
  start();
  // Another listener (without SO_REUSEPORT) on a fixed port.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 16), 0);
  socklen_t length = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  const std::uint16_t taken = ntohs(addr.sin_port);

  TestHandler handler;
  for (const std::uint16_t port : {taken, server_->port()}) {
    ServerOptions options;
    options.port = port;
    options.threads = 2;
    auto result = start_server(options, handler);
    ASSERT_FALSE(result.has_value()) << port;
    EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(result.error().message,
              "cannot listen on 127.0.0.1:" + std::to_string(port) + ": Address already in use");
  }
  ::close(fd);
}

TEST_F(ServerTest, ADeferredAnswerComesLaterWhileTheLoopServesOthers) {
  ServerOptions options;
  options.threads = 1;  // one loop: the held request must not block it
  start(options);
  Client held(server_->port());
  ASSERT_TRUE(held.send(get("/hold")));
  for (int i = 0; i < 200 && handler_.held_count() == 0; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(handler_.held_count(), 1u);
  Client other(server_->port());
  ASSERT_TRUE(other.send(get("/echo")));
  auto answered = other.read_response();
  ASSERT_TRUE(answered);
  EXPECT_EQ(answered->status, 200);
  handler_.release_one("released");
  auto late = held.read_response();
  ASSERT_TRUE(late);
  EXPECT_EQ(late->body, "released");
}

TEST_F(ServerTest, PipelinedRequestsAfterADeferredOneKeepTheirOrder) {
  start();
  Client client(server_->port());
  ASSERT_TRUE(client.send(get("/defer?a") + get("/echo?b") + get("/defer?c")));
  auto first = client.read_response();
  auto second = client.read_response();
  auto third = client.read_response();
  ASSERT_TRUE(first && second && third);
  EXPECT_EQ(first->body, "deferred a");
  EXPECT_EQ(second->body, "GET /echo?b|");
  EXPECT_EQ(third->body, "deferred c");
}

TEST_F(ServerTest, ADeferredRequestNeverFinishedAnswers503) {
  start();
  Client client(server_->port());
  ASSERT_TRUE(client.send(get("/drop")));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 503);
}

TEST_F(ServerTest, BackpressureHoldsNewRequestsUntilTheHandlerAcceptsAgain) {
  start();
  handler_.accept.store(false);
  Client client(server_->port(), 300ms);
  ASSERT_TRUE(client.send(get("/echo")));
  EXPECT_FALSE(client.read_response().has_value());  // held, not dropped
  EXPECT_EQ(handler_.calls.load(), 0);
  handler_.accept.store(true);
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
}

TEST_F(ServerTest, ABodyTheRouteDoesNotTakeIsRefusedBeforeItIsRead) {
  start();
  Client client(server_->port());
  ASSERT_TRUE(client.send("POST /nobody HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n"));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(handler_.calls.load(), 0);
  Client allowed(server_->port());
  ASSERT_TRUE(allowed.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"));
  response = allowed.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "POST /echo|abc");
}

TEST_F(ServerTest, BodiesBeyondTheServersBudgetAnswer503) {
  ServerOptions options;
  options.body_budget = 1000;
  start(options);
  Client first(server_->port());
  // 900 of 1000 bytes of budget held by a body still arriving.
  ASSERT_TRUE(first.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2000\r\n\r\n" +
                         std::string(900, 'x')));
  std::this_thread::sleep_for(100ms);
  Client second(server_->port());
  ASSERT_TRUE(second.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 500\r\n\r\n" +
                          std::string(500, 'y')));
  auto refused = second.read_response();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
}

TEST_F(ServerTest, AtTheConnectionCapTheOldestIdleConnectionMakesRoom) {
  ServerOptions options;
  options.threads = 1;
  options.max_connections = 3;
  start(options);
  std::vector<std::unique_ptr<Client>> idle;
  for (int i = 0; i < 3; ++i) {
    idle.push_back(std::make_unique<Client>(server_->port()));
    ASSERT_TRUE(idle.back()->send(get("/echo")));
    ASSERT_TRUE(idle.back()->read_response());  // now idle (keep-alive)
  }
  Client newcomer(server_->port());
  ASSERT_TRUE(newcomer.send(get("/echo")));
  auto response = newcomer.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(idle.front()->closed_by_peer());  // the oldest idle one went
}

TEST(FdLimitTest, TheSoftLimitIsRaisedToTheHardOne) {
  const FdLimit limit = raise_fd_limit();
  EXPECT_EQ(limit.soft, limit.hard);
  EXPECT_GE(limit.soft, limit.soft_before);
  EXPECT_LT(default_max_connections(limit), limit.soft);
}

}  // namespace
}  // namespace sequencial::http
