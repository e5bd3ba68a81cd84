// Shared reply helpers of /api/v1.
#include "api/api_reply.h"

#include "api/json_codec.h"

namespace sequencial::api {

using nlohmann::json;

void reply_json(http::HttpResponse& response, int status, const json& body) {
  response.status = status;
  response.add_header("Content-Type", "application/json");
  response.add_header("Cache-Control", "no-store");
  response.body = dump_json(body);
}

void reply_no_content(http::HttpResponse& response) {
  response.status = 204;
  response.add_header("Cache-Control", "no-store");
}

void reply_error(http::HttpResponse& response, const Error& error) {
  static constexpr int kStatus[] = {400, 401, 403, 404, 409, 413, 422, 503, 500};
  response.status = kStatus[static_cast<int>(error.code)];
  response.add_header("Content-Type", "application/json");
  response.add_header("Cache-Control", "no-store");
  if (error.code == ErrorCode::kUnauthorized) response.add_header("WWW-Authenticate", "Bearer");
  if (error.code == ErrorCode::kUnavailable) {
    // The database is down (several nodes on PostgreSQL): redirects go on
    // from memory, admin writes wait for it.
    response.add_header("Retry-After", "5");
    Error told = error;
    told.message =
        "the database is unreachable; try again in a few seconds (" + error.message + ")";
    response.body = error_body(told);
    return;
  }
  response.body = error_body(error);
}

void reply_error(http::HttpResponse& response, int status, std::string_view code,
                 std::string_view message, std::string_view field) {
  json inner = {{"code", code}, {"message", message}};
  if (!field.empty()) inner["field"] = field;
  response.status = status;
  response.add_header("Content-Type", "application/json");
  response.add_header("Cache-Control", "no-store");
  response.body = dump_json(json{{"error", inner}});
}

void reply_method_not_allowed(const http::HttpRequest& request, http::HttpResponse& response,
                              std::string_view allow) {
  reply_error(response, 405, "invalid",
              "method " + std::string(request.method) + " not allowed here");
  response.add_header("Allow", allow);
}

Result<json> json_object_body(const http::HttpRequest& request) {
  json parsed = json::parse(request.body, nullptr, false);
  if (parsed.is_discarded()) return fail(Error::invalid("", "body must be valid JSON"));
  if (!parsed.is_object()) return fail(Error::invalid("", "body must be a JSON object"));
  return parsed;
}

Result<std::optional<std::string>> optional_string(const json& body, std::string_view field) {
  const auto it = body.find(field);
  if (it == body.end()) return std::optional<std::string>{};
  if (!it->is_string()) {
    return fail(Error::invalid(std::string(field), std::string(field) + " must be a string"));
  }
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::string> required_string(const json& body, std::string_view field) {
  auto value = optional_string(body, field);
  if (!value) return fail(value.error());
  if (!*value) {
    return fail(Error::invalid(std::string(field), std::string(field) + " is required"));
  }
  return std::move(**value);
}

json user_json(const User& user) {
  return {{"id", user.id}, {"email", user.email}, {"created_at", format_time(user.created_at)}};
}

}  // namespace sequencial::api
