// Benchmark (not a test): report query times over millions of stored clicks.
//
// 1. Creates a temporary SQLite store with sequencial::open_store() and loads
//    N synthetic clicks (default 10,000,000) spread over ~2 years, across 200
//    links and 10 centrals, with random device/browser/referrer/UTM values,
//    through Store::insert_clicks(batch, rollups_of(batch)): the same writes
//    the click pipeline makes, in larger batches. Prints the load rate.
// 2. Times the reports the admin API serves, through api::StatsApi::report()
//    (the handler behind GET /api/v1/{links,centrals}/{id}/stats: the
//    load_rollups calls for clicks, previews, visitors and the `by`
//    dimension, local-time grouping for day/hour, and the JSON body).
// 3. As the baseline in the same run, answers the same questions by brute
//    force over the raw clicks table (one GROUP BY query per report, with the
//    sqlite3 C API on a second connection), and checks that both agree.
//
// Usage: stats_query_bench [--clicks N] [--repeat N] [--raw-repeat N] ...
// (--help lists every option). See bench/README.md.
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "api/stats_api.h"
#include "core/clock.h"
#include "http/message.h"
#include "routing/time_zone.h"
#include "storage/rollups.h"
#include "storage/store.h"

namespace {

using namespace sequencial;
using Steady = std::chrono::steady_clock;

std::atomic<bool> g_interrupted{false};
extern "C" void on_signal(int) { g_interrupted.store(true); }

double seconds_since(Steady::time_point start) {
  return std::chrono::duration<double>(Steady::now() - start).count();
}

// ------------------------------------------------------------- options --

struct Options {
  std::int64_t clicks = 10'000'000;
  int links = 200;    // link ids 1..links; the last `centrals` of them are anchors
  int centrals = 10;  // each with (links - centrals) / centrals members
  int days = 730;     // clicks spread over this many days, ending now
  int batch = 50'000;
  std::int64_t progress_every = 1'000'000;
  int repeat = 20;     // timed runs of each report (rollups)
  int raw_repeat = 3;  // timed runs of each raw-scan baseline
  std::uint64_t seed = 42;
  std::string tz = "America/Sao_Paulo";
  std::string db;  // empty: a temp dir, removed at exit
  bool reuse = false;
  bool keep = false;
  bool raw = true;
  bool dbstat = true;
  std::string out;  // markdown report
};

void usage() {
  std::puts(
      "Usage: stats_query_bench [options]\n"
      "\n"
      "Loads synthetic clicks into a temporary SQLite store and times the stats\n"
      "reports (rollups) against a brute-force scan of the raw clicks table.\n"
      "\n"
      "  --clicks N          clicks to load (default 10000000)\n"
      "  --links N           links (default 200; the last --centrals of them anchor the centrals)\n"
      "  --centrals N        centrals (default 10)\n"
      "  --days N            time span of the clicks, ending now (default 730)\n"
      "  --batch N           clicks per insert_clicks transaction (default 50000)\n"
      "  --progress N        print the load rate every N clicks (default 1000000)\n"
      "  --repeat N          timed runs of each report (default 20)\n"
      "  --raw-repeat N      timed runs of each raw-scan baseline (default 3)\n"
      "  --no-raw            skip the raw-scan baseline\n"
      "  --no-dbstat         skip the per-table size breakdown (reads the whole file)\n"
      "  --seed N            random seed (default 42)\n"
      "  --tz ZONE           report time zone (default America/Sao_Paulo)\n"
      "  --db PATH           use this database file and keep it (default: a temp dir)\n"
      "  --reuse             with --db: query the clicks already in PATH, load nothing\n"
      "  --keep              keep the temporary database (its path is printed)\n"
      "  --out FILE          also write the report as markdown to FILE\n"
      "  -h, --help          this help");
}

bool parse_int(const char* text, std::int64_t& out) {
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < 0) return false;
  out = v;
  return true;
}

