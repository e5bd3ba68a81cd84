// One running Sequencial node: every part of the server (catalog, routing
// tables, click pipeline, write-behind, route lookups, worker pools, APIs,
// the front door and the HTTP server), built from a ServeConfig and an open
// Store in dependency order, and torn down in the reverse one. serve.cpp
// reads the flags and opens the store; this file owns what runs.
//
// Lifecycle: build() constructs and loads (catalog, assignments, settings,
// sessions, GeoIP) or logs why it cannot; start() starts the background
// threads and listens; reload() is SIGHUP; stop() answers what is in flight,
// then writes every click and assignment before it returns.
//
// Thread-safety: build/start/reload/stop from the controlling thread only
// (the one that waits for signals).
#pragma once

#include <atomic>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>

#include "accounts/password.h"
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
#include "app/serve.h"
#include "app/visitor.h"
#include "app/worker_pool.h"
#include "app/write_behind.h"
#include "clicks/click_pipeline.h"
#include "core/clock.h"
#include "domain/catalog.h"
#include "domain/default_zone.h"
#include "domain/public_url.h"
#include "domain/settings.h"
#include "http/client_address.h"
#include "http/server.h"
#include "routing/assignment_table.h"
#include "routing/routing_table.h"
#include "storage/store.h"
#include "ui/admin_page.h"

namespace sequencial::app {

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

class Node {
 public:
  // What goes wrong is logged; the error is the process's exit code (1: the
  // database, 2: the configuration).
  [[nodiscard]] static std::expected<std::unique_ptr<Node>, int> build(
      const ServeConfig& config, Store& store, const Clock& clock,
      accounts::PasswordCost password_cost);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Starts the background threads and listens on `listen`; 0, or the exit
  // code after logging why it cannot (every thread it started is stopped).
  [[nodiscard]] int start(const ListenAddress& listen);
  // SIGHUP: what the database says now replaces what is in memory (links,
  // centrals, saved settings, the GeoIP file); rotation positions are kept.
  void reload();
  // Graceful stop: requests in flight (parked ones too) are answered before
  // the threads that answer them stop; every click and assignment is
  // written (or spooled). Idempotent.
  void stop();

  [[nodiscard]] std::string public_url() const { return public_url_.get(); }

 private:
  Node(const ServeConfig& config, Store& store, const Clock& clock,
       accounts::PasswordCost password_cost, http::TrustedProxies trusted_proxies);
  // Reads what the node serves from the store; 0, or the exit code after
  // logging why it cannot.
  [[nodiscard]] int load();
  [[nodiscard]] std::string render_metrics();
  void on_change(const std::string& what);

  const ServeConfig& config_;
  Store& store_;
  const Clock& clock_;
  const std::size_t loops_;
  routing::RoutingTableHolder tables_;
  routing::AssignmentTable assignments_;
  DatabaseHealth health_;
  domain::Catalog catalog_;
  WriteBehind write_behind_;
  domain::PublicUrl public_url_;
  domain::DefaultZone default_zone_;
  domain::Settings settings_;  // values saved from the admin UI win over flags
  accounts::SessionManager sessions_;
  accounts::LoginRateLimiter login_limiter_;
  const http::TrustedProxies trusted_proxies_;
  GeoIp geoip_;
  clicks::ClickPipeline click_pipeline_;
  api::TokenAuthenticator tokens_;
  // Several nodes on one database: follow the others' changes; whether the
  // backend is shared is decided here, once.
  ChangeFollower follower_;
  const bool shared_;
  RouteLookups lookups_;  // the redirect path's database questions
  // Everything but the redirect runs on these, never on an event loop.
  WorkerPool admin_pool_;
  WorkerPool password_pool_;
  Metrics metrics_;
  RandomVisitorIds visitor_ids_;
  RedirectHandler redirects_;
  api::ApiAuth auth_;
  api::StatsApi stats_;
  api::SessionApi session_api_;
  api::UsersApi users_api_;
  api::TokensApi tokens_api_;
  api::SettingsApi settings_api_;
  api::AdminApi admin_;
  const ui::AdminPage admin_page_;
  FrontDoor front_;
  std::atomic<http::HttpServer*> live_server_{nullptr};  // read by /metrics on the loops
  std::unique_ptr<http::HttpServer> server_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace sequencial::app
