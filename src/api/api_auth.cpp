// Bearer or cookie + CSRF authentication of /api/v1.
#include "api/api_auth.h"

#include "accounts/secrets.h"
#include "accounts/session_cookie.h"

namespace sequencial::api {

bool is_state_changing(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

Result<std::optional<accounts::ActiveSession>> ApiAuth::session_of(
    const http::HttpRequest& request) {
  const std::string_view id = accounts::session_cookie_value(request.header("Cookie"));
  if (id.empty()) return std::optional<accounts::ActiveSession>{};
  return sessions_.find(id);
}

std::optional<Caller> ApiAuth::authenticate(const http::HttpRequest& request,
                                            http::HttpResponse& response) {
  if (const std::string_view authorization = request.header("Authorization");
      !authorization.empty()) {
    if (auto ok = tokens_.check(authorization); !ok) {
      reply_error(response, ok.error());
      return std::nullopt;
    }
    return Caller{};
  }
  auto session = session_of(request);
  if (!session) {
    reply_error(response, session.error());
    return std::nullopt;
  }
  if (!*session) {
    reply_error(response, {ErrorCode::kUnauthorized,
                           "log in (session cookie) or send Authorization: Bearer <token>",
                           {}});
    return std::nullopt;
  }
  if (is_state_changing(request.method) &&
      !accounts::secrets_equal(request.header("X-CSRF-Token"), (*session)->session.csrf_token)) {
    reply_error(response, 403, "csrf",
                "missing or wrong X-CSRF-Token header (the csrf_token of GET /api/v1/session)");
    return std::nullopt;
  }
  return Caller{.user = std::move((*session)->user)};
}

}  // namespace sequencial::api