std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "stats_query_bench: %s needs a value\n", argv[i]);
        std::exit(2);
      }
      return argv[++i];
    };
    const auto number = [&](std::int64_t min) -> std::int64_t {
      const char* name = argv[i];
      std::int64_t v = 0;
      if (!parse_int(value(), v) || v < min) {
        std::fprintf(stderr, "stats_query_bench: %s needs an integer >= %lld\n", name,
                     static_cast<long long>(min));
        std::exit(2);
      }
      return v;
    };
    if (a == "-h" || a == "--help") {
      usage();
      std::exit(0);
    } else if (a == "--clicks") {
      o.clicks = number(1);
    } else if (a == "--links") {
      o.links = static_cast<int>(number(2));
    } else if (a == "--centrals") {
      o.centrals = static_cast<int>(number(1));
    } else if (a == "--days") {
      o.days = static_cast<int>(number(2));
    } else if (a == "--batch") {
      o.batch = static_cast<int>(number(1));
    } else if (a == "--progress") {
      o.progress_every = number(1);
    } else if (a == "--repeat") {
      o.repeat = static_cast<int>(number(1));
    } else if (a == "--raw-repeat") {
      o.raw_repeat = static_cast<int>(number(1));
    } else if (a == "--no-raw") {
      o.raw = false;
    } else if (a == "--no-dbstat") {
      o.dbstat = false;
    } else if (a == "--seed") {
      o.seed = static_cast<std::uint64_t>(number(0));
    } else if (a == "--tz") {
      o.tz = value();
    } else if (a == "--db") {
      o.db = value();
    } else if (a == "--reuse") {
      o.reuse = true;
    } else if (a == "--keep") {
      o.keep = true;
    } else if (a == "--out") {
      o.out = value();
    } else {
      std::fprintf(stderr, "stats_query_bench: unknown option %s (see --help)\n", argv[i]);
      return std::nullopt;
    }
  }
  if (o.centrals * 2 > o.links) {
    std::fprintf(stderr, "stats_query_bench: --links must be at least twice --centrals\n");
    return std::nullopt;
  }
  if (o.reuse && o.db.empty()) {
    std::fprintf(stderr, "stats_query_bench: --reuse needs --db PATH\n");
    return std::nullopt;
  }
  return o;
}

// ------------------------------------------------------- synthetic data --

struct Rng {  // splitmix64: fast, and good enough for synthetic data
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  bool chance(double p) { return uniform() < p; }
};

// Zipf-like popularity over ranks 0..n-1: rank 0 is the busiest.
class Zipf {
 public:
  Zipf(int n, double s) {
    double sum = 0;
    for (int k = 1; k <= n; ++k) cdf_.push_back(sum += 1.0 / std::pow(k, s));
    for (double& c : cdf_) c /= sum;
  }
  int pick(Rng& rng) const {
    const double u = rng.uniform();
    return static_cast<int>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
  }
  double share(int rank) const { return cdf_[rank] - (rank == 0 ? 0 : cdf_[rank - 1]); }

 private:
  std::vector<double> cdf_;
};

// A value from `values` with weights `weights` (same length, any scale).
class Weighted {
 public:
  Weighted(std::vector<std::string> values, std::vector<double> weights)
      : values_(std::move(values)) {
    double sum = 0;
    for (double w : weights) cdf_.push_back(sum += w);
    for (double& c : cdf_) c /= sum;
  }
  const std::string& pick(Rng& rng) const {
    const double u = rng.uniform();
    const auto i = std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin();
    return values_[static_cast<std::size_t>(
        std::min<std::ptrdiff_t>(i, static_cast<std::ptrdiff_t>(values_.size()) - 1))];
  }

 private:
  std::vector<std::string> values_;
  std::vector<double> cdf_;
};

std::vector<std::string> numbered(const std::string& prefix, int n, const std::string& suffix) {
  std::vector<std::string> out;
  for (int i = 1; i <= n; ++i) out.push_back(prefix + std::to_string(i) + suffix);
  return out;
}

// Clicks as the redirect handler records them. Links 1..plain_links are
// plain links, and each central c (1..centrals) rotates over members_per
// consecutive ones of them; link plain_links + c is central c's anchor.
// Both plain links and centrals have Zipf-like popularity (link 1 and
// central 1 are the busiest), so the timed reports read the largest scopes.
class ClickGenerator {
 public:
  ClickGenerator(const Options& o, std::int64_t start_unix)
      : rng_{o.seed},
        plain_links_(o.links - o.centrals),
        members_per_(plain_links_ / o.centrals),
        link_pop_(plain_links_, 1.0),
        central_pop_(o.centrals, 0.8),
        start_(start_unix),
        span_(static_cast<std::int64_t>(o.days) * 86400),
        device_({"android", "ios", "windows", "macos", "linux", "other"}, {55, 30, 8, 4, 1, 2}),
        browser_(
            {"chrome", "safari", "instagram", "facebook", "samsung", "firefox", "edge", "other"},
            {38, 22, 16, 10, 6, 3, 3, 2}),
        referrer_(make_referrers(), make_referrer_weights()),
        utm_source_({"", "instagram", "facebook", "google", "tiktok", "email", "whatsapp"},
                    {45, 20, 12, 10, 6, 4, 3}),
        utm_medium_({"", "social", "cpc", "bio", "story", "email"}, {50, 20, 12, 8, 6, 4}) {}

