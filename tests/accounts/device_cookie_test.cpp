// Device cookies (accounts/device_cookie.h): accepted only for the user they
// were issued to, with that user's current password; tampering fails.
#include "accounts/device_cookie.h"

#include <gtest/gtest.h>

namespace sequencial::accounts {
namespace {

User user(std::int64_t id, std::string hash) {
  return {.id = id, .email = "ana@example.com", .password_hash = std::move(hash)};
}

TEST(DeviceCookieTest, IssuedCookieNamesADeviceOfItsUserOnly) {
  const User ana = user(1, "$argon2id$v=19$m=65536,t=2,p=1$salt$hash-a");
  const std::string cookie = issue_device_cookie(ana);
  EXPECT_EQ(cookie.size(), 32u + 1u + 64u);
  const std::string device = trusted_device(cookie, ana);
  EXPECT_EQ(device, cookie.substr(0, 32));
  EXPECT_NE(issue_device_cookie(ana), cookie);  // random per login

  // Another user, or the same user after a password change: not trusted.
  EXPECT_EQ(trusted_device(cookie, user(2, ana.password_hash)), "");
  EXPECT_EQ(trusted_device(cookie, user(1, "$argon2id$other")), "");
}

TEST(DeviceCookieTest, TamperedOrMalformedValuesAreNotTrusted) {
  const User ana = user(1, "h");
  std::string cookie = issue_device_cookie(ana);
  for (std::size_t at : {std::size_t{0}, std::size_t{40}, cookie.size() - 1}) {
    std::string changed = cookie;
    changed[at] = changed[at] == 'a' ? 'b' : 'a';
    EXPECT_EQ(trusted_device(changed, ana), "") << at;
  }
  for (const char* bad : {"", ".", "abc", "x.y"}) EXPECT_EQ(trusted_device(bad, ana), "") << bad;
  EXPECT_EQ(trusted_device(cookie + "0", ana), "");
  EXPECT_EQ(trusted_device(cookie, user(1, "")), "");
}

TEST(DeviceCookieTest, SetCookieIsLongLivedHttpOnlyStrictAndScopedToLogin) {
  EXPECT_EQ(device_set_cookie("v", false),
            "sqd=v; Path=/api/v1/session; Max-Age=31536000; HttpOnly; SameSite=Strict");
  EXPECT_EQ(device_set_cookie("v", true),
            "sqd=v; Path=/api/v1/session; Max-Age=31536000; HttpOnly; SameSite=Strict; Secure");
}

}  // namespace
}  // namespace sequencial::accounts
