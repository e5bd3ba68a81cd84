// The --config file of `sequencial serve` (docs/API.md: every flag has a
// config-file key): keys fill the options, flags win over the file, and an
// unknown key or a bad value stops the server with a clear error.
#include <gtest/gtest.h>

#include <fstream>

#include "support/admin_client.h"
#include "support/server_process.h"

namespace sequencial::itest {
namespace {

std::string write_config(const TempDir& dir, const std::string& text) {
  std::string path = dir.file("sequencial.toml");
  std::ofstream(path) << text;
  return path;
}

TEST(ConfigFileTest, KeysFillOptionsAndFlagsWin) {
  Sandbox sandbox;
  // listen and threads are also given as flags by start() (--listen
  // 127.0.0.1:0 --threads 2): the flags must win. Both spellings of a
  // multi-word key are accepted.
  const std::string config = write_config(sandbox.dir(),
                                          "listen = \"127.0.0.1:1\"\n"
                                          "public-url = \"https://zap.example.com.br/\"\n"
                                          "threads = 1\n"
                                          "default_tz = \"America/New_York\"\n");
  auto server = sandbox.start({"--config", config});
  EXPECT_NE(server->log().find("loops=2"), std::string::npos) << server->log();
  AdminClient api(server->port(), sandbox.token());
  const json link = api.create_link("joao", "5511999990001");
  EXPECT_EQ(link["url"], "https://zap.example.com.br/joao");
  EXPECT_EQ(api.get("/api/v1/links/joao/stats").body["tz"], "America/New_York");
  EXPECT_EQ(server->stop(), 0);
}

TEST(ConfigFileTest, UnknownKeyOrBadValueIsAClearError) {
  TempDir dir;
  const std::string bad_key = write_config(dir, "lisen = \"127.0.0.1:0\"\n");
  CommandResult r = run_command({sequencial_binary(), "serve", "--config", bad_key, "--db",
                                 dir.file("x.db"), "--listen", "127.0.0.1:0"},
                                dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown key \"lisen\""), std::string::npos) << r.err;

  const std::string bad_value = write_config(dir, "threads = \"many\"\n");
  r = run_command({sequencial_binary(), "serve", "--config", bad_value, "--db", dir.file("x.db"),
                   "--listen", "127.0.0.1:0"},
                  dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("threads"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sequencial::itest