  int members_per() const { return members_per_; }
  int plain_links() const { return plain_links_; }
  LinkId anchor_of(CentralId c) const { return plain_links_ + c; }
  double busiest_link_share() const { return link_pop_.share(0); }

  // The i-th of `total` clicks: times increase with i (as the writer sees
  // them), with jitter inside each click's slot.
  void make(std::int64_t i, std::int64_t total, ClickRecord& c) {
    const std::int64_t slot = std::max<std::int64_t>(1, span_ / total);
    const std::int64_t at = start_ +
                            static_cast<std::int64_t>(static_cast<long double>(i) * span_ / total) +
                            static_cast<std::int64_t>(rng_.below(static_cast<std::uint64_t>(slot)));
    c = ClickRecord{};
    c.at = Timestamp(std::chrono::seconds(at));
    const bool preview = rng_.chance(0.03);
    c.kind = preview ? ClickKind::kPreview : ClickKind::kClick;
    c.visitor = {rng_.next(), rng_.next()};
    c.new_visitor = preview || rng_.chance(0.6);
    if (rng_.chance(0.65)) {  // through a central's anchor
      const CentralId central = central_pop_.pick(rng_) + 1;
      c.central_id = central;
      c.entry_link_id = anchor_of(central);
      if (!preview) {
        c.link_id = (central - 1) * members_per_ + 1 +
                    static_cast<LinkId>(rng_.below(static_cast<std::uint64_t>(members_per_)));
        c.outcome = !c.new_visitor && rng_.chance(0.7) ? "fixed" : "rotation";
      }
    } else {  // a plain link opened directly
      const LinkId link = link_pop_.pick(rng_) + 1;
      c.entry_link_id = link;
      if (!preview) {
        c.link_id = link;
        c.outcome = "link";
      }
    }
    if (preview) c.outcome = "preview";
    c.device = device_.pick(rng_);
    c.browser = browser_.pick(rng_);
    c.referrer = referrer_.pick(rng_);
    c.utm_source = utm_source_.pick(rng_);
    if (!c.utm_source.empty()) {
      c.utm_medium = utm_medium_.pick(rng_);
      // Campaigns change over time: ~8 running in any month, ~200 in 2 years.
      if (rng_.chance(0.8)) {
        const std::int64_t month = (at - start_) / (30 * 86400);
        c.utm_campaign =
            "campanha-" + std::to_string(month * 8 + static_cast<std::int64_t>(rng_.below(8)));
      }
      if (rng_.chance(0.1)) c.utm_term = "termo-" + std::to_string(rng_.below(20));
      if (rng_.chance(0.1)) c.utm_content = "criativo-" + std::to_string(rng_.below(10));
      c.gclid = c.utm_source == "google" && rng_.chance(0.5);
      c.fbclid = (c.utm_source == "facebook" || c.utm_source == "instagram") && rng_.chance(0.5);
    }
    c.source = rng_.chance(0.1) ? ClickSource::kQr : ClickSource::kLink;
    static constexpr std::string_view kRef = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    c.ref.resize(6);
    std::uint64_t bits = rng_.next();
    for (char& ch : c.ref) {
      ch = kRef[bits % kRef.size()];
      bits /= kRef.size();
    }
  }

 private:
  static std::vector<std::string> make_referrers() {
    std::vector<std::string> v = {"",         "instagram.com",  "l.facebook.com", "google.com",
                                  "t.co",     "youtube.com",    "tiktok.com",     "linktr.ee",
                                  "bing.com", "lm.facebook.com"};
    for (auto& s : numbered("parceiro", 30, ".com.br")) v.push_back(s);
    return v;
  }
  static std::vector<double> make_referrer_weights() {
    std::vector<double> w = {40, 18, 10, 8, 3, 3, 4, 3, 1, 2};
    for (int i = 0; i < 30; ++i) w.push_back(0.3);
    return w;
  }

  Rng rng_;
  int plain_links_;
  int members_per_;
  Zipf link_pop_;
  Zipf central_pop_;
  std::int64_t start_;
  std::int64_t span_;
  Weighted device_, browser_, referrer_, utm_source_, utm_medium_;
};

// ----------------------------------------------------------- raw sqlite --

