// delay_proxy: a small TCP proxy for tests and benchmarks that puts a
// network hop between the server and its database. Every chunk read from
// either side is written to the other `--delay-ms` later, in order (a queue
// per direction), so a round trip costs twice the delay, as across a LAN.
//
//   delay_proxy --to unix:/tmp/pg/.s.PGSQL.5432 --delay-ms 1
//   delay_proxy --to 127.0.0.1:5432 --delay-ms 1 --listen 127.0.0.1:0
//
// Prints "port=N" once listening, then runs until SIGTERM or SIGINT. Only
// loopback addresses are accepted for --listen and --to.
//
// The hop is the delay and nothing more, even on a busy machine: a chunk is
// due `--delay-ms` after the kernel received it (its SO_TIMESTAMPNS, where
// the socket gives one: TCP does, a unix socket does not), not after this
// process got to read it, and writers sleep with a 1 ns timer slack. What
// the proxy still adds is measured: on exit it prints how late, on average
// and at worst, its readers picked chunks up and its writers sent them
// ("read_late_us_mean=... write_late_us_mean=...").
//
// Thread-safety: a thread per direction per connection, the acceptor and a
// signal thread; each direction's queue is guarded by its own mutex, the
// lateness counters are atomics.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using SteadyClock = std::chrono::steady_clock;

// Lateness over the configured delay: how long after the kernel received a
// chunk the reader queued it, and how long after its due time the writer
// sent it.
struct Lateness {
  std::atomic<std::int64_t> total_ns{0};
  std::atomic<std::int64_t> max_ns{0};
  std::atomic<std::int64_t> count{0};
  void add(std::int64_t ns) {
    total_ns.fetch_add(ns, std::memory_order_relaxed);
    count.fetch_add(1, std::memory_order_relaxed);
    std::int64_t seen = max_ns.load(std::memory_order_relaxed);
    while (ns > seen && !max_ns.compare_exchange_weak(seen, ns, std::memory_order_relaxed)) {
    }
  }
};
Lateness read_lateness;
Lateness write_lateness;

struct Options {
  std::string listen_host = "127.0.0.1";
  int listen_port = 0;
  std::string to;  // "unix:PATH" or "HOST:PORT"
  std::chrono::microseconds delay{1000};
};

int connect_to(const std::string& to) {
  if (to.starts_with("unix:")) {
    const std::string path = to.substr(5);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) return -1;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
    if (fd >= 0) close(fd);
    return -1;
  }
  const std::size_t colon = to.rfind(':');
  if (colon == std::string::npos) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(std::stoi(to.substr(colon + 1))));
  if (inet_pton(AF_INET, to.substr(0, colon).c_str(), &addr.sin_addr) != 1) return -1;
  if ((ntohl(addr.sin_addr.s_addr) >> 24) != 127) return -1;  // loopback only
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
  }
  if (fd >= 0) close(fd);
  return -1;
}

// One direction: a reader queues chunks with their arrival time, a writer
// sends each `delay` after it arrived.
class Direction {
 public:
  Direction(int from, int to, std::chrono::microseconds delay)
      : from_(from), to_(to), delay_(delay) {}
  void run() {
    std::thread writer([this] { write_loop(); });
    std::vector<char> buffer(std::size_t{64} * 1024);
    const int on = 1;
    const bool stamped = setsockopt(from_, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) == 0;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
    for (;;) {
      iovec io{buffer.data(), buffer.size()};
      msghdr message{};
      message.msg_iov = &io;
      message.msg_iovlen = 1;
      message.msg_control = control;
      message.msg_controllen = sizeof control;
      const ssize_t n = recvmsg(from_, &message, 0);
      if (n <= 0) break;
      // Due `delay` after the kernel received the bytes, not after this
      // thread got to read them: the reader's own wake-up is not the hop.
      auto arrived = SteadyClock::now();
      for (cmsghdr* c = CMSG_FIRSTHDR(&message); stamped && c != nullptr;
           c = CMSG_NXTHDR(&message, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS) continue;
        timespec kernel{};
        std::memcpy(&kernel, CMSG_DATA(c), sizeof kernel);
        timespec wall{};
        clock_gettime(CLOCK_REALTIME, &wall);
        const std::int64_t behind =
            (wall.tv_sec - kernel.tv_sec) * 1'000'000'000LL + (wall.tv_nsec - kernel.tv_nsec);
        if (behind >= 0) {
          read_lateness.add(behind);
          arrived -= std::chrono::nanoseconds(behind);
        }
      }
      std::lock_guard lock(mutex_);
      chunks_.push_back({arrived + delay_, std::string(buffer.data(), n)});
      cv_.notify_one();
    }
    {
      std::lock_guard lock(mutex_);
      eof_ = true;
      cv_.notify_one();
    }
    writer.join();
    shutdown(to_, SHUT_WR);
  }

