// The admin UI compiled into the binary (generated at build time by
// cmake/embed_assets.cmake from ui/src/ and ui/vendor.list): every asset with
// its hashed URL, and index.html with the {{asset:NAME}} placeholders already
// replaced by those URLs.
#pragma once

#include <span>
#include <string_view>

namespace sequencial::ui {

struct EmbeddedAsset {
  std::string_view name;          // file name in ui/src/ ("app.js")
  std::string_view url_path;      // "/admin/assets/app.1a2b3c4d.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view body;
};

[[nodiscard]] std::span<const EmbeddedAsset> embedded_assets();
[[nodiscard]] std::string_view embedded_index_html();

}  // namespace sequencial::ui
