// What the public pages say about the shop, set in Configurações: its public
// name (the closed page, the neutral page at "/", the title of link
// previews when a link has no preview title), the URL "/" sends visitors to
// (the shop's site; none: a neutral page), and the first day of the week
// (Monday by default) of the closed page's and the admin's week tables.
//
// Thread-safety: safe for concurrent use; a read copies the values under a
// short lock (no I/O), so event loops may read it.
#pragma once

#include <mutex>
#include <string>

namespace sequencial::app {

struct ProfileValues {
  std::string shop_name;  // empty: the pages say nothing about the shop
  std::string home_url;   // empty: "/" shows a neutral page
  bool week_starts_monday = true;
};

class PublicProfile {
 public:
  [[nodiscard]] ProfileValues get() const {
    std::lock_guard lock(mutex_);
    return values_;
  }
  void set(ProfileValues values) {
    std::lock_guard lock(mutex_);
    values_ = std::move(values);
  }

 private:
  mutable std::mutex mutex_;
  ProfileValues values_;  // guarded by mutex_
};

}  // namespace sequencial::app
