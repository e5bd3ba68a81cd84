// Who may call /api/v1: either "Authorization: Bearer <token>" (scripts;
// unchanged) or the admin UI's session cookie `sqs`. With the cookie, every
// state-changing request (POST, PUT, PATCH, DELETE) must carry the
// session's CSRF token in X-CSRF-Token, else 403 "csrf": SameSite=Strict
// already keeps other sites' requests cookie-less; the token is the second
// lock. Bearer requests need no CSRF token (a browser never adds one).
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <optional>

#include "accounts/sessions.h"
#include "api/api_reply.h"
#include "api/tokens.h"
#include "http/message.h"

namespace sequencial::api {

// Whether `method` changes state (needs the CSRF token with a cookie).
[[nodiscard]] bool is_state_changing(std::string_view method);

class ApiAuth {
 public:
  ApiAuth(TokenAuthenticator& tokens, accounts::SessionManager& sessions)
      : tokens_(tokens), sessions_(sessions) {}

  // The caller, or nullopt after answering 401/403 in `response`. An
  // Authorization header, when present, decides alone (no cookie fallback).
  [[nodiscard]] std::optional<Caller> authenticate(const http::HttpRequest& request,
                                                   http::HttpResponse& response);
  // The live session named by the request's cookie, if any.
  [[nodiscard]] Result<std::optional<accounts::ActiveSession>> session_of(
      const http::HttpRequest& request);

 private:
  TokenAuthenticator& tokens_;
  accounts::SessionManager& sessions_;
};

}  // namespace sequencial::api
