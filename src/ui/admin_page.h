// GET /admin and /admin/*: the admin UI, a single page application served
// from the assets compiled into the binary. /admin/assets/<hashed name> is an
// asset (cached for a year, immutable: its name changes with its content);
// any other /admin path is index.html (never cached), and the page routes on
// location.pathname. Security headers are added by the caller (FrontDoor).
//
// Thread-safety: immutable after construction; safe from every event loop.
#pragma once

#include <span>
#include <string_view>
#include <unordered_map>

#include "http/message.h"
#include "ui/embedded_assets.h"

namespace sequencial::ui {

class AdminPage {
 public:
  AdminPage(std::span<const EmbeddedAsset> assets, std::string_view index_html);

  // True for "/admin" and "/admin/...".
  [[nodiscard]] static bool owns(std::string_view path);
  void handle(const http::HttpRequest& request, http::HttpResponse& response) const;

 private:
  std::unordered_map<std::string_view, const EmbeddedAsset*> by_path_;
  std::string_view index_html_;
};

}  // namespace sequencial::ui
