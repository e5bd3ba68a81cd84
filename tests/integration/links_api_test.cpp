// Integration tests of the foundation (issue 2) over real HTTP: the links
// admin API with the exact JSON shapes of docs/API.md, its error shapes (400, 401,
// 404, 409, 413), the redirect (exact percent-encoded Location, 302,
// Cache-Control), slugs matched case-insensitively, paused and unknown
// slugs, restart on the same database, health endpoints, the OpenAPI
// document, `token create` on a fresh database, and the QR images encoding
// <public URL>/<slug>?src=qr (compared byte for byte with src/qr's output for
// that text: the encoder is deterministic, so another payload gives other
// bytes), before and after the public URL is changed.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "qr/qr_code.h"
#include "support/fixtures.h"

namespace sequencial::itest {
namespace {

constexpr const char* kPublicUrl = "https://zap.minhaloja.com.br";

class LinksApiTest : public ServerTest {
 protected:
  void SetUp() override { boot({"--public-url", kPublicUrl}); }

  // Checks the error shape of docs/API.md and returns the inner object.
  static json error_of(const ApiResponse& r) {
    EXPECT_TRUE(r.body.is_object()) << r.raw.body;
    if (!r.body.is_object() || !r.body.contains("error")) {
      ADD_FAILURE() << "no \"error\" object in " << r.raw.body;
      return json::object();
    }
    const json& e = r.body["error"];
    EXPECT_TRUE(e.is_object()) << r.raw.body;
    EXPECT_TRUE(e.contains("code") && e["code"].is_string()) << r.raw.body;
    EXPECT_TRUE(e.contains("message") && e["message"].is_string()) << r.raw.body;
    EXPECT_NE(r.raw.header_or_empty("Content-Type").find("application/json"), std::string::npos);
    return e;
  }
  void expect_field_error(const ApiResponse& r, int status, const std::string& field) {
    EXPECT_EQ(r.status, status) << r.raw.body;
    const json e = error_of(r);
    EXPECT_EQ(e.value("field", std::string("<missing>")), field) << r.raw.body;
  }
};

TEST_F(LinksApiTest, CreateReturnsTheExactShapeAndNormalisesThePhone) {
  const ApiResponse r = api().post("/api/v1/links", {{"slug", "joao"},
                                                     {"phone", "+55 (11) 99999-0001"},
                                                     {"message", "Olá! Vim pelo site"},
                                                     {"label", "João — vendas"}});
  ASSERT_EQ(r.status, 201) << r.raw.body;
  EXPECT_NE(r.raw.header_or_empty("Content-Type").find("application/json"), std::string::npos);
  const json& link = r.body;
  ASSERT_TRUE(link.is_object());
  ASSERT_TRUE(link["id"].is_number_integer());
  EXPECT_GT(link["id"].get<long>(), 0);
  EXPECT_EQ(link["slug"], "joao");
  EXPECT_EQ(link["phone"], "5511999990001");
  EXPECT_EQ(link["message"], "Olá! Vim pelo site");
  EXPECT_EQ(link["label"], "João — vendas");
  EXPECT_EQ(link["active"], true);
  ASSERT_TRUE(link["created_at"].is_string());
  EXPECT_TRUE(std::regex_match(link["created_at"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << link["created_at"];
  EXPECT_EQ(link["url"], std::string(kPublicUrl) + "/joao");

  // GET by id and the list answer the same object.
  const long id = link["id"].get<long>();
  const ApiResponse one = api().get("/api/v1/links/" + std::to_string(id));
  ASSERT_EQ(one.status, 200) << one.raw.body;
  EXPECT_EQ(one.body, link);
  const ApiResponse list = api().get("/api/v1/links");
  ASSERT_EQ(list.status, 200) << list.raw.body;
  ASSERT_TRUE(list.body["items"].is_array());
  ASSERT_EQ(list.body["items"].size(), 1u);
  EXPECT_EQ(list.body["items"][0], link);

  // And the redirect uses the normalised number.
  const Response click = client().get("/joao");
  EXPECT_EQ(click.status, 302);
  EXPECT_EQ(click.header_or_empty("Location"),
            "https://wa.me/5511999990001?text=Ol%C3%A1%21%20Vim%20pelo%20site");
}

TEST_F(LinksApiTest, ListIsEmptyOnAFreshDatabase) {
  const ApiResponse list = api().get("/api/v1/links");
  ASSERT_EQ(list.status, 200) << list.raw.body;
  EXPECT_EQ(list.body, json({{"items", json::array()}}));
}

TEST_F(LinksApiTest, PatchChangesOnlyTheGivenFields) {
  const json created = api().create_link("maria", "5511988880002", "Oi Maria", "Maria");
  const std::string path = "/api/v1/links/" + std::to_string(created["id"].get<long>());

  ApiResponse r = api().patch(path, {{"message", "Novo texto"}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  json expected = created;
  expected["message"] = "Novo texto";
  EXPECT_EQ(r.body, expected);
  EXPECT_EQ(api().get(path).body, expected);
  EXPECT_EQ(client().get("/maria").header_or_empty("Location"),
            "https://wa.me/5511988880002?text=Novo%20texto");

  // Renaming the slug moves the public URL.
  r = api().patch(path, {{"slug", "Maria2"}, {"phone", "+1 (212) 555-0100"}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.body["slug"], "Maria2");
  EXPECT_EQ(r.body["phone"], "12125550100");
  EXPECT_EQ(r.body["url"], std::string(kPublicUrl) + "/Maria2");
  EXPECT_EQ(client().get("/maria").status, 404);
  EXPECT_EQ(wa_number(client().get("/maria2").header_or_empty("Location")), "12125550100");

  // A bad field leaves the link unchanged.
  r = api().patch(path, {{"message", "ok"}, {"phone", "12"}});
  expect_field_error(r, 400, "phone");
  EXPECT_EQ(api().get(path).body["message"], "Novo texto");
}

TEST_F(LinksApiTest, DeleteRemovesTheLinkAndItsRedirect) {
  const json created = api().create_link("ana", "5511977770003");
  const std::string path = "/api/v1/links/" + std::to_string(created["id"].get<long>());
  ASSERT_EQ(client().get("/ana").status, 302);

  const ApiResponse r = api().del(path);
  EXPECT_EQ(r.status, 204) << r.raw.body;
  EXPECT_TRUE(r.raw.body.empty());
  EXPECT_EQ(client().get("/ana").status, 404);
  EXPECT_EQ(api().get(path).status, 404);
  EXPECT_EQ(api().del(path).status, 404);
  EXPECT_EQ(api().get("/api/v1/links").body["items"].size(), 0u);
}

TEST_F(LinksApiTest, ValidationErrorsNameTheField) {
  const auto create = [&](const json& body) { return api().post("/api/v1/links", body); };
  const json ok = {{"slug", "okslug"}, {"phone", "5511999990001"}, {"message", "Oi"}};
  const auto with = [&](const std::string& key, const json& value) {
    json body = ok;
    body[key] = value;
    return body;
  };

  expect_field_error(create(with("phone", "abc")), 400, "phone");
  expect_field_error(create(with("phone", "1234567")), 400, "phone");           // 7 digits
  expect_field_error(create(with("phone", "1234567890123456")), 400, "phone");  // 16 digits
  expect_field_error(create(with("phone", "55+11999990001")), 400, "phone");
  expect_field_error(create(with("slug", "bad slug")), 400, "slug");
  expect_field_error(create(with("slug", "joão")), 400, "slug");
  expect_field_error(create(with("slug", "")), 400, "slug");
  expect_field_error(create(with("slug", std::string(65, 'a'))), 400, "slug");
  for (const char* reserved :
       {"api", "Admin", "static", "assets", "healthz", "READYZ", "metrics"}) {
    expect_field_error(create(with("slug", reserved)), 400, "slug");
  }
  expect_field_error(create(with("message", std::string(1001, 'x'))), 400, "message");
  expect_field_error(create(with("label", std::string(201, 'x'))), 400, "label");
  expect_field_error(create(with("slug", 42)), 400, "slug");
  json no_phone = ok;
  no_phone.erase("phone");
  expect_field_error(create(no_phone), 400, "phone");
  json no_slug = ok;
  no_slug.erase("slug");
  expect_field_error(create(no_slug), 400, "slug");

  // Invalid UTF-8 in the message (a lone continuation byte, JSON-escaped
  // by nothing: sent as raw bytes).
  const ApiResponse bad_utf8 =
      api().call_raw("POST", "/api/v1/links",
                     "{\"slug\":\"u8\",\"phone\":\"5511999990001\",\"message\":\"\x80\"}");
  EXPECT_EQ(bad_utf8.status, 400) << bad_utf8.raw.body;
  error_of(bad_utf8);

  // Not JSON, and JSON that is not an object.
  ApiResponse r = api().call_raw("POST", "/api/v1/links", "{\"slug\": ");
  EXPECT_EQ(r.status, 400) << r.raw.body;
  error_of(r);
  r = api().call_raw("POST", "/api/v1/links", "[1,2]");
  EXPECT_EQ(r.status, 400) << r.raw.body;
  error_of(r);

  // Limits are in characters, not bytes: 1,000 emoji and 200 accented
  // letters are accepted.
  std::string emoji;
  for (int i = 0; i < 1000; ++i) emoji += "😀";
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "é";
  r = create(
      {{"slug", "limits"}, {"phone", "5511999990001"}, {"message", emoji}, {"label", accents}});
  EXPECT_EQ(r.status, 201) << r.raw.body;

  // Nothing invalid was stored.
  const ApiResponse list = api().get("/api/v1/links");
  ASSERT_EQ(list.body["items"].size(), 1u) << list.raw.body;
  EXPECT_EQ(list.body["items"][0]["slug"], "limits");
}

TEST_F(LinksApiTest, AuthenticationIsRequired) {
  HttpClient http(port());
  for (const Headers& headers : {Headers{}, Headers{{"Authorization", "Bearer not-a-token"}},
                                 Headers{{"Authorization", "Bearer " + sandbox_->token() + "x"}},
                                 Headers{{"Authorization", "Basic " + sandbox_->token()}}}) {
    Response r = http.get("/api/v1/links", headers);
    EXPECT_EQ(r.status, 401) << r.body;
    const json body = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << r.body;
    EXPECT_TRUE(body["error"]["code"].is_string()) << r.body;
    EXPECT_TRUE(body["error"]["message"].is_string()) << r.body;

    Headers post = headers;
    post.emplace_back("Content-Type", "application/json");
    r = http.request("POST", "/api/v1/links", post, R"({"slug":"sneaky","phone":"5511999990001"})");
    EXPECT_EQ(r.status, 401) << r.body;
  }
  EXPECT_EQ(client().get("/sneaky").status, 404);
}

TEST_F(LinksApiTest, UnknownIdsAre404) {
  for (const char* path : {"/api/v1/links/999", "/api/v1/links/abc", "/api/v1/links/0"}) {
    const ApiResponse r = api().get(path);
    EXPECT_EQ(r.status, 404) << path << " " << r.raw.body;
    error_of(r);
  }
  EXPECT_EQ(api().patch("/api/v1/links/999", {{"message", "x"}}).status, 404);
  EXPECT_EQ(api().del("/api/v1/links/999").status, 404);
}

TEST_F(LinksApiTest, SlugsAreUniqueIgnoringCase) {
  api().create_link("joao", "5511999990001");
  const ApiResponse r = api().post("/api/v1/links", {{"slug", "JoAo"}, {"phone", "5511999990002"}});
  expect_field_error(r, 409, "slug");

  // Renaming another link onto it is refused the same way.
  const json other = api().create_link("pedro", "5511999990003");
  const ApiResponse rename =
      api().patch("/api/v1/links/" + std::to_string(other["id"].get<long>()), {{"slug", "JOAO"}});
  expect_field_error(rename, 409, "slug");
  EXPECT_EQ(api().get("/api/v1/links").body["items"].size(), 2u);
}

TEST_F(LinksApiTest, DeletingACentralsAnchorIs409) {
  const json anchor = api().create_link("central", "5511900000000");
  api().create_link("a1", "5511900000001");
  api().create_central({{"anchor", "central"}, {"members", {"a1"}}});
  const std::string path = "/api/v1/links/" + std::to_string(anchor["id"].get<long>());
  const ApiResponse r = api().del(path);
  EXPECT_EQ(r.status, 409) << r.raw.body;
  error_of(r);
  EXPECT_EQ(api().get(path).status, 200);
}

TEST_F(LinksApiTest, BodiesOverOneMebibyteAre413) {
  // A valid JSON document just over 1 MiB.
  const std::string big = R"({"slug":"big","phone":"5511999990001","message":")" +
                          std::string(std::size_t{1024} * 1024, 'x') + "\"}";
  const ApiResponse r = api().call_raw("POST", "/api/v1/links", big);
  EXPECT_EQ(r.status, 413) << r.raw.error << " " << r.raw.body.substr(0, 200);
  const json body = json::parse(r.raw.body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << r.raw.body.substr(0, 200);
  EXPECT_TRUE(body["error"]["code"].is_string());
  EXPECT_TRUE(body["error"]["message"].is_string());

  // Declared too large, body never sent: refused from the header alone.
  HttpClient raw(port());
  ASSERT_TRUE(raw.send_raw(
      "POST /api/v1/links HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + sandbox_->token() +
      "\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n{"));
  const Response declared = raw.read_response();
  EXPECT_EQ(declared.status, 413) << declared.error;

  // The server is fine afterwards and stored nothing.
  EXPECT_EQ(api().get("/api/v1/links").body["items"].size(), 0u);
  EXPECT_EQ(client().get("/healthz").status, 200);
}

TEST_F(LinksApiTest, SlugLookupIgnoresCase) {
  api().create_link("joao", "5511999990001", "Oi");
  for (const char* path : {"/joao", "/JOAO", "/JoAo", "/joao/", "/joao?utm_source=ig&gclid=x"}) {
    const Response r = client().get(path);
    EXPECT_EQ(r.status, 302) << path;
    EXPECT_EQ(r.header_or_empty("Location"), "https://wa.me/5511999990001?text=Oi") << path;
  }
}

TEST_F(LinksApiTest, PausedAndUnknownSlugsAre404Html) {
  const json link = api().create_link("pausado", "5511999990001");
  const ApiResponse r =
      api().patch("/api/v1/links/" + std::to_string(link["id"].get<long>()), {{"active", false}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.body["active"], false);

  for (const char* path : {"/pausado", "/nao-existe", "/evil.com", "//evil.com", "/a/b"}) {
    const Response page = client().get(path);
    EXPECT_EQ(page.status, 404) << path;
    EXPECT_NE(page.header_or_empty("Content-Type").find("text/html"), std::string::npos) << path;
    EXPECT_NE(page.body.find("<html"), std::string::npos) << path;
    EXPECT_FALSE(page.header("Location").has_value()) << path;
  }

  // Resuming it brings the redirect back.
  ASSERT_EQ(
      api()
          .patch("/api/v1/links/" + std::to_string(link["id"].get<long>()), {{"active", true}})
          .status,
      200);
  EXPECT_EQ(client().get("/pausado").status, 302);
}

TEST_F(LinksApiTest, RedirectPercentEncodesTheMessageExactly) {
  api().create_link("emoji", "5511999990001", "Olá! 😀 Café & açúcar #1 + 2\nfim ~_-.");
  for (int i = 0; i < 3; ++i) {  // and always the same: never cached as permanent
    const Response r = client().get("/emoji");
    EXPECT_EQ(r.status, 302);
    EXPECT_EQ(r.header_or_empty("Location"),
              "https://wa.me/5511999990001?text="
              "Ol%C3%A1%21%20%F0%9F%98%80%20Caf%C3%A9%20%26%20a%C3%A7%C3%BAcar%20%231%20%2B%202%"
              "0Afim%20~_-.");
    EXPECT_EQ(r.header_or_empty("Cache-Control"), "no-store");
  }
}

TEST_F(LinksApiTest, RestartKeepsLinks) {
  api().create_link("joao", "5511999990001", "Oi João");
  const json maria = api().create_link("maria", "5511999990002", "Oi Maria");
  ASSERT_EQ(
      api()
          .patch("/api/v1/links/" + std::to_string(maria["id"].get<long>()), {{"active", false}})
          .status,
      200);
  const json before = api().get("/api/v1/links").body;

  restart();

  const ApiResponse after = api().get("/api/v1/links");
  ASSERT_EQ(after.status, 200);
  // Same links, in any order.
  auto sorted = [](json items) {
    std::sort(items.begin(), items.end(),
              [](const json& a, const json& b) { return a["id"] < b["id"]; });
    return items;
  };
  EXPECT_EQ(sorted(after.body["items"]), sorted(before["items"]));
  EXPECT_EQ(client().get("/joao").header_or_empty("Location"),
            "https://wa.me/5511999990001?text=Oi%20Jo%C3%A3o");
  EXPECT_EQ(client().get("/maria").status, 404);
}

TEST_F(LinksApiTest, HealthReadinessAndMetrics) {
  Response r = client().get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("ok"), std::string::npos);
  r = client().get("/readyz");
  EXPECT_EQ(r.status, 200);
  r = client().get("/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("sequencial_redirects_total{outcome=\"link\"}"), std::string::npos);

  api().create_link("joao", "5511999990001");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(client().get("/joao").status, 302);
  EXPECT_EQ(redirects_total(port(), "link"), 3);
}

TEST_F(LinksApiTest, OpenApiDocumentIsJson) {
  const Response r = client().get("/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  const json doc = json::parse(r.body, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << r.body.substr(0, 200);
  ASSERT_TRUE(doc.is_object());
  EXPECT_TRUE(doc.contains("openapi"));
  ASSERT_TRUE(doc.contains("paths"));
  // Every route of docs/API.md is described, with its methods. Paths may be
  // written in full or relative to a "/api/v1" server URL.
  const json& paths = doc["paths"];
  const auto methods_of = [&](const std::string& path) -> json {
    if (paths.contains("/api/v1" + path)) return paths["/api/v1" + path];
    if (paths.contains(path)) return paths[path];
    ADD_FAILURE() << "OpenAPI document lacks " << path;
    return json::object();
  };
  const std::vector<std::pair<std::string, std::vector<std::string>>> routes = {
      {"/links", {"get", "post"}},
      {"/links/{id}", {"get", "patch", "delete"}},
      {"/centrals", {"get", "post"}},
      {"/centrals/{id}", {"get", "patch", "delete"}},
      {"/centrals/{id}/members/{slug}/hours", {"put", "delete"}},
  };
  for (const auto& [path, methods] : routes) {
    const json described = methods_of(path);
    for (const auto& m : methods) EXPECT_TRUE(described.contains(m)) << m << " " << path;
  }
}

TEST_F(LinksApiTest, MalformedRequestsAreRefusedAndTheServerSurvives) {
  HttpClient raw(port());
  ASSERT_TRUE(raw.send_raw("THIS IS NOT HTTP\r\n\r\n"));
  const std::string answer = raw.read_until_close();
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 4")) << answer;

  const std::vector<std::string> malformed = {
      "GET /joao HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
      "GET /joao HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n",
      "GET /joao HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n",
      std::string("GET /jo\0ao HTTP/1.1\r\nHost: x\r\n\r\n", 32),
      "GET /joao HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nabcde",
  };
  for (const std::string& bytes : malformed) {
    HttpClient bad(port());
    ASSERT_TRUE(bad.send_raw(bytes));
    const std::string reply = bad.read_until_close();
    EXPECT_TRUE(reply.starts_with("HTTP/1.1 4")) << bytes.substr(0, 60) << " -> " << reply;
  }

  // Writing to a link's slug is not allowed.
  api().create_link("joao", "5511999990001");
  const Response post = client().request("POST", "/joao", {}, "x");
  EXPECT_EQ(post.status, 405);

  EXPECT_EQ(client().get("/healthz").status, 200);
  EXPECT_EQ(client().get("/joao").status, 302);
}

TEST_F(LinksApiTest, BoundaryValuesAreAccepted) {
  // A slug of 64 characters; phones of other countries in several notations.
  const std::string long_slug = std::string(62, 'a') + "_-";
  EXPECT_EQ(api().post("/api/v1/links", {{"slug", long_slug}, {"phone", "5511333300000"}}).status,
            400);  // one digit too many for a São Paulo landline
  EXPECT_EQ(api().post("/api/v1/links", {{"slug", long_slug}, {"phone", "551133330000"}}).status,
            201);
  EXPECT_EQ(client().get("/" + long_slug).header_or_empty("Location"),
            "https://wa.me/551133330000");
  const ApiResponse r = api().post("/api/v1/links", {{"slug", "b"}, {"phone", "+351 912.345.678"}});
  ASSERT_EQ(r.status, 201) << r.raw.body;
  EXPECT_EQ(r.body["phone"], "351912345678");
  // No DDD: refused (issue 18).
  expect_field_error(api().post("/api/v1/links", {{"slug", "c"}, {"phone", "+55 99999-1234"}}), 400,
                     "phone");

  // A body of exactly 1 MiB is not "over 1 MiB".
  std::string body = R"({"slug":"exact","phone":"5511999990001"})";
  body.insert(body.size() - 1, std::string(std::size_t{1024} * 1024 - body.size(), ' '));
  ASSERT_EQ(body.size(), 1024u * 1024u);
  const ApiResponse exact = api().call_raw("POST", "/api/v1/links", body);
  EXPECT_EQ(exact.status, 201) << exact.raw.body.substr(0, 200);
}

TEST_F(LinksApiTest, ExpectContinueChunkedBodiesAndHttp10Work) {
  const std::string auth = "Authorization: Bearer " + sandbox_->token() + "\r\n";
  // Expect: 100-continue (curl sends it with large bodies): 100 first, then the answer.
  HttpClient expect(port());
  const std::string body = R"({"slug":"cont","phone":"5511999990001"})";
  ASSERT_TRUE(expect.send_raw("POST /api/v1/links HTTP/1.1\r\nHost: x\r\n" + auth +
                              "Content-Type: application/json\r\nExpect: 100-continue\r\n"
                              "Content-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n"));
  const Response interim = expect.read_response();
  EXPECT_EQ(interim.status, 100) << interim.error;
  ASSERT_TRUE(expect.send_raw(body));
  const Response created = expect.read_response();
  EXPECT_EQ(created.status, 201) << created.error << " " << created.body;

  // A chunked request body.
  HttpClient chunked(port());
  ASSERT_TRUE(chunked.send_raw("POST /api/v1/links HTTP/1.1\r\nHost: x\r\n" + auth +
                               "Content-Type: application/json\r\n"
                               "Transfer-Encoding: chunked\r\n\r\n"
                               "11\r\n{\"slug\":\"chunky\",\r\n"
                               "18\r\n\"phone\":\"5511999990002\"}\r\n"
                               "0\r\n\r\n"));
  const Response chunk_created = chunked.read_response();
  EXPECT_EQ(chunk_created.status, 201) << chunk_created.error << " " << chunk_created.body;

  // HTTP/1.0 without keep-alive: one answer, then the server closes.
  HttpClient old(port());
  ASSERT_TRUE(old.send_raw("GET /cont HTTP/1.0\r\n\r\n"));
  const std::string answer = old.read_until_close();
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 302") || answer.starts_with("HTTP/1.0 302")) << answer;
  EXPECT_NE(answer.find("Location: https://wa.me/5511999990001"), std::string::npos) << answer;
}

TEST_F(LinksApiTest, PreviewFieldsFeedTheOpenGraphPage) {
  const ApiResponse r =
      api().post("/api/v1/links", {{"slug", "promo"},
                                   {"phone", "5511999990001"},
                                   {"label", "interno"},
                                   {"preview_title", "Promo \"Black\" <Friday>"},
                                   {"preview_description", "Até 50% & frete grátis"},
                                   {"preview_image", "https://cdn.example.com/p.png?a=1&b=2"}});
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const Response page = client().get("/promo", {{"User-Agent", "facebookexternalhit/1.1"}});
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("&lt;Friday&gt;"), std::string::npos) << page.body;
  EXPECT_EQ(page.body.find("<Friday>"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("Até 50% &amp; frete grátis"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("content=\"https://cdn.example.com/p.png?a=1&amp;b=2\""),
            std::string::npos)
      << page.body;
  EXPECT_NE(page.body.find("og:image"), std::string::npos);

  expect_field_error(api().post("/api/v1/links", {{"slug", "x2"},
                                                  {"phone", "5511999990001"},
                                                  {"preview_image", "javascript:alert(1)"}}),
                     400, "preview_image");
}

// RFC 7235 section 2.1: the authentication scheme is a case-insensitive token.
TEST_F(LinksApiTest, BearerSchemeIsCaseInsensitive) {
  HttpClient http(port());
  for (const char* scheme : {"bearer ", "BEARER "}) {
    const Response r =
        http.get("/api/v1/links", {{"Authorization", std::string(scheme) + sandbox_->token()}});
    EXPECT_EQ(r.status, 200) << scheme << ": " << r.body;
  }
}

// Without --public-url the links' public URL must be one that works: the
// address the server actually listens on (with --listen 127.0.0.1:0, the
// port picked), not the configured ":0".
TEST(LinksApiDefaultPublicUrl, UsesTheBoundAddress) {
  Sandbox sandbox;
  auto server = sandbox.start();
  AdminClient api(server->port(), sandbox.token());
  const json link = api.create_link("joao", "5511999990001");
  const std::string expected = "http://127.0.0.1:" + std::to_string(server->port()) + "/joao";
  EXPECT_EQ(link["url"], expected) << server->log();
  HttpClient http(server->port());
  const Response preview = http.get("/joao", {{"User-Agent", "WhatsApp/2.23.20.0 A"}});
  EXPECT_NE(preview.body.find("content=\"" + expected + "\""), std::string::npos) << preview.body;
  EXPECT_EQ(server->stop(), 0);
}

// docs/API.md: `token create` may run before the first `serve` (it creates the
// database and its schema), and its single line is a working token.
TEST(LinksApiFreshDatabase, TokenCreateWorksBeforeTheFirstServe) {
  TempDir dir;
  const std::string db = dir.file("fresh.db");
  const CommandResult created =
      run_command({sequencial_binary(), "token", "create", "--db", db, "--name", "ci"}, dir.path());
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::string token = created.out;
  ASSERT_FALSE(token.empty());
  ASSERT_EQ(token.back(), '\n');
  token.pop_back();
  EXPECT_EQ(token.find('\n'), std::string::npos) << "more than one line: " << created.out;
  EXPECT_FALSE(token.empty());

  std::string error;
  auto server = ServerProcess::start(sequencial_binary(), {"--db", db, "--threads", "1"},
                                     dir.file("server.log"), error);
  ASSERT_NE(server, nullptr) << error;
  AdminClient api(server->port(), token);
  const ApiResponse list = api.get("/api/v1/links");
  EXPECT_EQ(list.status, 200) << list.raw.body;
  EXPECT_EQ(api.post("/api/v1/links", {{"slug", "x1"}, {"phone", "5511999990001"}}).status, 201);

  // A second token works too, while the server runs.
  const CommandResult second =
      run_command({sequencial_binary(), "token", "create", "--db", db}, dir.path());
  ASSERT_EQ(second.exit_code, 0) << second.err;
  std::string token2 = second.out;
  while (!token2.empty() && token2.back() == '\n') token2.pop_back();
  EXPECT_NE(token2, token);
  AdminClient api2(server->port(), token2);
  EXPECT_EQ(api2.get("/api/v1/links").status, 200);
  EXPECT_EQ(server->stop(), 0) << server->log();
}

TEST_F(LinksApiTest, QrImagesEncodeThePublicUrlOfTheLinkWithSourceQr) {
  api().create_link("Promo", "5511988887777", "Oi");
  // The payload, as drawn by the same encoder the server uses.
  const auto expect_qr = [&](const std::string& payload) {
    const auto svg = qr::qr_svg(payload);
    const auto png = qr::qr_png(payload);
    ASSERT_TRUE(svg && png);
    // The slug as the owner typed it, whatever case the image was asked in.
    for (const char* path : {"/promo/qr.svg", "/Promo/qr.svg"}) {
      const Response served = client().get(path);
      ASSERT_EQ(served.status, 200) << path << ": " << served.body;
      EXPECT_TRUE(served.body == *svg) << path << " does not encode " << payload;
    }
    const Response served = client().get("/promo/qr.png");
    ASSERT_EQ(served.status, 200) << served.body;
    EXPECT_TRUE(served.body == *png) << "qr.png does not encode " << payload;
  };
  expect_qr(std::string(kPublicUrl) + "/Promo?src=qr");
  // Sanity: a payload one character off is other bytes.
  EXPECT_NE(*qr::qr_png(std::string(kPublicUrl) + "/Promo?src=qR"),
            *qr::qr_png(std::string(kPublicUrl) + "/Promo?src=qr"));

  // A new public URL (saved from the admin) is in the next image at once.
  ASSERT_EQ(api().patch("/api/v1/settings", {{"public_url", "https://wa.outra.com.br/"}}).status,
            200);
  expect_qr("https://wa.outra.com.br/Promo?src=qr");
}

TEST_F(LinksApiTest, PhoneCheckAndTimeZonesHelpTheForms) {
  // The link form's live check applies the rule saving applies (issue 18).
  ApiResponse r = api().get("/api/v1/phone-check?phone=%2B55%2011%2099999-1234");
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.body["valid"], true);
  EXPECT_EQ(r.body["phone"], "5511999991234");
  EXPECT_EQ(r.body["formatted"], "+55 11 99999-1234");
  EXPECT_EQ(r.body["region"], "BR");
  r = api().get("/api/v1/phone-check?phone=%2B55%2099999-1234");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["valid"], false);
  EXPECT_EQ(r.body["error"]["code"], "invalid");
  EXPECT_EQ(r.body["error"]["field"], "phone");
  expect_field_error(api().post("/api/v1/links", {{"slug", "x"}, {"phone", "+55 99999-1234"}}), 400,
                     "phone");
  EXPECT_EQ(client().get("/api/v1/phone-check?phone=5511999991234").status, 401);

  r = api().get("/api/v1/time-zones");
  ASSERT_EQ(r.status, 200);
  bool sao_paulo = false;
  bool utc = false;
  for (const json& item : r.body["items"]) {
    sao_paulo = sao_paulo || (item["zone"] == "America/Sao_Paulo" && item["country"] == "BR");
    utc = utc || item["zone"] == "UTC";
  }
  EXPECT_TRUE(sao_paulo && utc) << r.raw.body.substr(0, 300);
}

}  // namespace
}  // namespace sequencial::itest
