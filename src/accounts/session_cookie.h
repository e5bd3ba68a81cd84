// The admin session cookie `sqs`: reading it from a Cookie header and
// writing the Set-Cookie lines that set and clear it. HttpOnly (scripts
// never see it), SameSite=Strict (never sent by another site's pages), Path=/
// and Secure when the public URL is https.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace sequencial::accounts {

inline constexpr std::string_view kSessionCookie = "sqs";

// The value of `sqs` in a Cookie header; empty when absent.
[[nodiscard]] std::string_view session_cookie_value(std::string_view cookie_header);
// The value of cookie `name` in a Cookie header; empty when absent.
[[nodiscard]] std::string_view cookie_value(std::string_view cookie_header, std::string_view name);
// "sqs=<value>; Path=/; Max-Age=<seconds>; HttpOnly; SameSite=Strict[; Secure]"
[[nodiscard]] std::string session_set_cookie(std::string_view value, std::chrono::seconds max_age,
                                             bool secure);
// The same cookie with an empty value and Max-Age=0 (logout).
[[nodiscard]] std::string session_clear_cookie(bool secure);

}  // namespace sequencial::accounts
