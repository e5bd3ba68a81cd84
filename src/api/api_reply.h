// Replies shared by the handlers of /api/v1: JSON bodies, errors as
// {"error":{"code","message","field"}} (docs/API.md), 204, 405, and reading a
// JSON object body. Also the caller of a request once authenticated.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "core/error.h"
#include "http/message.h"
#include "storage/account_store.h"

namespace sequencial::api {

// Who sent an authenticated request: a bearer token, or a logged-in user
// (session cookie).
struct Caller {
  std::optional<User> user;  // set only for session (cookie) requests
};

void reply_json(http::HttpResponse& response, int status, const nlohmann::json& body);
void reply_no_content(http::HttpResponse& response);
// The status of `error.code` (400, 401, ... 500) and its error body.
void reply_error(http::HttpResponse& response, const Error& error);
// An error whose code is not an ErrorCode ("csrf", "rate_limited", ...).
void reply_error(http::HttpResponse& response, int status, std::string_view code,
                 std::string_view message, std::string_view field = {});
void reply_method_not_allowed(const http::HttpRequest& request, http::HttpResponse& response,
                              std::string_view allow);
// The body as a JSON object; kInvalid when it is not one.
[[nodiscard]] Result<nlohmann::json> json_object_body(const http::HttpRequest& request);
// body[field] as a string when present; kInvalid on `field` when present
// but not a string. nullopt when absent.
[[nodiscard]] Result<std::optional<std::string>> optional_string(const nlohmann::json& body,
                                                                 std::string_view field);
// Like optional_string, but kInvalid on `field` when absent.
[[nodiscard]] Result<std::string> required_string(const nlohmann::json& body,
                                                  std::string_view field);
// A user as the API shows it: {"id","email","created_at"} (never the hash).
[[nodiscard]] nlohmann::json user_json(const User& user);

}  // namespace sequencial::api