class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "stats_query_bench: cannot open %s: %s\n", path.c_str(),
                   db_ ? sqlite3_errmsg(db_) : "out of memory");
      std::exit(1);
    }
    sqlite3_busy_timeout(db_, 10'000);
  }
  ~RawDb() { sqlite3_close_v2(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  sqlite3_stmt* prepare(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "stats_query_bench: %s\n  in: %s\n", sqlite3_errmsg(db_), sql.c_str());
      std::exit(1);
    }
    return st;
  }
  // A query returning one integer (or nullopt on error: e.g. no dbstat).
  std::optional<std::int64_t> scalar(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return std::nullopt;
    std::optional<std::int64_t> v;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
  }
  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::fprintf(stderr, "stats_query_bench: %s: %s\n", sql.c_str(), err ? err : "?");
      sqlite3_free(err);
    }
  }
  sqlite3* get() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

std::uintmax_t file_size(const std::string& path) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : n;
}

std::string human_bytes(double b) {
  char buf[32];
  if (b >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.2f GB", b / 1e9);
  } else if (b >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.1f MB", b / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f kB", b / 1e3);
  }
  return buf;
}

std::string human_count(double n) {
  char buf[32];
  if (n >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.2fM", n / 1e6);
  } else if (n >= 1e3) {
    std::snprintf(buf, sizeof buf, "%.1fk", n / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f", n);
  }
  return buf;
}

// ------------------------------------------------------------ questions --

class FixedClock final : public sequencial::Clock {
 public:
  explicit FixedClock(Timestamp t) : t_(t) {}
  [[nodiscard]] Timestamp now() const override { return t_; }

 private:
  Timestamp t_;
};

struct Question {
  std::string title;
  StatsScope scope;
  std::int64_t id;
  std::string by;
  std::string from, to;  // local dates, "" = open
};

struct Answer {  // what a report says, from either path
  std::int64_t total = 0, previews = 0, new_visitors = 0, returning = 0;
  std::map<std::string, std::int64_t> rows;
};

std::string slug_of(LinkId id) { return "link-" + std::to_string(id); }

std::string target_of(const Question& q) {
  std::string t = q.scope == StatsScope::kLink ? "/api/v1/links/" : "/api/v1/centrals/";
  t += std::to_string(q.id) + "/stats?by=" + q.by;
  if (!q.from.empty()) t += "&from=" + q.from;
  if (!q.to.empty()) t += "&to=" + q.to;
  return t;
}

std::optional<std::chrono::year_month_day> parse_day(const std::string& s) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (std::sscanf(s.c_str(), "%d-%u-%u", &y, &m, &d) != 3) return std::nullopt;
  return std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{m},
                                     std::chrono::day{d}};
}

// [from, to) in unix seconds, as StatsApi computes it.
std::pair<std::int64_t, std::int64_t> range_of(const Question& q, const std::string& tz,
                                               Timestamp now) {
  std::int64_t from = 0;
  std::int64_t to = (now + std::chrono::hours(24 * 366)).time_since_epoch().count();
  if (!q.from.empty()) {
    from = routing::local_day_start(tz, *parse_day(q.from))->time_since_epoch().count();
  }
  if (!q.to.empty()) {
    const std::chrono::year_month_day next{std::chrono::sys_days(*parse_day(q.to)) +
                                           std::chrono::days(1)};
    to = routing::local_day_start(tz, next)->time_since_epoch().count();
  }
  return {from, to};
}

Answer answer_of_json(const std::string& body) {
  const auto j = nlohmann::json::parse(body);
  Answer a;
  a.total = j.at("total").get<std::int64_t>();
  a.previews = j.at("previews").get<std::int64_t>();
  a.new_visitors = j.at("new_visitors").get<std::int64_t>();
  a.returning = j.at("returning_visitors").get<std::int64_t>();
  for (const auto& row : j.at("rows")) {
    a.rows[row.at("key").get<std::string>()] += row.at("clicks").get<std::int64_t>();
  }
  return a;
}

