// A private PostgreSQL server a test may stop and start (the shared test
// server must never be stopped: other tests run beside it), driven through
// scripts/pg-test-server.sh in the test's temp dir. The including test
// target defines SEQUENCIAL_PG_TEST_SERVER (the script's path).
//
// Thread-safety: drive it from the test's thread.
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "support/server_process.h"

namespace sequencial::itest {

class PrivatePgServer {
 public:
  explicit PrivatePgServer(const TempDir& dir) : dir_(dir.file("pg")) {
    ::chmod(dir.path().c_str(), 0755);  // the server runs as user postgres
  }
  ~PrivatePgServer() { (void)run("stop"); }
  PrivatePgServer(const PrivatePgServer&) = delete;
  PrivatePgServer& operator=(const PrivatePgServer&) = delete;
  // "start" prints the URL; "stop" stops it. The exit code and output.
  CommandResult run(const std::string& command) {
    return run_command({"/bin/bash", SEQUENCIAL_PG_TEST_SERVER, command, dir_},
                       std::filesystem::path(dir_).parent_path());
  }

 private:
  std::string dir_;
};

}  // namespace sequencial::itest
