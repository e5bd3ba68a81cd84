// The request dispatcher the HTTP edge calls: operational endpoints
// (/healthz, /readyz, /metrics), the admin API (/api/...), the admin UI
// (/admin, /admin/...), and everything else as a link slug for the redirect
// handler. Admin API and UI responses carry the security headers
// (ui/security_headers.h).
//
// It keeps the event loops free: the admin API and QR codes run on the
// admin worker pool, logins and user writes (password hashes) on the
// password pool; the loop only hands the request over and later sends the
// answer. A full pool answers 503 with Retry-After at once. Bodies are
// allowed only where a route takes one (1 MiB with credentials, a few KiB
// for a login), so an anonymous client cannot make the server buffer
// megabytes. While the click writer is behind (`accepting` false) the loops
// start no new request: backpressure instead of dropping clicks.
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
#include "app/worker_pool.h"
#include "http/message.h"
#include "ui/admin_page.h"

namespace sequencial::app {

struct FrontDoorPools {
  WorkerPool& admin;      // admin API calls, reports, QR codes
  WorkerPool& passwords;  // logins and user writes (Argon2id)
};

// What the front door serves besides the redirect and the admin API.
struct FrontDoorParts {
  Metrics& metrics;  // counts every response by status class
  // While it says the database is down, /readyz still answers 200 (redirects
  // are served from memory, so a load balancer should keep sending them)
  // with the body {"status":"degraded","database":"unreachable"}.
  const DatabaseHealth& health;
  std::function<std::string()> render_metrics;  // the whole /metrics text
  // Whether loop `loop` may start new requests (click backpressure).
  std::function<bool(std::size_t)> accepting;
  const ui::AdminPage* admin_page = nullptr;  // serves /admin; without it /admin is 404
};

class FrontDoor final : public http::RequestHandler {
 public:
  FrontDoor(RedirectHandler& redirects, api::AdminApi& api, FrontDoorPools pools,
            FrontDoorParts parts)
      : redirects_(redirects), api_(api), pools_(pools), parts_(std::move(parts)) {}

  void handle(const http::HttpRequest& request, http::HttpResponse& response) override;
  [[nodiscard]] bool accepting(std::size_t loop) const override { return parts_.accepting(loop); }
  [[nodiscard]] std::size_t body_allowance(const http::HttpRequest& head) const override;

  // /readyz answers 200 only between set_ready(true) and set_ready(false).
  void set_ready(bool ready) { ready_.store(ready); }

 private:
  void dispatch(const http::HttpRequest& request, http::HttpResponse& response);
  // Runs `work` on `pool` and sends what it fills in; 503 when the pool is full.
  void run_on(WorkerPool& pool, const http::HttpRequest& request, http::HttpResponse& response,
              std::function<void(http::HttpResponse&)> work);

  RedirectHandler& redirects_;
  api::AdminApi& api_;
  FrontDoorPools pools_;
  FrontDoorParts parts_;
  std::atomic<bool> ready_{false};
};

}  // namespace sequencial::app
