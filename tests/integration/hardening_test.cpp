// Issue 14 over the real server: requests with bytes that are not UTF-8
// (row 13), CSV exports of formula-looking values (row 11), ids never
// reused (rows 9, 10), login e-mails with control characters (row 1), the
// lockout design with device cookies (row 7), --trusted-proxies, password
// changes that need the current password and end other sessions, and
// `sequencial user set-password`.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/browser.h"
#include "support/fixtures.h"

namespace sequencial::itest {
namespace {

using namespace std::string_literals;

constexpr const char* kEmail = "dona@loja.com.br";
constexpr const char* kPassword = "senha-da-dona-123";

// The value of `name` in a response's Set-Cookie lines ("" when none).
std::string set_cookie_value(const Response& r, const std::string& name) {
  for (const std::string& line : r.header_values("Set-Cookie")) {
    if (line.starts_with(name + "=")) {
      const std::size_t end = line.find(';');
      return line.substr(name.size() + 1, end - name.size() - 1);
    }
  }
  return {};
}

class HardeningTest : public ServerTest {
 protected:
  void SetUp() override { boot_with({}); }
  void boot_with(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"--admin-email",
                                     kEmail,
                                     "--admin-password",
                                     kPassword,
                                     "--test-fast-passwords",
                                     "--click-flush-interval-ms",
                                     "20"};
    args.insert(args.end(), extra.begin(), extra.end());
    if (server_) {
      ASSERT_EQ(server_->stop(), 0);
    }
    boot(args, testhooks_binary());
  }
  // POST /api/v1/session on a fresh connection, with optional headers.
  Response login(std::string_view email, std::string_view password, const Headers& extra = {}) {
    HttpClient http(port());
    Headers headers = {{"Content-Type", "application/json"}};
    headers.insert(headers.end(), extra.begin(), extra.end());
    return http.request("POST", "/api/v1/session", headers,
                        json{{"email", email}, {"password", password}}.dump(
                            -1, ' ', false, json::error_handler_t::replace));
  }
  Response login_raw_body(std::string_view body) {
    HttpClient http(port());
    return http.request("POST", "/api/v1/session", {{"Content-Type", "application/json"}}, body);
  }
  // Waits until the server has written `n` clicks.
  void settle(double n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline &&
           metric(port(), "sequencial_clicks_written_total") < n) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(metric(port(), "sequencial_clicks_written_total"), n);
  }
};

// Row 13: these answered 500 "internal" (the error echoed the bytes and the
// JSON dump threw), with nothing in the log.
TEST_F(HardeningTest, BytesThatAreNotUtf8InPathsQueriesAndBodiesAre4xx) {
  api().create_link("joao", "5511999990001");
  const Headers auth = {{"Authorization", "Bearer " + sandbox_->token()},
                        {"Content-Type", "application/json"}};
  const std::vector<std::pair<std::string, std::string>> requests = {
      {"GET", "/api/v1/links\xff"},
      {"GET", "/api/v1/\xff\xfe"},
      {"GET", "/api/v1/links/jo\xc3\x28o"},
      {"DELETE", "/api/v1/links/\xff"},
      {"GET", "/api/v1/centrals/\xff"},
      {"GET", "/api/v1/centrals/1/members/\xff/hours"},
      {"GET", "/api/v1/links/joao/stats?tz=%FF%FE"},
      {"GET", "/api/v1/links/joao/stats?by=%FF"},
      {"GET", "/api/v1/links/joao/stats?from=%FF"},
      {"GET", "/api/v1/links/joao/clicks?to=%C3"},
      {"GET", "/api/v1/users/\xff"},
      {"GET", "/api/v1/tokens/\xff"},
  };
  for (const auto& [method, target] : requests) {
    HttpClient http(port());
    const Response r = http.request(method, target, auth);
    EXPECT_GE(r.status, 400) << method << " " << target << ": " << r.body;
    EXPECT_LT(r.status, 500) << method << " " << target << ": " << r.body;
    EXPECT_TRUE(json::accept(r.body)) << r.body;
  }
  // Bodies: raw bytes inside JSON strings, and keys that are not UTF-8.
  for (const std::string& body :
       {"{\"slug\":\"a\xff\",\"phone\":\"5511999990002\"}"s, "{\"\xff\":1}"s, "\xff"s,
        "{\"slug\":\"b\",\"phone\":\"5511999990002\",\"message\":\"\xc3\"}"s}) {
    HttpClient http(port());
    const Response r = http.request("POST", "/api/v1/links", auth, body);
    EXPECT_EQ(r.status, 400) << body << ": " << r.body;
    const Response patch = http.request("PATCH", "/api/v1/links/joao", auth, body);
    EXPECT_EQ(patch.status, 400) << body << ": " << patch.body;
  }
  EXPECT_EQ(login_raw_body("{\"email\":\"a\xff@b.c\",\"password\":\"x\"}").status, 400);
  EXPECT_EQ(server_->log().find("event=api_exception"), std::string::npos) << server_->log();
  EXPECT_EQ(api().get("/api/v1/links").status, 200);
}

