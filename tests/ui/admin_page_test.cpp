// AdminPage: assets by hashed path with long caching, the index for every
// other /admin path, 404 for unknown assets, GET/HEAD only.
#include "ui/admin_page.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

#include "ui/security_headers.h"

namespace sequencial::ui {
namespace {

constexpr std::array<EmbeddedAsset, 2> kAssets = {{
    {"app.js", "/admin/assets/app.0123abcd.js", "text/javascript; charset=utf-8", "console.log(1)"},
    {"app.css", "/admin/assets/app.89abcdef.css", "text/css; charset=utf-8", "body{}"},
}};
constexpr std::string_view kIndex = "<!doctype html><script src=\"/admin/assets/app.0123abcd.js\">";

http::HttpResponse get(const AdminPage& page, std::string_view target,
                       std::string_view method = "GET") {
  http::HttpRequest request;
  request.method = method;
  request.target = target;
  http::HttpResponse response;
  page.handle(request, response);
  return response;
}

TEST(AdminPageTest, OwnsAdminAndBelowOnly) {
  EXPECT_TRUE(AdminPage::owns("/admin"));
  EXPECT_TRUE(AdminPage::owns("/admin/"));
  EXPECT_TRUE(AdminPage::owns("/admin/links"));
  EXPECT_FALSE(AdminPage::owns("/administrator"));
  EXPECT_FALSE(AdminPage::owns("/adm"));
  EXPECT_FALSE(AdminPage::owns("/joao"));
}

TEST(AdminPageTest, AssetsAreServedByHashedPathAndCachedForAYear) {
  const AdminPage page(kAssets, kIndex);
  const auto js = get(page, "/admin/assets/app.0123abcd.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_NE(js.headers.find("Content-Type: text/javascript; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(js.headers.find("Cache-Control: public, max-age=31536000, immutable\r\n"),
            std::string::npos);
  const auto css = get(page, "/admin/assets/app.89abcdef.css?v=2", "HEAD");
  EXPECT_EQ(css.status, 200);
  EXPECT_NE(css.headers.find("Content-Type: text/css"), std::string::npos);
}

TEST(AdminPageTest, UnknownAssetsAre404AndOtherPathsTheIndex) {
  const AdminPage page(kAssets, kIndex);
  for (const char* path : {"/admin/assets/app.js", "/admin/assets/app.00000000.js",
                           "/admin/assets/", "/admin/assets/../index.html"}) {
    EXPECT_EQ(get(page, path).status, 404) << path;
  }
  for (const char* path : {"/admin", "/admin/", "/admin/links", "/admin/centrals/1/edit?x=1"}) {
    const auto r = get(page, path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body, kIndex) << path;
    EXPECT_NE(r.headers.find("Cache-Control: no-store\r\n"), std::string::npos) << path;
    EXPECT_NE(r.headers.find("Content-Type: text/html; charset=utf-8\r\n"), std::string::npos);
  }
}

TEST(AdminPageTest, OnlyGetAndHead) {
  const AdminPage page(kAssets, kIndex);
  for (const char* method : {"POST", "PUT", "DELETE"}) {
    const auto r = get(page, "/admin", method);
    EXPECT_EQ(r.status, 405) << method;
    EXPECT_NE(r.headers.find("Allow: GET, HEAD\r\n"), std::string::npos);
  }
}

TEST(SecurityHeadersTest, StrictPolicyWithoutInlineCode) {
  http::HttpResponse response;
  add_security_headers(response);
  EXPECT_NE(response.headers.find("Content-Security-Policy: default-src 'self'; script-src 'self'; "
                                  "style-src 'self';"),
            std::string::npos);
  EXPECT_EQ(response.headers.find("unsafe-inline"), std::string::npos);
  EXPECT_NE(response.headers.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_NE(response.headers.find("X-Content-Type-Options: nosniff\r\n"), std::string::npos);
  EXPECT_NE(response.headers.find("X-Frame-Options: DENY\r\n"), std::string::npos);
  EXPECT_NE(response.headers.find("Referrer-Policy: same-origin\r\n"), std::string::npos);
}

}  // namespace
}  // namespace sequencial::ui
