// seed_bench_db: fills a Sequencial SQLite database with large synthetic
// data for bench/all.sh, fast: the schema comes from open_store() (the real
// migrations), then rows go in through plain prepared INSERTs inside one
// transaction per table (never through the HTTP API).
//
//   seed_bench_db --db PATH [--links N] [--central-members M] [--clicks N]
//                 [--assignments N]
//
// Data (all deterministic, so wrk scripts can address it):
//   links        slugs l0000000 .. l<N-1> (zero-padded to 7 digits), phone
//                55119<8 digits>, message "Olá".
//   central      with --central-members M > 0: anchor slug "bigc" (an extra
//                link), members l0000000 .. l<M-1>, fixed (atendimento fixo).
//   assignments  N visitors of that central: visitor hi = i (0..N-1),
//                lo = kVisitorLo, i.e. cookie sqv=<%016x of i><kVisitorLoHex>,
//                last seen within the last 30 days (newest = highest i).
//   clicks       N raw click rows spread over the last 365 days, in time
//                order, entry/link = one of the first 10 links.
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "storage/store.h"

namespace {

constexpr std::uint64_t kVisitorLo = 0x5EEDBE7C5EEDBE7CULL;

struct Options {
  std::string db;
  long long links = 0;
  long long central_members = 0;
  long long clicks = 0;
  long long assignments = 0;
};

[[noreturn]] void usage(int status) {
  std::fprintf(status == 0 ? stdout : stderr,
               "usage: seed_bench_db --db PATH [--links N] [--central-members M]"
               " [--clicks N] [--assignments N]\n");
  std::exit(status);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") usage(0);
    if (i + 1 >= argc) usage(2);
    const char* value = argv[++i];
    char* end = nullptr;
    const long long n = std::strtoll(value, &end, 10);
    const bool numeric = end != value && *end == '\0' && n >= 0;
    if (arg == "--db") {
      o.db = value;
    } else if (arg == "--links" && numeric) {
      o.links = n;
    } else if (arg == "--central-members" && numeric) {
      o.central_members = n;
    } else if (arg == "--clicks" && numeric) {
      o.clicks = n;
    } else if (arg == "--assignments" && numeric) {
      o.assignments = n;
    } else {
      usage(2);
    }
  }
  if (o.db.empty()) usage(2);
  if (o.central_members > o.links) {
    std::fprintf(stderr, "seed_bench_db: --central-members must be <= --links\n");
    std::exit(2);
  }
  if (o.assignments > 0 && o.central_members == 0) {
    std::fprintf(stderr, "seed_bench_db: --assignments needs a central (--central-members)\n");
    std::exit(2);
  }
  return o;
}

void check(int rc, sqlite3* db, const char* what) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return;
  std::fprintf(stderr, "seed_bench_db: %s: %s\n", what, sqlite3_errmsg(db));
  std::exit(1);
}

void exec(sqlite3* db, const char* sql) {
  check(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), db, sql);
}

sqlite3_stmt* prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  check(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), db, sql);
  return stmt;
}

void step_reset(sqlite3* db, sqlite3_stmt* stmt, const char* what) {
  check(sqlite3_step(stmt), db, what);
  sqlite3_reset(stmt);
}

// splitmix64: cheap deterministic pseudo-random numbers.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void seed_links(sqlite3* db, const Options& o, std::int64_t now) {
  sqlite3_stmt* ins = prepare(db,
                              "INSERT INTO links (id, slug, slug_key, phone, message, label, "
                              "created_at) VALUES (?1, ?2, ?2, ?3, 'Olá', '', ?4)");
  char slug[32];
  char phone[32];
  for (long long i = 0; i < o.links; ++i) {
    std::snprintf(slug, sizeof slug, "l%07lld", i);
    std::snprintf(phone, sizeof phone, "55119%08lld", i % 100000000);
    sqlite3_bind_int64(ins, 1, i + 1);
    sqlite3_bind_text(ins, 2, slug, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 3, phone, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(ins, 4, now);
    step_reset(db, ins, "insert link");
  }
  sqlite3_finalize(ins);
  if (o.central_members == 0) return;
  const long long anchor = o.links + 1;
  sqlite3_stmt* a = prepare(db,
                            "INSERT INTO links (id, slug, slug_key, phone, message, created_at)"
                            " VALUES (?1, 'bigc', 'bigc', '5511999990000', 'Olá', ?2)");
  sqlite3_bind_int64(a, 1, anchor);
  sqlite3_bind_int64(a, 2, now);
  step_reset(db, a, "insert anchor");
  sqlite3_finalize(a);
  sqlite3_stmt* c =
      prepare(db, "INSERT INTO centrals (id, anchor_id, fixed, created_at) VALUES (1, ?1, 1, ?2)");
  sqlite3_bind_int64(c, 1, anchor);
  sqlite3_bind_int64(c, 2, now);
  step_reset(db, c, "insert central");
  sqlite3_finalize(c);
  sqlite3_stmt* m =
      prepare(db, "INSERT INTO central_members (central_id, position, link_id) VALUES (1, ?1, ?2)");
  for (long long i = 0; i < o.central_members; ++i) {
    sqlite3_bind_int64(m, 1, i);
    sqlite3_bind_int64(m, 2, i + 1);
    step_reset(db, m, "insert member");
  }
  sqlite3_finalize(m);
}

