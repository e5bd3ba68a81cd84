// Top-level request dispatch.
#include "app/front_door.h"

#include "http/wire.h"
#include "ui/security_headers.h"

namespace sequencial::app {
namespace {

constexpr std::size_t kApiBodyLimit = std::size_t{1024} * 1024;
// A login or another credential-less API call: an e-mail and a password.
constexpr std::size_t kAnonymousBodyLimit = std::size_t{8} * 1024;

void text(http::HttpResponse& response, int status, std::string_view body) {
  response.status = status;
  response.add_header("Content-Type", "text/plain; charset=utf-8");
  response.add_header("Cache-Control", "no-store");
  response.body.assign(body);
}

bool is_api(std::string_view path) { return path.starts_with("/api/") || path == "/api"; }

// Routes whose work is a password hash.
bool hashes_passwords(const http::HttpRequest& request) {
  const std::string_view path = request.path();
  if (path == "/api/v1/session") return request.method == "POST";
  return path.starts_with("/api/v1/users") && request.method != "GET" && request.method != "DELETE";
}

}  // namespace

std::size_t FrontDoor::body_allowance(const http::HttpRequest& head) const {
  // Outside the API no route reads a body: a small one is read and
  // ignored (the route answers 405 or the page), a large one refused.
  if (!is_api(head.path())) return kAnonymousBodyLimit;
  const bool credentials = !head.header("Authorization").empty() ||
                           head.header("Cookie").find("sqs=") != std::string_view::npos;
  return credentials ? kApiBodyLimit : kAnonymousBodyLimit;
}

void FrontDoor::handle(const http::HttpRequest& request, http::HttpResponse& response) {
  dispatch(request, response);
  // A deferred answer is counted when it is sent (see run_on).
  if (response.status != 0) parts_.metrics.add_response(request.loop_index, response.status);
}

void FrontDoor::run_on(WorkerPool& pool, const http::HttpRequest& request,
                       http::HttpResponse& response,
                       std::function<void(http::HttpResponse&)> work) {
  if (!request.can_defer()) {  // called in-process (tests): run here
    work(response);
    return;
  }
  auto pending = request.defer();
  Metrics* metrics = &parts_.metrics;
  const std::size_t loop = request.loop_index;
  const bool queued = pool.submit([pending, work = std::move(work), metrics, loop] {
    auto answer = std::make_shared<http::HttpResponse>();
    work(*answer);
    pending->finish([answer, metrics, loop](http::HttpResponse& out) {
      out = std::move(*answer);
      metrics->add_response(loop, out.status);
    });
  });
  if (!queued) {
    pending->finish([metrics, loop](http::HttpResponse& out) {
      http::wire::set_json_error(out, 503, "busy", "the server is busy; retry shortly");
      out.add_header("Retry-After", "1");
      ui::add_security_headers(out);
      metrics->add_response(loop, out.status);
    });
  }
  response.status = 0;  // not sent: the pending answer is
}

void FrontDoor::dispatch(const http::HttpRequest& request, http::HttpResponse& response) {
  const std::string_view path = request.path();
  if (is_api(path)) {
    WorkerPool& pool = hashes_passwords(request) ? pools_.passwords : pools_.admin;
    run_on(pool, request, response, [this, &request](http::HttpResponse& out) {
      api_.handle(request, out);
      ui::add_security_headers(out);
    });
    return;
  }
  if (ui::AdminPage::owns(path)) {
    if (parts_.admin_page != nullptr) {
      parts_.admin_page->handle(request, response);
    } else {
      text(response, 404, "the admin UI is not available\n");
    }
    ui::add_security_headers(response);
    return;
  }
  const bool read_only = request.method == "GET" || request.method == "HEAD";
  if (path == "/healthz") {
    text(response, 200, "ok\n");
  } else if (path == "/readyz") {
    if (ready_.load() && !parts_.health.up()) {
      response.status = 200;
      response.add_header("Content-Type", "application/json");
      response.add_header("Cache-Control", "no-store");
      response.body = R"({"status":"degraded","database":"unreachable"})";
    } else if (ready_.load()) {
      text(response, 200, "ready\n");
    } else {
      text(response, 503, "not ready\n");
    }
  } else if (path == "/metrics") {
    response.status = 200;
    response.add_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    response.add_header("Cache-Control", "no-store");
    response.body = parts_.render_metrics();
  } else if (!read_only) {
    text(response, 405, "method not allowed\n");
    response.add_header("Allow", "GET, HEAD");
  } else {
    std::string_view slug = path.substr(path.empty() ? 0 : 1);
    if (!slug.empty() && slug.back() == '/') slug.remove_suffix(1);  // "/joao/" works too
    if (slug.ends_with("/qr.svg") || slug.ends_with("/qr.png")) {
      // Drawing a QR code (and its PNG) is milliseconds of CPU: not on a loop.
      const std::string_view format = slug.substr(slug.size() - 3);
      const std::string_view name = slug.substr(0, slug.size() - 7);
      run_on(pools_.admin, request, response,
             [this, &request, name, format](http::HttpResponse& out) {
               redirects_.handle_qr(request, name, format, out);
             });
    } else {
      redirects_.handle(request, slug, response);
    }
  }
}

}  // namespace sequencial::app
