// The admin UI's server side over the real server: settings (validation,
// immediate effect, saved values win over flags after a restart), the
// embedded UI at /admin (index with strict security headers, hashed
// immutable assets, 404 for unknown ones) and the reserved slugs.
#include <gtest/gtest.h>

#include <regex>

#include "support/browser.h"
#include "support/fixtures.h"

namespace sequencial::itest {
namespace {

constexpr const char* kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

void expect_security_headers(const Response& r, const std::string& what) {
  EXPECT_EQ(r.header_or_empty("Content-Security-Policy"), kCsp) << what;
  EXPECT_EQ(r.header_or_empty("X-Content-Type-Options"), "nosniff") << what;
  EXPECT_EQ(r.header_or_empty("Referrer-Policy"), "same-origin") << what;
  EXPECT_EQ(r.header_or_empty("X-Frame-Options"), "DENY") << what;
}

class AdminUiTest : public ServerTest {
 protected:
  void SetUp() override {
    boot({"--admin-email", "admin@example.com", "--admin-password", "senha-do-admin-123",
          "--test-fast-passwords", "--public-url", "http://flag.example.com", "--default-tz",
          "America/Sao_Paulo"},
         testhooks_binary());
  }
};

TEST_F(AdminUiTest, SettingsAreValidatedTakeEffectAtOnceAndWinOverFlags) {
  Browser browser(port());
  ASSERT_EQ(browser.login("admin@example.com", "senha-do-admin-123").status, 200);
  api().create_link("joao", "5511999990001");
  ApiResponse initial = browser.get("/api/v1/settings");
  ASSERT_EQ(initial.status, 200);
  EXPECT_EQ(initial.body["default_tz"], "America/Sao_Paulo");
  EXPECT_EQ(initial.body["public_url"], "http://flag.example.com");

  ApiResponse bad_tz = browser.call("PATCH", "/api/v1/settings", json{{"default_tz", "Mars/Base"}});
  EXPECT_EQ(bad_tz.status, 400);
  EXPECT_EQ(bad_tz.body["error"]["field"], "default_tz");
  for (const char* url : {"ftp://x.com", "zap.example.com", "https://", "https://a.com/?x=1",
                          "javascript:alert(1)", "https://a b.com"}) {
    ApiResponse bad_url = browser.call("PATCH", "/api/v1/settings", json{{"public_url", url}});
    EXPECT_EQ(bad_url.status, 400) << url;
    EXPECT_EQ(bad_url.body["error"]["field"], "public_url") << url;
  }
  EXPECT_EQ(browser.call("PATCH", "/api/v1/settings", json{{"colour", "blue"}}).status, 400);
  EXPECT_EQ(browser.call("PATCH", "/api/v1/settings", json{{"default_tz", 3}}).status, 400);
  // Nothing was saved by the refused requests (a valid zone with a bad URL neither).
  EXPECT_EQ(browser
                .call("PATCH", "/api/v1/settings",
                      json{{"default_tz", "America/New_York"}, {"public_url", "nope"}})
                .status,
            400);
  EXPECT_EQ(browser.get("/api/v1/settings").body, initial.body);
  EXPECT_EQ(browser.call("PATCH", "/api/v1/settings", json{{"default_tz", "Europe/Lisbon"}}, false)
                .status,
            403);

  ApiResponse saved = browser.call(
      "PATCH", "/api/v1/settings",
      json{{"default_tz", "America/New_York"}, {"public_url", "https://zap.example.com/"}});
  ASSERT_EQ(saved.status, 200) << saved.raw.body;
  EXPECT_EQ(saved.body["default_tz"], "America/New_York");
  EXPECT_EQ(saved.body["public_url"], "https://zap.example.com");
  EXPECT_EQ(saved.body["server"]["public_url"]["value"], "http://flag.example.com");
  EXPECT_EQ(saved.body["server"]["public_url"]["overridden"], true);
  // At once: link URLs, the reports' default zone.
  EXPECT_EQ(api().get("/api/v1/links/joao").body["url"], "https://zap.example.com/joao");
  EXPECT_EQ(api().get("/api/v1/links/joao/stats").body["tz"], "America/New_York");
  const Response qr = client().get("/joao/qr.svg");
  EXPECT_EQ(qr.status, 200);

  // Saved values win over the flags on the next start.
  restart();
  EXPECT_EQ(api().get("/api/v1/settings").body, saved.body);
  EXPECT_EQ(api().get("/api/v1/links/joao").body["url"], "https://zap.example.com/joao");
}

TEST_F(AdminUiTest, AdminServesTheIndexAndHashedImmutableAssets) {
  const Response index = client().get("/admin");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.header_or_empty("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.header_or_empty("Cache-Control"), "no-store");
  expect_security_headers(index, "/admin");
  EXPECT_EQ(index.body.find("{{asset:"), std::string::npos);  // every placeholder replaced

  // Every asset the index names is served, cached for a year.
  const std::regex asset_ref("/admin/assets/[A-Za-z0-9_.-]+\\.[0-9a-f]{8}\\.[a-z0-9]+");
  int scripts = 0;
  int styles = 0;
  for (auto it = std::sregex_iterator(index.body.begin(), index.body.end(), asset_ref);
       it != std::sregex_iterator(); ++it) {
    const std::string path = it->str();
    const Response asset = client().get(path);
    EXPECT_EQ(asset.status, 200) << path;
    EXPECT_EQ(asset.header_or_empty("Cache-Control"), "public, max-age=31536000, immutable")
        << path;
    expect_security_headers(asset, path);
    EXPECT_FALSE(asset.body.empty()) << path;
    if (path.ends_with(".js")) {
      ++scripts;
      EXPECT_EQ(asset.header_or_empty("Content-Type"), "text/javascript; charset=utf-8") << path;
    }
    if (path.ends_with(".css")) {
      ++styles;
      EXPECT_EQ(asset.header_or_empty("Content-Type"), "text/css; charset=utf-8") << path;
    }
  }
  EXPECT_GT(scripts, 0);
  EXPECT_GT(styles, 0);
  // No inline scripts or styles: every <script> has a src.
  EXPECT_EQ(std::regex_search(index.body, std::regex("<script(?![^>]*\\ssrc=)[^>]*>")), false);
  EXPECT_EQ(index.body.find("style=\""), std::string::npos);

  // Unknown assets are 404; any other /admin path is the page (SPA routing).
  const Response missing = client().get("/admin/assets/app.00000000.js");
  EXPECT_EQ(missing.status, 404);
  expect_security_headers(missing, "missing asset");
  const Response deep = client().get("/admin/links/new?x=1");
  EXPECT_EQ(deep.status, 200);
  EXPECT_EQ(deep.body, index.body);
  EXPECT_EQ(client().request("POST", "/admin", {}, "x").status, 405);
  // The API's JSON carries the headers too.
  expect_security_headers(client().get("/api/v1/links"), "/api/v1/links");
}

TEST_F(AdminUiTest, AdminStaticAndAssetsStayReservedSlugs) {
  for (const char* slug : {"admin", "Admin", "static", "assets"}) {
    ApiResponse r = api().post("/api/v1/links", json{{"slug", slug}, {"phone", "5511999990001"}});
    EXPECT_EQ(r.status, 400) << slug;
    EXPECT_EQ(r.body["error"]["field"], "slug") << slug;
  }
}

TEST_F(AdminUiTest, OpenApiDescribesTheAccountEndpoints) {
  const Response r = client().get("/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  const json doc = json::parse(r.body, nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  for (const char* path :
       {"/session", "/users", "/users/{id}", "/tokens", "/tokens/{id}", "/settings"}) {
    EXPECT_TRUE(doc["paths"].contains(path)) << path;
  }
  EXPECT_TRUE(doc["components"]["securitySchemes"].contains("session"));
  EXPECT_TRUE(doc["components"]["securitySchemes"].contains("csrf"));
}

}  // namespace
}  // namespace sequencial::itest
