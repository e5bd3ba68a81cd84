// Serving the embedded admin UI.
#include "ui/admin_page.h"

namespace sequencial::ui {
namespace {

constexpr std::string_view kAssetsPrefix = "/admin/assets/";

void plain(http::HttpResponse& response, int status, std::string_view body) {
  response.status = status;
  response.add_header("Content-Type", "text/plain; charset=utf-8");
  response.add_header("Cache-Control", "no-store");
  response.body.assign(body);
}

}  // namespace

AdminPage::AdminPage(std::span<const EmbeddedAsset> assets, std::string_view index_html)
    : index_html_(index_html) {
  for (const EmbeddedAsset& asset : assets) by_path_.emplace(asset.url_path, &asset);
}

bool AdminPage::owns(std::string_view path) {
  return path == "/admin" || path.starts_with("/admin/");
}

void AdminPage::handle(const http::HttpRequest& request, http::HttpResponse& response) const {
  if (request.method != "GET" && request.method != "HEAD") {
    plain(response, 405, "method not allowed\n");
    response.add_header("Allow", "GET, HEAD");
    return;
  }
  const std::string_view path = request.path();
  if (path.starts_with(kAssetsPrefix)) {
    const auto found = by_path_.find(path);
    if (found == by_path_.end()) return plain(response, 404, "no such asset\n");
    const EmbeddedAsset& asset = *found->second;
    response.status = 200;
    response.add_header("Content-Type", asset.content_type);
    response.add_header("Cache-Control", "public, max-age=31536000, immutable");
    response.body.assign(asset.body);
    return;
  }
  response.status = 200;
  response.add_header("Content-Type", "text/html; charset=utf-8");
  response.add_header("Cache-Control", "no-store");
  response.body.assign(index_html_);
}

}  // namespace sequencial::ui
