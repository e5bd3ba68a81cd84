// The admin REST API (/api/v1, docs/API.md): bearer-token or session-cookie
// authentication (api_auth.h), JSON in and out, every error as
// {"error":{"code","message","field"}}. Handlers translate JSON into catalog
// calls; they hold no state of their own. The admin UI's endpoints (session,
// users, tokens, settings) live in their own modules, routed from here.
//
// Thread-safety: handle() may be called concurrently from every event loop.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "api/api_auth.h"
#include "api/session_api.h"
#include "api/settings_api.h"
#include "api/stats_api.h"
#include "api/tokens_api.h"
#include "api/users_api.h"
#include "core/clock.h"
#include "domain/catalog.h"
#include "domain/public_url.h"
#include "http/message.h"

namespace sequencial::api {

struct AdminApiOptions {
  // The zone of business hours given without "tz" (may change at run time).
  std::function<std::string()> default_tz = [] { return std::string("America/Sao_Paulo"); };
};

// The admin UI's endpoints.
struct AccountRoutes {
  SessionApi& session;
  UsersApi& users;
  TokensApi& tokens;
  SettingsApi& settings;
};

class AdminApi {
 public:
  AdminApi(AdminApiOptions options, const domain::PublicUrl& public_url, domain::Catalog& catalog,
           StatsApi& stats, ApiAuth& auth, AccountRoutes accounts, const Clock& clock);

  // Answers any request whose path starts with /api/. An exception from a
  // handler is logged (error level) and answered 500 "internal".
  void handle(const http::HttpRequest& request, http::HttpResponse& response);

 private:
  struct Call;
  void route(const http::HttpRequest& request, http::HttpResponse& response);
  void links(Call& call);
  void centrals(Call& call);
  void hours(Call& call, CentralId id, std::string_view slug);
  void stats(Call& call, StatsScope scope, std::int64_t id);
  [[nodiscard]] std::string render_central(const Central& central) const;

  AdminApiOptions options_;
  const domain::PublicUrl& public_url_;
  domain::Catalog& catalog_;
  StatsApi& stats_;
  ApiAuth& auth_;
  AccountRoutes accounts_;
  const Clock& clock_;
};

}  // namespace sequencial::api