void seed_assignments(sqlite3* db, const Options& o, std::int64_t now) {
  sqlite3_stmt* ins = prepare(db,
                              "INSERT INTO assignments (central_id, visitor_hi, visitor_lo, "
                              "link_id, last_seen) VALUES (1, ?1, ?2, ?3, ?4)");
  const std::int64_t span = 30LL * 24 * 3600;
  for (long long i = 0; i < o.assignments; ++i) {
    sqlite3_bind_int64(ins, 1, i);
    sqlite3_bind_int64(ins, 2, static_cast<std::int64_t>(kVisitorLo));
    sqlite3_bind_int64(ins, 3, 1 + static_cast<std::int64_t>(mix(i) % o.central_members));
    // Oldest first: visitor i was last seen at now - span * (1 - i/N).
    sqlite3_bind_int64(ins, 4, now - span + span * i / o.assignments);
    step_reset(db, ins, "insert assignment");
  }
  sqlite3_finalize(ins);
}

void seed_clicks(sqlite3* db, const Options& o, std::int64_t now) {
  sqlite3_stmt* ins = prepare(
      db,
      "INSERT INTO clicks (at, kind, central_id, entry_link_id, link_id, visitor_hi, visitor_lo,"
      " new_visitor, outcome, device, browser, referrer, ref)"
      " VALUES (?1, 0, 0, ?2, ?2, ?3, ?4, ?5, 'link', ?6, ?7, '', ?8)");
  static constexpr const char* kDevices[] = {"mobile", "desktop", "tablet"};
  static constexpr const char* kBrowsers[] = {"chrome", "safari", "firefox", "other"};
  const std::int64_t span = 365LL * 24 * 3600;
  const long long link_pool = o.links < 10 ? (o.links == 0 ? 1 : o.links) : 10;
  char ref[8];
  for (long long i = 0; i < o.clicks; ++i) {
    const std::uint64_t r = mix(static_cast<std::uint64_t>(i));
    sqlite3_bind_int64(ins, 1, now - span + span * i / o.clicks);
    sqlite3_bind_int64(ins, 2, 1 + static_cast<std::int64_t>(r % link_pool));
    sqlite3_bind_int64(ins, 3, static_cast<std::int64_t>(r));
    sqlite3_bind_int64(ins, 4, static_cast<std::int64_t>(mix(r)));
    sqlite3_bind_int(ins, 5, (r >> 20) % 10 < 6 ? 1 : 0);
    sqlite3_bind_text(ins, 6, kDevices[(r >> 24) % 3], -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 7, kBrowsers[(r >> 28) % 4], -1, SQLITE_STATIC);
    for (int k = 0; k < 6; ++k) ref[k] = static_cast<char>('A' + (r >> (32 + 4 * k)) % 16);
    ref[6] = '\0';
    sqlite3_bind_text(ins, 8, ref, 6, SQLITE_TRANSIENT);
    step_reset(db, ins, "insert click");
    if ((i + 1) % 5'000'000 == 0) std::fprintf(stderr, "seed_bench_db: %lld clicks\n", i + 1);
  }
  sqlite3_finalize(ins);
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  {
    // Creates the file and runs the real migrations.
    auto store = sequencial::open_store(o.db);
    if (!store) {
      std::fprintf(stderr, "seed_bench_db: cannot open %s: %s\n", o.db.c_str(),
                   store.error().message.c_str());
      return 1;
    }
  }
  sqlite3* db = nullptr;
  check(sqlite3_open(o.db.c_str(), &db), db, "open");
  exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;");
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();

  const auto start = std::chrono::steady_clock::now();
  exec(db, "BEGIN");
  seed_links(db, o, now);
  seed_assignments(db, o, now);
  exec(db, "COMMIT");
  const double t_links = seconds_since(start);
  if (o.clicks > 0) {
    exec(db, "BEGIN");
    seed_clicks(db, o, now);
    exec(db, "COMMIT");
  }
  exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  check(sqlite3_close(db), db, "close");
  std::fprintf(stderr,
               "seed_bench_db: %s: %lld links, central of %lld, %lld assignments (%.1f s), "
               "%lld clicks (%.1f s total)\n",
               o.db.c_str(), o.links, o.central_members, o.assignments, t_links, o.clicks,
               seconds_since(start));
  return 0;
}
