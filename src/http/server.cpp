// The HTTP/1.1 server behind server.h, on Boost.Asio and Beast's
// basic_parser. This is the only translation unit of the project that
// includes Boost.Asio/Beast.
//
// Layout: a Server owns N Loops; a Loop is one io_context run by one thread,
// with its own SO_REUSEPORT acceptor, a housekeeping timer (timeouts, the
// cached Date header, on_tick) and the Sessions (connections) it accepted. A
// Session reads into a per-connection buffer, parses every complete request
// in it with a small parser derived from basic_parser<true> whose fields are
// string_views into that buffer, calls the handler and serialises all the
// responses into one reused string, written with one write.
//
// Thread-safety: a Loop and its Sessions are touched only by the loop's
// thread, except stop(), which posts onto each loop and then waits. Nothing
// mutable is shared between loops on the request path.
#include "http/server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "http/wire.h"

namespace sequencial::http {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Field = std::pair<std::string_view, std::string_view>;
using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

constexpr std::size_t kInitialBufferSize = 4096;
constexpr std::size_t kMinReadSize = 1024;
// Per-connection strings grown past this by one large message are released
// afterwards, so that idle connections stay small.
constexpr std::size_t kKeepCapacity = std::size_t{64} * 1024;
constexpr int kListenBacklog = 4096;
// After the last response of a connection: how long, and how many bytes, to
// read and discard before closing, so that unread input does not make the
// kernel reset the connection and destroy the response in flight.
constexpr auto kLingerTime = std::chrono::seconds(1);
constexpr std::size_t kLingerBytes = std::size_t{256} * 1024;
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

std::string_view to_std(boost::beast::string_view s) { return {s.data(), s.size()}; }

bool in_range(const char* p, const char* lo, const char* hi) {
  const auto v = reinterpret_cast<std::uintptr_t>(p);
  return v >= reinterpret_cast<std::uintptr_t>(lo) && v < reinterpret_cast<std::uintptr_t>(hi);
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

// Bodies being received, summed over the server's connections (options().body_budget).
class BodyBudget {
 public:
  explicit BodyBudget(std::size_t limit) : limit_(limit) {}
  [[nodiscard]] bool take(std::size_t n) {
    if (used_.fetch_add(n, std::memory_order_relaxed) + n <= limit_) return true;
    used_.fetch_sub(n, std::memory_order_relaxed);
    return false;
  }
  void give_back(std::size_t n) { used_.fetch_sub(n, std::memory_order_relaxed); }

 private:
  const std::size_t limit_;
  std::atomic<std::size_t> used_{0};
};

// One request as the parser delivers it. The views point into the session's
// read buffer, except values the parser had to rewrite (obs-fold), which are
// copied into `folded`.
struct RequestData {
  bhttp::verb verb = bhttp::verb::unknown;
  int version = 11;
  std::string_view method;
  std::string_view target;
  std::vector<Field> fields;
  std::string body;
  std::deque<std::string> folded;
  const char* buffer_begin = nullptr;  // the read buffer, to tell its views from others
  const char* buffer_end = nullptr;
  // Set by the session: who judges the body allowance, and the shared budget.
  const RequestHandler* handler = nullptr;
  BodyBudget* budget = nullptr;
  std::size_t allowance = 0;     // the largest body this request may send
  std::size_t budget_taken = 0;  // bytes of `budget` held by this body
  bool over_budget = false;      // the body was refused for lack of budget

  void clear() {
    method = target = {};
    fields.clear();
    body.clear();
    if (!folded.empty()) folded.clear();
    release_budget();
    over_budget = false;
  }
  void release_budget() {
    if (budget_taken > 0) budget->give_back(budget_taken);
    budget_taken = 0;
  }
  // Accounts `n` more body bytes; false (with ec set) when over the
  // allowance or the server's budget.
  bool add_body(std::size_t n, error_code& ec) {
    if (body.size() + n > allowance) {
      ec = bhttp::error::body_limit;
      return false;
    }
    if (!budget->take(n)) {
      over_budget = true;
      ec = bhttp::error::body_limit;
      return false;
    }
    budget_taken += n;
    return true;
  }

  // The read buffer's bytes in [lo, hi) moved to `to`: move the views too.
  void rebase(const char* lo, const char* hi, const char* to) {
    auto move = [&](std::string_view& v) {
      if (!v.empty() && in_range(v.data(), lo, hi)) v = {to + (v.data() - lo), v.size()};
    };
    move(method);
    move(target);
    for (auto& [name, value] : fields) {
      move(name);
      move(value);
    }
  }

  // One past the last byte of the read buffer that a view points to.
  const char* views_end(const char* lo, const char* hi) const {
    const char* end = lo;
    auto see = [&](std::string_view v) {
      if (!v.empty() && in_range(v.data(), lo, hi)) end = std::max(end, v.data() + v.size());
    };
    see(method);
    see(target);
    for (const auto& [name, value] : fields) {
      see(name);
      see(value);
    }
    return end;
  }
};

// Keeps only what the handler sees: method, target, the header fields as
// views, the body. Constructed afresh for each request (cheap: no allocation).
class RequestParser final : public bhttp::basic_parser<true> {
 public:
  explicit RequestParser(RequestData& data) : data_(data) {}

 private:
  void on_request_impl(bhttp::verb verb, boost::beast::string_view method,
                       boost::beast::string_view target, int version, error_code&) override {
    data_.verb = verb;
    data_.method = to_std(method);
    data_.target = to_std(target);
    data_.version = version;
  }
  void on_response_impl(int, boost::beast::string_view, int, error_code&) override {}
  void on_field_impl(bhttp::field, boost::beast::string_view name, boost::beast::string_view value,
                     error_code&) override {
    std::string_view v = to_std(value);
    if (!v.empty() && !in_range(v.data(), data_.buffer_begin, data_.buffer_end)) {
      v = data_.folded.emplace_back(v);  // rewritten on the parser's stack
    }
    data_.fields.emplace_back(to_std(name), v);
  }
  void on_header_impl(error_code& ec) override {
    // The body is judged from the head before any of it is buffered: the
    // route and its credentials decide how much it may be.
    HttpRequest head;
    head.method = data_.method;
    head.target = data_.target;
    head.headers = data_.fields;
    data_.allowance = std::min(data_.allowance, data_.handler->body_allowance(head));
    if (const auto length = content_length(); length && *length > data_.allowance) {
      ec = bhttp::error::body_limit;
    }
  }
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
    // Memory follows the bytes received, not the length announced.
    if (length) data_.body.reserve(std::min<std::size_t>(*length, kInitialBufferSize * 16));
  }
  std::size_t on_body_impl(boost::beast::string_view body, error_code& ec) override {
    if (!data_.add_body(body.size(), ec)) return 0;
    data_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, boost::beast::string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view body,
                                 error_code& ec) override {
    if (!data_.add_body(body.size(), ec)) return 0;
    data_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  RequestData& data_;
};

class Server;
class Loop;

// A loop's address for completions coming from other threads. Closed (and
// then silently dropping posts) once the loop stops running.
class Mailbox {
 public:
  explicit Mailbox(asio::io_context& ioc) : ioc_(&ioc) {}
  template <class F>
  void post(F&& f) {
    std::lock_guard lock(mutex_);
    if (ioc_ != nullptr) asio::post(*ioc_, std::forward<F>(f));
  }
  void close() {
    std::lock_guard lock(mutex_);
    ioc_ = nullptr;
  }

 private:
  std::mutex mutex_;
  asio::io_context* ioc_;  // guarded by mutex_; null once closed
};

// One connection. Lifetime: created by Loop on accept; has at most one
// asynchronous operation pending (a read or a write), whose completion
// deletes the session when the connection is over; close() only closes the
// socket, so that the pending operation completes with an error. A parked
// session (its handler deferred the answer) or a throttled one
// (backpressure) has none: it waits for resume() or unthrottle() and is
// never expired meanwhile.
class Session final : public Deferrer {
 public:
  Session(Loop& loop, tcp::socket socket);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start();
  void close();
  [[nodiscard]] bool idle() const { return state_ == State::kIdle; }
  [[nodiscard]] bool waiting() const { return parked_ || throttled_; }
  [[nodiscard]] bool expired(Clock::time_point now) const {
    return !closing_ && !waiting() && now >= deadline_;
  }
  // Idle for at least `age` (keep-alive, between requests).
  [[nodiscard]] bool idle_for(Clock::time_point now, Clock::duration age) const;
  [[nodiscard]] std::shared_ptr<PendingResponse> defer() override;
  // The deferred answer is ready: `fill` writes it (on the loop thread).
  void resume(const std::function<void(HttpResponse&)>& fill);
  // Backpressure is over on this loop: go on with the buffered requests.
  void unthrottle();

  Session* prev = nullptr;  // the loop's list of sessions
  Session* next = nullptr;

 private:
  enum class State { kIdle, kReading, kWriting, kLingering };

  void read();
  void on_read(const error_code& ec, std::size_t n);
  void process();
  RequestParser& start_message();
  [[nodiscard]] bool dispatch(bool client_keeps_alive);
  [[nodiscard]] bool serialise_response();
  void fail(int status, std::string_view code, std::string_view message);
  void write();
  void on_write_done();
  void linger();
  void on_linger(const error_code& ec, std::size_t n);
  void make_room();
  void destroy();

  Loop& loop_;
  tcp::socket socket_;
  State state_ = State::kIdle;
  bool closing_ = false;                // close() was called
  bool close_after_write_ = false;      // the last response is serialised
  bool continue_sent_ = false;          // "100 Continue" sent for the current request
  bool writing_ = false;                // an asynchronous write is in flight
  bool parked_ = false;                 // the handler deferred the answer
  bool deferred_ = false;               // defer() was called during the handler
  bool resumed_while_writing_ = false;  // the deferred answer came during a write
  bool throttled_ = false;              // waiting for the handler to accept again
  // What the answer of the request being handled needs to know of it.
  bool keep_alive_wanted_ = true;
  bool head_request_ = false;
  int request_version_ = 11;
  Clock::time_point deadline_;

  // Read buffer: [begin_, end_) not yet parsed; [msg_start_, begin_) parsed
  // bytes of the request in progress that views may point into.
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;
  std::size_t msg_start_ = 0;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::size_t lingered_ = 0;

  RequestData request_;
  HttpRequest view_;                     // the handler's view of request_ (kept while parked)
  std::string remote_address_;           // the peer's IP, read once at start()
  std::optional<RequestParser> parser_;  // engaged while a request is in progress
  HttpResponse response_;
  std::string out_;  // serialised responses waiting to be written
};

class Loop {
 public:
  Loop(Server& server, std::size_t index, const ServerOptions& options, RequestHandler& handler);
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  error_code listen(const tcp::endpoint& endpoint);
  [[nodiscard]] std::uint16_t local_port() const;
  void start();  // before the thread runs: first accept and timer
  void run();    // the thread's body
  // stop() has begun: set from the controlling thread, read by dispatch() so
  // that a response produced while the drain is still queued says close.
  void request_stop() { stopping_.store(true, std::memory_order_relaxed); }
  [[nodiscard]] bool stopping() const { return stopping_.load(std::memory_order_relaxed); }
  void begin_drain();
  void stop_now() { ioc_.stop(); }
  void delete_sessions();  // after the thread has ended
  asio::io_context& context() { return ioc_; }

  void add(Session* s);
  void remove(Session* s);
  // Backpressure: `s` waits until the handler accepts again on this loop.
  void throttle(Session* s);
  [[nodiscard]] const std::shared_ptr<Mailbox>& mailbox() const { return mailbox_; }
  [[nodiscard]] BodyBudget& body_budget() const;

  [[nodiscard]] std::size_t index() const { return index_; }
  [[nodiscard]] const ServerOptions& options() const { return options_; }
  [[nodiscard]] RequestHandler& handler() const { return handler_; }
  [[nodiscard]] bool draining() const { return draining_; }
  [[nodiscard]] Clock::time_point now() const { return now_; }
  [[nodiscard]] std::string_view date_line() const { return {date_line_, sizeof date_line_}; }

 private:
  void accept();
  void on_accept(const error_code& ec, tcp::socket socket);
  // At the connection cap: closes one idle connection of this loop; false
  // when it has none.
  [[nodiscard]] bool shed_idle();
  void on_throttle_timer();
  void arm_timer();
  void on_timer();
  void refresh_date();

  Server& server_;
  const std::size_t index_;
  const ServerOptions& options_;
  RequestHandler& handler_;
  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  tcp::acceptor acceptor_;
  asio::steady_timer timer_;
  asio::steady_timer accept_retry_;
  asio::steady_timer throttle_timer_;
  std::vector<Session*> throttled_;  // sessions waiting for backpressure to end
  std::shared_ptr<Mailbox> mailbox_;
  Clock::duration period_;
  Session* sessions_ = nullptr;
  std::size_t session_count_ = 0;
  std::atomic<bool> stopping_{false};
  bool draining_ = false;  // acceptor closed, idle connections closed
  bool drain_reported_ = false;
  Clock::time_point now_;  // coarse: refreshed by the timer
  Clock::time_point next_tick_;
  std::time_t date_second_ = 0;
  char date_line_[6 + wire::kHttpDateSize + 2];  // "Date: <IMF-fixdate>\r\n"
};

class Server final : public HttpServer {
 public:
  Server(const ServerOptions& options, RequestHandler& handler)
      : options_(options), handler_(handler), body_budget_(options.body_budget) {}
  ~Server() override { stop(); }

  Result<void> listen(std::size_t loops, tcp::endpoint endpoint);
  Result<void> start_threads();
  void loop_drained();

  [[nodiscard]] std::uint16_t port() const override { return port_; }
  [[nodiscard]] std::size_t loop_count() const override { return loops_.size(); }
  [[nodiscard]] std::size_t active_connections() const override {
    return active_connections_.load(std::memory_order_relaxed);
  }
  void stop() override;

  std::atomic<std::size_t> active_connections_{0};  // summed over loops, for metrics
  BodyBudget& body_budget() { return body_budget_; }
  [[nodiscard]] std::size_t max_connections() const { return options_.max_connections; }

 private:
  const ServerOptions options_;  // a copy: loops refer to it
  RequestHandler& handler_;
  BodyBudget body_budget_;
  std::uint16_t port_ = 0;
  std::vector<std::unique_ptr<Loop>> loops_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;

  std::mutex mutex_;
  std::condition_variable drained_cv_;
  std::size_t drained_ = 0;  // loops with no connection left; guarded by mutex_
};

// ---------------------------------------------------------------------------
// Session

Session::Session(Loop& loop, tcp::socket socket) : loop_(loop), socket_(std::move(socket)) {}

void Session::start() {
  error_code ec;
  socket_.set_option(tcp::no_delay(true), ec);
  socket_.non_blocking(true, ec);  // write() tries a direct write first
  const auto peer = socket_.remote_endpoint(ec);
  if (!ec) remote_address_ = peer.address().to_string();
  buffer_ = std::make_unique_for_overwrite<char[]>(kInitialBufferSize);
  capacity_ = kInitialBufferSize;
  request_.buffer_begin = buffer_.get();
  request_.buffer_end = buffer_.get() + capacity_;
  request_.handler = &loop_.handler();
  request_.budget = &loop_.body_budget();
  response_.headers.reserve(256);
  out_.reserve(512);
  read();
}

void Session::close() {
  closing_ = true;
  error_code ec;
  socket_.close(ec);
}

void Session::destroy() {
  request_.release_budget();
  loop_.remove(this);
  delete this;
}

bool Session::idle_for(Clock::time_point now, Clock::duration age) const {
  return state_ == State::kIdle && !closing_ &&
         now - (deadline_ - loop_.options().idle_timeout) >= age;
}

// The answer of a parked request, delivered through the loop's mailbox.
class Pending final : public PendingResponse {
 public:
  Pending(std::shared_ptr<Mailbox> mailbox, Session* session)
      : mailbox_(std::move(mailbox)), session_(session) {}
  ~Pending() override {
    if (!done_.load()) {
      finish([](HttpResponse& response) {
        wire::set_json_error(response, 503, "unavailable", "the request could not be completed");
      });
    }
  }
  void finish(std::function<void(HttpResponse&)> fill) override {
    if (done_.exchange(true)) return;
    mailbox_->post([session = session_, fill = std::move(fill)] { session->resume(fill); });
  }

 private:
  std::shared_ptr<Mailbox> mailbox_;
  Session* session_;
  std::atomic<bool> done_{false};
};

std::shared_ptr<PendingResponse> Session::defer() {
  deferred_ = true;
  return std::make_shared<Pending>(loop_.mailbox(), this);
}

void Session::resume(const std::function<void(HttpResponse&)>& fill) {
  response_.clear();
  try {
    fill(response_);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "event=handler_exception loop=%zu error=\"%s\"\n", loop_.index(),
                 e.what());
    response_.clear();
    wire::set_json_error(response_, 500, "internal", "internal error");
  }
  parked_ = false;
  if (writing_) {
    resumed_while_writing_ = true;  // on_write_done() sends it
    return;
  }
  if (closing_) return destroy();
  if (!serialise_response()) return write();
  process();
}

void Session::unthrottle() {
  throttled_ = false;
  if (writing_) return;  // on_write_done() goes on
  if (closing_) return destroy();
  process();
}

void Session::read() {
  if (!parser_ && begin_ == end_) {
    // Between requests: keep-alive idle time.
    if (loop_.draining()) return linger();
    msg_start_ = begin_ = end_ = 0;
    if (capacity_ > 4 * kInitialBufferSize) {
      // Grown for one large header: give the memory back while idle.
      buffer_ = std::make_unique_for_overwrite<char[]>(kInitialBufferSize);
      capacity_ = kInitialBufferSize;
    }
    state_ = State::kIdle;
    deadline_ = loop_.now() + loop_.options().idle_timeout;
  } else {
    state_ = State::kReading;
  }
  make_room();
  socket_.async_read_some(asio::buffer(buffer_.get() + end_, capacity_ - end_),
                          [this](const error_code& ec, std::size_t n) { on_read(ec, n); });
}

void Session::on_read(const error_code& ec, std::size_t n) {
  if (ec || closing_) return destroy();  // EOF, reset, or closed by timeout or stop
  end_ += n;
  process();
}

// Makes at least kMinReadSize bytes free after end_, keeping the parsed bytes
// of the request in progress that its views point into.
void Session::make_room() {
  if (capacity_ - end_ >= kMinReadSize) return;
  char* const base = buffer_.get();
  // What must be kept from [msg_start_, begin_): all of it while the header
  // is incomplete; up to the last view once the body is being read (the body
  // itself is copied out by the parser).
  const char* keep_end = base + begin_;
  if (parser_ && parser_->is_header_done()) {
    keep_end = request_.views_end(base + msg_start_, base + begin_);
  }
  const std::size_t kept = static_cast<std::size_t>(keep_end - (base + msg_start_));
  const std::size_t pending = end_ - begin_;
  const std::size_t needed = kept + pending + kMinReadSize;
  char* target = base;
  std::unique_ptr<char[]> grown;
  if (needed > capacity_) {
    const std::size_t capacity = std::max(needed, capacity_ * 2);
    grown = std::make_unique_for_overwrite<char[]>(capacity);
    target = grown.get();
    capacity_ = capacity;
  }
  // The kept bytes go first, then the unparsed ones (memmove: may overlap).
  std::memmove(target, base + msg_start_, kept);
  request_.rebase(base + msg_start_, keep_end, target);
  std::memmove(target + kept, base + begin_, pending);
  msg_start_ = 0;
  begin_ = kept;
  end_ = kept + pending;
  if (grown) buffer_ = std::move(grown);
  request_.buffer_begin = buffer_.get();
  request_.buffer_end = buffer_.get() + capacity_;
}

RequestParser& Session::start_message() {
  request_.clear();
  request_.buffer_begin = buffer_.get();
  request_.buffer_end = buffer_.get() + capacity_;
  const ServerOptions& options = loop_.options();
  request_.allowance = options.body_limit;
  RequestParser& parser = parser_.emplace(request_);
  parser.eager(true);
  parser.header_limit(
      static_cast<std::uint32_t>(std::min<std::size_t>(options.header_limit, UINT32_MAX)));
  parser.body_limit(options.body_limit);
  msg_start_ = begin_;
  continue_sent_ = false;
  deadline_ = loop_.now() + options.read_timeout;
  return parser;
}

// Parses and answers every complete request in the buffer, then writes all
// the answers at once (or reads on when there is nothing to write).
void Session::process() {
  const ServerOptions& options = loop_.options();
  for (;;) {
    if (waiting() || close_after_write_) break;
    if (!parser_ && begin_ == end_) break;
    // Answers the client has not read yet: write them before answering more.
    if (out_.size() >= options.output_high_water) break;
    if (!parser_ && !loop_.handler().accepting(loop_.index())) {
      throttled_ = true;
      loop_.throttle(this);
      break;
    }
    RequestParser& parser = parser_ ? *parser_ : start_message();
    // While the header is incomplete the parser sees at most header_limit
    // bytes from the start of the request, which enforces the limit on the
    // whole header (basic_parser checks the start line and the fields apart).
    std::size_t available = end_ - begin_;
    if (!parser.is_header_done()) {
      const std::size_t seen = begin_ - msg_start_;
      available =
          std::min(available, options.header_limit > seen ? options.header_limit - seen : 0);
    }
    error_code ec;
    const std::size_t used = parser.put(asio::const_buffer(buffer_.get() + begin_, available), ec);
    begin_ += used;
    if (ec && ec != bhttp::error::need_more) {
      if (request_.over_budget) {
        fail(503, "busy", "too many request bodies in flight; retry shortly");
      } else if (ec == bhttp::error::body_limit) {
        fail(413, "too_large",
             "request body exceeds " + std::to_string(options.body_limit) + " bytes");
      } else if (ec == bhttp::error::header_limit) {
        fail(431, "too_large",
             "request header exceeds " + std::to_string(options.header_limit) + " bytes");
      } else {
        fail(400, "bad_request", "malformed request: " + ec.message());
      }
      return write();
    }
    if (!parser.is_done()) {
      if (used > 0 && begin_ < end_) continue;  // the header ended inside the window
      break;                                    // needs more bytes
    }
    if (!dispatch(parser.keep_alive())) break;  // the connection closes after this response
  }

  if (parser_ && !close_after_write_ && !waiting()) {
    // A request is partly received.
    if (!parser_->is_header_done()) {
      if (end_ - msg_start_ >= options.header_limit) {
        fail(431, "too_large",
             "request header exceeds " + std::to_string(options.header_limit) + " bytes");
      }
    } else if (!continue_sent_ && request_.version >= 11) {
      for (const auto& [name, value] : request_.fields) {
        if (iequals(name, "expect") && iequals(value, "100-continue")) {
          out_.append(kContinue);
          break;
        }
      }
      continue_sent_ = true;
    }
  }
  if (!out_.empty()) return write();
  if (waiting()) return;  // resume() or unthrottle() goes on
  read();
}

// Calls the handler for the complete request and serialises its response.
// Returns false when the connection is to close after it.
bool Session::dispatch(bool client_keeps_alive) {
  view_ = HttpRequest{};
  view_.method = request_.method;
  view_.target = request_.target;
  view_.body = request_.body;
  view_.headers = request_.fields;
  view_.loop_index = loop_.index();
  view_.remote_address = remote_address_;
  view_.deferrer = this;
  keep_alive_wanted_ = client_keeps_alive;
  head_request_ = request_.verb == bhttp::verb::head;
  request_version_ = request_.version;
  response_.clear();
  deferred_ = false;
  try {
    loop_.handler().handle(view_, response_);
  } catch (const std::exception& e) {
    // A bug: answer 500 and say so, without the request (it may hold secrets).
    std::fprintf(stderr, "event=handler_exception loop=%zu error=\"%s\"\n", loop_.index(),
                 e.what());
    response_.clear();
    wire::set_json_error(response_, 500, "internal", "internal error");
  }
  // The parser is done with this request; its bytes stay where they are
  // (nothing is read while the session is parked), so the views stay valid.
  parser_.reset();
  msg_start_ = begin_;
  if (deferred_) {
    // A handler that deferred and then threw still answers through the
    // PendingResponse (503 when it is dropped unfinished).
    parked_ = true;
    return false;
  }
  return serialise_response();
}

// Appends the answer in response_ to out_. Returns false when the
// connection is to close after it.
bool Session::serialise_response() {
  request_.release_budget();
  const bool keep_alive = keep_alive_wanted_ && !response_.close && !loop_.stopping();
  wire::ConnectionHeader connection = wire::ConnectionHeader::kNone;
  if (!keep_alive) {
    connection = wire::ConnectionHeader::kClose;
  } else if (request_version_ < 11) {
    connection = wire::ConnectionHeader::kKeepAlive;
  }
  wire::append_response_head(out_, response_, loop_.date_line(), connection);
  if (!head_request_ && wire::response_has_body(response_.status)) out_.append(response_.body);
  if (!keep_alive) close_after_write_ = true;
  return keep_alive;
}

// Queues an error response after those already serialised and marks the
// connection for closing: the parser cannot resynchronise after an error.
void Session::fail(int status, std::string_view code, std::string_view message) {
  wire::set_json_error(response_, status, code, message);
  wire::append_response_head(out_, response_, loop_.date_line(), wire::ConnectionHeader::kClose);
  out_.append(response_.body);
  parser_.reset();
  close_after_write_ = true;
}

void Session::write() {
  state_ = State::kWriting;
  deadline_ = loop_.now() + loop_.options().read_timeout;
  // Usually the socket takes everything at once: no reactor round-trip.
  error_code ec;
  std::size_t n = socket_.write_some(asio::buffer(out_), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) {
    n = 0;
    ec = {};
  }
  if (ec) {
    // A parked session must live until its answer comes back.
    if (parked_) return close();
    return destroy();
  }
  if (n == out_.size()) return on_write_done();
  writing_ = true;
  asio::async_write(socket_, asio::buffer(out_.data() + n, out_.size() - n),
                    [this](const error_code& ec, std::size_t) {
                      writing_ = false;
                      if ((ec || closing_) && !parked_) return destroy();
                      if (ec || closing_) return close();  // resume() destroys it
                      on_write_done();
                    });
}

void Session::on_write_done() {
  out_.clear();
  if (out_.capacity() > kKeepCapacity) std::string().swap(out_);
  if (!waiting() && response_.body.capacity() > kKeepCapacity) {
    std::string().swap(response_.body);
  }
  if (!parked_ && request_.body.capacity() > kKeepCapacity) std::string().swap(request_.body);
  if (resumed_while_writing_) {
    resumed_while_writing_ = false;
    if (closing_) return destroy();
    if (!serialise_response()) return write();
  }
  if (close_after_write_) return linger();
  process();  // more requests may be buffered; otherwise reads on
}

// The last response is written: half-close, then read and discard what the
// client still sends until it closes, for at most kLingerTime.
void Session::linger() {
  state_ = State::kLingering;
  deadline_ = loop_.now() + kLingerTime;
  lingered_ = 0;
  error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return destroy();
  on_linger({}, 0);
}

void Session::on_linger(const error_code& ec, std::size_t n) {
  lingered_ += n;
  if (ec || closing_ || lingered_ > kLingerBytes) return destroy();
  socket_.async_read_some(asio::buffer(buffer_.get(), capacity_),
                          [this](const error_code& ec, std::size_t n) { on_linger(ec, n); });
}

// ---------------------------------------------------------------------------
// Loop

Loop::Loop(Server& server, std::size_t index, const ServerOptions& options, RequestHandler& handler)
    : server_(server),
      index_(index),
      options_(options),
      handler_(handler),
      // One thread runs this context and only it touches the sockets, so
      // the reactor's per-descriptor locks can go; posting from stop() still
      // needs the scheduler's lock, which stays.
      ioc_(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO),
      work_(ioc_.get_executor()),
      acceptor_(ioc_),
      timer_(ioc_),
      accept_retry_(ioc_),
      throttle_timer_(ioc_),
      mailbox_(std::make_shared<Mailbox>(ioc_)) {
  // The timer checks deadlines at a quarter of the shortest timeout (so a
  // timeout fires within 25% of its value), at least every 250 ms.
  const auto shortest = std::min(options.read_timeout, options.idle_timeout);
  period_ = std::clamp<Clock::duration>(shortest / 4, std::chrono::milliseconds(10),
                                        std::chrono::milliseconds(250));
  now_ = Clock::now();
  next_tick_ = now_ + std::chrono::seconds(1);
  refresh_date();
}

Loop::~Loop() { delete_sessions(); }

error_code Loop::listen(const tcp::endpoint& endpoint) {
  error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.set_option(ReusePort(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(kListenBacklog, ec);
  return ec;
}

std::uint16_t Loop::local_port() const {
  error_code ec;
  return acceptor_.local_endpoint(ec).port();
}

void Loop::start() {
  accept();
  arm_timer();
}

void Loop::run() {
  char name[16];
  std::snprintf(name, sizeof name, "sq-http-%zu", index_);
  pthread_setname_np(pthread_self(), name);
  for (;;) {
    try {
      ioc_.run();
      return;
    } catch (const std::exception& e) {
      // A bug in a completion handler; keep serving the other connections.
      std::fprintf(stderr, "http loop %zu: unexpected exception: %s\n", index_, e.what());
    }
  }
}

void Loop::accept() {
  acceptor_.async_accept(
      ioc_, [this](const error_code& ec, tcp::socket socket) { on_accept(ec, std::move(socket)); });
}

void Loop::on_accept(const error_code& ec, tcp::socket socket) {
  if (draining_ || ec == asio::error::operation_aborted) return;
  if (ec) {
    if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
        ec == asio::error::no_memory || ec.value() == ENFILE) {
      // Out of descriptors or memory: back off instead of spinning.
      accept_retry_.expires_after(kAcceptRetryDelay);
      accept_retry_.async_wait([this](const error_code& ec) {
        if (!ec && !draining_) accept();
      });
      return;
    }
    return accept();  // the client went away before accept (ECONNABORTED, ...)
  }
  const std::size_t cap = server_.max_connections();
  if (cap > 0 && server_.active_connections_.load(std::memory_order_relaxed) >= cap &&
      !shed_idle()) {
    // Every connection is busy: refuse this one rather than run out of
    // descriptors for everyone.
    error_code ignored;
    socket.close(ignored);
    return accept();
  }
  auto* session = new Session(*this, std::move(socket));
  add(session);
  session->start();
  accept();
}

bool Loop::shed_idle() {
  Session* oldest = nullptr;
  for (Session* s = sessions_; s; s = s->next) {
    if (s->idle_for(now_, Clock::duration::zero())) oldest = s;  // the list is newest first
  }
  if (oldest == nullptr) return false;
  oldest->close();  // its pending read completes and deletes it
  return true;
}

BodyBudget& Loop::body_budget() const { return server_.body_budget(); }

void Loop::throttle(Session* s) {
  throttled_.push_back(s);
  if (throttled_.size() > 1) return;  // the timer is already armed
  throttle_timer_.expires_after(std::chrono::milliseconds(1));
  throttle_timer_.async_wait([this](const error_code& ec) {
    if (!ec) on_throttle_timer();
  });
}

void Loop::on_throttle_timer() {
  if (throttled_.empty()) return;
  if (!handler_.accepting(index_)) {
    throttle_timer_.expires_after(std::chrono::milliseconds(1));
    throttle_timer_.async_wait([this](const error_code& ec) {
      if (!ec) on_throttle_timer();
    });
    return;
  }
  std::vector<Session*> waiting;
  waiting.swap(throttled_);
  // A session may throttle again (and re-arm the timer) while we go on.
  for (Session* s : waiting) s->unthrottle();
}

void Loop::add(Session* s) {
  s->next = sessions_;
  if (sessions_) sessions_->prev = s;
  sessions_ = s;
  ++session_count_;
  server_.active_connections_.fetch_add(1, std::memory_order_relaxed);
}

void Loop::remove(Session* s) {
  if (!throttled_.empty()) std::erase(throttled_, s);
  if (s->prev) s->prev->next = s->next;
  if (s->next) s->next->prev = s->prev;
  if (sessions_ == s) sessions_ = s->next;
  --session_count_;
  server_.active_connections_.fetch_sub(1, std::memory_order_relaxed);
  if (draining_ && session_count_ == 0 && !drain_reported_) {
    drain_reported_ = true;
    server_.loop_drained();
  }
}

void Loop::delete_sessions() {
  mailbox_->close();
  throttled_.clear();
  while (sessions_) {
    Session* s = sessions_;
    sessions_ = s->next;
    // A parked session's request may still be read by the task that will
    // answer it (a worker thread past the shutdown grace): leave its memory
    // to the exiting process rather than free it under that task.
    if (!s->waiting()) delete s;
  }
  server_.active_connections_.fetch_sub(session_count_, std::memory_order_relaxed);
  session_count_ = 0;
}

void Loop::begin_drain() {
  if (draining_) return;
  draining_ = true;
  error_code ec;
  acceptor_.close(ec);
  accept_retry_.cancel();
  for (Session* s = sessions_; s; s = s->next) {
    if (s->idle()) s->close();  // the pending read completes and deletes it
  }
  if (session_count_ == 0 && !drain_reported_) {
    drain_reported_ = true;
    server_.loop_drained();
  }
}

void Loop::arm_timer() {
  timer_.expires_after(period_);
  timer_.async_wait([this](const error_code& ec) {
    if (!ec) on_timer();
  });
}

void Loop::on_timer() {
  now_ = Clock::now();
  refresh_date();
  // Near the connection cap idle keep-alive connections go sooner.
  const std::size_t cap = server_.max_connections();
  const bool crowded =
      cap > 0 && server_.active_connections_.load(std::memory_order_relaxed) * 5 >= cap * 4;
  for (Session* s = sessions_; s; s = s->next) {
    if (s->expired(now_) || (crowded && s->idle_for(now_, options_.crowded_idle_timeout))) {
      s->close();
    }
  }
  if (options_.on_tick && now_ >= next_tick_) {
    next_tick_ = now_ + std::chrono::seconds(1);
    try {
      options_.on_tick(index_);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "http loop %zu: on_tick threw: %s\n", index_, e.what());
    }
  }
  arm_timer();
}

void Loop::refresh_date() {
  const std::time_t t = std::time(nullptr);
  if (t == date_second_) return;
  date_second_ = t;
  std::string_view("Date: ").copy(date_line_, 6);
  wire::format_http_date(t, date_line_ + 6);
  std::string_view("\r\n").copy(date_line_ + 6 + wire::kHttpDateSize, 2);
}

// ---------------------------------------------------------------------------
// Server

std::string describe(const tcp::endpoint& endpoint) {
  const std::string address = endpoint.address().to_string();
  if (endpoint.address().is_v6()) return "[" + address + "]:" + std::to_string(endpoint.port());
  return address + ":" + std::to_string(endpoint.port());
}

Error listen_error(const tcp::endpoint& endpoint, const error_code& ec) {
  return Error{
      ErrorCode::kUnavailable, "cannot listen on " + describe(endpoint) + ": " + ec.message(), {}};
}

Result<void> Server::listen(std::size_t loops, tcp::endpoint endpoint) {
  if (endpoint.port() != 0) {
    // SO_REUSEPORT would let us join a group already listening on the port
    // (another instance run by the same user) and silently share its
    // traffic. A plain bind first fails with "Address already in use" then.
    asio::io_context probe_context(1);
    tcp::acceptor probe(probe_context);
    error_code ec;
    probe.open(endpoint.protocol(), ec);
    if (!ec) probe.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) probe.bind(endpoint, ec);
    if (ec) return fail(listen_error(endpoint, ec));
  }
  for (std::size_t i = 0; i < loops; ++i) {
    loops_.push_back(std::make_unique<Loop>(*this, i, options_, handler_));
    if (const error_code ec = loops_.back()->listen(endpoint)) {
      return fail(listen_error(endpoint, ec));
    }
    // With port 0 the first bind picks the port; the others join it.
    if (i == 0) endpoint.port(loops_.front()->local_port());
  }
  port_ = endpoint.port();
  return {};
}

