// /api/v1/users: admin UI accounts. List, create (e-mail + password of at
// least 10 characters; a taken e-mail is 409), change a password (PATCH),
// delete (not yourself, not the last user: 409). Every user is an admin.
// Changing your own password needs `current_password` (missing: 400; wrong:
// 403 "invalid_credentials", counted by the login rate limiter) and ends
// your other sessions; changing someone else's ends all of theirs.
//
// Thread-safety: safe for concurrent use (deletes are serialised, so two
// concurrent deletes cannot remove the last two users).
#pragma once

#include <mutex>
#include <span>
#include <string_view>

#include "accounts/password.h"
#include "accounts/rate_limiter.h"
#include "api/api_reply.h"
#include "http/client_address.h"
#include "http/message.h"
#include "storage/account_store.h"

namespace sequencial::api {

class UsersApi {
 public:
  UsersApi(AccountStore& store, accounts::PasswordCost cost, accounts::LoginRateLimiter& limiter,
           const http::TrustedProxies& proxies)
      : store_(store), cost_(cost), limiter_(limiter), proxies_(proxies) {}

  // `parts` is the path after /api/v1 ("users", optional id).
  void handle(const http::HttpRequest& request, http::HttpResponse& response,
              std::span<const std::string_view> parts, const Caller& caller);

 private:
  void create(const http::HttpRequest& request, http::HttpResponse& response);
  // PATCH {"email"}: unique ignoring case (409 on field "email").
  void change_email(const http::HttpRequest& request, http::HttpResponse& response,
                    std::int64_t id);
  void change_password(const http::HttpRequest& request, http::HttpResponse& response,
                       std::int64_t id, const Caller& caller);
  void remove(http::HttpResponse& response, std::int64_t id, const Caller& caller);

  AccountStore& store_;
  accounts::PasswordCost cost_;
  accounts::LoginRateLimiter& limiter_;
  const http::TrustedProxies& proxies_;
  std::mutex delete_mutex_;
};

}  // namespace sequencial::api
