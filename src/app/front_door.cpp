// Top-level request dispatch.
#include "app/front_door.h"

#include "ui/security_headers.h"

namespace sequencial::app {
namespace {

void text(http::HttpResponse& response, int status, std::string_view body) {
  response.status = status;
  response.add_header("Content-Type", "text/plain; charset=utf-8");
  response.add_header("Cache-Control", "no-store");
  response.body.assign(body);
}

}  // namespace

void FrontDoor::handle(const http::HttpRequest& request, http::HttpResponse& response) {
  dispatch(request, response);
  if (metrics_ != nullptr) metrics_->add_response(request.loop_index, response.status);
}

void FrontDoor::dispatch(const http::HttpRequest& request, http::HttpResponse& response) {
  const std::string_view path = request.path();
  if (path.starts_with("/api/") || path == "/api") {
    api_.handle(request, response);
    ui::add_security_headers(response);
    return;
  }
  if (ui::AdminPage::owns(path)) {
    if (admin_page_ != nullptr) {
      admin_page_->handle(request, response);
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
    if (ready_.load() && health_ != nullptr && !health_->up()) {
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
    response.body = render_metrics_();
  } else if (!read_only) {
    text(response, 405, "method not allowed\n");
    response.add_header("Allow", "GET, HEAD");
  } else {
    std::string_view slug = path.substr(path.empty() ? 0 : 1);
    if (!slug.empty() && slug.back() == '/') slug.remove_suffix(1);  // "/joao/" works too
    if (slug.ends_with("/qr.svg") || slug.ends_with("/qr.png")) {
      const std::string_view format = slug.substr(slug.size() - 3);
      redirects_.handle_qr(request, slug.substr(0, slug.size() - 7), format, response);
    } else {
      redirects_.handle(request, slug, response);
    }
  }
}

}  // namespace sequencial::app
