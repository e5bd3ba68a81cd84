// Login, session info and logout.
#include "api/session_api.h"

#include <spdlog/spdlog.h>

#include "accounts/credentials.h"
#include "accounts/device_cookie.h"
#include "accounts/secrets.h"
#include "accounts/session_cookie.h"

namespace sequencial::api {

using nlohmann::json;

SessionApi::SessionApi(AccountStore& store, accounts::SessionManager& sessions,
                       accounts::LoginRateLimiter& limiter, ApiAuth& auth,
                       const domain::PublicUrl& public_url, accounts::PasswordCost cost,
                       const http::TrustedProxies& proxies)
    : store_(store),
      sessions_(sessions),
      limiter_(limiter),
      auth_(auth),
      public_url_(public_url),
      cost_(cost),
      proxies_(proxies) {}

const std::string& SessionApi::dummy_hash() {
  std::call_once(dummy_once_, [this] {
    auto hash = accounts::hash_password("sequencial-no-such-user", cost_);
    if (hash) dummy_hash_ = std::move(*hash);
  });
  return dummy_hash_;
}

bool SessionApi::secure() const { return public_url_.get().starts_with("https://"); }

void SessionApi::handle(const http::HttpRequest& request, http::HttpResponse& response) {
  const std::string_view method = request.method;
  if (method == "POST") return login(request, response);
  if (method == "DELETE") return logout(request, response);
  if (method != "GET") return reply_method_not_allowed(request, response, "GET, POST, DELETE");
  auto session = auth_.session_of(request);
  if (!session) return reply_error(response, session.error());
  if (!*session) {
    return reply_error(response, {ErrorCode::kUnauthorized, "not logged in", {}});
  }
  reply_json(
      response, 200,
      {{"user", user_json((*session)->user)}, {"csrf_token", (*session)->session.csrf_token}});
}

void SessionApi::login(const http::HttpRequest& request, http::HttpResponse& response) {
  auto body = json_object_body(request);
  if (!body) return reply_error(response, body.error());
  auto email = required_string(*body, "email");
  if (!email) return reply_error(response, email.error());
  auto password = required_string(*body, "password");
  if (!password) return reply_error(response, password.error());
  // Before anything is counted or looked up: an e-mail with a NUL was
  // another key for the limiter but the same user for PostgreSQL.
  if (auto ok = accounts::validate_email(*email); !ok) return reply_error(response, ok.error());

  const std::string client = http::client_address_of(request, proxies_);
  auto user = store_.find_user_by_email(*email);
  if (!user) return reply_error(response, user.error());
  // A valid device cookie of this user: limited per device, not per
  // account, so failures of bots cannot lock the owner out (rate_limiter.h).
  const std::string device =
      *user ? accounts::trusted_device(
                  accounts::cookie_value(request.header("Cookie"), accounts::kDeviceCookie), **user)
            : std::string();
  if (const auto wait = limiter_.retry_after(*email, client, device)) {
    spdlog::warn("event=login_rate_limited retry_after={} trusted_device={}", wait->count(),
                 !device.empty());
    reply_error(response, 429, "rate_limited",
                "too many failed logins; try again in " + std::to_string(wait->count()) + " s");
    response.add_header("Retry-After", std::to_string(wait->count()));
    return;
  }
  const std::string& hash = *user ? (*user)->password_hash : dummy_hash();
  const bool matches = accounts::verify_password(hash, *password);
  if (!*user || !matches) {
    limiter_.record_failure(*email, client, device);
    spdlog::info("event=login_failed trusted_device={}", !device.empty());
    return reply_error(response, 401, "invalid_credentials", "wrong e-mail or password");
  }
  // A login from a trusted device says nothing about the bots that may be
  // guessing from elsewhere: their lockout stays.
  if (device.empty()) limiter_.record_success(*email, client);
  auto created = sessions_.create((*user)->id);
  if (!created) return reply_error(response, created.error());
  spdlog::info("event=login user_id={}", (*user)->id);
  reply_json(response, 200, {{"user", user_json(**user)}, {"csrf_token", created->csrf_token}});
  response.add_header("Set-Cookie",
                      accounts::session_set_cookie(created->id, sessions_.lifetime(), secure()));
  response.add_header("Set-Cookie",
                      accounts::device_set_cookie(accounts::issue_device_cookie(**user), secure()));
}

void SessionApi::logout(const http::HttpRequest& request, http::HttpResponse& response) {
  auto session = auth_.session_of(request);
  if (!session) return reply_error(response, session.error());
  if (*session) {
    if (!accounts::secrets_equal(request.header("X-CSRF-Token"), (*session)->session.csrf_token)) {
      return reply_error(response, 403, "csrf", "missing or wrong X-CSRF-Token header");
    }
    const std::string_view id = accounts::session_cookie_value(request.header("Cookie"));
    if (auto ok = sessions_.destroy(id); !ok) return reply_error(response, ok.error());
    spdlog::info("event=logout user_id={}", (*session)->user.id);
  }
  reply_no_content(response);
  response.add_header("Set-Cookie", accounts::session_clear_cookie(secure()));
}

}  // namespace sequencial::api
