// /api/v1/settings: the settings of the admin UI's Configurações page,
// {"default_tz","public_url"}. PATCH with either field saves it; it wins
// over the flag value and takes effect at once (app/settings.h).
//
// Thread-safety: safe for concurrent use.
#pragma once

#include "app/settings.h"
#include "http/message.h"

namespace sequencial::api {

class SettingsApi {
 public:
  explicit SettingsApi(app::Settings& settings) : settings_(settings) {}
  void handle(const http::HttpRequest& request, http::HttpResponse& response);

 private:
  app::Settings& settings_;
};

}  // namespace sequencial::api
