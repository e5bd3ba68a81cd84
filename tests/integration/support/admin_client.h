// Helpers on top of the HTTP client and the server process: an admin API
// client (Bearer token, JSON in and out), Prometheus metrics scraping, the
// wa.me number of a redirect, and Sandbox: one test's temp dir, database,
// token, clock file and server runs.
//
// Thread-safety: AdminClient and Sandbox are single-threaded; metric() opens
// its own connection and may run on any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/http_client.h"
#include "support/server_process.h"

namespace sequencial::itest {

using nlohmann::json;

struct ApiResponse {
  int status = 0;
  json body;  // null when the body is empty or not JSON
  Response raw;
};

class AdminClient final {
 public:
  AdminClient(std::uint16_t port, std::string token) : http_(port), token_(std::move(token)) {}

  // `body` is sent as JSON when given.
  ApiResponse call(std::string_view method, std::string_view path,
                   const std::optional<json>& body = std::nullopt);
  // Sends `raw_body` as it is (with Content-Type: application/json).
  ApiResponse call_raw(std::string_view method, std::string_view path, std::string_view raw_body,
                       const Headers& extra = {});
  ApiResponse get(std::string_view path) { return call("GET", path); }
  ApiResponse post(std::string_view path, const json& body) { return call("POST", path, body); }
  ApiResponse patch(std::string_view path, const json& body) { return call("PATCH", path, body); }
  ApiResponse put(std::string_view path, const json& body) { return call("PUT", path, body); }
  ApiResponse del(std::string_view path) { return call("DELETE", path); }

  // Throwing helpers for setup steps (gtest reports the exception).
  json create_link(std::string_view slug, std::string_view phone, std::string_view message = "Oi",
                   std::string_view label = "");
  json create_central(const json& body);

 private:
  HttpClient http_;
  std::string token_;
};

// "https://wa.me/5511999990001?text=..." -> "5511999990001"; "" when the
// location is not a wa.me URL.
[[nodiscard]] std::string wa_number(std::string_view location);

// GET /metrics on a fresh connection: series (name with labels, as
// printed) -> value.
[[nodiscard]] std::map<std::string, double> scrape_metrics(std::uint16_t port);
// One series, e.g. `sequencial_redirects_total{outcome="rotation"}`; -1 when absent.
[[nodiscard]] double metric(std::uint16_t port, std::string_view series);
[[nodiscard]] double redirects_total(std::uint16_t port, std::string_view outcome);
// Polls `series` every 10 ms until it reaches at least `value` or `timeout`
// passes; returns the last value read (-1 when absent), for the caller to
// assert on. Tests wait for the server's own figures instead of sleeping.
[[nodiscard]] double wait_for_metric(std::uint16_t port, std::string_view series, double value,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(10));

class Sandbox final {
 public:
  explicit Sandbox(std::string binary = sequencial_binary());

  [[nodiscard]] const TempDir& dir() const { return dir_; }
  [[nodiscard]] std::string db_path() const { return dir_.file("sequencial.db"); }
  [[nodiscard]] const std::string& binary() const { return binary_; }

  // Runs `sequencial token create --db <db>` once and returns the token
  // (throws when the command fails).
  const std::string& token();

  // Starts the server on this sandbox's database with `--threads 2` (unless
  // `args` sets --threads), the clock file when set_clock() was called, and
  // `args`. Throws with the server log when it does not come up.
  [[nodiscard]] std::unique_ptr<ServerProcess> start(const std::vector<std::string>& args = {});

  // Test-hooks clock: writes `unix_seconds` to the clock file atomically
  // (write + rename, so the server never reads a half-written file).
  void set_clock(std::int64_t unix_seconds);
  [[nodiscard]] std::string clock_path() const { return dir_.file("clock"); }

 private:
  TempDir dir_;
  std::string binary_;
  std::string token_;
  bool clock_set_ = false;
  int runs_ = 0;
};

}  // namespace sequencial::itest
