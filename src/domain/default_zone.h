// The default time zone of reports and business hours ("America/Sao_Paulo"):
// from --default-tz, replaced at run time by a value saved in the admin UI's
// settings (app/settings.h), so it is held behind a lock.
//
// Thread-safety: safe for concurrent use. Not read on the redirect path.
#pragma once

#include <mutex>
#include <string>

namespace sequencial::domain {

class DefaultZone {
 public:
  explicit DefaultZone(std::string zone) : zone_(std::move(zone)) {}
  [[nodiscard]] std::string get() const {
    std::lock_guard lock(mutex_);
    return zone_;
  }
  void set(std::string zone) {
    std::lock_guard lock(mutex_);
    zone_ = std::move(zone);
  }

 private:
  mutable std::mutex mutex_;
  std::string zone_;  // guarded by mutex_
};

}  // namespace sequencial::domain
