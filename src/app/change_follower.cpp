// Listening to other nodes' changes, reconnecting and reloading.
#include "app/change_follower.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace sequencial::app {

ChangeFollower::ChangeFollower(ChangeFeed& store, domain::Catalog& catalog, DatabaseHealth& health,
                               std::function<void(const std::string&)> on_other,
                               ChangeFollowerOptions options)
    : store_(store),
      catalog_(catalog),
      health_(health),
      on_other_(std::move(on_other)),
      options_(options) {}

ChangeFollower::~ChangeFollower() { stop(); }

bool ChangeFollower::open() {
  auto listener = store_.open_change_listener();
  if (!listener) {
    health_.report(listener.error());
    spdlog::warn("event=change_feed_unavailable error=\"{}\"", listener.error().message);
    return true;  // only a shared backend can fail to open its feed
  }
  listener_ = std::move(*listener);
  return listener_ != nullptr;
}

void ChangeFollower::start() {
  thread_ = std::thread([this] { run(); });
}

void ChangeFollower::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool ChangeFollower::sleep_for(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  return wake_.wait_for(lock, duration, [this] { return stopping_; });
}

bool ChangeFollower::reconnect() {
  listener_.reset();
  auto listener = store_.open_change_listener();
  if (!listener || !*listener) {
    if (!listener) health_.report(listener.error());
    return false;
  }
  listener_ = std::move(*listener);
  if (auto ok = catalog_.reload(); !ok) {
    health_.report(ok.error());
    listener_.reset();
    return false;
  }
  for (const char* what : {"tokens", "users", "settings"}) {
    if (on_other_) on_other_(what);
  }
  health_.mark_up();
  spdlog::info("event=change_feed_connected reloaded=all");
  return true;
}

void ChangeFollower::run() {
  auto backoff = options_.min_backoff;
  bool was_up = health_.up() && listener_ != nullptr;
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    if (!listener_ || !health_.up()) {
      if (was_up) spdlog::warn("event=database_down action=serving_from_memory");
      was_up = false;
      if (!reconnect()) {
        if (sleep_for(backoff)) return;
        backoff = std::min(backoff * 2, options_.max_backoff);
        continue;
      }
      was_up = true;
      backoff = options_.min_backoff;
    }
    auto payloads = listener_->wait(options_.poll);
    if (!payloads) {
      spdlog::warn("event=change_feed_lost error=\"{}\"", payloads.error().message);
      health_.report(payloads.error());
      listener_.reset();
      continue;
    }
    bool catalog_changed = false;
    for (const auto& what : *payloads) {
      if (what == "links" || what == "centrals") {
        catalog_changed = true;
      } else if (on_other_) {
        on_other_(what);
      }
    }
    if (catalog_changed) {
      if (auto ok = catalog_.reload(); !ok) {
        spdlog::warn("event=reload_failed error=\"{}\"", ok.error().message);
        health_.report(ok.error());
        listener_.reset();  // reconnect and reload in full
      }
    }
  }
}

}  // namespace sequencial::app