// The brute-force answer: one GROUP BY over the raw clicks of the scope.
// Uses the clicks indexes where they exist: (link_id, at) and
// (entry_link_id, at) for a link; a central has no index of its own, so a
// central's report is a scan of the whole table.
Answer raw_answer(RawDb& db, const Question& q, const std::string& tz,
                  std::pair<std::int64_t, std::int64_t> range) {
  std::string column = q.by;
  if (q.by == "day" || q.by == "hour") column = "at / 3600";
  if (q.by == "attendant") column = "link_id";
  const std::string where = q.scope == StatsScope::kLink
                                ? "(link_id = ?1 AND kind = 0 OR entry_link_id = ?1 AND kind = 1)"
                                : "central_id = ?1";
  const std::string sql = "SELECT " + column +
                          ", sum(kind = 0), sum(kind = 0 AND new_visitor = 1), sum(kind = 1)"
                          " FROM clicks WHERE " +
                          where + " AND at >= ?2 AND at < ?3 GROUP BY 1";
  sqlite3_stmt* st = db.prepare(sql);
  sqlite3_bind_int64(st, 1, q.id);
  sqlite3_bind_int64(st, 2, range.first);
  sqlite3_bind_int64(st, 3, range.second);
  Answer a;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const std::int64_t clicks = sqlite3_column_int64(st, 1);
    a.total += clicks;
    a.new_visitors += sqlite3_column_int64(st, 2);
    a.previews += sqlite3_column_int64(st, 3);
    if (clicks == 0) continue;
    std::string key;
    if (q.by == "day" || q.by == "hour") {
      const Timestamp at{std::chrono::hours(sqlite3_column_int64(st, 0))};
      key = q.by == "day" ? routing::local_date_label(tz, at) : routing::local_hour_label(tz, at);
    } else if (q.by == "attendant") {
      const LinkId link = sqlite3_column_int64(st, 0);
      if (link == 0) continue;
      key = slug_of(link);
    } else if (q.by == "source") {
      key = sqlite3_column_int64(st, 0) == 1 ? "qr" : "link";
    } else {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      key = text ? text : "";
      if (key.empty()) {
        if (q.by == "device" || q.by == "browser") key = "other";
        if (q.by == "referrer") key = "(direct)";
        if (q.by.starts_with("utm_")) key = "(none)";
      }
    }
    a.rows[key] += clicks;
  }
  sqlite3_finalize(st);
  a.returning = a.total - a.new_visitors;
  return a;
}

std::string compare(const Answer& api, const Answer& raw) {
  std::string diff;
  const auto check = [&](const char* what, std::int64_t x, std::int64_t y) {
    if (x != y) diff += std::string(what) + " " + std::to_string(x) + "≠" + std::to_string(y) + " ";
  };
  check("total", api.total, raw.total);
  check("previews", api.previews, raw.previews);
  check("new", api.new_visitors, raw.new_visitors);
  check("returning", api.returning, raw.returning);
  if (api.rows != raw.rows) {
    std::size_t differing = 0;
    for (const auto& [k, v] : api.rows) {
      auto it = raw.rows.find(k);
      if (it == raw.rows.end() || it->second != v) ++differing;
    }
    diff += "rows differ (" + std::to_string(api.rows.size()) + " vs " +
            std::to_string(raw.rows.size()) + " keys, " + std::to_string(differing) + " differing)";
  }
  return diff.empty() ? "same" : "MISMATCH: " + diff;
}

// The hours StatsApi asks load_rollups for: those touching [from, to).
std::pair<std::int64_t, std::int64_t> hours_of(std::pair<std::int64_t, std::int64_t> range) {
  return {range.first / 3600, (range.second - 1) / 3600 + 1};
}

// Just the Store::load_rollups calls a report makes (clicks, previews,
// visitor, then the `by` dimension, or clicks per hour for day/hour),
// without grouping by local time or JSON. Returns the rows fetched.
std::size_t store_calls(ClickStore& store, const Question& q,
                        std::pair<std::int64_t, std::int64_t> range) {
  const auto [from, to] = hours_of(range);
  std::size_t rows = 0;
  const auto call = [&](std::string_view dimension, bool per_hour) {
    auto r = store.load_rollups(q.scope, q.id, dimension, from, to, per_hour);
    if (!r) {
      std::fprintf(stderr, "stats_query_bench: load_rollups: %s\n", r.error().message.c_str());
      std::exit(1);
    }
    rows += r->size();
  };
  call("clicks", false);
  call("previews", false);
  call("visitor", false);
  if (q.by == "day" || q.by == "hour") {
    call("clicks", true);
  } else {
    call(q.by, false);
  }
  return rows;
}

