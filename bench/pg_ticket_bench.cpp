// Benchmark (not a test): the per-click cost of the PostgreSQL backend's
// shared routing state, measured through the Store interface on a real
// server:
//   - next_rotation_ticket (nextval on the central's sequence), the shared
//     rotation counter every node asks once per click on a central;
//   - claim_assignment for a new visitor (INSERT ... ON CONFLICT DO NOTHING
//     RETURNING) and for a visitor already claimed (conflict, then a read).
// Each is timed from 1 and from 2 threads (one store, pool of 4), giving the
// mean latency per call and the calls per second of all threads together.
//
// Usage: pg_ticket_bench [--url URL] [--calls N]
//   URL: a PostgreSQL server (default $SEQUENCIAL_TEST_PG_URL, e.g. from
//   scripts/pg-test-server.sh); the bench creates its own database on it
//   and drops it at the end. N: calls per thread per measurement (5000).
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "storage/postgres/pg_conn.h"
#include "storage/store.h"

namespace {

using namespace sequencial;
using Steady = std::chrono::steady_clock;

// postgres://user@host/<db>?params: the same URL naming another database.
std::string with_database(const std::string& url, const std::string& db) {
  const std::size_t start = url.find("://") == std::string::npos ? 0 : url.find("://") + 3;
  const std::size_t query = url.find('?', start);
  const std::size_t end = query == std::string::npos ? url.size() : query;
  const std::size_t slash = url.find('/', start);
  const std::size_t path = slash != std::string::npos && slash < end ? slash : end;
  return url.substr(0, path) + "/" + db + url.substr(end);
}

// Runs `call(thread, i)` `calls` times on each of `threads` threads; prints
// the mean latency per call and the aggregate rate. Returns false on a failure.
bool measure(const char* what, int threads, int calls,
             const std::function<bool(int thread, int i)>& call) {
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  const auto start = Steady::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < calls; ++i) {
        if (!call(t, i)) ++failures;
      }
    });
  }
  for (auto& w : workers) w.join();
  const double seconds = std::chrono::duration<double>(Steady::now() - start).count();
  const double total = static_cast<double>(threads) * calls;
  std::printf("| %-34s | %d | %8.1f | %9.0f |\n", what, threads, seconds * 1e6 * threads / total,
              total / seconds);
  if (failures.load() > 0) std::fprintf(stderr, "%s: %d calls failed\n", what, failures.load());
  return failures.load() == 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string server;
  if (const char* env = std::getenv("SEQUENCIAL_TEST_PG_URL")) server = env;
  int calls = 5000;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--url" && i + 1 < argc) {
      server = argv[++i];
    } else if (arg == "--calls" && i + 1 < argc) {
      calls = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: pg_ticket_bench [--url URL] [--calls N]\n");
      return 2;
    }
  }
  if (server.empty()) {
    std::fprintf(stderr, "pg_ticket_bench: give --url or set SEQUENCIAL_TEST_PG_URL\n");
    return 2;
  }

  const std::string db = "sq_bench_" + std::to_string(::getpid());
  auto admin = postgres::Connection::open(server);
  if (!admin || !admin->exec("CREATE DATABASE " + db)) {
    std::fprintf(stderr, "pg_ticket_bench: cannot create database %s on the server\n", db.c_str());
    return 1;
  }
  bool ok = true;
  {
    auto opened = open_store(with_database(server, db));
    if (!opened) {
      std::fprintf(stderr, "pg_ticket_bench: %s\n", opened.error().message.c_str());
      ok = false;
    } else {
      Store& store = **opened;
      Link anchor;
      anchor.slug = "loja";
      anchor.phone = "5511999990000";
      Link joao = anchor;
      joao.slug = "joao";
      auto anchor_stored = store.insert_link(anchor);
      auto joao_stored = store.insert_link(joao);
      Central central;
      if (anchor_stored && joao_stored) {
        central.anchor_id = anchor_stored->id;
        Member m;
        m.link_id = joao_stored->id;
        central.members.push_back(m);
      }
      auto central_stored = store.insert_central(central);
      if (!central_stored) {
        std::fprintf(stderr, "pg_ticket_bench: cannot set up: %s\n",
                     central_stored.error().message.c_str());
        return 1;
      }
      central = *central_stored;
      const LinkId member = central.members.front().link_id;

      std::printf("calls per thread: %d\n\n", calls);
      std::printf("| operation                          | threads | us/call | calls/s |\n");
      std::printf("| --- | --- | --- | --- |\n");
      for (int threads : {1, 2}) {
        ok &= measure("next_rotation_ticket (nextval)", threads, calls, [&](int, int) {
          auto t = store.next_rotation_ticket(central.id);
          return t && t->has_value();
        });
      }
      // New visitors: every claim inserts. Then the same visitors again:
      // every claim conflicts and reads the stored row.
      for (int threads : {1, 2}) {
        const auto hi = static_cast<std::uint64_t>(threads);
        const auto claim = [&](int t, int i) {
          const Assignment a{.central_id = central.id,
                             .visitor = {.hi = hi,
                                         .lo = static_cast<std::uint64_t>(t) * 1'000'000'000u +
                                               static_cast<std::uint64_t>(i)},
                             .link_id = member,
                             .last_seen = Timestamp{std::chrono::seconds{1'800'000'000}}};
          return store.claim_assignment(a).has_value();
        };
        ok &= measure("claim_assignment (new visitor)", threads, calls, claim);
        ok &= measure("claim_assignment (already claimed)", threads, calls, claim);
      }
    }
  }
  (void)admin->exec("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
  return ok ? 0 : 1;
}
