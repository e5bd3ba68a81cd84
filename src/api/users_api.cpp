// Users endpoints.
#include "api/users_api.h"

#include <spdlog/spdlog.h>

#include "accounts/credentials.h"
#include "accounts/secrets.h"
#include "accounts/session_cookie.h"
#include "core/text.h"

namespace sequencial::api {

using nlohmann::json;

namespace {
// A PATCH whose JSON body names "email" changes the e-mail (any other body
// goes to the password change, which reports its own errors).
bool patches_email(const http::HttpRequest& request) {
  auto body = json_object_body(request);
  return body && body->contains("email");
}
}  // namespace

void UsersApi::handle(const http::HttpRequest& request, http::HttpResponse& response,
                      std::span<const std::string_view> parts, const Caller& caller) {
  const std::string_view method = request.method;
  if (parts.size() == 1) {
    if (method == "GET") {
      auto users = store_.load_users();
      if (!users) return reply_error(response, users.error());
      json items = json::array();
      for (const User& user : *users) items.push_back(user_json(user));
      return reply_json(response, 200, {{"items", std::move(items)}});
    }
    if (method == "POST") return create(request, response);
    return reply_method_not_allowed(request, response, "GET, POST");
  }
  const auto id = parts.size() == 2 ? parse_positive_id(parts[1]) : std::nullopt;
  if (!id) return reply_error(response, Error::not_found("no such user"));
  if (method == "GET") {
    auto user = store_.find_user(*id);
    if (!user) return reply_error(response, user.error());
    if (!*user) return reply_error(response, Error::not_found("no such user"));
    return reply_json(response, 200, user_json(**user));
  }
  if (method == "PATCH") {
    if (patches_email(request)) return change_email(request, response, *id);
    return change_password(request, response, *id, caller);
  }
  if (method == "DELETE") return remove(response, *id, caller);
  reply_method_not_allowed(request, response, "GET, PATCH, DELETE");
}

void UsersApi::create(const http::HttpRequest& request, http::HttpResponse& response) {
  auto body = json_object_body(request);
  if (!body) return reply_error(response, body.error());
  auto email = required_string(*body, "email");
  if (!email) return reply_error(response, email.error());
  auto password = required_string(*body, "password");
  if (!password) return reply_error(response, password.error());
  if (auto ok = accounts::validate_email(*email); !ok) return reply_error(response, ok.error());
  if (auto ok = accounts::validate_password(*password); !ok) {
    return reply_error(response, ok.error());
  }
  auto hash = accounts::hash_password(*password, cost_);
  if (!hash) return reply_error(response, hash.error());
  auto user = store_.insert_user(*email, *hash);
  if (!user) return reply_error(response, user.error());
  spdlog::info("event=admin_write action=user.create id={}", user->id);
  reply_json(response, 201, user_json(*user));
}

void UsersApi::change_email(const http::HttpRequest& request, http::HttpResponse& response,
                            std::int64_t id) {
  auto body = json_object_body(request);
  if (!body) return reply_error(response, body.error());
  if (body->size() != 1) {
    return reply_error(response,
                       Error::invalid("email", "change the e-mail alone, in its own request"));
  }
  auto email = required_string(*body, "email");
  if (!email) return reply_error(response, email.error());
  if (auto ok = accounts::validate_email(*email); !ok) return reply_error(response, ok.error());
  if (auto ok = store_.update_user_email(id, *email); !ok) return reply_error(response, ok.error());
  auto user = store_.find_user(id);
  if (!user) return reply_error(response, user.error());
  if (!*user) return reply_error(response, Error::not_found("no such user"));
  spdlog::info("event=admin_write action=user.email id={}", id);
  reply_json(response, 200, user_json(**user));
}

void UsersApi::change_password(const http::HttpRequest& request, http::HttpResponse& response,
                               std::int64_t id, const Caller& caller) {
  auto body = json_object_body(request);
  if (!body) return reply_error(response, body.error());
  auto password = required_string(*body, "password");
  if (!password) return reply_error(response, password.error());
  if (auto ok = accounts::validate_password(*password); !ok) {
    return reply_error(response, ok.error());
  }
  // Your own password: prove you know the current one (a session left open
  // on a shared computer must not be enough), counted like a login.
  std::string keep_session;
  if (caller.user && caller.user->id == id) {
    auto current = optional_string(*body, "current_password");
    if (!current) return reply_error(response, current.error());
    if (!*current) {
      return reply_error(response, Error::invalid("current_password",
                                                  "current_password is required to change "
                                                  "your own password"));
    }
    const std::string client = http::client_address_of(request, proxies_);
    if (const auto wait = limiter_.retry_after(caller.user->email, client)) {
      reply_error(response, 429, "rate_limited",
                  "too many wrong passwords; try again in " + std::to_string(wait->count()) + " s");
      response.add_header("Retry-After", std::to_string(wait->count()));
      return;
    }
    if (!accounts::verify_password(caller.user->password_hash, **current)) {
      limiter_.record_failure(caller.user->email, client);
      spdlog::info("event=password_change_refused user_id={}", id);
      // 403, not 401: the session is fine, and a 401 would log the UI out.
      return reply_error(response, 403, "invalid_credentials", "the current password is wrong",
                         "current_password");
    }
    keep_session = accounts::hash_secret(accounts::session_cookie_value(request.header("Cookie")));
  }
  auto hash = accounts::hash_password(*password, cost_);
  if (!hash) return reply_error(response, hash.error());
  // Every other session of the user ends (all of them when an admin or a
  // script changes someone's password).
  if (auto ok = store_.update_user_password(id, *hash, keep_session); !ok) {
    return reply_error(response, ok.error());
  }
  auto user = store_.find_user(id);
  if (!user) return reply_error(response, user.error());
  if (!*user) return reply_error(response, Error::not_found("no such user"));
  spdlog::info("event=admin_write action=user.password id={} sessions_kept={}", id,
               keep_session.empty() ? 0 : 1);
  reply_json(response, 200, user_json(**user));
}

void UsersApi::remove(http::HttpResponse& response, std::int64_t id, const Caller& caller) {
  if (caller.user && caller.user->id == id) {
    return reply_error(response, Error::conflict("id", "you cannot delete yourself"));
  }
  std::lock_guard lock(delete_mutex_);
  auto users = store_.load_users();
  if (!users) return reply_error(response, users.error());
  const bool exists = std::ranges::any_of(*users, [id](const User& u) { return u.id == id; });
  if (!exists) return reply_error(response, Error::not_found("no such user"));
  if (users->size() == 1) {
    return reply_error(response, Error::conflict("id", "the last user cannot be deleted"));
  }
  if (auto ok = store_.delete_user(id); !ok) return reply_error(response, ok.error());
  spdlog::info("event=admin_write action=user.delete id={}", id);
  reply_no_content(response);
}

}  // namespace sequencial::api
