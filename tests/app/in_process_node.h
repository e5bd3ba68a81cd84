// One node's request handling in process, wired as `serve` wires it (the
// front door, the redirect handler, the admin API and its account routes,
// the worker pools) over a real SQLite store in a temp directory, without
// the HTTP edge: tests call FrontDoor::handle with HttpRequest values and
// get deferred answers through a PendingResponse that waits for them.
//
// Thread-safety: driven by the test's thread; deferred work runs on the
// worker pools and finishes on theirs.
#pragma once

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "accounts/rate_limiter.h"
#include "accounts/sessions.h"
#include "api/api_auth.h"
#include "api/session_api.h"
#include "api/settings_api.h"
#include "api/stats_api.h"
#include "api/tokens.h"
#include "api/tokens_api.h"
#include "api/users_api.h"
#include "app/front_door.h"
#include "domain/catalog.h"
#include "domain/default_zone.h"
#include "domain/settings.h"
#include "http/client_address.h"
#include "storage/store.h"

namespace sequencial::app::test_node {

using namespace std::chrono_literals;

class FixedClock final : public Clock {
 public:
  Timestamp now() const override { return Timestamp(std::chrono::seconds(1'795'000'000)); }
};

class Pending final : public http::PendingResponse {
 public:
  void finish(std::function<void(http::HttpResponse&)> fill) override {
    http::HttpResponse response;
    fill(response);
    std::lock_guard lock(mutex_);
    if (!response_) response_ = std::move(response);
    cv_.notify_all();
  }
  std::optional<http::HttpResponse> wait(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, timeout, [&] { return response_.has_value(); });
    return response_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<http::HttpResponse> response_;
};

class TestDeferrer final : public http::Deferrer {
 public:
  std::shared_ptr<http::PendingResponse> defer() override {
    last = std::make_shared<Pending>();
    return last;
  }
  std::shared_ptr<Pending> last;
};

inline std::string header_of(const http::HttpResponse& r, std::string_view name) {
  const std::string prefix = std::string(name) + ": ";
  std::size_t at = 0;
  while (at < r.headers.size()) {
    const std::size_t end = r.headers.find("\r\n", at);
    const std::string_view line(r.headers.data() + at, end - at);
    if (line.starts_with(prefix)) return std::string(line.substr(prefix.size()));
    at = end + 2;
  }
  return {};
}

class InProcessNode : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sq-front-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    auto opened = open_store((dir_ / "t.db").string());
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    auto proxies = http::TrustedProxies::parse("");
    ASSERT_TRUE(proxies);
    proxies_ = std::make_unique<http::TrustedProxies>(std::move(*proxies));
    token_ = api::generate_token();
    ASSERT_TRUE(store_->insert_token("test", api::hash_token(token_)));
    wire();
  }
  // (Re)wires the node; a second call first takes the first one down.
  void wire(std::size_t admin_threads = 2, std::size_t admin_queue = 64) {
    unwire();
    catalog_ = std::make_unique<domain::Catalog>(*store_, tables_, assignments_, clock_);
    ASSERT_TRUE(catalog_->load());
    settings_ = std::make_unique<domain::Settings>(*store_, zone_, public_url_);
    ASSERT_TRUE(settings_->load());
    lookups_ = std::make_unique<RouteLookups>(*store_, health_, RouteLookupsOptions{});
    write_behind_ =
        std::make_unique<WriteBehind>(WriteBehindStores{*store_, *store_, *store_}, *catalog_,
                                      assignments_, clock_, 1, WriteBehindOptions{});
    clicks_ = std::make_unique<clicks::ClickPipeline>(*store_, 1, clicks::ClickPipelineOptions{});
    redirects_ = std::make_unique<RedirectHandler>(
        RedirectOptions{},
        RedirectPorts{tables_, assignments_, *lookups_, *write_behind_, *clicks_},
        RedirectContext{public_url_, settings_->profile(), visitor_ids_, metrics_, clock_});
    tokens_ = std::make_unique<api::TokenAuthenticator>(*store_);
    sessions_ = std::make_unique<accounts::SessionManager>(*store_, clock_);
    limiter_ = std::make_unique<accounts::LoginRateLimiter>(clock_);
    auth_ = std::make_unique<api::ApiAuth>(*tokens_, *sessions_);
    const auto zone_now = [this] { return zone_.get(); };
    stats_ = std::make_unique<api::StatsApi>(
        *store_, zone_now, clock_, [this](LinkId id) { return catalog_->slug_of(id); },
        [this] { clicks_->flush(); });
    session_api_ =
        std::make_unique<api::SessionApi>(*store_, *sessions_, *limiter_, *auth_, public_url_,
                                          accounts::PasswordCost::kMinimum, *proxies_);
    users_api_ = std::make_unique<api::UsersApi>(*store_, accounts::PasswordCost::kMinimum,
                                                 *limiter_, *proxies_);
    tokens_api_ = std::make_unique<api::TokensApi>(*store_, *tokens_);
    settings_api_ = std::make_unique<api::SettingsApi>(*settings_);
    admin_ = std::make_unique<api::AdminApi>(
        api::AdminApiOptions{zone_now}, public_url_, *catalog_, *stats_, *auth_,
        api::AccountRoutes{*session_api_, *users_api_, *tokens_api_, *settings_api_}, clock_);
    admin_pool_ = std::make_unique<WorkerPool>(WorkerPoolOptions{
        .name = "t-admin", .threads = admin_threads, .queue_capacity = admin_queue});
    password_pool_ = std::make_unique<WorkerPool>(
        WorkerPoolOptions{.name = "t-pass", .threads = 1, .queue_capacity = 4});
    front_ = std::make_unique<FrontDoor>(
        *redirects_, *admin_, FrontDoorPools{*admin_pool_, *password_pool_},
        FrontDoorParts{.metrics = metrics_,
                       .health = health_,
                       .render_metrics = [] { return std::string("sequencial_test_total 7\n"); },
                       .accepting = [](std::size_t) { return true; }});
  }
  // Takes the node down in the reverse order of wire(): users before what
  // they use (the write-behind flushes through the catalog when destroyed).
  void unwire() {
    front_.reset();
    if (admin_pool_) admin_pool_->stop();
    if (password_pool_) password_pool_->stop();
    admin_pool_.reset();
    password_pool_.reset();
    admin_.reset();
    settings_api_.reset();
    tokens_api_.reset();
    users_api_.reset();
    session_api_.reset();
    stats_.reset();
    auth_.reset();
    limiter_.reset();
    sessions_.reset();
    tokens_.reset();
    redirects_.reset();
    clicks_.reset();
    write_behind_.reset();
    lookups_.reset();
    settings_.reset();
    catalog_.reset();
  }
  void TearDown() override {
    unwire();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A request through the front door, waiting for a deferred answer.
  http::HttpResponse call(std::string_view method, const std::string& target,
                          std::vector<std::pair<std::string_view, std::string_view>> headers = {},
                          std::string body = {}) {
    target_ = target;
    headers_ = std::move(headers);
    body_ = std::move(body);
    http::HttpRequest request;
    request.method = method;
    request.target = target_;
    request.headers = headers_;
    request.body = body_;
    request.deferrer = &deferrer_;
    deferrer_.last.reset();
    http::HttpResponse response;
    front_->handle(request, response);
    deferred_ = response.status == 0;
    if (!deferred_) return response;
    EXPECT_TRUE(deferrer_.last);
    if (!deferrer_.last) return response;
    auto answered = deferrer_.last->wait(10s);
    EXPECT_TRUE(answered) << "the deferred answer never came";
    return answered.value_or(http::HttpResponse{});
  }
  std::string bearer() const { return "Bearer " + token_; }

  std::filesystem::path dir_;
  FixedClock clock_;
  routing::RoutingTableHolder tables_{1};
  routing::AssignmentTable assignments_{1000};
  DatabaseHealth health_;
  domain::PublicUrl public_url_{"https://zap.example.com"};
  domain::DefaultZone zone_{"America/Sao_Paulo"};
  RandomVisitorIds visitor_ids_{1};
  Metrics metrics_{1};
  TestDeferrer deferrer_;
  std::string token_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<http::TrustedProxies> proxies_;
  std::unique_ptr<domain::Catalog> catalog_;
  std::unique_ptr<domain::Settings> settings_;
  std::unique_ptr<RouteLookups> lookups_;
  std::unique_ptr<WriteBehind> write_behind_;
  std::unique_ptr<clicks::ClickPipeline> clicks_;
  std::unique_ptr<RedirectHandler> redirects_;
  std::unique_ptr<api::TokenAuthenticator> tokens_;
  std::unique_ptr<accounts::SessionManager> sessions_;
  std::unique_ptr<accounts::LoginRateLimiter> limiter_;
  std::unique_ptr<api::ApiAuth> auth_;
  std::unique_ptr<api::StatsApi> stats_;
  std::unique_ptr<api::SessionApi> session_api_;
  std::unique_ptr<api::UsersApi> users_api_;
  std::unique_ptr<api::TokensApi> tokens_api_;
  std::unique_ptr<api::SettingsApi> settings_api_;
  std::unique_ptr<api::AdminApi> admin_;
  std::unique_ptr<WorkerPool> admin_pool_;
  std::unique_ptr<WorkerPool> password_pool_;
  std::unique_ptr<FrontDoor> front_;
  std::string target_;
  std::string body_;
  std::vector<std::pair<std::string_view, std::string_view>> headers_;
  bool deferred_ = false;
};

}  // namespace sequencial::app::test_node