// Row 11: values from visitors' URLs that a spreadsheet would run as
// formulas are exported with a leading apostrophe.
TEST_F(HardeningTest, CsvExportsNeutraliseFormulas) {
  api().create_link("joao", "5511999990001");
  const std::vector<std::string> sources = {"%3DHYPERLINK(%22https://e.x%22,%22x%22)",
                                            "%2Bcmd%7Ccalc", "%40SUM(1)", "-2%2B3", "%09tab"};
  for (const std::string& source : sources) {
    ASSERT_EQ(client().get("/joao?utm_source=" + source).status, 302);
  }
  settle(static_cast<double>(sources.size()));

  const ApiResponse stats = api().get("/api/v1/links/joao/stats?by=utm_source&format=csv");
  ASSERT_EQ(stats.status, 200) << stats.raw.body;
  const ApiResponse clicks = api().get("/api/v1/links/joao/clicks");
  ASSERT_EQ(clicks.status, 200) << clicks.raw.body;
  for (const std::string& csv : {stats.raw.body, clicks.raw.body}) {
    EXPECT_NE(csv.find("\"'=HYPERLINK(\"\"https://e.x\"\",\"\"x\"\")\""), std::string::npos) << csv;
    EXPECT_NE(csv.find("'+cmd|calc"), std::string::npos) << csv;
    EXPECT_NE(csv.find("'@SUM(1)"), std::string::npos) << csv;
    EXPECT_NE(csv.find("'-2+3"), std::string::npos) << csv;
    EXPECT_NE(csv.find("'\ttab"), std::string::npos) << csv;
    // No cell starts a formula: after a separator or a line start, or an
    // opening quote, never one of = + @ (- is checked by the lines above).
    for (const char* bad : {",=", ",+", ",@", ",\t", "\n=", "\n+", "\n@", ",\"=", ",\"+"}) {
      EXPECT_EQ(csv.find(bad), std::string::npos) << bad << " in " << csv;
    }
  }
}

// Rows 9 and 10: deleting the newest link gave its id (and its clicks) to
// the next link; revoking the newest token gave its id to the next token,
// which the token cache then refused until restart.
TEST_F(HardeningTest, IdsAreNeverReusedSoNothingIsInherited) {
  const long old_id = api().create_link("velho", "5511999990001")["id"];
  for (int i = 0; i < 3; ++i) ASSERT_EQ(client().get("/velho").status, 302);
  settle(3);
  ASSERT_EQ(api().del("/api/v1/links/velho").status, 204);
  const json fresh = api().create_link("novo", "5511999990002");
  EXPECT_GT(fresh["id"].get<long>(), old_id);
  const ApiResponse stats = api().get("/api/v1/links/novo/stats");
  ASSERT_EQ(stats.status, 200) << stats.raw.body;
  EXPECT_EQ(stats.body["total"], 0) << stats.raw.body;

  for (int round = 0; round < 2; ++round) {
    const ApiResponse made = api().post("/api/v1/tokens", json{{"name", "t"}});
    ASSERT_EQ(made.status, 201) << made.raw.body;
    AdminClient script(port(), made.body["token"]);
    ASSERT_EQ(script.get("/api/v1/links").status, 200);
    ASSERT_EQ(api().del("/api/v1/tokens/" + std::to_string(made.body["id"].get<long>())).status,
              204);
    EXPECT_EQ(script.get("/api/v1/links").status, 401);
  }
  const ApiResponse last = api().post("/api/v1/tokens", json{{"name", "t"}});
  ASSERT_EQ(last.status, 201);
  EXPECT_EQ(AdminClient(port(), last.body["token"]).get("/api/v1/links").status, 200);
}

