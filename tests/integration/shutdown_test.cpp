// Integration tests of graceful shutdown (docs/API.md, "Signals": stop
// accepting, answer what is in flight, write every pending click, exit 0):
// SIGTERM in the middle of a burst of requests (every request answered
// completely or refused cleanly, exit 0), a request still arriving when the
// stop begins answered with Connection: close, idle keep-alive connections not
// holding the stop up, SIGINT, and atendimento fixo assignments made just
// before SIGTERM surviving the restart (write-behind flushed on stop).
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "support/fixtures.h"

namespace sequencial::itest {
namespace {

constexpr const char* kLocation = "https://wa.me/5511999990001?text=Oi";
const std::vector<std::string> kPhones = {"5511900000001", "5511900000002", "5511900000003"};

class ShutdownTest : public ServerTest {};

TEST_F(ShutdownTest, SigtermDuringABurstAnswersOrRefusesCleanlyAndExitsZero) {
  boot();
  api().create_link("joao", "5511999990001", "Oi");

  constexpr int kThreads = 16;
  std::atomic<int> answered{0};
  std::atomic<int> refused{0};  // connection closed/refused before any byte of a response
  std::atomic<int> broken{0};   // truncated, malformed, timed out, or a wrong answer
  std::atomic<int> closing{0};  // answered with Connection: close (during the stop)
  std::mutex error_mutex;
  std::string first_error;
  ClientThreads threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.spawn([&] {
      HttpClient http(port(), "127.0.0.1", std::chrono::seconds(20));
      // Runs until the server stops accepting connections (bounded, in case it never does).
      for (int i = 0; i < 200000 && !threads.stopping(); ++i) {
        if (!http.connected() && !http.connect()) return;  // refused: the server is gone
        const Response r = http.get("/joao");
        if (r.ok() && r.status == 302 && r.header_or_empty("Location") == kLocation) {
          ++answered;
          if (r.header_or_empty("Connection") == "close") ++closing;
        } else if (r.failure == Failure::kNoResponse || r.failure == Failure::kSend) {
          ++refused;
        } else {
          ++broken;
          std::lock_guard lock(error_mutex);
          if (first_error.empty()) {
            first_error = std::string(failure_name(r.failure)) + " status " +
                          std::to_string(r.status) + " " + r.error;
          }
        }
      }
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (answered.load() < 2000 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_GE(answered.load(), 2000) << "the burst never got going";
  server_->signal_term();
  const int exit_code = server_->wait();
  threads.wait();  // each ends when the server refuses it

  EXPECT_EQ(exit_code, 0) << server_->log();
  EXPECT_EQ(broken.load(), 0) << first_error;
  const std::string log = server_->log();
  EXPECT_NE(log.find("event=stopping"), std::string::npos) << log;
  EXPECT_NE(log.find("event=stopped"), std::string::npos) << log;
  std::cerr << "answered " << answered.load() << " (" << closing.load()
            << " of them during the stop, with Connection: close), refused cleanly "
            << refused.load() << "\n";
}

// A request that is still arriving when the stop begins is answered: the
// connection holds half a request (the server has read it: it came with a
// complete one, whose answer is back) when SIGTERM comes; once the server
// refuses new connections, the rest arrives, and the answer is a full 302
// with Connection: close.
TEST_F(ShutdownTest, ARequestArrivingDuringTheStopIsAnswered) {
  boot();
  api().create_link("joao", "5511999990001", "Oi");
  HttpClient http(port());
  ASSERT_TRUE(
      http.send_raw("GET /joao HTTP/1.1\r\nHost: t\r\n\r\nGET /joao HTTP/1.1\r\nHost: t\r\n"));
  const Response first = http.read_response();
  ASSERT_EQ(first.status, 302) << first.error;

  server_->signal_term();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool refusing = false;
  while (!refusing && std::chrono::steady_clock::now() < deadline) {
    HttpClient probe(port());
    refusing = !probe.connected() && !probe.connect();
    if (!refusing) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(refusing) << "the server still accepts connections 10 s after SIGTERM";
  ASSERT_TRUE(server_->running()) << "the server exited with a request half-read";

  ASSERT_TRUE(http.send_raw("\r\n"));  // the rest of the second request
  const Response second = http.read_response();
  EXPECT_TRUE(second.ok()) << failure_name(second.failure) << " " << second.error;
  EXPECT_EQ(second.status, 302);
  EXPECT_EQ(second.header_or_empty("Location"), kLocation);
  EXPECT_EQ(second.header_or_empty("Connection"), "close");
  EXPECT_EQ(server_->wait(), 0) << server_->log();
}

TEST_F(ShutdownTest, PipelinedRequestsInFlightAreAnsweredBeforeTheStop) {
  boot();
  api().create_link("joao", "5511999990001", "Oi");
  HttpClient http(port());
  constexpr int kRequests = 200;
  for (int i = 0; i < kRequests; ++i) ASSERT_TRUE(http.send_request("GET", "/joao"));
  server_->signal_term();
  int answered = 0;
  for (int i = 0; i < kRequests; ++i) {
    const Response r = http.read_response();
    if (!r.ok()) {
      // Only a clean close between responses is acceptable.
      EXPECT_EQ(r.failure, Failure::kNoResponse) << r.error;
      break;
    }
    EXPECT_EQ(r.status, 302);
    EXPECT_EQ(r.header_or_empty("Location"), kLocation);
    ++answered;
  }
  EXPECT_EQ(server_->wait(), 0) << server_->log();
  std::cerr << "answered " << answered << " of " << kRequests << " pipelined requests\n";
}

TEST_F(ShutdownTest, IdleKeepAliveConnectionsDoNotHoldTheStop) {
  boot();
  api().create_link("joao", "5511999990001", "Oi");
  std::vector<HttpClient> idle;
  for (int i = 0; i < 50; ++i) {
    idle.emplace_back(port());
    ASSERT_EQ(idle.back().get("/joao").status, 302);  // connected and kept alive
  }
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(server_->stop(), 0) << server_->log();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5))
      << "idle connections must be closed at once, not waited for";
  for (auto& c : idle) {
    const Response r = c.get("/joao");
    EXPECT_FALSE(r.ok());
  }
}

TEST_F(ShutdownTest, SigintAlsoStopsGracefully) {
  boot();
  ::kill(server_->pid(), SIGINT);
  EXPECT_EQ(server_->wait(), 0) << server_->log();
  EXPECT_NE(server_->log().find("event=stopped"), std::string::npos);
}

TEST_F(ShutdownTest, FixedAssignmentsMadeJustBeforeSigtermSurviveTheRestart) {
  // A flush interval far beyond the test: only the flush on stop can save them.
  boot({"--flush-interval-ms", "600000"});
  api().create_link("central", "5511900000000", "Oi loja");
  for (std::size_t i = 0; i < kPhones.size(); ++i) {
    api().create_link("a" + std::to_string(i + 1), kPhones[i]);
  }
  api().create_central({{"anchor", "central"}, {"members", {"a1", "a2", "a3"}}, {"fixed", true}});

  std::vector<std::string> cookies;
  for (int v = 0; v < 7; ++v) {
    const Response r = click("central");
    ASSERT_EQ(wa_number(r.header_or_empty("Location")), kPhones[static_cast<std::size_t>(v % 3)]);
    cookies.push_back(visitor_cookie(r));
    ASSERT_FALSE(cookies.back().empty());
  }
  restart();  // SIGTERM right away, exit 0 checked, same database

  for (int v = 6; v >= 0; --v) {
    EXPECT_EQ(click_number("central", {{"Cookie", "sqv=" + cookies[static_cast<std::size_t>(v)]}}),
              kPhones[static_cast<std::size_t>(v % 3)])
        << "visitor " << v;
  }
  EXPECT_EQ(redirects_total(port(), "fixed"), 7);
  // The cursor was saved too: 7 turns served, so a2 is next.
  EXPECT_EQ(click_number("central"), kPhones[1]);
}

// Every click answered before the stop moved the rotation, and nothing else
// did: after the restart the next member is exactly (answered clicks mod 3).
TEST_F(ShutdownTest, RotationCursorAfterSigtermDuringABurstCountsExactlyTheAnsweredClicks) {
  boot({"--flush-interval-ms", "600000"});
  api().create_link("central", "5511900000000", "Oi loja");
  for (std::size_t i = 0; i < kPhones.size(); ++i) {
    api().create_link("a" + std::to_string(i + 1), kPhones[i]);
  }
  api().create_central({{"anchor", "central"}, {"members", {"a1", "a2", "a3"}}});

  std::atomic<int> answered{0};
  std::atomic<int> broken{0};
  ClientThreads threads;
  for (int t = 0; t < 12; ++t) {
    threads.spawn([&] {
      HttpClient http(port());
      for (int i = 0; i < 200000 && !threads.stopping(); ++i) {
        if (!http.connected() && !http.connect()) return;
        const Response r = http.get("/central");
        if (r.ok() && r.status == 302) {
          ++answered;
        } else if (r.failure != Failure::kNoResponse && r.failure != Failure::kSend) {
          ++broken;
        }
      }
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (answered.load() < 1000 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_GE(answered.load(), 1000) << "the burst never got going";
  server_->signal_term();
  const int exit_code = server_->wait();
  threads.wait();
  ASSERT_EQ(exit_code, 0) << server_->log();
  EXPECT_EQ(broken.load(), 0);

  logs_ += server_->log();
  start();
  const int n = answered.load();
  EXPECT_EQ(click_number("central"), kPhones[static_cast<std::size_t>(n % 3)])
      << n << " clicks answered before the stop";
  EXPECT_EQ(click_number("central"), kPhones[static_cast<std::size_t>((n + 1) % 3)]);
}

}  // namespace
}  // namespace sequencial::itest