// Rollup rows the report's load_rollups calls read (the work behind it).
std::int64_t rollup_rows_read(RawDb& db, const Question& q,
                              std::pair<std::int64_t, std::int64_t> range) {
  const auto [from_hour, to_hour] = hours_of(range);
  std::vector<std::string> dims = {"clicks", "previews", "visitor"};
  dims.push_back(q.by == "day" || q.by == "hour" ? "clicks" : q.by);
  std::int64_t n = 0;
  for (const auto& d : dims) {
    sqlite3_stmt* st = db.prepare(
        "SELECT count(*) FROM click_rollups WHERE scope = ?1 AND scope_id = ?2"
        " AND dimension = ?3 AND hour >= ?4 AND hour < ?5");
    sqlite3_bind_int64(st, 1, static_cast<std::int64_t>(q.scope));
    sqlite3_bind_int64(st, 2, q.id);
    sqlite3_bind_text(st, 3, d.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, from_hour);
    sqlite3_bind_int64(st, 5, to_hour);
    if (sqlite3_step(st) == SQLITE_ROW) n += sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  return n;
}

struct Timing {
  double first = 0, median = 0, p95 = 0, min = 0;
};

Timing summarize(std::vector<double> ms) {
  Timing t;
  if (ms.empty()) return t;
  t.first = ms.front();
  std::sort(ms.begin(), ms.end());
  const std::size_t n = ms.size();
  t.min = ms.front();
  t.median = n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
  // Nearest rank: the smallest value with at least 95% of runs at or below it.
  const std::size_t rank = static_cast<std::size_t>(std::ceil(0.95 * static_cast<double>(n)));
  t.p95 = ms[std::clamp<std::size_t>(rank, 1, n) - 1];
  return t;
}

std::string fmt_ms(double ms) {
  char buf[32];
  if (ms >= 100) {
    std::snprintf(buf, sizeof buf, "%.0f ms", ms);
  } else if (ms >= 10) {
    std::snprintf(buf, sizeof buf, "%.1f ms", ms);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f ms", ms);
  }
  return buf;
}

// ------------------------------------------------------------ temp dir --

struct Cleanup {
  std::string dir;  // removed with everything in it, unless empty
  ~Cleanup() {
    if (dir.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

}  // namespace

int main(int argc, char** argv) {
  auto parsed = parse_options(argc, argv);
  if (!parsed) return 2;
  const Options o = *parsed;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  Cleanup cleanup;
  std::string path = o.db;
  if (path.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/sequencial-statsbench.XXXXXX";
    if (mkdtemp(templ.data()) == nullptr) {
      std::perror("stats_query_bench: mkdtemp");
      return 1;
    }
    path = templ + "/stats.db";
    if (!o.keep) cleanup.dir = templ;
  } else if (!o.reuse && std::filesystem::exists(path)) {
    std::fprintf(stderr, "stats_query_bench: %s exists; remove it, or pass --reuse to query it\n",
                 path.c_str());
    return 2;
  }

  std::ostringstream md;  // the markdown report
  const auto both = [&](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
    md << line << "\n";
  };

#if defined(__OPTIMIZE__) && defined(NDEBUG)
  const char* build = "optimised, NDEBUG";
#else
  const char* build = "NOT a Release build: figures are not representative";
#endif
  std::printf("stats_query_bench: database %s (%s; SQLite %s)\n", path.c_str(), build,
              sqlite3_libversion());

  auto store = open_store(path);
  if (!store) {
    std::fprintf(stderr, "stats_query_bench: %s\n", store.error().message.c_str());
    return 1;
  }

  const Timestamp wall_now =
      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  Timestamp now = wall_now;
  std::int64_t clicks_stored = 0;
  double load_seconds = 0;
  std::string load_line;
  ClickGenerator gen(o, (wall_now - std::chrono::days(o.days)).time_since_epoch().count());

  if (o.reuse) {
    RawDb raw(path);
    clicks_stored = raw.scalar("SELECT count(*) FROM clicks").value_or(0);
    if (clicks_stored == 0) {
      std::fprintf(stderr, "stats_query_bench: %s holds no clicks\n", path.c_str());
      return 2;
    }
    now = Timestamp(std::chrono::seconds(raw.scalar("SELECT max(at) FROM clicks").value_or(0) + 1));
    std::printf("reusing %lld clicks already stored (reports as of the last click)\n",
                static_cast<long long>(clicks_stored));
  } else {
    std::printf(
        "loading %s clicks over %d days: %d links, %d centrals of %d members, batches of %d\n",
        human_count(static_cast<double>(o.clicks)).c_str(), o.days, o.links, o.centrals,
        gen.members_per(), o.batch);
    std::fflush(stdout);
    std::vector<ClickRecord> batch(static_cast<std::size_t>(o.batch));
    double gen_s = 0, roll_s = 0, insert_s = 0;
    std::int64_t upserts = 0;
    std::int64_t next_report = o.progress_every;
    const auto started = Steady::now();
    auto last_report_at = started;
    std::int64_t last_report_n = 0;
    while (clicks_stored < o.clicks && !g_interrupted.load()) {
      const auto n =
          static_cast<std::size_t>(std::min<std::int64_t>(o.batch, o.clicks - clicks_stored));
      batch.resize(n);
      auto t = Steady::now();
      for (std::size_t k = 0; k < n; ++k) {
        gen.make(clicks_stored + static_cast<std::int64_t>(k), o.clicks, batch[k]);
      }
      gen_s += seconds_since(t);
      t = Steady::now();
      const auto rollups = rollups_of(batch);
      roll_s += seconds_since(t);
      t = Steady::now();
      if (auto ok = (*store)->insert_clicks(batch, rollups); !ok) {
        std::fprintf(stderr, "stats_query_bench: insert_clicks: %s\n", ok.error().message.c_str());
        return 1;
      }
      insert_s += seconds_since(t);
      upserts += static_cast<std::int64_t>(rollups.size());
      clicks_stored += static_cast<std::int64_t>(n);
      if (clicks_stored >= next_report || clicks_stored == o.clicks) {
        next_report += o.progress_every;
        const double total_s = seconds_since(started);
        const double recent_s =
            std::chrono::duration<double>(Steady::now() - last_report_at).count();
        std::printf(
            "  %s/%s clicks (%3.0f%%) in %6.1f s: %s clicks/s overall, %s/s lately;"
            " %s rollup upserts; generate %.0f s, rollups_of %.0f s, insert_clicks %.0f s;"
            " file %s\n",
            human_count(static_cast<double>(clicks_stored)).c_str(),
            human_count(static_cast<double>(o.clicks)).c_str(),
            100.0 * static_cast<double>(clicks_stored) / static_cast<double>(o.clicks), total_s,
            human_count(static_cast<double>(clicks_stored) / total_s).c_str(),
            human_count(static_cast<double>(clicks_stored - last_report_n) / recent_s).c_str(),
            human_count(static_cast<double>(upserts)).c_str(), gen_s, roll_s, insert_s,
            human_bytes(static_cast<double>(file_size(path) + file_size(path + "-wal"))).c_str());
        std::fflush(stdout);
        last_report_at = Steady::now();
        last_report_n = clicks_stored;
      }
    }
    load_seconds = seconds_since(started);
    if (g_interrupted.load()) {
      std::fprintf(stderr, "stats_query_bench: interrupted after %lld clicks\n",
                   static_cast<long long>(clicks_stored));
      return 130;
    }
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "- load: %s clicks in %.0f s = **%s clicks/s** (batches of %d in one"
                  " transaction each; generate %.0f s, rollups_of %.0f s, insert_clicks %.0f s;"
                  " %s rollup upserts = %.1f per click)",
                  human_count(static_cast<double>(clicks_stored)).c_str(), load_seconds,
                  human_count(static_cast<double>(clicks_stored) / load_seconds).c_str(), o.batch,
                  gen_s, roll_s, insert_s, human_count(static_cast<double>(upserts)).c_str(),
                  static_cast<double>(upserts) / static_cast<double>(clicks_stored));
    load_line = buf;
  }

  RawDb raw(path);
  raw.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  const std::int64_t rollup_rows = raw.scalar("SELECT count(*) FROM click_rollups").value_or(-1);
  const std::uintmax_t db_bytes = file_size(path) + file_size(path + "-wal");
  std::string sizes;
  if (o.dbstat) {
    const auto t = Steady::now();
    const auto table_bytes = [&](const char* where) {
      return raw.scalar(std::string("SELECT sum(pgsize) FROM dbstat WHERE ") + where);
    };
    const auto clicks_b = table_bytes("name = 'clicks'");
    const auto clicks_idx = table_bytes("name LIKE 'clicks_by_%'");
    const auto rollups_b = table_bytes("name = 'click_rollups'");
    if (clicks_b && rollups_b) {
      sizes = "; raw clicks table " + human_bytes(static_cast<double>(*clicks_b)) +
              " + its 3 indexes " + human_bytes(static_cast<double>(clicks_idx.value_or(0))) +
              ", click_rollups " + human_bytes(static_cast<double>(*rollups_b));
    } else {
      sizes = "; (per-table sizes: dbstat not available in this SQLite)";
    }
    std::printf("(per-table sizes read with dbstat in %.0f s)\n", seconds_since(t));
  }

  const auto tzday = [&](Timestamp t) { return routing::local_date_label(o.tz, t); };
  char head[640];
  std::snprintf(head, sizeof head,
                "- data: %s clicks over %d days (%d links, %d centrals of %d members; link 1 and"
                " central 1 are the busiest), 3%% previews, 65%% through a central",
                human_count(static_cast<double>(clicks_stored)).c_str(), o.days, o.links,
                o.centrals, gen.members_per());
  both("# Stats queries over " + human_count(static_cast<double>(clicks_stored)) + " clicks");
  both("");
  both(std::string("- build: ") + build + "; SQLite " + sqlite3_libversion() +
       "; machine: " + std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) + " cores");
  both(head);
  if (!load_line.empty()) both(load_line);
  both("- database: " + human_bytes(static_cast<double>(db_bytes)) + " (after a WAL checkpoint)" +
       sizes + "; " + human_count(static_cast<double>(rollup_rows)) + " rollup rows (" +
       std::to_string(rollup_rows) + ")");
  both("- reports as of " + tzday(now) + " (" + o.tz + "), through api::StatsApi::report(): " +
       std::to_string(o.repeat) + " runs each; raw scan: " + std::to_string(o.raw_repeat) +
       " runs each; the OS page cache holds the file (warm)");
  both("");

  const std::vector<Question> questions = {
      {"link 1, all time, by=day", StatsScope::kLink, 1, "day", "", ""},
      {"link 1, last 30 days, by=device", StatsScope::kLink, 1, "device",
       tzday(now - std::chrono::days(29)), tzday(now)},
      {"central 1, all time, by=attendant", StatsScope::kCentral, 1, "attendant", "", ""},
      {"central 1, last 365 days, by=hour", StatsScope::kCentral, 1, "hour",
       tzday(now - std::chrono::days(364)), tzday(now)},
      {"central 1, all time, by=utm_campaign", StatsScope::kCentral, 1, "utm_campaign", "", ""},
  };

  FixedClock clock(now);
  // No click pipeline here: nothing is queued, so flushing (before a reset) is a no-op.
  api::StatsApi stats(
      **store, o.tz, clock, [](LinkId id) { return slug_of(id); }, [] {});

  both(
      "| report | rollups median | p95 | first | of which load_rollups | rollup rows read |"
      " result rows | raw scan median | raw p95 | raw / rollups | totals and rows |");
  both("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
  bool mismatch = false;
  for (const Question& q : questions) {
    if (g_interrupted.load()) return 130;
    const std::string target = target_of(q);
    http::HttpRequest request;
    request.method = "GET";
    request.target = target;
    http::HttpResponse response;
    std::vector<double> ms;
    for (int r = 0; r < o.repeat; ++r) {
      response.clear();
      const auto t = Steady::now();
      auto ok = stats.report(q.scope, q.id, request, response);
      ms.push_back(seconds_since(t) * 1e3);
      if (!ok || response.status != 200) {
        std::fprintf(stderr, "stats_query_bench: %s failed: %s\n", target.c_str(),
                     ok ? response.body.c_str() : ok.error().message.c_str());
        return 1;
      }
    }
    const Timing rt = summarize(ms);
    const Answer api_answer = answer_of_json(response.body);
    const auto range = range_of(q, o.tz, now);
    std::vector<double> store_ms;
    for (int r = 0; r < o.repeat; ++r) {
      const auto t = Steady::now();
      (void)store_calls(**store, q, range);
      store_ms.push_back(seconds_since(t) * 1e3);
    }
    const Timing st = summarize(store_ms);
    const std::int64_t read = rollup_rows_read(raw, q, range);

    std::string raw_med = "-", raw_p95 = "-", ratio = "-", check = "(not checked)";
    if (o.raw) {
      std::vector<double> raw_ms;
      Answer raw_answer_last;
      for (int r = 0; r < o.raw_repeat && !g_interrupted.load(); ++r) {
        const auto t = Steady::now();
        raw_answer_last = raw_answer(raw, q, o.tz, range);
        raw_ms.push_back(seconds_since(t) * 1e3);
      }
      const Timing wt = summarize(raw_ms);
      raw_med = fmt_ms(wt.median);
      raw_p95 = fmt_ms(wt.p95);
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.0f×", wt.median / std::max(rt.median, 1e-6));
      ratio = buf;
      check = compare(api_answer, raw_answer_last);
      if (check != "same") mismatch = true;
    }
    both("| " + q.title + " | " + fmt_ms(rt.median) + " | " + fmt_ms(rt.p95) + " | " +
         fmt_ms(rt.first) + " | " + fmt_ms(st.median) + " | " + std::to_string(read) + " | " +
         std::to_string(api_answer.rows.size()) + " | " + raw_med + " | " + raw_p95 + " | " +
         ratio + " | " + check + " (total " + std::to_string(api_answer.total) + ") |");
  }
  both("");
  both(
      "rollups = the whole report handler (4 load_rollups calls, grouping, JSON) on the"
      " store's connection; `of which load_rollups` = the median of those 4 calls alone"
      " (the rest is grouping by local day/hour and JSON); raw scan = one GROUP BY over the clicks "
      "table for the same answer"
      " (a central has no index on clicks: a full scan). `totals and rows` compares both"
      " answers.");

  if (!o.out.empty()) {
    std::ofstream f(o.out);
    f << md.str();
    std::printf("wrote %s\n", o.out.c_str());
  }
  if (o.keep || !o.db.empty()) std::printf("database kept: %s\n", path.c_str());
  return mismatch ? 1 : 0;
}
