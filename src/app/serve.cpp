// Wiring of the server process.
#include "app/serve.h"

#include <malloc.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <charconv>
#include <fstream>
#include <thread>

#include "accounts/first_admin.h"
#include "accounts/rate_limiter.h"
#include "accounts/sessions.h"
#include "api/admin_api.h"
#include "api/api_auth.h"
#include "api/session_api.h"
#include "api/settings_api.h"
#include "api/stats_api.h"
#include "api/tokens.h"
#include "api/tokens_api.h"
#include "api/users_api.h"
#include "app/change_follower.h"
#include "app/database_health.h"
#include "app/front_door.h"
#include "app/geoip.h"
#include "app/metrics.h"
#include "app/redirect_handler.h"
#include "app/route_lookups.h"
#include "app/setting_sources.h"
#include "app/visitor.h"
#include "app/worker_pool.h"
#include "app/write_behind.h"
#include "clicks/click_pipeline.h"
#include "core/clock.h"
#include "core/prometheus_text.h"
#include "domain/catalog.h"
#include "domain/default_zone.h"
#include "domain/settings.h"
#include "http/client_address.h"
#include "http/server.h"
#include "routing/assignment_table.h"
#include "routing/business_hours.h"
#include "routing/routing_table.h"
#include "storage/store.h"
#include "ui/admin_page.h"
#include "ui/embedded_assets.h"

namespace sequencial::app {
namespace {

#ifdef SEQUENCIAL_TEST_HOOKS
// Test builds only: "now" is the unix time written in a file (falls back to
// the system clock while the file is missing or empty).
class FileClock final : public Clock {
 public:
  explicit FileClock(std::string path) : path_(std::move(path)) {}
  Timestamp now() const override {
    std::ifstream in(path_);
    long long seconds = 0;
    if (in >> seconds) return Timestamp(std::chrono::seconds(seconds));
    return SystemClock().now();
  }

