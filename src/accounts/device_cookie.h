// Device cookies (OWASP "Slow down online guessing attacks with device
// cookies"): after a successful login the browser gets `sqd`, a long-lived
// HttpOnly, SameSite=Strict cookie sent only to /api/v1/session. Its value is
// "<device id>.<tag>": 16 random bytes and a keyed BLAKE2b tag of them whose
// key is derived from the user's id and password hash. Nothing is stored:
// the tag proves the cookie was issued to that user, and changing the
// password invalidates every device cookie of the user at once.
//
// A login that carries a valid device cookie for the e-mail it names is
// limited per device instead of per account (accounts/rate_limiter.h).
//
// Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "storage/account_store.h"

namespace sequencial::accounts {

inline constexpr std::string_view kDeviceCookie = "sqd";
inline constexpr std::chrono::seconds kDeviceCookieLifetime = std::chrono::days(365);

// A new cookie value for `user`.
[[nodiscard]] std::string issue_device_cookie(const User& user);
// The device id of `value` when it was issued to `user` (with the user's
// current password); empty otherwise.
[[nodiscard]] std::string trusted_device(std::string_view value, const User& user);
// "sqd=<value>; Path=/api/v1/session; Max-Age=<1 year>; HttpOnly;
// SameSite=Strict[; Secure]"
[[nodiscard]] std::string device_set_cookie(std::string_view value, bool secure);

}  // namespace sequencial::accounts
