// A cookie-keeping admin UI client for integration tests: logs in through
// POST /api/v1/session, keeps the `sqs` cookie and the CSRF token, and calls
// /api/v1 the way the admin UI does (cookie + X-CSRF-Token on writes).
//
// Thread-safety: single-threaded, like HttpClient.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "support/admin_client.h"
#include "support/http_client.h"

namespace sequencial::itest {

class Browser final {
 public:
  explicit Browser(std::uint16_t port) : http_(port) {}

  // POST /api/v1/session; on 200 keeps the cookie and the CSRF token.
  ApiResponse login(std::string_view email, std::string_view password);
  // A call with the session cookie (when logged in); the CSRF header is
  // sent when `with_csrf` and a token is known.
  ApiResponse call(std::string_view method, std::string_view path,
                   const std::optional<json>& body = std::nullopt, bool with_csrf = true,
                   const Headers& extra = {});
  ApiResponse get(std::string_view path) { return call("GET", path); }

  [[nodiscard]] const std::string& cookie() const { return cookie_; }
  [[nodiscard]] const std::string& csrf() const { return csrf_; }
  void set_csrf(std::string csrf) { csrf_ = std::move(csrf); }
  HttpClient& http() { return http_; }

 private:
  HttpClient http_;
  std::string cookie_;  // value of sqs
  std::string csrf_;
};

// The Set-Cookie line for `sqs` in a response ("" when none).
[[nodiscard]] std::string session_set_cookie_line(const Response& response);

}  // namespace sequencial::itest
