// E-mail and password rules, and the session cookie's syntax.
#include "accounts/credentials.h"

#include <gtest/gtest.h>

#include "accounts/session_cookie.h"

namespace sequencial::accounts {
namespace {

TEST(CredentialsTest, EmailsThatLookRightPass) {
  for (const char* email : {"admin@localhost", "admin@localhost.localdomain", "ana@example.com",
                            "Ana.B+loja@sub.ex.com.br"}) {
    EXPECT_TRUE(validate_email(email)) << email;
  }
}

TEST(CredentialsTest, BadEmailsFailOnFieldEmail) {
  for (const char* email :
       {"", "ana", "@example.com", "ana@", "ana@@example.com", "ana@example.", "ana@.com",
        "a na@example.com", "ana@ex..com", "<script>@x.com", "ana@example.com\n"}) {
    auto r = validate_email(email);
    ASSERT_FALSE(r) << email;
    EXPECT_EQ(r.error().field, "email");
    EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  }
  EXPECT_FALSE(validate_email(std::string(250, 'a') + "@x.com"));
}

// Issue 14 row 1: a NUL (or any control character) or bytes that are not
// UTF-8 in an e-mail are refused on field "email" wherever e-mails come in.
TEST(CredentialsTest, ControlCharactersAndInvalidUtf8AreRefused) {
  using namespace std::string_literals;
  for (const std::string& email :
       {"admin@localhost\0abc"s, "admin@localhost\x01"s, "ad\tmin@localhost"s,
        "admin@local\x7fhost"s, "admin@localhost\xff"s, "adm\xc3@localhost"s,
        "admin@\xed\xa0\x80.com"s}) {
    auto r = validate_email(email);
    ASSERT_FALSE(r) << email;
    EXPECT_EQ(r.error().field, "email");
  }
  EXPECT_TRUE(validate_email("joão@exemplo.com.br"));
}

TEST(SessionCookieTest, FindsAnyCookieByName) {
  EXPECT_EQ(cookie_value("a=1; sqd=abc.def; sqs=x", "sqd"), "abc.def");
  EXPECT_EQ(cookie_value("sqdx=1", "sqd"), "");
}

TEST(CredentialsTest, PasswordsNeedTenCharacters) {
  EXPECT_TRUE(validate_password("0123456789"));
  EXPECT_TRUE(validate_password("ááááááááá\xc3\xa1"));  // 10 code points
  auto short_one = validate_password("012345678");
  ASSERT_FALSE(short_one);
  EXPECT_EQ(short_one.error().field, "password");
  EXPECT_FALSE(validate_password("ááááá"));  // 10 bytes, 5 characters
  EXPECT_FALSE(validate_password(std::string(1025, 'x')));
}

TEST(SessionCookieTest, FindsTheSessionCookieAmongOthers) {
  EXPECT_EQ(session_cookie_value("sqs=abc"), "abc");
  EXPECT_EQ(session_cookie_value("sqv=1234; sqs=abc; other=x"), "abc");
  EXPECT_EQ(session_cookie_value("  sqs = \"abc\" "), "abc");
  EXPECT_EQ(session_cookie_value("xsqs=abc; sqsx=def"), "");
  EXPECT_EQ(session_cookie_value(""), "");
}

TEST(SessionCookieTest, SetCookieIsHttpOnlyStrictAndSecureOnlyWhenAsked) {
  EXPECT_EQ(session_set_cookie("abc", std::chrono::seconds(604800), false),
            "sqs=abc; Path=/; Max-Age=604800; HttpOnly; SameSite=Strict");
  EXPECT_EQ(session_set_cookie("abc", std::chrono::seconds(60), true),
            "sqs=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(session_clear_cookie(false), "sqs=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
}

}  // namespace
}  // namespace sequencial::accounts