Result<void> Server::start_threads() {
  for (auto& loop : loops_) loop->start();
  try {
    for (auto& loop : loops_) threads_.emplace_back([l = loop.get()] { l->run(); });
  } catch (const std::system_error& e) {
    return fail(Error::internal(std::string("cannot start the HTTP loop threads: ") + e.what()));
  }
  return {};
}

void Server::loop_drained() {
  std::lock_guard lock(mutex_);
  ++drained_;
  drained_cv_.notify_all();
}

void Server::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (!threads_.empty()) {
    const auto deadline = Clock::now() + options_.shutdown_grace;
    for (auto& loop : loops_) {
      loop->request_stop();
      asio::post(loop->context(), [l = loop.get()] { l->begin_drain(); });
    }
    std::unique_lock lock(mutex_);
    drained_cv_.wait_until(lock, deadline, [&] { return drained_ == threads_.size(); });
  }
  // Connections still open now are cut: stop the loops, then delete what is
  // left from this thread once no loop thread runs any more.
  for (auto& loop : loops_) loop->stop_now();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  for (auto& loop : loops_) loop->delete_sessions();
}

Result<tcp::endpoint> resolve(const ServerOptions& options) {
  error_code ec;
  const auto address = asio::ip::make_address(options.host, ec);
  if (!ec) return tcp::endpoint(address, options.port);
  asio::io_context context(1);
  tcp::resolver resolver(context);
  const auto results =
      resolver.resolve(options.host, std::to_string(options.port),
                       tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return fail(Error::invalid("host", "cannot resolve listen address \"" + options.host + "\": " +
                                           (ec ? ec.message() : std::string("no address"))));
  }
  return results.begin()->endpoint();
}

}  // namespace

