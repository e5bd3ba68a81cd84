// The request dispatcher the HTTP edge calls: operational endpoints
// (/healthz, /readyz, /metrics), the admin API (/api/...), the admin UI
// (/admin, /admin/...), and everything else as a link slug for the redirect
// handler. Admin API and UI responses carry the security headers
// (ui/security_headers.h).
//
// Thread-safety: handle() is called concurrently by every event loop.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "api/admin_api.h"
#include "app/database_health.h"
#include "app/metrics.h"
#include "app/redirect_handler.h"
#include "http/message.h"
#include "ui/admin_page.h"

namespace sequencial::app {

class FrontDoor final : public http::RequestHandler {
 public:
  // `render_metrics` returns the whole /metrics text.
  FrontDoor(RedirectHandler& redirects, api::AdminApi& api,
            std::function<std::string()> render_metrics)
      : redirects_(redirects), api_(api), render_metrics_(std::move(render_metrics)) {}

  void handle(const http::HttpRequest& request, http::HttpResponse& response) override;
  // Counts every response by status class.
  void set_metrics(Metrics* metrics) { metrics_ = metrics; }
  // Serves /admin; without it /admin is 404.
  void set_admin_page(const ui::AdminPage* page) { admin_page_ = page; }
  // /readyz answers 200 only between set_ready(true) and set_ready(false).
  void set_ready(bool ready) { ready_.store(ready); }
  // While `health` says the database is down, /readyz still answers 200
  // (redirects are served from memory, so a load balancer should keep
  // sending them) with the body {"status":"degraded","database":"unreachable"}.
  void set_database_health(const DatabaseHealth* health) { health_ = health; }

 private:
  void dispatch(const http::HttpRequest& request, http::HttpResponse& response);
  RedirectHandler& redirects_;
  api::AdminApi& api_;
  std::function<std::string()> render_metrics_;
  Metrics* metrics_ = nullptr;
  const ui::AdminPage* admin_page_ = nullptr;
  const DatabaseHealth* health_ = nullptr;
  std::atomic<bool> ready_{false};
};

}  // namespace sequencial::app
