// In-process tests of the redirect handler (no server binary, no socket):
// the handler wired as `serve` wires it, over a real SQLite store in a temp
// directory, called with HttpRequest values. A plain link's 302 (Location,
// Cache-Control, the visitor cookie, the click record), 404s, the exact
// rotation, requests that are not clicks, atendimento fixo with the cookie,
// a click parked for a shared rotation ticket (answered through the
// deferred response), and the QR image's payload.
#include "app/redirect_handler.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "app/database_health.h"
#include "domain/catalog.h"
#include "domain/public_profile.h"
#include "qr/qr_code.h"
#include "scripted_store.h"

namespace sequencial::app {
namespace {

using namespace std::chrono_literals;

class FixedClock final : public Clock {
 public:
  Timestamp now() const override { return Timestamp(std::chrono::seconds(1'795'000'000)); }
};

// A deferred answer, filled in on the thread that finishes it.
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

// The value of header `name` in a response's header lines ("" when absent).
std::string header_of(const http::HttpResponse& r, std::string_view name) {
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

// The whole server side of one node, minus the HTTP edge.
class RedirectHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sq-redirect-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    auto opened = open_store((dir_ / "t.db").string());
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::make_unique<ScriptedStore>(std::move(*opened));
    catalog_ = std::make_unique<domain::Catalog>(*store_, tables_, assignments_, clock_);
    ASSERT_TRUE(catalog_->load());
  }
  // Wires the handler; `shared` as when several nodes share the database
  // (rotation tickets asked through RouteLookups).
  void wire(bool shared = false) {
    lookups_ = std::make_unique<RouteLookups>(
        *store_, health_, RouteLookupsOptions{.deadline = 5s, .shared = shared});
    lookups_->start();
    write_behind_ =
        std::make_unique<WriteBehind>(WriteBehindStores{*store_, *store_, *store_}, *catalog_,
                                      assignments_, clock_, 1, WriteBehindOptions{});
    clicks_ = std::make_unique<clicks::ClickPipeline>(*store_, 1, clicks::ClickPipelineOptions{});
    handler_ = std::make_unique<RedirectHandler>(
        RedirectOptions{.default_tz = "America/Sao_Paulo", .secure_cookie = true},
        RedirectPorts{tables_, assignments_, *lookups_, *write_behind_, *clicks_},
        RedirectContext{public_url_, profile_, visitor_ids_, metrics_, clock_});
  }
  void TearDown() override {
    if (lookups_) lookups_->stop();
    handler_.reset();
    clicks_.reset();
    write_behind_.reset();
    lookups_.reset();
    catalog_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Link link(const std::string& slug, const std::string& phone, const std::string& message = "") {
    domain::LinkInput in;
    in.slug = slug;
    in.phone = phone;
    in.message = message;
    auto made = catalog_->create_link(in);
    EXPECT_TRUE(made) << (made ? "" : made.error().message);
    return made.value_or(Link{});
  }
  void central(bool fixed) {
    link("a1", "5511900000001");
    link("a2", "5511900000002");
    link("a3", "5511900000003");
    link("loja", "5511900000000");
    domain::CentralInput in;
    in.anchor = "loja";
    in.members = std::vector<domain::MemberInput>{{"a1"}, {"a2"}, {"a3"}};
    in.fixed = fixed;
    auto made = catalog_->create_central(in);
    ASSERT_TRUE(made) << made.error().message;
  }

  // GET (or `method`) /<target> with `headers`, answered at once or, when
  // the handler defers, through the deferred response.
  http::HttpResponse call(const std::string& target,
                          std::vector<std::pair<std::string_view, std::string_view>> headers = {},
                          std::string_view method = "GET") {
    headers_ = std::move(headers);
    target_ = target;
    http::HttpRequest request;
    request.method = method;
    request.target = target_;
    request.headers = headers_;
    request.deferrer = &deferrer_;
    std::string_view slug = request.path();
    slug.remove_prefix(1);
    http::HttpResponse response;
    deferrer_.last.reset();
    handler_->handle(request, slug, response);
    if (response.status != 0) return response;
    EXPECT_TRUE(deferrer_.last) << "status 0 without a deferred answer";
    if (!deferrer_.last) return response;
    auto answered = deferrer_.last->wait(10s);
    EXPECT_TRUE(answered) << "the deferred answer never came";
    return answered.value_or(http::HttpResponse{});
  }
  // The wa.me number a response sends to ("" when not a wa.me redirect).
  static std::string number_of(const http::HttpResponse& r) {
    const std::string location = header_of(r, "Location");
    constexpr std::string_view kPrefix = "https://wa.me/";
    if (r.status != 302 || !location.starts_with(kPrefix))
      return "status " + std::to_string(r.status);
    return location.substr(kPrefix.size(), location.find('?') - kPrefix.size());
  }
  std::vector<std::string> numbers(int n) {
    std::vector<std::string> out;
    out.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) out.push_back(number_of(call("/loja")));
    return out;
  }
  // The click records written so far for link `id`.
  std::vector<ClickRecord> clicks_of(LinkId id) {
    clicks_->flush();
    auto rows = store_->load_clicks(id, Timestamp{}, clock_.now() + std::chrono::hours(1), 100);
    EXPECT_TRUE(rows) << rows.error().message;
    return rows.value_or(std::vector<ClickRecord>{});
  }

  std::filesystem::path dir_;
  FixedClock clock_;
  routing::RoutingTableHolder tables_{1};
  routing::AssignmentTable assignments_{1000};
  DatabaseHealth health_;
  domain::PublicUrl public_url_{"https://zap.example.com"};
  domain::PublicProfile profile_;
  RandomVisitorIds visitor_ids_{1};
  Metrics metrics_{1};
  TestDeferrer deferrer_;
  std::unique_ptr<ScriptedStore> store_;
  std::unique_ptr<domain::Catalog> catalog_;
  std::unique_ptr<RouteLookups> lookups_;
  std::unique_ptr<WriteBehind> write_behind_;
  std::unique_ptr<clicks::ClickPipeline> clicks_;
  std::unique_ptr<RedirectHandler> handler_;
  std::string target_;
  std::vector<std::pair<std::string_view, std::string_view>> headers_;
};

TEST_F(RedirectHandlerTest, ALinkRedirectsToWhatsAppAndRecordsTheClick) {
  const Link joao = link("Joao", "5511999990001", "Olá, vim do {utm_source}");
  wire();
  const http::HttpResponse r = call("/joao?utm_source=ig&src=qr", {{"User-Agent", "Mozilla/5.0"}});
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(header_of(r, "Location"),
            "https://wa.me/5511999990001?text=Ol%C3%A1%2C%20vim%20do%20ig");
  EXPECT_EQ(header_of(r, "Cache-Control"), "no-store");
  const std::string cookie = header_of(r, "Set-Cookie");
  EXPECT_TRUE(cookie.starts_with("sqv=")) << cookie;
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << "the public URL is https: " << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;

  const auto recorded = clicks_of(joao.id);
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0].outcome, "link");
  EXPECT_EQ(recorded[0].link_id, joao.id);
  EXPECT_EQ(recorded[0].utm_source, "ig");
  EXPECT_EQ(recorded[0].source, ClickSource::kQr);
  EXPECT_TRUE(recorded[0].new_visitor);
}

TEST_F(RedirectHandlerTest, UnknownAndPausedSlugsAreNotFoundAndNotClicks) {
  const Link joao = link("joao", "5511999990001");
  wire();
  EXPECT_EQ(call("/ninguem").status, 404);
  domain::LinkInput pause;
  pause.active = false;
  ASSERT_TRUE(catalog_->update_link(joao.id, pause));
  const http::HttpResponse r = call("/joao");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(header_of(r, "Location").empty());
  EXPECT_TRUE(clicks_of(joao.id).empty());
  EXPECT_NE(metrics_.render().find("sequencial_not_found_total 2"), std::string::npos)
      << metrics_.render();
}

TEST_F(RedirectHandlerTest, ACentralRotatesExactlyWithoutWaiting) {
  central(false);
  wire();
  EXPECT_EQ(numbers(7), (std::vector<std::string>{"5511900000001", "5511900000002", "5511900000003",
                                                  "5511900000001", "5511900000002", "5511900000003",
                                                  "5511900000001"}));
  EXPECT_FALSE(deferrer_.last) << "one node on SQLite never parks a rotation click";
}

TEST_F(RedirectHandlerTest, HeadPrefetchAndPreviewsAreNotClicksAndDoNotMoveTheRotation) {
  central(false);
  wire();
  EXPECT_EQ(number_of(call("/loja")), "5511900000001");
  const http::HttpResponse head = call("/loja", {}, "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(header_of(head, "Set-Cookie").empty());
  EXPECT_EQ(call("/loja", {{"Sec-Purpose", "prefetch"}}).status, 200);
  const http::HttpResponse preview = call("/loja", {{"User-Agent", "WhatsApp/2.23.20.0 A"}});
  EXPECT_EQ(preview.status, 200);
  EXPECT_NE(preview.body.find("og:title"), std::string::npos) << preview.body;
  EXPECT_EQ(number_of(call("/loja")), "5511900000002");
}

TEST_F(RedirectHandlerTest, AKeptVisitorKeepsTheAttendantAndTheRotationGoesOn) {
  central(true);
  wire();
  const http::HttpResponse first = call("/loja");
  ASSERT_EQ(number_of(first), "5511900000001");
  const std::string set_cookie = header_of(first, "Set-Cookie");
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  for (int i = 0; i < 3; ++i) {
    const http::HttpResponse again = call("/loja", {{"Cookie", cookie}});
    EXPECT_EQ(number_of(again), "5511900000001");
    EXPECT_TRUE(header_of(again, "Set-Cookie").empty()) << "a known visitor gets no new cookie";
  }
  EXPECT_EQ(number_of(call("/loja")), "5511900000002") << "the kept visitor moved no turn";
}

// Several nodes: a rotation click is parked until RouteLookups brings the
// shared ticket, and the deferred answer serves the ticket's member.
TEST_F(RedirectHandlerTest, ASharedRotationClickWaitsForItsTicket) {
  central(false);
  wire(/*shared=*/true);
  const CentralId id = catalog_->centrals().front().id;
  // Another node took ticket 0 (a1): this node's first click is a2's.
  ASSERT_EQ(store_->next_rotation_ticket(id).value().value(), 0u);
  const http::HttpResponse r = call("/loja");
  EXPECT_TRUE(deferrer_.last) << "the click was answered without asking for a ticket";
  EXPECT_EQ(number_of(r), "5511900000002");
  EXPECT_EQ(number_of(call("/loja")), "5511900000003");
  EXPECT_EQ(store_->ticket_calls(), 3);
}

TEST_F(RedirectHandlerTest, TheQrImageEncodesThePublicUrlWithSourceQr) {
  link("Promo", "5511988887777");
  wire();
  for (const char* format : {"svg", "png"}) {
    http::HttpRequest request;
    request.method = "GET";
    request.target = "/promo/qr.svg";
    http::HttpResponse response;
    handler_->handle_qr(request, "promo", format, response);
    ASSERT_EQ(response.status, 200) << format;
    const std::string payload = "https://zap.example.com/Promo?src=qr";
    const auto expected = std::string(format) == "svg" ? qr::qr_svg(payload) : qr::qr_png(payload);
    ASSERT_TRUE(expected);
    EXPECT_TRUE(response.body == *expected) << format << " does not encode " << payload;
  }
  public_url_.set("https://outra.example.com/");
  http::HttpRequest request;
  request.method = "GET";
  http::HttpResponse response;
  handler_->handle_qr(request, "promo", "svg", response);
  EXPECT_TRUE(response.body == *qr::qr_svg("https://outra.example.com/Promo?src=qr"));
}

}  // namespace
}  // namespace sequencial::app