FdLimit raise_fd_limit() {
  FdLimit out;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return out;
  out.soft_before = limit.rlim_cur;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  out.soft = limit.rlim_cur;
  out.hard = limit.rlim_max;
  return out;
}

std::size_t default_max_connections(const FdLimit& limit) {
  // Descriptors kept for the listeners, database connections, the spool,
  // log files and the odd pipe: an eighth of the limit, at least 64.
  const std::uint64_t soft = limit.soft == 0 ? 1024 : limit.soft;
  const std::uint64_t reserve = std::max<std::uint64_t>(64, soft / 8);
  return static_cast<std::size_t>(std::max<std::uint64_t>(16, soft > reserve ? soft - reserve : 0));
}

Result<std::unique_ptr<HttpServer>> start_server(const ServerOptions& given,
                                                 RequestHandler& handler) {
  ServerOptions options = given;
  if (options.max_connections == 0)
    options.max_connections = default_max_connections(raise_fd_limit());
  const auto endpoint = resolve(options);
  if (!endpoint) return fail(endpoint.error());
  std::size_t loops = options.threads;
  if (loops == 0) loops = std::max(1u, std::thread::hardware_concurrency());

  auto server = std::make_unique<Server>(options, handler);
  if (auto listened = server->listen(loops, *endpoint); !listened) return fail(listened.error());
  if (auto started = server->start_threads(); !started) return fail(started.error());
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace sequencial::http
