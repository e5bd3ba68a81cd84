// Admin UI accounts over the real server: login and logout, the session
// cookie's flags, the login rate limit, CSRF on cookie-authenticated writes
// (bearer tokens unchanged), API tokens managed over the API, users CRUD
// rules, the first admin and `sequencial user create`.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "support/browser.h"
#include "support/fixtures.h"

namespace sequencial::itest {
namespace {

constexpr const char* kEmail = "admin@example.com";
constexpr const char* kPassword = "senha-do-admin-123";

class AccountsTest : public ServerTest {
 protected:
  void SetUp() override { boot_with({}); }
  void boot_with(std::vector<std::string> extra) {
    std::vector<std::string> args = {"--admin-email", kEmail, "--admin-password", kPassword,
                                     "--test-fast-passwords"};
    args.insert(args.end(), extra.begin(), extra.end());
    sandbox_ = std::make_unique<Sandbox>(testhooks_binary());
    sandbox_->set_clock(1'800'000'000);
    args_ = args;
    sandbox_->token();
    start();
  }
  Browser logged_in() {
    Browser browser(port());
    const ApiResponse r = browser.login(kEmail, kPassword);
    EXPECT_EQ(r.status, 200) << r.raw.body;
    return browser;
  }
};

TEST_F(AccountsTest, LoginSetsAStrictHttpOnlyCookieAndLogoutEndsTheSession) {
  Browser browser(port());
  ApiResponse bad = browser.login(kEmail, "senha-errada-123");
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.body["error"]["code"], "invalid_credentials");
  EXPECT_EQ(session_set_cookie_line(bad.raw), "");
  ApiResponse unknown = browser.login("nobody@example.com", kPassword);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.body["error"]["code"], "invalid_credentials");

  ApiResponse ok = browser.login("ADMIN@Example.com", kPassword);  // e-mail ignores case
  ASSERT_EQ(ok.status, 200) << ok.raw.body;
  EXPECT_EQ(ok.body["user"]["email"], kEmail);
  EXPECT_TRUE(ok.body["user"]["id"].is_number());
  EXPECT_TRUE(ok.body["user"]["created_at"].is_string());
  EXPECT_FALSE(ok.body["user"].contains("password_hash"));
  EXPECT_EQ(ok.body["csrf_token"].get<std::string>().size(), 64u);
  const std::string line = session_set_cookie_line(ok.raw);
  EXPECT_NE(line.find("; HttpOnly"), std::string::npos) << line;
  EXPECT_NE(line.find("; SameSite=Strict"), std::string::npos) << line;
  EXPECT_NE(line.find("; Path=/"), std::string::npos) << line;
  EXPECT_NE(line.find("; Max-Age=604800"), std::string::npos) << line;
  EXPECT_EQ(line.find("Secure"), std::string::npos) << line;  // http public URL
  EXPECT_EQ(browser.cookie().size(), 64u);

  ApiResponse me = browser.get("/api/v1/session");
  ASSERT_EQ(me.status, 200) << me.raw.body;
  EXPECT_EQ(me.body["csrf_token"], ok.body["csrf_token"]);
  EXPECT_EQ(me.body["user"]["email"], kEmail);
  EXPECT_EQ(Browser(port()).get("/api/v1/session").status, 401);  // no cookie

