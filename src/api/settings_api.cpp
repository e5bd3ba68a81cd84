// Settings endpoints.
#include "api/settings_api.h"

#include <spdlog/spdlog.h>

#include "api/api_reply.h"

namespace sequencial::api {

void SettingsApi::handle(const http::HttpRequest& request, http::HttpResponse& response) {
  const std::string_view method = request.method;
  if (method == "PATCH") {
    auto body = json_object_body(request);
    if (!body) return reply_error(response, body.error());
    for (const auto& [key, value] : body->items()) {
      if (key != "default_tz" && key != "public_url") {
        return reply_error(response, Error::invalid(key, "unknown setting " + key));
      }
    }
    auto tz = optional_string(*body, "default_tz");
    if (!tz) return reply_error(response, tz.error());
    auto url = optional_string(*body, "public_url");
    if (!url) return reply_error(response, url.error());
    if (auto ok = settings_.update(*tz, *url); !ok) return reply_error(response, ok.error());
    spdlog::info("event=admin_write action=settings.update default_tz={} public_url={}",
                 tz->has_value() ? "set" : "kept", url->has_value() ? "set" : "kept");
  } else if (method != "GET") {
    return reply_method_not_allowed(request, response, "GET, PATCH");
  }
  reply_settings(response);
}

void SettingsApi::handle_key(const http::HttpRequest& request, http::HttpResponse& response,
                             std::string_view key) {
  if (request.method != "DELETE") return reply_method_not_allowed(request, response, "DELETE");
  if (auto ok = settings_.reset(key); !ok) return reply_error(response, ok.error());
  spdlog::info("event=admin_write action=settings.reset key={}", key);
  reply_settings(response);
}

void SettingsApi::reply_settings(http::HttpResponse& response) {
  nlohmann::json body = nlohmann::json::object();
  nlohmann::json server = nlohmann::json::object();
  for (const app::SettingState& s : settings_.describe()) {
    body[s.key] = s.value;
    server[s.key] = {{"value", s.server_value},
                     {"source", app::source_name(s.server_source)},
                     {"saved", s.saved},
                     {"overridden", s.saved && s.value != s.server_value}};
  }
  body["server"] = std::move(server);
  reply_json(response, 200, body);
}

}  // namespace sequencial::api