 private:
  struct Chunk {
    SteadyClock::time_point due;
    std::string bytes;
  };
  void write_loop() {
    for (;;) {
      Chunk chunk;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return eof_ || !chunks_.empty(); });
        if (chunks_.empty()) return;
        chunk = std::move(chunks_.front());
        chunks_.pop_front();
      }
      std::this_thread::sleep_until(chunk.due);
      write_lateness.add(
          std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now() - chunk.due)
              .count());
      std::size_t sent = 0;
      while (sent < chunk.bytes.size()) {
        const ssize_t n = write(to_, chunk.bytes.data() + sent, chunk.bytes.size() - sent);
        if (n <= 0) {
          shutdown(from_, SHUT_RD);  // the other side is gone: stop reading too
          return;
        }
        sent += static_cast<std::size_t>(n);
      }
    }
  }

  int from_;
  int to_;
  std::chrono::microseconds delay_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Chunk> chunks_;  // guarded by mutex_
  bool eof_ = false;          // guarded by mutex_
};

void serve_connection(int client, const Options& options) {
  const int server = connect_to(options.to);
  if (server < 0) {
    close(client);
    return;
  }
  auto up = std::make_unique<Direction>(client, server, options.delay);
  auto down = std::make_unique<Direction>(server, client, options.delay);
  std::thread a([&] { up->run(); });
  down->run();
  a.join();
  close(client);
  close(server);
}

bool parse(int argc, char** argv, Options& options) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--to") {
      options.to = value;
    } else if (flag == "--delay-ms") {
      options.delay = std::chrono::microseconds(static_cast<long>(std::stod(value) * 1000));
    } else if (flag == "--listen") {
      const std::size_t colon = value.rfind(':');
      if (colon == std::string::npos) return false;
      options.listen_host = value.substr(0, colon);
      options.listen_port = std::stoi(value.substr(colon + 1));
    } else {
      return false;
    }
  }
  return !options.to.empty();
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse(argc, argv, options)) {
    std::fprintf(stderr,
                 "usage: delay_proxy --to unix:PATH|127.0.0.1:PORT [--delay-ms 1] "
                 "[--listen 127.0.0.1:0]\n");
    return 2;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(options.listen_port));
  if (inet_pton(AF_INET, options.listen_host.c_str(), &addr.sin_addr) != 1 ||
      (ntohl(addr.sin_addr.s_addr) >> 24) != 127) {
    std::fprintf(stderr, "delay_proxy: --listen must be a 127.x.y.z address\n");
    return 2;
  }
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listener, 128) != 0) {
    std::perror("delay_proxy: listen");
    return 1;
  }
  socklen_t length = sizeof addr;
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &length);
  // Wake writers at the due time, not up to the default 50 us later.
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::thread([stop_signals] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    auto report = [](const char* what, const Lateness& l) {
      const std::int64_t n = l.count.load();
      std::printf(
          "%s_late_us_mean=%.1f %s_late_us_max=%.1f %s_chunks=%lld\n", what,
          n > 0 ? static_cast<double>(l.total_ns.load()) / static_cast<double>(n) / 1e3 : 0.0, what,
          static_cast<double>(l.max_ns.load()) / 1e3, what, static_cast<long long>(n));
    };
    report("read", read_lateness);
    report("write", write_lateness);
    std::fflush(stdout);
    std::_Exit(0);
  }).detach();
  std::printf("port=%d\n", ntohs(addr.sin_port));
  std::fflush(stdout);
  for (;;) {
    const int client = accept(listener, nullptr, nullptr);
    if (client < 0) continue;
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::thread([client, options] { serve_connection(client, options); }).detach();
  }
}
