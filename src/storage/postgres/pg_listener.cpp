// The LISTEN side of the change feed (see pg_listener.h).
#include "storage/postgres/pg_listener.h"

#include <poll.h>

#include <cerrno>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <utility>
#include <vector>

namespace sequencial::postgres {
namespace {

class PgListener final : public ChangeListener {
 public:
  explicit PgListener(Connection conn) : conn_(std::move(conn)) {}

  Result<std::vector<std::string>> wait(std::chrono::milliseconds timeout) override {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + timeout;
    std::vector<std::string> payloads;
    while (true) {
      if (!conn_.healthy()) return fail(lost());
      drain(payloads);
      if (!payloads.empty()) return payloads;
      const auto left = std::max<std::int64_t>(
          0,
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
      pollfd fd{.fd = PQsocket(conn_.raw()), .events = POLLIN, .revents = 0};
      if (fd.fd < 0) return fail(lost());
      const int ready = ::poll(&fd, 1, static_cast<int>(left));
      if (ready < 0 && errno != EINTR) return fail(lost());
      if (ready > 0 && PQconsumeInput(conn_.raw()) == 0) return fail(lost());
      if (left == 0) {
        if (!conn_.healthy()) return fail(lost());
        drain(payloads);
        return payloads;
      }
    }
  }

 private:
  void drain(std::vector<std::string>& payloads) {
    while (PGnotify* note = PQnotifies(conn_.raw())) {
      payloads.emplace_back(note->extra);
      PQfreemem(note);
    }
  }

  Error lost() {
    return Error::unavailable("PostgreSQL change listener lost its connection: " +
                              std::string(PQerrorMessage(conn_.raw())));
  }

  Connection conn_;
};

}  // namespace

Result<std::unique_ptr<ChangeListener>> open_listener(const std::string& conninfo) {
  auto conn = Connection::open(conninfo);
  if (!conn) return fail(std::move(conn.error()));
  if (auto listening = conn->exec("LISTEN " + std::string(kChangeChannel)); !listening) {
    return fail(std::move(listening.error()));
  }
  return std::unique_ptr<ChangeListener>(new PgListener(std::move(*conn)));
}

}  // namespace sequencial::postgres