  // Logging out is a write: the CSRF token is needed.
  EXPECT_EQ(browser.call("DELETE", "/api/v1/session", std::nullopt, false).status, 403);
  ApiResponse out = browser.call("DELETE", "/api/v1/session");
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(session_set_cookie_line(out.raw).find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(browser.get("/api/v1/session").status, 401);
  EXPECT_EQ(browser.get("/api/v1/links").status, 401);
}

TEST_F(AccountsTest, SessionsExpireAfterSevenDays) {
  Browser browser = logged_in();
  sandbox_->set_clock(1'800'000'000 + 7 * 86400 - 1);
  EXPECT_EQ(browser.get("/api/v1/links").status, 200);
  sandbox_->set_clock(1'800'000'000 + 7 * 86400);
  EXPECT_EQ(browser.get("/api/v1/links").status, 401);
}

TEST_F(AccountsTest, CookieIsSecureWhenThePublicUrlIsHttps) {
  server_->stop();
  boot_with({"--public-url", "https://zap.example.com"});
  Browser browser(port());
  const ApiResponse ok = browser.login(kEmail, kPassword);
  ASSERT_EQ(ok.status, 200);
  EXPECT_NE(session_set_cookie_line(ok.raw).find("; Secure"), std::string::npos);
}

TEST_F(AccountsTest, FailedLoginsAreRateLimitedPerEmailAndPerAddress) {
  Browser browser(port());
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(browser.login(kEmail, "senha-errada-123").status, 401) << i;
  }
  // The 6th attempt is refused even with the right password.
  ApiResponse limited = browser.login(kEmail, kPassword);
  EXPECT_EQ(limited.status, 429) << limited.raw.body;
  EXPECT_EQ(limited.body["error"]["code"], "rate_limited");
  EXPECT_EQ(limited.raw.header_or_empty("Retry-After"), "900");
  // 15 more failures on other e-mails from the same address: 20 in all.
  for (int i = 0; i < 15; ++i) {
    const std::string email = "user" + std::to_string(i) + "@example.com";
    EXPECT_EQ(browser.login(email, "senha-errada-123").status, 401) << i;
  }
  EXPECT_EQ(browser.login("other@example.com", "x").status, 429);

  sandbox_->set_clock(1'800'000'000 + 15 * 60);
  EXPECT_EQ(browser.login(kEmail, kPassword).status, 200);
}

TEST_F(AccountsTest, CookieWritesNeedTheCsrfTokenBearerDoesNot) {
  Browser browser = logged_in();
  const json link = {{"slug", "joao"}, {"phone", "5511999990001"}, {"message", "Oi"}};

  ApiResponse no_token = browser.call("POST", "/api/v1/links", link, false);
  EXPECT_EQ(no_token.status, 403) << no_token.raw.body;
  EXPECT_EQ(no_token.body["error"]["code"], "csrf");
  const std::string real = browser.csrf();
  browser.set_csrf(std::string(64, '0'));
  EXPECT_EQ(browser.call("POST", "/api/v1/links", link).status, 403);
  EXPECT_EQ(browser.call("DELETE", "/api/v1/links/joao").status, 403);
  browser.set_csrf(real);
  EXPECT_EQ(browser.get("/api/v1/links").body["items"].size(), 0u);  // nothing was created

  ApiResponse created = browser.call("POST", "/api/v1/links", link);
  EXPECT_EQ(created.status, 201) << created.raw.body;
  // Reads need no token.
  EXPECT_EQ(browser.call("GET", "/api/v1/links", std::nullopt, false).status, 200);
  // Bearer: unchanged, no CSRF token.
  EXPECT_EQ(api().create_link("maria", "5511999990002")["slug"], "maria");
  // A wrong bearer token does not fall back to the cookie.
  EXPECT_EQ(
      browser
          .call("GET", "/api/v1/links", std::nullopt, true, {{"Authorization", "Bearer sq_nope"}})
          .status,
      401);
}

TEST_F(AccountsTest, TokensAreCreatedShownOnceListedAndRevokedAtOnce) {
  Browser browser = logged_in();
  ApiResponse created = browser.call("POST", "/api/v1/tokens", json{{"name", "zapier"}});
  ASSERT_EQ(created.status, 201) << created.raw.body;
  const std::string token = created.body["token"];
  EXPECT_TRUE(token.starts_with("sq_")) << token;
  EXPECT_EQ(created.body["name"], "zapier");
  const long id = created.body["id"];

  ApiResponse listed = browser.get("/api/v1/tokens");
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.body["items"].size(), 2u);  // the sandbox's CLI token and this one
  for (const auto& item : listed.body["items"]) {
    EXPECT_FALSE(item.contains("token")) << item;
    EXPECT_TRUE(item["created_at"].is_string());
  }
  EXPECT_EQ(browser.call("POST", "/api/v1/tokens", json{{"name", ""}}).body["error"]["field"],
            "name");
  EXPECT_EQ(browser.call("POST", "/api/v1/tokens", json::object()).status, 400);

  AdminClient script(port(), token);
  EXPECT_EQ(script.get("/api/v1/links").status, 200);
  EXPECT_EQ(browser.call("DELETE", "/api/v1/tokens/" + std::to_string(id)).status, 204);
  EXPECT_EQ(script.get("/api/v1/links").status, 401);
  EXPECT_EQ(browser.call("DELETE", "/api/v1/tokens/" + std::to_string(id)).status, 404);
  EXPECT_EQ(browser.get("/api/v1/tokens").body["items"].size(), 1u);
}

TEST_F(AccountsTest, UsersCrudRules) {
  Browser browser = logged_in();
  const long me = browser.get("/api/v1/session").body["user"]["id"];

  ApiResponse short_pw = browser.call("POST", "/api/v1/users",
                                      json{{"email", "bia@example.com"}, {"password", "curta"}});
  EXPECT_EQ(short_pw.status, 400);
  EXPECT_EQ(short_pw.body["error"]["field"], "password");
  ApiResponse bad_email =
      browser.call("POST", "/api/v1/users", json{{"email", "bia"}, {"password", "senha-da-bia-1"}});
  EXPECT_EQ(bad_email.status, 400);
  EXPECT_EQ(bad_email.body["error"]["field"], "email");
  ApiResponse bia = browser.call(
      "POST", "/api/v1/users", json{{"email", "bia@example.com"}, {"password", "senha-da-bia-1"}});
  ASSERT_EQ(bia.status, 201) << bia.raw.body;
  EXPECT_EQ(bia.body["email"], "bia@example.com");
  EXPECT_FALSE(bia.body.contains("password_hash"));
  const long bia_id = bia.body["id"];
  EXPECT_EQ(browser
                .call("POST", "/api/v1/users",
                      json{{"email", "BIA@example.com"}, {"password", "senha-da-bia-1"}})
                .status,
            409);
  EXPECT_EQ(browser.get("/api/v1/users").body["items"].size(), 2u);

  const std::string bia_path = "/api/v1/users/" + std::to_string(bia_id);
  EXPECT_EQ(browser.call("PATCH", bia_path, json{{"password", "curta"}}).status, 400);
  EXPECT_EQ(browser.call("PATCH", bia_path, json{{"password", "nova-senha-da-bia"}}).status, 200);
  Browser as_bia(port());
  EXPECT_EQ(as_bia.login("bia@example.com", "senha-da-bia-1").status, 401);
  ASSERT_EQ(as_bia.login("bia@example.com", "nova-senha-da-bia").status, 200);

  // Nobody deletes themselves; the last user stays.
  ApiResponse self = browser.call("DELETE", "/api/v1/users/" + std::to_string(me));
  EXPECT_EQ(self.status, 409) << self.raw.body;
  EXPECT_EQ(as_bia.call("DELETE", "/api/v1/users/" + std::to_string(me)).status, 204);
  EXPECT_EQ(browser.get("/api/v1/users").status, 401);  // deleted with its sessions
  EXPECT_EQ(api().del(bia_path).status, 409);           // bia is the last user
  EXPECT_EQ(api().del("/api/v1/users/999").status, 404);
  EXPECT_EQ(api().get("/api/v1/users").body["items"].size(), 1u);
}

TEST(FirstAdminTest, GeneratedPasswordIsLoggedOnceAndUserCreateWorks) {
  Sandbox sandbox(testhooks_binary());
  auto server = sandbox.start({"--test-fast-passwords"});
  const std::string log = server->log();
  const std::size_t at = log.find("event=first_admin email=admin@localhost password=");
  ASSERT_NE(at, std::string::npos) << log;
  const std::size_t start = log.find("password=", at) + 9;
  const std::string password = log.substr(start, log.find_first_of(" \n", start) - start);
  EXPECT_EQ(password.size(), 20u);
  // In plain words, at info level: where the painel is and how to log in (issue 18).
  const std::string line = log.substr(at, log.find('\n', at) - at);
  const std::string painel = "http://127.0.0.1:" + std::to_string(server->port()) + "/admin";
  EXPECT_NE(line.find("painel=" + painel), std::string::npos) << line;
  EXPECT_NE(line.find("Open " + painel +
                      " in a browser and log in as admin@localhost with the "
                      "password " +
                      password),
            std::string::npos)
      << line;
  const std::size_t line_start = log.rfind('\n', at);
  EXPECT_NE(log.substr(line_start == std::string::npos ? 0 : line_start, at).find("[info]"),
            std::string::npos)
      << line;
  Browser browser(server->port());
  EXPECT_EQ(browser.login("admin@localhost", password).status, 200);

  // "/" is a neutral page (not "Link não encontrado"), or the shop's site once set.
  Response home = browser.http().get("/");
  EXPECT_EQ(home.status, 200);
  EXPECT_EQ(home.body.find("encontrado"), std::string::npos) << home.body;
  ASSERT_EQ(
      browser.call("PATCH", "/api/v1/settings", json{{"home_url", "https://loja.example/"}}).status,
      200);
  home = browser.http().get("/");
  EXPECT_EQ(home.status, 302);
  EXPECT_EQ(home.header_or_empty("Location"), "https://loja.example");
  ASSERT_EQ(server->stop(), 0);

  // `user create` with a generated password prints it.
  CommandResult created = run_command({sequencial_binary(), "user", "create", "--db",
                                       sandbox.db_path(), "--email", "ana@example.com"},
                                      sandbox.dir().path());
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string ana_password = created.out.substr(0, created.out.find('\n'));
  EXPECT_EQ(ana_password.size(), 20u);
  CommandResult taken =
      run_command({sequencial_binary(), "user", "create", "--db", sandbox.db_path(), "--email",
                   "ANA@example.com", "--password", "senha-da-ana-1"},
                  sandbox.dir().path());
  EXPECT_EQ(taken.exit_code, 2);
  CommandResult short_pw =
      run_command({sequencial_binary(), "user", "create", "--db", sandbox.db_path(), "--email",
                   "bia@example.com", "--password", "curta"},
                  sandbox.dir().path());
  EXPECT_EQ(short_pw.exit_code, 2);
  EXPECT_NE(short_pw.err.find("10 characters"), std::string::npos) << short_pw.err;

  // Users exist now: no new first admin, and the CLI user can log in.
  server = sandbox.start({"--test-fast-passwords"});
  EXPECT_EQ(server->log().find("event=first_admin"), std::string::npos) << server->log();
  Browser ana(server->port());
  EXPECT_EQ(ana.login("ana@example.com", ana_password).status, 200);
  EXPECT_EQ(server->stop(), 0);
}

TEST(FirstAdminTest, EmailFromTheConfigFileAndPasswordFromTheEnvironment) {
  Sandbox sandbox(testhooks_binary());
  const std::string config = sandbox.dir().file("sequencial.toml");
  std::ofstream(config) << "admin-email = \"dona@loja.com.br\"\n";
  ::setenv("SEQUENCIAL_ADMIN_PASSWORD", "senha-do-ambiente", 1);
  auto server = sandbox.start({"--config", config, "--test-fast-passwords"});
  ::unsetenv("SEQUENCIAL_ADMIN_PASSWORD");
  const std::string log = server->log();
  EXPECT_NE(log.find("event=first_admin email=dona@loja.com.br"), std::string::npos) << log;
  EXPECT_EQ(log.find("password="), std::string::npos) << log;  // given, so never logged
  Browser browser(server->port());
  EXPECT_EQ(browser.login("dona@loja.com.br", "senha-do-ambiente").status, 200);
  EXPECT_EQ(server->stop(), 0);
}

TEST(FirstAdminTest, BadAdminEmailStopsTheServer) {
  TempDir dir;
  CommandResult r = run_command({testhooks_binary(), "serve", "--db", dir.file("x.db"), "--listen",
                                 "127.0.0.1:0", "--admin-email", "not-an-email"},
                                dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE((r.out + r.err).find("admin-email"), std::string::npos) << r.out << r.err;
}

}  // namespace
}  // namespace sequencial::itest
