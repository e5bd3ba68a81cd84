// `sequencial backup` against a live server (issue 17): a backup taken
// while a load loop keeps clicking holds every link, central, hour and
// every click written before it started, and a second server started on
// the backup serves them; an existing file is kept unless --force; a
// PostgreSQL --db is pointed to pg_dump.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "selfhost_dataset.h"
#include "support/fixtures.h"

namespace sequencial::itest {
namespace {

using std::chrono::steady_clock;

class BackupTest : public ServerTest {
 protected:
  CommandResult backup(const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {sequencial_binary(), "backup", "--db", sandbox_->db_path()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_command(argv, sandbox_->dir().path());
  }
  double written() { return metric(port(), "sequencial_clicks_written_total"); }
  // Polls /metrics until at least `n` clicks are written.
  void wait_written(double n) {
    const auto deadline = steady_clock::now() + std::chrono::seconds(10);
    while (written() < n && steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_GE(written(), n);
  }
};

TEST_F(BackupTest, TakenUnderLoadItHoldsEverythingWrittenBeforeAndAServerStartsOnIt) {
  // Clicks written every 10 ms, so the server commits while the backup copies.
  boot({"--click-flush-interval-ms", "10"});
  const long loja = make_shop(api());
  const json before = shop_snapshot(api());
  for (int i = 0; i < 30; ++i) ASSERT_EQ(click("loja").status, 302);
  wait_written(30);

  // A bounded load loop on its own connection while the backup runs.
  std::atomic<bool> stop{false};
  std::atomic<int> sent{0};
  std::thread load([&] {
    HttpClient http(port());
    while (!stop.load() && sent.load() < 50'000) {
      if (http.get("/loja").status == 302) ++sent;
    }
  });
  wait_written(230);  // the load's clicks are being written
  const double written_before = written();
  const auto started = steady_clock::now();
  const CommandResult r = backup({"--out", sandbox_->dir().file("backup.db")});
  const auto took = steady_clock::now() - started;
  const double written_after = written();
  const int sent_during = sent.load();
  stop.store(true);
  load.join();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::cerr << "backup under load: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms, "
            << written_before << " clicks written before, " << written_after << " after, "
            << sent_during << " load clicks sent\n";

  std::string error;
  auto copy = ServerProcess::start(sequencial_binary(),
                                   {"--db", sandbox_->dir().file("backup.db"), "--threads", "1"},
                                   sandbox_->dir().file("backup-server.log"), error);
  ASSERT_TRUE(copy) << error;
  AdminClient restored(copy->port(), sandbox_->token());
  EXPECT_EQ(shop_snapshot(restored), before);
  const ApiResponse report =
      restored.get("/api/v1/centrals/" + std::to_string(loja) + "/stats?by=attendant");
  ASSERT_EQ(report.status, 200) << report.raw.body;
  const double in_backup = report.body["total"].get<double>();
  EXPECT_GE(in_backup, written_before) << "a click written before the backup is missing";
  EXPECT_LE(in_backup, written_after);
  // The copy serves: the rotation goes on from where the backup stood.
  HttpClient visitor(copy->port());
  EXPECT_EQ(visitor.get("/loja").status, 302);
  EXPECT_EQ(copy->stop(), 0) << copy->log();
}

TEST_F(BackupTest, KeepsAnExistingFileUnlessForcedAndSendsPostgresToPgDump) {
  boot();
  api().create_link("joao", "5511999990001");
  const std::string out = sandbox_->dir().file("kept.db");
  {
    std::ofstream keep(out);
    keep << "precious";
  }
  CommandResult r = backup({"--out", out});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
  EXPECT_EQ(std::filesystem::file_size(out), 8u);

  std::filesystem::permissions(sandbox_->db_path(), std::filesystem::perms::owner_read |
                                                        std::filesystem::perms::owner_write);
  r = backup({"--out", out, "--force"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(std::filesystem::file_size(out), 8u);
  // The copy is as private as the database.
  EXPECT_EQ(std::filesystem::status(out).permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  // No temporary file is left beside it.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(sandbox_->dir().path())) {
    files += entry.path().filename().string().starts_with("kept.db") ? 1 : 0;
  }
  EXPECT_EQ(files, 1);

  r = run_command({sequencial_binary(), "backup", "--db", "postgres://user@db.example/sequencial",
                   "--out", sandbox_->dir().file("pg.db")},
                  sandbox_->dir().path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("pg_dump"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(sandbox_->dir().file("pg.db")));
}

}  // namespace
}  // namespace sequencial::itest
