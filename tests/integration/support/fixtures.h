// GoogleTest fixture shared by the integration tests: one sandbox (temp dir,
// SQLite file, admin token) and one running server per test, an admin API
// client and a keep-alive client for clicks; restart helpers; the server log
// printed when a test fails.
//
// Thread-safety: the fixture belongs to the test's thread; tests that click
// from several threads create one HttpClient per thread.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/admin_client.h"
#include "support/http_client.h"
#include "support/server_process.h"

namespace sequencial::itest {

class ServerTest : public ::testing::Test {
 protected:
  // Creates the sandbox and token, starts the server with `args`.
  void boot(const std::vector<std::string>& args = {},
            const std::string& binary = sequencial_binary()) {
    sandbox_ = std::make_unique<Sandbox>(binary);
    args_ = args;
    sandbox_->token();
    start();
  }
  // Starts (again) on the same database with the same arguments.
  void start() {
    server_ = sandbox_->start(args_);
    api_ = std::make_unique<AdminClient>(server_->port(), sandbox_->token());
    client_ = std::make_unique<HttpClient>(server_->port());
  }
  // Graceful stop (SIGTERM) and start again; the stop must exit 0.
  void restart() {
    logs_ += server_->log();
    client_.reset();
    api_.reset();
    ASSERT_EQ(server_->stop(), 0) << server_->log();
    start();
  }
  // SIGKILL and start again.
  void crash_and_restart() {
    logs_ += server_->log();
    client_.reset();
    api_.reset();
    server_->kill9();
    start();
  }

  void TearDown() override {
    if (HasFailure() && server_) {
      std::cerr << "---- server log ----\n" << logs_ << server_->log() << "--------------------\n";
    }
  }

  [[nodiscard]] std::uint16_t port() const { return server_->port(); }
  AdminClient& api() { return *api_; }
  HttpClient& client() { return *client_; }

  // The id of the link with this slug (throws when there is none).
  long link_id(const std::string& slug) {
    const ApiResponse r = api_->get("/api/v1/links");
    for (const auto& l : r.body["items"]) {
      if (l["slug"] == slug) return l["id"].get<long>();
    }
    throw std::runtime_error("no link with slug " + slug + " in " + r.raw.body);
  }
  std::string link_path(const std::string& slug) {
    return "/api/v1/links/" + std::to_string(link_id(slug));
  }

  // GET /<slug> on the fixture's keep-alive connection (no cookie unless given).
  Response click(const std::string& slug, const Headers& headers = {}) {
    return client_->get("/" + slug, headers);
  }
  // The wa.me number a click on `slug` lands on ("" when not a redirect).
  std::string click_number(const std::string& slug, const Headers& headers = {}) {
    const Response r = click(slug, headers);
    if (r.status != 302) return "status " + std::to_string(r.status) + ": " + r.error;
    return wa_number(r.header_or_empty("Location"));
  }

  std::unique_ptr<Sandbox> sandbox_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<AdminClient> api_;
  std::unique_ptr<HttpClient> client_;
  std::vector<std::string> args_;
  std::string logs_;  // logs of earlier runs of this test
};

// The `sqv` value of a response's Set-Cookie ("" when none).
inline std::string visitor_cookie(const Response& r) {
  for (const std::string& value : r.header_values("Set-Cookie")) {
    if (value.starts_with("sqv=")) {
      const std::size_t end = value.find(';');
      return value.substr(4, end == std::string::npos ? std::string::npos : end - 4);
    }
  }
  return {};
}

// Client threads that a failed ASSERT cannot leave running: the destructor
// (run when the test returns early) raises stop() and joins them, so the
// failure is reported with the server log instead of std::terminate.
// Thread bodies poll stopping() in their loops.
class ClientThreads final {
 public:
  ClientThreads() = default;
  ~ClientThreads() { join(); }
  ClientThreads(const ClientThreads&) = delete;
  ClientThreads& operator=(const ClientThreads&) = delete;

  template <typename F>
  void spawn(F&& body) {
    threads_.emplace_back(std::forward<F>(body));
  }
  [[nodiscard]] bool stopping() const { return stop_.load(); }
  // Asks the threads to stop and waits for them.
  void join() {
    stop_.store(true);
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  // Waits for threads that end on their own (stop() not asked).
  void wait() {
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

// Counts of each value.
inline std::map<std::string, int> tally(const std::vector<std::string>& values) {
  std::map<std::string, int> out;
  for (const auto& v : values) ++out[v];
  return out;
}

// `connections` threads, each with its own keep-alive connection, send
// `per_connection` cookie-less clicks on /<slug>. Returns the wa.me numbers
// landed on, one per click ("error: ..." for anything but a 302 to wa.me).
inline std::vector<std::string> concurrent_clicks(std::uint16_t port, const std::string& slug,
                                                  int connections, int per_connection) {
  std::vector<std::vector<std::string>> per_thread(static_cast<std::size_t>(connections));
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(connections));
  for (int t = 0; t < connections; ++t) {
    threads.emplace_back([&, t] {
      HttpClient http(port);
      auto& out = per_thread[static_cast<std::size_t>(t)];
      for (int i = 0; i < per_connection; ++i) {
        const Response r = http.get("/" + slug);
        const std::string number = wa_number(r.header_or_empty("Location"));
        if (r.status == 302 && !number.empty()) {
          out.push_back(number);
        } else {
          out.push_back("error: status " + std::to_string(r.status) + " " +
                        failure_name(r.failure) + " " + r.error);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<std::string> all;
  for (auto& v : per_thread) all.insert(all.end(), v.begin(), v.end());
  return all;
}

}  // namespace sequencial::itest
