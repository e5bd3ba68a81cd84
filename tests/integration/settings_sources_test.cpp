// Settings that cannot silently override (issue 17): the start log names
// the source of every option (flag, environment, file, default) and warns
// when a value saved from the admin UI overrides one the operator gave;
// GET /api/v1/settings shows the server's own value beside the saved one;
// DELETE /api/v1/settings/{key} puts the server's value back at once. Also
// the admin's e-mail change (PATCH /api/v1/users/{id} {"email"}).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "support/browser.h"
#include "support/fixtures.h"

namespace sequencial::itest {
namespace {

constexpr const char* kEmail = "dona@minhaloja.com.br";
constexpr const char* kPassword = "senha-da-dona-123";
constexpr const char* kFlagUrl = "https://zap.minhaloja.com.br";

class SettingsSourcesTest : public ServerTest {
 protected:
  void SetUp() override {
    sandbox_ = std::make_unique<Sandbox>(testhooks_binary());
    const std::string config = sandbox_->dir().file("sequencial.toml");
    std::ofstream(config) << "default_tz = \"Europe/Lisbon\"\n";
    args_ = {"--public-url",         kFlagUrl, "--config",         config,
             "--admin-email",        kEmail,   "--admin-password", kPassword,
             "--test-fast-passwords"};
    sandbox_->token();
    ::setenv("SEQUENCIAL_CLICK_RETENTION_DAYS", "300", 1);
    start();
    ::unsetenv("SEQUENCIAL_CLICK_RETENTION_DAYS");
  }
  json settings() {
    const ApiResponse r = api().get("/api/v1/settings");
    EXPECT_EQ(r.status, 200) << r.raw.body;
    return r.body;
  }
  std::string link_url(const std::string& slug) {
    return api().get("/api/v1/links/" + slug).body.value("url", "");
  }
};

bool logged(const std::string& log, const std::string& line) {
  return log.find(line) != std::string::npos;
}

TEST_F(SettingsSourcesTest, TheLogNamesEachSourceAndASavedOverrideIsWarnedShownAndReset) {
  const std::string log = server_->log();
  EXPECT_TRUE(logged(log, "event=setting key=public-url source=flag")) << log;
  EXPECT_TRUE(logged(log, "event=setting key=default-tz source=file")) << log;
  EXPECT_TRUE(logged(log, "event=setting key=click-retention-days source=environment")) << log;
  EXPECT_TRUE(logged(log, "event=setting key=log-level source=default")) << log;
  EXPECT_FALSE(logged(log, "setting_overridden")) << log;

  json s = settings();
  EXPECT_EQ(s["public_url"], kFlagUrl);
  EXPECT_EQ(s["default_tz"], "Europe/Lisbon");
  EXPECT_EQ(
      s["server"]["public_url"],
      (json{{"value", kFlagUrl}, {"source", "flag"}, {"saved", false}, {"overridden", false}}));
  EXPECT_EQ(s["server"]["default_tz"]["source"], "file");

  // Saving only the zone leaves the public URL to the flag.
  ASSERT_EQ(api().patch("/api/v1/settings", {{"default_tz", "America/Recife"}}).status, 200);
  s = settings();
  EXPECT_EQ(s["server"]["public_url"]["saved"], false);
  EXPECT_EQ(
      s["server"]["default_tz"],
      (json{
          {"value", "Europe/Lisbon"}, {"source", "file"}, {"saved", true}, {"overridden", true}}));

  // A saved public URL overrides the flag: shown, and warned at the next start.
  api().create_link("joao", "5511999990001");
  ASSERT_EQ(api().patch("/api/v1/settings", {{"public_url", "http://127.0.0.1:8080"}}).status, 200);
  EXPECT_EQ(link_url("joao"), "http://127.0.0.1:8080/joao");
  EXPECT_EQ(settings()["server"]["public_url"]["overridden"], true);
  restart();
  const std::string again = server_->log();
  EXPECT_TRUE(logged(again,
                     "event=setting_overridden key=public_url source=saved "
                     "value=\"http://127.0.0.1:8080\" overrides=\"https://zap.minhaloja.com.br\" "
                     "from=flag"))
      << again;
  EXPECT_EQ(link_url("joao"), "http://127.0.0.1:8080/joao");

  // Reset: the flag's value is back at once, and stays after a restart.
  const ApiResponse reset = api().del("/api/v1/settings/public_url");
  ASSERT_EQ(reset.status, 200) << reset.raw.body;
  EXPECT_EQ(reset.body["public_url"], kFlagUrl);
  EXPECT_EQ(reset.body["server"]["public_url"]["saved"], false);
  EXPECT_EQ(link_url("joao"), std::string(kFlagUrl) + "/joao");
  ASSERT_EQ(api().del("/api/v1/settings/default_tz").status, 200);
  EXPECT_EQ(settings()["default_tz"], "Europe/Lisbon");
  restart();
  EXPECT_FALSE(logged(server_->log(), "setting_overridden")) << server_->log();
  EXPECT_EQ(settings()["public_url"], kFlagUrl);

  EXPECT_EQ(api().del("/api/v1/settings/colour").status, 404);
  EXPECT_EQ(api().call("PUT", "/api/v1/settings/public_url", json{{"x", 1}}).status, 405);
}

TEST_F(SettingsSourcesTest, WithoutAPublicUrlFlagAResetGoesBackToTheBoundAddress) {
  args_ = {"--admin-email", kEmail, "--admin-password", kPassword, "--test-fast-passwords"};
  restart();
  const std::string bound = "http://127.0.0.1:" + std::to_string(port());
  EXPECT_EQ(settings()["server"]["public_url"]["source"], "default");
  ASSERT_EQ(api().patch("/api/v1/settings", {{"public_url", kFlagUrl}}).status, 200);
  EXPECT_EQ(settings()["public_url"], kFlagUrl);
  ASSERT_EQ(api().del("/api/v1/settings/public_url").status, 200);
  EXPECT_EQ(settings()["public_url"], bound);
}

TEST_F(SettingsSourcesTest, TheAdminChangesTheirEmailUniqueIgnoringCase) {
  Browser browser(port());
  ASSERT_EQ(browser.login(kEmail, kPassword).status, 200);
  const std::int64_t me = browser.get("/api/v1/session").body["user"]["id"].get<std::int64_t>();
  ASSERT_EQ(api()
                .post("/api/v1/users",
                      {{"email", "bia@minhaloja.com.br"}, {"password", "senha-da-bia-123"}})
                .status,
            201);
  const std::string path = "/api/v1/users/" + std::to_string(me);

  ApiResponse r = browser.call("PATCH", path, json{{"email", "BIA@minhaloja.com.br"}});
  EXPECT_EQ(r.status, 409) << r.raw.body;
  EXPECT_EQ(r.body["error"]["field"], "email");
  r = browser.call("PATCH", path, json{{"email", "not-an-email"}});
  EXPECT_EQ(r.status, 400) << r.raw.body;
  r = browser.call("PATCH", path, json{{"email", "a@b.com"}, {"password", "outra-senha-123"}});
  EXPECT_EQ(r.status, 400) << r.raw.body;
  EXPECT_EQ(browser.call("PATCH", "/api/v1/users/999", json{{"email", "x@y.com"}}).status, 404);

  r = browser.call("PATCH", path, json{{"email", "Maria@MinhaLoja.com.br"}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.body["email"], "Maria@MinhaLoja.com.br");
  Browser fresh(port());
  EXPECT_EQ(fresh.login("maria@minhaloja.com.br", kPassword).status, 200);
  EXPECT_EQ(Browser(port()).login(kEmail, kPassword).status, 401);
}

}  // namespace
}  // namespace sequencial::itest
