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
  auto wait = limiter.retry_after("ANA@example.com", "10.0.0.1");
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 10min);
  // The owner of the e-mail, elsewhere, is not locked out by them.
  EXPECT_FALSE(limiter.retry_after("ana@example.com", "10.0.0.2"));
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
  LoginRateLimiter limiter(clock,
                           {.per_email = 2, .per_account = 2, .per_address = 3, .window = 15min});
  limiter.record_failure("ana@example.com", "a");
  limiter.record_failure("ana@example.com", "a");
  EXPECT_TRUE(limiter.retry_after("ana@example.com", "b"));
  limiter.record_success("Ana@Example.com", "b");
  EXPECT_FALSE(limiter.retry_after("ana@example.com", "b"));
  limiter.record_failure("bia@example.com", "a");
  EXPECT_TRUE(limiter.retry_after("carla@example.com", "a"));
}

// Issue 14 row 7: bots failing from one address lock out that address, not
// the owner logging in from another; many addresses together reach the
// account's own limit.
TEST(RateLimiterTest, FailuresFromOneAddressDoNotLockTheAccountElsewhere) {
  ManualClock clock(Timestamp{1'800'000'000s});
  LoginRateLimiter limiter(clock,
                           {.per_email = 5, .per_account = 8, .per_address = 100, .window = 15min});
  for (int i = 0; i < 5; ++i) limiter.record_failure("dona@loja.com", "bot");
  EXPECT_TRUE(limiter.retry_after("dona@loja.com", "bot"));
  EXPECT_FALSE(limiter.retry_after("dona@loja.com", "owner"));
  for (int i = 0; i < 3; ++i) limiter.record_failure("dona@loja.com", "bot-" + std::to_string(i));
  EXPECT_TRUE(limiter.retry_after("dona@loja.com", "owner"));  // 8 failures in all
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

// Issue 14 row 7: bots failing on the owner's e-mail lock out attempts
// without a device cookie, never the owner's trusted device; that device
// has its own failure limit.
TEST(RateLimiterTest, ATrustedDeviceIsNotLockedOutByFailuresOnItsAccount) {
  ManualClock clock(Timestamp{1'800'000'000s});
  LoginRateLimiter limiter(clock);
  // More bots than the account's limit of 100, each from its own address.
  for (int i = 0; i < 150; ++i) {
    const std::string bot =
        "203.0." + std::to_string(113 + i / 100) + "." + std::to_string(i % 100);
    if (!limiter.retry_after("owner@example.com", bot)) {
      limiter.record_failure("owner@example.com", bot);
    }
  }
  EXPECT_TRUE(limiter.retry_after("owner@example.com", "198.51.100.1"));
  EXPECT_FALSE(limiter.retry_after("owner@example.com", "198.51.100.1", "device-1"));
  // The device's own failures: 10 within the window, then it waits too.
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE(limiter.retry_after("owner@example.com", "198.51.100.1", "device-1")) << i;
    limiter.record_failure("owner@example.com", "198.51.100.1", "device-1");
  }
  EXPECT_EQ(limiter.retry_after("owner@example.com", "198.51.100.1", "device-1"), 15min);
  EXPECT_FALSE(limiter.retry_after("owner@example.com", "198.51.100.1", "device-2"));
  // A trusted device's failures do not count against the account or address.
  EXPECT_FALSE(limiter.retry_after("other@example.com", "198.51.100.1"));
}

// Issue 14 rows 1 and 14: keys are normalised, long ones hashed, and the
// tables hold a bounded number of keys.
TEST(RateLimiterTest, KeysAreNormalisedAndBounded) {
  EXPECT_EQ(limiter_key("Ana@Example.COM"), "ana@example.com");
  const std::string huge(1'000'000, 'a');
  EXPECT_EQ(limiter_key(huge).size(), 65u);
  EXPECT_EQ(limiter_key(huge), limiter_key(huge));
  EXPECT_NE(limiter_key(huge), limiter_key(huge + "b"));

  ManualClock clock(Timestamp{1'800'000'000s});
  LoginRateLimiter limiter(clock, {.per_email = 2, .per_address = 1'000'000, .max_keys = 100});
  const std::string long_email = std::string(300, 'a') + "@example.com";
  for (int i = 0; i < 10'000; ++i) {
    limiter.record_failure(std::to_string(i) + long_email, "10.0.0.1");
  }
  EXPECT_LE(limiter.tracked_keys(), 201u);  // 100 e-mails, 100 (e-mail, address) pairs, 1 address
  // The most recent keys are the ones kept.
  limiter.record_failure("9999" + long_email, "10.0.0.1");
  EXPECT_TRUE(limiter.retry_after("9999" + long_email, "10.0.0.1"));
  // A key's timestamps are capped at its limit however many failures come.
  for (int i = 0; i < 1000; ++i) limiter.record_failure("ana@example.com", "10.0.0.1");
  clock.advance(15min);
  EXPECT_FALSE(limiter.retry_after("ana@example.com", "10.0.0.2"));
  EXPECT_EQ(limiter.tracked_keys(), 0u);  // everything left the window
}

}  // namespace
}  // namespace sequencial::accounts
