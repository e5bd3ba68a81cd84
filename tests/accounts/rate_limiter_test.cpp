// The login rate limiter over a hand-moved clock.
#include "accounts/rate_limiter.h"

#include <gtest/gtest.h>

#include "manual_clock.h"

namespace sequencial::accounts {
namespace {

using namespace std::chrono_literals;
using test_support::ManualClock;

TEST(RateLimiterTest, SixthAttemptForOneEmailWaitsUntilTheWindowMoves) {
  ManualClock clock(Timestamp{1'800'000'000s});
  LoginRateLimiter limiter(clock);
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(limiter.retry_after("ana@example.com", "10.0.0.1")) << i;
    limiter.record_failure("ana@example.com", "10.0.0.1");
    clock.advance(60s);
  }
  // Failures at t0, t0+1m ... t0+4m; now t0+5m: the first leaves at t0+15m.
  auto wait = limiter.retry_after("ANA@example.com", "10.0.0.2");
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 10min);
  // Another e-mail from the same address is fine.
  EXPECT_FALSE(limiter.retry_after("bia@example.com", "10.0.0.1"));
  clock.advance(10min);
  EXPECT_FALSE(limiter.retry_after("ana@example.com", "10.0.0.1"));
}

TEST(RateLimiterTest, TwentyFailuresFromOneAddressBlockEveryEmailFromIt) {
  ManualClock clock(Timestamp{1'800'000'000s});
  LoginRateLimiter limiter(clock);
  for (int i = 0; i < 20; ++i) {
    const std::string email = "user" + std::to_string(i) + "@example.com";
    EXPECT_FALSE(limiter.retry_after(email, "10.0.0.9")) << i;
    limiter.record_failure(email, "10.0.0.9");
  }
  auto wait = limiter.retry_after("new@example.com", "10.0.0.9");
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 15min);
  EXPECT_FALSE(limiter.retry_after("new@example.com", "10.0.0.10"));
  clock.advance(15min);
  EXPECT_FALSE(limiter.retry_after("new@example.com", "10.0.0.9"));
}

TEST(RateLimiterTest, SuccessClearsTheEmailButNotTheAddress) {
  ManualClock clock(Timestamp{1'800'000'000s});
  LoginRateLimiter limiter(clock, {.per_email = 2, .per_address = 3, .window = 15min});
  limiter.record_failure("ana@example.com", "a");
  limiter.record_failure("ana@example.com", "a");
  EXPECT_TRUE(limiter.retry_after("ana@example.com", "b"));
  limiter.record_success("Ana@Example.com");
  EXPECT_FALSE(limiter.retry_after("ana@example.com", "b"));
  limiter.record_failure("bia@example.com", "a");
  EXPECT_TRUE(limiter.retry_after("carla@example.com", "a"));
}

TEST(RateLimiterTest, OldFailuresAreForgotten) {
  ManualClock clock(Timestamp{1'800'000'000s});
  LoginRateLimiter limiter(clock, {.per_email = 1, .per_address = 100, .window = 15min});
  limiter.record_failure("ana@example.com", "a");
  clock.advance(14min + 59s);
  EXPECT_EQ(limiter.retry_after("ana@example.com", "a"), 1s);
  clock.advance(1s);
  EXPECT_FALSE(limiter.retry_after("ana@example.com", "a"));
  // A sweep much later keeps working on fresh failures.
  clock.advance(24h);
  limiter.record_failure("ana@example.com", "a");
  EXPECT_TRUE(limiter.retry_after("ana@example.com", "a"));
}

}  // namespace
}  // namespace sequencial::accounts
