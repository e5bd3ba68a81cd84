// /api/v1/settings: the settings of the admin UI's Configurações page.
//   GET                    {"default_tz","public_url","server":{key:{"value","source",
//                           "saved","overridden"}}}: the values in effect, and per key
//                           the server's own value, where it came from (flag,
//                           environment, file, default), whether a saved value is in
//                           effect and whether it differs from the server's own.
//   PATCH                  either field: saved, wins over the server's value, at once.
//   DELETE /settings/{key} forgets the saved value: the server's own is back.
// PATCH and DELETE answer like GET.

// Thread-safety: safe for concurrent use.
#pragma once

#include <string_view>

#include "app/settings.h"
#include "http/message.h"

namespace sequencial::api {

class SettingsApi {
 public:
  explicit SettingsApi(app::Settings& settings) : settings_(settings) {}
  void handle(const http::HttpRequest& request, http::HttpResponse& response);
  // /settings/{key}
  void handle_key(const http::HttpRequest& request, http::HttpResponse& response,
                  std::string_view key);

 private:
  void reply_settings(http::HttpResponse& response);

  app::Settings& settings_;
};

}  // namespace sequencial::api
