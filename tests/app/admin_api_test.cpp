// In-process tests of the admin API modules (src/api) through the front
// door, as `serve` wires them (in_process_node.h): links (shapes, field
// errors, 409, 404, PATCH, DELETE), centrals (member errors, the rotation
// live at once), tokens (a created token authenticates, a revoked one no
// longer), settings (the public URL of links), stats (clicks served), the
// session API (login, wrong password), users (create, 409 ignoring case,
// field errors, e-mail change, the last user kept), the form look-ups (time
// zones, phone check) and the OpenAPI document.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "accounts/password.h"
#include "in_process_node.h"

namespace sequencial::app {
namespace {

using json = nlohmann::json;
using test_node::header_of;

class AdminApiTest : public test_node::InProcessNode {
 protected:
  struct Reply {
    int status = 0;
    json body;
    http::HttpResponse raw;
  };
  Reply api(std::string_view method, const std::string& target, const json& body = nullptr,
            const std::string& authorization = {}) {
    const std::string auth = authorization.empty() ? bearer() : authorization;
    http::HttpResponse r =
        call(method, target, {{"Authorization", auth}, {"Content-Type", "application/json"}},
             body.is_null() ? std::string() : body.dump());
    Reply out{r.status, json::parse(r.body, nullptr, false), std::move(r)};
    if (out.body.is_discarded()) out.body = nullptr;
    return out;
  }
  static void expect_error(const Reply& r, int status, const std::string& field) {
    EXPECT_EQ(r.status, status) << r.raw.body;
    EXPECT_TRUE(r.body["error"]["code"].is_string()) << r.raw.body;
    EXPECT_TRUE(r.body["error"]["message"].is_string()) << r.raw.body;
    EXPECT_EQ(r.body["error"].value("field", std::string("<none>")), field) << r.raw.body;
  }
};

TEST_F(AdminApiTest, LinksHaveTheContractShapeAndFieldErrors) {
  const Reply made =
      api("POST", "/api/v1/links", {{"slug", "Joao"}, {"phone", "+55 11 99999-0001"}});
  ASSERT_EQ(made.status, 201) << made.raw.body;
  EXPECT_EQ(made.body["slug"], "Joao");
  EXPECT_EQ(made.body["phone"], "5511999990001");
  EXPECT_EQ(made.body["url"], "https://zap.example.com/Joao");
  EXPECT_EQ(made.body["active"], true);

  expect_error(api("POST", "/api/v1/links", {{"slug", "x"}, {"phone", "123"}}), 400, "phone");
  expect_error(api("POST", "/api/v1/links", {{"slug", "JOAO"}, {"phone", "5511999990002"}}), 409,
               "slug");
  expect_error(api("POST", "/api/v1/links", {{"phone", "5511999990002"}}), 400, "slug");
  EXPECT_EQ(api("GET", "/api/v1/links/ninguem").status, 404);

  const Reply patched = api("PATCH", "/api/v1/links/joao", {{"message", "Oi"}});
  ASSERT_EQ(patched.status, 200) << patched.raw.body;
  EXPECT_EQ(patched.body["message"], "Oi");
  EXPECT_EQ(header_of(call("GET", "/joao"), "Location"), "https://wa.me/5511999990001?text=Oi");
  EXPECT_EQ(api("DELETE", "/api/v1/links/joao").status, 204);
  EXPECT_EQ(call("GET", "/joao").status, 404);
  EXPECT_EQ(api("GET", "/api/v1/links").body["items"], json::array());
}

TEST_F(AdminApiTest, CentralsNameTheBadMemberAndRotateAtOnce) {
  for (int i = 1; i <= 3; ++i) {
    ASSERT_EQ(
        api("POST", "/api/v1/links",
            {{"slug", "a" + std::to_string(i)}, {"phone", "551190000000" + std::to_string(i)}})
            .status,
        201);
  }
  ASSERT_EQ(api("POST", "/api/v1/links", {{"slug", "loja"}, {"phone", "5511900000000"}}).status,
            201);
  expect_error(api("POST", "/api/v1/centrals", {{"anchor", "loja"}, {"members", {"a1", "zz"}}}),
               422, "members[1]");
  const Reply made =
      api("POST", "/api/v1/centrals", {{"anchor", "loja"}, {"members", {"a2", "a1", "a3"}}});
  ASSERT_EQ(made.status, 201) << made.raw.body;
  EXPECT_EQ(made.body["members"][0]["link"], "a2");
  for (const char* number : {"5511900000002", "5511900000001", "5511900000003"}) {
    EXPECT_EQ(header_of(call("GET", "/loja"), "Location"), std::string("https://wa.me/") + number);
  }
}

TEST_F(AdminApiTest, ATokenMadeThroughTheApiAuthenticatesUntilRevoked) {
  const Reply made = api("POST", "/api/v1/tokens", {{"name", "ci"}});
  ASSERT_EQ(made.status, 201) << made.raw.body;
  const std::string secret = made.body["token"].get<std::string>();
  const std::string id = std::to_string(made.body["id"].get<long>());
  EXPECT_EQ(api("GET", "/api/v1/links", nullptr, "Bearer " + secret).status, 200);
  EXPECT_EQ(api("DELETE", "/api/v1/tokens/" + id).status, 204);
  EXPECT_EQ(api("GET", "/api/v1/links", nullptr, "Bearer " + secret).status, 401);
  EXPECT_EQ(api("GET", "/api/v1/links", nullptr, "Bearer nope").status, 401);
}

TEST_F(AdminApiTest, ThePublicUrlSettingIsTheLinksUrl) {
  ASSERT_EQ(api("POST", "/api/v1/links", {{"slug", "joao"}, {"phone", "5511999990001"}}).status,
            201);
  expect_error(api("PATCH", "/api/v1/settings", {{"public_url", "ftp://x"}}), 400, "public_url");
  const Reply saved = api("PATCH", "/api/v1/settings", {{"public_url", "https://wa.loja.com.br/"}});
  ASSERT_EQ(saved.status, 200) << saved.raw.body;
  EXPECT_EQ(saved.body["public_url"], "https://wa.loja.com.br");
  EXPECT_EQ(api("GET", "/api/v1/links/joao").body["url"], "https://wa.loja.com.br/joao");
}

TEST_F(AdminApiTest, StatsCountTheClicksServed) {
  ASSERT_EQ(api("POST", "/api/v1/links", {{"slug", "joao"}, {"phone", "5511999990001"}}).status,
            201);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(call("GET", "/joao?src=qr").status, 302);
  clicks_->flush();  // what the click writer does within its flush interval
  const Reply stats = api("GET", "/api/v1/links/joao/stats?by=source");
  ASSERT_EQ(stats.status, 200) << stats.raw.body;
  EXPECT_EQ(stats.body["total"], 3);
  EXPECT_EQ(stats.body["rows"], json::parse(R"([{"key":"qr","clicks":3}])"));
}

TEST_F(AdminApiTest, TheSessionApiLogsInWithTheRightPasswordOnly) {
  auto hash = accounts::hash_password("uma senha longa", accounts::PasswordCost::kMinimum);
  ASSERT_TRUE(hash);
  ASSERT_TRUE(store_->insert_user("dona@loja.com.br", *hash));
  const auto login = [&](const std::string& password) {
    return call("POST", "/api/v1/session", {{"Content-Type", "application/json"}},
                json{{"email", "dona@loja.com.br"}, {"password", password}}.dump());
  };
  const http::HttpResponse wrong = login("outra senha");
  EXPECT_EQ(wrong.status, 401) << wrong.body;
  EXPECT_TRUE(header_of(wrong, "Set-Cookie").empty());
  const http::HttpResponse right = login("uma senha longa");
  EXPECT_EQ(right.status, 200) << right.body;
  EXPECT_TRUE(header_of(right, "Set-Cookie").starts_with("sqs=")) << right.headers;
  EXPECT_TRUE(json::parse(right.body)["csrf_token"].is_string()) << right.body;
}

TEST_F(AdminApiTest, TheOpenApiDocumentIsServed) {
  const http::HttpResponse doc = call("GET", "/api/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  const json parsed = json::parse(doc.body, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded());
  EXPECT_TRUE(parsed["paths"].contains("/links")) << doc.body.substr(0, 200);
}

TEST_F(AdminApiTest, UsersAreCreatedOnceAndTheLastOneIsKept) {
  const Reply made = api("POST", "/api/v1/users",
                         {{"email", "Dona@Loja.com.br"}, {"password", "uma senha longa"}});
  ASSERT_EQ(made.status, 201) << made.raw.body;
  EXPECT_FALSE(made.body.contains("password_hash")) << made.raw.body;
  const std::string id = std::to_string(made.body["id"].get<long>());
  expect_error(api("POST", "/api/v1/users",
                   {{"email", "dona@LOJA.com.br"}, {"password", "outra senha longa"}}),
               409, "email");
  expect_error(
      api("POST", "/api/v1/users", {{"email", "caixa@loja.com.br"}, {"password", "curta"}}), 400,
      "password");
  expect_error(api("POST", "/api/v1/users", {{"email", "sem-arroba"}, {"password", "0123456789"}}),
               400, "email");
  const Reply renamed = api("PATCH", "/api/v1/users/" + id, {{"email", "gerente@loja.com.br"}});
  ASSERT_EQ(renamed.status, 200) << renamed.raw.body;
  EXPECT_EQ(renamed.body["email"], "gerente@loja.com.br");
  EXPECT_EQ(api("GET", "/api/v1/users/999").status, 404);
  EXPECT_EQ(api("DELETE", "/api/v1/users/" + id).status, 409) << "the last user stays";
  ASSERT_EQ(
      api("POST", "/api/v1/users", {{"email", "caixa@loja.com.br"}, {"password", "0123456789"}})
          .status,
      201);
  EXPECT_EQ(api("DELETE", "/api/v1/users/" + id).status, 204);
  EXPECT_EQ(api("GET", "/api/v1/users").body["items"].size(), 1u);
}

TEST_F(AdminApiTest, TheFormLookupsAnswerFromTheServersRules) {
  const Reply zones = api("GET", "/api/v1/time-zones");
  ASSERT_EQ(zones.status, 200) << zones.raw.body;
  bool sao_paulo = false;
  for (const json& zone : zones.body["items"]) {
    if (zone["zone"] == "America/Sao_Paulo") sao_paulo = zone["country"] == "BR";
  }
  EXPECT_TRUE(sao_paulo) << zones.raw.body.substr(0, 300);
  const Reply valid = api("GET", "/api/v1/phone-check?phone=%2B55%2011%2099999-0001");
  ASSERT_EQ(valid.status, 200) << valid.raw.body;
  EXPECT_EQ(valid.body["valid"], true) << valid.raw.body;
  EXPECT_EQ(valid.body["phone"], "5511999990001");
  const Reply no_area_code = api("GET", "/api/v1/phone-check?phone=%2B55%2099999-1234");
  ASSERT_EQ(no_area_code.status, 200) << no_area_code.raw.body;
  EXPECT_EQ(no_area_code.body["valid"], false) << no_area_code.raw.body;
  EXPECT_EQ(no_area_code.body["error"]["field"], "phone") << no_area_code.raw.body;
}

}  // namespace
}  // namespace sequencial::app
