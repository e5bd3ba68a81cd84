// The admin REST API (/api/v1, API.md): bearer-token authentication, JSON in
// and out, every error as {"error":{"code","message","field"}}. Handlers
// translate JSON into catalog calls; they hold no state of their own.
//
// Thread-safety: handle() may be called concurrently from every event loop.
#pragma once

#include <string>
#include <string_view>

#include "api/stats_api.h"
#include "api/tokens.h"
#include "app/catalog.h"
#include "app/public_url.h"
#include "core/clock.h"
#include "http/message.h"

namespace sequencial::api {

struct AdminApiOptions {
  std::string default_tz = "America/Sao_Paulo";
};

class AdminApi {
 public:
  AdminApi(AdminApiOptions options, const app::PublicUrl& public_url, app::Catalog& catalog,
           StatsApi& stats, TokenAuthenticator& auth, const Clock& clock);

  // Answers any request whose path starts with /api/.
  void handle(const http::HttpRequest& request, http::HttpResponse& response);

 private:
  struct Call;
  void links(Call& call);
  void centrals(Call& call);
  void hours(Call& call, CentralId id, std::string_view slug);
  void stats(Call& call, StatsScope scope, std::int64_t id);
  [[nodiscard]] std::string render_central(const Central& central) const;

  AdminApiOptions options_;
  const app::PublicUrl& public_url_;
  app::Catalog& catalog_;
  StatsApi& stats_;
  TokenAuthenticator& auth_;
  const Clock& clock_;
};

}  // namespace sequencial::api
