// In-process tests of the front door (the dispatcher the HTTP edge calls),
// wired as `serve` wires it over a real SQLite store, without a socket:
// the operational endpoints (/healthz, /readyz ready, not ready and
// degraded, /metrics), 405 off the API, a slug with a trailing slash, the
// admin API deferred to the worker pool (401 without a token, 200 with one,
// security headers), a full pool answering 503 with Retry-After at once,
// QR codes off the loop, and the body allowances.
#include "app/front_door.h"

#include <gtest/gtest.h>

#include <latch>

#include "in_process_node.h"

namespace sequencial::app {
namespace {

using test_node::header_of;
using FrontDoorTest = test_node::InProcessNode;

TEST_F(FrontDoorTest, OperationalEndpoints) {
  const http::HttpResponse health = call("GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok\n");

  EXPECT_EQ(call("GET", "/readyz").status, 503) << "not ready before set_ready(true)";
  front_->set_ready(true);
  const http::HttpResponse ready = call("GET", "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, "ready\n");
  health_.report(Error::unavailable("down"));
  ASSERT_FALSE(health_.up());
  const http::HttpResponse degraded = call("GET", "/readyz");
  EXPECT_EQ(degraded.status, 200) << "redirects go on from memory: stay in the balancer";
  EXPECT_EQ(degraded.body, R"({"status":"degraded","database":"unreachable"})");
  front_->set_ready(false);
  EXPECT_EQ(call("GET", "/readyz").status, 503);

  const http::HttpResponse metrics = call("GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.body, "sequencial_test_total 7\n");
  EXPECT_TRUE(header_of(metrics, "Content-Type").starts_with("text/plain; version=0.0.4"));
  EXPECT_FALSE(deferred_) << "operational endpoints answer on the loop";
}

TEST_F(FrontDoorTest, SlugsRedirectOnTheLoopAndOnlyForGetAndHead) {
  domain::LinkInput in;
  in.slug = "joao";
  in.phone = "5511999990001";
  ASSERT_TRUE(catalog_->create_link(in));
  const http::HttpResponse r = call("GET", "/joao/");
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(header_of(r, "Location"), "https://wa.me/5511999990001");
  EXPECT_FALSE(deferred_) << "a plain link never leaves the loop";
  const http::HttpResponse post = call("POST", "/joao");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(header_of(post, "Allow"), "GET, HEAD");
  EXPECT_EQ(call("GET", "/ninguem").status, 404);
  EXPECT_EQ(call("GET", "/admin").status, 404) << "no admin page wired";

  const http::HttpResponse qr = call("GET", "/joao/qr.svg");
  EXPECT_TRUE(deferred_) << "QR codes are drawn on the worker pool";
  EXPECT_EQ(qr.status, 200);
  EXPECT_EQ(header_of(qr, "Content-Type"), "image/svg+xml");
}

TEST_F(FrontDoorTest, TheAdminApiRunsOnTheWorkerPoolWithSecurityHeaders) {
  const http::HttpResponse anonymous = call("GET", "/api/v1/links");
  EXPECT_TRUE(deferred_);
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
  EXPECT_FALSE(header_of(anonymous, "X-Content-Type-Options").empty()) << anonymous.headers;

  const http::HttpResponse created = call("POST", "/api/v1/links", {{"Authorization", bearer()}},
                                          R"({"slug":"maria","phone":"5511999990002"})");
  EXPECT_EQ(created.status, 201) << created.body;
  const http::HttpResponse listed = call("GET", "/api/v1/links", {{"Authorization", bearer()}});
  EXPECT_TRUE(deferred_);
  EXPECT_EQ(listed.status, 200) << listed.body;
  EXPECT_NE(listed.body.find("\"maria\""), std::string::npos) << listed.body;
  EXPECT_EQ(call("GET", "/maria").status, 302) << "the API's change is live on the redirect";
  // Counted once each, when sent.
  EXPECT_NE(metrics_.render().find("sequencial_http_responses_total{code=\"2xx\"} 2"),
            std::string::npos)
      << metrics_.render();
}

TEST_F(FrontDoorTest, AFullPoolAnswers503AtOnce) {
  wire(/*admin_threads=*/1, /*admin_queue=*/1);
  std::latch release(1);
  std::latch running(1);
  ASSERT_TRUE(admin_pool_->submit([&] {
    running.count_down();
    release.wait();
  }));
  running.wait();
  ASSERT_TRUE(admin_pool_->submit([] {}));  // the queue's one place
  const http::HttpResponse busy = call("GET", "/api/v1/links", {{"Authorization", bearer()}});
  release.count_down();
  EXPECT_EQ(busy.status, 503) << busy.body;
  EXPECT_EQ(header_of(busy, "Retry-After"), "1");
  EXPECT_NE(busy.body.find("busy"), std::string::npos) << busy.body;
}

TEST_F(FrontDoorTest, BodiesAreAllowedOnlyWhereARouteTakesOne) {
  const auto allowance = [&](std::string_view target,
                             std::vector<std::pair<std::string_view, std::string_view>> headers) {
    http::HttpRequest head;
    head.method = "POST";
    head.target = target;
    head.headers = headers;
    return front_->body_allowance(head);
  };
  EXPECT_EQ(allowance("/api/v1/links", {{"Authorization", "Bearer x"}}), 1024u * 1024u);
  EXPECT_EQ(allowance("/api/v1/links", {{"Cookie", "a=b; sqs=abc"}}), 1024u * 1024u);
  EXPECT_EQ(allowance("/api/v1/session", {}), 8u * 1024u);
  EXPECT_EQ(allowance("/joao", {{"Authorization", "Bearer x"}}), 8u * 1024u);
}

}  // namespace
}  // namespace sequencial::app
