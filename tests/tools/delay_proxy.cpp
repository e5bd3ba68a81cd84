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
// Thread-safety: a thread per direction per connection plus the acceptor;
// each direction's queue is guarded by its own mutex.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using SteadyClock = std::chrono::steady_clock;

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
    for (;;) {
      const ssize_t n = read(from_, buffer.data(), buffer.size());
      if (n <= 0) break;
      std::lock_guard lock(mutex_);
      chunks_.push_back({SteadyClock::now() + delay_, std::string(buffer.data(), n)});
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
  std::printf("port=%d\n", ntohs(addr.sin_port));
  std::fflush(stdout);
  for (;;) {
    const int client = accept(listener, nullptr, nullptr);
    if (client < 0) continue;
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::thread([client, options] { serve_connection(client, options); }).detach();
  }
}