// Row 1: "e-mail\0junk" was another key for the rate limiter but (on
// PostgreSQL) the same user, so the lockout could be bypassed.
TEST_F(HardeningTest, LoginEmailsWithControlCharactersAreRefused) {
  for (const std::string& email : {std::string(kEmail) + "\0x"s, std::string(kEmail) + "\x01",
                                   std::string(kEmail) + "\t", "\x7f" + std::string(kEmail)}) {
    const Response r = login(email, kPassword);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(json::parse(r.body)["error"]["field"], "email") << r.body;
  }
  const ApiResponse created = api().post(
      "/api/v1/users", json{{"email", "bia@loja.com.br\0x"s}, {"password", "senha-da-bia-1"}});
  EXPECT_EQ(created.status, 400) << created.raw.body;
  EXPECT_EQ(created.body["error"]["field"], "email");
  // Case variants of one e-mail share one counter.
  for (int i = 0; i < 5; ++i) {
    const std::string email = i % 2 == 0 ? "DONA@loja.com.br" : "dona@LOJA.com.br";
    EXPECT_EQ(login(email, "senha-errada-123").status, 401) << i;
  }
  EXPECT_EQ(login(kEmail, kPassword).status, 429);
}

// Row 7: bots guessing the owner's password lock out logins without a
// device cookie, but not the owner's browser that logged in before.
TEST_F(HardeningTest, BotsCannotLockTheOwnerOutOfAKnownBrowser) {
  const Response first = login(kEmail, kPassword);
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string device = set_cookie_value(first, "sqd");
  ASSERT_FALSE(device.empty());
  bool cookie_flags = false;
  for (const std::string& line : first.header_values("Set-Cookie")) {
    if (line.starts_with("sqd=")) {
      cookie_flags = line.find("; HttpOnly") != std::string::npos &&
                     line.find("; SameSite=Strict") != std::string::npos &&
                     line.find("; Path=/api/v1/session") != std::string::npos;
    }
  }
  EXPECT_TRUE(cookie_flags);

  for (int i = 0; i < 30; ++i) (void)login(kEmail, "chute-do-robo-" + std::to_string(i));
  const Response locked = login(kEmail, kPassword);
  EXPECT_EQ(locked.status, 429) << locked.body;
  EXPECT_FALSE(locked.header_or_empty("Retry-After").empty());
  EXPECT_EQ(json::parse(locked.body)["error"]["code"], "rate_limited");

  const Headers with_device = {{"Cookie", "sqd=" + device}};
  const Response owner = login(kEmail, kPassword, with_device);
  EXPECT_EQ(owner.status, 200) << owner.body;
  // A forged or another user's device cookie is no pass.
  std::string forged = device;
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_EQ(login(kEmail, kPassword, {{"Cookie", "sqd=" + forged}}).status, 429);

  // The device has its own limit: 10 failures, then it waits too.
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(login(kEmail, "senha-errada-123", with_device).status, 401) << i;
  }
  EXPECT_EQ(login(kEmail, kPassword, with_device).status, 429);
}