 private:
  std::string path_;
};
#endif

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

Result<ListenAddress> parse_listen(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return fail(Error::invalid("listen", "listen must be HOST:PORT, e.g. 127.0.0.1:8080"));
  }
  ListenAddress out;
  out.host = std::string(text.substr(0, colon));
  if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
  }
  const std::string_view port = text.substr(colon + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (out.host.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    return fail(Error::invalid("listen", "listen must be HOST:PORT with a port from 0 to 65535"));
  }
  out.port = static_cast<std::uint16_t>(value);
  return out;
}

// The first admin created at this start, told once the server listens.
struct FirstAdmin {
  std::string email;
  std::string generated_password;  // empty when the password was given
};

// Creates the first admin when the database has no user.
bool ensure_first_admin(AccountStore& store, const ServeConfig& config, accounts::PasswordCost cost,
                        std::optional<FirstAdmin>& first) {
  auto created =
      accounts::ensure_first_admin(store, config.admin_email, config.admin_password, cost);
  if (!created) {
    spdlog::error("event=first_admin_failed field={} error=\"{}\"",
                  created.error().field.empty() ? "-" : "admin-" + created.error().field,
                  created.error().message);
    return false;
  }
  if (!*created) return true;
  first = FirstAdmin{(*created)->user.email, (*created)->generated_password};
  return true;
}

// The first run's line for a person reading the log: where the painel is and
// how to log in. A generated password is logged once (only its hash is stored).
void tell_first_admin(const FirstAdmin& first, const std::string& public_url) {
  if (first.generated_password.empty()) {
    spdlog::info(
        "event=first_admin email={} painel={}/admin message=\"Open {}/admin in a browser and log "
        "in as {} with the password you gave\"",
        first.email, public_url, public_url, first.email);
    return;
  }
  spdlog::info(
      "event=first_admin email={} password={} painel={}/admin message=\"Open {}/admin in a "
      "browser and log in as {} with the password {} (shown only this once; change it in "
      "Configurações)\"",
      first.email, first.generated_password, public_url, public_url, first.email,
      first.generated_password);
}

// The --db value as logged: a password in a postgres:// URL is masked.
std::string redact_db_url(std::string_view url) {
  std::string out(url);
  const std::size_t scheme = out.find("://");
  const std::size_t at = out.find('@');
  if (scheme != std::string::npos && at != std::string::npos && at > scheme) {
    const std::size_t colon = out.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  const std::size_t password = out.find("password=");
  if (password != std::string::npos) {
    const std::size_t start = password + 9;
    const std::size_t end = out.find_first_of("& ", start);
    out.replace(start, (end == std::string::npos ? out.size() : end) - start, "***");
  }
  return out;
}

// SIGHUP: what the database says now replaces what is in memory (links,
// centrals, saved settings); rotation positions are kept.
void reload(domain::Catalog& catalog, domain::Settings& settings) {
  auto links = catalog.reload();
  auto saved = settings.load();
  if (links && saved) {
    spdlog::info("event=reloaded signal=SIGHUP links={} centrals={}", catalog.link_count(),
                 catalog.central_count());
  } else {
    spdlog::error("event=reload_failed signal=SIGHUP error=\"{}\"",
                  !links ? links.error().message : saved.error().message);
  }
}

// Checks what the flags say before anything is opened; logs what is wrong.
std::optional<ListenAddress> check_config(const ServeConfig& config) {
  auto listen = parse_listen(config.listen);
  if (!listen) {
    spdlog::error("event=bad_config field=listen error=\"{}\"", listen.error().message);
    return std::nullopt;
  }
  if (!routing::is_known_time_zone(config.default_tz)) {
    spdlog::error("event=bad_config field=default-tz error=\"unknown time zone {}\"",
                  config.default_tz);
    return std::nullopt;
  }
  if (config.assignment_retention_days < 1 || config.flush_interval_ms < 1 ||
      config.click_flush_interval_ms < 1 || config.click_flush_batch < 1 ||
      config.click_queue_capacity < 1 || config.click_retention_days < 1 ||
      config.assignment_cache_size < 1 || config.db_deadline_ms < 1 || config.max_connections < 0 ||
      config.workers < 0) {
    spdlog::error(
        "event=bad_config error=\"retentions, intervals, deadline, batch and capacity must be "
        "positive; connections and workers zero (automatic) or positive\"");
    return std::nullopt;
  }
  return *listen;
}

// Blocks the signals before any thread starts, so every thread inherits the
// mask and only sigwait() (wait_for_stop) sees them. SIGHUP (a closed
// terminal, `systemctl reload`) reloads instead of killing the process with
// its unwritten clicks.
sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// Waits for SIGTERM or SIGINT (returned), calling `on_reload` at each SIGHUP.
template <class OnReload>
int wait_for_stop(const sigset_t& signals, OnReload on_reload) {
  int signal_number = 0;
  for (;;) {
    sigwait(&signals, &signal_number);
    if (signal_number != SIGHUP) return signal_number;
    on_reload();
  }
}

// The newest assignments within the retention, up to the cache's capacity.
bool load_assignments(AssignmentStore& store, routing::AssignmentTable& assignments,
                      Timestamp since) {
  auto stored = store.load_recent_assignments(since, assignments.capacity());
  if (!stored) {
    spdlog::error("event=load_failed error=\"{}\"", stored.error().message);
    return false;
  }
  for (const auto& a : *stored) assignments.put(a);
  return true;
}

}  // namespace

int run_serve(const ServeConfig& config) {
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  const auto listen = check_config(config);
  if (!listen) return 2;
  const sigset_t stop_signals = block_stop_signals();

  std::unique_ptr<Clock> clock = std::make_unique<SystemClock>();
#ifdef SEQUENCIAL_TEST_HOOKS
  if (!config.test_clock_file.empty()) clock = std::make_unique<FileClock>(config.test_clock_file);
#endif

  auto store = open_store(config.db);
  if (!store) {
    spdlog::error("event=store_open_failed db=\"{}\" error=\"{}\"", redact_db_url(config.db),
                  store.error().message);
    return 1;
  }
  accounts::PasswordCost password_cost = accounts::PasswordCost::kInteractive;
#ifdef SEQUENCIAL_TEST_HOOKS
  if (config.test_fast_passwords) password_cost = accounts::PasswordCost::kMinimum;
#endif
  std::optional<FirstAdmin> first_admin;
  if (!ensure_first_admin(**store, config, password_cost, first_admin)) return 2;
  const std::size_t loops =
      config.threads > 0 ? config.threads : std::max(1u, std::thread::hardware_concurrency());

  routing::RoutingTableHolder tables(loops);
  routing::AssignmentTable assignments(static_cast<std::size_t>(config.assignment_cache_size));
  DatabaseHealth health;
  domain::Catalog catalog(**store, tables, assignments, *clock);
  if (auto ok = catalog.load(); !ok) {
    spdlog::error("event=load_failed error=\"{}\"", ok.error().message);
    return 1;
  }
  const auto retention = std::chrono::days(config.assignment_retention_days);
  if (!load_assignments(**store, assignments, clock->now() - retention)) return 1;
  // Start-up read links and assignments into temporary vectors; glibc keeps
  // the freed heap pages unless asked, and they would count in the RSS of a
  // node with a million links for as long as it runs.
  malloc_trim(0);

  WriteBehind write_behind(
      **store, catalog, assignments, *clock, loops,
      {std::chrono::milliseconds(config.flush_interval_ms), retention,
       std::chrono::days(config.click_retention_days), std::chrono::minutes(60)});
  write_behind.purge();
  write_behind.start();

  domain::PublicUrl public_url(config.public_url.empty() ? "http://" + config.listen
                                                         : config.public_url);
  domain::DefaultZone default_zone(config.default_tz);
  // Values saved from the admin UI win over flags.
  domain::Settings settings(**store, default_zone, public_url);
  if (auto ok = settings.load(); !ok) {
    spdlog::error("event=load_failed error=\"{}\"", ok.error().message);
    return 1;
  }
  apply_setting_sources(config, settings);
  accounts::SessionManager sessions(**store, *clock);
  if (auto purged = sessions.purge_expired(); !purged) {
    spdlog::error("event=load_failed error=\"{}\"", purged.error().message);
    return 1;
  }
  accounts::LoginRateLimiter login_limiter(*clock);
  // ---- security (issue 14): client addresses behind trusted proxies ----
  auto trusted_proxies = http::TrustedProxies::parse(config.trusted_proxies);
  if (!trusted_proxies) {
    spdlog::error("event=config_error error=\"{}\"", trusted_proxies.error().message);
    return 2;
  }
  if (!trusted_proxies->empty()) {
    spdlog::info("event=trusted_proxies ranges={}", trusted_proxies->describe());
  }
  // ---- end security ----
  GeoIp geoip(config.geoip_db, *trusted_proxies, loops);
  if (auto ok = geoip.load(); !ok) {
    spdlog::error("event=config_error error=\"{}\"", ok.error().message);
    return 2;
  }
  if (geoip.configured()) spdlog::info("event=geoip_loaded file=\"{}\"", config.geoip_db);

  clicks::ClickPipelineOptions click_options;
  click_options.queue_capacity = static_cast<std::size_t>(config.click_queue_capacity);
  click_options.flush_batch = static_cast<std::size_t>(config.click_flush_batch);
  click_options.flush_interval = std::chrono::milliseconds(config.click_flush_interval_ms);
  click_options.spool_path =
      config.click_spool.empty() ? clicks::default_spool_path(config.db) : config.click_spool;
  clicks::ClickPipeline click_pipeline(**store, loops, click_options);
  click_pipeline.start();

  api::TokenAuthenticator tokens(**store);
  // Several nodes on one database: follow the others' changes; whether the
  // backend is shared is decided here, once.
  ChangeFollower follower(**store, catalog, health,
                          [&tokens, &settings](const std::string& what) {
                            if (what == "tokens") tokens.forget_all();
                            if (what == "settings") {
                              if (auto ok = settings.load(); !ok) {
                                spdlog::warn("event=settings_reload_failed error=\"{}\"",
                                             ok.error().message);
                              }
                            }
                          },
                          {});
  const bool shared = follower.open();
  // The redirect path's database questions: batched, with a deadline.
  RouteLookups lookups(
      **store, health,
      {.deadline = std::chrono::milliseconds(config.db_deadline_ms),
       .query_timeout = std::max(std::chrono::milliseconds(1'000),
                                 std::chrono::milliseconds(config.db_deadline_ms) * 20),
       .shared = shared});
  lookups.start();
  // Everything but the redirect runs here, never on an event loop.
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  WorkerPool admin_pool({.name = "sq-admin",
                         .threads = config.workers > 0 ? static_cast<std::size_t>(config.workers)
                                                       : std::max<std::size_t>(2, cores),
                         .queue_capacity = 1024});
  // One thread, at a lower priority: a login flood costs one core's spare
  // time, never the loops' (and its queue bounds the hashes waiting).
  WorkerPool password_pool(
      {.name = "sq-passwords", .threads = 1, .queue_capacity = 64, .nice = 10});

  Metrics metrics(loops);
  RandomVisitorIds visitor_ids(loops, clock.get());
  RedirectHandler redirects({config.default_tz, public_url.get().starts_with("https://")},
                            {tables, assignments, lookups, write_behind, click_pipeline},
                            {public_url, settings.profile(), visitor_ids, metrics, *clock});
  redirects.set_geoip(&geoip);
  api::ApiAuth auth(tokens, sessions);
  const auto zone_now = [&default_zone] { return default_zone.get(); };
  api::StatsApi stats(
      **store, zone_now, *clock, [&catalog](LinkId id) { return catalog.slug_of(id); },
      [&click_pipeline] { click_pipeline.flush(); });
  stats.set_name_of([&catalog](LinkId id) {
    auto link = catalog.link(id);
    return link ? link->label : std::string();
  });
  api::SessionApi session_api(**store, sessions, login_limiter, auth, public_url, password_cost,
                              *trusted_proxies);
  api::UsersApi users_api(**store, password_cost, login_limiter, *trusted_proxies);
  api::TokensApi tokens_api(**store, tokens);
  api::SettingsApi settings_api(settings);
  api::AdminApi admin({zone_now}, public_url, catalog, stats, auth,
                      {session_api, users_api, tokens_api, settings_api}, *clock);
  const ui::AdminPage admin_page(ui::embedded_assets(), ui::embedded_index_html());
  // Read by /metrics on the loops; set once the server is up.
  std::atomic<http::HttpServer*> live_server{nullptr};
  FrontDoor front(
      redirects, admin, {admin_pool, password_pool},
      {.metrics = metrics,
       .health = health,
       .render_metrics =
           [&] {
             const http::HttpServer* running = live_server.load();
             metrics.connections.store(running ? running->active_connections() : 0);
             metrics.links.store(catalog.link_count());
             metrics.centrals.store(catalog.central_count());
             metrics.assignments.store(assignments.size());
             std::string text = metrics.render();
             click_pipeline.append_metrics(text);
             lookups.append_metrics(text);
             health.append_metrics(text);
             append_gauge(text, "sequencial_worker_queue_depth", "Admin and report tasks waiting.",
                          admin_pool.queued());
             append_counter(
                 text, "sequencial_worker_rejected_total",
                 "Admin, report and login tasks refused (503) because their pool was full.",
                 admin_pool.rejected() + password_pool.rejected());
             return text;
           },
       .accepting = [&click_pipeline](std::size_t loop) { return click_pipeline.has_room(loop); },
       .admin_page = &admin_page});

  const http::FdLimit fds = http::raise_fd_limit();
  http::ServerOptions options;
  options.host = listen->host;
  options.port = listen->port;
  options.threads = loops;
  options.max_connections = config.max_connections > 0
                                ? static_cast<std::size_t>(config.max_connections)
                                : http::default_max_connections(fds);
  spdlog::info("event=fd_limit soft_was={} soft={} hard={} max_connections={}", fds.soft_before,
               fds.soft, fds.hard, options.max_connections);
  auto started = http::start_server(options, front);
  if (!started) {
    spdlog::error("event=listen_failed error=\"{}\"", started.error().message);
    lookups.stop();
    click_pipeline.stop();
    write_behind.stop();
    return 1;
  }
  std::unique_ptr<http::HttpServer> server = std::move(*started);
  live_server.store(server.get());
  if (config.public_url.empty()) {
    // The default names the port actually bound (port 0 picks one); a saved
    // value still wins.
    const bool ipv6 = listen->host.find(':') != std::string::npos;
    settings.set_server_public_url("http://" + (ipv6 ? "[" + listen->host + "]" : listen->host) +
                                   ":" + std::to_string(server->port()));
  }
  if (shared) follower.start();
  front.set_ready(true);
  spdlog::info(
      "event=listening address={}:{} port={} loops={} db=\"{}\" shared={} links={} centrals={} "
      "assignments={} public_url={}",
      listen->host, server->port(), server->port(), loops, redact_db_url(config.db), shared,
      catalog.link_count(), catalog.central_count(), assignments.size(), public_url.get());
  if (first_admin) tell_first_admin(*first_admin, public_url.get());

  const int signal_number = wait_for_stop(stop_signals, [&] {
    reload(catalog, settings);
    if (!geoip.configured()) return;
    if (auto ok = geoip.load(); ok) {
      spdlog::info("event=geoip_reloaded file=\"{}\"", config.geoip_db);
    } else {
      spdlog::error("event=geoip_reload_failed error=\"{}\" (the previous file stays in use)",
                    ok.error().message);
    }
  });
  spdlog::info("event=stopping signal={}", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  front.set_ready(false);
  // Requests in flight (parked ones too) are answered before the server
  // returns; only then do the threads that answer them stop.
  server->stop();
  live_server.store(nullptr);
  lookups.stop();
  admin_pool.stop();
  password_pool.stop();
  follower.stop();
  click_pipeline.stop();
  write_behind.stop();
  spdlog::info("event=stopped clicks_written={} clicks_dropped={}", click_pipeline.written(),
               click_pipeline.dropped());
  return 0;
}

}  // namespace sequencial::app
