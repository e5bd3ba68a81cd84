// `sequencial migrate` from SQLite to PostgreSQL (issue 17): a database
// filled through a real server is copied into a fresh PostgreSQL database;
// two nodes started on it serve the same links, centrals, hours, settings,
// accounts and reports, the rotation continues where the SQLite server
// left it, and new ids follow the copied ones. A target that is not empty
// is refused. Uses SEQUENCIAL_TEST_PG_URL (skipped without it, failing
// under CI=true, like every PostgreSQL test).
#include <gtest/gtest.h>

#include "../storage/pg_test_database.h"
#include "selfhost_dataset.h"
#include "support/browser.h"
#include "support/fixtures.h"

namespace sequencial::itest {
namespace {

using test_support::PgTestDatabase;

constexpr const char* kEmail = "dona@minhaloja.com.br";
constexpr const char* kPassword = "senha-da-dona-123";

class MigrateTest : public ServerTest {
 protected:
  void SetUp() override {
    url_ = test_support::pg_server_url();
    if (!url_) {
      if (test_support::running_in_ci()) FAIL() << test_support::kNoPgServer;
      GTEST_SKIP() << test_support::kNoPgServer;
    }
  }
  CommandResult migrate(const std::string& to) {
    return run_command({sequencial_binary(), "migrate", "--from", sandbox_->db_path(), "--to", to},
                       sandbox_->dir().path());
  }
  json report(AdminClient& api, long central, const std::string& by) {
    const ApiResponse r =
        api.get("/api/v1/centrals/" + std::to_string(central) + "/stats?tz=UTC&by=" + by);
    EXPECT_EQ(r.status, 200) << r.raw.body;
    return r.body;
  }

  std::optional<std::string> url_;
};

TEST_F(MigrateTest, TwoNodesOnTheCopyServeTheSameShopAndTheRotationContinues) {
  boot({"--admin-email", kEmail, "--admin-password", kPassword, "--test-fast-passwords"},
       testhooks_binary());
  const long loja = make_shop(api());
  ASSERT_EQ(api().patch("/api/v1/settings", {{"default_tz", "America/Manaus"}}).status, 200);
  // Seven turns: a1 a2 a3 a1 a2 a3 a1; the next one is a2's.
  for (int i = 0; i < 7; ++i) ASSERT_EQ(click("loja").status, 302);
  ASSERT_EQ(click("plantao").status, 302);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (metric(port(), "sequencial_clicks_written_total") < 8 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const json shop = shop_snapshot(api());
  const json by_attendant = report(api(), loja, "attendant");
  const json by_hour = report(api(), loja, "hour");
  EXPECT_EQ(by_attendant["total"], 7);
  ASSERT_EQ(server_->stop(), 0) << server_->log();  // writes every click and cursor

  PgTestDatabase db(*url_);
  ASSERT_TRUE(db.error().empty()) << db.error();
  const auto started = std::chrono::steady_clock::now();
  const CommandResult r = migrate(db.url());
  std::cerr << "migrate took "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - started)
                   .count()
            << " ms\n";
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("links 7\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("clicks 8\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("users 1\n"), std::string::npos) << r.out;

  // A second run finds the target not empty and leaves it alone.
  const CommandResult again = migrate(db.url());
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("not empty"), std::string::npos) << again.err;

  std::vector<std::unique_ptr<ServerProcess>> nodes;
  std::vector<std::unique_ptr<AdminClient>> apis;
  for (int i = 0; i < 2; ++i) {
    std::string error;
    nodes.push_back(
        ServerProcess::start(sequencial_binary(),
                             {"--db", db.url(), "--threads", "1", "--click-spool",
                              sandbox_->dir().file("pg-node-" + std::to_string(i) + ".spool")},
                             sandbox_->dir().file("pg-node-" + std::to_string(i) + ".log"), error));
    ASSERT_TRUE(nodes.back()) << error;
    apis.push_back(std::make_unique<AdminClient>(nodes.back()->port(), sandbox_->token()));
  }
  for (int i = 0; i < 2; ++i) {
    SCOPED_TRACE("node " + std::to_string(i));
    EXPECT_EQ(shop_snapshot(*apis[i]), shop);
    EXPECT_EQ(report(*apis[i], loja, "attendant"), by_attendant);
    EXPECT_EQ(report(*apis[i], loja, "hour"), by_hour);
    EXPECT_EQ(apis[i]->get("/api/v1/settings").body["default_tz"], "America/Manaus");
    Browser browser(nodes[i]->port());
    EXPECT_EQ(browser.login(kEmail, kPassword).status, 200);
  }

  // The rotation continues across both nodes: a2, a3, a1, a2.
  std::vector<std::string> landed;
  for (int i = 0; i < 4; ++i) {
    HttpClient visitor(nodes[static_cast<std::size_t>(i % 2)]->port());
    landed.push_back(wa_number(visitor.get("/loja").header_or_empty("Location")));
  }
  EXPECT_EQ(landed, (std::vector<std::string>{"5511900000002", "5511900000003", "5511900000001",
                                              "5511900000002"}));
  // New rows get ids after the copied ones.
  EXPECT_EQ(apis[0]->create_link("novo", "5511900000099")["id"], 8);
  for (auto& node : nodes) EXPECT_EQ(node->stop(), 0) << node->log();
}

}  // namespace
}  // namespace sequencial::itest