// --trusted-proxies: behind a proxy every client counts as itself; without
// it X-Forwarded-For is ignored (a client cannot pick its own address).
TEST_F(HardeningTest, TrustedProxiesMakeEachClientCountAsItself) {
  const auto fail_from = [&](const std::string& address, int n) {
    for (int i = 0; i < n; ++i) {
      const std::string email = "u" + std::to_string(i) + "@x.com";
      (void)login(email, "senha-errada-123", {{"X-Forwarded-For", address}});
    }
  };
  fail_from("203.0.113.1", 20);
  // Not trusted: X-Forwarded-For is ignored and everyone is 127.0.0.1.
  EXPECT_EQ(login("new@x.com", "senha-errada-123", {{"X-Forwarded-For", "203.0.113.2"}}).status,
            429);

  boot_with({"--trusted-proxies", "127.0.0.0/8, ::1"});
  EXPECT_NE(server_->log().find("event=trusted_proxies ranges=127.0.0.0/8,::1/128"),
            std::string::npos)
      << server_->log();
  fail_from("203.0.113.1", 20);
  EXPECT_EQ(login("new@x.com", "senha-errada-123", {{"X-Forwarded-For", "203.0.113.1"}}).status,
            429);
  EXPECT_EQ(login("new@x.com", "senha-errada-123", {{"X-Forwarded-For", "203.0.113.2"}}).status,
            401);
  // A client's forged first hop does not help: the proxy's hop counts.
  EXPECT_EQ(
      login("new@x.com", "senha-errada-123", {{"X-Forwarded-For", "198.51.100.9, 203.0.113.1"}})
          .status,
      429);
  EXPECT_EQ(login("new@x.com", "senha-errada-123", {{"Forwarded", "for=203.0.113.3"}}).status, 401);
  EXPECT_EQ(login(kEmail, kPassword, {{"X-Forwarded-For", "203.0.113.4"}}).status, 200);

  // Bad ranges stop the server at start with a clear message.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--trusted-proxies", "10.0.0.0/33"},
        std::vector<std::string>{"--trusted-proxies", "nginx"}}) {
    std::vector<std::string> argv = {testhooks_binary(),  "serve",    "--db",
                                     sandbox_->db_path(), "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), args.begin(), args.end());
    const CommandResult r = run_command(argv, sandbox_->dir().path());
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE((r.out + r.err).find("trusted-proxies"), std::string::npos) << r.out << r.err;
  }
  ::setenv("SEQUENCIAL_TRUSTED_PROXIES", "300.1.1.1", 1);
  const CommandResult env = run_command(
      {testhooks_binary(), "serve", "--db", sandbox_->db_path(), "--listen", "127.0.0.1:0"},
      sandbox_->dir().path());
  ::unsetenv("SEQUENCIAL_TRUSTED_PROXIES");
  EXPECT_EQ(env.exit_code, 2) << env.out << env.err;
}

