// `sequencial serve`: opens the store, loads links, centrals and
// assignments into memory, starts the HTTP server and the write-behind
// thread, and runs until SIGTERM/SIGINT, then stops gracefully: no new
// connections, requests in flight answered, pending writes flushed, exit 0.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>

#include "app/setting_source.h"

namespace sequencial::app {

struct ServeConfig {
  std::string listen = "127.0.0.1:8080";
  std::string db = "sequencial.db";
  std::string public_url;   // default: http://<listen>
  std::size_t threads = 0;  // 0 = one event loop per core
  std::string default_tz = "America/Sao_Paulo";
  int assignment_retention_days = 180;
  // Assignments held in memory; the least recently used beyond this are
  // evicted and read back from the store when their visitor returns.
  long long assignment_cache_size = 1'000'000;
  int flush_interval_ms = 100;        // assignments and cursors
  int click_flush_interval_ms = 200;  // clicks: the most a crash can lose
  int click_flush_batch = 4096;
  int click_queue_capacity = 65536;  // per event loop; beyond it clicks are dropped and counted
  int click_retention_days = 400;    // raw clicks (reports use rollups, kept forever)
  std::string log_level = "info";
  // The first admin, created at start when the database has no user; with
  // no password one is generated and logged once (event=first_admin).
  std::string admin_email = "admin@localhost";
  std::string admin_password;
  bool test_fast_passwords = false;  // test builds only: minimum Argon2id cost
  std::string test_clock_file;       // test builds only: read "now" (unix seconds) from this file
  // Where each option's value came from (long name -> source), for the start log.
  std::map<std::string, SettingSource> sources;
};

// Returns the process exit code.
[[nodiscard]] int run_serve(const ServeConfig& config);

}  // namespace sequencial::app
