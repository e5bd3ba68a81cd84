// `sequencial serve`: opens the store, loads links, centrals and
// assignments into memory, starts the HTTP server, the worker pools and the
// background writers, and runs until SIGTERM/SIGINT, then stops gracefully:
// no new connections, requests in flight answered, pending writes flushed,
// exit 0. SIGHUP reloads links, centrals and settings from the database and
// goes on serving.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "domain/setting_source.h"

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
  int click_queue_capacity = 65536;  // per event loop; beyond it the loop pauses (backpressure)
  // Where clicks wait while the database is unreachable; empty: next to the
  // SQLite file, or sequencial-clicks.spool for PostgreSQL.
  std::string click_spool;
  int click_retention_days = 400;  // raw clicks (reports use rollups, kept forever)
  int db_deadline_ms = 50;         // the most a redirect waits for the database
  long long max_connections = 0;   // 0 = from the open-file limit
  int workers = 0;                 // admin/report/QR worker threads; 0 = one per core, >= 2
  std::string log_level = "info";
  // The first admin, created at start when the database has no user; with
  // no password one is generated and logged once (event=first_admin).
  std::string admin_email = "admin@localhost";
  std::string admin_password;
  // Reverse proxies allowed to name the client in X-Forwarded-For /
  // Forwarded: "10.0.0.0/8,::1" (http/client_address.h). Empty: nobody.
  std::string trusted_proxies;
  // A MaxMind DB file for Geolocalizado centrals and location reports
  // (app/geoip.h); empty: none. Loaded at start and on SIGHUP.
  std::string geoip_db;
  bool test_fast_passwords = false;  // test builds only: minimum Argon2id cost
  std::string test_clock_file;       // test builds only: read "now" (unix seconds) from this file
  // Where each option's value came from (long name -> source), for the start log.
  std::map<std::string, domain::SettingSource> sources;
};

// Returns the process exit code.
[[nodiscard]] int run_serve(const ServeConfig& config);

// The --db value as logged: a password in a postgres:// URL is masked.
[[nodiscard]] std::string redact_db_url(std::string_view url);

}  // namespace sequencial::app
