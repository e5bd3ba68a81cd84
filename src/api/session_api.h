// /api/v1/session: log in (POST, e-mail + password -> session cookie, CSRF
// token and a device cookie), who am I (GET), log out (DELETE). Failed
// logins are counted per e-mail and per client address (behind
// --trusted-proxies, the address the proxy names: http/client_address.h), or
// per device when the login carries a valid device cookie of that user
// (accounts/device_cookie.h, accounts/rate_limiter.h), and answered 429
// beyond the limit. An e-mail with control characters or bytes that are not
// UTF-8 is a 400 on "email". An unknown e-mail costs the same password check as a
// known one, so timing does not tell which e-mails have accounts.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <mutex>
#include <string>

#include "accounts/password.h"
#include "accounts/rate_limiter.h"
#include "accounts/sessions.h"
#include "api/api_auth.h"
#include "domain/public_url.h"
#include "http/client_address.h"
#include "http/message.h"
#include "storage/account_store.h"

namespace sequencial::api {

class SessionApi {
 public:
  SessionApi(AccountStore& store, accounts::SessionManager& sessions,
             accounts::LoginRateLimiter& limiter, ApiAuth& auth,
             const domain::PublicUrl& public_url, accounts::PasswordCost cost,
             const http::TrustedProxies& proxies);

  void handle(const http::HttpRequest& request, http::HttpResponse& response);

 private:
  void login(const http::HttpRequest& request, http::HttpResponse& response);
  void logout(const http::HttpRequest& request, http::HttpResponse& response);
  [[nodiscard]] bool secure() const;

  AccountStore& store_;
  accounts::SessionManager& sessions_;
  accounts::LoginRateLimiter& limiter_;
  ApiAuth& auth_;
  const domain::PublicUrl& public_url_;
  // Verified against when the e-mail is unknown; made on first need, so
  // starting the server costs no password hash.
  [[nodiscard]] const std::string& dummy_hash();
  accounts::PasswordCost cost_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;  // written once under dummy_once_
  const http::TrustedProxies& proxies_;
};

}  // namespace sequencial::api
