// The public base URL of the links ("https://zap.minhaloja.com.br"), shared
// by the pages, QR codes and the admin API. It is set once more after the
// server has bound when it defaults to the listen address with port 0, so it
// is held behind a lock.
//
// Thread-safety: safe for concurrent use. The event loops read it for the
// pages they answer themselves (previews, the Seletivo chooser): a copy
// under a lock held for that copy only; a plain 302 does not read it.
#pragma once

#include <mutex>
#include <string>

namespace sequencial::domain {

class PublicUrl {
 public:
  explicit PublicUrl(std::string url) { set(std::move(url)); }
  [[nodiscard]] std::string get() const {
    std::lock_guard lock(mutex_);
    return url_;
  }
  // Trailing slashes are dropped so "<url>/<slug>" is always right.
  void set(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    std::lock_guard lock(mutex_);
    url_ = std::move(url);
  }

 private:
  mutable std::mutex mutex_;
  std::string url_;  // guarded by mutex_
};

}  // namespace sequencial::domain
