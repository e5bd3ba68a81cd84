// Settings endpoints.
#include "api/settings_api.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "api/api_reply.h"

namespace sequencial::api {

void SettingsApi::handle(const http::HttpRequest& request, http::HttpResponse& response) {
  const std::string_view method = request.method;
  if (method == "PATCH") {
    auto body = json_object_body(request);
    if (!body) return reply_error(response, body.error());
    app::SettingsChange change;
    const std::pair<std::string_view, std::optional<std::string>*> fields[] = {
        {app::kDefaultTzKey, &change.default_tz},
        {app::kPublicUrlKey, &change.public_url},
        {app::kShopNameKey, &change.shop_name},
        {app::kHomeUrlKey, &change.home_url},
        {app::kWeekStartKey, &change.week_start}};
    for (const auto& [key, value] : body->items()) {
      if (std::ranges::none_of(fields, [&](const auto& f) { return f.first == key; })) {
        return reply_error(response, Error::invalid(key, "unknown setting " + key));
      }
    }
    std::string changed;
    for (const auto& [key, target] : fields) {
      auto value = optional_string(*body, key);
      if (!value) return reply_error(response, value.error());
      *target = std::move(*value);
      if (*target) changed += (changed.empty() ? "" : ",") + std::string(key);
    }
    if (auto ok = settings_.update(change); !ok) return reply_error(response, ok.error());
    spdlog::info("event=admin_write action=settings.update set={}",
                 changed.empty() ? "-" : changed);
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