// Row 14: changing your own password needs the current one and ends your
// other sessions; an admin changing someone's password ends all of theirs.
TEST_F(HardeningTest, PasswordChangesNeedTheCurrentPasswordAndEndOtherSessions) {
  Browser here(port());
  ASSERT_EQ(here.login(kEmail, kPassword).status, 200);
  Browser phone(port());
  ASSERT_EQ(phone.login(kEmail, kPassword).status, 200);
  const std::string me =
      "/api/v1/users/" + std::to_string(here.get("/api/v1/session").body["user"]["id"].get<long>());

  ApiResponse missing = here.call("PATCH", me, json{{"password", "senha-nova-da-dona"}});
  EXPECT_EQ(missing.status, 400) << missing.raw.body;
  EXPECT_EQ(missing.body["error"]["field"], "current_password");
  ApiResponse wrong = here.call(
      "PATCH", me, json{{"password", "senha-nova-da-dona"}, {"current_password", "errada-123"}});
  EXPECT_EQ(wrong.status, 403) << wrong.raw.body;
  EXPECT_EQ(wrong.body["error"]["code"], "invalid_credentials");
  EXPECT_EQ(wrong.body["error"]["field"], "current_password");
  EXPECT_EQ(phone.get("/api/v1/links").status, 200);  // nothing changed yet

  ApiResponse ok = here.call(
      "PATCH", me, json{{"password", "senha-nova-da-dona"}, {"current_password", kPassword}});
  ASSERT_EQ(ok.status, 200) << ok.raw.body;
  EXPECT_EQ(here.get("/api/v1/links").status, 200);   // this session goes on
  EXPECT_EQ(phone.get("/api/v1/links").status, 401);  // the other one ended
  EXPECT_EQ(Browser(port()).login(kEmail, kPassword).status, 401);

  // An admin changes another user's password: every session of theirs ends.
  ApiResponse bia = here.call("POST", "/api/v1/users",
                              json{{"email", "bia@loja.com.br"}, {"password", "senha-da-bia-1"}});
  ASSERT_EQ(bia.status, 201) << bia.raw.body;
  Browser as_bia(port());
  ASSERT_EQ(as_bia.login("bia@loja.com.br", "senha-da-bia-1").status, 200);
  const std::string bia_path = "/api/v1/users/" + std::to_string(bia.body["id"].get<long>());
  ASSERT_EQ(here.call("PATCH", bia_path, json{{"password", "senha-nova-da-bia"}}).status, 200);
  EXPECT_EQ(as_bia.get("/api/v1/links").status, 401);
  // Scripts (bearer) change any password without a current one.
  EXPECT_EQ(api().patch(bia_path, json{{"password", "outra-senha-da-bia"}}).status, 200);
}

// Recovery: `user set-password` gives a locked-out owner a new password
// (generated and printed when not given) and ends their sessions; a
// restart clears the in-memory lockout.
TEST_F(HardeningTest, SetPasswordRecoversALockedOutAccount) {
  Browser old_session(port());
  ASSERT_EQ(old_session.login(kEmail, kPassword).status, 200);
  for (int i = 0; i < 6; ++i) (void)login(kEmail, "senha-errada-123");
  ASSERT_EQ(login(kEmail, kPassword).status, 429);

  const auto set_password = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = {sequencial_binary(), "user", "set-password", "--db",
                                     sandbox_->db_path()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_command(argv, sandbox_->dir().path());
  };
  const CommandResult unknown = set_password({"--email", "ninguem@loja.com.br"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
  EXPECT_NE(unknown.err.find("ninguem@loja.com.br"), std::string::npos) << unknown.err;
  const CommandResult short_pw = set_password({"--email", kEmail, "--password", "curta"});
  EXPECT_EQ(short_pw.exit_code, 2) << short_pw.err;
  EXPECT_NE(short_pw.err.find("10 characters"), std::string::npos) << short_pw.err;
  const CommandResult bad_email = set_password({"--email", "dona@loja\x01.com"});
  EXPECT_EQ(bad_email.exit_code, 2) << bad_email.err;

  const CommandResult generated = set_password({"--email", "DONA@loja.com.br"});
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  const std::string password = generated.out.substr(0, generated.out.find('\n'));
  EXPECT_EQ(password.size(), 20u);
  EXPECT_EQ(old_session.get("/api/v1/links").status, 401);  // sessions ended

  restart();  // the lockout lives in memory
  EXPECT_EQ(login(kEmail, kPassword).status, 401);
  EXPECT_EQ(login(kEmail, password).status, 200);

  ::setenv("SEQUENCIAL_USER_PASSWORD", "senha-do-ambiente-1", 1);
  const CommandResult from_env = set_password({"--email", kEmail});
  ::unsetenv("SEQUENCIAL_USER_PASSWORD");
  ASSERT_EQ(from_env.exit_code, 0) << from_env.err;
  EXPECT_EQ(from_env.out, "");  // given, so never printed
  EXPECT_EQ(login(kEmail, "senha-do-ambiente-1").status, 200);
}

}  // namespace
}  // namespace sequencial::itest
