// The parts of a running node, built in dependency order (see node.h).
#include "app/node.h"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "app/setting_sources.h"
#include "core/prometheus_text.h"
#include "ui/embedded_assets.h"

namespace sequencial::app {
namespace {

// Several nodes: batches of the redirect path's questions in flight at once
// (PgStore has four connections for them). bench/never_wait.sh, 1 ms each
// way: 1, 2, 3 and 4 threads rotate 46k, 53k, 56-58k and 53k req/s.
constexpr std::size_t kSharedLookupThreads = 3;

std::size_t event_loops(const ServeConfig& config) {
  return config.threads > 0 ? config.threads : std::max(1u, std::thread::hardware_concurrency());
}

WriteBehindOptions write_behind_options(const ServeConfig& config) {
  return {std::chrono::milliseconds(config.flush_interval_ms),
          std::chrono::days(config.assignment_retention_days),
          std::chrono::days(config.click_retention_days), std::chrono::minutes(60)};
}

clicks::ClickPipelineOptions click_options(const ServeConfig& config) {
  clicks::ClickPipelineOptions options;
  options.queue_capacity = static_cast<std::size_t>(config.click_queue_capacity);
  options.flush_batch = static_cast<std::size_t>(config.click_flush_batch);
  options.flush_interval = std::chrono::milliseconds(config.click_flush_interval_ms);
  options.spool_path =
      config.click_spool.empty() ? clicks::default_spool_path(config.db) : config.click_spool;
  return options;
}

RouteLookupsOptions lookup_options(const ServeConfig& config, bool shared) {
  const auto deadline = std::chrono::milliseconds(config.db_deadline_ms);
  const std::size_t threads = shared ? kSharedLookupThreads : 1;
  return {.deadline = deadline,
          .query_timeout = std::max(std::chrono::milliseconds(1'000), deadline * 20),
          .shared = shared,
          .threads = threads};
}

WorkerPoolOptions admin_pool_options(const ServeConfig& config) {
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return {.name = "sq-admin",
          .threads = config.workers > 0 ? static_cast<std::size_t>(config.workers)
                                        : std::max<std::size_t>(2, cores),
          .queue_capacity = 1024};
}

// One thread, at a lower priority: a login flood costs one core's spare
// time, never the loops' (and its queue bounds the hashes waiting).
WorkerPoolOptions password_pool_options() {
  return {.name = "sq-passwords", .threads = 1, .queue_capacity = 64, .nice = 10};
}

std::string default_public_url(const ServeConfig& config) {
  return config.public_url.empty() ? "http://" + config.listen : config.public_url;
}

}  // namespace

std::expected<std::unique_ptr<Node>, int> Node::build(const ServeConfig& config, Store& store,
                                                      const Clock& clock,
                                                      accounts::PasswordCost password_cost) {
  auto trusted_proxies = http::TrustedProxies::parse(config.trusted_proxies);
  if (!trusted_proxies) {
    spdlog::error("event=config_error error=\"{}\"", trusted_proxies.error().message);
    return std::unexpected(2);
  }
  if (!trusted_proxies->empty()) {
    spdlog::info("event=trusted_proxies ranges={}", trusted_proxies->describe());
  }
  std::unique_ptr<Node> node(
      new Node(config, store, clock, password_cost, std::move(*trusted_proxies)));
  if (const int failed = node->load(); failed != 0) return std::unexpected(failed);
  return node;
}

Node::Node(const ServeConfig& config, Store& store, const Clock& clock,
           accounts::PasswordCost password_cost, http::TrustedProxies trusted_proxies)
    : config_(config),
      store_(store),
      clock_(clock),
      loops_(event_loops(config)),
      tables_(loops_),
      assignments_(static_cast<std::size_t>(config.assignment_cache_size)),
      catalog_(store, tables_, assignments_, clock),
      write_behind_({store, store, store}, catalog_, assignments_, clock, loops_,
                    write_behind_options(config)),
      public_url_(default_public_url(config)),
      default_zone_(config.default_tz),
      settings_(store, default_zone_, public_url_),
      sessions_(store, clock),
      login_limiter_(clock),
      trusted_proxies_(std::move(trusted_proxies)),
      geoip_(config.geoip_db, trusted_proxies_, loops_),
      click_pipeline_(store, loops_, click_options(config)),
      tokens_(store),
      follower_(store, catalog_, health_, [this](const std::string& what) { on_change(what); }, {}),
      shared_(follower_.open()),
      lookups_(store, health_, lookup_options(config, shared_)),
      admin_pool_(admin_pool_options(config)),
      password_pool_(password_pool_options()),
      metrics_(loops_),
      visitor_ids_(loops_, &clock),
      redirects_({config.default_tz, public_url_.get().starts_with("https://")},
                 {tables_, assignments_, lookups_, write_behind_, click_pipeline_},
                 {public_url_, settings_.profile(), visitor_ids_, metrics_, clock}),
      auth_(tokens_, sessions_),
      stats_(
          store, [this] { return default_zone_.get(); }, clock,
          [this](LinkId id) { return catalog_.slug_of(id); }, [this] { click_pipeline_.flush(); }),
      session_api_(store, sessions_, login_limiter_, auth_, public_url_, password_cost,
                   trusted_proxies_),
      users_api_(store, password_cost, login_limiter_, trusted_proxies_),
      tokens_api_(store, tokens_),
      settings_api_(settings_),
      admin_({[this] { return default_zone_.get(); }}, public_url_, catalog_, stats_, auth_,
             {session_api_, users_api_, tokens_api_, settings_api_}, clock),
      admin_page_(ui::embedded_assets(), ui::embedded_index_html()),
      front_(redirects_, admin_, {admin_pool_, password_pool_},
             {.metrics = metrics_,
              .health = health_,
              .render_metrics = [this] { return render_metrics(); },
              .accepting = [this](std::size_t loop) { return click_pipeline_.has_room(loop); },
              .admin_page = &admin_page_}) {
  redirects_.set_geoip(&geoip_);
  stats_.set_name_of([this](LinkId id) {
    auto link = catalog_.link(id);
    return link ? link->label : std::string();
  });
}

Node::~Node() { stop(); }

int Node::load() {
  const auto fail_with = [](int code, const Error& error) {
    spdlog::error("event={} error=\"{}\"", code == 1 ? "load_failed" : "config_error",
                  error.message);
    return code;
  };
  if (auto ok = catalog_.load(); !ok) return fail_with(1, ok.error());
  const Timestamp since = clock_.now() - std::chrono::days(config_.assignment_retention_days);
  {
    auto stored = store_.load_recent_assignments(since, assignments_.capacity());
    if (!stored) return fail_with(1, stored.error());
    for (const auto& a : *stored) assignments_.put(a);
  }
  // Start-up read links and assignments into temporary vectors; glibc keeps
  // the freed heap pages unless asked, and they would count in the RSS of a
  // node with a million links for as long as it runs.
  malloc_trim(0);
  write_behind_.purge();
  if (auto ok = settings_.load(); !ok) return fail_with(1, ok.error());
  apply_setting_sources(config_, settings_);
  if (auto purged = sessions_.purge_expired(); !purged) return fail_with(1, purged.error());
  if (auto ok = geoip_.load(); !ok) return fail_with(2, ok.error());
  if (geoip_.configured()) spdlog::info("event=geoip_loaded file=\"{}\"", config_.geoip_db);
  return 0;
}

int Node::start(const ListenAddress& listen) {
  started_ = true;
  write_behind_.start();
  click_pipeline_.start();
  lookups_.start();
  const http::FdLimit fds = http::raise_fd_limit();
  http::ServerOptions options;
  options.host = listen.host;
  options.port = listen.port;
  options.threads = loops_;
  options.max_connections = config_.max_connections > 0
                                ? static_cast<std::size_t>(config_.max_connections)
                                : http::default_max_connections(fds);
  spdlog::info("event=fd_limit soft_was={} soft={} hard={} max_connections={}", fds.soft_before,
               fds.soft, fds.hard, options.max_connections);
  auto started = http::start_server(options, front_);
  if (!started) {
    spdlog::error("event=listen_failed error=\"{}\"", started.error().message);
    stop();
    return 1;
  }
  server_ = std::move(*started);
  live_server_.store(server_.get());
  if (config_.public_url.empty()) {
    // The default names the port actually bound (port 0 picks one); a saved
    // value still wins.
    const bool ipv6 = listen.host.find(':') != std::string::npos;
    settings_.set_server_public_url("http://" + (ipv6 ? "[" + listen.host + "]" : listen.host) +
                                    ":" + std::to_string(server_->port()));
  }
  if (shared_) follower_.start();
  front_.set_ready(true);
  spdlog::info(
      "event=listening address={}:{} port={} loops={} db=\"{}\" shared={} links={} centrals={} "
      "assignments={} public_url={}",
      listen.host, server_->port(), server_->port(), loops_, redact_db_url(config_.db), shared_,
      catalog_.link_count(), catalog_.central_count(), assignments_.size(), public_url_.get());
  return 0;
}

void Node::reload() {
  auto links = catalog_.reload();
  auto saved = settings_.load();
  if (links && saved) {
    spdlog::info("event=reloaded signal=SIGHUP links={} centrals={}", catalog_.link_count(),
                 catalog_.central_count());
  } else {
    spdlog::error("event=reload_failed signal=SIGHUP error=\"{}\"",
                  !links ? links.error().message : saved.error().message);
  }
  if (!geoip_.configured()) return;
  if (auto ok = geoip_.load(); ok) {
    spdlog::info("event=geoip_reloaded file=\"{}\"", config_.geoip_db);
  } else {
    spdlog::error("event=geoip_reload_failed error=\"{}\" (the previous file stays in use)",
                  ok.error().message);
  }
}

void Node::stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  front_.set_ready(false);
  // Requests in flight (parked ones too) are answered before the server
  // returns; only then do the threads that answer them stop.
  if (server_) server_->stop();
  live_server_.store(nullptr);
  lookups_.stop();
  admin_pool_.stop();
  password_pool_.stop();
  follower_.stop();
  click_pipeline_.stop();
  write_behind_.stop();
  spdlog::info("event=stopped clicks_written={} clicks_dropped={}", click_pipeline_.written(),
               click_pipeline_.dropped());
}

void Node::on_change(const std::string& what) {
  if (what == "tokens") tokens_.forget_all();
  if (what != "settings") return;
  if (auto ok = settings_.load(); !ok) {
    spdlog::warn("event=settings_reload_failed error=\"{}\"", ok.error().message);
  }
}

std::string Node::render_metrics() {
  const http::HttpServer* running = live_server_.load();
  metrics_.connections.store(running ? running->active_connections() : 0);
  metrics_.links.store(catalog_.link_count());
  metrics_.centrals.store(catalog_.central_count());
  metrics_.assignments.store(assignments_.size());
  std::string text = metrics_.render();
  click_pipeline_.append_metrics(text);
  lookups_.append_metrics(text);
  health_.append_metrics(text);
  append_gauge(text, "sequencial_worker_queue_depth", "Admin and report tasks waiting.",
               admin_pool_.queued());
  append_counter(text, "sequencial_worker_rejected_total",
                 "Admin, report and login tasks refused (503) because their pool was full.",
                 admin_pool_.rejected() + password_pool_.rejected());
  return text;
}

}  // namespace sequencial::app
